//! End to end: the real binary over stdio, driven like an editor drives it.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::{json, Value};
use support::{server_binary, temp_project, uri, Server};

const CONFIG: &str = r#"{
  // A chat Worker.
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-10-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],
}
"#;

const MAIN: &str = r#"import { DurableObject } from "cloudflare:workers";

export class Room extends DurableObject {
  async ping(): Promise<string> {
    const greeting = "héllo";
    return greeting;
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    return env.ROOM.getByName("lobby").fetch(req);
  },
};
"#;

fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    temp_project(&[("wrangler.jsonc", CONFIG), ("src/index.ts", MAIN)])
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect()
}

/// The (line, utf-16 column, utf-8 column) of the first `needle` in `text`.
fn locate(text: &str, needle: &str) -> (u64, u64, u64) {
    let at = text.find(needle).expect("needle");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    (text[..at].matches('\n').count() as u64, prefix.encode_utf16().count() as u64, prefix.len() as u64)
}

#[test]
fn negotiates_encoding() {
    for (utf8, expected) in [(false, "utf-16"), (true, "utf-8")] {
        let (_dir, root) = project();
        let mut server = Server::spawn();
        let init = server.initialize(&root, utf8);
        assert_eq!(init["capabilities"]["positionEncoding"], json!(expected));
        assert_eq!(init["capabilities"]["textDocumentSync"]["change"], json!(2), "incremental sync");
        assert_eq!(init["serverInfo"]["name"], json!("durable-lsp"));
        server.shutdown();
    }
}

/// Clients such as vscode-languageclient start servers with `--stdio`.
#[test]
fn accepts_the_stdio_flag() {
    for args in [&["--stdio"][..], &["serve", "--stdio"]] {
        let (_dir, root) = project();
        let mut server = Server::spawn_with(args);
        let init = server.initialize(&root, false);
        assert_eq!(init["serverInfo"]["name"], json!("durable-lsp"), "{args:?}");
        server.shutdown();
    }
}

#[test]
fn diagnostics_for_files_that_are_not_open() {
    let (_dir, root) = temp_project(&[
        ("wrangler.jsonc", &CONFIG.replace(r#""new_sqlite_classes": ["Room"]"#, r#""new_sqlite_classes": ["Other"]"#)),
        ("src/index.ts", MAIN),
    ]);
    let mut server = Server::spawn();
    server.initialize(&root, false);
    let config = root.join("wrangler.jsonc");
    let diags = server.diagnostics_until(&uri(&config), |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-migration", "live-class-not-exported"]);
    let d = &diags[0];
    assert_eq!(d["source"], json!("durable-lsp"));
    assert_eq!(d["severity"], json!(1));
    assert!(d["codeDescription"]["href"].as_str().unwrap_or_default().ends_with("docs/rules/missing-migration.md"));
    let (line, col16, _) = locate(&std::fs::read_to_string(&config).unwrap_or_default(), r#""Room" }"#);
    assert_eq!(d["range"]["start"], json!({"line": line, "character": col16}));
    // Related information points at the class declaration in the code.
    let related = d["relatedInformation"].as_array().cloned().unwrap_or_default();
    assert!(related.iter().any(|r| r["location"]["uri"] == json!(uri(&root.join("src/index.ts")))), "{related:?}");
    server.shutdown();
}

/// Types `edit` at `needle` in the open main module, checks the timer warning lands where the
/// encoding says, then deletes it again and checks the warning goes away.
fn introduce_and_remove(utf8: bool) {
    let (_dir, root) = project();
    let main = root.join("src/index.ts");
    let mut server = Server::spawn();
    server.initialize(&root, utf8);
    server.open(&main, "typescript");
    let main_uri = uri(&main);
    // The emoji (a surrogate pair in UTF-16, 4 bytes in UTF-8) comes before the problem on its line.
    let inserted = r#"const face = "😀é"; setTimeout(() => this.ping(), 10); "#;
    let (line, col16, col8) = locate(MAIN, "return greeting;");
    let at = json!({"line": line, "character": if utf8 { col8 } else { col16 }});
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main_uri, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": inserted}]
        }),
    );
    let diags = server.diagnostics_until(&main_uri, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["set-timeout-in-durable-object"]);
    let new_text = MAIN.replacen("return greeting;", &format!("{inserted}return greeting;"), 1);
    let (tl, t16, t8) = locate(&new_text, "setTimeout");
    let expected_col = if utf8 { t8 } else { t16 };
    assert_eq!(diags[0]["range"]["start"], json!({"line": tl, "character": expected_col}));
    assert_eq!(diags[0]["range"]["end"], json!({"line": tl, "character": expected_col + "setTimeout".len() as u64}));
    // UTF-16 and UTF-8 columns differ here, so the test would catch a wrong encoding.
    assert_ne!(t16, t8);
    // The publication carries the version it was computed from.
    // Now delete the insertion again.
    let end_col = if utf8 { col8 + inserted.len() as u64 } else { col16 + inserted.encode_utf16().count() as u64 };
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main_uri, "version": 3},
            "contentChanges": [{"range": {"start": at, "end": {"line": line, "character": end_col}}, "text": ""}]
        }),
    );
    let diags = server.diagnostics_until(&main_uri, |d| d.is_empty());
    assert!(diags.is_empty());
    server.shutdown();
}

