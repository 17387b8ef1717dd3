//! Quick-fixes that edit the wrangler config, for the config rules.
//!
//! Each builder takes what a rule has at hand (a [`ConfigSource`], an environment name, the
//! spans or names at fault) and returns the [`Fix`]es to offer; an empty list when no fix is safe
//! to write, and also when the problem is already gone, so running a builder again on the fixed
//! file offers nothing. The edits come from [`ConfigEditor`], which keeps the file's style.
//!
//! A config with syntax errors gets no fixes: its value tree may not say where things are.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{closest, Applicability, Fix, TextEdit, WorkerContext};
use crate::config::edit::{apply_edits, diff_edit, merge_edits, section_path, ConfigEdit, ConfigEditor, NewValue, Seg};
use crate::config::{
    next_tag, read_config, replay, ConfigFormat, DoBinding, ExportEntry, LifecycleModel, Value, ValueKind, WorkerConfig,
};
use crate::platform::is_identifier;
use crate::text::{Span, Spanned};

/// The first wrangler release that reads the declarative `exports` map (changelog
/// "Declare Durable Object class lifecycle with `exports`", workers-sdk PR #14382).
pub const EXPORTS_MIN_WRANGLER: (u64, u64) = (4, 107);

/// A config file to fix: its path, text and model (which must agree).
#[derive(Clone, Copy)]
pub struct ConfigSource<'a> {
    /// The file.
    pub path: &'a Arc<PathBuf>,
    /// Its text.
    pub text: &'a str,
    /// Its model, read from `text`.
    pub config: &'a WorkerConfig,
}

impl<'a> ConfigSource<'a> {
    /// The config of the Worker `cx` analyses; `None` when it has syntax errors (or its text is
    /// not indexed).
    pub fn of(cx: &'a WorkerContext<'_>) -> Option<Self> {
        let file = cx.ws.config_file(cx.config_path())?;
        let source = ConfigSource { path: cx.config_path(), text: &file.text, config: &file.config };
        source.config.syntax_errors.is_empty().then_some(source)
    }

    fn editor(&self) -> ConfigEditor<'a> {
        ConfigEditor::new(self.text, self.config)
    }

    fn edit(&self, e: ConfigEdit) -> TextEdit {
        TextEdit { path: self.path.clone(), span: e.span, new_text: e.new_text }
    }

    fn fix(&self, title: String, edit: ConfigEdit, preferred: bool, applicability: Applicability) -> Fix {
        Fix::single(title, self.edit(edit), preferred, applicability)
    }
}

/// ` (in env.<name>)`, or nothing for the top level.
fn in_env(env: Option<&str>) -> String {
    env.map(|e| format!(" (in env.{e})")).unwrap_or_default()
}

/// The path of the section that holds `key` in effect for `env`: the env's own section when it
/// declares `key`, else the top level (inherited).
fn effective_section<'e>(config: &WorkerConfig, env: Option<&'e str>, key: &str) -> Vec<Seg<'e>> {
    let own = env.and_then(|name| config.envs.iter().find(|e| e.name.value == name)).is_some_and(|e| match key {
        "migrations" => e.config.migrations.is_some(),
        _ => e.config.exports.is_some(),
    });
    if own {
        section_path(env)
    } else {
        Vec::new()
    }
}

/// `{ type: "durable-object", storage }`.
fn export_entry(storage: &str) -> NewValue {
    NewValue::object([("type", NewValue::string("durable-object")), ("storage", NewValue::string(storage))])
}

/// A way to give a class a lifecycle.
struct LifecycleOption {
    title: String,
    edit: ConfigEdit,
    uses_exports: bool,
}

/// The ways to make `class` live in environment `env`: a migration step (migrations in use), an
/// `exports` entry (exports in use), or both when neither is in use. Empty when the class is
/// live already, when both styles are in use, or when an `exports` key for it exists.
fn lifecycle_options(src: &ConfigSource<'_>, env: Option<&str>, class: &str) -> Vec<LifecycleOption> {
    let Some(resolved) = src.config.resolved_env(env) else { return Vec::new() };
    let lifecycle = replay(&resolved);
    if class.is_empty() || lifecycle.is_live(class) {
        return Vec::new();
    }
    let editor = src.editor();
    let step = |tag: String| {
        NewValue::object([("tag", NewValue::string(tag)), ("new_sqlite_classes", NewValue::strings([class]))])
    };
    let mut out = Vec::new();
    let add_step = |out: &mut Vec<LifecycleOption>| {
        let section = effective_section(src.config, env, "migrations");
        let tag = resolved.migrations.map_or_else(|| "v1".to_string(), next_tag);
        let mut path = section.clone();
        path.push(Seg::Key("migrations"));
        let edit = match resolved.migrations {
            Some(_) => editor.append_to_array(&path, &step(tag.clone())),
            None => editor.set_member(
                &section,
                "migrations",
                &NewValue::Array(vec![step(tag.clone())]),
                &["durable_objects"],
            ),
        };
        if let Some(edit) = edit {
            out.push(LifecycleOption {
                title: format!("Add a migration `{tag}` creating `{class}` with SQLite storage"),
                edit,
                uses_exports: false,
            });
        }
    };
    let add_export = |out: &mut Vec<LifecycleOption>| {
        if resolved.exports.is_some_and(|e| e.entries.iter().any(|x| x.key.value == class)) {
            return;
        }
        let section = effective_section(src.config, env, "exports");
        let entry = NewValue::object([(class, export_entry("sqlite"))]);
        if let Some(edit) = editor.set_member(&section, "exports", &entry, &["migrations", "durable_objects"]) {
            out.push(LifecycleOption {
                title: format!("Declare `{class}` in `exports` with SQLite storage"),
                edit,
                uses_exports: true,
            });
        }
    };
    match lifecycle.model {
        LifecycleModel::Migrations => add_step(&mut out),
        LifecycleModel::Exports => add_export(&mut out),
        LifecycleModel::None if resolved.exports.is_some_and(|e| !e.entries.is_empty()) => add_export(&mut out),
        LifecycleModel::None if resolved.migrations.is_some() => add_step(&mut out),
        LifecycleModel::None => {
            add_export(&mut out);
            add_step(&mut out);
        }
        LifecycleModel::Both => {}
    }
    out
}

