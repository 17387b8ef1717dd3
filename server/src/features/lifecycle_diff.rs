//! What the next deploy does to each Worker's Durable Objects (`durable-lsp lifecycle`): every
//! environment's lifecycle (the top level and each `env.<name>`, replayed) at the baseline
//! revision (git `HEAD`, or `--base`) against the working tree, as the classes it creates,
//! deletes, renames and transfers, the storage changes the platform refuses, and the findings of
//! `migration-history-changed` (committed steps edited or removed). Rendered as text, as
//! markdown (a pull request comment) or as JSON (the model itself).
//!
//! The comparison is of states, not of steps: a class live at the base and deleted in the working
//! tree is a delete, whichever step or `exports` entry says so, and a config that moves from
//! `migrations` to `exports` with the same classes and storage changes nothing.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::relative;
use crate::analysis::{Analysis, RuleId};
use crate::config::lifecycle::{replay, ClassLifecycle, ClassState, EventKind, Lifecycle, Storage};
use crate::index::git::{self, GitError};
use crate::index::{Baseline, Workspace};
use crate::text::position::LineIndex;

/// The first line of the markdown report: a pull request comment that carries it is the one a
/// later run updates (the GitHub Action looks for it).
pub const MARKER: &str = "<!-- durable-lsp lifecycle -->";

/// What the next deploy does, per Worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifecycleDiff {
    /// The revision compared with, as given (`HEAD` by default).
    pub base: String,
    /// Every Worker that is deployed (test configs are not), by config path.
    pub workers: Vec<WorkerDiff>,
}

/// What the next deploy does to one Worker's Durable Objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerDiff {
    /// Its `name`, if the config has one.
    pub name: Option<String>,
    /// Its config, relative to the base folder.
    pub config: String,
    /// What the config was compared with.
    pub baseline: BaselineState,
    /// The commit the base revision names in the config's repository (full id), when in git.
    pub commit: Option<String>,
    /// The changes, deletes first (see [`Change`] for the order).
    pub changes: Vec<ClassChange>,
    /// The findings of `migration-history-changed` in the config.
    pub history: Vec<HistoryFinding>,
}

/// What a config was compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaselineState {
    /// The config as committed at the base revision.
    Committed,
    /// The config is not in the base commit: its whole lifecycle is new.
    New,
    /// The config is in no git repository (or its branch has no commit yet): its whole
    /// lifecycle is new.
    NotInGit,
    /// The committed config could not be read (too large, binary): its whole lifecycle counts as
    /// new.
    Unreadable,
}

/// One change to one class, in every environment where the deploy makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassChange {
    /// The environments: `null` for the top level, else the env's name.
    pub environments: Vec<Option<String>>,
    /// The class (for a rename, its old name).
    pub class: String,
    /// What happens to it.
    #[serde(flatten)]
    pub change: Change,
}

/// What the deploy does to a class. The variants are in report order: destructive first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// Deleted: every object of the class and its stored data are destroyed.
    Delete {
        /// Its storage at the base.
        storage: Option<Storage>,
    },
    /// Its storage differs between the base and the working tree: the platform converts no
    /// class's storage once it exists.
    StorageChange {
        /// At the base.
        from: Storage,
        /// In the working tree.
        to: Storage,
    },
    /// Renamed: objects and data move to the new name.
    Rename {
        /// The new name.
        to: String,
        /// Its storage.
        storage: Option<Storage>,
    },
    /// Transferred to another Worker: objects and data move there.
    TransferOut {
        /// The Worker, when the config names it.
        to_script: Option<String>,
    },
    /// Transferred in from another Worker (or waiting for it): objects and data move here.
    TransferIn {
        /// The Worker, when the config names it.
        from_script: Option<String>,
    },
    /// Created.
    Create {
        /// Its storage, when known.
        storage: Option<Storage>,
    },
}

/// A finding of `migration-history-changed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryFinding {
    /// The config, relative to the base folder.
    pub path: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong (the finding's first line).
    pub message: String,
}

