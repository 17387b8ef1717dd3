//! Completion: bindings after `env.`, namespace and stub methods, location hints and
//! jurisdictions, DO handler snippets in class bodies, and config values (JSONC and TOML).

use std::path::Path;

use super::cursor::{self, CodeContext, ConfigSpot, PathStep};
use super::{do_classes, rpc_members, signature, worker_context};
use crate::analysis::WorkerContext;
use crate::config::lifecycle::{self, next_tag};
use crate::config::{ConfigFormat, Migrations, ValueKind};
use crate::facts::MemberKind;
use crate::index::{ClassRef, Workspace};
use crate::platform::{EXPORT_STATES, EXPORT_STORAGES, EXPORT_TYPES, JURISDICTIONS, LOCATION_HINTS};
use crate::text::Span;

/// What a completion item is, for its icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// An env binding.
    Binding,
    /// A method.
    Method,
    /// A property (a getter).
    Property,
    /// A fixed value (a location hint, a state).
    Value,
    /// A class name.
    Class,
    /// A Worker's name.
    Worker,
    /// A code snippet (a handler).
    Snippet,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows.
    pub label: String,
    /// Its kind.
    pub kind: CompletionKind,
    /// A one-line detail (a type, a signature, a region).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text inserted in place of `replace`.
    pub insert_text: String,
    /// True when `insert_text` is a snippet (`${1:name}` placeholders).
    pub snippet: bool,
    /// The range the insertion replaces (the word typed so far).
    pub replace: Span,
    /// Sort key (items keep the order given when absent).
    pub sort_text: Option<String>,
}

impl Completion {
    fn plain(label: &str, kind: CompletionKind, detail: Option<String>, replace: Span) -> Completion {
        Completion {
            label: label.to_string(),
            kind,
            detail,
            documentation: None,
            insert_text: label.to_string(),
            snippet: false,
            replace,
            sort_text: None,
        }
    }
}

/// The completions at `offset` of `path` (a source file or a wrangler config).
pub fn complete(ws: &Workspace, path: &Path, offset: usize) -> Vec<Completion> {
    let mut items = if ws.config_file(path).is_some() {
        complete_config(ws, path, offset)
    } else {
        complete_code(ws, path, offset)
    };
    for (i, item) in items.iter_mut().enumerate() {
        item.sort_text.get_or_insert_with(|| format!("{i:04}"));
    }
    items
}

fn complete_code(ws: &Workspace, path: &Path, offset: usize) -> Vec<Completion> {
    let Some(view) = super::source_view(ws, path) else { return Vec::new() };
    let Some(cursor) = cursor::code_context(&view.text, view.tree.as_ref(), view.facts, offset) else {
        return Vec::new();
    };
    let replace = cursor.replace;
    match cursor.context {
        CodeContext::LocationHint => values(LOCATION_HINTS, "location hint", replace),
        CodeContext::Jurisdiction => values(JURISDICTIONS, "jurisdiction", replace),
        context => {
            let Some(cx) = worker_context(ws, path) else { return Vec::new() };
            match context {
                CodeContext::EnvMember => env_members(&cx, replace),
                CodeContext::NamespaceMember { binding } if is_do_binding(&cx, &binding) => {
                    namespace_methods(&cx, &binding, replace)
                }
                CodeContext::StubMember { binding } if is_do_binding(&cx, &binding) => {
                    stub_methods(&cx, &binding, replace)
                }
                CodeContext::ClassBody { class } => {
                    let class = ClassRef { file: std::sync::Arc::new(path.to_path_buf()), index: class };
                    handler_snippets(&cx, &class, super::is_javascript(path), replace)
                }
                _ => Vec::new(),
            }
        }
    }
}

fn values(table: &[(&str, &str)], what: &str, replace: Span) -> Vec<Completion> {
    table
        .iter()
        .map(|(value, meaning)| {
            let mut item = Completion::plain(value, CompletionKind::Value, Some((*meaning).to_string()), replace);
            item.documentation = Some(format!("{what} `{value}`: {meaning}"));
            item
        })
        .collect()
}

