//! `sqlite-api-on-kv-class`: SQLite-only storage APIs in a class with KV storage.

use rustc_hash::FxHashSet;

use super::do_support::chain_related;
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::config::lifecycle::Storage;
use crate::facts::code::ExprKind;
use crate::sema::{ExprRef, Value};

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

/// Reports SQLite-only storage APIs in the code of classes with KV storage.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let mut reported: FxHashSet<(u32, crate::text::Span)> = FxHashSet::default();
    for class in model.do_classes() {
        let Some(fact) = cx.ws.class(&class) else { continue };
        let name = fact.name.value.as_str();
        let kv_env = cx
            .envs
            .iter()
            .find(|view| view.lifecycle.class(name).is_some_and(|c| c.is_live() && c.storage == Some(Storage::Kv)));
        let Some(view) = kv_env else { continue };
        for visit in model.class_functions(&class).iter() {
            for e in model.exprs_in(visit.function) {
                let Some(ExprKind::Member { object, property }) = model.expr(e).map(|x| x.kind) else { continue };
                let api = model.rel_text(e.file, e.unit, property);
                if !SQLITE_APIS.contains(&api) {
                    continue;
                }
                let object = ExprRef { id: object, ..e };
                if !model.eval_in(object, visit.frame.as_ref()).all(|v| *v == Value::Storage) {
                    continue;
                }
                let span = model.rel_span(e.file, e.unit, property);
                if !reported.insert((e.file, span)) {
                    continue;
                }
                let message = format!(
                    "`storage.{api}` exists only on SQLite-backed objects, but `{name}` has KV storage in {} (`new_classes` / `legacy-kv`): using it throws",
                    view.label()
                );
                let related = chain_related(model, &visit.frame.as_ref().map(|f| f.chain()).unwrap_or_default(), name);
                cx.report(out, &META, Location { path: model.path(e.file).clone(), span }, message, related);
            }
        }
    }
}

/// The storage APIs only SQLite-backed objects have.
const SQLITE_APIS: &[&str] =
    &["sql", "kv", "transactionSync", "getCurrentBookmark", "getBookmarkForTime", "onNextSessionRestoreBookmark"];
