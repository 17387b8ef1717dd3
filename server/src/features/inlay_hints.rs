//! Inlay hints after each `env.X` that is a Durable Object binding: the class it reaches and
//! its storage (`env.CHAT: ChatRoom · SQLite`), across `script_name` too. The server computes
//! them only when the editor's settings turn them on (`inlayHints`, off by default: most of a
//! Worker's code reads few bindings, and the hover says the same on demand).

use std::path::Path;

use super::NO_OVERRIDES;
use crate::analysis::WorkerContext;
use crate::config::Storage;
use crate::index::Workspace;
use crate::text::Span;

/// One hint: its text, shown at `offset` (after the binding's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where it goes: the end of the binding's name.
    pub offset: usize,
    /// What it says (`: ChatRoom · SQLite`).
    pub label: String,
    /// The binding's name, for the tooltip.
    pub binding: String,
}

/// The hints of the uses of DO bindings in `path` that lie in `range`.
pub fn inlay_hints(ws: &Workspace, path: &Path, range: Span) -> Vec<InlayHint> {
    let Some(worker) = ws.workers_containing(path).into_iter().next() else { return Vec::new() };
    let cx = WorkerContext::new(ws, worker, &NO_OVERRIDES);
    let model = cx.model();
    let Some(file) = model.file_id(path) else { return Vec::new() };
    let mut out: Vec<InlayHint> = model
        .binding_names_in(file)
        .into_iter()
        .filter(|u| u.span.start >= range.start && u.span.end <= range.end)
        .filter_map(|u| {
            let label = describe(&cx, &u.name)?;
            Some(InlayHint { offset: u.span.end, label, binding: u.name.to_string() })
        })
        .collect();
    out.sort_by_key(|h| h.offset);
    out.dedup_by_key(|h| h.offset);
    out
}

/// `: ChatRoom · SQLite` for the DO binding `name` (the first environment that declares it),
/// `None` when `name` is no DO binding.
fn describe(cx: &WorkerContext<'_>, name: &str) -> Option<String> {
    let (view, binding) = cx.envs.iter().find_map(|v| {
        v.env.do_bindings().iter().find(|b| b.name.as_ref().is_some_and(|n| n.value == name)).map(|b| (v, b))
    })?;
    let class = &binding.class_name.as_ref()?.value;
    let target = binding.script_name.as_ref().and_then(|s| cx.script_target(&s.value));
    let storage = match &target {
        // The other Worker's lifecycle, in the environment the binding names (or its top level).
        Some(target) => {
            let env = binding.environment.as_ref().map(|e| e.value.as_str());
            let view = target.envs.iter().find(|v| v.env.env_name() == env).or(target.envs.first());
            view.and_then(|v| v.lifecycle.class(class)).and_then(|c| c.storage)
        }
        None => view.lifecycle.class(class).and_then(|c| c.storage),
    };
    let storage = match storage {
        Some(Storage::Sqlite) => "SQLite",
        Some(Storage::Kv) => "KV (legacy)",
        None => "no storage",
    };
    let script = binding.script_name.as_ref().map(|s| format!(" in `{}`", s.value)).unwrap_or_default();
    Some(format!(": {class}{script} · {storage}"))
}
