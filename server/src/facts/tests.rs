use proptest::prelude::*;

use super::*;
use crate::text::{language::parse, FileKind, Span};

const KINDS: [FileKind; 2] = [FileKind::TypeScript, FileKind::Tsx];

/// Facts of `src` parsed as `kind`.
fn facts_as(kind: FileKind, src: &str) -> FileFacts {
    let tree = parse(kind, src, None).expect("a source grammar parses");
    extract(&tree, src, kind)
}

/// Facts of `src`, which must give the same facts under both grammars.
fn facts(src: &str) -> FileFacts {
    let ts = facts_as(FileKind::TypeScript, src);
    let tsx = facts_as(FileKind::Tsx, src);
    assert_eq!(ts, tsx, "the TS and TSX grammars disagree");
    ts
}

/// The text a span covers.
fn at(src: &str, span: Span) -> &str {
    &src[span.start..span.end]
}

const CHAT_ROOM: &str = r#"import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

/** A chat room. */
export class ChatRoom extends DurableObject<Env> {
  #sessions = new Map<WebSocket, string>();
  private static readonly LIMIT = 100;
  protected log = (msg: string): void => console.log(msg);
  onClose = async function (code: number) {};

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {});
  }

  async fetch(request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const other = this.env.LOBBY.get(this.env.LOBBY.idFromName("main"));
    await other.announce(message);
    this.#broadcast(String(message));
  }

  async alarm() {
    setTimeout(() => this.#broadcast("tick"), 1000);
  }

  async sendMessage(text: string, { urgent, ttl }: Options = {}): Promise<void> {}

  #broadcast(text: string) {}

  get size(): number {
    return this.#sessions.size;
  }

  set size(value) {}

  static create(): ChatRoom | undefined {
    return undefined;
  }

  'quoted-name'() {}
  [Symbol.iterator]() {}
}
"#;

const WORKER: &str = r#"import { ChatRoom } from "./chat-room";
export { ChatRoom };

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const id = env.CHAT.idFromName("a");
    const stub = env.CHAT.get(id);
    await stub.sendMessage("x");
    await env.CHAT.getByName("lobby").join("me", 2);
    const other = await env.CHAT.get(env.CHAT.newUniqueId());
    other.fetch(req);
    return stub.fetch(req);
  },
} satisfies ExportedHandler<Env>;
"#;

#[test]
fn queries_compile() {
    for kind in KINDS {
        assert_eq!(super::query::oracle::compile_errors(kind), Vec::<String>::new(), "{kind:?}");
    }
}

#[test]
fn other_kinds_have_no_facts() {
    let tree = parse(FileKind::Tsx, "class A {}", None).expect("parse");
    assert_eq!(extract(&tree, "class A {}", FileKind::Jsonc), FileFacts::default());
}

#[test]
fn chat_room_snapshot() {
    // The lowered code has tests of its own (`code/tests.rs`).
    insta::assert_debug_snapshot!(FileFacts { code: Default::default(), ..facts(CHAT_ROOM) });
}

#[test]
fn worker_snapshot() {
    insta::assert_debug_snapshot!(FileFacts { code: Default::default(), ..facts(WORKER) });
}

