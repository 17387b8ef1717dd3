//! `set-timeout-in-durable-object`: timers inside a Durable Object class.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::TimerKind;
use crate::index::ClassRef;

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
```ts
export class Room extends DurableObject {
  async post(text: string) {
    setTimeout(() => this.flush(), 5_000);
  }
}
```

Use instead:
```ts
export class Room extends DurableObject {
  async post(text: string) {
    await this.ctx.storage.setAlarm(Date.now() + 5_000);
  }
  async alarm() {
    await this.flush();
  }
}
```

## Fix
Replace the timer with `await this.ctx.storage.setAlarm(Date.now() + delay)` and move the callback
body into `alarm()` (for `setInterval`, `alarm()` re-arms itself).
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
            cx.report(out, &META, Location { path: path.clone(), span: timer.callee }, message, Vec::new());
        }
    }
}
