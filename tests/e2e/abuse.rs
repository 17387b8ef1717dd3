//! Protocol abuse, end to end: the real binary over stdio fed what editors should never send
//! (malformed JSON-RPC, requests out of order, unknown documents, stale versions, positions out of
//! range, huge and binary files, bursts). The server must answer what JSON-RPC and LSP require,
//! never crash or hang, and never answer with a position outside the document it names.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{temp_project, uri, Server};

const CONFIG: &str = r#"{
  // 😀 A chat Worker, café.
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-10-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }, { "name": "LOBBY", "class_name": "Lobby" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],
}
"#;

const MAIN: &str = r#"import { DurableObject } from "cloudflare:workers";

export class Room extends DurableObject {
  async ping(): Promise<string> {
    const greeting = "héllo 😀";
    return greeting;
  }
}

export class Lobby extends DurableObject {}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const face = "😀"; return env.ROOM.getByName("lobby").fetch(req);
  },
};
"#;

/// JSON-RPC and LSP error codes.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;
const REQUEST_FAILED: i64 = -32803;

fn project() -> (tempfile::TempDir, PathBuf) {
    temp_project(&[("wrangler.jsonc", CONFIG), ("src/index.ts", MAIN)])
}

/// A server initialized on a fresh copy of the project, with the main module open.
fn started(utf8: bool) -> (tempfile::TempDir, PathBuf, Server) {
    let (dir, root) = project();
    let mut server = Server::spawn();
    server.initialize(&root, utf8);
    server.open(&root.join("src/index.ts"), "typescript");
    (dir, root, server)
}

fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

/// Asserts the server still answers a real request, within a few seconds; returns the status.
fn assert_serving(server: &mut Server) -> Value {
    let asked = Instant::now();
    let status = server.request("durable-lsp/status", Value::Null);
    assert!(status["workers"].as_u64().is_some_and(|n| n > 0), "{status}");
    assert!(asked.elapsed() < Duration::from_secs(5), "status took {:?}", asked.elapsed());
    assert!(server.is_running());
    status
}

/// Waits for an error answer with a `null` id and this code.
fn wait_for_null_id_error(server: &mut Server, code: i64) -> Value {
    server.wait_for(|m| m.get("id") == Some(&Value::Null) && error_code(m) == Some(code))
}

/// `body` with an LSP header.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------------------------------------
// Positions: every position in every answer lies inside the document it is about.

/// The texts answers may point into, by URI (others are read from disk), and the encoding.
struct Documents {
    texts: HashMap<String, String>,
    utf8: bool,
}

impl Documents {
    fn new(utf8: bool) -> Self {
        Documents { texts: HashMap::new(), utf8 }
    }

    fn with(mut self, uri: &str, text: &str) -> Self {
        self.texts.insert(uri.to_string(), text.to_string());
        self
    }

    fn text(&self, uri: &str) -> String {
        if let Some(text) = self.texts.get(uri) {
            return text.clone();
        }
        let path = path_of(uri).unwrap_or_else(|| panic!("a position in {uri}, which is not a file"));
        // The server reads files lossily, as this does.
        String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .into_owned()
    }
}

/// The path of a `file:` URI (percent-decoded).
fn path_of(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(PathBuf::from(String::from_utf8_lossy(&out).into_owned()))
}

/// The lines of `text` as LSP counts them (LF, CRLF and CR end a line).
fn lsp_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push(&text[start..]);
    lines
}

/// True for a `{line, character}` object.
fn is_position(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.len() == 2 && o.get("line").is_some() && o.get("character").is_some())
}

/// Panics unless `pos` lies inside `text`: an existing line, at most its length, and on a
/// character boundary in the encoding.
fn check_position(pos: &Value, text: &str, utf8: bool, at: &str) {
    let (Some(line), Some(character)) = (pos["line"].as_u64(), pos["character"].as_u64()) else {
        panic!("{at}: not a position: {pos}");
    };
    let lines = lsp_lines(text);
    let Some(line_text) = lines.get(line as usize) else {
        panic!("{at}: line {line} is past the end ({} lines)", lines.len());
    };
    let character = character as usize;
    if utf8 {
        assert!(character <= line_text.len(), "{at}: character {character} past the line end: {line_text:?}");
        assert!(line_text.is_char_boundary(character), "{at}: character {character} splits a UTF-8 sequence");
    } else {
        let units: Vec<u16> = line_text.encode_utf16().collect();
        assert!(character <= units.len(), "{at}: character {character} past the line end: {line_text:?}");
        let splits = character > 0 && (0xD800..0xDC00).contains(&units[character - 1]) && character < units.len();
        assert!(!splits, "{at}: character {character} splits a surrogate pair");
    }
}

