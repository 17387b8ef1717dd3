//! `kv-storage-backend`: a class is created with the legacy KV storage backend.

use rustc_hash::FxHashSet;

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::config::{EventKind, Storage};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "kv-storage-backend",
    default_severity: Severity::Warning,
    summary: "A Durable Object class is created with the legacy KV storage backend",
    doc: r#"## What it does
Reports each class created with the legacy KV storage backend: listed in a migration step's
`new_classes`, or an `exports` entry with `storage: "legacy-kv"`. On the last migration step, which
is most likely not deployed yet, it is a warning; elsewhere (a step that probably runs in
production already, or an `exports` entry) it is information only.

## Why
KV-backed Durable Objects have no SQL API (`ctx.storage.sql`), no point-in-time recovery, and
smaller value limits; a class can never be converted from KV to SQLite storage once deployed; and
new or Free-plan accounts cannot create KV-backed classes at all (API errors 10097 and 10099).
New classes should use SQLite storage.

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

export class Counter extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.COUNTER.getByName("a").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
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
new_sqlite_classes = ["Counter"]
```

## Fix
None yet. Change `new_classes` to `new_sqlite_classes`, but only before the class is first
deployed: a deployed class keeps its storage backend.
"#,
};

/// Reports each KV creation once.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        let steps = view.env.migrations.map_or(&[][..], |m| &m.steps[..]);
        for class in &view.lifecycle.classes {
            for event in class.history.iter().filter(|e| e.kind == EventKind::Created(Storage::Kv)) {
                if !seen.insert(event.span) || cx.config_broken_within(event.span) {
                    continue;
                }
                let in_step = steps.iter().position(|s| s.span.contains_span(event.span));
                let (severity, how, advice) = match in_step {
                    Some(i) if i + 1 == steps.len() => (
                        Severity::Warning,
                        "`new_classes`",
                        "this step is most likely not deployed yet: use `new_sqlite_classes`",
                    ),
                    Some(_) => (
                        Severity::Info,
                        "`new_classes`",
                        "once deployed it cannot be converted; new classes should use `new_sqlite_classes`",
                    ),
                    None => (
                        Severity::Info,
                        "`storage: \"legacy-kv\"`",
                        "once deployed it cannot be converted; new classes should use `storage: \"sqlite\"`",
                    ),
                };
                let message = format!(
                    "`{}` is created with the legacy KV storage backend ({how}): no SQL API, no point-in-time recovery, and new or Free-plan accounts cannot create it; {advice}",
                    class.name
                );
                let fixes = crate::analysis::config_fixes::ConfigSource::of(cx)
                    .map(|src| crate::analysis::config_fixes::kv_storage_backend(&src, event.span))
                    .unwrap_or_default();
                let location = cx.config_location(event.span);
                cx.report_full(out, &META, Some(severity), location, message, Vec::new(), fixes);
            }
        }
    }
}
