//! Style-preserving edits of wrangler config files, for quick-fixes and source actions.
//!
//! A [`ConfigEditor`] looks at a config file's text and its [`WorkerConfig`] and computes
//! [`ConfigEdit`]s (a byte range and its replacement) that keep the file's own style. The
//! documents are edited with the libraries made for it, which keep every byte they are not asked
//! to change: `jsonc-parser`'s CST for JSONC, `toml_edit` for TOML. They place a new element
//! with the separators, trailing commas, indentation and table headers around it, and take an
//! element out with its comma and lines. What is written new is rendered here, in the file's
//! style:
//! - JSONC: a new array item or member is written inline or one member per line as its
//!   neighbours are, a container holding containers spreads over lines, and a one-line object
//!   stays on one line (the CST would spread any object it adds to);
//! - TOML: arrays of tables (`[[migrations]]`) and header tables (`[exports.X]`) are extended as
//!   such, separated by a blank line when the file does so, inline arrays/tables as inline values;
//!   env sections (`[[env.staging.durable_objects.bindings]]` or `"env": { "staging": { ... } }`)
//!   are addressed by path like the top level.
//!
//! The edit is the bytes where the edited document differs from the text. Values are addressed
//! by a path of [`Seg`]s from the root (`[Key("env"), Key("staging"), Key("migrations"),
//! Index(0)]`). Every operation returns `None` when the path does not lead where it must, when a
//! library cannot read the text back byte for byte, or when the text around the target is not as
//! the model says (a broken file): callers then offer no fix.

use jsonc_parser::cst::{
    CstContainerNode, CstInputValue, CstLeafNode, CstNode, CstObject, CstRootNode, TrailingCommaMode,
};
use jsonc_parser::ParseOptions;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use super::model::{ConfigFormat, Value, ValueKind, WorkerConfig};
use crate::text::lines::{line_indent, line_start};
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

/// How the file writes things, where the libraries do not tell.
#[derive(Debug, Clone)]
struct Style {
    /// One level of indentation (`"  "`, `"    "`, `"\t"`), for TOML arrays written over lines.
    unit: String,
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

impl Layout {
    /// True when `value`, laid out so, spreads over lines.
    fn expands(self, value: &NewValue) -> bool {
        match self {
            Layout::Inline => false,
            Layout::Auto => value.has_nested_container(),
            Layout::Expanded => value.is_container(),
        }
    }

