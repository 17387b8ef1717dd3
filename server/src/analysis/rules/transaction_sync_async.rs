//! `transaction-sync-async`: an async callback passed to `transactionSync`.

use super::do_support::is_storage_call;
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::ArgValue;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "transaction-sync-async",
    default_severity: Severity::Error,
    summary: "The callback of storage.transactionSync() is async or awaits",
    doc: r#"## What it does
Reports a callback passed to `storage.transactionSync()` that is `async` or contains `await`.

## Why
`transactionSync` runs its callback synchronously and commits when it returns. An async callback
returns a promise at its first `await`: the transaction commits there, and the rest of the
callback runs outside it, so its writes are neither atomic nor rolled back on errors.

## Example
```ts
this.ctx.storage.transactionSync(async () => {
  const row = await this.load();
  this.ctx.storage.sql.exec("UPDATE t SET v = ?", row.v);
});
```

Use instead:
```ts
const row = await this.load();
this.ctx.storage.transactionSync(() => {
  this.ctx.storage.sql.exec("UPDATE t SET v = ?", row.v);
});
```

## Fix
None: the awaited work has to move before the transaction by hand.
"#,
};

/// Reports async `transactionSync` callbacks.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for path in cx.worker.files() {
        let Some(file) = cx.ws.source(path) else { continue };
        for call in file.facts.calls.calls.iter().filter(|c| is_storage_call(c, "transactionSync")) {
            let Some(ArgValue::Function { is_async, has_await, .. }) = call.args.first().map(|a| &a.value) else {
                continue;
            };
            let what = match (is_async, has_await) {
                (true, _) => "is `async`",
                (false, true) => "uses `await`",
                (false, false) => continue,
            };
            let message = format!(
                "The callback of `transactionSync` {what}: the transaction commits at the first `await` and the rest runs outside it"
            );
            cx.report(out, &META, Location { path: path.clone(), span: call.method.span }, message, Vec::new());
        }
    }
}
