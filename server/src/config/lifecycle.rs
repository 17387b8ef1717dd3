//! Replaying a resolved environment's Durable Object lifecycle (`migrations` steps in order, or
//! the declarative `exports` map) into the state of each class.

use super::model::*;
use super::resolve::ResolvedEnv;
use crate::text::{Span, Spanned};

/// Which lifecycle style an environment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LifecycleModel {
    /// Neither non-empty `migrations` nor a `durable-object` exports entry.
    #[default]
    None,
    /// A non-empty `migrations` array.
    Migrations,
    /// At least one `durable-object` entry in `exports`.
    Exports,
    /// Both (an error: they are mutually exclusive); `migrations` is replayed first.
    Both,
}

/// A class's storage backend; serialized as `sqlite` or `kv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// SQLite (`new_sqlite_classes`, `storage: "sqlite"`).
    Sqlite,
    /// KV (`new_classes`, `storage: "legacy-kv"`).
    Kv,
}

impl Storage {
    /// `sqlite` or `kv`: the name in JSON reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Storage::Sqlite => "sqlite",
            Storage::Kv => "kv",
        }
    }

    /// `SQLite` or `KV (legacy)`: the name for people.
    pub fn label(self) -> &'static str {
        match self {
            Storage::Sqlite => "SQLite",
            Storage::Kv => "KV (legacy)",
        }
    }
}

/// Where a class ended up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassState {
    /// Live in this Worker.
    Live,
    /// Deleted.
    Deleted,
    /// Renamed to another class (which carries its storage on).
    RenamedTo(String),
    /// Transferred to another Worker (its name when known).
    TransferredAway(String),
    /// An `exports` entry waiting for a transfer in: counts as live.
    ExpectingTransfer,
}

/// One lifecycle event of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleEvent {
    /// The migration tag (`None` for exports entries or steps without a tag).
    pub tag: Option<String>,
    /// The class name literal or the exports key.
    pub span: Span,
    /// What happened.
    pub kind: EventKind,
}

/// What happened to a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Created with this storage.
    Created(Storage),
    /// Took over the storage of a class with this name.
    RenamedFrom(String),
    /// Renamed to this name.
    RenamedTo(String),
    /// Deleted.
    Deleted,
    /// Transferred in from another script.
    TransferredIn {
        /// The `from_script`, when given.
        from_script: Option<String>,
    },
    /// Transferred to another Worker.
    TransferredAway,
    /// Waiting for a transfer in.
    ExpectingTransfer,
}

/// The lifecycle of one class name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassLifecycle {
    /// The class name.
    pub name: String,
    /// Its final state.
    pub state: ClassState,
    /// Its storage, when known.
    pub storage: Option<Storage>,
    /// The class-name literal in the step or entry that created it (or the rename target that
    /// made it).
    pub created: Option<Spanned<String>>,
    /// Every event, in order.
    pub history: Vec<LifecycleEvent>,
}

/// A step that does not fit the replayed state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceError {
    /// The class name literal at fault.
    pub span: Span,
    /// The class it names.
    pub class: String,
    /// What is wrong, in one line.
    pub message: String,
}

/// The replayed lifecycle of one resolved environment (the default: no class at all).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lifecycle {
    /// The style in use.
    pub model: LifecycleModel,
    /// Every class name seen, in order of first appearance.
    pub classes: Vec<ClassLifecycle>,
    /// Steps that do not fit the state replayed so far.
    pub sequence_errors: Vec<SequenceError>,
    /// Tags used twice: (first use, duplicate).
    pub duplicate_tags: Vec<(Spanned<String>, Spanned<String>)>,
}

impl Lifecycle {
    /// The lifecycle of class `name`.
    pub fn class(&self, name: &str) -> Option<&ClassLifecycle> {
        self.classes.iter().find(|c| c.name == name)
    }

    /// True when class `name` is live (or expecting a transfer in).
    pub fn is_live(&self, name: &str) -> bool {
        self.class(name).is_some_and(ClassLifecycle::is_live)
    }

    /// The live classes.
    pub fn live_classes(&self) -> impl Iterator<Item = &ClassLifecycle> {
        self.classes.iter().filter(|c| c.is_live())
    }

