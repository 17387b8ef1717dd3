//! The cold index in steps, so a caller can publish and report progress between them.
//!
//! [`Loading::start`] finds the files and reads the settings and every wrangler config (few and
//! small: they say where the Workers are). Sources are then read in batches
//! ([`Loading::load_batch`]); a Worker someone is looking at jumps the queue
//! ([`Loading::load_workers_of`]): its folder, the folders of the Workers its bindings name
//! through `script_name`, and every file those import by a relative path from elsewhere, so
//! its findings are the ones the whole workspace gives. [`Loading::finish`] reads the rest.
//! [`Workspace::load`] is all of it in one call.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::discover::{self, FoundFile};
use super::modules::resolve_with;
use super::{load_all, Loaded, Workspace};
use crate::index::IndexSettings;

/// A workspace being read from disk.
pub struct Loading {
    ws: Workspace,
    /// Sources not read yet, sorted by path (folders are contiguous ranges).
    pending: Vec<FoundFile>,
    /// Files to read in all (configs and sources).
    total: usize,
}

impl Loading {
    /// Finds the files under `roots`, reads the settings files and every wrangler config.
    pub fn start(roots: Vec<PathBuf>, settings: IndexSettings) -> Loading {
        let roots: Vec<PathBuf> = roots.into_iter().map(|r| std::fs::canonicalize(&r).unwrap_or(r)).collect();
        let mut ws = Workspace { roots, settings, ..Default::default() };
        let mut found = discover::discover(&ws.roots);
        let mut settings_paths: Vec<PathBuf> =
            ws.roots.iter().flat_map(|r| discover::settings_files_above(r)).collect();
        settings_paths.extend(found.iter().filter(|f| discover::is_settings_file(&f.path)).map(|f| f.path.clone()));
        settings_paths.sort();
        settings_paths.dedup();
        for path in settings_paths {
            ws.load_settings_file(&path);
        }
        found.retain(|f| !discover::is_settings_file(&f.path) && !ws.is_excluded(&f.path));
        let total = found.len();
        let (configs, mut pending): (Vec<FoundFile>, Vec<FoundFile>) = found.into_iter().partition(|f| f.is_config);
        pending.sort_by(|a, b| a.path.cmp(&b.path));
        let mut loading = Loading { ws, pending, total };
        loading.store(configs);
        loading.ws.rebuild_workers();
        loading
    }

    /// Files read so far, and files to read in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.total - self.pending.len(), self.total)
    }

    /// True when every file is read.
    pub fn is_done(&self) -> bool {
        self.pending.is_empty()
    }

    /// The workspace as read so far (every config; the sources read so far).
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Reads the next `count` sources.
    pub fn load_batch(&mut self, count: usize) {
        let rest = self.pending.split_off(count.min(self.pending.len()));
        let batch = std::mem::replace(&mut self.pending, rest);
        self.store(batch);
    }

    /// Reads what the Workers of `paths` (each file's nearest Worker above it) need for their
    /// findings to be those of the whole workspace, and returns those Workers' config paths,
    /// built and with their git baselines read. The rest of the workspace waits.
    pub fn load_workers_of(&mut self, paths: &[PathBuf]) -> Vec<Arc<PathBuf>> {
        let mut configs: Vec<Arc<PathBuf>> = paths.iter().filter_map(|p| self.nearest_config(p)).collect();
        configs.sort();
        configs.dedup();
        if configs.is_empty() {
            return configs;
        }
        // The Workers' folders, then the folders of the Workers they reach through `script_name`
        // (rules read what those export and create).
        let mut dirs: Vec<PathBuf> = configs.iter().filter_map(|c| c.parent().map(Path::to_path_buf)).collect();
        for config in &configs {
            let Some(worker) = self.ws.worker(config) else { continue };
            for name in worker.script_names() {
                for target in self.ws.workers_named(name, &worker.dir) {
                    dirs.push(target.dir.clone());
                }
            }
        }
        self.load_under(&dirs);
        // What those files import from outside the folders, transitively.
        let mut frontier: Vec<Arc<PathBuf>> =
            self.ws.sources.keys().filter(|p| dirs.iter().any(|d| p.starts_with(d))).cloned().collect();
        let mut seen: FxHashSet<Arc<PathBuf>> = frontier.iter().cloned().collect();
        while !frontier.is_empty() {
            let mut wanted: Vec<PathBuf> = Vec::new();
            for path in &frontier {
                let Some(file) = self.ws.sources.get(path) else { continue };
                for specifier in file.facts.module_specifiers() {
                    // The file the import names: one read already, or one to read now.
                    let hit = resolve_with(path, specifier, |c| {
                        if self.ws.sources.contains_key(&c.to_path_buf()) {
                            Some(None)
                        } else {
                            self.is_pending(c).then(|| Some(c.to_path_buf()))
                        }
                    });
                    wanted.extend(hit.flatten());
                }
            }
            wanted.sort();
            wanted.dedup();
            let taken = self.take_pending(|p| wanted.binary_search_by(|w| w.as_path().cmp(p)).is_ok());
            frontier = taken.iter().map(|f| Arc::new(f.path.clone())).filter(|p| seen.insert(p.clone())).collect();
            self.store(taken);
        }
        self.ws.rebuild_workers();
        for config in &configs {
            self.ws.refresh_baseline(config);
        }
        configs
    }

    /// Reads the rest; the workspace is then the one [`Workspace::load`] gives.
    pub fn finish(mut self) -> Workspace {
        self.load_batch(usize::MAX);
        self.ws.rebuild_workers();
        self.ws.refresh_baselines();
        // Every Worker is analysed once the whole workspace is read, whatever was analysed
        // before (its findings may depend on files read since).
        let all: Vec<Arc<PathBuf>> = self.ws.workers.keys().cloned().collect();
        self.ws.dirty.extend(all);
        self.ws
    }

    /// The config of the nearest Worker at or above `path`.
    fn nearest_config(&self, path: &Path) -> Option<Arc<PathBuf>> {
        self.ws
            .configs
            .keys()
            .filter(|c| c.parent().is_some_and(|d| path.starts_with(d)))
            .max_by_key(|c| (c.components().count(), std::cmp::Reverse((*c).clone())))
            .cloned()
    }

    /// True when `path` is a source not read yet.
    fn is_pending(&self, path: &Path) -> bool {
        self.pending.binary_search_by(|f| f.path.as_path().cmp(path)).is_ok()
    }

    /// Reads the pending sources under `dirs`.
    fn load_under(&mut self, dirs: &[PathBuf]) {
        let taken = self.take_pending(|p| dirs.iter().any(|d| p.starts_with(d)));
        self.store(taken);
    }

    /// Removes and returns the pending files whose path `pred` accepts.
    fn take_pending(&mut self, pred: impl Fn(&Path) -> bool) -> Vec<FoundFile> {
        let (taken, kept): (Vec<FoundFile>, Vec<FoundFile>) =
            std::mem::take(&mut self.pending).into_iter().partition(|f| pred(&f.path));
        self.pending = kept;
        taken
    }

    /// Reads `files` (in parallel) into the workspace.
    fn store(&mut self, files: Vec<FoundFile>) {
        if files.is_empty() {
            return;
        }
        for (path, loaded) in load_all(files, &self.ws.settings) {
            match loaded {
                Loaded::Source(file) => {
                    self.ws.sources.insert(path, file);
                }
                Loaded::Config(file) => {
                    self.ws.configs.insert(path, file);
                }
            }
        }
    }
}
