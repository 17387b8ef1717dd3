//! Workspace folders added and removed while the server runs (`workspace/didChangeWorkspaceFolders`),
//! and files opened outside every folder, which are served from the nearest wrangler config
//! above them (as rust-analyzer serves detached files).

use std::path::{Path, PathBuf};

use super::{discover, load_all, Loaded, Workspace};

impl Workspace {
    /// Adds a workspace folder and indexes the files under it that are not indexed yet. A folder
    /// inside an existing one adds nothing. Every Worker is re-analysed (a new Worker can bind
    /// the classes of another through `script_name`). Returns false when nothing was added.
    pub fn add_root(&mut self, root: &Path) -> bool {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if !root.is_dir() || self.roots.iter().any(|r| root.starts_with(r)) {
            return false;
        }
        self.roots.push(root.clone());
        let mut found = discover::discover(std::slice::from_ref(&root));
        let mut settings: Vec<PathBuf> = discover::settings_files_above(&root);
        settings.extend(found.iter().filter(|f| discover::is_settings_file(&f.path)).map(|f| f.path.clone()));
        for path in settings {
            if !self.settings_files.contains_key(&path) {
                self.load_settings_file(&path);
            }
        }
        found.retain(|f| {
            let key = &f.path;
            !discover::is_settings_file(key)
                && !self.is_excluded(key)
                && !self.open.contains_key(key)
                && !self.sources.contains_key(key)
                && !self.configs.contains_key(key)
        });
        for (path, loaded) in load_all(found, &self.settings) {
            match loaded {
                Loaded::Source(file) => {
                    self.sources.insert(path, file);
                }
                Loaded::Config(file) => {
                    self.configs.insert(path, file);
                }
            }
        }
        self.rebuild_workers();
        self.dirty.extend(self.workers.keys().cloned());
        true
    }

    /// Removes a workspace folder: the files under it that no other folder holds are dropped
    /// (documents open in the editor stay), and so are their Workers. Every Worker left is
    /// re-analysed, and the dropped ones' findings are cleared. Returns false when `root` was
    /// not a folder of the workspace.
    pub fn remove_root(&mut self, root: &Path) -> bool {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let before = self.roots.len();
        self.roots.retain(|r| *r != root);
        if self.roots.len() == before {
            return false;
        }
        let roots = self.roots.clone();
        let open = &self.open;
        let kept = |path: &PathBuf| open.contains_key(path) || roots.iter().any(|r| path.starts_with(r));
        self.sources.retain(|path, _| kept(path));
        self.configs.retain(|path, _| kept(path));
        // A settings file applies to the folders under it: kept while a folder is under it or
        // holds it.
        self.settings_files.retain(|path, file| {
            roots.iter().any(|r| r.starts_with(&file.dir) || path.starts_with(r)) || open.contains_key(path)
        });
        self.rebuild_workers();
        self.dirty.extend(self.workers.keys().cloned());
        true
    }

    /// For a file opened outside every workspace folder (or in a workspace without folders):
    /// adds the nearest folder above it that holds a wrangler config as a folder, so that the
    /// file is served with its Worker. Returns that folder, or `None` when the file is inside a
    /// folder already, or no wrangler config lies above it.
    pub fn add_root_for_detached(&mut self, file: &Path) -> Option<PathBuf> {
        if self.roots.iter().any(|r| file.starts_with(r)) || discover::in_skipped_dir(file) {
            return None;
        }
        let dir = nearest_config_dir(file)?;
        self.add_root(&dir).then_some(dir)
    }
}

/// The nearest folder above `file` (its own first) that holds a wrangler config.
fn nearest_config_dir(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).find(|dir| has_wrangler_config(dir)).map(Path::to_path_buf)
}

