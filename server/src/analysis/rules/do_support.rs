//! Helpers shared by the rules about Durable Object class bodies and call sites: which calls lie
//! in DO classes, storage receivers, compatibility switches, and edits that add class members.

use std::path::PathBuf;
use std::sync::Arc;

use crate::analysis::{EnvView, TextEdit, WorkerContext};
use crate::facts::ClassFact;
use crate::index::{ClassRef, DoClassKind};
use crate::platform::CompatBehaviour;
use crate::text::lines::{indent_unit, line_indent, line_start};
use crate::text::Span;

/// True when every member of the class and its ancestors is known: the class extends
/// `DurableObject` (through workspace classes only) or is a legacy class a binding names. A
/// package base such as `Agent` or partyserver's `Server` may define anything.
pub fn members_known(cx: &WorkerContext<'_>, class: &ClassRef) -> bool {
    match cx.ws.do_class_kind(class) {
        DoClassKind::DurableObject => true,
        DoClassKind::NotDurableObject => cx.is_do_class(class),
        DoClassKind::KnownBase(_) | DoClassKind::Unknown => false,
    }
}

/// True when the class or one of its workspace ancestors has a non-static member `name`.
pub fn defines_member(cx: &WorkerContext<'_>, class: &ClassRef, name: &str) -> bool {
    std::iter::once(class.clone())
        .chain(cx.ws.ancestors(class))
        .any(|c| cx.ws.class(&c).is_some_and(|fact| fact.members.iter().any(|m| !m.is_static && m.name.value == name)))
}

/// The first environment in which a runtime behaviour is off: its `compatibility_date` is
/// before `since` and `enable_flag` is absent, or `disable_flag` is set. Environments without a
/// date are skipped (the date in effect is unknown).
pub fn env_without_behaviour<'a, 'b>(
    cx: &'b WorkerContext<'a>,
    behaviour: &CompatBehaviour,
) -> Option<&'b EnvView<'a>> {
    let CompatBehaviour { since, enable_flag, disable_flag } = *behaviour;
    cx.envs.iter().find(|view| {
        let flags = view.env.compatibility_flags.unwrap_or_default();
        let has = |flag: &str| flags.iter().any(|f| f.value == flag);
        if disable_flag.is_some_and(has) {
            return true;
        }
        if has(enable_flag) {
            return false;
        }
        view.env.compatibility_date.is_some_and(|d| d.value.as_str() < since)
    })
}

/// The first environment in which a runtime behaviour is on: its `compatibility_date` is
/// `since` or later and `disable_flag` is absent, or `enable_flag` is set. Environments without
/// a valid date are skipped (the date in effect is unknown, and a deploy needs one).
pub fn env_with_behaviour<'a, 'b>(cx: &'b WorkerContext<'a>, behaviour: &CompatBehaviour) -> Option<&'b EnvView<'a>> {
    let CompatBehaviour { since, enable_flag, disable_flag } = *behaviour;
    cx.envs.iter().find(|view| {
        let Some(date) = view.env.compatibility_date.filter(|d| super::rpc_compat_date::is_date(&d.value)) else {
            return false;
        };
        let flags = view.env.compatibility_flags.unwrap_or_default();
        let has = |flag: &str| flags.iter().any(|f| f.value == flag);
        if disable_flag.is_some_and(has) {
            return false;
        }
        has(enable_flag) || date.value.as_str() >= since
    })
}

/// Where an environment's settings are written, for messages: the config file's name
/// (`wrangler.jsonc`), or `env.staging in wrangler.jsonc`.
pub fn config_source(cx: &WorkerContext<'_>, view: &EnvView<'_>) -> String {
    let file = cx.config_path().file_name().map_or_else(|| "the config".into(), |n| n.to_string_lossy().into_owned());
    match view.env.name {
        None => file,
        Some(_) => format!("{} in {file}", view.label()),
    }
}

/// `wrangler.jsonc has compatibility_date 2025-06-01` (or `env.staging in wrangler.jsonc has
/// ...`): the date in effect, named with its file, for messages.
pub fn env_date_label(cx: &WorkerContext<'_>, view: &EnvView<'_>) -> String {
    let source = config_source(cx, view);
    match view.env.compatibility_date {
        Some(date) => format!("{source} has compatibility_date {}", date.value),
        None => format!("{source} has no compatibility_date"),
    }
}