/// What the next deploy does to the Durable Objects of every Worker of `ws`, each config
/// compared with itself at the workspace's baseline revision
/// ([`crate::index::IndexSettings::baseline_rev`], `HEAD` when unset); paths relative to
/// `base`. `Err` when that revision names no commit in a repository that holds a config, or the
/// repository cannot be read.
pub fn lifecycle_diff(ws: &Workspace, base: &Path) -> Result<LifecycleDiff, GitError> {
    let rev = ws.settings().baseline_rev.clone().unwrap_or_else(|| "HEAD".to_owned());
    let rel = |p: &Path| relative(p, base).replace('\\', "/");
    let mut workers: Vec<_> = ws.workers().filter(|w| w.test.is_none()).collect();
    workers.sort_by(|a, b| a.config_path.cmp(&b.config_path));
    let mut analysis = Analysis::default();
    let configs: Vec<Arc<std::path::PathBuf>> = workers.iter().map(|w| w.config_path.clone()).collect();
    analysis.analyse(ws, &configs);
    let mut out = Vec::new();
    for worker in workers {
        let path = &worker.config_path;
        let commit = git::commit_id(path, &rev)?;
        let baseline = ws.baseline(path);
        let state = match (&commit, baseline) {
            (None, _) => BaselineState::NotInGit,
            (Some(_), Baseline::Committed(_)) => BaselineState::Committed,
            (Some(_), Baseline::Absent) => BaselineState::New,
            (Some(_), Baseline::Unknown) => BaselineState::Unreadable,
        };
        let mut changes: Vec<ClassChange> = Vec::new();
        for env in worker.config.resolved_envs() {
            let before = baseline.lifecycle(env.env_name()).unwrap_or_default();
            for (class, change) in diff(&before, &replay(&env)) {
                let name = env.env_name().map(str::to_owned);
                match changes.iter_mut().find(|c| c.class == class && c.change == change) {
                    Some(same) => same.environments.push(name),
                    None => changes.push(ClassChange { environments: vec![name], class, change }),
                }
            }
        }
        changes.sort_by_key(|c| c.change.rank());
        let lines = ws.text(path).map(|t| LineIndex::new(&t));
        let history = analysis
            .findings(path)
            .iter()
            .filter(|f| f.rule == RuleId::MigrationHistoryChanged)
            .map(|f| HistoryFinding {
                path: rel(&f.location.path),
                line: lines.as_ref().map_or(0, |l| l.line_of(f.location.span.start)) + 1,
                message: f.headline().to_owned(),
            })
            .collect();
        out.push(WorkerDiff {
            name: worker.name().map(str::to_owned),
            config: rel(path),
            baseline: state,
            commit,
            changes,
            history,
        });
    }
    Ok(LifecycleDiff { base: rev, workers: out })
}

/// What turns lifecycle `before` into `now`, as (class, change) in the order of `now`'s classes:
/// first what happens to the classes live before, then the classes that become live.
fn diff(before: &Lifecycle, now: &Lifecycle) -> Vec<(String, Change)> {
    let mut out = Vec::new();
    // Where the classes live before went by renames: those names are not new classes.
    let mut renamed_to: Vec<&str> = Vec::new();
    for class in &now.classes {
        let Some(old) = before.class(&class.name).filter(|c| c.is_live()) else { continue };
        let storage = old.storage;
        let change = match &class.state {
            ClassState::Live | ClassState::ExpectingTransfer => {
                if deletes(class) > deletes(old) {
                    // Deleted and created again by steps new in the working tree: its data is gone.
                    out.push((class.name.clone(), Change::Delete { storage }));
                    Some(Change::Create { storage: class.storage })
                } else {
                    match (old.storage, class.storage) {
                        (Some(from), Some(to)) if from != to => Some(Change::StorageChange { from, to }),
                        _ => None,
                    }
                }
            }
            ClassState::Deleted => Some(Change::Delete { storage }),
            ClassState::TransferredAway(to) => Some(Change::TransferOut { to_script: script(to) }),
            ClassState::RenamedTo(_) => {
                let end = renamed_end(now, class);
                match &end.state {
                    ClassState::Deleted => Some(Change::Delete { storage }),
                    ClassState::TransferredAway(to) => Some(Change::TransferOut { to_script: script(to) }),
                    _ => {
                        renamed_to.push(&end.name);
                        Some(Change::Rename { to: end.name.clone(), storage })
                    }
                }
            }
        };
        out.extend(change.map(|c| (class.name.clone(), c)));
    }
    for class in now.live_classes() {
        if before.is_live(&class.name) || renamed_to.contains(&class.name.as_str()) {
            continue;
        }
        let change = class
            .history
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::TransferredIn { from_script } => {
                    Some(Change::TransferIn { from_script: from_script.clone() })
                }
                EventKind::ExpectingTransfer => Some(Change::TransferIn { from_script: None }),
                EventKind::Created(_) | EventKind::RenamedFrom(_) => Some(Change::Create { storage: class.storage }),
                _ => None,
            })
            .unwrap_or(Change::Create { storage: class.storage });
        out.push((class.name.clone(), change));
    }
    out
}

