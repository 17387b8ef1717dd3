//! End to end: completion, hover, go to definition, references, rename, code lens and symbols
//! through the real binary.
//! Fixtures mark the cursor with `$0`; positions are computed from the marker, never by hand.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;

use serde_json::{json, Value};
use support::{repo_root, temp_copy, temp_project, uri, Server};

const CONFIG: &str = r#"{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2025-06-01",
  "durable_objects": {
    "bindings": [
      { "name": "CHAT", "class_name": "ChatRoom" },
      { "name": "COUNTER", "class_name": "Counter" }
    ]
  },
  "kv_namespaces": [{ "binding": "CACHE", "id": "abc" }],
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
"#;

const TOML_CONFIG: &str = r#"name = "chat"
main = "src/index.ts"
compatibility_date = "2025-06-01"

[[durable_objects.bindings]]
name = "CHAT"
class_name = "ChatRoom"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]
"#;

const CLASSES: &str = r#"import { DurableObject } from "cloudflare:workers";
export { Counter } from "./counter";

export class ChatRoom extends DurableObject {
  #secret = 1;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
  }
  async post(user: string, text: string): Promise<number> {
    return 1;
  }
  get size(): number {
    return 0;
  }
  private hidden() {}
  static make() {}
  async alarm() {}
  async webSocketMessage(ws: WebSocket, message: string) {}
}
"#;

const COUNTER: &str = r#"import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async increment(by: number): Promise<number> {
    return by;
  }
}
"#;

const DRAFT: &str = r#"import { DurableObject } from "cloudflare:workers";
export class Draft extends DurableObject {}
"#;

const OTHER_WORKER: &str = r#"{ "name": "front", "main": "index.ts", "compatibility_date": "2025-06-01",
  "durable_objects": { "bindings": [{ "name": "REMOTE", "class_name": "ChatRoom", "script_name": "chat" }] } }
"#;

/// `src/index.ts`: the classes, then a default export whose `fetch` runs `body`.
fn main_with(body: &str) -> String {
    format!("{CLASSES}\nexport default {{\n  async fetch(req: Request, env: Env): Promise<Response> {{\n    {body}\n    return new Response(\"ok\");\n  }},\n}};\n")
}

/// A running server over a fixture project, with the marked file open.
struct Case {
    _dir: tempfile::TempDir,
    root: PathBuf,
    server: Server,
    /// The marked file's URI.
    uri: String,
    /// The cursor, in the negotiated encoding.
    position: Value,
    /// The marked file's text without the marker.
    text: String,
    utf8: bool,
}

/// The LSP position of byte `at` in `text` (utf-8 or utf-16 columns).
fn position(text: &str, at: usize, utf8: bool) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    let character = if utf8 { prefix.len() } else { prefix.encode_utf16().count() };
    json!({"line": text[..at].matches('\n').count(), "character": character})
}

/// Writes the project (one file holds `$0`), starts the server and opens the marked file.
fn start(files: &[(&str, &str)], utf8: bool) -> Case {
    let marked: Vec<_> = files.iter().filter(|(_, t)| t.contains("$0")).collect();
    assert_eq!(marked.len(), 1, "exactly one file carries the cursor marker");
    let (marked_path, marked_text) = marked[0];
    let at = marked_text.find("$0").expect("marker");
    let text = marked_text.replacen("$0", "", 1);
    let written: Vec<(&str, String)> =
        files.iter().map(|(p, t)| (*p, if p == marked_path { text.clone() } else { t.to_string() })).collect();
    let refs: Vec<(&str, &str)> = written.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (dir, root) = temp_project(&refs);
    let mut server = Server::spawn();
    server.initialize(&root, utf8);
    let path = root.join(marked_path);
    let language = if marked_path.ends_with(".ts") { "typescript" } else { "jsonc" };
    server.open(&path, language);
    Case { _dir: dir, root, server, uri: uri(&path), position: position(&text, at, utf8), text, utf8 }
}

fn project(index: &str) -> Vec<(&'static str, String)> {
    vec![
        ("wrangler.jsonc", CONFIG.to_string()),
        ("src/index.ts", index.to_string()),
        ("src/counter.ts", COUNTER.to_string()),
        ("src/draft.ts", DRAFT.to_string()),
    ]
}

fn start_project(files: Vec<(&'static str, String)>, utf8: bool) -> Case {
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    start(&refs, utf8)
}

impl Case {
    fn params(&self) -> Value {
        json!({"textDocument": {"uri": self.uri}, "position": self.position})
    }

    fn completion(&mut self) -> Vec<Value> {
        let result = self.server.request("textDocument/completion", self.params());
        let mut items = result.as_array().cloned().unwrap_or_default();
        items.sort_by_key(|i| i["sortText"].as_str().unwrap_or_default().to_string());
        items
    }

    fn hover(&mut self) -> String {
        let result = self.server.request("textDocument/hover", self.params());
        result["contents"]["value"].as_str().unwrap_or_default().to_string()
    }

    fn definition(&mut self) -> Vec<Value> {
        let result = self.server.request("textDocument/definition", self.params());
        result.as_array().cloned().unwrap_or_default()
    }

    fn references(&mut self) -> Vec<Value> {
        let mut params = self.params();
        params["context"] = json!({"includeDeclaration": true});
        let result = self.server.request("textDocument/references", params);
        result.as_array().cloned().unwrap_or_default()
    }

    /// The location of the first `needle` in file `rel` (its range start).
    fn location_of(&self, rel: &str, needle: &str) -> (String, Value) {
        let path = self.root.join(rel);
        let text = std::fs::read_to_string(&path).expect("read");
        let at = text.find(needle).unwrap_or_else(|| panic!("{needle} in {rel}"));
        (uri(&path), position(&text, at, self.utf8))
    }
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap_or_default()).collect()
}

