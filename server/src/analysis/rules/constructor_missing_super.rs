//! `constructor-missing-super`: a DO class constructor that never calls `super(...)`.

use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::code::{ExprKind, FnKind};
use crate::index::DoClassKind;
use crate::text::lines::line_indent;
use crate::text::Span;

/// `constructor-missing-super` (error by default): constructor of a Durable Object class that does
/// not call super(...).
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::ConstructorMissingSuper,
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

/// Reports constructors of DO classes that never call `super(...)`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for class in model.classes() {
        if !matches!(cx.ws.do_class_kind(&class), DoClassKind::DurableObject | DoClassKind::KnownBase(_)) {
            continue;
        }
        let Some(constructor) = model.member_of_kind(&class, FnKind::Constructor) else { continue };
        let calls_super = model
            .calls_in(constructor)
            .iter()
            .any(|&c| model.callee(c).and_then(|callee| model.expr(callee)).is_some_and(|e| e.kind == ExprKind::Super));
        if calls_super {
            continue;
        }
        let Some(fact) = cx.ws.class(&class) else { continue };
        let (Some(function), Some(unit)) =
            (model.function(constructor), model.unit(constructor.file, constructor.unit))
        else {
            continue;
        };
        let call = match model.param_names(constructor).as_slice() {
            [Some(ctx), Some(env), ..] => format!("super({ctx}, {env})"),
            _ => "super(ctx, env)".to_owned(),
        };
        let message = format!(
            "The constructor of `{}` never calls `super(...)`: call `{call}` first\nWithout it, constructing the object throws, so every request to the object fails.",
            fact.name.value
        );
        let path = model.path(constructor.file);
        let member_span = model.function_span(constructor);
        let fixes = match (function.body.map(|b| b.at(unit.start)), model.param_names(constructor).as_slice()) {
            (Some(body), [Some(ctx), Some(env), ..]) => {
                let statement = format!("super({ctx}, {env});");
                insert_first_statement(path, model.text(constructor.file), body, member_span.start, &statement)
                    .map(|e| Fix::single(format!("Call `super({ctx}, {env})`"), e, true, Applicability::Safe))
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        };
        let name_span = function.name.map_or(member_span, |n| n.at(unit.start));
        cx.report(&META, Location { path: path.clone(), span: name_span }, message).fixes(fixes).emit(out);
    }
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
