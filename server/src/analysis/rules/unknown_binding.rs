//! `unknown-binding`: `env.X` is used as a DO namespace but X is no DO binding.

use rustc_hash::FxHashSet;

use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};

/// Methods only a Durable Object namespace has (`DurableObjectNamespace` in workers-types);
/// `get` is also a KV method and proves nothing alone.
pub const NAMESPACE_ONLY_METHODS: &[&str] = &["idFromName", "idFromString", "newUniqueId", "getByName", "jurisdiction"];

/// `unknown-binding` (error by default): env.X is used as a Durable Object namespace, but X is no
/// DO binding of the Worker.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::UnknownBinding,
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
    let model = cx.model();
    let mut reported: FxHashSet<(u32, crate::text::Span)> = FxHashSet::default();
    let methods: Vec<&str> = NAMESPACE_ONLY_METHODS.iter().copied().chain(["get"]).collect();
    for call in model.namespace_calls(&methods) {
        let path = model.path(call.call.file);
        // A file shared by several Workers: a name bound by any of them is fine.
        let containing = cx.ws.workers_containing(path);
        let mut do_names: FxHashSet<&str> = FxHashSet::default();
        let mut broken_elsewhere = false;
        for worker in &containing {
            // A broken config, or a binding whose `name` is misspelt, may bind any name.
            broken_elsewhere |= !worker.config.syntax_errors.is_empty() || worker.config.binding_names_in_doubt;
            for env in worker.config.resolved_envs() {
                do_names.extend(env.do_bindings().iter().filter_map(|b| b.name.as_ref().map(|n| n.value.as_str())));
            }
        }
        if broken_elsewhere {
            continue;
        }
        let args = model.call_args(call.call);
        let get_with_id = &*call.method == "get"
            && args.first().is_some_and(|&a| model.eval(a).all(|v| matches!(v, crate::sema::Value::Id { .. })));
        let is_namespace_use = NAMESPACE_ONLY_METHODS.contains(&&*call.method) || get_with_id;
        let name = &*call.binding;
        if !is_namespace_use || do_names.contains(name) {
            continue;
        }
        let (file, span, destructured) = match &call.named_at {
            Some(at) => (at.file, at.span, at.destructured),
            None => (
                call.call.file,
                model.method_call(call.call).map_or(model.span(call.call), |(o, _, _)| model.span(o)),
                true,
            ),
        };
        if !reported.insert((file, span)) {
            continue;
        }
        let path = model.path(file);
        let mut message = format!("`{name}` is not a Durable Object binding of this Worker");
        let mut related = Vec::new();
        let mut fixes = Vec::new();
        let other = cx.envs.iter().find_map(|e| e.env.other_bindings.iter().find(|b| b.name.value == name));
        if let Some(other) = other {
            message = format!("`{name}` is a {} binding, not a Durable Object namespace", other.kind.describe());
            related.push(Related {
                location: cx.config_location(other.name.span),
                message: format!("`{name}` is declared here"),
            });
        } else if let Some(near) = crate::analysis::closest(name, do_names.iter().copied()) {
            message.push_str(&format!("; did you mean `{near}`?"));
            let edit = match call.named_at.as_ref() {
                // A destructuring key keeps the local name: `{ NEAR: NAME }`.
                Some(at) if at.destructured => {
                    let shorthand = model.text(file).get(span.start..span.end) == Some(name)
                        && is_shorthand(model.text(file), span);
                    let new_text = if shorthand { format!("{near}: {name}") } else { near.to_string() };
                    Some(TextEdit { path: path.clone(), span, new_text })
                }
                Some(_) => Some(TextEdit { path: path.clone(), span, new_text: near.to_string() }),
                None => None,
            };
            let _ = destructured;
            if let Some(edit) = edit {
                fixes.push(Fix::single(format!("Change to `{near}`"), edit, true, Applicability::Suggestion));
            }
            let binding = cx
                .envs
                .iter()
                .flat_map(|e| e.env.do_bindings())
                .find_map(|b| b.name.as_ref().filter(|n| n.value == near));
            if let Some(binding) = binding {
                related
                    .push(Related { location: cx.config_location(binding.span), message: format!("binding `{near}`") });
            }
        } else if do_names.is_empty() {
            message.push_str(" (it declares no Durable Object bindings)");
        }
        let location = Location { path: path.clone(), span };
        cx.report(&META, location, message).about(name).related(related).fixes(fixes).emit(out);
    }
}

/// True when the destructuring key at `span` is a shorthand (`{ X }` or `{ X = d }`), not
/// `{ X: local }`.
fn is_shorthand(text: &str, span: crate::text::Span) -> bool {
    let after = text.get(span.end..).unwrap_or("").trim_start();
    !after.starts_with(':')
}
