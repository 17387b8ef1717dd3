//! The model over small projects: what names denote, what values expressions have, and the
//! uses of bindings and stubs rules read.

use std::path::PathBuf;

use super::*;
use crate::analysis::WorkerContext;
use crate::index::{IndexSettings, Workspace};

/// A project on disk: a `wrangler.jsonc` whose `main` is `src/index.ts` (unless given), and
/// the files given.
struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    ws: Workspace,
}

fn project(files: &[(&str, &str)]) -> Project {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut all: Vec<(&str, &str)> = files.to_vec();
    if !files.iter().any(|(p, _)| p.starts_with("wrangler")) {
        all.push((
            "wrangler.jsonc",
            r#"{ "name": "w", "main": "src/index.ts", "compatibility_date": "2026-10-01",
                 "durable_objects": { "bindings": [{ "name": "ROOMS", "class_name": "Room" }] },
                 "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }"#,
        ));
    }
    for (rel, text) in all {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    }
    let ws = Workspace::load(vec![root.clone()], IndexSettings::default());
    Project { _dir: dir, root, ws }
}

impl Project {
    /// Runs `f` with the model of the project's Worker.
    fn with_model<T>(&self, f: impl FnOnce(&Model<'_>, &str) -> T) -> T {
        let worker = self.ws.workers().next().unwrap_or_else(|| panic!("no Worker"));
        let overrides = Default::default();
        let cx = WorkerContext::new(&self.ws, worker, &overrides);
        let text = self.ws.text(&self.root.join("src/index.ts")).unwrap_or_default();
        f(cx.model(), &text)
    }
}

/// The calls of `src/index.ts` on stubs: (bindings, method).
fn stub_calls(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let p = project(files);
    p.with_model(|model, _| model.stub_calls().iter().map(|c| (c.bindings.join("|"), c.method.to_string())).collect())
}

#[test]
fn env_shapes_name_bindings() {
    let src = r#"
import { Hono } from "hono";
import { env as moduleEnv } from "cloudflare:workers";
const app = new Hono<{ Bindings: Env }>();
app.get("/room/:name", async (c) => c.env.ROOMS.getByName(c.req.param("name")).fetch(c.req.raw));
export function direct(env: Env, key: string) {
  env.KV.get(key);
  const e = env;
  e.ALIASED.idFromName("a");
  moduleEnv.FROM_MODULE.idFromName("b");
  const { CHAT, OTHER: renamed, WITH_DEFAULT = fallback } = env;
  return renamed.getByName("n");
}
export class Room extends DurableObject {
  run() { const { LOBBY } = this.env; return LOBBY.newUniqueId(); }
}
export default app;
"#;
    let p = project(&[("src/index.ts", src)]);
    let names = p.with_model(|model, text| {
        let file = model.file_id(&p.root.join("src/index.ts")).unwrap_or_else(|| panic!("no file"));
        model
            .binding_names_in(file)
            .into_iter()
            .map(|b| format!("{}{}", &text[b.span.start..b.span.end], if b.destructured { " (key)" } else { "" }))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        names,
        ["ROOMS", "KV", "ALIASED", "FROM_MODULE", "CHAT (key)", "OTHER (key)", "WITH_DEFAULT (key)", "LOBBY (key)"]
    );
}

#[test]
fn ids_follow_scopes_not_functions() {
    // A module-level id is an id wherever it is used; a local that shadows it is not.
    let src = r#"
const id = env.ROOMS.idFromName("x");
export function other(env: Env) { return env.ROOMS.get(id).one(); }
export function key(env: Env) { const id = "k"; return env.ROOMS.get(id); }
"#;
    let p = project(&[("src/index.ts", src)]);
    let kinds = p.with_model(|model, _| {
        model
            .namespace_calls(&["get"])
            .iter()
            .map(|c| model.call_args(c.call).first().map(|&a| format!("{:?}", model.eval(a))).unwrap_or_default())
            .collect::<Vec<_>>()
    });
    assert_eq!(kinds.len(), 2);
    assert!(kinds[0].starts_with("Id"), "{kinds:?}");
    assert!(kinds[1].starts_with("Str"), "{kinds:?}");
}

#[test]
fn stub_shapes() {
    let src = r#"
export async function f(env: Env, id: DurableObjectId) {
  (await env.A.get(id)).one();
  env.B.jurisdiction("eu").get(id).two();
  let later;
  later = env.C.getByName("x");
  later.three();
  const s = env.D.get(id) as DurableObjectStub<D>;
  s.four();
  env.E.get(id).five;
  env.F.idFromName("x").toString();
  const ns = env.G;
  ns.getByName("y").six();
  return helper(env).seven();
}
function helper(env: Env) { return env.H.getByName("h"); }
export function g() { s.notAStub(); }
export class Room extends DurableObject {
  stub = this.env.I.getByName("i");
  m() { return this.stub.eight(); }
}
"#;
    let got = stub_calls(&[("src/index.ts", src)]);
    let want: Vec<(String, String)> =
        [("A", "one"), ("B", "two"), ("C", "three"), ("D", "four"), ("G", "six"), ("H", "seven"), ("I", "eight")]
            .iter()
            .map(|(b, m)| (b.to_string(), m.to_string()))
            .collect();
    assert_eq!(got, want);
}

#[test]
fn block_scoped_stubs_are_told_apart() {
    let src = r#"
export async function f(env: Env, legacy: boolean) {
  if (legacy) {
    const stub = env.LEGACY.getByName("a");
    return stub.fetch("https://do/");
  }
  const stub = env.MODERN.getByName("a");
  await stub.increment();
}
"#;
    let got = stub_calls(&[("src/index.ts", src)]);
    assert_eq!(got, [("LEGACY".to_string(), "fetch".to_string()), ("MODERN".to_string(), "increment".to_string())]);
}

#[test]
fn comments_strings_and_types_name_nothing() {
    let src = r#"
// env.CHAT.get(id).m(); setTimeout(f, 1);
/* export class Hidden {} */
const s = "env.CHAT.idFromName('a')";
const t = `this.env.CHAT ${"c.env.X"}`;
interface Env { CHAT: DurableObjectNamespace<ChatRoom>; }
type Room = typeof env.CHAT;
let timer: typeof setTimeout;
export function uses(env: Env["CHAT"]): ReturnType<typeof setInterval> {}
"#;
    let p = project(&[("src/index.ts", src)]);
    p.with_model(|model, _| {
        let file = model.file_id(&p.root.join("src/index.ts")).unwrap_or_else(|| panic!("no file"));
        assert!(model.binding_names_in(file).is_empty());
        assert!(model.stub_calls().is_empty());
        assert!(model.worker_calls().is_empty(), "a call in a comment, string or type");
    });
}

#[test]
fn timers_resolve_to_globals_unless_shadowed() {
    let src = r#"
import { setTimeout as sleep } from "node:timers/promises";
export function a() { setTimeout(f, 1); globalThis.setInterval(f, 1); self.setTimeout(f); }
export function b() {
  function setTimeout(f: () => void) {}
  setTimeout(f);
  { const setInterval = (f: () => void) => f(); setInterval(f); }
  setInterval(f, 1);
}
"#;
    let p = project(&[("src/index.ts", src)]);
    let callees = p.with_model(|model, _| {
        model
            .worker_calls()
            .iter()
            .filter_map(|&c| model.callee(c))
            .map(|c| (model.expr_text(c).to_owned(), matches!(model.eval(c), Value::Global(_))))
            .collect::<Vec<_>>()
    });
    let globals: Vec<&str> = callees.iter().filter(|(_, g)| *g).map(|(t, _)| t.as_str()).collect();
    assert_eq!(globals, ["setTimeout", "globalThis.setInterval", "self.setTimeout", "setInterval"]);
}

#[test]
fn constants_through_modules_joins_and_ternaries() {
    let src = r#"
import { TABLE, COLUMNS } from "./schema";
import * as schema from "./schema";
const INDEX = TABLE + "_by_ts";
export function q(before?: number) {
  const clause = before ? "WHERE ts < ?" : "";
  return [
    `SELECT ${COLUMNS.join(", ")} FROM ${TABLE} ${clause}`,
    INDEX,
    schema.LIMITS.page + " rows",
    `${before}`,
  ];
}
"#;
    let schema = r#"export const TABLE = "entries";
export const COLUMNS = ["id", "ts"] as const;
export const LIMITS = { page: 50 } as const;
"#;
    let p = project(&[("src/index.ts", src), ("src/schema.ts", schema)]);
    let values = p.with_model(|model, _| {
        let file = model.file_id(&p.root.join("src/index.ts")).unwrap_or_else(|| panic!("no file"));
        let code = model.code(file);
        // The array the function returns.
        let (u, array) = code
            .units
            .iter()
            .enumerate()
            .find_map(|(u, unit)| {
                unit.code.exprs.iter().rposition(|e| matches!(e.kind, ExprKind::Array(_))).map(|i| (u, i))
            })
            .unwrap_or_else(|| panic!("no array"));
        let r = ExprRef { file, unit: u as u32, id: array as u32 };
        match model.eval(r) {
            Value::Array(items) => items.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        }
    });
    assert!(
        values[0].contains("SELECT id, ts FROM entries WHERE ts < ?")
            && values[0].contains("SELECT id, ts FROM entries "),
        "{values:?}"
    );
    assert!(values[1].contains("entries_by_ts"), "{values:?}");
    assert!(values[2].contains("50 rows"), "{values:?}");
    assert_eq!(values[3], "Unknown");
}

#[test]
fn non_ascii_names() {
    let src = "// 🎉 émoji\nconst ünïcode = \"🦀 env.X\";\nexport class Ärger { 名前(env: Env) { return env.ÖL.idFromName(\"✓\"); } }\n";
    let p = project(&[("src/index.ts", src)]);
    let names = p.with_model(|model, text| {
        let file = model.file_id(&p.root.join("src/index.ts")).unwrap_or_else(|| panic!("no file"));
        model.binding_names_in(file).into_iter().map(|b| text[b.span.start..b.span.end].to_owned()).collect::<Vec<_>>()
    });
    assert_eq!(names, ["ÖL"]);
}

#[test]
fn a_value_that_depends_on_itself_is_unknown_not_a_hang() {
    let src = r#"
export function loop(env: Env) {
  let x = env.A;
  for (let i = 0; i < 3; i++) x = x.jurisdiction("eu");
  let y = y + 1;
  return [x, y];
}
export class Room extends DurableObject {
  a() { return this.b(); }
  b() { return this.a(); }
  c() { return this.a().get("x").m(); }
}
"#;
    let p = project(&[("src/index.ts", src)]);
    // Evaluating everything terminates.
    p.with_model(|model, _| {
        for &c in model.worker_calls().iter() {
            let _ = model.eval(c);
        }
        let _ = model.stub_calls();
    });
}

#[test]
fn the_summary_names_what_the_model_found() {
    let src = r#"
import { DurableObject } from "cloudflare:workers";
import { save } from "./store";
export class Room extends DurableObject {
  fetch() { save(this.ctx.storage.sql); return new Response("ok"); }
}
export default { fetch(req: Request, env: Env) { return env.ROOMS.getByName("a").join(); } };
"#;
    let store = "export function save(sql: SqlStorage) { sql.exec(\"SELECT 1\"); }\n";
    let p = project(&[("src/index.ts", src), ("src/store.ts", store)]);
    let summary = p.with_model(|model, _| model.summary());
    let lines: Vec<&str> = summary.lines().collect();
    let has = |prefix: &str, needle: &str| lines.iter().any(|l| l.starts_with(prefix) && l.contains(needle));
    assert!(has("file ", "src/index.ts") && has("file ", "src/store.ts"), "{summary}");
    assert!(has("class ", "index.ts#0 do=true"), "{summary}");
    assert!(has("  site ", " save "), "the class's call to the helper: {summary}");
    assert!(has("stub ", "[\"ROOMS\"].join"), "{summary}");
    assert!(has("namespace ", "ROOMS.getByName"), "{summary}");
    assert!(has("sql exec ", "store.ts"), "the helper's exec, reached from the class: {summary}");
    assert!(has("binding name ", "ROOMS"), "{summary}");
}
