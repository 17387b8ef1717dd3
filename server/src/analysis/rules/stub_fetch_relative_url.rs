//! `stub-fetch-relative-url`: `stub.fetch("/path")`.

use super::do_support::literal_contents;
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::text::Span;

/// `stub-fetch-relative-url` (error by default): stub.fetch() with a relative URL (the runtime
/// throws).
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::StubFetchRelativeUrl,
    default_severity: Severity::Error,
    summary: "stub.fetch() with a relative URL (the runtime throws)",
    doc: r#"## What it does
Reports `stub.fetch("...")` on a Durable Object stub (`env.X.get(id)`, `env.X.getByName(name)`,
a variable holding one, through `await`) whose URL is a string literal that is not absolute.

## Why
`fetch` parses its URL without a base: a relative URL such as `"/state"` makes the call throw
(`TypeError: Fetch API cannot load: /state`). The host of a URL sent to a Durable Object is not
used for routing, so any absolute URL works.

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

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch("/state");
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch("https://chat-room/state");
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Prefixes the URL with `https://do`.
"#,
};

/// Reports relative literal URLs passed to `stub.fetch`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for call in model.stub_calls().iter().filter(|c| &*c.method == "fetch") {
        let Some(&arg) = model.call_args(call.call).first() else { continue };
        let value = model.eval(arg);
        let Some(strings) = value.strings() else { continue };
        for (url, origin) in strings {
            if is_absolute(url) {
                continue;
            }
            // Where the URL is written: the literal it comes from, else the argument.
            let (path, span, literal) = match origin {
                Some(o) => (model.path(o.file), o.span, true),
                None => (model.path(arg.file), model.span(arg), false),
            };
            let message = format!(
                "`stub.fetch(\"{url}\")` throws: the URL must be absolute (any host will do, such as `https://do{}`)",
                if url.starts_with('/') { url.to_owned() } else { format!("/{url}") }
            );
            let prefix = if url.starts_with("//") {
                "https:"
            } else if url.starts_with('/') {
                "https://do"
            } else {
                "https://do/"
            };
            let fixes = literal
                .then(|| {
                    let at = literal_contents(span).start;
                    let edit = TextEdit { path: path.clone(), span: Span::new(at, at), new_text: prefix.to_owned() };
                    Fix::single(format!("Prefix `{url}` with `{prefix}`"), edit, true, Applicability::Safe)
                })
                .into_iter()
                .collect();
            cx.report(&META, Location { path: path.clone(), span }, message).fixes(fixes).emit(out);
        }
    }
}

/// True when `url` starts with a scheme (`https:`, `http:`, ...).
fn is_absolute(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}