fn item<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items.iter().find(|i| i["label"] == json!(label)).unwrap_or_else(|| panic!("no {label} in {items:#?}"))
}

fn starts(locations: &[Value]) -> Vec<(String, Value)> {
    locations.iter().map(|l| (l["uri"].as_str().unwrap_or_default().to_string(), l["range"]["start"].clone())).collect()
}

#[test]
fn env_bindings_do_first_with_types() {
    let mut case = start_project(project(&main_with("env.$0")), false);
    let items = case.completion();
    assert_eq!(labels(&items), ["CHAT", "COUNTER", "CACHE"]);
    assert_eq!(item(&items, "CHAT")["detail"], json!("DurableObjectNamespace<ChatRoom>"));
    assert_eq!(item(&items, "CACHE")["detail"], json!("KVNamespace"));
    let edit = &item(&items, "CHAT")["textEdit"];
    assert_eq!(edit["range"]["start"], case.position);
    assert_eq!(edit["range"]["end"], case.position);
    case.server.shutdown();
}

#[test]
fn typed_prefix_after_emoji_in_both_encodings() {
    for utf8 in [false, true] {
        let body = "const party = \"🎉 ü\"; const ns = this_is_ok(env.CH$0);";
        let mut case = start_project(project(&main_with(body)), utf8);
        let items = case.completion();
        assert_eq!(labels(&items)[0], "CHAT", "utf8: {utf8}");
        let range = &item(&items, "CHAT")["textEdit"]["range"];
        let at = case.text.find("CH);").expect("prefix");
        assert_eq!(range["start"], position(&case.text, at, utf8), "utf8: {utf8}");
        assert_eq!(range["end"], case.position, "utf8: {utf8}");
        case.server.shutdown();
    }
}

#[test]
fn this_env_and_context_env() {
    for body in ["this.env.$0", "c.env.$0"] {
        let mut case = start_project(project(&main_with(body)), false);
        assert_eq!(labels(&case.completion()), ["CHAT", "COUNTER", "CACHE"], "{body}");
        case.server.shutdown();
    }
}

#[test]
fn namespace_methods_as_snippets() {
    let mut case = start_project(project(&main_with("env.CHAT.$0")), false);
    let items = case.completion();
    assert_eq!(labels(&items), ["idFromName", "idFromString", "newUniqueId", "get", "getByName", "jurisdiction"]);
    let by_name = item(&items, "getByName");
    assert_eq!(by_name["insertTextFormat"], json!(2));
    assert_eq!(by_name["textEdit"]["newText"], json!("getByName(${1:name})"));
    assert!(by_name["detail"].as_str().unwrap_or_default().ends_with("DurableObjectStub<ChatRoom>"));
    assert_eq!(
        item(&items, "jurisdiction")["textEdit"]["newText"],
        json!("jurisdiction(\"${1|eu,us,fedramp,fedramp-high|}\")")
    );
    case.server.shutdown();
    // Not a DO binding: nothing.
    let mut case = start_project(project(&main_with("env.CACHE.$0")), false);
    assert!(case.completion().is_empty());
    case.server.shutdown();
}

#[test]
fn stub_rpc_methods() {
    let body = "const stub = env.CHAT.getByName(\"lobby\");\n    stub.$0";
    let mut case = start_project(project(&main_with(body)), false);
    let items = case.completion();
    assert_eq!(labels(&items), ["post", "size", "fetch"]);
    let post = item(&items, "post");
    assert_eq!(post["detail"], json!("async post(user: string, text: string): Promise<number>"));
    assert_eq!(post["textEdit"]["newText"], json!("post(${1:user}, ${2:text})"));
    case.server.shutdown();
    let mut case = start_project(project(&main_with("await env.COUNTER.get(env.COUNTER.idFromName(\"a\")).$0")), false);
    assert_eq!(labels(&case.completion()), ["increment", "fetch"]);
    case.server.shutdown();
}

#[test]
fn location_hints_and_jurisdictions() {
    let body = "const s = env.CHAT.get(env.CHAT.newUniqueId(), { locationHint: \"we$0\" });";
    let mut case = start_project(project(&main_with(body)), false);
    let items = case.completion();
    assert_eq!(
        labels(&items),
        ["wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me"]
    );
    assert_eq!(item(&items, "weur")["detail"], json!("Western Europe"));
    let start = case.text.find("we\" }").expect("typed");
    assert_eq!(item(&items, "weur")["textEdit"]["range"]["start"], position(&case.text, start, false));
    case.server.shutdown();
    let mut case = start_project(project(&main_with("env.CHAT.jurisdiction(\"$0\")")), false);
    assert_eq!(labels(&case.completion()), ["eu", "us", "fedramp", "fedramp-high"]);
    case.server.shutdown();
}

