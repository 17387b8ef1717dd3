//! The fuzz harnesses: each takes any bytes and panics when an invariant breaks.
//!
//! One file serves two runners: the cargo-fuzz targets in `fuzz/fuzz_targets/` (nightly,
//! libFuzzer) link it as the `durable_lsp_fuzz` library, and `tests/fuzz_smoke.rs` (stable
//! `cargo test`) includes it with `#[path]` to run the same checks as proptest cases and to
//! replay the committed seeds and regressions. It uses only durable-lsp's public API.

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use durable_lsp::analysis::{Analysis, Finding, SeverityOverrides, WorkerContext};
use durable_lsp::config::{next_tag, read_config, replay, ConfigFormat};
use durable_lsp::facts;
use durable_lsp::index::{IndexSettings, Workspace};
use durable_lsp::text::language::parse;
use durable_lsp::text::position::{line_col_to_offset, offset_to_line_col, IndexedText};
use durable_lsp::text::{Document, FileKind, LineIndex, PositionEncoding, TextChange};

/// A harness: panics when the input breaks an invariant.
pub type Harness = fn(&[u8]);

/// Every harness by target name (the names of `fuzz/fuzz_targets/*.rs` and of the folders under
/// `fuzz/seeds/` and `fuzz/regressions/`).
pub const TARGETS: &[(&str, Harness)] = &[
    ("config_jsonc", config_jsonc),
    ("config_toml", config_toml),
    ("ts_facts", ts_facts),
    ("edit_sequence", edit_sequence),
];

/// A JSONC wrangler config: reading it, resolving its environments and replaying their
/// lifecycles never panics, and every span lies in the text on char boundaries.
pub fn config_jsonc(data: &[u8]) {
    check_config(&String::from_utf8_lossy(data), ConfigFormat::Jsonc);
}

/// [`config_jsonc`] for a TOML wrangler config.
pub fn config_toml(data: &[u8]) {
    check_config(&String::from_utf8_lossy(data), ConfigFormat::Toml);
}

fn check_config(text: &str, format: ConfigFormat) {
    let config = read_config(text, format);
    assert_spans_in(text, &config, "config");
    for env in config.resolved_envs() {
        assert_spans_in(text, &replay(&env), "lifecycle");
        if let Some(migrations) = env.migrations {
            next_tag(migrations);
        }
    }
}

/// A TS/JS source under both grammars: extracting its facts never panics, every span lies in
/// the text on char boundaries, and the lowered code of every unit is consistent (ids in their
/// arenas, spans in the text).
pub fn ts_facts(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for kind in [FileKind::TypeScript, FileKind::Tsx] {
        let tree = parse(kind, &text, None);
        assert!(tree.is_some(), "{kind:?} has a grammar, so a tree");
        let Some(tree) = tree else { continue };
        let facts = facts::extract(&tree, &text, kind);
        assert_spans_in(&text, &facts, "facts");
        for unit in &facts.code.units {
            assert!(unit.end <= text.len(), "a unit past the end of the text");
            if let Err(e) = unit.code.check_consistent(text.len() - unit.start) {
                panic!("the lowered code of the unit at {}: {e}", unit.start);
            }
        }
    }
}

/// Random `didChange` sequences through the index, as the LSP engine sends them
/// ([`Workspace::change`], then [`Analysis::update`] where the engine's debounce would fire):
/// the incrementally kept state must be the state indexed from scratch. After the last edit:
///
/// - every document's text is the text a plain string gets from the same edits;
/// - each source's facts (extracted through the unit cache) are the facts extracted afresh from
///   its tree, and the config is the config read afresh from its text;
/// - the incrementally updated findings are the findings of a fresh analysis of the same index,
///   and every finding's span lies in its file;
/// - where the incremental tree is the tree a fresh parse gives (always when that one has no
///   syntax error; error recovery may legitimately depend on the edit history), a workspace
///   opened afresh with the final texts has the same facts, Workers, semantic model (its
///   [summary](durable_lsp::sema::Model::summary) for each Worker) and findings.
///
/// With `contain`, every reparse has a budget of zero, as the language server's budget leaves
/// slow reparses pending: facts come from the edited unit parsed on its own
/// ([`facts::extract_contained`]). Before the reparses are settled, every span of the facts and
/// findings lies in its text on char boundaries; after [`Workspace::settle`], all of the above.
pub fn edit_sequence(data: &[u8]) {
    let Ok(input) = EditSequence::arbitrary_take_rest(Unstructured::new(data)) else { return };
    input.run();
}

