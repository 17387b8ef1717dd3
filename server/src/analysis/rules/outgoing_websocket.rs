//! `outgoing-websocket`: `new WebSocket(url)` inside a Durable Object class.

use super::do_support::do_class_calls;
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::CallKind;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "outgoing-websocket",
    default_severity: Severity::Info,
    summary: "Outgoing WebSocket opened inside a Durable Object: it cannot hibernate",
    doc: r#"## What it does
Reports `new WebSocket(url)` inside a Durable Object class.

## Why
Only sockets the object accepts with `ctx.acceptWebSocket` can hibernate. An outgoing (client)
socket keeps the object in memory, billed for duration, for as long as it is open, and it is
closed when the object is evicted or restarts, so the code must be ready to reconnect.

## Example
```ts
export class Feed extends DurableObject {
  connect() {
    this.upstream = new WebSocket("wss://example.com/feed");
  }
}
```

Use instead: keep the upstream connection short-lived (open it, use it, close it), or move it
to a place that is meant to stay connected, and reconnect from `alarm()` when it drops.

## Fix
None: whether the connection can be short-lived or must move elsewhere is a design choice.
"#,
};

/// Reports `new WebSocket(...)` in DO classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in do_class_calls(cx) {
        if site.call.kind != CallKind::New || site.call.callee != "WebSocket" {
            continue;
        }
        let name = cx.ws.class(&site.class).map(|c| c.name.value.as_str()).unwrap_or("this class");
        let message = format!(
            "`new WebSocket(...)` in Durable Object `{name}` opens an outgoing socket: it cannot hibernate, so the object stays in memory while it is open"
        );
        cx.report(out, &META, Location { path: site.path.clone(), span: site.call.method.span }, message, Vec::new());
    }
}