/// Walks any JSON answer and checks every position in it (and that ranges do not run backwards)
/// against the document it belongs to: `uri` at first, then whatever document an enclosing
/// object names (`uri`, `textDocument.uri`, or a URI key of a `changes` map). Returns how many
/// positions it checked.
fn check_positions(answer: &Value, docs: &Documents, uri: &str) -> usize {
    fn walk(v: &Value, docs: &Documents, uri: &str, at: &str, checked: &mut usize) {
        match v {
            Value::Object(map) => {
                let mut here = uri;
                if let Some(u) = map.get("uri").and_then(Value::as_str) {
                    here = u;
                }
                if let Some(u) = map.get("textDocument").and_then(|t| t.get("uri")).and_then(Value::as_str) {
                    here = u;
                }
                if is_position(v) {
                    check_position(v, &docs.text(here), docs.utf8, at);
                    *checked += 1;
                    return;
                }
                if let (Some(start), Some(end)) = (map.get("start"), map.get("end")) {
                    if is_position(start) && is_position(end) {
                        let key = |p: &Value| (p["line"].as_u64(), p["character"].as_u64());
                        assert!(key(start) <= key(end), "{at}: a range that ends before it starts: {v}");
                    }
                }
                for (key, child) in map {
                    let child_uri = if key.starts_with("file:") { key.as_str() } else { here };
                    walk(child, docs, child_uri, &format!("{at}.{key}"), checked);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, docs, uri, &format!("{at}[{i}]"), checked);
                }
            }
            _ => {}
        }
    }
    let mut checked = 0;
    walk(answer, docs, uri, "answer", &mut checked);
    checked
}

/// The byte offset a position stands for, clamped the way the server documents it (past the
/// line end: the line end; past the last line: the end; inside a character: its start).
fn offset_of(text: &str, line: usize, character: usize, utf8: bool) -> usize {
    let lines = lsp_lines(text);
    let Some(line_text) = lines.get(line) else { return text.len() };
    let line_start = line_text.as_ptr() as usize - text.as_ptr() as usize;
    let mut units = 0;
    for (i, ch) in line_text.char_indices() {
        let width = if utf8 { ch.len_utf8() } else { ch.len_utf16() };
        if units + width > character {
            return line_start + i;
        }
        units += width;
    }
    line_start + line_text.len()
}

/// (line, column in the encoding) of byte `offset`.
fn position_of(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = lsp_lines(before).len() - 1;
    let last = lsp_lines(before).pop().unwrap_or_default();
    let character = if utf8 { last.len() } else { last.encode_utf16().count() };
    json!({"line": line, "character": character})
}

/// The (line, utf-16 column, utf-8 column) of the first `needle` in `text`.
fn locate(text: &str, needle: &str) -> (u64, u64, u64) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in the text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    (text[..at].matches('\n').count() as u64, prefix.encode_utf16().count() as u64, prefix.len() as u64)
}

