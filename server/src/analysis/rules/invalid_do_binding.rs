//! `invalid-do-binding`: `durable_objects` or one of its bindings has the wrong shape.
//!
//! Also home of the helpers the config shape rules share: walking the sections of the value
//! tree, reading keys with their spans, and matching misspelt keys to what they most likely mean.

use crate::platform::DO_BINDING_KEYS;
use std::sync::Arc;

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};
use crate::config::{Member, Value, ValueKind};
use crate::text::Span;

/// `invalid-do-binding` (error by default): a Durable Object binding, or `durable_objects` itself,
/// has the wrong shape.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidDoBinding,
    default_severity: Severity::Error,
    summary: "A Durable Object binding, or `durable_objects` itself, has the wrong shape",
    doc: r#"## What it does
Checks `durable_objects` at the top level and in every `env.<name>` section, as wrangler does:
`durable_objects` must be an object with a `bindings` array; each binding must be an object with
a string `name` and a string `class_name`; `script_name` and `environment` must be strings, and
`environment` needs `script_name`. Unknown keys in a binding are reported as warnings; a misspelt
key that stands for a missing one (`clas_name`) is an error and names the key it most likely means.

## Why
wrangler refuses such a config ("binding should have a string "class_name" field"), and a binding
it cannot read gives the Worker no `env.X` at all. A misspelt `script_name` silently turns a
binding to another Worker's class into a local one. The checks mirror wrangler's
`validateDurableObjectBinding` (workers-sdk, `packages/workers-utils/src/config/validation.ts`).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "clas_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
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

## Fix
A misspelt key (`clas_name`) is renamed to the key it most likely means. Until then durable-lsp
reads it as that key, so the one mistake is reported once: `env.X` uses of the binding and its
class are not reported as unknown or unbound too.
"#,
};

/// Reports shape problems of `durable_objects` in every section.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let text = config_text(cx);
    for section in sections(&cx.worker.config.root) {
        let Some(dobj) = member(section.value, "durable_objects") else { continue };
        let report = |out: &mut Vec<Finding>, span: Span, message: String| {
            cx.report(&META, cx.config_location(span), message).emit(out);
        };
        let ValueKind::Object(_) = &dobj.value.kind else {
            if !matches!(dobj.value.kind, ValueKind::Other) && !cx.config_broken_within(dobj.value.span) {
                let message = format!(
                    "`durable_objects` must be an object with a `bindings` array, but it is {}; wrangler refuses the config",
                    describe(&dobj.value)
                );
                report(out, head(&text, dobj.value.span), message);
            }
            continue;
        };
        let Some(bindings) = member(&dobj.value, "bindings") else {
            if cx.config_broken_within(dobj.value.span) {
                continue;
            }
            let message =
                "`durable_objects` has no `bindings` array: add one\nwrangler refuses the config, and the section declares no Durable Object.".to_string();
            report(out, dobj.key.span, message);
            continue;
        };
        let ValueKind::Array(items) = &bindings.value.kind else {
            if !matches!(bindings.value.kind, ValueKind::Other) && !cx.config_broken_within(bindings.value.span) {
                let message = format!(
                    "`durable_objects.bindings` must be an array of bindings, but it is {}; wrangler refuses the config",
                    describe(&bindings.value)
                );
                report(out, head(&text, bindings.value.span), message);
            }
            continue;
        };
        for binding in items {
            check_binding(cx, &text, binding, out);
        }
    }
}

/// Checks one `durable_objects.bindings` entry.
fn check_binding(cx: &WorkerContext<'_>, text: &str, binding: &Value, out: &mut Vec<Finding>) {
    let report = |out: &mut Vec<Finding>, severity: Severity, span: Span, message: String| {
        cx.report(&META, cx.config_location(span), message).severity(severity).emit(out);
    };
    if cx.config_broken_within(binding.span) {
        return;
    }
    let ValueKind::Object(members) = &binding.kind else {
        if !matches!(binding.kind, ValueKind::Other) {
            let message = format!(
                "A Durable Object binding must be an object `{{ name, class_name }}`, but this is {}",
                describe(binding)
            );
            report(out, Severity::Error, head(text, binding.span), message);
        }
        return;
    };
    let keys = check_keys(members, DO_BINDING_KEYS, &["name", "class_name"]);
    for stray in &keys.stray {
        let key = &stray.member.key.value;
        match stray.meant {
            Some(meant) => {
                let message = format!(
                    "`{key}` is no key of a Durable Object binding; did you mean `{meant}`?\nwrangler ignores it, so the binding has no `{meant}`."
                );
                let fixes = crate::analysis::config_fixes::ConfigSource::of(cx)
                    .map(|src| crate::analysis::config_fixes::misspelt_key(&src, &stray.member.key, &[meant]))
                    .unwrap_or_default();
                let location = cx.config_location(stray.member.key.span);
                cx.report(&META, location, message).severity(Severity::Error).fixes(fixes).emit(out);
            }
            None => {
                let message = format!(
                    "Unknown key `{key}` in a Durable Object binding: remove it\nwrangler ignores it; the keys of a binding are {}.",
                    list(DO_BINDING_KEYS)
                );
                report(out, Severity::Warning, stray.member.key.span, message);
            }
        }
    }
    if !keys.missing.is_empty() {
        let it = if keys.missing.len() == 1 { "it" } else { "them" };
        let missing = keys.missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ");
        let message = format!(
            "This Durable Object binding has no {missing}: add {it}\nwrangler requires a string `name` (the `env` property) and a string `class_name`."
        );
        report(out, Severity::Error, head(text, binding.span), message);
    }
    for key in ["name", "class_name", "script_name", "environment"] {
        if let Some(m) = member(binding, key) {
            if !matches!(m.value.kind, ValueKind::String(_) | ValueKind::Other) {
                let message =
                    format!("`{key}` of a Durable Object binding must be a string, but it is {}", describe(&m.value));
                report(out, Severity::Error, head(text, m.value.span), message);
            }
        }
    }
    if let Some(remote) = member(binding, "remote") {
        if !matches!(remote.value.kind, ValueKind::Bool(_) | ValueKind::Other) {
            let message = format!(
                "`remote` of a Durable Object binding must be `true` or `false`, but it is {}",
                describe(&remote.value)
            );
            report(out, Severity::Error, head(text, remote.value.span), message);
        }
    }
    let has_script =
        member(binding, "script_name").is_some() || keys.stray.iter().any(|s| s.meant == Some("script_name"));
    if let (Some(environment), false) = (member(binding, "environment"), has_script) {
        let message = "`environment` needs a `script_name` beside it: add the other Worker's name, or remove `environment`\n`environment` selects an environment of the Worker that `script_name` names; wrangler refuses it alone.".to_string();
        report(out, Severity::Error, environment.key.span, message);
    }
}

