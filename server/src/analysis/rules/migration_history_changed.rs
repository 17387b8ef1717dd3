//! `migration-history-changed`: a committed migration step, or a committed `exports` entry's
//! storage, is edited or removed in the working tree.

use std::sync::Arc;

use crate::analysis::{Applicability, Finding, Fix, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::config::{EnvConfig, ExportEntry, ExportType, MigrationStep, WorkerConfig};
use crate::index::Baseline;
use crate::text::lines::indent_before;
use crate::text::Span;

/// `migration-history-changed` (error by default): a committed migration step or `exports` storage
/// is edited or removed.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::MigrationHistoryChanged,
    default_severity: Severity::Error,
    summary: "A committed migration step or `exports` storage is edited or removed",
    doc: r#"## What it does
Compares each config with the same file as committed at git `HEAD` (under
`check --changed BASE`, at the merge base) and reports, per section (the top level and each
`env`):

- a committed migration step whose tag is gone from the working tree (removed, or its tag
  renamed);
- a committed migration step whose tag is still there but whose classes changed
  (`new_sqlite_classes`, `new_classes`, `renamed_classes`, `deleted_classes`,
  `transferred_classes`);
- a whole committed `migrations` array that is gone (once per section, not per step), unless the
  config now has the `exports` map that replaces it;
- a new step placed before a committed one: wrangler applies only the steps after the deployed
  tag, so where that tag is deployed the new step never runs (fix, in JSONC: move it to the end);
- a committed `exports` entry of a Durable Object class whose `storage` changed, or that is gone
  while its committed state left the class live.

It is silent outside git, for a config that is not committed yet, for a section that moved from
`migrations` to `exports` (or back), and for steps without a `tag`. A state change of an
`exports` entry (`deleted`, `renamed_to`, a transfer) is how that map moves a class on, not a
rewrite of history: it is left to the lifecycle rules.

## Why
A committed step has most likely been deployed. wrangler asks the platform for the Worker's
deployed migration tag and uploads only the steps after it
(`packages/deploy-helpers/src/deploy/helpers/durable.ts`, `getMigrationsToUpload`, in
cloudflare/workers-sdk):

- when that tag is no longer in the config, it warns "You may have already deleted it. Applying
  all available migrations to the script..." and sends every step again; the first step that
  creates a class that already exists fails the deploy (API error 10074, "Cannot apply
  new-class migration to class ... that is already depended on");
- when the tag is there, the steps up to it are never sent again: an edit to them does nothing
  in production, and the config stops describing what runs there. A fresh environment deployed
  from it gets different classes than production has.

A class's storage cannot be converted once it exists, so an `exports` entry whose `storage`
changed describes a conversion the platform refuses.

## Example
```jsonc
// wrangler.jsonc (as committed)
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": {
    "bindings": [
      { "name": "CHAT_ROOM", "class_name": "ChatRoom" },
      { "name": "LOBBY", "class_name": "Lobby" }
    ]
  },
  // `v1` is deployed: adding `Lobby` to it does nothing.
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom", "Lobby"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export class Lobby extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    await env.LOBBY.getByName("main").fetch(request);
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead (the deployed step as it was, and a new step for the change):
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": {
    "bindings": [
      { "name": "CHAT_ROOM", "class_name": "ChatRoom" },
      { "name": "LOBBY", "class_name": "Lobby" }
    ]
  },
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["ChatRoom"] },
    { "tag": "v2", "new_sqlite_classes": ["Lobby"] }
  ]
}
```

## Fix
Restore the step (or the entry) as committed: its committed text replaces the edited one, or a
removed step is put back between its committed neighbours. Then append a new step for the change
you meant. A suggestion, never applied by `--fix` on its own: the user decides which history is
the deployed one.
"#,
};

/// What a step does, without its spans: two steps with equal contents change classes alike.
fn contents(step: &MigrationStep) -> Vec<Vec<String>> {
    let names = |list: &[crate::text::Spanned<String>]| list.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
    let value = |v: &Option<crate::text::Spanned<String>>| v.as_ref().map(|s| s.value.clone()).unwrap_or_default();
    vec![
        names(&step.new_sqlite_classes),
        names(&step.new_classes),
        step.renamed_classes.iter().map(|r| format!("{}>{}", value(&r.from), value(&r.to))).collect(),
        names(&step.deleted_classes),
        step.transferred_classes
            .iter()
            .map(|t| format!("{}/{}>{}", value(&t.from_script), value(&t.from), value(&t.to)))
            .collect(),
    ]
}

fn tag(step: &MigrationStep) -> Option<&str> {
    step.tag.as_ref().map(|t| t.value.as_str())
}

/// The sections of a config by name (`None`: the top level).
fn sections(config: &WorkerConfig) -> Vec<(Option<&str>, &EnvConfig)> {
    std::iter::once((None, &config.top))
        .chain(config.envs.iter().map(|e| (Some(e.name.value.as_str()), &e.config)))
        .collect()
}

/// `the top level` / `env.staging`.
fn label(section: Option<&str>) -> String {
    section.map_or_else(|| "the top level".to_owned(), |name| format!("env.{name}"))
}

/// Reports the committed lifecycle that the working tree rewrites.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Baseline::Committed(committed) = cx.ws.baseline(cx.config_path()) else { return };
    let Some(file) = cx.ws.config_file(cx.config_path()) else { return };
    let config = &file.config;
    if !config.syntax_errors.is_empty() || !committed.syntax_errors.is_empty() {
        // A half-typed config says nothing reliable about its steps.
        return;
    }
    let current = sections(config);
    for (name, old) in sections(committed) {
        let Some((_, new)) = current.iter().find(|(n, _)| *n == name) else { continue };
        if migrations_removed(old, new) && config.top.exports.is_none() {
            report_removed_migrations(cx, out, config, name, old);
            continue;
        }
        migrations(cx, out, name, &committed.text, old, new, &file.text);
        exports(cx, out, name, &committed.text, old, new);
    }
}

