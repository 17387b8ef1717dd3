//! `durable-lsp lifecycle`: what the next deploy does to the Durable Objects of the Workers
//! under the given folders ([`crate::features::lifecycle_diff`]), as text, markdown or JSON on
//! stdout.

use std::path::PathBuf;

use crate::features::lifecycle_diff;
use crate::index::disk_cache::CacheSetting;
use crate::index::{git, IndexSettings};

/// `--format` of `lifecycle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LifecycleFormat {
    /// One block per Worker.
    Text,
    /// A pull request comment: a table of the changes, deletes first.
    Markdown,
    /// The report as JSON.
    Json,
}

/// Renders what the next deploy does to the Workers under `paths` (default: the current
/// folder), each config compared with itself at the git revision `base`; paths relative to the
/// current folder. Errors: a path that is not a folder, no Worker under the paths, a revision
/// that names no commit, or a repository that cannot be read.
pub fn run(
    paths: &[PathBuf],
    base: Option<&str>,
    format: LifecycleFormat,
    cache: &CacheSetting,
) -> Result<String, String> {
    let base = match base {
        Some(base) => base.to_owned(),
        None => default_base(&std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?),
    };
    let settings = IndexSettings { baseline_rev: Some(base), cache: cache.open(), ..IndexSettings::default() };
    let (ws, cwd) = super::load_workers(paths, settings)?;
    let diff = lifecycle_diff::lifecycle_diff(&ws, &cwd).map_err(|e| format!("--base: {e}"))?;
    Ok(match format {
        LifecycleFormat::Text => lifecycle_diff::text(&diff),
        LifecycleFormat::Markdown => lifecycle_diff::markdown(&diff),
        LifecycleFormat::Json => serde_json::to_string_pretty(&diff).map_err(|e| e.to_string())? + "\n",
    })
}

/// The base when `--base` is not given: `HEAD`; in CI (`CI` set to `true` or `1`, as GitHub
/// Actions, GitLab CI and most others set it), the merge base of `HEAD` with the default branch
/// (the first of `origin/HEAD`, `main`, `master` that names a commit), which is what a pull
/// request's deploy starts from. `HEAD` when there is no such branch (a shallow clone without
/// it: fetch it, or pass `--base`). Read in process from the repository in `dir`.
fn default_base(dir: &std::path::Path) -> String {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !in_ci {
        return "HEAD".to_owned();
    }
    // The git functions take a file's path and look from its folder up.
    let in_dir = dir.join("wrangler.jsonc");
    for branch in super::changed::DEFAULT_BRANCHES {
        if !matches!(git::commit_id(&in_dir, branch), Ok(Some(_))) {
            continue;
        }
        if let Ok(Some(base)) = git::merge_base(&in_dir, branch, "HEAD") {
            return base;
        }
    }
    tracing::warn!("lifecycle: in CI, but no default branch (origin/HEAD, main, master) shares history with HEAD: comparing with HEAD");
    "HEAD".to_owned()
}
