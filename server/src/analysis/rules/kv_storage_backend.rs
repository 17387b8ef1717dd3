//! `kv-storage-backend`: a class is created with the legacy KV storage backend.

use rustc_hash::FxHashSet;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::config_fixes::{self, ConfigSource};
use crate::analysis::{Finding, Fix, RuleMeta, Severity, WorkerContext};
use crate::config::lifecycle::{replay, LifecycleEvent};
use crate::config::{EventKind, ResolvedEnv, Storage, WorkerConfig};
use crate::index::{Baseline, SQL_BASES};
use crate::text::Span;

/// `kv-storage-backend` (info by default): a Durable Object class is created with the legacy KV
/// storage backend.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::KvStorageBackend,
    default_severity: Severity::Info,
    summary: "A Durable Object class is created with the legacy KV storage backend",
    doc: r#"## What it does
Reports each class created with the legacy KV storage backend: listed in a migration step's
`new_classes`, or an `exports` entry with `storage: "legacy-kv"`. It is a warning only when that
step or entry is new: not in the config as committed at git `HEAD` (under `check --changed BASE`,
at the merge base), so it has most likely not been deployed. A creation that is already committed
is information only: that class runs in production with KV storage and nothing in the config can
change it. Outside git (or when the repository cannot be read) it is information too.

Each class is reported once per config file: not again for every `env` section that repeats the
step, nor in a named variant (`wrangler.staging.jsonc`) that copies the default config's step. A
container class gets `container-on-kv-class` (an error) instead, and a class extending a base that
runs SQL (`Agent`, `McpAgent`, `Container`, `Sandbox`) gets `sqlite-api-on-kv-class`.

## Why
KV-backed Durable Objects have no SQL API (`ctx.storage.sql`), no point-in-time recovery, and
smaller value limits; a class can never be converted from KV to SQLite storage once deployed; and
new or Free-plan accounts cannot create KV-backed classes at all (API errors 10097 and 10099).
New classes should use SQLite storage.

