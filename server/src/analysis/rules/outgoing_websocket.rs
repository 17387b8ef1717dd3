//! `outgoing-websocket`: `new WebSocket(url)` inside a Durable Object class.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};

/// `outgoing-websocket` (info by default): outgoing WebSocket opened inside a Durable Object: it
/// cannot hibernate.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::OutgoingWebsocket,
    default_severity: Severity::Info,
    summary: "Outgoing WebSocket opened inside a Durable Object: it cannot hibernate",
    doc: r#"## What it does
Reports `new WebSocket(url)` inside a Durable Object class.

## Why
Only sockets the object accepts with `ctx.acceptWebSocket` can hibernate. An outgoing (client)
socket keeps the object in memory, billed for duration, for as long as it is open, and it is
closed when the object is evicted or restarts, so the code must be ready to reconnect.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "feed",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "FEED", "class_name": "Feed" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Feed"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Feed extends DurableObject {
  upstream?: WebSocket;

  async fetch(request: Request) {
    this.upstream ??= new WebSocket("wss://example.com/feed");
    return new Response("connected");
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.FEED.getByName("prices").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead: poll, and schedule the next poll with an alarm (or keep the upstream connection short-lived: open it, use it, close it):
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Feed extends DurableObject {
  async fetch(request: Request) {
    // Poll instead of holding a connection open; an alarm polls again later.
    const latest = await fetch("https://example.com/feed/latest");
    await this.ctx.storage.put("latest", await latest.text());
    await this.ctx.storage.setAlarm(Date.now() + 60_000);
    return new Response("updated");
  }

  async alarm() {
    const latest = await fetch("https://example.com/feed/latest");
    await this.ctx.storage.put("latest", await latest.text());
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.FEED.getByName("prices").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: whether the connection can be short-lived or must move elsewhere is a design choice.
"#,
};

/// Reports `new WebSocket(url)` in the code of DO classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let mut reported = rustc_hash::FxHashSet::default();
    for class in model.do_classes() {
        let name = cx.ws.class(&class).map(|c| c.name.value.clone()).unwrap_or_else(|| "this class".to_owned());
        for site in model.class_sites(&class).iter() {
            if !matches!(model.expr(site.call).map(|e| e.kind), Some(crate::facts::code::ExprKind::New { .. })) {
                continue;
            }
            let Some(callee) = model.callee(site.call) else { continue };
            let is_websocket = model.expr_text(callee) == "WebSocket"
                && matches!(model.eval_in(callee, site.frame.as_ref()), crate::sema::Value::Global(g) if &*g == "WebSocket");
            if !is_websocket || !reported.insert(site.call) {
                continue;
            }
            let message = format!(
                "`new WebSocket(...)` in Durable Object `{name}` opens an outgoing socket that cannot hibernate: keep it short-lived\nThe object stays in memory while the socket is open; move a long-lived connection elsewhere."
            );
            let related = super::do_support::chain_related(model, &site.chain(), &name);
            let location = Location { path: model.path(site.call.file).clone(), span: model.span(callee) };
            cx.report(&META, location, message).related(related).emit(out);
        }
    }
}
