//! A tolerant reader for `wrangler.toml`, on the tree-sitter TOML grammar (which recovers from
//! errors, so every well-formed pair and table outside a broken region is still read).
//!
//! Tables (`[a.b]`), arrays of tables (`[[a.b]]`), dotted keys, inline tables and arrays all become
//! the same neutral [`Value`] tree the JSONC reader builds. A table's span runs from the header or
//! key that created it to its last entry.

use super::model::{Member, SyntaxError, Value, ValueKind};
use crate::text::language::{parse, FileKind};
use crate::text::{Span, Spanned};
use tree_sitter::Node;

/// Maximum nesting of tables and arrays; deeper values are skipped with an error.
const MAX_DEPTH: usize = 256;

/// Reads `text` as TOML.
pub fn read(text: &str) -> (Value, Vec<SyntaxError>) {
    let mut b = Builder { text, errors: Vec::new(), root: Table::new(Span::new(0, text.len()), true) };
    let Some(tree) = parse(FileKind::Toml, text, None) else {
        b.errors.push(SyntaxError { span: Span::new(0, 0), message: "could not parse the file".into() });
        return (b.root.into_value(), b.errors);
    };
    let root = tree.root_node();
    b.syntax_errors(root);
    let syntax_errors = b.errors.len();
    let mut current = Some(Vec::new());
    b.items(root, &mut current);
    let mut errors = b.errors;
    explain_expected(text, &mut errors, syntax_errors);
    errors.sort_by_key(|e| e.span);
    (b.root.into_value(), errors)
}

/// Says what was expected, as the JSONC reader does: `toml_edit`'s diagnosis of the first
/// error replaces the message of the tree-sitter error on its line (tree-sitter only knows where
/// it lost track: "unexpected `main =`"). When tree-sitter and the reader found nothing (the
/// grammar takes two pairs on one line), the diagnosis is an error of its own. `syntax_errors`:
/// how many of `errors` (the first) are tree-sitter's.
fn explain_expected(text: &str, errors: &mut Vec<SyntaxError>, syntax_errors: usize) {
    let Err(err) = text.parse::<toml_edit::DocumentMut>() else { return };
    let Some(mut at) = err.span().map(|s| s.start.min(text.len())) else { return };
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let message = diagnosis(text, at, err.message());
    let line_end = |offset: usize| text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    let none_found = errors.is_empty();
    let matched = errors[..syntax_errors]
        .iter_mut()
        .filter(|e| e.span.start <= at && at <= line_end(e.span.end.min(text.len())))
        .min_by_key(|e| e.span.start);
    match matched {
        Some(error) => error.message = message,
        None if none_found => {
            let end = line_end(at).max((at + 1).min(text.len()));
            errors.push(SyntaxError { span: Span::new(at, end), message });
        }
        None => {}
    }
}

/// `invalid TOML: [what: ]expected A or B after `text before`, found `text`` from
/// `toml_edit`'s message (`invalid table header\nexpected `.`, `]``) and the error's offset.
fn diagnosis(text: &str, at: usize, message: &str) -> String {
    let mut context = Vec::new();
    let mut expected = None;
    // `key with no value, expected `=``: what went wrong, then what was expected.
    for line in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.strip_prefix("expected ") {
            Some(list) => expected = Some(list),
            None => match line.split_once(", expected ") {
                Some((what, list)) => {
                    context.push(what);
                    expected = Some(list);
                }
                None => context.push(line),
            },
        }
    }
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = text[line_start..at].trim();
    let rest = &text[at..];
    let (found, article) = match rest.chars().next() {
        None => ("end of the file".to_string(), "the "),
        Some('\n' | '\r') => ("end of the line".to_string(), "the "),
        Some(_) => (format!("`{}`", clip(rest.lines().next().unwrap_or("").trim_end(), false)), ""),
    };
    let after = if before.is_empty() { String::new() } else { format!(" after `{}`", clip(before, true)) };
    let mut out = String::from("invalid TOML: ");
    for part in &context {
        out.push_str(part);
        out.push_str(": ");
    }
    match expected {
        Some(list) => {
            let items: Vec<&str> =
                list.split(", ").map(|item| if item == "newline" { "a new line" } else { item }).collect();
            let list = match items.split_last() {
                Some((last, [])) => (*last).to_string(),
                Some((last, head)) => format!("{} or {last}", head.join(", ")),
                None => list.to_string(),
            };
            out.push_str(&format!("expected {list}{after}, found {article}{found}"));
        }
        None => out.push_str(&format!("unexpected {found}{after}")),
    }
    out
}