/// An edit that adds `member` (one line, no indentation) as the last member of `class`, indented
/// like the class's other members.
pub fn append_member(path: &Arc<PathBuf>, text: &str, class: &ClassFact, member: &str) -> Option<TextEdit> {
    let close = class.body_span.end.checked_sub(1)?;
    if text.get(close..class.body_span.end) != Some("}") {
        return None;
    }
    let class_indent = line_indent(text, class.span.start);
    let member_indent = class.members.first().map(|m| line_indent(text, m.span.start));
    let indent = format!("{class_indent}{}", indent_unit(class_indent, member_indent));
    let start = line_start(text, close);
    let close_on_own_line =
        text.get(start..close).is_some_and(|t| t.trim().is_empty()) && start > class.body_span.start;
    let (at, new_text) = if close_on_own_line {
        let gap = if class.members.is_empty() { "" } else { "\n" };
        (start, format!("{gap}{indent}{member}\n"))
    } else {
        (close, format!("\n{indent}{member}\n{class_indent}"))
    };
    Some(TextEdit { path: path.clone(), span: Span::new(at, at), new_text })
}

pub use crate::sema::SqlExec;

/// Every `exec` call on a DO's SQL API, once per context the model sees it in (see
/// [`crate::sema::Model::sql_execs`]).
pub fn sql_exec_contexts(cx: &WorkerContext<'_>) -> std::rc::Rc<Vec<SqlExec>> {
    cx.model().sql_execs()
}

/// A `sql.exec(...)` call of the Worker's code, as the SQL rules read it.
pub struct SqlCall<'a> {
    /// The file.
    pub path: &'a Arc<PathBuf>,
    /// Its text.
    pub text: &'a str,
    /// The call.
    pub call: crate::sema::ExprRef,
    /// The call's span.
    pub span: Span,
    /// The query (the first argument).
    pub query: Option<crate::sema::ExprRef>,
    /// How many arguments.
    pub args: usize,
    /// The statement the call is the whole of: its span, the block it is in, `await`ed.
    pub statement: Option<(Span, Option<Span>, bool)>,
}

/// Every `sql.exec(...)` call of the Worker's code (see [`sql_exec_contexts`]), once each, in
/// file order.
pub fn sql_execs<'a>(cx: &WorkerContext<'a>) -> Vec<SqlCall<'a>> {
    let model = cx.model();
    let mut calls: Vec<crate::sema::ExprRef> = sql_exec_contexts(cx).iter().map(|e| e.call).collect();
    // File ids follow the code files' sorted paths: file order without comparing paths.
    calls.sort_by_key(|c| (c.file, model.span(*c).start));
    calls.dedup();
    calls
        .into_iter()
        .map(|call| {
            let args = model.call_args(call);
            SqlCall {
                path: model.path(call.file),
                text: model.text(call.file),
                call,
                span: model.span(call),
                query: args.first().copied(),
                args: args.len(),
                statement: model.statement_of(call),
            }
        })
        .collect()
}

