//! What one Worker's analysis read: the dependency list behind the findings cache
//! ([`super::findings_cache`]).
//!
//! A Worker's findings are a function of what its rules read. Most of it is the same for every
//! Worker of a run and goes into one hash ([`super::Workspace::analysis_inputs`]): every path
//! of the workspace, every config and settings file, each Worker's structure, the baselines.
//! The rest is per Worker, and recorded here while its rules run: the sources whose text or
//! facts they looked up, and what they read from disk beside the index (a folder's listing, a
//! `package.json`). Every lookup of a source goes through [`super::Workspace::lookup`], which
//! calls [`source`]; every disk read of the analysis goes through [`read_to_string`] and
//! [`dir_entries`]. A rule that read a source some other way would make the cache unsound:
//! the fault tests of the findings cache edit every kind of input and compare with `--no-cache`.
//!
//! The recorder is per thread (a Worker is analysed on one thread) and off unless a
//! [`record`] runs, so the editor's keystrokes pay one thread-local check per lookup.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// What a Worker's analysis read.
#[derive(Debug, Default)]
pub struct Reads {
    /// The sources looked up, by the address of their key (one entry per file, whatever the
    /// number of lookups).
    pub sources: FxHashMap<usize, Arc<PathBuf>>,
    /// Files read from disk: XXH3-64 of their bytes, `None` when they could not be read.
    pub files: BTreeMap<PathBuf, Option<u64>>,
    /// Folders listed from disk: XXH3-64 of their sorted entry names, `None` when unreadable.
    pub dirs: BTreeMap<PathBuf, Option<u64>>,
}

thread_local! {
    static RECORDER: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

/// Runs `f` with a recorder on this thread; returns its result and what it read. A recording
/// inside another one adds its reads to the outer one too.
pub fn record<T>(f: impl FnOnce() -> T) -> (T, Reads) {
    let outer = RECORDER.with(|r| r.borrow_mut().replace(Reads::default()));
    let value = f();
    let reads = RECORDER.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer)).unwrap_or_default();
    RECORDER.with(|r| {
        if let Some(outer) = r.borrow_mut().as_mut() {
            outer.sources.extend(reads.sources.iter().map(|(k, v)| (*k, v.clone())));
            outer.files.extend(reads.files.iter().map(|(k, v)| (k.clone(), *v)));
            outer.dirs.extend(reads.dirs.iter().map(|(k, v)| (k.clone(), *v)));
        }
    });
    (value, reads)
}

/// Notes a lookup of the source stored under `key`.
pub(super) fn source(key: &Arc<PathBuf>) {
    RECORDER.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.sources.entry(Arc::as_ptr(key) as usize).or_insert_with(|| key.clone());
        }
    });
}

/// `std::fs::read_to_string`, recorded.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    let result = std::fs::read_to_string(path);
    RECORDER.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.files.insert(path.to_path_buf(), file_hash(&result));
        }
    });
    result
}

/// The paths of the entries of folder `dir` (none when it cannot be read), recorded.
pub fn dir_entries(dir: &Path) -> Vec<PathBuf> {
    let listed: Option<Vec<PathBuf>> = std::fs::read_dir(dir).ok().map(|e| e.flatten().map(|e| e.path()).collect());
    RECORDER.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.dirs.insert(dir.to_path_buf(), listed.as_deref().map(names_hash));
        }
    });
    listed.unwrap_or_default()
}

/// What [`read_to_string`] records for a file now.
pub fn file_now(path: &Path) -> Option<u64> {
    file_hash(&std::fs::read_to_string(path))
}

/// What [`dir_entries`] records for a folder now.
pub fn dir_now(dir: &Path) -> Option<u64> {
    let listed: Vec<PathBuf> = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).collect();
    Some(names_hash(&listed))
}

fn file_hash(result: &std::io::Result<String>) -> Option<u64> {
    result.as_ref().ok().map(|text| xxh3_64(text.as_bytes()))
}

/// A hash of a folder's entries that does not depend on the order the system lists them in.
fn names_hash(entries: &[PathBuf]) -> u64 {
    let mut names: Vec<&std::ffi::OsStr> = entries.iter().filter_map(|p| p.file_name()).collect();
    names.sort();
    let mut bytes = Vec::new();
    for name in names {
        bytes.extend_from_slice(name.as_encoded_bytes());
        bytes.push(0);
    }
    xxh3_64(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_holds_what_ran_inside_it_and_nothing_outside() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("package.json");
        std::fs::write(&file, "{}").unwrap_or_else(|e| panic!("{e}"));
        let key = Arc::new(PathBuf::from("/w/a.ts"));
        source(&key); // Not recording: nothing kept, nothing panics.
        let ((), reads) = record(|| {
            source(&key);
            source(&key);
            let _ = read_to_string(&file);
            let _ = read_to_string(&dir.path().join("missing.json"));
            let _ = dir_entries(dir.path());
        });
        assert_eq!(reads.sources.values().map(|p| p.as_path()).collect::<Vec<_>>(), [Path::new("/w/a.ts")]);
        assert_eq!(reads.files.get(&file), Some(&file_now(&file)));
        assert!(file_now(&file).is_some());
        assert_eq!(reads.files.get(&dir.path().join("missing.json")), Some(&None));
        assert_eq!(reads.dirs.get(dir.path()), Some(&dir_now(dir.path())));
        // A new entry in the folder changes its hash; a changed file its own.
        let before = dir_now(dir.path());
        std::fs::write(dir.path().join("wrangler.dev.toml"), "").unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(dir_now(dir.path()), before);
        std::fs::write(&file, "{ }").unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(file_now(&file), reads.files[&file]);
        // Nothing recorded after the recording ended.
        let ((), empty) = record(|| ());
        assert!(empty.sources.is_empty() && empty.files.is_empty() && empty.dirs.is_empty());
    }
}