/// How many times a class was deleted.
fn deletes(class: &ClassLifecycle) -> usize {
    class.history.iter().filter(|e| e.kind == EventKind::Deleted).count()
}

/// A Worker's name, `None` when empty.
fn script(name: &str) -> Option<String> {
    (!name.is_empty()).then(|| name.to_owned())
}

/// Where a chain of renames from `class` ends in `now`: the last class it reaches (bounded, so a
/// cycle of renames cannot loop).
fn renamed_end<'a>(now: &'a Lifecycle, class: &'a ClassLifecycle) -> &'a ClassLifecycle {
    let mut end = class;
    for _ in 0..now.classes.len() {
        let ClassState::RenamedTo(to) = &end.state else { break };
        match now.class(to) {
            Some(next) => end = next,
            None => break,
        }
    }
    end
}

impl Change {
    /// The report order: destructive first.
    fn rank(&self) -> u8 {
        match self {
            Change::Delete { .. } => 0,
            Change::StorageChange { .. } => 1,
            Change::Rename { .. } => 2,
            Change::TransferOut { .. } => 3,
            Change::TransferIn { .. } => 4,
            Change::Create { .. } => 5,
        }
    }

    /// `delete`, `rename`: one word for the text report.
    fn verb(&self) -> &'static str {
        match self {
            Change::Delete { .. } => "delete",
            Change::StorageChange { .. } => "storage",
            Change::Rename { .. } => "rename",
            Change::TransferOut { .. } | Change::TransferIn { .. } => "transfer",
            Change::Create { .. } => "create",
        }
    }

    /// What it means, in one sentence without the class name.
    fn detail(&self) -> String {
        let storage = |s: &Option<Storage>| s.map(|s| format!(" ({} storage)", s.label())).unwrap_or_default();
        let worker = |s: &Option<String>| s.as_ref().map_or("another Worker".to_owned(), |s| format!("Worker `{s}`"));
        match self {
            Change::Delete { storage: s } => {
                format!("destroys all objects of the class and their stored data{}", storage(s))
            }
            Change::StorageChange { from, to } => format!(
                "{} -> {}: refused by the platform, a class's storage cannot be converted once it exists",
                from.label(),
                to.label()
            ),
            Change::Rename { to, storage: s } => format!("to `{to}`: objects and their data move to it{}", storage(s)),
            Change::TransferOut { to_script } => format!("to {}: objects and their data move there", worker(to_script)),
            Change::TransferIn { from_script } => {
                format!("in from {}: objects and their data move here", worker(from_script))
            }
            Change::Create { storage: Some(s) } => format!("new class, {} storage", s.label()),
            Change::Create { storage: None } => "new class".to_owned(),
        }
    }
}

impl ClassChange {
    /// `the top level, env.staging`.
    fn environments(&self) -> String {
        let label = |e: &Option<String>| e.as_ref().map_or("top level".to_owned(), |e| format!("env.{e}"));
        self.environments.iter().map(label).collect::<Vec<_>>().join(", ")
    }
}

