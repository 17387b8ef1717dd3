//! Rename a binding, an RPC method or a DO class across code and config.
//!
//! A DO class keeps its storage by name, so renaming one also writes the rename into the
//! lifecycle of every Worker where the class is live: a `renamed_classes` migration step, or an
//! `exports` tombstone (`{ state: "renamed", renamed_to }`) next to a live entry for the new
//! name. Migration history is never rewritten: it records what was deployed.
//!
//! Every refusal is an `Err` with a sentence for the user (the LSP layer sends it as an error
//! response). The edits are byte spans in the files' current texts; the client applies them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cursor::string_content;
use super::navigation::{binding_uses, class_code_names, context_of, defined_class, method_uses, symbol_at, Symbol};
use crate::analysis::{TextEdit, WorkerContext};
use crate::config::edit::{section_path, ConfigEdit, ConfigEditor, NewValue, Seg};
use crate::config::{next_tag, LifecycleModel, Value, ValueKind, WorkerConfig};
use crate::facts::env_types::TypeArgument;
use crate::index::{ClassRef, ExportTarget, Workspace};
use crate::platform::is_identifier;
use crate::platform::{NON_RPC_METHODS, RESERVED_METHODS};
use crate::sema::UsageKind;
use crate::text::Span;

/// What a rename at the cursor would rename: the name's span (inside quotes in a config) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameTarget {
    /// The text the cursor names.
    pub span: Span,
    /// The current name.
    pub name: String,
}

/// `textDocument/prepareRename`: the name at `offset` when durable-lsp can rename it. `Ok(None)`
/// when the cursor names nothing; `Err` with the reason when it names something that cannot be
/// renamed here.
pub fn prepare_rename(ws: &Workspace, path: &Path, offset: usize) -> Result<Option<RenameTarget>, String> {
    let Some((symbol, span)) = renameable_at(ws, path, offset) else { return Ok(None) };
    let span = match ws.config_file(path) {
        Some(file) => string_content(&file.text, span),
        None => span,
    };
    let text = ws.text(path).ok_or("the file is not indexed")?;
    let name = text.get(span.start..span.end).unwrap_or_default().to_string();
    Ok(plan(ws, &symbol)?.map(|_| RenameTarget { span, name }))
}

/// `textDocument/rename`: the edits that rename the symbol at `offset` to `new_name`.
pub fn rename(ws: &Workspace, path: &Path, offset: usize, new_name: &str) -> Result<Vec<TextEdit>, String> {
    let (symbol, _) = renameable_at(ws, path, offset).ok_or("there is nothing durable-lsp can rename here")?;
    check_identifier(new_name)?;
    let plan = plan(ws, &symbol)?.ok_or("durable-lsp renames bindings, RPC methods and Durable Object classes only")?;
    let mut edits = match plan {
        Plan::Binding { worker, name } => rename_binding(ws, &worker, &name, new_name)?,
        Plan::Method { declarations, name } => rename_method(ws, &declarations, &name, new_name)?,
        Plan::Class { class, name } => rename_class(ws, &class, &name, new_name)?,
    };
    edits.sort_by(|a, b| (&a.path, a.span).cmp(&(&b.path, b.span)));
    edits.dedup();
    // Insertions at one offset become one edit, in the order made (clients may reorder them).
    edits.dedup_by(|later, first| {
        let same_insertion = later.path == first.path && later.span == first.span && first.span.is_empty();
        if same_insertion {
            first.new_text.push_str(&later.new_text);
        }
        same_insertion
    });
    let overlapping = edits.windows(2).any(|w| w[0].path == w[1].path && w[0].span.end > w[1].span.start);
    if overlapping {
        return Err("the edits of this rename would overlap: fix the config's problems first".to_string());
    }
    Ok(edits)
}

/// The symbol at the cursor, as navigation sees it, or a member of an `Env` type (a binding).
fn renameable_at(ws: &Workspace, path: &Path, offset: usize) -> Option<(Symbol, Span)> {
    if let Some(found) = symbol_at(ws, path, offset) {
        return Some(found);
    }
    let source = ws.source(path)?;
    let member = source.facts.env_types.iter().flat_map(|t| t.members.iter()).find(|m| m.name.span.touches(offset))?;
    let worker = ws.workers_containing(path).first()?.config_path.clone();
    let span = string_content(&source.text, member.name.span);
    Some((Symbol::Binding { worker, name: member.name.value.clone() }, span))
}

/// What a symbol resolves to, once checked renameable.
enum Plan {
    Binding { worker: Arc<PathBuf>, name: String },
    Method { declarations: Vec<(ClassRef, Span)>, name: String },
    Class { class: ClassRef, name: String },
}

