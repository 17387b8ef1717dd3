//! Rule fixtures: every `tests/fixtures/<rule-id>/<case>.txt` is a small project written as
//! `//- path` sections. Cases named `fires-*` must report the rule, `quiet-*` must not; the
//! findings of every rule are snapshot-tested in the text format.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use durable_lsp::analysis::{rules, Analysis, RuleMeta};
use durable_lsp::cli::format::{render, Format, ReportContext};
use durable_lsp::index::{IndexSettings, Workspace};

/// Splits a fixture into (relative path, text) files.
fn parse_fixture(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        }
    }
    files
}

/// Runs the whole analysis over a fixture; returns the text report and the rule ids found.
fn run_fixture(fixture: &Path) -> (String, Vec<&'static str>) {
    let text = std::fs::read_to_string(fixture).unwrap_or_default();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    for (rel, body) in parse_fixture(&text) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut ws = Workspace::load(vec![root.clone()], IndexSettings::default());
    let mut analysis = Analysis::default();
    analysis.update(&mut ws);
    let findings: Vec<_> = analysis.all().into_iter().cloned().collect();
    let metas: Vec<RuleMeta> = rules::all_meta().copied().collect();
    let source = |p: &Path| ws.text(p).or_else(|| std::fs::read_to_string(p).ok().map(Arc::from));
    let cx = ReportContext { base: &root, source: &source, rules: &metas, version: "test" };
    let report = render(Format::Text { color: false }, &findings, &cx);
    (report, findings.iter().map(|f| f.rule).collect())
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut out = Vec::new();
    for rule_dir in std::fs::read_dir(&base).into_iter().flatten().flatten() {
        let rule = rule_dir.file_name().to_string_lossy().into_owned();
        for case in std::fs::read_dir(rule_dir.path()).into_iter().flatten().flatten() {
            if case.path().extension().is_some_and(|e| e == "txt") {
                out.push((rule.clone(), case.path()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn rule_fixtures() {
    let all = fixtures();
    assert!(!all.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for (rule, path) in &all {
        assert!(rules::find(rule).is_some(), "fixture folder {rule} names no rule");
        let case = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let (report, found) = run_fixture(path);
        let fired = found.contains(&rule.as_str());
        if case.starts_with("fires-") && !fired {
            failures.push(format!("{rule}/{case}: expected `{rule}`, got {found:?}\n{report}"));
        }
        if case.starts_with("quiet-") && fired {
            failures.push(format!("{rule}/{case}: `{rule}` must stay silent\n{report}"));
        }
        insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("{rule}__{case}"), report);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_fixtures_that_fire_and_stay_quiet() {
    let all = fixtures();
    for meta in rules::all_meta() {
        let cases: Vec<String> = all
            .iter()
            .filter(|(r, _)| r == meta.id)
            .filter_map(|(_, p)| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        assert!(cases.iter().any(|c| c.starts_with("fires-")), "{}: no fires-* fixture", meta.id);
        assert!(cases.iter().any(|c| c.starts_with("quiet-")), "{}: no quiet-* fixture", meta.id);
    }
}
