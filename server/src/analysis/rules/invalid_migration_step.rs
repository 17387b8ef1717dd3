//! `invalid-migration-step`: `migrations` or one of its steps has the wrong shape.

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::config::{ConfigFormat, Value, ValueKind};
use crate::platform::MIGRATION_STEP_KEYS;
use crate::text::Span;

use super::invalid_do_binding::{check_keys, config_text, describe, head, list, member, sections};

/// `invalid-migration-step` (error by default): `migrations`, or one of its steps, has the wrong
/// shape.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidMigrationStep,
    default_severity: Severity::Error,
    summary: "`migrations`, or one of its steps, has the wrong shape",
    doc: r#"## What it does
Checks `migrations` at the top level and in every `env.<name>` section, as wrangler does:
`migrations` must be an array of steps; each step needs a string `tag`; `new_sqlite_classes`,
`new_classes` and `deleted_classes` must be arrays of class names; `renamed_classes` entries must
be `{ from, to }` and `transferred_classes` entries `{ from, from_script, to }`, all strings.

Unknown keys in a step are reported too: as an error when they most likely misspell a step key
(`new_sqlite_class`), since the step then silently does nothing, else as a warning.

## Why
wrangler refuses such a config ("Expected "migrations[0].renamed_classes" to be an array of
"{from: string, to: string}" objects"), and ignores unknown keys, so a misspelt key leaves the
class without storage. A common TOML slip is `[migrations]` (one table) instead of
`[[migrations]]` (an array of tables). The checks mirror wrangler's `validateMigrations`
(workers-sdk, `packages/workers-utils/src/config/validation.ts`).

## Example
```toml
# wrangler.toml
name = "chat"
main = "src/index.ts"
compatibility_date = "2026-11-01"

[[durable_objects.bindings]]
name = "CHAT_ROOM"
class_name = "ChatRoom"

[migrations]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]
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
```

## Fix
None yet: the message names the key a misspelt one most likely means.
"#,
};

/// Reports shape problems of `migrations` in every section.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let text = config_text(cx);
    let toml = cx.worker.config.format == ConfigFormat::Toml;
    for section in sections(&cx.worker.config.root) {
        let Some(migrations) = member(section.value, "migrations") else { continue };
        let steps = match &migrations.value.kind {
            ValueKind::Array(steps) => steps,
            _ if cx.config_broken_within(migrations.value.span) => continue,
            ValueKind::Other => continue,
            ValueKind::Object(_) if toml => {
                let message = "`migrations` must be an array of steps, but `[migrations]` is a single table; write each step as `[[migrations]]`".to_string();
                report(cx, out, Severity::Error, head(&text, migrations.value.span), message);
                continue;
            }
            _ => {
                let message = format!(
                    "`migrations` must be an array of steps, but it is {}; wrangler refuses the config",
                    describe(&migrations.value)
                );
                report(cx, out, Severity::Error, head(&text, migrations.value.span), message);
                continue;
            }
        };
        for step in steps {
            check_step(cx, &text, step, out);
        }
    }
}

/// Reports one finding.
fn report(cx: &WorkerContext<'_>, out: &mut Vec<Finding>, severity: Severity, span: Span, message: String) {
    cx.report(&META, cx.config_location(span), message).severity(severity).emit(out);
}

