//! `renamed-to-not-live`: an `exports` rename names no live entry of the same map.

use rustc_hash::FxHashSet;

use crate::analysis::{closest, Finding, Related, RuleMeta, Severity, WorkerContext};
use crate::config::{ExportEntry, ExportType};

use crate::platform::is_identifier;

/// `renamed-to-not-live` (error by default): an `exports` entry is renamed to a class that has no
/// live entry.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::RenamedToNotLive,
    default_severity: Severity::Error,
    summary: "An `exports` entry is renamed to a class that has no live entry",
    doc: r#"## What it does
For every `exports` entry with `state: "renamed"`, checks that its `renamed_to` names a live
`durable-object` entry of the same `exports` map (state `created`, the default, or
`expecting-transfer`), and reports the `renamed_to` value when it does not.

## Why
A rename hands the old class's objects and storage to the new class; the new class needs its own
live entry to exist at all. Without one the deploy is rejected, or the storage is left with no
class to reach it. A typo in `renamed_to`, or a target entry marked `deleted`, is the usual cause.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "exports": {
    "ChatRoom": { "type": "durable-object", "state": "renamed", "renamed_to": "Room" }
  }
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
  "exports": {
    "ChatRoom": { "type": "durable-object", "state": "renamed", "renamed_to": "Room" },
    "Room": { "type": "durable-object", "storage": "sqlite" }
  }
}
```

## Fix
None yet: add the live entry for the new class.
"#,
};

/// Reports renames whose target is not live in the same map, once per entry.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        let Some(exports) = view.env.exports else { continue };
        if cx.config_broken_within(exports.span) {
            continue;
        }
        for entry in &exports.entries {
            let is_rename =
                entry.kind == ExportType::DurableObject && entry.state.as_ref().is_some_and(|s| s.value == "renamed");
            let Some(to) = entry.renamed_to.as_ref().filter(|_| is_rename) else { continue };
            // A target that is no identifier, or the entry's own key, is `invalid-export-entry`'s to report.
            if !is_identifier(&to.value) || to.value == entry.key.value || !seen.insert(to.span) {
                continue;
            }
            let target = exports.entries.iter().find(|e| e.key.value == to.value);
            if target.is_some_and(is_live) {
                continue;
            }
            let (why, related) = match target {
                Some(t) => (
                    "its entry is not live: make it a live `durable-object` entry".to_string(),
                    vec![Related {
                        location: cx.config_location(t.key.span),
                        message: format!("entry `{}`", t.key.value),
                    }],
                ),
                None => {
                    let live = exports.entries.iter().filter(|e| is_live(e)).map(|e| e.key.value.as_str());
                    match closest(&to.value, live) {
                        Some(near) => (format!("`exports` has no entry for it; did you mean `{near}`?"), Vec::new()),
                        None => {
                            ("`exports` has no entry for it: add a live `durable-object` entry".to_string(), Vec::new())
                        }
                    }
                }
            };
            let message = format!(
                "`{}` is renamed to `{}`, but {why}\nThe renamed class needs a live `durable-object` entry (with its `storage`) to take over the objects.",
                entry.key.value, to.value
            );
            let fixes = crate::analysis::config_fixes::ConfigSource::of(cx)
                .map(|src| crate::analysis::config_fixes::renamed_to_not_live(&src, entry))
                .unwrap_or_default();
            cx.report(&META, cx.config_location(to.span), message).related(related).fixes(fixes).emit(out);
        }
    }
}

/// True when `entry` is, or most likely means, a live Durable Object entry: an entry whose `type`
/// or `state` is invalid still counts as what it most likely means (no cascade of findings).
fn is_live(entry: &ExportEntry) -> bool {
    let durable_object = matches!(entry.kind, ExportType::DurableObject | ExportType::Missing | ExportType::Unknown(_));
    let state = entry.state.as_ref().map_or("created", |s| s.value.as_str());
    durable_object && !matches!(state, "deleted" | "renamed" | "transferred")
}
