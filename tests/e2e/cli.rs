//! End to end: `durable-lsp check`, `rules` and `explain` as a CI job runs them.

// Test code: a failed step fails the test by panicking (the lints denied in the workspace's
// Cargo.toml are for the server and the linter).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use support::{server_binary, temp_project};

const BROKEN_CONFIG: &str = r#"{
  "name": "chat",
  "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] }
}
"#;

const CLEAN_CONFIG: &str = r#"{
  "name": "chat",
  "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }]
}
"#;

const MAIN: &str = "import { DurableObject } from \"cloudflare:workers\";\nexport class Room extends DurableObject {\n  m() { /* 😀 */ setTimeout(() => {}, 1); }\n}\nexport default { fetch: () => new Response(\"ok\") };\n";

/// The 1-based (line, column in chars, column in UTF-16 units) of the first `needle` in `text`.
fn locate(text: &str, needle: &str) -> (usize, usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in fixture"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    (text[..at].matches('\n').count() + 1, prefix.chars().count() + 1, prefix.encode_utf16().count() + 1)
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(server_binary())
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"))
}

/// The commit checked out, when this is a git checkout with `git` at hand (the binary records
/// the commit it was built from; a test build is built from the working tree).
fn git_head() -> Option<String> {
    let out = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(support::repo_root()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn text_format_and_exit_codes() {
    let (_dir, root) = temp_project(&[("wrangler.jsonc", BROKEN_CONFIG), ("src/index.ts", MAIN)]);
    let out = check(&root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let (line, col, _) = locate(BROKEN_CONFIG, "\"Room\" }");
    assert!(text.contains(&format!("wrangler.jsonc:{line}:{col}: error[missing-migration]")), "{text}");
    // Columns count characters: the emoji is one column.
    let (line, col, _) = locate(MAIN, "setTimeout");
    assert!(text.contains(&format!("src/index.ts:{line}:{col}: warning[set-timeout-in-durable-object]")), "{text}");
    assert!(text.contains("^^^^^^^^^^"), "a caret line under the span: {text}");

    // Only a warning left: exit 0 by default, 1 with --fail-on warning, 0 with never.
    let (_dir2, root2) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG), ("src/index.ts", MAIN)]);
    assert_eq!(check(&root2, &[]).status.code(), Some(0));
    assert_eq!(check(&root2, &["--fail-on", "warning"]).status.code(), Some(1));
    assert_eq!(check(&root2, &["--fail-on", "hint"]).status.code(), Some(1));
    assert_eq!(check(&root2, &["--fail-on", "never"]).status.code(), Some(0));
    assert_eq!(check(&root, &["--fail-on", "never"]).status.code(), Some(0));

    // Clean: exit 0 and says so.
    let clean_main = MAIN.replace("setTimeout(() => {}, 1);", "");
    let (_dir3, root3) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG), ("src/index.ts", &clean_main)]);
    let out = check(&root3, &["--fail-on", "hint"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).to_lowercase().contains("no problems"), "{}", stdout(&out));

    // A file argument reports that file only.
    let out = check(&root, &["src/index.ts"]);
    let text = stdout(&out);
    assert!(text.contains("set-timeout-in-durable-object") && !text.contains("missing-migration"), "{text}");
}

