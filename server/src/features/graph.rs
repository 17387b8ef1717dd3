//! The map of a workspace (`durable-lsp graph`): every Worker, its Durable Object bindings, the
//! class each reaches (across `script_name`), and each class's storage and state, read from the
//! top level of each config. Rendered as Mermaid (GitHub draws it in a README or a pull
//! request), Graphviz DOT, or JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{relative, NO_OVERRIDES};
use crate::analysis::WorkerContext;
use crate::config::{ClassState, Storage};
use crate::index::{Worker, Workspace};
use crate::text::position::LineIndex;
use crate::text::Span;

/// The map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Every Worker, by config path.
    pub workers: Vec<GraphWorker>,
}

/// One Worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphWorker {
    /// Its `name`, if the config has one.
    pub name: Option<String>,
    /// Its config, relative to the base folder.
    pub config: String,
    /// Its config's absolute path (for an editor to open; not in the JSON report).
    #[serde(skip)]
    pub config_path: PathBuf,
    /// Its Durable Object bindings (top level), in config order.
    pub bindings: Vec<GraphBinding>,
    /// Its Durable Object classes: those its lifecycle names, then those its own bindings name
    /// without a lifecycle.
    pub classes: Vec<GraphClass>,
}

/// A Durable Object binding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphBinding {
    /// The binding's name (`env.X`).
    pub name: String,
    /// The class it names.
    pub class: String,
    /// The Worker named by `script_name`, if any.
    pub script: Option<String>,
    /// The config of the Worker whose class it reaches (its own for a local binding), relative
    /// to the base folder; `None` when no Worker of the workspace has that name.
    pub target: Option<String>,
    /// The span of its `name` value in the Worker's config (not in the JSON report).
    #[serde(skip)]
    pub span: Span,
}

/// A Durable Object class of a Worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphClass {
    /// The class name.
    pub name: String,
    /// `sqlite`, `kv`, or `None` when no lifecycle step gives it storage.
    pub storage: Option<&'static str>,
    /// `live`, `deleted`, `renamed`, `transferred`, `expecting-transfer`, or `none` (no lifecycle).
    pub state: &'static str,
    /// Where the class is declared (`path:line`, relative to the base folder), when found.
    pub declared: Option<String>,
    /// The file and the span of the class's name where it is declared (not in the JSON report).
    #[serde(skip)]
    pub declaration: Option<(PathBuf, Span)>,
}

/// The map of every Worker of `ws`, paths relative to `base`.
pub fn graph(ws: &Workspace, base: &Path) -> Graph {
    graph_of(ws, base, |_| true)
}

/// The map of the Workers of the workspace folder that holds `file` (the folder nearest to it
/// when folders nest), paths relative to that folder; `None` when no folder holds it.
pub fn graph_of_folder(ws: &Workspace, file: &Path) -> Option<Graph> {
    let root = ws.roots().iter().filter(|r| file.starts_with(r)).max_by_key(|r| r.components().count())?;
    Some(graph_of(ws, root, |w| w.config_path.starts_with(root)))
}

