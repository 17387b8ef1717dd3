//! Deterministic generator of Workers-monorepo workspaces for the engine bench.
//!
//! A workspace is `apps/<worker>/` folders, ten files each: a wrangler config (`wrangler.toml` for
//! every third Worker, `wrangler.jsonc` otherwise), `src/index.ts`, two Durable Object classes
//! under `src/objects/` and six plain modules under `src/lib/`. Every Worker binds its own store
//! class and, through `script_name`, the session class of the next Worker. The text varies with a
//! tiny LCG on a fixed seed, so every run writes the same bytes.

mod args;

pub use args::{number, BenchArgs};

use std::fs;
use std::path::{Path, PathBuf};

use durable_lsp::text::LineCol;

/// Files per Worker (config, index, two DO classes, six plain modules).
pub const FILES_PER_WORKER: usize = 10;

const DOMAINS: &[&str] = &[
    "chat",
    "billing",
    "inventory",
    "presence",
    "game",
    "docs",
    "queue",
    "audit",
    "search",
    "orders",
    "notify",
    "media",
    "auth",
    "catalog",
    "metrics",
    "tickets",
    "booking",
    "uploads",
    "rates",
    "feeds",
];

const LIB_MODULES: &[&str] = &["types", "http", "validate", "sql", "format", "metrics"];

/// A tiny linear congruential generator: deterministic variety without a dependency.
pub struct Lcg(u64);

impl Lcg {
    /// A generator on `seed`.
    pub fn new(seed: u64) -> Self {
        Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        lo + ((self.0 >> 33) as usize) % (hi - lo + 1)
    }
}

/// Text built line by line, remembering edit spots.
#[derive(Default)]
struct Out {
    text: String,
    lines: usize,
    /// Inside an identifier (`const ne|xt = ...`).
    ident_spots: Vec<LineCol>,
    /// At the end of a statement inside a method body.
    stmt_ends: Vec<LineCol>,
}

impl Out {
    fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
        self.lines += 1;
    }

    /// Several lines at once (a raw string; a leading newline is skipped).
    fn block(&mut self, s: &str) {
        for l in s.strip_prefix('\n').unwrap_or(s).lines() {
            self.line(l);
        }
    }

    /// A `const name = ...` line; the spot is two characters into `name`.
    fn ident_line(&mut self, s: &str) {
        let col = s.find("const ").map(|c| c + 8).unwrap_or(0);
        self.ident_spots.push(LineCol { line: self.lines as u32, character: col as u32 });
        self.line(s);
    }

    /// A statement line; the spot is its end.
    fn stmt_line(&mut self, s: &str) {
        self.stmt_ends.push(LineCol { line: self.lines as u32, character: s.len() as u32 });
        self.line(s);
    }
}

/// One Worker's names.
struct Names {
    /// `chat-api`, `chat2-api`.
    worker: String,
    /// `Chat`, `Chat2`.
    pascal: String,
    /// `CHAT`, `CHAT2`.
    upper: String,
}

fn names(i: usize) -> Names {
    let domain = DOMAINS[i % DOMAINS.len()];
    let round = i / DOMAINS.len();
    let suffix = if round == 0 { String::new() } else { (round + 1).to_string() };
    let mut pascal = domain[..1].to_uppercase();
    pascal.push_str(&domain[1..]);
    pascal.push_str(&suffix);
    Names { worker: format!("{domain}{suffix}-api"), pascal, upper: format!("{}{suffix}", domain.to_uppercase()) }
}

/// What [`write_workspace`] wrote.
pub struct Workspace {
    /// The folder holding `apps/`.
    pub root: PathBuf,
    /// Files written.
    pub files: usize,
    /// Lines written.
    pub lines: usize,
    /// Bytes written.
    pub bytes: usize,
    /// Workers written.
    pub workers: usize,
    /// The first Worker's folder (where the bench adds its big file).
    pub first_worker: PathBuf,
    /// The first Worker's `PascalCase` prefix.
    pub first_pascal: String,
}

