//! `missing-migration`: a local binding's class has no live lifecycle entry.

use crate::analysis::config_fixes::{self, ConfigSource};
use crate::analysis::{Finding, Related, RuleMeta, Severity, WorkerContext};
use crate::config::lifecycle::{ClassState, LifecycleModel};

/// `missing-migration` (error by default): a bound Durable Object class has no migration or exports
/// entry that creates it.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::MissingMigration,
    default_severity: Severity::Error,
    summary: "A bound Durable Object class has no migration or exports entry that creates it",
    doc: r#"## What it does
For every local Durable Object binding (one without `script_name`), replays the resolved
environment's lifecycle (the legacy `migrations` array, or the declarative `exports` map) and
reports the binding's `class_name` when the class is not live: no step or entry creates it, or it
was deleted, renamed or transferred away.

Configs without a `name` are not checked: wrangler cannot deploy them, and they typically drive
tests (vitest-pool-workers), where bindings to classes without storage are deliberate.

Environments are resolved as wrangler does: `migrations` and `exports` are inherited from the top
level, and an environment's own value replaces them wholesale.

## Why
A Durable Object class gets its storage from a migration (or an `exports` entry). Without one,
`wrangler deploy` fails ("In order to use Durable Objects with a free plan, you must create a
namespace using a `new_sqlite_classes` migration" / "Cannot apply new-class migration to class
that is not exported"); after a delete or rename the binding points at a class with no storage.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Lobby"] }]
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

Use instead:
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```

## Fix
Append a step `{ tag: <next>, new_sqlite_classes: [X] }` when `migrations` is in use, or add
`X: { type: "durable-object", storage: "sqlite" }` to `exports` when that is in use. When neither
is in use, both are offered; `exports` is preferred unless the project's `package.json` pins a
wrangler older than 4.107 (the first release that reads `exports`). When the class was deleted or
renamed away before, re-creating it gives it new, empty storage: the fix is then only a
suggestion (rebinding to the new name may be what you want).
"#,
};

/// Reports local bindings whose class is not live in their environment.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    // A config without a `name` cannot be deployed (wrangler refuses); such configs drive tests
    // (vitest-pool-workers, `wrangler dev`), where migrations are not enforced.
    if cx.worker.config.top.name.is_none() {
        return;
    }
    for view in &cx.envs {
        let lifecycle_span = view.env.migrations.map(|m| m.span).or(view.env.exports.map(|e| e.span));
        if lifecycle_span.is_some_and(|span| cx.config_broken_within(span)) {
            continue;
        }
        for binding in view.env.do_bindings() {
            let (true, Some(class)) = (binding.is_local(), binding.class_name.as_ref()) else {
                continue;
            };
            if class.value.is_empty() || view.lifecycle.is_live(&class.value) {
                continue;
            }
            // What happened to the class, and what to do about it.
            let (why, todo) = match view.lifecycle.class(&class.value).map(|c| &c.state) {
                Some(ClassState::Deleted) => {
                    ("was deleted".to_string(), "remove the binding, or the delete".to_string())
                }
                Some(ClassState::RenamedTo(to)) => (format!("was renamed to `{to}`"), format!("bind `{to}`")),
                Some(ClassState::TransferredAway(to)) => {
                    (format!("was transferred away to `{to}`"), "remove the binding".to_string())
                }
                _ => match view.lifecycle.model {
                    LifecycleModel::Exports => ("has no entry in `exports`".to_string(), "add one".to_string()),
                    LifecycleModel::None => {
                        ("has no migration".to_string(), "add one with `new_sqlite_classes`".to_string())
                    }
                    _ => (
                        "is created by no migration".to_string(),
                        "add it to a step's `new_sqlite_classes`".to_string(),
                    ),
                },
            };
            let where_ = if view.env.name.is_some() { format!(" (in {})", view.label()) } else { String::new() };
            let none = if view.lifecycle.model == LifecycleModel::None {
                " The config declares neither `migrations` nor `exports`."
            } else {
                ""
            };
            let message = format!(
                "Durable Object class `{}` {why}{where_}: {todo}\nIt has no storage, so deploying fails.{none}",
                class.value
            );
            let mut related = Vec::new();
            if let Some(span) = lifecycle_span {
                related.push(Related { location: cx.config_location(span), message: "the lifecycle in effect".into() });
            }
            if let Some(found) =
                cx.find_class(&class.value).and_then(|c| cx.class_related(c, format!("class `{}`", class.value)))
            {
                related.push(found);
            }
            let fixes = ConfigSource::of(cx)
                .map(|src| config_fixes::missing_migration(&src, view.env.env_name(), &class.value, &cx.worker.dir))
                .unwrap_or_default();
            cx.report(&META, cx.config_location(class.span), message)
                .about(&class.value)
                .related(related)
                .fixes(fixes)
                .emit(out);
        }
    }
}
