//! What each wrangler config said at the baseline revision: git `HEAD` (in the editor and for a
//! plain `check`), or the commit a pull request branches from (`check --changed BASE`). Rules ask
//! it to tell a lifecycle step that is most likely deployed (committed) from one that is new in
//! this change (only in the working tree).
//!
//! Read in process from the repository's objects ([`super::git`]): no `git` process, no project
//! code, no network. A baseline is kept per config with the commit it was read at; refreshing
//! resolves the revision again (a few small files) and reads the committed text only when the
//! commit moved.

use std::path::Path;
use std::sync::Arc;

use super::git;
use crate::config::lifecycle::{self, Lifecycle};
use crate::config::{read_config, ConfigFormat, WorkerConfig};

/// What a config file said at the baseline revision.
#[derive(Debug, Clone, Default)]
pub enum Baseline {
    /// Nothing is known: the file is in no git repository, the branch has no commit yet, the
    /// revision names no commit, or the repository could not be read.
    #[default]
    Unknown,
    /// The file is not in the baseline commit: it is new (or untracked), so is every step in it.
    Absent,
    /// The file as committed.
    Committed(Arc<CommittedConfig>),
}

impl Baseline {
    /// The replayed lifecycle of environment `env` (`None`: the top level) at the baseline
    /// revision: `None` when git cannot tell ([`Baseline::Unknown`]); no class when the file is
    /// not in that commit or has no such environment there.
    pub fn lifecycle(&self, env: Option<&str>) -> Option<Lifecycle> {
        match self {
            Baseline::Unknown => None,
            Baseline::Absent => Some(Lifecycle::default()),
            Baseline::Committed(config) => {
                Some(config.resolved_env(env).map(|view| lifecycle::replay(&view)).unwrap_or_default())
            }
        }
    }
}

/// A config as committed: what it says and its text (a fix that restores a committed step
/// copies it from there). Derefs to the [`WorkerConfig`].
#[derive(Debug)]
pub struct CommittedConfig {
    /// The config read from the committed text.
    pub config: WorkerConfig,
    /// The committed text.
    pub text: String,
}

impl std::ops::Deref for CommittedConfig {
    type Target = WorkerConfig;

    fn deref(&self) -> &WorkerConfig {
        &self.config
    }
}

/// A baseline and the commit it was read at.
#[derive(Debug, Clone, Default)]
pub(crate) struct BaselineEntry {
    commit: Option<String>,
    pub(crate) baseline: Baseline,
}

impl BaselineEntry {
    /// True when both were read at the same commit (or both outside git).
    pub(crate) fn same_commit(&self, other: &BaselineEntry) -> bool {
        self.commit == other.commit
            && matches!(
                (&self.baseline, &other.baseline),
                (Baseline::Unknown, Baseline::Unknown)
                    | (Baseline::Absent, Baseline::Absent)
                    | (Baseline::Committed(_), Baseline::Committed(_))
            )
    }
}

