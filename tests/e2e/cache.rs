//! End to end: the caches of `durable-lsp check` never change a finding. Each test checks
//! the same workspace without a cache first, then with one that is cold, warm, damaged (flipped
//! bytes, truncated entries, entries swapped between texts, another build's folder) and written
//! by several processes at once, and compares the JSON reports byte for byte. The findings cache
//! is checked the same way after a change to each kind of input a Worker's findings depend on.
//! What the caches did is read from the run's debug log (`CacheStats`: facts, then findings).

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{repo_root, server_binary, temp_copy};

/// The shipped examples, plus eight more copies of the `mistakes` Worker (each file's text made
/// distinct by a comment, so each has entries of its own): a few dozen sources with findings.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = temp_copy(&repo_root().join("examples"));
    for copy in 1..=8 {
        let to = root.join(format!("mistakes-{copy}"));
        copy_renamed(&root.join("mistakes"), &to, copy);
    }
    (dir, root)
}

/// Copies a Worker's folder, giving the copy its own name and its sources a distinct text.
fn copy_renamed(from: &Path, to: &Path, copy: usize) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_renamed(&entry.path(), &target, copy);
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = if name.starts_with("wrangler") {
            text.replacen("\"name\": \"", &format!("\"name\": \"copy{copy}-"), 1)
        } else if name.ends_with(".ts") || name.ends_with(".js") {
            format!("{text}\n// copy {copy}\n")
        } else {
            text
        };
        std::fs::write(&target, text).expect("write");
    }
}

/// `check --format json` in `root` with `args`, the debug log of the cache on.
fn check(root: &Path, args: &[&str]) -> Output {
    Command::new(server_binary())
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(root)
        .env("DURABLE_LSP_LOG", "durable_lsp::cli::check=debug")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"))
}

/// The report of an uncached run (and that it has findings to compare).
fn uncached(root: &Path) -> (Option<i32>, String) {
    let out = check(root, &["--no-cache"]);
    let report = String::from_utf8(out.stdout).expect("utf-8");
    assert!(report.contains("\"rule\""), "the workspace should have findings: {report}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("CacheStats"), "--no-cache used a cache");
    (out.status.code(), report)
}

/// What the facts cache did in a run: (hits, misses, rejected, written), from its debug line.
fn stats(out: &Output) -> (u64, u64, u64, u64) {
    stats_of(out, 0)
}

/// What the findings cache did in a run, the same way.
fn findings_stats(out: &Output) -> (u64, u64, u64, u64) {
    stats_of(out, 1)
}

/// The `which`th `CacheStats` of the run's debug line.
fn stats_of(out: &Output, which: usize) -> (u64, u64, u64, u64) {
    let log = String::from_utf8_lossy(&out.stderr);
    let line = log.lines().find(|l| l.contains("CacheStats")).unwrap_or_else(|| panic!("no cache stats: {log}"));
    let line = line.split("CacheStats").nth(which + 1).unwrap_or_else(|| panic!("no stats {which} in {line}"));
    let field = |name: &str| -> u64 {
        let at = line.find(&format!("{name}: ")).unwrap_or_else(|| panic!("{name} in {line}")) + name.len() + 2;
        line[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().expect("number")
    };
    (field("hits"), field("misses"), field("rejected"), field("written"))
}

/// A cached run: its report equals the uncached one; returns its facts cache stats.
fn cached_run(root: &Path, cache: &Path, expected: &(Option<i32>, String), what: &str) -> (u64, u64, u64, u64) {
    stats(&cached_output(root, cache, expected, what))
}

/// A cached run whose report equals the uncached one.
fn cached_output(root: &Path, cache: &Path, expected: &(Option<i32>, String), what: &str) -> Output {
    let out = check(root, &["--cache-dir", cache.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), expected.0, "{what}: exit status");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report == expected.1, "{what}: the report differs from the uncached one:\n{report}");
    out
}

/// Every entry file of the facts cache (not the markers).
fn entries(cache: &Path) -> Vec<PathBuf> {
    entries_of(cache, "facts-")
}

/// Every entry file of the cache's folders whose name starts with `prefix`.
fn entries_of(cache: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for folder in std::fs::read_dir(cache).expect("cache dir").flatten() {
        if !folder.file_name().to_string_lossy().starts_with(prefix) {
            continue;
        }
        for shard in std::fs::read_dir(folder.path()).expect("facts dir").flatten().filter(|s| s.path().is_dir()) {
            out.extend(std::fs::read_dir(shard.path()).expect("shard").flatten().map(|e| e.path()));
        }
    }
    out.sort();
    out
}

/// A small deterministic generator (the positions damaged vary by entry, the same every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Runs cold, then warm, and returns the number of entries.
fn filled(root: &Path, cache: &Path, expected: &(Option<i32>, String)) -> u64 {
    let (hits, misses, rejected, written) = cached_run(root, cache, expected, "cold cache");
    assert_eq!((hits, rejected), (0, 0));
    assert!(misses > 20 && written == misses, "every source parsed and written: {misses} / {written}");
    assert_eq!(entries(cache).len() as u64, written);
    let warm = cached_run(root, cache, expected, "warm cache");
    assert_eq!(warm, (written, 0, 0, 0), "a warm run reads every source's facts from the cache");
    written
}

#[test]
fn a_cold_and_a_warm_cache_give_the_uncached_findings() {
    let (_dir, root) = workspace();
    let cache = tempfile::tempdir().expect("tempdir");
    let expected = uncached(&root);
    let count = filled(&root, cache.path(), &expected);
    // One file edited: one miss, one entry more.
    let file = root.join("mistakes-3/src/index.ts");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("{text}\n// edited\n")).expect("write");
    let expected = uncached(&root);
    assert_eq!(cached_run(&root, cache.path(), &expected, "one file edited"), (count - 1, 1, 0, 1));
    assert!(std::fs::read_to_string(cache.path().join(".gitignore")).expect("gitignore").contains('*'));
}

