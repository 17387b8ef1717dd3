//! The command-line front end: `durable-lsp check` and its report formats, `graph` and
//! `lifecycle`.

pub mod changed;
pub mod check;
pub mod fix;
pub mod format;
pub mod graph;
pub mod lifecycle;
pub mod progress;

use std::path::PathBuf;

use crate::index::{IndexSettings, Workspace};

/// Indexes the folders `paths` (default: the current folder) for a report; the workspace and
/// the current folder (canonical), which the report's paths are relative to. Errors: a path that
/// is not a folder, or no Worker under the paths.
pub(crate) fn load_workers(paths: &[PathBuf], settings: IndexSettings) -> Result<(Workspace, PathBuf), String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let implicit = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &implicit[..] } else { paths };
    let mut roots = Vec::new();
    for path in paths {
        let absolute = cwd.join(path);
        if !absolute.is_dir() {
            return Err(format!("{}: not a folder", path.display()));
        }
        roots.push(std::fs::canonicalize(&absolute).unwrap_or(absolute));
    }
    let ws = Workspace::load(roots, settings);
    if ws.workers().next().is_none() {
        return Err("no Worker found: no wrangler config (wrangler.json, wrangler.jsonc, wrangler.toml)".to_string());
    }
    Ok((ws, std::fs::canonicalize(&cwd).unwrap_or(cwd)))
}