/// The plan for a symbol; `Ok(None)` for what durable-lsp does not rename (another class, a tag,
/// a hint: other tools own those), `Err` with the reason for what it owns but cannot rename.
fn plan(ws: &Workspace, symbol: &Symbol) -> Result<Option<Plan>, String> {
    match symbol {
        Symbol::Binding { worker, name } => {
            if binding_names(ws, worker, name).is_empty() {
                return Err(format!("`{name}` is not a binding in this Worker's config"));
            }
            Ok(Some(Plan::Binding { worker: worker.clone(), name: name.clone() }))
        }
        Symbol::Method { classes, method, .. } => {
            let declarations = declarations_of(ws, classes, method);
            let rpc = declarations.iter().any(|(c, _)| {
                let public = ws
                    .class(c)
                    .and_then(|f| f.members.iter().find(|m| m.name.value == *method))
                    .is_some_and(|m| !m.is_private && !m.is_static && !m.name.value.starts_with('#'));
                public && is_do_class_anywhere(ws, c)
            });
            if !rpc {
                // Not an RPC method of a workspace DO class: the TypeScript server's to rename.
                return Ok(None);
            }
            if RESERVED_METHODS.contains(&method.as_str())
                || NON_RPC_METHODS.contains(&method.as_str())
                || method.starts_with("webSocket")
            {
                return Err(format!("`{method}` is called by the runtime by that name: it cannot be renamed"));
            }
            Ok(Some(Plan::Method { declarations, name: method.clone() }))
        }
        Symbol::Class { worker, name } => {
            let cx = context_of(ws, worker).ok_or("the Worker is not indexed")?;
            Ok(defined_class(&cx, name)
                .filter(|class| cx.is_do_class(class))
                .map(|class| Plan::Class { class, name: name.clone() }))
        }
        Symbol::Script { .. }
        | Symbol::Worker { .. }
        | Symbol::Tag { .. }
        | Symbol::LocationHint(..)
        | Symbol::Jurisdiction(..) => Ok(None),
    }
}

/// True when some Worker holding the class's file sees it as a DO class.
fn is_do_class_anywhere(ws: &Workspace, class: &ClassRef) -> bool {
    ws.workers_containing(&class.file)
        .into_iter()
        .any(|w| WorkerContext::new(ws, w, &super::NO_OVERRIDES).is_do_class(class))
}

/// Words that cannot name a binding, method or class.
const RESERVED_WORDS: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "await",
];

fn check_identifier(name: &str) -> Result<(), String> {
    if !is_identifier(name) || RESERVED_WORDS.contains(&name) {
        return Err(format!("`{name}` is not a valid JavaScript identifier"));
    }
    Ok(())
}

fn edit(path: &Arc<PathBuf>, span: Span, new_text: &str) -> TextEdit {
    TextEdit { path: path.clone(), span, new_text: new_text.to_string() }
}

/// The config sections of a Worker: the top level, then each env.
fn sections(config: &WorkerConfig) -> impl Iterator<Item = &crate::config::EnvConfig> {
    std::iter::once(&config.top).chain(config.envs.iter().map(|e| &e.config))
}

/// The spans (inside quotes) of every binding called `name` in a Worker's config, DO or other.
fn binding_names(ws: &Workspace, worker: &Path, name: &str) -> Vec<Span> {
    let Some(file) = ws.config_file(worker) else { return Vec::new() };
    let mut out = Vec::new();
    for section in sections(&file.config) {
        let dos = section.durable_objects.iter().flat_map(|d| d.bindings.iter()).filter_map(|b| b.name.as_ref());
        let others = section.other_bindings.iter().map(|b| &b.name);
        out.extend(dos.chain(others).filter(|n| n.value == name).map(|n| string_content(&file.text, n.span)));
    }
    out
}

/// The Workers a binding rename must edit: `worker`, and every other Worker that shares a file
/// using the binding and declares a binding of that name too (`wrangler.staging.jsonc` next to
/// `wrangler.jsonc`, one code base).
fn binding_workers(ws: &Workspace, worker: &Arc<PathBuf>, name: &str) -> Vec<Arc<PathBuf>> {
    let mut out = vec![worker.clone()];
    let Some(w) = ws.worker(worker) else { return out };
    let uses: Vec<Arc<PathBuf>> = binding_uses(ws, worker, name).into_iter().map(|(path, _, _)| path).collect();
    for file in w.files() {
        if !uses.contains(file) {
            continue;
        }
        for other in ws.workers_containing(file) {
            if !out.contains(&other.config_path) && !binding_names(ws, &other.config_path, name).is_empty() {
                out.push(other.config_path.clone());
            }
        }
    }
    out
}

fn rename_binding(ws: &Workspace, worker: &Arc<PathBuf>, old: &str, new: &str) -> Result<Vec<TextEdit>, String> {
    let workers = binding_workers(ws, worker, old);
    let mut out: Vec<TextEdit> = Vec::new();
    let mut files: Vec<&Arc<PathBuf>> = Vec::new();
    for config in &workers {
        if !binding_names(ws, config, new).is_empty() {
            return Err(format!("`{new}` is already a binding of this Worker"));
        }
        out.extend(binding_names(ws, config, old).into_iter().map(|s| edit(config, s, new)));
        files.extend(ws.worker(config).into_iter().flat_map(|w| w.files()));
    }
    files.sort();
    files.dedup();
    for file in files {
        let Some(source) = ws.source(file) else { continue };
        for member in source.facts.env_types.iter().flat_map(|t| t.members.iter()).filter(|m| m.name.value == old) {
            out.push(edit(file, string_content(&source.text, member.name.span), new));
        }
    }
    // The code's uses, as references find them: `env.OLD` -> `env.NEW`; a destructuring key
    // keeps the local name: `{ OLD }` -> `{ NEW: OLD }`, `{ OLD: x }` -> `{ NEW: x }`.
    for config in &workers {
        for (path, span, destructured) in binding_uses(ws, config, old) {
            let text = ws.text(&path).unwrap_or_default();
            let shorthand = destructured && !text.get(span.end..).unwrap_or("").trim_start().starts_with(':');
            let new_text = if shorthand { format!("{new}: {old}") } else { new.to_string() };
            // A quoted key (`{ "OLD": x }`) keeps its quotes.
            out.push(edit(&path, span, &new_text));
        }
    }
    Ok(out)
}