/// The literal SQL text pieces of a query written in the call (a string literal, or the text
/// pieces of a template literal), each with the byte offset where it starts.
pub fn sql_literal_pieces<'m>(model: &crate::sema::Model<'m>, query: crate::sema::ExprRef) -> Vec<(&'m str, usize)> {
    use crate::facts::code::ExprKind;
    let text = model.text(query.file);
    match model.expr(query).map(|e| e.kind) {
        Some(ExprKind::Str) => {
            let span = model.span(query);
            let inner = Span::new(span.start + 1, span.end.saturating_sub(1).max(span.start + 1));
            text.get(inner.start..inner.end).map(|t| vec![(t, inner.start)]).unwrap_or_default()
        }
        Some(ExprKind::Template(parts)) => model
            .template_parts(query, parts)
            .into_iter()
            .filter_map(|(piece, is_text)| {
                let span = model.span(piece);
                is_text.then(|| text.get(span.start..span.end).map(|t| (t, span.start))).flatten()
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The span of a string literal's contents (inside its quotes).
pub fn literal_contents(span: Span) -> Span {
    Span::new(span.start + 1, span.end.saturating_sub(1).max(span.start + 1))
}

/// Reports a string literal `value` (at `span`, quotes included) that is not one of `valid`:
/// `message` says what is wrong, the closest valid value is suggested and offered as a fix.
pub fn report_invalid_literal(
    cx: &WorkerContext<'_>,
    out: &mut Vec<crate::analysis::Finding>,
    rule: &'static crate::analysis::RuleMeta,
    (path, span): (&Arc<PathBuf>, Span),
    (value, valid): (&str, &[&str]),
    mut message: String,
) {
    let near = crate::analysis::closest(value, valid.iter().copied());
    if let Some(near) = near {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    let fixes = near
        .map(|near| {
            let edit = TextEdit { path: path.clone(), span: literal_contents(span), new_text: near.to_owned() };
            crate::analysis::Fix::single(
                format!("Use `{near}`"),
                edit,
                true,
                crate::analysis::Applicability::Suggestion,
            )
        })
        .into_iter()
        .collect();
    let location = crate::analysis::Location { path: path.clone(), span };
    cx.report(rule, location, message).fixes(fixes).emit(out);
}

/// The classes a stub of any of `bindings` may be of, when every binding resolves to workspace
/// classes.
pub fn stub_classes(cx: &WorkerContext<'_>, bindings: &[std::rc::Rc<str>]) -> Option<Vec<ClassRef>> {
    let mut out: Vec<ClassRef> = Vec::new();
    for binding in bindings {
        for class in cx.classes_bound_to(binding)? {
            if !out.contains(&class) {
                out.push(class);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The string constants of property `key` of an object value (the options of a call), each
/// with the literal it comes from.
pub fn option_strings(value: &crate::sema::Value, key: &str) -> Vec<(String, Option<crate::sema::Origin>)> {
    let mut out = Vec::new();
    for alternative in value.alternatives() {
        let crate::sema::Value::Object(props) = alternative else { continue };
        let Some((_, v)) = props.iter().rev().find(|(k, _)| &**k == key) else { continue };
        if let Some(strings) = v.strings() {
            out.extend(strings.into_iter().map(|(s, o)| (s.to_owned(), o)));
        }
    }
    out
}

/// Reports a constant string `value` that is not one of `valid`, at the literal it comes from
/// (`origin`; else at `fallback`, the expression that has it, without a fix): `message` says
/// what is wrong, the closest valid value is suggested and offered as a fix.
pub fn report_invalid_constant(
    cx: &WorkerContext<'_>,
    out: &mut Vec<crate::analysis::Finding>,
    rule: &'static crate::analysis::RuleMeta,
    (origin, fallback): (Option<crate::sema::Origin>, crate::sema::ExprRef),
    (value, valid): (&str, &[&str]),
    message: String,
) {
    let model = cx.model();
    match origin {
        Some(o) => report_invalid_literal(cx, out, rule, (model.path(o.file), o.span), (value, valid), message),
        None => {
            let location =
                crate::analysis::Location { path: model.path(fallback.file).clone(), span: model.span(fallback) };
            cx.report(rule, location, message).emit(out);
        }
    }
}

/// For `<storage>.method(...)` where the receiver is a DO's storage (`this.ctx.storage`,
/// `state.storage`, an alias of either): the method's name and span.
pub fn storage_method<'m>(model: &crate::sema::Model<'m>, site: &crate::sema::Site<'m>) -> Option<(&'m str, Span)> {
    let (object, method, span) = site.method?;
    model.eval_in(object, site.frame.as_ref()).all(|v| *v == crate::sema::Value::Storage).then_some((method, span))
}

/// True when the class hands `this` to code that may install `handler` on the instance: a
/// function from a package (`Lifecycle.install(this)`), or a workspace function that mentions
/// the handler (`setup({ self: this })` assigning `self.webSocketMessage`). The runtime finds
/// handlers on the instance, wherever they come from.
pub fn handler_installed_elsewhere(cx: &WorkerContext<'_>, class: &ClassRef, handler: &str) -> bool {
    use crate::facts::code::{ExprKind, PropKey};
    let model = cx.model();
    model.class_sites(class).iter().filter(|s| s.is_direct()).any(|site| {
        let passes_this = model.call_args(site.call).iter().any(|&arg| match model.expr(arg).map(|e| e.kind) {
            Some(ExprKind::This) => true,
            Some(ExprKind::Object(props)) => model.unit(arg.file, arg.unit).is_some_and(|u| {
                u.code.props_of(props).iter().any(|p| {
                    !matches!(p.key, PropKey::Spread) && u.code.expr(p.value).is_some_and(|v| v.kind == ExprKind::This)
                })
            }),
            _ => false,
        });
        if !passes_this {
            return false;
        }
        match model.called_function(site.call, None) {
            Some((f, _)) => {
                let span = model.function_span(f);
                model.text(f.file).get(span.start..span.end).is_some_and(|t| t.contains(handler))
            }
            None => true,
        }
    })
}

/// The calls followed from the class to a site outside its own code, as related information.
pub fn chain_related(
    model: &crate::sema::Model<'_>,
    chain: &[crate::sema::ExprRef],
    class: &str,
) -> Vec<crate::analysis::Related> {
    chain
        .iter()
        .copied()
        .map(|call| {
            let callee = model.callee_name(call);
            crate::analysis::Related {
                location: crate::analysis::Location { path: model.path(call.file).clone(), span: model.span(call) },
                message: format!("`{class}` calls `{callee}` here"),
            }
        })
        .collect()
}

/// A config site that gives a live class KV storage under its name, and the environments that
/// read it (one site may be read by several: `migrations` and `exports` are inherited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvClass {
    /// The class name.
    pub name: String,
    /// The site: the class-name literal in `new_classes`, the `"legacy-kv"` value of its
    /// `exports` entry (the entry's key when `storage` is missing), or the `to` of the rename that
    /// carried KV storage over to this name.
    pub span: Span,
    /// How the class got KV storage, for messages: ``is created with `new_classes` ``.
    pub how: String,
    /// True when the site creates the class (`new_classes`, `storage: "legacy-kv"`): changing it
    /// to SQLite is possible while the class is not deployed yet.
    pub created: bool,
    /// The environments (indexes into `cx.envs`) in which the site leaves the class live with KV
    /// storage.
    pub envs: Vec<usize>,
    /// A `containers[].class_name` of one of those environments, when one names the class.
    pub container: Option<Span>,
    /// True when the class's `exports` entry in one of those environments has a `container`
    /// (then `invalid-export-entry` reports the KV storage, as wrangler's
    /// `validateDurableObjectExportContainer` does).
    pub export_container: bool,
}

impl KvClass {
    /// True when a container is attached to the class (either way).
    pub fn has_container(&self) -> bool {
        self.container.is_some() || self.export_container
    }
}

/// Every live class with KV storage, once per config site, in environment order.
pub fn kv_classes(cx: &WorkerContext<'_>) -> Vec<KvClass> {
    use crate::config::{EventKind, Storage};
    let mut out: Vec<KvClass> = Vec::new();
    for (i, view) in cx.envs.iter().enumerate() {
        for class in view.lifecycle.live_classes().filter(|c| c.storage == Some(Storage::Kv)) {
            let made_live = class.history.iter().rev().find(|e| {
                matches!(
                    e.kind,
                    EventKind::Created(_)
                        | EventKind::RenamedFrom(_)
                        | EventKind::TransferredIn { .. }
                        | EventKind::ExpectingTransfer
                )
            });
            let Some(event) = made_live else { continue };
            let entry = view
                .env
                .exports
                .and_then(|x| x.entries.iter().find(|e| e.key.span == event.span && e.key.value == class.name));
            let storage_span = entry.and_then(|e| e.storage.as_ref()).map_or(event.span, |s| s.span);
            let (span, how, created) = match (&event.kind, entry) {
                (EventKind::Created(_), None) => (event.span, "is created with `new_classes`".to_string(), true),
                (EventKind::Created(_), Some(_)) => {
                    (storage_span, "is created with `storage: \"legacy-kv\"`".to_string(), true)
                }
                (EventKind::RenamedFrom(old), _) => {
                    (event.span, format!("keeps the KV storage of `{old}` (a rename)"), false)
                }
                _ => (storage_span, "expects a transfer with `storage: \"legacy-kv\"`".to_string(), false),
            };
            let container =
                view.env.container_for_class(&class.name).and_then(|a| a.class_name.as_ref()).map(|c| c.span);
            let export_container = view.env.export_container(&class.name).is_some();
            match out.iter_mut().find(|k| k.span == span && k.name == class.name) {
                Some(k) => {
                    k.envs.push(i);
                    k.container = k.container.or(container);
                    k.export_container |= export_container;
                }
                None => out.push(KvClass {
                    name: class.name.clone(),
                    span,
                    how,
                    created,
                    envs: vec![i],
                    container,
                    export_container,
                }),
            }
        }
    }
    out
}
