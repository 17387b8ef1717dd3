//! Hover: what a binding, a DO class, a location hint, a jurisdiction or a migration tag is.

use std::fmt::Write as _;
use std::path::Path;

use super::navigation::{context_of, defined_class, symbol_at, Symbol};
use super::{file_link, rpc_members, signature};
use crate::analysis::WorkerContext;
use crate::config::lifecycle::{EventKind, Storage};
use crate::config::MigrationStep;
use crate::index::{Baseline, Entry, EntrySource, MainModule, TestConfig, Worker, Workspace};
use crate::text::Span;

/// A hover: markdown and the range it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverInfo {
    /// The text, in markdown.
    pub markdown: String,
    /// The range of the word it describes.
    pub span: Span,
}

/// The hover at `offset` of `path`.
pub fn hover(ws: &Workspace, path: &Path, offset: usize) -> Option<HoverInfo> {
    let export = export_entry_at(ws, path, offset);
    let Some((symbol, span)) = symbol_at(ws, path, offset) else {
        // A value inside an `exports` entry (`"state": "created"`): the entry and its state in git.
        let at = export?;
        let cx = context_of(ws, &ws.worker(path)?.config_path)?;
        let markdown = export_entry(&cx, &at)?;
        return Some(HoverInfo { markdown, span: at.span });
    };
    let mut markdown = match symbol {
        Symbol::Binding { worker, name } => binding(&context_of(ws, &worker)?, &name)?,
        Symbol::Class { worker, name } => class(&context_of(ws, &worker)?, &name)?,
        Symbol::Method { classes, method, .. } => {
            let class = classes.first()?;
            let (_, m) = rpc_members(ws, class).into_iter().find(|(_, m)| m.name.value == method)?;
            let owner = ws.class(class).map_or("", |c| c.name.value.as_str());
            format!("```ts\n{}\n```\nRPC method of `{owner}`", signature(m))
        }
        Symbol::Script { from, name } => {
            let near = from.parent().unwrap_or(Path::new(""));
            let target = ws.workers_named(&name, near).into_iter().next()?;
            format!(
                "**`{name}`**: Worker\n\nConfig: `{}`\n\n{}",
                super::relative(&target.config_path, near),
                entry(target)
            )
        }
        Symbol::Worker { worker, name } => {
            let target = ws.worker(&worker)?;
            let mut text = format!("**`{name}`**: Worker\n\n{}", entry(target));
            match target.test {
                Some(TestConfig::Vitest) => text.push_str("\n\nA test config: a vitest config of its folder names it, and the test runner supplies the entry; deploy rules stay quiet."),
                Some(TestConfig::Named) => text.push_str("\n\nA test config (by its file, Worker or folder name): deploy rules stay quiet."),
                None => {}
            }
            text
        }
        Symbol::Tag { worker, env, step } => tag(&context_of(ws, &worker)?, env.as_deref(), step)?,
        Symbol::LocationHint(hint, region) => format!(
            "**`{hint}`**: location hint, {region}\n\nA hint, not a guarantee: a new object is created in a data center near this region; an existing object stays where it is."
        ),
        Symbol::Jurisdiction(j, meaning) => format!(
            "**`{j}`**: jurisdiction, {meaning}\n\nObjects created in this jurisdiction run and store their data only inside it. Ids encode their jurisdiction, so the same name gives a different object in each."
        ),
    };
    // The key of an `exports` entry: the class, and whether git has the entry as it is.
    if let Some(at) = export.filter(|e| e.span == span) {
        if let Some(cx) = ws.worker(path).and_then(|w| context_of(ws, &w.config_path)) {
            let git = export_git_state(&cx, &at);
            if !git.is_empty() {
                markdown = format!("{markdown}\n\n{}", git.trim_end());
            }
        }
    }
    Some(HoverInfo { markdown, span })
}

/// An `exports` entry the cursor is in: its key, or a value inside it.
struct ExportEntryAt {
    /// The section (`None`: the top level).
    env: Option<String>,
    /// The entry's key (the class name).
    name: String,
    /// What the cursor touches: the key, or the value.
    span: Span,
}

/// The `exports` entry at `offset` of a config, when the cursor is on its key or on a value
/// inside it.
fn export_entry_at(ws: &Workspace, path: &Path, offset: usize) -> Option<ExportEntryAt> {
    use super::cursor::{config_cursor, ConfigSpot, PathStep};
    let file = ws.config_file(path)?;
    let cursor = config_cursor(&file.config.root, offset);
    let env = cursor.env_name().map(str::to_owned);
    let name = match (cursor.section_path(), &cursor.spot) {
        ([PathStep::Key(exports), PathStep::Key(name)], ConfigSpot::Key(_))
        | ([PathStep::Key(exports), PathStep::Key(name), PathStep::Key(_)], ConfigSpot::Value(_))
            if exports == "exports" =>
        {
            name.clone()
        }
        _ => return None,
    };
    let span = match cursor.spot {
        ConfigSpot::Key(member) => member.key.span,
        ConfigSpot::Value(value) => value.span,
        _ => return None,
    };
    Some(ExportEntryAt { env, name, span })
}

