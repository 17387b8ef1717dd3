//! The source action "Convert migrations to declarative exports": replaces the legacy
//! `migrations` array of a config by the `exports` map that describes the same classes.
//!
//! The steps are replayed per namespace: a class created by `new_sqlite_classes` has `storage:
//! "sqlite"`, one created by `new_classes` `storage: "legacy-kv"`, and a rename carries the
//! namespace (and its storage) to the new name. Each live class becomes a live entry; each name a
//! namespace was known by and no longer is becomes a tombstone: `{ state: "renamed", renamed_to }`
//! pointing at the namespace's current name, or `{ state: "deleted" }`.
//!
//! Why tombstones: Cloudflare reconciles `exports` against the namespaces already provisioned
//! ("Durable Object class exports", developers.cloudflare.com/durable-objects/reference/durable-objects-migrations/).
//! A provisioned namespace that no entry declares fails the deploy (`orphaned_provisioned_namespace`,
//! `provisioned_class_missing_from_config`), which is what happens when the last steps were not
//! deployed yet; a tombstone whose change has already landed is only reported as
//! `stale_tombstone` (info, "Safe to remove from `exports`"). So the tombstones are always safe and
//! sometimes required; the changelog's own conversion example keeps the rename as a `renamed`
//! tombstone (changelog 2026-06-30 "Declare Durable Object class lifecycle with `exports`"). The
//! docs' "Migrate from the legacy `migrations` flow" adds that the namespaces stay in place and
//! the storage is the one of the step that created the class.
//!
//! Refused (with the reason) when the config has syntax errors, the history does not replay
//! (sequence errors), a step has a shape or key the model does not carry, a live class came in
//! by transfer (its storage is the source class's, unknown here), or `exports` already exists.

use crate::platform::MIGRATION_STEP_KEYS;
use std::collections::HashMap;

use crate::config::edit::{section_path, ConfigEditor, NewValue, Seg};
use crate::config::{replay, Storage, Value, ValueKind, WorkerConfig};
use crate::text::Span;

/// Computes the edits that replace the `migrations` in effect for `env` by the equivalent
/// `exports` map, written in the file's style.
///
/// Because an environment inherits the top level's `migrations` and `exports` unless it declares
/// its own, the sections are converted together: when the top level has `migrations`, it is
/// converted with every environment that declares its own (converting one alone would leave an
/// environment with `migrations` inherited next to its own `exports`, or the reverse). When only
/// the environment `env` has `migrations`, only its own are converted.
pub fn convert_migrations_to_exports(
    config_text: &str,
    config: &WorkerConfig,
    env: Option<&str>,
) -> Result<Vec<(Span, String)>, String> {
    if !config.syntax_errors.is_empty() {
        return Err("the config has syntax errors: fix them first".into());
    }
    config.resolved_env(env).ok_or_else(|| format!("there is no environment `{}`", env.unwrap_or("")))?;
    let has_steps = |m: &Option<crate::config::Migrations>| m.as_ref().is_some_and(|m| !m.steps.is_empty());
    let own_envs = config.envs.iter().filter(|e| has_steps(&e.config.migrations)).map(|e| Some(e.name.value.as_str()));
    let targets: Vec<Option<&str>> = if has_steps(&config.top.migrations) {
        if let Some(e) = config.envs.iter().find(|e| e.config.migrations.is_none() && e.config.exports.is_some()) {
            return Err(format!(
                "env.{} declares its own `exports`, which would replace the converted top level's: merge them by hand",
                e.name.value
            ));
        }
        std::iter::once(None).chain(own_envs).collect()
    } else {
        match env {
            Some(name) if own_envs.clone().any(|e| e == Some(name)) => vec![Some(name)],
            _ => return Err("there are no `migrations` to convert".into()),
        }
    };
    let editor = ConfigEditor::new(config_text, config);
    let mut edits = Vec::new();
    for target in targets {
        let label = target.map(|t| format!(" (env.{t})")).unwrap_or_default();
        edits.push(convert_section(&editor, config, target).map_err(|e| format!("{e}{label}"))?);
    }
    edits.sort();
    Ok(edits)
}

