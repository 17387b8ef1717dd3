//! `transaction-sync-async`: an async callback passed to `transactionSync`.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::facts::code::ExprKind;
use crate::sema::{FnRef, Value};

/// `transaction-sync-async` (error by default): the callback of storage.transactionSync() is async
/// or awaits.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::TransactionSyncAsync,
    default_severity: Severity::Error,
    summary: "The callback of storage.transactionSync() is async or awaits",
    doc: r#"## What it does
Reports a callback passed to `storage.transactionSync()` that is `async` or contains `await`.

## Why
`transactionSync` runs its callback synchronously and commits when it returns. An async callback
returns a promise at its first `await`: the transaction commits there, and the rest of the
callback runs outside it, so its writes are neither atomic nor rolled back on errors.

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
  async rename(id: number) {
    this.ctx.storage.transactionSync(async () => {
      const name = await (await fetch(`https://names.example/${id}`)).text();
      this.ctx.storage.sql.exec("UPDATE users SET name = ? WHERE id = ?", name, id);
    });
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
  async rename(id: number) {
    const name = await (await fetch(`https://names.example/${id}`)).text();
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec("UPDATE users SET name = ? WHERE id = ?", name, id);
    });
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: the awaited work has to move before the transaction by hand.
"#,
};

/// Reports `transactionSync` callbacks that are async or await.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for &call in model.worker_calls().iter() {
        let Some((object, "transactionSync", method_span)) = model.method_call(call) else { continue };
        if !model.eval(object).all(|v| *v == Value::Storage) {
            continue;
        }
        let Some(&callback) = model.call_args(call).first() else { continue };
        let Some(ExprKind::Function(f)) = model.expr(callback).map(|e| e.kind) else { continue };
        let Some(function) = model.function(FnRef { file: callback.file, unit: callback.unit, id: f }) else {
            continue;
        };
        let what = match (function.is_async, function.awaits) {
            (true, _) => "is `async`",
            (false, true) => "uses `await`",
            (false, false) => continue,
        };
        let message = format!(
            "The callback of `transactionSync` {what}: make it synchronous\nThe transaction commits at the first `await`, and the rest runs outside it."
        );
        cx.report(&META, Location { path: model.path(call.file).clone(), span: method_span }, message).emit(out);
    }
}
