//! `invalid-export-entry`: an entry of the declarative `exports` map has the wrong shape.

use crate::analysis::config_fixes::{self, ConfigSource};
use crate::analysis::{closest, Finding, RuleMeta, Severity, WorkerContext};
use crate::config::{ConfigFormat, Member, Value, ValueKind};
use crate::platform::{
    is_identifier, names, EXPORT_DO_KEYS, EXPORT_STATES, EXPORT_STORAGES, EXPORT_TYPES, EXPORT_WORKER_KEYS,
};
use crate::text::{Span, Spanned};

use super::invalid_do_binding::{check_keys, config_text, describe, head, list, member, sections, KeyCheck};

/// `invalid-export-entry` (error by default): an `exports` entry has the wrong shape: type, state,
/// storage or keys.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidExportEntry,
    default_severity: Severity::Error,
    summary: "An `exports` entry has the wrong shape: type, state, storage or keys",
    doc: r#"## What it does
Checks every entry of the declarative `exports` map (wrangler >= 4.107), at the top level and in
every `env.<name>` section, as wrangler does:

- an entry is an object whose `type` is `durable-object`, `worker` or (wrangler >= 4.139)
  `workflow`;
- a `durable-object` entry's `state` is `created` (the default), `deleted`, `renamed`,
  `transferred` or `expecting-transfer`, and only the keys of that state are allowed:
  `storage` and `container` on `created`; `renamed_to` on `renamed`; `transferred_to` on
  `transferred`; `storage`, `transfer_from` and `container` on `expecting-transfer`;
- `storage` (`sqlite` or `legacy-kv`) is required on the live states (`created`,
  `expecting-transfer`); `renamed_to`, `transferred_to` and `transfer_from` are required on their
  states; `renamed_to` is a JavaScript identifier other than the entry's own key;
- `container` names a container, and only on SQLite entries (a container attached the other
  way, by a `containers[].class_name` naming a `legacy-kv` class, is reported by
  `container-on-kv-class`);
- a `worker` entry has only `type` and `cache: { enabled }`.

A misspelt key or value names the valid one it most likely means, and counts as that one: one
typo is one finding. `workflow` entries are accepted as they are.