/// The declaration of `method` nearest to each class (itself or an ancestor), deduplicated.
fn declarations_of(ws: &Workspace, classes: &[ClassRef], method: &str) -> Vec<(ClassRef, Span)> {
    let mut out: Vec<(ClassRef, Span)> = Vec::new();
    for class in classes {
        for c in std::iter::once(class.clone()).chain(ws.ancestors(class)) {
            let Some(fact) = ws.class(&c) else { continue };
            if let Some(m) = fact.members.iter().find(|m| m.name.value == method) {
                if !out.iter().any(|(d, _)| *d == c) {
                    out.push((c, m.name.span));
                }
                break;
            }
        }
    }
    out
}

fn rename_method(
    ws: &Workspace,
    declarations: &[(ClassRef, Span)],
    old: &str,
    new: &str,
) -> Result<Vec<TextEdit>, String> {
    // Overrides in workspace subclasses are renamed too, or they would stop overriding.
    let mut declarations = declarations.to_vec();
    for path in ws.workers().flat_map(|w| w.files()) {
        let Some(source) = ws.source(path) else { continue };
        for (index, fact) in source.facts.classes.iter().enumerate() {
            let class = ClassRef { file: path.clone(), index };
            let Some(own) = fact.members.iter().find(|m| m.name.value == old) else { continue };
            let overrides = ws.ancestors(&class).iter().any(|a| declarations.iter().any(|(d, _)| d == a));
            if overrides && !declarations.iter().any(|(d, _)| *d == class) {
                declarations.push((class, own.name.span));
            }
        }
    }
    let declaring: Vec<&ClassRef> = declarations.iter().map(|(c, _)| c).collect();
    // Every class whose `old` is one of these declarations: the declaring classes and their
    // workspace subclasses.
    let mut affected: Vec<ClassRef> = Vec::new();
    for path in ws.workers().flat_map(|w| w.files()) {
        let Some(source) = ws.source(path) else { continue };
        for index in 0..source.facts.classes.len() {
            let class = ClassRef { file: path.clone(), index };
            let resolves_here = declarations_of(ws, std::slice::from_ref(&class), old)
                .first()
                .is_some_and(|(d, _)| declaring.contains(&d));
            if resolves_here && !affected.contains(&class) {
                affected.push(class);
            }
        }
    }
    for class in affected.iter().flat_map(|c| std::iter::once(c.clone()).chain(ws.ancestors(c))) {
        let Some(fact) = ws.class(&class) else { continue };
        if fact.members.iter().any(|m| m.name.value == new) {
            return Err(format!("`{new}` is already a member of `{}`", fact.name.value));
        }
    }
    let mut out: Vec<TextEdit> = declarations.iter().map(|(c, span)| edit(&c.file, *span, new)).collect();
    // Stub calls in every Worker whose bindings reach one of the affected classes, and
    // `this.old` inside those classes: the uses references find.
    for worker in ws.workers() {
        for (path, span) in method_uses(ws, &worker.config_path, &affected, old) {
            out.push(edit(&path, span, new));
        }
    }
    Ok(out)
}

/// The Workers where the class is the one its name denotes, with their contexts.
fn owning_workers<'a>(ws: &'a Workspace, class: &ClassRef, name: &str) -> Vec<WorkerContext<'a>> {
    ws.workers_containing(&class.file)
        .into_iter()
        .map(|w| WorkerContext::new(ws, w, &super::NO_OVERRIDES))
        .filter(|cx| defined_class(cx, name).as_ref() == Some(class))
        .collect()
}

fn rename_class(ws: &Workspace, class: &ClassRef, old: &str, new: &str) -> Result<Vec<TextEdit>, String> {
    let owners = owning_workers(ws, class, old);
    for cx in &owners {
        if cx.classes_by_name.contains_key(new) {
            return Err(format!("`{new}` is already a class in this Worker"));
        }
        if cx.main_exports.as_ref().is_some_and(|t| t.names.contains_key(new)) {
            return Err(format!("`{new}` is already exported by this Worker's main module"));
        }
        if let Some(env) = cx.envs.iter().find(|e| e.lifecycle.class(new).is_some()) {
            return Err(format!(
                "`{new}` already has a lifecycle in {} (migrations or exports): its storage history would mix with `{old}`'s",
                env.label()
            ));
        }
        if let Some(env) = cx.envs.iter().find(|e| e.lifecycle.model == LifecycleModel::Both) {
            return Err(format!("{} uses both `migrations` and `exports`: fix that first", env.label()));
        }
    }
    let mut out = Vec::new();
    // The code's names of the class, as references find them (a local that shadows the name
    // is not one of them).
    for cx in &owners {
        for (path, span, kind) in class_code_names(ws, cx, class, old) {
            let new_text = match kind {
                UsageKind::ShorthandProperty => format!("{old}: {new}"),
                _ => new.to_string(),
            };
            out.push(edit(&path, span, &new_text));
        }
    }
    for cx in &owners {
        out.extend(config_class_edits(ws, cx, old, new)?);
        out.extend(remote_binding_edits(ws, cx, class, old, new));
    }
    Ok(out)
}

