//! `location-hint-with-jurisdiction`: a location hint for an object restricted to a jurisdiction.

use super::do_support::{has_property, worker_calls};
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::ArgValue;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "location-hint-with-jurisdiction",
    default_severity: Severity::Warning,
    summary: "locationHint passed for an object created under a jurisdiction (ignored)",
    doc: r#"## What it does
Reports `get(id, { locationHint })` / `getByName(name, { locationHint })` on a namespace
restricted with `ns.jurisdiction(...)` (directly or through a variable), or with an id made by
`newUniqueId({ jurisdiction })`.

## Why
An object created under a jurisdiction runs inside that jurisdiction: the location hint is
ignored, and the code suggests a placement that does not happen.

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
    const eu = env.CHAT_ROOM.jurisdiction("eu");
    return eu.getByName("lobby", { locationHint: "weur" }).fetch(request);
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
    const eu = env.CHAT_ROOM.jurisdiction("eu");
    return eu.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: remove the hint, or the jurisdiction, whichever was not meant.
"#,
};

/// Reports location hints on jurisdiction-restricted objects.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in worker_calls(cx) {
        let call = site.call;
        if !matches!(call.method.value.as_str(), "get" | "getByName") || !has_property(call, "locationHint") {
            continue;
        }
        let namespace_restricted = call.resolved.contains(".jurisdiction().");
        let id_restricted = call.method.value == "get"
            && call.args.first().is_some_and(|id| {
                let text = |s: crate::text::Span| site.file.text.get(s.start..s.end).unwrap_or("");
                match &id.value {
                    ArgValue::Identifier(name) => site.file.facts.calls.variables.iter().any(|v| {
                        v.name == *name && v.scope.contains_span(call.span) && v.value.end <= call.span.start && {
                            let value = text(v.value);
                            value.contains("jurisdiction")
                        }
                    }),
                    _ => text(id.span).contains("jurisdiction"),
                }
            });
        if !namespace_restricted && !id_restricted {
            continue;
        }
        let message = "`locationHint` is ignored for an object created under a jurisdiction: it runs inside the jurisdiction whatever the hint says".to_owned();
        cx.report(out, &META, Location { path: site.path.clone(), span: call.method.span }, message, Vec::new());
    }
}
