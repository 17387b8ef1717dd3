//! `rpc-compat-date`: RPC on a Durable Object stub while the Worker's compatibility date predates RPC.

use super::do_support::config_source;
use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::platform::{NON_RPC_METHODS, RPC};

/// `rpc-compat-date` (error by default): RPC is called on a Durable Object stub, but the
/// compatibility date predates RPC.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::RpcCompatDate,
    default_severity: Severity::Error,
    summary: "RPC is called on a Durable Object stub, but the compatibility date predates RPC",
    doc: r#"## What it does
Reports a call of a stub method other than `fetch` and `connect` (an RPC call) when the Worker's
`compatibility_date`, in an environment that binds the namespace, is before 2024-04-03 and
`compatibility_flags` lacks `rpc`. Environments inherit the date and the flags from the top level.
A config without `compatibility_date` is left alone (wrangler asks for one). The message names
the config file and the date in effect (`wrangler.jsonc has 2024-01-15`).

## Why
Stubs (`Fetcher`) gained RPC methods with the `rpc` compatibility flag, on by default from
2024-04-03 (workerd `src/workerd/io/compatibility-date.capnp`, field `fetcherRpc`). With an older
date the stub has no such method: the call fails with "stub.m is not a function".

## Example
```jsonc
// wrangler.jsonc
{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2024-01-15",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async increment(): Promise<number> {
    const count = ((await this.ctx.storage.get<number>("count")) ?? 0) + 1;
    await this.ctx.storage.put("count", count);
    return count;
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const count = await env.COUNTER.getByName("a").increment();
    return new Response(String(count));
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```jsonc
// wrangler.jsonc
{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2024-04-03",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
```

## Fix
Set `compatibility_date` to `2024-04-03`; a newer date turns on other changes too, so review the
compatibility flags in between. (Adding `"rpc"` to `compatibility_flags` also works.)
"#,
};

/// Reports RPC stub calls made under an environment whose date and flags lack RPC.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    // Environments without RPC: (env, its date literal).
    let without_rpc: Vec<_> = cx
        .envs
        .iter()
        .filter_map(|view| {
            let date = view.env.compatibility_date?;
            let has_flag = view.env.compatibility_flags.is_some_and(|f| f.iter().any(|f| f.value == RPC.enable_flag));
            (is_date(&date.value)
                && date.value.as_str() < RPC.since
                && !has_flag
                && !cx.config_broken_within(date.span))
            .then_some((view, date))
        })
        .collect();
    if without_rpc.is_empty() {
        return;
    }
    let model = cx.model();
    for call in model.stub_calls().iter() {
        if NON_RPC_METHODS.contains(&&*call.method) {
            continue;
        }
        let binds = |view: &crate::analysis::EnvView<'_>| {
            view.env
                .do_bindings()
                .iter()
                .any(|b| b.name.as_ref().is_some_and(|n| call.bindings.iter().any(|c| **c == *n.value)))
        };
        let Some((view, date)) = without_rpc.iter().find(|(view, _)| binds(view)) else { continue };
        let message = format!(
            "RPC call `{}` needs compatibility_date {since}, but {} has {}: raise it\nStubs have RPC methods from compatibility date {since}, or with the `{flag}` compatibility flag; without either, the stub has no such method and the call throws at run time.",
            call.method,
            config_source(cx, view),
            date.value,
            since = RPC.since,
            flag = RPC.enable_flag,
        );
        let related = vec![Related {
            location: cx.config_location(date.span),
            message: "the compatibility date in effect".to_string(),
        }];
        let edit = TextEdit { path: cx.config_path().clone(), span: date.span, new_text: format!("\"{}\"", RPC.since) };
        let fix =
            Fix::single(format!("Set `compatibility_date` to {}", RPC.since), edit, true, Applicability::Suggestion);
        let location = Location { path: model.path(call.call.file).clone(), span: call.method_span };
        cx.report(&META, location, message).related(related).fixes(vec![fix]).emit(out);
    }
}

/// True for a `YYYY-MM-DD` date (only then does string order match date order).
pub(crate) fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}
