//! The fuzz harnesses under plain `cargo test` (stable, no cargo-fuzz): each replays the
//! committed seeds and regressions (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`), then
//! runs as proptest cases on mutated seeds and on random bytes. Long runs: `scripts/fuzz`.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};

use proptest::prelude::*;

/// The files kept for `target` in `fuzz/<folder>/<target>/`.
fn files(folder: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(folder).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

fn run_target(target: &str) -> harness::Harness {
    harness::TARGETS.iter().find(|(name, _)| *name == target).map(|(_, run)| *run).expect("a known target")
}

#[test]
fn every_target_has_seeds_and_a_harness() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
    for (target, _) in harness::TARGETS {
        assert!(dir.join(format!("{target}.rs")).is_file(), "fuzz/fuzz_targets/{target}.rs");
        assert!(!files("seeds", target).is_empty(), "fuzz/seeds/{target}/ is empty");
    }
}

#[test]
fn seeds_and_regressions_replay() {
    for (target, run) in harness::TARGETS {
        for (path, bytes) in files("seeds", target).into_iter().chain(files("regressions", target)) {
            let replayed = std::panic::catch_unwind(|| run(&bytes));
            assert!(replayed.is_ok(), "{target}: {} fails", path.display());
        }
    }
}

/// Byte-level mutations of a seed of `target`: replaced, inserted and deleted bytes.
fn mutated_seed(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = files("seeds", target).into_iter().map(|(_, bytes)| bytes).collect();
    let mutation = (any::<u16>(), 0u8..3, any::<u8>());
    (prop::sample::select(seeds), prop::collection::vec(mutation, 0..12)).prop_map(|(mut bytes, mutations)| {
        for (at, op, byte) in mutations {
            let at = usize::from(at) % (bytes.len() + 1);
            match op {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        bytes
    })
}

fn input(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![mutated_seed(target), prop::collection::vec(any::<u8>(), 0..512)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn config_jsonc(bytes in input("config_jsonc")) {
        run_target("config_jsonc")(&bytes);
    }

    #[test]
    fn config_toml(bytes in input("config_toml")) {
        run_target("config_toml")(&bytes);
    }

    #[test]
    fn ts_facts(bytes in input("ts_facts")) {
        run_target("ts_facts")(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn edit_sequence(bytes in input("edit_sequence")) {
        run_target("edit_sequence")(&bytes);
    }
}

/// Typing with every reparse left pending (see the harness).
#[test]
fn typing_with_pending_reparses() {
    harness::typing_with_pending_reparses();
}