#[test]
fn handler_snippets_in_a_durable_object_body() {
    let index = main_with("").replace("  static make() {}\n", "  static make() {}\n  $0\n");
    let mut case = start_project(project(&index), false);
    let items = case.completion();
    // `alarm` and `webSocketMessage` exist already.
    assert_eq!(labels(&items), ["fetch", "webSocketClose", "webSocketError"]);
    assert_eq!(
        item(&items, "webSocketClose")["textEdit"]["newText"],
        json!("async webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {\n\t$0\n}")
    );
    case.server.shutdown();
}

fn config_case(config: &str, utf8: bool) -> Case {
    let mut files = project(&main_with(""));
    files[0].1 = config.to_string();
    files.push(("front/wrangler.jsonc", OTHER_WORKER.to_string()));
    start_project(files, utf8)
}

#[test]
fn jsonc_config_values() {
    let class_name = CONFIG.replace("\"class_name\": \"Counter\"", "\"class_name\": \"$0\"");
    let mut case = config_case(&class_name, false);
    let items = case.completion();
    // Exported from `main` first.
    assert_eq!(labels(&items), ["ChatRoom", "Counter", "Draft"]);
    assert_eq!(item(&items, "Draft")["textEdit"]["newText"], json!("Draft"));
    case.server.shutdown();

    let script = CONFIG.replace("\"class_name\": \"Counter\"", "\"class_name\": \"Counter\", \"script_name\": \"$0\"");
    let mut case = config_case(&script, false);
    assert_eq!(labels(&case.completion()), ["front"]);
    case.server.shutdown();

    let list = CONFIG.replace(
        "\"new_sqlite_classes\": [\"ChatRoom\"] }]",
        "\"new_sqlite_classes\": [\"ChatRoom\"] }, { \"tag\": \"$0\", \"new_sqlite_classes\": [] }]",
    );
    let mut case = config_case(&list, false);
    assert_eq!(labels(&case.completion()), ["v2"]);
    case.server.shutdown();

    let list = CONFIG.replace(
        "\"new_sqlite_classes\": [\"ChatRoom\"] }]",
        "\"new_sqlite_classes\": [\"ChatRoom\"] }, { \"tag\": \"v2\", \"new_sqlite_classes\": [$0] }]",
    );
    let mut case = config_case(&list, false);
    let items = case.completion();
    assert_eq!(labels(&items), ["Counter"]);
    assert_eq!(item(&items, "Counter")["textEdit"]["newText"], json!("\"Counter\""));
    case.server.shutdown();

    let exports = CONFIG.replace(
        "\"migrations\": [{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }]",
        "\"exports\": { \"ChatRoom\": { \"type\": \"durable-object\", \"storage\": \"$0\" } }",
    );
    let mut case = config_case(&exports, false);
    assert_eq!(labels(&case.completion()), ["sqlite", "legacy-kv"]);
    case.server.shutdown();

    let exports = CONFIG.replace(
        "\"migrations\": [{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }]",
        "\"exports\": { \"ChatRoom\": { \"type\": \"durable-object\", \"storage\": \"sqlite\" }, $0 }",
    );
    let mut case = config_case(&exports, false);
    let items = case.completion();
    assert_eq!(labels(&items), ["Counter", "Draft"]);
    assert_eq!(
        item(&items, "Counter")["textEdit"]["newText"],
        json!("\"Counter\": { \"type\": \"durable-object\", \"storage\": \"sqlite\" }")
    );
    case.server.shutdown();
}

#[test]
fn toml_config_values() {
    let class_name = TOML_CONFIG.replace("class_name = \"ChatRoom\"", "class_name = \"Chat$0\"");
    let mut files = project(&main_with(""));
    files[0] = ("wrangler.toml", class_name);
    let mut case = start_project(files, true);
    let items = case.completion();
    assert_eq!(labels(&items), ["ChatRoom", "Counter", "Draft"]);
    let at = case.text.find("Chat\"").expect("typed");
    assert_eq!(item(&items, "ChatRoom")["textEdit"]["range"]["start"], position(&case.text, at, true));
    case.server.shutdown();

    let tag = format!("{TOML_CONFIG}\n[[migrations]]\ntag = \"$0\"\n");
    let mut files = project(&main_with(""));
    files[0] = ("wrangler.toml", tag);
    let mut case = start_project(files, false);
    assert_eq!(labels(&case.completion()), ["v2"]);
    case.server.shutdown();
}