/// Converts the `migrations` a section declares itself.
fn convert_section(
    editor: &ConfigEditor<'_>,
    config: &WorkerConfig,
    env: Option<&str>,
) -> Result<(Span, String), String> {
    let resolved = config.resolved_env(env).ok_or("the environment was not found")?;
    if resolved.exports.is_some() {
        return Err(
            "`exports` already exists: `migrations` and `exports` cannot be combined, merge them by hand".into()
        );
    }
    let mut path = section_path(env);
    path.push(Seg::Key("migrations"));
    let array = editor.lookup(&path).ok_or("the `migrations` array was not found")?;
    check_shape(array)?;
    let lifecycle = replay(&resolved);
    if let Some(e) = lifecycle.sequence_errors.first() {
        return Err(format!("the migrations cannot be replayed: {}", e.message));
    }
    let entries = replay_namespaces(array)?;
    let edit = editor
        .replace_member(&path, "exports", &NewValue::Object(entries))
        .ok_or("the `migrations` array could not be rewritten")?;
    Ok((edit.span, edit.new_text))
}

/// Refuses steps the model would not carry over: non-objects, unknown keys, lists of the wrong
/// shape.
fn check_shape(array: &Value) -> Result<(), String> {
    let ValueKind::Array(steps) = &array.kind else { return Err("`migrations` is not an array".into()) };
    for step in steps {
        let ValueKind::Object(members) = &step.kind else { return Err("a migration step is not an object".into()) };
        for m in members {
            let key = m.key.value.as_str();
            if !MIGRATION_STEP_KEYS.contains(&key) {
                return Err(format!("a migration step has an unknown key `{key}`"));
            }
            let ok = match (key, &m.value.kind) {
                ("tag", ValueKind::String(_)) => true,
                ("renamed_classes" | "transferred_classes", ValueKind::Array(items)) => {
                    items.iter().all(|i| matches!(i.kind, ValueKind::Object(_)))
                }
                (_, ValueKind::Array(items)) => items.iter().all(|i| matches!(i.kind, ValueKind::String(_))),
                _ => false,
            };
            if !ok {
                return Err(format!("a migration step's `{key}` is not of the expected shape"));
            }
        }
    }
    Ok(())
}

/// One namespace while replaying.
struct Namespace {
    /// Its current class name.
    name: String,
    /// Its storage (`None`: transferred in, unknown).
    storage: Option<Storage>,
    /// Not deleted.
    live: bool,
    /// The Worker it was transferred from.
    from_script: Option<String>,
}

/// Replays the steps per namespace; returns the `exports` entries, in order of first appearance.
fn replay_namespaces(array: &Value) -> Result<Vec<(String, NewValue)>, String> {
    let ValueKind::Array(steps) = &array.kind else { return Ok(Vec::new()) };
    let mut namespaces: Vec<Namespace> = Vec::new();
    let mut holder: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let see = |name: &str, order: &mut Vec<String>| {
        if !order.iter().any(|n| n == name) {
            order.push(name.to_string());
        }
    };
    let strings = |step: &Value, key: &str| -> Vec<String> {
        match get(step, key).map(|v| &v.kind) {
            Some(ValueKind::Array(items)) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    ValueKind::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let objects = |step: &Value, key: &str| -> Vec<Value> {
        match get(step, key).map(|v| &v.kind) {
            Some(ValueKind::Array(items)) => items.clone(),
            _ => Vec::new(),
        }
    };
    let live_at = |namespaces: &[Namespace], holder: &HashMap<String, usize>, name: &str| {
        holder.get(name).copied().filter(|&i| namespaces[i].live && namespaces[i].name == name)
    };
    for step in steps {
        // The order `replay` applies a step in: creates, renames, deletes, transfers.
        let creates = strings(step, "new_sqlite_classes")
            .into_iter()
            .map(|n| (n, Storage::Sqlite))
            .chain(strings(step, "new_classes").into_iter().map(|n| (n, Storage::Kv)));
        for (name, storage) in creates {
            see(&name, &mut order);
            namespaces.push(Namespace { name: name.clone(), storage: Some(storage), live: true, from_script: None });
            holder.insert(name, namespaces.len() - 1);
        }
        for r in objects(step, "renamed_classes") {
            let (Some(from), Some(to)) = (string(&r, "from"), string(&r, "to")) else {
                return Err("a `renamed_classes` entry lacks `from` or `to`".into());
            };
            let i = live_at(&namespaces, &holder, &from).ok_or(format!("class `{from}` is not live when renamed"))?;
            see(&from, &mut order);
            see(&to, &mut order);
            namespaces[i].name = to.clone();
            holder.insert(to, i);
        }
        for name in strings(step, "deleted_classes") {
            let i = live_at(&namespaces, &holder, &name).ok_or(format!("class `{name}` is not live when deleted"))?;
            namespaces[i].live = false;
        }
        for t in objects(step, "transferred_classes") {
            let Some(to) = string(&t, "to") else { return Err("a `transferred_classes` entry lacks `to`".into()) };
            see(&to, &mut order);
            let from_script = string(&t, "from_script");
            namespaces.push(Namespace { name: to.clone(), storage: None, live: true, from_script });
            holder.insert(to, namespaces.len() - 1);
        }
    }
    let durable_object = || ("type".to_string(), NewValue::string("durable-object"));
    let mut out = Vec::new();
    for name in order {
        let Some(&i) = holder.get(&name) else { continue };
        let ns = &namespaces[i];
        let entry = if ns.live && ns.name == name {
            let storage = match ns.storage {
                Some(Storage::Sqlite) => "sqlite",
                Some(Storage::Kv) => "legacy-kv",
                None => {
                    let from = ns.from_script.as_deref().map(|s| format!(" from `{s}`")).unwrap_or_default();
                    return Err(format!(
                        "the storage of `{name}` (transferred in{from}) is the storage of the class it came from, \
                         which this config does not say"
                    ));
                }
            };
            vec![durable_object(), ("storage".into(), NewValue::string(storage))]
        } else if ns.live {
            vec![
                durable_object(),
                ("state".into(), NewValue::string("renamed")),
                ("renamed_to".into(), NewValue::string(ns.name.clone())),
            ]
        } else {
            vec![durable_object(), ("state".into(), NewValue::string("deleted"))]
        };
        out.push((name, NewValue::Object(entry)));
    }
    Ok(out)
}

/// The value of `key` in an object.
fn get<'v>(obj: &'v Value, key: &str) -> Option<&'v Value> {
    match &obj.kind {
        ValueKind::Object(members) => members.iter().find(|m| m.key.value == key).map(|m| &m.value),
        _ => None,
    }
}

