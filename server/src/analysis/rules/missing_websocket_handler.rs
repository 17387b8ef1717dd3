//! `missing-websocket-handler`: hibernatable sockets accepted without `webSocketMessage`.

use super::do_support::{append_member, defines_member, do_class_calls, is_typescript, members_known};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, WorkerContext};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "missing-websocket-handler",
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

/// Reports the first `acceptWebSocket` call of each DO class without `webSocketMessage`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut reported = Vec::new();
    for site in do_class_calls(cx) {
        if site.call.method.value != "acceptWebSocket" || site.call.receiver.is_none() || reported.contains(&site.class)
        {
            continue;
        }
        if !members_known(cx, &site.class) || defines_member(cx, &site.class, "webSocketMessage") {
            continue;
        }
        let Some(class) = cx.ws.class(&site.class) else { continue };
        reported.push(site.class.clone());
        let message = format!(
            "`{}` accepts hibernatable WebSockets but defines no `webSocketMessage()`: incoming messages have nowhere to go",
            class.name.value
        );
        let member = if is_typescript(site.path) {
            "async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {}"
        } else {
            "async webSocketMessage(ws, message) {}"
        };
        let fixes = append_member(site.path, &site.file.text, class, member)
            .map(|edit| {
                let title = format!("Add `webSocketMessage()` to `{}`", class.name.value);
                Fix::single(title, edit, true, Applicability::Safe)
            })
            .into_iter()
            .collect();
        let location = Location { path: site.path.clone(), span: site.call.method.span };
        cx.report_with_fixes(out, &META, location, message, Vec::new(), fixes);
    }
}
