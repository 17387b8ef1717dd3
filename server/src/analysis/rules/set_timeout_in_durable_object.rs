//! `set-timeout-in-durable-object`: timers inside a Durable Object class.

use std::path::PathBuf;
use std::sync::Arc;

use super::do_support::{append_member, defines_member, is_typescript, line_indent};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::{ArgValue, CallFact, FileFacts, TimerCall, TimerKind};
use crate::index::{ClassRef, DoClassKind, SourceFile};
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "set-timeout-in-durable-object",
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
guard), or `setTimeout(fn, 0)` (a yield to the event loop). The request that runs them keeps the
object awake anyway, and an alarm could not replace them.

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

Offered only where the result is correct code: the timer is a statement of its own directly in
an `async` method of a class extending `DurableObject`, it is the class's only timer, and neither
the callback nor the delay uses the method's parameters or local variables (the alarm runs in
another invocation, where they do not exist).
"#,
};

/// Reports timers whose innermost enclosing class is a DO class.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for path in cx.worker.files() {
        let Some(file) = cx.ws.source(path) else { continue };
        for timer in &file.facts.timers {
            let Some(index) = timer.enclosing_class.filter(|_| !timer.transient) else { continue };
            let class = ClassRef { file: path.clone(), index };
            if !cx.is_do_class(&class) {
                continue;
            }
            let name = cx.ws.class(&class).map(|c| c.name.value.as_str()).unwrap_or("this class");
            let (timer_name, advice) = match timer.kind {
                TimerKind::Timeout => {
                    ("setTimeout", "schedule an alarm with `ctx.storage.setAlarm()` and do the work in `alarm()`")
                }
                TimerKind::Interval => {
                    ("setInterval", "schedule an alarm with `ctx.storage.setAlarm()` and re-arm it from `alarm()`")
                }
            };
            let message = format!(
                "`{timer_name}` in Durable Object `{name}` keeps the object awake and does not survive eviction or hibernation; {advice}"
            );
            let fixes = alarm_fix(cx, path, file, &class, timer).into_iter().collect();
            cx.report_with_fixes(
                out,
                &META,
                Location { path: path.clone(), span: timer.callee },
                message,
                Vec::new(),
                fixes,
            );
        }
    }
}

/// Names a callback moved into `alarm()` may use without checks (globals and keywords).
const ALLOWED_NAMES: &[&str] = &[
    "this",
    "await",
    "async",
    "const",
    "let",
    "var",
    "return",
    "if",
    "else",
    "for",
    "of",
    "in",
    "new",
    "typeof",
    "void",
    "true",
    "false",
    "null",
    "undefined",
    "try",
    "catch",
    "finally",
    "throw",
    "while",
    "do",
    "break",
    "continue",
    "as",
    "Date",
    "Math",
    "JSON",
    "console",
    "Promise",
    "Object",
    "Array",
    "Number",
    "String",
    "Boolean",
    "Error",
    "Map",
    "Set",
    "crypto",
    "fetch",
    "Response",
    "Request",
    "URL",
];

