//! The TypeScript rule fixtures, before and after every fix, type-checked by `tsc` against
//! `@cloudflare/workers-types`: a fix that breaks the types is a bug. The fixtures of the rules
//! about Durable Object classes and call sites (sections D and E of the rule catalogue) must
//! type-check as written too, but for the mistakes they make on purpose.
//!
//! TypeScript and the Workers types are npm packages that `scripts/test` installs into
//! `tests/tools`. Without them (or without `node`) this test says it was skipped and passes,
//! unless `DURABLE_LSP_REQUIRE_TOOLS=1` (set by `scripts/test`) makes the missing tool a failure.
//!
//! Speed: every project (a fixture, or a fixture after one fix) becomes a folder with its own
//! `tsconfig.json`, all referenced by one solution `tsconfig.json`, and a single `tsc -b` checks
//! them all, loading the compiler and the Workers types once.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixture_support::{analyse, apply_fix, case_name, fixtures, materialize, parse_fixture, write_files, Files};

/// The rules of sections D (inside a DO class) and E (call sites) of the catalogue, whose
/// fixtures must type-check as written.
const TYPE_CLEAN_RULES: &[&str] = &[
    "set-timeout-in-durable-object",
    "set-alarm-without-handler",
    "websocket-accept-without-hibernation",
    "missing-websocket-handler",
    "hibernation-state-lost",
    "outgoing-websocket",
    "constructor-missing-super",
    "constructor-unguarded-async",
    "sqlite-api-on-kv-class",
    "sql-injection",
    "internal-sql-table",
    "sql-transaction-statement",
    "websocket-close-not-reciprocated",
    "websocket-close-reason-too-long",
    "delete-all-keeps-alarm",
    "transaction-sync-async",
    "invalid-location-hint",
    "invalid-jurisdiction",
    "location-hint-with-jurisdiction",
    "stub-fetch-relative-url",
];

/// Type errors fixtures have on purpose, as (`rule/case`, error code): the mistake the rule
/// reports is one TypeScript sees too, or the fixture imports a package base that is not
/// installed (what the rules must stay quiet about).
const EXPECTED_ERRORS: &[(&str, &str)] = &[
    // A constructor without `super(...)`: the very mistake.
    ("constructor-missing-super/fires-no-super", "TS2377"),
    // Classes extending bases from packages (`partyserver`, `agents`, an unknown library).
    ("set-timeout-in-durable-object/quiet-unreadable-bases", "TS2307"),
    ("set-alarm-without-handler/quiet-handler-or-unknown-base", "TS2307"),
    ("set-alarm-without-handler/quiet-handler-or-unknown-base", "TS2339"),
    ("set-alarm-without-handler/quiet-handler-installed-by-a-helper", "TS2307"),
    ("websocket-close-not-reciprocated/quiet-closes-or-delegates", "TS2307"),
    ("missing-websocket-handler/quiet-handler-or-package-base", "TS2307"),
    ("missing-websocket-handler/quiet-handler-or-package-base", "TS2339"),
    ("sqlite-api-on-kv-class/fires-agent-bases", "TS2307"),
    ("sqlite-api-on-kv-class/fires-ai-chat-agent-exports", "TS2307"),
    ("sqlite-api-on-kv-class/quiet-bases-without-sql", "TS2307"),
    // A location hint that is not one: `DurableObjectLocationHint` is a union of the hints, so
    // TypeScript sees the very mistake the rule reports (TS2820 adds a "did you mean").
    ("invalid-location-hint/fires-ambiguous-words", "TS2322"),
    ("invalid-location-hint/fires-case-differences", "TS2322"),
    ("invalid-location-hint/fires-cloud-region-ids", "TS2322"),
    ("invalid-location-hint/fires-constant-from-another-module", "TS2322"),
    ("invalid-location-hint/fires-jurisdiction-and-auto", "TS2322"),
    ("invalid-location-hint/fires-place-words", "TS2322"),
    ("invalid-location-hint/fires-region-constant-from-another-module", "TS2322"),
    ("invalid-location-hint/fires-case-differences", "TS2820"),
];