## Example
```toml
# wrangler.toml
name = "counter"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_classes = ["Counter"]
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.COUNTER.getByName("a").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```toml
# wrangler.toml
name = "counter"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
```

## Fix
For a new (or, outside git, possibly new) creation: move the class from `new_classes` to
`new_sqlite_classes` (or set `storage: "sqlite"`), in every `env` section that repeats the step and
in the named variants that copy it. No fix is offered for a committed step: a deployed class keeps
its storage backend, and editing a deployed step only rewrites history (`migration-history-changed`).
"#,
};

/// A class created with KV storage: its name and the step's tag (`None` for an `exports` entry).
type Creation = (String, Option<String>);

/// Every KV creation of a config, in any of its environments.
fn kv_creations(config: &WorkerConfig) -> FxHashSet<Creation> {
    let mut out = FxHashSet::default();
    for env in config.resolved_envs() {
        for class in replay(&env).classes {
            for event in class.history.iter().filter(|e| e.kind == EventKind::Created(Storage::Kv)) {
                out.insert((class.name.clone(), event.tag.clone()));
            }
        }
    }
    out
}

/// The named variants of the config (`wrangler.<name>.jsonc` in the same folder), or, for a
/// variant, the default config there: the configs that copy a step from this one or that this
/// one copies.
fn sibling_configs<'a>(cx: &WorkerContext<'a>) -> (Option<&'a crate::index::ConfigFile>, Vec<&'a Arc<PathBuf>>) {
    let path = cx.config_path();
    let is_variant = |p: &Path| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.split('.').count() == 3);
    let Some(dir) = path.parent() else { return (None, Vec::new()) };
    if is_variant(path) {
        let default =
            ["wrangler.jsonc", "wrangler.json", "wrangler.toml"].iter().find_map(|n| cx.ws.config_file(&dir.join(n)));
        return (default, Vec::new());
    }
    let variants =
        cx.ws.workers().map(|w| &w.config_path).filter(|p| p.parent() == Some(dir) && is_variant(p)).collect();
    (None, variants)
}

/// Every place in `config` that creates `key`'s class with KV storage in `key`'s step.
fn creation_spans(config: &WorkerConfig, key: &Creation) -> Vec<Span> {
    let mut out = Vec::new();
    for env in config.resolved_envs() {
        for class in replay(&env).classes.into_iter().filter(|c| c.name == key.0) {
            for event in &class.history {
                if event.kind == EventKind::Created(Storage::Kv) && event.tag == key.1 && !out.contains(&event.span) {
                    out.push(event.span);
                }
            }
        }
    }
    out
}

/// The fix: SQLite storage for the class in every environment of the config that repeats the
/// step, and in the named variants that copy it (one finding stands for them all).
fn fixes(cx: &WorkerContext<'_>, key: &Creation, variants: &[&Arc<PathBuf>]) -> Vec<Fix> {
    let Some(src) = ConfigSource::of(cx) else { return Vec::new() };
    let mut sources = vec![src];
    for path in variants {
        let Some(file) = cx.ws.config_file(path) else { continue };
        if file.config.syntax_errors.is_empty() && kv_creations(&file.config).contains(key) {
            sources.push(ConfigSource { path, text: &file.text, config: &file.config });
        }
    }
    let mut fix: Option<Fix> = None;
    for src in &sources {
        for span in creation_spans(src.config, key) {
            let Some(found) = config_fixes::kv_storage_backend(src, span).into_iter().next() else { return Vec::new() };
            match &mut fix {
                None => fix = Some(found),
                Some(fix) => fix.edits.extend(found.edits),
            }
        }
    }
    fix.into_iter().collect()
}

/// True when another rule reports `name`'s KV storage as the error it is: a class with a container
/// in that environment (`container-on-kv-class`), or one extending a package base that runs SQL
/// (`sqlite-api-on-kv-class`). One mistake, one finding.
fn reported_elsewhere(cx: &WorkerContext<'_>, env: &ResolvedEnv<'_>, name: &str) -> bool {
    env.is_container_class(name)
        || cx.model().do_classes().iter().any(|class| {
            cx.ws.class(class).is_some_and(|f| f.name.value == name)
                && cx.ws.package_base(class).is_some_and(|b| SQL_BASES.contains(&b.name))
        })
}

/// Reports each class created with KV storage once per config file: a warning when the step or
/// entry is new (not in the config at the baseline revision), information otherwise.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    // The creations already committed; `None` when git cannot tell (every one is then old news).
    let committed = match cx.ws.baseline(cx.config_path()) {
        Baseline::Committed(config) => Some(kv_creations(config)),
        Baseline::Absent => Some(FxHashSet::default()),
        Baseline::Unknown => None,
    };
    let (default, variants) = sibling_configs(cx);
    let copied = default.map(|file| kv_creations(&file.config)).unwrap_or_default();
    // (class, creation, new, in a migration step) for the first creation reported per class.
    let mut first: Vec<(&str, &LifecycleEvent, bool, bool)> = Vec::new();
    for view in &cx.envs {
        let steps = view.env.migrations.map_or(&[][..], |m| &m.steps[..]);
        for class in &view.lifecycle.classes {
            for event in class.history.iter().filter(|e| e.kind == EventKind::Created(Storage::Kv)) {
                if cx.config_broken_within(event.span) || reported_elsewhere(cx, &view.env, &class.name) {
                    continue;
                }
                let key = (class.name.clone(), event.tag.clone());
                if copied.contains(&key) {
                    continue;
                }
                let new = committed.as_ref().is_some_and(|c| !c.contains(&key));
                let in_step = steps.iter().any(|s| s.span.contains_span(event.span));
                let found = (class.name.as_str(), event, new, in_step);
                match first.iter_mut().find(|(name, ..)| *name == class.name) {
                    // Once per class: the first new creation if there is one, else the first.
                    Some(slot) if new && !slot.2 => *slot = found,
                    Some(_) => {}
                    None => first.push(found),
                }
            }
        }
    }
    for (name, event, new, in_step) in first {
        let (how, sqlite, what) = if in_step {
            ("`new_classes`", "`new_sqlite_classes`", "a step")
        } else {
            ("`storage: \"legacy-kv\"`", "`storage: \"sqlite\"`", "an entry")
        };
        let (severity, message) = if new {
            (
                Severity::Warning,
                format!("`{name}` is created with legacy KV storage ({how}) in {what} not committed yet: use {sqlite}"),
            )
        } else {
            (
                Severity::Info,
                format!(
                    "`{name}` has legacy KV storage ({how}): no SQL API or point-in-time recovery\n\
                     A deployed class's storage cannot be converted; new classes should use SQLite storage."
                ),
            )
        };
        // A committed creation is deployed, most likely: its storage cannot change any more.
        let fixes = if new || committed.is_none() {
            fixes(cx, &(name.to_owned(), event.tag.clone()), &variants)
        } else {
            Vec::new()
        };
        let location = cx.config_location(event.span);
        cx.report(&META, location, message).about(name).fixes(fixes).severity(severity).emit(out);
    }
}
