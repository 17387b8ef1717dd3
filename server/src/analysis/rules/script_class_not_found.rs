//! `script-class-not-found`: a `script_name` binding names a class the other Worker does not have.

use rustc_hash::FxHashSet;

use crate::analysis::{Finding, Location, Related, RuleMeta, Severity, WorkerContext};

/// `script-class-not-found` (error by default): a `script_name` binding names a class that Worker
/// does not export as a live Durable Object.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::ScriptClassNotFound,
    default_severity: Severity::Error,
    summary: "A `script_name` binding names a class that Worker does not export as a live Durable Object",
    doc: r#"## What it does
For a Durable Object binding with `script_name`, finds the Worker of that name in the workspace
(when two share a name, the one in the nearest folder) and, in its environment `environment` (the
top level when absent), checks that `class_name` is live (created by a migration or a live
`exports` entry) and a named export of its `main` module.

It stays silent when no Worker of the workspace has that name (it lives in another repository),
when the other Worker has no such environment, when its config does not parse, and, for the export
check, when its `main` is build output or its exports cannot be read.

## Why
The binding only works when the other Worker has deployed the class with storage. Otherwise every
call through the binding fails at run time.

## Example
```jsonc
// api/wrangler.jsonc
{
  "name": "api",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room", "script_name": "chat" }] }
}
```
```ts
// api/src/index.ts
export default {
  async fetch(request, env): Promise<Response> {
    return env.ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```
```jsonc
// chat/wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```
```ts
// chat/src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead (`chat` exports `ChatRoom`):
```jsonc
// api/wrangler.jsonc
{
  "name": "api",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "ChatRoom", "script_name": "chat" }] }
}
```

## Fix
Name a class the other Worker exports, or add the class (and its migration) there.
"#,
};

/// Reports `script_name` bindings whose class the named Worker lacks.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        for binding in view.env.do_bindings() {
            let (Some(script), Some(class)) = (&binding.script_name, &binding.class_name) else { continue };
            let environment = binding.environment.as_ref().map(|e| e.value.as_str());
            if class.value.is_empty() || !seen.insert((class.span, script.value.as_str(), environment)) {
                continue;
            }
            let Some(target) = cx.script_target(&script.value) else { continue };
            // The other Worker's config is broken, or misspells a key of an entry that names the
            // class (what it creates is unknown until that is fixed).
            if !target.worker.config.syntax_errors.is_empty() || target.worker.config.is_in_doubt(&class.value) {
                continue;
            }
            let Some(target_env) = target.envs.iter().find(|e| e.env.env_name() == environment) else { continue };
            let live = target_env.lifecycle.is_live(&class.value);
            let exported = target.main_exports.as_ref().is_none_or(|e| !e.surely_lacks(&class.value));
            if live && exported {
                continue;
            }
            let other = match environment {
                Some(env) => format!("Worker `{}` (env.{env})", script.value),
                None => format!("Worker `{}`", script.value),
            };
            let why = match (live, exported) {
                (false, false) => "has no live Durable Object class and no export",
                (false, true) => "creates no storage for a class",
                _ => "does not export a class",
            };
            let message = format!(
                "{other} {why} named `{}`: fix `class_name` or that Worker\nCalls through this binding fail at run time.",
                class.value
            );
            let name_span = target.worker.config.top.name.as_ref().map(|n| n.span).unwrap_or_default();
            let related = vec![Related {
                location: Location { path: target.worker.config_path.clone(), span: name_span },
                message: format!("Worker `{}` is declared here", script.value),
            }];
            cx.report(&META, cx.config_location(class.span), message).about(&class.value).related(related).emit(out);
        }
    }
}
