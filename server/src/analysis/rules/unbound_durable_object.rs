//! `unbound-durable-object`: an exported Durable Object class that no binding names.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::index::{ClassRef, ExportTarget};

/// `unbound-durable-object` (hint by default): an exported Durable Object class that no binding of
/// any Worker names.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::UnboundDurableObject,
    default_severity: Severity::Hint,
    summary: "An exported Durable Object class that no binding of any Worker names",
    doc: r#"## What it does
Reports a class that the `main` module exports, that extends `DurableObject` or a known DO base,
and that no Durable Object binding of any Worker of the workspace names by `class_name`.

A binding whose `class_name` is a near miss of the class's name counts as naming it
(`unknown-class` reports the typo).

It stays silent when the code may reach the class without a binding: through `ctx.exports`
(automatic loopback bindings, Cloudflare changelog 2025-09-26), and for classes that another
workspace class extends (an exported base). It also stays silent while any config of the
workspace fails to parse (the binding may be in the broken part).

## Why
Without a binding nothing can create or call the object: the class is dead code, or a binding was
forgotten (or names the class with a typo).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return new Response("Hello World!");
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
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
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Add a binding (and the class's lifecycle: a migration or an `exports` entry).
"#,
};

/// Reports exported DO classes that no binding of the workspace names.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(exports) = &cx.main_exports else { return };
    if cx.ws.workers().any(|w| !w.config.syntax_errors.is_empty()) || uses_ctx_exports(cx) {
        return;
    }
    let mut exported: Vec<(&String, ClassRef)> = exports
        .names
        .iter()
        .filter_map(|(name, target)| match target {
            ExportTarget::Class { file, class } if name != "default" => {
                Some((name, ClassRef { file: file.clone(), index: *class }))
            }
            _ => None,
        })
        .collect();
    exported.sort_by(|a, b| a.0.cmp(b.0));
    for (name, class) in exported {
        if !cx.ws.do_class_kind(&class).is_durable_object() || is_bound_anywhere(cx, name) || is_extended(cx, &class) {
            continue;
        }
        let Some(fact) = cx.ws.class(&class) else { continue };
        // A config the index does not read as a Worker (`integration-wrangler.jsonc`) may bind it.
        if super::env_type_mismatch::unread_configs_near(&class.file) {
            continue;
        }
        let message = format!(
            "Durable Object class `{name}` is exported but no binding names it: add a binding, or remove the class\nNothing can reach it until a binding (and its migration) is added."
        );
        let fixes = crate::analysis::config_fixes::ConfigSource::of(cx)
            .map(|src| crate::analysis::config_fixes::unbound_durable_object(&src, name, &cx.worker.dir))
            .unwrap_or_default();
        let location = Location { path: class.file.clone(), span: fact.name.span };
        cx.report(&META, location, message).fixes(fixes).emit(out);
    }
}

/// True when a DO binding of any Worker of the workspace names class `name`, or a misspelling of
/// it (`unknown-class` reports that one).
fn is_bound_anywhere(cx: &WorkerContext<'_>, name: &str) -> bool {
    // Exact names first (a set kept by the index): the common case costs nothing in a workspace
    // of a thousand Workers; only a class no binding names exactly pays for the comparison with
    // every name.
    let lower = name.to_lowercase();
    cx.ws.bound_class_names().contains(name)
        || cx.ws.bound_class_names_lowered().iter().any(|(c, c_lower)| crate::text::words::is_close(c, c_lower, name, &lower))
        // A binding with a misspelt key may name it (`class_nam`): one finding, `invalid-do-binding`'s.
        || cx.ws.workers().any(|w| w.config.is_in_doubt(name))
}

/// True when some class of the Worker extends `class`.
fn is_extended(cx: &WorkerContext<'_>, class: &ClassRef) -> bool {
    cx.classes_by_name.values().flatten().any(|c| cx.ws.superclass(c).as_ref() == Some(class))
}

/// True when the Worker's code reads `ctx.exports`, which holds a namespace for every exported
/// DO class with storage, no binding needed.
fn uses_ctx_exports(cx: &WorkerContext<'_>) -> bool {
    cx.worker.files().filter_map(|p| cx.ws.source(p)).any(|f| f.text.contains("ctx.exports"))
}