#[test]
fn class_members() {
    let f = facts(CHAT_ROOM);
    assert_eq!(f.classes.len(), 1);
    let class = &f.classes[0];
    assert_eq!(class.name.value, "ChatRoom");
    assert!(class.exported_inline && !class.default_export);
    assert!(matches!(&class.base, Some(BaseRef::Name(n)) if n.value == "DurableObject"));
    assert!(at(CHAT_ROOM, class.span).starts_with("class ChatRoom"));
    assert!(at(CHAT_ROOM, class.body_span).starts_with('{'));

    let summary: Vec<_> =
        class.members.iter().map(|m| (m.name.value.as_str(), m.kind, m.is_static, m.is_private, m.is_async)).collect();
    use MemberKind::*;
    assert_eq!(
        summary,
        [
            ("#sessions", Field, false, true, false),
            ("LIMIT", Field, true, true, false),
            ("log", FunctionField, false, true, false),
            ("onClose", FunctionField, false, false, true),
            ("constructor", Constructor, false, false, false),
            ("fetch", Method, false, false, true),
            ("webSocketMessage", Method, false, false, true),
            ("alarm", Method, false, false, true),
            ("sendMessage", Method, false, false, true),
            ("#broadcast", Method, false, true, false),
            ("size", Getter, false, false, false),
            ("size", Setter, false, false, false),
            ("create", Method, true, false, false),
            ("quoted-name", Method, false, false, false),
        ]
    );
    for m in &class.members {
        assert_eq!(m.params.len(), m.param_names.len());
        let name = at(CHAT_ROOM, m.name.span);
        assert!(name.contains(m.name.value.as_str()), "{name}");
    }
    let ctor = &class.members[4];
    assert_eq!(ctor.param_names, ["ctx", "env"]);
    assert_eq!(ctor.params[0].value, "ctx: DurableObjectState");
    let send = &class.members[8];
    assert_eq!(send.param_names, ["text", "{ urgent, ttl }"]);
    assert_eq!(send.params[1].value, "{ urgent, ttl }: Options = {}");
    assert_eq!(send.return_type.as_deref(), Some("Promise<void>"));
    assert_eq!(class.members[2].return_type.as_deref(), Some("void"));
    assert_eq!(class.members[12].return_type.as_deref(), Some("ChatRoom | undefined"));
}

#[test]
fn class_shapes() {
    let src = r#"
class Plain {}
export default class Main extends Base {}
const Expr = class extends ns.Inner.Base {};
export const Exported = class Named {};
export abstract class Abstract extends mixin(Base) {}
class Synced extends Sync.makeDurableObject({ name: "x" }) {}
class Legacy { constructor(state, env) {} fetch(request) {} }
class Outer { method() { class Nested extends Outer {} } }
module.exports = class CommonJs {};
foo(class {});
"#;
    let f = facts_as(FileKind::TypeScript, src);
    let names: Vec<_> = f.classes.iter().map(|c| c.name.value.as_str()).collect();
    assert_eq!(
        names,
        ["Plain", "Main", "Expr", "Exported", "Abstract", "Synced", "Legacy", "Outer", "Nested", "CommonJs"]
    );
    let by_name = |n: &str| f.classes.iter().find(|c| c.name.value == n).expect(n);
    assert!(by_name("Main").default_export && !by_name("Main").exported_inline);
    assert!(by_name("Exported").exported_inline);
    assert!(at(src, by_name("Exported").span).starts_with("const Exported"));
    assert!(by_name("Abstract").exported_inline);
    assert!(!by_name("Plain").exported_inline && by_name("Plain").base.is_none());
    assert!(matches!(&by_name("Expr").base,
        Some(BaseRef::Member { object, property }) if object == "ns.Inner" && property.value == "Base"));
    for opaque in ["Abstract", "Synced"] {
        assert!(matches!(by_name(opaque).base, Some(BaseRef::Opaque(_))), "{opaque}");
    }
    let legacy = by_name("Legacy");
    assert_eq!(legacy.members[0].kind, MemberKind::Constructor);
    assert_eq!(legacy.members[0].param_names, ["state", "env"]);
    assert!(matches!(&by_name("Nested").base, Some(BaseRef::Name(n)) if n.value == "Outer"));
    assert!(f.has_commonjs_exports);
    // The same JS through the TSX grammar (the TS-only `abstract` left out).
    let js = src.replace("export abstract class", "export class");
    assert_eq!(facts_as(FileKind::Tsx, &js).classes.len(), f.classes.len());
}

