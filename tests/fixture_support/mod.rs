//! Rule fixtures shared by the tests that read them: every `tests/fixtures/<rule-id>/<case>.txt`
//! is a small project written as `//- path` sections.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

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

/// The section prefix of a file's text at git `HEAD`: `//- @committed wrangler.jsonc`.
const COMMITTED: &str = "@committed ";
/// The section prefix of a file left out of the commit (body ignored): `//- @untracked src/a.ts`.
const UNTRACKED: &str = "@untracked ";

/// True when a fixture is a git repository: it has an `@committed` or `@untracked` section.
/// Its `HEAD` commit then holds every file as written, except that an `@committed <path>`
/// section gives that file's committed text (the working tree keeps its own section's text,
/// or has no such file when there is none) and an `@untracked <path>` file is not committed.
pub fn needs_git(files: &[(String, String)]) -> bool {
    files.iter().any(|(rel, _)| rel.starts_with(COMMITTED) || rel.starts_with(UNTRACKED))
}

/// True when the `git` binary runs.
pub fn have_git() -> bool {
    std::process::Command::new("git").arg("--version").output().is_ok_and(|out| out.status.success())
}

/// Writes files under `root` (the working tree: `@committed` and `@untracked` sections are
/// not files).
pub fn write_files(root: &Path, files: &[(String, String)]) {
    for (rel, body) in files.iter().filter(|(rel, _)| !rel.starts_with('@')) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Writes a fixture's files under a fresh temporary folder (a git repository when
/// [`needs_git`]; the caller checks [`have_git`] first).
pub fn materialize(files: &[(String, String)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    if needs_git(files) {
        commit(&root, files);
    }
    write_files(&root, files);
    (dir, root)
}

/// Makes `root` a git repository whose `HEAD` holds the fixture's committed files (see
/// [`needs_git`]), then clears the folder for the working tree.
fn commit(root: &Path, files: &[(String, String)]) {
    let untracked: Vec<&str> = files.iter().filter_map(|(rel, _)| rel.strip_prefix(UNTRACKED)).map(str::trim).collect();
    let mut committed: Vec<(String, String)> = files
        .iter()
        .filter(|(rel, _)| !rel.starts_with('@') && !untracked.contains(&rel.as_str()))
        .filter(|(rel, _)| !files.iter().any(|(r, _)| r.strip_prefix(COMMITTED).is_some_and(|c| c.trim() == rel)))
        .cloned()
        .collect();
    committed.extend(
        files.iter().filter_map(|(rel, body)| Some((rel.strip_prefix(COMMITTED)?.trim().to_owned(), body.clone()))),
    );
    git(root, &["init", "-q"]);
    write_files(root, &committed);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "--allow-empty", "-m", "fixture"]);
    for (rel, _) in &committed {
        std::fs::remove_file(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
}

/// Runs `git args...` in `dir`, isolated from the user's and the system's git config.
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=fixture", "-c", "user.email=fixture@example.com", "-c", "init.defaultBranch=main"])
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap_or_else(|e| panic!("git {args:?}: {e}"));
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
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
pub fn skip_or_fail(test: &str, missing: &str) {
    use std::io::Write;
    let required = std::env::var("DURABLE_LSP_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    assert!(!required, "DURABLE_LSP_REQUIRE_TOOLS=1 but {missing}");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {missing}");
}