#[test]
fn incremental_change_introduces_and_removes_a_problem_utf16() {
    introduce_and_remove(false);
}

#[test]
fn incremental_change_introduces_and_removes_a_problem_utf8() {
    introduce_and_remove(true);
}

#[test]
fn publications_carry_the_document_version() {
    let (_dir, root) = project();
    let main = root.join("src/index.ts");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&main, "typescript");
    let main_uri = uri(&main);
    let (line, col, _) = locate(MAIN, "return greeting;");
    let at = json!({"line": line, "character": col});
    for version in 2..=6 {
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": main_uri, "version": version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": "setTimeout(() => {}, 1); "}]
            }),
        );
    }
    let message = server.wait_for(|m| {
        m["method"] == json!("textDocument/publishDiagnostics")
            && m["params"]["uri"] == json!(main_uri)
            && m["params"]["diagnostics"].as_array().is_some_and(|d| d.len() == 5)
    });
    assert_eq!(message["params"]["version"], json!(6));
    server.shutdown();
}

#[test]
fn config_edited_on_disk_and_announced() {
    let broken = CONFIG.replace(r#""new_sqlite_classes": ["Room"]"#, r#""new_sqlite_classes": []"#);
    let (_dir, root) = temp_project(&[("wrangler.jsonc", &broken), ("src/index.ts", MAIN)]);
    let config = root.join("wrangler.jsonc");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    // The server asks to watch files (dynamic registration).
    let registration = server.wait_for(|m| m["method"] == json!("client/registerCapability"));
    assert_eq!(registration["params"]["registrations"][0]["method"], json!("workspace/didChangeWatchedFiles"));
    let diags = server.diagnostics_until(&uri(&config), |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-migration"]);
    std::fs::write(&config, CONFIG).unwrap_or_default();
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&config), "type": 2}]}));
    server.diagnostics_until(&uri(&config), |d| d.is_empty());
    // The class moves to a new file on disk and is renamed there: unknown-class appears.
    std::fs::write(
        root.join("src/index.ts"),
        "export * from \"./lobby\";\nexport default { fetch: () => new Response(\"ok\") };\n",
    )
    .unwrap_or_default();
    std::fs::write(root.join("src/lobby.ts"), MAIN.replace("class Room", "class Lobby")).unwrap_or_default();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("src/index.ts")), "type": 2}, {"uri": uri(&root.join("src/lobby.ts")), "type": 1}]}),
    );
    let diags = server.diagnostics_until(&uri(&config), |d| !d.is_empty());
    assert_eq!(codes(&diags), ["unknown-class"]);
    // A source deleted on disk: its findings are cleared.
    std::fs::remove_file(root.join("src/lobby.ts")).unwrap_or_default();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("src/lobby.ts")), "type": 3}]}),
    );
    server.diagnostics_until(&uri(&config), |d| d.is_empty());
    server.shutdown();
}

