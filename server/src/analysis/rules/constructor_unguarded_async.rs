//! `constructor-unguarded-async`: a DO constructor that loads state outside
//! `blockConcurrencyWhile`.

use super::do_support::{do_class_calls, is_storage_call, line_indent};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::{CallFact, MemberKind};
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "constructor-unguarded-async",
    default_severity: Severity::Warning,
    summary: "Durable Object constructor starts async state loading outside blockConcurrencyWhile",
    doc: r#"## What it does
Reports asynchronous work that loads state, started directly in the constructor of a Durable
Object class outside `ctx.blockConcurrencyWhile(...)`: an async storage read (`storage.get`,
`storage.list`, `storage.getAlarm`), a `fetch(...)`, or a `.then(...)` chain.

The synchronous APIs (`storage.sql.exec`, `storage.kv`, `ctx.getWebSockets()`) are fine, and so is
work inside functions the constructor only defines.

## Why
A constructor cannot `await`. Work it starts without `blockConcurrencyWhile` runs in the
background while the object already accepts requests, which then see the state before it is
loaded. `blockConcurrencyWhile` holds incoming events until its callback is done.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  value = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.get<number>("value").then((v) => (this.value = v ?? 0));
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.COUNTER.getByName("a").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  value = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.value = (await ctx.storage.get<number>("value")) ?? 0;
    });
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.COUNTER.getByName("a").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Wraps the statement in `ctx.blockConcurrencyWhile(async () => { await ...; })` (with the
constructor's own name for the state parameter), when the call is a statement of its own.
"#,
};

/// The async storage reads that load state.
const ASYNC_READS: &[&str] = &["get", "list", "getAlarm"];

/// Reports the first unguarded async call of each constructor statement.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut reported: Vec<Span> = Vec::new();
    for site in do_class_calls(cx) {
        let call = site.call;
        let Some(class) = cx.ws.class(&site.class) else { continue };
        let Some(member) = call.member.and_then(|m| class.members.get(m)) else { continue };
        if member.kind != MemberKind::Constructor || call.function != Some(member.span) || call.in_block_concurrency {
            continue;
        }
        let Some(what) = async_work(call) else { continue };
        // The statement of the constructor's own body that holds the call (the call may be the
        // receiver of a `.then(...)`).
        let facts = &site.file.facts.calls;
        let body = facts.bodies.iter().find(|b| b.class == site.class.index && Some(b.member) == call.member);
        let statement = facts
            .calls
            .iter()
            .filter_map(|c| c.statement)
            .find(|s| s.span.contains_span(call.span) && body.is_some_and(|b| s.block == Some(b.body)));
        let key = statement.map_or(call.span, |s| s.span);
        if reported.iter().any(|r| r.contains_span(key) || key.contains_span(*r)) {
            continue;
        }
        reported.push(key);
        let message = format!(
            "The constructor of `{}` starts {what} outside `blockConcurrencyWhile`: requests can run before the state it loads is there",
            class.name.value
        );
        let state = member
            .param_names
            .first()
            .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$'));
        let fixes = match (statement, state) {
            (Some(statement), Some(state)) => {
                wrap(site.path, &site.file.text, statement.span, state, &what).into_iter().collect()
            }
            _ => Vec::new(),
        };
        let location = Location { path: site.path.clone(), span: call.method.span };
        cx.report_with_fixes(out, &META, location, message, Vec::new(), fixes);
    }
}

/// What async work the call starts, for the message; `None` when it starts none.
fn async_work(call: &CallFact) -> Option<String> {
    if let Some(read) = ASYNC_READS.iter().find(|m| is_storage_call(call, m)) {
        return Some(format!("`storage.{read}()`"));
    }
    if call.callee == "fetch" || call.callee == "globalThis.fetch" {
        return Some("a `fetch()`".to_owned());
    }
    (call.method.value == "then" && call.receiver.is_some()).then(|| "a `.then()` chain".to_owned())
}

/// The fix: the statement wrapped in `<state>.blockConcurrencyWhile(async () => { await ...; })`.
fn wrap(
    path: &std::sync::Arc<std::path::PathBuf>,
    text: &str,
    statement: Span,
    state: &str,
    what: &str,
) -> Option<Fix> {
    let expression = text.get(statement.start..statement.end)?.trim_end().trim_end_matches(';').trim_end();
    let indent = line_indent(text, statement.start);
    let expression = expression.replace('\n', "\n  ");
    let new_text = format!("{state}.blockConcurrencyWhile(async () => {{\n{indent}  await {expression};\n{indent}}});");
    let edit = TextEdit { path: path.clone(), span: statement, new_text };
    Some(Fix::single(format!("Wrap {what} in `{state}.blockConcurrencyWhile`"), edit, true, Applicability::Suggestion))
}