/// The map of the Workers `keep` accepts, paths relative to `base`.
fn graph_of(ws: &Workspace, base: &Path, keep: impl Fn(&Worker) -> bool) -> Graph {
    let rel = |p: &Path| relative(p, base).replace('\\', "/");
    let mut workers: Vec<GraphWorker> = ws
        .workers()
        .filter(|w| keep(w))
        .map(|worker| {
            let cx = WorkerContext::new(ws, worker, &NO_OVERRIDES);
            let top = cx.envs.first();
            let bindings: Vec<GraphBinding> = top
                .map(|view| view.env.do_bindings())
                .unwrap_or_default()
                .iter()
                .filter_map(|b| {
                    let (name, class) = (b.name.as_ref()?, b.class_name.as_ref()?);
                    let script = b.script_name.as_ref().map(|s| s.value.clone());
                    let target = match &script {
                        None => Some(rel(&worker.config_path)),
                        Some(s) => ws.workers_named(s, &worker.dir).first().map(|w| rel(&w.config_path)),
                    };
                    Some(GraphBinding {
                        name: name.value.clone(),
                        class: class.value.clone(),
                        script,
                        target,
                        span: name.span,
                    })
                })
                .collect();
            let mut classes: Vec<GraphClass> = Vec::new();
            if let Some(view) = top {
                for c in &view.lifecycle.classes {
                    let state = match c.state {
                        ClassState::Live => "live",
                        ClassState::Deleted => "deleted",
                        ClassState::RenamedTo(_) => "renamed",
                        ClassState::TransferredAway(_) => "transferred",
                        ClassState::ExpectingTransfer => "expecting-transfer",
                    };
                    let storage = c.storage.map(Storage::as_str);
                    classes.push(GraphClass {
                        name: c.name.clone(),
                        storage,
                        state,
                        declared: None,
                        declaration: None,
                    });
                }
            }
            for b in bindings.iter().filter(|b| b.script.is_none()) {
                if !classes.iter().any(|c| c.name == b.class) {
                    classes.push(GraphClass {
                        name: b.class.clone(),
                        storage: None,
                        state: "none",
                        declared: None,
                        declaration: None,
                    });
                }
            }
            for class in &mut classes {
                let Some(c) = cx.find_class(&class.name) else { continue };
                let (Some(fact), Some(text)) = (ws.class(c), ws.text(&c.file)) else { continue };
                let line = LineIndex::new(&text).line_of(fact.name.span.start) + 1;
                class.declared = Some(format!("{}:{line}", rel(&c.file)));
                class.declaration = Some((c.file.to_path_buf(), fact.name.span));
            }
            GraphWorker {
                name: worker.name().map(str::to_owned),
                config: rel(&worker.config_path),
                config_path: worker.config_path.to_path_buf(),
                bindings,
                classes,
            }
        })
        .collect();
    workers.sort_by(|a, b| a.config.cmp(&b.config));
    Graph { workers }
}

impl GraphClass {
    /// `ChatRoom · SQLite`, `Old · deleted`.
    fn label(&self) -> String {
        let storage = match self.storage {
            Some("sqlite") => Storage::Sqlite.label(),
            Some("kv") => Storage::Kv.label(),
            _ => "no storage",
        };
        match self.state {
            "live" | "expecting-transfer" => format!("{} · {storage}", self.name),
            "none" => format!("{} · no lifecycle", self.name),
            state => format!("{} · {state}", self.name),
        }
    }
}

impl GraphWorker {
    fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} · {}", self.config),
            None => self.config.clone(),
        }
    }
}

/// An edge from binding `(w, b)` to the class it reaches: `(worker index, class index)`, or
/// `None` when that Worker or class is not in the map.
fn reaches(graph: &Graph, w: usize, b: usize) -> Option<(usize, usize)> {
    let binding = &graph.workers[w].bindings[b];
    let target = graph.workers.iter().position(|t| Some(&t.config) == binding.target.as_ref())?;
    let class = graph.workers[target].classes.iter().position(|c| c.name == binding.class)?;
    Some((target, class))
}

/// An edge of the map, from binding `b` of Worker `w`.
enum Edge {
    /// To class `c` of Worker `t` (its own Worker, or the one `script` names).
    To { w: usize, b: usize, t: usize, c: usize, script: Option<String> },
    /// To a class the map lacks (`label` says which).
    Missing { w: usize, b: usize, label: String },
}

/// Every edge, in Worker and binding order: what both renderers draw.
fn edges(graph: &Graph) -> Vec<Edge> {
    let mut out = Vec::new();
    for (w, worker) in graph.workers.iter().enumerate() {
        for (b, binding) in worker.bindings.iter().enumerate() {
            out.push(match reaches(graph, w, b) {
                Some((t, c)) => Edge::To { w, b, t, c, script: binding.script.clone() },
                None => {
                    let label = match &binding.script {
                        Some(s) => format!("{} in {s} · not found", binding.class),
                        None => format!("{} · not found", binding.class),
                    };
                    Edge::Missing { w, b, label }
                }
            });
        }
    }
    out
}