    fn entry(&mut self, name: &str) -> &mut ClassLifecycle {
        let i = match self.classes.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                self.classes.push(ClassLifecycle {
                    name: name.to_string(),
                    state: ClassState::Deleted,
                    storage: None,
                    created: None,
                    history: Vec::new(),
                });
                self.classes.len() - 1
            }
        };
        &mut self.classes[i]
    }

    fn error(&mut self, class: &Spanned<String>, message: String) {
        self.sequence_errors.push(SequenceError { span: class.span, class: class.value.clone(), message });
    }

    /// Makes `name` live (a create, rename target or transfer in).
    fn make_live(&mut self, name: &Spanned<String>, storage: Option<Storage>, event: LifecycleEvent) {
        let c = self.entry(&name.value);
        c.state = ClassState::Live;
        c.storage = storage;
        c.created = Some(name.clone());
        c.history.push(event);
    }

    /// Replays one migration step.
    fn step(&mut self, step: &MigrationStep) {
        let tag = step.tag.as_ref().map(|t| t.value.clone());
        let event = |span: Span, kind: EventKind| LifecycleEvent { tag: tag.clone(), span, kind };
        let creates = step
            .new_sqlite_classes
            .iter()
            .map(|n| (n, Storage::Sqlite))
            .chain(step.new_classes.iter().map(|n| (n, Storage::Kv)));
        for (name, storage) in creates {
            if self.is_live(&name.value) {
                self.error(name, format!("class `{}` is already live: it cannot be created again", name.value));
            }
            self.make_live(name, Some(storage), event(name.span, EventKind::Created(storage)));
        }
        for r in &step.renamed_classes {
            let (Some(from), Some(to)) = (&r.from, &r.to) else {
                continue;
            };
            if !self.is_live(&from.value) {
                self.error(from, format!("class `{}` is not live: it cannot be renamed", from.value));
            }
            if self.is_live(&to.value) {
                self.error(to, format!("class `{}` is already live: a class cannot be renamed onto it", to.value));
            }
            let storage = self.class(&from.value).and_then(|c| c.storage);
            let old = self.entry(&from.value);
            old.state = ClassState::RenamedTo(to.value.clone());
            old.history.push(event(from.span, EventKind::RenamedTo(to.value.clone())));
            self.make_live(to, storage, event(to.span, EventKind::RenamedFrom(from.value.clone())));
        }
        for name in &step.deleted_classes {
            if !self.is_live(&name.value) {
                self.error(name, format!("class `{}` is not live: it cannot be deleted", name.value));
            }
            let c = self.entry(&name.value);
            c.state = ClassState::Deleted;
            c.history.push(event(name.span, EventKind::Deleted));
        }
        for t in &step.transferred_classes {
            let Some(to) = &t.to else { continue };
            let from_script = t.from_script.as_ref().map(|s| s.value.clone());
            if self.is_live(&to.value) {
                self.error(to, format!("class `{}` is already live: it cannot be transferred in", to.value));
            }
            self.make_live(to, None, event(to.span, EventKind::TransferredIn { from_script }));
        }
    }

    /// Replays one `durable-object` exports entry.
    fn export(&mut self, e: &ExportEntry) {
        let storage = e.storage.as_ref().and_then(|s| match s.value.as_str() {
            "sqlite" => Some(Storage::Sqlite),
            "legacy-kv" => Some(Storage::Kv),
            _ => None,
        });
        let event = |kind| LifecycleEvent { tag: None, span: e.key.span, kind };
        let text = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.value.clone()).unwrap_or_default();
        let (state, kind) = match e.state.as_ref().map_or("created", |s| s.value.as_str()) {
            "deleted" => (ClassState::Deleted, EventKind::Deleted),
            "renamed" => {
                let to = text(&e.renamed_to);
                (ClassState::RenamedTo(to.clone()), EventKind::RenamedTo(to))
            }
            "transferred" => (ClassState::TransferredAway(text(&e.transferred_to)), EventKind::TransferredAway),
            "expecting-transfer" => (ClassState::ExpectingTransfer, EventKind::ExpectingTransfer),
            // `created` and unknown states (reported by shape validation) count as live.
            _ => (ClassState::Live, EventKind::Created(storage.unwrap_or(Storage::Sqlite))),
        };
        let live = matches!(state, ClassState::Live | ClassState::ExpectingTransfer);
        let c = self.entry(&e.key.value);
        c.state = state;
        c.storage = storage;
        if live {
            c.created = Some(e.key.clone());
        }
        c.history.push(event(kind));
    }
}

impl ClassLifecycle {
    /// True when the class is live (or expecting a transfer in).
    pub fn is_live(&self) -> bool {
        matches!(self.state, ClassState::Live | ClassState::ExpectingTransfer)
    }
}

