//! Finding the files of a workspace on disk, and reading them safely.

use std::path::{Path, PathBuf};

use crate::text::language::{is_wrangler_config, FileKind};

/// Files larger than this are skipped (with a log line): generated bundles, vendored code.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Folders never entered, whatever `.gitignore` says (features.md, section 1).
pub const SKIPPED_DIRS: &[&str] = &["node_modules", ".wrangler", ".git", "dist", "build"];

/// The file `wrangler types` generates, the one declaration file the index reads.
pub const WRANGLER_TYPES_FILE: &str = "worker-configuration.d.ts";

/// A file found on disk that durable-lsp reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Absolute path.
    pub path: PathBuf,
    /// Its kind.
    pub kind: FileKind,
    /// True for a wrangler config.
    pub is_config: bool,
}

/// True for a `durable-lsp.toml`.
pub fn is_settings_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == super::settings::FILE_NAME)
}

/// Every `durable-lsp.toml` in `dir` and the folders above it.
pub fn settings_files_above(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors().map(|d| d.join(super::settings::FILE_NAME)).filter(|p| p.is_file()).collect()
}

/// Every wrangler config and TS/JS source under `roots`, honouring `.gitignore` (also outside a
/// git repository) and never entering [`SKIPPED_DIRS`]. Symlinks are not followed, so a
/// symlink loop cannot trap the walk. Problems (unreadable folders) are logged and skipped.
pub fn discover(roots: &[PathBuf]) -> Vec<FoundFile> {
    let out = std::sync::Mutex::new(Vec::new());
    for root in roots {
        // The ripgrep walker on as many threads as cores: a cold `check` is short, and a
        // monorepo's folders are many.
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .threads(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir && entry.depth() > 0 && is_skipped_dir(entry.file_name()))
            })
            .build_parallel();
        walker.run(|| {
            let mut found = Batch { files: Vec::new(), out: &out };
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        tracing::warn!("skipping part of {}: {err}", root.display());
                        return ignore::WalkState::Continue;
                    }
                };
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    if let Some(file) = classify(entry.path()) {
                        found.files.push(file);
                    } else if is_settings_file(entry.path()) {
                        let path = entry.path().to_path_buf();
                        found.files.push(FoundFile { path, kind: FileKind::Toml, is_config: false });
                    }
                    if found.files.len() >= 64 {
                        found.flush();
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut out = out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// The files one thread of the walk found and has not handed over yet: handed over 64 at a
/// time (one lock per batch, not per file), and the rest when the thread's walk ends (drop).
struct Batch<'a> {
    files: Vec<FoundFile>,
    out: &'a std::sync::Mutex<Vec<FoundFile>>,
}

impl Batch<'_> {
    fn flush(&mut self) {
        self.out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).append(&mut self.files);
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// True for a folder name the walk never enters.
pub fn is_skipped_dir(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n))
}

/// True when any folder of `path` is one the walk never enters (`node_modules` and the like).
pub fn in_skipped_dir(path: &Path) -> bool {
    path.parent().is_some_and(|p| p.components().any(|c| is_skipped_dir(c.as_os_str())))
}

/// What durable-lsp makes of a path: a config, a source, or nothing (`durable-lsp.toml` is
/// collected separately: see [`is_settings_file`]).
pub fn classify(path: &Path) -> Option<FoundFile> {
    let is_config = is_wrangler_config(path);
    let kind = FileKind::from_path(path)?;
    if !is_config && !kind.is_source() {
        return None;
    }
    // Declaration files are skipped, except what `wrangler types` writes: its `Env` type is
    // checked against the config (`env-type-mismatch`).
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".d.ts") && name != WRANGLER_TYPES_FILE {
        return None;
    }
    Some(FoundFile { path: path.to_path_buf(), kind, is_config })
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge(u64),
    /// Contains NUL bytes: not text.
    Binary,
    /// The operating system's error.
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge(n) => write!(f, "skipped: {n} bytes is over the {MAX_FILE_BYTES}-byte limit"),
            ReadError::Binary => write!(f, "skipped: binary file"),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// Reads a file as text: too large and binary files are refused; invalid UTF-8 is replaced
/// (lossy), so a stray byte never hides the rest of the file.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
    decode(bytes)
}

/// Decodes file bytes as [`read_text`] does.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    if bytes.contains(&0) {
        return Err(ReadError::Binary);
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    };
    // A byte-order mark is not part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_ignored_and_vendored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
        };
        write("wrangler.toml", "name = 'a'");
        write("wrangler.staging.jsonc", "{}");
        write("src/index.ts", "");
        write("src/types.d.ts", "");
        write("worker-configuration.d.ts", "");
        write("node_modules/pkg/wrangler.toml", "");
        write("node_modules/pkg/index.ts", "");
        write("ignored/x.ts", "");
        write(".gitignore", "ignored/\n");
        write("README.md", "");
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("src/loop")).unwrap_or_else(|e| panic!("{e}"));
        let found: Vec<String> = discover(&[root.to_path_buf()])
            .into_iter()
            .map(|f| f.path.strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_default())
            .collect();
        assert_eq!(found, ["src/index.ts", "worker-configuration.d.ts", "wrangler.staging.jsonc", "wrangler.toml"]);
    }

    #[test]
    fn decoding_is_lossy_and_refuses_binary() {
        assert_eq!(decode(b"a\xffb".to_vec()), Ok("a\u{fffd}b".to_string()));
        assert_eq!(decode(b"\xef\xbb\xbfx".to_vec()), Ok("x".to_string()));
        assert_eq!(decode(b"a\0b".to_vec()), Err(ReadError::Binary));
    }
}