/// `missing-migration`: make the bound class `class` live in environment `env`.
///
/// Appends `{ tag: <next>, new_sqlite_classes: [class] }` to the migrations in effect, or adds
/// `class: { type: "durable-object", storage: "sqlite" }` to the `exports` in effect. With
/// neither in use, offers both, preferring `exports` unless the project's wrangler (read from
/// `package.json` next to or above `dir`) is older than 4.107. A single option is preferred and
/// safe, unless the class had a lifecycle before (deleted, renamed away): re-creating it gives
/// it new, empty storage, so that is only a suggestion.
pub fn missing_migration(src: &ConfigSource<'_>, env: Option<&str>, class: &str, dir: &Path) -> Vec<Fix> {
    missing_migration_with_wrangler(src, env, class, wrangler_version(dir))
}

/// [`missing_migration`] with the project's wrangler version given (`None`: unknown).
pub fn missing_migration_with_wrangler(
    src: &ConfigSource<'_>,
    env: Option<&str>,
    class: &str,
    wrangler: Option<(u64, u64)>,
) -> Vec<Fix> {
    let options = lifecycle_options(src, env, class);
    let had_history =
        src.config.resolved_env(env).is_some_and(|r| replay(&r).class(class).is_some_and(|c| !c.history.is_empty()));
    let prefer_exports = wrangler.is_none_or(|v| v >= EXPORTS_MIN_WRANGLER);
    let single = options.len() == 1;
    options
        .into_iter()
        .map(|o| {
            let title = format!("{}{}", o.title, in_env(env));
            let (preferred, applicability) = if single && !had_history {
                (true, Applicability::Safe)
            } else {
                (!had_history && o.uses_exports == prefer_exports, Applicability::Suggestion)
            };
            src.fix(title, o.edit, preferred, applicability)
        })
        .collect()
}

/// The version (major, minor) of the `wrangler` dependency in the nearest `package.json` at or
/// above `dir` that declares one, when it is a plain version (`4.110.0`, `^4.107.1`, `~4.120`).
pub fn wrangler_version(dir: &Path) -> Option<(u64, u64)> {
    for folder in dir.ancestors().take(8) {
        // Through the recorder: the findings cache must know this file was read.
        let Ok(text) = crate::index::reads::read_to_string(&folder.join("package.json")) else { continue };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let spec = ["devDependencies", "dependencies", "peerDependencies"]
            .iter()
            .find_map(|k| json.get(k)?.get("wrangler")?.as_str().map(str::to_string));
        if let Some(spec) = spec {
            return parse_version(&spec);
        }
    }
    None
}

/// `major.minor` of a simple version range (`^4.107.0`, `~4.120.1`, `>=4.110`, `4.130.0`).
fn parse_version(spec: &str) -> Option<(u64, u64)> {
    let v = spec.trim().trim_start_matches(['^', '~', '>', '=', 'v']).trim();
    if v.contains([' ', '|', '<', '*', 'x']) {
        return None;
    }
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.split('-').next()?.parse().ok())?;
    Some((major, minor))
}

/// `env-missing-durable-objects`: copy the top level's DO bindings that env `env` lacks (by
/// binding name) into its section, in one edit.
pub fn env_missing_durable_objects(src: &ConfigSource<'_>, env: &str) -> Vec<Fix> {
    let Some(section) = src.config.envs.iter().find(|e| e.name.value == env) else { return Vec::new() };
    let has = |name: &str| {
        section
            .config
            .durable_objects
            .as_ref()
            .is_some_and(|d| d.bindings.iter().any(|b| b.name.as_ref().is_some_and(|n| n.value == name)))
    };
    let missing: Vec<&DoBinding> = src
        .config
        .top
        .durable_objects
        .iter()
        .flat_map(|d| &d.bindings)
        .filter(|b| b.name.as_ref().is_some_and(|n| !has(&n.value)))
        .collect();
    let Some(top_bindings) =
        ConfigEditor::new(src.text, src.config).lookup(&[Seg::Key("durable_objects"), Seg::Key("bindings")])
    else {
        return Vec::new();
    };
    let ValueKind::Array(items) = &top_bindings.kind else { return Vec::new() };
    let copies: Option<Vec<NewValue>> =
        missing.iter().map(|b| items.iter().find(|i| i.span == b.span).and_then(NewValue::from_value)).collect();
    let Some(copies) = copies.filter(|c| !c.is_empty()) else { return Vec::new() };
    let mut path = section_path(Some(env));
    path.extend([Seg::Key("durable_objects"), Seg::Key("bindings")]);
    let Some(edit) = src.editor().append_items(&path, &copies) else { return Vec::new() };
    let names: Vec<String> = missing.iter().filter_map(|b| b.name.as_ref()).map(|n| format!("`{}`", n.value)).collect();
    let title = match names.as_slice() {
        [one] => format!("Copy the binding {one} into env.{env}"),
        _ => format!("Copy the bindings {} into env.{env}", names.join(", ")),
    };
    vec![src.fix(title, edit, true, Applicability::Suggestion)]
}