#[test]
fn open_documents_win_over_disk() {
    let (_dir, root) = project();
    let main = root.join("src/index.ts");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&main, "typescript");
    let main_uri = uri(&main);
    let with_timer = MAIN.replace("return greeting;", "setTimeout(() => {}, 1); return greeting;");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main_uri, "version": 2}, "contentChanges": [{"text": with_timer}]}),
    );
    server.diagnostics_until(&main_uri, |d| d.len() == 1);
    // Disk still has the clean text; announcing it must not override the open document.
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": main_uri, "type": 2}]}));
    // Closing the document brings disk back: the warning goes away.
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": main_uri}}));
    server.diagnostics_until(&main_uri, |d| d.is_empty());
    server.shutdown();
}

#[test]
fn status_request_sees_every_change_sent_before_it() {
    let (_dir, root) = project();
    let main = root.join("src/index.ts");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&main, "typescript");
    let status = server.request("durable-lsp/status", serde_json::Value::Null);
    assert_eq!(status["workers"], json!(1));
    assert_eq!(status["sourceFiles"], json!(1));
    assert_eq!(status["openDocuments"], json!(1));
    server.shutdown();
}

#[test]
fn configuration_changes_reanalyse() {
    let broken = CONFIG.replace(r#""new_sqlite_classes": ["Room"]"#, r#""new_sqlite_classes": []"#);
    let (_dir, root) = temp_project(&[("wrangler.jsonc", &broken), ("src/index.ts", MAIN)]);
    let config = uri(&root.join("wrangler.jsonc"));
    let mut server = Server::spawn();
    server.initialize(&root, false);
    let diags = server.diagnostics_until(&config, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-migration"]);
    // Same keys as durable-lsp.toml; the editor's settings win over the file.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"durableLsp": {"rules": {"missing-migration": "warning"}}}}),
    );
    let diags = server.diagnostics_until(&config, |d| d.first().is_some_and(|d| d["severity"] == json!(2)));
    assert_eq!(codes(&diags), ["missing-migration"]);
    server.notify("workspace/didChangeConfiguration", json!({"settings": {"rules": {"missing-migration": "off"}}}));
    server.diagnostics_until(&config, |d| d.is_empty());
    server.shutdown();
}

#[test]
fn quick_fix_code_action_applies_through_the_client() {
    let broken = CONFIG.replace(r#""new_sqlite_classes": ["Room"]"#, r#""new_sqlite_classes": ["Lobby"]"#);
    let (_dir, root) = temp_project(&[("wrangler.jsonc", &broken), ("src/index.ts", MAIN)]);
    let config = root.join("wrangler.jsonc");
    let mut server = Server::spawn();
    server.initialize(&root, true);
    server.open(&config, "jsonc");
    let diags = server.diagnostics_until(&uri(&config), |d| d.iter().any(|d| d["code"] == "missing-migration"));
    let diag = diags.iter().find(|d| d["code"] == "missing-migration").cloned().unwrap_or_default();
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&config)}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let fix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["diagnostics"][0]["code"] == "missing-migration")
        .cloned()
        .unwrap_or_else(|| panic!("no quick-fix: {actions:#?}"));
    assert_eq!(fix["isPreferred"], json!(true));
    // Apply the edit as the client would, then send it back as a change: the problem is gone.
    let edits = fix["edit"]["changes"][uri(&config)].as_array().cloned().unwrap_or_default();
    assert!(!edits.is_empty());
    let changes: Vec<Value> = edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect();
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&config), "version": 2}, "contentChanges": changes}),
    );
    server.diagnostics_until(&uri(&config), |d| !d.iter().any(|d| d["code"] == "missing-migration"));
    server.shutdown();
}