/// True when a section had committed steps and now has no `migrations` of its own, nor the
/// `exports` map that replaces them (moving to `exports` is the documented way out; the caller
/// also lets a top-level `exports`, which environments inherit, count).
fn migrations_removed(old: &EnvConfig, new: &EnvConfig) -> bool {
    old.migrations.as_ref().is_some_and(|m| m.steps.iter().any(|s| tag(s).is_some()))
        && new.migrations.is_none()
        && new.exports.is_none()
}

/// One finding for a whole committed `migrations` array that is gone: at the section's name (an
/// environment), else at `durable_objects` or `name` of the top level.
fn report_removed_migrations(
    cx: &WorkerContext<'_>,
    out: &mut Vec<Finding>,
    config: &WorkerConfig,
    section: Option<&str>,
    old: &EnvConfig,
) {
    let Some(old_m) = &old.migrations else { return };
    let at = match section {
        Some(name) => config.envs.iter().find(|e| e.name.value == name).map(|e| e.name.span),
        None => config.top.durable_objects.as_ref().map(|d| head(d.span)).or(config.top.name.as_ref().map(|n| n.span)),
    };
    let Some(at) = at else { return };
    let last = old_m.steps.iter().rev().find_map(tag).unwrap_or("?");
    let inherited = if section.is_some() { " (the section now inherits the top level's)" } else { "" };
    let message = format!(
        "committed `migrations` of {} are removed{inherited}: restore them\n\
         Its last committed step `{last}` is most likely the deployed tag; without it in the list, the next step you add makes wrangler apply every step again and the deploy fails (API 10074). To stop using migrations, move to the `exports` map instead.",
        label(section)
    );
    cx.report(&META, cx.config_location(at), message).emit(out);
}

