//! An open document: its text as a rope and, for TS/JS and TOML, an incrementally edited tree.

use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use super::language::{self, FileKind};
use super::position::{line_col_to_offset, LineCol, Lines, PositionEncoding};

/// One change from `textDocument/didChange`: a range (in the negotiated encoding) replaced by
/// `text`, or the whole document when `range` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    /// The replaced range `(start, end)`, or `None` for a full replacement.
    pub range: Option<(LineCol, LineCol)>,
    /// The new text.
    pub text: String,
}

/// A document's text and syntax tree, kept in step edit by edit.
#[derive(Debug, Clone)]
pub struct Document {
    kind: FileKind,
    rope: Rope,
    text: Arc<str>,
    tree: Option<Tree>,
}

impl Document {
    /// A document parsed from scratch.
    pub fn new(kind: FileKind, text: &str) -> Self {
        let text: Arc<str> = Arc::from(text);
        let tree = language::parse(kind, &text, None);
        Document { kind, rope: Rope::from_str(&text), text, tree }
    }

    /// The file's kind.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The current text, shared.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// The rope (for position conversions).
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The syntax tree, for kinds that have one.
    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    /// Applies `changes` in order: each edits the rope and the tree (`InputEdit`); then the tree
    /// is reparsed once, reusing the old one. Ranges out of bounds are clamped, never rejected.
    pub fn apply_changes(&mut self, changes: &[TextChange], encoding: PositionEncoding) {
        if changes.is_empty() {
            return;
        }
        let mut full_reparse = false;
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    full_reparse = true;
                }
                Some((start, end)) => {
                    let mut start = line_col_to_offset(&self.rope, start, encoding);
                    let mut end = line_col_to_offset(&self.rope, end, encoding);
                    if start > end {
                        std::mem::swap(&mut start, &mut end);
                    }
                    let edit = self.edit_rope(start, end, &change.text);
                    if let Some(tree) = self.tree.as_mut() {
                        tree.edit(&edit);
                    }
                }
            }
        }
        self.text = Arc::from(String::from(&self.rope));
        let old = if full_reparse { None } else { self.tree.as_ref() };
        self.tree = language::parse(self.kind, &self.text, old);
    }

    /// Replaces bytes `start..end` of the rope with `new_text`; returns the matching tree edit.
    fn edit_rope(&mut self, start: usize, end: usize, new_text: &str) -> InputEdit {
        let start_position = self.point(start);
        let old_end_position = self.point(end);
        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        let new_end = start + new_text.len();
        InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: self.point(new_end),
        }
    }

    /// The tree-sitter point (row, byte column) of byte `offset`.
    fn point(&self, offset: usize) -> Point {
        let row = self.rope.line_of_byte(offset);
        Point { row, column: offset - self.rope.line_start_byte(row) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::position::offset_to_line_col;
    use proptest::prelude::*;

    const SEED: &str = "import { DurableObject } from \"cloudflare:workers\";\r\n// café 😀\nexport class Room extends DurableObject {\r\n  m() { setTimeout(() => {}, 1); return \"é😀\"; }\n}\n";

    /// Every node of the tree with its kind and byte range, in pre-order: two trees are the same
    /// when these agree.
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

    #[test]
    fn incremental_edit_matches_fresh_parse() {
        let mut doc = Document::new(FileKind::TypeScript, SEED);
        let at = SEED.find("m()").unwrap_or_default();
        let pos = offset_to_line_col(doc.rope(), at, PositionEncoding::Utf16);
        doc.apply_changes(&[TextChange { range: Some((pos, pos)), text: "async ".into() }], PositionEncoding::Utf16);
        let fresh = Document::new(FileKind::TypeScript, doc.text());
        assert!(doc.text().contains("async m()"));
        assert_eq!(sexp(&doc), sexp(&fresh));
    }

    #[test]
    fn full_replacement_and_clamping() {
        let mut doc = Document::new(FileKind::Tsx, "let a = 1;");
        let far = LineCol { line: 99, character: 99 };
        doc.apply_changes(&[TextChange { range: Some((far, far)), text: "\nlet b;".into() }], PositionEncoding::Utf8);
        assert_eq!(&**doc.text(), "let a = 1;\nlet b;");
        doc.apply_changes(&[TextChange { range: None, text: "x".into() }], PositionEncoding::Utf8);
        assert_eq!(&**doc.text(), "x");
        assert!(doc.tree().is_some());
    }

    /// An edit as proptest draws it: a range given by two offsets (any bytes, then snapped
    /// through positions like a client would send), and an insertion.
    fn edit_strategy() -> impl Strategy<Value = (usize, usize, String, bool)> {
        (0usize..400, 0usize..40, "(a|é|😀|\r\n|\r|\n|`|\\{|\\}|class X|\"| ){0,6}", any::<bool>())
    }

    /// Applies `edits` (drawn as byte offsets, snapped through positions as a client sends them)
    /// to `doc` and to a plain string; returns the string and the inverse edits.
    fn apply_random(
        doc: &mut Document,
        expected: &mut String,
        edits: &[(usize, usize, String, bool)],
    ) -> Option<Vec<(LineCol, LineCol, String, PositionEncoding)>> {
        let mut undo = Some(Vec::new());
        for (start, len, insert, utf8) in edits {
            let enc = if *utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
            let start = (*start).min(expected.len());
            let end = (start + len).min(expected.len());
            let a = offset_to_line_col(doc.rope(), start, enc);
            let b = offset_to_line_col(doc.rope(), end, enc);
            let sa = line_col_to_offset(doc.rope(), a, enc);
            let sb = line_col_to_offset(doc.rope(), b, enc);
            let removed = expected[sa..sb].to_string();
            expected.replace_range(sa..sb, insert);
            doc.apply_changes(&[TextChange { range: Some((a, b)), text: insert.clone() }], enc);
            let new_end = offset_to_line_col(doc.rope(), sa + insert.len(), enc);
            // An edit that ends between a CR and an LF cannot be addressed by a position (nor by
            // a client), so it has no undo as a ranged change.
            let exact = line_col_to_offset(doc.rope(), new_end, enc) == sa + insert.len();
            match undo.as_mut() {
                Some(list) if exact => list.push((a, new_end, removed, enc)),
                _ => undo = None,
            }
        }
        undo
    }

    fn has_error(doc: &Document) -> bool {
        doc.tree().is_none_or(|t| t.root_node().has_error())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Random edits give the text a plain string gets; where the result parses cleanly, the
        /// incremental tree is the fresh tree (error recovery may legitimately differ with
        /// history); undoing every edit gives back exactly the fresh tree of the original.
        #[test]
        fn random_edits_match_fresh_parse(edits in proptest::collection::vec(edit_strategy(), 1..12)) {
            for kind in [FileKind::TypeScript, FileKind::Toml] {
                let mut doc = Document::new(kind, SEED);
                let mut expected = SEED.to_string();
                let undo = apply_random(&mut doc, &mut expected, &edits);
                prop_assert_eq!(&**doc.text(), expected.as_str());
                let fresh = Document::new(kind, &expected);
                if !has_error(&fresh) {
                    prop_assert_eq!(sexp(&doc), sexp(&fresh));
                }
                if let Some(undo) = undo {
                    for (a, b, text, enc) in undo.into_iter().rev() {
                        doc.apply_changes(&[TextChange { range: Some((a, b)), text }], enc);
                    }
                    prop_assert_eq!(&**doc.text(), SEED);
                    prop_assert_eq!(sexp(&doc), sexp(&Document::new(kind, SEED)));
                }
            }
        }

        #[test]
        fn several_changes_in_one_notification(edits in proptest::collection::vec(edit_strategy(), 1..8)) {
            let mut shadow = Document::new(FileKind::TypeScript, SEED);
            let mut expected = SEED.to_string();
            let mut changes = Vec::new();
            for edit in &edits {
                let before = shadow.clone();
                apply_random(&mut shadow, &mut expected, std::slice::from_ref(edit));
                // Re-derive the change as sent: positions in the text before it.
                let enc = if edit.3 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
                let start = edit.0.min(before.text().len());
                let end = (start + edit.1).min(before.text().len());
                let a = offset_to_line_col(before.rope(), start, enc);
                let b = offset_to_line_col(before.rope(), end, enc);
                changes.push((TextChange { range: Some((a, b)), text: edit.2.clone() }, enc));
            }
            let mut doc = Document::new(FileKind::TypeScript, SEED);
            for (change, enc) in &changes {
                doc.apply_changes(std::slice::from_ref(change), *enc);
            }
            let mut batched = Document::new(FileKind::TypeScript, SEED);
            if changes.iter().all(|(_, e)| *e == PositionEncoding::Utf16) {
                let all: Vec<TextChange> = changes.iter().map(|(c, _)| c.clone()).collect();
                batched.apply_changes(&all, PositionEncoding::Utf16);
                prop_assert_eq!(&**batched.text(), expected.as_str());
            }
            prop_assert_eq!(&**doc.text(), expected.as_str());
            let fresh = Document::new(FileKind::TypeScript, &expected);
            if !has_error(&fresh) {
                prop_assert_eq!(sexp(&doc), sexp(&fresh));
            }
        }
    }
}
