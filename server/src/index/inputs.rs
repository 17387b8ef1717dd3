//! What every Worker's analysis may read beside its own sources, as one hash: the shared half
//! of the findings cache's key (`analysis/findings_cache.rs`; the other half is recorded per
//! Worker, [`super::reads`]).
//!
//! Deliberately wide: a change to any of it (a file added or removed anywhere, a config, a
//! settings file, a package.json's scripts, a module graph, a git baseline) re-analyses every
//! Worker. Those change seldom; what changes from run to run is a source's text, and that
//! re-analyses only the Workers whose analysis read it.

use std::fmt::Write as _;
use std::path::Path;

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::{Baseline, Workspace};

/// Feeds `Debug` output and bytes to a hasher, each item followed by a separator.
struct Feed(Xxh3);

impl std::fmt::Write for Feed {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl Feed {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn path(&mut self, path: &Path) {
        self.bytes(path.as_os_str().as_encoded_bytes());
    }

    fn debug(&mut self, value: &dyn std::fmt::Debug) {
        let _ = write!(self, "{value:?}");
        self.0.update(&[0xff]);
    }
}

impl Workspace {
    /// The hash of everything a Worker's findings may depend on besides the sources its
    /// analysis looks up: the workspace folders and index settings, the path of every indexed
    /// file, every config's and settings file's text, each folder's package.json scripts, each
    /// Worker's structure (entry, module graph, sources, test config) and each config's git
    /// baseline. Sorted everywhere, so equal workspaces hash equal whatever the reading order.
    pub fn analysis_inputs(&self) -> u128 {
        let mut feed = Feed(Xxh3::new());
        feed.bytes(b"durable-lsp analysis inputs 1");
        feed.debug(&self.roots);
        feed.debug(&self.settings.durable_object_bases);
        feed.debug(&self.settings.baseline_rev);
        for path in self.sorted_sources() {
            feed.path(&path);
        }
        let mut configs: Vec<_> = self.configs.iter().collect();
        configs.sort_by(|a, b| a.0.cmp(b.0));
        for (path, file) in configs {
            feed.path(path);
            feed.bytes(file.text.as_bytes());
        }
        for (path, file) in &self.settings_files {
            feed.path(path);
            feed.bytes(file.text.as_bytes());
        }
        let mut packages: Vec<_> = self.packages.iter().collect();
        packages.sort_by(|a, b| a.0.cmp(b.0));
        for (dir, scripts) in packages {
            feed.path(dir);
            feed.debug(scripts);
        }
        for (path, worker) in &self.workers {
            feed.path(path);
            feed.debug(&worker.main);
            feed.debug(&worker.entry);
            feed.debug(&worker.test);
            let mut graph: Vec<_> = worker.module_graph.iter().collect();
            graph.sort();
            feed.debug(&graph);
            feed.debug(&worker.sources);
        }
        let mut baselines: Vec<_> = self.baselines.iter().collect();
        baselines.sort_by(|a, b| a.0.cmp(b.0));
        for (path, entry) in baselines {
            feed.path(path);
            match &entry.baseline {
                Baseline::Unknown => feed.bytes(b"unknown"),
                Baseline::Absent => feed.bytes(b"absent"),
                Baseline::Committed(config) => feed.bytes(config.text.as_bytes()),
            }
        }
        feed.0.digest128()
    }

    /// The hash of a source's current text (XXH3-128), not recorded as a read.
    pub fn source_hash(&self, path: &Path) -> Option<u128> {
        self.sources.get(&path.to_path_buf()).map(|file| xxh3_128(file.text.as_bytes()))
    }
}