/// `class_name` of this Worker's local bindings, and the lifecycle rename in each section that
/// holds the lifecycle of an env where the class is live.
fn config_class_edits(ws: &Workspace, cx: &WorkerContext<'_>, old: &str, new: &str) -> Result<Vec<TextEdit>, String> {
    let path = cx.config_path();
    let file = ws.config_file(path).ok_or("the config is not indexed")?;
    let mut out = Vec::new();
    for section in sections(&file.config) {
        for b in section.durable_objects.iter().flat_map(|d| d.bindings.iter()).filter(|b| b.is_local()) {
            if let Some(c) = b.class_name.as_ref().filter(|c| c.value == old) {
                out.push(edit(path, string_content(&file.text, c.span), new));
            }
        }
    }
    // The sections whose `migrations` / `exports` the envs that have the class live use.
    let mut owners: Vec<(Option<&str>, LifecycleModel)> = Vec::new();
    for env in cx.envs.iter().filter(|e| e.lifecycle.is_live(old)) {
        let model = env.lifecycle.model;
        let key = if model == LifecycleModel::Exports { "exports" } else { "migrations" };
        let name = env.env.env_name();
        let own = name.and_then(|n| file.config.envs.iter().find(|e| e.name.value == n)).is_some_and(|e| match key {
            "exports" => e.config.exports.is_some(),
            _ => e.config.migrations.is_some(),
        });
        let owner = if own { name } else { None };
        if !owners.contains(&(owner, model)) {
            owners.push((owner, model));
        }
    }
    if owners.is_empty() {
        return Ok(out);
    }
    if !file.config.syntax_errors.is_empty() {
        return Err("the config has syntax errors: fix them before renaming a class".to_string());
    }
    let editor = ConfigEditor::new(&file.text, &file.config);
    for (env, model) in owners {
        let edits = match model {
            LifecycleModel::Exports => exports_rename(&editor, env, old, new),
            _ => migration_rename(&editor, &file.config, env, old, new).map(|e| vec![e]),
        };
        let edits = edits.ok_or_else(|| {
            format!(
                "the lifecycle of `{old}` cannot be edited in {}",
                env.map_or("the top level".into(), |e| format!("env.{e}"))
            )
        })?;
        out.extend(edits.into_iter().map(|e| edit(path, e.span, &e.new_text)));
    }
    Ok(out)
}

/// Appends `{ tag: <next>, renamed_classes: [{ from: old, to: new }] }` to a section's migrations.
fn migration_rename(
    editor: &ConfigEditor<'_>,
    config: &WorkerConfig,
    env: Option<&str>,
    old: &str,
    new: &str,
) -> Option<ConfigEdit> {
    let section = config.section(env)?;
    let tag = next_tag(section.migrations.as_ref()?);
    let rename = NewValue::object([("from", NewValue::string(old)), ("to", NewValue::string(new))]);
    let step = NewValue::object([("tag", NewValue::string(tag)), ("renamed_classes", NewValue::Array(vec![rename]))]);
    let mut path = section_path(env);
    path.push(Seg::Key("migrations"));
    editor.append_to_array(&path, &step)
}

/// Turns the live `exports` entry `old` into a tombstone `{ type, state: "renamed", renamed_to: new }`
/// and adds a live entry `new` with the old entry's members (its storage, container).
fn exports_rename(editor: &ConfigEditor<'_>, env: Option<&str>, old: &str, new: &str) -> Option<Vec<ConfigEdit>> {
    let mut map = section_path(env);
    map.push(Seg::Key("exports"));
    let mut entry_path = map.clone();
    entry_path.push(Seg::Key(old));
    let entry: &Value = editor.lookup(&entry_path)?;
    let ValueKind::Object(members) = &entry.kind else { return None };
    let live_copy = NewValue::from_value(entry)?;
    let mut edits = Vec::new();
    let member_path = |key: &'static str| {
        let mut p = entry_path.clone();
        p.push(Seg::Key(key));
        p
    };
    let has = |key: &str| members.iter().any(|m| m.key.value == key);
    // Members a tombstone may not keep make room for the ones it needs.
    let mut dropped: Vec<&'static str> = ["storage", "container"].into_iter().filter(|k| has(k)).collect();
    dropped.reverse();
    let mut needed: Vec<(&'static str, NewValue)> = vec![("renamed_to", NewValue::string(new))];
    if has("state") {
        edits.push(editor.replace_value(&member_path("state"), &NewValue::string("renamed"))?);
    } else {
        needed.insert(0, ("state", NewValue::string("renamed")));
    }
    for (key, value) in needed {
        match dropped.pop() {
            Some(old_key) => edits.push(editor.replace_member(&member_path(old_key), key, &value)?),
            None => edits.push(editor.set_member(&entry_path, key, &value, &["type"])?),
        }
    }
    for key in dropped {
        edits.push(editor.remove(&member_path(key))?);
    }
    let live = NewValue::object([(new, live_copy)]);
    let section = section_path(env);
    edits.push(editor.set_member(&section, "exports", &live, &[])?);
    Some(edits)
}