#[test]
fn fix_all_applies_the_safe_fixes_of_a_file() {
    // The bound class exists but `main` does not export it: adding `export` is safe.
    let unexported = MAIN.replace("export class Room", "class Room");
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CONFIG), ("src/index.ts", &unexported)]);
    let config = root.join("wrangler.jsonc");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.diagnostics_until(&uri(&config), |d| d.iter().any(|d| d["code"] == "class-not-exported"));
    let zero = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let all = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&config)}, "range": zero, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let all = all.as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["kind"], json!("source.fixAll.durable-lsp"));
    let edits = all[0]["edit"]["changes"][uri(&root.join("src/index.ts"))].as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1, "{all:#?}");
    assert_eq!(edits[0]["newText"], json!("export "));
    // Without `only`, a plain request at a position with no finding offers nothing.
    let none = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&root.join("src/index.ts"))}, "range": zero, "context": {"diagnostics": []}}),
    );
    assert_eq!(none, json!([]));
    server.shutdown();
}

#[test]
fn convert_migrations_to_exports_source_action() {
    let history = CONFIG.replace(
        r#""migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],"#,
        r#""migrations": [
    { "tag": "v1", "new_sqlite_classes": ["Lobby"] },
    // Renamed when the product did.
    { "tag": "v2", "renamed_classes": [{ "from": "Lobby", "to": "Room" }] },
    { "tag": "v3", "new_classes": ["Old"] },
    { "tag": "v4", "deleted_classes": ["Old"] }
  ],"#,
    );
    let (_dir, root) = temp_project(&[("wrangler.jsonc", &history), ("src/index.ts", MAIN)]);
    let config = root.join("wrangler.jsonc");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&config, "jsonc");
    // The old KV class is reported (info) before the conversion.
    let before = server.diagnostics_until(&uri(&config), |d| !d.is_empty());
    assert_eq!(codes(&before), ["kv-storage-backend"]);
    let zero = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let ask = |server: &mut Server| {
        let actions = server.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&config)}, "range": zero, "context": {"diagnostics": [], "only": ["source"]}}),
        );
        actions
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .find(|a| a["title"] == "Convert migrations to declarative exports")
    };
    let action = ask(&mut server).unwrap_or_else(|| panic!("no conversion action"));
    assert!(action.get("disabled").is_none(), "{action:#}");
    let edits = action["edit"]["changes"][uri(&config)].as_array().cloned().unwrap_or_default();
    let changes: Vec<Value> = edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect();
    // Apply the edits in reverse document order, as one notification each (positions stay valid).
    let mut ordered = changes.clone();
    ordered.sort_by_key(|c| (c["range"]["start"]["line"].as_u64(), c["range"]["start"]["character"].as_u64()));
    ordered.reverse();
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&config), "version": 2}, "contentChanges": ordered}),
    );
    // The converted config parses and is clean: the deleted KV class is a tombstone now.
    server.diagnostics_until(&uri(&config), |d| d.is_empty());
    let status = server.request("durable-lsp/status", Value::Null);
    assert_eq!(status["findings"], json!(0), "the converted config is clean");
    // Once converted, there is nothing to convert: no action (the config has no `migrations`).
    assert!(ask(&mut server).is_none());
    server.shutdown();
}

#[test]
fn conversion_is_refused_with_a_reason() {
    let bad = CONFIG.replace(
        r#""migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],"#,
        r#""migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }, { "tag": "v2", "deleted_classes": ["Ghost"] }],"#,
    );
    let (_dir, root) = temp_project(&[("wrangler.jsonc", &bad), ("src/index.ts", MAIN)]);
    let config = root.join("wrangler.jsonc");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&config, "jsonc");
    let zero = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&config)}, "range": zero, "context": {"diagnostics": [], "only": ["source"]}}),
    );
    let action = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "Convert migrations to declarative exports")
        .cloned()
        .unwrap_or_default();
    assert!(action["disabled"]["reason"].as_str().is_some_and(|r| !r.is_empty()), "{action:#}");
    assert!(action.get("edit").is_none() || action["edit"].is_null());
    server.shutdown();
}

