//! `sqlite-api-on-kv-class`: SQLite-only storage APIs in a class with KV storage.

use rustc_hash::FxHashSet;

use super::do_support::{chain_related, kv_classes};
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::config::lifecycle::Storage;
use crate::facts::code::ExprKind;
use crate::index::SQL_BASES;
use crate::sema::{ExprRef, Value};

/// `sqlite-api-on-kv-class` (error by default): SQLite-only storage API (or a base that uses it) in
/// a class with KV storage.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::SqliteApiOnKvClass,
    default_severity: Severity::Error,
    summary: "SQLite-only storage API (or a base that uses it) in a class with KV storage",
    doc: r#"## What it does
Reports `storage.sql`, `storage.kv`, `storage.transactionSync` and the point-in-time-recovery
methods (`getCurrentBookmark`, `getBookmarkForTime`, `onNextSessionRestoreBookmark`) in a class
whose storage is KV (created with `new_classes` or `storage: "legacy-kv"`) in some environment.

It also reports a KV class that extends, directly or through workspace classes, a package base
that runs SQL itself: `Agent`, `AIChatAgent` and `McpAgent` (`agents`, `@cloudflare/ai-chat`),
`Container` (`@cloudflare/containers`) and `Sandbox` (`@cloudflare/sandbox`). That finding is on
the step or `exports` entry that gives the class KV storage, as the class's own code may never
touch `storage.sql`. partyserver's `Server` keeps its state with `storage.get` / `storage.put`
and works on KV storage. A class with a container gets `container-on-kv-class` instead.

## Why
These APIs exist only on SQLite-backed objects; on a KV-backed object they throw. In production
`sql.exec` fails with "This Durable Object is not backed by SQLite storage, so the SQL API is not
available" (workerd `DurableObjectStorage::getSqliteDb`). `Agent`'s constructor creates its state
tables with `this.sql`, so an agent on a KV class fails on its first request; `AIChatAgent` and
`McpAgent` extend `Agent`, and `Container` (which `Sandbox` extends) reads `ctx.storage.kv` and
creates a table in its constructor.

A class's storage backend is fixed when it is first created and cannot be converted: a deployed
class must be recreated under a new name (`deleted_classes` for the old one, `new_sqlite_classes`
for the new one), which loses its stored data.

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
None: a class's storage backend cannot be changed after it is deployed. Before the class is first
deployed, change `new_classes` to `new_sqlite_classes` (or `storage` to `"sqlite"`).
"#,
};

/// Reports SQLite-only storage APIs in the code of classes with KV storage, and KV classes whose
/// package base uses them itself.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    check_bases(cx, out);
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
                    "`storage.{api}` needs SQLite storage, but `{name}` is KV-backed in {}: using it throws\n\
                     `{name}` is created with `new_classes` (or `storage: \"legacy-kv\"`), and a class's storage cannot be converted: \
                     recreate it under a new name with `new_sqlite_classes`.",
                    view.label()
                );
                let related = chain_related(model, &visit.frame.as_ref().map(|f| f.chain()).unwrap_or_default(), name);
                cx.report(&META, Location { path: model.path(e.file).clone(), span }, message)
                    .related(related)
                    .emit(out);
            }
        }
    }
}

/// The storage APIs only SQLite-backed objects have.
const SQLITE_APIS: &[&str] =
    &["sql", "kv", "transactionSync", "getCurrentBookmark", "getBookmarkForTime", "onNextSessionRestoreBookmark"];

/// Reports, on the config site that gives it KV storage, each DO class of the Worker that extends
/// (directly or through workspace classes) a known package base whose constructor runs SQL
/// ([`SQL_BASES`]). A class with a container is `container-on-kv-class`'s (or, attached from its
/// `exports` entry, `invalid-export-entry`'s) to report.
fn check_bases(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let kv = kv_classes(cx);
    if kv.is_empty() {
        return;
    }
    let model = cx.model();
    let mut reported: FxHashSet<crate::text::Span> = FxHashSet::default();
    for class in model.do_classes() {
        let Some(fact) = cx.ws.class(&class) else { continue };
        let name = fact.name.value.as_str();
        let Some(base) = cx.ws.package_base(&class).filter(|b| SQL_BASES.contains(&b.name)) else { continue };
        for site in kv.iter().filter(|k| k.name == name && !k.has_container()) {
            if cx.config_broken_within(site.span) || !reported.insert(site.span) {
                continue;
            }
            let fix = if site.created { "if this step is not deployed yet, use SQLite storage instead; " } else { "" };
            let message = format!(
                "`{name}` extends `{}`, which needs SQLite, but {}: make it a SQLite class\n\
                 `{}` (from `{}`) runs SQL in its constructor, so the first request fails with \"This Durable Object is not backed by SQLite storage, so the SQL API is not available\". \
                 A class's storage cannot be converted: {fix}otherwise create the class under a new name with `new_sqlite_classes` \
                 and delete the old one with `deleted_classes` (its stored data is lost).",
                base.name, site.how, base.name, base.package
            );
            let related =
                cx.class_related(&class, format!("`{name}` extends `{}` here", base.name)).into_iter().collect();
            cx.report(&META, cx.config_location(site.span), message).related(related).emit(out);
        }
    }
}