/// The generated input of [`edit_sequence`].
#[derive(Debug, Arbitrary)]
pub struct EditSequence {
    /// A `wrangler.toml` instead of a `wrangler.jsonc`.
    toml: bool,
    /// UTF-16 positions (the LSP default) or UTF-8.
    utf16: bool,
    /// Reparses left pending (a budget of zero), facts extracted from the edited unit alone.
    contain: bool,
    /// The initial texts of the config, `src/index.ts` and `src/room.ts`.
    initial: [Initial; 3],
    /// The `didChange` notifications, in order.
    notifications: Vec<Notification>,
}

/// A file's initial text.
#[derive(Debug, Arbitrary)]
enum Initial {
    /// The file's seed (a small DO project that reaches most rules).
    Seed,
    /// Snippets glued together.
    Snippets(Vec<u8>),
    /// Anything.
    Text(String),
}

/// One `textDocument/didChange`.
#[derive(Debug, Arbitrary)]
struct Notification {
    /// Which file (modulo the three).
    file: u8,
    /// Its content changes, applied in order.
    changes: Vec<Change>,
    /// Whether the engine analyses after this notification (its debounce fired).
    analyse: bool,
}

/// One content change.
#[derive(Debug, Arbitrary)]
enum Change {
    /// Replaces the bytes from `start` (modulo the length) on, `len` of them, as the client
    /// computes the range: snapped to positions in the negotiated encoding.
    Range { start: u16, len: u8, insert: Insert },
    /// Replaces the whole document.
    Whole(Insert),
}

/// Inserted text.
#[derive(Debug, Arbitrary)]
enum Insert {
    /// A snippet of [`SNIPPETS`] (modulo their count).
    Snippet(u8),
    /// Anything.
    Text(String),
}

impl Insert {
    fn text(&self) -> &str {
        match self {
            Insert::Snippet(i) => snippet(*i),
            Insert::Text(text) => text,
        }
    }
}

fn snippet(i: u8) -> &'static str {
    SNIPPETS[usize::from(i) % SNIPPETS.len()]
}

/// Fragments of DO code and config, and the characters that stress position conversion.
const SNIPPETS: &[&str] = &[
    "",
    " ",
    "\n",
    "\r\n",
    "\r",
    "é",
    "😀",
    "名前",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "'",
    "`",
    ";",
    ",",
    "//",
    "/*",
    "*/",
    "#",
    "=",
    "export ",
    "export default ",
    "class Room extends DurableObject {",
    "class Hall extends DurableObject<Env> {}\n",
    "import { DurableObject } from \"cloudflare:workers\";\n",
    "import { Room } from \"./room\";\n",
    "export { Room } from \"./room\";\n",
    "export { Room };\n",
    "async alarm() { setTimeout(() => {}, 1); }\n",
    "constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); }\n",
    "this.ctx.storage.sql.exec(`SELECT ${x}`);",
    "await this.ctx.storage.put(\"k\", 1);",
    "this.ctx.blockConcurrencyWhile(async () => {});",
    "env.ROOM.get(env.ROOM.idFromName(\"a\")).ping();",
    "env.ROOM.getByName(\"lobby\").fetch(req);",
    "const { ROOM } = env;",
    "interface Env { ROOM: DurableObjectNamespace<Room>; }\n",
    "\"durable_objects\": { \"bindings\": [{ \"name\": \"ROOM\", \"class_name\": \"Room\" }] },",
    "{ \"tag\": \"v2\", \"renamed_classes\": [{ \"from\": \"Room\", \"to\": \"Hall\" }] },",
    "\"new_sqlite_classes\": [\"Hall\"]",
    "[[durable_objects.bindings]]\nname = \"ROOM\"\nclass_name = \"Room\"\n",
    "[[migrations]]\ntag = \"v2\"\nnew_classes = [\"Hall\"]\n",
    "[env.staging]\n",
    "main = \"src/index.ts\"\n",
    "// durable-lsp-disable-next-line\n",
];

/// The virtual folder of the Worker (it is never read: every file is open).
const ROOT: &str = "/durable-lsp-fuzz";

const SEED_JSONC: &str = r#"{
  // the chat Worker
  "name": "chat",
  "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],
}
"#;

const SEED_TOML: &str = r#"name = "chat"
main = "src/index.ts"

[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]
"#;

