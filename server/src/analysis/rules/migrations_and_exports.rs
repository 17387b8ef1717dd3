//! `migrations-and-exports`: an environment uses both lifecycle styles at once.

use rustc_hash::FxHashSet;

use crate::analysis::{Finding, Related, RuleMeta, Severity, WorkerContext};
use crate::config::{ExportType, LifecycleModel};

use super::invalid_do_binding::{config_text, head};

/// `migrations-and-exports` (error by default): `migrations` and Durable Object `exports` entries
/// are both in use.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::MigrationsAndExports,
    default_severity: Severity::Error,
    summary: "`migrations` and Durable Object `exports` entries are both in use",
    doc: r#"## What it does
Reports a resolved environment that has a non-empty `migrations` array and at least one
`durable-object` entry in `exports` (both inherited from the top level unless the environment
declares its own), on the first such entry.

## Why
The two are mutually exclusive ways to declare a Durable Object lifecycle: wrangler refuses the
config ("`migrations` and `exports` are mutually exclusive"; `errorIfMigrationsAndExportsBothSet`
in workers-sdk, `packages/workers-utils/src/config/validation.ts`). `worker` and `workflow`
entries in `exports` are fine next to `migrations`.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }],
  "exports": { "ChatRoom": { "type": "durable-object", "storage": "sqlite" } }
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

Use instead (one of them):
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "exports": { "ChatRoom": { "type": "durable-object", "storage": "sqlite" } }
}
```

## Fix
None: keep one style. Moving from `migrations` to `exports` means one live entry per live class,
plus entries for the classes the migrations deleted or renamed.
"#,
};

/// Reports each environment using both styles, once per `exports` map.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let text = config_text(cx);
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        if view.lifecycle.model != LifecycleModel::Both {
            continue;
        }
        let (Some(exports), Some(migrations)) = (view.env.exports, view.env.migrations) else { continue };
        let Some(entry) = exports.entries.iter().find(|e| e.kind == ExportType::DurableObject) else { continue };
        if !seen.insert((entry.key.span, migrations.span)) {
            continue;
        }
        let where_ = if view.env.name.is_some() { format!(" ({})", view.label()) } else { String::new() };
        let message = format!(
            "`exports` declares Durable Object `{}` while `migrations` is in use{where_}: keep only one of them\nThe two are mutually exclusive ways to declare the lifecycle, and wrangler refuses the config.",
            entry.key.value
        );
        let related = vec![Related {
            location: cx.config_location(head(&text, migrations.span)),
            message: "`migrations` in effect".into(),
        }];
        cx.report(&META, cx.config_location(entry.key.span), message).related(related).emit(out);
    }
}
