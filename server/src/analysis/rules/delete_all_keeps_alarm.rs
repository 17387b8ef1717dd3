//! `delete-all-keeps-alarm`: `storage.deleteAll()` that leaves the alarm behind.

use super::do_support::{env_date_label, env_without_behaviour, is_storage_call, line_indent, worker_calls};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "delete-all-keeps-alarm",
    default_severity: Severity::Info,
    summary: "storage.deleteAll() without deleteAlarm() keeps the alarm (before 2026-02-24)",
    doc: r#"## What it does
Reports `storage.deleteAll()` in a method that never calls `storage.deleteAlarm()`, while the
Worker's `compatibility_date` is before 2026-02-24 and the `delete_all_deletes_alarm` flag is
absent (or `delete_all_preserves_alarm` is set).

The date and flags are workerd's `deleteAllDeletesAlarm` compatibility flag
(`src/workerd/io/compatibility-date.capnp`).

## Why
Before that date `deleteAll()` deletes the stored data but keeps a scheduled alarm: the alarm
later wakes an emptied object, whose `alarm()` then runs against missing state.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-01-15",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async reset() {
    await this.ctx.storage.deleteAll();
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async reset() {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Inserts `await <storage>.deleteAlarm();` before the `deleteAll()` statement, in `async`
functions.
"#,
};

/// Reports `deleteAll()` calls without `deleteAlarm()` in the same method.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(view) =
        env_without_behaviour(cx, "2026-02-24", "delete_all_deletes_alarm", Some("delete_all_preserves_alarm"))
    else {
        return;
    };
    let preserves =
        view.env.compatibility_flags.unwrap_or_default().iter().any(|f| f.value == "delete_all_preserves_alarm");
    let label = if preserves {
        format!("{} (`delete_all_preserves_alarm` is set)", view.label())
    } else {
        env_date_label(view)
    };
    let calls = worker_calls(cx);
    for site in calls {
        let call = site.call;
        if !is_storage_call(call, "deleteAll") {
            continue;
        }
        let same_method = |other: &crate::facts::CallFact| match (call.class, call.member) {
            (Some(_), Some(_)) => other.class == call.class && other.member == call.member,
            _ => other.function == call.function,
        };
        let deletes_alarm =
            calls.iter().any(|o| o.path == site.path && same_method(o.call) && is_storage_call(o.call, "deleteAlarm"));
        if deletes_alarm {
            continue;
        }
        let message = format!(
            "`deleteAll()` keeps a scheduled alarm in {}: the alarm later wakes the emptied object; call `deleteAlarm()` too",
            label
        );
        let receiver = call.receiver.and_then(|r| site.file.text.get(r.start..r.end));
        let fixes = match (call.statement, receiver) {
            (Some(statement), Some(storage)) if call.function_is_async && statement.block.is_some() => {
                let indent = line_indent(&site.file.text, statement.span.start);
                let edit = TextEdit {
                    path: site.path.clone(),
                    span: Span::new(statement.span.start, statement.span.start),
                    new_text: format!("await {storage}.deleteAlarm();\n{indent}"),
                };
                vec![Fix::single("Delete the alarm first", edit, true, Applicability::Safe)]
            }
            _ => Vec::new(),
        };
        cx.report_with_fixes(
            out,
            &META,
            Location { path: site.path.clone(), span: call.method.span },
            message,
            Vec::new(),
            fixes,
        );
    }
}
