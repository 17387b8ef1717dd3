//! `durable-lsp check`: the server's analysis, run once over folders, for CI and review bots.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::changed::{changed_files, ChangedSince};
use super::format::{render, Format, ReportContext};
use crate::analysis::{rules, Analysis, Finding, RuleMeta, Severity};
use crate::index::disk_cache::CacheSetting;
use crate::index::{IndexSettings, Loading};
use crate::text::language::is_wrangler_config;

/// `--fail-on`: the lowest severity that makes `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Errors only (the default).
    Error,
    /// Warnings and errors.
    Warning,
    /// Info and above.
    Info,
    /// Any finding.
    Hint,
    /// Never: always exit 0 after a successful run.
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Hint => Some(Severity::Hint),
            FailOn::Never => None,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// `path:line:col: severity[id] message`, a source line and a caret.
    Text,
    /// The JSON document described in the README.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// reviewdog's rdjson, fixes as suggestions.
    Rdjson,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// What `check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Folders or files to check; empty: the current folder, which may hold no Worker (a
    /// folder named here must hold one, else `check` fails).
    pub paths: Vec<PathBuf>,
    /// Report format.
    pub format: FormatArg,
    /// Exit 1 at or above this severity.
    pub fail_on: FailOn,
    /// Colouring of the text format.
    pub color: ColorArg,
    /// Apply the safe fixes and write them (`--fix`).
    pub fix: bool,
    /// Print the safe fixes as a unified diff and write nothing (`--diff`).
    pub diff: bool,
    /// Report only findings in files changed since this git revision (`--changed`).
    pub changed: Option<ChangedSince>,
    /// Threads indexing the files (`--threads`); `None`: one per core.
    pub threads: Option<std::num::NonZeroUsize>,
    /// The facts cache (`--no-cache`, `--cache-dir`).
    pub cache: CacheSetting,
}

/// A usage or I/O error: exit 2 with this one-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError(pub String);

/// Sources read between two draws of the progress bar (about a tenth of a second).
const LOAD_BATCH: usize = 256;