impl WorkerDiff {
    /// `chat (chat/wrangler.jsonc)`, or the config alone when the Worker has no name.
    fn title(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.config),
            None => self.config.clone(),
        }
    }

    /// True when the deploy changes nothing and no committed step was edited.
    fn unchanged(&self) -> bool {
        self.changes.is_empty() && self.history.is_empty()
    }

    /// What the config was compared with, for people.
    fn compared(&self, base: &str) -> String {
        let at = self.commit.as_deref().map_or_else(|| format!("`{base}`"), |commit| revision(base, commit));
        match self.baseline {
            BaselineState::Committed => format!("compared with {at}"),
            BaselineState::New => format!("not in {at}: its whole lifecycle is new"),
            BaselineState::NotInGit => "not in a git repository: its whole lifecycle is new".to_owned(),
            BaselineState::Unreadable => format!("git could not read it at {at}: its whole lifecycle counts as new"),
        }
    }
}

/// The report as text: per Worker, what it is compared with, then each change (deletes first)
/// and the edited committed steps; "no change to Durable Objects" for a Worker without any.
pub fn text(diff: &LifecycleDiff) -> String {
    let mut out = String::new();
    for worker in &diff.workers {
        let _ = writeln!(out, "{}: {}", worker.title(), worker.compared(&diff.base));
        if worker.unchanged() {
            out.push_str("  no change to Durable Objects\n");
        }
        for change in &worker.changes {
            let _ = writeln!(
                out,
                "  {:<8}  {} ({}): {}",
                change.change.verb(),
                change.class,
                change.environments(),
                change.change.detail()
            );
        }
        if !worker.history.is_empty() {
            out.push_str("  committed migration history edited (migration-history-changed):\n");
            for finding in &worker.history {
                let _ = writeln!(out, "    {}:{}: {}", finding.path, finding.line, finding.message);
            }
        }
    }
    if diff.workers.is_empty() {
        out.push_str("no deployed Worker: no change to Durable Objects\n");
    }
    out
}

/// `` `main` (`1a2b3c4`) ``, or `` `1a2b3c4` `` when the revision is (a prefix of) the commit id.
fn revision(base: &str, commit: &str) -> String {
    let short = commit.get(..7).unwrap_or(commit);
    if !base.is_empty() && commit.starts_with(base) {
        format!("`{short}`")
    } else {
        format!("`{base}` (`{short}`)")
    }
}

