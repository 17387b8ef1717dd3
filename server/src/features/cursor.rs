//! Cursor context: what the text around a byte offset is, for completion, hover and navigation.
//!
//! Code is read backwards from the cursor (a half-typed `env.` leaves the tree broken there),
//! with the tree used to find the declaration of a variable; configs are read through the
//! format-neutral value tree, so JSONC and TOML share one walk.

use tree_sitter::{Node, Tree};

use crate::config::{Member, Value, ValueKind};
use crate::facts::FileFacts;
use crate::text::Span;

/// A step of the key path from a config's root to the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// What the cursor touches in a config's value tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfigSpot<'a> {
    /// A key (the path ends with it).
    Key(&'a Member),
    /// A scalar value (string, number, bool, or an unreadable value).
    Value(&'a Value),
    /// The inside of an object or array, between its entries.
    Between(&'a Value),
}

/// Where the cursor stands in a config.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigCursor<'a> {
    /// Keys and indexes from the root to the spot.
    pub path: Vec<PathStep>,
    /// What the cursor touches.
    pub spot: ConfigSpot<'a>,
}

impl ConfigCursor<'_> {
    /// True when the path ends with `tail` (`None` matches any index).
    pub fn ends_with(&self, tail: &[Option<&str>]) -> bool {
        self.path.len() >= tail.len()
            && self.path[self.path.len() - tail.len()..].iter().zip(tail).all(|(step, want)| match (step, want) {
                (PathStep::Key(k), Some(w)) => k == w,
                (PathStep::Index(_), None) => true,
                _ => false,
            })
    }

    /// The key at `depth` from the end (0: the last step), if it is a key.
    pub fn key_back(&self, depth: usize) -> Option<&str> {
        match self.path.len().checked_sub(depth + 1).and_then(|i| self.path.get(i)) {
            Some(PathStep::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// The index at `depth` from the end, if it is an index.
    pub fn index_back(&self, depth: usize) -> Option<usize> {
        match self.path.len().checked_sub(depth + 1).and_then(|i| self.path.get(i)) {
            Some(PathStep::Index(i)) => Some(*i),
            _ => None,
        }
    }

    /// The `env.<name>` section the cursor is in (`None`: the top level).
    pub fn env_name(&self) -> Option<&str> {
        match self.path.as_slice() {
            [PathStep::Key(env), PathStep::Key(name), _, ..] if env == "env" => Some(name),
            _ => None,
        }
    }

    /// The path with the `env.<name>` prefix removed.
    pub fn section_path(&self) -> &[PathStep] {
        if self.env_name().is_some() {
            &self.path[2..]
        } else {
            &self.path
        }
    }
}

/// Walks a config's value tree down to the innermost entry at `offset`.
pub fn config_cursor(root: &Value, offset: usize) -> ConfigCursor<'_> {
    let mut path = Vec::new();
    let mut value = root;
    loop {
        match &value.kind {
            ValueKind::Object(members) => {
                if let Some(member) = members.iter().find(|m| m.key.span.touches(offset)) {
                    path.push(PathStep::Key(member.key.value.clone()));
                    return ConfigCursor { path, spot: ConfigSpot::Key(member) };
                }
                match members.iter().find(|m| value_contains(&m.value, offset)) {
                    Some(member) => {
                        path.push(PathStep::Key(member.key.value.clone()));
                        value = &member.value;
                    }
                    None => return ConfigCursor { path, spot: ConfigSpot::Between(value) },
                }
            }
            ValueKind::Array(items) => match items.iter().position(|v| value_contains(v, offset)) {
                Some(i) => {
                    path.push(PathStep::Index(i));
                    value = &items[i];
                }
                None => return ConfigCursor { path, spot: ConfigSpot::Between(value) },
            },
            _ => return ConfigCursor { path, spot: ConfigSpot::Value(value) },
        }
    }
}

/// True when the cursor is in `value`: strictly inside a string's quotes, anywhere in the rest.
fn value_contains(value: &Value, offset: usize) -> bool {
    match value.kind {
        ValueKind::String(_) => value.span.start < offset && offset < value.span.end,
        _ => value.span.touches(offset),
    }
}

/// The span of a config string's content (inside its quotes), or `span` itself when unquoted.
pub fn string_content(text: &str, span: Span) -> Span {
    let quoted = |at: usize| matches!(text.as_bytes().get(at), Some(b'"' | b'\''));
    if span.len() >= 2 && quoted(span.start) && quoted(span.end - 1) {
        Span::new(span.start + 1, span.end - 1)
    } else if !span.is_empty() && quoted(span.start) {
        // An unterminated string: up to the end of its span.
        Span::new(span.start + 1, span.end)
    } else {
        span
    }
}

/// What the code before the cursor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeContext {
    /// `env.|`, `this.env.|`, `c.env.|`: the Worker's bindings.
    EnvMember,
    /// `env.X.|` (or a variable holding it): a namespace's methods.
    NamespaceMember {
        /// `X`.
        binding: String,
    },
    /// `stub.|`, a stub made by `env.X.get(id)` / `getByName(name)`.
    StubMember {
        /// `X`.
        binding: String,
    },
    /// The string of `locationHint: "|"`.
    LocationHint,
    /// The string of `jurisdiction: "|"` or `.jurisdiction("|")`.
    Jurisdiction,
    /// A class body where a member may start.
    ClassBody {
        /// Index into `FileFacts::classes`.
        class: usize,
    },
}

/// A code context with the text that a completion replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCursor {
    /// What the cursor is in.
    pub context: CodeContext,
    /// The word being typed (empty at `env.|`), up to the end of the word under the cursor.
    pub replace: Span,
}

