//! The persistent cache of source facts, read by `check` and by the server's cold index.
//!
//! A source file's [`FileFacts`] depend on its text and its kind and on nothing else: no
//! setting, no other file (`facts::extract` takes the tree, the text and the kind). So an entry
//! is addressed by a 128-bit hash (XXH3) of the kind and the text, and lives in a folder named
//! after the cache format and the build's *facts fingerprint*: a hash, made by `build.rs`, of
//! every file the facts are computed from (`server/src/facts`, `server/src/text`, the
//! tree-sitter queries in `grammars/` and `Cargo.lock`, which pins the grammars). A build
//! whose extraction differs in any way reads another folder.
//!
//! ```text
//! <cache dir>/                      the user's cache dir, or --cache-dir / DURABLE_LSP_CACHE_DIR
//!   .gitignore  CACHEDIR.TAG        "*" (git never sees it), and the backup tools' tag
//!   facts-1-<fingerprint>/
//!     used                          touched by every run: when this build last used the folder
//!     3f/9a0c...                    one entry per text: header, payload, checksum
//!   findings-1-<analysis fingerprint>/
//!     used
//!     c2/71e4...                    one entry per Worker and inputs (index/findings_cache.rs)
//! ```
//!
//! The second folder holds each Worker's findings with the list of what its analysis read
//! ([`super::findings_cache`]); its fingerprint hashes the whole of `server/src` (rules
//! included), the queries and the lockfile. Its entries have the same layout, another magic.
//!
//! **Never trusted blindly.** An entry is `magic, format, fingerprint, key, payload length,
//! payload (postcard), XXH3-64 of everything before`. Anything that does not check out (flipped
//! bytes, a truncated or empty file, another build's entry, an entry copied under another
//! name, a payload that does not decode to exactly its length) is a miss: the file is parsed
//! as if there were no cache and the entry written again. So no cache can change a finding.
//! Writers write a file of their own and rename it over the entry: a reader sees a whole old
//! entry or a whole new one, and two processes writing the same entry write the same bytes.
//!
//! **Bounded.** Entries of texts no longer on disk would pile up; once a day a run removes, in
//! a background thread, the entries not written or read for 30 days (a hit older than a week
//! is touched), leftover temporary files, and other builds' folders unused for 30 days.
//!
//! The cache sits in the user's cache dir rather than in the project, so that a repository
//! cannot ship entries of its own (a crafted entry with a valid checksum could carry facts
//! that do not match the text). `--cache-dir` puts it anywhere (a CI cache step, a project
//! folder: the `.gitignore` keeps it out of commits).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::facts::FileFacts;
use crate::text::FileKind;

/// The two kinds of entries: each has its folder, its magic and the fingerprint of the code
/// that computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Store {
    /// A source's facts, by its kind and text.
    Facts,
    /// A Worker's findings, by its inputs ([`super::findings_cache`]).
    Findings,
}

impl Store {
    fn magic(self) -> &'static [u8; 8] {
        match self {
            Store::Facts => b"DLSPFACT",
            Store::Findings => b"DLSPFIND",
        }
    }

    fn fingerprint(self) -> &'static str {
        match self {
            Store::Facts => FINGERPRINT,
            Store::Findings => ANALYSIS_FINGERPRINT,
        }
    }

    /// The folder's name under the cache dir.
    fn folder(self) -> String {
        match self {
            Store::Facts => format!("facts-{FORMAT}-{FINGERPRINT}"),
            Store::Findings => format!("findings-{FORMAT}-{ANALYSIS_FINGERPRINT}"),
        }
    }
}
/// The entry layout's version (bumped when the header or the payload encoding changes).
const FORMAT: u32 = 1;
/// The hash of every input of fact extraction, from `build.rs` (16 hex digits).
pub const FINGERPRINT: &str = env!("DURABLE_LSP_FACTS_FINGERPRINT");
/// The hash of every input of the analysis (all of `server/src`, the queries, the lockfile),
/// from `build.rs`: the findings folder's name.
pub const ANALYSIS_FINGERPRINT: &str = env!("DURABLE_LSP_ANALYSIS_FINGERPRINT");
/// magic, format, fingerprint, key, payload length.
const HEADER: usize = 8 + 4 + 16 + 16 + 8;
/// The checksum after the payload.
const TRAILER: usize = 8;
/// Entries and unused folders older than this are removed.
const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// A hit on an entry older than this touches it (so the pruning keeps it).
const TOUCH_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often a run prunes.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 3600);
/// Temporary files older than this are a writer that died: removed when pruning.
const TEMP_AGE: Duration = Duration::from_secs(3600);

