//! `unknown-class`: a bound class is defined nowhere in the Worker's sources.

use rustc_hash::FxHashSet;

use crate::analysis::{Applicability, Finding, Fix, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::config::lifecycle::LifecycleModel;

/// `unknown-class` (error by default): a bound Durable Object class is defined nowhere in the
/// Worker.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::UnknownClass,
    default_severity: Severity::Error,
    summary: "A bound Durable Object class is defined nowhere in the Worker",
    doc: r#"## What it does
Reports a local binding's `class_name`, or a live `exports` key, when no class of that name is
defined in the Worker's sources and `main` exports nothing by that name. An `exports` key that no
binding names and that is close to no class name is left to `live-class-not-exported` (the class
is gone from the code rather than misspelt), except in configs that rule does not check.

It stays silent whenever the class may come from somewhere the index cannot read: `main` exports
the name from a package (`export { Sandbox as MySandbox } from "@cloudflare/sandbox"`) or a
factory (`export const MyAgent = createAgent(...)`), `main` uses CommonJS or `export * from` a
package, or `main` is build output, missing or not found (a build tool may generate the entry
and its classes).

## Why
Usually a typo, or a class renamed in code but not in the config. wrangler fails the deploy, and
until then every `env.X` use of the binding is broken.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "Chatroom" }] },
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

## Fix
Replace the name by the closest Durable Object class name.
"#,
};

/// Reports bound and live classes that no source defines or exports.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    // Without a `main` the index can read, the Worker's code is unknown: a build step may
    // generate the entry and its classes (vite plugins), or `main` is wrong (`main-not-found`).
    let Some(exports) = cx.main_exports.as_ref() else { return };
    if exports.open_ended {
        return;
    }
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        let bound = view.env.do_bindings().iter().filter(|b| b.is_local()).filter_map(|b| b.class_name.as_ref());
        let exported_entries = view
            .lifecycle
            .live_classes()
            .filter(|_| view.lifecycle.model == LifecycleModel::Exports)
            .filter_map(|c| c.created.as_ref());
        for class in bound.chain(exported_entries) {
            if class.value.is_empty() || !seen.insert(class.value.clone()) {
                continue;
            }
            if cx.classes_by_name.contains_key(class.value.as_str()) {
                continue;
            }
            if exports.names.contains_key(&class.value) || exported_anywhere(cx, &class.value) {
                continue;
            }
            let near = closest_class(cx, &class.value);
            // An unbound `exports` key close to no class: the class is gone from the code, which
            // `live-class-not-exported` reports (with a delete or rename).
            if near.is_none() && !cx.is_locally_bound(&class.value) && super::live_class_not_exported::checks_worker(cx)
            {
                continue;
            }
            let mut message = format!("No class `{}` is defined in this Worker's sources", class.value);
            let mut fixes = Vec::new();
            if let Some(near) = near {
                message.push_str(&format!("; did you mean `{near}`?"));
                fixes.push(rename_fix(cx, class.span, near));
            }
            cx.report(&META, cx.config_location(class.span), message).about(&class.value).fixes(fixes).emit(out);
        }
    }
}

/// True when some file of the Worker exports `name` from its own scope (a factory result, a
/// destructured value): the class exists, the index just cannot see it.
fn exported_anywhere(cx: &WorkerContext<'_>, name: &str) -> bool {
    cx.worker.files().filter_map(|p| cx.ws.source(p)).any(|f| {
        f.facts.has_commonjs_exports
            || f.facts.exports.iter().any(|e| match e {
                crate::facts::ExportFact::Local { exported, .. } => exported.value == name,
                crate::facts::ExportFact::From { exported, .. } => exported.value == name,
                _ => false,
            })
    })
}

/// Replaces the config string at `span` by `near`, keeping its quote character.
fn rename_fix(cx: &WorkerContext<'_>, span: crate::text::Span, near: &str) -> Fix {
    let text = cx.ws.text(cx.config_path());
    let quote = text.as_deref().and_then(|t| t.get(span.start..)?.chars().next()).filter(|c| *c == '\'').unwrap_or('"');
    let edit = TextEdit { path: cx.config_path().clone(), span, new_text: format!("{quote}{near}{quote}") };
    Fix::single(format!("Change to `{near}`"), edit, true, Applicability::Suggestion)
}

/// The Worker's DO class whose name is closest to `name`, when it is close enough to suggest.
pub fn closest_class<'a>(cx: &'a WorkerContext<'_>, name: &str) -> Option<&'a str> {
    let candidates =
        cx.classes_by_name.iter().filter(|(_, refs)| refs.iter().any(|c| cx.is_do_class(c))).map(|(n, _)| *n);
    crate::analysis::closest(name, candidates)
}