/// The compiler's entry point, when it and `node` are installed.
fn tsc() -> Option<PathBuf> {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tools/node_modules");
    let bin = tools.join("typescript/bin/tsc");
    let types = tools.join("@cloudflare/workers-types/index.d.ts");
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    (node && bin.is_file() && types.is_file()).then_some(bin)
}

/// One project to type-check.
struct Project {
    /// The fixture (`rule/case`).
    fixture: String,
    /// True when the fixture itself must type-check.
    must_be_clean: bool,
    /// `None` for the fixture as written, else the fix applied (`rule: title`).
    fix: Option<String>,
    /// Its files.
    files: Files,
}

/// A type error: (file relative to its project, code, message). Positions are left out: a fix
/// moves them.
type TypeError = (String, String, String);

/// True for the files `tsc` checks.
fn is_typescript(rel: &str) -> bool {
    [".ts", ".tsx", ".mts", ".cts"].iter().any(|ext| rel.ends_with(ext))
}

/// The projects: each TypeScript fixture, and a copy of it after each fix.
fn projects() -> Vec<Project> {
    let mut out = Vec::new();
    for (rule, path) in fixtures() {
        let files = parse_fixture(&std::fs::read_to_string(&path).unwrap_or_default());
        if !files.iter().any(|(rel, _)| is_typescript(rel)) {
            continue;
        }
        let fixture = format!("{rule}/{}", case_name(&path));
        let must_be_clean = TYPE_CLEAN_RULES.contains(&rule.as_str());
        let (_dir, root) = materialize(&files);
        let (_ws, findings) = analyse(&root);
        for finding in &findings {
            for fix in &finding.fixes {
                let fixed = apply_fix(&files, &root, fix);
                assert!(fixed.errors.is_empty(), "{fixture}: {}", fixed.errors.join("; "));
                let label = format!("{}: {}", finding.rule, fix.title);
                out.push(Project { fixture: fixture.clone(), must_be_clean, fix: Some(label), files: fixed.files });
            }
        }
        out.push(Project { fixture, must_be_clean, fix: None, files });
    }
    out
}

