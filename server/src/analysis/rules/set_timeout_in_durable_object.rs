//! `set-timeout-in-durable-object`: timers inside a Durable Object class.

use rustc_hash::FxHashSet;

use super::do_support::append_member;
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::code::{ExprKind, FnKind, Res};
use crate::index::{ClassRef, DoClassKind};
use crate::sema::{ExprRef, FnRef, Model, Site, Target, Value};
use crate::text::language::is_typescript;
use crate::text::lines::line_indent;
use crate::text::Span;

/// `set-timeout-in-durable-object` (warning by default): setTimeout/setInterval inside a Durable
/// Object class: use an alarm.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::SetTimeoutInDurableObject,
    default_severity: Severity::Warning,
    summary: "setTimeout/setInterval inside a Durable Object class: use an alarm",
    doc: r#"## What it does
Reports `setTimeout` and `setInterval` (bare, or through `globalThis.`, `self.`) anywhere in the
body of a Durable Object class: a class extending `DurableObject` or a known DO base, directly or
through workspace classes, or a legacy class that a binding names.

Timers in plain functions and in the Worker's fetch handler are fine and not reported; nor are
classes whose base the index cannot read. Nor are timers that serve work already in progress and
cannot outlive it: a timer inside a `new Promise` executor (`await new Promise((r) => setTimeout(r,
ms))`, a timeout raced against a promise), a timeout whose id is cleared in the same method (a
guard), `setTimeout(fn, 0)` (a yield to the event loop), a callback that only cancels
(`controller.abort()`) or only forgets in-memory state (`this.tickets.delete(token)`: eviction
loses the map along with the timer). The request that runs them keeps the object awake anyway,
and an alarm could not replace them.

## Why
A pending timer keeps the object in memory (and billed for duration), blocks WebSocket
hibernation, and is lost when the object is evicted or restarts: the callback silently never runs.
Alarms (`ctx.storage.setAlarm`) are persisted, survive eviction, and wake the object when due.

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
  pending: string[] = [];
  async post(text: string) {
    this.pending.push(text);
    setTimeout(() => this.flush(), 5_000);
  }
  async flush() {
    await this.ctx.storage.put("messages", this.pending);
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
  async post(text: string) {
    const pending = (await this.ctx.storage.get<string[]>("pending")) ?? [];
    await this.ctx.storage.put("pending", [...pending, text]);
    await this.ctx.storage.setAlarm(Date.now() + 5_000);
  }
  async alarm() {
    const pending = (await this.ctx.storage.get<string[]>("pending")) ?? [];
    await this.ctx.storage.put("messages", pending);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replaces the timer with `await this.ctx.storage.setAlarm(Date.now() + delay)` and moves the
callback body into a new `alarm()` (for `setInterval`, `alarm()` re-arms itself). When the class
already has `alarm()`, the callback is added to it as a commented-out TODO to merge by hand.

Offered for each timer where the result is correct code, whatever other timers the class has:
the timer is a statement of its own directly in an `async` method of a class extending
`DurableObject`, and neither the callback nor the delay uses the method's parameters or local
variables (the alarm runs in another invocation, where they do not exist). An object has one
alarm: once one timer's fix has made `alarm()`, the next one's callback goes there as a TODO to
merge by hand.
"#,
};

/// Reports timers in the code of Durable Object classes.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let mut reported: FxHashSet<ExprRef> = FxHashSet::default();
    for class in model.do_classes() {
        let name = cx.ws.class(&class).map(|c| c.name.value.clone()).unwrap_or_else(|| "this class".to_owned());
        for site in model.class_sites(&class).iter() {
            let Some(kind) = timer_kind(model, site) else { continue };
            if reported.contains(&site.call) || is_transient(model, site, kind) {
                continue;
            }
            reported.insert(site.call);
            let (timer_name, advice) = match kind {
                TimerKind::Timeout => ("setTimeout", "do the work in `alarm()`"),
                TimerKind::Interval => ("setInterval", "re-arm it from `alarm()`"),
            };
            let message = format!(
                "`{timer_name}` in Durable Object `{name}` is lost on eviction or hibernation: schedule an alarm instead\nThe timer keeps the object awake and does not survive eviction or hibernation; schedule an alarm with `ctx.storage.setAlarm()` and {advice}."
            );
            let fixes =
                if site.is_direct() { alarm_fix(cx, &class, site, kind).into_iter().collect() } else { Vec::new() };
            let path = model.path(site.call.file);
            let callee = model.callee(site.call).map_or_else(|| model.span(site.call), |c| model.span(c));
            let related = super::do_support::chain_related(model, &site.chain(), &name);
            cx.report(&META, Location { path: path.clone(), span: callee }, message)
                .related(related)
                .fixes(fixes)
                .emit(out);
        }
    }
}