/// At most 30 characters of `s`: its end when `tail`, else its start, with `...` where cut.
fn clip(s: &str, tail: bool) -> String {
    let count = s.chars().count();
    if count <= 30 {
        return s.to_string();
    }
    if tail {
        format!("...{}", s.chars().skip(count - 30).collect::<String>())
    } else {
        format!("{}...", s.chars().take(30).collect::<String>())
    }
}

/// A table being built.
struct Table {
    members: Vec<(Spanned<String>, Entry)>,
    span: Span,
    /// Defined by a header, a dotted key or an inline table (not merely implied by a header).
    defined: bool,
}

/// A member of a table being built.
enum Entry {
    Table(Table),
    /// An array of tables (`[[...]]`) and its span.
    Tables(Vec<Table>, Span),
    /// Any other value, complete.
    Value(Value),
}

impl Table {
    fn new(span: Span, defined: bool) -> Self {
        Table { members: Vec::new(), span, defined }
    }

    fn find(&self, key: &str) -> Option<usize> {
        self.members.iter().position(|(k, _)| k.value == key)
    }

    fn into_value(self) -> Value {
        let members = self.members.into_iter().map(|(key, entry)| Member { key, value: entry.into_value() }).collect();
        Value { kind: ValueKind::Object(members), span: self.span }
    }
}

impl Entry {
    fn into_value(self) -> Value {
        match self {
            Entry::Table(t) => t.into_value(),
            Entry::Tables(ts, span) => {
                Value { kind: ValueKind::Array(ts.into_iter().map(Table::into_value).collect()), span }
            }
            Entry::Value(v) => v,
        }
    }
}

/// Grows `span` to cover `other`.
fn extend(span: &mut Span, other: Span) {
    *span = Span::new(span.start.min(other.start), span.end.max(other.end));
}

/// The table at `path` (member indices from `root`; an array of tables stands for its last
/// element), growing every table on the way to cover `cover`.
fn table_at<'a>(root: &'a mut Table, path: &[usize], cover: Span) -> Option<&'a mut Table> {
    let mut t = root;
    extend(&mut t.span, cover);
    for &i in path {
        t = match &mut t.members.get_mut(i)?.1 {
            Entry::Table(next) => next,
            Entry::Tables(ts, span) => {
                extend(span, cover);
                ts.last_mut()?
            }
            Entry::Value(_) => return None,
        };
        extend(&mut t.span, cover);
    }
    Some(t)
}

/// Tree walking state.
struct Builder<'t> {
    text: &'t str,
    errors: Vec<SyntaxError>,
    root: Table,
}