/// Writes every project as `p<N>/` under `root`, with its `tsconfig.json`, and the solution
/// `tsconfig.json` that references them all.
fn write_solution(root: &Path, projects: &[Project]) {
    let options = serde_json::json!({
        "strict": true,
        "target": "esnext",
        "module": "esnext",
        "moduleResolution": "bundler",
        "lib": ["esnext"],
        "types": ["@cloudflare/workers-types"],
        "noEmit": true,
        "skipLibCheck": true,
        // `tsc -b` builds composite projects only.
        "composite": true,
    });
    let mut references = Vec::new();
    for (i, project) in projects.iter().enumerate() {
        let dir = format!("p{i}");
        let config = serde_json::json!({ "compilerOptions": options, "include": ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"] });
        let mut files = project.files.clone();
        // A fixture's own `tsconfig.json` would be replaced: the settings above are the test's.
        files.retain(|(rel, _)| rel != "tsconfig.json");
        files.push(("tsconfig.json".to_owned(), config.to_string()));
        write_files(&root.join(&dir), &files);
        references.push(serde_json::json!({ "path": dir }));
    }
    let solution = serde_json::json!({ "files": [], "references": references });
    std::fs::write(root.join("tsconfig.json"), solution.to_string()).unwrap_or_else(|e| panic!("{e}"));
}

/// Reads `tsc --pretty false` output: the errors of each project (by index), and the lines that
/// belong to no project file.
fn parse_output(output: &str) -> (BTreeMap<usize, Vec<TypeError>>, Vec<String>) {
    let mut errors: BTreeMap<usize, Vec<TypeError>> = BTreeMap::new();
    let mut stray = Vec::new();
    let mut last: Option<usize> = None;
    for line in output.lines() {
        if line.starts_with(' ') {
            // The continuation of the previous error's message.
            if let Some(error) = last.and_then(|p| errors.get_mut(&p)).and_then(|list| list.last_mut()) {
                error.2.push('\n');
                error.2.push_str(line.trim());
            }
            continue;
        }
        last = None;
        let parsed = (|| {
            let (location, rest) = line.split_once("): error ")?;
            let (file, _position) = location.rsplit_once('(')?;
            let (project, rel) = file.split_once('/')?;
            let index: usize = project.strip_prefix('p')?.parse().ok()?;
            let (code, message) = rest.split_once(": ")?;
            Some((index, (rel.to_owned(), code.to_owned(), message.to_owned())))
        })();
        match parsed {
            Some((index, error)) => {
                errors.entry(index).or_default().push(error);
                last = Some(index);
            }
            None if !line.trim().is_empty() => stray.push(line.to_owned()),
            None => {}
        }
    }
    (errors, stray)
}

/// Formats errors for a failure message.
fn describe(errors: &[&TypeError]) -> String {
    errors.iter().map(|(file, code, message)| format!("  {file}: {code}: {message}")).collect::<Vec<_>>().join("\n")
}

#[cfg(unix)]
#[test]
fn fixtures_type_check_before_and_after_every_fix() {
    let Some(tsc) = tsc() else {
        fixture_support::skip_or_fail(
            "fixtures_type_check_before_and_after_every_fix",
            "node, TypeScript or the Workers types are missing (npm ci --prefix tests/tools)",
        );
        return;
    };
    let projects = projects();
    assert!(projects.iter().any(|p| p.fix.is_some()), "no fixes found to type-check");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write_solution(root, &projects);
    // The projects find `@cloudflare/workers-types` the way a Worker does: in a `node_modules`
    // of a folder above them.
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tools/node_modules");
    std::os::unix::fs::symlink(&tools, root.join("node_modules")).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("node")
        .arg(&tsc)
        .args(["-b", "--pretty", "false"])
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("run tsc: {e}"));
    let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let (errors, stray) = parse_output(&output);
    assert!(stray.is_empty(), "tsc printed what is no error of a fixture file:\n{output}");
    assert!(out.status.success() || !errors.is_empty(), "tsc failed without errors:\n{output}");

    let stale: Vec<_> = EXPECTED_ERRORS
        .iter()
        .filter(|(fixture, code)| {
            let index = projects.iter().position(|p| p.fixture == *fixture && p.fix.is_none());
            !index.and_then(|i| errors.get(&i)).is_some_and(|list| list.iter().any(|(_, c, _)| c == code))
        })
        .collect();
    assert!(stale.is_empty(), "EXPECTED_ERRORS lists errors tsc no longer reports: {stale:?}");

    let no_errors = Vec::new();
    let errors_of = |index: usize| errors.get(&index).unwrap_or(&no_errors);
    let mut failures = Vec::new();
    for (index, project) in projects.iter().enumerate() {
        let Some(before_index) = projects.iter().position(|p| p.fixture == project.fixture && p.fix.is_none()) else {
            continue;
        };
        let before = errors_of(before_index);
        match &project.fix {
            None if project.must_be_clean => {
                let unexpected: Vec<&TypeError> = before
                    .iter()
                    .filter(|(_, code, _)| !EXPECTED_ERRORS.contains(&(project.fixture.as_str(), code.as_str())))
                    .collect();
                if !unexpected.is_empty() {
                    failures.push(format!("{} does not type-check:\n{}", project.fixture, describe(&unexpected)));
                }
            }
            Some(fix) => {
                // What the fix adds: its errors less the original's, counted as a multiset.
                let mut remaining: Vec<&TypeError> = before.iter().collect();
                let mut added = Vec::new();
                for error in errors_of(index) {
                    match remaining.iter().position(|e| *e == error) {
                        Some(at) => {
                            remaining.swap_remove(at);
                        }
                        None => added.push(error),
                    }
                }
                if !added.is_empty() {
                    failures.push(format!("{}: fix `{fix}` breaks the types:\n{}", project.fixture, describe(&added)));
                }
            }
            None => {}
        }
    }
    let fixes = projects.iter().filter(|p| p.fix.is_some()).count();
    eprintln!("type-checked {} fixtures and {fixes} fixed copies", projects.len() - fixes);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
