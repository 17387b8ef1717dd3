//! `duplicate-migration-tag`: two migration steps share a `tag`.

use rustc_hash::FxHashSet;

use crate::analysis::{Finding, Related, RuleMeta, Severity, WorkerContext};

/// `duplicate-migration-tag` (error by default): two migration steps share a `tag`.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::DuplicateMigrationTag,
    default_severity: Severity::Error,
    summary: "Two migration steps share a `tag`",
    doc: r#"## What it does
Reports a migration step whose `tag` an earlier step of the same `migrations` array already
uses, at the top level and in every environment that declares its own `migrations`.

## Why
The tag is how wrangler knows which steps a Worker has already applied: the deployed Worker
records the last applied tag, and wrangler uploads the steps after the first step with that tag
(`getMigrationsToUpload` in workers-sdk, `packages/deploy-helpers/src/deploy/helpers/durable.ts`).
With a duplicated tag it re-applies steps that were already applied, and creating a class that
exists fails the deploy. A copied step whose tag was not bumped is the usual cause.

## Example
```toml
# wrangler.toml
name = "chat"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "CHAT_ROOM"
class_name = "ChatRoom"

[[durable_objects.bindings]]
name = "LOBBY"
class_name = "Lobby"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Lobby"]
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

Use instead:
```toml
# wrangler.toml
name = "chat"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "CHAT_ROOM"
class_name = "ChatRoom"

[[durable_objects.bindings]]
name = "LOBBY"
class_name = "Lobby"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]

[[migrations]]
tag = "v2"
new_sqlite_classes = ["Lobby"]
```

## Fix
None: give the later step a new tag (only if it has not been deployed under the old one).
"#,
};

/// Reports each duplicate tag once, however many environments inherit it.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        for (first, duplicate) in &view.lifecycle.duplicate_tags {
            if !seen.insert(duplicate.span) || cx.config_broken_within(duplicate.span) {
                continue;
            }
            let message = format!(
                "Migration tag `{}` is already used by an earlier step: give this step a tag of its own\nTags must be unique: they record which steps were applied.",
                duplicate.value
            );
            let related = vec![Related {
                location: cx.config_location(first.span),
                message: format!("`{}` first used here", first.value),
            }];
            cx.report(&META, cx.config_location(duplicate.span), message).related(related).emit(out);
        }
    }
}
