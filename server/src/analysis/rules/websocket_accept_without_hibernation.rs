//! `websocket-accept-without-hibernation`: `server.accept()` on a `WebSocketPair` end in a DO.

use rustc_hash::FxHashSet;

use super::do_support::chain_related;
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::index::DoClassKind;
use crate::sema::{ExprRef, Value};

/// `websocket-accept-without-hibernation` (warning by default): webSocket accepted with accept()
/// inside a Durable Object: it can never hibernate.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::WebsocketAcceptWithoutHibernation,
    default_severity: Severity::Warning,
    summary: "WebSocket accepted with accept() inside a Durable Object: it can never hibernate",
    doc: r#"## What it does
Reports `.accept()` called, inside a Durable Object class, on one end of a `new WebSocketPair()`
(`const [client, server] = Object.values(new WebSocketPair())`, `pair[1]`).

`accept()` in the Worker's fetch handler or in plain functions is not reported.

## Why
A socket accepted with `accept()` is served by event listeners in memory: the object has to stay
awake, billed for duration, as long as the socket is open. `ctx.acceptWebSocket(ws)` hands the
socket to the runtime instead; the object can hibernate between messages and the runtime calls
`webSocketMessage` / `webSocketClose` when something happens.

## Example
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
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => server.send(event.data));
    return new Response(null, { status: 101, webSocket: client });
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    ws.send(message);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replaces `server.accept()` by `this.ctx.acceptWebSocket(server)`, offered only when the socket
has no `addEventListener` handlers in the same function (they would have to move into
`webSocketMessage` / `webSocketClose` by hand).
"#,
};

/// Reports `accept()` on `WebSocketPair` ends in the code of DO classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let mut reported: FxHashSet<ExprRef> = FxHashSet::default();
    for class in model.do_classes() {
        let name = cx.ws.class(&class).map(|c| c.name.value.clone()).unwrap_or_else(|| "this class".to_owned());
        let sites = model.class_sites(&class);
        for site in sites.iter() {
            let Some((receiver, method, method_span)) = site.method else { continue };
            if method != "accept" || !model.call_args(site.call).is_empty() || reported.contains(&site.call) {
                continue;
            }
            if !model.eval_in(receiver, site.frame.as_ref()).all(|v| *v == Value::SocketEnd) {
                continue;
            }
            let receiver_text = model.expr_text(receiver);
            // Other calls on the same socket in the same function.
            let on_socket = |wanted: &str, after: bool| {
                sites.iter().any(|other| {
                    other.function == site.function
                        && (!after || model.span(other.call).start > model.span(site.call).end)
                        && model
                            .method_call(other.call)
                            .is_some_and(|(r, m, _)| m == wanted && model.expr_text(r) == receiver_text)
                })
            };
            // Accepted only to send an error and close it at once (an error frame for a failed
            // upgrade): the socket never stays open, so nothing keeps the object awake.
            if on_socket("close", true) {
                continue;
            }
            reported.insert(site.call);
            let message = format!(
                "`{receiver_text}.accept()` in Durable Object `{name}` keeps the object awake: use `this.ctx.acceptWebSocket({receiver_text})`\nA socket accepted with `accept()` keeps the object in memory while it is open; with `ctx.acceptWebSocket` the object can hibernate."
            );
            let has_listeners = on_socket("addEventListener", false);
            // `this` must be the object: the call sits directly in a method of the class.
            let this_is_object = site.is_direct() && site.function == site.member;
            let has_ctx = matches!(cx.ws.do_class_kind(&class), DoClassKind::DurableObject | DoClassKind::KnownBase(_));
            let mut fixes = Vec::new();
            if !has_listeners && this_is_object && has_ctx && model.statement_of(site.call).is_some() {
                let edit = TextEdit {
                    path: model.path(site.call.file).clone(),
                    span: model.span(site.call),
                    new_text: format!("this.ctx.acceptWebSocket({receiver_text})"),
                };
                let title = format!("Accept `{receiver_text}` with `this.ctx.acceptWebSocket` (hibernatable)");
                fixes.push(Fix::single(title, edit, true, Applicability::Suggestion));
            }
            let related = chain_related(model, &site.chain(), &name);
            let location = Location { path: model.path(site.call.file).clone(), span: method_span };
            cx.report(&META, location, message).related(related).fixes(fixes).emit(out);
        }
    }
}