#[test]
fn editing_a_class_reanalyses_the_workers_that_call_it() {
    let chat_config = r#"{ "name": "chat", "main": "src/index.ts", "compatibility_date": "2026-10-01",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }
"#;
    let lobby_config = r#"{ "name": "lobby", "main": "src/index.ts", "compatibility_date": "2026-10-01",
  "durable_objects": { "bindings": [{ "name": "ROOMS", "class_name": "Room", "script_name": "chat" }] } }
"#;
    let lobby_main = r#"export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    return Response.json(await env.ROOMS.getByName("a").ping());
  },
};
"#;
    let (_dir, root) = temp_project(&[
        ("chat/wrangler.jsonc", chat_config),
        ("chat/src/index.ts", MAIN),
        ("lobby/wrangler.jsonc", lobby_config),
        ("lobby/src/index.ts", lobby_main),
    ]);
    let chat_main = root.join("chat/src/index.ts");
    let lobby_uri = uri(&root.join("lobby/src/index.ts"));
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&chat_main, "typescript");
    // Rename the method in the chat Worker: the lobby Worker's call is now unknown.
    let renamed = MAIN.replace("async ping()", "async pong()");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&chat_main), "version": 2}, "contentChanges": [{"text": renamed}]}),
    );
    let diags = server.diagnostics_until(&lobby_uri, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["unknown-rpc-method"]);
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&chat_main), "version": 3}, "contentChanges": [{"text": MAIN}]}),
    );
    server.diagnostics_until(&lobby_uri, |d| d.is_empty());
    server.shutdown();
}

/// A DO class of 300 methods; `m10` and `m290` each start a timer.
fn big_class() -> String {
    let method = |i: usize| {
        let timer = if i == 10 || i == 290 { "    setTimeout(() => {}, 1);\n" } else { "" };
        format!("  async m{i}(id: string): Promise<void> {{\n    const summary = {{ id, n: {i} }};\n{timer}    await this.ctx.storage.put(\"summary:{i}\", summary);\n  }}\n")
    };
    let methods: String = (0..300).map(method).collect();
    format!("import {{ DurableObject }} from \"cloudflare:workers\";\n\nexport class Room extends DurableObject {{\n{methods}}}\n\nexport default {{ fetch() {{ return new Response(); }} }};\n")
}

/// The set-timeout findings of a publication.
fn timers(message: &Value) -> usize {
    let diags = message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
    codes(&diags).iter().filter(|c| *c == "set-timeout-in-durable-object").count()
}

/// Half-typed code whose reparse makes tree-sitter's error recovery swallow the rest of the class
/// (`setTimeout(() => {` in a method of a large class): the reparse goes over its budget, the
/// method is parsed on its own, and the findings after it stay; once the user pauses, the file
/// is parsed and published again; requests see the settled file; the finished call is found.
#[test]
fn half_typed_code_keeps_the_rest_of_the_class_until_the_user_pauses() {
    let text = big_class();
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CONFIG), ("src/index.ts", &text)]);
    let main = root.join("src/index.ts");
    let mut server = Server::spawn();
    server.initialize(&root, false);
    server.open(&main, "typescript");
    let main_uri = uri(&main);
    let is_publish = |m: &Value, version: i64| {
        m["method"] == json!("textDocument/publishDiagnostics")
            && m["params"]["uri"] == json!(main_uri)
            && m["params"]["version"] == json!(version)
    };
    let opened = server.wait_for(|m| is_publish(m, 1));
    assert_eq!(timers(&opened), 2, "{opened}");

    let statement = "\"summary:150\", summary);";
    let (line, col, _) = locate(&text, statement);
    let at = json!({"line": line, "character": col + statement.len() as u64});
    let typed = " setTimeout(() => {";
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main_uri, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": typed}]
        }),
    );
    let first = server.wait_for(|m| is_publish(m, 2));
    assert_eq!(timers(&first), 2, "the timers before and after the half-typed method: {first}");
    // The pause: the file's own parse, published again for the same version.
    server.wait_for(|m| is_publish(m, 2));
    let status = server.request("durable-lsp/status", Value::Null);
    assert_eq!(status["openDocuments"], json!(1));

    let end = json!({"line": line, "character": col + (statement.len() + typed.len()) as u64});
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main_uri, "version": 3},
            "contentChanges": [{"range": {"start": end, "end": end}, "text": "}, 1);"}]
        }),
    );
    let finished = server.wait_for(|m| is_publish(m, 3) && timers(m) == 3);
    assert_eq!(timers(&finished), 3);
    server.shutdown();
}

