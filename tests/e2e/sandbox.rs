//! The binary stays in its lane: under `strace`, `durable-lsp check --fix` and an LSP session
//! start no program (one `execve`: the binary itself) and touch no network (no `connect`, no
//! `sendto`, no socket at all).
//!
//! `strace` is a Debian package that `scripts/test` installs. Without it this test says it was
//! skipped and passes, unless `DURABLE_LSP_REQUIRE_TOOLS=1` (set by `scripts/test`) makes the
//! missing tool a failure.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::json;
use support::{repo_root, server_binary, temp_copy, uri, Server};

/// The system calls traced: every network call, and every way to start a program.
const TRACED: &str = "trace=network,execve,execveat";

/// True when `strace` runs here; otherwise says the test is skipped (or fails, when the tools
/// are required).
fn strace_available(test: &str) -> bool {
    let works = Command::new("strace").arg("-V").output().is_ok_and(|o| o.status.success());
    if !works {
        support::skip_or_fail(test, "strace is not installed (apt-get install strace)");
    }
    works
}

/// A traced call: its name and the whole line.
struct Call {
    name: String,
    line: String,
}

/// The calls of an `strace -f -o` log. With `-f` every line starts with a pid; a call that
/// another thread interrupted is split into `name(... <unfinished ...>` and `<... name resumed>`,
/// and only the first half counts. Signals and exits (`---`, `+++`) are not calls.
fn calls(log: &str) -> Vec<Call> {
    log.lines()
        .filter_map(|line| {
            let rest = line.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start();
            if rest.starts_with("<...") || rest.starts_with("---") || rest.starts_with("+++") {
                return None;
            }
            let name = rest.split('(').next()?.trim();
            (!name.is_empty()).then(|| Call { name: name.to_string(), line: line.to_string() })
        })
        .collect()
}

/// Asserts the trace shows the binary started once, and no network use at all.
fn assert_no_exec_no_network(log: &str) {
    let calls = calls(log);
    let named = |names: &[&str]| -> Vec<&str> {
        calls.iter().filter(|c| names.contains(&c.name.as_str())).map(|c| c.line.as_str()).collect()
    };
    let execs = named(&["execve", "execveat"]);
    assert_eq!(execs.len(), 1, "programs started: {execs:#?}");
    let binary = server_binary();
    assert!(execs[0].contains(&*binary.to_string_lossy()), "not the binary: {}", execs[0]);
    assert!(execs[0].contains("= 0"), "the binary did not start: {}", execs[0]);
    // Connections and datagrams to anywhere.
    let sent = named(&["connect", "sendto", "sendmsg", "sendmmsg", "bind", "listen", "accept", "accept4"]);
    assert!(sent.is_empty(), "network calls: {sent:#?}");
    // No socket of any family (tokio's runtime needs none; a local AF_UNIX one would still
    // show a change worth a look).
    let sockets = named(&["socket", "socketpair"]);
    assert!(sockets.is_empty(), "sockets: {sockets:#?}");
    // The trace did record the calls it was asked for, so an empty list above means something.
    assert!(!calls.is_empty(), "an empty trace:\n{log}");
}

/// `strace` arguments that log to `log`, then the binary with `args`.
fn traced(log: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("strace");
    command.args(["-f", "-qq", "-e", TRACED, "-o"]).arg(log).arg("--").arg(server_binary()).args(args);
    command
}

#[test]
fn check_with_fix_starts_nothing_and_never_touches_the_network() {
    if !strace_available("check_with_fix_starts_nothing_and_never_touches_the_network") {
        return;
    }
    let (_chat_dir, chat) = temp_copy(&repo_root().join("examples/chat"));
    let (_mistakes_dir, mistakes) = temp_copy(&repo_root().join("examples/mistakes"));
    let log_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let log = log_dir.path().join("check.strace");
    let out = traced(&log, &["check", "--fix", "--fail-on", "never"])
        .arg(&chat)
        .arg(&mistakes)
        .env("DURABLE_LSP_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("strace: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The run did real work: the mistakes example has safe fixes, and they were written.
    let original = repo_root().join("examples/mistakes");
    let changed = ["src/index.ts", "src/counter.ts", "src/sessions.ts", "src/rate-limiter.ts", "wrangler.jsonc"]
        .iter()
        .any(|f| std::fs::read(mistakes.join(f)).ok() != std::fs::read(original.join(f)).ok());
    assert!(changed, "--fix changed nothing in examples/mistakes: {stderr}");
    let trace = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert_no_exec_no_network(&trace);
}

#[test]
fn an_lsp_session_starts_nothing_and_never_touches_the_network() {
    if !strace_available("an_lsp_session_starts_nothing_and_never_touches_the_network") {
        return;
    }
    let (_dir, root) = temp_copy(&repo_root().join("examples/chat"));
    let log_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let log = log_dir.path().join("serve.strace");
    let mut server = Server::spawn_command(&mut traced(&log, &["serve"]));
    server.initialize(&root, false);
    let main = root.join("src/index.ts");
    server.open(&main, "typescript");
    let text = std::fs::read_to_string(&main).unwrap_or_default();
    let needle = "CHAT_ROOM.getByName";
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in examples/chat"));
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let position = json!({"textDocument": {"uri": uri(&main)}, "position": {"line": line, "character": character + 1}});
    let hover = server.request("textDocument/hover", position.clone());
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("CHAT_ROOM")), "{hover}");
    let dot = json!({"textDocument": {"uri": uri(&main)}, "position": {"line": line, "character": character}});
    let completion = server.request("textDocument/completion", dot);
    assert!(completion.as_array().is_some_and(|items| !items.is_empty()), "{completion}");
    server.shutdown();
    let trace = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert_no_exec_no_network(&trace);
}
