//! Rule fixtures: every `tests/fixtures/<rule-id>/<case>.txt` is a small project written as
//! `//- path` sections. Cases named `fires-*` must report the rule, `quiet-*` must not; the
//! findings of every rule are snapshot-tested in the text format.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use durable_lsp::analysis::{apply_edits, rules, Analysis, Finding, RuleMeta};
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

/// Writes a fixture's files under a fresh temporary folder.
fn materialize(files: &[(String, String)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    for (rel, body) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
    }
    (dir, root)
}

/// Indexes and analyses a project folder.
fn analyse(root: &Path) -> (Workspace, Vec<Finding>) {
    let mut ws = Workspace::load(vec![root.to_path_buf()], IndexSettings::default());
    let mut analysis = Analysis::default();
    analysis.update(&mut ws);
    let findings = analysis.all().into_iter().cloned().collect();
    (ws, findings)
}

/// The text report of findings, paths relative to `root`.
fn report(ws: &Workspace, root: &Path, findings: &[Finding]) -> String {
    let metas: Vec<RuleMeta> = rules::all_meta().copied().collect();
    let source = |p: &Path| ws.text(p).or_else(|| std::fs::read_to_string(p).ok().map(Arc::from));
    let cx = ReportContext { base: root, source: &source, rules: &metas, version: "test" };
    render(Format::Text { color: false }, findings, &cx)
}

/// Applies every fix of every finding to a fresh copy of the fixture and checks it: the edited
/// files still parse, the finding is gone, nothing but the edits changed (snapshot of the fixed
/// files), and the fix is not offered again. Returns the snapshot text, or `None` without fixes.
fn check_fixes(
    files: &[(String, String)],
    (ws, root): (&Workspace, &Path),
    findings: &[Finding],
    failures: &mut Vec<String>,
) -> Option<String> {
    let mut out = String::new();
    for finding in findings {
        for fix in &finding.fixes {
            let (_copy, copy_root) = materialize(files);
            let mut edited: Vec<String> = Vec::new();
            let rels: Vec<String> = fix
                .edits
                .iter()
                .map(|e| e.path.strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_default())
                .collect();
            let mut targets = rels.clone();
            targets.sort();
            targets.dedup();
            for rel in &targets {
                let path = copy_root.join(rel);
                let before = std::fs::read_to_string(&path).unwrap_or_default();
                let edits: Vec<_> = fix.edits.iter().zip(&rels).filter(|(_, r)| *r == rel).map(|(e, _)| e).collect();
                match apply_edits(&before, &edits) {
                    Ok(after) => {
                        std::fs::write(&path, &after).unwrap_or_else(|e| panic!("{e}"));
                        edited.push(format!("--- {rel}\n{after}"));
                    }
                    Err(err) => failures.push(format!("{}: fix `{}` cannot apply: {err:?}", finding.rule, fix.title)),
                }
            }
            let (ws_after, after) = analyse(&copy_root);
            let key = |f: &Finding| (f.rule, f.message.clone());
            let count = |list: &[Finding]| list.iter().filter(|f| key(f) == key(finding)).count();
            if count(&after) >= count(findings) {
                failures.push(format!("{}: fix `{}` leaves the finding", finding.rule, fix.title));
            }
            for f in after.iter().filter(|f| f.rule == "config-syntax") {
                failures.push(format!("fix `{}` breaks the config: {}", fix.title, f.message));
            }
            for rel in &targets {
                let errors =
                    |w: &Workspace, base: &Path| w.source(&base.join(rel)).map_or(0, |f| f.facts.syntax_errors.len());
                if errors(&ws_after, &copy_root) > errors(ws, root) {
                    failures.push(format!("fix `{}` introduces a syntax error in {rel}", fix.title));
                }
            }
            if after.iter().any(|f| f.fixes.iter().any(|g| g.title == fix.title && f.rule == finding.rule)) {
                failures.push(format!("{}: fix `{}` is offered again after applying it", finding.rule, fix.title));
            }
            out.push_str(&format!("=== {}: {}\n{}\n", finding.rule, fix.title, edited.join("\n")));
        }
    }
    (!out.is_empty()).then_some(out)
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
        let files = parse_fixture(&std::fs::read_to_string(path).unwrap_or_default());
        let (_dir, root) = materialize(&files);
        let (ws, findings) = analyse(&root);
        let text = report(&ws, &root, &findings);
        let found: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        let fired = found.contains(&rule.as_str());
        if case.starts_with("fires-") && !fired {
            failures.push(format!("{rule}/{case}: expected `{rule}`, got {found:?}\n{text}"));
        }
        if case.starts_with("quiet-") && fired {
            failures.push(format!("{rule}/{case}: `{rule}` must stay silent\n{text}"));
        }
        let fixed = check_fixes(&files, (&ws, &root), &findings, &mut failures);
        insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("{rule}__{case}"), text);
            if let Some(fixed) = fixed {
                insta::assert_snapshot!(format!("{rule}__{case}__fixed"), fixed);
            }
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
