//! Each Worker's findings, kept in the cache between runs with the list of what they were
//! computed from: a Worker none of whose inputs changed is not analysed again.
//!
//! The key has two halves. What every Worker may read (the paths, configs, settings, package
//! scripts, Worker structures and git baselines of the whole workspace:
//! [`Workspace::analysis_inputs`]), hashed with the Worker's config path and its severity
//! overrides, names the entry. What the Worker's analysis read besides (each source its rules
//! looked up, each file or folder they read from disk: [`reads`]) is recorded while it runs and
//! stored in the entry with a hash of each; a run takes the entry's findings only when every
//! one of those still hashes the same. The code that computes findings is in the folder's
//! name (`ANALYSIS_FINGERPRINT`: all of `server/src`), so another build reads other entries.
//!
//! The entry's layout and checks are the facts cache's ([`DiskCache`]): anything that does not
//! check out is a miss, the Worker is analysed and the entry written again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::{analyze_worker, Finding, SeverityOverrides};
use crate::index::disk_cache::DiskCache;
use crate::index::{reads, Workspace};

/// A Worker's findings and what they were computed from.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// Each source the analysis looked up, with the XXH3-128 of its text.
    sources: Vec<(PathBuf, u128)>,
    /// Each file read from disk, with the XXH3-64 of its text (`None`: unreadable).
    files: Vec<(PathBuf, Option<u64>)>,
    /// Each folder listed, with the XXH3-64 of its entry names (`None`: unreadable).
    dirs: Vec<(PathBuf, Option<u64>)>,
    /// The findings, as `analyze_worker` returned them.
    findings: Vec<Finding>,
}

/// The findings cache over one state of the workspace.
pub(super) struct FindingsCache<'a> {
    cache: &'a DiskCache,
    /// [`Workspace::analysis_inputs`] of that state.
    inputs: u128,
}

impl<'a> FindingsCache<'a> {
    /// The findings cache of `ws`'s facts cache, if it has one.
    pub(super) fn of(ws: &'a Workspace) -> Option<FindingsCache<'a>> {
        let cache = ws.settings().cache.as_deref()?;
        Some(FindingsCache { cache, inputs: ws.analysis_inputs() })
    }

    /// The findings of the Worker of `config`: from its entry when every input it lists is
    /// unchanged, else from [`analyze_worker`] (and then stored).
    pub(super) fn analyse(&self, ws: &Workspace, config: &Path, overrides: &SeverityOverrides) -> Vec<Finding> {
        let slot = self.slot(config, overrides);
        if let Some(entry) = self.cache.get_findings::<Entry>(slot) {
            let valid = still_valid(ws, &entry);
            self.cache.count_findings(valid);
            if valid {
                return entry.findings;
            }
        }
        let (findings, read) = reads::record(|| analyze_worker(ws, config, overrides));
        let mut sources: Vec<(PathBuf, u128)> = read
            .sources
            .values()
            .filter_map(|path| ws.source_hash(path).map(|hash| (path.to_path_buf(), hash)))
            .collect();
        sources.sort();
        let entry =
            Entry { sources, files: read.files.into_iter().collect(), dirs: read.dirs.into_iter().collect(), findings };
        self.cache.put_findings(slot, &entry);
        entry.findings
    }

    /// The entry's name: the shared inputs, the Worker's config and its severity overrides.
    fn slot(&self, config: &Path, overrides: &SeverityOverrides) -> u128 {
        let mut hasher = Xxh3::new();
        hasher.update(&self.inputs.to_le_bytes());
        hasher.update(config.as_os_str().as_encoded_bytes());
        hasher.update(&[0]);
        let mut levels: Vec<String> = overrides.iter().map(|(id, level)| format!("{id}={level:?}")).collect();
        levels.sort();
        for level in levels {
            hasher.update(level.as_bytes());
            hasher.update(&[0]);
        }
        hasher.digest128()
    }
}

/// True when every input the entry lists hashes as it did.
fn still_valid(ws: &Workspace, entry: &Entry) -> bool {
    entry.sources.iter().all(|(path, hash)| ws.source_hash(path) == Some(*hash))
        && entry.files.iter().all(|(path, hash)| reads::file_now(path) == *hash)
        && entry.dirs.iter().all(|(path, hash)| reads::dir_now(path) == *hash)
}
