//! The workspace index: every Worker, its config and its sources, kept current edit by edit.
//!
//! State lives here and only here: the text and facts of every file (open documents win over
//! disk), the open documents' ropes and trees, and each Worker's resolved structure (main module,
//! module graph, source folder). Facts are per file; Worker structure is recomputed only for the
//! Workers that contain a changed file, and only when the change touched imports or exports.

mod baseline;
pub mod classes;
pub mod discover;
pub mod disk_cache;
pub mod entry;
mod folders;
pub mod git;
mod inputs;
pub mod loading;
pub mod modules;
pub mod reads;
pub mod settings;
mod worker;

pub use baseline::Baseline;
pub use loading::Loading;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};

pub use classes::{ClassRef, DoClassKind, PackageBase, SQL_BASES};
pub use modules::{ExportTable, ExportTarget};
pub use settings::SettingsFile;
pub use worker::{Entry, EntrySource, MainModule, TestConfig, Worker};

use crate::config::{read_config, ConfigFormat, WorkerConfig};
use crate::facts::{self, FactsCache, FileFacts};
use crate::text::language::{is_wrangler_config, FileKind};
use crate::text::{Document, PositionEncoding, TextChange};

/// Index settings from the editor (they add to the `durable-lsp.toml` files').
#[derive(Debug, Clone, Default)]
pub struct IndexSettings {
    /// Class names (imported from any package) that count as DO bases.
    pub durable_object_bases: Vec<String>,
    /// Globs, relative to each workspace folder, of paths never indexed.
    pub exclude: globset::GlobSet,
    /// Threads that read and extract the files of [`Workspace::load`]; `None`: one per core
    /// (`std::thread::available_parallelism`).
    pub load_threads: Option<std::num::NonZeroUsize>,
    /// How long the reparse after an edit of an open document may take before it is left
    /// pending (see [`Workspace::change`]); `None`: as long as it takes.
    pub reparse_budget: Option<std::time::Duration>,
    /// The git revision whose configs count as deployed (see [`Workspace::baseline`]); `None`:
    /// `HEAD`.
    pub baseline_rev: Option<String>,
    /// The facts cache sources read from disk go through; `None`: no cache.
    pub cache: Option<Arc<disk_cache::DiskCache>>,
}

/// The reparse budget the language server gives each edit. The per-edit target is 10 ms from
/// `didChange` to diagnostics; an ordinary keystroke's reparse takes under 1 ms in a 5,000-line
/// file, and an edit over budget then costs 3-5.5 ms more: its unit's facts, the rest of the
/// change, the analysis (docs/performance.md).
pub const REPARSE_BUDGET: std::time::Duration = std::time::Duration::from_millis(4);

/// A TS/JS file of the workspace.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its kind.
    pub kind: FileKind,
    /// Its text.
    pub text: Arc<str>,
    /// What it contains.
    pub facts: Arc<FileFacts>,
}

/// A wrangler config file of the workspace.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Its text.
    pub text: Arc<str>,
    /// What it says.
    pub config: Arc<WorkerConfig>,
}

/// A document open in the editor.
#[derive(Debug, Clone)]
pub struct OpenDocument {
    /// The text and tree.
    pub document: Document,
    /// The version the client gave it.
    pub version: i32,
    /// The facts of its units, re-used by the next keystroke.
    facts_cache: FactsCache,
}

/// The whole index.
#[derive(Debug, Default)]
pub struct Workspace {
    roots: Vec<PathBuf>,
    settings: IndexSettings,
    sources: FxHashMap<Arc<PathBuf>, SourceFile>,
    configs: FxHashMap<Arc<PathBuf>, ConfigFile>,
    open: FxHashMap<Arc<PathBuf>, OpenDocument>,
    workers: BTreeMap<Arc<PathBuf>, Worker>,
    /// For each source file, the Workers (by config path) that contain it.
    containing: FxHashMap<Arc<PathBuf>, Vec<Arc<PathBuf>>>,
    /// Workers whose findings are out of date.
    dirty: FxHashSet<Arc<PathBuf>>,
    /// For each Worker name, the Workers (by config path) whose DO bindings point at it through
    /// `script_name`: built on first use after the Workers change (a keystroke asks for it, and
    /// a scan of every Worker per keystroke grew with the workspace).
    script_referrers: Option<FxHashMap<String, Vec<Arc<PathBuf>>>>,
    /// Every `class_name` the DO bindings of the Workers name: built on first use after the
    /// Workers' bindings change (rules ask on every keystroke, and a scan of every Worker grew
    /// with the workspace).
    bound_classes: OnceLock<FxHashSet<String>>,
    /// The same names, each with its lowercase form (built with it; a rule compares an unbound
    /// class's name with every one of them for a misspelling, on every keystroke).
    bound_classes_lowered: OnceLock<Vec<(String, String)>>,
    /// `durable-lsp.toml` files by path.
    settings_files: BTreeMap<Arc<PathBuf>, SettingsFile>,
    /// The wrangler entries of the package.json scripts in each Worker's folder (read from
    /// disk when the Worker is built, again when the file changes on disk).
    packages: FxHashMap<PathBuf, Vec<entry::ScriptEntry>>,
    /// Each config's text at the baseline revision (read when the config is loaded, opened or
    /// changed on disk, and on [`Workspace::refresh_baselines`]).
    baselines: FxHashMap<Arc<PathBuf>, baseline::BaselineEntry>,
}