#[test]
fn json_and_sarif() {
    let (_dir, root) = temp_project(&[("wrangler.jsonc", BROKEN_CONFIG), ("src/index.ts", MAIN)]);
    let out = check(&root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(
        rules,
        ["set-timeout-in-durable-object", "missing-migration"]
            .iter()
            .copied()
            .filter(|r| rules.contains(r))
            .collect::<Vec<_>>()
    );
    assert_eq!(findings.len(), 2);
    assert_eq!(json["summary"]["error"], Value::from(1));
    assert_eq!(json["summary"]["warning"], Value::from(1));
    // The version and commit of the binary that wrote the report.
    let version = Command::new(server_binary()).arg("--version").output().unwrap_or_else(|e| panic!("{e}"));
    let printed = stdout(&version);
    let short = printed.split_once('(').and_then(|(_, r)| r.split([' ', ')']).next()).unwrap_or_default().to_string();
    assert_eq!(json["version"], Value::from(env!("CARGO_PKG_VERSION")));
    let commit = json["commit"].as_str().unwrap_or_default().to_string();
    assert!(!short.is_empty() && commit.starts_with(&short), "{commit} vs --version's {short}");
    if let Some(head) = git_head() {
        assert_eq!(commit, head);
    }

    let out = check(&root, &["--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sarif["version"], Value::from("2.1.0"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["version"], Value::from(env!("CARGO_PKG_VERSION")));
    assert_eq!(run["tool"]["driver"]["properties"]["commit"], Value::from(commit.as_str()));
    let rule_count = run["tool"]["driver"]["rules"].as_array().map(Vec::len).unwrap_or(0);
    let listed = Command::new(server_binary()).arg("rules").output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rule_count, stdout(&listed).lines().count());
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 2);
    let timer = results.iter().find(|r| r["ruleId"] == "set-timeout-in-durable-object").cloned().unwrap_or_default();
    // SARIF columns are UTF-16 code units: the emoji counts two.
    let (line, chars, utf16) = locate(MAIN, "setTimeout");
    assert_eq!(utf16, chars + 1);
    let region = &timer["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], Value::from(line));
    assert_eq!(region["startColumn"], Value::from(utf16));
    assert_eq!(timer["level"], Value::from("warning"));
}

#[test]
fn io_errors_exit_2_with_one_line() {
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG)]);
    let out = check(&root, &["no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim_end(), "durable-lsp: no/such/dir: no such file or directory");
}

#[test]
fn argument_errors_exit_2_with_clap_s_whole_message() {
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG)]);
    let run = |args: &[&str]| {
        let out =
            Command::new(server_binary()).args(args).current_dir(&root).output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        err
    };
    // The missing argument is named, with the usage line.
    let err = run(&["explain"]);
    assert!(err.contains("<ID>") && err.contains("Usage: durable-lsp explain <ID>"), "{err}");
    // A wrong value: the allowed values, and the near miss.
    let err = run(&["check", "--format", "yaml"]);
    assert!(err.contains("[possible values: text, json, sarif, github, rdjson]"), "{err}");
    let err = run(&["check", "--fail-on", "warn"]);
    assert!(err.contains("[possible values: error, warning, info, hint, never]"), "{err}");
    assert!(err.contains("a similar value exists: 'warning'"), "{err}");
    let err = run(&["chek"]);
    assert!(err.contains("a similar subcommand exists: 'check'"), "{err}");
    for args in [vec!["check", "--bogus"], vec!["check", "--threads", "0"], vec!["check", "--threads", "two"]] {
        let err = run(&args);
        assert!(err.starts_with("error: ") && err.contains("--help"), "{args:?}: {err}");
    }
}