/// `setTimeout` or `setInterval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimerKind {
    Timeout,
    Interval,
}

/// The timer a site calls: the global `setTimeout`/`setInterval`, bare or through
/// `globalThis.`, `self.`, `window.` (a local function of that name is no timer).
fn timer_kind(model: &Model<'_>, site: &Site<'_>) -> Option<TimerKind> {
    if !matches!(model.expr(site.call)?.kind, ExprKind::Call { .. }) {
        return None;
    }
    // Cheap first: the callee's name.
    let name = site.name;
    if name != "setTimeout" && name != "setInterval" {
        return None;
    }
    let callee = model.callee(site.call)?;
    let Value::Global(global) = model.eval_in(callee, site.frame.as_ref()) else { return None };
    let global = global
        .strip_prefix("globalThis.")
        .or_else(|| global.strip_prefix("self."))
        .or_else(|| global.strip_prefix("window."))
        .unwrap_or(&global);
    match global {
        "setTimeout" => Some(TimerKind::Timeout),
        "setInterval" => Some(TimerKind::Interval),
        _ => None,
    }
}

/// True when the timer serves work already in progress and cannot outlive it:
/// - a `setTimeout` with no or a zero delay (a yield);
/// - it runs inside a `new Promise` executor (a sleep, a timeout race);
/// - its callback only cancels something (`controller.abort()`, `this.ctx.abort()`): an
///   alarm cannot reach what is in memory; or only forgets in-memory state
///   (`this.tickets.delete(token)`), which eviction loses along with the timer;
/// - its id is kept in a variable or field that is cleared (`clearTimeout`/`clearInterval`)
///   later in the same function or member (a guard, a heartbeat stopped in `finally`).
fn is_transient(model: &Model<'_>, site: &Site<'_>, kind: TimerKind) -> bool {
    let call = site.call;
    let args = model.call_args(call);
    if kind == TimerKind::Timeout {
        match args.get(1) {
            None => return true,
            Some(&delay) => {
                if matches!(model.eval(delay), Value::Num(n) if n.trim_start_matches('0').trim_start_matches('.').trim_start_matches('0').is_empty())
                {
                    return true;
                }
            }
        }
    }
    if in_promise_executor(model, call) {
        return true;
    }
    if args.first().is_some_and(|&callback| only_cancels(model, callback)) {
        return true;
    }
    if cleared_later(model, call) {
        return true;
    }
    // A helper that starts the timer and returns its id (`return setInterval(...)`): the
    // caller keeps and clears it (`const keepAlive = startKeepalive(); ... clearInterval(keepAlive)`).
    let mut frame = site.frame.as_ref();
    let mut inner = call;
    while let Some(f) = frame {
        if !returns_value_of(model, inner) {
            return false;
        }
        if cleared_later(model, f.call) {
            return true;
        }
        inner = f.call;
        frame = f.parent();
    }
    false
}

/// True when the function a call is in returns the call's value (directly, or through a
/// `const` initialised with it).
fn returns_value_of(model: &Model<'_>, call: ExprRef) -> bool {
    let Some(f) = model.enclosing_function(call) else { return false };
    let Some(function) = model.function(f) else { return false };
    let Some(unit) = model.unit(call.file, call.unit) else { return false };
    unit.code.ids(function.returns).iter().any(|&r| {
        let r = ExprRef { id: r, ..call };
        r == call
            || matches!(model.resolve_ident(r), Some(Target::Symbol(s)) if s.file == call.file && s.unit == call.unit
                && model.symbol(s).is_some_and(|sym| sym.init == Some(call.id)))
    })
}

/// True when the call lies in a function passed to `new Promise(...)`.
fn in_promise_executor(model: &Model<'_>, call: ExprRef) -> bool {
    let Some(unit) = model.unit(call.file, call.unit) else { return false };
    let code = &unit.code;
    let mut f = model.enclosing_function(call).map(|f| f.id);
    while let Some(id) = f {
        let Some(function) = code.function(id) else { return false };
        if let Some(expr) = function.expr {
            let executor = code.exprs.iter().enumerate().any(|(i, e)| match e.kind {
                ExprKind::New { args, .. } => {
                    code.ids(args).first() == Some(&expr) && {
                        let new = ExprRef { id: i as u32, ..call };
                        matches!(model.callee(new).map(|c| model.eval(c)), Some(Value::Global(g)) if &*g == "Promise")
                    }
                }
                _ => false,
            });
            if executor {
                return true;
            }
        }
        if !matches!(function.kind, FnKind::Arrow | FnKind::Expression) {
            return false;
        }
        f = function.parent;
    }
    false
}