const SEED_INDEX: &str = "import { Room } from \"./room\";\r\nexport { Room };\n\nexport default {\n  async fetch(req: Request, env: Env): Promise<Response> {\n    const stub = env.ROOM.getByName(\"lobby\");\n    await stub.join(\"😀 é\");\n    return stub.fetch(req);\n  },\n} satisfies ExportedHandler<Env>;\n";

const SEED_ROOM: &str = r#"import { DurableObject } from "cloudflare:workers";

interface Env { ROOM: DurableObjectNamespace<Room>; }

/** A room: «chat» 💬 */
export class Room extends DurableObject<Env> {
  sql = this.ctx.storage.sql;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => { this.sql.exec("CREATE TABLE IF NOT EXISTS m (t TEXT)"); });
  }
  async join(name: string) {
    this.sql.exec(`INSERT INTO m VALUES ('${name}')`);
    setTimeout(() => this.alarm(), 10);
  }
  async alarm() {
    const other = this.env.ROOM.get(this.env.ROOM.idFromName("x"));
    await other.join("again");
  }
}
"#;

impl EditSequence {
    fn paths(&self) -> [PathBuf; 3] {
        let config = if self.toml { "wrangler.toml" } else { "wrangler.jsonc" };
        [config, "src/index.ts", "src/room.ts"].map(|p| Path::new(ROOT).join(p))
    }

    fn initial_texts(&self) -> [String; 3] {
        let seeds = [if self.toml { SEED_TOML } else { SEED_JSONC }, SEED_INDEX, SEED_ROOM];
        let mut texts = seeds.map(str::to_owned);
        for (text, initial) in texts.iter_mut().zip(&self.initial) {
            match initial {
                Initial::Seed => {}
                Initial::Snippets(list) => *text = list.iter().map(|&i| snippet(i)).collect(),
                Initial::Text(t) => t.clone_into(text),
            }
        }
        texts
    }

    fn run(&self) {
        let encoding = if self.utf16 { PositionEncoding::Utf16 } else { PositionEncoding::Utf8 };
        let paths = self.paths();
        let mut texts = self.initial_texts();
        let mut ws = open_all(&paths, &texts);
        if self.contain {
            let budget = Some(std::time::Duration::ZERO);
            ws.set_settings(IndexSettings { reparse_budget: budget, ..ws.settings().clone() });
        }
        let mut analysis = Analysis::default();
        analysis.update(&mut ws);
        for (version, notification) in (1..).zip(&self.notifications) {
            let file = usize::from(notification.file) % paths.len();
            let changes: Vec<TextChange> =
                notification.changes.iter().map(|c| client_edit(&mut texts[file], c, encoding)).collect();
            assert!(ws.change(&paths[file], &changes, version, encoding), "the document is open");
            if notification.analyse {
                analysis.update(&mut ws);
            }
        }
        analysis.update(&mut ws);
        settle_and_check(&mut ws, &mut analysis, &paths, &texts);
    }
}

/// Types `setTimeout(() => {}, 1);` one character at a time, then deletes it the same way, at
/// the end of each statement of the room's `join` and `alarm` methods, with every reparse left
/// pending (a budget of zero), analysing after each keystroke: the checks of
/// [`edit_sequence`] with `contain`, after every keystroke, and the `set-timeout` finding
/// appears while the call is typed, from facts extracted while the reparse is pending.
pub fn typing_with_pending_reparses() {
    let input = EditSequence {
        toml: false,
        utf16: true,
        contain: true,
        initial: [Initial::Seed, Initial::Seed, Initial::Seed],
        notifications: Vec::new(),
    };
    let paths = input.paths();
    let mut texts = input.initial_texts();
    let mut ws = open_all(&paths, &texts);
    ws.set_settings(IndexSettings { reparse_budget: Some(std::time::Duration::ZERO), ..ws.settings().clone() });
    let mut analysis = Analysis::default();
    analysis.update(&mut ws);
    let typed = " setTimeout(() => {}, 1);";
    let spots = ["('${name}')`);", "idFromName(\"x\"));"];
    let (mut version, mut pending_seen, mut timer_seen) = (0, 0, false);
    for spot in spots {
        let at = texts[2].find(spot).expect("a statement of the seed") + spot.len();
        let typing = (0..typed.len()).map(|i| (at + i, 0, &typed[i..=i]));
        let deleting = (0..typed.len()).rev().map(|i| (at + i, 1, ""));
        for (start, len, insert) in typing.chain(deleting) {
            let change = Change::Range { start: start as u16, len, insert: Insert::Text(insert.to_owned()) };
            let change = client_edit(&mut texts[2], &change, PositionEncoding::Utf16);
            version += 1;
            assert!(ws.change(&paths[2], &[change], version, PositionEncoding::Utf16));
            pending_seen += usize::from(ws.has_pending());
            analysis.update(&mut ws);
            check_pending(&ws, &analysis, &paths, &texts);
            let timers = analysis.findings(&paths[2]).iter().filter(|f| f.rule == "set-timeout-in-durable-object");
            timer_seen |= timers.count() > 1;
        }
    }
    assert!(pending_seen > 2 * typed.len(), "most keystrokes were extracted while pending: {pending_seen}");
    assert!(timer_seen, "a second set-timeout finding, for the call typed, while reparses were pending");
    settle_and_check(&mut ws, &mut analysis, &paths, &texts);
}

