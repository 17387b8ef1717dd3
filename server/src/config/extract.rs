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
    WorkerConfig { format, root, syntax_errors, top, envs, has_build_command }
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
        other_bindings: other_bindings(obj),
    }
}

/// `durable_objects` (when it is an object).
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

/// `migrations` (when it is an array).
fn migrations(obj: &Value) -> Option<Migrations> {
    let m = get(obj, "migrations").filter(|v| matches!(v.kind, ValueKind::Array(_)))?;
    let steps = objects(obj, "migrations")
        .map(|s| MigrationStep {
            span: s.span,
            tag: string(s, "tag"),
            new_sqlite_classes: strings(s, "new_sqlite_classes"),
            new_classes: strings(s, "new_classes"),
            renamed_classes: objects(s, "renamed_classes")
                .map(|r| RenamedClass { span: r.span, from: string(r, "from"), to: string(r, "to") })
                .collect(),
            deleted_classes: strings(s, "deleted_classes"),
            transferred_classes: objects(s, "transferred_classes")
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
