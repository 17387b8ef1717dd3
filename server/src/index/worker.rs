//! One Worker: a config file and the sources it reaches.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::Workspace;
use crate::config::WorkerConfig;

/// Folders that hold build output: a `main` there is generated, not a source.
const BUILD_OUTPUT_DIRS: &[&str] = &["dist", "build", "out", ".output", ".wrangler", ".svelte-kit", ".vercel"];

/// Where a Worker's `main` module stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MainModule {
    /// A source file of the workspace.
    Found(Arc<PathBuf>),
    /// No `main` key.
    Missing,
    /// `main` names no file of the workspace.
    NotFound(PathBuf),
    /// `main` is build output (a `build.command`, or a build folder): generated, not indexed.
    BuildOutput(PathBuf),
}

/// Where a Worker's entry comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntrySource {
    /// The config's `main`.
    Main,
    /// A package.json script passes it to wrangler (the config has no `main`).
    Script {
        /// The script's name.
        script: String,
        /// The command line's wrangler command (`deploy`, `dev`, `versions upload`).
        command: String,
    },
}

/// The module wrangler bundles for a Worker, when it is a source of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file.
    pub path: Arc<PathBuf>,
    /// Where it comes from.
    pub source: EntrySource,
}

/// Why a Worker's config serves tests and is never deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestConfig {
    /// A vitest config of its folder names it (vitest-pool-workers): the test runner supplies
    /// the entry.
    Vitest,
    /// Its file name (`wrangler.test.jsonc`), its Worker name (`*-test`) or a folder above it
    /// (`test`, `e2e-tests`, `fixtures`) says it is a test or a fixture.
    Named,
}

/// Folders whose Workers serve tests: the exact names, and names ending so.
const TEST_DIRS: &[&str] = &["test", "tests", "__tests__", "e2e", "fixtures", "__fixtures__", "test-fixtures"];
const TEST_DIR_SUFFIXES: &[&str] = &["-tests", "_tests", "-fixtures"];

/// A Worker's structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Worker {
    /// Its config file.
    pub config_path: Arc<PathBuf>,
    /// The folder of the config file.
    pub dir: PathBuf,
    /// What the config says.
    pub config: Arc<WorkerConfig>,
    /// The main module.
    pub main: MainModule,
    /// The entry: `main` when found, else the file a package.json script gives wrangler.
    pub entry: Option<Entry>,
    /// Files reachable from the entry (empty without one).
    pub module_graph: FxHashSet<Arc<PathBuf>>,
    /// Every source file under the Worker's folder (for class lookup).
    pub sources: Vec<Arc<PathBuf>>,
    /// Set when the config serves tests (rules about deploying it stay quiet).
    pub test: Option<TestConfig>,
}

impl Worker {
    /// Resolves a Worker's structure against the workspace's files; `sources` reuses a known
    /// list of the sources under its folder instead of scanning the workspace.
    pub(super) fn build(
        ws: &Workspace,
        config_path: Arc<PathBuf>,
        file: &super::ConfigFile,
        sources: Option<Vec<Arc<PathBuf>>>,
    ) -> Worker {
        let dir = config_path.parent().map(Path::to_path_buf).unwrap_or_default();
        let config = file.config.clone();
        let main = match config.top.main.as_ref().map(|m| m.value.trim()) {
            None | Some("") => MainModule::Missing,
            Some(main) => {
                let path = super::modules::normalize(&dir.join(main));
                if let Some((key, _)) = ws.sources.get_key_value(&path) {
                    MainModule::Found(key.clone())
                } else if config.has_build_command || is_build_output(&dir, &path) {
                    MainModule::BuildOutput(path)
                } else {
                    MainModule::NotFound(path)
                }
            }
        };
        let entry = match &main {
            MainModule::Found(main) => Some(Entry { path: main.clone(), source: EntrySource::Main }),
            MainModule::Missing => script_entry(ws, &dir, &config_path),
            _ => None,
        };
        let module_graph = match &entry {
            Some(entry) => ws.module_graph(&entry.path),
            None => FxHashSet::default(),
        };
        let sources = sources.unwrap_or_else(|| ws.sources_under(&dir));
        let test = test_config(ws, &dir, &config_path, &config);
        Worker { config_path, dir, config, main, entry, module_graph, sources, test }
    }

    /// The Worker's `name`.
    pub fn name(&self) -> Option<&str> {
        self.config.top.name.as_ref().map(|n| n.value.as_str())
    }

    /// The `script_name`s its DO bindings point at, in every section.
    pub fn script_names(&self) -> impl Iterator<Item = &str> {
        self.do_bindings().filter_map(|b| b.script_name.as_ref().map(|s| s.value.as_str()))
    }