/// The fix that turns `timer` into an alarm, where the result is correct code.
fn alarm_fix(
    cx: &WorkerContext<'_>,
    path: &Arc<PathBuf>,
    file: &SourceFile,
    class: &ClassRef,
    timer: &TimerCall,
) -> Option<Fix> {
    if cx.ws.do_class_kind(class) != DoClassKind::DurableObject {
        return None;
    }
    let facts = &file.facts;
    let text = &*file.text;
    // The class's only timer.
    if facts.timers.iter().filter(|t| t.enclosing_class == Some(class.index)).count() != 1 {
        return None;
    }
    let call: &CallFact = facts.calls.calls.iter().find(|c| c.span == timer.span)?;
    let class_fact = cx.ws.class(class)?;
    let member = class_fact.members.get(call.member?)?;
    let statement = call.statement.filter(|s| s.block.is_some() && !s.awaited)?;
    if call.function != Some(member.span) || !call.function_is_async || call.args.len() != 2 {
        return None;
    }
    let (callback, delay) = (call.args.first()?, call.args.get(1)?);
    let ArgValue::Function { body, .. } = callback.value else { return None };
    // No parameters: `() =>` / `async () =>` / `function () {`.
    let head = text.get(callback.span.start..body.start)?;
    if !head.contains("()") {
        return None;
    }
    let delay_text = text.get(delay.span.start..delay.span.end)?;
    if !self_contained(facts, text, callback.span) || !self_contained(facts, text, delay.span) {
        return None;
    }
    // The alarm's statements.
    let body_text = text.get(body.start..body.end)?;
    let mut statements: Vec<String> = match body_text.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        Some(block) => dedent(block),
        None => vec![format!("await {body_text};")],
    };
    if timer.kind == TimerKind::Interval {
        statements.push(format!("await this.ctx.storage.setAlarm(Date.now() + {delay_text});"));
    }
    let indent = line_indent(text, statement.span.start);
    let mut edits = vec![TextEdit {
        path: path.clone(),
        span: statement.span,
        new_text: format!("await this.ctx.storage.setAlarm(Date.now() + {delay_text});"),
    }];
    let member_indent = line_indent(text, member.span.start);
    let step = indent.strip_prefix(member_indent).filter(|s| !s.is_empty()).unwrap_or("  ");
    let title = if defines_member(cx, class, "alarm") {
        // Merge by hand: the callback goes into the existing alarm() as a commented-out TODO.
        let alarm = facts.calls.bodies.iter().find(|b| {
            b.class == class.index && class_fact.members.get(b.member).is_some_and(|m| m.name.value == "alarm")
        })?;
        let alarm_member = class_fact.members.iter().find(|m| m.name.value == "alarm")?;
        let inner = format!("{}{step}", line_indent(text, alarm_member.span.start));
        let mut comment =
            format!("\n{inner}// TODO: merge the callback of the timer replaced in `{}()`:", member.name.value);
        for line in &statements {
            comment.push_str(&format!("\n{inner}// {line}"));
        }
        edits.push(TextEdit {
            path: path.clone(),
            span: Span::new(alarm.body.start + 1, alarm.body.start + 1),
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

/// True when every name `code` (at `span`) uses is a global, an import, a module-level
/// variable or class, or declared inside `span` itself: nothing depends on the method's scope.
fn self_contained(facts: &FileFacts, text: &str, span: Span) -> bool {
    let Some(code) = text.get(span.start..span.end) else { return false };
    // The file's own scope starts at its first byte and runs to its end.
    let file_scope = |scope: Span| scope.start == 0 && text.get(scope.end..).is_some_and(|rest| rest.trim().is_empty());
    let module_level = |name: &str| {
        facts.imports.iter().any(|i| i.names.iter().any(|n| n.local.value == name))
            || facts.classes.iter().any(|c| c.name.value == name)
            || facts.calls.variables.iter().any(|v| v.name == name && file_scope(v.scope))
    };
    let declared_inside =
        |name: &str| facts.calls.variables.iter().any(|v| v.name == name && span.contains_span(v.scope));
    identifiers(code)
        .into_iter()
        .all(|name| ALLOWED_NAMES.contains(&name) || module_level(name) || declared_inside(name))
}

/// The identifiers of `code` that are not property names (`x` in `x.y`, not `y`), string
/// literals skipped.
fn identifiers(code: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            let before = code[..start].trim_end();
            if !before.ends_with('.') || before.ends_with("...") {
                names.push(&code[start..i]);
            }
        } else if c == b'\'' || c == b'"' {
            // A string literal: its words are no names. (Template literals are read as code,
            // which can only make the check stricter.)
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    names
}

/// The non-empty lines of a block's contents, with their common indentation removed.
fn dedent(block: &str) -> Vec<String> {
    let lines: Vec<&str> = block.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
    let common = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|l| l.get(common..).unwrap_or(l.trim_start()).to_owned()).collect()
}
