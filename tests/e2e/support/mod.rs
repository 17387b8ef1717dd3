//! A minimal LSP client for end-to-end tests: spawns the real `durable-lsp` binary and speaks
//! JSON-RPC to it over stdio, the way an editor does.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The server binary cargo built for this test run, or the command `DURABLE_LSP_E2E_SERVER`
/// names: `tests/npm/run.sh` runs these tests through the npm launcher
/// (`node_modules/.bin/durable-lsp`) that way.
pub fn server_binary() -> PathBuf {
    match std::env::var_os("DURABLE_LSP_E2E_SERVER") {
        Some(command) if !command.is_empty() => PathBuf::from(command),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_durable-lsp")),
    }
}

/// A running server and the messages it sent.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications and server requests received while waiting for something else.
    pub backlog: Vec<Value>,
    /// Every message received so far, in order.
    pub history: Vec<Value>,
    next_id: i64,
}

impl Server {
    /// Spawns the server (stderr goes to the test's stderr).
    pub fn spawn() -> Server {
        Server::spawn_with(&["serve"])
    }

    /// Spawns the server with these arguments.
    pub fn spawn_with(args: &[&str]) -> Server {
        Server::spawn_command(Command::new(server_binary()).args(args))
    }

    /// Spawns `command`, which runs the server (directly, or under a tool such as `strace`).
    pub fn spawn_command(command: &mut Command) -> Server {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn durable-lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server { child, stdin, incoming, backlog: Vec::new(), history: Vec::new(), next_id: 1 }
    }

    /// Writes raw bytes (for malformed-message tests).
    pub fn write_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Sends a JSON-RPC message with its header.
    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("json");
        let framed = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        self.write_raw(framed.as_bytes());
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response; returns the whole response object.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// Sends a request and returns its `result` (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error}");
        }
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    /// Waits for a message matching `pred`, answering server requests (registrations) on the way.
    pub fn wait_for(&mut self, mut pred: impl FnMut(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&mut pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    self.history.push(message.clone());
                    if message.get("id").is_some() && message.get("method").is_some() {
                        // A request from the server (client/registerCapability): accept it.
                        let id = message["id"].clone();
                        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                    }
                    if pred(&message) {
                        return message;
                    }
                    self.backlog.push(message);
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out; backlog: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout; backlog: {:#?}", self.backlog),
            }
        }
    }

    /// Waits until diagnostics for `uri` satisfy `pred`; returns them.
    pub fn diagnostics_until(&mut self, uri: &str, mut pred: impl FnMut(&[Value]) -> bool) -> Vec<Value> {
        // The latest publication wins: look through the backlog newest first.
        let mut latest: Option<Vec<Value>> = None;
        self.backlog.retain(|m| {
            if is_publish_for(m, uri) {
                latest = Some(m["params"]["diagnostics"].as_array().cloned().unwrap_or_default());
                false
            } else {
                true
            }
        });
        if let Some(d) = latest {
            if pred(&d) {
                return d;
            }
        }
        loop {
            let m = self.wait_for(|m| is_publish_for(m, uri));
            let d = m["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            if pred(&d) {
                return d;
            }
        }
    }

    /// `initialize` + `initialized` with a workspace folder; `utf8` offers utf-8 positions.
    pub fn initialize(&mut self, root: &Path, utf8: bool) -> Value {
        let encodings = if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) };
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "root"}],
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true, "versionSupport": true}}
                },
                "initializationOptions": {"debounceMs": 10}
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `didOpen` for a file with its current disk text.
    pub fn open(&mut self, path: &Path, language: &str) {
        let text = std::fs::read_to_string(path).expect("read");
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// `shutdown` + `exit`; asserts the process ends with status 0.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match self.child.try_wait().expect("wait") {
                Some(status) => {
                    assert!(status.success(), "server exited with {status}");
                    return;
                }
                None if Instant::now() > deadline => panic!("server did not exit"),
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Collects into the backlog every message that arrives within `quiet` of the previous one
    /// (to check that something was *not* sent).
    pub fn settle(&mut self, quiet: Duration) {
        while let Ok(message) = self.incoming.recv_timeout(quiet) {
            self.history.push(message.clone());
            if message.get("id").is_some() && message.get("method").is_some() {
                let id = message["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
            self.backlog.push(message);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_publish_for(m: &Value, uri: &str) -> bool {
    m.get("method") == Some(&json!("textDocument/publishDiagnostics")) && m["params"]["uri"] == json!(uri)
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URI of a path, as the server writes it.
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Copies a fixture folder into a fresh temporary directory (canonical path).
pub fn temp_copy(fixture: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(fixture, dir.path());
    let root = std::fs::canonicalize(dir.path()).expect("canonicalize");
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Writes files (relative path, text) under a fresh temporary directory.
pub fn temp_project(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(dir.path()).expect("canonicalize");
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    (dir, root)
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root").to_path_buf()
}

/// Says that a test that needs a missing tool was skipped, or fails it when `scripts/test`
/// requires the tools (`DURABLE_LSP_REQUIRE_TOOLS=1`). The note is written to the stderr
/// handle, not with `eprintln!`, which the test harness captures and hides for passing tests:
/// plain `cargo test` shows it.
pub fn skip_or_fail(test: &str, missing: &str) {
    use std::io::Write;
    let required = std::env::var("DURABLE_LSP_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    assert!(!required, "DURABLE_LSP_REQUIRE_TOOLS=1 but {missing}");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {missing}");
}