fn is_do_binding(cx: &WorkerContext<'_>, binding: &str) -> bool {
    cx.envs.iter().flat_map(|e| e.env.do_bindings()).any(|b| b.name.as_ref().is_some_and(|n| n.value == binding))
}

/// `env.` -> every binding of every environment: DO bindings first.
fn env_members(cx: &WorkerContext<'_>, replace: Span) -> Vec<Completion> {
    let mut items: Vec<Completion> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for b in cx.envs.iter().flat_map(|e| e.env.do_bindings()) {
        let Some(name) = &b.name else { continue };
        if seen.contains(&name.value) {
            continue;
        }
        seen.push(name.value.clone());
        let class = b.class_name.as_ref().map_or("unknown", |c| c.value.as_str());
        let mut item = Completion::plain(
            &name.value,
            CompletionKind::Binding,
            Some(format!("DurableObjectNamespace<{class}>")),
            replace,
        );
        let script = b.script_name.as_ref().map(|s| format!(" in Worker `{}`", s.value)).unwrap_or_default();
        item.documentation = Some(format!("Durable Object namespace of class `{class}`{script}"));
        items.push(item);
    }
    for b in cx.envs.iter().flat_map(|e| e.env.other_bindings) {
        if seen.contains(&b.name.value) {
            continue;
        }
        seen.push(b.name.value.clone());
        let mut item =
            Completion::plain(&b.name.value, CompletionKind::Binding, Some(b.kind.type_name().to_string()), replace);
        item.documentation = Some(format!("{} `{}`", b.kind.describe(), b.name.value));
        items.push(item);
    }
    items
}

/// `env.X.` -> the namespace's methods, as snippets.
fn namespace_methods(cx: &WorkerContext<'_>, binding: &str, replace: Span) -> Vec<Completion> {
    let class = cx
        .envs
        .iter()
        .flat_map(|e| e.env.do_bindings())
        .find(|b| b.name.as_ref().is_some_and(|n| n.value == binding))
        .and_then(|b| b.class_name.as_ref())
        .map_or("T".to_string(), |c| c.value.clone());
    let jurisdictions = JURISDICTIONS.iter().map(|(j, _)| *j).collect::<Vec<_>>().join(",");
    let methods: [(&str, String, String, &str); 6] = [
        (
            "idFromName",
            "idFromName(name: string): DurableObjectId".to_string(),
            "idFromName(${1:name})".to_string(),
            "The id that `name` always maps to.",
        ),
        (
            "idFromString",
            "idFromString(id: string): DurableObjectId".to_string(),
            "idFromString(${1:id})".to_string(),
            "Parses an id made by `id.toString()`.",
        ),
        (
            "newUniqueId",
            "newUniqueId(options?: DurableObjectNamespaceNewUniqueIdOptions): DurableObjectId".to_string(),
            "newUniqueId($1)".to_string(),
            "A new random id (`{ jurisdiction }` restricts where the object lives).",
        ),
        (
            "get",
            format!("get(id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions): DurableObjectStub<{class}>"),
            "get(${1:id})".to_string(),
            "The stub of the object with this id (`{ locationHint }` suggests where to create it).",
        ),
        (
            "getByName",
            format!("getByName(name: string, options?: DurableObjectNamespaceGetDurableObjectOptions): DurableObjectStub<{class}>"),
            "getByName(${1:name})".to_string(),
            "The stub of the object named `name` (`get(idFromName(name))` in one call).",
        ),
        (
            "jurisdiction",
            format!("jurisdiction(jurisdiction: DurableObjectJurisdiction): DurableObjectNamespace<{class}>"),
            format!("jurisdiction(\"${{1|{jurisdictions}|}}\")"),
            "A subnamespace whose objects run and store data only inside the jurisdiction.",
        ),
    ];
    methods
        .into_iter()
        .map(|(label, detail, insert, doc)| Completion {
            label: label.to_string(),
            kind: CompletionKind::Method,
            detail: Some(detail),
            documentation: Some(doc.to_string()),
            insert_text: insert,
            snippet: true,
            replace,
            sort_text: None,
        })
        .collect()
}

