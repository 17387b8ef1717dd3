//! `websocket-accept-without-hibernation`: `server.accept()` on a `WebSocketPair` end in a DO.

use super::do_support::do_class_calls;
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::index::DoClassKind;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "websocket-accept-without-hibernation",
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

/// Reports `accept()` on `WebSocketPair` ends in DO classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let calls = do_class_calls(cx);
    for site in calls {
        let call = site.call;
        if call.method.value != "accept" || !call.args.is_empty() || !call.receiver_is_socket_pair_end {
            continue;
        }
        let Some(receiver) = call.receiver.and_then(|r| site.file.text.get(r.start..r.end)) else { continue };
        let name = cx.ws.class(&site.class).map(|c| c.name.value.as_str()).unwrap_or("this class");
        let message = format!(
            "`{receiver}.accept()` in Durable Object `{name}` keeps the object awake while the socket is open; accept it with `this.ctx.acceptWebSocket({receiver})` so the object can hibernate"
        );
        // Accepted only to send an error and close it at once (an error frame for a failed
        // upgrade): the socket never stays open, so nothing keeps the object awake.
        let closed_at_once = calls.iter().any(|other| {
            other.call.method.value == "close"
                && other.call.function == call.function
                && other.call.span.start > call.span.end
                && other.call.receiver.and_then(|r| other.file.text.get(r.start..r.end)) == Some(receiver)
        });
        if closed_at_once {
            continue;
        }
        let has_listeners = calls.iter().any(|other| {
            other.call.method.value == "addEventListener"
                && other.call.function == call.function
                && other.call.receiver.and_then(|r| other.file.text.get(r.start..r.end)) == Some(receiver)
        });
        let member_span = call.member.and_then(|m| cx.ws.class(&site.class)?.members.get(m)).map(|m| m.span);
        // `this` must be the object: the call sits directly in a method, not in a nested function.
        let this_is_object = member_span.is_some() && call.function == member_span;
        let has_ctx =
            matches!(cx.ws.do_class_kind(&site.class), DoClassKind::DurableObject | DoClassKind::KnownBase(_));
        let mut fixes = Vec::new();
        if !has_listeners && this_is_object && has_ctx && call.statement.is_some() {
            let edit = TextEdit {
                path: site.path.clone(),
                span: call.span,
                new_text: format!("this.ctx.acceptWebSocket({receiver})"),
            };
            let title = format!("Accept `{receiver}` with `this.ctx.acceptWebSocket` (hibernatable)");
            fixes.push(Fix::single(title, edit, true, Applicability::Suggestion));
        }
        let location = Location { path: site.path.clone(), span: call.method.span };
        cx.report_with_fixes(out, &META, location, message, Vec::new(), fixes);
    }
}
