//! `invalid-jurisdiction`: a jurisdiction that Durable Objects do not know.

use super::do_support::{report_invalid_literal, string_property, worker_calls};
use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::facts::ArgValue;
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "invalid-jurisdiction",
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

/// The jurisdictions Durable Objects accept.
const JURISDICTIONS: &[&str] = &["eu", "us", "fedramp", "fedramp-high"];

/// Reports unknown literal jurisdictions.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in worker_calls(cx) {
        let call = site.call;
        let literal: Option<(&str, Span)> = match call.method.value.as_str() {
            "newUniqueId" => string_property(call, "jurisdiction"),
            "jurisdiction" => {
                // Only on a namespace: `env.X.jurisdiction(...)` and the like.
                let on_namespace = site.file.facts.namespace_uses.iter().any(|u| {
                    u.method.as_ref().is_some_and(|m| m.value == "jurisdiction" && m.span == call.method.span)
                });
                match call.args.first() {
                    Some(arg) if on_namespace => match &arg.value {
                        ArgValue::String(value) => Some((value.as_str(), arg.span)),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        };
        let Some((value, span)) = literal else { continue };
        if JURISDICTIONS.contains(&value) {
            continue;
        }
        let message = format!("`{value}` is not a Durable Object jurisdiction: the call throws");
        report_invalid_literal(cx, out, &META, (site.path, span), (value, JURISDICTIONS), message);
    }
}
