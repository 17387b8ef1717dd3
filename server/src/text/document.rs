//! An open document: its text as a rope and, for TS/JS and TOML, an incrementally edited tree.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use super::language::{self, FileKind, Parsed};
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
///
/// A reparse given a budget may be left pending (see [`Document::apply_changes_within`]): the
/// tree is then the last one parsed, with the edits since applied to its positions, and
/// [`Document::tree`] gives none until [`Document::settle`].
#[derive(Debug, Clone)]
pub struct Document {
    kind: FileKind,
    rope: Rope,
    text: Arc<str>,
    tree: Option<Tree>,
    /// While a reparse is pending: the bytes of the text edited since the tree was parsed.
    pending: Option<Range<usize>>,
}

impl Document {
    /// A document parsed from scratch.
    pub fn new(kind: FileKind, text: &str) -> Self {
        let text: Arc<str> = Arc::from(text);
        let tree = language::parse(kind, &text, None);
        Document { kind, rope: Rope::from_str(&text), text, tree, pending: None }
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

    /// The syntax tree, for kinds that have one; none while a reparse is pending.
    pub fn tree(&self) -> Option<&Tree> {
        match self.pending {
            Some(_) => None,
            None => self.tree.as_ref(),
        }
    }

    /// While a reparse is pending: the last tree parsed, its positions moved by the edits since,
    /// and the bytes those edits touched. Outside those bytes the tree is still right.
    pub fn pending(&self) -> Option<(&Tree, Range<usize>)> {
        Some((self.tree.as_ref()?, self.pending.clone()?))
    }

    /// Finishes a pending reparse; false when none was pending.
    pub fn settle(&mut self) -> bool {
        if self.pending.take().is_none() {
            return false;
        }
        self.tree = language::parse(self.kind, &self.text, self.tree.as_ref());
        true
    }

    /// Applies `changes` in order: each edits the rope and the tree (`InputEdit`); then the tree
    /// is reparsed once, reusing the old one. Ranges out of bounds are clamped, never rejected.
    pub fn apply_changes(&mut self, changes: &[TextChange], encoding: PositionEncoding) {
        self.apply_changes_within(changes, encoding, None);
    }

    /// [`Document::apply_changes`], with the reparse given up after `budget` and left pending
    /// (false then). A pending reparse is finished by [`Document::settle`], or by the next
    /// changes' reparse, which starts from the same tree.
    pub fn apply_changes_within(
        &mut self,
        changes: &[TextChange],
        encoding: PositionEncoding,
        budget: Option<Duration>,
    ) -> bool {
        if changes.is_empty() {
            return self.pending.is_none();
        }
        let mut full_reparse = false;
        // The bytes edited since the tree was last parsed (those of a pending reparse first).
        let mut edited = self.pending.take();
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
                    edited = Some(match edited {
                        Some(before) => widen(before, &edit),
                        None => edit.start_byte..edit.new_end_byte,
                    });
                }
            }
        }
        self.text = Arc::from(String::from(&self.rope));
        if full_reparse {
            self.tree = language::parse(self.kind, &self.text, None);
            return true;
        }
        match language::parse_within(self.kind, &self.text, self.tree.as_ref(), budget) {
            Parsed::Tree(tree) => {
                self.tree = Some(tree);
                true
            }
            Parsed::OverBudget => {
                self.pending = edited;
                false
            }
            Parsed::NoTree => {
                self.tree = None;
                true
            }
        }
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

/// `edited` (bytes of the text before `edit`) in the text after it, widened to cover the bytes
/// `edit` wrote.
fn widen(edited: Range<usize>, edit: &InputEdit) -> Range<usize> {
    let moved = |offset: usize| match offset {
        o if o <= edit.start_byte => o,
        o if o >= edit.old_end_byte => o - edit.old_end_byte + edit.new_end_byte,
        _ => edit.new_end_byte,
    };
    moved(edited.start).min(edit.start_byte)..moved(edited.end).max(edit.new_end_byte)
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
    fn a_reparse_over_its_budget_is_left_pending_until_settled() {
        let methods: String = (0..300).map(|i| format!("  m{i}() {{ return this.x + {i}; }}\n")).collect();
        let text = format!("export class Big {{\n{methods}}}\n");
        let kind = FileKind::TypeScript;
        let mut doc = Document::new(kind, &text);
        let enc = PositionEncoding::Utf8;
        let insert = |doc: &Document, at: usize, s: &str| {
            let pos = offset_to_line_col(doc.rope(), at, enc);
            TextChange { range: Some((pos, pos)), text: s.into() }
        };
        let p = text.find("m200").expect("m200");
        let zero = Some(Duration::ZERO);
        assert!(!doc.apply_changes_within(&[insert(&doc, p, "x")], enc, zero), "a budget of zero runs out");
        assert!(doc.tree().is_none(), "no tree while the reparse is pending");
        assert_eq!(doc.pending().map(|(_, edited)| edited), Some(p..p + 1));
        // Edits before the reparse widen what it covers; their bytes move what came after.
        let q = text.find("m100").expect("m100");
        assert!(!doc.apply_changes_within(&[insert(&doc, q, "yy")], enc, zero));
        assert_eq!(doc.pending().map(|(_, edited)| edited), Some(q..p + 3));
        assert!(doc.settle());
        assert!(!doc.settle(), "nothing left to settle");
        assert_eq!(sexp(&doc), sexp(&Document::new(kind, doc.text())));
        assert!(doc.apply_changes_within(&[insert(&doc, 0, " ")], enc, None), "no budget: parsed");
        assert_eq!(sexp(&doc), sexp(&Document::new(kind, doc.text())));
    }

    #[test]
    fn widening_follows_the_bytes_of_later_edits() {
        let edit = |start: usize, old_end: usize, new_end: usize| InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position: Point::default(),
            old_end_position: Point::default(),
            new_end_position: Point::default(),
        };
        // After the edited bytes: they stay, and reach the new edit.
        assert_eq!(widen(10..12, &edit(20, 20, 25)), 10..25);
        // Before them: they move by what was inserted or removed.
        assert_eq!(widen(10..12, &edit(0, 0, 3)), 0..15);
        assert_eq!(widen(10..12, &edit(2, 6, 2)), 2..8);
        // Over them: the new bytes cover them.
        assert_eq!(widen(10..12, &edit(8, 14, 9)), 8..9);
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