impl Workspace {
    /// Indexes every Worker under `roots` from disk.
    pub fn load(roots: Vec<PathBuf>, settings: IndexSettings) -> Self {
        Loading::start(roots, settings).finish()
    }

    /// The workspace folders.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Every Worker, by config path.
    pub fn workers(&self) -> impl Iterator<Item = &Worker> {
        self.workers.values()
    }

    /// The Worker of a config file.
    pub fn worker(&self, config_path: &Path) -> Option<&Worker> {
        self.workers.get(&config_path.to_path_buf())
    }

    /// The Workers whose `name` is `name`, nearest to `near` first (rules.md: prefer the one in
    /// the nearest folder when two share a name).
    pub fn workers_named(&self, name: &str, near: &Path) -> Vec<&Worker> {
        let mut found: Vec<&Worker> = self.workers.values().filter(|w| w.name().is_some_and(|n| n == name)).collect();
        found.sort_by_key(|w| std::cmp::Reverse(common_prefix_len(&w.dir, near)));
        found
    }

    /// The wrangler entries of the scripts of the package.json in `dir`, if it has one.
    pub fn package_scripts(&self, dir: &Path) -> Option<&[entry::ScriptEntry]> {
        self.packages.get(dir).map(Vec::as_slice).filter(|s| !s.is_empty())
    }

    /// Reads the package.json of each Worker folder not read yet.
    fn read_packages(&mut self) {
        let dirs: Vec<PathBuf> = self
            .configs
            .keys()
            .filter_map(|c| c.parent().map(Path::to_path_buf))
            .filter(|d| !self.packages.contains_key(d))
            .collect();
        for dir in dirs {
            let scripts = discover::read_text(&dir.join("package.json"))
                .map(|text| entry::entry_scripts(&text))
                .unwrap_or_default();
            self.packages.insert(dir, scripts);
        }
    }

    /// Every class name a DO binding of some Worker names (`class_name`).
    pub fn bound_class_names(&self) -> &FxHashSet<String> {
        self.bound_classes
            .get_or_init(|| self.workers.values().flat_map(Worker::bound_class_names).map(str::to_owned).collect())
    }

    /// [`Workspace::bound_class_names`], each with its lowercase form (for misspelling checks
    /// with [`crate::text::words::is_close`]).
    pub fn bound_class_names_lowered(&self) -> &[(String, String)] {
        self.bound_classes_lowered.get_or_init(|| {
            let mut names: Vec<(String, String)> =
                self.bound_class_names().iter().map(|n| (n.clone(), n.to_lowercase())).collect();
            names.sort();
            names
        })
    }