/// The diagnostics of a fresh server that opens `path` with `text` in the project at `root`.
fn fresh_diagnostics(root: &Path, path: &Path, text: &str, utf8: bool) -> Vec<Value> {
    let mut server = Server::spawn();
    server.initialize(root, utf8);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "typescript", "version": 1, "text": text}}),
    );
    let message = server.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics")
            && m["params"]["uri"] == json!(uri(path))
            && m["params"]["version"] == json!(1)
    });
    server.shutdown();
    message["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// 1. Malformed JSON-RPC.

#[test]
fn malformed_messages_get_json_rpc_errors_and_the_server_keeps_serving() {
    let (_dir, _root, mut server) = started(false);
    // Bodies that are not JSON (invalid JSON, nothing at all, invalid UTF-8): `Parse error`.
    for body in [&b"{not json!!}"[..], b"", b"\"\xff\xfe\"", b"{\"jsonrpc\": \"2.0\", \"method\": "] {
        server.write_raw(&framed(body));
        wait_for_null_id_error(&mut server, PARSE_ERROR);
        assert_serving(&mut server);
    }
    // JSON that is not a request: `Invalid Request` (with the id when one can be read).
    for body in [&b"[1, 2]"[..], b"[]", b"42", b"\"text\"", b"null", b"{}", br#"{"hello": "world"}"#] {
        server.write_raw(&framed(body));
        wait_for_null_id_error(&mut server, INVALID_REQUEST);
        assert_serving(&mut server);
    }
    for (body, id) in [
        (&br#"{"jsonrpc": "1.0", "id": 901, "method": "durable-lsp/status"}"#[..], json!(901)),
        (br#"{"jsonrpc": "2.0", "id": "s", "method": 5}"#, json!("s")),
        (br#"{"jsonrpc": "2.0", "id": {"no": 1}, "method": "durable-lsp/status"}"#, Value::Null),
    ] {
        server.write_raw(&framed(body));
        let answer = server.wait_for(|m| m.get("id") == Some(&id) && m.get("error").is_some());
        assert_eq!(error_code(&answer), Some(INVALID_REQUEST), "{answer}");
        assert_serving(&mut server);
    }
    // Headers without a usable Content-Length: a parse error, then the next message is read.
    for header in [
        &b"Content-Length: abc\r\n\r\n"[..],
        b"Content-Length: -5\r\n\r\n",
        b"Content-Length: 99999999999999999999999\r\n\r\n",
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        b"garbage without a colon\r\n\r\n",
    ] {
        server.write_raw(header);
        wait_for_null_id_error(&mut server, PARSE_ERROR);
        assert_serving(&mut server);
    }
    // A header whose body never comes, then a wrong length: a length that is too short leaves
    // the rest of the body as garbage before the next header; one that is too long eats the
    // start of the next message. Both are parse errors, and the server reads on.
    server.write_raw(b"Content-Length: 3\r\n\r\n{\"jsonrpc\": \"2.0\", \"method\": \"initialized\"}");
    wait_for_null_id_error(&mut server, PARSE_ERROR);
    assert_serving(&mut server);
    let lost = br#"{"jsonrpc": "2.0", "method": "$/lost"}"#;
    server.write_raw(format!("Content-Length: {}\r\n\r\n", lost.len() + 10).as_bytes());
    server.write_raw(lost);
    server.write_raw(&framed(lost));
    // The body with the start of the next header, then the rest of that header.
    wait_for_null_id_error(&mut server, PARSE_ERROR);
    wait_for_null_id_error(&mut server, PARSE_ERROR);
    assert_serving(&mut server);
    // A request with parameters of the wrong types: `Invalid params`, with its id.
    for params in [
        json!({"textDocument": 5, "position": "here"}),
        json!("a string"),
        json!({"textDocument": {"uri": "file:///x.ts"}, "position": {"line": -1, "character": 0}}),
    ] {
        let answer = server.request_raw("textDocument/hover", params.clone());
        assert_eq!(error_code(&answer), Some(INVALID_PARAMS), "{params}: {answer}");
    }
    // A notification with wrong parameters gets no answer (JSON-RPC never answers one).
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": 5, "text": []}}));
    assert_serving(&mut server);
    server.settle(Duration::from_millis(200));
    let stray: Vec<&Value> = server.backlog.iter().filter(|m| m.get("error").is_some()).collect();
    assert!(stray.is_empty(), "unexpected error answers: {stray:#?}");
    server.shutdown();
}

// ---------------------------------------------------------------------------------------------
// 2. Unknown methods.

#[test]
fn unknown_methods_are_refused_and_unknown_notifications_ignored() {
    let (_dir, _root, mut server) = started(false);
    for method in ["durable/unknownMethod", "textDocument/notAThing", "$/unknownRequest"] {
        let answer = server.request_raw(method, json!({}));
        assert_eq!(error_code(&answer), Some(METHOD_NOT_FOUND), "{method}: {answer}");
    }
    for method in ["durable/unknownNotification", "$/setTrace", "$/progress", "$/logTrace", "$/somethingNew"] {
        server.notify(method, json!({"value": 1}));
    }
    server.notify("$/noParams", Value::Null);
    assert_serving(&mut server);
    server.settle(Duration::from_millis(200));
    let answers: Vec<&Value> =
        server.backlog.iter().filter(|m| m.get("result").is_some() || m.get("error").is_some()).collect();
    assert!(answers.is_empty(), "notifications were answered: {answers:#?}");
    server.shutdown();
}

// ---------------------------------------------------------------------------------------------
// 3. Lifecycle out of order.

#[test]
fn requests_before_initialize_and_a_second_initialize_are_errors() {
    let (_dir, root) = project();
    let main = root.join("src/index.ts");
    let mut server = Server::spawn();
    let at = json!({"textDocument": {"uri": uri(&main)}, "position": {"line": 0, "character": 0}});
    for (method, params) in [
        ("textDocument/hover", at.clone()),
        ("textDocument/completion", at.clone()),
        ("durable-lsp/status", Value::Null),
        ("shutdown", Value::Null),
    ] {
        let answer = server.request_raw(method, params);
        assert_eq!(error_code(&answer), Some(SERVER_NOT_INITIALIZED), "{method}: {answer}");
    }
    // Notifications before initialize are dropped, not answered, not remembered.
    server.open(&main, "typescript");
    server.notify("initialized", json!({}));
    let init = server.initialize(&root, false);
    assert_eq!(init["serverInfo"]["name"], json!("durable-lsp"));
    let status = assert_serving(&mut server);
    assert_eq!(status["openDocuments"], json!(0), "a didOpen before initialize was kept");
    // A second initialize: `Invalid Request`, and the first session goes on.
    let again = server.request_raw("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    assert_eq!(error_code(&again), Some(INVALID_REQUEST), "{again}");
    assert_serving(&mut server);
    server.shutdown();
}

#[test]
fn requests_after_shutdown_are_invalid() {
    let (_dir, _root, mut server) = started(false);
    server.request("shutdown", Value::Null);
    let answer = server.request_raw("durable-lsp/status", Value::Null);
    assert_eq!(error_code(&answer), Some(INVALID_REQUEST), "{answer}");
    let again = server.request_raw("shutdown", Value::Null);
    assert_eq!(error_code(&again), Some(INVALID_REQUEST), "{again}");
    server.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.is_running() {
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Documents never opened.

#[test]
fn documents_never_opened() {
    let (_dir, root) = project();
    let mut server = Server::spawn();
    server.initialize(&root, false);
    let main = root.join("src/index.ts");
    let main_uri = uri(&main);
    let clean = server.diagnostics_until(&uri(&root.join("wrangler.jsonc")), |d| !d.is_empty());
    let ghost = uri(&root.join("src/ghost.ts"));
    let zero = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let docs = Documents::new(false);
    // On disk but not open, not on disk at all, and URIs that are not files.
    for target in [main_uri.as_str(), &ghost, "untitled:Untitled-1", "https://example.com/x.ts"] {
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": target, "version": 2}, "contentChanges": [
                {"range": zero, "text": "setTimeout(() => {}, 1);"}, {"text": "export class Room {}"}
            ]}),
        );
        server.notify("textDocument/didClose", json!({"textDocument": {"uri": target}}));
        let at = json!({"textDocument": {"uri": target}, "position": {"line": 13, "character": 30}});
        for method in ["textDocument/hover", "textDocument/completion", "textDocument/definition"] {
            let answer = server.request_raw(method, at.clone());
            assert!(answer.get("error").is_none(), "{method} on {target}: {answer}");
            if target != main_uri {
                assert_eq!(answer["result"], Value::Null, "{method} on {target}: {answer}");
            } else {
                check_positions(&answer, &docs, target);
            }
        }
        let actions = server.request_raw(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": target}, "range": zero, "context": {"diagnostics": []}}),
        );
        assert!(actions.get("error").is_none(), "codeAction on {target}: {actions}");
        check_positions(&actions, &docs, target);
        let symbols = server.request_raw("textDocument/documentSymbol", json!({"textDocument": {"uri": target}}));
        assert!(symbols.get("error").is_none(), "documentSymbol on {target}: {symbols}");
    }
    // The changes to documents that were never opened were ignored: disk still rules.
    let status = assert_serving(&mut server);
    assert_eq!(status["openDocuments"], json!(0));
    assert_eq!(status["sourceFiles"], json!(1));
    // Hover on disk text still answers for the file (a binding: `ROOM`).
    let (line, col, _) = locate(MAIN, "ROOM.getByName");
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": line, "character": col + 1}}),
    );
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("ROOM")), "{hover}");
    check_positions(&hover, &docs, &main_uri);
    assert_eq!(server.request("durable-lsp/status", Value::Null)["findings"], json!(clean.len()));
    server.shutdown();
}