/// The `exports` entry of section `env` named `name` in `config`.
fn find_export<'c>(
    config: &'c crate::config::WorkerConfig,
    env: Option<&str>,
    name: &str,
) -> Option<&'c crate::config::ExportEntry> {
    let section = config.section(env)?;
    section.exports.as_ref()?.entries.iter().find(|e| e.key.value == name)
}

/// `state` and `storage` of an entry, as the platform reads them (no `state` is `created`).
fn export_state(entry: &crate::config::ExportEntry) -> (&str, Option<&str>) {
    let state = entry.state.as_ref().map_or("created", |s| s.value.as_str());
    (state, entry.storage.as_ref().map(|s| s.value.as_str()))
}

/// A hover for an `exports` entry: its state and storage, and whether git has it.
fn export_entry(cx: &WorkerContext<'_>, at: &ExportEntryAt) -> Option<String> {
    let entry = find_export(&cx.worker.config, at.env.as_deref(), &at.name)?;
    let (state, storage) = export_state(entry);
    let section = at.env.as_ref().map_or("the top level".to_owned(), |e| format!("env.{e}"));
    let mut out = format!("**`{}`**: `exports` entry ({section})\n\n- state: `{state}`", at.name);
    if let Some(storage) = storage {
        let _ = write!(out, "\n- storage: `{storage}`");
    }
    let git = export_git_state(cx, at);
    if !git.is_empty() {
        let _ = write!(out, "\n\n{}", git.trim_end());
    }
    Some(out)
}

/// Whether the `exports` entry `at` is in git `HEAD` as it is now, as a sentence followed by a
/// blank line; empty when git cannot tell.
fn export_git_state(cx: &WorkerContext<'_>, at: &ExportEntryAt) -> String {
    let committed = match cx.ws.baseline(cx.config_path()) {
        Baseline::Unknown => return String::new(),
        Baseline::Absent => None,
        Baseline::Committed(config) => find_export(&config.config, at.env.as_deref(), &at.name).map(export_state),
    };
    let now = find_export(&cx.worker.config, at.env.as_deref(), &at.name).map(export_state);
    match (committed, now) {
        (None, _) => "New in the working tree (not in git `HEAD`): the next deploy applies it.\n\n".to_owned(),
        (Some(old), Some(now)) if old == now => {
            "Committed in git: most likely deployed already. Change its state in a new deploy; never edit what a deploy applied.\n\n"
                .to_owned()
        }
        (Some((state, storage)), _) => {
            let storage = storage.map(|s| format!(", storage `{s}`")).unwrap_or_default();
            format!(
                "Changed since git `HEAD` (committed: state `{state}`{storage}): the next deploy applies the change.\n\n"
            )
        }
    }
}

/// Which module is the Worker's entry and where that comes from: `main`, or the package.json
/// script that gives wrangler the entry on its command line.
fn entry(worker: &Worker) -> String {
    let rel = |p: &Path| super::relative(p, &worker.dir);
    let reach = |n: usize| format!("{n} module{} reachable from it", if n == 1 { "" } else { "s" });
    match (&worker.entry, &worker.main) {
        (Some(Entry { path, source: EntrySource::Main }), _) => {
            format!("Entry: `{}` (`main`), {}", rel(path), reach(worker.module_graph.len()))
        }
        (Some(Entry { path, source: EntrySource::Script { script, command } }), _) => format!(
            "Entry: `{}`, from the package.json script `{script}` (`wrangler {command} {}`): the config has no `main`; {}",
            rel(path),
            rel(path),
            reach(worker.module_graph.len())
        ),
        (None, MainModule::BuildOutput(path)) => {
            format!("Entry: `{}` (`main`), build output: not indexed, so code rules read the sources by name", rel(path))
        }
        (None, MainModule::NotFound(path)) => format!("Entry: none: `main` names `{}`, which does not exist", rel(path)),
        (None, _) => "Entry: none: the config has no `main` and no package.json script in its folder gives wrangler one".to_string(),
    }
}

fn storage_name(storage: Option<Storage>) -> &'static str {
    storage.map_or("unknown", Storage::label)
}

