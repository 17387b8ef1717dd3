//! `delete-all-keeps-alarm`: `storage.deleteAll()` that leaves the alarm behind.

use super::do_support::{
    chain_related, config_source, defines_member, env_date_label, env_without_behaviour, storage_method,
};
use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::index::DoClassKind;
use crate::platform::DELETE_ALL_DELETES_ALARM;
use crate::text::lines::line_indent;
use crate::text::Span;

/// `delete-all-keeps-alarm` (info by default): storage.deleteAll() without deleteAlarm() keeps the
/// alarm (before 2026-02-24).
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::DeleteAllKeepsAlarm,
    default_severity: Severity::Info,
    summary: "storage.deleteAll() without deleteAlarm() keeps the alarm (before 2026-02-24)",
    doc: r#"## What it does
Reports `storage.deleteAll()` in a method (or a function it calls) that never calls
`storage.deleteAlarm()`, in a class that can have an alarm (it calls `setAlarm`, defines
`alarm()`, or extends a base that does, such as `Agent`), while the Worker's
`compatibility_date` is before 2026-02-24 and the `delete_all_deletes_alarm` flag is absent (or
`delete_all_preserves_alarm` is set). The message names the config file and the date in effect
(or the flag).

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
  async remind() {
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
  }

  async alarm() {}

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
  async remind() {
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
  }

  async alarm() {}

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

/// Reports `deleteAll()` without `deleteAlarm()` in classes that can have an alarm.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(view) = env_without_behaviour(cx, &DELETE_ALL_DELETES_ALARM) else {
        return;
    };
    let preserve_flag = DELETE_ALL_DELETES_ALARM.disable_flag.unwrap_or_default();
    let preserves = view.env.compatibility_flags.unwrap_or_default().iter().find(|f| f.value == preserve_flag);
    let (label, setting) = match preserves {
        Some(flag) => (
            format!("{} sets `{preserve_flag}`", config_source(cx, view)),
            Some(Related { location: cx.config_location(flag.span), message: "the flag in effect".to_owned() }),
        ),
        None => (
            env_date_label(cx, view),
            view.env.compatibility_date.map(|date| Related {
                location: cx.config_location(date.span),
                message: "the compatibility date in effect".to_owned(),
            }),
        ),
    };
    let model = cx.model();
    for class in model.do_classes() {
        let sites = model.class_sites(&class);
        let storage_calls =
            |name: &'static str| sites.iter().filter(move |s| storage_method(model, s).is_some_and(|(m, _)| m == name));
        // Only a class that can have an alarm: it sets one, defines `alarm()`, or extends a base
        // that does (`Agent`, partyserver's `Server`, `Container`).
        let can_have_alarm = storage_calls("setAlarm").next().is_some()
            || defines_member(cx, &class, "alarm")
            || matches!(cx.ws.do_class_kind(&class), DoClassKind::KnownBase(_));
        if !can_have_alarm {
            continue;
        }
        for site in storage_calls("deleteAll") {
            // `deleteAlarm()` in the same method (or what it calls) covers it.
            if storage_calls("deleteAlarm").any(|o| o.member == site.member) {
                continue;
            }
            let Some((_, method_span)) = storage_method(model, site) else { continue };
            let message = format!(
                "`deleteAll()` keeps the alarm: call `deleteAlarm()` too ({label})\nBefore compatibility date {since}, or with `{preserve_flag}`, `deleteAll()` deletes the data but not a scheduled alarm, which later wakes the emptied object.",
                since = DELETE_ALL_DELETES_ALARM.since,
            );
            let path = model.path(site.call.file);
            let text = model.text(site.call.file);
            let receiver = site.method.map(|(o, _, _)| model.expr_text(o));
            let is_async = model.function(site.function).is_some_and(|f| f.is_async);
            let fixes = match (model.statement_of(site.call), receiver) {
                (Some((statement, Some(_), _)), Some(storage)) if is_async && site.is_direct() => {
                    let indent = line_indent(text, statement.start);
                    let edit = TextEdit {
                        path: path.clone(),
                        span: Span::new(statement.start, statement.start),
                        new_text: format!("await {storage}.deleteAlarm();\n{indent}"),
                    };
                    vec![Fix::single("Delete the alarm first", edit, true, Applicability::Safe)]
                }
                _ => Vec::new(),
            };
            let mut related =
                chain_related(model, &site.chain(), cx.ws.class(&class).map_or("", |c| c.name.value.as_str()));
            related.extend(setting.clone());
            cx.report(&META, Location { path: path.clone(), span: method_span }, message)
                .related(related)
                .fixes(fixes)
                .emit(out);
        }
    }
}