/// `kv-storage-backend`: make the class created at `at` use SQLite storage. `at` is the span of
/// a class-name literal in a `new_classes` list, or of an `exports` entry's `storage` value.
/// Moves the name to the step's `new_sqlite_classes` (renaming `new_classes` when the class is
/// its only entry), or sets `storage` to `"sqlite"`. Only right before the class is first
/// deployed (storage cannot change afterwards), so a suggestion.
pub fn kv_storage_backend(src: &ConfigSource<'_>, at: Span) -> Vec<Fix> {
    let Some(path) = path_to_span(&src.config.root, at) else { return Vec::new() };
    let editor = src.editor();
    let segs: Vec<Seg<'_>> = path.iter().map(PathStep::seg).collect();
    let title = |class: &str| format!("Use SQLite storage for `{class}` (only before the class is first deployed)");
    let n = segs.len();
    // `...migrations[i].new_classes[j]`
    if n >= 2 && segs[n - 2] == Seg::Key("new_classes") {
        let Some(Value { kind: ValueKind::String(class), .. }) = editor.lookup(&segs) else { return Vec::new() };
        let step_path = &segs[..n - 2];
        let list = editor.lookup(&segs[..n - 1]);
        let only = matches!(list.map(|l| &l.kind), Some(ValueKind::Array(items)) if items.len() == 1);
        let mut sqlite_path = step_path.to_vec();
        sqlite_path.push(Seg::Key("new_sqlite_classes"));
        let has_sqlite_list = editor.lookup(&sqlite_path).is_some();
        let edit = if only && !has_sqlite_list {
            editor.rename_key(&segs[..n - 1], "new_sqlite_classes")
        } else {
            let removal = if only { editor.remove(&segs[..n - 1]) } else { editor.remove(&segs) };
            let addition = editor.append_to_array(&sqlite_path, &NewValue::string(class.clone()));
            match (removal, addition) {
                (Some(r), Some(a)) if r.span.end <= a.span.start || a.span.end <= r.span.start => {
                    return vec![Fix {
                        title: title(class),
                        edits: vec![src.edit(r), src.edit(a)],
                        preferred: true,
                        applicability: Applicability::Suggestion,
                    }];
                }
                _ => None,
            }
        };
        return edit.map(|e| src.fix(title(class), e, true, Applicability::Suggestion)).into_iter().collect();
    }
    // `...exports.<Class>.storage`
    if n >= 3 && segs[n - 1] == Seg::Key("storage") && segs[n - 3] == Seg::Key("exports") {
        let Some(Value { kind: ValueKind::String(storage), .. }) = editor.lookup(&segs) else { return Vec::new() };
        let Seg::Key(class) = segs[n - 2] else { return Vec::new() };
        if storage != "legacy-kv" {
            return Vec::new();
        }
        return editor
            .replace_value(&segs, &NewValue::string("sqlite"))
            .map(|e| src.fix(title(class), e, true, Applicability::Suggestion))
            .into_iter()
            .collect();
    }
    Vec::new()
}

/// `renamed-to-not-live`: add the live entry `renamed_to: { type: "durable-object", storage:
/// "sqlite" }` to the `exports` map holding the tombstone `entry`. The renamed namespace keeps
/// its storage, which a tombstone does not record: SQLite is a guess (a `legacy-kv` namespace
/// would need `legacy-kv`), so a suggestion.
pub fn renamed_to_not_live(src: &ConfigSource<'_>, entry: &ExportEntry) -> Vec<Fix> {
    let Some(target) = entry.renamed_to.as_ref().map(|t| t.value.as_str()) else { return Vec::new() };
    if !is_identifier(target) || target == entry.key.value {
        return Vec::new();
    }
    let Some(path) = path_to_key(&src.config.root, entry.key.span) else { return Vec::new() };
    let segs: Vec<Seg<'_>> = path.iter().map(PathStep::seg).collect();
    let Some((_, map_path)) = segs.split_last() else { return Vec::new() };
    let editor = src.editor();
    let exists = matches!(editor.lookup(map_path).map(|v| &v.kind),
        Some(ValueKind::Object(members)) if members.iter().any(|m| m.key.value == target));
    if exists {
        return Vec::new();
    }
    let Some((Seg::Key(_), section)) = map_path.split_last() else { return Vec::new() };
    let entry_value = NewValue::object([(target, export_entry("sqlite"))]);
    editor
        .set_member(section, "exports", &entry_value, &[])
        .map(|e| {
            let title = format!("Add a live `exports` entry for `{target}` (SQLite storage)");
            src.fix(title, e, true, Applicability::Suggestion)
        })
        .into_iter()
        .collect()
}

/// `invalid-export-entry`: rename the misspelt key `key` (its span) to the closest of `valid`.
pub fn misspelt_key(src: &ConfigSource<'_>, key: &Spanned<String>, valid: &[&str]) -> Vec<Fix> {
    if valid.contains(&key.value.as_str()) {
        return Vec::new();
    }
    let Some(best) = crate::text::words::likely_meant(&key.value, valid) else { return Vec::new() };
    let Some(path) = path_to_key(&src.config.root, key.span) else { return Vec::new() };
    let segs: Vec<Seg<'_>> = path.iter().map(PathStep::seg).collect();
    let editor = src.editor();
    // Renaming onto a key the object already has would duplicate it.
    let taken = segs
        .split_last()
        .and_then(|(_, parent)| editor.lookup(parent))
        .is_some_and(|p| matches!(&p.kind, ValueKind::Object(members) if members.iter().any(|m| m.key.value == best)));
    if taken {
        return Vec::new();
    }
    editor
        .rename_key(&segs, best)
        .map(|e| src.fix(format!("Replace `{}` by `{best}`", key.value), e, true, Applicability::Suggestion))
        .into_iter()
        .collect()
}

/// `invalid-export-entry`: replace the misspelt string value at `value` (its literal) by the
/// closest of `valid`.
pub fn misspelt_value(src: &ConfigSource<'_>, value: &Spanned<String>, valid: &[&str]) -> Vec<Fix> {
    if valid.contains(&value.value.as_str()) {
        return Vec::new();
    }
    let Some(best) = closest(&value.value, valid.iter().copied()) else { return Vec::new() };
    let Some(path) = path_to_span(&src.config.root, value.span) else { return Vec::new() };
    let segs: Vec<Seg<'_>> = path.iter().map(PathStep::seg).collect();
    src.editor()
        .replace_value(&segs, &NewValue::string(best))
        .map(|e| {
            let title = format!("Replace `\"{}\"` by `\"{best}\"`", value.value);
            src.fix(title, e, true, Applicability::Suggestion)
        })
        .into_iter()
        .collect()
}

/// `unbound-durable-object`: bind class `class` in the top level's `durable_objects` under a
/// free `UPPER_SNAKE` name, and give it a lifecycle when it has none (the preferred option of
/// [`missing_migration`]), in one fix. Empty when a local binding of the top level names the class.
pub fn unbound_durable_object(src: &ConfigSource<'_>, class: &str, dir: &Path) -> Vec<Fix> {
    unbound_durable_object_with_wrangler(src, class, wrangler_version(dir))
}