#[allow(clippy::too_many_arguments)]
fn migrations(
    cx: &WorkerContext<'_>,
    out: &mut Vec<Finding>,
    section: Option<&str>,
    old_text: &str,
    old: &EnvConfig,
    new: &EnvConfig,
    new_text: &str,
) {
    let (Some(old_m), Some(new_m)) = (&old.migrations, &new.migrations) else { return };
    if old_m.steps.is_empty() {
        return;
    }
    let committed_tags: Vec<&str> = old_m.steps.iter().filter_map(tag).collect();
    let last_committed = committed_tags.last().copied();
    inserted_before_deployed(cx, out, &committed_tags, new_m.steps.as_slice(), new_text);
    for (index, step) in old_m.steps.iter().enumerate() {
        let Some(t) = tag(step) else { continue };
        match new_m.steps.iter().find(|s| tag(s) == Some(t)) {
            Some(now) if contents(now) == contents(step) => {}
            Some(now) => {
                let at = now.tag.as_ref().map_or(now.span, |t| t.span);
                let message = format!(
                    "committed migration step `{t}` is edited: wrangler never sends a deployed step again, so the edit does nothing\n\
                     A committed step has most likely been deployed; production keeps what it said, and the config no longer describes it. \
                     Restore the step and append a new one with the change."
                );
                let fix = restore(cx, t, old_text, step.span, now.span);
                cx.report(&META, cx.config_location(at), message).fixes(fix.into_iter().collect()).emit(out);
            }
            None => {
                let deployed = Some(t) == last_committed;
                let why = if deployed {
                    "wrangler then replays every step and the deploy fails (API 10074)"
                } else {
                    "a fresh deploy of this config gets other classes than production has"
                };
                let message = format!(
                    "committed migration step `{t}` is removed: {why}\n\
                     If `{t}` is the deployed tag ({}), wrangler cannot find it and applies every step again. Restore it; to change the lifecycle, append a new step instead.",
                    label(section)
                );
                let fix = reinsert(cx, t, old_text, old_m.steps.as_slice(), index, new_m.steps.as_slice(), new_text);
                cx.report(&META, cx.config_location(head(new_m.span)), message)
                    .fixes(fix.into_iter().collect())
                    .emit(out);
            }
        }
    }
}

/// Reports new steps placed before a committed one: wrangler applies only the steps after the
/// deployed tag, so where that tag is deployed the new step never runs.
fn inserted_before_deployed(
    cx: &WorkerContext<'_>,
    out: &mut Vec<Finding>,
    committed_tags: &[&str],
    steps: &[MigrationStep],
    new_text: &str,
) {
    let Some(last) = steps.iter().rposition(|s| tag(s).is_some_and(|t| committed_tags.contains(&t))) else { return };
    let Some(last_tag) = tag(&steps[last]) else { return };
    for (index, step) in steps[..last].iter().enumerate() {
        let Some(t) = step.tag.as_ref().filter(|t| !committed_tags.contains(&t.value.as_str())) else { continue };
        let message = format!(
            "new migration step `{}` is placed before committed step `{last_tag}`: move it to the end\n\
             wrangler applies only the steps after the deployed tag; where `{last_tag}` is deployed, `{}` never runs, and a fresh deploy runs it in another order.",
            t.value, t.value
        );
        let fix = move_to_end(cx, &t.value, steps, index, last, new_text);
        cx.report(&META, cx.config_location(t.span), message).fixes(fix.into_iter().collect()).emit(out);
    }
}

/// Moves step `index` after the last step (JSONC: a TOML table moves with its comments and
/// blank lines, which an edit cannot tell apart; no fix there).
fn move_to_end(
    cx: &WorkerContext<'_>,
    name: &str,
    steps: &[MigrationStep],
    index: usize,
    last_committed: usize,
    new_text: &str,
) -> Option<Fix> {
    if cx.worker.config.format == crate::config::ConfigFormat::Toml {
        return None;
    }
    let step = steps.get(index)?;
    let next = steps.get(index + 1)?;
    let end = steps.last()?;
    if index >= last_committed {
        return None;
    }
    let text = new_text.get(step.span.start..step.span.end)?;
    let indent = indent_before(new_text, end.span.start);
    let path = Arc::clone(cx.config_path());
    let edits = vec![
        // The step and the separator after it, up to the next step.
        TextEdit {
            path: Arc::clone(&path),
            span: Span::new(step.span.start, next.span.start),
            new_text: String::new(),
        },
        TextEdit { path, span: Span::new(end.span.end, end.span.end), new_text: format!(",\n{indent}{text}") },
    ];
    Some(Fix {
        title: format!("Move migration step `{name}` to the end"),
        edits,
        preferred: true,
        applicability: Applicability::Suggestion,
    })
}

/// The first byte of a span, so that the caret sits on the `migrations` value, not all of it.
fn head(span: Span) -> Span {
    Span::new(span.start, span.start.saturating_add(1).min(span.end))
}

