//! `missing-websocket-handler`: hibernatable sockets accepted without `webSocketMessage`.

use super::do_support::{append_member, defines_member, handler_installed_elsewhere, members_known};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, WorkerContext};
use crate::text::language::is_typescript;

/// `missing-websocket-handler` (warning by default): ctx.acceptWebSocket() in a Durable Object
/// class that defines no webSocketMessage().
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::MissingWebsocketHandler,
    default_severity: Severity::Warning,
    summary: "ctx.acceptWebSocket() in a Durable Object class that defines no webSocketMessage()",
    doc: r#"## What it does
Reports a call of `ctx.acceptWebSocket()` in a Durable Object class when neither the class nor
any of its ancestors in the workspace defines `webSocketMessage`.

Classes whose base comes from a package (`Agent`, partyserver's `Server`) are not reported: the
base defines the handlers and dispatches to hooks of its own.

## Why
A socket accepted with `ctx.acceptWebSocket()` delivers its messages to the class's
`webSocketMessage` method. Without one, incoming messages have nowhere to go.

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
    this.ctx.acceptWebSocket(server);
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
Adds an empty `async webSocketMessage(ws, message)` method at the end of the class, to fill in.
"#,
};

/// Reports classes that accept hibernatable sockets without `webSocketMessage()`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for class in model.do_classes() {
        let accepts = |site: &crate::sema::Site<'_>| {
            site.method.is_some_and(|(object, m, _)| {
                use crate::sema::Value;
                // The state, or a receiver the model cannot tell (a helper's parameter).
                m == "acceptWebSocket"
                    && model
                        .eval_in(object, site.frame.as_ref())
                        .all(|v| matches!(v, Value::State | Value::Unknown | Value::Param(..)))
            })
        };
        let Some(site) = model.class_sites(&class).iter().find(|s| accepts(s)).cloned() else { continue };
        if !members_known(cx, &class)
            || defines_member(cx, &class, "webSocketMessage")
            || handler_installed_elsewhere(cx, &class, "webSocketMessage")
        {
            continue;
        }
        let Some(fact) = cx.ws.class(&class) else { continue };
        let Some((_, _, method_span)) = site.method else { continue };
        let message = format!(
            "`{}` accepts hibernatable WebSockets but defines no `webSocketMessage()`: add the handler\nIncoming messages have nowhere to go.",
            fact.name.value
        );
        let member = if is_typescript(&class.file) {
            "async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {}"
        } else {
            "async webSocketMessage(ws, message) {}"
        };
        let text = cx.ws.source(&class.file).map(|f| f.text.clone()).unwrap_or_default();
        let fixes = append_member(&class.file, &text, fact, member)
            .map(|edit| {
                let title = format!("Add `webSocketMessage()` to `{}`", fact.name.value);
                Fix::single(title, edit, true, Applicability::Safe)
            })
            .into_iter()
            .collect();
        let related = super::do_support::chain_related(model, &site.chain(), &fact.name.value);
        let location = Location { path: model.path(site.call.file).clone(), span: method_span };
        cx.report(&META, location, message).related(related).fixes(fixes).emit(out);
    }
}