/// Folders added to the workspace while the server runs are indexed (their Workers' findings
/// published, open or not), folders removed are dropped (their findings cleared), and a file
/// opened outside every folder is served with the Worker of the nearest wrangler config above it.
#[test]
fn workspace_folders_added_and_removed_and_files_outside_every_folder() {
    let broken = CONFIG.replace(r#""new_sqlite_classes": ["Room"]"#, r#""new_sqlite_classes": ["Other"]"#);
    let (_dir, base) = temp_project(&[
        ("a/wrangler.jsonc", CONFIG),
        ("a/src/index.ts", MAIN),
        ("b/wrangler.jsonc", &broken),
        ("b/src/index.ts", MAIN),
        ("c/wrangler.jsonc", CONFIG),
        ("c/src/index.ts", MAIN),
    ]);
    let workers = |server: &mut Server| server.request("durable-lsp/status", Value::Null)["workers"].clone();
    let mut server = Server::spawn();
    let init = server.initialize(&base.join("a"), false);
    assert_eq!(
        init["capabilities"]["workspace"]["workspaceFolders"],
        json!({"supported": true, "changeNotifications": true})
    );
    assert_eq!(workers(&mut server), json!(1));

    let b = base.join("b");
    let folder_b = json!([{"uri": uri(&b), "name": "b"}]);
    server.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": folder_b, "removed": []}}));
    let b_config = uri(&b.join("wrangler.jsonc"));
    let diags = server.diagnostics_until(&b_config, |d| !d.is_empty());
    assert_eq!(codes(&diags), ["missing-migration", "live-class-not-exported"]);
    assert_eq!(workers(&mut server), json!(2));

    server.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [], "removed": folder_b}}));
    server.diagnostics_until(&b_config, <[Value]>::is_empty);
    assert_eq!(workers(&mut server), json!(1));

    // c is in no folder: its file is served with c's Worker, whose config reveals the mistake.
    let c_main = base.join("c/src/index.ts");
    let text = MAIN.replace("env.ROOM.getByName", "env.ROOMS.getByName");
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&c_main), "languageId": "typescript", "version": 1, "text": text}}),
    );
    let diags = server.diagnostics_until(&uri(&c_main), |d| !d.is_empty());
    assert_eq!(codes(&diags), ["unknown-binding"]);
    assert_eq!(workers(&mut server), json!(2));
    server.shutdown();
}

/// A workspace of `workers` Workers of six files each; `w0` is the one the editor opens: its
/// class lives outside its folder (`shared/room.ts`, re-exported), and its `fetch` reads a
/// binding it does not declare (`unknown-binding`) and calls a method that class lacks
/// (`unknown-rpc-method`, which only the class's file, read first too, tells), both in
/// `w0/src/index.ts`.
fn many_workers(workers: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "shared/room.ts",
        "import { DurableObject } from \"cloudflare:workers\";\nexport class Room extends DurableObject {\n  async ping(): Promise<number> {\n    return 1;\n  }\n}\n",
    );
    for i in 0..workers {
        write(&format!("w{i}/wrangler.jsonc"), &CONFIG.replace("\"chat\"", &format!("\"w{i}\"")));
        let main = if i == 0 {
            "export { Room } from \"../../shared/room\";\nimport { one } from \"./lib/m1\";\n\nexport default {\n  async fetch(req: Request, env: Env): Promise<Response> {\n    await env.CHAT.getByName(\"lobby\").ping();\n    await env.ROOM.getByName(\"lobby\").pong();\n    return new Response(String(one));\n  },\n};\n".to_string()
        } else {
            MAIN.replace("return greeting;", "return greeting + one;").replace(
                "import { DurableObject } from \"cloudflare:workers\";",
                "import { DurableObject } from \"cloudflare:workers\";\nimport { one } from \"./lib/m1\";",
            )
        };
        write(&format!("w{i}/src/index.ts"), &main);
        for m in 1..=4 {
            let next = if m < 4 { format!("import {{ one as n }} from \"./m{}\";\n", m + 1) } else { String::new() };
            let value = if m < 4 { "n" } else { "1" };
            write(&format!("w{i}/src/lib/m{m}.ts"), &format!("{next}export const one: number = {value};\n"));
        }
    }
    (dir, root)
}

