//! `rpc-on-legacy-class`: an RPC method is called on a stub of a class that does not extend
//! `DurableObject`.

use super::do_support::stub_classes;
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::index::DoClassKind;
use crate::platform::NON_RPC_METHODS;

/// `rpc-on-legacy-class` (error by default): an RPC method is called on a stub whose class does not
/// extend DurableObject.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::RpcOnLegacyClass,
    default_severity: Severity::Error,
    summary: "An RPC method is called on a stub whose class does not extend DurableObject",
    doc: r#"## What it does
Follows a stub to the class its binding names and reports a call of any method other than
`fetch` and `connect` when that class does not extend `DurableObject` (the legacy style: no base
class, `constructor(state, env)` and a `fetch()` handler), neither directly nor through workspace
classes.

It stays silent when the class extends anything the index cannot read (a package class, a mixin).

## Why
Only classes declared with `extends DurableObject` (from `cloudflare:workers`) receive RPC calls;
a legacy class receives `fetch` only, and every other call throws "The receiving Durable Object
does not support RPC, because its class was not declared with `extends DurableObject`" (workerd,
`src/workerd/api/worker-rpc.c++`).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
```
```ts
// src/index.ts
export class Counter {
  constructor(private state: DurableObjectState, private env: Env) {}
  async increment(): Promise<number> {
    const count = ((await this.state.storage.get<number>("count")) ?? 0) + 1;
    await this.state.storage.put("count", count);
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

## Fix
Extend `DurableObject` (and call `super(ctx, env)` in the constructor), or send the request
through `fetch`. No automatic fix: the constructor and the handlers may need changes.
"#,
};

/// Reports RPC calls on stubs whose every bound class is a legacy class.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for call in model.stub_calls().iter() {
        if NON_RPC_METHODS.contains(&&*call.method) {
            continue;
        }
        let Some(classes) = stub_classes(cx, &call.bindings) else { continue };
        if !classes.iter().all(|c| cx.ws.do_class_kind(c) == DoClassKind::NotDurableObject) {
            continue;
        }
        let Some(class) = classes.first() else { continue };
        let Some(fact) = cx.ws.class(class) else { continue };
        let name = &fact.name.value;
        let message = format!(
            "`{}` is an RPC call, but class `{name}` does not extend `DurableObject`: extend it, or call `fetch`\nThe stubs of a class that does not extend `DurableObject` only accept `fetch`, so the call throws at run time.",
            call.method
        );
        let related = cx.class_related(class, format!("class `{name}` has no `extends DurableObject`"));
        let location = Location { path: model.path(call.call.file).clone(), span: call.method_span };
        cx.report(&META, location, message).related(related.into_iter().collect()).emit(out);
    }
}