/// The context of `offset` in a TS/JS file. `tree` is the file's tree (for declarations).
pub fn code_context(text: &str, tree: Option<&Tree>, facts: &FileFacts, offset: usize) -> Option<CodeCursor> {
    let offset = floor_boundary(text, offset);
    if let Some(string) = string_at(text, offset) {
        let context = match string.key.as_str() {
            "locationHint" => CodeContext::LocationHint,
            "jurisdiction" => CodeContext::Jurisdiction,
            _ => return None,
        };
        return Some(CodeCursor { context, replace: string.word });
    }
    let start = word_start(text, offset);
    let replace = Span::new(start, word_end(text, offset));
    if let Some(dot) = member_dot(text, start) {
        let links = chain_before(text, dot)?;
        let context = classify_chain(text, tree, facts, &links, dot, 0)?;
        return Some(CodeCursor { context, replace });
    }
    let class = class_body_at(text, facts, start, offset)?;
    Some(CodeCursor { context: CodeContext::ClassBody { class }, replace })
}

/// A string literal around the cursor, with the key or call it is the value of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringAt {
    /// `locationHint` in `locationHint: "x"`, `jurisdiction` in `.jurisdiction("x")`; else empty.
    pub key: String,
    /// The string's content so far.
    pub content: Span,
    /// The word under the cursor inside the string (letters, digits, `-`).
    pub word: Span,
}

/// The string literal (on one line) that contains `offset`, if any.
pub fn string_at(text: &str, offset: usize) -> Option<StringAt> {
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let bytes = text.as_bytes();
    let mut open: Option<(usize, u8)> = None;
    let mut i = line_start;
    while i < offset {
        let b = bytes[i];
        match open {
            Some(_) if b == b'\\' => i += 1,
            Some((_, quote)) if b == quote => open = None,
            Some(_) => {}
            None if b == b'/' && bytes.get(i + 1) == Some(&b'/') => return None,
            None if matches!(b, b'"' | b'\'' | b'`') => open = Some((i, b)),
            None => {}
        }
        i += 1;
    }
    let (quote_at, quote) = open?;
    let content_end = text[offset..].bytes().position(|b| b == quote || b == b'\n').map_or(text.len(), |n| offset + n);
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let typed = &text[quote_at + 1..offset];
    let word_start = quote_at + 1 + typed.trim_end_matches(is_word).len();
    let word_end = text[offset..content_end].find(|c: char| !is_word(c)).map_or(content_end, |n| offset + n);
    let before = text[..quote_at].trim_end();
    let key = if let Some(rest) = before.strip_suffix(':') {
        let rest = rest.trim_end().trim_end_matches(['"', '\'']);
        rest[word_start_of(rest)..].to_string()
    } else if let Some(rest) = before.strip_suffix('(') {
        let rest = rest.trim_end();
        let name = &rest[word_start_of(rest)..];
        let called_as_method = rest[..rest.len() - name.len()].trim_end().ends_with('.');
        if called_as_method {
            name.to_string()
        } else {
            String::new()
        }
    } else {
        String::new()
    };
    Some(StringAt { key, content: Span::new(quote_at + 1, content_end), word: Span::new(word_start, word_end) })
}

