//! Editor intelligence over the index: completion, hover, go to definition and references,
//! rename, code lens and symbols; and the reports built on the same index: the map of the
//! Workers (`graph`) and what the next deploy does to their Durable Objects (`lifecycle_diff`).
//!
//! Everything here works in byte offsets on [`crate::index::Workspace`] and returns engine-level
//! results (labels, kinds, spans, markdown); the LSP layer only converts them.

pub mod code_lens;
pub mod completion;
pub mod cursor;
pub mod graph;
pub mod hover;
pub mod inlay_hints;
pub mod lifecycle_diff;
pub mod navigation;
pub mod rename;
pub mod symbols;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use crate::analysis::{SeverityOverrides, WorkerContext};
use crate::facts::{ClassFact, FileFacts, MemberFact, MemberKind};
use crate::index::{ClassRef, Workspace};
use crate::platform::{NON_RPC_METHODS, RESERVED_METHODS};
use crate::text::language::parse;
use crate::text::Span;

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The file.
    pub path: Arc<PathBuf>,
    /// The range.
    pub span: Span,
}

static NO_OVERRIDES: LazyLock<SeverityOverrides> = LazyLock::new(SeverityOverrides::default);

/// The context of the (first) Worker that contains `path`.
pub(crate) fn worker_context<'a>(ws: &'a Workspace, path: &Path) -> Option<WorkerContext<'a>> {
    let worker = ws.workers_containing(path).into_iter().next()?;
    Some(WorkerContext::new(ws, worker, &NO_OVERRIDES))
}

/// A source file's text and facts, with a tree: the open document's, else a fresh parse.
pub(crate) struct SourceView<'a> {
    pub(crate) text: Arc<str>,
    pub(crate) facts: &'a FileFacts,
    pub(crate) tree: Option<tree_sitter::Tree>,
}

/// Reads a source file for a feature.
pub(crate) fn source_view<'a>(ws: &'a Workspace, path: &Path) -> Option<SourceView<'a>> {
    let source = ws.source(path)?;
    let tree = match ws.open_document(path).and_then(|d| d.document.tree()) {
        Some(tree) => Some(tree.clone()),
        None => parse(source.kind, &source.text, None),
    };
    Some(SourceView { text: source.text.clone(), facts: &source.facts, tree })
}

/// True for a file whose code carries no type annotations (`.js`, `.jsx`, `.mjs`, `.cjs`).
pub(crate) fn is_javascript(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "js" | "jsx" | "mjs" | "cjs"))
}

/// The Worker's DO classes by name, the classes `main` exports first.
pub(crate) fn do_classes<'a>(cx: &WorkerContext<'a>) -> Vec<(ClassRef, &'a ClassFact, bool)> {
    let mut out: Vec<(ClassRef, &ClassFact, bool)> = Vec::new();
    let mut names: Vec<&str> = cx.classes_by_name.keys().copied().collect();
    names.sort_unstable();
    for name in names {
        let Some(class) = cx.find_class(name) else { continue };
        if !cx.is_do_class(class) {
            continue;
        }
        let Some(fact) = cx.ws.class(class) else { continue };
        let exported = cx.main_exports.as_ref().is_some_and(|t| t.names.contains_key(name));
        out.push((class.clone(), fact, exported));
    }
    out.sort_by_key(|(_, fact, exported)| (!exported, fact.name.value.clone()));
    out
}

/// The public RPC methods and accessors of a class and its workspace ancestors, nearest first:
/// not the constructor, `#private`, `private`, static members, nor the runtime's handlers.
pub(crate) fn rpc_members<'a>(ws: &'a Workspace, class: &ClassRef) -> Vec<(ClassRef, &'a MemberFact)> {
    let mut out: Vec<(ClassRef, &MemberFact)> = Vec::new();
    for c in std::iter::once(class.clone()).chain(ws.ancestors(class)) {
        let Some(fact) = ws.class(&c) else { continue };
        for m in &fact.members {
            let callable = matches!(m.kind, MemberKind::Method | MemberKind::Getter);
            let name = m.name.value.as_str();
            let hidden = m.is_static
                || m.is_private
                || name.starts_with('#')
                || RESERVED_METHODS.contains(&name)
                || NON_RPC_METHODS.contains(&name)
                || name.starts_with("webSocket");
            if callable && !hidden && !out.iter().any(|(_, o)| o.name.value == m.name.value) {
                out.push((c.clone(), m));
            }
        }
    }
    out
}

/// `name(a: string): Promise<void>` (a getter: `name: T`).
pub(crate) fn signature(m: &MemberFact) -> String {
    let params: Vec<&str> = m.params.iter().map(|p| p.value.as_str()).collect();
    let ret = m.return_type.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    match m.kind {
        MemberKind::Getter => format!("{}{ret}", m.name.value),
        _ => format!("{}{}({}){ret}", if m.is_async { "async " } else { "" }, m.name.value, params.join(", ")),
    }
}

/// A markdown link to a place on disk (`file:` URI, 1-based line anchor).
pub(crate) fn file_link(label: &str, path: &Path, text: &str, offset: usize) -> String {
    let line = text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1;
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => uri.push(byte as char),
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    format!("[{label}]({uri}#L{line})")
}

/// `path` relative to `dir` when it lies under it.
pub(crate) fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}
