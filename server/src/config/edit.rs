//! Style-preserving edits of wrangler config files, for quick-fixes and source actions.
//!
//! A [`ConfigEditor`] looks at a config file's text and its [`WorkerConfig`] and computes
//! [`ConfigEdit`]s (a byte range and its replacement) that keep the file's own style:
//! - comments outside the edited value are never touched;
//! - JSONC: trailing commas are written where the file writes them, indentation (spaces or tabs,
//!   and their width) is detected from the file, and new arrays/objects are written inline or one
//!   item per line as their neighbours are;
//! - TOML: arrays of tables (`[[migrations]]`) and header tables (`[exports.X]`) are extended as
//!   such, inline arrays/tables as inline values; env sections (`[[env.staging.durable_objects.bindings]]`
//!   or `"env": { "staging": { ... } }`) are addressed by path like the top level.
//!
//! Values are addressed by a path of [`Seg`]s from the root (`[Key("env"), Key("staging"),
//! Key("migrations"), Index(0)]`). Every operation returns `None` when the path does not lead where
//! it must or the text around the target is not as the model says (a broken file): callers then
//! offer no fix.

use super::model::{ConfigFormat, Value, ValueKind, WorkerConfig};
use crate::text::Span;

/// Replace the bytes `span` of a config file's text with `new_text` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEdit {
    /// The bytes replaced.
    pub span: Span,
    /// The replacement.
    pub new_text: String,
}

/// Applies non-overlapping edits to `text` (in any order); edits out of range are skipped.
pub fn apply_edits(text: &str, edits: &[ConfigEdit]) -> String {
    let mut sorted: Vec<&ConfigEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    let mut out = text.to_string();
    for e in sorted {
        if e.span.end <= out.len() && out.is_char_boundary(e.span.start) && out.is_char_boundary(e.span.end) {
            out.replace_range(e.span.start..e.span.end, &e.new_text);
        }
    }
    out
}

/// A value to write into a config file, format-neutral. Object members keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum NewValue {
    /// A string (escaped when written).
    String(String),
    /// A number, boolean or other literal, written as is.
    Literal(String),
    /// An array.
    Array(Vec<NewValue>),
    /// An object / table.
    Object(Vec<(String, NewValue)>),
}

impl NewValue {
    /// A string value.
    pub fn string(s: impl Into<String>) -> NewValue {
        NewValue::String(s.into())
    }

    /// An array of strings.
    pub fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> NewValue {
        NewValue::Array(items.into_iter().map(NewValue::string).collect())
    }

    /// An object from `(key, value)` pairs, in order.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, NewValue)>) -> NewValue {
        NewValue::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A copy of a value read from a file, for moving or duplicating it. `None` when the
    /// value (or a part of it) could not be read.
    pub fn from_value(value: &Value) -> Option<NewValue> {
        Some(match &value.kind {
            ValueKind::String(s) => NewValue::String(s.clone()),
            ValueKind::Number(n) => NewValue::Literal(n.clone()),
            ValueKind::Bool(b) => NewValue::Literal(b.to_string()),
            ValueKind::Null => NewValue::Literal("null".into()),
            ValueKind::Array(items) => NewValue::Array(items.iter().map(NewValue::from_value).collect::<Option<_>>()?),
            ValueKind::Object(members) => NewValue::Object(
                members
                    .iter()
                    .map(|m| Some((m.key.value.clone(), NewValue::from_value(&m.value)?)))
                    .collect::<Option<_>>()?,
            ),
            ValueKind::Other => return None,
        })
    }

    /// True for arrays and objects.
    fn is_container(&self) -> bool {
        matches!(self, NewValue::Array(_) | NewValue::Object(_))
    }

    /// True when some member or item is an object or holds one (arrays of scalars do not count):
    /// what is worth spreading over lines.
    fn has_nested_container(&self) -> bool {
        let deep = |v: &NewValue| match v {
            NewValue::Object(_) => true,
            NewValue::Array(items) => items.iter().any(NewValue::is_container),
            _ => false,
        };
        match self {
            NewValue::Array(items) => items.iter().any(deep),
            NewValue::Object(members) => members.iter().any(|(_, v)| deep(v)),
            _ => false,
        }
    }

    /// True for an object, or a non-empty array of objects (what TOML can write as header tables).
    fn is_table_like(&self) -> bool {
        match self {
            NewValue::Object(_) => true,
            NewValue::Array(items) => !items.is_empty() && items.iter().all(|i| matches!(i, NewValue::Object(_))),
            _ => false,
        }
    }
}

/// One step of a path into a config's value tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// An object member.
    Key(&'a str),
    /// An array item.
    Index(usize),
}

/// The path of a section: the top level (`[]`) or `env.<name>`.
pub fn section_path(env: Option<&str>) -> Vec<Seg<'_>> {
    match env {
        None => Vec::new(),
        Some(name) => vec![Seg::Key("env"), Seg::Key(name)],
    }
}

/// How the file writes things.
#[derive(Debug, Clone)]
struct Style {
    /// One level of indentation (`"  "`, `"    "`, `"\t"`).
    unit: String,
    /// JSONC: multi-line containers end with a comma after their last item.
    trailing_commas: bool,
    /// TOML: the file uses `[table]` / `[[array]]` headers, or has no inline tables to tell
    /// otherwise.
    headers: bool,
    /// TOML: header tables are separated by a blank line.
    blank_before_headers: bool,
}

/// Computes style-preserving edits of one config file.
pub struct ConfigEditor<'a> {
    text: &'a str,
    config: &'a WorkerConfig,
    style: Style,
}

/// How a value is to be laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// On one line.
    Inline,
    /// One member per line where the value holds containers; leaf containers inline.
    Auto,
    /// The outer container one member per line, whatever it holds.
    Expanded,
}

impl<'a> ConfigEditor<'a> {
    /// An editor of `text`, read as `config`.
    pub fn new(text: &'a str, config: &'a WorkerConfig) -> Self {
        let style = Style {
            unit: detect_indent(text),
            trailing_commas: config.format == ConfigFormat::Jsonc && jsonc_uses_trailing_commas(text),
            headers: config.format == ConfigFormat::Toml
                && (text.lines().any(|l| l.trim_start().starts_with('[')) || !text.contains('{')),
            blank_before_headers: blank_before_headers(text),
        };
        ConfigEditor { text, config, style }
    }

    /// The file's text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The file's format.
    pub fn format(&self) -> ConfigFormat {
        self.config.format
    }

