//! `hibernation-state-lost`: per-socket state kept only in memory by a hibernating object.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::{ArgValue, CallFact, MemberKind};
use crate::index::ClassRef;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "hibernation-state-lost",
    default_severity: Severity::Warning,
    summary: "Per-socket state kept in memory by an object whose sockets hibernate",
    doc: r#"## What it does
Reports a Durable Object class that accepts hibernatable sockets (`ctx.acceptWebSocket`) and
keeps per-socket state in an instance collection (`this.sessions.set(ws, ...)`,
`this.sockets.add(ws)`, `this.clients.push(ws)`), but never calls `serializeAttachment` and does
not rebuild the state from `ctx.getWebSockets()` in its constructor.

## Why
When the object hibernates, its memory is dropped while the sockets stay open. The next message
wakes a fresh instance whose collections are empty: the sockets are there, their state is gone.
`ws.serializeAttachment(value)` stores state with the socket, and the constructor can rebuild
its collections from `ctx.getWebSockets()` and `ws.deserializeAttachment()`.

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
  sessions = new Map<WebSocket, { name: string }>();

  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    this.sessions.set(server, { name: "guest" });
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const name = this.sessions.get(ws)?.name; // undefined after the object woke up
    for (const other of this.ctx.getWebSockets()) other.send(`${name}: ${message}`);
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
  sessions = new Map<WebSocket, { name: string }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    for (const ws of ctx.getWebSockets()) this.sessions.set(ws, ws.deserializeAttachment());
  }

  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ name: "guest" });
    this.sessions.set(server, { name: "guest" });
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const name = this.sessions.get(ws)?.name;
    for (const other of this.ctx.getWebSockets()) other.send(`${name}: ${message}`);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: what to keep in the attachment, and how to rebuild the collections, depends on the code.
"#,
};

/// The WebSocket handlers whose first parameter is a socket.
const HANDLERS: &[&str] = &["webSocketMessage", "webSocketClose", "webSocketError"];

/// Reports instance collections keyed by sockets in hibernating classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for path in cx.worker.files() {
        let Some(file) = cx.ws.source(path) else { continue };
        for (index, class) in file.facts.classes.iter().enumerate() {
            if !cx.is_do_class(&ClassRef { file: path.clone(), index }) {
                continue;
            }
            let calls: Vec<&CallFact> = file.facts.calls.calls.iter().filter(|c| c.class == Some(index)).collect();
            let accepted: Vec<(&str, Option<crate::text::Span>)> = calls
                .iter()
                .filter(|c| c.method.value == "acceptWebSocket" && c.receiver.is_some())
                .filter_map(|c| match c.args.first().map(|a| &a.value) {
                    Some(ArgValue::Identifier(name)) => Some((name.as_str(), c.function)),
                    _ => None,
                })
                .collect();
            if accepted.is_empty() {
                continue;
            }
            let constructor = class.members.iter().position(|m| m.kind == MemberKind::Constructor);
            let persists = calls.iter().any(|c| {
                c.method.value == "serializeAttachment"
                    || (c.method.value == "getWebSockets" && constructor.is_some() && c.member == constructor)
            });
            if persists {
                continue;
            }
            let mut reported: Vec<String> = Vec::new();
            for call in &calls {
                if !matches!(call.method.value.as_str(), "set" | "add" | "push") {
                    continue;
                }
                let Some(field) = call
                    .callee
                    .strip_prefix("this.")
                    .and_then(|rest| rest.strip_suffix(&format!(".{}", call.method.value)))
                else {
                    continue;
                };
                if field.contains(['.', '(', '[']) || reported.iter().any(|r| r == field) {
                    continue;
                }
                let Some(ArgValue::Identifier(arg)) = call.args.first().map(|a| &a.value) else { continue };
                let is_accepted = accepted.iter().any(|(name, function)| name == arg && *function == call.function);
                let is_handler_socket = call
                    .member
                    .and_then(|m| class.members.get(m))
                    .is_some_and(|m| HANDLERS.contains(&m.name.value.as_str()) && m.param_names.first() == Some(arg));
                if !is_accepted && !is_handler_socket {
                    continue;
                }
                reported.push(field.to_owned());
                let message = format!(
                    "`this.{field}` keeps per-socket state in memory, but `{}` accepts hibernatable sockets and never calls `serializeAttachment` nor rebuilds it from `ctx.getWebSockets()` in its constructor: the state is gone after hibernation",
                    class.name.value
                );
                cx.report(out, &META, Location { path: path.clone(), span: call.method.span }, message, Vec::new());
            }
        }
    }
}
