//! `invalid-migration-sequence`: a migration step does not fit the classes live before it.

use rustc_hash::FxHashSet;

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};

/// `invalid-migration-sequence` (error by default): a migration step creates, renames or deletes a
/// class against the state before it.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidMigrationSequence,
    default_severity: Severity::Error,
    summary: "A migration step creates, renames or deletes a class against the state before it",
    doc: r#"## What it does
Replays each resolved environment's `migrations` in order (create adds a class, rename moves it,
delete and transfer-away remove it) and reports a step that does not fit the state before it:
creating a class that is already live, renaming or deleting a class that is not live, renaming or
transferring onto a class that is live. Each problem is reported once, however many environments
inherit the same `migrations`.

After a bad step the replay goes on as the step most likely means, so one mistake is one finding.

## Why
Cloudflare applies the steps in order and rejects one that does not fit: the deploy fails. Usually
a step was edited after it was deployed, or a class name was misspelt in a later step.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom"] },
    { "tag": "v2", "renamed_classes": [{ "from": "Chatroom", "to": "Room" }] }
  ]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Room extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom"] },
    { "tag": "v2", "renamed_classes": [{ "from": "ChatRoom", "to": "Room" }] }
  ]
}
```

## Fix
None: correct the step (steps already deployed must not change; add a new step instead).
"#,
};

/// Reports each sequence error once.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        for error in &view.lifecycle.sequence_errors {
            if !seen.insert(error.span) || cx.config_broken_within(error.span) {
                continue;
            }
            let step = view
                .env
                .migrations
                .and_then(|m| m.steps.iter().find(|s| s.span.contains_span(error.span)))
                .and_then(|s| s.tag.as_ref());
            let message = match step {
                Some(tag) => format!("In migration `{}`, {}\nThis step fails when deployed.", tag.value, error.message),
                None => format!("{}\nThis step fails when deployed.", capitalize(&error.message)),
            };
            cx.report(&META, cx.config_location(error.span), message).about(&error.class).emit(out);
        }
    }
}

/// `text` with its first letter in upper case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
