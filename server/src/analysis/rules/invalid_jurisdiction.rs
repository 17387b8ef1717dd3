//! `invalid-jurisdiction`: a jurisdiction that Durable Objects do not know.

use super::do_support::{option_strings, report_invalid_constant};
use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::platform::JURISDICTIONS;

/// `invalid-jurisdiction` (error by default): jurisdiction is not one of the jurisdictions Durable
/// Objects know.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidJurisdiction,
    default_severity: Severity::Error,
    summary: "jurisdiction is not one of the jurisdictions Durable Objects know",
    doc: r#"## What it does
Reports a literal jurisdiction that is not one of `eu`, `us`, `fedramp`, `fedramp-high`, passed
to `ns.newUniqueId({ jurisdiction })` or `ns.jurisdiction(...)` where `ns` is a namespace
(`env.X`, `this.env.X`, `c.env.X`, a destructured binding).

The values are workerd's `DurableObjectJurisdiction`. (`idFromName` takes no options: a
jurisdiction for named objects goes through `ns.jurisdiction(...)`.)

## Why
An unknown jurisdiction makes the call throw, so every request that reaches it fails.

## Example
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
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    const id = env.CHAT_ROOM.newUniqueId({ jurisdiction: "EU" });
    return env.CHAT_ROOM.get(id).fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    const id = env.CHAT_ROOM.newUniqueId({ jurisdiction: "eu" });
    return env.CHAT_ROOM.get(id).fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replaces the value by the closest valid jurisdiction.
"#,
};

/// Reports unknown literal jurisdictions.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for &call in model.worker_calls().iter() {
        let Some((receiver, method, _)) = model.method_call(call) else { continue };
        let args = model.call_args(call);
        let Some(&arg) = args.first() else { continue };
        let values: Vec<(String, Option<crate::sema::Origin>)> = match method {
            "newUniqueId" => option_strings(&model.eval(arg), "jurisdiction"),
            // Only on a namespace: `env.X.jurisdiction(...)` and the like.
            "jurisdiction" if model.eval(receiver).binding().is_some() => model
                .eval(arg)
                .strings()
                .map(|s| s.into_iter().map(|(v, o)| (v.to_owned(), o)).collect())
                .unwrap_or_default(),
            _ => continue,
        };
        for (value, origin) in values {
            if crate::platform::describe(JURISDICTIONS, &value).is_some() {
                continue;
            }
            let message = format!("`{value}` is not a Durable Object jurisdiction: the call throws");
            report_invalid_constant(
                cx,
                out,
                &META,
                (origin, arg),
                (&value, &crate::platform::names(JURISDICTIONS)),
                message,
            );
        }
    }
}