    /// A source file.
    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        self.lookup(path).map(|(_, file)| file)
    }

    /// A source file with its key, noted by the findings cache's recorder ([`reads`]): every
    /// lookup of a source's text or facts that an analysis may make goes through here (or
    /// through [`Workspace::lookup_key`]).
    fn lookup(&self, path: &Path) -> Option<(&Arc<PathBuf>, &SourceFile)> {
        self.lookup_key(&path.to_path_buf())
    }

    /// [`Workspace::lookup`] for a caller that holds the path as a `PathBuf` (a key of the index:
    /// no copy of the path per lookup, which the semantic model makes by the thousand).
    fn lookup_key(&self, path: &PathBuf) -> Option<(&Arc<PathBuf>, &SourceFile)> {
        let found = self.sources.get_key_value(path);
        if let Some((key, _)) = found {
            reads::source(key);
        }
        found
    }

    /// The source stored under `path`, as [`Workspace::source`] without copying the path.
    pub(crate) fn source_at(&self, path: &Arc<PathBuf>) -> Option<&SourceFile> {
        self.lookup_key(path).map(|(_, file)| file)
    }

    /// A source file with the key it is stored under.
    pub(crate) fn sources_entry(&self, path: &Path) -> Option<(&Arc<PathBuf>, &SourceFile)> {
        self.lookup(path)
    }

    /// How many source files are indexed.
    pub fn source_count(&self) -> usize {
        self.sources.len()
    }

    /// How many documents are open in the editor.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    /// A config file.
    pub fn config_file(&self, path: &Path) -> Option<&ConfigFile> {
        self.configs.get(&path.to_path_buf())
    }

    /// The current text of any indexed file.
    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.source(path)
            .map(|s| s.text.clone())
            .or_else(|| self.configs.get(&path.to_path_buf()).map(|c| c.text.clone()))
    }

    /// The open document at `path`.
    pub fn open_document(&self, path: &Path) -> Option<&OpenDocument> {
        self.open.get(&path.to_path_buf())
    }

    /// The Workers that contain a source file (or whose config it is, or that a settings file
    /// applies to).
    pub fn workers_containing(&self, path: &Path) -> Vec<&Worker> {
        let key = path.to_path_buf();
        if let Some(w) = self.workers.get(&key) {
            return vec![w];
        }
        if let Some(settings) = self.settings_files.get(&key) {
            return self.workers.values().filter(|w| w.dir.starts_with(&settings.dir)).collect();
        }
        self.containing.get(&key).map(|ws| ws.iter().filter_map(|c| self.workers.get(c)).collect()).unwrap_or_default()
    }

    /// Reads (or forgets, when it is gone) a `durable-lsp.toml`. Its `exclude` globs apply to
    /// files indexed from now on.
    fn load_settings_file(&mut self, path: &Path) {
        match discover::read_text(path) {
            Ok(text) => {
                let file = SettingsFile::parse(path, &text);
                self.settings_files.insert(Arc::new(path.to_path_buf()), file);
            }
            Err(_) => {
                self.settings_files.remove(&path.to_path_buf());
            }
        }
    }

    /// The `durable-lsp.toml` files that apply to `dir`, nearest first, with their paths.
    pub fn settings_for(&self, dir: &Path) -> Vec<(&Arc<PathBuf>, &SettingsFile)> {
        let mut found: Vec<_> = self.settings_files.iter().filter(|(_, f)| dir.starts_with(&f.dir)).collect();
        found.sort_by_key(|(_, f)| std::cmp::Reverse(f.dir.components().count()));
        found
    }

    /// True when a `durable-lsp.toml` or the editor's settings exclude `path`.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.settings_files.values().any(|f| f.excludes(path))
            || self.roots.iter().any(|r| path.strip_prefix(r).is_ok_and(|rel| self.settings.exclude.is_match(rel)))
    }

    /// DO base class names from the editor's settings and every `durable-lsp.toml`.
    pub fn durable_object_bases(&self) -> impl Iterator<Item = &str> {
        self.settings
            .durable_object_bases
            .iter()
            .chain(self.settings_files.values().flat_map(|f| f.durable_object_bases.iter()))
            .map(String::as_str)
    }

    /// The index settings.
    pub fn settings(&self) -> &IndexSettings {
        &self.settings
    }

    /// Replaces the settings; every Worker becomes dirty.
    pub fn set_settings(&mut self, settings: IndexSettings) {
        let new_baseline = settings.baseline_rev != self.settings.baseline_rev;
        self.settings = settings;
        if new_baseline {
            self.baselines.clear();
            self.refresh_baselines();
        }
        self.dirty.extend(self.workers.keys().cloned());
    }

    /// What the config at `path` said at the baseline revision: git `HEAD`, or
    /// [`IndexSettings::baseline_rev`]. [`Baseline::Unknown`] outside git.
    pub fn baseline(&self, config: &Path) -> &Baseline {
        static UNKNOWN: Baseline = Baseline::Unknown;
        self.baselines.get(&config.to_path_buf()).map_or(&UNKNOWN, |entry| &entry.baseline)
    }

    /// Reads every config's baseline again where the revision moved (a commit, a checkout);
    /// the Workers whose baseline changed become dirty. The language server calls it when a
    /// file is saved.
    pub fn refresh_baselines(&mut self) {
        let configs: Vec<Arc<PathBuf>> = self.configs.keys().cloned().collect();
        for path in configs {
            self.refresh_baseline(&path);
        }
    }

    /// [`Workspace::refresh_baselines`] for one config.
    fn refresh_baseline(&mut self, path: &Arc<PathBuf>) {
        if !self.configs.contains_key(path) {
            self.baselines.remove(path);
            return;
        }
        let rev = self.settings.baseline_rev.as_deref().unwrap_or("HEAD");
        let previous = self.baselines.get(path);
        let entry = baseline::read(path, rev, previous);
        if previous.is_none_or(|p| !p.same_commit(&entry)) && self.workers.contains_key(path) {
            self.dirty.insert(path.clone());
        }
        self.baselines.insert(path.clone(), entry);
    }

    /// Takes the set of Workers whose findings are out of date.
    pub fn take_dirty(&mut self) -> Vec<Arc<PathBuf>> {
        let mut dirty: Vec<_> = self.dirty.drain().collect();
        dirty.sort();
        dirty
    }

    /// True when some Worker awaits analysis.
    pub fn has_dirty(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// An editor opened `path`: its text wins over disk from now on. A text over
    /// [`discover::MAX_FILE_BYTES`] is refused like such a file on disk: it is not indexed at all
    /// (analysing it would hold every request up for seconds), and neither is its disk version.
    pub fn open(&mut self, path: &Path, text: &str, version: i32) {
        let Some(kind) = self.kind_of(path) else { return };
        if text.len() as u64 > discover::MAX_FILE_BYTES {
            tracing::warn!(
                "{}: {} bytes is over the {}-byte limit: not analysed",
                path.display(),
                text.len(),
                discover::MAX_FILE_BYTES
            );
            self.open.remove(&path.to_path_buf());
            self.remove_file(path);
            return;
        }
        let path = Arc::new(path.to_path_buf());
        let document = Document::new(kind, text);
        let mut facts_cache = FactsCache::default();
        self.set_text(path.clone(), kind, document.text().clone(), document.tree(), Some((&mut facts_cache, None)));
        if is_wrangler_config(&path) {
            self.refresh_baseline(&path);
        }
        self.open.insert(path, OpenDocument { document, version, facts_cache });
    }

    /// Applies an editor's changes to an open document. Unknown documents are ignored (a client
    /// bug; the log says so). Returns false when the document is not open. The version never
    /// goes down.
    pub fn change(&mut self, path: &Path, changes: &[TextChange], version: i32, encoding: PositionEncoding) -> bool {
        let key = path.to_path_buf();
        let Some(open) = self.open.get_mut(&key) else {
            return false;
        };
        open.document.apply_changes_within(changes, encoding, self.settings.reparse_budget);
        // The edits apply whatever their version says (the client's text has them), but a
        // version lower than the current one (a client bug) must not make publications go
        // back in time: diagnostics would look older than ones already sent.
        open.version = open.version.max(version);
        self.extract_open(&key);
        true
    }

    /// Finishes the reparses the budget left pending (see [`Workspace::change`]) and extracts
    /// those documents' facts from their trees; false when none was pending. Whatever reads
    /// documents' trees settles first.
    pub fn settle(&mut self) -> bool {
        let pending: Vec<Arc<PathBuf>> =
            self.open.iter().filter(|(_, o)| o.document.pending().is_some()).map(|(p, _)| p.clone()).collect();
        for path in &pending {
            if let Some(open) = self.open.get_mut(path) {
                open.document.settle();
            }
            self.extract_open(path);
        }
        !pending.is_empty()
    }

    /// True while some open document's reparse is pending.
    pub fn has_pending(&self) -> bool {
        self.open.values().any(|o| o.document.pending().is_some())
    }

    /// Extracts an open document's facts after an edit, re-using those of its unchanged units.
    /// While its reparse is pending, the unit the edit lies in is parsed on its own
    /// ([`facts::extract_contained`]); an edit that cannot be contained so settles the reparse.
    fn extract_open(&mut self, key: &PathBuf) {
        let Some((path, open)) = self.open.get_key_value(key) else { return };
        let (path, kind, text) = (path.clone(), open.document.kind(), open.document.text().clone());
        // Only sources have units; a config's pending reparse is settled below.
        let stale = open.document.pending().filter(|_| kind.is_source()).map(|(tree, edited)| (tree.clone(), edited));
        let mut facts_cache = self.open.get_mut(&path).map(|o| std::mem::take(&mut o.facts_cache)).unwrap_or_default();
        let mut previous = self.sources.get_mut(&path).map(|file| take_for_reuse(&mut file.facts));
        let contained = stale.and_then(|(stale, edited)| {
            facts::extract_contained(&stale, &text, kind, &mut facts_cache, &mut previous, edited)
        });
        match contained {
            Some(facts) => {
                self.set_loaded(path.clone(), Loaded::Source(SourceFile { kind, text, facts: Arc::new(facts) }))
            }
            None => {
                if let Some(open) = self.open.get_mut(&path) {
                    open.document.settle();
                }
                let tree = self.open.get(&path).and_then(|o| o.document.tree().cloned());
                self.set_text(path.clone(), kind, text, tree.as_ref(), Some((&mut facts_cache, previous)));
            }
        }
        if let Some(open) = self.open.get_mut(&path) {
            open.facts_cache = facts_cache;
        }
    }

    /// The editor closed `path`: disk is the truth again.
    pub fn close(&mut self, path: &Path) {
        if self.open.remove(&path.to_path_buf()).is_some() {
            self.reload_from_disk(path);
        }
    }

    /// A file changed, appeared or vanished on disk. Open documents ignore disk.
    pub fn disk_changed(&mut self, path: &Path) {
        // A ref or `HEAD` of a repository moved (a commit, a checkout): the baselines.
        if path.components().any(|c| c.as_os_str() == ".git") {
            self.refresh_baselines();
            return;
        }
        if path.file_name().is_some_and(|n| n == "package.json") {
            if let Some(dir) = path.parent() {
                if self.packages.remove(dir).is_some() {
                    self.rebuild_workers();
                }
            }
            return;
        }
        if discover::is_settings_file(path) {
            self.load_settings_file(path);
            self.dirty.extend(self.workers.keys().cloned());
            return;
        }
        if self.open.contains_key(&path.to_path_buf()) {
            return;
        }
        self.reload_from_disk(path);
    }

    fn reload_from_disk(&mut self, path: &Path) {
        let exists = path.is_file();
        let Some(kind) = self.kind_of(path).filter(|_| exists) else {
            self.remove_file(path);
            return;
        };
        match discover::read_text(path) {
            Ok(text) => {
                let path = Arc::new(path.to_path_buf());
                let loaded = Loaded::from_disk(&path, kind, Arc::from(text), self.settings.cache.as_deref());
                self.set_loaded(path.clone(), loaded);
                if is_wrangler_config(&path) {
                    self.refresh_baseline(&path);
                }
            }
            Err(err) => {
                tracing::warn!("{}: {err}", path.display());
                self.remove_file(path);
            }
        }
    }

    fn remove_file(&mut self, path: &Path) {
        let key = path.to_path_buf();
        let had_source = self.sources.remove(&key).is_some();
        let had_config = self.configs.remove(&key).is_some();
        self.baselines.remove(&key);
        if had_source || had_config {
            self.mark_containing_dirty(&key);
            self.rebuild_workers();
        }
    }

    /// The kind of a path the index reads, or `None` (outside the roots, in `node_modules`,
    /// excluded by a `durable-lsp.toml`, ...).
    fn kind_of(&self, path: &Path) -> Option<FileKind> {
        if discover::in_skipped_dir(path) || self.is_excluded(path) {
            return None;
        }
        let found = discover::classify(path)?;
        Some(found.kind)
    }

    /// Stores new text for a file, updates the Worker structure the change touched (as little
    /// as it can: an ordinary keystroke touches none), and marks what must be re-analysed.
    fn set_text(
        &mut self,
        path: Arc<PathBuf>,
        kind: FileKind,
        text: Arc<str>,
        tree: Option<&tree_sitter::Tree>,
        reuse: Option<Reuse<'_>>,
    ) {
        let loaded = Loaded::new(&path, kind, text, tree, reuse);
        self.set_loaded(path, loaded);
    }

    /// [`Workspace::set_text`] for a file already read.
    fn set_loaded(&mut self, path: Arc<PathBuf>, loaded: Loaded) {
        match self.store(path.clone(), loaded) {
            Structure::Unchanged => {}
            Structure::ModuleGraph => {
                let workers = self.containing.get(&path).cloned().unwrap_or_default();
                for config in workers {
                    self.rebuild_worker(&config, false);
                }
            }
            Structure::Worker => self.rebuild_worker(&path, true),
            Structure::Files => self.rebuild_workers(),
        }
        self.mark_containing_dirty(&path);
    }

    /// Stores a file; says how much Worker structure the change may have changed.
    fn store(&mut self, path: Arc<PathBuf>, loaded: Loaded) -> Structure {
        match loaded {
            Loaded::Config(file) => match self.configs.insert(path, file) {
                Some(_) => Structure::Worker,
                None => Structure::Files,
            },
            Loaded::Source(file) => {
                let new_facts = file.facts.clone();
                match self.sources.insert(path, file) {
                    None => Structure::Files,
                    Some(old)
                        if old.facts.imports != new_facts.imports
                            || old.facts.exports != new_facts.exports
                            || old.facts.dynamic_imports != new_facts.dynamic_imports =>
                    {
                        Structure::ModuleGraph
                    }
                    Some(_) => Structure::Unchanged,
                }
            }
        }
    }

    /// Rebuilds one Worker (its config changed, or a file of its module graph changed imports);
    /// `rescan` also recomputes the sources under its folder (only needed when files appear).
    fn rebuild_worker(&mut self, config_path: &Arc<PathBuf>, rescan: bool) {
        self.read_packages();
        let Some(config) = self.configs.get(config_path) else { return };
        let sources = match (rescan, self.workers.get(config_path)) {
            (false, Some(old)) => Some(old.sources.clone()),
            _ => None,
        };
        let worker = Worker::build(self, config_path.clone(), config, sources);
        let (mut same_scripts, mut same_classes) = (false, false);
        if let Some(old) = self.workers.remove(config_path) {
            for file in old.files() {
                if let Some(list) = self.containing.get_mut(file) {
                    list.retain(|c| c != config_path);
                }
            }
            same_scripts = old.script_names().eq(worker.script_names());
            same_classes = old.bound_class_names().eq(worker.bound_class_names());
        }
        for file in worker.files() {
            self.containing.entry(file.clone()).or_default().push(config_path.clone());
        }
        self.workers.insert(config_path.clone(), worker);
        // A module graph that changed (imports typed in a source) leaves the index as it is.
        if !same_scripts {
            self.script_referrers = None;
        }
        if !same_classes {
            self.bound_classes = OnceLock::new();
            self.bound_classes_lowered = OnceLock::new();
        }
        self.dirty.insert(config_path.clone());
    }

    /// Marks dirty the Workers a change to `path` can affect: the Workers that contain it (or
    /// whose config it is), the Workers that bind their classes through `script_name` (they read
    /// those classes and lifecycles), and the Workers a changed config points at (their
    /// `unbound-durable-object` and the like read who binds them).
    fn mark_containing_dirty(&mut self, path: &PathBuf) {
        let mut direct: Vec<Arc<PathBuf>> = self.containing.get(path).cloned().unwrap_or_default();
        if let Some((key, worker)) = self.workers.get_key_value(path) {
            direct.push(key.clone());
            let targets: FxHashSet<&str> = worker.script_names().collect();
            let pointed = self.configs_where(|w| w.name().is_some_and(|n| targets.contains(n)));
            self.dirty.extend(pointed);
        }
        let names: FxHashSet<String> =
            direct.iter().filter_map(|c| self.workers.get(c)?.name().map(str::to_owned)).collect();
        if !names.is_empty() {
            let workers = &self.workers;
            let referrers = self.script_referrers.get_or_insert_with(|| {
                let mut index: FxHashMap<String, Vec<Arc<PathBuf>>> = FxHashMap::default();
                for (config, worker) in workers {
                    for script in worker.script_names() {
                        index.entry(script.to_owned()).or_default().push(config.clone());
                    }
                }
                index
            });
            let linked: Vec<Arc<PathBuf>> = names.iter().filter_map(|n| referrers.get(n)).flatten().cloned().collect();
            self.dirty.extend(linked);
        }
        self.dirty.extend(direct);
    }

    /// The config paths of the Workers for which `keep` holds.
    fn configs_where(&self, keep: impl Fn(&Worker) -> bool) -> Vec<Arc<PathBuf>> {
        self.workers.iter().filter(|(_, w)| keep(w)).map(|(k, _)| k.clone()).collect()
    }

    /// Recomputes every Worker's structure and the file -> Workers map. Runs when configs or
    /// imports change, not on ordinary keystrokes.
    fn rebuild_workers(&mut self) {
        self.read_packages();
        let mut workers = BTreeMap::new();
        let sorted = self.sorted_sources();
        for (path, config) in &self.configs {
            let dir = path.parent().unwrap_or(Path::new(""));
            let under = sources_under(&sorted, dir);
            workers.insert(path.clone(), Worker::build(self, path.clone(), config, Some(under)));
        }
        let mut containing: FxHashMap<Arc<PathBuf>, Vec<Arc<PathBuf>>> = FxHashMap::default();
        for (config_path, worker) in &workers {
            for file in worker.files() {
                containing.entry(file.clone()).or_default().push(config_path.clone());
            }
        }
        // A Worker whose structure changed needs analysis.
        for (path, worker) in &workers {
            if self.workers.get(path) != Some(worker) {
                self.dirty.insert(path.clone());
            }
        }
        for gone in self.workers.keys() {
            if !workers.contains_key(gone) {
                self.dirty.insert(gone.clone());
            }
        }
        self.workers = workers;
        self.script_referrers = None;
        self.bound_classes = OnceLock::new();
        self.bound_classes_lowered = OnceLock::new();
        self.containing = containing;
    }

    /// Every source file under `dir` (for class lookup).
    fn sources_under(&self, dir: &Path) -> Vec<Arc<PathBuf>> {
        let mut out: Vec<_> = self.sources.keys().filter(|p| p.starts_with(dir)).cloned().collect();
        out.sort();
        out
    }

    /// The source files' paths, sorted.
    fn sorted_sources(&self) -> Vec<Arc<PathBuf>> {
        let mut sorted: Vec<_> = self.sources.keys().cloned().collect();
        sorted.sort_unstable();
        sorted
    }
}