/// The baseline of the config at `path` for `rev`; `previous` is re-used when `rev` still names
/// the commit it was read at.
pub(crate) fn read(path: &Path, rev: &str, previous: Option<&BaselineEntry>) -> BaselineEntry {
    let commit = match git::commit_id(path, rev) {
        Ok(Some(commit)) => commit,
        Ok(None) => return BaselineEntry::default(),
        // A revision of another repository (`check --changed` names one of the current folder's).
        Err(err @ git::GitError::UnknownRevision { .. }) if rev != "HEAD" => {
            tracing::debug!("{}: no baseline from git: {err}", path.display());
            return BaselineEntry::default();
        }
        Err(err) => {
            tracing::warn!("{}: no baseline from git: {err}", path.display());
            return BaselineEntry::default();
        }
    };
    if let Some(previous) = previous.filter(|p| p.commit.as_deref() == Some(commit.as_str())) {
        return previous.clone();
    }
    let baseline = match git::committed_text(path, &commit) {
        Ok(Some(text)) => {
            let toml = path.extension().is_some_and(|e| e == "toml");
            let format = if toml { ConfigFormat::Toml } else { ConfigFormat::Jsonc };
            Baseline::Committed(Arc::new(CommittedConfig { config: read_config(&text, format), text }))
        }
        Ok(None) => Baseline::Absent,
        Err(err) => {
            tracing::warn!("{}: no baseline from git: {err}", path.display());
            Baseline::Unknown
        }
    };
    BaselineEntry { commit: Some(commit), baseline }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use crate::index::{Baseline, IndexSettings, Workspace};

    use crate::index::git::test_repo::git;

    fn config(steps: usize) -> String {
        let steps: Vec<String> =
            (1..=steps).map(|i| format!(r#"{{ "tag": "v{i}", "new_classes": ["C{i}"] }}"#)).collect();
        format!(r#"{{ "name": "w", "main": "src/index.ts", "migrations": [{}] }}"#, steps.join(", "))
    }

    fn steps(ws: &Workspace, path: &Path) -> Option<usize> {
        match ws.baseline(path) {
            Baseline::Committed(config) => Some(config.top.migrations.as_ref().map_or(0, |m| m.steps.len())),
            Baseline::Absent => Some(0),
            Baseline::Unknown => None,
        }
    }

    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(root.join("src")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("src/index.ts"), "export default {};\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("wrangler.jsonc"), config(1)).unwrap_or_else(|e| panic!("{e}"));
        (dir, root)
    }

    #[test]
    fn the_baseline_follows_commits_not_edits() {
        let (_dir, root) = project();
        let path = root.join("wrangler.jsonc");
        // Outside git: unknown.
        let ws = Workspace::load(vec![root.clone()], IndexSettings::default());
        assert_eq!(steps(&ws, &path), None);
        if !git(&root, &["init", "-q"]) {
            return;
        }
        // A repository without a commit: unknown (every file is new, but nothing is deployed
        // either way).
        let ws = Workspace::load(vec![root.clone()], IndexSettings::default());
        assert_eq!(steps(&ws, &path), None);
        git(&root, &["add", "src"]);
        git(&root, &["commit", "-q", "-m", "code"]);
        // Committed code, the config untracked: absent, every step in it is new.
        let ws = Workspace::load(vec![root.clone()], IndexSettings::default());
        assert_eq!(steps(&ws, &path), Some(0));
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "config"]);
        let mut ws = Workspace::load(vec![root.clone()], IndexSettings::default());
        assert_eq!(steps(&ws, &path), Some(1));
        ws.take_dirty();

        // Edits in the editor and on disk leave it alone.
        ws.open(&path, &config(2), 1);
        assert_eq!(steps(&ws, &path), Some(1));
        std::fs::write(&path, config(2)).unwrap_or_else(|e| panic!("{e}"));
        ws.close(&path);
        assert_eq!(steps(&ws, &path), Some(1));
        ws.take_dirty();
        // A commit moves the branch: the watcher reports the ref, the baseline is read again
        // and the Worker is analysed again.
        git(&root, &["commit", "-q", "-am", "two"]);
        ws.disk_changed(&root.join(".git/refs/heads/main"));
        assert_eq!(steps(&ws, &path), Some(2));
        assert_eq!(ws.take_dirty(), vec![std::sync::Arc::new(path.clone())]);
        // Nothing moved: nothing to analyse.
        ws.refresh_baselines();
        assert!(ws.take_dirty().is_empty());
        // Another baseline revision (what `check --changed` sets): the first commit's config.
        let first = String::from_utf8_lossy(
            &Command::new("git")
                .args(["rev-list", "--max-parents=0", "HEAD"])
                .current_dir(&root)
                .output()
                .map(|o| o.stdout)
                .unwrap_or_default(),
        )
        .trim()
        .to_owned();
        let mut settings = ws.settings().clone();
        settings.baseline_rev = Some("HEAD~1".to_owned());
        ws.set_settings(settings);
        assert_eq!(steps(&ws, &path), Some(1));
        let settings = IndexSettings { baseline_rev: Some(first), ..IndexSettings::default() };
        let ws = Workspace::load(vec![root.clone()], settings);
        assert_eq!(steps(&ws, &path), Some(0), "the first commit has no config");
    }
}
