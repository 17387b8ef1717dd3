//! Symbols: the outline of a config file (`documentSymbol`), and the workspace's DO classes,
//! bindings and Workers (`workspace/symbol`).
//!
//! TS/JS files get no outline from durable-lsp: the TypeScript server gives one, and two
//! outlines of the same file would be merged into duplicates by the editor.

use std::path::Path;
use std::sync::Arc;

use super::{do_classes, Target, NO_OVERRIDES};
use crate::analysis::WorkerContext;
use crate::config::{EnvConfig, ExportType, Member, MigrationStep, Value, ValueKind, WorkerConfig};
use crate::index::Workspace;
use crate::text::Span;

/// What a symbol is (the LSP layer maps these to `SymbolKind`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A Worker.
    Worker,
    /// An `env.<name>` section.
    Environment,
    /// `durable_objects`, `migrations`, `exports`: a group of entries.
    Group,
    /// A DO binding.
    DoBinding,
    /// Another binding (KV, R2, vars, ...).
    Binding,
    /// A migration step.
    Step,
    /// An `exports` entry.
    Export,
    /// A DO class.
    Class,
}

/// One entry of a config file's outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineSymbol {
    /// Its name.
    pub name: String,
    /// A short description (`ChatRoom`, `KVNamespace`, `creates ChatRoom (SQLite)`).
    pub detail: Option<String>,
    /// What it is.
    pub kind: SymbolKind,
    /// Its whole text (always contains `selection` and the children's ranges).
    pub span: Span,
    /// The text that names it.
    pub selection: Span,
    /// What it holds.
    pub children: Vec<OutlineSymbol>,
}

impl OutlineSymbol {
    fn new(name: impl Into<String>, kind: SymbolKind, span: Span, selection: Span) -> Self {
        let span = Span::new(span.start.min(selection.start), span.end.max(selection.end));
        OutlineSymbol { name: name.into(), detail: None, kind, span, selection, children: Vec::new() }
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds children, growing the span to hold them.
    fn with_children(mut self, children: Vec<OutlineSymbol>) -> Self {
        for c in &children {
            self.span = Span::new(self.span.start.min(c.span.start), self.span.end.max(c.span.end));
        }
        self.children = children;
        self
    }
}

/// The outline of a config file: its top-level bindings, `durable_objects`, `migrations` and
/// `exports`, then each environment with its own. `None` for any other file.
pub fn document_symbols(ws: &Workspace, path: &Path) -> Option<Vec<OutlineSymbol>> {
    let config = &ws.config_file(path)?.config;
    let mut out = section_symbols(&config.top, Some(&config.root));
    for env in &config.envs {
        let value = env_value(config, &env.name.value);
        let span = value.map_or(env.name.span, |v| v.span);
        let symbol =
            OutlineSymbol::new(format!("env.{}", env.name.value), SymbolKind::Environment, span, env.name.span)
                .with_children(section_symbols(&env.config, value));
        out.push(symbol);
    }
    Some(out)
}

/// The member `key` of an object value.
fn member<'v>(value: &'v Value, key: &str) -> Option<&'v Member> {
    match &value.kind {
        ValueKind::Object(members) => members.iter().find(|m| m.key.value == key),
        _ => None,
    }
}

/// The value of `env.<name>` in the value tree.
fn env_value<'c>(config: &'c WorkerConfig, name: &str) -> Option<&'c Value> {
    Some(&member(&member(&config.root, "env")?.value, name)?.value)
}

/// The outline of one section; `value` is its object in the value tree (for the keys' spans).
fn section_symbols(section: &EnvConfig, value: Option<&Value>) -> Vec<OutlineSymbol> {
    // The key of a group, else the empty span at its start.
    let key_span = |key: &str, span: Span| {
        value.and_then(|v| member(v, key)).map_or(Span::new(span.start, span.start), |m| m.key.span)
    };
    let mut out = Vec::new();
    if let Some(dos) = &section.durable_objects {
        let bindings = dos
            .bindings
            .iter()
            .map(|b| {
                let name = b.name.as_ref().map_or("(unnamed)", |n| n.value.as_str());
                let selection = b.name.as_ref().map_or(b.span, |n| n.span);
                let class = b.class_name.as_ref().map_or("?", |c| c.value.as_str());
                let detail = match &b.script_name {
                    Some(script) => format!("{class} in {}", script.value),
                    None => class.to_string(),
                };
                OutlineSymbol::new(name, SymbolKind::DoBinding, b.span, selection).detail(detail)
            })
            .collect();
        let key = key_span("durable_objects", dos.span);
        out.push(OutlineSymbol::new("durable_objects", SymbolKind::Group, dos.span, key).with_children(bindings));
    }
    for b in &section.other_bindings {
        out.push(
            OutlineSymbol::new(&b.name.value, SymbolKind::Binding, b.name.span, b.name.span).detail(b.kind.type_name()),
        );
    }
    if let Some(migrations) = &section.migrations {
        let steps = migrations
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let name = step.tag.as_ref().map_or_else(|| format!("step {}", i + 1), |t| t.value.clone());
                let selection = step.tag.as_ref().map_or(step.span, |t| t.span);
                OutlineSymbol::new(name, SymbolKind::Step, step.span, selection).detail(step_summary(step))
            })
            .collect();
        let key = key_span("migrations", migrations.span);
        out.push(OutlineSymbol::new("migrations", SymbolKind::Group, migrations.span, key).with_children(steps));
    }
    if let Some(exports) = &section.exports {
        let entries = exports
            .entries
            .iter()
            .map(|e| {
                let detail = match &e.kind {
                    ExportType::DurableObject => {
                        let state = e.state.as_ref().map_or("created", |s| s.value.as_str());
                        match (state, &e.renamed_to, &e.storage) {
                            ("renamed", Some(to), _) => format!("renamed to {}", to.value),
                            ("created", _, Some(storage)) => format!("Durable Object, {}", storage.value),
                            (state, _, _) => format!("Durable Object, {state}"),
                        }
                    }
                    ExportType::Worker => "Worker".to_string(),
                    ExportType::Workflow => "Workflow".to_string(),
                    ExportType::Unknown(t) => t.clone(),
                    ExportType::Missing => "no type".to_string(),
                };
                let span = Span::new(e.key.span.start, e.span.end);
                OutlineSymbol::new(&e.key.value, SymbolKind::Export, span, e.key.span).detail(detail)
            })
            .collect();
        let key = key_span("exports", exports.span);
        out.push(OutlineSymbol::new("exports", SymbolKind::Group, exports.span, key).with_children(entries));
    }
    out
}