#[test]
fn hovers() {
    let mut case = start_project(project(&main_with("const s = env.CH$0AT.getByName(\"a\");")), false);
    let text = case.hover();
    assert!(text.contains("**`CHAT`**: Durable Object namespace `DurableObjectNamespace<ChatRoom>`"), "{text}");
    assert!(text.contains("- class: [`ChatRoom`](file://"), "{text}");
    assert!(text.contains("- lifecycle (the top level): storage SQLite\n  1. `v1`: created (SQLite)"), "{text}");
    assert!(text.contains("- environments: the top level"), "{text}");
    case.server.shutdown();

    let config = CONFIG.replace("\"class_name\": \"ChatRoom\"", "\"class_name\": \"Chat$0Room\"");
    let mut case = config_case(&config, false);
    let text = case.hover();
    assert!(text.starts_with("**`ChatRoom`**: Durable Object class"), "{text}");
    assert!(text.contains("- bindings: `CHAT` (the top level), `REMOTE` in Worker `front`"), "{text}");
    assert!(
        text.contains("RPC methods: `async post(user: string, text: string): Promise<number>`, `size: number`"),
        "{text}"
    );
    case.server.shutdown();

    let config = CONFIG.replace("\"tag\": \"v1\"", "\"tag\": \"v$01\"");
    let mut case = config_case(&config, false);
    let text = case.hover();
    assert!(text.starts_with("**Migration `v1`**: creates `ChatRoom` with SQLite storage."), "{text}");
    case.server.shutdown();

    let mut case = start_project(project(&main_with("env.CHAT.get(id, { locationHint: \"ee$0ur\" });")), false);
    assert!(case.hover().starts_with("**`eeur`**: location hint, Eastern Europe"));
    case.server.shutdown();
}

/// Runs git in `dir` with no user or system config; false when git is not installed.
fn git(dir: &std::path::Path, args: &[&str]) -> bool {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output();
    match out {
        Ok(out) => {
            assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            true
        }
        Err(_) => false,
    }
}

/// A project whose config is `committed` in git and `edited` in the working tree, served with
/// the config open: the server, the config's path and the temp folder. `None` without git (the
/// test then says it is skipped).
fn committed_then_edited(committed: &str, edited: &str) -> Option<(Server, std::path::PathBuf, tempfile::TempDir)> {
    let (dir, root) = temp_project(&[("wrangler.jsonc", committed), ("src/index.ts", &main_with(""))]);
    if !git(&root, &["init", "-q"]) {
        eprintln!("skipped: git is not installed");
        return None;
    }
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "v1"]);
    assert_ne!(edited, committed, "the working tree changes the config");
    let path = root.join("wrangler.jsonc");
    std::fs::write(&path, edited).expect("write");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&path, "jsonc");
    Some((server, path, dir))
}

/// The hover's markdown at byte `at` of `text`, the open document at `path`.
fn hover_at(server: &mut Server, path: &std::path::Path, text: &str, at: usize) -> String {
    let params = json!({"textDocument": {"uri": uri(path)}, "position": position(text, at, false)});
    server.request("textDocument/hover", params)["contents"]["value"].as_str().unwrap_or_default().to_string()
}

#[test]
fn hover_on_a_migration_step_says_whether_git_has_it() {
    // The working tree appends a step.
    let edited = CONFIG.replace(
        "{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }",
        "{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }, { \"tag\": \"v2\", \"new_sqlite_classes\": [\"Counter\"] }",
    );
    let Some((mut server, path, _dir)) = committed_then_edited(CONFIG, &edited) else { return };
    let mut hover =
        |needle: &str| hover_at(&mut server, &path, &edited, edited.find(needle).expect("needle") + needle.len() - 2);
    let text = hover("\"tag\": \"v1\"");
    assert!(text.contains("Committed in git: most likely deployed already"), "{text}");
    let text = hover("\"tag\": \"v2\"");
    assert!(text.contains("New in the working tree (not in git `HEAD`)"), "{text}");
    server.shutdown();
}

#[test]
fn hover_on_a_class_shows_its_lifecycle_as_a_timeline_with_what_git_has() {
    // The working tree renames the class in a new step.
    let edited = CONFIG.replace(
        "{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }",
        "{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }, { \"tag\": \"v2\", \"renamed_classes\": [{ \"from\": \"ChatRoom\", \"to\": \"Lobby\" }] }",
    );
    let Some((mut server, path, _dir)) = committed_then_edited(CONFIG, &edited) else { return };
    let at = edited.find("\"class_name\": \"ChatRoom\"").expect("the binding") + "\"class_name\": \"Chat".len();
    let text = hover_at(&mut server, &path, &edited, at);
    assert!(text.starts_with("**`ChatRoom`**: Durable Object class"), "{text}");
    assert!(
        text.contains(
            "- lifecycle (the top level): storage SQLite\n  1. `v1`: created (SQLite), committed\n  2. `v2`: renamed to `Lobby` (its data moved along), new in the working tree"
        ),
        "{text}"
    );
    server.shutdown();
}

