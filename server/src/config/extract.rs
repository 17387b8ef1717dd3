//! Turns a format-neutral [`Value`] tree into a [`WorkerConfig`].
//!
//! Values of the wrong shape are skipped silently: shape rules validate `root` separately.

use super::model::*;
use crate::text::Spanned;

/// Reads the top level and every `env.<name>` section of `root` into a [`WorkerConfig`].
pub fn extract(format: ConfigFormat, root: Value, syntax_errors: Vec<SyntaxError>) -> WorkerConfig {
    let top = section(&root);
    let envs = match get(&root, "env").map(|v| &v.kind) {
        Some(ValueKind::Object(members)) => members
            .iter()
            .filter(|m| matches!(m.value.kind, ValueKind::Object(_)))
            .map(|m| NamedEnv { name: m.key.clone(), config: section(&m.value) })
            .collect(),
        _ => Vec::new(),
    };
    let has_build_command =
        get(&root, "build").and_then(|b| string(b, "command")).is_some_and(|c| !c.value.trim().is_empty());
    let (in_doubt, binding_names_in_doubt) = names_in_doubt(&root);
    WorkerConfig { format, root, syntax_errors, top, envs, has_build_command, in_doubt, binding_names_in_doubt }
}

/// The value of `key` in `obj` (the first, when duplicated); `None` when `obj` is not an object.
pub(crate) fn get<'v>(obj: &'v Value, key: &str) -> Option<&'v Value> {
    match &obj.kind {
        ValueKind::Object(members) => members.iter().find(|m| m.key.value == key).map(|m| &m.value),
        _ => None,
    }
}

/// The string value of `key` in `obj`, with the literal's span.
fn string(obj: &Value, key: &str) -> Option<Spanned<String>> {
    as_string(get(obj, key)?)
}

use crate::platform::{
    DO_BINDING_KEYS, EXPORT_DO_KEYS as EXPORT_KEYS, EXPORT_WORKER_KEYS, MIGRATION_STEP_KEYS as STEP_KEYS,
};
use crate::text::words::likely_meant;

/// True when `entry` has a key that is none of `known` but most likely means one of them that
/// is absent ([`likely_meant`], the judge the shape rules' did-you-mean uses too): a misspelt key.
fn has_misspelt_key(entry: &Value, known: &[&str]) -> bool {
    let ValueKind::Object(members) = &entry.kind else { return false };
    let absent: Vec<&str> = known.iter().copied().filter(|k| get(entry, k).is_none()).collect();
    members.iter().any(|m| !known.contains(&m.key.value.as_str()) && likely_meant(&m.key.value, &absent).is_some())
}

/// Every string inside `value`, at any depth.
fn strings_within(value: &Value, out: &mut Vec<String>) {
    match &value.kind {
        ValueKind::String(s) => out.push(s.clone()),
        ValueKind::Array(items) => items.iter().for_each(|i| strings_within(i, out)),
        ValueKind::Object(members) => members.iter().for_each(|m| strings_within(&m.value, out)),
        _ => {}
    }
}

/// The names in doubt ([`WorkerConfig::in_doubt`]): every string of a checked entry (a DO
/// binding, a migration step, an `exports` entry and its key) that has a misspelt key, in any
/// section. Such an entry is read as if the key were absent, never as the key it may mean
/// (rules.md, "One mistake, one finding"); the shape rule reports the misspelling, and rules
/// about what the entry names wait until it is fixed. The flag: such a binding has no `name`
/// ([`WorkerConfig::binding_names_in_doubt`]).
fn names_in_doubt(root: &Value) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut unnamed_binding = false;
    let mut sections = vec![root];
    if let Some(ValueKind::Object(envs)) = get(root, "env").map(|v| &v.kind) {
        sections.extend(envs.iter().map(|m| &m.value));
    }
    for section in sections {
        if let Some(d) = get(section, "durable_objects") {
            for b in objects(d, "bindings").filter(|b| has_misspelt_key(b, DO_BINDING_KEYS)) {
                unnamed_binding |= string(b, "name").is_none();
                strings_within(b, &mut out);
            }
        }
        if let Some(m) = get(section, "migrations") {
            let steps: Vec<&Value> = match &m.kind {
                ValueKind::Array(items) => items.iter().collect(),
                _ => vec![m],
            };
            for step in steps.into_iter().filter(|s| has_misspelt_key(s, STEP_KEYS)) {
                strings_within(step, &mut out);
            }
        }
        if let Some(ValueKind::Object(entries)) = get(section, "exports").map(|e| &e.kind) {
            let known: Vec<&str> = EXPORT_KEYS.iter().chain(EXPORT_WORKER_KEYS).copied().collect();
            for e in entries.iter().filter(|e| has_misspelt_key(&e.value, &known)) {
                out.push(e.key.value.clone());
                strings_within(&e.value, &mut out);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    (out, unnamed_binding)
}

/// A string value with its span.
fn as_string(v: &Value) -> Option<Spanned<String>> {
    match &v.kind {
        ValueKind::String(s) => Some(Spanned::new(s.clone(), v.span)),
        _ => None,
    }
}

/// The items of `key` in `obj` when it is an array (empty otherwise).
fn items<'v>(obj: &'v Value, key: &str) -> &'v [Value] {
    match get(obj, key).map(|v| &v.kind) {
        Some(ValueKind::Array(items)) => items,
        _ => &[],
    }
}