/// Writes a workspace of about `target_files` files under `root`.
pub fn write_workspace(root: &Path, target_files: usize) -> Workspace {
    let workers = target_files.div_ceil(FILES_PER_WORKER).max(1);
    let mut out = Workspace {
        root: root.to_path_buf(),
        files: 0,
        lines: 0,
        bytes: 0,
        workers,
        first_worker: root.join("apps").join(names(0).worker),
        first_pascal: names(0).pascal,
    };
    for i in 0..workers {
        let me = names(i);
        let next = names((i + 1) % workers);
        let dir = root.join("apps").join(&me.worker);
        let mut rng = Lcg::new(i as u64 + 1);
        let mut files: Vec<(PathBuf, Out)> = Vec::new();
        if i % 3 == 2 {
            files.push((dir.join("wrangler.toml"), config_toml(i, &me, &next)));
        } else {
            files.push((dir.join("wrangler.jsonc"), config_jsonc(i, &me, &next)));
        }
        files.push((dir.join("src/index.ts"), index_ts(&me, &next)));
        for kind in ["Store", "Session"] {
            let class = format!("{}{kind}", me.pascal);
            let lines = rng.range(195, 255);
            let file = dir.join("src/objects").join(format!("{}.ts", kebab(&class)));
            files.push((file, do_class_file(&class, &kind.to_lowercase(), lines, &mut rng)));
        }
        for module in LIB_MODULES {
            let lines = rng.range(180, 245);
            files.push((
                dir.join("src/lib").join(format!("{module}.ts")),
                lib_module(module, &me, &next, lines, &mut rng),
            ));
        }
        for (path, text) in files {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("create folder");
            }
            fs::write(&path, &text.text).expect("write file");
            out.files += 1;
            out.lines += text.lines;
            out.bytes += text.text.len();
        }
    }
    out
}

/// `ChatStore` -> `chat-store`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn kv_id(i: usize, salt: u64) -> String {
    format!(
        "{:016x}{:016x}",
        (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        salt.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
    )
}

fn config_jsonc(i: usize, me: &Names, next: &Names) -> Out {
    let (w, p, u, nw, np, nu) = (&me.worker, &me.pascal, &me.upper, &next.worker, &next.pascal, &next.upper);
    let (kv, kv_staging) = (kv_id(i, 1), kv_id(i, 2));
    let date = format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
    let mut o = Out::default();
    o.block(&format!(
        r#"
{{
  // {w}: one Worker of the bench monorepo.
  "$schema": "../../node_modules/wrangler/config-schema.json",
  "name": "{w}",
  "main": "src/index.ts",
  "compatibility_date": "{date}",
  "compatibility_flags": ["nodejs_compat"],
  "observability": {{ "enabled": true }},
  "durable_objects": {{
    "bindings": [
      {{ "name": "{u}_STORE", "class_name": "{p}Store" }},
      // Sessions live in the next Worker.
      {{ "name": "{nu}_SESSION", "class_name": "{np}Session", "script_name": "{nw}" }},
    ],
  }},
  "kv_namespaces": [{{ "binding": "CACHE", "id": "{kv}" }}],
  "vars": {{ "LOG_LEVEL": "info", "REGION": "weur" }},
  "migrations": [
    {{ "tag": "v1", "new_sqlite_classes": ["{p}Store"] }},
    {{ "tag": "v2", "new_sqlite_classes": ["{p}Session"] }},
  ],
  "env": {{
    "staging": {{
      "vars": {{ "LOG_LEVEL": "debug", "REGION": "weur" }},
      "durable_objects": {{
        "bindings": [
          {{ "name": "{u}_STORE", "class_name": "{p}Store" }},
          {{ "name": "{nu}_SESSION", "class_name": "{np}Session", "script_name": "{nw}" }},
        ],
      }},
      "kv_namespaces": [{{ "binding": "CACHE", "id": "{kv_staging}" }}],
    }},
  }},
}}
"#
    ));
    o
}

