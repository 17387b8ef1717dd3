//! The floor a naive linter pays: read every TS/JS file under a folder and parse it once with
//! the tree-sitter grammar durable-lsp uses, on one thread, and nothing else (no queries, no
//! index). `scripts/bench-peers` times it next to `durable-lsp check`.
//!
//! ```text
//! cargo run --release --example parse_floor -- DIR
//! ```
//!
//! Prints the files parsed, their bytes and how many have syntax errors. The folders
//! `durable-lsp check` never enters (`node_modules`, `.git`, ...) are skipped; `.gitignore` is not
//! read.

// Bench tooling: a failed step stops the run by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use durable_lsp::index::discover::SKIPPED_DIRS;
use durable_lsp::text::language::{parse, FileKind};

/// What the walk saw.
#[derive(Default)]
struct Tally {
    files: usize,
    bytes: usize,
    with_errors: usize,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir] = args.as_slice() else {
        eprintln!("usage: parse_floor DIR");
        return ExitCode::from(2);
    };
    let mut tally = Tally::default();
    let mut folders = vec![PathBuf::from(dir)];
    while let Some(folder) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) => {
                eprintln!("{}: {err}", folder.display());
                return ExitCode::from(2);
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if !skipped(&path) {
                    folders.push(path);
                }
            } else {
                parse_file(&path, &mut tally);
            }
        }
    }
    println!("{} files, {} bytes, {} with syntax errors", tally.files, tally.bytes, tally.with_errors);
    ExitCode::SUCCESS
}

fn skipped(folder: &Path) -> bool {
    folder.file_name().and_then(|n| n.to_str()).is_some_and(|n| SKIPPED_DIRS.contains(&n))
}

fn parse_file(path: &Path, tally: &mut Tally) {
    let Some(kind) = FileKind::from_path(path).filter(|k| k.is_source()) else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    tally.files += 1;
    tally.bytes += text.len();
    if parse(kind, &text, None).is_some_and(|tree| tree.root_node().has_error()) {
        tally.with_errors += 1;
    }
}