/// The strings of the array `key` in `obj` (non-strings skipped).
fn strings(obj: &Value, key: &str) -> Vec<Spanned<String>> {
    items(obj, key).iter().filter_map(as_string).collect()
}

/// The object items of the array `key` in `obj`.
fn objects<'v>(obj: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    items(obj, key).iter().filter(|v| matches!(v.kind, ValueKind::Object(_)))
}

/// What one section (the top level or an env) declares.
fn section(obj: &Value) -> EnvConfig {
    EnvConfig {
        name: string(obj, "name"),
        main: string(obj, "main"),
        compatibility_date: string(obj, "compatibility_date"),
        compatibility_flags: get(obj, "compatibility_flags")
            .filter(|v| matches!(v.kind, ValueKind::Array(_)))
            .map(|_| strings(obj, "compatibility_flags")),
        durable_objects: durable_objects(obj),
        migrations: migrations(obj),
        exports: exports(obj),
        containers: containers(obj),
        other_bindings: other_bindings(obj),
    }
}

/// `durable_objects` (when it is an object). A misspelt key reads as absent: `invalid-do-binding`
/// reports it, and the binding's names are in doubt ([`names_in_doubt`]).
fn durable_objects(obj: &Value) -> Option<DurableObjects> {
    let dobj = get(obj, "durable_objects").filter(|v| matches!(v.kind, ValueKind::Object(_)))?;
    let bindings = objects(dobj, "bindings")
        .map(|b| DoBinding {
            span: b.span,
            name: string(b, "name"),
            class_name: string(b, "class_name"),
            script_name: string(b, "script_name"),
            environment: string(b, "environment"),
        })
        .collect();
    Some(DurableObjects { span: dobj.span, bindings })
}

/// `containers` (when it is an array). Unknown keys of an entry are ignored: wrangler validates
/// a Container app's own settings, and no rule here reads them.
fn containers(obj: &Value) -> Option<Containers> {
    let c = get(obj, "containers").filter(|v| matches!(v.kind, ValueKind::Array(_)))?;
    let apps = objects(obj, "containers")
        .map(|a| ContainerApp {
            span: a.span,
            name: string(a, "name"),
            class_name: string(a, "class_name"),
            image: string(a, "image"),
        })
        .collect();
    Some(Containers { span: c.span, apps })
}

/// `migrations`: an array of steps, or (a TOML `[migrations]` written for `[[migrations]]`) a
/// single step, read as what it most likely means.
fn migrations(obj: &Value) -> Option<Migrations> {
    let m = get(obj, "migrations")?;
    let steps: Vec<&Value> = match &m.kind {
        ValueKind::Array(items) => items.iter().filter(|i| matches!(i.kind, ValueKind::Object(_))).collect(),
        ValueKind::Object(_) => vec![m],
        _ => return None,
    };
    let list = |s: &Value, key: &str| -> Vec<Spanned<String>> {
        match get(s, key).map(|v| &v.kind) {
            Some(ValueKind::Array(items)) => items.iter().filter_map(as_string).collect(),
            _ => Vec::new(),
        }
    };
    let tables = |s: &Value, key: &str| -> Vec<Value> {
        match get(s, key).map(|v| &v.kind) {
            Some(ValueKind::Array(items)) => {
                items.iter().filter(|i| matches!(i.kind, ValueKind::Object(_))).cloned().collect()
            }
            _ => Vec::new(),
        }
    };
    let steps = steps
        .into_iter()
        .map(|s| MigrationStep {
            span: s.span,
            tag: string(s, "tag"),
            new_sqlite_classes: list(s, "new_sqlite_classes"),
            new_classes: list(s, "new_classes"),
            renamed_classes: tables(s, "renamed_classes")
                .iter()
                .map(|r| RenamedClass { span: r.span, from: string(r, "from"), to: string(r, "to") })
                .collect(),
            deleted_classes: list(s, "deleted_classes"),
            transferred_classes: tables(s, "transferred_classes")
                .iter()
                .map(|t| TransferredClass {
                    span: t.span,
                    from: string(t, "from"),
                    from_script: string(t, "from_script"),
                    to: string(t, "to"),
                })
                .collect(),
        })
        .collect();
    Some(Migrations { span: m.span, steps })
}

