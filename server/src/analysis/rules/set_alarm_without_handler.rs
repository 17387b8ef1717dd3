//! `set-alarm-without-handler`: `storage.setAlarm()` in a class without `alarm()`.

use super::do_support::{append_member, defines_member, do_class_calls, is_storage_call, is_typescript, members_known};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, WorkerContext};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "set-alarm-without-handler",
    default_severity: Severity::Error,
    summary: "storage.setAlarm() in a Durable Object class that defines no alarm() handler",
    doc: r#"## What it does
Reports a call of `storage.setAlarm()` in a Durable Object class when neither the class nor any
of its ancestors in the workspace defines an `alarm()` method.

Classes whose base comes from a package (`Agent`, partyserver's `Server`, a base the index cannot
read) are not reported: such a base may define `alarm()` and dispatch to a hook of its own.

## Why
The runtime refuses to set an alarm on an object that cannot receive it: `setAlarm()` throws
(“Your Durable Object class must have an alarm() handler in order to call setAlarm()”).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "reminders",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "REMINDER", "class_name": "Reminder" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Reminder"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Reminder extends DurableObject {
  async schedule(at: number) {
    await this.ctx.storage.setAlarm(at);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    await env.REMINDER.getByName("me").schedule(Date.now() + 60_000);
    return new Response("scheduled");
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Reminder extends DurableObject {
  async schedule(at: number) {
    await this.ctx.storage.setAlarm(at);
  }

  async alarm() {
    console.log("reminder due");
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    await env.REMINDER.getByName("me").schedule(Date.now() + 60_000);
    return new Response("scheduled");
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Adds an empty `async alarm()` method at the end of the class, to fill in.
"#,
};

/// Reports the first `setAlarm` call of each DO class that has no `alarm()`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut reported = Vec::new();
    for site in do_class_calls(cx) {
        if !is_storage_call(site.call, "setAlarm") || reported.contains(&site.class) {
            continue;
        }
        if !members_known(cx, &site.class) || defines_member(cx, &site.class, "alarm") {
            continue;
        }
        let Some(class) = cx.ws.class(&site.class) else { continue };
        reported.push(site.class.clone());
        let message = format!(
            "`{}` calls `setAlarm()` but defines no `alarm()` handler: the runtime throws instead of scheduling the alarm",
            class.name.value
        );
        let member = if is_typescript(site.path) { "async alarm(): Promise<void> {}" } else { "async alarm() {}" };
        let fixes = append_member(site.path, &site.file.text, class, member)
            .map(|edit| {
                Fix::single(format!("Add `alarm()` to `{}`", class.name.value), edit, true, Applicability::Safe)
            })
            .into_iter()
            .collect();
        let location = Location { path: site.path.clone(), span: site.call.method.span };
        cx.report_with_fixes(out, &META, location, message, Vec::new(), fixes);
    }
}