/// `class_name` in the bindings of other Workers that reach this one through `script_name`, and
/// their `DurableObjectNamespace<import("...").Old>` env types that point at the class.
fn remote_binding_edits(
    ws: &Workspace,
    cx: &WorkerContext<'_>,
    class: &ClassRef,
    old: &str,
    new: &str,
) -> Vec<TextEdit> {
    let Some(own) = cx.worker.name() else { return Vec::new() };
    let mut out = Vec::new();
    for other in ws.workers().filter(|w| w.config_path != *cx.config_path()) {
        let Some(file) = ws.config_file(&other.config_path) else { continue };
        let near = other.dir.as_path();
        let mut binds_us = false;
        for section in sections(&file.config) {
            for b in section.durable_objects.iter().flat_map(|d| d.bindings.iter()) {
                let Some(script) = b.script_name.as_ref() else { continue };
                let reaches_us = script.value == own
                    && ws.workers_named(own, near).first().is_some_and(|w| w.config_path == *cx.config_path());
                if let Some(c) = b.class_name.as_ref().filter(|c| reaches_us && c.value == old) {
                    out.push(edit(&other.config_path, string_content(&file.text, c.span), new));
                    binds_us = true;
                }
            }
        }
        if binds_us {
            out.extend(other.files().flat_map(|f| imported_type_edits(ws, f, class, old, new)));
        }
    }
    out
}

