//! `durable-lsp lifecycle`: what the next deploy does to the Durable Objects of the Workers
//! under the given folders ([`crate::features::lifecycle_diff`]), as text, markdown or JSON on
//! stdout.

use std::path::PathBuf;

use crate::features::lifecycle_diff;
use crate::index::IndexSettings;

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
pub fn run(paths: &[PathBuf], base: &str, format: LifecycleFormat) -> Result<String, String> {
    let settings = IndexSettings { baseline_rev: Some(base.to_owned()), ..IndexSettings::default() };
    let (ws, cwd) = super::load_workers(paths, settings)?;
    let diff = lifecycle_diff::lifecycle_diff(&ws, &cwd).map_err(|e| format!("--base: {e}"))?;
    Ok(match format {
        LifecycleFormat::Text => lifecycle_diff::text(&diff),
        LifecycleFormat::Markdown => lifecycle_diff::markdown(&diff),
        LifecycleFormat::Json => serde_json::to_string_pretty(&diff).map_err(|e| e.to_string())? + "\n",
    })
}
