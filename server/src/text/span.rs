//! Byte ranges into a file's text.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into one file's UTF-8 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped when given backwards).
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Span { start, end }
        } else {
            Span { start: end, end: start }
        }
    }

    /// The span of a tree-sitter node.
    pub fn of_node(node: &tree_sitter::Node<'_>) -> Self {
        Span::new(node.start_byte(), node.end_byte())
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the span (the end included, as a cursor after a word).
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// True when `other` lies entirely inside this span.
    pub fn contains_span(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share a byte, an empty span (an insertion point) counting as
    /// the byte at its start: two insertions at one offset overlap, and so does an insertion at
    /// the start of a non-empty span, but not one at its end.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end.max(other.start + 1) && other.start < self.end.max(self.start + 1)
    }
}

/// A value together with the span of the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was read from (for a config string: the literal, quotes included).
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn overlaps_counts_an_insertion_as_the_byte_at_its_start() {
        let s = |a, b| Span::new(a, b);
        assert!(s(2, 5).overlaps(s(4, 8)) && s(4, 8).overlaps(s(2, 5)));
        assert!(!s(2, 5).overlaps(s(5, 8)) && !s(5, 8).overlaps(s(2, 5)));
        // Insertions: at one offset, at the start of a span, at its end.
        assert!(s(3, 3).overlaps(s(3, 3)));
        assert!(s(3, 3).overlaps(s(3, 6)) && s(3, 6).overlaps(s(3, 3)));
        assert!(!s(6, 6).overlaps(s(3, 6)) && !s(3, 6).overlaps(s(6, 6)));
        assert!(s(4, 4).overlaps(s(3, 6)));
        assert!(!s(3, 3).overlaps(s(4, 4)));
    }
}
