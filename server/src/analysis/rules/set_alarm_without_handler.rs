//! `set-alarm-without-handler`: `storage.setAlarm()` in a class without `alarm()`.

use super::do_support::{append_member, defines_member, handler_installed_elsewhere, members_known, storage_method};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, WorkerContext};
use crate::text::language::is_typescript;

/// `set-alarm-without-handler` (error by default): storage.setAlarm() in a Durable Object class
/// that defines no alarm() handler.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::SetAlarmWithoutHandler,
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

/// Reports classes that call `setAlarm` without an `alarm()` handler.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for class in model.do_classes() {
        let Some(site) = model
            .class_sites(&class)
            .iter()
            .find(|s| storage_method(model, s).is_some_and(|(m, _)| m == "setAlarm"))
            .cloned()
        else {
            continue;
        };
        if !members_known(cx, &class)
            || defines_member(cx, &class, "alarm")
            || handler_installed_elsewhere(cx, &class, "alarm")
        {
            continue;
        }
        let Some(fact) = cx.ws.class(&class) else { continue };
        let Some((_, method_span)) = storage_method(model, &site) else { continue };
        let message = format!(
            "`{}` calls `setAlarm()` but defines no `alarm()` handler: add one\nThe runtime throws instead of scheduling the alarm.",
            fact.name.value
        );
        let member = if is_typescript(&class.file) { "async alarm(): Promise<void> {}" } else { "async alarm() {}" };
        let text = cx.ws.source(&class.file).map(|f| f.text.clone()).unwrap_or_default();
        let fixes = append_member(&class.file, &text, fact, member)
            .map(|edit| Fix::single(format!("Add `alarm()` to `{}`", fact.name.value), edit, true, Applicability::Safe))
            .into_iter()
            .collect();
        let related = super::do_support::chain_related(model, &site.chain(), &fact.name.value);
        let location = Location { path: model.path(site.call.file).clone(), span: method_span };
        cx.report(&META, location, message).related(related).fixes(fixes).emit(out);
    }
}
