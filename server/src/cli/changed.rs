//! `check --changed [BASE]`: the files a pull request touches, asked of `git`.
//!
//! The changed files are those that differ between the merge base of `BASE` and `HEAD` and the
//! working tree (`git diff --name-only <merge-base>`: committed, staged and unstaged changes),
//! plus untracked files that are not ignored (`git ls-files --others --exclude-standard`).
//! `git` runs as a subprocess in the current directory's repository.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The revision `--changed` compares against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedSince {
    /// The default branch: the first of `origin/HEAD`, `main`, `master` that exists.
    DefaultBranch,
    /// A revision given on the command line (a branch, tag or commit).
    Revision(String),
}

/// The branches tried, in order, for [`ChangedSince::DefaultBranch`].
pub(crate) const DEFAULT_BRANCHES: [&str; 3] = ["origin/HEAD", "main", "master"];

/// What `--changed` compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The absolute paths of the files changed since the merge base.
    pub files: HashSet<PathBuf>,
    /// The merge base of `BASE` and `HEAD` (a full commit id): the configs there count as
    /// deployed (`kv-storage-backend`).
    pub merge_base: String,
}

/// The files changed since `since` in the repository that holds `dir`, or a one-line reason
/// why they cannot be known (not a repository, unknown revision, no git).
pub fn changed_files(dir: &Path, since: &ChangedSince) -> Result<Changed, String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        if e.starts_with("cannot run git") {
            e
        } else {
            "--changed needs a git repository".to_owned()
        }
    })?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let base = match since {
        ChangedSince::Revision(rev) => {
            if !is_commit(&top, rev) {
                return Err(format!("--changed: unknown git revision `{rev}`"));
            }
            rev.as_str()
        }
        ChangedSince::DefaultBranch => {
            DEFAULT_BRANCHES.into_iter().find(|rev| is_commit(&top, rev)).ok_or_else(|| {
                "--changed: no default branch (origin/HEAD, main or master) to compare with; name one: --changed=BASE"
                    .to_owned()
            })?
        }
    };
    let merge_base = git(&top, &["merge-base", base, "HEAD"])
        .map_err(|e| format!("--changed: no common ancestor of `{base}` and HEAD: {e}"))?;
    let merge_base = merge_base.trim();
    let diff = git(&top, &["diff", "--name-only", "-z", merge_base, "--"])
        .map_err(|e| format!("--changed: git diff failed: {e}"))?;
    let untracked = git(&top, &["ls-files", "-z", "--others", "--exclude-standard"])
        .map_err(|e| format!("--changed: git ls-files failed: {e}"))?;
    let files = diff
        .split('\0')
        .chain(untracked.split('\0'))
        .filter(|name| !name.is_empty())
        .map(|name| top.join(name))
        .collect();
    Ok(Changed { files, merge_base: merge_base.to_owned() })
}

/// Whether `rev` names a commit in the repository at `dir`.
fn is_commit(dir: &Path, rev: &str) -> bool {
    // `--end-of-options` keeps a revision that starts with `-` from being read as an option.
    git(dir, &["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")]).is_ok()
}

/// Runs `git -C dir args...`; its stdout, or its first stderr line on failure.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output =
        Command::new("git").arg("-C").arg(dir).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(stderr.lines().next().unwrap_or("git failed").to_owned())
}