/// True when a callback does nothing but cancel: its one call is `x.abort(...)`,
/// `x.cancel(...)` or a method whose name starts so (`this.abortAllRequests()`).
fn only_cancels(model: &Model<'_>, callback: ExprRef) -> bool {
    let Some(ExprKind::Function(f)) = model.expr(callback).map(|e| e.kind) else { return false };
    let f = FnRef { file: callback.file, unit: callback.unit, id: f };
    if !model.nested_functions(f).is_empty() {
        return false;
    }
    // The calls not nested in another call's arguments (`abort(new Error(...))` is one).
    let calls = model.calls_in(f);
    let spans: Vec<Span> = calls.iter().map(|&c| model.span(c)).collect();
    let outermost: Vec<ExprRef> = calls
        .iter()
        .zip(&spans)
        .filter(|(_, s)| !spans.iter().any(|o| o != *s && o.contains_span(**s)))
        .map(|(&c, _)| c)
        .collect();
    let [only] = outermost.as_slice() else { return false };
    let name = model.callee_name(*only).to_ascii_lowercase();
    name.starts_with("abort") || name.starts_with("cancel") || forgets(model, *only)
}

/// True when a call only forgets in-memory state: `this.tickets.delete(key)` or
/// `this.cache.clear()`. Eviction loses that state along with the timer, so the timer's loss
/// is harmless; an alarm would outlive the map it cleans.
fn forgets(model: &Model<'_>, call: ExprRef) -> bool {
    let Some(callee) = model.callee(call) else { return false };
    let Some(ExprKind::Member { object, property }) = model.expr(callee).map(|e| e.kind) else { return false };
    if !matches!(model.rel_text(callee.file, callee.unit, property), "delete" | "clear") {
        return false;
    }
    let object = ExprRef { id: object, ..callee };
    matches!(model.expr(object).map(|e| e.kind), Some(ExprKind::Member { object: inner, .. })
        if matches!(model.expr(ExprRef { id: inner, ..object }).map(|e| e.kind), Some(ExprKind::This)))
}

/// True when the timer's id is stored and cleared after it in the same unit (function or
/// member): `const t = setTimeout(...)` ... `clearTimeout(t)`.
fn cleared_later(model: &Model<'_>, call: ExprRef) -> bool {
    let Some(unit) = model.unit(call.file, call.unit) else { return false };
    let code = &unit.code;
    let at = |id: u32| ExprRef { id, ..call };
    // Where the id goes: a variable, or a property (`this.timer`).
    let mut holders: Vec<String> = Vec::new();
    let mut symbols = Vec::new();
    for (i, s) in code.symbols.iter().enumerate() {
        if s.init == Some(call.id) && code.path_of(s).is_empty() {
            symbols.push(crate::sema::SymbolRef { file: call.file, unit: call.unit, id: i as u32 });
        }
    }
    for &a in &code.assigns {
        let Some(ExprKind::Assign { target, value, .. }) = code.expr(a).map(|e| e.kind) else { continue };
        if value != call.id {
            continue;
        }
        match code.expr(target).map(|e| e.kind) {
            Some(ExprKind::Ident(_)) => {
                if let Some(Target::Symbol(s)) = model.resolve_ident(at(target)) {
                    symbols.push(s);
                }
            }
            Some(ExprKind::Member { .. }) => holders.push(model.expr_text(at(target)).to_owned()),
            _ => {}
        }
    }
    if symbols.is_empty() && holders.is_empty() {
        return false;
    }
    let after = model.span(call).end;
    code.functions.iter().flat_map(|f| code.ids(f.calls).iter()).any(|&c| {
        let clear = at(c);
        if model.span(clear).start < after || !matches!(model.callee_name(clear), "clearTimeout" | "clearInterval") {
            return false;
        }
        let Some(&arg) = model.call_args(clear).first() else { return false };
        match model.expr(arg).map(|e| e.kind) {
            Some(ExprKind::Ident(_)) => {
                matches!(model.resolve_ident(arg), Some(Target::Symbol(s)) if symbols.contains(&s))
            }
            Some(ExprKind::Member { .. }) => holders.iter().any(|h| h == model.expr_text(arg)),
            _ => false,
        }
    })
}