/// A label inside Mermaid's double quotes (`"` is `#quot;` there).
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// The map as a Mermaid flowchart: a subgraph per Worker, a rounded node per binding, a
/// subroutine-shaped node per class; local edges solid, `script_name` edges dotted.
pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (w, worker) in graph.workers.iter().enumerate() {
        let _ = writeln!(out, "  subgraph W{w}[\"{}\"]", mermaid_text(&worker.label()));
        for (b, binding) in worker.bindings.iter().enumerate() {
            let _ = writeln!(out, "    W{w}B{b}([\"{}\"])", mermaid_text(&binding.name));
        }
        for (c, class) in worker.classes.iter().enumerate() {
            let _ = writeln!(out, "    W{w}C{c}[[\"{}\"]]", mermaid_text(&class.label()));
        }
        out.push_str("  end\n");
    }
    for edge in edges(graph) {
        let _ = match edge {
            Edge::To { w, b, t, c, script: None } => writeln!(out, "  W{w}B{b} --> W{t}C{c}"),
            Edge::To { w, b, t, c, script: Some(script) } => {
                writeln!(out, "  W{w}B{b} -.->|\"{}\"| W{t}C{c}", mermaid_text(&format!("script_name {script}")))
            }
            Edge::Missing { w, b, label } => writeln!(out, "  W{w}B{b} -.-> W{w}M{b}[\"{}\"]", mermaid_text(&label)),
        };
    }
    out
}

/// A DOT string literal.
fn dot_text(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The map as Graphviz DOT: a cluster per Worker, an ellipse per binding, a box per class;
/// `script_name` edges dashed and labelled.
pub fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph durable_objects {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for (w, worker) in graph.workers.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{w} {{\n    label={};", dot_text(&worker.label()));
        for (b, binding) in worker.bindings.iter().enumerate() {
            let _ = writeln!(out, "    w{w}_b{b} [label={}, shape=ellipse];", dot_text(&binding.name));
        }
        for (c, class) in worker.classes.iter().enumerate() {
            let _ = writeln!(out, "    w{w}_c{c} [label={}, shape=box];", dot_text(&class.label()));
        }
        out.push_str("  }\n");
    }
    for edge in edges(graph) {
        let _ = match edge {
            Edge::To { w, b, t, c, script: None } => writeln!(out, "  w{w}_b{b} -> w{t}_c{c};"),
            Edge::To { w, b, t, c, script: Some(script) } => {
                let label = dot_text(&format!("script_name {script}"));
                writeln!(out, "  w{w}_b{b} -> w{t}_c{c} [style=dashed, label={label}];")
            }
            Edge::Missing { w, b, label } => writeln!(
                out,
                "  w{w}_m{b} [label={}, shape=box, style=dashed];\n  w{w}_b{b} -> w{w}_m{b} [style=dashed];",
                dot_text(&label)
            ),
        };
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexSettings;

    fn examples() -> (Workspace, std::path::PathBuf) {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        (Workspace::load(vec![root.clone()], IndexSettings::default()), root)
    }

    #[test]
    fn the_examples_as_json_mermaid_and_dot() {
        let (ws, root) = examples();
        let map = graph(&ws, &root);
        // The lobby reaches the chat Worker's class through `script_name`.
        let lobby = map.workers.iter().position(|w| w.name.as_deref() == Some("lobby"));
        let rooms = lobby.and_then(|w| map.workers[w].bindings.iter().position(|b| b.name == "ROOMS"));
        let (Some(lobby), Some(rooms)) = (lobby, rooms) else { panic!("the lobby's ROOMS binding: {map:#?}") };
        let target = reaches(&map, lobby, rooms)
            .map(|(t, c)| (map.workers[t].name.clone(), map.workers[t].classes[c].name.clone()));
        assert_eq!(target, Some((Some("chat".to_string()), "ChatRoom".to_string())));
        let json = serde_json::to_string_pretty(&map).unwrap_or_default();
        insta::assert_snapshot!("graph_examples_json", json);
        insta::assert_snapshot!("graph_examples_mermaid", mermaid(&map));
        insta::assert_snapshot!("graph_examples_dot", dot(&map));
    }
}