/// `creates ChatRoom (SQLite); renames A to B`.
fn step_summary(step: &MigrationStep) -> String {
    let names =
        |list: &[crate::text::Spanned<String>]| list.iter().map(|n| n.value.as_str()).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !step.new_sqlite_classes.is_empty() {
        parts.push(format!("creates {} (SQLite)", names(&step.new_sqlite_classes)));
    }
    if !step.new_classes.is_empty() {
        parts.push(format!("creates {} (KV)", names(&step.new_classes)));
    }
    for r in &step.renamed_classes {
        let name = |n: &Option<crate::text::Spanned<String>>| n.as_ref().map_or("?".to_string(), |n| n.value.clone());
        parts.push(format!("renames {} to {}", name(&r.from), name(&r.to)));
    }
    if !step.deleted_classes.is_empty() {
        parts.push(format!("deletes {}", names(&step.deleted_classes)));
    }
    for t in &step.transferred_classes {
        let to = t.to.as_ref().map_or("?", |n| n.value.as_str());
        let from = t.from_script.as_ref().map_or("another Worker", |n| n.value.as_str());
        parts.push(format!("transfers {to} in from {from}"));
    }
    parts.join("; ")
}

/// A symbol of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The Worker it belongs to (its name), for the symbol list's second column.
    pub container: Option<String>,
    /// Where it is declared.
    pub target: Target,
}

/// At most this many workspace symbols are returned.
const MAX_WORKSPACE_SYMBOLS: usize = 256;

/// The Workers, DO classes and bindings whose name matches `query` (case-insensitive, the
/// query's characters in order: `chr` matches `ChatRoom`), best matches first.
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<WorkspaceSymbol> {
    let mut out: Vec<WorkspaceSymbol> = Vec::new();
    for worker in ws.workers() {
        let worker_name = worker.name().map(str::to_string);
        let container = worker_name.clone().or_else(|| Some(worker.config_path.display().to_string()));
        if let Some(name) = &worker.config.top.name {
            let target = Target { path: worker.config_path.clone(), span: name.span };
            out.push(WorkspaceSymbol { name: name.value.clone(), kind: SymbolKind::Worker, container: None, target });
        }
        let config = &worker.config;
        let sections = std::iter::once(&config.top).chain(config.envs.iter().map(|e| &e.config));
        for section in sections {
            let dos = section.durable_objects.iter().flat_map(|d| d.bindings.iter()).filter_map(|b| b.name.as_ref());
            let do_names = dos.map(|n| (n, SymbolKind::DoBinding));
            let others = section.other_bindings.iter().map(|b| (&b.name, SymbolKind::Binding));
            for (name, kind) in do_names.chain(others) {
                let target = Target { path: worker.config_path.clone(), span: name.span };
                out.push(WorkspaceSymbol { name: name.value.clone(), kind, container: container.clone(), target });
            }
        }
        let cx = WorkerContext::new(ws, worker, &NO_OVERRIDES);
        for (class, fact, _) in do_classes(&cx) {
            let target = Target { path: Arc::clone(&class.file), span: fact.name.span };
            let symbol = WorkspaceSymbol {
                name: fact.name.value.clone(),
                kind: SymbolKind::Class,
                container: container.clone(),
                target,
            };
            out.push(symbol);
        }
    }
    let query = query.to_lowercase();
    let mut scored: Vec<(usize, WorkspaceSymbol)> =
        out.into_iter().filter_map(|s| fuzzy_score(&s.name, &query).map(|score| (score, s))).collect();
    scored.sort_by(|(a, x), (b, y)| {
        a.cmp(b).then_with(|| x.name.cmp(&y.name)).then_with(|| x.target.path.cmp(&y.target.path))
    });
    // One entry per declaration (a file can belong to several Workers).
    let mut seen: Vec<(Arc<std::path::PathBuf>, Span)> = Vec::new();
    let mut result = Vec::new();
    for (_, s) in scored {
        let key = (s.target.path.clone(), s.target.span);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        result.push(s);
        if result.len() == MAX_WORKSPACE_SYMBOLS {
            break;
        }
    }
    result
}