/// What a cache did in one run (for logs, `check --verbose` and the tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Entries found and valid.
    pub hits: u64,
    /// Texts with no entry.
    pub misses: u64,
    /// Entries found but not valid (corrupt, truncated, another build's): counted as misses too.
    pub rejected: u64,
    /// Entries written.
    pub written: u64,
}

/// Whether and where to cache facts (`--no-cache`, `--cache-dir`, the editor's `cache` and
/// `cacheDir` settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CacheSetting {
    /// The default folder ([`DiskCache::default_dir`]).
    #[default]
    Default,
    /// No cache.
    Off,
    /// This folder.
    Dir(PathBuf),
}

impl CacheSetting {
    /// Opens the cache this setting names; `None` when it is off, or when the folder cannot be
    /// created (logged: the run goes on without a cache).
    pub fn open(&self) -> Option<std::sync::Arc<DiskCache>> {
        let dir = match self {
            CacheSetting::Off => return None,
            CacheSetting::Dir(dir) => dir.clone(),
            CacheSetting::Default => DiskCache::default_dir()?,
        };
        match DiskCache::open(&dir) {
            Ok(cache) => Some(std::sync::Arc::new(cache)),
            Err(err) => {
                tracing::warn!("cache: cannot use {}: {err}; going on without a cache", dir.display());
                None
            }
        }
    }
}

/// The facts cache in one folder.
#[derive(Debug)]
pub struct DiskCache {
    /// `<cache dir>/facts-<format>-<fingerprint>`.
    dir: PathBuf,
    /// `<cache dir>/findings-<format>-<analysis fingerprint>`.
    findings_dir: PathBuf,
    hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
    written: AtomicU64,
    /// The findings store's counters (hits, misses, rejected, written).
    findings: [AtomicU64; 4],
}

