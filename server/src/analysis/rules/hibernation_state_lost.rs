//! `hibernation-state-lost`: per-socket state kept only in memory by a hibernating object.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::code::{ExprKind, FnKind};
use crate::sema::{ExprRef, SymbolRef, Target};

/// `hibernation-state-lost` (warning by default): per-socket state kept in memory by an object
/// whose sockets hibernate.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::HibernationStateLost,
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

/// Reports instance collections keyed by sockets in hibernating classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for class in model.do_classes() {
        let Some(fact) = cx.ws.class(&class) else { continue };
        let sites = model.class_sites(&class);
        // The sockets accepted for hibernation: the symbols passed to `acceptWebSocket`.
        let mut accepted: Vec<SymbolRef> = Vec::new();
        for site in sites.iter() {
            let Some((_, "acceptWebSocket", _)) = site.method else { continue };
            let Some(&arg) = model.call_args(site.call).first() else { continue };
            if let Some(Target::Symbol(s)) = model.resolve_ident(arg) {
                accepted.push(s);
            }
        }
        if accepted.is_empty() {
            continue;
        }
        // State kept with the socket, or rebuilt from the sockets when the object wakes: in the
        // constructor or in what it calls (`ctx.blockConcurrencyWhile(() => this.restore())`).
        let constructor = model.member_of_kind(&class, FnKind::Constructor);
        let persists = sites.iter().any(|site| {
            let name = site.name;
            name == "serializeAttachment" || (name == "getWebSockets" && Some(site.member) == constructor)
        });
        if persists {
            continue;
        }
        // The socket parameters of the handlers the runtime calls with a hibernated socket.
        let handler_sockets: Vec<SymbolRef> = model
            .class_members(&class)
            .members
            .iter()
            .filter(|(_, name)| crate::platform::WEBSOCKET_HANDLERS.contains(&&**name))
            .filter_map(|(f, _)| {
                let function = model.function(*f)?;
                let unit = model.unit(f.file, f.unit)?;
                let id = unit.code.params_of(function).first()?.symbol?;
                Some(SymbolRef { file: f.file, unit: f.unit, id })
            })
            .collect();
        let mut reported: Vec<String> = Vec::new();
        for site in sites.iter() {
            let Some((object, method, method_span)) = site.method else { continue };
            if !matches!(method, "set" | "add" | "push") {
                continue;
            }
            // `this.<field>.set(ws, ...)`.
            let Some(ExprKind::Member { object: this, property }) = model.expr(object).map(|e| e.kind) else {
                continue;
            };
            if model.expr(ExprRef { id: this, ..object }).map(|e| e.kind) != Some(ExprKind::This) {
                continue;
            }
            let field = model.rel_text(object.file, object.unit, property).to_owned();
            if reported.contains(&field) {
                continue;
            }
            let Some(&arg) = model.call_args(site.call).first() else { continue };
            let Some(Target::Symbol(socket)) = model.resolve_ident(arg) else { continue };
            if !accepted.contains(&socket) && !handler_sockets.contains(&socket) {
                continue;
            }
            let message = format!(
                "`this.{field}` keeps per-socket state that hibernation loses: store it with `ws.serializeAttachment()`\n`{}` accepts hibernatable sockets but never calls `serializeAttachment`, nor rebuilds the state from `ctx.getWebSockets()` in its constructor: the state is gone after the object hibernates.",
                fact.name.value
            );
            reported.push(field);
            let location = Location { path: model.path(site.call.file).clone(), span: method_span };
            cx.report(&META, location, message).emit(out);
        }
    }
}