/// One link of a member chain: `get(id)` in `env.X.get(id)`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    name: String,
    call: bool,
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn word_start_of(text: &str) -> usize {
    text.rfind(|c: char| !is_ident_char(c)).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8))
}

/// The start of the identifier that ends at `offset`.
fn word_start(text: &str, offset: usize) -> usize {
    word_start_of(&text[..offset])
}

/// The end of the identifier that continues after `offset`.
fn word_end(text: &str, offset: usize) -> usize {
    text[offset..].find(|c: char| !is_ident_char(c)).map_or(text.len(), |n| offset + n)
}

/// The offset of the `.` (or `?.`) just before `start`, spaces allowed around it.
fn member_dot(text: &str, start: usize) -> Option<usize> {
    let before = text[..start].trim_end();
    let before = before.strip_suffix('.')?;
    let before = before.strip_suffix('?').unwrap_or(before);
    // `1.` is a number; `..` a spread.
    if before.ends_with('.') {
        return None;
    }
    Some(before.len())
}

/// Reads the member chain that ends at `end` backwards: `this.env.X.get(id)` -> this, env, X, get().
/// A parenthesised start (`(await env.X.get(id))`) is read through.
fn chain_before(text: &str, end: usize) -> Option<Vec<Link>> {
    let mut links = Vec::new();
    let mut i = end;
    loop {
        let mut rest = text[..i].trim_end();
        rest = rest.strip_suffix('!').unwrap_or(rest);
        let mut call = false;
        if rest.ends_with(')') {
            let open = matching_open(rest)?;
            let callee = rest[..open].trim_end();
            let name_start = word_start_of(callee);
            if name_start == callee.len() {
                // A parenthesised expression: the chain inside starts this one.
                let inner = rest[open + 1..rest.len() - 1].trim();
                let inner = inner.strip_prefix("await ").map_or(inner, str::trim_start);
                let mut inner_links = chain_before(inner, inner.len())?;
                inner_links.extend(links.into_iter().rev());
                return Some(inner_links);
            }
            call = true;
            rest = callee;
        }
        let name_start = word_start_of(rest);
        let name = &rest[name_start..];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        links.push(Link { name: name.to_string(), call });
        let before = rest[..name_start].trim_end();
        match before.strip_suffix('.') {
            Some(b) => i = b.strip_suffix('?').unwrap_or(b).len(),
            None => break,
        }
    }
    links.reverse();
    Some(links)
}