impl<'t> Builder<'t> {
    fn error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message });
    }

    fn node_text(&self, node: Node<'_>) -> &'t str {
        self.text.get(node.start_byte()..node.end_byte()).unwrap_or("")
    }

    /// Reports every ERROR node (once, not its insides) and every MISSING node.
    fn syntax_errors(&mut self, root: Node<'_>) {
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            let mut descend = true;
            if node.is_missing() {
                self.error(Span::of_node(&node), format!("missing `{}`", node.kind()));
            } else if node.is_error() {
                descend = false;
                let text = self.node_text(node);
                let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
                let message = match first.char_indices().nth(30) {
                    _ if first.is_empty() => "invalid TOML".to_string(),
                    Some((i, _)) => format!("invalid TOML: unexpected `{}...`", &first[..i]),
                    None => format!("invalid TOML: unexpected `{first}`"),
                };
                self.error(Span::of_node(&node), message);
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Reads the pairs and tables under `node` (the document or an ERROR node in it). `current`
    /// is the path of the table pairs go into (`None`: a broken header, its pairs are dropped).
    fn items(&mut self, node: Node<'_>, current: &mut Option<Vec<usize>>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "pair" => {
                    if let Some(path) = current.clone() {
                        self.pair_into_path(child, &path);
                    }
                }
                "table" | "table_array_element" => {
                    *current = self.header(child);
                    let Some(path) = current.clone() else {
                        continue;
                    };
                    let mut c = child.walk();
                    for pair in child.named_children(&mut c).filter(|n| n.kind() == "pair") {
                        self.pair_into_path(pair, &path);
                    }
                }
                "ERROR" => self.items(child, current),
                _ => {}
            }
        }
    }

    /// The key parts of a key node (`bare_key`, `quoted_key` or `dotted_key`).
    fn key_parts(&self, node: Node<'_>, out: &mut Vec<Spanned<String>>) {
        match node.kind() {
            "dotted_key" => {
                let mut c = node.walk();
                for part in node.named_children(&mut c) {
                    self.key_parts(part, out);
                }
            }
            "bare_key" => out.push(Spanned::new(self.node_text(node).to_string(), Span::of_node(&node))),
            "quoted_key" => {
                out.push(Spanned::new(unquote(self.node_text(node)), Span::of_node(&node)));
            }
            _ => {}
        }
    }

    /// The first key child of `node`, as parts.
    fn key_of(&self, node: Node<'_>) -> Vec<Spanned<String>> {
        let mut parts = Vec::new();
        let mut c = node.walk();
        let key = node.named_children(&mut c).find(|n| matches!(n.kind(), "bare_key" | "quoted_key" | "dotted_key"));
        if let Some(key) = key {
            self.key_parts(key, &mut parts);
        }
        parts
    }

    /// Opens the table of a `[...]` or `[[...]]` header; returns its path, or `None` (with an
    /// error) when the header cannot name a table.
    fn header(&mut self, node: Node<'_>) -> Option<Vec<usize>> {
        let parts = self.key_of(node);
        // After an error, tree-sitter may read `[[a.b]]` as a table with the key `a.b`.
        let is_array = node.kind() == "table_array_element"
            || parts.first().is_some_and(|k| self.text[..k.span.start].trim_end().ends_with("[["));
        let mut c = node.walk();
        let header_end = node
            .children(&mut c)
            .take_while(|n| n.kind() != "pair")
            .filter(|n| n.kind() != "comment")
            .last()
            .map_or(node.end_byte(), |n| n.end_byte());
        let header = Span::new(node.start_byte(), header_end);
        let (last, init) = parts.split_last()?;
        if parts.len() > MAX_DEPTH {
            self.error(header, format!("table nested deeper than {MAX_DEPTH} levels"));
            return None;
        }
        let (mut path, t) = self.walk_keys(init, header, false)?;
        match t.find(&last.value) {
            None => {
                let entry = if is_array {
                    Entry::Tables(vec![Table::new(header, true)], header)
                } else {
                    Entry::Table(Table::new(header, true))
                };
                path.push(t.members.len());
                t.members.push((last.clone(), entry));
            }
            Some(i) => {
                path.push(i);
                let message = match (&mut t.members[i].1, is_array) {
                    (Entry::Tables(ts, _), true) => {
                        ts.push(Table::new(header, true));
                        None
                    }
                    (Entry::Table(existing), false) if !existing.defined => {
                        existing.defined = true;
                        None
                    }
                    (Entry::Table(_), false) => Some(format!("duplicate table `{}`", last.value)),
                    _ => Some(format!("key `{}` is already defined", last.value)),
                };
                if let Some(message) = message {
                    self.error(last.span, message);
                    return None;
                }
            }
        }
        Some(path)
    }

    /// Walks (creating implicit tables as needed) from the root through `keys`; returns the path
    /// and the table reached. `cover` is the span of the header or pair doing it.
    fn walk_keys(&mut self, keys: &[Spanned<String>], cover: Span, dotted: bool) -> Option<(Vec<usize>, &mut Table)> {
        self.walk_keys_from(Vec::new(), keys, cover, dotted)
    }

    /// Like [`Builder::walk_keys`], from the table at `path`.
    fn walk_keys_from(
        &mut self,
        mut path: Vec<usize>,
        keys: &[Spanned<String>],
        cover: Span,
        dotted: bool,
    ) -> Option<(Vec<usize>, &mut Table)> {
        // Check the walk first (immutably) so errors can be reported without borrow conflicts.
        let mut blocked = None;
        {
            let mut t = table_at(&mut self.root, &path, cover)?;
            for key in keys {
                let Some(i) = t.find(&key.value) else { break };
                t = match &mut t.members[i].1 {
                    Entry::Table(next) => next,
                    Entry::Tables(ts, _) => match ts.last_mut() {
                        Some(last) => last,
                        None => break,
                    },
                    Entry::Value(_) => {
                        blocked = Some(key.clone());
                        break;
                    }
                };
            }
        }
        if let Some(key) = blocked {
            self.error(key.span, format!("key `{}` is already defined as a value", key.value));
            return None;
        }
        for key in keys {
            let t = table_at(&mut self.root, &path, cover)?;
            let i = match t.find(&key.value) {
                Some(i) => i,
                None => {
                    t.members.push((key.clone(), Entry::Table(Table::new(cover, dotted))));
                    t.members.len() - 1
                }
            };
            path.push(i);
        }
        let t = table_at(&mut self.root, &path, cover)?;
        Some((path, t))
    }

    /// Adds a `key = value` pair to the table at `path`.
    fn pair_into_path(&mut self, pair: Node<'_>, path: &[usize]) {
        let Some((parts, value)) = self.read_pair(pair, 0) else {
            return;
        };
        let Some((last, init)) = parts.split_last() else {
            return;
        };
        if path.len() + parts.len() > MAX_DEPTH {
            self.error(last.span, format!("table nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        let span = Span::of_node(&pair);
        let Some((_, t)) = self.walk_keys_from(path.to_vec(), init, span, true) else {
            return;
        };
        if t.find(&last.value).is_some() {
            let message = format!("duplicate key `{}`", last.value);
            self.error(last.span, message);
        } else {
            t.members.push((last.clone(), Entry::Value(value)));
        }
    }

    /// The key parts and value of a pair node (`None` when either is missing).
    fn read_pair(&mut self, pair: Node<'_>, depth: usize) -> Option<(Vec<Spanned<String>>, Value)> {
        let parts = self.key_of(pair);
        let mut c = pair.walk();
        let value = pair
            .named_children(&mut c)
            .find(|n| !matches!(n.kind(), "bare_key" | "quoted_key" | "dotted_key" | "comment" | "ERROR"))?;
        if parts.is_empty() {
            return None;
        }
        Some((parts, self.value(value, depth)))
    }

    /// Reads a value node.
    fn value(&mut self, node: Node<'_>, depth: usize) -> Value {
        let span = Span::of_node(&node);
        let text = self.node_text(node);
        let kind = match node.kind() {
            "string" => ValueKind::String(unquote(text)),
            "integer" | "float" => ValueKind::Number(text.to_string()),
            "boolean" => ValueKind::Bool(text == "true"),
            "array" | "inline_table" if depth >= MAX_DEPTH => {
                self.error(span, format!("nesting deeper than {MAX_DEPTH} levels"));
                ValueKind::Other
            }
            "array" => {
                let mut c = node.walk();
                let items: Vec<Node<'_>> =
                    node.named_children(&mut c).filter(|n| !n.is_error() && n.kind() != "comment").collect();
                ValueKind::Array(items.into_iter().map(|n| self.value(n, depth + 1)).collect())
            }
            "inline_table" => {
                let mut table = Table::new(span, true);
                let mut c = node.walk();
                let pairs: Vec<Node<'_>> = node.named_children(&mut c).filter(|n| n.kind() == "pair").collect();
                for pair in pairs {
                    self.inline_pair(&mut table, pair, depth + 1);
                }
                return table.into_value();
            }
            _ => ValueKind::Other,
        };
        Value { kind, span }
    }

    /// Adds a pair of an inline table (its dotted keys create nested tables).
    fn inline_pair(&mut self, table: &mut Table, pair: Node<'_>, depth: usize) {
        let Some((parts, value)) = self.read_pair(pair, depth) else {
            return;
        };
        let Some((last, init)) = parts.split_last() else {
            return;
        };
        if depth + parts.len() > MAX_DEPTH {
            self.error(last.span, format!("table nested deeper than {MAX_DEPTH} levels"));
            return;
        }
        let span = Span::of_node(&pair);
        let mut t = table;
        for key in init {
            let i = match t.find(&key.value) {
                Some(i) => i,
                None => {
                    t.members.push((key.clone(), Entry::Table(Table::new(span, true))));
                    t.members.len() - 1
                }
            };
            t = match &mut t.members[i].1 {
                Entry::Table(next) => {
                    extend(&mut next.span, span);
                    next
                }
                _ => {
                    self.error(key.span, format!("key `{}` is already defined as a value", key.value));
                    return;
                }
            };
        }
        if t.find(&last.value).is_some() {
            self.error(last.span, format!("duplicate key `{}`", last.value));
        } else {
            t.members.push((last.clone(), Entry::Value(value)));
        }
    }
}

/// The content of a TOML string or quoted key as written (quotes included), unescaped. Tolerates
/// a missing closing quote.
fn unquote(text: &str) -> String {
    if let Some(body) = text.strip_prefix("\"\"\"") {
        let body = body.strip_suffix("\"\"\"").unwrap_or(body);
        unescape(trim_first_newline(body), true)
    } else if let Some(body) = text.strip_prefix("'''") {
        trim_first_newline(body.strip_suffix("'''").unwrap_or(body)).to_string()
    } else if let Some(body) = text.strip_prefix('"') {
        unescape(body.strip_suffix('"').unwrap_or(body), false)
    } else if let Some(body) = text.strip_prefix('\'') {
        body.strip_suffix('\'').unwrap_or(body).to_string()
    } else {
        text.to_string()
    }
}

/// Drops a line break right after the opening delimiter of a multi-line string.
fn trim_first_newline(s: &str) -> &str {
    s.strip_prefix("\r\n").or_else(|| s.strip_prefix('\n')).unwrap_or(s)
}

/// Resolves the escapes of a basic string. In a multi-line string, a `\` at the end of a line
/// removes the line break and the whitespace after it. Invalid escapes are kept as written.
fn unescape(s: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&(_, e)) = chars.peek() else {
            out.push('\\');
            break;
        };
        let simple = match e {
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            _ => None,
        };
        if let Some(ch) = simple {
            chars.next();
            out.push(ch);
            continue;
        }
        let hex_len = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if hex_len > 0 {
            let from = i + 2;
            let digits = s.get(from..from + hex_len).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
            if let Some(digits) = digits {
                let ch = u32::from_str_radix(digits, 16).ok().and_then(char::from_u32);
                out.push(ch.unwrap_or('\u{fffd}'));
                for _ in 0..=hex_len {
                    chars.next();
                }
                continue;
            }
        }
        if multiline && s[i + 1..].trim_start_matches([' ', '\t']).starts_with(['\n', '\r']) {
            // Line-ending backslash: skip all whitespace up to the next non-whitespace char.
            while chars.peek().is_some_and(|&(_, w)| w.is_whitespace()) {
                chars.next();
            }
            continue;
        }
        out.push('\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{read_config, ConfigFormat, WorkerConfig};

    /// Asserts that `span` covers exactly `expected` in `text`.
    #[track_caller]
    fn assert_span(text: &str, span: Span, expected: &str) {
        assert_eq!(&text[span.start..span.end], expected);
    }

    fn config(text: &str) -> WorkerConfig {
        read_config(text, ConfigFormat::Toml)
    }

    fn class_names(c: &crate::config::EnvConfig) -> Vec<String> {
        let b = c.durable_objects.as_ref().map_or(&[][..], |d| &d.bindings[..]);
        b.iter().filter_map(|b| b.class_name.as_ref().map(|n| n.value.clone())).collect()
    }

    fn migration_classes(c: &crate::config::EnvConfig) -> Vec<String> {
        let steps = c.migrations.as_ref().map_or(&[][..], |m| &m.steps[..]);
        steps.iter().flat_map(|s| s.new_sqlite_classes.iter().map(|n| n.value.clone())).collect()
    }

    const FULL: &str = r#"name = "chat" # the worker
main = "src/index.ts"
compatibility_date = "2025-01-01"
compatibility_flags = ["nodejs_compat"]

[[durable_objects.bindings]]
name = "ROOM"
class_name = "ChatRoom"

[[durable_objects.bindings]]
name = "OTHER"
class_name = "Remote"
script_name = "other-worker"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]

[[migrations]]
tag = "v2"
renamed_classes = [{ from = "ChatRoom", to = "Room" }]

[vars]
GREETING = "hi"
"quoted key" = 'lit'

[env.staging]
name = "chat-staging"

[[env.staging.durable_objects.bindings]]
name = "ROOM"
class_name = "Room"

[env.production.durable_objects]
bindings = [
  { name = "ROOM", class_name = "Room" }, # comment
]

[[kv_namespaces]]
binding = "KV"
id = "abc"
"#;

    #[test]
    fn tables_arrays_of_tables_and_envs() {
        let c = config(FULL);
        assert!(c.syntax_errors.is_empty(), "{:?}", c.syntax_errors);
        assert_eq!(c.top.name.as_ref().map(|n| n.value.as_str()), Some("chat"));
        assert_span(FULL, c.top.name.as_ref().map(|n| n.span).unwrap_or_default(), "\"chat\"");
        assert_eq!(class_names(&c.top), ["ChatRoom", "Remote"]);
        let dobj = c.top.durable_objects.as_ref().map(|d| &d.bindings[..]).unwrap_or_default();
        assert_eq!(dobj[1].script_name.as_ref().map(|s| s.value.as_str()), Some("other-worker"));
        assert!(FULL[dobj[0].span.start..dobj[0].span.end].starts_with("[[durable_objects.bindings]]"));
        assert!(FULL[dobj[0].span.start..dobj[0].span.end].ends_with("class_name = \"ChatRoom\""));
        let m = c.top.migrations.as_ref().map(|m| &m.steps[..]).unwrap_or_default();
        assert_eq!(m.len(), 2);
        let r = &m[1].renamed_classes[0];
        assert_span(FULL, r.from.as_ref().map(|f| f.span).unwrap_or_default(), "\"ChatRoom\"");
        assert_eq!(r.to.as_ref().map(|t| t.value.as_str()), Some("Room"));
        let flags = c.top.compatibility_flags.as_deref().unwrap_or_default();
        assert_eq!(flags[0].value, "nodejs_compat");
        let names: Vec<_> = c.top.other_bindings.iter().map(|b| b.name.value.as_str()).collect();
        assert_eq!(names, ["KV", "GREETING", "quoted key"]);
        assert_span(FULL, c.top.other_bindings[2].name.span, "\"quoted key\"");

        assert_eq!(c.envs.len(), 2);
        let staging = &c.envs[0];
        assert_eq!(staging.name.value, "staging");
        assert_span(FULL, staging.name.span, "staging");
        assert_eq!(staging.name.span.start, FULL.find("[env.staging]").unwrap_or(0) + 5);
        assert_eq!(class_names(&staging.config), ["Room"]);
        let production = &c.envs[1];
        assert_span(FULL, production.name.span, "production");
        assert_eq!(class_names(&production.config), ["Room"]);
        let pd = production.config.durable_objects.as_ref().map(|d| d.span).unwrap_or_default();
        assert!(FULL[pd.start..pd.end].starts_with("[env.production.durable_objects]"));
    }

    #[test]
    fn containers_at_the_top_level_and_in_envs() {
        let text = r#"name = "sandbox"
[[containers]]
class_name = "Sandbox"
image = "./Dockerfile"
instance_type = "lite" # not read, not an error

[[env.production.containers]]
class_name = "Sandbox"
image = "registry.cloudflare.com/acct/img:1"
[env.production.containers.constraints]
regions = ["WEUR"]

[env.staging]
containers = [{ name = "box", image = "./Dockerfile" }]
"#;
        let c = config(text);
        assert!(c.syntax_errors.is_empty(), "{:?}", c.syntax_errors);
        let top = c.top.containers.as_ref().map(|c| &c.apps[..]).unwrap_or_default();
        assert_eq!(top.len(), 1);
        assert!(text[top[0].span.start..top[0].span.end].starts_with("[[containers]]"));
        assert_span(text, top[0].class_name.as_ref().map(|n| n.span).unwrap_or_default(), "\"Sandbox\"");
        assert_eq!(top[0].image.as_ref().map(|i| i.value.as_str()), Some("./Dockerfile"));
        let envs = c.resolved_envs();
        let production = envs.iter().find(|e| e.env_name() == Some("production"));
        let app = production.and_then(|e| e.container_for_class("Sandbox"));
        assert_eq!(
            app.and_then(|a| a.image.as_ref()).map(|i| i.value.as_str()),
            Some("registry.cloudflare.com/acct/img:1")
        );
        let staging = envs.iter().find(|e| e.env_name() == Some("staging"));
        let apps = staging.map(|e| e.container_apps()).unwrap_or_default();
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].name.as_ref().map(|n| n.value.as_str()), Some("box"));
        assert!(apps[0].class_name.is_none());
    }

    #[test]
    fn dotted_keys_strings_and_values() {
        let text = "a.b.c = 1\na.b.d = \"\"\"\nline\\\n   more\\t\\u00e9\"\"\"\ne = '''\nraw\\n'''\nf = 1979-05-27\ng = [1, 2.5, true, { x.y = \"z\" }]\nh = \"\\U0001F600\"\n";
        let (root, errors) = read(text);
        assert!(errors.is_empty(), "{errors:?}");
        let a = crate::config::extract::get(&root, "a").cloned().unwrap_or(root.clone());
        let b = crate::config::extract::get(&a, "b").cloned().unwrap_or(root.clone());
        let ValueKind::Object(members) = &b.kind else { panic!("b is not a table") };
        assert_span(text, members[0].key.span, "c");
        assert_eq!(members[0].value.kind, ValueKind::Number("1".into()));
        assert_eq!(members[1].value.kind, ValueKind::String("linemore\té".into()));
        let get = |k: &str| crate::config::extract::get(&root, k).map(|v| v.kind.clone());
        assert_eq!(get("e"), Some(ValueKind::String("raw\\n".into())));
        assert_eq!(get("f"), Some(ValueKind::Other));
        assert_eq!(get("h"), Some(ValueKind::String("😀".into())));
        let Some(ValueKind::Array(g)) = get("g") else { panic!("g") };
        assert_eq!(g[2].kind, ValueKind::Bool(true));
        let x = crate::config::extract::get(&g[3], "x").and_then(|x| crate::config::extract::get(x, "y"));
        assert_eq!(x.map(|v| v.kind.clone()), Some(ValueKind::String("z".into())));
    }

    #[test]
    fn duplicates() {
        let text = "name = \"a\"\nname = \"b\"\n[t]\nx = 1\n[t]\ny = 2\n[[t]]\n";
        let c = config(text);
        assert_eq!(c.top.name.as_ref().map(|n| n.value.as_str()), Some("a"));
        let messages: Vec<_> = c.syntax_errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["duplicate key `name`", "duplicate table `t`", "key `t` is already defined"]);
        assert_span(text, c.syntax_errors[0].span, "name");
        assert_eq!(c.syntax_errors[0].span.start, text.rfind("name").unwrap_or(0));
    }

    #[test]
    fn value_in_the_way_of_a_header() {
        let text = "a = 1\n[a.b]\nc = 2\n[d]\ne = 3\n";
        let (root, errors) = read(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "key `a` is already defined as a value");
        assert!(crate::config::extract::get(&root, "d").is_some());
    }

    #[test]
    fn broken_unterminated_string() {
        let text = "name = \"chat\nmain = \"src/index.ts\"\n[[durable_objects.bindings]]\nname = \"ROOM\"\nclass_name = \"Room\"\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Room\"]\n";
        let c = config(text);
        assert_eq!(class_names(&c.top), ["Room"]);
        assert_eq!(migration_classes(&c.top), ["Room"]);
        assert!(!c.syntax_errors.is_empty());
        assert!(c.syntax_errors[0].span.start < text.find('\n').unwrap_or(0));
    }

    #[test]
    fn broken_missing_value() {
        let text = "name = \n[[durable_objects.bindings]]\nname = \"ROOM\"\nclass_name = \"Room\"\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Room\"]\n";
        let c = config(text);
        assert!(c.top.name.is_none());
        assert_eq!(class_names(&c.top), ["Room"]);
        assert_eq!(migration_classes(&c.top), ["Room"]);
        assert_eq!(c.syntax_errors.len(), 1);
        assert_eq!(c.syntax_errors[0].span.start, 0);
    }

    #[test]
    fn broken_garbage_line_and_bad_pair() {
        let text = "[[durable_objects.bindings]]\nname = \"ROOM\"\nclass_name = \"Room\"\nfoo\n[[migrations]]\ntag = \"v1\"\nx = 1 2\nnew_sqlite_classes = [\"Room\"]\n";
        let c = config(text);
        assert_eq!(class_names(&c.top), ["Room"]);
        assert_eq!(migration_classes(&c.top), ["Room"]);
        assert!(!c.syntax_errors.is_empty());
        let foo = text.find("foo").unwrap_or(0);
        assert!(c.syntax_errors.iter().any(|e| e.span.touches(foo)), "{:?}", c.syntax_errors);
        assert!(c
            .syntax_errors
            .iter()
            .all(|e| e.message.starts_with("invalid TOML") || e.message.starts_with("missing")));
    }

    #[test]
    fn broken_inline_array() {
        let text = "[durable_objects]\nbindings = [ { name = \"ROOM\", class_name = \"Room\" }, { name = \n]\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Room\"]\n";
        let c = config(text);
        assert_eq!(class_names(&c.top), ["Room"]);
        assert_eq!(migration_classes(&c.top), ["Room"]);
        assert!(!c.syntax_errors.is_empty());
    }

    #[test]
    fn broken_header() {
        let text = "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Room\"]\n[env.staging\nname = \"x\"\n[[durable_objects.bindings]]\nname = \"ROOM\"\nclass_name = \"Room\"\n";
        let c = config(text);
        assert_eq!(class_names(&c.top), ["Room"]);
        assert_eq!(migration_classes(&c.top), ["Room"]);
        assert!(!c.syntax_errors.is_empty());
    }

    /// The syntax errors of `text`, as (the text they cover, message).
    fn errors_of(text: &str) -> Vec<(String, String)> {
        read(text).1.into_iter().map(|e| (text[e.span.start..e.span.end].to_string(), e.message)).collect()
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        let cases = [
            (
                "name = \"chat\"\nmain \"src/index.ts\"\n",
                "main \"src/index.ts\"",
                "invalid TOML: key with no value: expected `=` after `main`, found `\"src/index.ts\"`",
            ),
            (
                "name = \"chat\"\n[durable_objects\nx = 1\n",
                "[durable_objects\nx = 1\n",
                "invalid TOML: unclosed table: expected `]` after `[durable_objects`, found the end of the line",
            ),
            ("name = \nmain = \"a\"\n", "name =", "invalid TOML: string values must be quoted: expected literal string after `name =`, found the end of the line"),
            ("name = \"chat\nmain = \"a\"\n", "\"chat\nmain =", "invalid TOML: invalid basic string: expected `\"` after `name = \"chat`, found the end of the line"),
        ];
        let wrong: Vec<_> = cases
            .iter()
            .filter(|(text, covered, message)| errors_of(text) != [(covered.to_string(), message.to_string())])
            .map(|(text, _, _)| (text, errors_of(text)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn two_pairs_on_one_line_are_an_error() {
        // The grammar reads both pairs; wrangler's TOML parser refuses the line.
        let text = "name = \"chat\" main = \"src/index.ts\"\n";
        let errors = errors_of(text);
        assert_eq!(
            errors,
            [(
                "main = \"src/index.ts\"".to_string(),
                "invalid TOML: unexpected key or value: expected a new line or `#` after `name = \"chat\"`, found `main = \"src/index.ts\"`"
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_valid_file_and_the_readers_own_errors_get_no_diagnosis() {
        assert!(errors_of("name = \"chat\"\n[vars]\nA = 1\n").is_empty());
        // A duplicate key is the reader's error; the diagnosis of the same problem is not added.
        let messages: Vec<String> = errors_of("name = \"a\"\nname = \"b\"\n").into_iter().map(|(_, m)| m).collect();
        assert_eq!(messages, ["duplicate key `name`"]);
    }

    #[test]
    fn empty_file() {
        let (root, errors) = read("");
        assert_eq!(root.kind, ValueKind::Object(Vec::new()));
        assert!(errors.is_empty());
    }

    #[test]
    fn deep_nesting() {
        let text = format!("a = {}{}\nb = 1\n", "[".repeat(2000), "]".repeat(2000));
        let (root, errors) = read(&text);
        assert!(!errors.is_empty());
        assert!(crate::config::extract::get(&root, "b").is_some());
        let header = format!("[{}]\nx = 1\n", vec!["k"; 1000].join("."));
        let (_, errors) = read(&header);
        assert_eq!(errors.len(), 1);
    }
}