#[test]
fn a_folder_or_file_named_without_a_worker_exits_2() {
    let (_dir, root) = temp_project(&[
        ("site/index.html", "<p>no Worker here</p>\n"),
        ("site/app.ts", "export const a = 1;\n"),
        ("worker/wrangler.jsonc", CLEAN_CONFIG),
        ("worker/src/index.ts", MAIN),
    ]);
    let out = check(&root, &["site"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        "durable-lsp: site: no Worker found: no wrangler config (wrangler.json, wrangler.jsonc, wrangler.toml) in this folder or below"
    );
    assert!(out.stdout.is_empty());
    // One folder without a Worker among several fails the run.
    let out = check(&root, &["worker", "site"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = check(&root, &["site/app.ts"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("site/app.ts: no Worker"), "{}", stderr(&out));
    // A folder inside a Worker: the message names the Worker's folder.
    let out = check(&root, &["worker/src"]);
    assert_eq!(out.status.code(), Some(2));
    let worker = root.join("worker");
    assert!(stderr(&out).contains(&format!("the Worker above it is in {}", worker.display())), "{}", stderr(&out));
    // The Worker's folder itself, and the implicit `.` of a folder without a Worker, pass.
    assert_eq!(check(&root, &["worker"]).status.code(), Some(0));
    let out = check(&root.join("site"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("no wrangler config"), "{}", stderr(&out));
}

#[test]
fn threads_do_not_change_the_report() {
    // Twelve Workers: enough that the analysis, too, runs on several threads.
    let configs: Vec<(String, String)> = (0..12)
        .flat_map(|i| {
            [
                (format!("w{i}/wrangler.jsonc"), BROKEN_CONFIG.replace("\"chat\"", &format!("\"w{i}\""))),
                (format!("w{i}/src/index.ts"), MAIN.to_string()),
                (format!("w{i}/src/a.ts"), format!("export const a = {i};\n")),
            ]
        })
        .collect();
    let files: Vec<(&str, &str)> = configs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (_dir, root) = temp_project(&files);
    let default = check(&root, &["--format", "json"]);
    assert_eq!(default.status.code(), Some(1), "{}", stderr(&default));
    for threads in ["1", "3"] {
        let out = check(&root, &["--format", "json", "--threads", threads]);
        assert_eq!(out.status.code(), Some(1), "--threads {threads}: {}", stderr(&out));
        assert_eq!(stdout(&out), stdout(&default), "--threads {threads}");
    }
}

#[test]
fn version_help_rules_explain() {
    let run = |args: &[&str]| Command::new(server_binary()).args(args).output().unwrap_or_else(|e| panic!("{e}"));
    let version = run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    // The version and the commit the binary was built from.
    let printed = stdout(&version);
    let commit = git_head();
    assert!(printed.starts_with(&format!("durable-lsp {} (", env!("CARGO_PKG_VERSION"))), "{printed}");
    if let Some(commit) = &commit {
        assert!(printed.contains(&commit[..12]), "{printed} lacks {commit}");
    }
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("check"));
    let rules = run(&["rules"]);
    assert!(stdout(&rules).lines().any(|l| l.starts_with("missing-migration") && l.contains("error")));
    let explain = run(&["explain", "missing-migration"]);
    assert_eq!(explain.status.code(), Some(0));
    assert!(stdout(&explain).contains("## Fix"));
    let unknown = run(&["explain", "no-such-rule"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_shipped_examples() {
    let examples = support::repo_root().join("examples");
    // The two real-looking Workers are clean; the `mistakes` Worker shows one of each rule.
    for clean in ["chat", "lobby"] {
        let out = check(&examples.join(clean), &["--fail-on", "hint"]);
        assert_eq!(out.status.code(), Some(0), "{clean}: {}", stdout(&out));
    }
    let out = check(&examples.join("mistakes"), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(String::from))
        .collect();
    rules.sort();
    rules.dedup();
    for expected in
        ["class-not-exported", "missing-migration", "set-timeout-in-durable-object", "unknown-binding", "unknown-class"]
    {
        assert!(rules.iter().any(|r| r == expected), "{expected} missing from {rules:?}");
    }
}

#[test]
fn bad_files_never_crash_and_are_said() {
    let (_dir, root) = temp_project(&[
        // A broken config next to a half-typed source and an empty file.
        (
            "broken/wrangler.toml",
            "name = \"broken\"\nmain = \"src/index.ts\"\n[[durable_objects.bindings]\nname = \"X\"\n",
        ),
        ("broken/src/index.ts", "export class Room extends DurableObject {\n  async m( {\n"),
        ("broken/src/empty.ts", ""),
        ("empty/wrangler.jsonc", ""),
        ("ok/wrangler.jsonc", CLEAN_CONFIG),
        ("ok/src/index.ts", MAIN),
    ]);
    // Invalid UTF-8 (read lossily), a binary file, a file over the size limit, a symlink loop.
    std::fs::write(root.join("ok/src/latin1.ts"), b"export const caf\xe9 = 1;\nsetTimeout(() => {}, 1);\n")
        .unwrap_or_default();
    std::fs::write(root.join("ok/src/blob.ts"), b"\x00\x01\x02binary").unwrap_or_default();
    std::fs::write(root.join("ok/src/huge.ts"), vec![b'a'; 5 * 1024 * 1024]).unwrap_or_default();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&root, root.join("ok/src/loop")).unwrap_or_default();
    let out = Command::new(server_binary())
        .args(["check", "--format", "json", "--fail-on", "never"])
        .env("DURABLE_LSP_LOG", "warn")
        .current_dir(&root)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Skipped files are said on stderr, one line each.
    assert!(err.contains("huge.ts") && err.contains("over the"), "{err}");
    assert!(err.contains("blob.ts") && err.contains("binary"), "{err}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let has = |rule: &str, path: &str| findings.iter().any(|f| f["rule"] == rule && f["path"] == path);
    assert!(has("config-syntax", "broken/wrangler.toml"), "{findings:#?}");
    // The good Worker is still analysed in full: its timer warning is there.
    assert!(has("set-timeout-in-durable-object", "ok/src/index.ts"), "{findings:#?}");
}

#[test]
fn fix_and_diff() {
    let unexported = MAIN.replace("export class Room", "class Room").replace("setTimeout(() => {}, 1);", "");
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG), ("src/index.ts", &unexported)]);
    let main = root.join("src/index.ts");
    // --diff prints the safe fixes and writes nothing.
    let out = check(&root, &["--diff"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.contains("--- a/src/index.ts") && diff.contains("+export class Room"), "{diff}");
    assert_eq!(std::fs::read_to_string(&main).unwrap_or_default(), unexported);
    // --fix writes them (keeping permissions) and reports what remains: nothing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&main, std::fs::Permissions::from_mode(0o600)).unwrap_or_default();
    }
    let out = check(&root, &["--fix", "--fail-on", "hint"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let fixed = std::fs::read_to_string(&main).unwrap_or_default();
    assert_eq!(fixed, unexported.replace("class Room", "export class Room"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&main).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
        assert_eq!(mode, 0o600);
    }
    // Nothing left to fix: a second run changes nothing.
    let out = check(&root, &["--diff"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).trim().is_empty());
}

/// Every file under `dir` (symlinks not followed), relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_symlinks_out_of_the_workspace_and_leaves_no_temp_files() {
    let unexported = MAIN.replace("export class Room", "class Room");
    let outside_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let outside = std::fs::canonicalize(outside_dir.path()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(outside.join("index.ts"), &unexported).unwrap_or_default();
    std::fs::write(outside.join("other.ts"), &unexported).unwrap_or_default();
    // The project has a safe fix of its own (export `Room`), next to a file and a folder that
    // are symlinks to the same mistake outside it; then one whose main module is the symlink.
    let (_dir, root) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG), ("src/index.ts", &unexported)]);
    std::os::unix::fs::symlink(outside.join("other.ts"), root.join("src/other.ts")).unwrap_or_default();
    std::os::unix::fs::symlink(&outside, root.join("src/shared")).unwrap_or_default();
    let (_linked_dir, linked) = temp_project(&[("wrangler.jsonc", CLEAN_CONFIG)]);
    std::fs::create_dir_all(linked.join("src")).unwrap_or_default();
    std::os::unix::fs::symlink(outside.join("index.ts"), linked.join("src/index.ts")).unwrap_or_default();
    let outside_before = files_under(&outside);
    for project in [&root, &linked] {
        let before = files_under(project);
        let out = check(project, &["--fix", "--fail-on", "never"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        // Nothing outside changed, the links are still links, and no temporary file is left.
        for name in ["index.ts", "other.ts"] {
            assert_eq!(std::fs::read_to_string(outside.join(name)).unwrap_or_default(), unexported, "{name}");
        }
        assert_eq!(files_under(&outside), outside_before);
        assert_eq!(files_under(project), before);
    }
    for link in [root.join("src/other.ts"), root.join("src/shared"), linked.join("src/index.ts")] {
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()), "{}", link.display());
    }
    // The project's own file was fixed.
    let fixed = std::fs::read_to_string(root.join("src/index.ts")).unwrap_or_default();
    assert_eq!(fixed, unexported.replace("class Room", "export class Room"));
}

/// Runs `git args...` in `dir`, failing the test when it fails.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// The rule and path of each finding of a JSON report.
fn reported(out: &Output) -> Vec<(String, String)> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)));
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f["rule"].as_str().unwrap_or("").to_owned(), f["path"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn changed_reports_only_files_changed_since_the_base() {
    // `./new` does not exist yet: the file added later is part of the Worker's code.
    let timer = "import { DurableObject } from \"cloudflare:workers\";\nimport \"./new\";\nexport class Room extends DurableObject {\n  m() { setTimeout(() => {}, 1); }\n}\nexport default { fetch: () => new Response(\"ok\") };\n";
    let other = "export function helper(o: DurableObjectState) { o.blockConcurrencyWhile(async () => {}); }\n";
    let (_dir, root) =
        temp_project(&[("wrangler.jsonc", CLEAN_CONFIG), ("src/index.ts", timer), ("src/other.ts", other)]);
    let args = ["--format", "json", "--fail-on", "never"];
    // Not a repository yet: a one-line error, exit 2.
    let out = check(&root, &["--changed"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("git repository") && stderr(&out).trim_end().lines().count() == 1,
        "{}",
        stderr(&out)
    );

    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "base"]);
    git(&root, &["checkout", "-q", "-b", "feature"]);
    // Nothing changed since main: nothing reported, though the whole project has a finding.
    assert_eq!(reported(&check(&root, &args)), [("set-timeout-in-durable-object".into(), "src/index.ts".into())]);
    assert!(reported(&check(&root, &[&args[..], &["--changed"]].concat())).is_empty());

    // A commit on the branch that touches another file: still nothing from index.ts.
    std::fs::write(root.join("src/other.ts"), format!("{other}// more\n")).unwrap_or_default();
    git(&root, &["commit", "-q", "-am", "other"]);
    assert!(reported(&check(&root, &[&args[..], &["--changed"]].concat())).is_empty());
    // An uncommitted change to index.ts brings its finding back; so does naming an older base.
    std::fs::write(root.join("src/index.ts"), format!("{timer}// edited\n")).unwrap_or_default();
    let out = check(&root, &[&args[..], &["--changed"]].concat());
    assert_eq!(reported(&out), [("set-timeout-in-durable-object".into(), "src/index.ts".into())]);
    git(&root, &["commit", "-q", "-am", "index"]);
    assert_eq!(reported(&check(&root, &[&args[..], &["--changed=main"]].concat())).len(), 1);
    assert!(reported(&check(&root, &[&args[..], &["--changed=HEAD"]].concat())).is_empty());
    // An untracked file counts as changed.
    std::fs::write(
        root.join("src/new.ts"),
        "export class Extra extends DurableObject { m() { setTimeout(() => {}, 1); } }\n",
    )
    .unwrap_or_default();
    let out = check(&root, &[&args[..], &["--changed=HEAD"]].concat());
    let found = reported(&out);
    assert!(!found.is_empty() && found.iter().all(|(_, path)| path == "src/new.ts"), "{}", stdout(&out));

    // An unknown base: a one-line error, exit 2.
    let out = check(&root, &["--changed=no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-such-branch") && stderr(&out).trim_end().lines().count() == 1,
        "{}",
        stderr(&out)
    );
}