/// Text for a markdown table cell: `|` escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The report as markdown, a pull request comment: the [`MARKER`], a heading, a table of the
/// changes of every Worker (deletes first, marked), the Workers whose whole lifecycle is new,
/// then the edited committed steps as a list. Workers without a change are left out; with no
/// change at all, one line says so.
pub fn markdown(diff: &LifecycleDiff) -> String {
    let mut out = format!("{MARKER}\n### Durable Objects: what the next deploy does\n\n");
    if diff.workers.iter().all(WorkerDiff::unchanged) {
        let _ = writeln!(out, "No change to Durable Objects (compared with `{}`).", cell(&diff.base));
        return out;
    }
    let mut rows: Vec<(&WorkerDiff, &ClassChange)> =
        diff.workers.iter().flat_map(|w| w.changes.iter().map(move |c| (w, c))).collect();
    rows.sort_by_key(|(_, c)| c.change.rank());
    let commits: Vec<&str> = diff.workers.iter().filter_map(|w| w.commit.as_deref()).collect();
    let at = match commits.first() {
        Some(first) if commits.iter().all(|c| c == first) => revision(&diff.base, first),
        _ => format!("`{}`", diff.base),
    };
    let _ = writeln!(out, "Compared with {}.\n", cell(&at));
    if rows.is_empty() {
        out.push_str("No class is created, deleted, renamed or transferred.\n\n");
    } else {
        out.push_str("| Worker | environment | class | change | storage / detail |\n|---|---|---|---|---|\n");
        for (worker, c) in rows {
            let name = worker.name.as_deref().map_or_else(|| format!("`{}`", worker.config), |n| format!("`{n}`"));
            let class = match &c.change {
                Change::Rename { to, .. } => format!("`{}` → `{to}`", c.class),
                _ => format!("`{}`", c.class),
            };
            let storage = |s: &Option<Storage>| s.map_or("unknown storage".to_owned(), |s| s.label().to_owned());
            let worker_name = |s: &Option<String>| s.as_ref().map_or("another Worker".to_owned(), |s| format!("`{s}`"));
            let (change, detail) = match &c.change {
                Change::Delete { storage: s } => {
                    ("⚠️ **delete**", format!("⚠️ deletes all objects and data ({})", storage(s)))
                }
                Change::StorageChange { from, to } => (
                    "⛔ **storage change**",
                    format!("{} → {}: refused, a class's storage cannot be converted", from.label(), to.label()),
                ),
                Change::Rename { storage: s, .. } => ("rename", format!("objects and data move ({})", storage(s))),
                Change::TransferOut { to_script } => ("transfer out", format!("to {}", worker_name(to_script))),
                Change::TransferIn { from_script } => ("transfer in", format!("from {}", worker_name(from_script))),
                Change::Create { storage: s } => ("create", storage(s)),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {change} | {} |",
                cell(&name),
                cell(&c.environments()),
                cell(&class),
                cell(&detail)
            );
        }
        out.push('\n');
    }
    let mut notes = diff.workers.iter().filter(|w| !w.unchanged() && w.baseline != BaselineState::Committed).peekable();
    let any_note = notes.peek().is_some();
    for worker in notes {
        let _ = writeln!(out, "- `{}`: {}", cell(&worker.config), worker.compared(&diff.base));
    }
    if any_note {
        out.push('\n');
    }
    let history: Vec<&HistoryFinding> = diff.workers.iter().flat_map(|w| &w.history).collect();
    if !history.is_empty() {
        out.push_str("#### Committed migration history edited (`migration-history-changed`)\n\n");
        out.push_str(
            "A committed step is most likely deployed: wrangler never sends it again, and replays every step when its tag is gone.\n\n",
        );
        for finding in history {
            let _ = writeln!(out, "- `{}:{}`: {}", finding.path, finding.line, finding.message);
        }
    }
    format!("{}\n", out.trim_end())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use super::*;
    use crate::config::{read_config, ConfigFormat};
    use crate::index::IndexSettings;

    use crate::index::git::test_repo::git;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }

    const MAIN: &str = "import { DurableObject } from \"cloudflare:workers\";\nexport class Cart extends DurableObject {}\nexport default { fetch: () => new Response(\"ok\") };\n";

    /// The shop as committed: four classes at the top level, one in `env.staging`.
    const SHOP: &str = r#"{
  "name": "shop",
  "main": "src/index.ts",
  "compatibility_date": "2026-10-01",
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Cart", "Orders"], "new_classes": ["Legacy", "Counter"] }
  ],
  "env": {
    "staging": {
      "migrations": [
        { "tag": "s1", "new_sqlite_classes": ["Cart"] }
      ]
    }
  }
}
"#;

    /// The shop in the working tree: `v1` edited (`Counter` moved from KV to SQLite), and a new
    /// step that deletes `Legacy`, renames `Orders` and creates `Audit`; `env.staging` gets a
    /// KV class and a class transferred in.
    const SHOP_NOW: &str = r#"{
  "name": "shop",
  "main": "src/index.ts",
  "compatibility_date": "2026-10-01",
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Cart", "Orders", "Counter"], "new_classes": ["Legacy"] },
    {
      "tag": "v2",
      "deleted_classes": ["Legacy"],
      "renamed_classes": [{ "from": "Orders", "to": "Purchases" }],
      "new_sqlite_classes": ["Audit"]
    }
  ],
  "env": {
    "staging": {
      "migrations": [
        { "tag": "s1", "new_sqlite_classes": ["Cart"] },
        {
          "tag": "s2",
          "new_classes": ["Sessions"],
          "transferred_classes": [{ "from": "Basket", "from_script": "old-shop", "to": "Basket" }]
        }
      ]
    }
  }
}
"#;

    const STATIC: &str = r#"{
  "name": "static",
  "main": "src/index.ts",
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Cart"] }]
}
"#;

    /// A repository with the shop and an unchanged Worker committed, then the shop edited.
    fn repository() -> Option<(tempfile::TempDir, PathBuf, String)> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        write(&root, "shop/wrangler.jsonc", SHOP);
        write(&root, "shop/src/index.ts", MAIN);
        write(&root, "static/wrangler.jsonc", STATIC);
        write(&root, "static/src/index.ts", MAIN);
        if !git(&root, &["init", "-q"]) {
            return None;
        }
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", "shop"]);
        let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(&root).output().ok()?;
        let head = String::from_utf8_lossy(&head.stdout).trim().to_owned();
        write(&root, "shop/wrangler.jsonc", SHOP_NOW);
        Some((dir, root, head))
    }

    fn report(root: &Path, base: Option<&str>) -> Result<LifecycleDiff, GitError> {
        let settings = IndexSettings { baseline_rev: base.map(str::to_owned), ..IndexSettings::default() };
        let ws = Workspace::load(vec![root.to_path_buf()], settings);
        lifecycle_diff(&ws, root)
    }

    /// `text` with the commit ids replaced, so snapshots do not depend on them.
    fn redact(text: &str, head: &str) -> String {
        text.replace(head, "<commit>").replace(head.get(..7).unwrap_or(head), "<short>")
    }

    #[test]
    fn a_working_tree_against_head_as_text_markdown_and_json() {
        let Some((_dir, root, head)) = repository() else { return };
        let diff = report(&root, None).unwrap_or_else(|e| panic!("{e}"));
        let shop = &diff.workers[0];
        assert_eq!((shop.name.as_deref(), shop.baseline), (Some("shop"), BaselineState::Committed));
        let changes: Vec<(&str, &Change, Vec<Option<&str>>)> = shop
            .changes
            .iter()
            .map(|c| (c.class.as_str(), &c.change, c.environments.iter().map(Option::as_deref).collect()))
            .collect();
        assert_eq!(
            changes,
            [
                ("Legacy", &Change::Delete { storage: Some(Storage::Kv) }, vec![None]),
                ("Counter", &Change::StorageChange { from: Storage::Kv, to: Storage::Sqlite }, vec![None]),
                ("Orders", &Change::Rename { to: "Purchases".into(), storage: Some(Storage::Sqlite) }, vec![None]),
                ("Basket", &Change::TransferIn { from_script: Some("old-shop".into()) }, vec![Some("staging")]),
                ("Audit", &Change::Create { storage: Some(Storage::Sqlite) }, vec![None]),
                ("Sessions", &Change::Create { storage: Some(Storage::Kv) }, vec![Some("staging")]),
            ]
        );
        // The edited `v1`, as the rule reports it.
        assert_eq!(shop.history.len(), 1, "{:?}", shop.history);
        assert_eq!((shop.history[0].path.as_str(), shop.history[0].line), ("shop/wrangler.jsonc", 6));
        let quiet = &diff.workers[1];
        assert_eq!((quiet.name.as_deref(), quiet.changes.len(), quiet.history.len()), (Some("static"), 0, 0));
        insta::assert_snapshot!("lifecycle_text", redact(&text(&diff), &head));
        insta::assert_snapshot!("lifecycle_markdown", redact(&markdown(&diff), &head));
        let json = serde_json::to_string_pretty(&diff).unwrap_or_default();
        insta::assert_snapshot!("lifecycle_json", redact(&json, &head));
    }

    #[test]
    fn nothing_changed_and_the_base_revision() {
        let Some((_dir, root, head)) = repository() else { return };
        std::fs::write(root.join("shop/wrangler.jsonc"), SHOP).unwrap_or_else(|e| panic!("{e}"));
        let diff = report(&root, Some("main")).unwrap_or_else(|e| panic!("{e}"));
        assert!(diff.workers.iter().all(|w| w.changes.is_empty() && w.history.is_empty()), "{diff:#?}");
        assert_eq!(diff.workers[0].commit.as_deref(), Some(head.as_str()));
        let md = markdown(&diff);
        assert!(md.starts_with(&format!("{MARKER}\n")), "{md}");
        assert!(md.contains("No change to Durable Objects (compared with `main`)."), "{md}");
        assert!(!md.contains('|'), "no table: {md}");
        assert!(text(&diff).contains("shop (shop/wrangler.jsonc): compared with `main`"));
        // A commit id is shown once, short.
        let by_id = report(&root, Some(&head)).unwrap_or_else(|e| panic!("{e}"));
        let line = text(&by_id).lines().next().map(str::to_owned).unwrap_or_default();
        assert_eq!(line, format!("shop (shop/wrangler.jsonc): compared with `{}`", &head[..7]));
        // An unknown revision is an error, not an empty baseline.
        match report(&root, Some("no-such-branch")) {
            Err(GitError::UnknownRevision { rev, .. }) => assert_eq!(rev, "no-such-branch"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn outside_git_everything_is_new() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        if root.ancestors().any(|d| d.join(".git").exists()) {
            return;
        }
        write(&root, "wrangler.jsonc", SHOP_NOW);
        let diff = report(&root, None).unwrap_or_else(|e| panic!("{e}"));
        let shop = &diff.workers[0];
        assert_eq!(shop.baseline, BaselineState::NotInGit);
        let created: Vec<&str> = shop
            .changes
            .iter()
            .filter(|c| matches!(c.change, Change::Create { .. } | Change::TransferIn { .. }))
            .map(|c| c.class.as_str())
            .collect();
        assert_eq!(created.len(), shop.changes.len(), "only creations: {:?}", shop.changes);
        // Transfers before creations; `Cart`, created alike in both sections, once.
        assert_eq!(created, ["Basket", "Cart", "Counter", "Audit", "Purchases", "Sessions"]);
        assert_eq!(shop.changes[1].environments, [None, Some("staging".to_owned())]);
        assert!(text(&diff).contains("not in a git repository: its whole lifecycle is new"));
    }

    fn lifecycle(json: &str) -> Lifecycle {
        let c = read_config(json, ConfigFormat::Jsonc);
        c.resolved_env(None).map(|e| replay(&e)).unwrap_or_default()
    }

    #[test]
    fn states_not_steps() {
        let migrations = r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["A"], "new_classes": ["K"] }] }"#;
        let exports = r#"{ "exports": {
            "A": { "type": "durable-object", "storage": "sqlite" },
            "K": { "type": "durable-object", "storage": "legacy-kv" } } }"#;
        // Moving from `migrations` to `exports` with the same classes changes nothing.
        assert_eq!(diff(&lifecycle(migrations), &lifecycle(exports)), []);
        // `exports` states: deleted, renamed, transferred away.
        let moved = r#"{ "exports": {
            "A": { "type": "durable-object", "state": "renamed", "renamed_to": "B" },
            "B": { "type": "durable-object", "storage": "sqlite" },
            "K": { "type": "durable-object", "state": "transferred", "transferred_to": "other" } } }"#;
        assert_eq!(
            diff(&lifecycle(exports), &lifecycle(moved)),
            [
                ("A".to_owned(), Change::Rename { to: "B".into(), storage: Some(Storage::Sqlite) }),
                ("K".to_owned(), Change::TransferOut { to_script: Some("other".into()) }),
            ]
        );
        // Deleted and created again in new steps: the data is gone all the same.
        let again = r#"{ "migrations": [
            { "tag": "v1", "new_sqlite_classes": ["A"], "new_classes": ["K"] },
            { "tag": "v2", "deleted_classes": ["A"] },
            { "tag": "v3", "new_sqlite_classes": ["A"], "renamed_classes": [{ "from": "K", "to": "K2" }] },
            { "tag": "v4", "deleted_classes": ["K2"] } ] }"#;
        assert_eq!(
            diff(&lifecycle(migrations), &lifecycle(again)),
            [
                ("A".to_owned(), Change::Delete { storage: Some(Storage::Sqlite) }),
                ("A".to_owned(), Change::Create { storage: Some(Storage::Sqlite) }),
                ("K".to_owned(), Change::Delete { storage: Some(Storage::Kv) }),
            ]
        );
    }
}