    /// The value at `path`.
    pub fn lookup(&self, path: &[Seg<'_>]) -> Option<&'a Value> {
        let mut v = &self.config.root;
        for seg in path {
            v = child(v, *seg)?;
        }
        Some(v)
    }

    /// Appends `item` to the array at `path`; creates the array (and the objects leading to it)
    /// when absent.
    pub fn append_to_array(&self, path: &[Seg<'_>], item: &NewValue) -> Option<ConfigEdit> {
        self.append_items(path, std::slice::from_ref(item))
    }

    /// Appends `items` (in order) to the array at `path`, in one edit; creates the array (and the
    /// objects leading to it) when absent.
    pub fn append_items(&self, path: &[Seg<'_>], items: &[NewValue]) -> Option<ConfigEdit> {
        if items.is_empty() {
            return None;
        }
        let Some(array) = self.lookup(path) else {
            let (key, parent) = split_key(path)?;
            return self.set_member(parent, key, &NewValue::Array(items.to_vec()), &[]);
        };
        let ValueKind::Array(existing) = &array.kind else { return None };
        if self.format() == ConfigFormat::Toml && self.is_toml_header_form(array) {
            let last = existing.last()?;
            let header = toml_dotted(path)?;
            let at = self.header_insertion_point(last.span.end);
            return Some(self.insert_header_text(at, &self.toml_tables(&header, &NewValue::Array(items.to_vec()))?));
        }
        let spans: Vec<Span> = existing.iter().map(|i| i.span).collect();
        let sibling = existing.last().map(|i| i.span);
        let multiline = self.text[array.span.start..array.span.end].contains('\n');
        self.insert_delimited(array, &spans, spans.len(), |indent| {
            let rendered: Vec<String> = items.iter().map(|i| self.render_item(i, sibling, indent)).collect();
            rendered.join(&if multiline || spans.is_empty() { format!(",\n{indent}") } else { ", ".to_string() })
        })
    }

    /// Sets `key` of the object at `path` to `value`: replaces the value when the key exists,
    /// else adds the member (after the first of `after` that exists, else last), creating the
    /// objects leading to it when absent.
    pub fn set_member(&self, path: &[Seg<'_>], key: &str, value: &NewValue, after: &[&str]) -> Option<ConfigEdit> {
        let Some(object) = self.lookup(path) else {
            // Create the missing object around the member, one level up.
            let (parent_key, parent) = split_key(path)?;
            let wrapped = NewValue::Object(vec![(key.to_string(), value.clone())]);
            return self.set_member(parent, parent_key, &wrapped, &[]);
        };
        let ValueKind::Object(members) = &object.kind else { return None };
        if let Some(m) = members.iter().find(|m| m.key.value == key) {
            let mut full = path.to_vec();
            full.push(Seg::Key(key));
            if let (NewValue::Object(new_members), ValueKind::Object(_)) = (value, &m.value.kind) {
                // Merge into the existing object rather than replacing it.
                let mut edits = Vec::new();
                for (k, v) in new_members {
                    edits.push(self.set_member(&full, k, v, &[])?);
                }
                return merge_edits(self.text, edits);
            }
            return self.replace_value(&full, value);
        }
        let after_index =
            after.iter().find_map(|a| members.iter().position(|m| m.key.value == *a)).filter(|i| i + 1 < members.len());
        match self.format() {
            ConfigFormat::Jsonc => {
                if !object_is_delimited(self.text, object) {
                    return self.jsonc_fill_empty_root(object, key, value);
                }
                let spans: Vec<Span> = members.iter().map(|m| Span::new(m.key.span.start, m.value.span.end)).collect();
                let at = after_index.map_or(spans.len(), |i| i + 1);
                let sibling = members.get(at.saturating_sub(1)).map(|m| m.value.span);
                self.insert_delimited(object, &spans, at, |indent| {
                    format!("{}: {}", json_string(key), self.render_member_value(value, sibling, indent))
                })
            }
            ConfigFormat::Toml => {
                self.toml_add_member(path, object, key, value, after_index.map(|i| &members[i].value))
            }
        }
    }

    /// Replaces the value at `path` with `value` (written inline, or one member per line where
    /// it holds containers and sits in a multi-line context).
    pub fn replace_value(&self, path: &[Seg<'_>], value: &NewValue) -> Option<ConfigEdit> {
        let old = self.lookup(path)?;
        if self.format() == ConfigFormat::Toml && self.is_toml_header_form(old) {
            return None;
        }
        let indent = line_indent(self.text, old.span.start).to_string();
        let layout = if self.text[old.span.start..old.span.end].contains('\n') { Layout::Auto } else { Layout::Inline };
        Some(ConfigEdit { span: old.span, new_text: self.render(value, &indent, layout) })
    }

    /// Replaces the member at `path` (key and value) by `new_key: value`, in place. The comments
    /// inside the old value are kept, on their own lines before the new member. In TOML, an
    /// array of tables (`[[migrations]]`) becomes header tables (`[exports.A]`) where its first
    /// table was, and an inline value becomes dotted pairs (`exports.A = { ... }`) when `value`
    /// is a map of objects, else `new_key = <inline>`.
    pub fn replace_member(&self, path: &[Seg<'_>], new_key: &str, value: &NewValue) -> Option<ConfigEdit> {
        let text = self.text;
        let (key, parent_path) = split_key(path)?;
        let parent = self.lookup(parent_path)?;
        let ValueKind::Object(members) = &parent.kind else { return None };
        let member = members.iter().find(|m| m.key.value == key)?;
        let old = &member.value;
        let indent = line_indent(text, member.key.span.start).to_string();
        let fmt = self.format();
        if fmt == ConfigFormat::Toml && self.is_toml_header_form(old) {
            let ValueKind::Array(items) = &old.kind else { return None };
            let prefix = toml_dotted(parent_path)?;
            let full = if prefix.is_empty() { toml_key(new_key) } else { format!("{prefix}.{}", toml_key(new_key)) };
            let tables = self.toml_tables(&full, value)?;
            let mut edits = Vec::new();
            let mut kept = Vec::new();
            for (i, item) in items.iter().enumerate() {
                kept.extend(comments_within(text, Span::new(line_end(text, item.span.start), item.span.end), fmt));
                let mut start = line_start(text, item.span.start);
                if i > 0 && start >= 1 {
                    let prev = line_start(text, start - 1);
                    if text[prev..start].trim().is_empty() {
                        start = prev;
                    }
                }
                let end = (line_end(text, item.span.end) + 1).min(text.len());
                edits.push(ConfigEdit { span: Span::new(start, end), new_text: String::new() });
            }
            let mut first = kept.join("\n");
            if !first.is_empty() {
                first.push('\n');
            }
            first.push_str(tables.trim_start_matches('\n'));
            if !first.ends_with('\n') {
                first.push('\n');
            }
            edits.first_mut()?.new_text = first;
            return merge_edits(text, edits);
        }
        let comments = comments_within(text, old.span, fmt);
        let mut new_text: String = comments.iter().map(|c| format!("{c}\n{indent}")).collect();
        let map_of_objects = matches!(value, NewValue::Object(m) if !m.is_empty() && m.iter().all(|(_, v)| matches!(v, NewValue::Object(_))));
        match fmt {
            ConfigFormat::Jsonc => {
                new_text.push_str(&format!("{}: {}", json_string(new_key), self.render(value, &indent, Layout::Auto)));
            }
            ConfigFormat::Toml if map_of_objects && !self.is_toml_inline(parent) => {
                let NewValue::Object(entries) = value else { return None };
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        let v = self.render_toml_inline(v, &indent, Layout::Inline);
                        format!("{}.{} = {v}", toml_key(new_key), toml_key(k))
                    })
                    .collect();
                new_text.push_str(&lines.join(&format!("\n{indent}")));
            }
            ConfigFormat::Toml => {
                let v = self.render_toml_inline(value, &indent, Layout::Inline);
                new_text.push_str(&format!("{} = {v}", toml_key(new_key)));
            }
        }
        Some(ConfigEdit { span: Span::new(member.key.span.start, old.span.end), new_text })
    }

    /// Renames the key of the member at `path` (its last segment must be a key).
    pub fn rename_key(&self, path: &[Seg<'_>], new_key: &str) -> Option<ConfigEdit> {
        let (key, parent) = split_key(path)?;
        let ValueKind::Object(members) = &self.lookup(parent)?.kind else { return None };
        let member = members.iter().find(|m| m.key.value == key)?;
        let new_text = match self.format() {
            ConfigFormat::Jsonc => json_string(new_key),
            ConfigFormat::Toml => toml_key(new_key),
        };
        Some(ConfigEdit { span: member.key.span, new_text })
    }

    /// Removes the array item or object member at `path`, with its separator and, when it has
    /// lines of its own, those lines (comments on them included).
    pub fn remove(&self, path: &[Seg<'_>]) -> Option<ConfigEdit> {
        let (last, parent_path) = path.split_last()?;
        let parent = self.lookup(parent_path)?;
        let (spans, index, target): (Vec<Span>, usize, &Value) = match (&parent.kind, last) {
            (ValueKind::Array(items), Seg::Index(i)) => (items.iter().map(|v| v.span).collect(), *i, items.get(*i)?),
            (ValueKind::Object(members), Seg::Key(k)) => {
                let i = members.iter().position(|m| m.key.value == *k)?;
                let spans = members.iter().map(|m| Span::new(m.key.span.start, m.value.span.end)).collect();
                (spans, i, &members[i].value)
            }
            _ => return None,
        };
        if self.format() == ConfigFormat::Toml && !self.is_toml_inline(parent) {
            return self.toml_remove(parent, spans[index], target);
        }
        self.remove_delimited(parent, &spans, index)
    }

    // ---- shared: delimited containers (JSONC arrays/objects, TOML inline arrays/tables) ----

    /// Inserts an element at position `at` (0..=len) of a bracketed container whose elements
    /// span `elems`; `render` writes the element for a given indentation.
    fn insert_delimited(
        &self,
        container: &Value,
        elems: &[Span],
        at: usize,
        render: impl Fn(&str) -> String,
    ) -> Option<ConfigEdit> {
        let text = self.text;
        let open = container.span.start;
        let close = container.span.end.checked_sub(1)?;
        if !matches!(text.as_bytes().get(open), Some(b'[' | b'{'))
            || !matches!(text.as_bytes().get(close), Some(b']' | b'}'))
        {
            return None;
        }
        let multiline = text[open..=close].contains('\n');
        let container_indent = line_indent(text, open).to_string();
        let indent = match elems.last() {
            Some(last) if starts_line(text, last.start) => line_indent(text, last.start).to_string(),
            _ => format!("{container_indent}{}", self.style.unit),
        };
        if elems.is_empty() {
            let interior = &text[open + 1..close];
            let element = render(&indent);
            let wants_lines = multiline || element.contains('\n') || self.prefers_multiline(container);
            if !wants_lines {
                let pad = if text.as_bytes()[open] == b'{' { " " } else { "" };
                return Some(ConfigEdit { span: Span::new(open + 1, close), new_text: format!("{pad}{element}{pad}") });
            }
            if interior.trim().is_empty() {
                let comma = if self.style.trailing_commas { "," } else { "" };
                return Some(ConfigEdit {
                    span: Span::new(open + 1, close),
                    new_text: format!("\n{indent}{element}{comma}\n{container_indent}"),
                });
            }
            return Some(ConfigEdit { span: Span::new(open + 1, open + 1), new_text: format!("\n{indent}{element}") });
        }
        let element = render(&indent);
        if at < elems.len() {
            // In the middle: after element `at - 1` (or before the first one).
            if at == 0 {
                let first = elems[0].start;
                return Some(if multiline && starts_line(text, first) {
                    let ls = line_start(text, first);
                    ConfigEdit { span: Span::new(ls, ls), new_text: format!("{indent}{element},\n") }
                } else {
                    ConfigEdit { span: Span::new(first, first), new_text: format!("{element}, ") }
                });
            }
            let after = self.after_element(elems[at - 1].end, close);
            let comma = after.comma?;
            return Some(match (multiline, after.line_end) {
                (true, Some(eol)) => {
                    ConfigEdit { span: Span::new(eol, eol), new_text: format!("\n{indent}{element},") }
                }
                _ => ConfigEdit { span: Span::new(comma + 1, comma + 1), new_text: format!(" {element},") },
            });
        }
        let last = elems[elems.len() - 1].end;
        let after = self.after_element(last, close);
        if !multiline {
            return Some(match after.comma {
                Some(c) => ConfigEdit { span: Span::new(c + 1, c + 1), new_text: format!(" {element},") },
                None => ConfigEdit { span: Span::new(last, last), new_text: format!(", {element}") },
            });
        }
        match (after.comma, after.line_end) {
            (Some(_), Some(eol)) => {
                Some(ConfigEdit { span: Span::new(eol, eol), new_text: format!("\n{indent}{element},") })
            }
            (Some(c), None) => {
                Some(ConfigEdit { span: Span::new(c + 1, c + 1), new_text: format!("\n{indent}{element},") })
            }
            (None, Some(eol)) => Some(ConfigEdit {
                span: Span::new(last, eol),
                new_text: format!(",{}\n{indent}{element}", &text[last..eol]),
            }),
            (None, None) => Some(ConfigEdit { span: Span::new(last, last), new_text: format!(",\n{indent}{element}") }),
        }
    }

    /// Removes element `index` of a bracketed container.
    fn remove_delimited(&self, container: &Value, elems: &[Span], index: usize) -> Option<ConfigEdit> {
        let text = self.text;
        let close = container.span.end.checked_sub(1)?;
        let elem = *elems.get(index)?;
        let after = self.after_element(elem.end, close);
        let is_last = index + 1 == elems.len();
        let own_lines = starts_line(text, elem.start) && after.line_end.is_some();
        if elems.len() == 1 {
            // The only element: leave an empty container.
            return Some(ConfigEdit { span: Span::new(container.span.start + 1, close), new_text: String::new() });
        }
        if own_lines && (after.comma.is_some() || !is_last || index == 0) {
            // Whole lines: the element, its comma and a comment after it.
            let start = line_start(text, elem.start);
            let end = after.line_end.map_or(text.len(), |e| (e + 1).min(text.len()));
            return Some(ConfigEdit { span: Span::new(start, end), new_text: String::new() });
        }
        if is_last {
            // Drop the comma after the previous element, and this element.
            let prev = self.after_element(elems[index - 1].end, close);
            let comma = prev.comma?;
            let end = after.comma.map_or(elem.end, |c| c + 1);
            if own_lines {
                let start = line_start(text, elem.start);
                let eol = after.line_end.unwrap_or(end);
                let between = &text[comma + 1..start.max(comma + 1)];
                return Some(ConfigEdit {
                    span: Span::new(comma, eol),
                    new_text: between.trim_end_matches(['\n', '\r']).to_string(),
                });
            }
            return Some(ConfigEdit { span: Span::new(comma, end), new_text: String::new() });
        }
        // Inline, not last: the element, its comma and the spaces after it.
        let comma = after.comma?;
        let mut end = comma + 1;
        while text.as_bytes().get(end) == Some(&b' ') {
            end += 1;
        }
        Some(ConfigEdit { span: Span::new(elem.start, end), new_text: String::new() })
    }

    /// What follows an element ending at `end`: its comma, and the end of its line when nothing
    /// but trivia follows on that line.
    fn after_element(&self, end: usize, close: usize) -> After {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut pos = end;
        let mut comma = None;
        loop {
            match bytes.get(pos) {
                Some(b' ' | b'\t' | b'\r') => pos += 1,
                Some(b',') if comma.is_none() && pos < close => {
                    comma = Some(pos);
                    pos += 1;
                }
                Some(b'\n') => return After { comma, line_end: Some(pos) },
                Some(b'/') if self.format() == ConfigFormat::Jsonc && bytes.get(pos + 1) == Some(&b'/') => {
                    return After { comma, line_end: Some(line_end(text, pos)) };
                }
                Some(b'#') if self.format() == ConfigFormat::Toml => {
                    return After { comma, line_end: Some(line_end(text, pos)) };
                }
                Some(b'/') if self.format() == ConfigFormat::Jsonc && bytes.get(pos + 1) == Some(&b'*') => {
                    match text[pos + 2..].find("*/") {
                        Some(i) if !text[pos..pos + 2 + i].contains('\n') => pos += 2 + i + 2,
                        _ => return After { comma, line_end: None },
                    }
                }
                None => return After { comma, line_end: Some(pos) },
                _ => return After { comma, line_end: None },
            }
        }
    }

    /// True when a new element in the empty `container` should get a line of its own: the
    /// container's parent spreads over lines.
    fn prefers_multiline(&self, container: &Value) -> bool {
        let start = line_start(self.text, container.span.start);
        let root = &self.config.root;
        self.format() == ConfigFormat::Jsonc
            && root.span.start < start
            && self.text[root.span.start..root.span.end].contains('\n')
    }

    /// An empty JSONC file (no braces): writes the root object.
    fn jsonc_fill_empty_root(&self, object: &Value, key: &str, value: &NewValue) -> Option<ConfigEdit> {
        if !std::ptr::eq(object, &self.config.root) || !self.text.trim().is_empty() {
            return None;
        }
        let unit = &self.style.unit;
        let member = format!("{}: {}", json_string(key), self.render(value, unit, Layout::Auto));
        Some(ConfigEdit { span: Span::new(0, self.text.len()), new_text: format!("{{\n{unit}{member}\n}}\n") })
    }

    // ---- rendering ----

    /// Renders a new array item in the layout of its `sibling` (the last item).
    fn render_item(&self, item: &NewValue, sibling: Option<Span>, indent: &str) -> String {
        let layout = match sibling {
            Some(s) if item.is_container() && self.text[s.start..s.end].contains('\n') => Layout::Expanded,
            Some(_) => Layout::Inline,
            None => Layout::Auto,
        };
        self.render(item, indent, layout)
    }

    /// Renders a new member's value like its `sibling` member's value.
    fn render_member_value(&self, value: &NewValue, sibling: Option<Span>, indent: &str) -> String {
        let layout = match sibling {
            Some(s)
                if value.is_container()
                    && !value.has_nested_container()
                    && self.text[s.start..s.end].contains('\n') =>
            {
                Layout::Expanded
            }
            _ => Layout::Auto,
        };
        self.render(value, indent, layout)
    }

    /// Renders `value` as an inline/multi-line value of the file's format, lines indented from
    /// `indent` (the indentation of the line the value starts on).
    fn render(&self, value: &NewValue, indent: &str, layout: Layout) -> String {
        match self.format() {
            ConfigFormat::Jsonc => self.render_jsonc(value, indent, layout),
            ConfigFormat::Toml => self.render_toml_inline(value, indent, layout),
        }
    }

    fn render_jsonc(&self, value: &NewValue, indent: &str, layout: Layout) -> String {
        let expand = match layout {
            Layout::Inline => false,
            Layout::Auto => value.has_nested_container(),
            Layout::Expanded => value.is_container(),
        };
        let inner = format!("{indent}{}", self.style.unit);
        let child_layout = if layout == Layout::Inline { Layout::Inline } else { Layout::Auto };
        let parts: Vec<String> = match value {
            NewValue::String(s) => return json_string(s),
            NewValue::Literal(l) => return l.clone(),
            NewValue::Array(items) => items.iter().map(|i| self.render_jsonc(i, &inner, child_layout)).collect(),
            NewValue::Object(members) => members
                .iter()
                .map(|(k, v)| format!("{}: {}", json_string(k), self.render_jsonc(v, &inner, child_layout)))
                .collect(),
        };
        let (open, close) = if matches!(value, NewValue::Array(_)) { ("[", "]") } else { ("{", "}") };
        if parts.is_empty() {
            return format!("{open}{close}");
        }
        if expand {
            let comma = if self.style.trailing_commas { "," } else { "" };
            return format!("{open}\n{inner}{}{comma}\n{indent}{close}", parts.join(&format!(",\n{inner}")));
        }
        match value {
            NewValue::Array(_) => format!("[{}]", parts.join(", ")),
            _ => format!("{{ {} }}", parts.join(", ")),
        }
    }

    /// TOML inline value. Inline tables stay on one line (TOML 1.0); arrays may spread.
    fn render_toml_inline(&self, value: &NewValue, indent: &str, layout: Layout) -> String {
        match value {
            NewValue::String(s) => toml_string(s),
            NewValue::Literal(l) => l.clone(),
            NewValue::Object(members) => {
                if members.is_empty() {
                    return "{}".into();
                }
                let parts: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{} = {}", toml_key(k), self.render_toml_inline(v, indent, Layout::Inline)))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            NewValue::Array(items) => {
                let expand = match layout {
                    Layout::Inline => false,
                    Layout::Auto => value.has_nested_container(),
                    Layout::Expanded => true,
                };
                let inner = format!("{indent}{}", self.style.unit);
                let parts: Vec<String> =
                    items.iter().map(|i| self.render_toml_inline(i, &inner, Layout::Inline)).collect();
                if expand && !parts.is_empty() {
                    format!("[\n{inner}{},\n{indent}]", parts.join(&format!(",\n{inner}")))
                } else {
                    format!("[{}]", parts.join(", "))
                }
            }
        }
    }

    /// A TOML header table `header` (`[a.b]` or `[[a.b]]`, `path` its dotted key) holding the
    /// members of the object `value`: key/value pairs first, then sub-tables. Members that are
    /// arrays of objects, or objects in a map of objects (like `exports`), become sub-tables,
    /// except inside an array-of-tables element (where they stay inline). A table holding only
    /// sub-tables gets no header of its own.
    fn toml_table_body(&self, header: &str, path: &str, value: &NewValue, in_array: bool) -> Option<String> {
        let NewValue::Object(members) = value else {
            return None;
        };
        let map_of_tables = members.iter().all(|(_, v)| matches!(v, NewValue::Object(_)));
        let is_subtable = |v: &NewValue| {
            !in_array
                && match v {
                    NewValue::Object(_) => map_of_tables || v.has_nested_container(),
                    NewValue::Array(_) => v.is_table_like(),
                    _ => false,
                }
        };
        let mut pairs = String::new();
        let mut subtables = String::new();
        for (k, v) in members {
            if is_subtable(v) {
                subtables.push_str(&self.toml_tables(&format!("{path}.{}", toml_key(k)), v)?);
            } else {
                pairs.push_str(&format!("{} = {}\n", toml_key(k), self.render_toml_inline(v, "", Layout::Auto)));
            }
        }
        if pairs.is_empty() && !subtables.is_empty() && !header.starts_with("[[") {
            return Some(subtables.trim_start_matches('\n').to_string());
        }
        Some(format!("{header}\n{pairs}{subtables}"))
    }

    /// Header tables for `value` (an object, or an array of objects) at dotted key `path`, each
    /// preceded by a blank line when the file separates its tables so.
    fn toml_tables(&self, path: &str, value: &NewValue) -> Option<String> {
        let sep = if self.style.blank_before_headers { "\n" } else { "" };
        match value {
            NewValue::Object(_) => {
                Some(format!("{sep}{}", self.toml_table_body(&format!("[{path}]"), path, value, false)?))
            }
            NewValue::Array(items) => {
                let mut out = String::new();
                for item in items {
                    out.push_str(sep);
                    out.push_str(&self.toml_table_body(&format!("[[{path}]]"), path, item, true)?);
                }
                Some(out)
            }
            _ => None,
        }
    }

    // ---- TOML ----

    /// True when `v` is written as a header table or an array of tables.
    fn is_toml_header_form(&self, v: &Value) -> bool {
        !self.is_toml_inline(v) && matches!(v.kind, ValueKind::Array(_) | ValueKind::Object(_))
    }

    /// True when `v` is an inline array/table (or a scalar): headers start a line, inline values
    /// follow `=`, `,` or a bracket.
    fn is_toml_inline(&self, v: &Value) -> bool {
        if std::ptr::eq(v, &self.config.root) {
            return false;
        }
        match self.text.as_bytes().get(v.span.start) {
            Some(b'[') => !starts_line(self.text, v.span.start),
            Some(b'{') => true,
            // A table made by dotted keys starts at its key.
            _ => !matches!(v.kind, ValueKind::Array(_) | ValueKind::Object(_)),
        }
    }

    /// Adds `key = value` (or header tables) to the TOML table at `path`.
    fn toml_add_member(
        &self,
        path: &[Seg<'_>],
        table: &Value,
        key: &str,
        value: &NewValue,
        after: Option<&Value>,
    ) -> Option<ConfigEdit> {
        let text = self.text;
        if self.is_toml_inline(table) {
            let ValueKind::Object(members) = &table.kind else { return None };
            let spans: Vec<Span> = members.iter().map(|m| Span::new(m.key.span.start, m.value.span.end)).collect();
            let rendered = format!("{} = {}", toml_key(key), self.render_toml_inline(value, "", Layout::Inline));
            return self.insert_delimited(table, &spans, spans.len(), |_| rendered.clone());
        }
        let dotted = toml_dotted(path);
        let ValueKind::Object(members) = &table.kind else { return None };
        let siblings_are_tables = members.last().is_some_and(|m| self.is_toml_header_form(&m.value));
        let as_headers = dotted.is_some()
            && match value {
                NewValue::Array(_) => value.is_table_like() && (self.style.headers || siblings_are_tables),
                NewValue::Object(_) => siblings_are_tables || (self.style.headers && value.has_nested_container()),
                _ => false,
            };
        if as_headers {
            let prefix = dotted.unwrap_or_default();
            let full = if prefix.is_empty() { toml_key(key) } else { format!("{prefix}.{}", toml_key(key)) };
            let body = self.toml_tables(&full, value)?;
            let anchor = match (std::ptr::eq(table, &self.config.root), after) {
                (_, Some(a)) => a.span.end,
                (true, None) => text.len(),
                (false, None) => table.span.end,
            };
            let at = self.header_insertion_point(anchor);
            return Some(self.insert_header_text(at, body.trim_start_matches('\n')));
        }
        let pair = format!("{} = {}", toml_key(key), self.render_toml_inline(value, "", Layout::Auto));
        let section = self.toml_own_section(path, table);
        match section {
            Some((start, end)) => {
                let last_pair = members
                    .iter()
                    .filter(|m| m.key.span.start >= start && m.key.span.start < end)
                    .map(|m| m.value.span.end)
                    .max();
                match last_pair {
                    Some(e) => {
                        let eol = line_end(text, e);
                        Some(ConfigEdit { span: Span::new(eol, eol), new_text: format!("\n{pair}") })
                    }
                    None if start == 0 => {
                        // An empty top level: before the first header.
                        Some(ConfigEdit { span: Span::new(0, 0), new_text: format!("{pair}\n\n") })
                    }
                    None => {
                        // Right after the table's header line.
                        let eol = line_end(text, table.span.start);
                        Some(ConfigEdit { span: Span::new(eol, eol), new_text: format!("\n{pair}") })
                    }
                }
            }
            None => {
                // The table has no header of its own (implied by `[a.b.c]`): give it one.
                let prefix = dotted?;
                let at = self.header_insertion_point(table.span.end);
                Some(self.insert_header_text(at, &format!("[{prefix}]\n{pair}\n")))
            }
        }
    }

    /// The byte range of the key/value lines that belong to the TOML table at `path` itself
    /// (after its header, before the next header); `None` when it has no header of its own.
    fn toml_own_section(&self, path: &[Seg<'_>], table: &Value) -> Option<(usize, usize)> {
        let text = self.text;
        let start = if std::ptr::eq(table, &self.config.root) {
            0
        } else {
            let header = header_key(text, table.span.start)?;
            let array_element = matches!(path.last(), Some(Seg::Index(_)));
            let expected = toml_dotted(if array_element { &path[..path.len() - 1] } else { path })?;
            if normalize_key(&header) != normalize_key(&expected) {
                return None;
            }
            (line_end(text, table.span.start) + 1).min(text.len())
        };
        Some((start, next_header(text, start)))
    }

    /// Where header tables meant to follow `pos` can go: after the last key/value line that
    /// follows `pos` before the next header (so no pair is captured by the new header).
    fn header_insertion_point(&self, pos: usize) -> usize {
        let text = self.text;
        let mut at = line_end(text, pos.min(text.len()));
        let mut cursor = (at + 1).min(text.len());
        while cursor < text.len() {
            let eol = line_end(text, cursor);
            let line = text[cursor..eol].trim();
            if line.starts_with('[') {
                break;
            }
            if !line.is_empty() && !line.starts_with('#') {
                at = eol;
            }
            cursor = eol + 1;
        }
        at
    }

    /// Inserts header-table text (ending with a newline) at the end of a line `at`.
    fn insert_header_text(&self, at: usize, body: &str) -> ConfigEdit {
        let sep = if self.style.blank_before_headers { "\n" } else { "" };
        let body = body.trim_matches('\n');
        if at >= self.text.len() {
            let newline = if self.text.is_empty() || self.text.ends_with('\n') { "" } else { "\n" };
            let sep = if self.text.trim().is_empty() { "" } else { sep };
            return ConfigEdit { span: Span::new(at, at), new_text: format!("{newline}{sep}{body}\n") };
        }
        ConfigEdit { span: Span::new(at, at), new_text: format!("\n{sep}{body}") }
    }

    /// Removes a TOML pair, header table or array-of-tables element (`span`: its key..value or
    /// its whole table).
    fn toml_remove(&self, parent: &Value, span: Span, target: &Value) -> Option<ConfigEdit> {
        let text = self.text;
        if let (ValueKind::Array(items), true) = (&target.kind, self.is_toml_header_form(target)) {
            // A whole array of tables: every element's lines, keeping what lies between.
            let edits: Vec<ConfigEdit> = items.iter().map(|i| self.toml_remove_lines(i.span)).collect();
            return merge_edits(text, edits);
        }
        if self.is_toml_header_form(target) {
            let headers: Vec<usize> = header_lines_within(text, target.span);
            let Some(&first) = headers.first() else { return Some(self.toml_remove_lines(span)) };
            let own = header_key(text, first)?;
            let all_own = headers
                .iter()
                .all(|&h| header_key(text, h).is_some_and(|k| normalize_key(&k).starts_with(&normalize_key(&own))));
            return all_own.then(|| self.toml_remove_lines(target.span));
        }
        let _ = parent;
        Some(self.toml_remove_lines(span))
    }

    /// Removes the whole lines `span` touches, the comment lines right above a header it starts
    /// with, and a blank line before them when one follows.
    fn toml_remove_lines(&self, span: Span) -> ConfigEdit {
        let text = self.text;
        let mut start = line_start(text, span.start);
        if text[start..].trim_start().starts_with('[') {
            while start >= 1 {
                let prev = line_start(text, start - 1);
                if !text[prev..start].trim_start().starts_with('#') {
                    break;
                }
                start = prev;
            }
        }
        let end = (line_end(text, span.end) + 1).min(text.len());
        let next_blank = text[end..].starts_with('\n') || text[end..].starts_with("\r\n") || end >= text.len();
        if next_blank && start >= 1 {
            let prev = line_start(text, start - 1);
            if text[prev..start].trim().is_empty() {
                start = prev;
            }
        }
        ConfigEdit { span: Span::new(start, end), new_text: String::new() }
    }
}

/// What follows an element: see [`ConfigEditor::after_element`].
struct After {
    comma: Option<usize>,
    line_end: Option<usize>,
}

/// The child of `v` at `seg`.
fn child<'v>(v: &'v Value, seg: Seg<'_>) -> Option<&'v Value> {
    match (&v.kind, seg) {
        (ValueKind::Object(members), Seg::Key(k)) => members.iter().find(|m| m.key.value == k).map(|m| &m.value),
        (ValueKind::Array(items), Seg::Index(i)) => items.get(i),
        _ => None,
    }
}

/// The last key of `path` and the path before it.
fn split_key<'p, 'a>(path: &'p [Seg<'a>]) -> Option<(&'a str, &'p [Seg<'a>])> {
    match path.split_last()? {
        (Seg::Key(k), parent) => Some((k, parent)),
        _ => None,
    }
}

/// True when a JSONC object's text is a braced object (not the brace-less empty file).
fn object_is_delimited(text: &str, v: &Value) -> bool {
    text.as_bytes().get(v.span.start) == Some(&b'{')
}

/// Combines edits into one covering them all (the text between them kept). `None` when empty
/// or overlapping.
pub fn merge_edits(text: &str, mut edits: Vec<ConfigEdit>) -> Option<ConfigEdit> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let start = edits.first()?.span.start;
    let mut end = start;
    let mut new_text = String::new();
    for e in &edits {
        if e.span.start < end {
            return None;
        }
        new_text.push_str(text.get(end..e.span.start)?);
        new_text.push_str(&e.new_text);
        end = e.span.end;
    }
    Some(ConfigEdit { span: Span::new(start, end), new_text })
}

/// The comments inside `span` (`//`, `/* */` in JSONC; `#` in TOML), as written, strings skipped.
fn comments_within(text: &str, span: Span, format: ConfigFormat) -> Vec<String> {
    let bytes = text.as_bytes();
    let end = span.end.min(text.len());
    let mut i = span.start;
    let mut out = Vec::new();
    while i < end {
        match bytes[i] {
            q @ (b'"' | b'\'') if format == ConfigFormat::Toml || q == b'"' => {
                i += 1;
                while i < end && bytes[i] != q && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' && q == b'"' { 2 } else { 1 };
                }
            }
            b'#' if format == ConfigFormat::Toml => {
                let e = line_end(text, i).min(end);
                out.push(text[i..e].trim_end().to_string());
                i = e;
                continue;
            }
            b'/' if format == ConfigFormat::Jsonc && bytes.get(i + 1) == Some(&b'/') => {
                let e = line_end(text, i).min(end);
                out.push(text[i..e].trim_end().to_string());
                i = e;
                continue;
            }
            b'/' if format == ConfigFormat::Jsonc && bytes.get(i + 1) == Some(&b'*') => {
                let e = text[i + 2..].find("*/").map_or(end, |j| i + 2 + j + 2).min(end);
                out.push(text[i..e].to_string());
                i = e;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// A TOML basic string literal.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        k.to_string()
    } else {
        toml_string(k)
    }
}

/// The dotted TOML key of a key-only path (`env.staging.durable_objects`); `None` when the
/// path goes through an array.
fn toml_dotted(path: &[Seg<'_>]) -> Option<String> {
    let keys: Option<Vec<String>> = path
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(toml_key(k)),
            Seg::Index(_) => None,
        })
        .collect();
    Some(keys?.join("."))
}

/// The key of the header at `pos` (`[a.b]` or `[[a.b]]`, as written between the brackets).
fn header_key(text: &str, pos: usize) -> Option<String> {
    let line = &text[pos..line_end(text, pos)];
    let line = line.split('#').next().unwrap_or(line).trim();
    let inner = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]"));
    let inner = inner.or_else(|| line.strip_prefix('[').and_then(|l| l.strip_suffix(']')))?;
    Some(inner.to_string())
}

/// A dotted key without spaces and quotes, for comparison.
fn normalize_key(k: &str) -> String {
    k.chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect()
}

/// The start of the first header line at or after `from` (or the end of the text).
fn next_header(text: &str, from: usize) -> usize {
    let mut cursor = from;
    while cursor < text.len() {
        let eol = line_end(text, cursor);
        if text[cursor..eol].trim_start().starts_with('[') {
            return cursor;
        }
        cursor = eol + 1;
    }
    text.len()
}

/// The starts of the header lines within `span`.
fn header_lines_within(text: &str, span: Span) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cursor = line_start(text, span.start);
    while cursor < span.end.min(text.len()) {
        let eol = line_end(text, cursor);
        let trimmed = text[cursor..eol].trim_start();
        if trimmed.starts_with('[') {
            out.push(eol - trimmed.len());
        }
        cursor = eol + 1;
    }
    out
}

/// The start of the line containing `pos`.
fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// The position of the line break ending the line containing `pos` (or the end of the text).
fn line_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text[pos..].find('\n').map_or(text.len(), |i| {
        let e = pos + i;
        if e > pos && text.as_bytes()[e - 1] == b'\r' {
            e - 1
        } else {
            e
        }
    })
}

/// The leading whitespace of the line containing `pos`.
fn line_indent(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let line = &text[start..];
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// True when only whitespace precedes `pos` on its line.
fn starts_line(text: &str, pos: usize) -> bool {
    text[line_start(text, pos)..pos].trim().is_empty()
}

/// One level of indentation as the file writes it: a tab when tab-indented lines dominate,
/// else the smallest indentation in spaces (2 when nothing is indented).
fn detect_indent(text: &str) -> String {
    let (mut tabs, mut smallest) = (0usize, usize::MAX);
    let mut spaced = 0usize;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with('\t') {
            tabs += 1;
        } else {
            let n = line.len() - line.trim_start_matches(' ').len();
            if n > 0 {
                spaced += 1;
                smallest = smallest.min(n);
            }
        }
    }
    if tabs > spaced {
        "\t".to_string()
    } else if smallest == usize::MAX {
        "  ".to_string()
    } else {
        " ".repeat(smallest.min(8))
    }
}

/// True when the TOML file puts a blank line before its headers (or has none to tell).
fn blank_before_headers(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let mut with = 0;
    let mut without = 0;
    for (i, l) in lines.iter().enumerate().skip(1) {
        if l.trim_start().starts_with('[') {
            // Comment lines directly above a header belong to it.
            let mut j = i - 1;
            while j > 0 && lines[j].trim_start().starts_with('#') {
                j -= 1;
            }
            if lines[j].trim().is_empty() {
                with += 1;
            } else {
                without += 1;
            }
        }
    }
    with >= without
}

/// True when some multi-line array or object of a JSONC text ends with a comma after its last
/// item (strings and comments skipped).
fn jsonc_uses_trailing_commas(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut last_significant = 0u8;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_significant = b'"';
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(text, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |j| i + 2 + j + 2);
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b']' | b'}' if last_significant == b',' => return true,
            _ => last_significant = b,
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::read_config;
    use crate::config::ConfigFormat::{Jsonc, Toml};
    use Seg::{Index, Key};

    /// Applies the edit `f` computes, checks the result parses, and returns it.
    #[track_caller]
    fn edited(text: &str, format: ConfigFormat, f: impl Fn(&ConfigEditor<'_>) -> Option<ConfigEdit>) -> String {
        let config = read_config(text, format);
        assert!(config.syntax_errors.is_empty(), "input: {:?}", config.syntax_errors);
        let editor = ConfigEditor::new(text, &config);
        let edit = f(&editor).unwrap_or_else(|| panic!("no edit for\n{text}"));
        let out = apply_edits(text, &[edit]);
        let after = read_config(&out, format);
        assert!(after.syntax_errors.is_empty(), "{out}\n{:?}", after.syntax_errors);
        out
    }

    /// The value at `path` of `text`, as a [`NewValue`].
    #[track_caller]
    fn value_at(text: &str, format: ConfigFormat, path: &[Seg<'_>]) -> Option<NewValue> {
        let config = read_config(text, format);
        let editor = ConfigEditor::new(text, &config);
        editor.lookup(path).and_then(NewValue::from_value)
    }

    fn step(tag: &str, class: &str) -> NewValue {
        NewValue::object([("tag", NewValue::string(tag)), ("new_sqlite_classes", NewValue::strings([class]))])
    }

    fn binding(name: &str, class: &str) -> NewValue {
        NewValue::object([("name", NewValue::string(name)), ("class_name", NewValue::string(class))])
    }

    fn do_entry() -> NewValue {
        NewValue::object([("type", NewValue::string("durable-object")), ("storage", NewValue::string("sqlite"))])
    }

    const JSONC_2: &str = r#"{
  // The chat worker.
  "name": "chat",
  "durable_objects": {
    "bindings": [
      { "name": "ROOM", "class_name": "Room" }, // the room
    ],
  },
  "migrations": [
    /* first */ { "tag": "v1", "new_sqlite_classes": ["Room"] },
  ],
}
"#;

    const JSONC_4: &str = "{\n    \"name\": \"chat\",\n    \"durable_objects\": {\n        \"bindings\": [\n            {\n                \"name\": \"ROOM\",\n                \"class_name\": \"Room\"\n            }\n        ]\n    },\n    \"migrations\": [{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"Room\"] }]\n}\n";

    const JSONC_TAB: &str = "{\n\t\"name\": \"chat\",\n\t\"durable_objects\": { \"bindings\": [{ \"name\": \"ROOM\", \"class_name\": \"Room\" }] },\n\t\"env\": {\n\t\t\"staging\": {\n\t\t\t\"name\": \"chat-staging\" // staging\n\t\t}\n\t}\n}\n";

    const TOML_TABLES: &str = r#"name = "chat" # the worker
main = "src/index.ts"

[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"

# History.
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]

[env.staging]
name = "chat-staging"

[vars]
A = "1"
"#;

    const TOML_INLINE: &str = r#"name = "chat"
migrations = [{ tag = "v1", new_sqlite_classes = ["Room"] }]

[durable_objects]
bindings = [
  { name = "ROOM", class_name = "Room" }, # the room
]

[exports]
Room = { type = "durable-object", storage = "sqlite" }
"#;

    #[test]
    fn jsonc_append_keeps_trailing_commas_and_comments() {
        let out = edited(JSONC_2, Jsonc, |e| e.append_to_array(&[Key("migrations")], &step("v2", "Hall")));
        assert_eq!(value_at(&out, Jsonc, &[Key("migrations"), Index(1)]), Some(step("v2", "Hall")));
        insta::assert_snapshot!(out);
        let out = edited(JSONC_2, Jsonc, |e| {
            e.append_to_array(&[Key("durable_objects"), Key("bindings")], &binding("HALL", "Hall"))
        });
        assert_eq!(
            value_at(&out, Jsonc, &[Key("durable_objects"), Key("bindings"), Index(1)]),
            Some(binding("HALL", "Hall"))
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn jsonc_append_four_spaces_multiline_items_and_inline_lists() {
        let out = edited(JSONC_4, Jsonc, |e| {
            e.append_to_array(&[Key("durable_objects"), Key("bindings")], &binding("HALL", "Hall"))
        });
        assert_eq!(
            value_at(&out, Jsonc, &[Key("durable_objects"), Key("bindings"), Index(1)]),
            Some(binding("HALL", "Hall"))
        );
        insta::assert_snapshot!(out);
        let path = [Key("migrations"), Index(0), Key("new_sqlite_classes")];
        let out = edited(JSONC_4, Jsonc, |e| e.append_to_array(&path, &NewValue::string("Hall")));
        assert_eq!(value_at(&out, Jsonc, &path), Some(NewValue::strings(["Room", "Hall"])));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn jsonc_tabs_and_env_sections() {
        let path = [Key("env"), Key("staging"), Key("durable_objects"), Key("bindings")];
        let items = [binding("ROOM", "Room"), binding("HALL", "Hall")];
        let out = edited(JSONC_TAB, Jsonc, |e| e.append_items(&path, &items));
        assert_eq!(value_at(&out, Jsonc, &path), Some(NewValue::Array(items.to_vec())));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn jsonc_add_member_creates_objects_at_a_sensible_place() {
        let exports = NewValue::object([("Hall", do_entry())]);
        let out = edited(JSONC_4, Jsonc, |e| e.set_member(&[], "exports", &exports, &["durable_objects"]));
        assert_eq!(value_at(&out, Jsonc, &[Key("exports")]), Some(exports.clone()));
        insta::assert_snapshot!(out);
        let out = edited(JSONC_2, Jsonc, |e| e.set_member(&[], "exports", &exports, &[]));
        assert_eq!(value_at(&out, Jsonc, &[Key("exports")]), Some(exports.clone()));
        insta::assert_snapshot!(out);
        let out = edited(&out, Jsonc, |e| e.set_member(&[Key("exports")], "Lobby", &do_entry(), &[]));
        assert_eq!(value_at(&out, Jsonc, &[Key("exports"), Key("Lobby")]), Some(do_entry()));
        insta::assert_snapshot!(out);
        let out = edited("", Jsonc, |e| e.set_member(&[], "exports", &exports, &[]));
        assert_eq!(
            out,
            "{\n  \"exports\": {\n    \"Hall\": { \"type\": \"durable-object\", \"storage\": \"sqlite\" }\n  }\n}\n"
        );
        let out = edited("{}", Jsonc, |e| e.set_member(&[], "main", &NewValue::string("src/index.ts"), &[]));
        assert_eq!(out, "{ \"main\": \"src/index.ts\" }");
    }

    #[test]
    fn jsonc_replace_rename_remove() {
        let path = [Key("migrations"), Index(0), Key("tag")];
        let out = edited(JSONC_2, Jsonc, |e| e.replace_value(&path, &NewValue::string("init")));
        assert_eq!(value_at(&out, Jsonc, &path), Some(NewValue::string("init")));
        let out = edited(&out, Jsonc, |e| {
            e.rename_key(&[Key("migrations"), Index(0), Key("new_sqlite_classes")], "new_classes")
        });
        assert_eq!(
            value_at(&out, Jsonc, &[Key("migrations"), Index(0), Key("new_classes")]),
            Some(NewValue::strings(["Room"]))
        );
        insta::assert_snapshot!(out);
        // Removing: a whole-line item with its comment, the last member, an inline item.
        let out = edited(JSONC_2, Jsonc, |e| e.remove(&[Key("durable_objects"), Key("bindings"), Index(0)]));
        assert_eq!(value_at(&out, Jsonc, &[Key("durable_objects"), Key("bindings")]), Some(NewValue::Array(vec![])));
        let out = edited(&out, Jsonc, |e| e.remove(&[Key("migrations")]));
        assert_eq!(value_at(&out, Jsonc, &[Key("migrations")]), None);
        insta::assert_snapshot!(out);
        let out = edited(JSONC_4, Jsonc, |e| e.remove(&[Key("migrations")]));
        assert_eq!(value_at(&out, Jsonc, &[Key("migrations")]), None);
        assert!(value_at(&out, Jsonc, &[Key("durable_objects")]).is_some());
        insta::assert_snapshot!(out);
        let out = edited("{ \"a\": [1, 2, 3] }", Jsonc, |e| e.remove(&[Key("a"), Index(1)]));
        assert_eq!(out, "{ \"a\": [1, 3] }");
        let out = edited("{ \"a\": [1, 2, 3] }", Jsonc, |e| e.remove(&[Key("a"), Index(2)]));
        assert_eq!(out, "{ \"a\": [1, 2] }");
    }

    #[test]
    fn toml_arrays_of_tables() {
        let out = edited(TOML_TABLES, Toml, |e| e.append_to_array(&[Key("migrations")], &step("v2", "Hall")));
        assert_eq!(value_at(&out, Toml, &[Key("migrations"), Index(1)]), Some(step("v2", "Hall")));
        insta::assert_snapshot!(out);
        let path = [Key("env"), Key("staging"), Key("durable_objects"), Key("bindings")];
        let out = edited(TOML_TABLES, Toml, |e| e.append_items(&path, &[binding("ROOM", "Room")]));
        assert_eq!(value_at(&out, Toml, &path), Some(NewValue::Array(vec![binding("ROOM", "Room")])));
        insta::assert_snapshot!(out);
        let exports = NewValue::object([("Hall", do_entry())]);
        let out = edited(TOML_TABLES, Toml, |e| e.set_member(&[], "exports", &exports, &[]));
        assert_eq!(value_at(&out, Toml, &[Key("exports")]), Some(exports.clone()));
        let out = edited(&out, Toml, |e| e.set_member(&[Key("exports")], "Lobby", &do_entry(), &[]));
        assert_eq!(value_at(&out, Toml, &[Key("exports"), Key("Lobby")]), Some(do_entry()));
        insta::assert_snapshot!(out);
        let out = edited(TOML_TABLES, Toml, |e| {
            e.set_member(&[], "compatibility_date", &NewValue::string("2024-04-03"), &[])
        });
        assert_eq!(value_at(&out, Toml, &[Key("compatibility_date")]), Some(NewValue::string("2024-04-03")));
        let out =
            edited(&out, Toml, |e| e.set_member(&[Key("env"), Key("staging")], "main", &NewValue::string("b.ts"), &[]));
        assert_eq!(value_at(&out, Toml, &[Key("env"), Key("staging"), Key("main")]), Some(NewValue::string("b.ts")));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn toml_inline_values() {
        let out = edited(TOML_INLINE, Toml, |e| e.append_to_array(&[Key("migrations")], &step("v2", "Hall")));
        assert_eq!(value_at(&out, Toml, &[Key("migrations"), Index(1)]), Some(step("v2", "Hall")));
        let out = edited(&out, Toml, |e| {
            e.append_to_array(&[Key("durable_objects"), Key("bindings")], &binding("HALL", "Hall"))
        });
        assert_eq!(
            value_at(&out, Toml, &[Key("durable_objects"), Key("bindings"), Index(1)]),
            Some(binding("HALL", "Hall"))
        );
        let out = edited(&out, Toml, |e| e.set_member(&[Key("exports")], "Hall", &do_entry(), &[]));
        assert_eq!(value_at(&out, Toml, &[Key("exports"), Key("Hall")]), Some(do_entry()));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn toml_replace_rename_remove() {
        let path = [Key("migrations"), Index(0), Key("tag")];
        let out = edited(TOML_TABLES, Toml, |e| e.replace_value(&path, &NewValue::string("init")));
        assert_eq!(value_at(&out, Toml, &path), Some(NewValue::string("init")));
        let out = edited(&out, Toml, |e| {
            e.rename_key(&[Key("migrations"), Index(0), Key("new_sqlite_classes")], "new_classes")
        });
        assert_eq!(
            value_at(&out, Toml, &[Key("migrations"), Index(0), Key("new_classes")]),
            Some(NewValue::strings(["Room"]))
        );
        let out = edited(&out, Toml, |e| e.remove(&[Key("vars"), Key("A")]));
        assert_eq!(value_at(&out, Toml, &[Key("vars")]), Some(NewValue::Object(vec![])));
        insta::assert_snapshot!(out);
        let out = edited(TOML_TABLES, Toml, |e| e.remove(&[Key("migrations")]));
        assert_eq!(value_at(&out, Toml, &[Key("migrations")]), None);
        insta::assert_snapshot!(out);
        let out = edited(TOML_INLINE, Toml, |e| e.remove(&[Key("durable_objects"), Key("bindings"), Index(0)]));
        assert_eq!(value_at(&out, Toml, &[Key("durable_objects"), Key("bindings")]), Some(NewValue::Array(vec![])));
        let out = edited(&out, Toml, |e| e.remove(&[Key("exports"), Key("Room")]));
        assert_eq!(value_at(&out, Toml, &[Key("exports")]), Some(NewValue::Object(vec![])));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn style_detection() {
        assert_eq!(detect_indent(JSONC_2), "  ");
        assert_eq!(detect_indent(JSONC_4), "    ");
        assert_eq!(detect_indent(JSONC_TAB), "\t");
        assert!(jsonc_uses_trailing_commas(JSONC_2));
        assert!(!jsonc_uses_trailing_commas(JSONC_4));
        assert!(!jsonc_uses_trailing_commas("{ \"a\": \",]\" }"));
        assert!(blank_before_headers(TOML_TABLES));
    }

    #[test]
    fn broken_targets_give_no_edit() {
        let text = "{ \"migrations\": [ { \"tag\": \"v1\" } ";
        let config = read_config(text, Jsonc);
        let e = ConfigEditor::new(text, &config);
        assert!(e.append_to_array(&[Key("migrations")], &step("v2", "A")).is_none());
        assert!(e.rename_key(&[Key("nope")], "x").is_none());
        assert!(e.remove(&[Key("migrations"), Index(5)]).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// No operation panics on any (mutated) input, and an edit never leaves the text.
        #[test]
        fn operations_never_panic(
            base in 0usize..4,
            at in 0.0..1.0f64,
            cut in 0usize..6,
            insert in "[\\[\\]{}\",:=#/*\n a-z]{0,4}",
        ) {
            let (text, format) = [(JSONC_2, Jsonc), (JSONC_TAB, Jsonc), (TOML_TABLES, Toml), (TOML_INLINE, Toml)][base];
            let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let i = ((chars.len() - 1) as f64 * at) as usize;
            let mut mutated = text.to_string();
            mutated.replace_range(chars[i]..chars[(i + cut).min(chars.len() - 1)], &insert);
            let config = read_config(&mutated, format);
            let e = ConfigEditor::new(&mutated, &config);
            let paths: [&[Seg<'_>]; 5] = [
                &[Key("migrations")],
                &[Key("migrations"), Index(0)],
                &[Key("durable_objects"), Key("bindings")],
                &[Key("env"), Key("staging")],
                &[Key("exports")],
            ];
            for path in paths {
                let edits = [
                    e.append_to_array(path, &step("v9", "X")),
                    e.set_member(path, "exports", &NewValue::object([("X", do_entry())]), &["migrations"]),
                    e.replace_value(path, &NewValue::string("x")),
                    e.rename_key(path, "y"),
                    e.remove(path),
                    e.replace_member(path, "exports", &NewValue::object([("X", do_entry())])),
                ];
                for edit in edits.into_iter().flatten() {
                    proptest::prop_assert!(edit.span.end <= mutated.len());
                    apply_edits(&mutated, &[edit]);
                }
            }
        }
    }
}