/// Restores a committed step in place: its committed text replaces the edited one.
fn restore(cx: &WorkerContext<'_>, tag: &str, old_text: &str, old: Span, now: Span) -> Option<Fix> {
    let text = old_text.get(old.start..old.end)?;
    Some(Fix::single(
        format!("Restore migration step `{tag}` as committed"),
        TextEdit { path: Arc::clone(cx.config_path()), span: now, new_text: text.to_owned() },
        true,
        Applicability::Suggestion,
    ))
}

/// Puts a removed committed step back: before the next committed step that is still there, or
/// after the previous one.
fn reinsert(
    cx: &WorkerContext<'_>,
    name: &str,
    old_text: &str,
    old_steps: &[MigrationStep],
    index: usize,
    new_steps: &[MigrationStep],
    new_text: &str,
) -> Option<Fix> {
    let step = &old_steps[index];
    let text = old_text.get(step.span.start..step.span.end)?;
    let find = |s: &MigrationStep| new_steps.iter().find(|n| tag(n).is_some() && tag(n) == tag(s));
    let toml = cx.worker.config.format == crate::config::ConfigFormat::Toml;
    let (at, new_text) = if let Some(next) = old_steps[index + 1..].iter().find_map(find) {
        let indent = indent_before(new_text, next.span.start);
        let sep = if toml { "\n\n".to_owned() } else { format!(",\n{indent}") };
        (next.span.start, format!("{text}{sep}"))
    } else if let Some(prev) = old_steps[..index].iter().rev().find_map(find) {
        let indent = indent_before(new_text, prev.span.start);
        let sep = if toml { "\n\n".to_owned() } else { format!(",\n{indent}") };
        (prev.span.end, format!("{sep}{text}"))
    } else {
        return None;
    };
    Some(Fix::single(
        format!("Restore migration step `{name}` as committed"),
        TextEdit { path: Arc::clone(cx.config_path()), span: Span::new(at, at), new_text },
        true,
        Applicability::Suggestion,
    ))
}

/// True when an entry leaves its class live here: not deleted, renamed or transferred away.
fn live(entry: &ExportEntry) -> bool {
    !matches!(entry.state.as_ref().map(|s| s.value.as_str()), Some("deleted" | "renamed" | "transferred"))
        && entry.renamed_to.is_none()
        && entry.transferred_to.is_none()
}

fn exports(
    cx: &WorkerContext<'_>,
    out: &mut Vec<Finding>,
    section: Option<&str>,
    old_text: &str,
    old: &EnvConfig,
    new: &EnvConfig,
) {
    let (Some(old_x), Some(new_x)) = (&old.exports, &new.exports) else { return };
    let storage = |e: &ExportEntry| e.storage.as_ref().map(|s| s.value.clone());
    for entry in old_x.entries.iter().filter(|e| e.kind == ExportType::DurableObject) {
        let class = &entry.key.value;
        match new_x.entries.iter().find(|e| &e.key.value == class) {
            // A deleted, renamed or transferred entry keeps only its state (its storage key goes).
            Some(now) if now.kind == ExportType::DurableObject && live(now) && storage(now) != storage(entry) => {
                let (Some(was), Some(span)) =
                    (storage(entry), now.storage.as_ref().map(|s| s.span).or(Some(now.key.span)))
                else {
                    continue;
                };
                let message = format!(
                    "`{class}` was committed with `storage: \"{was}\"`: a class's storage cannot be converted\n\
                     A committed entry has most likely been deployed, and the platform keeps each class's storage for good. \
                     To move to SQLite, create a new class with `storage: \"sqlite\"` and delete the old one (its data is lost)."
                );
                let fix = old_text.get(entry.span.start..entry.span.end).map(|text| {
                    Fix::single(
                        format!("Restore the `exports` entry of `{class}` as committed"),
                        TextEdit { path: Arc::clone(cx.config_path()), span: now.span, new_text: text.to_owned() },
                        true,
                        Applicability::Suggestion,
                    )
                });
                cx.report(&META, cx.config_location(span), message).fixes(fix.into_iter().collect()).emit(out);
            }
            Some(_) => {}
            None => {
                if !live(entry) {
                    continue;
                }
                let message = format!(
                    "the committed `exports` entry of `{class}` ({}) is removed: its objects and their data still exist\n\
                     Say what happens to the class instead: `state: \"deleted\"` (destroys its objects), `renamed_to`, or a transfer.",
                    label(section)
                );
                cx.report(&META, cx.config_location(head(new_x.span)), message).emit(out);
            }
        }
    }
}