impl DiskCache {
    /// Where the cache lives when nobody says: `DURABLE_LSP_CACHE_DIR` when set, else the
    /// user's cache dir (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
    /// `%LOCALAPPDATA%` on Windows) + `durable-lsp`. `None` when none of those is known.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(dir) = var("DURABLE_LSP_CACHE_DIR") {
            return Some(dir);
        }
        let base = if cfg!(windows) {
            var("LOCALAPPDATA")
        } else if cfg!(target_os = "macos") {
            var("HOME").map(|h| h.join("Library").join("Caches"))
        } else {
            var("XDG_CACHE_HOME").filter(|p| p.is_absolute()).or_else(|| var("HOME").map(|h| h.join(".cache")))
        };
        base.map(|b| b.join("durable-lsp"))
    }

    /// Opens (creating when needed) the cache under `dir`, and prunes it in the background
    /// when the last pruning is a day old. Errors: the folder cannot be created.
    pub fn open(dir: &Path) -> std::io::Result<DiskCache> {
        let dir = std::path::absolute(dir)?;
        fs::create_dir_all(&dir)?;
        write_if_missing(&dir.join(".gitignore"), "# Created by durable-lsp: its cache, never committed.\n*\n");
        write_if_missing(
            &dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# durable-lsp's cache (https://bford.info/cachedir/)\n",
        );
        let facts = dir.join(Store::Facts.folder());
        fs::create_dir_all(&facts)?;
        let _ = fs::write(facts.join("used"), b"");
        let findings = dir.join(Store::Findings.folder());
        fs::create_dir_all(&findings)?;
        let _ = fs::write(findings.join("used"), b"");
        let marker = dir.join("last-prune");
        if age(&marker).is_none_or(|a| a >= PRUNE_EVERY) && fs::write(&marker, b"").is_ok() {
            let (root, current) = (dir.clone(), [facts.clone(), findings.clone()]);
            // Detached: a `check` that ends first leaves the rest for the next day's run.
            let _ = std::thread::Builder::new().name("cache-prune".into()).spawn(move || prune(&root, &current));
        }
        Ok(DiskCache {
            dir: facts,
            findings_dir: findings,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            written: AtomicU64::new(0),
            findings: Default::default(),
        })
    }

    /// The folder of this build's entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the cache did so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
        }
    }

    /// What the findings store did so far.
    pub fn findings_stats(&self) -> CacheStats {
        let [hits, misses, rejected, written] = &self.findings;
        CacheStats {
            hits: hits.load(Ordering::Relaxed),
            misses: misses.load(Ordering::Relaxed),
            rejected: rejected.load(Ordering::Relaxed),
            written: written.load(Ordering::Relaxed),
        }
    }

    /// The facts of a `kind` file whose text is `text`, when a valid entry has them.
    pub fn get(&self, kind: FileKind, text: &str) -> Option<FileFacts> {
        let key = key(kind, text);
        let found = self.read(Store::Facts, key);
        let counters = [&self.hits, &self.misses, &self.rejected];
        count(counters, &found);
        found.ok()
    }

    /// Stores the facts of a `kind` file whose text is `text`. Failures (a full disk, a
    /// read-only folder) are logged and otherwise ignored: the cache is an optimisation.
    pub fn put(&self, kind: FileKind, text: &str, facts: &FileFacts) {
        if self.write(Store::Facts, key(kind, text), facts) {
            self.written.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The value stored in the findings store under `key`, when a valid entry has it. A miss
    /// is counted here; whether a value found is a hit is the caller's to say
    /// ([`DiskCache::count_findings`]: its inputs may have changed since).
    pub(crate) fn get_findings<T: serde::de::DeserializeOwned>(&self, key: u128) -> Option<T> {
        let found = self.read(Store::Findings, key);
        if found.is_err() {
            let [hits, misses, rejected, _] = &self.findings;
            count([hits, misses, rejected], &found);
        }
        found.ok()
    }

    /// Counts a findings entry that was found as a hit (`true`) or, its inputs changed, a miss.
    pub(crate) fn count_findings(&self, hit: bool) {
        self.findings[usize::from(!hit)].fetch_add(1, Ordering::Relaxed);
    }

    /// Stores `value` in the findings store under `key` (failures logged and ignored).
    pub(crate) fn put_findings<T: serde::Serialize>(&self, key: u128, value: &T) {
        if self.write(Store::Findings, key, value) {
            self.findings[3].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Reads and checks the entry of `key` in `store`: `Err(false)` when there is none,
    /// `Err(true)` when there is one that does not check out.
    fn read<T: serde::de::DeserializeOwned>(&self, store: Store, key: u128) -> Result<T, bool> {
        let path = self.entry_path(store, key);
        // One open and one fstat: the length to read and the age come from the same handle.
        let read = fs::File::open(&path).and_then(|mut file| {
            let modified = file.metadata()?.modified().ok();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            Ok((bytes, modified))
        });
        let Ok((bytes, modified)) = read else { return Err(false) };
        match decode(store, &bytes, key) {
            Some(value) => {
                let old =
                    modified.and_then(|m| SystemTime::now().duration_since(m).ok()).is_some_and(|a| a >= TOUCH_AGE);
                if old {
                    touch(&path);
                }
                Ok(value)
            }
            None => {
                tracing::debug!("cache: {} is not a valid entry; computing it again", path.display());
                Err(true)
            }
        }
    }

    /// Writes the entry of `key` in `store` through a temporary file; false when it failed.
    fn write<T: serde::Serialize>(&self, store: Store, key: u128, value: &T) -> bool {
        let path = self.entry_path(store, key);
        let result = (|| -> std::io::Result<()> {
            let bytes = encode(store, value, key).map_err(std::io::Error::other)?;
            let shard = path.parent().unwrap_or(&self.dir);
            fs::create_dir_all(shard)?;
            let temp = shard.join(temp_name(&path));
            let mut file = fs::File::create(&temp)?;
            let written = file.write_all(&bytes).and_then(|()| fs::rename(&temp, &path));
            if written.is_err() {
                let _ = fs::remove_file(&temp);
            }
            written
        })();
        match result {
            Ok(()) => true,
            Err(err) => {
                tracing::debug!("cache: cannot write {}: {err}", path.display());
                false
            }
        }
    }

    /// The entry of `key`: `<store's dir>/<first 2 hex digits>/<the other 30>`.
    fn entry_path(&self, store: Store, key: u128) -> PathBuf {
        let hex = format!("{key:032x}");
        let dir = match store {
            Store::Facts => &self.dir,
            Store::Findings => &self.findings_dir,
        };
        dir.join(&hex[..2]).join(&hex[2..])
    }
}

/// Counts a read as a hit, a miss, or a miss that rejected an entry.
fn count<T>([hits, misses, rejected]: [&AtomicU64; 3], found: &Result<T, bool>) {
    match found {
        Ok(_) => hits.fetch_add(1, Ordering::Relaxed),
        Err(false) => misses.fetch_add(1, Ordering::Relaxed),
        Err(true) => {
            misses.fetch_add(1, Ordering::Relaxed);
            rejected.fetch_add(1, Ordering::Relaxed)
        }
    };
}

/// The entry key of a text: XXH3-128 of the kind's tag and the text.
fn key(kind: FileKind, text: &str) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(kind_tag(kind).as_bytes());
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.digest128()
}

/// A stable name for each kind (the enum's order may change; the key must not by accident).
fn kind_tag(kind: FileKind) -> &'static str {
    match kind {
        FileKind::TypeScript => "typescript",
        FileKind::Tsx => "tsx",
        FileKind::Jsonc => "jsonc",
        FileKind::Toml => "toml",
    }
}

/// An entry's bytes.
fn encode<T: serde::Serialize>(store: Store, value: &T, key: u128) -> Result<Vec<u8>, postcard::Error> {
    let payload = postcard::to_stdvec(value)?;
    let mut bytes = Vec::with_capacity(HEADER + payload.len() + TRAILER);
    bytes.extend_from_slice(store.magic());
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&fingerprint_bytes(store.fingerprint()));
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&payload);
    let checksum = xxh3_64(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    Ok(bytes)
}