/// Replays the lifecycle of a resolved environment: its `migrations` steps in order, then its
/// `durable-object` exports entries. An invalid step is recorded as a [`SequenceError`] and then
/// applied as it most likely means, so one mistake does not cascade.
pub fn replay(env: &ResolvedEnv<'_>) -> Lifecycle {
    let steps = env.migrations.map_or(&[][..], |m| &m.steps[..]);
    let entries = env.exports.map_or(&[][..], |e| &e.entries[..]);
    let has_exports = entries.iter().any(|e| e.kind == ExportType::DurableObject);
    let has_migrations = env.migrations.is_some_and(|m| !m.steps.is_empty());
    let model = match (has_migrations, has_exports) {
        (false, false) => LifecycleModel::None,
        (true, false) => LifecycleModel::Migrations,
        (false, true) => LifecycleModel::Exports,
        (true, true) => LifecycleModel::Both,
    };
    let mut l = Lifecycle { model, classes: Vec::new(), sequence_errors: Vec::new(), duplicate_tags: Vec::new() };
    let mut seen: Vec<&Spanned<String>> = Vec::new();
    for step in steps {
        if let Some(tag) = &step.tag {
            match seen.iter().find(|t| t.value == tag.value) {
                Some(first) => l.duplicate_tags.push(((*first).clone(), tag.clone())),
                None => seen.push(tag),
            }
        }
        l.step(step);
    }
    for e in entries.iter().filter(|e| e.kind == ExportType::DurableObject) {
        l.export(e);
    }
    l
}

