//! Rule fixtures: every `tests/fixtures/<rule-id>/<case>.txt` is a small project written as
//! `//- path` sections. Cases named `fires-*` must report the rule, `quiet-*` must not; the
//! findings of every rule are snapshot-tested in the text format.

mod fixture_support;

use std::path::Path;
use std::sync::Arc;

use durable_lsp::analysis::{rules, Finding, RuleMeta};
use durable_lsp::cli::format::{render, Format, ReportContext};
use durable_lsp::index::Workspace;
use fixture_support::{analyse, apply_fix, case_name, fixtures, materialize, parse_fixture};

/// The text report of findings, paths relative to `root`.
fn report(ws: &Workspace, root: &Path, findings: &[Finding]) -> String {
    let metas: Vec<RuleMeta> = rules::all_meta().copied().collect();
    let source = |p: &Path| ws.text(p).or_else(|| std::fs::read_to_string(p).ok().map(Arc::from));
    let cx = ReportContext { base: root, source: &source, rules: &metas, version: "test", commit: "test" };
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
            let fixed = apply_fix(files, root, fix);
            failures.extend(fixed.errors.iter().map(|e| format!("{}: {e}", finding.rule)));
            let (_copy, copy_root) = materialize(&fixed.files);
            let targets = &fixed.edited;
            let edited: Vec<String> = targets
                .iter()
                .filter_map(|rel| fixed.files.iter().find(|(r, _)| r == rel))
                .map(|(rel, after)| format!("--- {rel}\n{after}"))
                .collect();
            let (ws_after, after) = analyse(&copy_root);
            let key = |f: &Finding| (f.rule, f.message.clone());
            let count = |list: &[Finding]| list.iter().filter(|f| key(f) == key(finding)).count();
            if count(&after) >= count(findings) {
                failures.push(format!("{}: fix `{}` leaves the finding", finding.rule, fix.title));
            }
            for f in after.iter().filter(|f| f.rule == "config-syntax") {
                failures.push(format!("fix `{}` breaks the config: {}", fix.title, f.message));
            }
            for rel in targets {
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

#[test]
fn rule_fixtures() {
    let all = fixtures();
    assert!(!all.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for (rule, path) in &all {
        assert!(rules::find(rule).is_some(), "fixture folder {rule} names no rule");
        let case = case_name(path);
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