/// The fix that turns a timer of the class's own code into an alarm, where the result is
/// correct code: the timer is a statement of an async method (not nested in a callback), its
/// callback takes no parameters, and the callback and the delay use only names that mean the
/// same in `alarm()` (globals, module-level names, `this`, and their own locals).
fn alarm_fix(cx: &WorkerContext<'_>, class: &ClassRef, site: &Site<'_>, kind: TimerKind) -> Option<Fix> {
    if cx.ws.do_class_kind(class) != DoClassKind::DurableObject || site.function != site.member {
        return None;
    }
    let model = cx.model();
    let call = site.call;
    let path = model.path(call.file);
    let text = model.text(call.file);
    let unit = model.unit(call.file, call.unit)?;
    let member = model.function(site.member)?;
    if member.kind != FnKind::Method || !member.is_async {
        return None;
    }
    let statement = unit.code.statements.iter().find(|s| s.call == call.id && !s.awaited && s.block.is_some())?;
    let statement_span = statement.span.at(unit.start);
    let args = model.call_args(call);
    let [callback, delay] = args.as_slice() else { return None };
    let ExprKind::Function(f) = model.expr(*callback)?.kind else { return None };
    let callback_fn = unit.code.function(f)?;
    if callback_fn.params.len != 0 || !matches!(callback_fn.kind, FnKind::Arrow | FnKind::Expression) {
        return None;
    }
    let body = callback_fn.body?.at(unit.start);
    let (callback_span, delay_span) = (model.span(*callback), model.span(*delay));
    if !self_contained(model, call.file, call.unit, callback_span)
        || !self_contained(model, call.file, call.unit, delay_span)
    {
        return None;
    }
    let delay_text = text.get(delay_span.start..delay_span.end)?;
    // The alarm's statements.
    let body_text = text.get(body.start..body.end)?;
    let mut statements: Vec<String> = match body_text.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        Some(block) => dedent(block),
        None => vec![format!("await {body_text};")],
    };
    if kind == TimerKind::Interval {
        statements.push(format!("await this.ctx.storage.setAlarm(Date.now() + {delay_text});"));
    }
    let indent = line_indent(text, statement_span.start);
    let mut edits = vec![TextEdit {
        path: path.clone(),
        span: statement_span,
        new_text: format!("await this.ctx.storage.setAlarm(Date.now() + {delay_text});"),
    }];
    let member_span = model.function_span(site.member);
    let member_name = model.function_name(site.member).unwrap_or("");
    let member_indent = line_indent(text, member_span.start);
    let step = indent.strip_prefix(member_indent).filter(|s| !s.is_empty()).unwrap_or("  ");
    let class_fact = cx.ws.class(class)?;
    let title = if let Some((_, alarm)) = model.find_member(class, "alarm") {
        // Merge by hand: the callback goes into the existing alarm() as a commented-out TODO.
        let alarm_body = model.function(alarm)?.body?;
        let alarm_body = model.rel_span(alarm.file, alarm.unit, alarm_body);
        if alarm.file != call.file {
            return None;
        }
        let alarm_span = model.function_span(alarm);
        let inner = format!("{}{step}", line_indent(text, alarm_span.start));
        let mut comment = format!("\n{inner}// TODO: merge the callback of the timer replaced in `{member_name}()`:");
        for line in &statements {
            comment.push_str(&format!("\n{inner}// {line}"));
        }
        edits.push(TextEdit {
            path: path.clone(),
            span: Span::new(alarm_body.start + 1, alarm_body.start + 1),
            new_text: comment,
        });
        "Replace the timer with an alarm (merge the callback into the existing `alarm()` by hand)"
    } else {
        let signature = if is_typescript(path) { "async alarm(): Promise<void> {" } else { "async alarm() {" };
        let inner = format!("{member_indent}{step}");
        let mut method = signature.to_owned();
        for line in &statements {
            method.push_str(&format!("\n{inner}{line}"));
        }
        method.push_str(&format!("\n{member_indent}}}"));
        edits.push(append_member(path, text, class_fact, &method)?);
        "Replace the timer with an alarm and move the callback into `alarm()`"
    };
    Some(Fix { title: title.to_owned(), edits, preferred: true, applicability: Applicability::Suggestion })
}

/// True when every name the code at `span` uses means the same anywhere in the class: a
/// global, a module-level name of the file, or a name declared inside `span` itself.
fn self_contained(model: &Model<'_>, file: crate::sema::FileId, unit: u32, span: Span) -> bool {
    let Some(placed) = model.unit(file, unit) else { return false };
    placed.code.exprs.iter().enumerate().all(|(i, e)| {
        let ExprKind::Ident(res) = e.kind else { return true };
        if !span.contains_span(e.span.at(placed.start)) {
            return true;
        }
        match res {
            Res::Free => true,
            Res::Local(id) => {
                let _ = i;
                placed.code.symbol(id).is_some_and(|s| span.contains_span(s.name.at(placed.start)))
            }
        }
    })
}

/// The non-empty lines of a block's contents, with their common indentation removed.
fn dedent(block: &str) -> Vec<String> {
    let lines: Vec<&str> = block.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
    let common = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|l| l.get(common..).unwrap_or(l.trim_start()).to_owned()).collect()
}