// ---------------------------------------------------------------------------------------------
// 5. Stale versions.

#[test]
fn stale_versions_never_make_publications_go_back() {
    let (_dir, root, mut server) = started(false);
    let main_uri = uri(&root.join("src/index.ts"));
    let (line, col, _) = locate(MAIN, "return greeting;");
    let at = json!({"line": line, "character": col});
    let timer = "setTimeout(() => {}, 1); ";
    let insert = |server: &mut Server, version: i32| {
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": main_uri, "version": version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": timer}]
            }),
        );
    };
    let timers = |d: &[Value]| d.iter().filter(|d| d["code"] == "set-timeout-in-durable-object").count();
    insert(&mut server, 5);
    server.diagnostics_until(&main_uri, |d| timers(d) == 1);
    // A lower version, then the same version again: the edits still apply (the client's text
    // has them), but no publication may carry a version older than one already sent.
    insert(&mut server, 3);
    server.diagnostics_until(&main_uri, |d| timers(d) == 2);
    insert(&mut server, 5);
    server.diagnostics_until(&main_uri, |d| timers(d) == 3);
    insert(&mut server, 7);
    server.diagnostics_until(&main_uri, |d| timers(d) == 4);
    assert_serving(&mut server);
    server.settle(Duration::from_millis(200));
    let versions: Vec<i64> = server
        .history
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(main_uri))
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "versions went back: {versions:?}");
    assert_eq!(versions.last(), Some(&7), "{versions:?}");
    server.shutdown();
}