#[test]
fn imports() {
    let src = r#"
import { DurableObject } from "cloudflare:workers";
import Default, * as ns from "./ns.ts";
import D2, { A as B, type C, "x-y" as XY } from '@scope/pkg';
import type { Env } from "./env";
import { type T1, type T2 } from "./types";
import "./side-effect";
import Legacy = require("legacy");
"#;
    let f = facts(src);
    let rows: Vec<_> = f
        .imports
        .iter()
        .map(|i| {
            let names: Vec<_> = i.names.iter().map(|n| format!("{}>{}", n.imported, n.local.value)).collect();
            (i.specifier.value.as_str(), names.join(" "), i.type_only)
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("cloudflare:workers", "DurableObject>DurableObject".to_owned(), false),
            ("./ns.ts", "default>Default *>ns".to_owned(), false),
            ("@scope/pkg", "default>D2 A>B C>C x-y>XY".to_owned(), false),
            ("./env", "Env>Env".to_owned(), true),
            ("./types", "T1>T1 T2>T2".to_owned(), true),
            ("./side-effect", String::new(), false),
            ("legacy", "*>Legacy".to_owned(), false),
        ]
    );
    for import in &f.imports {
        assert!(at(src, import.specifier.span).contains(import.specifier.value.as_str()));
        for name in &import.names {
            assert_eq!(at(src, name.local.span), name.local.value);
        }
    }
}

/// A compact rendering of an export.
fn export_row(e: &ExportFact) -> String {
    match e {
        ExportFact::Local { exported, local } => format!("local {} as {}", local, exported.value),
        ExportFact::From { specifier, exported, imported } => {
            format!("from {} {} as {}", specifier.value, imported, exported.value)
        }
        ExportFact::Star { specifier } => format!("star {}", specifier.value),
        ExportFact::StarAs { specifier, exported } => {
            format!("star {} as {}", specifier.value, exported.value)
        }
        ExportFact::Default { local, .. } => format!("default {local:?}"),
    }
}

#[test]
fn exports() {
    let src = r#"
export class A {}
export function f() {}
export async function* g() {}
export const c = 1, d = 2;
export let e;
export var v;
export enum Color { Red }
export const { X, Y: Z, ...rest } = make();
export const [first, second = 2] = list;
export const Agent = createAgent({ name: "a" });
const local = 1;
export { local, local as renamed };
export { Sandbox as MySandbox } from "@cloudflare/sandbox";
export { default as Def, "string name" as Str } from "./m";
export * from "./all";
export * as ns from "./ns";
export type { T } from "./types";
export type U = string;
export interface I {}
export { type V, W };
export default A;
namespace N { export const inner = 1; }
declare module "m" { export class Ambient {} }
"#;
    let f = facts_as(FileKind::TypeScript, src);
    let rows: Vec<_> = f.exports.iter().map(export_row).collect();
    assert_eq!(
        rows,
        [
            "local A as A",
            "local f as f",
            "local g as g",
            "local c as c",
            "local d as d",
            "local e as e",
            "local v as v",
            "local Color as Color",
            "local X as X",
            "local Z as Z",
            "local rest as rest",
            "local first as first",
            "local second as second",
            "local Agent as Agent",
            "local local as local",
            "local local as renamed",
            "from @cloudflare/sandbox Sandbox as MySandbox",
            "from ./m default as Def",
            "from ./m string name as Str",
            "star ./all",
            "star ./ns as ns",
            "local W as W",
            "default Some(\"A\")",
        ]
    );
    for e in &f.exports {
        if let ExportFact::Local { exported, .. } | ExportFact::From { exported, .. } = e {
            assert!(at(src, exported.span).contains(exported.value.as_str()));
        }
    }
    assert!(!f.has_commonjs_exports);
}

#[test]
fn default_exports() {
    let cases = [
        ("export default class Main extends DurableObject {}", Some("Main")),
        ("export default class extends DurableObject {}", None),
        ("export default function handler() {}", Some("handler")),
        ("export default async function () {}", None),
        ("export default app;", Some("app")),
        ("export default { fetch() {} };", None),
        ("export default new Hono();", None),
    ];
    for (src, local) in cases {
        let f = facts(src);
        assert_eq!(f.exports.len(), 1, "{src}");
        let ExportFact::Default { span, local: found } = &f.exports[0] else { panic!("{src}: {:?}", f.exports) };
        assert_eq!(found.as_deref(), local, "{src}");
        assert_eq!(*span, Span::new(0, src.len()), "{src}");
    }
}

