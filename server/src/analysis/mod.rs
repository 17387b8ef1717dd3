//! The analysis layer: rules over the index, and the findings they report.

pub mod config_fixes;
pub mod context;
pub mod diagnostic;
pub mod findings_cache;
pub mod fix;
pub mod migrations_to_exports;
pub mod rule;
pub mod rules;
pub mod suppress;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

pub use crate::severity::RuleLevel;
pub use crate::text::words::closest;
pub use context::{EnvView, SeverityOverrides, WorkerContext};
pub use diagnostic::{Finding, Location, Related, Severity};
pub use fix::{apply_edits, non_overlapping_safe_fixes, Applicability, ApplyError, Fix, TextEdit};
pub use rule::{doc_url, RuleId, RuleMeta};

use crate::index::Workspace;

/// The rules about deploying a config: they stay quiet for a config that serves tests and is
/// never deployed (a vitest config, a fixture: `index::TestConfig`).
const DEPLOY_ONLY: &[RuleId] = &[
    RuleId::MissingMigration,
    RuleId::DuplicateMigrationTag,
    RuleId::InvalidMigrationSequence,
    RuleId::KvStorageBackend,
    RuleId::ContainerOnKvClass,
    RuleId::DeletedClassStillExported,
    RuleId::MigrationHistoryChanged,
    RuleId::LiveClassNotExported,
];

/// The rules about the entry wrangler bundles: quiet where the test runner supplies the entry
/// (vitest-pool-workers replaces `main`).
const ENTRY_RULES: &[RuleId] = &[RuleId::ClassNotExported];

/// True when `rule` says nothing useful about this Worker (a test config).
fn skipped_for(worker: &crate::index::Worker, rule: RuleId) -> bool {
    match worker.test {
        None => false,
        Some(crate::index::TestConfig::Named) => DEPLOY_ONLY.contains(&rule),
        Some(crate::index::TestConfig::Vitest) => DEPLOY_ONLY.contains(&rule) || ENTRY_RULES.contains(&rule),
    }
}

/// Runs every rule over one Worker. A panicking rule is logged and skipped: one bug must not
/// take the other rules, or the server, down with it.
pub fn analyze_worker(ws: &Workspace, config_path: &std::path::Path, overrides: &SeverityOverrides) -> Vec<Finding> {
    let Some(worker) = ws.worker(config_path) else { return Vec::new() };
    let cx = WorkerContext::new(ws, worker, overrides);
    let mut out = Vec::new();
    for rule in rules::RULES {
        // A rule turned off does not run at all.
        if skipped_for(worker, rule.meta.id) || cx.severity(rule.meta).is_none() {
            continue;
        }
        let before = out.len();
        let t0 = std::time::Instant::now();
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (rule.check)(&cx, &mut out)));
        tracing::trace!(rule = rule.meta.id.as_str(), micros = t0.elapsed().as_micros() as u64, "rule ran");
        if ran.is_err() {
            out.truncate(before);
            tracing::error!("rule {} panicked on {}; its findings are skipped", rule.meta.id, config_path.display());
        }
    }
    out
}

/// The severity overrides for one Worker: its `durable-lsp.toml` files (the nearest wins), then
/// the editor's settings, which win over any file.
pub fn effective_overrides(ws: &Workspace, config: &std::path::Path, editor: &SeverityOverrides) -> SeverityOverrides {
    let mut out = SeverityOverrides::default();
    if let Some(worker) = ws.worker(config) {
        // Farthest first, so nearer files overwrite.
        for (_, file) in ws.settings_for(&worker.dir).into_iter().rev() {
            // Unknown ids are `invalid-settings`' to report; here they mean nothing.
            for (id, level) in &file.rules {
                if let Some(rule) = RuleId::from_name(&id.value) {
                    out.insert(rule, *level);
                }
            }
        }
    }
    out.extend(editor.iter().map(|(k, v)| (*k, *v)));
    out
}

/// Below this many Workers an analysis runs on the calling thread (a keystroke analyses one).
const PARALLEL_FROM: usize = 8;