#[test]
fn hover_on_an_exports_entry_says_whether_git_has_it() {
    let with_exports = |exports: &str| {
        CONFIG.replace(
            "\"migrations\": [{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }]",
            &format!("\"exports\": {{ {exports} }}"),
        )
    };
    let committed = with_exports(r#""ChatRoom": { "type": "durable-object", "storage": "sqlite" }"#);
    assert_ne!(committed, CONFIG, "the test's config has the migrations it replaces");
    // The working tree adds an entry for Counter and deletes ChatRoom.
    let edited = with_exports(
        r#""ChatRoom": { "type": "durable-object", "state": "deleted", "storage": "sqlite" }, "Counter": { "type": "durable-object", "storage": "sqlite" }"#,
    );
    let Some((mut server, path, _dir)) = committed_then_edited(&committed, &edited) else { return };
    let hover =
        |server: &mut Server, needle: &str| hover_at(server, &path, &edited, edited.find(needle).expect("needle") + 2);
    // On the key: the class, then the entry's state in git.
    let text = hover(&mut server, "\"ChatRoom\": { \"type\"");
    assert!(text.starts_with("**`ChatRoom`**: Durable Object class"), "{text}");
    assert!(text.contains("Changed since git `HEAD` (committed: state `created`, storage `sqlite`)"), "{text}");
    let text = hover(&mut server, "\"Counter\": {");
    assert!(text.contains("New in the working tree (not in git `HEAD`)"), "{text}");
    // On a value inside the entry: the entry itself.
    let text = hover(&mut server, "\"deleted\"");
    assert!(text.starts_with("**`ChatRoom`**: `exports` entry (the top level)"), "{text}");
    assert!(text.contains("- state: `deleted`"), "{text}");
    assert!(text.contains("Changed since git `HEAD`"), "{text}");
    server.shutdown();

    // Unchanged since the commit: most likely deployed.
    std::fs::write(&path, &committed).expect("write");
    let mut server = Server::spawn();
    server.initialize(path.parent().expect("the project folder"), false);
    server.open(&path, "jsonc");
    let text = hover_at(&mut server, &path, &committed, committed.find("\"sqlite\"").expect("needle") + 2);
    assert!(text.contains("Committed in git: most likely deployed already"), "{text}");
    server.shutdown();
}

#[test]
fn hover_on_the_worker_name_says_which_entry() {
    let config = CONFIG.replacen("\"name\": \"chat\"", "\"name\": \"ch$0at\"", 1);
    let mut case = config_case(&config, false);
    let text = case.hover();
    assert!(text.starts_with("**`chat`**: Worker"), "{text}");
    assert!(text.contains("Entry: `src/index.ts` (`main`)"), "{text}");
    case.server.shutdown();

    // No `main`: the entry is the one the deploy script passes to wrangler.
    let config =
        CONFIG.replacen("\"name\": \"chat\"", "\"name\": \"ch$0at\"", 1).replace("  \"main\": \"src/index.ts\",\n", "");
    let mut files = project(&main_with(""));
    files[0].1 = config;
    files.push(("package.json", r#"{ "scripts": { "deploy": "wrangler deploy src/index.ts --minify" } }"#.to_string()));
    let mut case = start_project(files, false);
    let text = case.hover();
    assert!(
        text.contains("Entry: `src/index.ts`, from the package.json script `deploy` (`wrangler deploy src/index.ts`)"),
        "{text}"
    );
    case.server.shutdown();

    // Neither: the hover says so.
    let config =
        CONFIG.replacen("\"name\": \"chat\"", "\"name\": \"ch$0at\"", 1).replace("  \"main\": \"src/index.ts\",\n", "");
    let mut case = config_case(&config, false);
    let text = case.hover();
    assert!(text.contains("Entry: none: the config has no `main`"), "{text}");
    case.server.shutdown();
}

#[test]
fn definitions() {
    let mut case = start_project(project(&main_with("const s = env.CH$0AT.getByName(\"a\");")), false);
    let expected = case.location_of("wrangler.jsonc", "\"CHAT\"");
    assert_eq!(starts(&case.definition()), [expected]);
    case.server.shutdown();

    let body = "const stub = env.COUNTER.getByName(\"a\");\n    await stub.incr$0ement(1);";
    let mut case = start_project(project(&main_with(body)), false);
    let expected = case.location_of("src/counter.ts", "increment");
    assert_eq!(starts(&case.definition()), [expected]);
    case.server.shutdown();

    let config = CONFIG.replace("\"class_name\": \"Counter\"", "\"class_name\": \"Cou$0nter\"");
    let mut case = config_case(&config, false);
    let expected = case.location_of("src/counter.ts", "Counter extends");
    assert_eq!(starts(&case.definition()), [expected]);
    case.server.shutdown();

    let other = OTHER_WORKER.replace("\"script_name\": \"chat\"", "\"script_name\": \"ch$0at\"");
    let mut files = project(&main_with(""));
    files.push(("front/wrangler.jsonc", other));
    let mut case = start_project(files, false);
    let expected = case.location_of("wrangler.jsonc", "\"chat\"");
    assert_eq!(starts(&case.definition()), [expected]);
    case.server.shutdown();
}

#[test]
fn references_of_a_class_and_a_binding() {
    let index = main_with("const s = env.CHAT.getByName(\"a\");").replace("class ChatRoom", "class Chat$0Room");
    let mut files = project(&index);
    files.push(("front/wrangler.jsonc", OTHER_WORKER.to_string()));
    let mut case = start_project(files, false);
    let found = starts(&case.references());
    let expected = [
        case.location_of("front/wrangler.jsonc", "\"ChatRoom\""),
        case.location_of("src/index.ts", "ChatRoom extends"),
        case.location_of("wrangler.jsonc", "\"ChatRoom\""),
        case.location_of("wrangler.jsonc", "\"ChatRoom\"] }"),
    ];
    for e in &expected {
        assert!(found.contains(e), "{e:?} not in {found:#?}");
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    assert!(case.hover().starts_with("**`ChatRoom`**: Durable Object class"));
    case.server.shutdown();

    // From an RPC method's declaration: the declaration and the stub calls.
    let body = "const stub = env.CHAT.getByName(\"a\");\n    await stub.post(\"me\", \"hi\");";
    let index = main_with(body).replace("async post(", "async po$0st(");
    let mut case = start_project(project(&index), false);
    let found = starts(&case.references());
    let expected = [case.location_of("src/index.ts", "post(user"), case.location_of("src/index.ts", "post(\"me\"")];
    assert_eq!(found, expected);
    case.server.shutdown();

    let mut case = start_project(project(&main_with("const a = env.CHAT;\n    const b = env.CH$0AT;")), false);
    let found = starts(&case.references());
    assert_eq!(found.len(), 3, "the config's binding and two uses: {found:#?}");
    case.server.shutdown();
}

/// The byte offset of an LSP position in `text` (utf-8 or utf-16 columns).
fn offset_of(text: &str, pos: &Value, utf8: bool) -> usize {
    let line = pos["line"].as_u64().unwrap_or_default() as usize;
    let character = pos["character"].as_u64().unwrap_or_default() as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= character || c == '\n' {
            return line_start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

/// Applies a workspace edit's `changes` to the files on disk, as a client does.
fn apply_workspace_edit(edit: &Value, utf8: bool) {
    let changes = edit["changes"].as_object().cloned().unwrap_or_default();
    assert!(!changes.is_empty(), "no changes in {edit:#}");
    for (uri, edits) in changes {
        let path = PathBuf::from(uri.strip_prefix("file://").unwrap_or(&uri).replace("%20", " "));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut spans: Vec<(usize, usize, usize, String)> = edits
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, e)| {
                let start = offset_of(&text, &e["range"]["start"], utf8);
                let end = offset_of(&text, &e["range"]["end"], utf8);
                (start, end, i, e["newText"].as_str().unwrap_or_default().to_string())
            })
            .collect();
        // From the end; insertions at one offset in their array order (LSP's rule).
        spans.sort_by_key(|(start, end, i, _)| std::cmp::Reverse((*start, *end, *i)));
        let mut out = text.clone();
        for (start, end, _, new_text) in spans {
            out.replace_range(start..end, &new_text);
        }
        std::fs::write(&path, out).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// The rule ids `durable-lsp check` reports on a project, sorted.
fn check_rules(root: &std::path::Path) -> Vec<String> {
    let out = std::process::Command::new(support::server_binary())
        .args(["check", "--format", "json", "--fail-on", "never"])
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    rules.sort();
    rules
}

impl Case {
    fn rename(&mut self, new_name: &str) -> Value {
        let mut params = self.params();
        params["newName"] = json!(new_name);
        self.server.request_raw("textDocument/rename", params)
    }

    /// Renames at the cursor, applies the edit and checks no new problem appears; returns the
    /// file `rel` afterwards.
    fn rename_and_apply(&mut self, new_name: &str) {
        let before = check_rules(&self.root);
        let response = self.rename(new_name);
        apply_workspace_edit(&response["result"], self.utf8);
        let changed: Vec<String> = response["result"]["changes"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(uri, _)| std::fs::read_to_string(uri.strip_prefix("file://").unwrap_or(uri)).unwrap_or_default())
            .collect();
        assert_eq!(check_rules(&self.root), before, "the rename changed the project's findings: {changed:#?}");
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{e}"))
    }
}

#[test]
fn rename_a_binding_after_non_ascii_text_in_both_encodings() {
    for utf8 in [false, true] {
        let body = "const s = \"🎉 é\"; const stub = env.CH$0AT.getByName(\"a\");";
        let mut case = start_project(project(&main_with(body)), utf8);
        let prepared = case.server.request("textDocument/prepareRename", case.params());
        assert_eq!(prepared["placeholder"], json!("CHAT"));
        let at = case.text.find("CHAT.getByName").expect("use");
        assert_eq!(prepared["range"]["start"], position(&case.text, at, utf8));
        case.rename_and_apply("ROOMS");
        assert!(case.read("src/index.ts").contains("const s = \"🎉 é\"; const stub = env.ROOMS.getByName(\"a\");"));
        assert!(case.read("wrangler.jsonc").contains("{ \"name\": \"ROOMS\", \"class_name\": \"ChatRoom\" }"));
        case.server.shutdown();
    }
}

#[test]
fn rename_a_class_appends_a_migration_step() {
    let index = main_with("").replace("class ChatRoom", "class Chat$0Room");
    let mut files = project(&index);
    files.push(("front/wrangler.jsonc", OTHER_WORKER.to_string()));
    files.push(("front/index.ts", "export default {};\n".to_string()));
    let mut case = start_project(files, false);
    case.rename_and_apply("Lobby");
    let config = case.read("wrangler.jsonc");
    assert!(config.contains("{ \"name\": \"CHAT\", \"class_name\": \"Lobby\" }"), "{config}");
    let step = "\"migrations\": [{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"ChatRoom\"] }, { \"tag\": \"v2\", \"renamed_classes\": [{ \"from\": \"ChatRoom\", \"to\": \"Lobby\" }] }]";
    assert!(config.contains(step), "{config}");
    assert!(case.read("src/index.ts").contains("export class Lobby extends DurableObject"));
    assert!(case.read("front/wrangler.jsonc").contains("\"class_name\": \"Lobby\", \"script_name\": \"chat\""));
    case.server.shutdown();
}

#[test]
fn rename_a_class_from_a_toml_config_with_exports_in_utf8() {
    let toml = "name = \"chat\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-06-01\"\n\n# Salle de discussion 🎉\n[[durable_objects.bindings]]\nname = \"CHAT\"\nclass_name = \"Chat$0Room\"\n\n[exports.ChatRoom]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n";
    let files = vec![
        ("wrangler.toml", toml.to_string()),
        ("src/index.ts", main_with("")),
        ("src/counter.ts", COUNTER.to_string()),
    ];
    let mut case = start_project(files, true);
    case.rename_and_apply("Lobby");
    let expected = "# Salle de discussion 🎉\n[[durable_objects.bindings]]\nname = \"CHAT\"\nclass_name = \"Lobby\"\n\n[exports.ChatRoom]\ntype = \"durable-object\"\nstate = \"renamed\"\nrenamed_to = \"Lobby\"\n\n[exports.Lobby]\ntype = \"durable-object\"\nstorage = \"sqlite\"\n";
    let config = case.read("wrangler.toml");
    assert!(config.ends_with(expected), "{config}");
    case.server.shutdown();
}

#[test]
fn refused_renames() {
    let index = main_with("").replace("class ChatRoom", "class Chat$0Room");
    let mut case = start_project(project(&index), false);
    let taken = case.rename("Counter");
    assert_eq!(taken["error"]["message"], json!("`Counter` is already a class in this Worker"), "{taken:#}");
    let invalid = case.rename("1x");
    assert_eq!(invalid["error"]["message"], json!("`1x` is not a valid JavaScript identifier"));
    // A name durable-lsp does not own: no rename offered.
    let (uri, position) = case.location_of("src/index.ts", "DurableObject }");
    let prepared =
        case.server.request("textDocument/prepareRename", json!({"textDocument": {"uri": uri}, "position": position}));
    assert_eq!(prepared, Value::Null);
    case.server.shutdown();
}

#[test]
fn code_lens_and_symbols() {
    let mut files = project(&main_with("$0"));
    files.push(("front/wrangler.jsonc", OTHER_WORKER.to_string()));
    files.push(("front/index.ts", "export default {};\n".to_string()));
    let mut case = start_project(files, false);
    let lenses = case.server.request("textDocument/codeLens", json!({"textDocument": {"uri": case.uri}}));
    let [lens] = lenses.as_array().cloned().unwrap_or_default().try_into().unwrap_or_else(|l| panic!("{l:#?}"));
    assert_eq!(lens["command"]["title"], json!("2 bindings (CHAT, REMOTE in front) | SQLite | created in v1"));
    assert_eq!(lens["command"]["command"], json!("editor.action.showReferences"));
    assert_eq!(lens["range"]["start"], case.location_of("src/index.ts", "ChatRoom extends").1);
    assert_eq!(lens["command"]["arguments"][2].as_array().map(Vec::len), Some(4), "{lens:#}");

    let config = uri(&case.root.join("wrangler.jsonc"));
    let outline = case.server.request("textDocument/documentSymbol", json!({"textDocument": {"uri": config}}));
    let names = |v: &Value| {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s["name"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&outline), ["durable_objects", "CACHE", "migrations"]);
    assert_eq!(names(&outline[0]["children"]), ["CHAT", "COUNTER"]);
    assert_eq!(outline[2]["children"][0]["detail"], json!("creates ChatRoom (SQLite)"));
    let code = case.server.request("textDocument/documentSymbol", json!({"textDocument": {"uri": case.uri}}));
    assert_eq!(code, Value::Null, "TS outlines are the TypeScript server's");

    let found = case.server.request("workspace/symbol", json!({"query": "chr"}));
    let found: Vec<(String, u64)> = found
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| (s["name"].as_str().unwrap_or_default().to_string(), s["kind"].as_u64().unwrap_or_default()))
        .collect();
    assert_eq!(found, [("ChatRoom".to_string(), 5)]);
    let all = case.server.request("workspace/symbol", json!({"query": ""}));
    let all = names(&all);
    for expected in ["chat", "front", "CHAT", "COUNTER", "CACHE", "REMOTE", "ChatRoom", "Counter"] {
        assert!(all.iter().any(|n| n == expected), "{expected} not in {all:?}");
    }
    case.server.shutdown();
}

/// Inlay hints after `env.X` say the class and its storage; off until the settings turn them on.
#[test]
fn inlay_hints_after_bindings_are_off_until_turned_on() {
    let body = "const s = env.CHAT.getByName(\"a\");$0\n    await env.COUNTER.getByName(\"b\").fetch(req);";
    let mut case = start_project(project(&main_with(body)), false);
    let lines = case.text.lines().count();
    let params = json!({
        "textDocument": {"uri": case.uri},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}}
    });
    assert_eq!(case.server.request("textDocument/inlayHint", params.clone()), Value::Null, "off by default");
    case.server.notify("workspace/didChangeConfiguration", json!({"settings": {"durableLsp": {"inlayHints": true}}}));
    let hints = case.server.request("textDocument/inlayHint", params);
    let hints = hints.as_array().expect("hints once turned on");
    let labels: Vec<&str> = hints.iter().filter_map(|h| h["label"].as_str()).collect();
    assert_eq!(labels, [": ChatRoom · SQLite", ": Counter · no storage"], "{hints:?}");
    // Each sits right after the binding's name.
    let at = case.text.find("env.CHAT").expect("the use") + "env.CHAT".len();
    assert_eq!(hints[0]["position"], position(&case.text, at, false), "{hints:?}");
    case.server.shutdown();
}

/// `durable-lsp/graph` over the shipped examples: every Worker with its bindings and classes,
/// the lobby's `ROOMS` reaching the chat Worker's `ChatRoom` through `script_name`, and places
/// (config URIs, binding and class ranges in utf-16) that point at the right text.
#[test]
fn graph_request_over_the_examples() {
    let (_dir, root) = temp_copy(&repo_root().join("examples"));
    let mut server = Server::spawn();
    server.initialize(&root, false);
    let map = server.request("durable-lsp/graph", json!({}));
    let workers = map["workers"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = workers.iter().filter_map(|w| w["name"].as_str()).collect();
    assert_eq!(names, ["chat", "lobby", "mistakes"], "{map:#}");
    let file_of = |value: &Value| -> (PathBuf, String) {
        let u = value.as_str().unwrap_or_else(|| panic!("no uri: {map:#}"));
        let path = workers
            .iter()
            .flat_map(|w| {
                std::iter::once(w["config"].as_str()).chain(
                    w["classes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| c["declared"].as_str().and_then(|d| d.split(':').next())),
                )
            })
            .flatten()
            .map(|rel| root.join(rel))
            .find(|p| uri(p) == u)
            .unwrap_or_else(|| panic!("{u} is not a file of the map"));
        let text = std::fs::read_to_string(&path).expect("read");
        (path, text)
    };
    let slice = |text: &str, range: &Value| -> String {
        text[offset_of(text, &range["start"], false)..offset_of(text, &range["end"], false)].to_string()
    };
    for worker in &workers {
        let (config, text) = file_of(&worker["uri"]);
        assert!(config.ends_with(worker["config"].as_str().unwrap_or_default()), "{worker:#}");
        for binding in worker["bindings"].as_array().into_iter().flatten() {
            let name = binding["name"].as_str().unwrap_or_default();
            assert_eq!(slice(&text, &binding["range"]).trim_matches('"'), name, "{binding:#}");
        }
        for class in worker["classes"].as_array().into_iter().flatten() {
            if class["declared"].is_null() {
                assert!(class["uri"].is_null() && class["range"].is_null(), "{class:#}");
                continue;
            }
            let (_, code) = file_of(&class["uri"]);
            assert_eq!(slice(&code, &class["range"]), class["name"].as_str().unwrap_or_default(), "{class:#}");
            let line = class["range"]["start"]["line"].as_u64().unwrap_or_default() + 1;
            assert!(class["declared"].as_str().unwrap_or_default().ends_with(&format!(":{line}")), "{class:#}");
        }
    }
    let lobby = &workers[1];
    let rooms = lobby["bindings"].as_array().into_iter().flatten().find(|b| b["name"] == "ROOMS");
    let rooms = rooms.unwrap_or_else(|| panic!("no ROOMS: {lobby:#}"));
    assert_eq!(
        (&rooms["class"], &rooms["script"], &rooms["target"]),
        (&json!("ChatRoom"), &json!("chat"), &workers[0]["config"])
    );
    let chat_room = workers[0]["classes"].as_array().into_iter().flatten().find(|c| c["name"] == "ChatRoom");
    assert_eq!(chat_room.map(|c| (&c["storage"], &c["state"])), Some((&json!("sqlite"), &json!("live"))));
    // `{ "uri" }` asks for the Workers of that document's workspace folder: here, all of them.
    let chat_main = root.join("chat/src/index.ts");
    let scoped = server.request("durable-lsp/graph", json!({ "uri": uri(&chat_main) }));
    assert_eq!(scoped["workers"].as_array().map(Vec::len), Some(3), "{scoped:#}");
    let outside = server.request("durable-lsp/graph", json!({ "uri": "file:///nowhere/index.ts" }));
    assert_eq!(outside, json!({ "workers": [] }));
    server.shutdown();
}
