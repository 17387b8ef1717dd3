//! `websocket-close-reason-too-long`: `ws.close(code, reason)` with a constant reason over 123 bytes.

use rustc_hash::FxHashSet;

use super::do_support::{chain_related, config_source, env_date_label, env_with_behaviour};
use crate::analysis::{Finding, Location, Related, RuleMeta, Severity, WorkerContext};
use crate::facts::code::{ExprKind, FnKind};
use crate::platform::{
    WEBSOCKET_CLOSE_REASON_BYTE_LIMIT as LIMIT, WEBSOCKET_CLOSE_REASON_MAX_BYTES as MAX_BYTES, WEBSOCKET_HANDLERS,
};
use crate::sema::{ExprRef, Frame, Model, Value};

/// `websocket-close-reason-too-long` (error by default): ws.close(code, reason) with a constant
/// reason over 123 UTF-8 bytes: close() throws.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::WebsocketCloseReasonTooLong,
    default_severity: Severity::Error,
    summary: "ws.close(code, reason) with a constant reason over 123 UTF-8 bytes: close() throws",
    doc: r#"## What it does
Reports a call `ws.close(code, reason)` on a WebSocket (an end of a `new WebSocketPair()`, or the
socket a Durable Object's `webSocketMessage`, `webSocketClose` or `webSocketError` handler is
given, also when handed on to a function of the Worker) whose reason is a string constant, or
one of several constants, longer than 123 bytes in UTF-8, while the Worker's compatibility date
is 2026-03-03 or later, or its `compatibility_flags` has `websocket_close_reason_byte_limit`, in
an environment (the top level or an `env` section, which inherits the top level's date and
flags). With `no_websocket_close_reason_byte_limit`, or without a `compatibility_date`, it stays
quiet. Bytes are counted after the string's escapes are decoded: `"é"` is 2 bytes, an emoji 4.
Sockets the model does not follow (those of `ctx.getWebSockets()`, of `fetch()` responses)
are not checked.