/// The findings of each Worker of `configs`, in that order. Workers are independent (each reads
/// the workspace, none writes it), so many are analysed on as many threads as the index reads
/// files with ([`crate::index::IndexSettings::load_threads`], default one per core); the result
/// is the same in any case. A panic in a rule reaches the caller as it would on one thread.
/// With `cache`, a Worker whose inputs did not change since a run stored its findings takes
/// them from there ([`findings_cache`]).
fn analyse_workers(
    ws: &Workspace,
    configs: &[Arc<PathBuf>],
    overrides: &SeverityOverrides,
    cache: bool,
) -> Vec<Vec<Finding>> {
    let cache = if cache { findings_cache::FindingsCache::of(ws) } else { None };
    let one = |config: &Arc<PathBuf>| {
        let overrides = effective_overrides(ws, config, overrides);
        match &cache {
            Some(cache) => cache.analyse(ws, config, &overrides),
            None => analyze_worker(ws, config, &overrides),
        }
    };
    let threads = ws
        .settings()
        .load_threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, std::num::NonZeroUsize::get);
    if threads < 2 || configs.len() < PARALLEL_FROM {
        return configs.iter().map(one).collect();
    }
    let chunk = configs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            configs.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(findings) => findings,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Findings per Worker, kept current by re-analysing the Workers the index marks dirty.
#[derive(Debug, Default)]
pub struct Analysis {
    per_worker: FxHashMap<Arc<PathBuf>, Vec<Finding>>,
    /// Findings by file, deduplicated across Workers that share the file.
    per_file: FxHashMap<Arc<PathBuf>, Vec<Finding>>,
    /// Severity overrides from the settings.
    pub overrides: SeverityOverrides,
    /// Whether Workers take their findings from the findings cache when their inputs did not
    /// change (and store them): `check` and the server's cold index, which read the workspace
    /// from disk with the facts cache on. Off for the editor's keystrokes (an entry per
    /// keystroke would only wear the disk).
    pub use_cache: bool,
}

impl Analysis {
    /// Re-analyses the dirty Workers; returns every file whose findings may have changed
    /// (including files whose findings all went away).
    pub fn update(&mut self, ws: &mut Workspace) -> Vec<Arc<PathBuf>> {
        let dirty = ws.take_dirty();
        self.analyse(ws, &dirty)
    }

    /// Re-analyses the Workers of `configs` (the cold index analyses the Workers of the open
    /// documents first, [`crate::index::Loading`]); returns every file whose findings may have
    /// changed.
    pub fn analyse(&mut self, ws: &Workspace, configs: &[Arc<PathBuf>]) -> Vec<Arc<PathBuf>> {
        let mut touched: BTreeSet<Arc<PathBuf>> = BTreeSet::new();
        let results = analyse_workers(ws, configs, &self.overrides, self.use_cache);
        for (config, fresh) in configs.iter().zip(results) {
            // Every file of a re-analysed Worker: suppressions there may have become unused.
            if let Some(worker) = ws.worker(config) {
                touched.insert(config.clone());
                touched.extend(worker.files().cloned());
            }
            if let Some(old) = self.per_worker.remove(config) {
                touched.extend(old.into_iter().map(|f| f.location.path));
            }
            if !fresh.is_empty() {
                touched.extend(fresh.iter().map(|f| f.location.path.clone()));
                self.per_worker.insert(config.clone(), fresh);
            }
        }
        for path in &touched {
            let mut seen = FxHashSet::default();
            // Only the Workers that contain a file can report in it.
            let containing = ws.workers_containing(path);
            let mut list: Vec<Finding> = containing
                .iter()
                .filter_map(|w| self.per_worker.get(&w.config_path))
                .flatten()
                .filter(|f| &f.location.path == path)
                .filter(|f| seen.insert((*f).clone()))
                .cloned()
                .collect();
            if let (Some(text), Some(kind)) = (ws.text(path), crate::text::FileKind::from_path(path)) {
                // A Worker whose config misspells a key has findings held back (names in doubt):
                // its suppressions wait for the fix too, rather than being called unused.
                let in_doubt = containing.iter().any(|w| !w.config.in_doubt.is_empty());
                let unused = context::effective_severity(&self.overrides, &suppress::META, None).filter(|_| !in_doubt);
                list = suppress::apply(list, &text, kind, path, unused);
            }
            list.sort_by(|a, b| a.location.span.cmp(&b.location.span).then(a.rule.cmp(&b.rule)));
            if list.is_empty() {
                self.per_file.remove(path);
            } else {
                self.per_file.insert(path.clone(), list);
            }
        }
        touched.into_iter().collect()
    }

    /// The current findings of one file.
    pub fn findings(&self, path: &std::path::Path) -> &[Finding] {
        self.per_file.get(&path.to_path_buf()).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every finding, sorted by file and position.
    pub fn all(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = self.per_file.values().flatten().collect();
        all.sort_by(|a, b| a.location.cmp(&b.location).then(a.rule.cmp(&b.rule)));
        all
    }
}