#[test]
fn commonjs() {
    for src in ["module.exports = class X {};", "module.exports.Counter = Counter;", "exports.Counter = Counter;"] {
        assert!(facts(src).has_commonjs_exports, "{src}");
    }
    assert!(facts_as(FileKind::TypeScript, "export = Counter;").has_commonjs_exports);
    for src in ["const exports = {}; use(exports.x);", "module.exported = 1;", "x.exports = 1;"] {
        assert!(!facts(src).has_commonjs_exports, "{src}");
    }
}

#[test]
fn comments_strings_and_types_produce_nothing() {
    let src = r#"
// env.CHAT.get(id).m(); setTimeout(f, 1); class Fake extends DurableObject {}
/* import { x } from "y"; export class Hidden {} module.exports = 1; */
const s = "env.CHAT.idFromName('a') setTimeout(f)";
const t = `this.env.CHAT ${"c.env.X"}`;
interface Env { CHAT: DurableObjectNamespace<ChatRoom>; }
type Room = typeof env.CHAT;
let timer: typeof setTimeout;
function uses(env: Env["CHAT"]): ReturnType<typeof setInterval> {}
"#;
    let f = facts(src);
    assert!(f.classes.is_empty(), "{:?}", f.classes);
    assert!(f.imports.is_empty() && f.exports.is_empty() && !f.has_commonjs_exports);
    // The lowered code holds no call: they are all in comments, strings and types.
    let calls: usize = f.code.units.iter().flat_map(|u| u.code.functions.iter()).map(|f| f.calls.len as usize).sum();
    assert_eq!(calls, 0);
    assert!(f.syntax_errors.is_empty());
}

#[test]
fn syntax_errors() {
    let src = "export class Broken extends DurableObject {\n  async fetch( {\n    env.CHAT.get(\n}\n";
    for kind in KINDS {
        let f = facts_as(kind, src);
        assert!(!f.syntax_errors.is_empty(), "{kind:?}");
        for span in &f.syntax_errors {
            assert!(span.end <= src.len());
        }
    }
    assert!(facts(CHAT_ROOM).syntax_errors.is_empty());
    let many = "class { ) ".repeat(500);
    assert!(facts_as(FileKind::TypeScript, &many).syntax_errors.len() <= 100);
}