/// What an event did to a class: `created (SQLite)`, `renamed to `B``.
fn event_text(kind: &EventKind) -> String {
    match kind {
        EventKind::Created(s) => format!("created ({})", s.label()),
        EventKind::RenamedFrom(from) => format!("renamed from `{from}` (its data moved along)"),
        EventKind::RenamedTo(to) => format!("renamed to `{to}` (its data moved along)"),
        EventKind::Deleted => "deleted, with all its data".to_string(),
        EventKind::TransferredIn { from_script: Some(s) } => format!("transferred in from `{s}`"),
        EventKind::TransferredIn { from_script: None } => "transferred in".to_string(),
        EventKind::TransferredAway => "transferred away".to_string(),
        EventKind::ExpectingTransfer => "expecting a transfer in".to_string(),
    }
}

/// The events of class `name` in environment `env` of the config at the baseline revision (git
/// `HEAD`), as (tag, what happened); `None` when git cannot tell.
fn committed_events(cx: &WorkerContext<'_>, env: Option<&str>, name: &str) -> Option<Vec<(Option<String>, EventKind)>> {
    let lifecycle = cx.ws.baseline(cx.config_path()).lifecycle(env)?;
    let events = lifecycle.class(name).map(|c| c.history.iter().map(|e| (e.tag.clone(), e.kind.clone())).collect());
    Some(events.unwrap_or_default())
}

/// Class `name`'s lifecycle in each environment of a Worker (identical ones once), as a short
/// timeline: each step's tag (or `exports`) and what it did to the class, and whether git
/// `HEAD` has that step already (committed: most likely deployed) or it is new in the working
/// tree (the next deploy applies it).
fn lifecycle_lines(cx: &WorkerContext<'_>, name: &str, out: &mut String) {
    let mut seen: Vec<String> = Vec::new();
    for view in &cx.envs {
        let Some(class) = view.lifecycle.class(name) else { continue };
        let committed = committed_events(cx, view.env.env_name(), name);
        let mut block = format!("storage {}", storage_name(class.storage));
        for (i, event) in class.history.iter().enumerate() {
            let step = event.tag.as_ref().map_or("`exports`".to_string(), |t| format!("`{t}`"));
            let state = match &committed {
                None => "",
                Some(events) if events.iter().any(|(t, k)| *t == event.tag && *k == event.kind) => ", committed",
                Some(_) => ", new in the working tree",
            };
            let _ = write!(block, "\n  {}. {step}: {}{state}", i + 1, event_text(&event.kind));
        }
        if seen.contains(&block) {
            continue;
        }
        let _ = writeln!(out, "- lifecycle ({}): {block}", view.label());
        seen.push(block);
    }
    if seen.is_empty() {
        let _ = writeln!(out, "- no migration or `exports` entry creates it");
    }
}

fn binding(cx: &WorkerContext<'_>, name: &str) -> Option<String> {
    let mut envs = Vec::new();
    let mut out = String::new();
    let mut do_binding = None;
    for view in &cx.envs {
        if let Some(b) = view.env.do_bindings().iter().find(|b| b.name.as_ref().is_some_and(|n| n.value == name)) {
            envs.push(view.label());
            do_binding.get_or_insert(b);
        } else if view.env.other_bindings.iter().any(|b| b.name.value == name) {
            envs.push(view.label());
        }
    }
    match do_binding {
        Some(b) => {
            let class_name = b.class_name.as_ref().map_or("?", |c| c.value.as_str());
            let _ = writeln!(out, "**`{name}`**: Durable Object namespace `DurableObjectNamespace<{class_name}>`\n");
            let target = match &b.script_name {
                None => None,
                Some(script) => cx.script_target(&script.value),
            };
            let owner = target.as_ref().unwrap_or(cx);
            match defined_class(owner, class_name).and_then(|c| Some((cx.ws.class(&c)?, c))) {
                Some((fact, c)) => {
                    let text = cx.ws.text(&c.file).unwrap_or_default();
                    let link = file_link(&format!("`{class_name}`"), &c.file, &text, fact.name.span.start);
                    let _ = writeln!(out, "- class: {link}");
                }
                None => {
                    let _ = writeln!(out, "- class: `{class_name}` (not found)");
                }
            }
            if let Some(script) = &b.script_name {
                let _ = writeln!(out, "- script: `{}`", script.value);
            }
            lifecycle_lines(owner, class_name, &mut out);
        }
        None => {
            let other = cx.envs.iter().flat_map(|e| e.env.other_bindings).find(|b| b.name.value == name)?;
            let _ = writeln!(out, "**`{name}`**: {} `{}`\n", other.kind.describe(), other.kind.type_name());
        }
    }
    let _ = write!(out, "- environments: {}", envs.join(", "));
    Some(out)
}