// ---------------------------------------------------------------------------------------------
// 6. Positions out of range, in both encodings.

/// Every position-taking request at `pos` in `uri`; returns the answers (refusals allowed
/// where LSP allows them: a rename that cannot happen is `RequestFailed`).
fn ask_everything(server: &mut Server, uri: &str, pos: &Value) -> Vec<Value> {
    let doc = json!({"uri": uri});
    let at = json!({"textDocument": doc, "position": pos});
    let mut answers = Vec::new();
    let requests = [
        ("textDocument/hover", at.clone()),
        ("textDocument/completion", at.clone()),
        ("textDocument/definition", at.clone()),
        (
            "textDocument/references",
            json!({"textDocument": doc, "position": pos, "context": {"includeDeclaration": true}}),
        ),
        ("textDocument/prepareRename", at.clone()),
        ("textDocument/rename", json!({"textDocument": doc, "position": pos, "newName": "ROOMS"})),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": {"start": {"line": 0, "character": 0}, "end": pos}, "context": {"diagnostics": [], "only": ["source"]}}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": doc})),
        ("textDocument/codeLens", json!({"textDocument": doc})),
    ];
    for (method, params) in requests {
        let answer = server.request_raw(method, params);
        let refused = method.contains("ename") && error_code(&answer) == Some(REQUEST_FAILED);
        assert!(answer.get("error").is_none() || refused, "{method} at {pos} in {uri}: {answer}");
        answers.push(answer);
    }
    answers
}

