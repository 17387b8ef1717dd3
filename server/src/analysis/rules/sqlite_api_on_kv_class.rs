//! `sqlite-api-on-kv-class`: SQLite-only storage APIs in a class with KV storage.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::config::lifecycle::Storage;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "sqlite-api-on-kv-class",
    default_severity: Severity::Error,
    summary: "storage.sql / storage.kv / transactionSync / PITR used in a class with KV storage",
    doc: r#"## What it does
Reports `storage.sql`, `storage.kv`, `storage.transactionSync` and the point-in-time-recovery
methods (`getCurrentBookmark`, `getBookmarkForTime`, `onNextSessionRestoreBookmark`) in a class
whose storage is KV (created with `new_classes` or `storage: "legacy-kv"`) in some environment.

## Why
These APIs exist only on SQLite-backed objects; on a KV-backed object they throw. A class's
storage backend is fixed when it is first created and cannot be converted.

## Example
```toml
# wrangler.toml
name = "counter"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_classes = ["Counter"]
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async fetch(request: Request) {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (at INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO hits VALUES (?)", Date.now());
    return new Response("counted");
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.COUNTER.getByName("a").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead, for a class that is not deployed yet (a deployed class keeps its storage backend: move the data to a new SQLite class, or use `storage.get` / `storage.put`):
```toml
# wrangler.toml
name = "counter"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"] # a class not deployed yet; else a new class for the data
```

## Fix
None: a class's storage backend cannot be changed after it is deployed.
"#,
};

/// Reports SQLite-only API uses in classes with KV storage.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for path in cx.worker.files() {
        let Some(file) = cx.ws.source(path) else { continue };
        for access in &file.facts.calls.storage_apis {
            let Some(class) = access.class.and_then(|c| file.facts.classes.get(c)) else { continue };
            let name = class.name.value.as_str();
            let kv_env = cx
                .envs
                .iter()
                .find(|view| view.lifecycle.class(name).is_some_and(|c| c.is_live() && c.storage == Some(Storage::Kv)));
            let Some(view) = kv_env else { continue };
            let message = format!(
                "`storage.{}` exists only on SQLite-backed objects, but `{name}` has KV storage in {} (`new_classes` / `legacy-kv`): using it throws",
                access.api.value,
                view.label()
            );
            cx.report(out, &META, Location { path: path.clone(), span: access.api.span }, message, Vec::new());
        }
    }
}
