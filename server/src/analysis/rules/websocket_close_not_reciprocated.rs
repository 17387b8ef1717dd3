//! `websocket-close-not-reciprocated`: `webSocketClose` that never answers the close handshake.

use super::constructor_missing_super::insert_first_statement;
use super::do_support::{env_date_label, env_without_behaviour};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::{ArgValue, MemberKind};
use crate::index::ClassRef;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "websocket-close-not-reciprocated",
    default_severity: Severity::Warning,
    summary: "webSocketClose() never calls ws.close() (before 2026-04-07)",
    doc: r#"## What it does
Reports a `webSocketClose(ws, code, reason)` handler of a Durable Object class that never calls
`ws.close(...)`, while the Worker's `compatibility_date` is before 2026-04-07 and the
`web_socket_auto_reply_to_close` flag is absent. A handler that passes the socket on to another
function (which may close it) is not reported.

## Why
Before that date the runtime does not answer a client's Close frame on a hibernatable socket by
itself: until the handler calls `ws.close()`, the client's close handshake hangs and the socket
stays in `CLOSING`. From 2026-04-07 (`web_socket_auto_reply_to_close`) the runtime replies.

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
    let Some(view) = env_without_behaviour(cx, "2026-04-07", "web_socket_auto_reply_to_close", None) else {
        return;
    };
    for path in cx.worker.files() {
        let Some(file) = cx.ws.source(path) else { continue };
        for (index, class) in file.facts.classes.iter().enumerate() {
            if !cx.is_do_class(&ClassRef { file: path.clone(), index }) {
                continue;
            }
            for (m, member) in class.members.iter().enumerate() {
                if member.kind != MemberKind::Method || member.name.value != "webSocketClose" {
                    continue;
                }
                let Some(ws) = member.param_names.first() else { continue };
                let calls: Vec<_> =
                    file.facts.calls.calls.iter().filter(|c| c.class == Some(index) && c.member == Some(m)).collect();
                let closes = calls.iter().any(|c| c.callee == format!("{ws}.close"));
                let hands_on = calls.iter().any(|c| {
                    c.callee.starts_with("super.")
                        || c.args.iter().any(|a| matches!(&a.value, ArgValue::Identifier(n) if n == ws))
                });
                if closes || hands_on {
                    continue;
                }
                let message = format!(
                    "`webSocketClose` never calls `{ws}.close()`: in {} the runtime does not answer the client's Close frame, so its close handshake hangs",
                    env_date_label(view)
                );
                let body = file.facts.calls.bodies.iter().find(|b| b.class == index && b.member == m).map(|b| b.body);
                let statement = match member.param_names.as_slice() {
                    [ws, code, reason, ..] => {
                        format!("{ws}.close({code} === 1005 || {code} === 1006 ? 1000 : {code}, {reason});")
                    }
                    [ws, ..] => format!("{ws}.close();"),
                    [] => continue,
                };
                let fixes = body
                    .and_then(|body| insert_first_statement(path, &file.text, body, member.span.start, &statement))
                    .map(|edit| Fix::single(format!("Call `{ws}.close(...)`"), edit, true, Applicability::Safe))
                    .into_iter()
                    .collect();
                cx.report_with_fixes(
                    out,
                    &META,
                    Location { path: path.clone(), span: member.name.span },
                    message,
                    Vec::new(),
                    fixes,
                );
            }
        }
    }
}
