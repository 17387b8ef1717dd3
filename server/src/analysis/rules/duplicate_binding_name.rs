//! `duplicate-binding-name`: two bindings of one resolved environment share a name.

use rustc_hash::FxHashMap;

use crate::analysis::{Finding, Related, RuleMeta, Severity, WorkerContext};
use crate::text::Spanned;

/// `duplicate-binding-name` (error by default): two bindings of one environment share a name.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::DuplicateBindingName,
    default_severity: Severity::Error,
    summary: "Two bindings of one environment share a name",
    doc: r#"## What it does
Collects every binding of each resolved environment (the top level, and each `env.<name>`
section, whose bindings are its own: they are not inherited): Durable Object bindings, KV
namespaces, R2 buckets, D1 databases, services, queues, workflows, `vars` keys and the other
binding kinds. Reports each name declared a second time, of the same kind or another.

## Why
Every binding becomes one property of `env`: `env.DATA` cannot be a KV namespace and a Durable
Object namespace at once. wrangler refuses the config ("DATA assigned to Durable Object and KV
Namespace bindings"; `validateBindingsHaveUniqueNames` in workers-sdk,
`packages/workers-utils/src/config/validation.ts`).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "store",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "DATA", "class_name": "Store" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }],
  "kv_namespaces": [{ "binding": "DATA", "id": "0f2ac74b498b48028cb68387c421e279" }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Store extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return new Response(await env.DATA.get("greeting"));
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```jsonc
// wrangler.jsonc
{
  "name": "store",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "STORE", "class_name": "Store" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Store"] }],
  "kv_namespaces": [{ "binding": "DATA", "id": "0f2ac74b498b48028cb68387c421e279" }]
}
```

## Fix
None: rename one of them (and its uses in code).
"#,
};

/// Reports every binding name seen before in the same environment.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for view in &cx.envs {
        let do_names =
            view.env.do_bindings().iter().filter_map(|b| b.name.as_ref()).map(|n| (n, "Durable Object binding"));
        let others = view.env.other_bindings.iter().map(|b| (&b.name, b.kind.describe()));
        // In file order, so the later declaration is the one reported.
        let mut all: Vec<_> = do_names.chain(others).collect();
        all.sort_by_key(|(name, _)| name.span);
        let mut first: FxHashMap<&str, (&Spanned<String>, &str)> = FxHashMap::default();
        for (name, kind) in all {
            if name.value.is_empty() {
                continue;
            }
            let Some(&(earlier, earlier_kind)) = first.get(name.value.as_str()) else {
                first.insert(name.value.as_str(), (name, kind));
                continue;
            };
            if cx.config_broken_within(name.span) {
                continue;
            }
            let what = if earlier_kind == kind {
                format!("is declared twice as {}", with_article(kind))
            } else {
                format!("names both {} and {}", with_article(earlier_kind), with_article(kind))
            };
            let message = format!(
                "`{}` {what}: rename one of them\nEach binding is one property of `env`, so names must be unique; wrangler refuses the config.",
                name.value
            );
            let related = vec![Related {
                location: cx.config_location(earlier.span),
                message: format!("{earlier_kind} `{}`", name.value),
            }];
            let location = cx.config_location(name.span);
            cx.report(&META, location, message).related(related).emit(out);
        }
    }
}

/// `a KV namespace`, `an R2 bucket`.
fn with_article(kind: &str) -> String {
    let vowel = kind.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
        || kind.starts_with("R2")
        || kind.starts_with("mTLS");
    format!("{} {kind}", if vowel { "an" } else { "a" })
}
