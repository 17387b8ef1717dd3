//! `check --format sarif` validated by Microsoft's SARIF Multitool (`@microsoft/sarif-multitool`,
//! which checks the SARIF 2.1.0 JSON schema and the spec's rules).
//!
//! The validator is an npm package that `scripts/test` installs into `tests/tools`. Without it
//! (or without `node`) this test says it was skipped and passes, so that a plain `cargo test`
//! needs no Node packages, unless `DURABLE_LSP_REQUIRE_TOOLS=1` (set by `scripts/test`) makes
//! the missing tool a failure.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{repo_root, server_binary};

/// The validator's entry point, when it and `node` are installed.
fn multitool() -> Option<PathBuf> {
    let bin = repo_root().join("tests/tools/node_modules/@microsoft/sarif-multitool/bin.js");
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    (node && bin.is_file()).then_some(bin)
}

/// Validates `log`; returns the validator's results as (level, rule, message) triples.
fn validate(bin: &Path, log: &Path, dir: &Path) -> Vec<(String, String, String)> {
    let report = dir.join("validation.sarif");
    let out = Command::new("node")
        .arg(bin)
        .arg("validate")
        .arg(log)
        .arg("--output")
        .arg(&report)
        .args(["--log", "ForceOverwrite", "--level", "Error", "Warning", "Note"])
        .output()
        .unwrap_or_else(|e| panic!("run the SARIF multitool: {e}"));
    let console = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the SARIF multitool failed: {console}");
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{e}: {console}"));
    let validation: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    validation["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let field = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (field(&r["level"]), field(&r["ruleId"]), r["message"].to_string())
        })
        .collect()
}

#[test]
fn sarif_report_validates_against_the_sarif_2_1_0_schema() {
    let Some(bin) = multitool() else {
        support::skip_or_fail(
            "sarif_report_validates_against_the_sarif_2_1_0_schema",
            "node or the SARIF validator is missing (npm ci --prefix tests/tools)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(server_binary())
        .args(["check", "--format", "sarif"])
        .current_dir(repo_root().join("examples/mistakes"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let log = dir.path().join("mistakes.sarif");
    std::fs::write(&log, &out.stdout).unwrap_or_else(|e| panic!("{e}"));

    let results = validate(&bin, &log, dir.path());
    // Schema violations (JSON1xxx) and spec rule violations (SARIF1xxx) are errors; SARIF2xxx
    // best-practice advice is a warning or a note. Only notes are acceptable: ours are about
    // message ids instead of text, rule-id style and the like.
    let problems: Vec<_> = results.iter().filter(|(level, ..)| level != "note").collect();
    assert!(problems.is_empty(), "the SARIF report does not validate: {problems:#?}");
    // The multitool skips, silently, a log it cannot deserialize: no result at all means it did
    // not look. Its best-practice notes prove it read the whole log.
    assert!(!results.is_empty(), "the SARIF multitool reported nothing: did it read the log?");

    // And it does catch a broken log (a driver without its required `name`).
    let broken = dir.path().join("broken.sarif");
    std::fs::write(&broken, r#"{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[]}]}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let caught = validate(&bin, &broken, dir.path());
    assert!(caught.iter().any(|(level, rule, _)| level == "error" && rule == "JSON1002"), "{caught:#?}");
}
