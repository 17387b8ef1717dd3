//! Rule fixtures: every `tests/fixtures/<rule-id>/<case>.txt` is a small project written as
//! `//- path` sections. Cases named `fires-*` must report the rule, `quiet-*` must not; the
//! findings of every rule are snapshot-tested in the text format, every finding's first line is
//! held to about 120 characters, and every fix is applied and checked.
//!
//! Each fixture is a test of its own, named `rule/case` (the harness is `libtest-mimic`, so
//! libtest's command line works): `cargo test --test rules -- missing-migration/` runs one
//! rule's fixtures, `--exact missing-migration/fires-typo` one fixture. They run in parallel.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use durable_lsp::analysis::{rules, Finding, RuleMeta};
use durable_lsp::cli::format::{render, Format, ReportContext};
use durable_lsp::index::Workspace;
use fixture_support::{
    analyse, apply_fix, case_name, fixtures, have_git, materialize, needs_git, parse_fixture, skip_or_fail,
};
use libtest_mimic::{Arguments, Failed, Trial};

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

/// The most characters a finding's first line may have (rules.md: "the first line says what is
/// wrong and what to do in at most ~120 characters"), names of typical length included.
const HEADLINE_LIMIT: usize = 120;

/// The characters a first line may have: [`HEADLINE_LIMIT`], plus what each backticked span (a
/// user's name, a path, an expression) has beyond 20 characters, since those are the user's.
fn headline_allowance(headline: &str) -> usize {
    let long_names: usize =
        headline.split('`').skip(1).step_by(2).map(|name| name.chars().count().saturating_sub(20)).sum();
    HEADLINE_LIMIT + long_names
}

/// Failures for the findings whose first line is longer than [`headline_allowance`].
fn long_headlines(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter_map(|f| {
            let headline = f.headline();
            let (length, allowed) = (headline.chars().count(), headline_allowance(headline));
            (length > allowed)
                .then(|| format!("{}: first line of {length} chars (at most {allowed}): {headline}", f.rule))
        })
        .collect()
}

/// One fixture: the rule must fire (`fires-*`) or stay quiet (`quiet-*`), every finding's first
/// line is short ([`long_headlines`]), its findings and its fixed files match their snapshots,
/// and every fix passes [`check_fixes`].
fn check_fixture(rule: &str, path: &Path) -> Result<(), Failed> {
    if rules::find(rule).is_none() {
        return Err(format!("fixture folder {rule} names no rule").into());
    }
    let case = case_name(path);
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let files = parse_fixture(&text);
    if needs_git(&files) && !have_git() {
        skip_or_fail(&format!("{rule}/{case}"), "git is not installed (apt-get install git)");
        return Ok(());
    }
    let (_dir, root) = materialize(&files);
    let (ws, findings) = analyse(&root);
    let text = report(&ws, &root, &findings);
    let found: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    let fired = found.contains(&rule);
    let mut failures = Vec::new();
    if case.starts_with("fires-") && !fired {
        failures.push(format!("{rule}/{case}: expected `{rule}`, got {found:?}\n{text}"));
    }
    if case.starts_with("quiet-") && fired {
        failures.push(format!("{rule}/{case}: `{rule}` must stay silent\n{text}"));
    }
    failures.extend(long_headlines(&findings));
    let fixed = check_fixes(&files, (&ws, &root), &findings, &mut failures);
    // Said before the snapshots are compared, as a failed comparison ends the test.
    for failure in &failures {
        eprintln!("{failure}\n");
    }
    insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(format!("{rule}__{case}"), text);
        if let Some(fixed) = fixed {
            insta::assert_snapshot!(format!("{rule}__{case}__fixed"), fixed);
        }
    });
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}

/// Every rule has a fixture that fires and one that stays quiet.
fn every_rule_has_fixtures_that_fire_and_stay_quiet(all: &[(String, PathBuf)]) -> Result<(), Failed> {
    let mut missing = Vec::new();
    for meta in rules::all_meta() {
        let cases: Vec<String> =
            all.iter().filter(|(r, _)| *r == meta.id.as_str()).map(|(_, p)| case_name(p)).collect();
        for kind in ["fires-", "quiet-"] {
            if !cases.iter().any(|c| c.starts_with(kind)) {
                missing.push(format!("{}: no {kind}* fixture", meta.id));
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("\n").into())
    }
}

/// The first-line check counts what it should: long backticked names are allowed for, the rest
/// of the line is not, and later lines are not measured.
fn headline_check_measures_first_lines() -> Result<(), Failed> {
    let short = "x".repeat(95);
    let name = format!("`{}`", "n".repeat(50));
    let finding = |message: String| Finding {
        rule: durable_lsp::analysis::RuleId::SqlInjection,
        severity: durable_lsp::analysis::Severity::Warning,
        location: durable_lsp::analysis::Location { path: Arc::new(PathBuf::from("/a.ts")), span: Default::default() },
        message,
        related: Vec::new(),
        fixes: Vec::new(),
    };
    let cases = [
        (format!("{short} {name}"), true),
        (format!("{short} {}", "y".repeat(30)), false),
        (format!("{short}\n{}", "z".repeat(300)), true),
    ];
    for (message, fits) in cases {
        if long_headlines(&[finding(message.clone())]).is_empty() != fits {
            return Err(format!("measured wrongly: {message}").into());
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let all = fixtures();
    let mut trials: Vec<Trial> = Vec::new();
    if all.is_empty() {
        trials.push(Trial::test("fixtures_exist", || Err("no fixtures found".into())));
    }
    for (rule, path) in all.clone() {
        trials.push(Trial::test(format!("{rule}/{}", case_name(&path)), move || check_fixture(&rule, &path)));
    }
    trials.push(Trial::test("headline_check_measures_first_lines", headline_check_measures_first_lines));
    trials.push(Trial::test("every_rule_has_fixtures_that_fire_and_stay_quiet", move || {
        every_rule_has_fixtures_that_fire_and_stay_quiet(&all)
    }));
    libtest_mimic::run(&args, trials).exit_code()
}
