//! `durable-lsp graph`: the map of the Workers under the given folders
//! ([`crate::features::graph`]) as Mermaid, DOT or JSON on stdout.

use std::path::PathBuf;

use crate::features::graph;
use crate::index::disk_cache::CacheSetting;
use crate::index::IndexSettings;

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
pub fn run(paths: &[PathBuf], format: GraphFormat, cache: &CacheSetting) -> Result<String, String> {
    let settings = IndexSettings { cache: cache.open(), ..IndexSettings::default() };
    let (ws, base) = super::load_workers(paths, settings)?;
    let map = graph::graph(&ws, &base);
    Ok(match format {
        GraphFormat::Mermaid => graph::mermaid(&map),
        GraphFormat::Dot => graph::dot(&map),
        GraphFormat::Json => serde_json::to_string_pretty(&map).map_err(|e| e.to_string())? + "\n",
    })
}