fn has_wrangler_config(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries
        .flatten()
        .any(|e| e.file_type().is_ok_and(|t| t.is_file()) && discover::classify(&e.path()).is_some_and(|f| f.is_config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::index::IndexSettings;

    const CONFIG: &str = r#"{ "name": "NAME", "main": "src/index.ts",
        "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] } }"#;
    const SOURCE: &str = "import { DurableObject } from \"cloudflare:workers\";\nexport class Room extends DurableObject {}\nexport default { fetch() { return new Response(); } };\n";

    /// A Worker named `name` (bound class without a migration: one `missing-migration`).
    fn worker(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir.join("src")).expect("mkdir");
        std::fs::write(dir.join("wrangler.jsonc"), CONFIG.replace("NAME", name)).expect("config");
        std::fs::write(dir.join("src/index.ts"), SOURCE).expect("source");
    }

    fn rules_in(analysis: &Analysis, path: &Path) -> Vec<&'static str> {
        analysis.findings(path).iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn a_folder_added_is_indexed_and_a_folder_removed_is_dropped() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = std::fs::canonicalize(tmp.path()).expect("canonical");
        let (a, b) = (base.join("a"), base.join("b"));
        worker(&a, "a");
        worker(&b, "b");
        let mut ws = Workspace::load(vec![a.clone()], IndexSettings::default());
        let mut analysis = Analysis::default();
        analysis.update(&mut ws);
        assert_eq!(ws.workers().count(), 1);
        let b_config = b.join("wrangler.jsonc");
        assert!(rules_in(&analysis, &b_config).is_empty());

        assert!(ws.add_root(&b));
        assert!(!ws.add_root(&b.join("src")), "a folder inside a folder adds nothing");
        let touched = analysis.update(&mut ws);
        assert_eq!(ws.workers().count(), 2);
        assert_eq!(ws.source_count(), 2);
        assert!(rules_in(&analysis, &b_config).contains(&"missing-migration"));
        assert!(touched.iter().any(|p| **p == b_config));

        assert!(ws.remove_root(&b));
        assert!(!ws.remove_root(&b), "already removed");
        let touched = analysis.update(&mut ws);
        assert_eq!(ws.workers().count(), 1);
        assert_eq!(ws.source_count(), 1);
        assert!(ws.text(&b.join("src/index.ts")).is_none());
        // The dropped Worker's findings are cleared, and its file is among those to publish.
        assert!(rules_in(&analysis, &b_config).is_empty());
        assert!(touched.iter().any(|p| **p == b_config));
        assert!(rules_in(&analysis, &a.join("wrangler.jsonc")).contains(&"missing-migration"));
    }

    #[test]
    fn an_open_document_under_a_removed_folder_stays() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = std::fs::canonicalize(tmp.path()).expect("canonical");
        worker(&base, "w");
        let mut ws = Workspace::load(vec![base.clone()], IndexSettings::default());
        let source = base.join("src/index.ts");
        ws.open(&source, SOURCE, 1);
        assert!(ws.remove_root(&base));
        assert!(ws.text(&source).is_some());
        assert!(ws.text(&base.join("wrangler.jsonc")).is_none());
    }

    #[test]
    fn a_file_outside_every_folder_is_served_from_the_nearest_config_above_it() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = std::fs::canonicalize(tmp.path()).expect("canonical");
        let (inside, outside) = (base.join("inside"), base.join("outside"));
        worker(&inside, "inside");
        worker(&outside, "outside");
        std::fs::create_dir_all(outside.join("src/deep")).expect("mkdir");
        let deep = outside.join("src/deep/x.ts");
        std::fs::write(&deep, "export const x = 1;\n").expect("write");
        let mut ws = Workspace::load(vec![inside.clone()], IndexSettings::default());
        assert_eq!(ws.add_root_for_detached(&inside.join("src/index.ts")), None, "inside a folder");
        assert_eq!(ws.add_root_for_detached(&deep), Some(outside.clone()));
        assert_eq!(ws.roots(), [inside.clone(), outside.clone()]);
        assert_eq!(ws.workers().count(), 2);
        assert_eq!(ws.workers_containing(&deep).len(), 1);
        // A file with no config above it adds nothing.
        let lone = tempfile::tempdir().expect("tempdir");
        assert_eq!(ws.add_root_for_detached(&lone.path().join("a.ts")), None);
    }
}
