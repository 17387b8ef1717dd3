//! What the cursor names (a binding, a class, an RPC method, a Worker, a migration tag, a hint),
//! and go to definition and references for it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cursor::{self, ConfigSpot, PathStep};
use super::{worker_context, Target};
use crate::analysis::WorkerContext;
use crate::facts::env_types::TypeArgument;
use crate::facts::ExportFact;
use crate::index::{ClassRef, ExportTarget, Workspace};
use crate::platform::{JURISDICTIONS, LOCATION_HINTS};
use crate::sema::UsageKind;
use crate::text::Span;

/// A thing the cursor can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Symbol {
    /// An env binding of the Worker at `worker` (its config path).
    Binding {
        /// The Worker's config.
        worker: Arc<PathBuf>,
        /// The binding's name.
        name: String,
    },
    /// A DO class that the Worker at `worker` defines.
    Class {
        /// The config of the Worker whose class it is.
        worker: Arc<PathBuf>,
        /// The class name.
        name: String,
    },
    /// An RPC method: declared in a DO class, or called on a stub.
    Method {
        /// The Worker's config.
        worker: Arc<PathBuf>,
        /// The classes it belongs to (those the stub's binding denotes).
        classes: Vec<ClassRef>,
        /// The method.
        method: String,
    },
    /// A Worker named by `script_name`.
    Script {
        /// The config of the Worker that names it.
        from: Arc<PathBuf>,
        /// The name.
        name: String,
    },
    /// The Worker itself: its config's `name` (top level or an env's).
    Worker {
        /// The Worker's config.
        worker: Arc<PathBuf>,
        /// The name as written there.
        name: String,
    },
    /// A migration step.
    Tag {
        /// The Worker's config.
        worker: Arc<PathBuf>,
        /// The env whose `migrations` holds it (`None`: the top level).
        env: Option<String>,
        /// The step's index.
        step: usize,
    },
    /// A location hint, with the region it names.
    LocationHint(&'static str, &'static str),
    /// A jurisdiction, with what it means.
    Jurisdiction(&'static str, &'static str),
}

/// The symbol at `offset` of `path`, with the span of the text that names it.
pub fn symbol_at(ws: &Workspace, path: &Path, offset: usize) -> Option<(Symbol, Span)> {
    if ws.config_file(path).is_some() {
        return config_symbol(ws, path, offset);
    }
    let source = ws.source(path)?;
    let text = &source.text;
    let facts = &source.facts;
    if let Some(s) = cursor::string_at(text, offset) {
        let word = text.get(s.word.start..s.word.end)?;
        let symbol = match s.key.as_str() {
            "locationHint" => LOCATION_HINTS.iter().find(|(h, _)| *h == word).map(|(h, r)| Symbol::LocationHint(h, r)),
            "jurisdiction" => JURISDICTIONS.iter().find(|(j, _)| *j == word).map(|(j, m)| Symbol::Jurisdiction(j, m)),
            _ => None,
        };
        return symbol.map(|symbol| (symbol, s.word));
    }
    let worker = ws.workers_containing(path).first().map(|w| w.config_path.clone())?;
    let cx = context_of(ws, &worker)?;
    let model = cx.model();
    if let Some(file) = model.file_id(path) {
        if let Some(u) = model.binding_names_in(file).into_iter().find(|u| u.span.touches(offset)) {
            return Some((Symbol::Binding { worker, name: u.name.to_string() }, u.span));
        }
        let stub_call =
            model.stub_calls().iter().find(|c| c.call.file == file && c.method_span.touches(offset)).cloned();
        if let Some(c) = stub_call {
            let classes = crate::analysis::rules::do_support::stub_classes(&cx, &c.bindings).unwrap_or_default();
            return Some((Symbol::Method { worker, classes, method: c.method.to_string() }, c.method_span));
        }
    }
    let file = Arc::new(path.to_path_buf());
    for (index, class) in facts.classes.iter().enumerate() {
        if class.name.span.touches(offset) {
            return Some((Symbol::Class { worker, name: class.name.value.clone() }, class.name.span));
        }
        if let Some(m) = class.members.iter().find(|m| m.name.span.touches(offset)) {
            let classes = vec![ClassRef { file, index }];
            return Some((Symbol::Method { worker, classes, method: m.name.value.clone() }, m.name.span));
        }
    }
    None
}