fn config_toml(i: usize, me: &Names, next: &Names) -> Out {
    let (w, p, u, nw, np, nu) = (&me.worker, &me.pascal, &me.upper, &next.worker, &next.pascal, &next.upper);
    let (kv, kv_staging) = (kv_id(i, 1), kv_id(i, 2));
    let date = format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
    let mut o = Out::default();
    o.block(&format!(
        r#"
# {w}: one Worker of the bench monorepo.
name = "{w}"
main = "src/index.ts"
compatibility_date = "{date}"
compatibility_flags = ["nodejs_compat"]

[observability]
enabled = true

[vars]
LOG_LEVEL = "info"
REGION = "weur"

[[durable_objects.bindings]]
name = "{u}_STORE"
class_name = "{p}Store"

# Sessions live in the next Worker.
[[durable_objects.bindings]]
name = "{nu}_SESSION"
class_name = "{np}Session"
script_name = "{nw}"

[[kv_namespaces]]
binding = "CACHE"
id = "{kv}"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["{p}Store"]

[[migrations]]
tag = "v2"
new_sqlite_classes = ["{p}Session"]

[env.staging]
vars = {{ LOG_LEVEL = "debug", REGION = "weur" }}

[[env.staging.durable_objects.bindings]]
name = "{u}_STORE"
class_name = "{p}Store"

[[env.staging.durable_objects.bindings]]
name = "{nu}_SESSION"
class_name = "{np}Session"
script_name = "{nw}"

[[env.staging.kv_namespaces]]
binding = "CACHE"
id = "{kv_staging}"
"#
    ));
    o
}

fn index_ts(me: &Names, next: &Names) -> Out {
    let (p, u, nu) = (&me.pascal, &me.upper, &next.upper);
    let (store, session) = (kebab(&format!("{p}Store")), kebab(&format!("{p}Session")));
    let mut o = Out::default();
    o.block(&format!(
        r#"
import type {{ Env }} from "./lib/types";
import {{ json, notFound, badRequest, withCors }} from "./lib/http";
import {{ validateName, validateQty }} from "./lib/validate";
import {{ recordRequest, flushMetrics }} from "./lib/metrics";

export {{ {p}Store }} from "./objects/{store}";
export {{ {p}Session }} from "./objects/{session}";

const CACHE_TTL = 60;

async function cached(env: Env, key: string, load: () => Promise<unknown>): Promise<unknown> {{
  const hit = await env.CACHE.get(key, "json");
  if (hit !== null) {{
    return hit;
  }}
  const value = await load();
  await env.CACHE.put(key, JSON.stringify(value), {{ expirationTtl: CACHE_TTL }});
  return value;
}}

export default {{
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {{
    const started = Date.now();
    const url = new URL(request.url);
    const [, section = "", rawName = "default"] = url.pathname.split("/");
    const name = validateName(rawName);
    if (!name) {{
      return badRequest("invalid name");
    }}
    let response: Response;
    switch (section) {{
      case "items": {{
        const store = env.{u}_STORE.getByName(name);
        if (request.method === "POST") {{
          const body = await request.json<{{ title: string; qty: number }}>();
          const id = await store.addItem(body.title, validateQty(body.qty));
          response = json({{ id }}, 201);
        }} else {{
          response = json(await cached(env, `items:${{name}}`, () => store.listItems(50)));
        }}
        break;
      }}
      case "summary": {{
        const store = env.{u}_STORE.getByName(name);
        response = json(await store.describe());
        break;
      }}
      case "session": {{
        const remote = env.{nu}_SESSION.getByName(name);
        const info = await remote.describe();
        await remote.addItem(`visit:${{url.searchParams.get("from") ?? "web"}}`, 1);
        response = json(info);
        break;
      }}
      case "ws": {{
        if (request.headers.get("Upgrade") !== "websocket") {{
          return badRequest("expected a websocket upgrade");
        }}
        return env.{u}_STORE.getByName(name).fetch(request);
      }}
      default:
        response = notFound();
    }}
    ctx.waitUntil(recordRequest(env, section, Date.now() - started));
    return withCors(response);
  }},

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {{
    const store = env.{u}_STORE.getByName("maintenance");
    const removed = await store.listItems(10);
    console.log(`scheduled ${{controller.cron}}: ${{removed.length}} items`);
    ctx.waitUntil(flushMetrics(env));
  }},
}} satisfies ExportedHandler<Env>;
"#
    ));
    o
}