/// `stub.` -> the bound class's RPC methods, plus `fetch`.
fn stub_methods(cx: &WorkerContext<'_>, binding: &str, replace: Span) -> Vec<Completion> {
    let mut items = Vec::new();
    for class in cx.classes_bound_to(binding).unwrap_or_default() {
        let class_name = cx.ws.class(&class).map_or(String::new(), |c| c.name.value.clone());
        for (_, m) in rpc_members(cx.ws, &class) {
            if items.iter().any(|i: &Completion| i.label == m.name.value) {
                continue;
            }
            let (kind, insert, snippet) = match m.kind {
                MemberKind::Getter => (CompletionKind::Property, m.name.value.clone(), false),
                _ => {
                    let params: Vec<String> = m
                        .param_names
                        .iter()
                        .enumerate()
                        .map(|(i, p)| format!("${{{}:{}}}", i + 1, p.trim_start_matches("...")))
                        .collect();
                    (CompletionKind::Method, format!("{}({})", m.name.value, params.join(", ")), true)
                }
            };
            items.push(Completion {
                label: m.name.value.clone(),
                kind,
                detail: Some(signature(m)),
                documentation: Some(format!("RPC method of `{class_name}`")),
                insert_text: insert,
                snippet,
                replace,
                sort_text: None,
            });
        }
    }
    items.push(Completion {
        label: "fetch".to_string(),
        kind: CompletionKind::Method,
        detail: Some("fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>".to_string()),
        documentation: Some("Sends an HTTP request to the object's `fetch` handler.".to_string()),
        insert_text: "fetch(${1:request})".to_string(),
        snippet: true,
        replace,
        sort_text: None,
    });
    items
}

/// The handlers a DO class may define: (name, TypeScript parameters, JavaScript parameters, return type).
const HANDLERS: &[(&str, &str, &str, &str)] = &[
    ("fetch", "request: Request", "request", "Promise<Response>"),
    ("alarm", "alarmInfo?: AlarmInvocationInfo", "alarmInfo", "Promise<void>"),
    ("webSocketMessage", "ws: WebSocket, message: string | ArrayBuffer", "ws, message", "Promise<void>"),
    (
        "webSocketClose",
        "ws: WebSocket, code: number, reason: string, wasClean: boolean",
        "ws, code, reason, wasClean",
        "Promise<void>",
    ),
    ("webSocketError", "ws: WebSocket, error: unknown", "ws, error", "Promise<void>"),
];