fn config_symbol(ws: &Workspace, path: &Path, offset: usize) -> Option<(Symbol, Span)> {
    let file = ws.config_file(path)?;
    let worker = ws.worker(path)?.config_path.clone();
    let cursor = cursor::config_cursor(&file.config.root, offset);
    let env = cursor.env_name().map(str::to_string);
    let section = cursor.section_path();
    let string = |spot: ConfigSpot<'_>| match spot {
        ConfigSpot::Value(v) => match &v.kind {
            crate::config::ValueKind::String(s) => Some((s.clone(), v.span)),
            _ => None,
        },
        _ => None,
    };
    let keys: Vec<Option<&str>> = section
        .iter()
        .map(|s| match s {
            PathStep::Key(k) => Some(k.as_str()),
            PathStep::Index(_) => None,
        })
        .collect();
    if let ConfigSpot::Key(member) = cursor.spot {
        return match keys.as_slice() {
            [Some("exports"), Some(_)] => {
                Some((Symbol::Class { worker, name: member.key.value.clone() }, member.key.span))
            }
            _ => None,
        };
    }
    let (value, span) = string(cursor.spot)?;
    let symbol = match keys.as_slice() {
        [Some("durable_objects"), Some("bindings"), None, Some("name")] => Symbol::Binding { worker, name: value },
        [Some("durable_objects"), Some("bindings"), None, Some("class_name")] => {
            let binding = binding_at(&file.config, cursor.env_name(), cursor.index_back(1)?)?;
            let class_worker = match &binding.script_name {
                None => worker,
                Some(script) => {
                    ws.workers_named(&script.value, ws.worker(path)?.dir.as_path()).first()?.config_path.clone()
                }
            };
            Symbol::Class { worker: class_worker, name: value }
        }
        [Some("durable_objects"), Some("bindings"), None, Some("script_name")] => {
            Symbol::Script { from: worker, name: value }
        }
        [Some("name")] => Symbol::Worker { worker, name: value },
        [Some("migrations"), None, Some("tag")] => Symbol::Tag { worker, env, step: cursor.index_back(1)? },
        [Some("migrations"), None, Some("new_sqlite_classes" | "new_classes" | "deleted_classes"), None]
        | [Some("migrations"), None, Some("renamed_classes"), None, Some("from" | "to")]
        | [Some("migrations"), None, Some("transferred_classes"), None, Some("to")]
        | [Some("exports"), Some(_), Some("renamed_to")] => Symbol::Class { worker, name: value },
        _ => {
            // Another binding's name (`kv_namespaces[].binding`, a `vars` key, ...).
            let config = &file.config;
            let other = std::iter::once(&config.top)
                .chain(config.envs.iter().map(|e| &e.config))
                .flat_map(|s| s.other_bindings.iter())
                .find(|b| b.name.span == span)?;
            Symbol::Binding { worker, name: other.name.value.clone() }
        }
    };
    Some((symbol, span))
}

/// The DO binding at `index` of the section `env`.
fn binding_at<'c>(
    config: &'c crate::config::WorkerConfig,
    env: Option<&str>,
    index: usize,
) -> Option<&'c crate::config::DoBinding> {
    let section = config.section(env)?;
    section.durable_objects.as_ref()?.bindings.get(index)
}

/// The class a Worker defines under `name`: the one `main` exports, else the one its files hold.
pub(crate) fn defined_class(cx: &WorkerContext<'_>, name: &str) -> Option<ClassRef> {
    cx.exported_class(name).or_else(|| cx.find_class(name).cloned())
}

/// The context of the Worker whose config is `config`.
pub(crate) fn context_of<'a>(ws: &'a Workspace, config: &Path) -> Option<WorkerContext<'a>> {
    worker_context(ws, config)
}

/// Go to definition.
pub fn definition(ws: &Workspace, path: &Path, offset: usize) -> Vec<Target> {
    let Some((symbol, _)) = symbol_at(ws, path, offset) else { return Vec::new() };
    match symbol {
        Symbol::Binding { worker, name } => binding_declarations(ws, &worker, &name),
        Symbol::Class { worker, name } => {
            let Some(cx) = context_of(ws, &worker) else { return Vec::new() };
            class_declaration(&cx, &name).into_iter().collect()
        }
        Symbol::Method { classes, method, .. } => method_declarations(ws, &classes, &method),
        Symbol::Script { from, name } => {
            let near = from.parent().unwrap_or(Path::new(""));
            let Some(target) = ws.workers_named(&name, near).into_iter().next() else { return Vec::new() };
            let span = target.config.top.name.as_ref().map_or(Span::default(), |n| n.span);
            vec![Target { path: target.config_path.clone(), span }]
        }
        Symbol::Worker { .. } | Symbol::Tag { .. } | Symbol::LocationHint(..) | Symbol::Jurisdiction(..) => Vec::new(),
    }
}