/// One section of the config's value tree: the top level, or an `env.<name>` object.
pub struct Section<'v> {
    /// The `env.<name>` member (`None`: the top level).
    pub env: Option<&'v Member>,
    /// The section's object.
    pub value: &'v Value,
}

/// The top level and every `env.<name>` section that is an object, in file order.
pub fn sections(root: &Value) -> Vec<Section<'_>> {
    let mut out = vec![Section { env: None, value: root }];
    if let Some(ValueKind::Object(envs)) = member(root, "env").map(|m| &m.value.kind) {
        out.extend(
            envs.iter()
                .filter(|m| matches!(m.value.kind, ValueKind::Object(_)))
                .map(|m| Section { env: Some(m), value: &m.value }),
        );
    }
    out
}

/// The member `key` of `obj` (the first, when duplicated); `None` when `obj` is not an object.
pub fn member<'v>(obj: &'v Value, key: &str) -> Option<&'v Member> {
    match &obj.kind {
        ValueKind::Object(members) => members.iter().find(|m| m.key.value == key),
        _ => None,
    }
}

/// A key that is not allowed where it stands.
pub struct StrayKey<'v> {
    /// The member.
    pub member: &'v Member,
    /// The absent allowed key it most likely means (a typo), if any.
    pub meant: Option<&'static str>,
}

/// The keys of an object checked against the allowed and required ones.
pub struct KeyCheck<'v> {
    /// Keys that are not allowed, in file order.
    pub stray: Vec<StrayKey<'v>>,
    /// Required keys that are absent and that no stray key stands for (so one typo is one
    /// finding, not also a "missing" one).
    pub missing: Vec<&'static str>,
}

/// Checks the keys of `members` against `allowed` and `required`.
pub fn check_keys<'v>(members: &'v [Member], allowed: &[&'static str], required: &[&'static str]) -> KeyCheck<'v> {
    let present = |k: &str| members.iter().any(|m| m.key.value == k);
    let absent: Vec<&'static str> = allowed.iter().copied().filter(|k| !present(k)).collect();
    let stray: Vec<StrayKey<'v>> = members
        .iter()
        .filter(|m| !allowed.contains(&m.key.value.as_str()))
        .map(|m| StrayKey { member: m, meant: crate::text::words::likely_meant(&m.key.value, &absent) })
        .collect();
    let missing =
        required.iter().copied().filter(|k| !present(k) && !stray.iter().any(|s| s.meant == Some(*k))).collect();
    KeyCheck { stray, missing }
}

/// `a string`, `a number`, `an array`, ... for messages.
pub fn describe(value: &Value) -> &'static str {
    match value.kind {
        ValueKind::String(_) => "a string",
        ValueKind::Number(_) => "a number",
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Null => "null",
        ValueKind::Array(_) => "an array",
        ValueKind::Object(_) => "an object",
        ValueKind::Other => "a value of another type",
    }
}

/// `` `a`, `b`, `c` `` for messages.
pub fn list(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

/// The config file's text (empty when the index has none).
pub fn config_text(cx: &WorkerContext<'_>) -> Arc<str> {
    cx.ws.text(cx.config_path()).unwrap_or_else(|| Arc::from(""))
}

/// The first line of `span` in `text` (a TOML table's header, an object's opening line), so a
/// finding about a whole entry does not underline many lines.
pub fn head(text: &str, span: Span) -> Span {
    let Some(body) = text.get(span.start..span.end) else { return span };
    let first = body.split(['\n', '\r']).next().unwrap_or(body).trim_end();
    if first.is_empty() {
        span
    } else {
        Span::new(span.start, span.start + first.len())
    }
}