fn out_of_range_positions(utf8: bool) {
    let (_dir, root, mut server) = started(utf8);
    let main = root.join("src/index.ts");
    let config = root.join("wrangler.jsonc");
    let (main_uri, config_uri) = (uri(&main), uri(&config));
    server.open(&config, "jsonc");
    // The text of each (document, version) publications may be computed from.
    let mut texts: HashMap<(String, i64), String> =
        HashMap::from([((main_uri.clone(), 1), MAIN.to_string()), ((config_uri.clone(), 1), CONFIG.to_string())]);
    let docs = Documents::new(utf8).with(&main_uri, MAIN).with(&config_uri, CONFIG);
    let column = |text: &str, needle: &str, plus8: u64, plus16: u64| {
        let (line, c16, c8) = locate(text, needle);
        json!({"line": line, "character": if utf8 { c8 + plus8 } else { c16 + plus16 }})
    };
    let mut checked = 0;
    for (uri, text, name) in [(&main_uri, MAIN, "ROOM.getByName"), (&config_uri, CONFIG, "ROOM\"")] {
        let valid = column(text, name, 1, 1);
        let positions = [
            valid.clone(),
            // Inside the emoji: half a surrogate pair in UTF-16, mid-sequence in UTF-8.
            column(text, "😀", 2, 1),
            column(text, "é", 1, 1),
            json!({"line": valid["line"], "character": 10_000}),
            json!({"line": 10_000, "character": 0}),
            json!({"line": 10_000, "character": 10_000}),
            json!({"line": i32::MAX, "character": i32::MAX}),
            json!({"line": u32::MAX, "character": u32::MAX}),
        ];
        for pos in &positions {
            for answer in ask_everything(&mut server, uri, pos) {
                checked += check_positions(&answer, &docs, uri);
            }
        }
    }
    // The valid positions gave real answers, so the walk above checked something.
    assert!(checked > 50, "only {checked} positions were checked");
    // Edits whose ranges run past the end of a line, past the last line, or start inside a
    // character: the server clamps them as documented, so its text is this model's.
    let mut model = MAIN.to_string();
    let (greet_line, _, _) = locate(MAIN, "héllo");
    let (return_line, _, _) = locate(MAIN, "return greeting;");
    let edits = [
        (
            json!({"line": return_line, "character": 4}),
            json!({"line": return_line, "character": 999}),
            "setTimeout(() => {}, 3); return greeting;",
        ),
        (column(MAIN, "😀\";", 2, 1), json!({"line": greet_line, "character": 999}), "😀\";"),
        (json!({"line": 10_000, "character": 0}), json!({"line": 10_001, "character": 5}), "\n// tail 😀 é\n"),
        // From past the end of the original last line to past the end: deletes the tail again.
        (json!({"line": MAIN.matches('\n').count(), "character": 999}), json!({"line": 10_000, "character": 0}), ""),
    ];
    let mut version = 1;
    for (start, end, text) in edits {
        let offset = |p: &Value, model: &str| {
            let (line, character) = (p["line"].as_u64().unwrap_or(0), p["character"].as_u64().unwrap_or(0));
            offset_of(model, line as usize, character as usize, utf8)
        };
        let (from, to) = (offset(&start, &model), offset(&end, &model));
        model.replace_range(from..to, text);
        version += 1;
        texts.insert((main_uri.clone(), version), model.clone());
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": main_uri, "version": version},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": text}]
            }),
        );
    }
    let last = server.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(main_uri)
            && m["params"]["version"] == json!(version)
    });
    assert_eq!(last["params"]["diagnostics"], json!(fresh_diagnostics(&root, &main, &model, utf8)));
    assert!(model.contains("setTimeout(() => {}, 3)") && !model.contains("tail"), "{model}");
    // A config edited past its end into something that does not parse: syntax errors only,
    // inside the text.
    let tail = "\n{{{ \u{0} \"oops";
    let far = json!({"line": 999, "character": 999});
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": config_uri, "version": 2},
            "contentChanges": [{"range": {"start": far, "end": far}, "text": tail}]
        }),
    );
    texts.insert((config_uri.clone(), 2), format!("{CONFIG}{tail}"));
    let diags = server.diagnostics_until(&config_uri, |d| d.iter().any(|d| d["code"] == "config-syntax"));
    // (`Lobby` still has no migration: the config before the garbage is whole.)
    assert!(diags.iter().all(|d| d["code"] == "config-syntax" || d["code"] == "missing-migration"), "{diags:#?}");
    // Every publication lies inside the text of the version it was computed from.
    server.settle(Duration::from_millis(100));
    for message in server.history.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics") {
        let params = &message["params"];
        let uri = params["uri"].as_str().unwrap_or_default();
        let mut docs = Documents::new(utf8);
        if let Some(text) = params["version"].as_i64().and_then(|v| texts.get(&(uri.to_string(), v))) {
            docs = docs.with(uri, text);
        }
        check_positions(params, &docs, uri);
    }
    server.shutdown();
}

#[test]
fn out_of_range_positions_utf16() {
    out_of_range_positions(false);
}

#[test]
fn out_of_range_positions_utf8() {
    out_of_range_positions(true);
}

// ---------------------------------------------------------------------------------------------
// 7. Cancellation.