#[test]
fn half_typed_code_keeps_the_rest() {
    let src = r#"import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async ping() { return 1; }
  async broken( { this.env.
}
export default { fetch(req, env) { return env.ROOM.getByName("x").ping(); } };
"#;
    let f = facts(src);
    assert_eq!(f.imports.len(), 1);
    assert!(f.classes.iter().any(|c| c.name.value == "Room"));
    assert!(!f.syntax_errors.is_empty());
}

#[test]
fn non_ascii_text() {
    let src = "// 🎉 émoji\nconst ünïcode = \"🦀 env.X\";\nclass Ärger extends DurableObject { 名前() { return env.ÖL.idFromName(\"✓\"); } }\n";
    let f = facts(src);
    assert_eq!(f.classes[0].name.value, "Ärger");
    assert_eq!(f.classes[0].members[0].name.value, "名前");
    let properties: Vec<&str> = f
        .code
        .units
        .iter()
        .flat_map(|u| u.code.exprs.iter().map(move |e| (u, e)))
        .filter_map(|(u, e)| match e.kind {
            code::ExprKind::Member { property, .. } => Some(at(src, property.at(u.start))),
            _ => None,
        })
        .collect();
    assert_eq!(properties, ["ÖL", "idFromName"]);
}

/// Every span in `facts` lies within `len` bytes.
fn assert_spans_in_bounds(f: &FileFacts, len: usize) {
    let mut spans = Vec::new();
    for c in &f.classes {
        spans.extend([c.name.span, c.span, c.body_span]);
        if let Some(BaseRef::Name(n)) = &c.base {
            spans.push(n.span);
        }
        for m in &c.members {
            spans.extend([m.name.span, m.span]);
            spans.extend(m.params.iter().map(|p| p.span));
        }
    }
    for i in &f.imports {
        spans.push(i.specifier.span);
        spans.extend(i.names.iter().map(|n| n.local.span));
    }
    spans.extend(&f.syntax_errors);
    for span in spans {
        assert!(span.start <= span.end && span.end <= len, "{span:?} out of 0..{len}");
    }
    for unit in &f.code.units {
        assert!(unit.start <= unit.end && unit.end <= len, "unit {}..{} out of 0..{len}", unit.start, unit.end);
        if let Err(e) = unit.code.check_consistent(len - unit.start) {
            panic!("unit at {}: {e}", unit.start);
        }
    }
}

/// Source-like text: fragments of DO code glued in random order, plus arbitrary characters.
fn source_text() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "class ",
        "extends ",
        "DurableObject",
        "export ",
        "default ",
        "import ",
        "from ",
        "\"m\"",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ";",
        ",",
        ".",
        "=",
        "=>",
        "async ",
        "await ",
        "const ",
        "env",
        "this.env",
        "c.env",
        ".CHAT",
        ".get(",
        "idFromName(",
        ".getByName(",
        "stub",
        "setTimeout(",
        "globalThis.",
        "constructor",
        "#x",
        "static ",
        "get ",
        "`${",
        "'",
        "\n",
        "// ",
        "/*",
        "*/",
        "🦀",
        "é",
        "module.exports",
        " as ",
        "* ",
        "type ",
        ":",
        "<T>",
    ]);
    prop_oneof![prop::collection::vec(fragment, 0..60).prop_map(|v| v.concat()), any::<String>(),]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_and_spans_stay_in_bounds(src in source_text()) {
        for kind in KINDS {
            let f = facts_as(kind, &src);
            assert_spans_in_bounds(&f, src.len());
        }
    }

    #[test]
    fn mutated_fixtures_never_panic(
        fixture in prop::sample::select(vec![CHAT_ROOM, WORKER]),
        cut in 0usize..2000,
        insert in "[{}()\\[\\];`'\"/*a-z ]{0,4}",
    ) {
        let mut at = cut.min(fixture.len());
        while !fixture.is_char_boundary(at) {
            at -= 1;
        }
        let src = format!("{}{}{}", &fixture[..at], insert, &fixture[at..]);
        for kind in KINDS {
            assert_spans_in_bounds(&facts_as(kind, &src), src.len());
        }
    }
}

#[test]
#[ignore = "timing: cargo test --release --lib facts::tests::timing -- --ignored --nocapture"]
fn timing() {
    let big: String = std::iter::repeat_n(format!("{CHAT_ROOM}\n{WORKER}"), 60).collect();
    let small = CHAT_ROOM;
    for (name, src) in [("small", small), ("big", big.as_str())] {
        let tree = parse(FileKind::TypeScript, src, None).unwrap();
        extract(&tree, src, FileKind::TypeScript);
        let n = 50;
        let start = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(extract(&tree, src, FileKind::TypeScript));
        }
        let extract_time = start.elapsed() / n;
        let start = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(parse(FileKind::TypeScript, src, None));
        }
        let parse_time = start.elapsed() / n;
        println!("{name}: {} lines, extract {extract_time:?}, parse {parse_time:?}", src.lines().count());
    }
}

#[test]
fn only_top_level_exports_count() {
    let src = r#"
namespace N { export class InNamespace {} }
declare module "m" { export class InModule {} }
export declare class Ambient {}
"#;
    let f = facts_as(FileKind::TypeScript, src);
    let flags: Vec<_> = f.classes.iter().map(|c| (c.name.value.as_str(), c.exported_inline)).collect();
    assert_eq!(flags, [("InNamespace", false), ("InModule", false), ("Ambient", true)]);
    let rows: Vec<_> = f.exports.iter().map(export_row).collect();
    assert_eq!(rows, ["local Ambient as Ambient"]);
    assert!(at(src, f.classes[2].span).starts_with("declare class"));
}

