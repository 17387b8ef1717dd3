//! `constructor-unguarded-async`: a DO constructor that loads state outside
//! `blockConcurrencyWhile`.

use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::code::{ExprKind, FnKind};
use crate::sema::{ExprRef, FnRef, Model, Value};
use crate::text::lines::line_indent;
use crate::text::Span;

/// `constructor-unguarded-async` (warning by default): durable Object constructor starts async
/// state loading outside blockConcurrencyWhile.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::ConstructorUnguardedAsync,
    default_severity: Severity::Warning,
    summary: "Durable Object constructor starts async state loading outside blockConcurrencyWhile",
    doc: r#"## What it does
Reports asynchronous work that loads state, started directly in the constructor of a Durable
Object class outside `ctx.blockConcurrencyWhile(...)`: an async storage read (`storage.get`,
`storage.list`, `storage.getAlarm`), a `fetch(...)`, or a `.then(...)` chain, when the loaded
value is kept: a `.then` callback assigns it to the instance or calls one of its methods, or the
promise is assigned to the instance. A chain that only logs (`.then(v => console.log(v))`)
loads no state.

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

/// Reports the first unguarded async call of each constructor statement that loads state.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for class in model.do_classes() {
        let Some(constructor) = model.member_of_kind(&class, FnKind::Constructor) else { continue };
        let Some(fact) = cx.ws.class(&class) else { continue };
        let Some(unit) = model.unit(constructor.file, constructor.unit) else { continue };
        let mut reported: Vec<Span> = Vec::new();
        // Calls of the constructor's own body: work inside a callback (`blockConcurrencyWhile`'s
        // among them) is not started by the constructor itself.
        for call in model.calls_in(constructor) {
            let Some((what, method_span)) = async_work(model, call) else { continue };
            let (top, kept) = chain_of(model, call);
            if !kept {
                continue;
            }
            let top_span = model.span(top);
            let statement =
                unit.code.statements.iter().map(|s| s.span.at(unit.start)).find(|s| s.contains_span(top_span));
            let key = statement.unwrap_or(top_span);
            if reported.iter().any(|r| r.contains_span(key) || key.contains_span(*r)) {
                continue;
            }
            reported.push(key);
            let message = format!(
                "The constructor of `{}` starts {what} outside `blockConcurrencyWhile`: wrap it in one\nRequests can run before the state it loads is there.",
                fact.name.value
            );
            let state = model.param_names(constructor).first().copied().flatten();
            let path = model.path(call.file);
            let fixes = match (statement, state) {
                (Some(statement), Some(state)) => {
                    wrap(path, model.text(call.file), statement, state, &what).into_iter().collect()
                }
                _ => Vec::new(),
            };
            cx.report(&META, Location { path: path.clone(), span: method_span }, message).fixes(fixes).emit(out);
        }
    }
}

/// What async work the call starts (for the message), with its method's span; `None` when it
/// starts none: an async storage read, a `fetch`, or a `.then()` chain.
fn async_work(model: &Model<'_>, call: ExprRef) -> Option<(String, Span)> {
    if let Some((object, method, span)) = model.method_call(call) {
        if ASYNC_READS.contains(&method) && model.eval(object).all(|v| *v == Value::Storage) {
            return Some((format!("`storage.{method}()`"), span));
        }
        if method == "then" {
            return Some(("a `.then()` chain".to_owned(), span));
        }
    }
    let callee = model.callee(call)?;
    match model.eval(callee) {
        Value::Global(g) if matches!(&*g, "fetch" | "globalThis.fetch") => {
            Some(("a `fetch()`".to_owned(), model.span(callee)))
        }
        _ => None,
    }
}

/// The outermost call of the method chain `call` starts (`get().then(...).then(...)`), and
/// whether the loaded value is kept: a `.then` callback assigns to the instance or calls one of
/// its methods, or the chain's value is assigned to the instance. A chain that only logs
/// (`.then(v => console.log(v))`) loads no state.
fn chain_of(model: &Model<'_>, call: ExprRef) -> (ExprRef, bool) {
    let mut top = call;
    let mut kept = false;
    let mut check_callbacks = |c: ExprRef| {
        if matches!(model.method_call(c), Some((_, "then" | "catch" | "finally", _))) {
            for arg in model.call_args(c) {
                if let Some(ExprKind::Function(f)) = model.expr(arg).map(|e| e.kind) {
                    kept |= keeps_state(model, FnRef { file: arg.file, unit: arg.unit, id: f });
                }
            }
        }
    };
    check_callbacks(call);
    for _ in 0..16 {
        let Some(member) = model.parent_expr(top) else { break };
        if !matches!(model.expr(member).map(|e| e.kind), Some(ExprKind::Member { object, .. }) if object == top.id) {
            break;
        }
        let Some(outer) = model.parent_expr(member) else { break };
        if !matches!(model.expr(outer).map(|e| e.kind), Some(ExprKind::Call { callee, .. }) if callee == member.id) {
            break;
        }
        check_callbacks(outer);
        top = outer;
    }
    let assigned_to_instance = model.parent_expr(top).is_some_and(|p| match model.expr(p).map(|e| e.kind) {
        Some(ExprKind::Assign { target, value, .. }) if value == top.id => on_this(model, ExprRef { id: target, ..p }),
        _ => false,
    });
    (top, kept || assigned_to_instance)
}

/// True when a callback (or a function nested in it) assigns to the instance (`this.x = ...`)
/// or calls one of its methods (`this.start()`).
fn keeps_state(model: &Model<'_>, f: FnRef) -> bool {
    std::iter::once(f).chain(model.nested_functions(f)).any(|g| {
        model.exprs_in(g).into_iter().any(|e| match model.expr(e).map(|x| x.kind) {
            Some(ExprKind::Assign { target, .. }) => on_this(model, ExprRef { id: target, ..e }),
            Some(ExprKind::Call { callee, .. }) => match model.expr(ExprRef { id: callee, ..e }).map(|x| x.kind) {
                Some(ExprKind::Member { object, .. }) => {
                    model.expr(ExprRef { id: object, ..e }).is_some_and(|o| o.kind == ExprKind::This)
                }
                _ => false,
            },
            _ => false,
        })
    })
}

/// True for `this.x` (and `this.x.y`...).
fn on_this(model: &Model<'_>, e: ExprRef) -> bool {
    match model.expr(e).map(|x| x.kind) {
        Some(ExprKind::This) => true,
        Some(ExprKind::Member { object, .. }) => on_this(model, ExprRef { id: object, ..e }),
        _ => false,
    }
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