#[test]
fn cancellation_of_requests_in_flight_and_unknown() {
    let (_dir, root, mut server) = started(false);
    let main_uri = uri(&root.join("src/index.ts"));
    // A large document keeps the engine busy, so a request sent right after it waits in flight.
    let big = "export const value = \"é😀\";\n".repeat(10_000);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&root.join("src/big.ts")), "languageId": "typescript", "version": 1, "text": big}}),
    );
    let (line, col, _) = locate(MAIN, "ROOM.getByName");
    let at = json!({"textDocument": {"uri": main_uri}, "position": {"line": line, "character": col}});
    server.send(&json!({"jsonrpc": "2.0", "id": 9001, "method": "textDocument/hover", "params": at}));
    server.notify("$/cancelRequest", json!({"id": 9001}));
    let answer = server.wait_for(|m| m["id"] == json!(9001));
    assert_eq!(error_code(&answer), Some(REQUEST_CANCELLED), "{answer}");
    // Unknown ids (never sent, or already answered) and malformed cancellations are ignored.
    for params in
        [json!({"id": 424_242}), json!({"id": "never-sent"}), json!({"id": 9001}), json!({"id": {}}), json!(null)]
    {
        server.notify("$/cancelRequest", params);
    }
    // The engine got over the cancelled request: it answers the same request now.
    let hover = server.request("textDocument/hover", at);
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("ROOM")), "{hover}");
    assert_serving(&mut server);
    server.settle(Duration::from_millis(200));
    let stray: Vec<&Value> =
        server.backlog.iter().filter(|m| m.get("id").is_some() && m.get("method").is_none()).collect();
    assert!(stray.is_empty(), "answers to cancellations: {stray:#?}");
    server.shutdown();
}

// ---------------------------------------------------------------------------------------------
// 8. Huge, binary and invalid UTF-8 files.

#[test]
fn huge_binary_and_invalid_utf8_files() {
    let (_dir, root) = project();
    // On disk, indexed with the workspace: NUL bytes, invalid UTF-8, in sources and configs.
    std::fs::write(root.join("src/blob.ts"), b"\x00\x01\x02binary\x00\xff").unwrap_or_default();
    std::fs::write(
        root.join("src/latin1.ts"),
        b"export class Caf\xe9 extends DurableObject {\n  m() { setTimeout(() => {}, 1); }\n}\n// \xff\xfe\n",
    )
    .unwrap_or_default();
    std::fs::create_dir_all(root.join("binary")).unwrap_or_default();
    std::fs::write(root.join("binary/wrangler.jsonc"), b"{\x00\"name\": \"\xff\xfe\x00\"}").unwrap_or_default();
    std::fs::create_dir_all(root.join("latin")).unwrap_or_default();
    std::fs::write(root.join("latin/wrangler.toml"), b"name = \"caf\xe9\"\nmain = \"x.ts\"\n\xff = 1\n")
        .unwrap_or_default();
    let mut server = Server::spawn();
    server.initialize(&root, false);
    assert_serving(&mut server);
    // A 10 MB document opened in the editor: a long run of declarations.
    let big_path = root.join("src/big.ts");
    let big = "export const value = \"é😀\"; // ü\n".repeat(10 * 1024 * 1024 / 36);
    assert!(big.len() > 10_000_000);
    let opened = Instant::now();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&big_path), "languageId": "typescript", "version": 1, "text": big}}),
    );
    // Over the size limit files on disk have too: refused, so the engine is not held up. (What
    // time this takes is mostly JSON: 10 MB decoded by the transport and by tower-lsp-server, in
    // a debug build; indexing it took over a minute.)
    let status = server.request("durable-lsp/status", Value::Null);
    assert!(opened.elapsed() < Duration::from_secs(10), "opening 10 MB took {:?}", opened.elapsed());
    assert_eq!(status["openDocuments"], json!(0));
    // A binary document (NULs, control characters) opened in the editor.
    let binary_path = root.join("src/binary.ts");
    let binary = "\u{0}\u{1}\u{7f}\u{0}export class X {}\u{0}\r\u{0}\n\u{feff}";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&binary_path), "languageId": "typescript", "version": 1, "text": binary}}),
    );
    let docs = Documents::new(false).with(&uri(&big_path), &big).with(&uri(&binary_path), binary);
    for (path, pos) in
        [(&big_path, json!({"line": 5, "character": 8})), (&binary_path, json!({"line": 0, "character": 2}))]
    {
        for answer in ask_everything(&mut server, &uri(path), &pos) {
            check_positions(&answer, &docs, &uri(path));
        }
    }
    // Answers come quickly once the big document is in.
    let asked = Instant::now();
    let (line, col, _) = locate(MAIN, "ROOM.getByName");
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&root.join("src/index.ts"))}, "position": {"line": line, "character": col}}),
    );
    assert!(hover.get("contents").is_some(), "{hover}");
    assert!(asked.elapsed() < Duration::from_secs(2), "hover took {:?}", asked.elapsed());
    // Whatever was published for those files lies inside their (lossily read) text.
    server.settle(Duration::from_millis(300));
    for message in server.history.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics") {
        check_positions(&message["params"], &docs, message["params"]["uri"].as_str().unwrap_or_default());
    }
    server.shutdown();
}