#[test]
fn flipped_bytes_and_truncated_entries_are_detected_and_rebuilt() {
    let (_dir, root) = workspace();
    let cache = tempfile::tempdir().expect("tempdir");
    let expected = uncached(&root);
    let count = filled(&root, cache.path(), &expected);
    let mut rng = Lcg(17);
    // One byte flipped in every entry, at a different place in each (header, payload, checksum).
    for entry in entries(cache.path()) {
        let mut bytes = std::fs::read(&entry).expect("read");
        let at = rng.below(bytes.len());
        bytes[at] ^= 1 << rng.below(8);
        std::fs::write(&entry, bytes).expect("write");
    }
    assert_eq!(cached_run(&root, cache.path(), &expected, "flipped bytes"), (0, count, count, count));
    assert_eq!(cached_run(&root, cache.path(), &expected, "rebuilt"), (count, 0, 0, 0));
    // Every entry truncated (some to nothing).
    for entry in entries(cache.path()) {
        let bytes = std::fs::read(&entry).expect("read");
        std::fs::write(&entry, &bytes[..rng.below(bytes.len())]).expect("write");
    }
    assert_eq!(cached_run(&root, cache.path(), &expected, "truncated"), (0, count, count, count));
    assert_eq!(cached_run(&root, cache.path(), &expected, "rebuilt"), (count, 0, 0, 0));
}

#[test]
fn entries_swapped_between_texts_and_another_builds_folder_are_not_trusted() {
    let (_dir, root) = workspace();
    let cache = tempfile::tempdir().expect("tempdir");
    let expected = uncached(&root);
    let count = filled(&root, cache.path(), &expected);
    // Each entry's bytes under its neighbour's name: whole, valid entries, of other texts.
    let all = entries(cache.path());
    let contents: Vec<Vec<u8>> = all.iter().map(|e| std::fs::read(e).expect("read")).collect();
    for (i, entry) in all.iter().enumerate() {
        std::fs::write(entry, &contents[(i + 1) % contents.len()]).expect("write");
    }
    assert_eq!(cached_run(&root, cache.path(), &expected, "swapped entries"), (0, count, count, count));
    // The folder of a build with another fingerprint: this build neither reads nor trusts it.
    let current = all[0].parent().and_then(Path::parent).expect("facts folder").to_path_buf();
    let foreign = cache.path().join("facts-1-0000000000000000");
    std::fs::rename(&current, &foreign).expect("rename");
    assert_eq!(cached_run(&root, cache.path(), &expected, "another build's folder"), (0, count, 0, count));
    // The same bytes copied under this build's name, with another build's fingerprint in the
    // header (bytes 12..28; the checksum no longer matches either): not trusted.
    std::fs::remove_dir_all(&current).expect("remove");
    copy_tree(&foreign, &current);
    for entry in entries(cache.path()).into_iter().filter(|e| e.starts_with(&current)) {
        let mut bytes = std::fs::read(&entry).expect("read");
        bytes[12..28].copy_from_slice(b"0000000000000000");
        std::fs::write(&entry, bytes).expect("write");
    }
    assert_eq!(cached_run(&root, cache.path(), &expected, "foreign header"), (0, count, count, count));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn processes_writing_one_cache_at_once_leave_it_whole() {
    let (_dir, root) = workspace();
    let expected = uncached(&root);
    for round in 0..3 {
        let cache = tempfile::tempdir().expect("tempdir");
        let dir = cache.path().to_str().expect("utf-8").to_string();
        // Four writers start together on an empty cache, all missing and writing the same entries.
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(server_binary())
                    .args(["check", "--format", "json", "--cache-dir", &dir])
                    .current_dir(&root)
                    .env("DURABLE_LSP_LOG", "durable_lsp::cli::check=debug")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert_eq!(out.status.code(), expected.0, "round {round}: exit status");
            assert!(String::from_utf8_lossy(&out.stdout) == expected.1, "round {round}: a writer's report differs");
            let (_, _, rejected, _) = stats(&out);
            assert_eq!(rejected, 0, "round {round}: a reader saw half an entry");
        }
        // No temporary file left; every entry whole.
        let all = entries(cache.path());
        assert!(all.iter().all(|e| e.extension().is_none_or(|x| x != "tmp")), "round {round}: {all:?}");
        let (hits, misses, rejected, _) = cached_run(&root, cache.path(), &expected, "after the race");
        assert_eq!((hits, misses, rejected), (all.len() as u64, 0, 0), "round {round}");
    }
}