## Why
wrangler refuses the config before deploying (`"exports.Room.storage" is required for state
"created"`, `"exports.Room.renamed_to" is forbidden on state "created"`); an entry it cannot read
gives the class no storage. The checks mirror wrangler's `validateExports` and
`validateDurableObjectExport` (workers-sdk, `packages/workers-utils/src/config/validation.ts`).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "exports": {
    "ChatRoom": { "type": "durable-object", "storgae": "sqlite" },
    "Lobby": { "type": "durable-object", "state": "deleted", "storage": "sqlite" }
  }
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
  "exports": {
    "ChatRoom": { "type": "durable-object", "storage": "sqlite" },
    "Lobby": { "type": "durable-object", "state": "deleted" }
  }
}
```

## Fix
None yet: the message names the valid key or value a misspelt one most likely means.
"#,
};

/// The keys allowed, and the keys required besides `type`, on each state (wrangler's
/// `validateDurableObjectExport`).
fn state_keys(state: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match state {
        "deleted" => (&["type", "state"], &[]),
        "renamed" => (&["type", "state", "renamed_to"], &["renamed_to"]),
        "transferred" => (&["type", "state", "transferred_to"], &["transferred_to"]),
        "expecting-transfer" => {
            (&["type", "state", "storage", "transfer_from", "container"], &["storage", "transfer_from"])
        }
        _ => (&["type", "state", "storage", "container"], &["storage"]),
    }
}

/// Reports shape problems of `exports` in every section.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let text = config_text(cx);
    for section in sections(&cx.worker.config.root) {
        let Some(exports) = member(section.value, "exports") else { continue };
        match &exports.value.kind {
            ValueKind::Object(entries) => {
                for entry in entries {
                    if !cx.config_broken_within(Span::new(entry.key.span.start, entry.value.span.end)) {
                        Entry { cx, text: &text, entry, out: &mut *out }.check();
                    }
                }
            }
            ValueKind::Other => {}
            _ if cx.config_broken_within(exports.value.span) => {}
            _ => {
                let mut message =
                    format!("`exports` must be an object keyed by class name, but it is {}", describe(&exports.value));
                if cx.worker.config.format == ConfigFormat::Toml && matches!(exports.value.kind, ValueKind::Array(_)) {
                    message.push_str(": write each entry as `[exports.ClassName]`");
                }
                message.push_str("\nwrangler refuses the config.");
                let span = head(&text, exports.value.span);
                cx.report(&META, cx.config_location(span), message).emit(out);
            }
        }
    }
}

/// One `exports` entry being checked.
struct Entry<'a, 'c> {
    cx: &'a WorkerContext<'c>,
    text: &'a str,
    entry: &'a Member,
    out: &'a mut Vec<Finding>,
}

impl<'a> Entry<'a, '_> {
    fn report(&mut self, severity: Severity, span: Span, message: String) {
        self.cx.report(&META, self.cx.config_location(span), message).severity(severity).emit(self.out);
    }

    /// Reports a misspelt value (`meant` is the closest valid one), offering to replace it.
    fn report_misspelt_value(&mut self, value: &Value, text: &str, valid: &[&str], message: String) {
        let spelt = Spanned::new(text.to_string(), value.span);
        let fixes =
            ConfigSource::of(self.cx).map(|src| config_fixes::misspelt_value(&src, &spelt, valid)).unwrap_or_default();
        let location = self.cx.config_location(value.span);
        self.cx.report(&META, location, message).fixes(fixes).severity(Severity::Error).emit(self.out);
    }

    /// Reports a misspelt key, offering to rename it to the closest of `valid`.
    fn report_misspelt_key(&mut self, key: &Spanned<String>, valid: &[&str], message: String) {
        let fixes =
            ConfigSource::of(self.cx).map(|src| config_fixes::misspelt_key(&src, key, valid)).unwrap_or_default();
        let location = self.cx.config_location(key.span);
        self.cx.report(&META, location, message).fixes(fixes).severity(Severity::Error).emit(self.out);
    }

    /// The entry's key, for messages.
    fn name(&self) -> &'a str {
        &self.entry.key.value
    }

    fn check(mut self) {
        if self.name().is_empty() {
            self.report(
                Severity::Error,
                self.entry.key.span,
                "An `exports` key cannot be empty: it names a class".into(),
            );
        }
        let value = &self.entry.value;
        let ValueKind::Object(members) = &value.kind else {
            if !matches!(value.kind, ValueKind::Other) {
                let message =
                    format!("`exports.{}` must be an object with a `type`, but it is {}", self.name(), describe(value));
                self.report(Severity::Error, head(self.text, value.span), message);
            }
            return;
        };
        let Some(kind) = self.check_enum(members, "type", &names(EXPORT_TYPES), EXPORT_DO_KEYS) else { return };
        match kind {
            "durable-object" => self.check_durable_object(members),
            "worker" => self.check_worker(members),
            // wrangler >= 4.139: the same settings as a `workflows` binding; not checked here.
            _ => {}
        }
    }

    /// Reads the enum-valued key `key` (or a misspelling of it that is no other known key):
    /// reports a missing key or an invalid value and returns the value it most likely means.
    fn check_enum(
        &mut self,
        members: &'a [Member],
        key: &'static str,
        valid: &[&'static str],
        known: &[&str],
    ) -> Option<&'static str> {
        let found = members.iter().find(|m| m.key.value == key).or_else(|| {
            members
                .iter()
                .find(|m| !known.contains(&m.key.value.as_str()) && closest(&m.key.value, [key].into_iter()).is_some())
        });
        let Some(found) = found else {
            if key == "state" {
                return Some("created");
            }
            let message = format!("`exports.{}` has no `{key}`: it must be one of {}", self.name(), list(valid));
            self.report(Severity::Error, self.entry.key.span, message);
            return None;
        };
        let ValueKind::String(value) = &found.value.kind else {
            if !matches!(found.value.kind, ValueKind::Other) {
                let message = format!("`{key}` must be one of {}, but it is {}", list(valid), describe(&found.value));
                self.report(Severity::Error, head(self.text, found.value.span), message);
            }
            return None;
        };
        if let Some(ok) = valid.iter().copied().find(|v| v == value) {
            return Some(ok);
        }
        let meant = closest(value, valid.iter().copied());
        match meant {
            Some(meant) => {
                let message = format!("Unknown {key} `{value}`; did you mean `{meant}`?");
                self.report_misspelt_value(&found.value, value, valid, message);
            }
            None => {
                let message = format!("Unknown {key} `{value}`: it must be one of {}", list(valid));
                self.report(Severity::Error, found.value.span, message);
            }
        }
        meant
    }

    /// The member `key`, or the stray key that most likely means it.
    fn find(members: &'a [Member], keys: &KeyCheck<'a>, key: &str) -> Option<&'a Member> {
        members
            .iter()
            .find(|m| m.key.value == key)
            .or_else(|| keys.stray.iter().find(|s| s.meant == Some(key)).map(|s| s.member))
    }

    fn check_durable_object(&mut self, members: &'a [Member]) {
        let Some(state) = self.check_enum(members, "state", &names(EXPORT_STATES), EXPORT_DO_KEYS) else { return };
        let (allowed, required) = state_keys(state);
        let keys = check_keys(members, allowed, required);
        for stray in &keys.stray {
            let key = &stray.member.key.value;
            let mut message = if EXPORT_DO_KEYS.contains(&key.as_str()) {
                format!("`{key}` is not allowed on state `{state}` (allowed: {})", list(allowed))
            } else {
                format!("`{key}` is no key of a Durable Object export")
            };
            match stray.meant {
                Some(meant) => {
                    message.push_str(&format!("; did you mean `{meant}`?"));
                    self.report_misspelt_key(&stray.member.key, &[meant], message);
                    continue;
                }
                None if !EXPORT_DO_KEYS.contains(&key.as_str()) => {
                    message.push_str(&format!(" on state `{state}` (allowed: {})", list(allowed)))
                }
                None => {}
            }
            self.report(Severity::Error, stray.member.key.span, message);
        }
        for missing in &keys.missing {
            let why = match *missing {
                "storage" => "a live Durable Object needs its storage backend, `\"sqlite\"` (or `\"legacy-kv\"`)",
                "renamed_to" => "it names the class that takes over the storage",
                "transferred_to" => "it names the Worker that receives the class",
                _ => "it names the Worker the class comes from",
            };
            let message = format!("`exports.{}` (state `{state}`) has no `{missing}`: {why}", self.name());
            self.report(Severity::Error, self.entry.key.span, message);
        }
        let storage = Self::find(members, &keys, "storage").filter(|_| allowed.contains(&"storage"));
        let mut storage_value = None;
        if let Some(storage) = storage {
            storage_value = self.check_value_in(storage, "storage", &names(EXPORT_STORAGES));
        }
        if let Some(renamed_to) = Self::find(members, &keys, "renamed_to").filter(|_| state == "renamed") {
            if let Some(to) = self.non_empty_string(renamed_to, "renamed_to") {
                if !is_identifier(to) {
                    let message = format!("`renamed_to` must name a class, but `{to}` is not a JavaScript identifier");
                    self.report(Severity::Error, renamed_to.value.span, message);
                } else if to == self.name() {
                    let message = format!("`renamed_to` cannot be the entry's own class `{to}`");
                    self.report(Severity::Error, renamed_to.value.span, message);
                }
            }
        }
        for key in ["transferred_to", "transfer_from"] {
            if let Some(m) = Self::find(members, &keys, key).filter(|_| allowed.contains(&key)) {
                self.non_empty_string(m, key);
            }
        }
        if let Some(container) = Self::find(members, &keys, "container").filter(|_| allowed.contains(&"container")) {
            if self.non_empty_string(container, "container").is_some() && storage_value == Some("legacy-kv") {
                let message = "`container` needs `storage: \"sqlite\"`: containers do not run on Durable Objects with legacy KV storage".to_string();
                self.report(Severity::Error, container.key.span, message);
            }
        }
    }

    /// Checks that `m` is one of `valid`; returns the value it most likely means.
    fn check_value_in(&mut self, m: &Member, key: &str, valid: &[&'static str]) -> Option<&'static str> {
        match &m.value.kind {
            ValueKind::String(s) => {
                if let Some(ok) = valid.iter().copied().find(|v| v == s) {
                    return Some(ok);
                }
                let meant = closest(s, valid.iter().copied());
                match meant {
                    Some(meant) => {
                        let message = format!("Unknown {key} `{s}`; did you mean `{meant}`?");
                        self.report_misspelt_value(&m.value, s, valid, message);
                    }
                    None => {
                        let message = format!("Unknown {key} `{s}`: it must be one of {}", list(valid));
                        self.report(Severity::Error, m.value.span, message);
                    }
                }
                meant
            }
            ValueKind::Other => None,
            _ => {
                let message = format!("`{key}` must be one of {}, but it is {}", list(valid), describe(&m.value));
                self.report(Severity::Error, head(self.text, m.value.span), message);
                None
            }
        }
    }

    /// The string value of `m`, reporting a value that is not a non-empty string.
    fn non_empty_string(&mut self, m: &'a Member, key: &str) -> Option<&'a str> {
        match &m.value.kind {
            ValueKind::String(s) if !s.is_empty() => Some(s),
            ValueKind::Other => None,
            _ => {
                let got = match &m.value.kind {
                    ValueKind::String(_) => "empty",
                    _ => describe(&m.value),
                };
                let message = format!("`{key}` must be a non-empty string, but it is {got}");
                self.report(Severity::Error, head(self.text, m.value.span), message);
                None
            }
        }
    }

    fn check_worker(&mut self, members: &'a [Member]) {
        let keys = check_keys(members, EXPORT_WORKER_KEYS, &[]);
        for stray in &keys.stray {
            let key = &stray.member.key.value;
            let (severity, message) = match stray.meant {
                Some(meant) => {
                    (Severity::Error, format!("`{key}` is no key of a worker export; did you mean `{meant}`?"))
                }
                None => (
                    Severity::Warning,
                    format!(
                        "Unknown key `{key}` in a worker export (allowed: {}); wrangler ignores it",
                        list(EXPORT_WORKER_KEYS)
                    ),
                ),
            };
            self.report(severity, stray.member.key.span, message);
        }
        let Some(cache) = Self::find(members, &keys, "cache") else { return };
        let ValueKind::Object(cache_members) = &cache.value.kind else {
            if !matches!(cache.value.kind, ValueKind::Other) {
                let message =
                    format!("`cache` must be an object `{{ enabled }}`, but it is {}", describe(&cache.value));
                self.report(Severity::Error, head(self.text, cache.value.span), message);
            }
            return;
        };
        let cache_keys = check_keys(cache_members, &["enabled"], &["enabled"]);
        for stray in &cache_keys.stray {
            let key = &stray.member.key.value;
            let (severity, message) = match stray.meant {
                Some(meant) => (Severity::Error, format!("`{key}` is no key of `cache`; did you mean `{meant}`?")),
                None => (Severity::Warning, format!("Unknown key `{key}` in `cache`, which only has `enabled`")),
            };
            self.report(severity, stray.member.key.span, message);
        }
        if !cache_keys.missing.is_empty() {
            let message = "`cache` has no `enabled`: wrangler requires `enabled = true` or `false`".to_string();
            self.report(Severity::Error, cache.key.span, message);
        }
        if let Some(enabled) = Self::find(cache_members, &cache_keys, "enabled") {
            if !matches!(enabled.value.kind, ValueKind::Bool(_) | ValueKind::Other) {
                let message = format!("`enabled` must be `true` or `false`, but it is {}", describe(&enabled.value));
                self.report(Severity::Error, head(self.text, enabled.value.span), message);
            }
        }
    }
}
