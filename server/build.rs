//! Records the commit the binary is built from, for `durable-lsp --version` and the reports.
//!
//! `DURABLE_LSP_COMMIT` (and `DURABLE_LSP_COMMIT_DATE`) win when set (a build from a source
//! archive, without `.git`); otherwise `git` is asked; without either the commit is `unknown`.
//! Build scripts may run programs: this one runs `git` at build time only, never the server.
//!
//! It also hashes every input of fact extraction into `DURABLE_LSP_FACTS_FINGERPRINT`, the name
//! of the facts cache's folder (`src/index/disk_cache.rs`): a build whose extraction could
//! differ never reads another build's entries; and every source of the server into
//! `DURABLE_LSP_ANALYSIS_FINGERPRINT`, the findings cache's folder.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").current_dir(dir).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Feeds every file under `path` (sorted, by path relative to `base`, and content) to `hasher`.
fn hash_tree(base: &Path, path: &Path, hasher: &mut impl Hasher) {
    if path.is_dir() {
        let mut children: Vec<_> =
            std::fs::read_dir(path).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        children.sort();
        for child in children {
            hash_tree(base, &child, hasher);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        path.strip_prefix(base).unwrap_or(path).to_string_lossy().hash(hasher);
        bytes.hash(hasher);
    }
}

/// The facts fingerprint: the facts and text modules, the queries and the lockfile (grammar
/// versions). `DefaultHasher::new()` is deterministic for a given toolchain, which is all a
/// build needs (another toolchain builds another binary anyway).
fn facts_fingerprint(dir: &Path) -> String {
    let root = dir.parent().unwrap_or(dir);
    fingerprint(root, &[dir.join("src/facts"), dir.join("src/text"), root.join("grammars"), root.join("Cargo.lock")])
}

/// The analysis fingerprint (the findings cache's folder): every source of the server, rules
/// and semantic model included, the queries and the lockfile.
fn analysis_fingerprint(dir: &Path) -> String {
    let root = dir.parent().unwrap_or(dir);
    fingerprint(root, &[dir.join("src"), root.join("grammars"), root.join("Cargo.lock")])
}

fn fingerprint(root: &Path, inputs: &[std::path::PathBuf]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for input in inputs {
        println!("cargo:rerun-if-changed={}", input.display());
        hash_tree(root, input, &mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn main() {
    println!("cargo:rerun-if-env-changed=DURABLE_LSP_COMMIT");
    println!("cargo:rerun-if-env-changed=DURABLE_LSP_COMMIT_DATE");
    let dir = std::env::var("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from).unwrap_or_default();
    let from_env = std::env::var("DURABLE_LSP_COMMIT").ok().filter(|c| !c.trim().is_empty());
    let (commit, date) = match from_env {
        Some(commit) => (commit.trim().to_string(), std::env::var("DURABLE_LSP_COMMIT_DATE").unwrap_or_default()),
        None => {
            // Rebuild when HEAD moves: HEAD itself, the branch it points at, and packed refs.
            for path in ["HEAD", "packed-refs"] {
                if let Some(file) = git(&dir, &["rev-parse", "--git-path", path]) {
                    println!("cargo:rerun-if-changed={}", dir.join(file).display());
                }
            }
            if let Some(reference) = git(&dir, &["symbolic-ref", "-q", "HEAD"]) {
                if let Some(file) = git(&dir, &["rev-parse", "--git-path", &reference]) {
                    println!("cargo:rerun-if-changed={}", dir.join(file).display());
                }
            }
            let commit = git(&dir, &["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
            let date = git(&dir, &["log", "-1", "--format=%cs", "HEAD"]).unwrap_or_default();
            (commit, date)
        }
    };
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let short: String = commit.chars().take(12).collect();
    let long = if date.is_empty() { format!("{version} ({short})") } else { format!("{version} ({short} {date})") };
    println!("cargo:rustc-env=DURABLE_LSP_COMMIT={commit}");
    println!("cargo:rustc-env=DURABLE_LSP_COMMIT_DATE={date}");
    println!("cargo:rustc-env=DURABLE_LSP_LONG_VERSION={long}");
    println!("cargo:rustc-env=DURABLE_LSP_FACTS_FINGERPRINT={}", facts_fingerprint(&dir));
    println!("cargo:rustc-env=DURABLE_LSP_ANALYSIS_FINGERPRINT={}", analysis_fingerprint(&dir));
}