/// In a DO class body -> the handlers it does not define yet, as method snippets.
fn handler_snippets(cx: &WorkerContext<'_>, class: &ClassRef, javascript: bool, replace: Span) -> Vec<Completion> {
    if !cx.is_do_class(class) {
        return Vec::new();
    }
    let Some(fact) = cx.ws.class(class) else { return Vec::new() };
    HANDLERS
        .iter()
        .filter(|(name, ..)| !fact.members.iter().any(|m| m.name.value == *name && !m.name.span.touches(replace.end)))
        .map(|(name, ts_params, js_params, ret)| {
            let (params, ret) = if javascript { (*js_params, String::new()) } else { (*ts_params, format!(": {ret}")) };
            Completion {
                label: (*name).to_string(),
                kind: CompletionKind::Snippet,
                detail: Some(format!("async {name}({ts_params}): {}", ret.trim_start_matches(": "))),
                documentation: Some(format!("The `{name}` handler the runtime calls on this Durable Object.")),
                insert_text: format!("async {name}({params}){ret} {{\n\t$0\n}}"),
                snippet: true,
                replace,
                sort_text: None,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Configs

fn complete_config(ws: &Workspace, path: &Path, offset: usize) -> Vec<Completion> {
    let (Some(file), Some(cx)) = (ws.config_file(path), worker_context(ws, path)) else { return Vec::new() };
    let text = &file.text;
    let config = &file.config;
    let cursor = cursor::config_cursor(&config.root, offset);
    let section = cursor.section_path();
    let key = |depth| cursor.key_back(depth);
    // Inside a string: replace its content; elsewhere insert a quoted value.
    let (replace, quoted) = match cursor.spot {
        ConfigSpot::Value(v) if matches!(v.kind, ValueKind::String(_)) => (cursor::string_content(text, v.span), false),
        ConfigSpot::Value(v) => (v.span, true),
        ConfigSpot::Key(m) => (cursor::string_content(text, m.key.span), false),
        ConfigSpot::Between(_) => (Span::new(offset, offset), true),
    };
    let wrap = |items: Vec<Completion>| -> Vec<Completion> {
        if !quoted {
            return items;
        }
        items
            .into_iter()
            .map(|mut i| {
                i.insert_text = format!("\"{}\"", i.insert_text);
                i
            })
            .collect()
    };
    let env = cx.envs.iter().find(|e| e.env.env_name() == cursor.env_name());
    let in_binding = |key| cursor.ends_with(&[Some("durable_objects"), Some("bindings"), None, Some(key)]);
    let value_spot = matches!(cursor.spot, ConfigSpot::Value(_));
    match (key(0), &cursor.spot) {
        (Some("class_name"), ConfigSpot::Value(_)) if in_binding("class_name") => {
            let items = do_classes(&cx)
                .into_iter()
                .map(|(_, fact, exported)| {
                    let detail = if exported {
                        "Durable Object class (exported)"
                    } else {
                        "Durable Object class (not exported)"
                    };
                    Completion::plain(&fact.name.value, CompletionKind::Class, Some(detail.to_string()), replace)
                })
                .collect();
            wrap(items)
        }
        (Some("script_name"), ConfigSpot::Value(_)) if in_binding("script_name") => {
            let own = cx.worker.name();
            let mut names: Vec<(&str, String)> = ws
                .workers()
                .filter_map(|w| Some((w.name()?, super::relative(&w.config_path, &cx.worker.dir))))
                .filter(|(n, _)| Some(*n) != own)
                .collect();
            names.sort();
            names.dedup_by(|a, b| a.0 == b.0);
            wrap(
                names
                    .into_iter()
                    .map(|(n, p)| Completion::plain(n, CompletionKind::Worker, Some(p), replace))
                    .collect(),
            )
        }
        (Some("tag"), ConfigSpot::Value(_)) if matches!(section, [PathStep::Key(m), PathStep::Index(_), _] if m == "migrations") =>
        {
            let (Some(migrations), Some(step)) = (migrations_at(&cx, cursor.env_name()), cursor.index_back(1)) else {
                return Vec::new();
            };
            let mut others: Migrations = migrations.clone();
            if step < others.steps.len() {
                others.steps.remove(step);
            }
            let tag = next_tag(&others);
            wrap(vec![Completion::plain(
                &tag,
                CompletionKind::Value,
                Some("the next free migration tag".to_string()),
                replace,
            )])
        }
        (Some("state" | "storage" | "type"), ConfigSpot::Value(_)) if matches!(section, [PathStep::Key(e), PathStep::Key(_), PathStep::Key(_)] if e == "exports") =>
        {
            let table: &[(&str, &str)] = match key(0) {
                Some("state") => EXPORT_STATES,
                Some("storage") => EXPORT_STORAGES,
                _ => EXPORT_TYPES,
            };
            wrap(
                table
                    .iter()
                    .map(|(v, d)| Completion::plain(v, CompletionKind::Value, Some((*d).to_string()), replace))
                    .collect(),
            )
        }
        _ if matches!(section, [PathStep::Key(e)] if e == "exports")
            || matches!(section, [PathStep::Key(e), PathStep::Key(_)] if e == "exports" && matches!(cursor.spot, ConfigSpot::Key(_))) =>
        {
            exports_keys(&cx, config.format, &cursor.spot, replace, env.map(|e| &e.lifecycle))
        }
        _ => {
            // A migration's class list, between its entries or in one of them.
            let list = match section {
                [PathStep::Key(m), PathStep::Index(_), PathStep::Key(list)] if m == "migrations" && !value_spot => {
                    Some(list)
                }
                [PathStep::Key(m), PathStep::Index(_), PathStep::Key(list), PathStep::Index(_)]
                    if m == "migrations" && value_spot =>
                {
                    Some(list)
                }
                _ => None,
            };
            match list.map(String::as_str) {
                Some("new_sqlite_classes" | "new_classes") => wrap(unmigrated_classes(&cx, cursor.env_name(), replace)),
                Some("deleted_classes") => {
                    let live = env
                        .map(|e| e.lifecycle.live_classes().map(|c| c.name.clone()).collect::<Vec<_>>())
                        .unwrap_or_default();
                    wrap(
                        live.iter()
                            .map(|n| {
                                Completion::plain(n, CompletionKind::Class, Some("live class".to_string()), replace)
                            })
                            .collect(),
                    )
                }
                _ => Vec::new(),
            }
        }
    }
}

/// The `migrations` of the section the cursor is in (an env's own, else the top level's).
fn migrations_at<'a>(cx: &WorkerContext<'a>, env: Option<&str>) -> Option<&'a Migrations> {
    let config = &cx.worker.config;
    let section = config.section(env)?;
    section.migrations.as_ref()
}

/// The classes bound locally (in the environments that use these migrations) and not yet live.
fn unmigrated_classes(cx: &WorkerContext<'_>, env: Option<&str>, replace: Span) -> Vec<Completion> {
    let Some(migrations) = migrations_at(cx, env) else { return Vec::new() };
    let mut out: Vec<Completion> = Vec::new();
    for view in cx.envs.iter().filter(|e| e.env.migrations.is_some_and(|m| m.span == migrations.span)) {
        for b in view.env.do_bindings().iter().filter(|b| b.is_local()) {
            let Some(class) = &b.class_name else { continue };
            if view.lifecycle.is_live(&class.value) || out.iter().any(|i| i.label == class.value) {
                continue;
            }
            let binding = b.name.as_ref().map_or(String::new(), |n| format!("bound as `{}`, ", n.value));
            out.push(Completion::plain(
                &class.value,
                CompletionKind::Class,
                Some(format!("{binding}not migrated yet")),
                replace,
            ));
        }
    }
    out
}

/// An `exports` key -> the DO classes without an entry yet (a whole entry when between keys).
fn exports_keys(
    cx: &WorkerContext<'_>,
    format: ConfigFormat,
    spot: &ConfigSpot<'_>,
    replace: Span,
    lifecycle: Option<&lifecycle::Lifecycle>,
) -> Vec<Completion> {
    do_classes(cx)
        .into_iter()
        .filter(|(_, fact, _)| lifecycle.is_none_or(|l| l.class(&fact.name.value).is_none()))
        .map(|(_, fact, _)| {
            let name = &fact.name.value;
            let mut item =
                Completion::plain(name, CompletionKind::Class, Some("Durable Object class".to_string()), replace);
            if matches!(spot, ConfigSpot::Between(_)) {
                item.insert_text = match format {
                    ConfigFormat::Jsonc => {
                        format!("\"{name}\": {{ \"type\": \"durable-object\", \"storage\": \"sqlite\" }}")
                    }
                    ConfigFormat::Toml => format!("{name} = {{ type = \"durable-object\", storage = \"sqlite\" }}"),
                };
            }
            item
        })
        .collect()
}