/// Every use of the symbol at the cursor, in code and config.
pub fn references(ws: &Workspace, path: &Path, offset: usize, include_declaration: bool) -> Vec<Target> {
    let Some((symbol, _)) = symbol_at(ws, path, offset) else { return Vec::new() };
    let mut out = match symbol {
        Symbol::Binding { worker, name } => {
            let mut out = if include_declaration { binding_declarations(ws, &worker, &name) } else { Vec::new() };
            out.extend(binding_uses(ws, &worker, &name).into_iter().map(|(path, span, _)| Target { path, span }));
            out
        }
        Symbol::Class { worker, name } => class_references(ws, &worker, &name, include_declaration),
        Symbol::Method { worker, classes, method } => {
            let mut out = if include_declaration { method_declarations(ws, &classes, &method) } else { Vec::new() };
            out.extend(
                method_uses(ws, &worker, &classes, &method).into_iter().map(|(path, span)| Target { path, span }),
            );
            out
        }
        Symbol::Script { .. }
        | Symbol::Worker { .. }
        | Symbol::Tag { .. }
        | Symbol::LocationHint(..)
        | Symbol::Jurisdiction(..) => Vec::new(),
    };
    out.sort_by(|a, b| (&a.path, a.span).cmp(&(&b.path, b.span)));
    out.dedup();
    out
}

/// Every place of a Worker's code that names the binding `name` (`env.NAME`, a destructuring
/// key), with whether it is a destructuring key: the usages search of references and rename.
pub(crate) fn binding_uses(ws: &Workspace, worker: &Arc<PathBuf>, name: &str) -> Vec<(Arc<PathBuf>, Span, bool)> {
    let Some(cx) = context_of(ws, worker) else { return Vec::new() };
    let model = cx.model();
    let mut out = Vec::new();
    for path in model.code_files().to_vec() {
        let Some(file) = model.file_id(path) else { continue };
        for u in model.binding_names_in(file).into_iter().filter(|u| &*u.name == name) {
            out.push((path.clone(), u.span, u.destructured));
        }
    }
    out
}

/// Every call of the RPC method `method` on stubs of `classes` in a Worker's code, and every
/// `this.method` inside those classes: the usages search of references and rename.
pub(crate) fn method_uses(
    ws: &Workspace,
    worker: &Arc<PathBuf>,
    classes: &[ClassRef],
    method: &str,
) -> Vec<(Arc<PathBuf>, Span)> {
    let Some(cx) = context_of(ws, worker) else { return Vec::new() };
    let model = cx.model();
    let mut bindings: Vec<String> = Vec::new();
    for b in cx.envs.iter().flat_map(|e| e.env.do_bindings()).filter_map(|b| b.name.as_ref()) {
        let same = cx.classes_bound_to(&b.value).is_some_and(|c| c.iter().any(|x| classes.contains(x)));
        if same && !bindings.contains(&b.value) {
            bindings.push(b.value.clone());
        }
    }
    let mut out: Vec<(Arc<PathBuf>, Span)> = model
        .stub_calls()
        .iter()
        .filter(|c| &*c.method == method && c.bindings.iter().any(|b| bindings.iter().any(|x| **x == **b)))
        .map(|c| (model.path(c.call.file).clone(), c.method_span))
        .collect();
    for class in classes {
        out.extend(model.this_members(class, method).into_iter().map(|(f, span)| (model.path(f).clone(), span)));
    }
    out
}

/// Every place of a Worker's code that names the class `name` (declared at `class`): the
/// model's usages of its symbol, re-exports `export { Old } from "./x"`, and the
/// `import("./x").Old` type arguments of `wrangler types` output. The usages search of
/// references and rename.
pub(crate) fn class_code_names(
    ws: &Workspace,
    cx: &WorkerContext<'_>,
    class: &ClassRef,
    name: &str,
) -> Vec<(Arc<PathBuf>, Span, UsageKind)> {
    let model = cx.model();
    let mut out: Vec<(Arc<PathBuf>, Span, UsageKind)> = Vec::new();
    if let Some(symbol) = model.class_symbol(class) {
        out.extend(model.usages(symbol).into_iter().map(|u| (model.path(u.file).clone(), u.span, u.kind)));
    }
    let ours = |target: ExportTarget| target == ExportTarget::Class { file: class.file.clone(), class: class.index };
    let mut files: Vec<&Arc<PathBuf>> = cx.worker.files().collect();
    files.sort();
    files.dedup();
    for file in files {
        let Some(source) = ws.source(file) else { continue };
        for member in source.facts.env_types.iter().flat_map(|t| t.members.iter()) {
            if let Some(TypeArgument::Import { name: n, .. }) =
                member.namespace.as_ref().and_then(|n| n.argument.as_ref())
            {
                if n.value == name {
                    out.push((file.clone(), n.span, UsageKind::Reference));
                }
            }
        }
        for export in &source.facts.exports {
            let ExportFact::From { exported, imported, .. } = export else { continue };
            if imported != name || !ws.export_table(file).names.get(&exported.value).cloned().is_some_and(ours) {
                continue;
            }
            if exported.value == name {
                out.push((file.clone(), exported.span, UsageKind::Reference));
            } else if let Some(at) = source.text.get(..exported.span.start).and_then(|t| t.rfind(name)) {
                // `export { Old as Alias } from`: the imported name before `as`.
                out.push((file.clone(), Span::new(at, at + name.len()), UsageKind::ImportedName));
            }
        }
    }
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    out
}