/// While reparses are pending: the texts are the client's, and every span of the facts and
/// findings lies in its text on char boundaries.
fn check_pending(ws: &Workspace, analysis: &Analysis, paths: &[PathBuf], texts: &[String]) {
    for (path, text) in paths.iter().zip(texts) {
        assert_eq!(ws.text(path).as_deref(), Some(text.as_str()), "{}: the text", path.display());
        if let Some(source) = ws.source(path) {
            assert_spans_in(text, &source.facts, "facts extracted while the reparse is pending");
        }
    }
    for finding in findings(analysis) {
        let text = ws.text(&finding.location.path).unwrap_or_default();
        assert_spans_in(&text, &finding.location.span, "a finding while the reparse is pending");
    }
}

/// [`check_pending`], then the pending reparses settled and [`check_against_fresh`].
fn settle_and_check(ws: &mut Workspace, analysis: &mut Analysis, paths: &[PathBuf], texts: &[String]) {
    if ws.has_pending() {
        check_pending(ws, analysis, paths, texts);
        assert!(ws.settle());
        analysis.update(ws);
    }
    check_against_fresh(ws, analysis, paths, texts);
}

/// Opens the files in a new workspace, as an editor does.
fn open_all(paths: &[PathBuf], texts: &[String]) -> Workspace {
    let mut ws = Workspace::default();
    for (path, text) in paths.iter().zip(texts) {
        ws.open(path, text, 0);
    }
    ws
}

/// Applies `change` to the client's copy of the text, a plain string, and returns the change as
/// the client sends it.
fn client_edit(text: &mut String, change: &Change, encoding: PositionEncoding) -> TextChange {
    let (start, len, insert) = match change {
        Change::Whole(insert) => {
            insert.text().clone_into(text);
            return TextChange { range: None, text: text.clone() };
        }
        Change::Range { start, len, insert } => (usize::from(*start), usize::from(*len), insert.text()),
    };
    let index = LineIndex::new(text);
    let lines = IndexedText { text, index: &index };
    let start = start % (text.len() + 1);
    let end = (start + len).min(text.len());
    let a = offset_to_line_col(&lines, start, encoding);
    let b = offset_to_line_col(&lines, end, encoding);
    let from = line_col_to_offset(&lines, a, encoding);
    let to = line_col_to_offset(&lines, b, encoding);
    text.replace_range(from..to, insert);
    TextChange { range: Some((a, b)), text: insert.to_owned() }
}