/// The value in an entry's bytes, when every part checks out for `key` in `store`.
fn decode<T: serde::de::DeserializeOwned>(store: Store, bytes: &[u8], key: u128) -> Option<T> {
    if bytes.len() < HEADER + TRAILER {
        return None;
    }
    let (body, checksum) = bytes.split_at(bytes.len() - TRAILER);
    if u64::from_le_bytes(checksum.try_into().ok()?) != xxh3_64(body) {
        return None;
    }
    let (header, payload) = body.split_at(HEADER);
    let (magic, rest) = header.split_at(8);
    let (format, rest) = rest.split_at(4);
    let (fingerprint, rest) = rest.split_at(16);
    let (entry_key, length) = rest.split_at(16);
    let valid = magic == store.magic()
        && u32::from_le_bytes(format.try_into().ok()?) == FORMAT
        && fingerprint == fingerprint_bytes(store.fingerprint())
        && u128::from_le_bytes(entry_key.try_into().ok()?) == key
        && u64::from_le_bytes(length.try_into().ok()?) == payload.len() as u64;
    if !valid {
        return None;
    }
    match postcard::take_from_bytes::<T>(payload) {
        Ok((value, [])) => Some(value),
        _ => None,
    }
}

/// A fingerprint as the 16 bytes of its hex digits (padded when `build.rs` gave fewer).
fn fingerprint_bytes(fingerprint: &str) -> [u8; 16] {
    let mut out = [b'0'; 16];
    for (slot, byte) in out.iter_mut().zip(fingerprint.bytes()) {
        *slot = byte;
    }
    out
}

