//! Replaying a resolved environment's Durable Object lifecycle (`migrations` steps in order, or
//! the declarative `exports` map) into the state of each class.

use super::model::*;
use super::resolve::ResolvedEnv;
use crate::text::{Span, Spanned};

/// Which lifecycle style an environment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleModel {
    /// Neither non-empty `migrations` nor a `durable-object` exports entry.
    None,
    /// A non-empty `migrations` array.
    Migrations,
    /// At least one `durable-object` entry in `exports`.
    Exports,
    /// Both (an error: they are mutually exclusive); `migrations` is replayed first.
    Both,
}

/// A class's storage backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// SQLite (`new_sqlite_classes`, `storage: "sqlite"`).
    Sqlite,
    /// KV (`new_classes`, `storage: "legacy-kv"`).
    Kv,
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
    /// What is wrong, in one line.
    pub message: String,
}

/// The replayed lifecycle of one resolved environment.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    fn error(&mut self, span: Span, message: String) {
        self.sequence_errors.push(SequenceError { span, message });
    }

    /// Makes `name` live (a create, rename target or transfer in).
    fn make_live(
        &mut self,
        name: &Spanned<String>,
        storage: Option<Storage>,
        event: LifecycleEvent,
    ) {
        let c = self.entry(&name.value);
        c.state = ClassState::Live;
        c.storage = storage;
        c.created = Some(name.clone());
        c.history.push(event);
    }

    /// Replays one migration step.
    fn step(&mut self, step: &MigrationStep) {
        let tag = step.tag.as_ref().map(|t| t.value.clone());
        let event = |span: Span, kind: EventKind| LifecycleEvent {
            tag: tag.clone(),
            span,
            kind,
        };
        let creates = step
            .new_sqlite_classes
            .iter()
            .map(|n| (n, Storage::Sqlite))
            .chain(step.new_classes.iter().map(|n| (n, Storage::Kv)));
        for (name, storage) in creates {
            if self.is_live(&name.value) {
                self.error(
                    name.span,
                    format!(
                        "class `{}` is already live: it cannot be created again",
                        name.value
                    ),
                );
            }
            self.make_live(
                name,
                Some(storage),
                event(name.span, EventKind::Created(storage)),
            );
        }
        for r in &step.renamed_classes {
            let (Some(from), Some(to)) = (&r.from, &r.to) else {
                continue;
            };
            if !self.is_live(&from.value) {
                self.error(
                    from.span,
                    format!("class `{}` is not live: it cannot be renamed", from.value),
                );
            }
            if self.is_live(&to.value) {
                self.error(
                    to.span,
                    format!(
                        "class `{}` is already live: a class cannot be renamed onto it",
                        to.value
                    ),
                );
            }
            let storage = self.class(&from.value).and_then(|c| c.storage);
            let old = self.entry(&from.value);
            old.state = ClassState::RenamedTo(to.value.clone());
            old.history
                .push(event(from.span, EventKind::RenamedTo(to.value.clone())));
            self.make_live(
                to,
                storage,
                event(to.span, EventKind::RenamedFrom(from.value.clone())),
            );
        }
        for name in &step.deleted_classes {
            if !self.is_live(&name.value) {
                self.error(
                    name.span,
                    format!("class `{}` is not live: it cannot be deleted", name.value),
                );
            }
            let c = self.entry(&name.value);
            c.state = ClassState::Deleted;
            c.history.push(event(name.span, EventKind::Deleted));
        }
        for t in &step.transferred_classes {
            let Some(to) = &t.to else { continue };
            let from_script = t.from_script.as_ref().map(|s| s.value.clone());
            if self.is_live(&to.value) {
                self.error(
                    to.span,
                    format!(
                        "class `{}` is already live: it cannot be transferred in",
                        to.value
                    ),
                );
            }
            self.make_live(
                to,
                None,
                event(to.span, EventKind::TransferredIn { from_script }),
            );
        }
    }

    /// Replays one `durable-object` exports entry.
    fn export(&mut self, e: &ExportEntry) {
        let storage = e.storage.as_ref().and_then(|s| match s.value.as_str() {
            "sqlite" => Some(Storage::Sqlite),
            "legacy-kv" => Some(Storage::Kv),
            _ => None,
        });
        let event = |kind| LifecycleEvent {
            tag: None,
            span: e.key.span,
            kind,
        };
        let text =
            |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.value.clone()).unwrap_or_default();
        let (state, kind) = match e.state.as_ref().map_or("created", |s| s.value.as_str()) {
            "deleted" => (ClassState::Deleted, EventKind::Deleted),
            "renamed" => {
                let to = text(&e.renamed_to);
                (ClassState::RenamedTo(to.clone()), EventKind::RenamedTo(to))
            }
            "transferred" => (
                ClassState::TransferredAway(text(&e.transferred_to)),
                EventKind::TransferredAway,
            ),
            "expecting-transfer" => (ClassState::ExpectingTransfer, EventKind::ExpectingTransfer),
            // `created` and unknown states (reported by shape validation) count as live.
            _ => (
                ClassState::Live,
                EventKind::Created(storage.unwrap_or(Storage::Sqlite)),
            ),
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
    let mut l = Lifecycle {
        model,
        classes: Vec::new(),
        sequence_errors: Vec::new(),
        duplicate_tags: Vec::new(),
    };
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
    for e in entries
        .iter()
        .filter(|e| e.kind == ExportType::DurableObject)
    {
        l.export(e);
    }
    l
}

/// The next free migration tag: `v(N+1)` when every tag is `v<digits>` (N the largest), else
/// `v<steps+1>` made unique with a suffix when taken.
pub fn next_tag(migrations: &Migrations) -> String {
    let tags: Vec<&str> = migrations
        .steps
        .iter()
        .filter_map(|s| s.tag.as_ref())
        .map(|t| t.value.as_str())
        .collect();
    let numbers: Option<Vec<u64>> = tags
        .iter()
        .map(|t| {
            t.strip_prefix('v')
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?
                .parse()
                .ok()
        })
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