/// The checks [`edit_sequence`] documents.
fn check_against_fresh(ws: &mut Workspace, analysis: &Analysis, paths: &[PathBuf], texts: &[String]) {
    let format =
        if paths[0].extension().is_some_and(|e| e == "toml") { ConfigFormat::Toml } else { ConfigFormat::Jsonc };
    let config = ws.config_file(&paths[0]).map(|c| c.config.clone());
    assert_eq!(config.as_deref(), Some(&read_config(&texts[0], format)), "the config is the config read afresh");
    let fresh_ws = open_all(paths, texts);
    let mut same_trees = true;
    for (path, text) in paths.iter().zip(texts) {
        let document = ws.open_document(path).map(|d| &d.document);
        assert_eq!(document.map(|d| &**d.text()), Some(text.as_str()), "{}: the text", path.display());
        let Some(document) = document else { continue };
        let fresh = Document::new(document.kind(), text);
        let trees_agree = sexp(document) == sexp(&fresh);
        assert!(trees_agree || fresh.tree().is_none_or(|t| t.root_node().has_error()), "{}: the tree", path.display());
        same_trees &= trees_agree;
        let (Some(source), Some(tree)) = (ws.source(path), document.tree()) else { continue };
        assert_eq!(*source.facts, facts::extract(tree, text, document.kind()), "{}: cached facts", path.display());
        if trees_agree {
            let fresh_facts = fresh_ws.source(path).map(|s| s.facts.clone());
            assert_eq!(Some(&source.facts), fresh_facts.as_ref(), "{}: facts of a fresh index", path.display());
        }
    }
    let incremental = findings(analysis);
    for finding in &incremental {
        let locations = std::iter::once(&finding.location).chain(finding.related.iter().map(|r| &r.location));
        for location in locations {
            let len = ws.text(&location.path).map_or(0, |t| t.len());
            assert!(location.span.end <= len, "{finding:?} lies outside its file ({len} bytes)");
        }
    }
    if same_trees {
        let mut fresh_ws = fresh_ws;
        let mut fresh_analysis = Analysis::default();
        fresh_analysis.update(&mut fresh_ws);
        assert_eq!(ws.workers().collect::<Vec<_>>(), fresh_ws.workers().collect::<Vec<_>>(), "the Workers");
        for worker in ws.workers() {
            let model = |ws: &Workspace| {
                let overrides = SeverityOverrides::default();
                ws.workers()
                    .find(|w| w.config_path == worker.config_path)
                    .map(|w| WorkerContext::new(ws, w, &overrides).model().summary())
            };
            assert_eq!(model(ws), model(&fresh_ws), "{}: the model of a fresh index", worker.config_path.display());
        }
        assert_eq!(incremental, findings(&fresh_analysis), "the findings of a fresh index");
    }
    // Every Worker dirty, then a fresh analysis of the same index: what dirty tracking missed.
    ws.set_settings(ws.settings().clone());
    let mut reanalysed = Analysis::default();
    reanalysed.update(ws);
    assert_eq!(incremental, findings(&reanalysed), "the findings of a fresh analysis");
}

fn findings(analysis: &Analysis) -> Vec<Finding> {
    analysis.all().into_iter().cloned().collect()
}

/// Every node of a document's tree with its kind and byte range, in pre-order: two trees are
/// the same when these agree.
fn sexp(doc: &Document) -> Vec<(u16, usize, usize)> {
    let mut out = Vec::new();
    let Some(tree) = doc.tree() else { return out };
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        out.push((node.kind_id(), node.start_byte(), node.end_byte()));
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

/// Asserts that every `Span` in `value` lies in `text` on char boundaries. It reads the spans
/// off the `Debug` rendering, so it covers every field of the model, including fields added
/// later.
fn assert_spans_in(text: &str, value: &impl std::fmt::Debug, what: &str) {
    let rendered = format!("{value:?}");
    for (start, end) in debug_spans(&rendered) {
        assert!(start <= end && end <= text.len(), "{what}: span {start}..{end} out of 0..{}", text.len());
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{what}: span {start}..{end} splits a char"
        );
    }
}

/// The `Span { start: a, end: b }` in a `Debug` rendering, outside string literals.
fn debug_spans(rendered: &str) -> Vec<(usize, usize)> {
    const OPEN: &str = "Span { start: ";
    let mut out = Vec::new();
    let mut rest = rendered;
    loop {
        let quote = rest.find('"');
        let span = rest.find(OPEN).filter(|&s| !rest[..s].ends_with(|c: char| c.is_alphanumeric()));
        match (quote, span) {
            (Some(q), s) if s.is_none_or(|s| q < s) => rest = after_string(&rest[q + 1..]),
            (_, Some(s)) => {
                rest = &rest[s + OPEN.len()..];
                let (start, tail) = leading_number(rest);
                let (end, _) = leading_number(tail.strip_prefix(", end: ").unwrap_or(""));
                assert!(start.is_some() && end.is_some(), "a Span renders as `Span {{ start: a, end: b }}`");
                out.extend(start.zip(end));
            }
            _ => return out,
        }
    }
}

/// The rest after a `Debug` string literal whose opening quote was just read.
fn after_string(s: &str) -> &str {
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return &s[i + 1..],
            _ => {}
        }
    }
    ""
}

fn leading_number(s: &str) -> (Option<usize>, &str) {
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    (s[..digits].parse().ok(), &s[digits..])
}
