//! Writes the engine bench's generated Workers monorepo to a folder, for benchmarks that run
//! other programs over it (`scripts/bench-peers`).
//!
//! ```text
//! cargo run --release --example write_corpus -- DIR FILES
//! ```
//!
//! Prints `files lines bytes workers` (source bytes: every file written, configs included).

// Bench tooling: a failed step stops the run by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unused_imports)]
#[path = "../benches/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(files)), 2) = (args.first(), args.get(1).map(|n| n.parse::<usize>()), args.len()) else {
        eprintln!("usage: write_corpus DIR FILES");
        return ExitCode::from(2);
    };
    let written = support::write_workspace(&PathBuf::from(dir), files);
    println!("{} {} {} {}", written.files, written.lines, written.bytes, written.workers);
    ExitCode::SUCCESS
}
