//! `websocket-close-not-reciprocated`: `webSocketClose` that never answers the close handshake.

use super::constructor_missing_super::insert_first_statement;
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::code::FnKind;
use crate::sema::{ExprRef, Value};

/// `websocket-close-not-reciprocated` (warning by default): webSocketClose() never calls
/// ws.close(): the client's close handshake hangs.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::WebsocketCloseNotReciprocated,
    default_severity: Severity::Warning,
    summary: "webSocketClose() never calls ws.close(): the client's close handshake hangs",
    doc: r#"## What it does
Reports a `webSocketClose(ws, code, reason)` handler of a Durable Object class that never calls
`ws.close(...)`, itself or in a method or function of the Worker it hands the socket to. Handing
the socket to a collection (`this.sessions.delete(ws)`), to `console` or `JSON`, or to a helper
that does not close it does not count; handing it to code the model cannot read (a package) does.

## Why
`webSocketClose` is called for hibernatable sockets (`ctx.acceptWebSocket`), and the runtime does
not answer a client's Close frame on those by itself: until the handler calls `ws.close()`, the
client's close handshake hangs and the socket stays in `CLOSING`. This holds on every
compatibility date: the auto-reply of `web_socket_auto_reply_to_close` (2026-04-07) applies to
sockets accepted with `ws.accept()` only (workerd: `web-socket.c++` sends the reciprocal Close in
the `accept()` read loop when `allowHalfOpen` is off; the hibernation manager's read loop,
`legacy-hibernation-manager.c++`, dispatches the close event and sends none).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-01-15",
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

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    ws.send(message);
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string) {
    console.log("closed", code, reason);
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

  async webSocketClose(ws: WebSocket, code: number, reason: string) {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    console.log("closed", code, reason);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Inserts `ws.close(code, reason)` at the start of the handler, with the handler's own parameter
names; 1005 and 1006 (“no code”, “abnormal closure”) cannot be sent in a Close frame, so they
are answered with 1000.
"#,
};

/// Reports `webSocketClose` handlers that never close the socket.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for class in model.do_classes() {
        let sites = model.class_sites(&class);
        for (handler, name) in model.class_members(&class).members.iter() {
            if &**name != "webSocketClose" || model.function(*handler).is_none_or(|f| f.kind != FnKind::Method) {
                continue;
            }
            let params = model.param_names(*handler);
            let Some(Some(ws)) = params.first() else { continue };
            let socket = Value::Param(*handler, 0);
            let is_socket = |e: ExprRef, site: &crate::sema::Site<'_>| model.eval_in(e, site.frame.as_ref()) == socket;
            let mine = sites.iter().filter(|s| s.member == *handler);
            let mut closes = false;
            let mut hands_on = false;
            for site in mine {
                if let Some((receiver, method, _)) = site.method {
                    closes |= method == "close" && is_socket(receiver, site);
                }
                let callee = model.callee(site.call).map(|c| model.expr_text(c)).unwrap_or("");
                // `super.webSocketClose(ws, ...)`: the base class handles it.
                hands_on |= callee.starts_with("super.");
                // The socket given to code the model cannot read may be closed there. Code of
                // the Worker is followed (its calls are sites too); collections, `console` and
                // `JSON` never close it.
                let passed = model.call_args(site.call).iter().any(|&a| {
                    is_socket(a, site)
                        || model.eval_in(a, site.frame.as_ref()).any(|v| match v {
                            // `{ socket: ws }`
                            Value::Object(props) => props.iter().any(|(_, p)| *p == socket),
                            Value::Array(items) => items.contains(&socket),
                            _ => false,
                        })
                });
                if passed
                    && model.called_function(site.call, site.frame.as_ref()).is_none()
                    && !never_closes(model, site)
                {
                    hands_on = true;
                }
            }
            if closes || hands_on {
                continue;
            }
            let message = format!(
                "`webSocketClose` never calls `{ws}.close()`: call it to answer the client's Close frame\nThe runtime does not answer a Close frame on a hibernatable socket, so the client's close handshake hangs."
            );
            let Some(unit) = model.unit(handler.file, handler.unit) else { continue };
            let Some(function) = model.function(*handler) else { continue };
            let statement = match params.as_slice() {
                [Some(ws), Some(code), Some(reason), ..] => {
                    format!("{ws}.close({code} === 1005 || {code} === 1006 ? 1000 : {code}, {reason});")
                }
                [Some(ws), ..] => format!("{ws}.close();"),
                _ => continue,
            };
            let path = model.path(handler.file);
            let member_span = model.function_span(*handler);
            let fixes = function
                .body
                .map(|b| b.at(unit.start))
                .and_then(|body| {
                    insert_first_statement(path, model.text(handler.file), body, member_span.start, &statement)
                })
                .map(|edit| Fix::single(format!("Call `{ws}.close(...)`"), edit, true, Applicability::Safe))
                .into_iter()
                .collect();
            let name_span = function.name.map_or(member_span, |n| n.at(unit.start));
            cx.report(&META, Location { path: path.clone(), span: name_span }, message).fixes(fixes).emit(out);
        }
    }
}

/// Calls that take a socket without ever closing it: the methods of collections (`Map`, `Set`,
/// arrays), `console.*` and `JSON.*`.
fn never_closes(model: &crate::sema::Model<'_>, site: &crate::sema::Site<'_>) -> bool {
    const COLLECTION_METHODS: &[&str] = &[
        "delete",
        "get",
        "has",
        "set",
        "add",
        "push",
        "unshift",
        "indexOf",
        "includes",
        "splice",
        "filter",
        "find",
        "findIndex",
        "some",
        "every",
        "map",
        "forEach",
        "remove",
    ];
    let callee = model.callee(site.call).map(|c| model.expr_text(c)).unwrap_or("");
    let method = site.name;
    callee.starts_with("console.") || callee.starts_with("JSON.") || COLLECTION_METHODS.contains(&method)
}
