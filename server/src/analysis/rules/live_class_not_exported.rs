//! `live-class-not-exported`: the lifecycle leaves a class live, no binding names it, and `main`
//! does not export it.

use rustc_hash::FxHashSet;

use crate::analysis::config_fixes::{self, ConfigSource};
use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::config::lifecycle::LifecycleModel;
use crate::index::ExportTarget;

use super::class_not_exported;

/// `live-class-not-exported` (error by default): a class the lifecycle leaves live is neither bound
/// nor exported by the main module.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::LiveClassNotExported,
    default_severity: Severity::Error,
    summary: "A class the lifecycle leaves live is neither bound nor exported by the main module",
    doc: r#"## What it does
Replays each environment's lifecycle (`migrations` steps, or the `exports` map) and reports a class
it leaves live (created, renamed to, transferred in, or expecting a transfer; not deleted, renamed
or transferred away) when no local Durable Object binding of any environment names it and the
Worker's entry (`main`) does not export it. Reported once per class, where the config creates it
(the `new_sqlite_classes` / `new_classes` item, the rename's `to`, or the `exports` key).

The usual cause: the class was deleted or renamed in the code, and the config was not told (no
`deleted_classes` / `renamed_classes` step, no `state: "deleted"` entry).

A bound class that `main` does not export is `class-not-exported`'s, and so is a live class made by
a rename, a transfer or an `exports` entry that the Worker's sources still declare; an `exports` key
close to the name of a class of the Worker is `unknown-class`'s (a misspelling): one mistake, one
finding. The rule stays silent when it cannot know or the config is not deployed: the entry is
build output, missing or unknown, `main` uses CommonJS exports or `export *` from something the
index cannot read, the config serves tests, has no `name`, or uses both `migrations` and
`exports`.

## Why
A live class has Durable Objects (or may have): the platform keeps them, and refuses a new version
of the Worker that no longer exports their class, with API error 10064: "New version of script
does not export class 'X' which is depended on by existing Durable Objects" (quoted in
[botiverse/hands#167](https://github.com/botiverse/hands/pull/167), where the fix was a
`deleted_classes` step, and in [iterate/iterate#1796](https://github.com/iterate/iterate/pull/1796)
and [kentcdodds/kody#1559](https://github.com/kentcdodds/kody/pull/1559)). When the step that
creates the class has not been applied yet, the deploy fails with API error 10070 instead: "Cannot
apply new-class migration to class X that is not exported by script"
([workers-sdk#4943](https://github.com/cloudflare/workers-sdk/issues/4943)).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom", "Lobby"] }]
}
```
```ts
// src/index.ts: `Lobby` was removed from the code
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead: tell the platform the class is gone (this deletes its objects and their storage):
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom", "Lobby"] },
    { "tag": "v2", "deleted_classes": ["Lobby"] }
  ]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
- When the Worker's sources still declare the class: export it from `main` (preferred, as
  `class-not-exported` does).
- When `main` exports a Durable Object class that has no lifecycle yet (the class was renamed in
  the code): rename the live class to it, with a new migration step `renamed_classes: [{ from, to
  }]`, or in `exports` a `renamed` tombstone and a live entry with the same storage; the objects
  move to the new class. A suggestion (preferred when it is the only candidate and the class is
  not in the sources).
- Delete the class: a new migration step `deleted_classes: [X]`, or `state: "deleted"` on its
  `exports` entry, in every environment where it is live. Never preferred: it destroys every
  object of the class and its storage.
"#,
};

/// Reports live, unbound classes that the Worker's entry does not export.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    if !checks_worker(cx) {
        return;
    }
    let (Some(exports), Some(entry)) = (&cx.main_exports, &cx.worker.entry) else { return };
    if exports.open_ended {
        return;
    }
    let entry_name =
        entry.path.strip_prefix(&cx.worker.dir).unwrap_or(&entry.path).to_string_lossy().replace('\\', "/");
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        let lifecycle = &view.lifecycle;
        if matches!(lifecycle.model, LifecycleModel::Both | LifecycleModel::None) {
            continue;
        }
        let lifecycle_span = view.env.migrations.map(|m| m.span).or(view.env.exports.map(|e| e.span));
        if lifecycle_span.is_some_and(|span| cx.config_broken_within(span)) {
            continue;
        }
        for class in lifecycle.live_classes() {
            let name = class.name.as_str();
            let Some(created) = &class.created else { continue };
            if name.is_empty() || !exports.surely_lacks(name) || cx.is_locally_bound(name) {
                continue;
            }
            let declared = cx.find_class(name);
            // `class-not-exported` reports it (a rename or transfer target, an `exports` entry).
            let theirs = declared.is_some()
                && cx.envs.iter().any(|v| {
                    v.lifecycle
                        .class(name)
                        .is_some_and(|c| c.is_live() && class_not_exported::checks_live_class(&v.lifecycle, c))
                });
            // `unknown-class` reports an `exports` key close to a class name (a misspelling).
            let misspelt = declared.is_none()
                && cx.envs.iter().any(|v| v.lifecycle.model == LifecycleModel::Exports && v.lifecycle.is_live(name))
                && super::unknown_class::closest_class(cx, name).is_some();
            if theirs || misspelt || cx.config_broken_within(created.span) || !seen.insert(name.to_owned()) {
                continue;
            }
            let in_ = if lifecycle.model == LifecycleModel::Exports { "in `exports`" } else { "in the migrations" };
            let message = format!(
                "`{name}` is live {in_} but `{entry_name}` does not export it: the deploy fails (API 10064)\nIts Durable Objects depend on the class and no binding names it: export it again, or delete or rename it in the lifecycle."
            );
            let mut related = Vec::new();
            let mut fixes = Vec::new();
            if let Some(found) = declared {
                if let Some(r) = cx.class_related(found, format!("class `{name}` is declared here, not exported")) {
                    related.push(r);
                }
                fixes.extend(class_not_exported::export_fix(cx, found, name));
            }
            if let Some(src) = ConfigSource::of(cx) {
                let candidates = rename_candidates(cx);
                let preferred = candidates.len() == 1 && fixes.is_empty();
                for to in &candidates {
                    fixes.extend(config_fixes::rename_live_class(&src, name, to, preferred));
                }
                fixes.extend(config_fixes::delete_live_class(&src, name));
            }
            cx.report(&META, cx.config_location(created.span), message)
                .about(name)
                .related(related)
                .fixes(fixes)
                .emit(out);
        }
    }
}

/// True when the rule checks this Worker's config: one that is deployed (not a test config) and
/// can be (it has a `name`).
pub(crate) fn checks_worker(cx: &WorkerContext<'_>) -> bool {
    cx.worker.test.is_none() && cx.worker.config.top.name.is_some()
}

/// The Durable Object classes `main` exports that no environment's lifecycle knows (by name,
/// sorted): what a live class may have been renamed to.
fn rename_candidates(cx: &WorkerContext<'_>) -> Vec<String> {
    let Some(exports) = &cx.main_exports else { return Vec::new() };
    let mut names: Vec<String> = exports
        .names
        .iter()
        .filter(|(name, _)| name.as_str() != "default")
        .filter(|(name, _)| cx.envs.iter().all(|v| v.lifecycle.class(name).is_none()))
        .filter(|(_, target)| match target {
            ExportTarget::Class { file, class } => {
                let class = crate::index::ClassRef { file: file.clone(), index: *class };
                cx.ws.do_class_kind(&class).is_durable_object()
            }
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    names
}