/// The paths of `sorted` under `dir`, as [`Workspace::sources_under`] finds them: paths compare
/// component by component, so those under a folder are one run of the sorted list (a binary
/// search, where a scan of every source per Worker made a 1,000-Worker workspace quadratic).
fn sources_under(sorted: &[Arc<PathBuf>], dir: &Path) -> Vec<Arc<PathBuf>> {
    let start = sorted.partition_point(|p| p.as_path() < dir);
    sorted[start..].iter().take_while(|p| p.starts_with(dir)).cloned().collect()
}

/// How much Worker structure a stored change touched.
enum Structure {
    /// Only the file's content: re-analyse the Workers that contain it.
    Unchanged,
    /// The file's imports or exports: recompute the module graphs of the Workers that contain it.
    ModuleGraph,
    /// A config's content: rebuild that Worker.
    Worker,
    /// A file appeared: rebuild every Worker.
    Files,
}

/// What an open document's extraction re-uses: its units' cache and the facts extracted from
/// its previous text.
type Reuse<'a> = (&'a mut FactsCache, Option<FileFacts>);

/// Takes a source's facts out for re-use, leaving behind its imports and exports (what `store`
/// compares to tell whether the module graph changed).
fn take_for_reuse(facts: &mut Arc<FileFacts>) -> FileFacts {
    let facts = Arc::make_mut(facts);
    let interface = FileFacts {
        imports: facts.imports.clone(),
        exports: facts.exports.clone(),
        dynamic_imports: facts.dynamic_imports.clone(),
        ..FileFacts::default()
    };
    std::mem::replace(facts, interface)
}