/// Checks one step.
fn check_step(cx: &WorkerContext<'_>, text: &str, step: &Value, out: &mut Vec<Finding>) {
    if cx.config_broken_within(step.span) {
        return;
    }
    let ValueKind::Object(members) = &step.kind else {
        if !matches!(step.kind, ValueKind::Other) {
            let message = format!("A migration step must be an object with a `tag`, but this is {}", describe(step));
            report(cx, out, Severity::Error, head(text, step.span), message);
        }
        return;
    };
    let keys = check_keys(members, MIGRATION_STEP_KEYS, &["tag"]);
    for stray in &keys.stray {
        let key = &stray.member.key.value;
        let (severity, message) = match stray.meant {
            Some(meant) => (
                Severity::Error,
                format!("`{key}` is no key of a migration step; did you mean `{meant}`?\nwrangler ignores it, so the step does not do what it says."),
            ),
            None => (
                Severity::Warning,
                format!(
                    "Unknown key `{key}` in a migration step: remove it\nwrangler ignores it; the keys of a step are {}.",
                    list(MIGRATION_STEP_KEYS)
                ),
            ),
        };
        report(cx, out, severity, stray.member.key.span, message);
    }
    if !keys.missing.is_empty() {
        let message = "This migration step has no `tag`: add a string `tag` no other step uses\nwrangler requires a unique tag on every step, to know which steps were applied.".to_string();
        report(cx, out, Severity::Error, head(text, step.span), message);
    }
    if let Some(tag) = member(step, "tag") {
        if !matches!(tag.value.kind, ValueKind::String(_) | ValueKind::Other) {
            let message = format!("`tag` must be a string, but it is {}", describe(&tag.value));
            report(cx, out, Severity::Error, head(text, tag.value.span), message);
        }
    }
    for key in ["new_sqlite_classes", "new_classes", "deleted_classes"] {
        let Some(classes) = member(step, key) else { continue };
        match &classes.value.kind {
            ValueKind::Array(items) => {
                for item in items.iter().filter(|i| !matches!(i.kind, ValueKind::String(_) | ValueKind::Other)) {
                    let message =
                        format!("`{key}` must list class names as strings, but this item is {}", describe(item));
                    report(cx, out, Severity::Error, head(text, item.span), message);
                }
            }
            ValueKind::Other => {}
            _ => {
                let message =
                    format!("`{key}` must be an array of class names, but it is {}", describe(&classes.value));
                report(cx, out, Severity::Error, head(text, classes.value.span), message);
            }
        }
    }
    check_entries(cx, text, step, "renamed_classes", &["from", "to"], out);
    check_entries(cx, text, step, "transferred_classes", &["from", "from_script", "to"], out);
}

/// Checks the `{...}` entries of `key` (`renamed_classes`, `transferred_classes`): objects whose
/// `fields` are all strings.
fn check_entries(
    cx: &WorkerContext<'_>,
    text: &str,
    step: &Value,
    key: &str,
    fields: &[&'static str],
    out: &mut Vec<Finding>,
) {
    let Some(entries) = member(step, key) else { return };
    let shape = format!("{{ {} }}", fields.join(", "));
    let items = match &entries.value.kind {
        ValueKind::Array(items) => items,
        ValueKind::Other => return,
        _ => {
            let message =
                format!("`{key}` must be an array of `{shape}` objects, but it is {}", describe(&entries.value));
            report(cx, out, Severity::Error, head(text, entries.value.span), message);
            return;
        }
    };
    for item in items {
        let ValueKind::Object(members) = &item.kind else {
            if !matches!(item.kind, ValueKind::Other) {
                let message = format!("Each `{key}` entry must be a `{shape}` object, but this is {}", describe(item));
                report(cx, out, Severity::Error, head(text, item.span), message);
            }
            continue;
        };
        let keys = check_keys(members, fields, fields);
        for stray in &keys.stray {
            let name = &stray.member.key.value;
            let (severity, message) = match stray.meant {
                Some(meant) => (
                    Severity::Error,
                    format!("`{name}` is no key of a `{key}` entry; did you mean `{meant}`? An entry is `{shape}`"),
                ),
                None => (Severity::Warning, format!("Unknown key `{name}` in a `{key}` entry, which is `{shape}`")),
            };
            report(cx, out, severity, stray.member.key.span, message);
        }
        if !keys.missing.is_empty() {
            let message = format!("This `{key}` entry has no {}: an entry is `{shape}`", list(&keys.missing));
            report(cx, out, Severity::Error, head(text, item.span), message);
        }
        for field in fields {
            let Some(m) = member(item, field) else { continue };
            if !matches!(m.value.kind, ValueKind::String(_) | ValueKind::Other) {
                let message = format!("`{field}` must be a string, but it is {}", describe(&m.value));
                report(cx, out, Severity::Error, head(text, m.value.span), message);
            }
        }
    }
}
