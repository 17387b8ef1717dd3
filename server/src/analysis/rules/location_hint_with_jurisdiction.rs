//! `location-hint-with-jurisdiction`: a location hint for an object restricted to a jurisdiction.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::sema::Value;

/// `location-hint-with-jurisdiction` (warning by default): locationHint passed for an object
/// created under a jurisdiction (ignored).
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::LocationHintWithJurisdiction,
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
    let model = cx.model();
    for &call in model.worker_calls().iter() {
        let Some((receiver, method, method_span)) = model.method_call(call) else { continue };
        if !matches!(method, "get" | "getByName") {
            continue;
        }
        let args = model.call_args(call);
        let Some(&options) = args.get(1) else { continue };
        let has_hint = model.eval(options).any(|v| match v {
            Value::Object(props) => props.iter().any(|(k, _)| &**k == "locationHint"),
            _ => false,
        });
        if !has_hint {
            continue;
        }
        let restricted = |v: &Value| match v {
            Value::Binding { jurisdiction, .. } | Value::Id { jurisdiction, .. } => jurisdiction.is_some(),
            _ => false,
        };
        let namespace_restricted = model.eval(receiver).any(restricted);
        let id_restricted = method == "get" && args.first().is_some_and(|&id| model.eval(id).any(restricted));
        if !namespace_restricted && !id_restricted {
            continue;
        }
        let message = "`locationHint` is ignored under a jurisdiction: remove it\nAn object created under a jurisdiction runs inside the jurisdiction, whatever the hint says.".to_owned();
        let location = Location { path: model.path(call.file).clone(), span: method_span };
        cx.report(&META, location, message).emit(out);
    }
}