/// [`unbound_durable_object`] with the project's wrangler version given (`None`: unknown).
pub fn unbound_durable_object_with_wrangler(
    src: &ConfigSource<'_>,
    class: &str,
    wrangler: Option<(u64, u64)>,
) -> Vec<Fix> {
    let top = &src.config.top;
    let bindings = top.durable_objects.as_ref().map_or(&[][..], |d| &d.bindings[..]);
    if class.is_empty()
        || bindings.iter().any(|b| b.is_local() && b.class_name.as_ref().is_some_and(|c| c.value == class))
    {
        return Vec::new();
    }
    let taken: Vec<&str> = bindings
        .iter()
        .filter_map(|b| b.name.as_ref().map(|n| n.value.as_str()))
        .chain(top.other_bindings.iter().map(|b| b.name.value.as_str()))
        .collect();
    let base = upper_snake(class);
    let mut name = base.clone();
    let mut i = 1;
    while taken.contains(&name.as_str()) {
        i += 1;
        name = format!("{base}_{i}");
    }
    let binding = NewValue::object([("name", NewValue::string(name.clone())), ("class_name", NewValue::string(class))]);
    let editor = src.editor();
    let Some(bind) = editor.append_to_array(&[Seg::Key("durable_objects"), Seg::Key("bindings")], &binding) else {
        return Vec::new();
    };
    let options = lifecycle_options(src, None, class);
    let prefer_exports = wrangler.is_none_or(|v| v >= EXPORTS_MIN_WRANGLER);
    let lifecycle = options.iter().find(|o| options.len() == 1 || o.uses_exports == prefer_exports);
    let edits = match lifecycle {
        None => vec![bind],
        Some(o) if o.edit.span.end <= bind.span.start || bind.span.end <= o.edit.span.start => {
            if o.edit.span.start == bind.span.start {
                // Both insert at one point: one edit, so their order is certain.
                match merge_edits(src.text, vec![bind, o.edit.clone()]) {
                    Some(e) => vec![e],
                    None => return Vec::new(),
                }
            } else {
                vec![bind, o.edit.clone()]
            }
        }
        Some(_) => return Vec::new(),
    };
    let what = if lifecycle.is_some() { " and give it SQLite storage" } else { "" };
    vec![Fix {
        title: format!("Add a binding `{name}` for `{class}`{what}"),
        edits: edits.into_iter().map(|e| src.edit(e)).collect(),
        preferred: true,
        applicability: Applicability::Suggestion,
    }]
}

/// What to do with a live class that `main` no longer exports.
#[derive(Clone, Copy)]
enum EndLife<'n> {
    /// Delete it (and its objects).
    Delete,
    /// Rename it to this class (which takes over its objects).
    RenameTo(&'n str),
}

/// Where a class is live: a `migrations` array in effect (its section), or an `exports` entry
/// (the path to its key).
#[derive(PartialEq)]
enum LiveSite {
    Migrations(Option<String>),
    Export(Vec<PathStep>),
}

/// `live-class-not-exported`: delete the live class `class` in every environment where it is
/// live: a new migration step `{ tag: <next>, deleted_classes: [class] }` in each `migrations`
/// array in effect, or `state: "deleted"` on its `exports` entries. This destroys the class's
/// objects, so never safe nor preferred. Empty when the class is live nowhere, or an environment
/// uses both `migrations` and `exports`.
pub fn delete_live_class(src: &ConfigSource<'_>, class: &str) -> Vec<Fix> {
    end_life(src, class, EndLife::Delete)
        .map(|(edit, via_exports)| {
            let how = if via_exports { "`state: \"deleted\"` in `exports`" } else { "new migration step" };
            let title = format!("Delete `{class}` and all its stored objects ({how})");
            Fix::single(title, edit, false, Applicability::Suggestion)
        })
        .into_iter()
        .collect()
}

/// `live-class-not-exported`: rename the live class `class` to `to` (a class with no lifecycle
/// yet, which takes over its objects) in every environment where it is live: a new migration
/// step `{ tag: <next>, renamed_classes: [{ from: class, to }] }`, or a `renamed` tombstone plus
/// a live entry for `to` (same storage) in `exports`. A suggestion (which class replaced which
/// is a guess); `preferred` as given.
pub fn rename_live_class(src: &ConfigSource<'_>, class: &str, to: &str, preferred: bool) -> Vec<Fix> {
    if !is_identifier(to) || to == class {
        return Vec::new();
    }
    end_life(src, class, EndLife::RenameTo(to))
        .map(|(edit, via_exports)| {
            let how = if via_exports { "`exports` entries" } else { "new migration step" };
            let title = format!("Rename `{class}` to `{to}` ({how})");
            Fix::single(title, edit, preferred, Applicability::Suggestion)
        })
        .into_iter()
        .collect()
}

/// The one edit that ends the life of `class` everywhere it is live, and whether it edits
/// `exports` (else `migrations`).
fn end_life(src: &ConfigSource<'_>, class: &str, how: EndLife<'_>) -> Option<(TextEdit, bool)> {
    let mut sites: Vec<LiveSite> = Vec::new();
    for env in src.config.resolved_envs() {
        let lifecycle = replay(&env);
        let Some(c) = lifecycle.class(class).filter(|c| c.is_live()) else { continue };
        let site = match lifecycle.model {
            LifecycleModel::Migrations => {
                let own = !effective_section(src.config, env.env_name(), "migrations").is_empty();
                LiveSite::Migrations(env.env_name().filter(|_| own).map(str::to_owned))
            }
            LifecycleModel::Exports => LiveSite::Export(path_to_key(&src.config.root, c.created.as_ref()?.span)?),
            LifecycleModel::None | LifecycleModel::Both => return None,
        };
        if !sites.contains(&site) {
            sites.push(site);
        }
    }
    let via_exports = matches!(sites.first()?, LiveSite::Export(_));
    let format = src.config.format;
    let mut text = src.text.to_string();
    for site in &sites {
        match site {
            LiveSite::Migrations(env) => end_in_migrations(&mut text, format, env.as_deref(), class, how)?,
            LiveSite::Export(path) => end_in_exports(&mut text, format, path, how)?,
        }
    }
    Some((src.edit(diff_edit(src.text, &text)?), via_exports))
}

