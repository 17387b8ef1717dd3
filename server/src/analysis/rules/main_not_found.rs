//! `main-not-found`: the Worker has Durable Object classes but no `main` module the index can find.

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::index::entry::deploys_another_config;
use crate::index::MainModule;
use crate::text::language::SOURCE_EXTENSIONS;

/// `main-not-found` (error by default): `main` is missing while the Worker binds its own Durable
/// Objects, or names no file.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::MainNotFound,
    default_severity: Severity::Error,
    summary: "`main` is missing while the Worker binds its own Durable Objects, or names no file",
    doc: r#"## What it does
Reports a config whose `main` is missing while a resolved environment declares a local Durable
Object binding (one without `script_name`), and a `main` that names no file.

It stays silent when `main` is build output: the config has a `build.command`, or `main` lies
under `dist/`, `build/`, `out/`, `.output/` or another folder that `.gitignore` ignores. It also
stays silent when the file exists but is not a JS/TS source the index reads (a Python Worker's
`.py` entry point). A config whose bindings all use `script_name` (a Pages project, a Worker that
only calls another Worker's objects) needs no `main` of its own. Configs without a `name` and
configs inside a `test`, `tests` or `__tests__` folder are not checked: they drive tests
(vitest-pool-workers), whose settings may provide the entry point.

## Why
The runtime finds a Durable Object class among the named exports of the `main` module: without
it there is nothing to bundle and no class to instantiate, and wrangler refuses to deploy.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/worker.ts", // the file is src/index.ts
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
Point `main` at the module that exports the Durable Object classes.
"#,
};

/// True when a script of the Worker's package runs a bundling wrangler command on its config.
fn bundled_by_a_script(cx: &WorkerContext<'_>) -> bool {
    let dir = &cx.worker.dir;
    cx.ws.package_scripts(dir).is_some_and(|scripts| {
        scripts.iter().any(|s| match &s.config {
            Some(c) => crate::index::modules::normalize(&dir.join(c)) == **cx.config_path(),
            None => true,
        })
    })
}

/// Reports a missing `main` next to local DO bindings, and a `main` that names no file.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    // Without a `name` wrangler cannot deploy the config; a build that writes the config it
    // deploys (`wrangler deploy --config dist/.../wrangler.json`) supplies `main` there.
    let built_elsewhere = cx
        .ws
        .package_scripts(&cx.worker.dir)
        .is_some_and(|s| deploys_another_config(s, &cx.worker.dir, cx.config_path()));
    if cx.worker.config.top.name.is_none() || built_elsewhere {
        return;
    }
    // A config that serves tests is bundled only when one of its package's scripts runs
    // `wrangler dev`/`deploy` on it (a fixture's `start`); `getPlatformProxy()` and vitest never
    // bundle `main`.
    if cx.worker.test.is_some() && !bundled_by_a_script(cx) {
        return;
    }
    match &cx.worker.main {
        MainModule::Found(_) | MainModule::BuildOutput(_) => {}
        MainModule::NotFound(path) => {
            let Some(main) = &cx.worker.config.top.main else { return };
            let is_source = path.extension().and_then(|e| e.to_str()).is_some_and(|e| SOURCE_EXTENSIONS.contains(&e));
            // A file the index does not read (ignored, too large, another language) still exists.
            if !is_source || path.exists() || cx.config_broken_within(main.span) {
                return;
            }
            let message = format!(
                "`main` names `{}`, which does not exist: fix the path\nwrangler cannot bundle the Worker, and its Durable Object classes are never exported.",
                main.value
            );
            cx.report(&META, cx.config_location(main.span), message).emit(out);
        }
        MainModule::Missing => {
            // `wrangler dev src/index.ts` / `wrangler deploy src/index.ts`: the entry comes from
            // the command line (package.json scripts), which wrangler accepts instead of `main`.
            if !cx.worker.config.syntax_errors.is_empty() || cx.worker.entry.is_some() {
                return;
            }
            for view in &cx.envs {
                if view.env.main.is_some() {
                    continue;
                }
                let Some(binding) = view.env.do_bindings().iter().find(|b| b.is_local()) else { continue };
                let span = binding.name.as_ref().map_or(binding.span, |n| n.span);
                let name = binding.name.as_ref().map_or("", |n| n.value.as_str());
                let where_ = if view.env.name.is_some() { format!(" (in {})", view.label()) } else { String::new() };
                let message = format!(
                    "Durable Object binding `{name}`{where_} needs a class of this Worker, but the config has no `main`: add it\nThe class must be a named export of the Worker's main module."
                );
                let class = binding.class_name.as_ref().map_or("", |c| c.value.as_str());
                cx.report(&META, cx.config_location(span), message).about(name).about(class).emit(out);
            }
        }
    }
}