/// A file read and understood, ready to store.
enum Loaded {
    Source(SourceFile),
    Config(ConfigFile),
}

impl Loaded {
    /// [`Loaded::new`] for a file read from disk: a source's facts come from `cache` when it
    /// has them, and go into it when they are extracted.
    fn from_disk(path: &Path, kind: FileKind, text: Arc<str>, cache: Option<&disk_cache::DiskCache>) -> Loaded {
        let Some(cache) = cache.filter(|_| !is_wrangler_config(path)) else {
            return Loaded::new(path, kind, text, None, None);
        };
        if let Some(facts) = cache.get(kind, &text) {
            return Loaded::Source(SourceFile { kind, text, facts: Arc::new(facts) });
        }
        let loaded = Loaded::new(path, kind, text, None, None);
        if let Loaded::Source(file) = &loaded {
            cache.put(kind, &file.text, &file.facts);
        }
        loaded
    }

    /// Reads a config, or extracts a source's facts (parsing when no tree is given; the tree is
    /// dropped afterwards: closed files keep no tree), re-using the facts of unchanged units.
    fn new(
        path: &Path,
        kind: FileKind,
        text: Arc<str>,
        tree: Option<&tree_sitter::Tree>,
        reuse: Option<Reuse<'_>>,
    ) -> Loaded {
        if is_wrangler_config(path) {
            let format = if kind == FileKind::Toml { ConfigFormat::Toml } else { ConfigFormat::Jsonc };
            let config = Arc::new(read_config(&text, format));
            return Loaded::Config(ConfigFile { text, config });
        }
        let parsed;
        let tree = match tree {
            Some(tree) => Some(tree),
            None => {
                parsed = crate::text::language::parse(kind, &text, None);
                parsed.as_ref()
            }
        };
        let facts = match tree {
            Some(tree) => match reuse {
                Some((cache, previous)) => facts::extract_cached(tree, &text, kind, Some(cache), previous),
                None => facts::extract(tree, &text, kind),
            },
            None => FileFacts::default(),
        };
        Loaded::Source(SourceFile { kind, text, facts: Arc::new(facts) })
    }
}