// ---------------------------------------------------------------------------------------------
// 9. A burst of edits.

/// The peak resident memory of a process (`VmHWM`), in kB.
fn peak_memory_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_burst_of_ten_thousand_changes() {
    // The module ends in a 40 kB comment, so that keeping a copy of the text per change would
    // show in the memory figure below.
    let padded = format!("{MAIN}/*\n{}*/\n", "a line of padding, forty bytes long....\n".repeat(1_000));
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CONFIG), ("src/index.ts", &padded)]);
    let main = root.join("src/index.ts");
    let main_uri = uri(&main);
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&main, "typescript");
    // Types a timer call (with an emoji: two UTF-16 units) into the class character by
    // character, deletes it again, and so on: 10,000 incremental changes, one per notification.
    let typed: Vec<char> = "setTimeout(() => \"😀\", 1); ".chars().collect();
    let anchor = padded.find("return greeting;").unwrap_or_default();
    let mut model = padded.clone();
    let mut cursor = anchor;
    let mut typing = true;
    let mut burst = Vec::new();
    for version in 2..=10_001 {
        let (start, end, text) = if typing {
            let ch = typed[model[anchor..cursor].chars().count()];
            (cursor, cursor, ch.to_string())
        } else {
            let ch = model[anchor..cursor].chars().next_back().unwrap_or(' ');
            (cursor - ch.len_utf8(), cursor, String::new())
        };
        let change = json!({
            "textDocument": {"uri": main_uri, "version": version},
            "contentChanges": [{"range": {"start": position_of(&model, start, false), "end": position_of(&model, end, false)}, "text": text}]
        });
        model.replace_range(start..end, &text);
        cursor = start + text.len();
        if cursor == anchor {
            typing = true;
        } else if model[anchor..cursor].chars().count() == typed.len() {
            typing = false;
        }
        let body = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change}).to_string();
        burst.extend_from_slice(&framed(body.as_bytes()));
    }
    let sent = Instant::now();
    server.write_raw(&burst);
    // The final state: what a fresh didOpen of the final text gives, stamped with the last version.
    let status = server.request("durable-lsp/status", Value::Null);
    assert_eq!(status["openDocuments"], json!(1));
    let last = server.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == json!(main_uri)
            && m["params"]["version"] == json!(10_001)
    });
    let elapsed = sent.elapsed();
    // Applied one by one (a reparse and a facts extraction each), the burst took over 20 s in a
    // debug build; queued edits to one document are applied together now (a few seconds).
    assert!(elapsed < Duration::from_secs(15), "the burst took {elapsed:?}");
    assert_ne!(model, padded, "the burst ends half-way through a word");
    assert_eq!(last["params"]["diagnostics"], json!(fresh_diagnostics(&root, &main, &model, false)));
    // Memory stays bounded. The server peaks at a few tens of MB here (binary, grammars, one
    // small workspace, the queued notifications); 300 MB leaves room for allocator and
    // platform noise, yet keeping one copy of the 40 kB text per change (or a syntax tree,
    // which is larger) would take 400 MB or more, so such a leak fails this.
    let peak = peak_memory_kb(server.pid()).unwrap_or_else(|| panic!("no VmHWM for the server"));
    assert!(peak < 300 * 1024, "peak memory {peak} kB");
    eprintln!("peak memory after the burst: {peak} kB");
    server.shutdown();
}