/// The `name` of every binding called `name` in every section of a Worker's config.
fn binding_declarations(ws: &Workspace, worker: &Arc<PathBuf>, name: &str) -> Vec<Target> {
    let Some(w) = ws.worker(worker) else { return Vec::new() };
    let config = &w.config;
    let sections = std::iter::once(&config.top).chain(config.envs.iter().map(|e| &e.config));
    let mut out = Vec::new();
    for section in sections {
        let dos = section.durable_objects.iter().flat_map(|d| d.bindings.iter()).filter_map(|b| b.name.as_ref());
        let others = section.other_bindings.iter().map(|b| &b.name);
        for n in dos.chain(others).filter(|n| n.value == name) {
            out.push(Target { path: worker.clone(), span: n.span });
        }
    }
    out
}

fn class_declaration(cx: &WorkerContext<'_>, name: &str) -> Option<Target> {
    let class = defined_class(cx, name)?;
    let fact = cx.ws.class(&class)?;
    Some(Target { path: class.file.clone(), span: fact.name.span })
}

/// The declarations of `method` in `classes` (or the nearest of their ancestors declaring it).
fn method_declarations(ws: &Workspace, classes: &[ClassRef], method: &str) -> Vec<Target> {
    let mut out = Vec::new();
    for class in classes {
        for c in std::iter::once(class.clone()).chain(ws.ancestors(class)) {
            let Some(fact) = ws.class(&c) else { continue };
            if let Some(m) = fact.members.iter().find(|m| m.name.value == method) {
                out.push(Target { path: c.file.clone(), span: m.name.span });
                break;
            }
        }
    }
    out
}

/// The declaration, imports and exports of a class in code, and every config mention: bindings
/// (here, and in Workers that name this one in `script_name`), migrations and `exports`.
fn class_references(ws: &Workspace, worker: &Arc<PathBuf>, name: &str, include_declaration: bool) -> Vec<Target> {
    let Some(cx) = context_of(ws, worker) else { return Vec::new() };
    let mut out = Vec::new();
    if include_declaration {
        out.extend(class_declaration(&cx, name));
    }
    if let Some(class) = defined_class(&cx, name) {
        let declaration = ws.class(&class).map(|c| c.name.span);
        for (path, span, _) in class_code_names(ws, &cx, &class, name) {
            if path == class.file && Some(span) == declaration {
                continue;
            }
            out.push(Target { path, span });
        }
    }
    let config = &cx.worker.config;
    for section in std::iter::once(&config.top).chain(config.envs.iter().map(|e| &e.config)) {
        for b in section.durable_objects.iter().flat_map(|d| d.bindings.iter()).filter(|b| b.is_local()) {
            out.extend(
                b.class_name.iter().filter(|c| c.value == name).map(|c| Target { path: worker.clone(), span: c.span }),
            );
        }
        for step in section.migrations.iter().flat_map(|m| m.steps.iter()) {
            let names = step
                .new_sqlite_classes
                .iter()
                .chain(&step.new_classes)
                .chain(&step.deleted_classes)
                .chain(step.renamed_classes.iter().flat_map(|r| r.from.iter().chain(r.to.iter())))
                .chain(step.transferred_classes.iter().flat_map(|t| t.to.iter()));
            out.extend(names.filter(|n| n.value == name).map(|n| Target { path: worker.clone(), span: n.span }));
        }
        for entry in section.exports.iter().flat_map(|e| e.entries.iter()) {
            if entry.key.value == name {
                out.push(Target { path: worker.clone(), span: entry.key.span });
            }
        }
    }
    if let Some(own) = cx.worker.name() {
        for other in ws.workers().filter(|w| w.config_path != *worker) {
            let c = &other.config;
            for section in std::iter::once(&c.top).chain(c.envs.iter().map(|e| &e.config)) {
                for b in section.durable_objects.iter().flat_map(|d| d.bindings.iter()) {
                    let remote = b.script_name.as_ref().is_some_and(|s| s.value == own);
                    if let Some(class) = b.class_name.as_ref().filter(|c| remote && c.value == name) {
                        out.push(Target { path: other.config_path.clone(), span: class.span });
                    }
                }
            }
        }
    }
    out
}