fn class(cx: &WorkerContext<'_>, name: &str) -> Option<String> {
    let declared = defined_class(cx, name);
    if declared.as_ref().is_some_and(|c| !cx.is_do_class(c)) {
        return None;
    }
    let mut out = format!("**`{name}`**: Durable Object class\n\n");
    let mut bindings: Vec<String> = Vec::new();
    for view in &cx.envs {
        for b in view.env.do_bindings().iter().filter(|b| b.is_local()) {
            if let (Some(n), Some(c)) = (&b.name, &b.class_name) {
                if c.value == name {
                    bindings.push(format!("`{}` ({})", n.value, view.label()));
                }
            }
        }
    }
    if let Some(own) = cx.worker.name() {
        for other in cx.ws.workers().filter(|w| w.config_path != cx.worker.config_path) {
            for env in other.config.resolved_envs() {
                for b in env.do_bindings() {
                    let remote = b.script_name.as_ref().is_some_and(|s| s.value == own);
                    if let (true, Some(n), Some(c)) = (remote, &b.name, &b.class_name) {
                        if c.value == name {
                            bindings.push(format!("`{}` in Worker `{}`", n.value, other.name().unwrap_or("?")));
                        }
                    }
                }
            }
        }
    }
    let listed = if bindings.is_empty() { "none".to_string() } else { bindings.join(", ") };
    let _ = writeln!(out, "- bindings: {listed}");
    lifecycle_lines(cx, name, &mut out);
    if let Some(class) = declared {
        let methods: Vec<String> =
            rpc_members(cx.ws, &class).iter().map(|(_, m)| format!("`{}`", signature(m))).collect();
        if !methods.is_empty() {
            let _ = writeln!(out, "- RPC methods: {}", methods.join(", "));
        }
    }
    Some(out.trim_end().to_string())
}

fn tag(cx: &WorkerContext<'_>, env: Option<&str>, step: usize) -> Option<String> {
    let config = &cx.worker.config;
    let section = config.section(env)?;
    let step: &MigrationStep = section.migrations.as_ref()?.steps.get(step)?;
    let tag = step.tag.as_ref().map_or("?", |t| t.value.as_str());
    let names = |list: &[crate::text::Spanned<String>]| {
        list.iter().map(|n| format!("`{}`", n.value)).collect::<Vec<_>>().join(", ")
    };
    let mut parts = Vec::new();
    if !step.new_sqlite_classes.is_empty() {
        parts.push(format!("creates {} with SQLite storage", names(&step.new_sqlite_classes)));
    }
    if !step.new_classes.is_empty() {
        parts.push(format!("creates {} with KV storage (legacy)", names(&step.new_classes)));
    }
    for r in &step.renamed_classes {
        if let (Some(from), Some(to)) = (&r.from, &r.to) {
            parts.push(format!("renames `{}` to `{}` (its data moves along)", from.value, to.value));
        }
    }
    if !step.deleted_classes.is_empty() {
        parts.push(format!("deletes {} and all their data", names(&step.deleted_classes)));
    }
    for t in &step.transferred_classes {
        if let Some(to) = &t.to {
            let from = t.from.as_ref().map_or("?", |f| f.value.as_str());
            let script = t.from_script.as_ref().map_or("?", |s| s.value.as_str());
            parts.push(format!("transfers `{from}` of Worker `{script}` in as `{}`", to.value));
        }
    }
    let what = if parts.is_empty() { "does nothing".to_string() } else { parts.join("; ") };
    let git = git_state(cx, env, tag);
    Some(format!(
        "**Migration `{tag}`**: {what}.\n\n{git}Steps apply in order, each once: a deployed tag never runs again."
    ))
}

/// Whether the step tagged `tag` of section `env` is committed at the baseline revision (git
/// `HEAD`), as a sentence followed by a blank line; empty when git cannot tell.
fn git_state(cx: &WorkerContext<'_>, env: Option<&str>, tag: &str) -> String {
    let committed = match cx.ws.baseline(cx.config_path()) {
        Baseline::Unknown => return String::new(),
        Baseline::Absent => false,
        Baseline::Committed(config) => config
            .section(env)
            .and_then(|s| s.migrations.as_ref())
            .is_some_and(|m| m.steps.iter().any(|s| s.tag.as_ref().is_some_and(|t| t.value == tag))),
    };
    if committed {
        "Committed in git: most likely deployed already. Edit no deployed step; append a new one.\n\n".to_owned()
    } else {
        "New in the working tree (not in git `HEAD`): it runs on the next deploy.\n\n".to_owned()
    }
}