/// The cold index of a workspace of many Workers never leaves the editor in silence: the client
/// gets work-done progress (`window/workDoneProgress/create`, then begin, reports with file
/// counts, end), and the opened file's diagnostics arrive before the index ends, the same as
/// once the whole workspace is read.
/// One server session over `root` with `options`: opens `w0/src/index.ts`, waits for the end of
/// the cold index's progress, and returns the opened file's diagnostics once it is over.
fn cold_session(root: &std::path::Path, options: Value) -> Vec<String> {
    let mut server = Server::spawn();
    server.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "workspaceFolders": [{"uri": uri(root), "name": "root"}],
            "capabilities": {"window": {"workDoneProgress": true}},
            "initializationOptions": options
        }),
    );
    server.notify("initialized", json!({}));
    let opened = root.join("w0/src/index.ts");
    server.open(&opened, "typescript");
    server.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let codes = codes(&server.diagnostics_until(&uri(&opened), |_| true));
    server.shutdown();
    codes
}

/// The entry files under a facts cache folder.
fn cache_entries(cache: &std::path::Path) -> Vec<std::path::PathBuf> {
    entries_under(cache, "facts-")
}

/// The entry files of the cache's folders whose name starts with `prefix`.
fn entries_under(cache: &std::path::Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for folder in std::fs::read_dir(cache).into_iter().flatten().flatten() {
        if !folder.file_name().to_string_lossy().starts_with(prefix) {
            continue;
        }
        for shard in std::fs::read_dir(folder.path()).expect("facts folder").flatten().filter(|s| s.path().is_dir()) {
            out.extend(std::fs::read_dir(shard.path()).expect("shard").flatten().map(|e| e.path()));
        }
    }
    out
}

#[test]
fn the_cold_index_fills_and_reads_the_facts_cache_and_repairs_damaged_entries() {
    let (_dir, root) = many_workers(40);
    let cache = tempfile::tempdir().expect("cache dir");
    let options = json!({"debounceMs": 10, "cacheDir": cache.path()});
    let first = cold_session(&root, options.clone());
    assert_eq!(first, ["unknown-binding", "unknown-rpc-method"]);
    // One entry per distinct source text (the lib files of the 40 Workers are alike).
    let mut texts: Vec<String> = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                texts.push(std::fs::read_to_string(&path).expect("read"));
            }
        }
    }
    let files = texts.len();
    texts.sort();
    texts.dedup();
    let entries = cache_entries(cache.path());
    assert_eq!(entries.len(), texts.len(), "the server wrote an entry per source text");
    // And the findings of each of the 40 Workers (the first analysis of the whole workspace;
    // the open Worker's, analysed before the rest was read, has an entry of its own).
    let findings = entries_under(cache.path(), "findings-").len();
    assert!((40..=41).contains(&findings), "{findings} findings entries");
    // Damage every entry: the next cold index parses again, gives the same diagnostics, and
    // writes whole entries back (`check` then reads every one of them).
    for entry in &entries {
        let mut bytes = std::fs::read(entry).expect("read");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        std::fs::write(entry, bytes).expect("write");
    }
    assert_eq!(cold_session(&root, options), first, "damaged entries changed the diagnostics");
    let out = std::process::Command::new(server_binary())
        .args(["check", "--format", "json", "--cache-dir"])
        .arg(cache.path())
        .current_dir(&root)
        .env("DURABLE_LSP_LOG", "durable_lsp::cli::check=debug")
        .output()
        .expect("check");
    let log = String::from_utf8_lossy(&out.stderr);
    let expected = format!("hits: {files}, misses: 0, rejected: 0");
    assert!(log.contains(&expected), "the server repaired every entry: {log}");
    // `check` over the same folder takes every Worker's findings from the server's entries.
    let findings = log.split("findings CacheStats").nth(1).unwrap_or_default();
    assert!(findings.contains("hits: 40, misses: 0, rejected: 0"), "the server's findings entries: {log}");
    // `cache: false`: nothing written.
    let off = tempfile::tempdir().expect("cache dir");
    assert_eq!(cold_session(&root, json!({"debounceMs": 10, "cache": false, "cacheDir": off.path()})), first);
    assert!(cache_entries(off.path()).is_empty(), "cache: false wrote entries");
}

