//! `deleted-class-still-exported`: a class whose lifecycle ends in delete is still exported.

use rustc_hash::FxHashSet;

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::config::{ClassState, EventKind};
use crate::index::ExportTarget;

/// `deleted-class-still-exported` (warning by default): a deleted Durable Object class is still
/// exported by the main module.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::DeletedClassStillExported,
    default_severity: Severity::Warning,
    summary: "A deleted Durable Object class is still exported by the main module",
    doc: r#"## What it does
Reports a class whose lifecycle ends in a delete (`deleted_classes` in the last migration that
touches it, or an `exports` entry with `state: "deleted"`) while the Worker's `main` module still
exports a class of that name. Reported on the delete, once per delete.

It stays silent when `main` was not found or may export more than the index can see (CommonJS,
`export *` from a package).

## Why
Deleting a class destroys its objects and their storage; the platform rejects a deploy that
deletes a class the Worker still exports. Either the delete is a mistake (and would destroy data
the code still uses), or the export is left over.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom", "Lobby"] },
    { "tag": "v2", "deleted_classes": ["Lobby"] }
  ]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}
export class Lobby extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead: remove the class and its export along with the delete step (or drop the step if it has not been deployed):
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: which side is wrong needs a human.
"#,
};

/// Reports deletes of classes that `main` still exports.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(exports) = cx.main_exports.as_ref().filter(|e| !e.open_ended) else { return };
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        for class in &view.lifecycle.classes {
            let Some(delete) = class.history.last().filter(|e| e.kind == EventKind::Deleted) else { continue };
            if class.state != ClassState::Deleted || !seen.insert(delete.span) || cx.config_broken_within(delete.span) {
                continue;
            }
            let related = match exports.names.get(&class.name) {
                None | Some(ExportTarget::Missing) => continue,
                Some(ExportTarget::Class { file, class: index }) => {
                    let class_ref = crate::index::ClassRef { file: file.clone(), index: *index };
                    cx.class_related(&class_ref, format!("class `{}`, still exported", class.name))
                        .into_iter()
                        .collect()
                }
                Some(_) => Vec::new(),
            };
            let where_ = if view.env.name.is_some() { format!(" in {}", view.label()) } else { String::new() };
            let message = format!(
                "`{}` is deleted{where_} but still exported by the main module: remove the export, or the delete if in use\nThe platform rejects deleting a class the Worker still exports.",
                class.name
            );
            cx.report(&META, cx.config_location(delete.span), message).about(&class.name).related(related).emit(out);
        }
    }
}