/// The severity of each `kv-storage-backend` finding of a JSON report, with the line it is on.
fn kv_severities(out: &Output) -> Vec<(u64, String)> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)));
    let findings = json["findings"].as_array().into_iter().flatten();
    findings
        .filter(|f| f["rule"] == "kv-storage-backend")
        .map(|f| (f["range"]["start"]["line"].as_u64().unwrap_or(0), f["severity"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn kv_storage_backend_warns_for_steps_new_since_the_baseline() {
    let config = |steps: &[&str]| {
        let mut steps = steps.join(",\n    ");
        steps.insert_str(0, "\n    ");
        format!(
            "{{\n  \"name\": \"chat\",\n  \"main\": \"src/index.ts\",\n  \"compatibility_date\": \"2026-10-01\",\n  \"migrations\": [{steps}\n  ]\n}}\n"
        )
    };
    let v1 = r#"{ "tag": "v1", "new_sqlite_classes": ["Room"] }"#;
    let v2 = r#"{ "tag": "v2", "new_classes": ["Legacy"] }"#;
    let v3 = r#"{ "tag": "v3", "new_classes": ["Other"] }"#;
    let main = "import { DurableObject } from \"cloudflare:workers\";\nexport class Room extends DurableObject {}\nexport class Legacy extends DurableObject {}\nexport class Other extends DurableObject {}\nexport default { fetch: () => new Response(\"ok\") };\n";
    let (_dir, root) = temp_project(&[("wrangler.jsonc", &config(&[v1])), ("src/index.ts", main)]);
    let args = ["--format", "json", "--fail-on", "never"];
    std::fs::write(root.join("wrangler.jsonc"), config(&[v1, v2])).unwrap_or_default();
    // Outside git nothing tells a new step from a deployed one: information.
    assert_eq!(kv_severities(&check(&root, &args)), [(7, "info".to_owned())]);

    std::fs::write(root.join("wrangler.jsonc"), config(&[v1])).unwrap_or_default();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "base"]);
    git(&root, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(root.join("wrangler.jsonc"), config(&[v1, v2])).unwrap_or_default();
    // Not committed yet: new, so a warning.
    assert_eq!(kv_severities(&check(&root, &args)), [(7, "warning".to_owned())]);
    git(&root, &["commit", "-q", "-am", "legacy"]);
    // Committed: most likely deployed, information; but new on the branch, which `--changed`
    // compares with main.
    assert_eq!(kv_severities(&check(&root, &args)), [(7, "info".to_owned())]);
    let out = check(&root, &[&args[..], &["--changed"]].concat());
    assert_eq!(kv_severities(&out), [(7, "warning".to_owned())]);
    // A step added in the working tree on top: a warning for it alone.
    std::fs::write(root.join("wrangler.jsonc"), config(&[v1, v2, v3])).unwrap_or_default();
    assert_eq!(kv_severities(&check(&root, &args)), [(7, "info".to_owned()), (8, "warning".to_owned())]);
}

#[test]
fn github_and_rdjson() {
    let (_dir, root) = temp_project(&[("wrangler.jsonc", BROKEN_CONFIG), ("src/index.ts", MAIN)]);
    let out = check(&root, &["--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let (line, col, _) = locate(MAIN, "setTimeout");
    let end = col + "setTimeout".len();
    let expected = format!(
        "::warning file=src/index.ts,line={line},col={col},endLine={line},endColumn={end},title=durable-lsp(set-timeout-in-durable-object)::"
    );
    assert!(text.lines().any(|l| l.starts_with(&expected)), "{text}");
    assert!(text.lines().any(|l| l.starts_with("::error file=wrangler.jsonc,")), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");

    let out = check(&root, &["--format", "rdjson"]);
    assert_eq!(out.status.code(), Some(1));
    let rd: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    assert_eq!(rd["source"]["name"], "durable-lsp");
    let diagnostics = rd["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(diagnostics.len(), 2);
    let timer =
        diagnostics.iter().find(|d| d["code"]["value"] == "set-timeout-in-durable-object").cloned().unwrap_or_default();
    // rdjson columns count UTF-8 bytes: the emoji counts four.
    let at = MAIN.find("setTimeout").unwrap_or_default();
    let line_start = MAIN[..at].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!(timer["location"]["range"]["start"], serde_json::json!({ "line": line, "column": at - line_start + 1 }));
    assert_eq!(timer["severity"], "WARNING");
    // The missing migration comes with its fix as a suggestion in the config.
    let migration = diagnostics.iter().find(|d| d["code"]["value"] == "missing-migration").cloned().unwrap_or_default();
    assert_eq!(migration["location"]["path"], "wrangler.jsonc");
    let suggestion = &migration["suggestions"][0];
    assert!(suggestion["text"].as_str().is_some_and(|t| t.contains("Room")), "{migration:#}");
}

/// `graph` draws the shipped examples: Mermaid by default, DOT and JSON on request, the lobby's
/// `script_name` edge into the chat Worker; a missing folder exits 2 with one line.
#[test]
fn graph_of_the_examples() {
    let examples = support::repo_root().join("examples");
    let run = |args: &[&str]| {
        Command::new(server_binary())
            .arg("graph")
            .args(args)
            .current_dir(&examples)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let mermaid = run(&[]);
    assert!(mermaid.status.success(), "{}", stderr(&mermaid));
    let text = stdout(&mermaid);
    assert!(text.starts_with("flowchart LR\n"), "{text}");
    assert!(text.contains("-.->|\"script_name chat\"|"), "{text}");
    let dot = run(&["--format", "dot"]);
    assert!(stdout(&dot).starts_with("digraph durable_objects {"), "{}", stdout(&dot));
    let json = run(&["--format", "json", "."]);
    let map: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = map["workers"].as_array().into_iter().flatten().filter_map(|w| w["name"].as_str()).collect();
    assert_eq!(names, ["chat", "lobby", "mistakes"]);
    // The facts cache: written where asked, the same map from it, none with --no-cache.
    let cache = tempfile::tempdir().expect("cache dir");
    let dir = cache.path().to_str().expect("utf-8");
    for _ in 0..2 {
        let cached = run(&["--cache-dir", dir]);
        assert!(cached.status.success(), "{}", stderr(&cached));
        assert_eq!(stdout(&cached), text, "the map from the cache");
    }
    assert!(cache.path().join("CACHEDIR.TAG").exists(), "graph --cache-dir wrote no cache");
    let uncached = tempfile::tempdir().expect("cache dir");
    let off = Command::new(server_binary())
        .args(["graph", "--no-cache"])
        .current_dir(&examples)
        .env("DURABLE_LSP_CACHE_DIR", uncached.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stdout(&off), text);
    assert!(std::fs::read_dir(uncached.path()).expect("dir").next().is_none(), "--no-cache wrote a cache");
    assert_eq!(run(&["--no-cache", "--cache-dir", dir]).status.code(), Some(2), "the two options conflict");
    let missing = run(&["no-such-folder"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing).trim(), "durable-lsp: no-such-folder: not a folder");
}

/// `lifecycle` says what the working tree's deploy does to the Durable Objects committed at the
/// base: the deletion first in every format, then the rest; a Worker without a change says so;
/// an unknown `--base` and a folder with no Worker exit 2.
#[test]
fn lifecycle_of_a_working_tree_against_git() {
    let committed = r#"{
  "name": "chat",
  "main": "src/index.ts",
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"], "new_classes": ["Legacy"] }]
}
"#;
    let (_dir, root) =
        temp_project(&[("wrangler.jsonc", committed), ("src/index.ts", MAIN), ("site/index.html", "<p>")]);
    git(&root, &["init", "-q"]);
    git(&root, &["add", "-A"]);
    git(&root, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", "v1"]);
    let run_in = |ci: bool, args: &[&str]| {
        let mut command = Command::new(server_binary());
        command.arg("lifecycle").args(args).current_dir(&root).env_remove("CI");
        if ci {
            command.env("CI", "true");
        }
        command.output().unwrap_or_else(|e| panic!("{e}"))
    };
    let run = |args: &[&str]| run_in(false, args);
    let quiet = run(&[]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(stdout(&quiet).contains("chat (wrangler.jsonc): compared with `HEAD`"), "{}", stdout(&quiet));
    assert!(stdout(&quiet).ends_with("\n  no change to Durable Objects\n"), "{}", stdout(&quiet));
    let md = stdout(&run(&["--format", "markdown"]));
    assert!(md.starts_with("<!-- durable-lsp lifecycle -->\n"), "{md}");
    assert!(md.contains("No change to Durable Objects"), "{md}");

    // The working tree creates `Lobby` and deletes `Legacy`, in that order.
    let edited = committed.replace(
        r#""new_classes": ["Legacy"] }"#,
        r#""new_classes": ["Legacy"] },
    { "tag": "v2", "new_sqlite_classes": ["Lobby"] },
    { "tag": "v3", "deleted_classes": ["Legacy"] }"#,
    );
    assert_ne!(edited, committed);
    std::fs::write(root.join("wrangler.jsonc"), &edited).unwrap_or_else(|e| panic!("{e}"));
    let text = run(&["."]);
    assert!(text.status.success(), "{}", stderr(&text));
    let lines: Vec<String> = stdout(&text).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(lines[1].starts_with("  delete    Legacy (top level): destroys all objects"), "{lines:#?}");
    assert!(lines[2].starts_with("  create    Lobby (top level): new class, SQLite storage"), "{lines:#?}");

    let md = run(&["--format", "markdown", "--base", "main"]);
    assert!(md.status.success(), "{}", stderr(&md));
    let rows: Vec<String> = stdout(&md).lines().filter(|l| l.starts_with("| `chat`")).map(str::to_owned).collect();
    assert_eq!(
        rows,
        [
            "| `chat` | top level | `Legacy` | ⚠️ **delete** | ⚠️ deletes all objects and data (KV (legacy)) |",
            "| `chat` | top level | `Lobby` | create | SQLite |"
        ]
    );
    assert!(stdout(&md).contains("Compared with `main`"), "{}", stdout(&md));

    let json = run(&["--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&json)).unwrap_or_else(|e| panic!("{e}"));
    let changes = &report["workers"][0]["changes"];
    assert_eq!(changes[0]["change"], "delete", "{report}");
    assert_eq!(changes[0]["class"], "Legacy");
    assert_eq!(changes[0]["storage"], "kv");
    assert_eq!(changes[1]["change"], "create");
    assert_eq!(report["workers"][0]["baseline"], "committed");

    let unknown = run(&["--base", "no-such-ref"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", stdout(&unknown));
    assert!(
        stderr(&unknown).starts_with("durable-lsp: --base: unknown git revision `no-such-ref`"),
        "{}",
        stderr(&unknown)
    );
    assert!(stdout(&unknown).is_empty());
    let nothing = run(&["site"]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(stderr(&nothing).contains("no Worker found"), "{}", stderr(&nothing));

    // On a branch that committed the change: HEAD has it (nothing to say against HEAD), but in
    // CI the default base is the merge base with the default branch, where the deploy starts.
    git(&root, &["checkout", "-q", "-b", "feature"]);
    git(&root, &["add", "-A"]);
    git(&root, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", "v2, v3"]);
    let local = run(&[]);
    assert!(stdout(&local).ends_with("\n  no change to Durable Objects\n"), "{}", stdout(&local));
    let ci = run_in(true, &[]);
    assert!(ci.status.success(), "{}", stderr(&ci));
    let ci = stdout(&ci);
    assert!(ci.contains("  delete    Legacy (top level)") && ci.contains("  create    Lobby (top level)"), "{ci}");
    assert!(!ci.contains("compared with `HEAD`"), "{ci}");
}
