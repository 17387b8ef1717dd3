//! `invalid-location-hint`: a `locationHint` that is not a known region.

use super::do_support::{report_invalid_literal, string_property, worker_calls};
use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "invalid-location-hint",
    default_severity: Severity::Error,
    summary: "locationHint is not one of the regions Durable Objects know",
    doc: r#"## What it does
Reports a literal `locationHint` passed to `ns.get(id, { locationHint })` or
`ns.getByName(name, { locationHint })` that is not one of `wnam`, `enam`, `sam`, `weur`, `eeur`,
`apac`, `apac-ne`, `apac-se`, `oc`, `afr`, `me`.

The values are workerd's `DurableObjectLocationHint` (`src/workerd/api/actor.h`) and the
`apac-ne` / `apac-se` regions of Cloudflare's data location docs.

## Why
The runtime does not validate the string: a typo is silently ignored and the object is created
wherever the first request happens to come from, for good (a hint only applies when the object
is first created).

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
    const stub = env.CHAT_ROOM.getByName("tokyo", { locationHint: "apac-nw" });
    return stub.fetch(request);
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
    const stub = env.CHAT_ROOM.getByName("tokyo", { locationHint: "apac" });
    return stub.fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replaces the value by the closest valid hint.
"#,
};

/// The location hints Durable Objects accept.
pub const LOCATION_HINTS: &[&str] =
    &["wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me"];

/// Reports unknown literal location hints.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in worker_calls(cx) {
        if !matches!(site.call.method.value.as_str(), "get" | "getByName") || site.call.args.len() < 2 {
            continue;
        }
        let Some((hint, span)) = string_property(site.call, "locationHint") else { continue };
        if LOCATION_HINTS.contains(&hint) {
            continue;
        }
        let message = format!(
            "`{hint}` is not a Durable Object location hint: the runtime ignores it and places the object anywhere"
        );
        report_invalid_literal(cx, out, &META, (site.path, span), (hint, LOCATION_HINTS), message);
    }
}
