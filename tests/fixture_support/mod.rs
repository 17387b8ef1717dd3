//! Rule fixtures shared by the tests that read them: every `tests/fixtures/<rule-id>/<case>.txt`
//! is a small project written as `//- path` sections.

use std::path::{Path, PathBuf};

use durable_lsp::analysis::{apply_edits, Analysis, Finding, Fix};
use durable_lsp::index::{IndexSettings, Workspace};

/// A fixture's files: (path relative to the project root, text).
pub type Files = Vec<(String, String)>;

/// Every fixture: (rule id, path of the case file), sorted.
pub fn fixtures() -> Vec<(String, PathBuf)> {
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

/// The case name of a fixture path (`fires-typos`).
pub fn case_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Splits a fixture into its files.
pub fn parse_fixture(text: &str) -> Files {
    let mut files: Files = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        }
    }
    files
}

/// Writes files under `root`.
pub fn write_files(root: &Path, files: &[(String, String)]) {
    for (rel, body) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Writes a fixture's files under a fresh temporary folder.
pub fn materialize(files: &[(String, String)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    write_files(&root, files);
    (dir, root)
}

/// Indexes and analyses a project folder.
pub fn analyse(root: &Path) -> (Workspace, Vec<Finding>) {
    let mut ws = Workspace::load(vec![root.to_path_buf()], IndexSettings::default());
    let mut analysis = Analysis::default();
    analysis.update(&mut ws);
    let findings = analysis.all().into_iter().cloned().collect();
    (ws, findings)
}

/// A fixture's files after one fix.
pub struct Fixed {
    /// Every file, the edited ones with their new text.
    pub files: Files,
    /// The edited files, sorted.
    pub edited: Vec<String>,
    /// The edits that could not apply, as messages.
    pub errors: Vec<String>,
}

/// Applies `fix` (found in the project materialized at `root`) to `files`.
pub fn apply_fix(files: &[(String, String)], root: &Path, fix: &Fix) -> Fixed {
    let rels: Vec<String> = fix
        .edits
        .iter()
        .map(|e| e.path.strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_default())
        .collect();
    let mut edited = rels.clone();
    edited.sort();
    edited.dedup();
    let mut out = Fixed { files: files.to_vec(), edited, errors: Vec::new() };
    for rel in &out.edited {
        let edits: Vec<_> = fix.edits.iter().zip(&rels).filter(|(_, r)| *r == rel).map(|(e, _)| e).collect();
        // A fix may create a file.
        let index = match out.files.iter().position(|(r, _)| r == rel) {
            Some(index) => index,
            None => {
                out.files.push((rel.clone(), String::new()));
                out.files.len() - 1
            }
        };
        match apply_edits(&out.files[index].1, &edits) {
            Ok(after) => out.files[index].1 = after,
            Err(err) => out.errors.push(format!("fix `{}` cannot apply: {err:?}", fix.title)),
        }
    }
    out
}

/// Says that a test that needs a missing tool was skipped, or fails it when `scripts/test`
/// requires the tools (`DURABLE_LSP_REQUIRE_TOOLS=1`). The note is written to the stderr
/// handle, not with `eprintln!`, which the test harness captures and hides for passing tests:
/// plain `cargo test` shows it.
#[allow(dead_code)] // used by typecheck.rs, not rules.rs
pub fn skip_or_fail(test: &str, missing: &str) {
    use std::io::Write;
    let required = std::env::var("DURABLE_LSP_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    assert!(!required, "DURABLE_LSP_REQUIRE_TOOLS=1 but {missing}");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {missing}");
}