## Why
From compatibility date 2026-03-03, or with the `websocket_close_reason_byte_limit` flag,
`WebSocket.close()` throws a `SyntaxError` `DOMException` ("WebSocket close reason must not be
longer than 123 bytes when UTF-8 encoded.") when the reason is longer than 123 bytes in UTF-8:
the Close frame's body is at most 125 bytes, 2 of them the code (RFC 6455 §5.5). The check runs
before any other, so the socket is not closed and the exception escapes the handler. Before that
date workerd sent any reason; `no_websocket_close_reason_byte_limit` keeps that behaviour.
workerd: `src/workerd/io/compatibility-date.capnp` (`websocketCloseReasonByteLimit`,
`$compatEnableFlag("websocket_close_reason_byte_limit")`,
`$compatDisableFlag("no_websocket_close_reason_byte_limit")`, `$compatEnableDate("2026-03-03")`);
`src/workerd/api/web-socket.c++` (`LegacyWebSocketAdapter::close`, the adapter behind every
`WebSocket`, checks `reason.size() <= 123` and throws `DOMSyntaxError`).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-04-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

const GOODBYE =
  "The chat room is closing for maintenance. Your messages are saved; reconnect in a few minutes to continue the conversation with everyone.";

export class ChatRoom extends DurableObject {
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (message === "/quit") ws.close(1000, GOODBYE);
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

const GOODBYE = "Closing for maintenance: reconnect in a few minutes.";

export class ChatRoom extends DurableObject {
  async fetch(request: Request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (message === "/quit") ws.close(1000, GOODBYE);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: what a shorter reason should say is the author's choice (send the details in a message
before closing).
"#,
};

/// Reports `close(code, reason)` calls on sockets with a constant reason over 123 bytes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(view) = env_with_behaviour(cx, &LIMIT) else { return };
    let flag = view.env.compatibility_flags.unwrap_or_default().iter().find(|f| f.value == LIMIT.enable_flag);
    let (label, setting) = match flag {
        Some(flag) => (
            format!("{} sets `{}`", config_source(cx, view), LIMIT.enable_flag),
            Related { location: cx.config_location(flag.span), message: "the flag in effect".to_owned() },
        ),
        None => (
            env_date_label(cx, view),
            // `env_with_behaviour` finds only environments with a date.
            match view.env.compatibility_date {
                Some(date) => Related {
                    location: cx.config_location(date.span),
                    message: "the compatibility date in effect".to_owned(),
                },
                None => return,
            },
        ),
    };
    let model = cx.model();
    // Every call of the Worker's code on its own, then the calls of each DO class followed
    // with their arguments bound (a helper given the handler's socket and a constant).
    let mut candidates: Vec<(ExprRef, Option<std::rc::Rc<Frame>>)> =
        model.worker_calls().iter().map(|&c| (c, None)).collect();
    for class in model.do_classes() {
        candidates.extend(model.class_sites(&class).iter().map(|s| (s.call, s.frame.clone())));
    }
    let mut reported: FxHashSet<ExprRef> = FxHashSet::default();
    for (call, frame) in candidates {
        if reported.contains(&call) || !matches!(model.expr(call).map(|e| e.kind), Some(ExprKind::Call { .. })) {
            continue;
        }
        let Some((receiver, "close", _)) = model.method_call(call) else { continue };
        let args = model.call_args(call);
        let Some(&reason) = args.get(1) else { continue };
        if matches!(model.expr(reason).map(|e| e.kind), Some(ExprKind::Spread(_))) {
            continue;
        }
        if !is_socket(model, &model.eval_in(receiver, frame.as_ref())) {
            continue;
        }
        let Some(strings) = model
            .eval_in(reason, frame.as_ref())
            .strings()
            .map(|list| list.into_iter().map(|(text, _)| utf8_len_of_literal(text)).collect::<Option<Vec<usize>>>())
        else {
            continue;
        };
        let Some(bytes) = strings.and_then(|lens| lens.into_iter().max()).filter(|&n| n > MAX_BYTES) else {
            continue;
        };
        reported.insert(call);
        let message = format!(
            "close reason is {bytes} bytes, over the {MAX_BYTES}-byte limit: `close()` throws ({label})\nFrom compatibility date {since}, or with `{flag}`, `WebSocket.close()` throws a `SyntaxError` when the reason is longer than {MAX_BYTES} bytes in UTF-8, and the socket stays open.",
            since = LIMIT.since,
            flag = LIMIT.enable_flag,
        );
        let location = Location { path: model.path(reason.file).clone(), span: model.span(reason) };
        // Reached through calls from a class: the calls that lead there.
        let chain = frame.as_ref().map(|f| f.chain()).unwrap_or_default();
        let class = chain
            .first()
            .and_then(|&c| model.enclosing_function(c))
            .and_then(|f| model.this_class(f))
            .and_then(|c| cx.ws.class(&c).map(|f| f.name.value.clone()))
            .unwrap_or_else(|| "the class".to_owned());
        let mut related = chain_related(model, &chain, &class);
        related.push(setting.clone());
        cx.report(&META, location, message).related(related).emit(out);
    }
}

/// True when every alternative of the value is a WebSocket the model knows: an end of a
/// `WebSocketPair`, or the socket parameter of a DO class's WebSocket handler.
fn is_socket(model: &Model<'_>, value: &Value) -> bool {
    value.all(|v| match v {
        Value::SocketEnd => true,
        Value::Param(f, 0) => {
            model.function(*f).is_some_and(|func| func.kind == FnKind::Method)
                && model.function_name(*f).is_some_and(|n| WEBSOCKET_HANDLERS.contains(&n))
                && model.this_class(*f).is_some_and(|c| model.is_do_class(&c))
        }
        _ => false,
    })
}

/// The length in UTF-8 of a string constant as written in the source (escapes not decoded):
/// escapes are decoded, a lone surrogate counts as U+FFFD (a `USVString` replaces it), a line
/// continuation as nothing. `None` for an escape it cannot read.
fn utf8_len_of_literal(text: &str) -> Option<usize> {
    let mut units: Vec<u16> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut buf = [0u16; 2];
    let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v * 16 + chars.next()?.to_digit(16)?;
        }
        Some(v)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            units.extend_from_slice(c.encode_utf16(&mut buf));
            continue;
        }
        let code = match chars.next()? {
            'n' | 't' | 'r' | 'b' | 'f' | 'v' | '0' => 1,
            'x' => hex(&mut chars, 2)?,
            'u' if chars.peek() == Some(&'{') => {
                chars.next();
                let mut v = 0u32;
                loop {
                    match chars.next()? {
                        '}' => break,
                        d => v = v.checked_mul(16)?.checked_add(d.to_digit(16)?)?,
                    }
                }
                v
            }
            'u' => hex(&mut chars, 4)?,
            // A line continuation.
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                continue;
            }
            '\n' | '\u{2028}' | '\u{2029}' => continue,
            other => other as u32,
        };
        match char::from_u32(code) {
            Some(ch) => units.extend_from_slice(ch.encode_utf16(&mut buf)),
            // A surrogate (half of a pair written as two escapes).
            None if code <= 0xFFFF => units.push(code as u16),
            None => return None,
        }
    }
    Some(char::decode_utf16(units).map(|r| r.map_or(3, char::len_utf8)).sum())
}

#[cfg(test)]
mod tests {
    use super::utf8_len_of_literal;

    #[test]
    fn counts_bytes_after_escapes() {
        assert_eq!(utf8_len_of_literal("abc"), Some(3));
        assert_eq!(utf8_len_of_literal("é"), Some(2));
        assert_eq!(utf8_len_of_literal(r"\u00e9\x41\n"), Some(4));
        assert_eq!(utf8_len_of_literal(r"\u{1F600}"), Some(4));
        assert_eq!(utf8_len_of_literal(r"\uD83D\uDE00"), Some(4));
        assert_eq!(utf8_len_of_literal(r"\uD83D"), Some(3));
        assert_eq!(utf8_len_of_literal("a\\\nb"), Some(2));
        assert_eq!(utf8_len_of_literal(r#"\"\\"#), Some(2));
    }
}
