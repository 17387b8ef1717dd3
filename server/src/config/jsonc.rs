//! A tolerant reader for JSONC (JSON with `//` and `/* */` comments and trailing commas), the
//! syntax of `wrangler.json` / `wrangler.jsonc`.
//!
//! The reader never fails: it recovers from errors (missing commas or values, unterminated strings,
//! unclosed brackets, stray tokens) so that a half-typed file still yields every value outside the
//! broken region, and reports each problem as a [`SyntaxError`].

use super::model::{Member, SyntaxError, Value, ValueKind};
use crate::text::{Span, Spanned};

/// Maximum nesting of arrays and objects; deeper values are skipped with an error.
const MAX_DEPTH: usize = 256;

/// Reads `text` as JSONC. An empty (or comment-only) file reads as an empty object without errors.
pub fn read(text: &str) -> (Value, Vec<SyntaxError>) {
    let mut p =
        Parser { text, bytes: text.as_bytes(), pos: 0, errors: Vec::new(), open: Vec::new(), eof_reported: false };
    p.skip_trivia();
    if p.at_eof() {
        let root = Value { kind: ValueKind::Object(Vec::new()), span: Span::new(0, text.len()) };
        return (root, p.errors);
    }
    let root = match p.value(0) {
        Some(v) => v,
        None => {
            let span = p.token_span();
            p.error(span, format!("expected a value, found {}", p.describe(span)));
            Value { kind: ValueKind::Object(Vec::new()), span: Span::new(0, 0) }
        }
    };
    p.skip_trivia();
    if !p.at_eof() {
        let span = p.token_span();
        p.error(span, "unexpected text after the end of the config".to_string());
    }
    (root, p.errors)
}

/// Recursive-descent state.
struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    errors: Vec<SyntaxError>,
    /// Open brackets (`{` / `[`), innermost last.
    open: Vec<u8>,
    /// Set once an unclosed bracket at end of file was reported (only the innermost is reported).
    eof_reported: bool,
}