/// A Durable Object class file of about `target_lines` lines: constructor with `super`, SQL
/// with placeholders, `webSocketMessage`, `alarm`, RPC methods, helpers after the class.
fn do_class_file(class: &str, table: &str, target_lines: usize, rng: &mut Lcg) -> Out {
    let mut o = Out::default();
    o.block(&format!(
        r#"
import {{ DurableObject }} from "cloudflare:workers";
import type {{ Env }} from "../lib/types";
import {{ clampQty, clampLimit }} from "../lib/format";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS {table} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  qty INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS {table}_updated ON {table} (updated_at);
`;

type Row = {{ id: number; title: string; qty: number; updated_at: number }};

type Message = {{ op: "add"; title: string; qty?: number }} | {{ op: "list"; limit?: number }} | {{ op: "ping" }};

export class {class} extends DurableObject<Env> {{
  private sql: SqlStorage;
  private pending = 0;

  constructor(ctx: DurableObjectState, env: Env) {{
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {{
      this.sql.exec(SCHEMA);
    }});
  }}

  async fetch(request: Request): Promise<Response> {{
    if (request.headers.get("Upgrade") !== "websocket") {{
      return new Response("expected websocket", {{ status: 426 }});
    }}
    const pair = new WebSocketPair();
    const [client, server] = Object.values(pair);
    this.ctx.acceptWebSocket(server);
    return new Response(null, {{ status: 101, webSocket: client }});
  }}

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {{
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    let parsed: Message;
    try {{
      parsed = JSON.parse(text) as Message;
    }} catch {{
      ws.send(JSON.stringify({{ error: "bad json" }}));
      return;
    }}
    switch (parsed.op) {{
      case "add": {{
        const id = await this.addItem(parsed.title, parsed.qty ?? 1);
        this.broadcast({{ op: "added", id }});
        break;
      }}
      case "list":
        ws.send(JSON.stringify(await this.listItems(parsed.limit ?? 20)));
        break;
      default:
        ws.send(JSON.stringify({{ op: "pong", at: Date.now() }}));
    }}
  }}

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {{
    ws.close(code, reason);
  }}

  async alarm(): Promise<void> {{
    const cutoff = Date.now() - 86_400_000;
    this.sql.exec("DELETE FROM {table} WHERE updated_at < ?", cutoff);
    if (this.pending > 0) {{
      this.pending = 0;
      await this.ctx.storage.setAlarm(Date.now() + 3_600_000);
    }}
  }}

  async addItem(title: string, qty: number): Promise<number> {{
    const row = this.sql
      .exec<{{ id: number }}>("INSERT INTO {table} (title, qty, updated_at) VALUES (?, ?, ?) RETURNING id", title, clampQty(qty), Date.now())
      .one();
    this.pending += 1;
    return row.id;
  }}

  async listItems(limit: number): Promise<Row[]> {{
    return this.sql.exec<Row>("SELECT * FROM {table} ORDER BY updated_at DESC LIMIT ?", clampLimit(limit)).toArray();
  }}

  async describe(): Promise<{{ class: string; rows: number; pending: number }}> {{
    const [{{ rows }}] = this.sql.exec<{{ rows: number }}>("SELECT COUNT(*) AS rows FROM {table}").toArray();
    return {{ class: "{class}", rows, pending: this.pending }};
  }}
"#
    ));
    // The tail: broadcast, the closing brace, two helpers (about 20 lines).
    let mut k = 0;
    while o.lines + 22 < target_lines {
        method(&mut o, table, k, rng.range(0, 3));
        k += 1;
    }
    o.block(
        r#"
  private broadcast(message: unknown): void {
    const text = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) {
      ws.send(text);
    }
  }
}

export function rowTitle(row: Row): string {
  return `${row.title} (${row.qty})`;
}

export function newestFirst(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => b.updated_at - a.updated_at);
}

function assertPositive(n: number, what: string): number {
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`${what} must be positive, got ${n}`);
  }
  return n;
}
"#,
    );
    o
}

/// One RPC method (11 to 14 lines) of template `which`.
fn method(o: &mut Out, table: &str, k: usize, which: usize) {
    match which {
        0 => {
            o.line(&format!("  async update{k}(id: number, delta: number): Promise<number> {{"));
            o.block(&format!(
                r#"
    const rows = this.sql
      .exec<Row>("SELECT id, title, qty, updated_at FROM {table} WHERE id = ? LIMIT 1", id)
      .toArray();
    if (rows.length === 0) {{
      throw new Error(`{table} row ${{id}} not found`);
    }}"#
            ));
            o.ident_line(&format!("    const next = clampQty(rows[0].qty + delta * {});", k % 7 + 1));
            o.line(&format!(
                "    this.sql.exec(\"UPDATE {table} SET qty = ?, updated_at = ? WHERE id = ?\", next, Date.now(), id);"
            ));
            o.stmt_line("    this.pending += 1;");
            o.block("    return next;\n  }\n");
        }
        1 => {
            o.line(&format!("  async search{k}(prefix: string, limit = 20): Promise<Row[]> {{"));
            o.ident_line("    const pattern = prefix.replace(/[%_]/g, \"\") + \"%\";");
            o.block(&format!(
                r#"
    const cursor = this.sql.exec<Row>(
      "SELECT id, title, qty, updated_at FROM {table} WHERE title LIKE ? ORDER BY updated_at DESC LIMIT ?",
      pattern,
      clampLimit(limit),
    );"#
            ));
            o.stmt_line("    const out: Row[] = [];");
            o.block(&format!("    for (const row of cursor) {{\n      if (row.qty > {k}) out.push(row);\n    }}"));
            o.block("    return out;\n  }\n");
        }
        2 => {
            o.line(&format!("  async summarize{k}(): Promise<{{ count: number; total: number }}> {{"));
            o.block(&format!(
                r#"
    const [stats] = this.sql
      .exec<{{ count: number; total: number }}>(
        "SELECT COUNT(*) AS count, COALESCE(SUM(qty), 0) AS total FROM {table} WHERE qty >= ?",
        {k},
      )
      .toArray();"#
            ));
            o.ident_line("    const summary = { count: stats?.count ?? 0, total: stats?.total ?? 0 };");
            o.stmt_line(&format!("    await this.ctx.storage.put(\"summary:{k}\", summary);"));
            o.block("    return summary;\n  }\n");
        }
        _ => {
            o.line(&format!("  async touch{k}(ids: number[]): Promise<number> {{"));
            o.stmt_line("    let touched = 0;");
            o.ident_line("    const now = Date.now();");
            o.block(&format!(
                r#"
    for (const id of ids) {{
      const result = this.sql.exec("UPDATE {table} SET updated_at = ? WHERE id = ?", now, id);
      touched += result.rowsWritten;
    }}
    if (touched > 0 && (await this.ctx.storage.getAlarm()) === null) {{
      await this.ctx.storage.setAlarm(now + {} * 1000);
    }}
    return touched;
  }}
"#,
                k % 60 + 1
            ));
        }
    }
}

/// A plain module of about `target_lines` lines: interfaces, functions, constants, a small class.
fn lib_module(module: &str, me: &Names, next: &Names, target_lines: usize, rng: &mut Lcg) -> Out {
    let mut o = Out::default();
    let p = &me.pascal;
    match module {
        "types" => {
            let (store, u, nu) = (kebab(&format!("{p}Store")), &me.upper, &next.upper);
            o.block(&format!(
                r#"
import type {{ {p}Store }} from "../objects/{store}";

export interface Env {{
  {u}_STORE: DurableObjectNamespace<{p}Store>;
  {nu}_SESSION: DurableObjectNamespace;
  CACHE: KVNamespace;
  LOG_LEVEL: "debug" | "info" | "warn";
  REGION: string;
}}
"#
            ));
        }
        "http" => o.block(
            r#"
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function notFound(): Response {
  return json({ error: "not found" }, 404);
}

export function badRequest(message: string): Response {
  return json({ error: message }, 400);
}

export function withCors(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set("access-control-allow-origin", "*");
  return new Response(response.body, { status: response.status, headers });
}
"#,
        ),
        "validate" => o.block(
            r#"
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function validateName(raw: string): string | null {
  const name = decodeURIComponent(raw).toLowerCase();
  return NAME.test(name) ? name : null;
}

export function validateQty(qty: unknown): number {
  return typeof qty === "number" && Number.isInteger(qty) ? qty : 1;
}
"#,
        ),
        "format" => o.block(
            r#"
export function clampQty(n: number): number {
  return Math.max(0, Math.min(10_000, Math.trunc(n)));
}

export function clampLimit(n: number): number {
  return Math.max(1, Math.min(500, Math.trunc(n)));
}
"#,
        ),
        "metrics" => o.block(
            r#"
import type { Env } from "./types";

const buffer: { section: string; ms: number }[] = [];

export async function recordRequest(env: Env, section: string, ms: number): Promise<void> {
  buffer.push({ section, ms });
  if (buffer.length > 100) {
    await flushMetrics(env);
  }
}

export async function flushMetrics(env: Env): Promise<void> {
  const batch = buffer.splice(0, buffer.length);
  if (batch.length > 0) {
    await env.CACHE.put(`metrics:${Date.now()}`, JSON.stringify(batch));
  }
}
"#,
        ),
        _ => o.block(
            r#"
import type { Env } from "./types";

export type SqlValue = string | number | null;
"#,
        ),
    }
    let mut k = 0;
    while o.lines + 8 < target_lines {
        lib_block(&mut o, p, module, k, rng.range(0, 4));
        k += 1;
    }
    o
}

/// One top-level item of a plain module (7 to 22 lines).
fn lib_block(o: &mut Out, p: &str, module: &str, k: usize, which: usize) {
    let m = module;
    let block = match which {
        0 => format!(
            r#"
export interface {p}{m}Record{k} {{
  id: string;
  createdAt: number;
  updatedAt: number;
  owner: string;
  labels: string[];
  status: "open" | "closed" | "archived";
  attempts: number;
}}
"#
        ),
        1 => format!(
            r#"
export function {m}Score{k}(values: number[], weight = {}): number {{
  let total = 0;
  for (const [index, value] of values.entries()) {{
    if (Number.isNaN(value)) {{
      continue;
    }}
    total += value * weight / (index + 1);
  }}
  return Math.round(total * 100) / 100;
}}
"#,
            k % 9 + 1
        ),
        2 => format!(
            r#"
export const {m}Defaults{k} = {{
  retries: {},
  backoffMs: {},
  region: "weur",
  tags: ["{m}", "{p}", "v{k}"],
}} as const;
"#,
            k % 5 + 1,
            (k % 8 + 1) * 250
        ),
        3 => format!(
            r#"
export class {p}{m}Cache{k}<T> {{
  private entries = new Map<string, {{ value: T; expires: number }}>();

  constructor(private readonly ttlMs = {}) {{}}

  get(key: string): T | undefined {{
    const hit = this.entries.get(key);
    if (!hit || hit.expires < Date.now()) {{
      this.entries.delete(key);
      return undefined;
    }}
    return hit.value;
  }}

  set(key: string, value: T): void {{
    this.entries.set(key, {{ value, expires: Date.now() + this.ttlMs }});
  }}
}}
"#,
            (k % 6 + 1) * 1000
        ),
        _ => format!(
            r#"
export async function {m}Retry{k}<T>(run: () => Promise<T>, attempts = {}): Promise<T> {{
  let last: unknown;
  for (let i = 0; i < attempts; i++) {{
    try {{
      return await run();
    }} catch (err) {{
      last = err;
      await new Promise((resolve) => setTimeout(resolve, 2 ** i * 100));
    }}
  }}
  throw new Error(`{m}Retry{k} gave up: ${{String(last)}}`);
}}
"#,
            k % 4 + 2
        ),
    };
    o.block(&block);
}

/// The big file of the per-edit measurements, with where to edit it.
pub struct BigFile {
    /// Its text.
    pub text: String,
    /// Its line count.
    pub lines: usize,
    /// Spots inside identifiers of method bodies, top to bottom.
    pub ident_spots: Vec<LineCol>,
    /// Ends of statements in method bodies, top to bottom.
    pub stmt_ends: Vec<LineCol>,
    /// Near the top: the start of the first line after the imports and the schema.
    pub top: LineCol,
}

/// A Durable Object class file of about `target_lines` lines (many RPC methods).
pub fn big_do_file(class: &str, target_lines: usize) -> BigFile {
    let mut rng = Lcg::new(0xB16);
    let o = do_class_file(class, "entries", target_lines, &mut rng);
    let top = o.text.lines().position(|l| l.starts_with("type Row")).unwrap_or(0);
    BigFile {
        lines: o.lines,
        ident_spots: o.ident_spots,
        stmt_ends: o.stmt_ends,
        top: LineCol { line: top as u32, character: 0 },
        text: o.text,
    }
}
