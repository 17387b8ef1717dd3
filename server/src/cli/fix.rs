//! `check --fix` and `check --diff`: apply the safe fixes in memory, round after round, then
//! write each changed file atomically or print the changes as a unified diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{apply_edits, non_overlapping_safe_fixes, Analysis, TextEdit};
use crate::index::Workspace;

/// At most this many rounds of fixing (a fix may reveal another).
const MAX_ROUNDS: usize = 8;

/// Files a fix run changed: path -> (text before, text after).
pub type Changes = BTreeMap<Arc<PathBuf>, (Arc<str>, Arc<str>)>;

/// Applies safe fixes to the workspace's in-memory texts until none is left (or
/// [`MAX_ROUNDS`]); the workspace and the analysis end up describing the fixed texts.
pub fn apply_safe_fixes(ws: &mut Workspace, analysis: &mut Analysis) -> Changes {
    let mut changes: Changes = BTreeMap::new();
    let mut version = 0;
    for _ in 0..MAX_ROUNDS {
        // Every file's edits from the fixes that apply together (all of a fix or none).
        let mut taken: BTreeMap<Arc<PathBuf>, Vec<TextEdit>> = BTreeMap::new();
        let findings = analysis.all();
        for fix in non_overlapping_safe_fixes(findings.iter().map(|f| f.fixes.as_slice())) {
            for edit in &fix.edits {
                taken.entry(edit.path.clone()).or_default().push(edit.clone());
            }
        }
        let mut progressed = false;
        for (path, edits) in taken {
            let Some(before) = ws.text(&path) else { continue };
            let edits: Vec<&TextEdit> = edits.iter().collect();
            let Ok(after) = apply_edits(&before, &edits) else { continue };
            if after == *before {
                continue;
            }
            version += 1;
            changes.entry(path.clone()).or_insert_with(|| (before.clone(), before.clone())).1 =
                Arc::from(after.as_str());
            // The fixed text stands in for the file, as an open document would.
            ws.open(&path, &after, version);
            progressed = true;
        }
        if !progressed {
            break;
        }
        analysis.update(ws);
    }
    changes.retain(|_, (before, after)| before != after);
    changes
}

/// A unified diff of every change, paths relative to `base`.
pub fn unified_diff(changes: &Changes, base: &Path) -> String {
    let mut out = String::new();
    for (path, (before, after)) in changes {
        let rel = path.strip_prefix(base).unwrap_or(path).display().to_string();
        let diff = similar::TextDiff::from_lines(&**before, &**after);
        out.push_str(
            &diff.unified_diff().context_radius(3).header(&format!("a/{rel}"), &format!("b/{rel}")).to_string(),
        );
    }
    out
}

/// Writes every change atomically (a temporary file in the same folder renamed over the
/// original, permissions kept). Refuses to write through a symlink (the file's or a folder's on
/// its path) that leads out of `roots`.
pub fn write_changes(changes: &Changes, roots: &[PathBuf]) -> Result<(), String> {
    for (path, (_, after)) in changes {
        write_atomically(path, after, roots).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn write_atomically(path: &Path, text: &str, roots: &[PathBuf]) -> std::io::Result<()> {
    use std::io::Write;
    // Where the write lands once every symlink on the path is followed, the folders' included.
    let target = std::fs::canonicalize(path)?;
    if !roots.iter().any(|r| target.starts_with(r)) {
        return Err(std::io::Error::other("a symlink to a file outside the workspace: not written"));
    }
    let permissions = std::fs::metadata(&target)?.permissions();
    let dir = target.parent().ok_or_else(|| std::io::Error::other("no parent folder"))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.durable-lsp-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_keeps_permissions_and_refuses_escaping_symlinks() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let inside = root.join("a.ts");
        std::fs::write(&inside, "old").unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&inside, std::fs::Permissions::from_mode(0o640)).unwrap_or_else(|e| panic!("{e}"));
            write_atomically(&inside, "new", std::slice::from_ref(&root)).unwrap_or_else(|e| panic!("{e}"));
            let mode = std::fs::metadata(&inside).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
            assert_eq!(mode, 0o640);
            let outside_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let outside = outside_dir.path().join("secret.ts");
            std::fs::write(&outside, "keep").unwrap_or_else(|e| panic!("{e}"));
            let link = root.join("link.ts");
            std::os::unix::fs::symlink(&outside, &link).unwrap_or_else(|e| panic!("{e}"));
            assert!(write_atomically(&link, "changed", std::slice::from_ref(&root)).is_err());
            assert_eq!(std::fs::read_to_string(&outside).unwrap_or_default(), "keep");
            // A folder on the path that is a symlink out of the workspace is refused too.
            let linked_folder = root.join("linked");
            std::os::unix::fs::symlink(outside_dir.path(), &linked_folder).unwrap_or_else(|e| panic!("{e}"));
            assert!(write_atomically(&linked_folder.join("secret.ts"), "changed", std::slice::from_ref(&root)).is_err());
            assert_eq!(std::fs::read_to_string(&outside).unwrap_or_default(), "keep");
        }
        assert_eq!(std::fs::read_to_string(&inside).unwrap_or_default(), "new");
        // No temporary file is left behind.
        let leftovers = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }
}