/// Runs `check`; returns whether findings reached `--fail-on`. Made for a process that exits
/// when it returns: the index of a successful run is not freed (its memory goes back with the
/// process, at no cost).
pub fn run(options: &CheckOptions, out: &mut dyn Write) -> Result<bool, CheckError> {
    let cwd = std::env::current_dir().map_err(|e| CheckError(format!("cannot read the current directory: {e}")))?;
    // Paths named on the command line must each hold a Worker (a mistyped path in CI must not
    // pass); the implicit `.` may hold none (a note on stderr, exit 0).
    let explicit = !options.paths.is_empty();
    let implicit = [PathBuf::from(".")];
    let paths = if explicit { options.paths.as_slice() } else { &implicit };
    let mut roots = Vec::new();
    let mut only_files = Vec::new();
    let mut folders = Vec::new();
    for path in paths {
        let absolute = cwd.join(path);
        let meta =
            std::fs::metadata(&absolute).map_err(|e| CheckError(format!("{}: {}", path.display(), io_reason(&e))))?;
        let absolute = std::fs::canonicalize(&absolute).unwrap_or(absolute);
        if meta.is_dir() {
            roots.push(absolute.clone());
            folders.push((path, absolute));
        } else {
            let Some(root) = worker_root(&absolute) else {
                return Err(CheckError(format!(
                    "{}: no Worker: no wrangler config (wrangler.json, wrangler.jsonc, wrangler.toml) in its folder or above",
                    path.display()
                )));
            };
            roots.push(root);
            only_files.push(absolute);
        }
    }
    // Asked before the (longer) analysis, so a bad revision fails fast.
    let changed = match &options.changed {
        Some(since) => Some(changed_files(&cwd, since).map_err(CheckError)?),
        None => None,
    };
    // With `--changed`, the configs at the merge base count as deployed.
    let baseline_rev = changed.as_ref().map(|c| c.merge_base.clone());
    let cache = options.cache.open();
    let settings =
        IndexSettings { load_threads: options.threads, baseline_rev, cache: cache.clone(), ..IndexSettings::default() };
    // A progress bar on a terminal for runs over a second (the text format only).
    let mut bar = super::progress::ProgressBar::stderr(options.format == FormatArg::Text);
    let mut loading = Loading::start(roots.clone(), settings);
    while !loading.is_done() {
        loading.load_batch(LOAD_BATCH);
        let (done, total) = loading.progress();
        bar.files(done, total);
    }
    let mut ws = loading.finish();
    if explicit {
        for (given, folder) in &folders {
            if !ws.workers().any(|w| w.config_path.starts_with(folder)) {
                return Err(CheckError(no_worker_under(given, folder)));
            }
        }
    }
    let workers = ws.workers().count();
    bar.message(&format!("analysing {workers} Worker{}", if workers == 1 { "" } else { "s" }));
    // Findings of unchanged Workers come from the cache (when it is on).
    let mut analysis = Analysis::default();
    analysis.use_cache = true;
    analysis.update(&mut ws);
    analysis.use_cache = false;
    bar.clear();
    if options.fix || options.diff {
        let changes = super::fix::apply_safe_fixes(&mut ws, &mut analysis);
        if options.diff {
            let diff = super::fix::unified_diff(&changes, &cwd);
            out.write_all(diff.as_bytes()).map_err(|e| CheckError(format!("cannot write the diff: {e}")))?;
            return Ok(!changes.is_empty());
        }
        super::fix::write_changes(&changes, ws.roots()).map_err(CheckError)?;
        if !changes.is_empty() {
            eprintln!("durable-lsp: fixed {} file{}", changes.len(), if changes.len() == 1 { "" } else { "s" });
        }
    }
    let findings: Vec<Finding> = analysis
        .all()
        .into_iter()
        .filter(|f| only_files.is_empty() || only_files.iter().any(|p| **f.location.path == *p))
        .filter(|f| changed.as_ref().is_none_or(|c| c.files.contains(f.location.path.as_path())))
        .cloned()
        .collect();
    let metas: Vec<RuleMeta> = rules::all_meta().copied().collect();
    let source = |p: &Path| ws.text(p).or_else(|| std::fs::read_to_string(p).ok().map(Arc::from));
    let cx = ReportContext {
        base: &cwd,
        source: &source,
        rules: &metas,
        version: crate::version::VERSION,
        commit: crate::version::COMMIT,
    };
    let format = match options.format {
        FormatArg::Text => Format::Text { color: use_color(options.color) },
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Rdjson => Format::Rdjson,
    };
    if ws.workers().next().is_none() && options.format == FormatArg::Text {
        eprintln!("durable-lsp: no wrangler config (wrangler.json, wrangler.jsonc, wrangler.toml) found");
    }
    let report = render(format, &findings, &cx);
    out.write_all(report.as_bytes())
        .and_then(|_| if report.is_empty() || report.ends_with('\n') { Ok(()) } else { out.write_all(b"\n") })
        .map_err(|e| CheckError(format!("cannot write the report: {e}")))?;
    if let Some(cache) = &cache {
        tracing::debug!(
            "cache {}: facts {:?}, findings {:?}",
            cache.dir().display(),
            cache.stats(),
            cache.findings_stats()
        );
    }
    let failed = options.fail_on.threshold().is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    // The binary exits right after: freeing the index (millions of small allocations, a tenth of
    // a warm run at 10,000 files) would only delay it. See `run`'s doc.
    std::mem::forget(analysis);
    std::mem::forget(ws);
    Ok(failed)
}

/// The folder to index for a file argument: the nearest folder above it with a wrangler config
/// (the file's own folder for a config), or `None` when there is none.
fn worker_root(file: &Path) -> Option<PathBuf> {
    if is_wrangler_config(file) {
        return file.parent().map(Path::to_path_buf);
    }
    file.ancestors().skip(1).find(|d| has_wrangler_config(d)).map(Path::to_path_buf)
}

fn has_wrangler_config(dir: &Path) -> bool {
    std::fs::read_dir(dir).map(|entries| entries.flatten().any(|e| is_wrangler_config(&e.path()))).unwrap_or(false)
}

/// Why a folder named on the command line is refused: no Worker under it, and where one is when
/// the folder lies inside a Worker.
fn no_worker_under(given: &Path, folder: &Path) -> String {
    let mut message = format!(
        "{}: no Worker found: no wrangler config (wrangler.json, wrangler.jsonc, wrangler.toml) in this folder or below",
        given.display()
    );
    if let Some(above) = folder.ancestors().skip(1).find(|d| has_wrangler_config(d)) {
        message
            .push_str(&format!(" (the Worker above it is in {}: check that folder, or name files)", above.display()));
    }
    message
}

fn use_color(color: ColorArg) -> bool {
    match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