    /// The layout of the members of a container laid out so.
    fn of_members(self) -> Layout {
        if self == Layout::Inline {
            Layout::Inline
        } else {
            Layout::Auto
        }
    }
}

impl<'a> ConfigEditor<'a> {
    /// An editor of `text`, read as `config`.
    pub fn new(text: &'a str, config: &'a WorkerConfig) -> Self {
        let style = Style {
            unit: detect_indent(text),
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
        if !matches!(array.kind, ValueKind::Array(_)) {
            return None;
        }
        match self.format() {
            ConfigFormat::Jsonc => {
                let root = self.jsonc()?;
                self.jsonc_append(&jsonc_at(&root, path)?, array, items)?;
                self.edit_to(&root.to_string())
            }
            ConfigFormat::Toml => {
                let mut doc = self.toml()?;
                match toml_at(&mut doc, path)? {
                    Place::Item(Item::ArrayOfTables(tables)) => {
                        for item in items {
                            tables.push(self.toml_table(item, true)?);
                        }
                    }
                    Place::Item(Item::Value(toml_edit::Value::Array(values)))
                    | Place::Value(toml_edit::Value::Array(values)) => {
                        self.toml_append(values, items, line_indent(self.text, array.span.start))?;
                    }
                    _ => return None,
                }
                self.edit_to(&doc.to_string())
            }
        }
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
        if let Some(member) = members.iter().find(|m| m.key.value == key) {
            let mut full = path.to_vec();
            full.push(Seg::Key(key));
            if let (NewValue::Object(new_members), ValueKind::Object(_)) = (value, &member.value.kind) {
                // Merge into the existing object rather than replacing it.
                let edits: Option<Vec<ConfigEdit>> =
                    new_members.iter().map(|(k, v)| self.set_member(&full, k, v, &[])).collect();
                return merge_edits(self.text, edits?);
            }
            return self.replace_value(&full, value);
        }
        let after = after.iter().find(|a| members.iter().any(|m| m.key.value == **a)).copied();
        match self.format() {
            ConfigFormat::Jsonc => {
                let root = self.jsonc()?;
                let target = match jsonc_at(&root, path) {
                    Some(node) => node.as_object()?,
                    // An empty file: the library writes the root object.
                    None if path.is_empty() && self.text.trim().is_empty() => root.object_value_or_set(),
                    None => return None,
                };
                if !self.jsonc_add_member(&target, object, key, value, after)? {
                    return self.jsonc_one_line_member(object, key, value, after);
                }
                self.edit_to(&root.to_string())
            }
            ConfigFormat::Toml => {
                let mut doc = self.toml()?;
                let place = toml_at(&mut doc, path)?;
                self.toml_add_member(place, path, key, value, after)?;
                self.edit_to(&doc.to_string())
            }
        }
    }

    /// Replaces the value at `path` with `value` (written inline, or one member per line where
    /// it holds containers and sits in a multi-line context).
    pub fn replace_value(&self, path: &[Seg<'_>], value: &NewValue) -> Option<ConfigEdit> {
        let old = self.lookup(path)?;
        let layout =
            if self.text.get(old.span.start..old.span.end)?.contains('\n') { Layout::Auto } else { Layout::Inline };
        match self.format() {
            ConfigFormat::Jsonc => {
                let root = self.jsonc()?;
                let node = jsonc_replace(jsonc_at(&root, path)?, jsonc_input(value, layout))?;
                jsonc_fill(&node, value, layout)?;
                self.edit_to(&root.to_string())
            }
            ConfigFormat::Toml => {
                let mut doc = self.toml()?;
                let slot = match toml_at(&mut doc, path)? {
                    Place::Item(Item::Value(v)) | Place::Value(v) => v,
                    // A header table or an array of tables is not a value to replace.
                    _ => return None,
                };
                let mut new = self.toml_value(value, line_indent(self.text, old.span.start), layout)?;
                *new.decor_mut() = slot.decor().clone();
                *slot = new;
                self.edit_to(&doc.to_string())
            }
        }
    }

    /// Replaces the member at `path` (key and value) by `new_key: value`, in place. The comments
    /// inside the old value are kept, on their own lines before the new member. In TOML, an
    /// array of tables (`[[migrations]]`) becomes header tables (`[exports.A]`) where its first
    /// table was, and an inline value becomes dotted pairs (`exports.A = { ... }`) when `value`
    /// is a map of objects, else `new_key = <inline>`.
    pub fn replace_member(&self, path: &[Seg<'_>], new_key: &str, value: &NewValue) -> Option<ConfigEdit> {
        let (key, parent_path) = split_key(path)?;
        let parent = self.lookup(parent_path)?;
        let ValueKind::Object(members) = &parent.kind else { return None };
        let member = members.iter().find(|m| m.key.value == key)?;
        let indent = line_indent(self.text, member.key.span.start);
        match self.format() {
            ConfigFormat::Jsonc => {
                let root = self.jsonc()?;
                let prop = jsonc_at(&root, parent_path)?.as_object()?.get(key)?;
                let mut comments = Vec::new();
                if let Some(old) = prop.value() {
                    jsonc_comments(&old, &mut comments);
                }
                // The value is set on the new member: `replace_with` would indent it from the
                // object that holds the member.
                let new = prop.replace_with(new_key, CstInputValue::Null)?.as_object_prop()?;
                new.set_value(jsonc_input(value, Layout::Auto));
                jsonc_fill(&new.value()?, value, Layout::Auto)?;
                let before: String = comments.iter().map(|c| format!("{c}\n{indent}")).collect();
                new.name()?.as_string_lit()?.set_raw_value(format!("{before}{}", json_string(new_key)));
                self.edit_to(&root.to_string())
            }
            ConfigFormat::Toml => self.toml_replace_member(path, member, new_key, value),
        }
    }

    /// Renames the key of the member at `path` (its last segment must be a key).
    pub fn rename_key(&self, path: &[Seg<'_>], new_key: &str) -> Option<ConfigEdit> {
        let (key, parent) = split_key(path)?;
        match self.format() {
            ConfigFormat::Jsonc => {
                let root = self.jsonc()?;
                let name = jsonc_at(&root, parent)?.as_object()?.get(key)?.name()?;
                match (name.as_string_lit(), name.as_word_lit()) {
                    (Some(lit), _) => lit.set_raw_value(json_string(new_key)),
                    (None, Some(word)) => word.set_raw_value(json_string(new_key)),
                    (None, None) => return None,
                }
                self.edit_to(&root.to_string())
            }
            // `toml_edit` renames no key in place (a key removed and inserted again moves to the
            // end of its table), so the key is rewritten where the model read it.
            ConfigFormat::Toml => {
                let ValueKind::Object(members) = &self.lookup(parent)?.kind else { return None };
                let member = members.iter().find(|m| m.key.value == key)?;
                Some(ConfigEdit { span: member.key.span, new_text: toml_key(new_key) })
            }
        }
    }

    /// Removes the array item or object member at `path`, with its separator and, when it has
    /// lines of its own, those lines (comments on them included).
    pub fn remove(&self, path: &[Seg<'_>]) -> Option<ConfigEdit> {
        let (last, parent) = path.split_last()?;
        self.lookup(path)?;
        match self.format() {
            ConfigFormat::Jsonc => {
                let root = self.jsonc()?;
                match *last {
                    Seg::Key(k) => jsonc_at(&root, parent)?.as_object()?.get(k)?.remove(),
                    Seg::Index(_) => jsonc_at(&root, path)?.remove(),
                }
                self.edit_to(&root.to_string())
            }
            ConfigFormat::Toml => {
                let mut doc = self.toml()?;
                match (toml_at(&mut doc, parent)?, *last) {
                    (Place::Item(Item::Table(t)) | Place::Table(t), Seg::Key(k)) => {
                        t.remove(k)?;
                    }
                    (Place::Item(Item::ArrayOfTables(tables)), Seg::Index(i)) => {
                        if i >= tables.len() {
                            return None;
                        }
                        tables.remove(i);
                    }
                    (
                        Place::Item(Item::Value(toml_edit::Value::InlineTable(t)))
                        | Place::Value(toml_edit::Value::InlineTable(t)),
                        Seg::Key(k),
                    ) => toml_inline_remove(t, k)?,
                    (
                        Place::Item(Item::Value(toml_edit::Value::Array(a))) | Place::Value(toml_edit::Value::Array(a)),
                        Seg::Index(i),
                    ) => toml_array_remove(a, i)?,
                    _ => return None,
                }
                self.edit_to(&doc.to_string())
            }
        }
    }

    /// The edit that turns the text into `new`: the bytes between their common start and end.
    /// `None` when nothing changes.
    fn edit_to(&self, new: &str) -> Option<ConfigEdit> {
        diff_edit(self.text, new)
    }

    /// True when a new element in the empty `container` should get a line of its own: the
    /// container's parent spreads over lines.
    fn prefers_multiline(&self, container: &Value) -> bool {
        let start = line_start(self.text, container.span.start);
        let root = &self.config.root;
        root.span.start < start && self.text.get(root.span.start..root.span.end).is_some_and(|t| t.contains('\n'))
    }

    /// The layout of a new array item, from its `sibling` (the last item): one member per line
    /// after a multi-line container, inline after an inline item.
    fn item_layout(&self, item: &NewValue, sibling: Option<Span>) -> Layout {
        match sibling {
            Some(s) if item.is_container() && self.spans_lines(s) => Layout::Expanded,
            Some(_) => Layout::Inline,
            None => Layout::Auto,
        }
    }

    /// The layout of a new member's value, from its `sibling` member's value.
    fn member_layout(&self, value: &NewValue, sibling: Option<Span>) -> Layout {
        match sibling {
            Some(s) if value.is_container() && !value.has_nested_container() && self.spans_lines(s) => Layout::Expanded,
            _ => Layout::Auto,
        }
    }

    fn spans_lines(&self, span: Span) -> bool {
        self.text.get(span.start..span.end).is_some_and(|t| t.contains('\n'))
    }

    // ---- JSONC ----

    /// The file's CST, when it reads the text back byte for byte.
    fn jsonc(&self) -> Option<CstRootNode> {
        let root = CstRootNode::parse(self.text, &ParseOptions::default()).ok()?;
        (root.to_string() == self.text).then_some(root)
    }

    /// Appends `items` to the CST array `node` (the model's `array`).
    fn jsonc_append(&self, node: &CstNode, array: &Value, items: &[NewValue]) -> Option<()> {
        let ValueKind::Array(existing) = &array.kind else { return None };
        let target = node.as_array()?;
        let sibling = existing.last().map(|i| i.span);
        let was_empty = existing.is_empty();
        if was_empty && !self.spans_lines(array.span) && self.prefers_multiline(array) {
            target.ensure_multiline();
        }
        for item in items {
            let layout = self.item_layout(item, sibling);
            let node = target.append(jsonc_input(item, layout));
            jsonc_fill(&node, item, layout)?;
        }
        // A new list over lines follows the file's trailing commas; a list with items keeps its own.
        if was_empty && node.root_node().is_some_and(|r| r.uses_trailing_commas()) {
            target.set_trailing_commas(TrailingCommaMode::IfMultiline);
        }
        Some(())
    }

    /// Adds the member `key` to the CST object `target` (the model's `object`). `Some(false)`
    /// when the object is on one line: [`ConfigEditor::jsonc_one_line_member`] writes it.
    fn jsonc_add_member(
        &self,
        target: &CstObject,
        object: &Value,
        key: &str,
        value: &NewValue,
        after: Option<&str>,
    ) -> Option<bool> {
        let ValueKind::Object(members) = &object.kind else { return None };
        let at = after.and_then(|a| members.iter().position(|m| m.key.value == a)).map_or(members.len(), |i| i + 1);
        let sibling = at.checked_sub(1).and_then(|i| members.get(i)).map(|m| m.value.span);
        let layout = self.member_layout(value, sibling);
        let braced = self.text.as_bytes().get(object.span.start) == Some(&b'{');
        let one_line = braced && !self.spans_lines(object.span);
        if one_line && !layout.expands(value) && !(members.is_empty() && self.prefers_multiline(object)) {
            return Some(false);
        }
        let prop = target.insert(at, key, jsonc_input(value, layout));
        jsonc_fill(&prop.value()?, value, layout)?;
        if members.is_empty() && target.root_node().is_some_and(|r| r.uses_trailing_commas()) {
            target.set_trailing_commas(TrailingCommaMode::IfMultiline);
        }
        Some(true)
    }

    /// Adds `key: value` to the one-line `object`, on its line: the CST spreads any object it
    /// adds a member to over lines.
    fn jsonc_one_line_member(
        &self,
        object: &Value,
        key: &str,
        value: &NewValue,
        after: Option<&str>,
    ) -> Option<ConfigEdit> {
        let ValueKind::Object(members) = &object.kind else { return None };
        let member = format!("{}: {}", json_string(key), render_jsonc_inline(value));
        let at = after.and_then(|a| members.iter().position(|m| m.key.value == a)).map_or(members.len(), |i| i + 1);
        let (span, new_text) = match (at.checked_sub(1).and_then(|i| members.get(i)), members.first()) {
            (Some(prev), _) => (Span::new(prev.value.span.end, prev.value.span.end), format!(", {member}")),
            (None, Some(first)) => (Span::new(first.key.span.start, first.key.span.start), format!("{member}, ")),
            (None, None) => (Span::new(object.span.start + 1, object.span.end.checked_sub(1)?), format!(" {member} ")),
        };
        Some(ConfigEdit { span, new_text })
    }

    // ---- TOML ----

    /// The file's document, when it reads the text back byte for byte.
    fn toml(&self) -> Option<DocumentMut> {
        let doc: DocumentMut = self.text.parse().ok()?;
        (doc.to_string() == self.text).then_some(doc)
    }

    /// The separator before a new header table (none in an empty file).
    fn table_gap(&self) -> &'static str {
        if self.style.blank_before_headers && !self.text.trim().is_empty() {
            "\n"
        } else {
            ""
        }
    }

    /// `value` as an inline TOML value, laid out from `indent`.
    fn toml_value(&self, value: &NewValue, indent: &str, layout: Layout) -> Option<toml_edit::Value> {
        self.render_toml_inline(value, indent, layout).parse().ok()
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
                let inner = format!("{indent}{}", self.style.unit);
                let parts: Vec<String> =
                    items.iter().map(|i| self.render_toml_inline(i, &inner, Layout::Inline)).collect();
                if layout.expands(value) && !parts.is_empty() {
                    format!("[\n{inner}{},\n{indent}]", parts.join(&format!(",\n{inner}")))
                } else {
                    format!("[{}]", parts.join(", "))
                }
            }
        }
    }

    /// A header table holding the members of the object `value`: key/value pairs first, then
    /// sub-tables. Members that are arrays of objects, or objects in a map of objects (like
    /// `exports`), become sub-tables, except inside an array-of-tables element (`in_array`, where
    /// they stay inline). A table holding only sub-tables gets no header of its own.
    fn toml_table(&self, value: &NewValue, in_array: bool) -> Option<Table> {
        let NewValue::Object(members) = value else { return None };
        let map_of_tables = members.iter().all(|(_, v)| matches!(v, NewValue::Object(_)));
        let mut table = Table::new();
        table.decor_mut().set_prefix(self.table_gap());
        let mut subtables = Vec::new();
        for (k, v) in members {
            let subtable = !in_array
                && match v {
                    NewValue::Object(_) => map_of_tables || v.has_nested_container(),
                    NewValue::Array(_) => v.is_table_like(),
                    _ => false,
                };
            if subtable {
                subtables.push((k, self.toml_tables(v)?));
            } else {
                table.insert_formatted(&toml_edit::Key::new(k), Item::Value(self.toml_value(v, "", Layout::Auto)?));
            }
        }
        if table.is_empty() && !subtables.is_empty() && !in_array {
            table.set_implicit(true);
        }
        for (k, item) in subtables {
            table.insert_formatted(&toml_edit::Key::new(k), item);
        }
        Some(table)
    }

    /// Header tables for `value`: a table for an object, an array of tables for an array of
    /// objects.
    fn toml_tables(&self, value: &NewValue) -> Option<Item> {
        match value {
            NewValue::Object(_) => Some(Item::Table(self.toml_table(value, false)?)),
            NewValue::Array(items) => {
                let mut tables = ArrayOfTables::new();
                for item in items {
                    tables.push(self.toml_table(item, true)?);
                }
                Some(Item::ArrayOfTables(tables))
            }
            _ => None,
        }
    }

    /// Appends `items` to an inline array whose line is indented by `indent`. In an array over
    /// lines each item gets a line of its own, after the comment that ended the last one.
    fn toml_append(&self, array: &mut toml_edit::Array, items: &[NewValue], indent: &str) -> Option<()> {
        let multiline = array.to_string().contains('\n');
        let last_text = array.iter().last().map(|v| {
            let mut bare = v.clone();
            bare.decor_mut().clear();
            bare.to_string()
        });
        let item_indent = match array.iter().last().and_then(|v| raw(v.decor().prefix())) {
            Some(prefix) if prefix.contains('\n') => prefix.rsplit('\n').next().unwrap_or_default().to_string(),
            _ => format!("{indent}{}", self.style.unit),
        };
        for item in items {
            let layout = match &last_text {
                Some(t) if item.is_container() && t.contains('\n') => Layout::Expanded,
                Some(_) => Layout::Inline,
                None => Layout::Auto,
            };
            let mut value = self.toml_value(item, &item_indent, layout)?;
            // What followed the last item before the closing bracket now follows the new one.
            let last_suffix = match array.iter_mut().last() {
                Some(last) => {
                    let suffix = raw(last.decor().suffix()).unwrap_or_default().to_string();
                    last.decor_mut().set_suffix("");
                    Some(suffix)
                }
                None => None,
            };
            if multiline {
                let trailing = raw(Some(array.trailing())).unwrap_or_default().to_string();
                let (head, tail) = match trailing.rfind('\n') {
                    Some(i) => (trailing[..=i].to_string(), format!("\n{}", &trailing[i + 1..])),
                    None => (format!("{trailing}\n"), String::new()),
                };
                value.decor_mut().set_prefix(format!("{}{head}{item_indent}", last_suffix.unwrap_or_default()));
                array.set_trailing(tail);
            } else if let Some(suffix) = last_suffix {
                value.decor_mut().set_prefix(" ");
                value.decor_mut().set_suffix(suffix);
            }
            array.push_formatted(value);
        }
        Some(())
    }

    /// Adds the member `key` to the TOML table at `place` (reached by `path`).
    fn toml_add_member(
        &self,
        place: Place<'_>,
        path: &[Seg<'_>],
        key: &str,
        value: &NewValue,
        after: Option<&str>,
    ) -> Option<()> {
        let new_key = toml_edit::Key::new(key);
        let table = match place {
            Place::Item(Item::Table(t)) | Place::Table(t) => t,
            Place::Item(Item::Value(toml_edit::Value::InlineTable(t)))
            | Place::Value(toml_edit::Value::InlineTable(t)) => {
                if t.contains_key(key) {
                    return None;
                }
                let mut v = self.toml_value(value, "", Layout::Inline)?;
                if let Some((_, last)) = t.iter_mut().last() {
                    // The new member ends the table: it takes the space before `}`.
                    let suffix = raw(last.decor().suffix()).unwrap_or_default().to_string();
                    last.decor_mut().set_suffix("");
                    v.decor_mut().set_prefix(" ");
                    v.decor_mut().set_suffix(suffix);
                }
                t.insert_formatted(&new_key, v);
                return Some(());
            }
            _ => return None,
        };
        if table.contains_key(key) {
            return None;
        }
        let siblings_are_tables = table.iter().last().is_some_and(|(_, item)| is_header_form(item));
        let as_headers = path.iter().all(|s| matches!(s, Seg::Key(_)))
            && match value {
                NewValue::Array(_) => value.is_table_like() && (self.style.headers || siblings_are_tables),
                NewValue::Object(_) => siblings_are_tables || (self.style.headers && value.has_nested_container()),
                _ => false,
            };
        if as_headers {
            let mut item = self.toml_tables(value)?;
            // After the tables of the member it is to follow, else where `toml_edit` puts a new
            // table: after the tables before it.
            if let Some(position) = after.and_then(|a| table.get(a)).and_then(last_position) {
                set_positions(&mut item, position);
            }
            table.insert_formatted(&new_key, item);
        } else {
            table.insert_formatted(&new_key, Item::Value(self.toml_value(value, "", Layout::Auto)?));
        }
        Some(())
    }

    /// [`ConfigEditor::replace_member`] in TOML.
    fn toml_replace_member(
        &self,
        path: &[Seg<'_>],
        member: &super::model::Member,
        new_key: &str,
        value: &NewValue,
    ) -> Option<ConfigEdit> {
        let (key, parent_path) = split_key(path)?;
        let mut doc = self.toml()?;
        let parent = match toml_at(&mut doc, parent_path)? {
            Place::Item(Item::Table(t)) | Place::Table(t) => t,
            _ => return self.toml_replace_pair(member, new_key, value, true),
        };
        let old = parent.get(key)?;
        if !is_header_form(old) {
            return self.toml_replace_pair(member, new_key, value, false);
        }
        // Header tables: the new ones go where the first old one was, with the comments above
        // it and those inside the old ones.
        let mut tables = Vec::new();
        header_tables(old, &mut tables);
        tables.sort_by_key(|t| t.position());
        let first = tables.first()?;
        let position = first.position();
        let mut comments = Vec::new();
        for t in &tables {
            table_comments(t, &mut comments);
        }
        let mut above = raw(first.decor().prefix()).unwrap_or_default().to_string();
        for c in comments {
            above.push_str(&c);
            above.push('\n');
        }
        let mut item = self.toml_tables(value)?;
        if let Some(position) = position {
            set_positions(&mut item, position);
        }
        first_header_table(&mut item)?.decor_mut().set_prefix(above);
        parent.remove(key)?;
        parent.insert_formatted(&toml_edit::Key::new(new_key), item);
        self.edit_to(&doc.to_string())
    }

    /// Replaces a TOML key/value pair by `new_key = <inline>`, or by dotted pairs
    /// (`new_key.A = { ... }`) when `value` is a map of objects and the pair is not inside an
    /// inline table: in place, the comments inside the old value on lines of their own before it.
    /// Written at the span the model read: with `toml_edit` the new pair would go to the end of
    /// its table.
    fn toml_replace_pair(
        &self,
        member: &super::model::Member,
        new_key: &str,
        value: &NewValue,
        in_inline_table: bool,
    ) -> Option<ConfigEdit> {
        let old: toml_edit::Value = self.text.get(member.value.span.start..member.value.span.end)?.parse().ok()?;
        let mut comments = Vec::new();
        value_comments(&old, &mut comments);
        let indent = line_indent(self.text, member.key.span.start);
        let mut new_text: String = comments.iter().map(|c| format!("{c}\n{indent}")).collect();
        let key = toml_key(new_key);
        match value {
            NewValue::Object(entries)
                if !in_inline_table
                    && !entries.is_empty()
                    && entries.iter().all(|(_, v)| matches!(v, NewValue::Object(_))) =>
            {
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        format!("{key}.{} = {}", toml_key(k), self.render_toml_inline(v, indent, Layout::Inline))
                    })
                    .collect();
                new_text.push_str(&lines.join(&format!("\n{indent}")));
            }
            _ => new_text.push_str(&format!("{key} = {}", self.render_toml_inline(value, indent, Layout::Inline))),
        }
        Some(ConfigEdit { span: Span::new(member.key.span.start, member.value.span.end), new_text })
    }
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

/// The one edit that turns `old` into `new` (the span between their common prefix and suffix);
/// `None` when they are equal.
pub fn diff_edit(old: &str, new: &str) -> Option<ConfigEdit> {
    if old == new {
        return None;
    }
    let mut start = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let room = old.len().min(new.len()) - start;
    let mut common_end = old.bytes().rev().zip(new.bytes().rev()).take(room).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - common_end) || !new.is_char_boundary(new.len() - common_end) {
        common_end -= 1;
    }
    Some(ConfigEdit {
        span: Span::new(start, old.len() - common_end),
        new_text: new.get(start..new.len() - common_end)?.to_string(),
    })
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

// ---- JSONC: the CST ----

/// The CST node at `path`.
fn jsonc_at(root: &CstRootNode, path: &[Seg<'_>]) -> Option<CstNode> {
    let mut node = root.value()?;
    for seg in path {
        node = match *seg {
            Seg::Key(k) => node.as_object()?.get(k)?.value()?,
            Seg::Index(i) => node.as_array()?.elements().into_iter().nth(i)?,
        };
    }
    Some(node)
}

/// What the CST is given for `value` laid out as `layout`: the containers that spread over
/// lines as such (the library lays them out), every other value as a placeholder string that
/// [`jsonc_fill`] writes once inserted.
fn jsonc_input(value: &NewValue, layout: Layout) -> CstInputValue {
    if !layout.expands(value) {
        return CstInputValue::String(String::new());
    }
    let inner = layout.of_members();
    match value {
        NewValue::Array(items) => CstInputValue::Array(items.iter().map(|i| jsonc_input(i, inner)).collect()),
        NewValue::Object(members) => {
            CstInputValue::Object(members.iter().map(|(k, v)| (k.clone(), jsonc_input(v, inner))).collect())
        }
        NewValue::String(_) | NewValue::Literal(_) => CstInputValue::String(String::new()),
    }
}

/// Writes the placeholders [`jsonc_input`] left in the inserted `node`, spreads the arrays that
/// spread over lines (the library spreads only arrays of non-empty containers), and gives the new
/// containers over lines the file's trailing commas (the library looks at their parent only).
fn jsonc_fill(node: &CstNode, value: &NewValue, layout: Layout) -> Option<()> {
    if !layout.expands(value) {
        node.as_string_lit()?.set_raw_value(render_jsonc_inline(value));
        return Some(());
    }
    let inner = layout.of_members();
    match value {
        NewValue::Array(items) => {
            let array = node.as_array()?;
            array.ensure_multiline();
            for (element, item) in array.elements().iter().zip(items) {
                jsonc_fill(element, item, inner)?;
            }
            if node.root_node().is_some_and(|r| r.uses_trailing_commas()) {
                array.set_trailing_commas(TrailingCommaMode::IfMultiline);
            }
        }
        NewValue::Object(members) => {
            let object = node.as_object()?;
            for (prop, (_, v)) in object.properties().iter().zip(members) {
                jsonc_fill(&prop.value()?, v, inner)?;
            }
            if node.root_node().is_some_and(|r| r.uses_trailing_commas()) {
                object.set_trailing_commas(TrailingCommaMode::IfMultiline);
            }
        }
        NewValue::String(_) | NewValue::Literal(_) => {}
    }
    Some(())
}

/// Replaces the value `node` (a member's value or an array item) with `input`; the new node.
fn jsonc_replace(node: CstNode, input: CstInputValue) -> Option<CstNode> {
    if let Some(prop) = node.parent().and_then(|p| p.as_object_prop()) {
        prop.set_value(input);
        return prop.value();
    }
    match node {
        CstNode::Container(CstContainerNode::Object(o)) => o.replace_with(input),
        CstNode::Container(CstContainerNode::Array(a)) => a.replace_with(input),
        CstNode::Leaf(CstLeafNode::StringLit(s)) => s.replace_with(input),
        CstNode::Leaf(CstLeafNode::NumberLit(n)) => n.replace_with(input),
        CstNode::Leaf(CstLeafNode::BooleanLit(b)) => b.replace_with(input),
        CstNode::Leaf(CstLeafNode::NullKeyword(n)) => n.replace_with(input),
        CstNode::Leaf(CstLeafNode::WordLit(w)) => w.replace_with(input),
        _ => None,
    }
}

/// The comments inside `node`, as written.
fn jsonc_comments(node: &CstNode, out: &mut Vec<String>) {
    match node {
        CstNode::Leaf(CstLeafNode::Comment(c)) => out.push(c.to_string().trim_end().to_string()),
        CstNode::Container(c) => {
            for child in c.children() {
                jsonc_comments(&child, out);
            }
        }
        CstNode::Leaf(_) => {}
    }
}

/// `value` as JSONC on one line.
fn render_jsonc_inline(value: &NewValue) -> String {
    match value {
        NewValue::String(s) => json_string(s),
        NewValue::Literal(l) => l.clone(),
        NewValue::Array(items) => {
            format!("[{}]", items.iter().map(render_jsonc_inline).collect::<Vec<_>>().join(", "))
        }
        NewValue::Object(members) if members.is_empty() => "{}".to_string(),
        NewValue::Object(members) => {
            let parts: Vec<String> =
                members.iter().map(|(k, v)| format!("{}: {}", json_string(k), render_jsonc_inline(v))).collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

// ---- TOML: the document ----

/// A place in a TOML document: an item of a table, a table of an array of tables (or the root),
/// or a value inside an inline array or table.
enum Place<'d> {
    Item(&'d mut Item),
    Table(&'d mut Table),
    Value(&'d mut toml_edit::Value),
}

/// The place at `path`.
fn toml_at<'d>(doc: &'d mut DocumentMut, path: &[Seg<'_>]) -> Option<Place<'d>> {
    let mut place = Place::Table(doc.as_table_mut());
    for seg in path {
        place = match (place, *seg) {
            (Place::Table(t) | Place::Item(Item::Table(t)), Seg::Key(k)) => Place::Item(t.get_mut(k)?),
            (Place::Item(Item::ArrayOfTables(tables)), Seg::Index(i)) => Place::Table(tables.get_mut(i)?),
            (Place::Item(Item::Value(v)) | Place::Value(v), seg) => match (v, seg) {
                (toml_edit::Value::InlineTable(t), Seg::Key(k)) => Place::Value(t.get_mut(k)?),
                (toml_edit::Value::Array(a), Seg::Index(i)) => Place::Value(a.get_mut(i)?),
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(place)
}

/// True for a header table (not a dotted one) or an array of tables.
fn is_header_form(item: &Item) -> bool {
    match item {
        Item::Table(t) => !t.is_dotted(),
        Item::ArrayOfTables(_) => true,
        Item::None | Item::Value(_) => false,
    }
}

/// True for a table written without a header: implicit (`a` of `[a.b]`) with no pairs.
fn is_headerless(t: &Table) -> bool {
    t.is_implicit() && t.get_values().is_empty()
}

/// The header tables of `item` and below, in document order of the tree.
fn header_tables<'i>(item: &'i Item, out: &mut Vec<&'i Table>) {
    match item {
        Item::Table(t) => {
            if !is_headerless(t) {
                out.push(t);
            }
            for (_, sub) in t.iter() {
                header_tables(sub, out);
            }
        }
        Item::ArrayOfTables(tables) => {
            for t in tables.iter() {
                out.push(t);
                for (_, sub) in t.iter() {
                    header_tables(sub, out);
                }
            }
        }
        Item::None | Item::Value(_) => {}
    }
}

/// The last document position of the tables of `item`.
fn last_position(item: &Item) -> Option<isize> {
    let mut tables = Vec::new();
    header_tables(item, &mut tables);
    tables.iter().filter_map(|t| t.position()).max()
}

/// Gives every table of `item` the document position `position`: they go after the tables at
/// that position, in the order of the tree.
fn set_positions(item: &mut Item, position: isize) {
    match item {
        Item::Table(t) => {
            t.set_position(Some(position));
            for (_, sub) in t.iter_mut() {
                set_positions(sub, position);
            }
        }
        Item::ArrayOfTables(tables) => {
            for t in tables.iter_mut() {
                t.set_position(Some(position));
                for (_, sub) in t.iter_mut() {
                    set_positions(sub, position);
                }
            }
        }
        Item::None | Item::Value(_) => {}
    }
}

/// The first table of `item` that is written with a header.
fn first_header_table(item: &mut Item) -> Option<&mut Table> {
    match item {
        Item::Table(t) => {
            if is_headerless(t) {
                t.iter_mut().find_map(|(_, sub)| first_header_table(sub))
            } else {
                Some(t)
            }
        }
        Item::ArrayOfTables(tables) => tables.get_mut(0),
        Item::None | Item::Value(_) => None,
    }
}

/// The comments in the body of the header table `table` (not above its header): those on lines
/// of their own and those after a value.
fn table_comments(table: &Table, out: &mut Vec<String>) {
    for (key, item) in table.iter() {
        if let Some(k) = table.key(key) {
            decor_comments(k.leaf_decor(), out);
        }
        if let Item::Value(v) = item {
            value_comments(v, out);
        }
    }
}

/// The comments in the decor of `value` and inside it (an array over lines).
fn value_comments(value: &toml_edit::Value, out: &mut Vec<String>) {
    decor_comments(value.decor(), out);
    match value {
        toml_edit::Value::Array(a) => {
            for v in a.iter() {
                value_comments(v, out);
            }
            raw_comments(raw(Some(a.trailing())).unwrap_or_default(), out);
        }
        toml_edit::Value::InlineTable(t) => {
            for (_, v) in t.iter() {
                value_comments(v, out);
            }
        }
        _ => {}
    }
}

fn decor_comments(decor: &toml_edit::Decor, out: &mut Vec<String>) {
    raw_comments(raw(decor.prefix()).unwrap_or_default(), out);
    raw_comments(raw(decor.suffix()).unwrap_or_default(), out);
}

/// The `#` comments in whitespace-and-comment text.
fn raw_comments(text: &str, out: &mut Vec<String>) {
    for line in text.lines() {
        if let Some(at) = line.find('#') {
            out.push(line[at..].trim_end().to_string());
        }
    }
}

/// The text of a decor or trailing string read from the document (`None` for a default one).
fn raw(s: Option<&toml_edit::RawString>) -> Option<&str> {
    s?.as_str()
}

/// Removes member `key` of an inline table; the member after it takes its place at the end.
fn toml_inline_remove(table: &mut toml_edit::InlineTable, key: &str) -> Option<()> {
    let was_last = table.iter().last().is_some_and(|(k, _)| k == key);
    let removed = table.remove(key)?;
    if was_last {
        let suffix = raw(removed.decor().suffix()).unwrap_or_default().to_string();
        if let Some((_, last)) = table.iter_mut().last() {
            last.decor_mut().set_suffix(suffix);
        }
    }
    Some(())
}

/// Removes item `index` of an inline array: with the comment after it when it has a line of
/// its own; the only item leaves `[]`.
fn toml_array_remove(array: &mut toml_edit::Array, index: usize) -> Option<()> {
    if index >= array.len() {
        return None;
    }
    let removed = array.remove(index);
    if array.is_empty() {
        array.set_trailing("");
        array.set_trailing_comma(false);
        return Some(());
    }
    let own_line = raw(removed.decor().prefix()).is_some_and(|p| p.contains('\n'));
    if !own_line {
        if index == 0 {
            // The new first item starts where the removed one did.
            if let Some(first) = array.get_mut(0) {
                let prefix = raw(removed.decor().prefix()).unwrap_or_default().to_string();
                first.decor_mut().set_prefix(prefix);
            }
        }
        return Some(());
    }
    // What followed the removed item up to the end of its line (its comment) goes with it.
    let drop_line = |text: &str| text.find('\n').map_or(String::new(), |i| text[i..].to_string());
    match array.get_mut(index) {
        Some(next) => {
            let prefix = drop_line(raw(next.decor().prefix()).unwrap_or_default());
            next.decor_mut().set_prefix(prefix);
        }
        None => {
            let trailing = drop_line(raw(Some(array.trailing())).unwrap_or_default());
            array.set_trailing(trailing);
        }
    }
    Some(())
}

/// A TOML string literal, as `toml_edit` writes a new one (a basic string unless the text
/// reads better as a literal one).
fn toml_string(s: &str) -> String {
    toml_edit::Value::from(s).to_string()
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(k: &str) -> String {
    toml_edit::Key::new(k).display_repr().into_owned()
}

// ---- text ----

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