/// The offset of the `(` matching the `)` that ends `text`.
fn matching_open(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// How many leading links reach `env`: `env` (1), `this.env` / `c.env` (2).
fn env_prefix(links: &[Link]) -> Option<usize> {
    match links {
        [first, ..] if first.name == "env" && !first.call => Some(1),
        [first, second, ..] if second.name == "env" && !first.call && !second.call => Some(2),
        _ => None,
    }
}

/// Classifies the receiver chain before the dot at `dot`.
fn classify_chain(
    text: &str,
    tree: Option<&Tree>,
    facts: &FileFacts,
    links: &[Link],
    dot: usize,
    depth: usize,
) -> Option<CodeContext> {
    if let Some(p) = env_prefix(links) {
        let rest = &links[p..];
        return match rest {
            [] => Some(CodeContext::EnvMember),
            [ns, tail @ ..] if !ns.call => namespace_tail(&ns.name, tail),
            _ => None,
        };
    }
    // `X.` where `const { X } = env`: the lowered code knows what `X` is bound to.
    if let [only] = links {
        if !only.call {
            if let Some(binding) = destructured_binding(text, facts, dot) {
                return Some(CodeContext::NamespaceMember { binding });
            }
        }
    }
    // A variable: classify what its declaration assigns.
    let [first, tail @ ..] = links else { return None };
    if first.call || depth > 3 {
        return None;
    }
    let value_end = declared_value_end(text, tree?, &first.name, dot)?;
    let inner = chain_before(text, value_end)?;
    match classify_chain(text, tree, facts, &inner, value_end, depth + 1)? {
        CodeContext::NamespaceMember { binding } => namespace_tail(&binding, tail),
        CodeContext::StubMember { binding } if tail.is_empty() => Some(CodeContext::StubMember { binding }),
        _ => None,
    }
}

/// The binding `X` names when the identifier ending at `end` is a local of
/// `const { X } = env` (also `this.env`, `c.env`), or `const { K: x } = env` (`K`).
fn destructured_binding(text: &str, facts: &FileFacts, end: usize) -> Option<String> {
    use crate::facts::code::{ExprKind, PathStep, Res};
    let code = &facts.code;
    let unit = code.units.get(code.unit_at(end.saturating_sub(1))?)?;
    let ident =
        unit.code.exprs.iter().find(|e| e.span.at(unit.start).end == end && matches!(e.kind, ExprKind::Ident(_)))?;
    let ExprKind::Ident(Res::Local(id)) = ident.kind else { return None };
    let symbol = unit.code.symbol(id)?;
    let [PathStep::Key(key)] = unit.code.path_of(symbol) else { return None };
    let init = unit.code.expr(symbol.init?)?.span.at(unit.start);
    let init = text.get(init.start..init.end)?.trim();
    if init != "env" && !init.ends_with(".env") {
        return None;
    }
    let key = key.at(unit.start);
    text.get(key.start..key.end).map(str::to_owned)
}

/// What `<namespace X>.<tail>.` is: a namespace (`jurisdiction(j)` keeps it one) or a stub.
fn namespace_tail(binding: &str, tail: &[Link]) -> Option<CodeContext> {
    let binding = binding.to_string();
    match tail {
        [] => Some(CodeContext::NamespaceMember { binding }),
        [j] if j.call && j.name == "jurisdiction" => Some(CodeContext::NamespaceMember { binding }),
        [get] if get.call && is_stub_getter(&get.name) => Some(CodeContext::StubMember { binding }),
        [j, get] if j.call && j.name == "jurisdiction" && get.call && is_stub_getter(&get.name) => {
            Some(CodeContext::StubMember { binding })
        }
        _ => None,
    }
}

fn is_stub_getter(name: &str) -> bool {
    matches!(name, "get" | "getByName")
}

/// The end of the value of the last `const/let/var name = value` declared before `before`.
fn declared_value_end(text: &str, tree: &Tree, name: &str, before: usize) -> Option<usize> {
    let mut best: Option<Node<'_>> = None;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= before {
            continue;
        }
        if node.kind() == "variable_declarator" {
            let named = node.child_by_field_name("name").is_some_and(|n| text.get(n.byte_range()) == Some(name));
            if named && best.is_none_or(|b| b.start_byte() < node.start_byte()) {
                best = Some(node);
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    Some(best?.child_by_field_name("value")?.end_byte())
}

/// The innermost class whose body holds the cursor at the start of a member (not inside one).
fn class_body_at(text: &str, facts: &FileFacts, start: usize, offset: usize) -> Option<usize> {
    let (index, class) = facts
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.body_span.start < start && offset < c.body_span.end)
        .min_by_key(|(_, c)| c.body_span.len())?;
    let inside_member =
        class.members.iter().any(|m| m.span.start < start && offset < m.span.end && !m.name.span.touches(offset));
    if inside_member {
        return None;
    }
    let line_start = text[..start].rfind(['\n', '{', ';', '}']).map_or(0, |i| i + 1);
    let lead = text[line_start..start].trim();
    if !(lead.is_empty() || lead == "async") {
        return None;
    }
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{read_config, ConfigFormat};
    use crate::text::language::{parse, FileKind};

    /// Splits `$0` out of a fixture: (text, offset).
    fn cursor(fixture: &str) -> (String, usize) {
        let at = fixture.find("$0").unwrap_or_else(|| panic!("no $0 in {fixture}"));
        (fixture.replacen("$0", "", 1), at)
    }

    fn code(fixture: &str) -> Option<CodeContext> {
        let (text, offset) = cursor(fixture);
        let tree = parse(FileKind::TypeScript, &text, None);
        let facts = tree.as_ref().map(|t| crate::facts::extract(t, &text, FileKind::TypeScript)).unwrap_or_default();
        code_context(&text, tree.as_ref(), &facts, offset).map(|c| c.context)
    }

    fn ns(b: &str) -> Option<CodeContext> {
        Some(CodeContext::NamespaceMember { binding: b.to_string() })
    }

    fn stub(b: &str) -> Option<CodeContext> {
        Some(CodeContext::StubMember { binding: b.to_string() })
    }

    #[test]
    fn env_members() {
        assert_eq!(code("function f(env: Env) { env.$0 }"), Some(CodeContext::EnvMember));
        assert_eq!(code("function f(env: Env) { env.CH$0 }"), Some(CodeContext::EnvMember));
        assert_eq!(code("class A { m() { this.env.$0 } }"), Some(CodeContext::EnvMember));
        assert_eq!(code("app.get('/', (c) => c.env.$0)"), Some(CodeContext::EnvMember));
        assert_eq!(code("const s = \"🎉\"; env.$0"), Some(CodeContext::EnvMember));
        assert_eq!(code("envy.$0"), None);
        assert_eq!(code("a.b.env.$0"), None);
    }

    #[test]
    fn namespaces_and_stubs() {
        assert_eq!(code("env.CHAT.$0"), ns("CHAT"));
        assert_eq!(code("this.env.CHAT.idF$0"), ns("CHAT"));
        assert_eq!(code("env.CHAT.jurisdiction(\"eu\").$0"), ns("CHAT"));
        assert_eq!(code("env.CHAT.get(env.CHAT.idFromName(n)).$0"), stub("CHAT"));
        assert_eq!(code("env.CHAT.getByName(\"a\").$0"), stub("CHAT"));
        assert_eq!(code("(await env.CHAT.getByName(\"a\")).$0"), stub("CHAT"));
        assert_eq!(code("env.CHAT.idFromName(\"a\").$0"), None);
        let body = "async function f(env: Env) {\n  const id = env.CHAT.idFromName(\"a\");\n  const stub = env.CHAT.get(id);\n  stub.$0\n}";
        assert_eq!(code(body), stub("CHAT"));
        let aliased = "function f(env: Env) {\n  const ns = env.ROOMS.jurisdiction(\"eu\");\n  const s = await ns.getByName(\"x\");\n  s.$0\n}";
        assert_eq!(code(aliased), stub("ROOMS"));
        let destructured = "function f(env: Env) {\n  const { CHAT } = env;\n  CHAT.$0\n}";
        assert_eq!(code(destructured), ns("CHAT"));
        assert_eq!(code("function f() { const x = foo(); x.$0 }"), None);
    }

    #[test]
    fn strings() {
        assert_eq!(code("env.A.get(id, { locationHint: \"$0\" })"), Some(CodeContext::LocationHint));
        assert_eq!(code("env.A.get(id, { \"locationHint\": 'we$0' })"), Some(CodeContext::LocationHint));
        assert_eq!(code("env.A.jurisdiction(\"$0\")"), Some(CodeContext::Jurisdiction));
        assert_eq!(code("env.A.newUniqueId({ jurisdiction: \"e$0u\" })"), Some(CodeContext::Jurisdiction));
        assert_eq!(code("const x = { other: \"$0\" }"), None);
        assert_eq!(code("const x = \"a\"; // locationHint: \"$0"), None);
        let (text, offset) = cursor("f({ locationHint: \"we$0ur\" })");
        let s = string_at(&text, offset).unwrap_or_else(|| panic!("in string"));
        assert_eq!(&text[s.word.start..s.word.end], "weur");
        let (text, offset) = cursor("f({ locationHint: \"🎉 é$0\" })");
        let s = string_at(&text, offset).unwrap_or_else(|| panic!("in string"));
        assert_eq!(&text[s.word.start..s.word.end], "");
        assert_eq!(s.key, "locationHint");
    }

    #[test]
    fn class_bodies() {
        let text = "class A extends DurableObject {\n  $0\n  async ping() { return 1; }\n}";
        assert_eq!(code(text), Some(CodeContext::ClassBody { class: 0 }));
        let typed = "class A extends DurableObject {\n  async ping() { return 1; }\n  ala$0\n}";
        assert_eq!(code(typed), Some(CodeContext::ClassBody { class: 0 }));
        assert_eq!(code("class A {\n  ping() {\n    $0\n  }\n}"), None);
        assert_eq!(code("class A {}\n$0"), None);
    }

    fn config(fixture: &str, format: ConfigFormat) -> (Vec<PathStep>, String) {
        let (text, offset) = cursor(fixture);
        let c = read_config(&text, format);
        let at = config_cursor(&c.root, offset);
        let spot = match at.spot {
            ConfigSpot::Key(m) => format!("key {}", m.key.value),
            ConfigSpot::Value(v) => {
                format!("value {:?}", &text[string_content(&text, v.span).start..string_content(&text, v.span).end])
            }
            ConfigSpot::Between(_) => "between".to_string(),
        };
        (at.path, spot)
    }

    fn keys(path: &[PathStep]) -> String {
        path.iter()
            .map(|s| match s {
                PathStep::Key(k) => k.clone(),
                PathStep::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn config_paths_jsonc() {
        let (path, spot) = config(
            r#"{ "durable_objects": { "bindings": [{ "name": "A", "class_name": "Ch$0" }] } }"#,
            ConfigFormat::Jsonc,
        );
        assert_eq!((keys(&path).as_str(), spot.as_str()), ("durable_objects.bindings.0.class_name", "value \"Ch\""));
        let (path, spot) = config(r#"{ "exports": { $0 } }"#, ConfigFormat::Jsonc);
        assert_eq!((keys(&path).as_str(), spot.as_str()), ("exports", "between"));
        let (path, spot) =
            config(r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": [$0] }] }"#, ConfigFormat::Jsonc);
        assert_eq!((keys(&path).as_str(), spot.as_str()), ("migrations.0.new_sqlite_classes", "between"));
        let (path, spot) = config(r#"{ "env": { "staging": { "name": "x$0" } } }"#, ConfigFormat::Jsonc);
        assert_eq!((keys(&path).as_str(), spot.as_str()), ("env.staging.name", "value \"x\""));
    }

    #[test]
    fn config_paths_toml() {
        let toml = "name = \"w\"\n\n[[durable_objects.bindings]]\nname = \"A\"\nclass_name = \"$0\"\n";
        let (path, spot) = config(toml, ConfigFormat::Toml);
        assert_eq!((keys(&path).as_str(), spot.as_str()), ("durable_objects.bindings.0.class_name", "value \"\""));
        let toml = "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"A\"]\n\n[[migrations]]\ntag = \"$0\"\n";
        let (path, spot) = config(toml, ConfigFormat::Toml);
        assert_eq!((keys(&path).as_str(), spot.as_str()), ("migrations.1.tag", "value \"\""));
        let toml = "[env.staging]\nname = \"s\"\n[[env.staging.durable_objects.bindings]]\nname = \"A\"\nscript_name = \"o$0\"\n";
        let (path, _) = config(toml, ConfigFormat::Toml);
        assert_eq!(keys(&path), "env.staging.durable_objects.bindings.0.script_name");
    }
}
