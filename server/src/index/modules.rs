//! Module resolution and export tables: what `main` exports, through re-export chains.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{SourceFile, Workspace};
use crate::facts::ExportFact;
use crate::text::language::SOURCE_EXTENSIONS;

/// Removes `.` and `..` components without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// True for a specifier that names a file of the workspace (`./x`, `../x`, `/abs`), not a package.
pub fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." || specifier == ".."
}

/// The first of the files a relative `specifier` may name from `from` that `found` knows, trying
/// what TypeScript and bundlers try: the path as is, `.js`-style specifiers pointing at TS
/// sources, each source extension, then `index.*` inside a folder. `None` for a package
/// specifier.
pub fn resolve_with<T>(from: &Path, specifier: &str, mut found: impl FnMut(&Path) -> Option<T>) -> Option<T> {
    if !is_relative(specifier) {
        return None;
    }
    let base = normalize(&from.parent()?.join(specifier));
    if let Some(hit) = found(&base) {
        return Some(hit);
    }
    let ext = base.extension().and_then(|e| e.to_str()).unwrap_or("");
    // `./x.js` in TS means `./x.ts` (and `.mjs` -> `.mts`, `.jsx` -> `.tsx`, `.cjs` -> `.cts`).
    let swaps: &[&str] = match ext {
        "js" => &["ts", "tsx"],
        "mjs" => &["mts"],
        "cjs" => &["cts"],
        "jsx" => &["tsx"],
        _ => &[],
    };
    for swap in swaps {
        if let Some(hit) = found(&base.with_extension(swap)) {
            return Some(hit);
        }
    }
    for ext in SOURCE_EXTENSIONS {
        let mut name = base.clone().into_os_string();
        name.push(".");
        name.push(ext);
        if let Some(hit) = found(Path::new(&name)) {
            return Some(hit);
        }
    }
    SOURCE_EXTENSIONS.iter().find_map(|ext| found(&base.join(format!("index.{ext}"))))
}

impl Workspace {
    /// The source file `specifier` names from `from` ([`resolve_with`] over the workspace's
    /// sources).
    pub fn resolve_module(&self, from: &Path, specifier: &str) -> Option<Arc<PathBuf>> {
        resolve_with(from, specifier, |p| self.sources.get_key_value(&p.to_path_buf()).map(|(k, _)| k.clone()))
    }

    /// Every file reachable from `main` through relative imports, re-exports and `import()` of
    /// a constant specifier.
    pub fn module_graph(&self, main: &Arc<PathBuf>) -> FxHashSet<Arc<PathBuf>> {
        let mut seen = FxHashSet::default();
        let mut stack = vec![main.clone()];
        while let Some(path) = stack.pop() {
            let Some(file) = self.source_at(&path) else { continue };
            if !seen.insert(path.clone()) {
                continue;
            }
            for specifier in file.facts.module_specifiers() {
                if let Some(next) = self.resolve_module(&path, specifier) {
                    if !seen.contains(&next) {
                        stack.push(next);
                    }
                }
            }
        }
        seen
    }

    /// What `file` exports, following re-export chains through workspace files.
    pub fn export_table(&self, file: &Arc<PathBuf>) -> ExportTable {
        let mut visiting = FxHashSet::default();
        self.export_table_inner(file, &mut visiting)
    }

    fn export_table_inner(&self, path: &Arc<PathBuf>, visiting: &mut FxHashSet<Arc<PathBuf>>) -> ExportTable {
        let mut table = ExportTable::default();
        let Some(file) = self.source_at(path) else {
            table.open_ended = true;
            return table;
        };
        if !visiting.insert(path.clone()) {
            return table;
        }
        table.open_ended = file.facts.has_commonjs_exports;
        for export in &file.facts.exports {
            match export {
                ExportFact::Local { exported, local } => {
                    let target = self.local_target(path, file, local, visiting);
                    table.names.entry(exported.value.clone()).or_insert(target);
                }
                ExportFact::From { specifier, exported, imported } => {
                    let target = self.imported_target(path, &specifier.value, imported, visiting);
                    table.names.entry(exported.value.clone()).or_insert(target);
                }
                ExportFact::StarAs { exported, .. } => {
                    table.names.entry(exported.value.clone()).or_insert(ExportTarget::Other);
                }
                ExportFact::Star { specifier } => match self.resolve_module(path, &specifier.value) {
                    Some(target) => {
                        let inner = self.export_table_inner(&target, visiting);
                        table.open_ended |= inner.open_ended;
                        for (name, t) in inner.names {
                            // `export *` never re-exports `default`; explicit exports win.
                            if name != "default" {
                                table.names.entry(name).or_insert(t);
                            }
                        }
                    }
                    None => table.open_ended = true,
                },
                ExportFact::Default { .. } => {
                    table.names.entry("default".into()).or_insert(ExportTarget::Other);
                }
            }
        }
        visiting.remove(path);
        table
    }

    /// What a name in `file`'s own scope is: a class of the file, or an imported binding.
    fn local_target(
        &self,
        path: &Arc<PathBuf>,
        file: &SourceFile,
        local: &str,
        visiting: &mut FxHashSet<Arc<PathBuf>>,
    ) -> ExportTarget {
        if let Some(index) = file.facts.classes.iter().position(|c| c.name.value == local) {
            return ExportTarget::Class { file: path.clone(), class: index };
        }
        for import in &file.facts.imports {
            if let Some(name) = import.names.iter().find(|n| n.local.value == local) {
                if name.imported == "*" {
                    return ExportTarget::Other;
                }
                return self.imported_target(path, &import.specifier.value, &name.imported, visiting);
            }
        }
        ExportTarget::Other
    }

    /// What `name` exported by the module `specifier` (seen from `path`) is.
    fn imported_target(
        &self,
        path: &Arc<PathBuf>,
        specifier: &str,
        name: &str,
        visiting: &mut FxHashSet<Arc<PathBuf>>,
    ) -> ExportTarget {
        let Some(target) = self.resolve_module(path, specifier) else {
            return ExportTarget::External;
        };
        let table = self.export_table_inner(&target, visiting);
        match table.names.get(name) {
            Some(t) => t.clone(),
            None if table.open_ended => ExportTarget::External,
            None => ExportTarget::Missing,
        }
    }

    /// The class that the name `local` denotes in `path` (its own class, or an imported one).
    pub fn class_in_scope(&self, path: &Arc<PathBuf>, local: &str) -> ExportTarget {
        let Some(file) = self.source_at(path) else {
            return ExportTarget::Missing;
        };
        let mut visiting = FxHashSet::default();
        self.local_target(path, file, local, &mut visiting)
    }
}

/// What an exported name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportTarget {
    /// A class of a workspace file.
    Class {
        /// The file.
        file: Arc<PathBuf>,
        /// Its index in the file's facts.
        class: usize,
    },
    /// Something else of the workspace (a value, a factory result, a namespace object).
    Other,
    /// Comes from a package or a file the index cannot read.
    External,
    /// Names nothing the target module exports.
    Missing,
}

/// The names a module exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportTable {
    /// Exported name -> what it is.
    pub names: FxHashMap<String, ExportTarget>,
    /// True when the module may export more than `names` (CommonJS, `export *` from a package).
    pub open_ended: bool,
}

impl ExportTable {
    /// True when the module certainly does not export `name`.
    pub fn surely_lacks(&self, name: &str) -> bool {
        !self.open_ended && !self.names.contains_key(name)
    }
}