impl<'t> Parser<'t> {
    fn at_eof(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message });
    }

    /// The char at `pos`, if any.
    fn char_at(&self, pos: usize) -> Option<char> {
        self.text.get(pos..).and_then(|s| s.chars().next())
    }

    /// Skips whitespace and comments (reporting an unterminated block comment).
    fn skip_trivia(&mut self) {
        while let Some(c) = self.char_at(self.pos) {
            if c.is_whitespace() || c == '\u{feff}' {
                self.pos += c.len_utf8();
            } else if self.text[self.pos..].starts_with("//") {
                let rest = &self.text[self.pos..];
                self.pos += rest.find(['\n', '\r']).unwrap_or(rest.len());
            } else if self.text[self.pos..].starts_with("/*") {
                match self.text[self.pos + 2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        self.error(Span::new(self.pos, self.pos + 2), "unterminated block comment".into());
                        self.pos = self.text.len();
                    }
                }
            } else {
                break;
            }
        }
    }

    /// The span of the token at `pos`: one punctuation char, or a run of other non-space chars.
    fn token_span(&self) -> Span {
        let start = self.pos;
        let Some(c) = self.char_at(start) else {
            return Span::new(start, start);
        };
        if is_delimiter(c) {
            return Span::new(start, start + c.len_utf8());
        }
        let end = self.text[start..]
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || is_delimiter(c))
            .map_or(self.text.len(), |(i, _)| start + i);
        Span::new(start, end)
    }

    /// Describes a token for a message: `` `foo` `` or `end of file`.
    fn describe(&self, span: Span) -> String {
        if span.is_empty() {
            return "end of file".into();
        }
        let t = &self.text[span.start..span.end];
        match t.char_indices().nth(20) {
            Some((i, _)) => format!("`{}...`", &t[..i]),
            None => format!("`{t}`"),
        }
    }

    /// Reads one value; `None` (nothing consumed) when the next token cannot start a value
    /// (`,`, `:`, `}`, `]`, end of file).
    fn value(&mut self, depth: usize) -> Option<Value> {
        self.skip_trivia();
        let start = self.pos;
        let c = self.char_at(start)?;
        match c {
            ',' | ':' | '}' | ']' => None,
            '{' | '[' if depth >= MAX_DEPTH => Some(self.skip_nested()),
            '{' => Some(self.object(depth + 1)),
            '[' => Some(self.array(depth + 1)),
            '"' => {
                let (s, span) = self.string();
                Some(Value { kind: ValueKind::String(s), span })
            }
            _ => {
                let span = self.token_span();
                self.pos = span.end;
                let word = &self.text[span.start..span.end];
                let kind = match word {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    "null" => ValueKind::Null,
                    _ if c == '-' || c.is_ascii_digit() => {
                        if is_json_number(word) {
                            ValueKind::Number(word.to_string())
                        } else {
                            self.error(span, format!("invalid number `{word}`"));
                            ValueKind::Other
                        }
                    }
                    _ => {
                        let msg = format!("unexpected {}, expected a value", self.describe(span));
                        self.error(span, msg);
                        ValueKind::Other
                    }
                };
                Some(Value { kind, span })
            }
        }
    }

    /// Skips a value nested deeper than [`MAX_DEPTH`] (at `{` or `[`), without recursion.
    fn skip_nested(&mut self) -> Value {
        let start = self.pos;
        self.error(Span::new(start, start + 1), format!("nesting deeper than {MAX_DEPTH} levels"));
        let mut level = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.string();
                    continue;
                }
                b'{' | b'[' => level += 1,
                b'}' | b']' => {
                    level -= 1;
                    if level == 0 {
                        self.pos += 1;
                        break;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Value { kind: ValueKind::Other, span: Span::new(start, self.pos) }
    }

    /// Reads a string at `"`; returns the unescaped text and the span (quotes included). An
    /// unterminated string ends at the end of its line.
    fn string(&mut self) -> (String, Span) {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.char_at(self.pos) else {
                self.error(Span::new(start, self.pos), "unterminated string".into());
                break;
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\n' | '\r' => {
                    self.error(Span::new(start, self.pos), "unterminated string".into());
                    break;
                }
                '\\' => self.escape(&mut out),
                _ => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        (out, Span::new(start, self.pos))
    }

    /// Reads one escape sequence at `\` into `out`.
    fn escape(&mut self, out: &mut String) {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.char_at(self.pos) else {
            return;
        };
        let simple = match c {
            '"' => Some('"'),
            '\\' => Some('\\'),
            '/' => Some('/'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            self.pos += 1;
            return;
        }
        if c != 'u' {
            if c == '\n' || c == '\r' {
                // Leave the line break to end the (unterminated) string.
                self.error(Span::new(start, self.pos), "invalid escape `\\`".into());
                return;
            }
            self.pos += c.len_utf8();
            self.error(Span::new(start, self.pos), format!("invalid escape `\\{c}`"));
            out.push(c);
            return;
        }
        self.pos += 1;
        let Some(high) = self.hex4() else {
            self.error(Span::new(start, self.pos), "invalid unicode escape, expected `\\uXXXX`".into());
            out.push('\u{fffd}');
            return;
        };
        let ch = if (0xD800..0xDC00).contains(&high) {
            // A high surrogate: combine with a following `\uDC00`..`\uDFFF`.
            let save = self.pos;
            let low = if self.text[self.pos..].starts_with("\\u") {
                self.pos += 2;
                self.hex4().filter(|l| (0xDC00..0xE000).contains(l))
            } else {
                None
            };
            match low {
                Some(low) => char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)),
                None => {
                    self.pos = save;
                    None
                }
            }
        } else {
            char::from_u32(high)
        };
        out.push(ch.unwrap_or('\u{fffd}'));
    }

    /// Reads four hex digits (consuming them only when all four are there).
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let s = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        self.pos += 4;
        Some(v)
    }

    /// Reports a bracket left open at end of file (only for the innermost one).
    fn unclosed(&mut self, open: Span, what: char) {
        if !self.eof_reported {
            self.eof_reported = true;
            self.error(open, format!("'{what}' is never closed"));
        }
    }

    /// True when `closer` closes a bracket opened further out (so the current one is missing its
    /// closer), false when it is a stray token.
    fn closes_outer(&self, closer: u8) -> bool {
        let opener = if closer == b'}' { b'{' } else { b'[' };
        self.open.iter().rev().skip(1).any(|&b| b == opener)
    }

    /// Reads an object at `{`.
    fn object(&mut self, depth: usize) -> Value {
        let start = self.pos;
        self.pos += 1;
        self.open.push(b'{');
        let mut members = Vec::new();
        loop {
            self.skip_trivia();
            let Some(c) = self.char_at(self.pos) else {
                self.unclosed(Span::new(start, start + 1), '{');
                break;
            };
            let key = match c {
                '}' => {
                    self.pos += 1;
                    break;
                }
                ']' if self.closes_outer(b']') => {
                    self.error(Span::new(self.pos, self.pos + 1), "expected '}' before ']'".into());
                    break;
                }
                '"' => {
                    let (k, span) = self.string();
                    Spanned::new(k, span)
                }
                _ if c.is_alphabetic() || c == '_' || c == '$' => {
                    let span = self.token_span();
                    self.pos = span.end;
                    self.error(span, "property keys must be double-quoted".into());
                    Spanned::new(self.text[span.start..span.end].to_string(), span)
                }
                _ => {
                    let span = self.token_span();
                    let msg = format!("unexpected {}, expected a property key", self.describe(span));
                    self.error(span, msg);
                    self.pos = span.end;
                    continue;
                }
            };
            let errors_before = self.errors.len();
            self.skip_trivia();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(b'=') => {
                    self.error(Span::new(self.pos, self.pos + 1), "expected ':' instead of '='".into());
                    self.pos += 1;
                }
                _ => {
                    let at = Span::new(key.span.end, key.span.end);
                    self.error(at, "expected ':' after property key".into());
                }
            }
            let value = match self.value(depth) {
                Some(v) => v,
                None => {
                    if self.errors.len() == errors_before {
                        self.error(key.span, format!("missing value for `{}`", key.value));
                    }
                    Value { kind: ValueKind::Other, span: Span::new(self.pos, self.pos) }
                }
            };
            let value_end = value.span.end;
            members.push(Member { key, value });
            self.after_element(b'}', value_end, errors_before, "object member");
        }
        self.open.pop();
        Value { kind: ValueKind::Object(members), span: Span::new(start, self.pos) }
    }

    /// After an element of an object or array: consumes a `,`, or leaves a closer or the end of
    /// file to the caller's loop. Anything else is a missing comma, reported unless the element
    /// already had an error (no cascades); the loop then reads on.
    fn after_element(&mut self, closer: u8, value_end: usize, errors_before: usize, what: &str) {
        self.skip_trivia();
        match self.peek() {
            Some(b',') => self.pos += 1,
            None => {}
            Some(b) if b == closer => {}
            Some(b @ (b'}' | b']')) if self.closes_outer(b) => {}
            // Garbage is reported by the caller's loop; a missing comma is only likely before
            // something that starts a value or key.
            Some(b) if !(b"\"{[-".contains(&b) || b.is_ascii_alphanumeric()) => {}
            Some(_) if self.errors.len() == errors_before => {
                let closer = closer as char;
                let at = Span::new(value_end, value_end);
                self.error(at, format!("expected ',' or '{closer}' after {what}"));
            }
            Some(_) => {}
        }
    }

    /// Reads an array at `[`.
    fn array(&mut self, depth: usize) -> Value {
        let start = self.pos;
        self.pos += 1;
        self.open.push(b'[');
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            let Some(c) = self.char_at(self.pos) else {
                self.unclosed(Span::new(start, start + 1), '[');
                break;
            };
            match c {
                ']' => {
                    self.pos += 1;
                    break;
                }
                '}' if self.closes_outer(b'}') => {
                    self.error(Span::new(self.pos, self.pos + 1), "expected ']' before '}'".into());
                    break;
                }
                ',' | ':' | '}' => {
                    let msg =
                        if c == ',' { "expected a value before ','".to_string() } else { format!("unexpected '{c}'") };
                    self.error(Span::new(self.pos, self.pos + 1), msg);
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let errors_before = self.errors.len();
            let Some(value) = self.value(depth) else {
                continue;
            };
            let value_end = value.span.end;
            items.push(value);
            self.after_element(b']', value_end, errors_before, "array element");
        }
        self.open.pop();
        Value { kind: ValueKind::Array(items), span: Span::new(start, self.pos) }
    }
}