/// The string value of `key` in an object.
fn string(obj: &Value, key: &str) -> Option<String> {
    match &get(obj, key)?.kind {
        ValueKind::String(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{read_config, ClassState, ConfigFormat, LifecycleModel};

    /// Converts, checks the result parses and describes the same live classes and storage.
    #[track_caller]
    fn convert(text: &str, format: ConfigFormat, env: Option<&str>) -> String {
        let before = read_config(text, format);
        let edits = convert_migrations_to_exports(text, &before, env).unwrap_or_else(|e| panic!("refused: {e}"));
        let edits: Vec<_> =
            edits.into_iter().map(|(span, new_text)| crate::config::edit::ConfigEdit { span, new_text }).collect();
        let out = crate::config::edit::apply_edits(text, &edits);
        let after = read_config(&out, format);
        assert!(after.syntax_errors.is_empty(), "{out}\n{:?}", after.syntax_errors);
        let old = before.resolved_env(env).map(|e| replay(&e)).unwrap_or_else(|| panic!("env"));
        let new = after.resolved_env(env).map(|e| replay(&e)).unwrap_or_else(|| panic!("env"));
        assert_eq!(new.model, LifecycleModel::Exports, "{out}");
        assert!(new.sequence_errors.is_empty());
        let live =
            |l: &crate::config::Lifecycle| l.live_classes().map(|c| (c.name.clone(), c.storage)).collect::<Vec<_>>();
        assert_eq!(live(&old), live(&new), "{out}");
        // Running it again is refused: `exports` now exists.
        assert!(convert_migrations_to_exports(&out, &after, env).is_err());
        out
    }

    const HISTORY_JSONC: &str = r#"{
  "name": "chat",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  // Lifecycle.
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom"], "new_classes": ["Counter"] }, // initial
    /* the rename */
    { "tag": "v2", "renamed_classes": [{ "from": "ChatRoom", "to": "Hall" }] },
    { "tag": "v3", "renamed_classes": [{ "from": "Hall", "to": "Room" }], "deleted_classes": ["Counter"] },
    { "tag": "v4", "new_classes": ["Hall"] },
  ],
  "vars": { "A": "1" },
}
"#;

    #[test]
    fn jsonc_history_with_renames_and_deletes() {
        let out = convert(HISTORY_JSONC, ConfigFormat::Jsonc, None);
        let after = read_config(&out, ConfigFormat::Jsonc);
        let l = after.resolved_env(None).map(|e| replay(&e)).unwrap_or_else(|| panic!("top"));
        assert_eq!(l.class("ChatRoom").map(|c| c.state.clone()), Some(ClassState::RenamedTo("Room".into())));
        assert_eq!(l.class("Counter").map(|c| c.state.clone()), Some(ClassState::Deleted));
        insta::assert_snapshot!(out);
    }

    const HISTORY_TOML: &str = r#"name = "chat"

[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"

# Lifecycle.
[[migrations]]
tag = "v1"
new_classes = ["ChatRoom"] # KV, sadly

[[migrations]]
tag = "v2"
renamed_classes = [{ from = "ChatRoom", to = "Room" }]
new_sqlite_classes = ["Gone"]

[[migrations]]
tag = "v3"
deleted_classes = ["Gone"]

[vars]
A = "1"

[env.staging]
name = "chat-staging"
migrations = [
  { tag = "v1", new_sqlite_classes = ["Room"] }, # staging starts fresh
]
"#;

    #[test]
    fn toml_history_in_tables_and_inline() {
        let out = convert(HISTORY_TOML, ConfigFormat::Toml, None);
        // The env with its own migrations is converted with the top level.
        assert_eq!(out, convert(HISTORY_TOML, ConfigFormat::Toml, Some("staging")));
        let after = read_config(&out, ConfigFormat::Toml);
        let staging = after.resolved_env(Some("staging")).map(|e| replay(&e)).unwrap_or_else(|| panic!("staging"));
        assert_eq!(staging.model, LifecycleModel::Exports);
        assert_eq!(
            staging.live_classes().map(|c| (c.name.as_str(), c.storage)).collect::<Vec<_>>(),
            [("Room", Some(Storage::Sqlite))]
        );
        insta::assert_snapshot!(out);
        // Only an env has migrations: only its own are converted.
        let text = "[env.dev]\n[[env.dev.migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"A\"]\n";
        let out = convert(text, ConfigFormat::Toml, Some("dev"));
        assert_eq!(out, "[env.dev]\n[env.dev.exports.A]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n");
    }

    #[test]
    fn refusals() {
        let refuse = |text: &str, env: Option<&str>| {
            let c = read_config(text, ConfigFormat::Jsonc);
            convert_migrations_to_exports(text, &c, env).err().unwrap_or_default()
        };
        let bad = r#"{ "migrations": [{ "tag": "v1", "deleted_classes": ["Ghost"] }] }"#;
        assert_eq!(
            refuse(bad, None),
            "the migrations cannot be replayed: class `Ghost` is not live: it cannot be deleted"
        );
        let both = r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["A"] }], "exports": {} }"#;
        assert!(refuse(both, None).starts_with("`exports` already exists"));
        let transfer = r#"{ "migrations": [{ "tag": "v1", "transferred_classes": [{ "from": "A", "from_script": "old", "to": "B" }] }] }"#;
        assert!(refuse(transfer, None).contains("transferred in from `old`"));
        let typo = r#"{ "migrations": [{ "tag": "v1", "new_sqlite_class": ["A"] }] }"#;
        assert_eq!(refuse(typo, None), "a migration step has an unknown key `new_sqlite_class`");
        assert_eq!(refuse("{}", None), "there are no `migrations` to convert");
        assert_eq!(refuse(r#"{ "migrations": [] "#, None), "the config has syntax errors: fix them first");
        assert_eq!(refuse("{}", Some("nope")), "there is no environment `nope`");
        let shadowed =
            r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["A"] }], "env": { "x": { "exports": {} } } }"#;
        assert!(refuse(shadowed, None).starts_with("env.x declares its own `exports`"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Converting never panics on a (mutated) config, and its edits stay in the text.
        #[test]
        fn never_panics(toml: bool, at in 0.0..1.0f64, cut in 0usize..6, insert in "[\\[\\]{}\",:=#/*\n a-z]{0,4}") {
            let (text, format) = if toml { (HISTORY_TOML, ConfigFormat::Toml) } else { (HISTORY_JSONC, ConfigFormat::Jsonc) };
            let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let i = ((chars.len() - 1) as f64 * at) as usize;
            let mut mutated = text.to_string();
            mutated.replace_range(chars[i]..chars[(i + cut).min(chars.len() - 1)], &insert);
            let config = read_config(&mutated, format);
            for env in [None, Some("staging")] {
                if let Ok(edits) = convert_migrations_to_exports(&mutated, &config, env) {
                    proptest::prop_assert!(edits.iter().all(|(span, _)| span.end <= mutated.len()));
                }
            }
        }
    }
}