    /// The `class_name`s its DO bindings name, in every section (the same names as its resolved
    /// environments' bindings: `durable_objects` is not inherited).
    pub fn bound_class_names(&self) -> impl Iterator<Item = &str> {
        self.do_bindings().filter_map(|b| b.class_name.as_ref().map(|c| c.value.as_str()))
    }

    /// The DO bindings of every section.
    fn do_bindings(&self) -> impl Iterator<Item = &crate::config::DoBinding> {
        std::iter::once(&self.config.top)
            .chain(self.config.envs.iter().map(|e| &e.config))
            .filter_map(|section| section.durable_objects.as_ref())
            .flat_map(|d| d.bindings.iter())
    }

    /// Every file of the Worker: the module graph and the sources under its folder.
    pub fn files(&self) -> impl Iterator<Item = &Arc<PathBuf>> {
        let extra = self.module_graph.iter().filter(|p| !p.starts_with(&self.dir));
        self.sources.iter().chain(extra)
    }

    /// The files the Worker's code runs: the module graph when its entry was found, else
    /// every source under its folder.
    pub fn code_files(&self) -> Vec<&Arc<PathBuf>> {
        if self.entry.is_some() {
            let mut files: Vec<_> = self.module_graph.iter().collect();
            files.sort();
            files
        } else {
            self.sources.iter().collect()
        }
    }
}

/// Whether a config serves tests (see [`TestConfig`]).
fn test_config(ws: &Workspace, dir: &Path, config_path: &Path, _config: &WorkerConfig) -> Option<TestConfig> {
    let file_name = config_path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let vitest_configs: Vec<&super::SourceFile> = ["ts", "mts", "cts", "js", "mjs", "cjs"]
        .iter()
        .filter_map(|kind| ws.source(&dir.join(format!("vitest.config.{kind}"))))
        .collect();
    if vitest_configs.iter().any(|f| f.text.contains(file_name)) {
        return Some(TestConfig::Vitest);
    }
    let lower = file_name.to_ascii_lowercase();
    let named_file = lower.contains(".test.") || lower.contains(".vitest.") || lower.contains(".e2e.");
    // Folders inside the workspace only: a workspace that lives under `~/tests/` is no test.
    let relative = ws.roots().iter().find_map(|r| dir.strip_prefix(r).ok()).unwrap_or(Path::new(""));
    let in_test_dir = relative.components().any(|c| {
        c.as_os_str().to_str().is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            TEST_DIRS.contains(&n.as_str()) || TEST_DIR_SUFFIXES.iter().any(|s| n.ends_with(s))
        })
    });
    // A folder whose tests run under vitest and whose scripts never run wrangler on a Worker.
    let tests_only = !vitest_configs.is_empty() && ws.package_scripts(dir).is_none_or(|s| s.is_empty());
    (named_file || in_test_dir || tests_only).then_some(TestConfig::Named)
}

/// The entry a package.json script in the Worker's folder gives wrangler for this config.
fn script_entry(ws: &Workspace, dir: &Path, config: &Path) -> Option<Entry> {
    let scripts = ws.package_scripts(dir)?;
    // Without `--config`, wrangler reads the folder's first config of these names.
    let default_config = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| ws.config_file(p).is_some());
    let script = super::entry::entry_for(scripts, dir, config, default_config.as_deref())?;
    let path = super::entry::entry_path(dir, script)?;
    let (key, _) = ws.sources_entry(&path)?;
    let source = EntrySource::Script { script: script.script.clone(), command: script.command.clone() };
    Some(Entry { path: key.clone(), source })
}

/// True when `main` lies in a build folder under the Worker, or in a folder `.gitignore` ignores.
fn is_build_output(dir: &Path, main: &Path) -> bool {
    let Ok(rel) = main.strip_prefix(dir) else { return false };
    let in_build_dir = rel.parent().is_some_and(|p| {
        p.components().any(|c| c.as_os_str().to_str().is_some_and(|n| BUILD_OUTPUT_DIRS.contains(&n)))
    });
    in_build_dir || is_git_ignored(dir, main)
}

/// Asks the `.gitignore` files from `dir` upwards whether `path` is ignored.
fn is_git_ignored(dir: &Path, path: &Path) -> bool {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
    let mut current = Some(dir);
    let mut any = false;
    while let Some(d) = current {
        let candidate = d.join(".gitignore");
        if candidate.is_file() {
            any = true;
            builder.add(candidate);
        }
        if d.join(".git").exists() {
            break;
        }
        current = d.parent();
    }
    if !any {
        return false;
    }
    match builder.build() {
        Ok(gi) => gi.matched_path_or_any_parents(path, false).is_ignore(),
        Err(_) => false,
    }
}