/// Chars that end a bare token.
fn is_delimiter(c: char) -> bool {
    matches!(c, '{' | '}' | '[' | ']' | ',' | ':' | '"' | '/')
}

/// True for a number in JSON syntax: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > from
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    if b.get(i) == Some(&b'0') {
        i += 1;
    } else if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::extract::extract;
    use crate::config::model::{ConfigFormat, WorkerConfig};

    /// Asserts that `span` covers exactly `expected` in `text`.
    #[track_caller]
    fn assert_span(text: &str, span: Span, expected: &str) {
        assert_eq!(&text[span.start..span.end], expected);
    }

    fn config(text: &str) -> WorkerConfig {
        let (root, errors) = read(text);
        extract(ConfigFormat::Jsonc, root, errors)
    }

    fn error_texts(text: &str) -> Vec<(String, String)> {
        read(text).1.into_iter().map(|e| (text[e.span.start..e.span.end].to_string(), e.message)).collect()
    }

    fn class_names(c: &WorkerConfig) -> Vec<String> {
        let dobj = c.top.durable_objects.as_ref().map_or(&[][..], |d| &d.bindings[..]);
        dobj.iter().filter_map(|b| b.class_name.as_ref().map(|n| n.value.clone())).collect()
    }

    fn migration_classes(c: &WorkerConfig) -> Vec<String> {
        let steps = c.top.migrations.as_ref().map_or(&[][..], |m| &m.steps[..]);
        steps.iter().flat_map(|s| s.new_sqlite_classes.iter().map(|n| n.value.clone())).collect()
    }

    #[test]
    fn comments_trailing_commas_and_spans() {
        let text = r#"// wrangler config
{
  /* block
     comment */
  "name": "chat", // trailing
  "durable_objects": {
    "bindings": [
      { "name": "ROOM", "class_name": "ChatRoom", },
    ],
  },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] },],
}
"#;
        let (root, errors) = read(text);
        assert!(errors.is_empty(), "{errors:?}");
        let ValueKind::Object(members) = &root.kind else { panic!("not an object") };
        assert_span(text, members[0].key.span, "\"name\"");
        assert_span(text, members[0].value.span, "\"chat\"");
        let c = extract(ConfigFormat::Jsonc, root, errors);
        assert_eq!(c.top.name.as_ref().map(|n| n.value.as_str()), Some("chat"));
        let dobj = c.top.durable_objects.as_ref().expect("durable_objects");
        assert!(text[dobj.span.start..dobj.span.end].starts_with("{\n    \"bindings\""));
        let b = &dobj.bindings[0];
        assert_span(text, b.span, r#"{ "name": "ROOM", "class_name": "ChatRoom", }"#);
        assert_span(text, b.class_name.as_ref().expect("class").span, "\"ChatRoom\"");
        assert_eq!(migration_classes(&c), ["ChatRoom"]);
    }

    #[test]
    fn escapes() {
        let text = r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "\ud83d x", "\ude00", "\q", "é✓"]"#;
        let (root, errors) = read(text);
        let ValueKind::Array(items) = root.kind else { panic!("not an array") };
        let strs: Vec<_> = items
            .iter()
            .map(|v| match &v.kind {
                ValueKind::String(s) => s.clone(),
                _ => panic!("not a string"),
            })
            .collect();
        assert_eq!(strs, ["a\"b\\c/d\u{8}\u{c}\n\r\t", "é中", "😀", "\u{fffd} x", "\u{fffd}", "q", "é✓"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_span(text, errors[0].span, "\\q");
        assert_span(text, items[6].span, "\"é✓\"");
    }

    #[test]
    fn empty_and_comment_only() {
        for text in ["", "  \n", "// nothing\n/* here */"] {
            let (root, errors) = read(text);
            assert_eq!(root.kind, ValueKind::Object(Vec::new()));
            assert!(errors.is_empty());
        }
    }

    #[test]
    fn missing_comma_between_members() {
        let text = r#"{
  "name": "chat"
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }]
}"#;
        let c = config(text);
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        assert_eq!(c.syntax_errors.len(), 1);
        let e = &c.syntax_errors[0];
        assert_eq!(e.message, "expected ',' or '}' after object member");
        assert_eq!(e.span.start, text.find("\"chat\"").map(|i| i + 6).unwrap_or(0));
    }

    #[test]
    fn unterminated_string_at_end_of_line() {
        let text = r#"{
  "main": "src/index.ts
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }]
}"#;
        let c = config(text);
        assert_eq!(c.top.main.as_ref().map(|m| m.value.as_str()), Some("src/index.ts"));
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        assert_eq!(error_texts(text), [("\"src/index.ts".to_string(), "unterminated string".to_string())]);
    }

    #[test]
    fn missing_value() {
        let text = r#"{ "name": , "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }"#;
        let c = config(text);
        assert!(c.top.name.is_none());
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        assert_eq!(error_texts(text), [("\"name\"".to_string(), "missing value for `name`".to_string())]);
    }

    #[test]
    fn missing_closing_braces_at_eof() {
        let text = r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room"
"#;
        let c = config(text);
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        let errors = error_texts(text);
        assert_eq!(errors, [("{".to_string(), "'{' is never closed".to_string())]);
        assert_eq!(c.syntax_errors[0].span.start, text.rfind('{').unwrap_or(0));
    }

    #[test]
    fn garbage_tokens() {
        let text = r#"{ "name": chat, @@ "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" } ;] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }"#;
        let c = config(text);
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        let errors = error_texts(text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0].0, "chat");
        assert_eq!(errors[1].0, "@@");
        assert_eq!(errors[2].0, ";");
    }

    #[test]
    fn mismatched_closer_and_bare_key() {
        let text = r#"{ "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" ] },
  migrations: [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }"#;
        let c = config(text);
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        let errors = error_texts(text);
        assert_eq!(errors[0], ("]".to_string(), "expected '}' before ']'".to_string()));
        assert_eq!(errors[1], ("migrations".to_string(), "property keys must be double-quoted".to_string()));
    }

    #[test]
    fn half_typed_member_and_extra_commas() {
        let text = r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room",,] },],
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
  "mai
}"#;
        let c = config(text);
        assert_eq!(class_names(&c), ["Room"]);
        assert_eq!(migration_classes(&c), ["Room"]);
        let errors = error_texts(text);
        assert_eq!(errors[0], (",".to_string(), "expected a value before ','".to_string()));
        assert_eq!(errors[1], ("\"mai".to_string(), "unterminated string".to_string()));
    }

    #[test]
    fn numbers_and_literals() {
        let (root, errors) = read(r#"[1, -2.5e3, 0, true, false, null, 01, 1.]"#);
        let ValueKind::Array(items) = root.kind else { panic!("not an array") };
        assert_eq!(items[1].kind, ValueKind::Number("-2.5e3".into()));
        assert_eq!(items[3].kind, ValueKind::Bool(true));
        assert_eq!(items[5].kind, ValueKind::Null);
        assert_eq!(items[6].kind, ValueKind::Other);
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (_, errors) = read(&text);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("nesting"));
        let (_, errors) = read(&"{\"a\":".repeat(50_000));
        assert!(!errors.is_empty());
    }

    #[test]
    fn unterminated_comment_and_trailing_text() {
        assert_eq!(error_texts("{} /* x"), [("/*".to_string(), "unterminated block comment".to_string())]);
        assert_eq!(error_texts("{} }"), [("}".to_string(), "unexpected text after the end of the config".to_string())]);
    }
}
