//! `constructor-missing-super`: a DO class constructor that never calls `super(...)`.

use super::do_support::{constructor_index, line_indent};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::CallKind;
use crate::index::{ClassRef, DoClassKind};
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "constructor-missing-super",
    default_severity: Severity::Error,
    summary: "Constructor of a Durable Object class that does not call super(...)",
    doc: r#"## What it does
Reports the constructor of a class extending `DurableObject` (or a known DO base such as `Agent`)
that never calls `super(...)`.

## Why
A derived class must call `super()` before it touches `this`; without it, constructing the object
throws and every request to it fails. The base also needs `ctx` and `env` to set up `this.ctx` and
`this.env`.

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
  constructor(ctx: DurableObjectState, env: Env) {
    ctx.blockConcurrencyWhile(async () => {});
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
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {});
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.COUNTER.getByName("a").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Inserts `super(ctx, env)` at the start of the constructor, with the constructor's own parameter
names (offered when it declares two plain parameters).
"#,
};

/// Reports DO class constructors without a `super(...)` call.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for path in cx.worker.files() {
        let Some(file) = cx.ws.source(path) else { continue };
        for (index, class) in file.facts.classes.iter().enumerate() {
            let Some(constructor) = constructor_index(class) else { continue };
            let class_ref = ClassRef { file: path.clone(), index };
            if !matches!(cx.ws.do_class_kind(&class_ref), DoClassKind::DurableObject | DoClassKind::KnownBase(_)) {
                continue;
            }
            let calls = &file.facts.calls;
            let calls_super = calls
                .calls
                .iter()
                .any(|c| c.kind == CallKind::Super && c.class == Some(index) && c.member == Some(constructor));
            if calls_super {
                continue;
            }
            let Some(member) = class.members.get(constructor) else { continue };
            let message = format!(
                "The constructor of `{}` never calls `super(...)`: constructing the object throws, so every request to it fails",
                class.name.value
            );
            let body = calls.bodies.iter().find(|b| b.class == index && b.member == constructor).map(|b| b.body);
            let fixes = match (body, member.param_names.as_slice()) {
                (Some(body), [ctx, env, ..]) if is_identifier(ctx) && is_identifier(env) => {
                    let edit = insert_first_statement(
                        path,
                        &file.text,
                        body,
                        member.span.start,
                        &format!("super({ctx}, {env});"),
                    );
                    edit.map(|e| Fix::single(format!("Call `super({ctx}, {env})`"), e, true, Applicability::Safe))
                        .into_iter()
                        .collect()
                }
                _ => Vec::new(),
            };
            let location = Location { path: path.clone(), span: member.name.span };
            cx.report_with_fixes(out, &META, location, message, Vec::new(), fixes);
        }
    }
}

/// True for a plain identifier (not a destructuring pattern).
fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// An edit that makes `statement` the first statement of the block `body` of the member starting
/// at `member_start`.
pub(super) fn insert_first_statement(
    path: &std::sync::Arc<std::path::PathBuf>,
    text: &str,
    body: Span,
    member_start: usize,
    statement: &str,
) -> Option<TextEdit> {
    if text.get(body.start..body.start + 1) != Some("{") {
        return None;
    }
    let member_indent = line_indent(text, member_start);
    let inner = text.get(body.start + 1..body.end.checked_sub(1)?)?;
    let first_line_indent = inner.lines().skip(1).find(|l| !l.trim().is_empty()).map(|l| {
        let width = l.len() - l.trim_start_matches([' ', '\t']).len();
        &l[..width]
    });
    let indent = match first_line_indent {
        Some(indent) if indent.len() > member_indent.len() => indent.to_owned(),
        _ => format!("{member_indent}  "),
    };
    if inner.trim().is_empty() {
        return Some(TextEdit {
            path: path.clone(),
            span: body,
            new_text: format!("{{\n{indent}{statement}\n{member_indent}}}"),
        });
    }
    Some(TextEdit {
        path: path.clone(),
        span: Span::new(body.start + 1, body.start + 1),
        new_text: format!("\n{indent}{statement}"),
    })
}