/// How well `name` matches a lowercase `query` (lower is better): `None` unless the query's
/// characters appear in `name` in order, case-insensitively. A prefix scores 0, a substring 1,
/// a scattered match 2 plus the gaps.
fn fuzzy_score(name: &str, query: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    if lower.starts_with(query) {
        return Some(0);
    }
    if lower.contains(query) {
        return Some(1);
    }
    let mut gaps = 0;
    let mut chars = lower.chars();
    for q in query.chars() {
        loop {
            let c = chars.next()?;
            if c == q {
                break;
            }
            gaps += 1;
        }
    }
    Some(2 + gaps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::rename::tests::project;

    #[test]
    fn fuzzy() {
        assert_eq!(fuzzy_score("ChatRoom", ""), Some(0));
        assert_eq!(fuzzy_score("ChatRoom", "chat"), Some(0));
        assert_eq!(fuzzy_score("ChatRoom", "room"), Some(1));
        assert_eq!(fuzzy_score("ChatRoom", "chr"), Some(4));
        assert_eq!(fuzzy_score("ChatRoom", "rc"), None);
        assert_eq!(fuzzy_score("Ärger", "är"), Some(0));
    }

    fn outline(symbols: &[OutlineSymbol], text: &str, depth: usize, out: &mut String) {
        for s in symbols {
            let selection = text.get(s.selection.start..s.selection.end).unwrap_or("?");
            let detail = s.detail.as_deref().map(|d| format!(" — {d}")).unwrap_or_default();
            out.push_str(&format!("{}{:?} {}{detail} @ {selection}\n", "  ".repeat(depth), s.kind, s.name));
            assert!(s.span.contains_span(s.selection), "{} selection outside its range", s.name);
            for c in &s.children {
                assert!(s.span.contains_span(c.span), "{} outside {}", c.name, s.name);
            }
            outline(&s.children, text, depth + 1, out);
        }
    }

    fn outline_of(name: &str, text: &str) -> String {
        let p = project(&[(name, text)]);
        let ws = p.load();
        let symbols = document_symbols(&ws, &p.root.join(name)).unwrap_or_else(|| panic!("config"));
        let mut out = String::new();
        outline(&symbols, text, 0, &mut out);
        out
    }

    #[test]
    fn jsonc_outline() {
        let text = r#"{
  "name": "chat",
  "durable_objects": { "bindings": [{ "name": "CHAT", "class_name": "ChatRoom" }] },
  "kv_namespaces": [{ "binding": "CACHE", "id": "x" }],
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom"] },
    { "tag": "v2", "renamed_classes": [{ "from": "ChatRoom", "to": "Lobby" }], "deleted_classes": ["Old"] },
  ],
  "env": {
    "staging": {
      "durable_objects": { "bindings": [{ "name": "CHAT", "class_name": "Lobby", "script_name": "other" }] },
      "vars": { "MODE": "staging" },
    },
  },
}
"#;
        insta::assert_snapshot!(outline_of("wrangler.jsonc", text));
    }

    #[test]
    fn toml_outline() {
        let text = r#"name = "chat"

[[durable_objects.bindings]]
name = "CHAT"
class_name = "ChatRoom"

[exports.ChatRoom]
type = "durable-object"
storage = "sqlite"

[exports.Old]
type = "durable-object"
state = "renamed"
renamed_to = "ChatRoom"

[env.staging]
name = "chat-staging"

[[env.staging.durable_objects.bindings]]
name = "CHAT"
class_name = "ChatRoom"
"#;
        insta::assert_snapshot!(outline_of("wrangler.toml", text));
    }

    #[test]
    fn workspace_symbols_filter_and_dedupe() {
        let config = r#"{ "name": "chat", "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "CHAT", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }] }"#;
        let code = "import { DurableObject } from \"cloudflare:workers\";\nexport class ChatRoom extends DurableObject {}\nexport class Chit {}\n";
        let staging = config.replace("\"chat\"", "\"chat-staging\"");
        let p = project(&[("wrangler.jsonc", config), ("wrangler.staging.jsonc", &staging), ("src/index.ts", code)]);
        let ws = p.load();
        let found = |q: &str| {
            workspace_symbols(&ws, q)
                .into_iter()
                .map(|s| format!("{:?} {} ({})", s.kind, s.name, s.container.unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        assert_eq!(found("chr"), ["Class ChatRoom (chat)"]);
        assert_eq!(
            found("CHAT"),
            [
                "DoBinding CHAT (chat)",
                "DoBinding CHAT (chat-staging)",
                "Class ChatRoom (chat)",
                "Worker chat ()",
                "Worker chat-staging ()"
            ]
        );
        assert!(found("zz").is_empty());
    }
}