/// `import("...").Old` env type arguments of a file that resolve to the class.
fn imported_type_edits(ws: &Workspace, file: &Arc<PathBuf>, class: &ClassRef, old: &str, new: &str) -> Vec<TextEdit> {
    let Some(source) = ws.source(file) else { return Vec::new() };
    let ours = ExportTarget::Class { file: class.file.clone(), class: class.index };
    let mut out = Vec::new();
    for member in source.facts.env_types.iter().flat_map(|t| t.members.iter()) {
        let argument = member.namespace.as_ref().and_then(|n| n.argument.as_ref());
        let Some(TypeArgument::Import { specifier, name }) = argument else { continue };
        let Some(module) = ws.resolve_module(file, specifier).filter(|_| name.value == old) else { continue };
        if ws.export_table(&module).names.get(old) == Some(&ours) {
            out.push(edit(file, name.span, new));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::index::IndexSettings;

    /// A project on disk from `(path, text)` pairs; one text may hold the cursor `$0`.
    pub(crate) struct Project {
        _dir: tempfile::TempDir,
        pub(crate) root: PathBuf,
        pub(crate) cursor: Option<(PathBuf, usize)>,
    }

    pub(crate) fn project(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut cursor = None;
        for (rel, text) in files {
            let path = root.join(rel);
            if let Some(at) = text.find("$0") {
                cursor = Some((path.clone(), at));
            }
            std::fs::create_dir_all(path.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&path, text.replacen("$0", "", 1)).unwrap_or_else(|e| panic!("{e}"));
        }
        Project { _dir: dir, root, cursor }
    }

    impl Project {
        pub(crate) fn load(&self) -> Workspace {
            Workspace::load(vec![self.root.clone()], IndexSettings::default())
        }

        /// Renames at the cursor and writes the result; returns the changed files (relative path
        /// and new text), in path order.
        fn rename(&self, new: &str) -> Result<Vec<(String, String)>, String> {
            let ws = self.load();
            let (path, at) = self.cursor.clone().unwrap_or_else(|| panic!("no cursor"));
            let edits = rename(&ws, &path, at, new)?;
            let mut paths: Vec<&Arc<PathBuf>> = edits.iter().map(|e| &e.path).collect();
            paths.dedup();
            let mut out = Vec::new();
            for p in paths {
                let text = std::fs::read_to_string(&**p).unwrap_or_else(|e| panic!("{e}"));
                let mine: Vec<&TextEdit> = edits.iter().filter(|e| e.path == *p).collect();
                let new_text = crate::analysis::apply_edits(&text, &mine).unwrap_or_else(|e| panic!("{e:?}"));
                std::fs::write(&**p, &new_text).unwrap_or_else(|e| panic!("{e}"));
                out.push((p.strip_prefix(&self.root).unwrap_or(p).display().to_string(), new_text));
            }
            Ok(out)
        }

        /// Every finding of every Worker (rule id: message).
        pub(crate) fn findings(&self) -> Vec<String> {
            let ws = self.load();
            let mut out = Vec::new();
            for w in ws.workers() {
                for f in crate::analysis::analyze_worker(&ws, &w.config_path, &Default::default()) {
                    out.push(format!("{}: {}", f.rule, f.message));
                }
            }
            out
        }
    }

    /// Renames and checks the project is as clean after as before; the changed files as one text.
    fn renamed(files: &[(&str, &str)], new: &str) -> String {
        let p = project(files);
        let before = p.findings();
        let changed = p.rename(new).unwrap_or_else(|e| panic!("refused: {e}"));
        // The same findings (their messages may name the class by its new name).
        let rules = |f: Vec<String>| {
            f.into_iter().map(|f| f.split(':').next().unwrap_or_default().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(rules(p.findings()), rules(before), "new findings after the rename");
        changed.into_iter().map(|(path, text)| format!("//- {path}\n{text}")).collect::<Vec<_>>().join("\n")
    }

    fn refused(files: &[(&str, &str)], new: &str) -> String {
        let p = project(files);
        match p.rename(new) {
            Ok(changed) => panic!("renamed: {changed:?}"),
            Err(e) => e,
        }
    }

    const JSONC: &str = r#"{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2025-06-01",
  "durable_objects": {
    "bindings": [{ "name": "CHAT", "class_name": "ChatRoom" }],
  },
  // History.
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom"] },
  ],
  "env": {
    "staging": {
      "durable_objects": { "bindings": [{ "name": "CHAT", "class_name": "ChatRoom" }] },
    },
  },
}
"#;

    const ROOM: &str = r#"import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject<Env> {
  async post(text: string): Promise<number> {
    return this.count(text);
  }
  count(text: string): number {
    return text.length;
  }
}
"#;

    const INDEX: &str = r#"export { ChatRoom } from "./room";
import type { ChatRoom as Room } from "./room";

interface Env {
  CHAT: DurableObjectNamespace<Room>;
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const stub = env.CHAT.getByName("lobby");
    await stub.post("héllo");
    const { CHAT } = env;
    await CHAT.getByName("x").count("y");
    return new Response("ok");
  },
};
"#;

    fn with_cursor(text: &str, needle: &str) -> String {
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        format!("{}$0{}", &text[..at], &text[at..])
    }

    #[test]
    fn binding_in_config_code_env_type_and_destructuring() {
        let index = with_cursor(INDEX, "CHAT.getByName(\"lobby");
        let out = renamed(&[("wrangler.jsonc", JSONC), ("src/room.ts", ROOM), ("src/index.ts", &index)], "ROOMS");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn method_declaration_stub_calls_and_this_calls() {
        let room = with_cursor(ROOM, "count(text: string)");
        let out = renamed(&[("wrangler.jsonc", JSONC), ("src/room.ts", &room), ("src/index.ts", INDEX)], "tally");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn class_with_a_migration_step() {
        let room = format!("{}\nexport const registry = {{ ChatRoom }};\n", with_cursor(ROOM, "ChatRoom extends"));
        let out = renamed(&[("wrangler.jsonc", JSONC), ("src/room.ts", &room), ("src/index.ts", INDEX)], "Lobby");
        insta::assert_snapshot!(out);
    }

    const TOML_EXPORTS: &str = r#"name = "chat"
main = "src/index.ts"
compatibility_date = "2025-06-01"

[[durable_objects.bindings]]
name = "CHAT"
class_name = "ChatRoom"

[exports.ChatRoom]
type = "durable-object"
storage = "sqlite"
"#;

    const OTHER: &str = r#"{ "name": "front", "main": "index.ts", "compatibility_date": "2025-06-01",
  "durable_objects": { "bindings": [{ "name": "REMOTE", "class_name": "ChatRoom", "script_name": "chat" }] } }
"#;

    const OTHER_INDEX: &str = r#"interface Env {
  REMOTE: DurableObjectNamespace<import("../chat/src/index").ChatRoom>;
}

export default {
  async fetch(req: Request, env: any): Promise<Response> {
    await env.REMOTE.getByName("a").post("x");
    return new Response("ok");
  },
};
"#;

    #[test]
    fn class_with_an_exports_tombstone_from_config_and_remote_binding() {
        let config = with_cursor(TOML_EXPORTS, "ChatRoom\"");
        let files = [
            ("chat/wrangler.toml", config.as_str()),
            ("chat/src/room.ts", ROOM),
            ("chat/src/index.ts", INDEX),
            ("front/wrangler.jsonc", OTHER),
            ("front/index.ts", OTHER_INDEX),
        ];
        insta::assert_snapshot!(renamed(&files, "Lobby"));
    }

    #[test]
    fn a_local_that_shadows_the_class_is_not_renamed_and_references_agree() {
        let room = with_cursor(ROOM, "ChatRoom extends");
        // A function's own `ChatRoom` (a parameter) is another name: rename leaves it, and
        // references do not list it.
        let helper = "import { ChatRoom } from \"./room\";\n\nexport function describe(ChatRoom: string) {\n  return ChatRoom.length;\n}\n\nexport const kind = (r: ChatRoom) => r;\n";
        let index = INDEX.replacen(
            "export { ChatRoom } from \"./room\";",
            "export { ChatRoom } from \"./room\";\nexport { describe, kind } from \"./helper\";",
            1,
        );
        let files = [
            ("wrangler.jsonc", JSONC),
            ("src/room.ts", room.as_str()),
            ("src/index.ts", index.as_str()),
            ("src/helper.ts", helper),
        ];
        let p = project(&files);
        let ws = p.load();
        let (path, at) = p.cursor.clone().unwrap_or_else(|| panic!("no cursor"));
        let edits = rename(&ws, &path, at, "Lobby").unwrap_or_else(|e| panic!("refused: {e}"));
        let code_edits: Vec<(String, Span)> = edits
            .iter()
            .filter(|e| e.path.extension().is_some_and(|x| x == "ts"))
            .map(|e| (e.path.strip_prefix(&p.root).unwrap_or(&e.path).display().to_string(), e.span))
            .collect();
        let refs: Vec<(String, Span)> = crate::features::navigation::references(&ws, &path, at, true)
            .into_iter()
            .filter(|t| t.path.extension().is_some_and(|x| x == "ts"))
            .map(|t| (t.path.strip_prefix(&p.root).unwrap_or(&t.path).display().to_string(), t.span))
            .collect();
        let mut a = code_edits.clone();
        a.sort();
        let mut b = refs.clone();
        b.sort();
        assert_eq!(a, b, "rename and references disagree");
        let helper_edits: Vec<&str> =
            code_edits.iter().filter(|(f, _)| f == "src/helper.ts").map(|(_, s)| &helper[s.start..s.end]).collect();
        // The import and the type annotation; not the parameter nor its use.
        assert_eq!(helper_edits, ["ChatRoom", "ChatRoom"]);
        let changed = p.rename("Lobby").unwrap_or_else(|e| panic!("refused: {e}"));
        let helper_after = changed.iter().find(|(f, _)| f == "src/helper.ts").map(|(_, t)| t.as_str()).unwrap_or("");
        assert!(helper_after.contains("import { Lobby } from") && helper_after.contains("describe(ChatRoom: string)"));
        assert!(
            helper_after.contains("return ChatRoom.length") && helper_after.contains("(r: Lobby)"),
            "{helper_after}"
        );
    }

    #[test]
    fn method_overrides_in_subclasses() {
        let room = with_cursor(ROOM, "count(text: string)");
        let special = "import { ChatRoom } from \"./room\";\n\nexport class Special extends ChatRoom {\n  count(text: string): number {\n    return this.count(text.trim()) + 1;\n  }\n}\n";
        let files = [
            ("wrangler.jsonc", JSONC),
            ("src/room.ts", room.as_str()),
            ("src/special.ts", special),
            ("src/index.ts", INDEX),
        ];
        let out = renamed(&files, "tally");
        assert!(out.contains("class Special extends ChatRoom {\n  tally(text: string)"), "{out}");
        assert!(out.contains("return this.tally(text.trim()) + 1;"), "{out}");
        assert!(!out.contains("count("), "{out}");
    }

    #[test]
    fn method_across_workers() {
        let other = with_cursor(OTHER_INDEX, "post(");
        let files = [
            ("chat/wrangler.toml", TOML_EXPORTS),
            ("chat/src/room.ts", ROOM),
            ("chat/src/index.ts", INDEX),
            ("front/wrangler.jsonc", OTHER),
            ("front/index.ts", other.as_str()),
        ];
        let out = renamed(&files, "send");
        assert!(out.contains("async send(text: string)"), "{out}");
        assert!(out.contains("await stub.send(\"héllo\")"), "{out}");
        assert!(out.contains(".getByName(\"a\").send(\"x\")"), "{out}");
    }

    #[test]
    fn jsonc_exports_with_an_explicit_state() {
        let config = r#"{
  "name": "chat",
  "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "CHAT", "class_name": "ChatRoom" }] },
  "exports": {
    "ChatRoom": { "type": "durable-object", "state": "created", "storage": "legacy-kv" },
  },
}
"#;
        let room = with_cursor(ROOM, "ChatRoom extends");
        let out = renamed(&[("wrangler.jsonc", config), ("src/room.ts", &room), ("src/index.ts", INDEX)], "Lobby");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn class_from_a_toml_exports_header_and_an_env_with_its_own_migrations() {
        let toml = r#"name = "chat"
main = "src/index.ts"

[[durable_objects.bindings]]
name = "CHAT"
class_name = "ChatRoom"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]

[env.staging]
migrations = [
  { tag = "s1", new_classes = ["ChatRoom"] }, # staging started on KV
]

[[env.staging.durable_objects.bindings]]
name = "CHAT"
class_name = "ChatRoom"
"#;
        let config = with_cursor(toml, "ChatRoom\"]\n\n[env");
        let out = renamed(&[("wrangler.toml", &config), ("src/room.ts", ROOM), ("src/index.ts", INDEX)], "Lobby");
        assert!(
            out.contains(
                "[[migrations]]\ntag = \"v2\"\nrenamed_classes = [\n  { from = \"ChatRoom\", to = \"Lobby\" },\n]\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("  { tag = \"v2\", renamed_classes = [{ from = \"ChatRoom\", to = \"Lobby\" }] }"),
            "{out}"
        );
        assert_eq!(out.matches("class_name = \"Lobby\"").count(), 2, "{out}");

        let exports = TOML_EXPORTS.replace("[exports.ChatRoom]", "[exports.Chat$0Room]");
        let out = renamed(&[("wrangler.toml", &exports), ("src/room.ts", ROOM), ("src/index.ts", INDEX)], "Lobby");
        assert!(
            out.contains(
                "[exports.ChatRoom]\ntype = \"durable-object\"\nstate = \"renamed\"\nrenamed_to = \"Lobby\"\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn refusals() {
        fn files(room: &str) -> Vec<(&str, &str)> {
            vec![("wrangler.jsonc", JSONC), ("src/room.ts", room), ("src/index.ts", INDEX)]
        }
        let class = with_cursor(ROOM, "ChatRoom extends");
        let taken = format!("{class}\nexport class Lobby {{}}\n");
        assert_eq!(refused(&files(&taken), "Lobby"), "`Lobby` is already a class in this Worker");
        assert_eq!(refused(&files(&class), "not-a-name"), "`not-a-name` is not a valid JavaScript identifier");
        assert_eq!(refused(&files(&class), "class"), "`class` is not a valid JavaScript identifier");
        let method = with_cursor(ROOM, "post(");
        assert_eq!(refused(&files(&method), "count"), "`count` is already a member of `ChatRoom`");
        let handler = format!("{}\n", ROOM.replace("  count(", "  async alarm() {}\n  count("))
            .replace("async alarm", "async $0alarm");
        assert_eq!(
            refused(&files(&handler), "ring"),
            "`alarm` is called by the runtime by that name: it cannot be renamed"
        );
        let index = with_cursor(INDEX, "CHAT.getByName(\"lobby");
        let with_kv = JSONC.replace(
            "\"migrations\"",
            "\"kv_namespaces\": [{ \"binding\": \"CACHE\", \"id\": \"x\" }],\n  \"migrations\"",
        );
        let files = [("wrangler.jsonc", with_kv.as_str()), ("src/room.ts", ROOM), ("src/index.ts", &index)];
        assert_eq!(refused(&files, "CACHE"), "`CACHE` is already a binding of this Worker");
    }

    #[test]
    fn prepare_names_only_what_durable_lsp_renames() {
        let plain = "export class Helper {}\n";
        let p =
            project(&[("wrangler.jsonc", JSONC), ("src/room.ts", ROOM), ("src/index.ts", INDEX), ("src/h.ts", plain)]);
        let ws = p.load();
        let at = |rel: &str, needle: &str| {
            let path = p.root.join(rel);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            (path, text.find(needle).unwrap_or_else(|| panic!("{needle}")) + 1)
        };
        let (path, offset) = at("src/h.ts", "Helper");
        assert_eq!(prepare_rename(&ws, &path, offset), Ok(None));
        let (path, offset) = at("wrangler.jsonc", "ChatRoom\" }]");
        let target = prepare_rename(&ws, &path, offset).ok().flatten().unwrap_or_else(|| panic!("class"));
        assert_eq!(target.name, "ChatRoom");
        let (path, offset) = at("wrangler.jsonc", "CHAT");
        let target = prepare_rename(&ws, &path, offset).ok().flatten().unwrap_or_else(|| panic!("binding"));
        assert_eq!((target.name.as_str(), target.span.start), ("CHAT", offset - 1));
        let (path, offset) = at("wrangler.jsonc", "v1");
        assert_eq!(prepare_rename(&ws, &path, offset), Ok(None));
        let (path, offset) = at("src/index.ts", "CHAT: Durable");
        let target = prepare_rename(&ws, &path, offset).ok().flatten().unwrap_or_else(|| panic!("Env member"));
        assert_eq!(target.name, "CHAT");
        let (path, offset) = at("src/room.ts", "count(text: string)");
        let target = prepare_rename(&ws, &path, offset).ok().flatten().unwrap_or_else(|| panic!("method"));
        assert_eq!(target.name, "count");
    }

    #[test]
    fn methods_of_other_classes_are_left_to_typescript() {
        let helper = "export class Helper {\n  run() {}\n  static make() {}\n}\n";
        let room = ROOM.replace("  count(", "  private secret() {}\n  count(");
        let p = project(&[
            ("wrangler.jsonc", JSONC),
            ("src/room.ts", &room),
            ("src/index.ts", INDEX),
            ("src/h.ts", helper),
        ]);
        let ws = p.load();
        for (rel, needle) in [("src/h.ts", "run()"), ("src/h.ts", "make()"), ("src/room.ts", "secret()")] {
            let path = p.root.join(rel);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let offset = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + 1;
            assert_eq!(prepare_rename(&ws, &path, offset), Ok(None), "{needle}");
        }
    }

    #[test]
    fn binding_in_every_config_of_one_code_base() {
        let index = with_cursor(INDEX, "CHAT.getByName(\"lobby");
        let staging = JSONC.replace("\"chat\"", "\"chat-staging\"");
        let files = [
            ("wrangler.jsonc", JSONC),
            ("wrangler.staging.jsonc", staging.as_str()),
            ("src/room.ts", ROOM),
            ("src/index.ts", index.as_str()),
        ];
        let out = renamed(&files, "ROOMS");
        assert_eq!(out.matches("\"name\": \"ROOMS\"").count(), 4, "{out}");
        assert!(!out.contains("\"CHAT\""), "{out}");
    }
}