/// The next free migration tag: `v(N+1)` when every tag is `v<digits>` (N the largest), else
/// `v<steps+1>` made unique with a suffix when taken.
pub fn next_tag(migrations: &Migrations) -> String {
    let tags: Vec<&str> = migrations.steps.iter().filter_map(|s| s.tag.as_ref()).map(|t| t.value.as_str()).collect();
    let numbers: Option<Vec<u64>> = tags
        .iter()
        .map(|t| t.strip_prefix('v').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?.parse().ok())
        .collect();
    if let Some(n) = numbers.and_then(|ns| ns.into_iter().max()) {
        return format!("v{}", n.saturating_add(1));
    }
    let base = format!("v{}", migrations.steps.len() + 1);
    let mut candidate = base.clone();
    let mut i = 1;
    while tags.contains(&candidate.as_str()) {
        i += 1;
        candidate = format!("{base}-{i}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::read_config;

    fn lifecycle(json: &str) -> Lifecycle {
        let c = read_config(json, ConfigFormat::Jsonc);
        assert!(c.syntax_errors.is_empty(), "{:?}", c.syntax_errors);
        c.resolved_env(None).map(|e| replay(&e)).unwrap_or_else(|| panic!("no top level"))
    }

    #[test]
    fn rename_chain_delete_and_transfer() {
        let text = r#"{ "migrations": [
  { "tag": "v1", "new_sqlite_classes": ["A"], "new_classes": ["K"] },
  { "tag": "v2", "renamed_classes": [{ "from": "A", "to": "B" }] },
  { "tag": "v3", "renamed_classes": [{ "from": "B", "to": "C" }] },
  { "tag": "v4", "deleted_classes": ["K"] },
  { "tag": "v5", "transferred_classes": [{ "from": "X", "from_script": "other", "to": "T" }] }
] }"#;
        let l = lifecycle(text);
        assert_eq!(l.model, LifecycleModel::Migrations);
        assert!(l.sequence_errors.is_empty(), "{:?}", l.sequence_errors);
        let live: Vec<_> = l.live_classes().map(|c| c.name.as_str()).collect();
        assert_eq!(live, ["C", "T"]);
        let a = l.class("A").map(|c| c.state.clone());
        assert_eq!(a, Some(ClassState::RenamedTo("B".into())));
        let c = l.class("C").unwrap_or_else(|| panic!("C"));
        assert_eq!(c.storage, Some(Storage::Sqlite));
        assert_eq!(c.history[0].kind, EventKind::RenamedFrom("B".into()));
        assert_eq!(c.history[0].tag.as_deref(), Some("v3"));
        let created = c.created.as_ref().map(|s| s.span).unwrap_or_default();
        assert_eq!(&text[created.start..created.end], "\"C\"");
        assert_eq!(l.class("K").map(|c| (c.state.clone(), c.storage)), Some((ClassState::Deleted, Some(Storage::Kv))));
        assert!(!l.is_live("K"));
        let t = l.class("T").unwrap_or_else(|| panic!("T"));
        assert_eq!(t.storage, None);
        assert_eq!(t.history[0].kind, EventKind::TransferredIn { from_script: Some("other".into()) });
        assert!(l.class("X").is_none());
    }

    #[test]
    fn sequence_errors_and_duplicate_tags() {
        let text = r#"{ "migrations": [
  { "tag": "v1", "new_sqlite_classes": ["A"] },
  { "tag": "v1", "new_sqlite_classes": ["A"] },
  { "tag": "v3", "deleted_classes": ["Nope"], "renamed_classes": [{ "from": "Ghost", "to": "G" }] },
  { "tag": "v4", "new_sqlite_classes": ["B"], "renamed_classes": [{ "from": "A", "to": "B" }] }
] }"#;
        let l = lifecycle(text);
        let messages: Vec<_> = l.sequence_errors.iter().map(|e| &text[e.span.start..e.span.end]).collect();
        assert_eq!(messages, ["\"A\"", "\"Ghost\"", "\"Nope\"", "\"B\""]);
        assert!(l.sequence_errors[0].message.contains("already live"));
        assert_eq!(l.duplicate_tags.len(), 1);
        let (first, dup) = &l.duplicate_tags[0];
        assert!(first.span.start < dup.span.start);
        // Invalid steps still apply as meant: the rename made G live, B holds A's storage.
        assert!(l.is_live("G") && l.is_live("B") && !l.is_live("A"));
    }

    #[test]
    fn exports_states() {
        let text = r#"{ "exports": {
  "Live": { "type": "durable-object", "storage": "sqlite" },
  "Kv": { "type": "durable-object", "state": "created", "storage": "legacy-kv" },
  "Gone": { "type": "durable-object", "state": "deleted" },
  "Old": { "type": "durable-object", "state": "renamed", "renamed_to": "Live" },
  "Away": { "type": "durable-object", "state": "transferred", "transferred_to": "other" },
  "Coming": { "type": "durable-object", "state": "expecting-transfer", "storage": "sqlite", "transfer_from": "x" },
  "default": { "type": "worker" }
} }"#;
        let l = lifecycle(text);
        assert_eq!(l.model, LifecycleModel::Exports);
        let state = |n: &str| l.class(n).map(|c| c.state.clone());
        assert_eq!(state("Live"), Some(ClassState::Live));
        assert_eq!(l.class("Kv").and_then(|c| c.storage), Some(Storage::Kv));
        assert_eq!(state("Gone"), Some(ClassState::Deleted));
        assert_eq!(state("Old"), Some(ClassState::RenamedTo("Live".into())));
        assert_eq!(state("Away"), Some(ClassState::TransferredAway("other".into())));
        assert_eq!(state("Coming"), Some(ClassState::ExpectingTransfer));
        assert!(l.is_live("Coming"));
        assert!(l.class("default").is_none());
        let live: Vec<_> = l.live_classes().map(|c| c.name.as_str()).collect();
        assert_eq!(live, ["Live", "Kv", "Coming"]);
        let key = l.class("Live").and_then(|c| c.created.as_ref()).map(|s| s.span).unwrap_or_default();
        assert_eq!(&text[key.start..key.end], "\"Live\"");
    }

    #[test]
    fn models() {
        assert_eq!(lifecycle("{}").model, LifecycleModel::None);
        assert_eq!(
            lifecycle(r#"{"migrations": [], "exports": {"d": {"type": "worker"}}}"#).model,
            LifecycleModel::None
        );
        let both = r#"{"migrations": [{"tag": "v1"}], "exports": {"A": {"type": "durable-object"}}}"#;
        assert_eq!(lifecycle(both).model, LifecycleModel::Both);
    }

    fn migrations(tags: &[&str]) -> Migrations {
        let steps = tags
            .iter()
            .map(|t| MigrationStep { tag: Some(Spanned::new(t.to_string(), Span::default())), ..Default::default() })
            .collect();
        Migrations { span: Span::default(), steps }
    }

    #[test]
    fn next_tags() {
        assert_eq!(next_tag(&migrations(&[])), "v1");
        assert_eq!(next_tag(&migrations(&["v1", "v2"])), "v3");
        assert_eq!(next_tag(&migrations(&["v1", "v10", "v3"])), "v11");
        assert_eq!(next_tag(&migrations(&["init", "second"])), "v3");
        assert_eq!(next_tag(&migrations(&["init", "v3", "v3-2"])), "v4");
        assert_eq!(next_tag(&migrations(&["a", "v4", "v4-2"])), "v4-3");
    }
}
