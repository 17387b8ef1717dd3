//! Code lens over each DO class declaration: its bindings, storage and lifecycle state
//! (`2 bindings (CHAT, ROOM) | SQLite | created in v1`), resolving to the class's references.

use std::path::Path;

use super::navigation::references;
use super::{Target, NO_OVERRIDES};
use crate::analysis::WorkerContext;
use crate::config::{ClassLifecycle, EventKind, Storage};
use crate::index::{ClassRef, Workspace};
use crate::text::Span;

/// One lens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    /// The class name it sits on.
    pub span: Span,
    /// What it says.
    pub title: String,
    /// Every use of the class, in code and config (the declaration included).
    pub references: Vec<Target>,
}

/// The lenses of a source file: one per DO class of the first Worker that holds the class.
pub fn code_lenses(ws: &Workspace, path: &Path) -> Vec<Lens> {
    let Some(source) = ws.source(path) else { return Vec::new() };
    let workers = ws.workers_containing(path);
    let contexts: Vec<WorkerContext<'_>> =
        workers.into_iter().map(|w| WorkerContext::new(ws, w, &NO_OVERRIDES)).collect();
    let Some(file) = contexts.first().and_then(|cx| cx.worker.files().find(|f| f.as_path() == path).cloned()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, fact) in source.facts.classes.iter().enumerate() {
        let class = ClassRef { file: file.clone(), index };
        let Some(cx) = contexts.iter().find(|cx| cx.is_do_class(&class)) else { continue };
        let title = title(ws, cx, &class, &fact.name.value);
        out.push(Lens { span: fact.name.span, title, references: references(ws, path, fact.name.span.start, true) });
    }
    out
}

/// `2 bindings (CHAT, ROOM) | SQLite | created in v1`.
fn title(ws: &Workspace, cx: &WorkerContext<'_>, class: &ClassRef, name: &str) -> String {
    let mut bindings: Vec<String> = Vec::new();
    for b in cx.envs.iter().flat_map(|e| e.env.do_bindings()).filter_map(|b| b.name.as_ref()) {
        let ours = cx.classes_bound_to(&b.value).is_some_and(|cs| cs.contains(class));
        if ours && !bindings.contains(&b.value) {
            bindings.push(b.value.clone());
        }
    }
    if let Some(own) = cx.worker.name() {
        for other in ws.workers().filter(|w| w.config_path != *cx.config_path()) {
            let config = &other.config;
            let sections = std::iter::once(&config.top).chain(config.envs.iter().map(|e| &e.config));
            for b in sections.flat_map(|s| s.durable_objects.iter().flat_map(|d| d.bindings.iter())) {
                let remote = b.script_name.as_ref().is_some_and(|s| s.value == own)
                    && b.class_name.as_ref().is_some_and(|c| c.value == name);
                if let Some(n) = b.name.as_ref().filter(|_| remote) {
                    let label = format!("{} in {}", n.value, other.name().unwrap_or("another Worker"));
                    if !bindings.contains(&label) {
                        bindings.push(label);
                    }
                }
            }
        }
    }
    let mut parts = vec![match bindings.len() {
        0 => "no bindings".to_string(),
        1 => format!("1 binding ({})", bindings[0]),
        n if n <= 3 => format!("{n} bindings ({})", bindings.join(", ")),
        n => format!("{n} bindings ({}, ...)", bindings[..3].join(", ")),
    }];
    // The top level's lifecycle, else the first env that knows the class.
    let lifecycle = cx.envs.iter().find_map(|e| e.lifecycle.class(name).map(|c| (c, e.env.env_name())));
    match lifecycle {
        Some((c, env)) => {
            if let Some(storage) = c.storage.filter(|_| c.is_live()) {
                parts.push(match storage {
                    Storage::Sqlite => "SQLite".to_string(),
                    Storage::Kv => "KV".to_string(),
                });
            }
            let mut state = lifecycle_state(c);
            if let Some(env) = env {
                state.push_str(&format!(" (env.{env})"));
            }
            parts.push(state);
        }
        None => parts.push("no migration".to_string()),
    }
    parts.join(" | ")
}

/// What the last event of a class's lifecycle says: `created in v1`, `renamed from Old in v3`.
fn lifecycle_state(c: &ClassLifecycle) -> String {
    let Some(last) = c.history.last() else { return "no migration".to_string() };
    let tag = last.tag.as_ref().map(|t| format!(" in {t}")).unwrap_or_default();
    match &last.kind {
        EventKind::Created(_) if last.tag.is_none() => "declared in exports".to_string(),
        EventKind::Created(_) => format!("created{tag}"),
        EventKind::RenamedFrom(from) => format!("renamed from {from}{tag}"),
        EventKind::RenamedTo(to) => format!("renamed to {to}{tag}"),
        EventKind::Deleted => format!("deleted{tag}"),
        EventKind::TransferredIn { from_script: Some(script) } => format!("transferred from {script}{tag}"),
        EventKind::TransferredIn { from_script: None } => format!("transferred in{tag}"),
        EventKind::TransferredAway => format!("transferred away{tag}"),
        EventKind::ExpectingTransfer => "expecting a transfer".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::rename::tests::project;

    fn titles(files: &[(&str, &str)], file: &str) -> Vec<String> {
        let p = project(files);
        let ws = p.load();
        code_lenses(&ws, &p.root.join(file)).into_iter().map(|l| l.title).collect()
    }

    const ROOM: &str = "import { DurableObject } from \"cloudflare:workers\";\nexport class ChatRoom extends DurableObject {}\nexport class Plain {}\n";

    #[test]
    fn bindings_storage_and_state() {
        let config = r#"{ "name": "chat", "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "CHAT", "class_name": "ChatRoom" }, { "name": "ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_classes": ["Old"] }, { "tag": "v2", "renamed_classes": [{ "from": "Old", "to": "ChatRoom" }] }] }"#;
        let front = r#"{ "name": "front", "main": "i.ts", "durable_objects": { "bindings": [{ "name": "R", "class_name": "ChatRoom", "script_name": "chat" }] } }"#;
        let files = [
            ("chat/wrangler.jsonc", config),
            ("chat/src/index.ts", ROOM),
            ("front/wrangler.jsonc", front),
            ("front/i.ts", "export default {};\n"),
        ];
        assert_eq!(
            titles(&files, "chat/src/index.ts"),
            ["3 bindings (CHAT, ROOM, R in front) | KV | renamed from Old in v2"]
        );
    }

    #[test]
    fn exports_and_no_lifecycle() {
        let toml = "name = \"chat\"\nmain = \"src/index.ts\"\n[[durable_objects.bindings]]\nname = \"CHAT\"\nclass_name = \"ChatRoom\"\n[exports.ChatRoom]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n";
        assert_eq!(
            titles(&[("wrangler.toml", toml), ("src/index.ts", ROOM)], "src/index.ts"),
            ["1 binding (CHAT) | SQLite | declared in exports"]
        );
        let bare = "name = \"chat\"\nmain = \"src/index.ts\"\n";
        assert_eq!(
            titles(&[("wrangler.toml", bare), ("src/index.ts", ROOM)], "src/index.ts"),
            ["no bindings | no migration"]
        );
    }
}
