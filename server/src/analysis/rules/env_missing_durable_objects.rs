//! `env-missing-durable-objects`: an `env.<name>` section lacks DO bindings of the top level.

use crate::analysis::{Finding, Related, RuleMeta, Severity, WorkerContext};
use crate::config::ValueKind;
use crate::text::Span;

use super::invalid_do_binding::{member, sections};

/// `env-missing-durable-objects` (warning by default): an environment lacks Durable Object bindings
/// of the top level (they are not inherited).
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::EnvMissingDurableObjects,
    default_severity: Severity::Warning,
    summary: "An environment lacks Durable Object bindings of the top level (they are not inherited)",
    doc: r#"## What it does
When the top level declares Durable Object bindings, reports each `env.<name>` section that lacks
some of them (by binding name), on the environment's key, listing the missing names. A section
without `durable_objects` lacks all of them.

## Why
`durable_objects`, like every binding, is not inherited by environments: deploying with
`--env staging` gives a Worker whose `env.CHAT_ROOM` is `undefined`, and the first request that
uses it fails. wrangler warns about the same ("The following bindings are at the top level, but
not on "env.staging""; `notInheritable` and `validateBindingsProperty` in workers-sdk,
`packages/workers-utils/src/config/`).

## Example
```toml
# wrangler.toml
name = "chat"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "CHAT_ROOM"
class_name = "ChatRoom"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]

[env.staging]
vars = { STAGE = "staging" }
```
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

Use instead:
```toml
# wrangler.toml
name = "chat"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "CHAT_ROOM"
class_name = "ChatRoom"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]

[env.staging]
vars = { STAGE = "staging" }
durable_objects.bindings = [{ name = "CHAT_ROOM", class_name = "ChatRoom" }]
```

## Fix
None yet: copy the missing bindings into the environment's section.
"#,
};

/// Reports environments that lack some top-level DO bindings.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let config = &cx.worker.config;
    let Some(top) = config.top.durable_objects.as_ref() else { return };
    let top_bindings: Vec<_> = top.bindings.iter().filter_map(|b| b.name.as_ref().map(|n| (n, b.span))).collect();
    // A top-level binding with a misspelt key: which bindings an env must repeat is not known.
    let in_doubt = top.bindings.iter().any(|b| match &b.name {
        Some(name) => config.is_in_doubt(&name.value),
        None => config.binding_names_in_doubt,
    });
    if top_bindings.is_empty() || in_doubt || cx.config_broken_within(top.span) {
        return;
    }
    for section in sections(&config.root) {
        let Some(env_member) = section.env else { continue };
        // A malformed `durable_objects` is `invalid-do-binding`'s to report.
        if let Some(dobj) = member(section.value, "durable_objects") {
            let bindings = member(&dobj.value, "bindings").map(|b| &b.value.kind);
            let well_formed = matches!(bindings, Some(ValueKind::Array(items))
                if items.iter().all(|b| member(b, "name").is_some_and(|n| matches!(n.value.kind, ValueKind::String(_)))));
            if !well_formed {
                continue;
            }
        }
        if cx.config_broken_within(Span::new(env_member.key.span.start, env_member.value.span.end)) {
            continue;
        }
        let Some(env) = config.envs.iter().find(|e| e.name.span == env_member.key.span) else { continue };
        let own = env.config.durable_objects.as_ref().map_or(&[][..], |d| &d.bindings[..]);
        let missing: Vec<_> = top_bindings
            .iter()
            .filter(|(name, _)| !own.iter().any(|b| b.name.as_ref().is_some_and(|n| n.value == name.value)))
            // An env binding with a misspelt key may be this one (`nam: "LOBBY"`).
            .filter(|(name, _)| !config.is_in_doubt(&name.value))
            .collect();
        // At most three names on the first line; the related notes list them all.
        let mut names = missing.iter().take(3).map(|(n, _)| format!("`{}`", n.value)).collect::<Vec<_>>().join(", ");
        if missing.len() > 3 {
            names.push_str(&format!(" and {} more", missing.len() - 3));
        }
        let (what, it, example) = match missing.as_slice() {
            [(one, _)] => (format!("binding {names}"), "it", one.value.clone()),
            [(first, _), ..] => (format!("bindings {names}"), "them", first.value.clone()),
            [] => continue,
        };
        let env_name = &env.name.value;
        let message = format!(
            "env.{env_name} lacks the top-level Durable Object {what}: repeat {it} in env.{env_name}\n`durable_objects` is not inherited, so `env.{example}` is undefined when deployed with `--env {env_name}`."
        );
        let related = missing
            .iter()
            .map(|(n, span)| Related {
                location: cx.config_location(*span),
                message: format!("top-level binding `{}`", n.value),
            })
            .collect();
        let fixes = crate::analysis::config_fixes::ConfigSource::of(cx)
            .map(|src| crate::analysis::config_fixes::env_missing_durable_objects(&src, &env.name.value))
            .unwrap_or_default();
        cx.report(&META, cx.config_location(env.name.span), message).related(related).fixes(fixes).emit(out);
    }
}