/// Applies to `text` the edit `make` computes on it (read afresh); `None` when the text does not
/// parse or `make` gives none.
fn apply_step(
    text: &mut String,
    format: ConfigFormat,
    make: impl FnOnce(&ConfigEditor<'_>, &WorkerConfig) -> Option<ConfigEdit>,
) -> Option<()> {
    let config = read_config(text, format);
    if !config.syntax_errors.is_empty() {
        return None;
    }
    let edit = make(&ConfigEditor::new(text, &config), &config)?;
    *text = apply_edits(text, &[edit]);
    Some(())
}

/// Appends the step ending `class` to the `migrations` of section `env` (its own, or the top
/// level's).
fn end_in_migrations(
    text: &mut String,
    format: ConfigFormat,
    env: Option<&str>,
    class: &str,
    how: EndLife<'_>,
) -> Option<()> {
    apply_step(text, format, |editor, config| {
        let tag = config.resolved_env(env)?.migrations.map_or_else(|| "v1".to_string(), next_tag);
        let change = match how {
            EndLife::Delete => ("deleted_classes", NewValue::strings([class])),
            EndLife::RenameTo(to) => {
                let pair = NewValue::object([("from", NewValue::string(class)), ("to", NewValue::string(to))]);
                ("renamed_classes", NewValue::Array(vec![pair]))
            }
        };
        let step = NewValue::object([("tag", NewValue::string(tag)), change]);
        let mut path = section_path(env);
        path.push(Seg::Key("migrations"));
        editor.append_to_array(&path, &step)
    })
}

/// Turns the `exports` entry at `path` into a tombstone: `state: "deleted"`, or `state:
/// "renamed"` with `renamed_to` plus a live entry for the new name (the old one's storage and
/// container). The keys a tombstone may not have go.
fn end_in_exports(text: &mut String, format: ConfigFormat, path: &[PathStep], how: EndLife<'_>) -> Option<()> {
    let segs: Vec<Seg<'_>> = path.iter().map(PathStep::seg).collect();
    let (_, map_path) = segs.split_last()?;
    let (Seg::Key(_), section) = map_path.split_last()? else { return None };
    let (keys, storage, container) = {
        let config = read_config(text, format);
        let editor = ConfigEditor::new(text, &config);
        let ValueKind::Object(members) = &editor.lookup(&segs)?.kind else { return None };
        let member = |k: &str| members.iter().find(|m| m.key.value == k).map(|m| &m.value);
        let storage = member("storage")
            .and_then(|v| match &v.kind {
                ValueKind::String(s) if s == "legacy-kv" => Some("legacy-kv"),
                _ => None,
            })
            .unwrap_or("sqlite");
        let container = member("container").and_then(NewValue::from_value);
        if let EndLife::RenameTo(to) = how {
            let taken = matches!(editor.lookup(map_path).map(|v| &v.kind),
                Some(ValueKind::Object(entries)) if entries.iter().any(|m| m.key.value == to));
            if taken {
                return None;
            }
        }
        (members.iter().map(|m| m.key.value.clone()).collect::<Vec<_>>(), storage, container)
    };
    let (state, keep): (&str, &[&str]) = match how {
        EndLife::Delete => ("deleted", &["type", "state"]),
        EndLife::RenameTo(_) => ("renamed", &["type", "state", "renamed_to"]),
    };
    apply_step(text, format, |editor, _| editor.set_member(&segs, "state", &NewValue::string(state), &["type"]))?;
    if let EndLife::RenameTo(to) = how {
        apply_step(text, format, |editor, _| {
            editor.set_member(&segs, "renamed_to", &NewValue::string(to), &["state"])
        })?;
    }
    for key in keys.iter().filter(|k| !keep.contains(&k.as_str())) {
        let mut at = segs.clone();
        at.push(Seg::Key(key));
        apply_step(text, format, |editor, _| editor.remove(&at))?;
    }
    if let EndLife::RenameTo(to) = how {
        let mut live = vec![("type", NewValue::string("durable-object")), ("storage", NewValue::string(storage))];
        if let Some(container) = container {
            live.push(("container", container));
        }
        let entry = NewValue::object([(to, NewValue::object(live))]);
        apply_step(text, format, |editor, _| editor.set_member(section, "exports", &entry, &[]))?;
    }
    Some(())
}

/// `ChatRoom` → `CHAT_ROOM`.
fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let boundary = chars[i.saturating_sub(1)].is_lowercase() || chars[i.saturating_sub(1)].is_ascii_digit();
        if i > 0 && c.is_uppercase() && (boundary || next_lower) && !out.ends_with('_') {
            out.push('_');
        }
        out.push(if c.is_alphanumeric() { c.to_ascii_uppercase() } else { '_' });
    }
    out
}

/// One step of an owned path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PathStep {
    Key(String),
    Index(usize),
}

impl PathStep {
    fn seg(&self) -> Seg<'_> {
        match self {
            PathStep::Key(k) => Seg::Key(k),
            PathStep::Index(i) => Seg::Index(*i),
        }
    }
}

/// The path from `root` to the value whose span is `span`.
fn path_to_span(root: &Value, span: Span) -> Option<Vec<PathStep>> {
    find_path(root, &|v: &Value, _| v.span == span)
}

/// The path from `root` to the member whose key span is `span`.
fn path_to_key(root: &Value, span: Span) -> Option<Vec<PathStep>> {
    find_path(root, &|_, key: Option<Span>| key == Some(span))
}