/// Reads and extracts files in parallel on `threads` threads (default: the machine's cores);
/// unreadable files are logged.
fn load_all(found: Vec<discover::FoundFile>, settings: &IndexSettings) -> Vec<(Arc<PathBuf>, Loaded)> {
    let cache = settings.cache.as_deref();
    let threads = settings.load_threads;
    let threads = threads.or_else(|| std::thread::available_parallelism().ok()).map_or(1, |n| n.get());
    let threads = threads.min(found.len()).max(1);
    // Each thread takes the next file when it is done with one: a file that costs more (a cache
    // miss parsed, a big file) does not leave the other threads idle at the end. The results
    // are put back in the order of `found`.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let one = |f: &discover::FoundFile| match discover::read_text(&f.path) {
        Ok(text) => Some((Arc::new(f.path.clone()), Loaded::from_disk(&f.path, f.kind, Arc::from(text), cache))),
        Err(err) => {
            tracing::warn!("{}: {err}", f.path.display());
            None
        }
    };
    let mut loaded: Vec<(usize, (Arc<PathBuf>, Loaded))> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = found.get(i) else { break };
                        out.extend(one(file).map(|l| (i, l)));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    loaded.sort_unstable_by_key(|(i, _)| *i);
    loaded.into_iter().map(|(_, l)| l).collect()
}