/// `exports` (when it is an object).
fn exports(obj: &Value) -> Option<Exports> {
    let e = get(obj, "exports")?;
    let ValueKind::Object(members) = &e.kind else {
        return None;
    };
    let entries = members
        .iter()
        .map(|m| {
            let v = &m.value;
            let kind = match string(v, "type") {
                None => ExportType::Missing,
                Some(t) => match t.value.as_str() {
                    "durable-object" => ExportType::DurableObject,
                    "worker" => ExportType::Worker,
                    "workflow" => ExportType::Workflow,
                    // A misspelt type (`durable-objects`) still means a Durable Object entry.
                    other if strsim::damerau_levenshtein(other, "durable-object") <= 2 => ExportType::DurableObject,
                    _ => ExportType::Unknown(t.value),
                },
            };
            ExportEntry {
                key: m.key.clone(),
                span: v.span,
                kind,
                state: string(v, "state"),
                storage: string(v, "storage"),
                renamed_to: string(v, "renamed_to"),
                transferred_to: string(v, "transferred_to"),
                transfer_from: string(v, "transfer_from"),
                container: string(v, "container"),
            }
        })
        .collect();
    Some(Exports { span: e.span, entries })
}

/// Config keys holding an array of bindings: (key, name field, kind).
const ARRAY_BINDINGS: &[(&str, &str, BindingKind)] = &[
    ("kv_namespaces", "binding", BindingKind::KvNamespace),
    ("r2_buckets", "binding", BindingKind::R2Bucket),
    ("d1_databases", "binding", BindingKind::D1Database),
    ("services", "binding", BindingKind::Service),
    ("workflows", "binding", BindingKind::Workflow),
    ("analytics_engine_datasets", "binding", BindingKind::AnalyticsEngine),
    ("vectorize", "binding", BindingKind::Vectorize),
    ("hyperdrive", "binding", BindingKind::Hyperdrive),
    ("send_email", "name", BindingKind::SendEmail),
    ("secrets_store_secrets", "binding", BindingKind::SecretsStoreSecret),
    ("ratelimits", "name", BindingKind::RateLimit),
    ("rate_limits", "name", BindingKind::RateLimit),
    ("dispatch_namespaces", "binding", BindingKind::DispatchNamespace),
    ("mtls_certificates", "binding", BindingKind::MtlsCertificate),
    ("pipelines", "binding", BindingKind::Pipeline),
];

/// Config keys holding one object with a `binding` field.
const SINGLE_BINDINGS: &[(&str, BindingKind)] = &[
    ("ai", BindingKind::Ai),
    ("browser", BindingKind::Browser),
    ("assets", BindingKind::Assets),
    ("version_metadata", BindingKind::VersionMetadata),
    ("images", BindingKind::Images),
];

/// Every non-DO binding of a section, grouped by config key in a fixed order.
fn other_bindings(obj: &Value) -> Vec<OtherBinding> {
    let mut out = Vec::new();
    let mut push = |name: Option<Spanned<String>>, kind| {
        if let Some(name) = name {
            out.push(OtherBinding { name, kind });
        }
    };
    for &(key, field, kind) in ARRAY_BINDINGS {
        for b in objects(obj, key) {
            push(string(b, field), kind);
        }
    }
    if let Some(queues) = get(obj, "queues") {
        for b in objects(queues, "producers") {
            push(string(b, "binding"), BindingKind::QueueProducer);
        }
    }
    for &(key, kind) in SINGLE_BINDINGS {
        if let Some(v) = get(obj, key) {
            push(string(v, "binding"), kind);
        }
    }
    if let Some(ValueKind::Object(vars)) = get(obj, "vars").map(|v| &v.kind) {
        for m in vars {
            push(Some(m.key.clone()), BindingKind::Var);
        }
    }
    out
}
