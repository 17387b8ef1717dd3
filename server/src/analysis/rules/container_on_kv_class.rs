//! `container-on-kv-class`: a container is attached to a class with KV storage.

use super::do_support::kv_classes;
use crate::analysis::config_fixes::{self, ConfigSource};
use crate::analysis::{Finding, Location, Related, RuleMeta, Severity, WorkerContext};

/// `container-on-kv-class` (error by default): a class named in `containers[].class_name` has KV
/// storage; containers need SQLite.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::ContainerOnKvClass,
    default_severity: Severity::Error,
    summary: "A class named in `containers[].class_name` has KV storage; containers need SQLite",
    doc: r#"## What it does
Reports a class that a `containers` entry names in `class_name` while the class has the legacy
KV storage backend in that environment: it is created with `new_classes`, or its `exports` entry
has `storage: "legacy-kv"` (or it took over such a class's storage by a rename). The finding is on
the step or entry that gives the class KV storage.

`containers` is read per section, as wrangler does: it is not inherited by `env.<name>` sections,
while `migrations` and `exports` are. A container attached the other way, with the `exports`
entry's own `container` key, is reported by `invalid-export-entry` instead (one mistake, one
finding).

## Why
A container belongs to a Durable Object class, and containers run only on SQLite-backed objects
(Cloudflare's Containers docs: "Use `new_sqlite_classes`, not `new_classes`, for a Container").
`@cloudflare/containers`' `Container` base, and `@cloudflare/sandbox`'s `Sandbox` that extends
it, read `ctx.storage.kv` and create a table with `ctx.storage.sql` in their constructor: on a
KV-backed object both throw, so every request to the container fails.

wrangler checks this only in the declarative `exports` flow (wrangler >= 4.124,
`validateContainerExportLinks` and `validateDurableObjectExportContainer` in workers-sdk's
`packages/workers-utils/src/config/validation.ts`: "Containers are not supported on Durable
Objects using the \"legacy-kv\" storage backend"). With `migrations`, its container setup only
checks that the class exists, so the config deploys and fails at run time.

A class's storage backend is fixed when the class is first deployed and cannot be converted.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "builder",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "containers": [{ "class_name": "Builder", "image": "./Dockerfile" }],
  "durable_objects": { "bindings": [{ "name": "BUILDER", "class_name": "Builder" }] },
  "migrations": [{ "tag": "v1", "new_classes": ["Builder"] }]
}
```
```ts
// src/index.ts
import { Container } from "@cloudflare/containers";

export class Builder extends Container {
  defaultPort = 8080;
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.BUILDER.getByName("main").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```jsonc
// wrangler.jsonc
{
  "name": "builder",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "containers": [{ "class_name": "Builder", "image": "./Dockerfile" }],
  "durable_objects": { "bindings": [{ "name": "BUILDER", "class_name": "Builder" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Builder"] }]
}
```

## Fix
Change `new_classes` to `new_sqlite_classes` (or `storage` to `"sqlite"`), offered as a
suggestion: it is right only while the class is not deployed yet. A deployed KV class cannot be
converted: attach the container to a new class created with `new_sqlite_classes` (and retire the
old one with `deleted_classes`).
"#,
};

/// Reports each config site that gives a container class KV storage.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for kv in kv_classes(cx) {
        // A container attached by the `exports` entry's `container` key: `invalid-export-entry`.
        let Some(container) = kv.container.filter(|_| !kv.export_container) else { continue };
        if cx.config_broken_within(kv.span) {
            continue;
        }
        let name = &kv.name;
        let wrangler = if kv.how.contains("legacy-kv") {
            "wrangler >= 4.124 refuses this config"
        } else {
            "wrangler does not check this with `migrations`, so the deploy succeeds"
        };
        let message = format!(
            "`{name}` runs a container but {}: containers need SQLite storage\n\
             The `Container` base (`@cloudflare/containers`) reads `ctx.storage.kv` and runs SQL in its constructor, which throw on a KV-backed object; {wrangler}. \
             Before the class is first deployed, switch it to SQLite storage; a deployed class cannot be converted: recreate it under a new name \
             (`deleted_classes` + `new_sqlite_classes`).",
            kv.how
        );
        let mut related =
            vec![Related { location: cx.config_location(container), message: format!("the container of `{name}`") }];
        if let Some(class) = cx.exported_class(name) {
            related.extend(cx.class_related(&class, format!("`{name}` is declared here")));
        }
        let fixes = match ConfigSource::of(cx) {
            Some(src) if kv.created => config_fixes::kv_storage_backend(&src, kv.span),
            _ => Vec::new(),
        };
        cx.report(&META, Location { path: cx.config_path().clone(), span: kv.span }, message)
            .related(related)
            .fixes(fixes)
            .emit(out);
    }
}
