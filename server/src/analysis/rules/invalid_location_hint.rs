//! `invalid-location-hint`: a `locationHint` that is not a known region.

use super::do_support::{option_strings, report_invalid_constant};
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
    let model = cx.model();
    for &call in model.worker_calls().iter() {
        let Some((_, method, _)) = model.method_call(call) else { continue };
        if !matches!(method, "get" | "getByName") {
            continue;
        }
        let args = model.call_args(call);
        let Some(&options) = args.get(1) else { continue };
        for (hint, origin) in option_strings(&model.eval(options), "locationHint") {
            if LOCATION_HINTS.contains(&hint.as_str()) {
                continue;
            }
            let message = format!(
                "`{hint}` is not a Durable Object location hint: the runtime ignores it and places the object anywhere"
            );
            report_invalid_constant(cx, out, &META, (origin, options), (&hint, LOCATION_HINTS), message);
        }
    }
}