/// Shapes that link units: class-level and module-level aliases, storage APIs through them,
/// shadowed timers, module-level variables, an env type.
const LINKED: &str = r#"import { DurableObject } from "cloudflare:workers";
const QUERY = "SELECT 1";
interface Env { ROOM: DurableObjectNamespace<Room>; }
export class Room extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.kv = ctx.storage;
    ctx.blockConcurrencyWhile(async () => { this.sql.exec(QUERY); });
  }
  async m(id: string) {
    const { ROOM } = this.env;
    const stub = ROOM.get(ROOM.idFromName(id));
    await stub.ping();
    this.kv.sql.exec(`SELECT ${id}`);
    const t = setTimeout(() => {}, 5);
    clearTimeout(t);
    setInterval(() => this.m(id), 10);
  }
}
function setTimeout(f: () => void, ms: number) { return 0; }
const later = () => setTimeout(() => {}, 1);
"#;

/// A class large enough that a syntax error in it makes fragments (`units.rs`).
fn big_class() -> &'static str {
    static BIG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIG.get_or_init(|| {
        let methods: String = (0..80)
            .map(|i| format!("  m{i}(id: string) {{\n    const s = this.env.ROOM.get(this.env.ROOM.idFromName(id));\n    s.go({i});\n    this.sql.exec(`x ${{id}}`);\n  }}\n"))
            .collect();
        format!("{LINKED}\nexport class Big extends DurableObject {{\n  sql = this.ctx.storage.sql;\n{methods}}}\n")
    })
}

/// A UTF-8 change replacing `len` bytes of `doc` from `start` (both clamped to the text and
/// moved back to char boundaries) with `insert`.
fn utf8_change(doc: &crate::text::Document, start: usize, len: usize, insert: &str) -> crate::text::TextChange {
    use crate::text::position::offset_to_line_col;
    let text = doc.text();
    let mut start = start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let enc = crate::text::PositionEncoding::Utf8;
    let range = (offset_to_line_col(doc.rope(), start, enc), offset_to_line_col(doc.rope(), end, enc));
    crate::text::TextChange { range: Some(range), text: insert.to_owned() }
}