/// A temporary name beside `path`, unique to this process and write.
fn temp_name(path: &Path) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    format!("{name}.{}.{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// How long ago `path` was modified; `None` when it does not exist (or the clock is odd).
fn age(path: &Path) -> Option<Duration> {
    let modified = fs::metadata(path).and_then(|m| m.modified()).ok()?;
    SystemTime::now().duration_since(modified).ok()
}

/// Sets `path`'s modification time to now.
fn touch(path: &Path) {
    if let Ok(file) = fs::File::options().append(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

fn write_if_missing(path: &Path, text: &str) {
    if !path.exists() {
        let _ = fs::write(path, text);
    }
}

/// Removes from `root` what no run has used for [`MAX_AGE`]: entries of the `current` folders,
/// and other builds' folders; and temporary files of writers that died.
fn prune(root: &Path, current: &[PathBuf]) {
    let Ok(folders) = fs::read_dir(root) else { return };
    for folder in folders.flatten() {
        let path = folder.path();
        let ours = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("facts-") || n.starts_with("findings-"));
        if !ours || !path.is_dir() {
            continue;
        }
        if !current.contains(&path) {
            if age(&path.join("used")).is_none_or(|a| a >= MAX_AGE) {
                let _ = fs::remove_dir_all(&path);
            }
            continue;
        }
        let Ok(shards) = fs::read_dir(&path) else { continue };
        for shard in shards.flatten().map(|s| s.path()).filter(|s| s.is_dir()) {
            let Ok(entries) = fs::read_dir(&shard) else { continue };
            for entry in entries.flatten().map(|e| e.path()) {
                let limit = if entry.extension().is_some_and(|e| e == "tmp") { TEMP_AGE } else { MAX_AGE };
                if age(&entry).is_some_and(|a| a >= limit) {
                    let _ = fs::remove_file(&entry);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FileKind;

    const TEXT: &str = "import { DurableObject } from 'cloudflare:workers';\n\
        export class Room extends DurableObject { async fetch() { return new Response('hi'); } }\n";

    fn facts_of(text: &str) -> FileFacts {
        let tree = crate::text::language::parse(FileKind::TypeScript, text, None).expect("parses");
        crate::facts::extract(&tree, text, FileKind::TypeScript)
    }

    fn cache() -> (tempfile::TempDir, DiskCache) {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::open(dir.path()).expect("opens");
        (dir, cache)
    }

    #[test]
    fn an_entry_gives_back_the_facts_it_was_given() {
        let (_dir, cache) = cache();
        let facts = facts_of(TEXT);
        assert!(!facts.classes.is_empty() && !facts.code.units.is_empty());
        assert_eq!(cache.get(FileKind::TypeScript, TEXT), None);
        cache.put(FileKind::TypeScript, TEXT, &facts);
        assert_eq!(cache.get(FileKind::TypeScript, TEXT), Some(facts));
        // Another kind or another text is another entry.
        assert_eq!(cache.get(FileKind::Tsx, TEXT), None);
        assert_eq!(cache.get(FileKind::TypeScript, &TEXT.replace("Room", "Lobby")), None);
        assert_eq!(cache.stats(), CacheStats { hits: 1, misses: 3, rejected: 0, written: 1 });
    }

    #[test]
    fn the_cache_folder_keeps_itself_out_of_git_and_backups() {
        let (dir, cache) = cache();
        assert_eq!(fs::read_to_string(dir.path().join(".gitignore")).expect("written").lines().last(), Some("*"));
        assert!(fs::read_to_string(dir.path().join("CACHEDIR.TAG"))
            .expect("written")
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
        assert!(cache.dir().starts_with(dir.path()) && cache.dir().join("used").exists());
    }

    /// An entry's lowered code stays encoded until something reads it, and then is the code
    /// that was stored; a clone taken before that decodes to the same code. A findings entry
    /// (another magic, another fingerprint) is never read as facts, nor facts as findings.
    #[test]
    fn the_lowered_code_is_decoded_on_first_use() {
        let facts = facts_of(TEXT);
        let key = key(FileKind::TypeScript, TEXT);
        let bytes = encode(Store::Facts, &facts, key).expect("encodes");
        let decoded = decode::<FileFacts>(Store::Facts, &bytes, key).expect("decodes");
        assert!(decoded.code.is_encoded() && decoded.code.encoded_bytes() > 0);
        assert_eq!(decoded.imports, facts.imports);
        let early = decoded.clone();
        assert!(early.code.is_encoded());
        assert!(!decoded.code.units.is_empty());
        assert!(!decoded.code.is_encoded() && decoded.code.encoded_bytes() == 0);
        assert_eq!(*decoded.code, *facts.code);
        assert_eq!(early.code.into_inner(), facts.code.clone().into_inner());
        assert!(decode::<Vec<u8>>(Store::Findings, &bytes, key).is_none());
        let findings = encode(Store::Findings, &vec![1u8, 2, 3], key).expect("encodes");
        assert_eq!(decode::<Vec<u8>>(Store::Findings, &findings, key), Some(vec![1, 2, 3]));
        assert!(decode::<FileFacts>(Store::Facts, &findings, key).is_none());
    }

    /// Every single flipped byte, and every truncation, of an entry is a miss, never other facts.
    #[test]
    fn a_damaged_entry_is_never_trusted() {
        let facts = facts_of(TEXT);
        let key = key(FileKind::TypeScript, TEXT);
        let bytes = encode(Store::Facts, &facts, key).expect("encodes");
        assert_eq!(decode::<FileFacts>(Store::Facts, &bytes, key), Some(facts.clone()));
        for at in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] ^= flip;
                assert_eq!(decode::<FileFacts>(Store::Facts, &damaged, key), None, "byte {at} ^ {flip:#x}");
            }
        }
        for len in 0..bytes.len() {
            assert_eq!(decode::<FileFacts>(Store::Facts, &bytes[..len], key), None, "truncated to {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode::<FileFacts>(Store::Facts, &longer, key), None);
        // An entry moved under another text's name.
        assert_eq!(decode::<FileFacts>(Store::Facts, &bytes, key ^ 1), None);
    }

    #[test]
    fn another_builds_entry_is_a_miss() {
        let facts = facts_of(TEXT);
        let key = key(FileKind::TypeScript, TEXT);
        let mut bytes = encode(Store::Facts, &facts, key).expect("encodes");
        // Another fingerprint, with a checksum that matches it.
        bytes[12] = if bytes[12] == b'f' { b'e' } else { b'f' };
        let body = bytes.len() - TRAILER;
        let checksum = xxh3_64(&bytes[..body]);
        bytes[body..].copy_from_slice(&checksum.to_le_bytes());
        assert_eq!(decode::<FileFacts>(Store::Facts, &bytes, key), None);
        // Another format.
        let mut bytes = encode(Store::Facts, &facts, key).expect("encodes");
        bytes[8] ^= 1;
        let checksum = xxh3_64(&bytes[..body]);
        bytes[body..].copy_from_slice(&checksum.to_le_bytes());
        assert_eq!(decode::<FileFacts>(Store::Facts, &bytes, key), None);
    }

    #[test]
    fn a_rejected_entry_is_counted_and_written_again() {
        let (_dir, cache) = cache();
        let facts = facts_of(TEXT);
        cache.put(FileKind::TypeScript, TEXT, &facts);
        let path = cache.entry_path(Store::Facts, key(FileKind::TypeScript, TEXT));
        fs::write(&path, b"DLSPFACT garbage").expect("overwrites");
        assert_eq!(cache.get(FileKind::TypeScript, TEXT), None);
        assert_eq!(cache.stats().rejected, 1);
        cache.put(FileKind::TypeScript, TEXT, &facts);
        assert_eq!(cache.get(FileKind::TypeScript, TEXT), Some(facts));
    }

    #[test]
    fn pruning_removes_old_entries_old_temporaries_and_unused_builds() {
        let (dir, cache) = cache();
        let facts = facts_of(TEXT);
        cache.put(FileKind::TypeScript, TEXT, &facts);
        let kept = cache.entry_path(Store::Facts, key(FileKind::TypeScript, TEXT));
        let shard = kept.parent().expect("shard").to_path_buf();
        let old = SystemTime::now() - MAX_AGE - Duration::from_secs(60);
        let set_time = |path: &Path, time: SystemTime| {
            fs::File::options().append(true).open(path).expect("opens").set_modified(time).expect("sets");
        };
        let stale = shard.join("0000");
        fs::write(&stale, b"x").expect("writes");
        set_time(&stale, old);
        let temp = shard.join("0001.1.1.tmp");
        fs::write(&temp, b"x").expect("writes");
        set_time(&temp, SystemTime::now() - TEMP_AGE - Duration::from_secs(60));
        let fresh_temp = shard.join("0002.1.2.tmp");
        fs::write(&fresh_temp, b"x").expect("writes");
        let other = dir.path().join("facts-1-0123456789abcdef");
        fs::create_dir_all(&other).expect("creates");
        fs::write(other.join("used"), b"").expect("writes");
        set_time(&other.join("used"), old);
        let recent = dir.path().join("facts-1-fedcba9876543210");
        fs::create_dir_all(&recent).expect("creates");
        fs::write(recent.join("used"), b"").expect("writes");
        prune(dir.path(), &[cache.dir().to_path_buf()]);
        assert!(kept.exists() && fresh_temp.exists() && recent.exists());
        assert!(!stale.exists() && !temp.exists() && !other.exists());
    }
}
