//! `durable-lsp graph`: the map of the Workers under the given folders
//! ([`crate::features::graph`]) as Mermaid, DOT or JSON on stdout.

use std::path::PathBuf;

use crate::features::graph;
use crate::index::{IndexSettings, Workspace};

/// `--format` of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (GitHub renders it in Markdown inside a ```mermaid block).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// The map as JSON.
    Json,
}

/// Renders the map of the Workers under `paths` (default: the current folder), paths relative
/// to the current folder. Errors: a path that does not exist, or no Worker under the paths.
pub fn run(paths: &[PathBuf], format: GraphFormat) -> Result<String, String> {
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
    let ws = Workspace::load(roots, IndexSettings::default());
    if ws.workers().next().is_none() {
        return Err("no Worker found: no wrangler config (wrangler.json, wrangler.jsonc, wrangler.toml)".to_string());
    }
    let base = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let map = graph::graph(&ws, &base);
    Ok(match format {
        GraphFormat::Mermaid => graph::mermaid(&map),
        GraphFormat::Dot => graph::dot(&map),
        GraphFormat::Json => serde_json::to_string_pretty(&map).map_err(|e| e.to_string())? + "\n",
    })
}