/// A document edited at random, its facts extracted through the cache and the previous facts
/// after every edit.
fn cached_after_edits(seed: &str, edits: &[(usize, usize, String)]) -> Result<(), TestCaseError> {
    use crate::text::{Document, PositionEncoding};
    let mut doc = Document::new(FileKind::TypeScript, seed);
    let mut cache = FactsCache::default();
    let tree = doc.tree().cloned().expect("a tree");
    let mut previous = extract_cached(&tree, doc.text(), FileKind::TypeScript, Some(&mut cache), None);
    for (start, len, insert) in edits {
        doc.apply_changes(&[utf8_change(&doc, *start, *len, insert)], PositionEncoding::Utf8);
        let tree = doc.tree().cloned().expect("a tree");
        let cached = extract_cached(&tree, doc.text(), FileKind::TypeScript, Some(&mut cache), Some(previous));
        let fresh = extract(&tree, doc.text(), FileKind::TypeScript);
        // Field by field, so a failure shows the facts that differ.
        prop_assert_eq!(&cached.classes, &fresh.classes);
        prop_assert_eq!(&cached.imports, &fresh.imports);
        prop_assert_eq!(&cached.exports, &fresh.exports);
        prop_assert_eq!(&cached.env_types, &fresh.env_types);
        // The lowered code, unit by unit: what the semantic model is built from.
        prop_assert_eq!(cached.code.units.len(), fresh.code.units.len());
        for (a, b) in cached.code.units.iter().zip(&fresh.code.units) {
            prop_assert_eq!(a, b);
        }
        prop_assert_eq!(&cached, &fresh);
        previous = cached;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// After any edits, facts extracted with the cache of the previous versions are the facts
    /// extracted from scratch.
    #[test]
    fn cached_extraction_equals_fresh(
        seed in prop::sample::select(vec![CHAT_ROOM, WORKER, LINKED, big_class()]),
        edits in prop::collection::vec(
            (0usize..12000, 0usize..30, prop::sample::select(vec![
                "", "x", " ", "\n", "{", "}", "(", ")", "`", "\"", ";", "é😀", "env.", "this.", "setTimeout(f, 1);",
                "const a = this.ctx.storage;", "m() {}\n  ", "class Y {}", "export ", "this.sql = ctx.storage.sql;",
                "const { ROOM: R } = env;", "R.get(id).go();", "function setInterval() {}",
            ]).prop_map(str::to_owned)),
            1..10,
        ),
    ) {
        cached_after_edits(seed, &edits)?;
    }
}

#[test]
fn the_cache_holds_every_unit_but_class_heads() {
    let mut cache = FactsCache::default();
    let tree = parse(FileKind::TypeScript, LINKED, None).expect("a tree");
    extract_cached(&tree, LINKED, FileKind::TypeScript, Some(&mut cache), None);
    // The import, the const, the interface, the three members, the function and the last
    // const; not the class head.
    assert_eq!(cache.len(), 8);
}

/// Facts of a document whose every reparse is left pending when tree-sitter checks its budget
/// (a budget of zero), as the language server's budget leaves slow ones: extracted through
/// [`extract_contained`] while pending, else (or after `settle`) through the cache.
fn contained_after_edits(seed: &str, edits: &[(usize, usize, String, bool)]) -> Result<usize, TestCaseError> {
    use crate::text::{Document, PositionEncoding};
    let kind = FileKind::TypeScript;
    let mut doc = Document::new(kind, seed);
    let mut cache = FactsCache::default();
    let tree = doc.tree().cloned().expect("a tree");
    let mut previous = Some(extract_cached(&tree, doc.text(), kind, Some(&mut cache), None));
    let mut contained = 0;
    for (start, len, insert, settle) in edits {
        let change = utf8_change(&doc, *start, *len, insert);
        doc.apply_changes_within(&[change], PositionEncoding::Utf8, Some(std::time::Duration::ZERO));
        let text = doc.text().clone();
        let fresh_tree = parse(kind, &text, None).expect("a tree");
        let fresh = extract(&fresh_tree, &text, kind);
        if let Some((stale, edited)) = doc.pending().map(|(t, e)| (t.clone(), e)) {
            if let Some(facts) = extract_contained(&stale, &text, kind, &mut cache, &mut previous, edited) {
                contained += 1;
                assert_spans_in_bounds(&facts, text.len());
                // Where the file parses cleanly, the unit parsed on its own is the unit in the
                // file: the same facts.
                if !fresh_tree.root_node().has_error() {
                    prop_assert_eq!(&facts, &fresh);
                }
                previous = Some(facts);
                if !settle {
                    continue;
                }
            }
            doc.settle();
        }
        let tree = doc.tree().cloned().expect("a tree");
        let cached = extract_cached(&tree, &text, kind, Some(&mut cache), previous.take());
        prop_assert_eq!(&cached, &extract(&tree, &text, kind));
        previous = Some(cached);
    }
    Ok(contained)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Facts extracted while reparses are pending (the edited unit parsed on its own) have
    /// their spans in the text, are the file's facts wherever the file parses cleanly, and leave
    /// the cache such that the extraction after the reparse is the fresh one.
    #[test]
    fn contained_extraction_equals_fresh_where_the_file_parses(
        seed in prop::sample::select(vec![CHAT_ROOM, WORKER, LINKED, big_class()]),
        edits in prop::collection::vec(
            (0usize..12000, 0usize..30, prop::sample::select(vec![
                "", "x", " ", "\n", "{", "}", "(", ")", "((", "=>", "`", "\"", ";", "é😀", "env.", "this.",
                "setTimeout(f, 1);", "setTimeout((", "} m2() {", "const a = this.ctx.storage;", "m() {}\n  ",
                "class Y {}", "export ", "R.get(id).go();", "function setInterval() {}",
            ]).prop_map(str::to_owned), any::<bool>()),
            1..10,
        ),
    ) {
        contained_after_edits(seed, &edits)?;
    }
}

#[test]
fn edits_in_one_member_are_contained_and_a_half_typed_one_keeps_the_class_whole() {
    let seed = big_class();
    let class_names: Vec<String> = facts(seed).classes.iter().map(|c| c.name.value.clone()).collect();
    // Inside the body of `m40`: a clean statement, then half-typed code whose own parse has
    // errors; both are extracted from the member alone.
    let at = seed.find("s.go(40);").expect("m40") + "s.go(40);".len();
    let clean = vec![(at, 0, " this.n = 1;".to_owned(), false)];
    assert_eq!(contained_after_edits(seed, &clean).map_err(|e| e.to_string()), Ok(1));
    let half_typed = vec![(at, 0, " setTimeout((".to_owned(), false)];
    assert_eq!(contained_after_edits(seed, &half_typed).map_err(|e| e.to_string()), Ok(1));

    let text = format!("{}{}{}", &seed[..at], " setTimeout((", &seed[at..]);
    let mut stale = parse(FileKind::TypeScript, seed, None).expect("a tree");
    stale.edit(&tree_sitter::InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + " setTimeout((".len(),
        start_position: point(seed, at),
        old_end_position: point(seed, at),
        new_end_position: point(&text, at + " setTimeout((".len()),
    });
    let mut cache = FactsCache::default();
    let mut previous = None;
    let edited = at..at + " setTimeout((".len();
    let facts = extract_contained(&stale, &text, FileKind::TypeScript, &mut cache, &mut previous, edited)
        .expect("an edit inside one member body is contained");
    let big = facts.classes.iter().find(|c| c.name.value == "Big").expect("the class is still there");
    assert_eq!(big.members.len(), 81, "every member, the half-typed one included");
    assert!(big.members.iter().any(|m| m.name.value == "m40"));
    assert!(!facts.syntax_errors.is_empty() && facts.syntax_errors.iter().all(|e| e.start >= at - 200));
    let names: Vec<String> = facts.classes.iter().map(|c| c.name.value.clone()).collect();
    assert_eq!(names, class_names);
    // Every member expression of the members after the edited one is still in the lowered code.
    let next_member = at + text[at..].find("\n  m").unwrap_or(0);
    let seed_next = next_member - " setTimeout((".len();
    let uses_after = |f: &FileFacts, from: usize| {
        f.code
            .units
            .iter()
            .filter(|u| u.start >= from)
            .flat_map(|u| u.code.exprs.iter())
            .filter(|e| matches!(e.kind, code::ExprKind::Member { .. }))
            .count()
    };
    assert!(uses_after(&facts, next_member) > 0);
    assert_eq!(uses_after(&facts, next_member), uses_after(&facts_as(FileKind::TypeScript, seed), seed_next));
}

#[test]
fn edits_across_units_or_at_their_edges_are_not_contained() {
    let seed = big_class();
    let tree = parse(FileKind::TypeScript, seed, None).expect("a tree");
    let m40 = seed.find("  m40(").expect("m40");
    let m41 = seed.find("  m41(").expect("m41");
    for edited in [m40..m41 + 3, m40..m40, m41 - 1..m41 - 1] {
        let mut cache = FactsCache::default();
        let mut previous = Some(FileFacts::default());
        let contained = extract_contained(&tree, seed, FileKind::TypeScript, &mut cache, &mut previous, edited.clone());
        assert!(contained.is_none(), "{edited:?}");
        assert!(previous.is_some(), "the previous facts are left for the full extraction");
    }
}

/// The tree-sitter point of byte `offset` of `text`.
fn point(text: &str, offset: usize) -> tree_sitter::Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    tree_sitter::Point { row, column: offset - before.rfind('\n').map_or(0, |i| i + 1) }
}