#[test]
fn the_cold_index_reports_progress_and_publishes_the_open_worker_first() {
    let (_dir, root) = many_workers(160);
    let mut server = Server::spawn();
    server.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "workspaceFolders": [{"uri": uri(&root), "name": "root"}],
            "capabilities": {"window": {"workDoneProgress": true}},
            "initializationOptions": {"debounceMs": 10}
        }),
    );
    server.notify("initialized", json!({}));
    let opened = root.join("w0/src/index.ts");
    server.open(&opened, "typescript");
    let is_progress = |m: &Value, kind: &str| m["method"] == "$/progress" && m["params"]["value"]["kind"] == kind;
    server.wait_for(|m| is_progress(m, "end"));
    let history = server.history.clone();
    let at = |pred: &dyn Fn(&Value) -> bool| history.iter().position(pred);
    let created = at(&|m| m["method"] == "window/workDoneProgress/create").expect("a progress token was created");
    let token = &history[created]["params"]["token"];
    let begin = at(&|m| is_progress(m, "begin")).expect("begin");
    let end = at(&|m| is_progress(m, "end")).expect("end");
    assert!(created < begin && begin < end, "create, begin, end in order");
    assert_eq!(history[begin]["params"]["token"], *token);
    assert_eq!(history[begin]["params"]["value"]["title"], "durable-lsp: indexing");
    // Reports count the files read: increasing, the last one all of them.
    let counts: Vec<(u64, u64)> = history[begin..end]
        .iter()
        .filter(|m| is_progress(m, "report"))
        .map(|m| {
            let message = m["params"]["value"]["message"].as_str().expect("a message");
            let (done, total) = message.trim_end_matches(" files").split_once('/').expect("done/total");
            (done.parse().expect("done"), total.parse().expect("total"))
        })
        .collect();
    assert!(counts.len() >= 3, "a report per batch of files: {counts:?}");
    assert!(counts.windows(2).all(|w| w[0].0 <= w[1].0), "{counts:?}");
    let total = 1 + 160 * 6;
    assert_eq!(counts.last(), Some(&(total, total)), "{counts:?}");
    assert_eq!(history[end]["params"]["value"]["message"], format!("160 Workers, {total} files"));
    // The opened file's diagnostics, published before the rest of the workspace was read.
    let opened_uri = uri(&opened);
    let publications: Vec<(usize, Vec<String>)> = history
        .iter()
        .enumerate()
        .filter(|(_, m)| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == opened_uri)
        .map(|(i, m)| (i, codes(m["params"]["diagnostics"].as_array().expect("diagnostics"))))
        .collect();
    let (first_at, first) = publications.first().cloned().expect("the opened file's diagnostics");
    assert!(first_at < end, "published before the index ended");
    let last_report = history[..end].iter().rposition(|m| is_progress(m, "report")).expect("a report");
    assert!(first_at < last_report, "published while files were still being read");
    assert_eq!(first, ["unknown-binding", "unknown-rpc-method"], "the findings of the opened file");
    let after = server.diagnostics_until(&opened_uri, |_| true);
    assert_eq!(codes(&after), first, "the same as once the whole workspace is read");
    server.shutdown();
}
