//! `class-not-exported`: a bound class exists but `main` does not export it.

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use rustc_hash::FxHashSet;

use crate::config::lifecycle::{EventKind, LifecycleModel};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "class-not-exported",
    default_severity: Severity::Error,
    summary: "A bound Durable Object class is not a named export of the main module",
    doc: r#"## What it does
Reports a local binding's `class_name` when that class is defined in the Worker's sources but the
`main` module does not export it by that name: neither directly (`export class X`), nor through
`export { X }`, `export { Y as X }`, `export { X } from "./m"`, `export * from "./m"` or chains of
these.

## Why
The runtime instantiates a Durable Object class by looking it up among the named exports of the
Worker's main module; `export default` is the fetch handler and never a DO class. wrangler fails
the bundle: "Your Worker depends on the following Durable Objects, which are not exported in your
entrypoint file: X."

The rule stays silent when it cannot know: `main` is build output or missing, `main` uses
CommonJS exports, or it re-exports everything from a package (`export * from "pkg"`).

## Example
```ts
// src/index.ts (main)
import { ChatRoom } from "./chat-room";
export default { fetch(req, env) { /* ... */ } };
```

Use instead:
```ts
export { ChatRoom } from "./chat-room";
export default { fetch(req, env) { /* ... */ } };
```

## Fix
Add `export` to the declaration when it is in `main`; otherwise add
`export { X } from "./path"` to `main`.
"#,
};

/// Reports bound classes, live `exports` entries and rename/transfer targets that exist in the
/// Worker's sources but are not exported by `main`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(exports) = &cx.main_exports else { return };
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        let bound = view
            .env
            .do_bindings()
            .iter()
            .filter(|b| b.is_local())
            .filter_map(|b| b.class_name.as_ref())
            .map(|c| (c, "bound"));
        let from_lifecycle = view.lifecycle.live_classes().filter_map(|class| {
            let created = class.created.as_ref()?;
            let needs_export = view.lifecycle.model == LifecycleModel::Exports
                || class
                    .history
                    .last()
                    .is_some_and(|e| matches!(e.kind, EventKind::RenamedFrom(_) | EventKind::TransferredIn { .. }));
            needs_export.then_some((created, "live"))
        });
        for (class, why) in bound.chain(from_lifecycle) {
            if !seen.insert(class.value.clone()) || !exports.surely_lacks(&class.value) {
                continue;
            }
            let Some(found) = cx.find_class(&class.value) else { continue };
            let mut related = Vec::new();
            if let Some(r) = cx.class_related(found, format!("class `{}` is declared here", class.value)) {
                related.push(r);
            }
            let message = format!(
                "Durable Object class `{}` is {why} but not exported by the main module; wrangler fails to bundle a Worker whose Durable Object classes are not named exports of `main`",
                class.value
            );
            cx.report(out, &META, cx.config_location(class.span), message, related);
        }
    }
}