fn common_prefix_len(a: &Path, b: &Path) -> usize {
    a.components().zip(b.components()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_class_names_follow_config_edits() {
        let mut ws = Workspace::default();
        let config = PathBuf::from("/w/wrangler.jsonc");
        let text = r#"{ "name": "w", "durable_objects": { "bindings": [{ "name": "A", "class_name": "Room" }] } }"#;
        ws.open(&config, text, 1);
        assert!(ws.bound_class_names().contains("Room"));
        let renamed = TextChange { range: None, text: text.replace("Room", "Lobby") };
        assert!(ws.change(&config, &[renamed], 2, PositionEncoding::Utf16));
        let bound = ws.bound_class_names();
        assert!(bound.contains("Lobby") && !bound.contains("Room"), "{bound:?}");
    }

    #[test]
    fn sources_under_a_folder_are_found_by_binary_search() {
        let paths = ["/w/a/src/x.ts", "/w/a.ts", "/w/ab/y.ts", "/w/a/z.ts", "/w/b/a/q.ts", "/w/a-b/r.ts", "/v/a/s.ts"];
        let mut sorted: Vec<Arc<PathBuf>> = paths.iter().map(|p| Arc::new(PathBuf::from(p))).collect();
        sorted.sort_unstable();
        for dir in ["/w/a", "/w", "/w/b", "/w/c", "/", "/w/a/src"] {
            let dir = Path::new(dir);
            let mut scanned: Vec<_> = sorted.iter().filter(|p| p.starts_with(dir)).cloned().collect();
            scanned.sort();
            assert_eq!(sources_under(&sorted, dir), scanned, "{}", dir.display());
        }
        let under_a: Vec<_> =
            sources_under(&sorted, Path::new("/w/a")).iter().map(|p| p.display().to_string()).collect();
        assert_eq!(under_a, ["/w/a/src/x.ts", "/w/a/z.ts"]);
    }
}