/// Replaces `from` with `to` in a file of the workspace (which must contain it).
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replace(from, to)).expect("write");
}

#[test]
fn unchanged_workers_take_their_findings_from_the_cache_and_every_input_change_is_seen() {
    let (_dir, root) = workspace();
    let cache = tempfile::tempdir().expect("tempdir");
    let workers = 11; // chat, lobby, mistakes and its eight copies
                      // Each step: the uncached report of the workspace as it is now, the cached run's report equal
                      // to it, and what the findings cache did (hits, misses, rejected, written).
    let last = std::cell::RefCell::new(String::new());
    let step = |what: &str| {
        let expected = uncached(&root);
        let changed = expected.1 != *last.borrow();
        last.replace(expected.1.clone());
        (findings_stats(&cached_output(&root, cache.path(), &expected, what)), changed)
    };
    assert_eq!(step("cold"), ((0, workers, 0, workers), true));
    assert_eq!(step("warm"), ((workers, 0, 0, 0), false));
    // A source edited: the one Worker that reads it is analysed again (its finding goes away).
    edit(&root, "mistakes-3/src/index.ts", "env.COUNTERS.idFromName", "env.COUNTER.idFromName");
    assert_eq!(step("a source edited"), ((workers - 1, 1, 0, 1), true));
    // The class another Worker calls through `script_name` loses the method it calls: the
    // lobby's findings change although none of its files did.
    edit(&root, "chat/src/chat-room.ts", "history(limit", "recent(limit");
    let (stats, changed) = step("a class that another Worker calls edited");
    let report = last.borrow().clone();
    let lobby = report.find("\"path\": \"lobby/src/index.ts\"").expect("a lobby finding");
    assert!(changed && report[..lobby].contains("unknown-rpc-method"), "the lobby reports the method:\n{report}");
    assert_eq!(stats, (workers - 2, 2, 0, 2), "chat and the lobby analysed again");
    // A file added (no import reaches it, but class lookups see every source under the folder):
    // the paths are an input of every Worker.
    let added = root.join("mistakes-1/src/leaderboard.ts");
    std::fs::write(
        &added,
        "import { DurableObject } from \"cloudflare:workers\";\nexport class Leaderboard extends DurableObject {}\n",
    )
    .expect("write");
    assert_eq!(step("a file added"), ((0, workers, 0, workers), true));
    // Removed again: a state seen before, every Worker's findings from the cache.
    std::fs::remove_file(&added).expect("remove");
    assert_eq!(step("the file removed"), ((workers, 0, 0, 0), true));
    // package.json's wrangler version, which the migration fixes read from disk (no other
    // input has it): the Worker under it is analysed again, and its report (rdjson shows the
    // fixes; json does not) is the uncached one.
    let rdjson = |args: &[&str]| {
        let out = Command::new(server_binary())
            .args(["check", "--format", "rdjson"])
            .args(args)
            .current_dir(&root)
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    edit(&root, "mistakes-2/package.json", "\"wrangler\": \"^4.164.0\"", "\"wrangler\": \"^4.50.0\"");
    assert_eq!(step("package.json's wrangler version").0, (workers - 1, 1, 0, 1));
    let cached = rdjson(&["--cache-dir", cache.path().to_str().expect("utf-8")]);
    assert!(cached == rdjson(&["--no-cache"]), "rdjson differs from the uncached report");
    // A settings file: every Worker below it.
    std::fs::write(root.join("durable-lsp.toml"), "[rules]\nunknown-class = \"off\"\n").expect("write");
    assert_eq!(step("a settings file"), ((0, workers, 0, workers), true));
    // A config: every Worker (cross-Worker rules read every config).
    edit(&root, "mistakes-5/wrangler.jsonc", "\"class_name\": \"Sessions\"", "\"class_name\": \"Counter\"");
    assert_eq!(step("a config"), ((0, workers, 0, workers), true));
    // Damaged entries: detected, recomputed, the same report.
    let mut rng = Lcg(29);
    let findings = entries_of(cache.path(), "findings-");
    assert!(findings.len() as u64 >= workers, "{findings:?}");
    for entry in &findings {
        let mut bytes = std::fs::read(entry).expect("read");
        let at = rng.below(bytes.len());
        bytes[at] ^= 1 << rng.below(8);
        std::fs::write(entry, bytes).expect("write");
    }
    let ((hits, misses, rejected, written), _) = step("flipped bytes in every findings entry");
    assert_eq!((hits, misses, rejected, written), (0, workers, workers, workers));
}
