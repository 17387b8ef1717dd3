//! `unknown-binding`: `env.X` is used as a DO namespace but X is no DO binding.

use rustc_hash::FxHashSet;

use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::EnvAccess;

/// Methods only a Durable Object namespace has (`DurableObjectNamespace` in workers-types);
/// `get` is also a KV method and proves nothing alone.
pub const NAMESPACE_ONLY_METHODS: &[&str] = &["idFromName", "idFromString", "newUniqueId", "getByName", "jurisdiction"];

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "unknown-binding",
    default_severity: Severity::Error,
    summary: "env.X is used as a Durable Object namespace, but X is no DO binding of the Worker",
    doc: r#"## What it does
Finds `env.X`, `this.env.X`, `c.env.X` (Hono) and destructured `const { X } = env` used as a
Durable Object namespace, and reports X when no resolved environment of the Worker declares a DO
binding named X. "Used as a namespace" means a method only namespaces have is called on it
(`idFromName`, `idFromString`, `newUniqueId`, `getByName`, `jurisdiction`), or `.get(id)` with an id
made by one of those; a bare `.get(key)` is also a KV method and proves nothing.

When X is a binding of another type (a KV namespace, a service), the message says so.

## Why
`env.X` is `undefined` at run time when the config does not bind X: the first request fails with
"Cannot read properties of undefined (reading 'idFromName')". TypeScript does not notice when the
`Env` type is written by hand or stale.

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
    return env.CHAT.getByName("lobby").fetch(request); // the binding is CHAT_ROOM
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
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replace the name by the closest DO binding name (not offered for destructured names, whose key is
elsewhere).
"#,
};

/// Reports namespace uses of names that are no DO binding of any Worker containing the file.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    if !cx.worker.config.syntax_errors.is_empty() {
        return;
    }
    for path in cx.worker.code_files() {
        let Some(file) = cx.ws.source(path) else { continue };
        // A file shared by several Workers: a name bound by any of them is fine.
        let containing = cx.ws.workers_containing(path);
        let mut do_names: FxHashSet<&str> = FxHashSet::default();
        let mut broken_elsewhere = false;
        for worker in &containing {
            broken_elsewhere |= !worker.config.syntax_errors.is_empty();
            for env in worker.config.resolved_envs() {
                do_names.extend(env.do_bindings().iter().filter_map(|b| b.name.as_ref().map(|n| n.value.as_str())));
            }
        }
        if broken_elsewhere {
            continue;
        }
        for usage in &file.facts.namespace_uses {
            let is_namespace_use = usage.method.as_ref().is_some_and(|m| {
                NAMESPACE_ONLY_METHODS.contains(&m.value.as_str()) || (m.value == "get" && usage.get_arg_is_id)
            });
            if !is_namespace_use || do_names.contains(usage.binding.value.as_str()) {
                continue;
            }
            let name = &usage.binding.value;
            let mut message = format!("`{name}` is not a Durable Object binding of this Worker");
            let mut related = Vec::new();
            let mut fixes = Vec::new();
            let other = cx.envs.iter().find_map(|e| e.env.other_bindings.iter().find(|b| &b.name.value == name));
            if let Some(other) = other {
                message = format!("`{name}` is a {} binding, not a Durable Object namespace", other.kind.describe());
                related.push(Related {
                    location: cx.config_location(other.name.span),
                    message: format!("`{name}` is declared here"),
                });
            } else if let Some(near) = crate::analysis::closest(name, do_names.iter().copied()) {
                message.push_str(&format!("; did you mean `{near}`?"));
                // A destructured use renames a local variable: the pattern's key is elsewhere.
                if usage.access != EnvAccess::Destructured {
                    let edit = TextEdit { path: path.clone(), span: usage.binding.span, new_text: near.to_string() };
                    fixes.push(Fix::single(format!("Change to `{near}`"), edit, true, Applicability::Suggestion));
                }
                let binding = cx
                    .envs
                    .iter()
                    .flat_map(|e| e.env.do_bindings())
                    .find_map(|b| b.name.as_ref().filter(|n| n.value == near));
                if let Some(binding) = binding {
                    related.push(Related {
                        location: cx.config_location(binding.span),
                        message: format!("binding `{near}`"),
                    });
                }
            } else if do_names.is_empty() {
                message.push_str(" (it declares no Durable Object bindings)");
            }
            let location = Location { path: path.clone(), span: usage.binding.span };
            cx.report_with_fixes(out, &META, location, message, related, fixes);
        }
    }
}