/// Depth-first search for a value matching `hit(value, its key span)`.
fn find_path(root: &Value, hit: &dyn Fn(&Value, Option<Span>) -> bool) -> Option<Vec<PathStep>> {
    fn walk(v: &Value, key: Option<Span>, hit: &dyn Fn(&Value, Option<Span>) -> bool, out: &mut Vec<PathStep>) -> bool {
        if hit(v, key) {
            return true;
        }
        match &v.kind {
            ValueKind::Array(items) => items.iter().enumerate().any(|(i, item)| {
                out.push(PathStep::Index(i));
                walk(item, None, hit, out) || {
                    out.pop();
                    false
                }
            }),
            ValueKind::Object(members) => members.iter().any(|m| {
                out.push(PathStep::Key(m.key.value.clone()));
                walk(&m.value, Some(m.key.span), hit, out) || {
                    out.pop();
                    false
                }
            }),
            _ => false,
        }
    }
    let mut out = Vec::new();
    walk(root, None, hit, &mut out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::edit::apply_edits;
    use crate::config::{read_config, ConfigFormat, ConfigFormat::Jsonc, ConfigFormat::Toml, Storage};

    fn path() -> Arc<PathBuf> {
        Arc::new(PathBuf::from("/w/wrangler.jsonc"))
    }

    /// Applies `fix` to `text`.
    fn apply(text: &str, fix: &Fix) -> String {
        let edits: Vec<ConfigEdit> =
            fix.edits.iter().map(|e| ConfigEdit { span: e.span, new_text: e.new_text.clone() }).collect();
        apply_edits(text, &edits)
    }

    /// Runs `build` on `text`, applies fix `pick`, checks the result parses and that `build`
    /// offers nothing on it; returns the fixes and the fixed text.
    #[track_caller]
    fn run(
        text: &str,
        format: ConfigFormat,
        pick: usize,
        build: impl Fn(&ConfigSource<'_>) -> Vec<Fix>,
    ) -> (Vec<Fix>, String) {
        let p = path();
        let config = read_config(text, format);
        assert!(config.syntax_errors.is_empty(), "{:?}", config.syntax_errors);
        let fixes = build(&ConfigSource { path: &p, text, config: &config });
        let fix = fixes.get(pick).unwrap_or_else(|| panic!("no fix {pick} in {fixes:?}"));
        let out = apply(text, fix);
        let after = read_config(&out, format);
        assert!(after.syntax_errors.is_empty(), "{out}\n{:?}", after.syntax_errors);
        let again = build(&ConfigSource { path: &p, text: &out, config: &after });
        assert!(again.is_empty(), "not idempotent: {again:?}\n{out}");
        (fixes, out)
    }

    fn live(text: &str, format: ConfigFormat, env: Option<&str>, class: &str) -> Option<Option<Storage>> {
        let c = read_config(text, format);
        let l = replay(&c.resolved_env(env)?);
        l.class(class).filter(|c| c.is_live()).map(|c| c.storage)
    }

    const MIGRATIONS_JSONC: &str = r#"{
  "name": "chat",
  "durable_objects": {
    "bindings": [
      { "name": "ROOM", "class_name": "Room" },
      { "name": "HALL", "class_name": "Hall" }, // new
    ],
  },
  // History.
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Room"] },
  ],
}
"#;

    #[test]
    fn missing_migration_appends_a_step() {
        let (fixes, out) = run(MIGRATIONS_JSONC, Jsonc, 0, |s| missing_migration_with_wrangler(s, None, "Hall", None));
        assert_eq!(fixes.len(), 1);
        assert_eq!((fixes[0].preferred, fixes[0].applicability), (true, Applicability::Safe));
        assert_eq!(fixes[0].title, "Add a migration `v2` creating `Hall` with SQLite storage");
        assert_eq!(live(&out, Jsonc, None, "Hall"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
    }

    const ENV_TOML: &str = r#"name = "chat"

[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]

[env.staging]
name = "chat-staging"

[[env.staging.durable_objects.bindings]]
name = "HALL"
class_name = "Hall"

[[env.staging.migrations]]
tag = "init"
new_sqlite_classes = ["Lobby"]

[vars]
A = "1"
"#;

    #[test]
    fn missing_migration_in_an_env_with_its_own_migrations_toml() {
        let (fixes, out) =
            run(ENV_TOML, Toml, 0, |s| missing_migration_with_wrangler(s, Some("staging"), "Hall", None));
        assert_eq!(fixes[0].title, "Add a migration `v2` creating `Hall` with SQLite storage (in env.staging)");
        assert_eq!(live(&out, Toml, Some("staging"), "Hall"), Some(Some(Storage::Sqlite)));
        assert_eq!(live(&out, Toml, None, "Hall"), None);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn missing_migration_adds_an_exports_entry() {
        let text = "{\n\t\"durable_objects\": { \"bindings\": [{ \"name\": \"HALL\", \"class_name\": \"Hall\" }] },\n\t\"exports\": {\n\t\t\"Room\": { \"type\": \"durable-object\", \"storage\": \"sqlite\" }\n\t}\n}\n";
        let (fixes, out) = run(text, Jsonc, 0, |s| missing_migration_with_wrangler(s, None, "Hall", Some((4, 50))));
        assert_eq!((fixes.len(), fixes[0].applicability), (1, Applicability::Safe));
        assert_eq!(live(&out, Jsonc, None, "Hall"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let toml = "[[durable_objects.bindings]]\nname = \"HALL\"\nclass_name = \"Hall\"\n\n[exports.Room]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n";
        let (_, out) = run(toml, Toml, 0, |s| missing_migration_with_wrangler(s, None, "Hall", None));
        assert_eq!(live(&out, Toml, None, "Hall"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
    }

    const NO_LIFECYCLE: &str = "{\n    \"name\": \"chat\",\n    \"durable_objects\": {\n        \"bindings\": [{ \"name\": \"HALL\", \"class_name\": \"Hall\" }]\n    },\n    \"vars\": { \"A\": \"1\" }\n}\n";

    #[test]
    fn missing_migration_without_lifecycle_offers_both() {
        let (fixes, out) = run(NO_LIFECYCLE, Jsonc, 0, |s| missing_migration_with_wrangler(s, None, "Hall", None));
        let summary: Vec<_> = fixes.iter().map(|f| (f.title.as_str(), f.preferred, f.applicability)).collect();
        assert_eq!(
            summary,
            [
                ("Declare `Hall` in `exports` with SQLite storage", true, Applicability::Suggestion),
                ("Add a migration `v1` creating `Hall` with SQLite storage", false, Applicability::Suggestion),
            ]
        );
        assert_eq!(live(&out, Jsonc, None, "Hall"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let (fixes, out) =
            run(NO_LIFECYCLE, Jsonc, 1, |s| missing_migration_with_wrangler(s, None, "Hall", Some((4, 40))));
        assert!(!fixes[0].preferred && fixes[1].preferred);
        assert_eq!(live(&out, Jsonc, None, "Hall"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let toml = "name = \"chat\"\n\n[[durable_objects.bindings]]\nname = \"HALL\"\nclass_name = \"Hall\"\n\n[vars]\nA = \"1\"\n";
        for pick in [0, 1] {
            let (_, out) = run(toml, Toml, pick, |s| missing_migration_with_wrangler(s, None, "Hall", None));
            assert_eq!(live(&out, Toml, None, "Hall"), Some(Some(Storage::Sqlite)));
            insta::assert_snapshot!(out);
        }
    }

    #[test]
    fn missing_migration_after_a_delete_is_a_suggestion() {
        let text = r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Hall"] }, { "tag": "v2", "deleted_classes": ["Hall"] }] }"#;
        let (fixes, out) = run(text, Jsonc, 0, |s| missing_migration_with_wrangler(s, None, "Hall", None));
        assert_eq!((fixes[0].preferred, fixes[0].applicability), (false, Applicability::Suggestion));
        assert!(out.contains(r#"{ "tag": "v3", "new_sqlite_classes": ["Hall"] }"#), "{out}");
        let both = r#"{ "migrations": [{ "tag": "v1" }], "exports": { "A": { "type": "durable-object" } } }"#;
        let config = read_config(both, Jsonc);
        let p = path();
        let src = ConfigSource { path: &p, text: both, config: &config };
        assert!(missing_migration_with_wrangler(&src, None, "Hall", None).is_empty());
    }

    #[test]
    fn wrangler_versions() {
        assert_eq!(parse_version("^4.107.0"), Some((4, 107)));
        assert_eq!(parse_version("~4.120"), Some((4, 120)));
        assert_eq!(parse_version(">=4.110.2"), Some((4, 110)));
        assert_eq!(parse_version("4"), Some((4, 0)));
        assert_eq!(parse_version("4.x"), None);
        assert_eq!(parse_version("latest"), None);
        assert_eq!(parse_version("^3.0.0 || ^4.0.0"), None);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sub = dir.path().join("apps/chat");
        std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("package.json"), r#"{"devDependencies": {"wrangler": "^4.99.1"}}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(sub.join("package.json"), r#"{"name": "chat"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(wrangler_version(&sub), Some((4, 99)));
    }

    #[test]
    fn env_missing_durable_objects_copies_bindings() {
        let text = "{\n    \"durable_objects\": {\n        \"bindings\": [\n            { \"name\": \"ROOM\", \"class_name\": \"Room\" },\n            { \"name\": \"HALL\", \"class_name\": \"Hall\", \"script_name\": \"other\" }\n        ]\n    },\n    \"env\": {\n        \"staging\": {\n            \"durable_objects\": { \"bindings\": [{ \"name\": \"ROOM\", \"class_name\": \"Room\" }] }\n        },\n        \"production\": {}\n    }\n}\n";
        let (fixes, out) = run(text, Jsonc, 0, |s| env_missing_durable_objects(s, "staging"));
        assert_eq!(fixes[0].title, "Copy the binding `HALL` into env.staging");
        insta::assert_snapshot!(out);
        let (fixes, out) = run(text, Jsonc, 0, |s| env_missing_durable_objects(s, "production"));
        assert_eq!(fixes[0].title, "Copy the bindings `ROOM`, `HALL` into env.production");
        let c = read_config(&out, Jsonc);
        let names: Vec<_> = c.envs[1]
            .config
            .durable_objects
            .iter()
            .flat_map(|d| &d.bindings)
            .filter_map(|b| b.name.as_ref())
            .map(|n| n.value.as_str())
            .collect();
        assert_eq!(names, ["ROOM", "HALL"]);
        insta::assert_snapshot!(out);
        let (_, out) = run(ENV_TOML, Toml, 0, |s| env_missing_durable_objects(s, "staging"));
        let c = read_config(&out, Toml);
        assert_eq!(c.envs[0].config.durable_objects.as_ref().map(|d| d.bindings.len()), Some(2));
        insta::assert_snapshot!(out);
    }

    /// The span of the first `new_classes` literal naming `class` / the `storage` of `class`.
    fn kv_span(text: &str, format: ConfigFormat, class: &str) -> Span {
        let c = read_config(text, format);
        let from_steps =
            c.top.migrations.iter().flat_map(|m| &m.steps).flat_map(|s| &s.new_classes).find(|n| n.value == class);
        let from_exports = c
            .top
            .exports
            .iter()
            .flat_map(|e| &e.entries)
            .filter(|e| e.key.value == class)
            .find_map(|e| e.storage.clone());
        from_steps.map(|n| n.span).or(from_exports.map(|s| s.span)).unwrap_or_default()
    }

    #[test]
    fn kv_storage_backend_moves_to_sqlite() {
        let text = r#"{
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Room"] },
    { "tag": "v2", "new_classes": ["Hall"] }
  ]
}"#;
        let build = |s: &ConfigSource<'_>| kv_storage_backend(s, kv_span(s.text, Jsonc, "Hall"));
        let (fixes, out) = run(text, Jsonc, 0, build);
        assert_eq!(fixes[0].title, "Use SQLite storage for `Hall` (only before the class is first deployed)");
        assert_eq!(live(&out, Jsonc, None, "Hall"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let toml = "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Room\"]\nnew_classes = [\"Hall\", \"Kv\"]\n";
        let build = |s: &ConfigSource<'_>| kv_storage_backend(s, kv_span(s.text, Toml, "Hall"));
        let (_, out) = run(toml, Toml, 0, build);
        assert_eq!(live(&out, Toml, None, "Hall"), Some(Some(Storage::Sqlite)));
        assert_eq!(live(&out, Toml, None, "Kv"), Some(Some(Storage::Kv)));
        insta::assert_snapshot!(out);
        let toml = "[exports.Hall]\ntype = \"durable-object\"\nstorage = \"legacy-kv\" # old\n";
        let build = |s: &ConfigSource<'_>| kv_storage_backend(s, kv_span(s.text, Toml, "Hall"));
        let (_, out) = run(toml, Toml, 0, build);
        assert_eq!(out, "[exports.Hall]\ntype = \"durable-object\"\nstorage = \"sqlite\" # old\n");
    }

    fn tombstone(text: &str, format: ConfigFormat, key: &str) -> Option<ExportEntry> {
        let c = read_config(text, format);
        let entries = c.top.exports.map(|e| e.entries).unwrap_or_default();
        entries.into_iter().find(|e| e.key.value == key)
    }

    #[test]
    fn renamed_to_not_live_adds_the_entry() {
        let text = r#"{
  "exports": {
    "Old": { "type": "durable-object", "state": "renamed", "renamed_to": "New" }, // moved
  },
}"#;
        let build = |s: &ConfigSource<'_>| {
            tombstone(s.text, Jsonc, "Old").map(|e| renamed_to_not_live(s, &e)).unwrap_or_default()
        };
        let (_, out) = run(text, Jsonc, 0, build);
        assert_eq!(live(&out, Jsonc, None, "New"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let toml = "[exports.Old]\ntype = \"durable-object\"\nstate = \"renamed\"\nrenamed_to = \"New\"\n\n[vars]\nA = \"1\"\n";
        let build = |s: &ConfigSource<'_>| {
            tombstone(s.text, Toml, "Old").map(|e| renamed_to_not_live(s, &e)).unwrap_or_default()
        };
        let (_, out) = run(toml, Toml, 0, build);
        assert_eq!(live(&out, Toml, None, "New"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn misspelt_keys_and_values() {
        const KEYS: &[&str] = &["type", "state", "storage", "renamed_to", "container"];
        let text = r#"{ "exports": { "A": { "type": "durable-object", "stroage": "sqlit" } } }"#;
        let key_of = |t: &str, f| {
            let c = read_config(t, f);
            let v = ConfigEditor::new(t, &c).lookup(&[Seg::Key("exports"), Seg::Key("A")]).cloned();
            match v.map(|v| v.kind) {
                Some(ValueKind::Object(members)) => members.into_iter().map(|m| m.key).nth(1),
                _ => None,
            }
        };
        let (fixes, out) =
            run(text, Jsonc, 0, |s| key_of(s.text, Jsonc).map(|k| misspelt_key(s, &k, KEYS)).unwrap_or_default());
        assert_eq!(fixes[0].title, "Replace `stroage` by `storage`");
        assert_eq!(out, r#"{ "exports": { "A": { "type": "durable-object", "storage": "sqlit" } } }"#);
        let value_of = |t: &str, f| {
            let c = read_config(t, f);
            c.top.exports.and_then(|e| e.entries.into_iter().next()).and_then(|e| e.storage)
        };
        let (_, out) = run(&out, Jsonc, 0, |s| {
            value_of(s.text, Jsonc)
                .map(|v| misspelt_value(s, &v, &crate::platform::names(crate::platform::EXPORT_STORAGES)))
                .unwrap_or_default()
        });
        assert_eq!(live(&out, Jsonc, None, "A"), Some(Some(Storage::Sqlite)));
        let toml = "[exports.A]\ntype = \"durable-object\"\nstroage = 'sqlite'\n";
        let (_, out) =
            run(toml, Toml, 0, |s| key_of(s.text, Toml).map(|k| misspelt_key(s, &k, KEYS)).unwrap_or_default());
        assert_eq!(out, "[exports.A]\ntype = \"durable-object\"\nstorage = 'sqlite'\n");
    }

    #[test]
    fn unbound_durable_object_adds_binding_and_lifecycle() {
        let (fixes, out) =
            run(MIGRATIONS_JSONC, Jsonc, 0, |s| unbound_durable_object_with_wrangler(s, "ChatLobby", None));
        assert_eq!(fixes[0].title, "Add a binding `CHAT_LOBBY` for `ChatLobby` and give it SQLite storage");
        assert_eq!(live(&out, Jsonc, None, "ChatLobby"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let (_, out) = run(ENV_TOML, Toml, 0, |s| unbound_durable_object_with_wrangler(s, "Room2", None));
        assert_eq!(live(&out, Toml, None, "Room2"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        let (_, out) = run("", Toml, 0, |s| unbound_durable_object_with_wrangler(s, "Room", None));
        assert_eq!(live(&out, Toml, None, "Room"), Some(Some(Storage::Sqlite)));
        insta::assert_snapshot!(out);
        assert_eq!(upper_snake("ChatRoom"), "CHAT_ROOM");
        assert_eq!(upper_snake("MCPAgent2"), "MCP_AGENT2");
    }

    #[test]
    fn missing_migration_rule_offers_the_fix() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let config = "name = \"chat\"\n\n[[durable_objects.bindings]]\nname = \"ROOM\"\nclass_name = \"Room\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Lobby\"]\n";
        std::fs::write(root.join("wrangler.toml"), config).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("package.json"), r#"{"devDependencies": {"wrangler": "4.50.0"}}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let ws = crate::index::Workspace::load(vec![root.clone()], crate::index::IndexSettings::default());
        let findings = crate::analysis::analyze_worker(&ws, &root.join("wrangler.toml"), &Default::default());
        let finding = findings.iter().find(|f| f.rule == "missing-migration").unwrap_or_else(|| panic!("{findings:?}"));
        let [fix] = finding.fixes.as_slice() else { panic!("{:?}", finding.fixes) };
        assert_eq!((fix.preferred, fix.applicability), (true, Applicability::Safe));
        let out = apply(config, fix);
        assert!(out.ends_with("[[migrations]]\ntag = \"v2\"\nnew_sqlite_classes = [\"Room\"]\n"), "{out}");
    }
}
