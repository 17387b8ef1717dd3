//! Small questions asked of tree-sitter nodes by extraction: text, names, tokens, walks.

use super::fields::{Field, NodeFields};
use super::model::*;
use crate::text::{Span, Spanned};
use tree_sitter::Node;

/// The node's source text ("" when the range is not on char boundaries, which tree-sitter does
/// not produce for valid UTF-8).
pub(super) fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The node's text with its span.
pub(super) fn spanned(node: Node<'_>, src: &str) -> Spanned<String> {
    Spanned::new(text(node, src).to_owned(), Span::of_node(&node))
}

/// A string literal's contents without the quotes (as written: escapes are not decoded).
pub(super) fn unquote(node: Node<'_>, src: &str) -> String {
    let t = text(node, src);
    let t = t.strip_prefix(['"', '\'']).unwrap_or(t);
    t.strip_suffix(['"', '\'']).unwrap_or(t).to_owned()
}

/// A name that may be an identifier or a string literal (`export { x as "y" }`).
pub(super) fn name_text(node: Node<'_>, src: &str) -> String {
    if node.kind() == "string" {
        unquote(node, src)
    } else {
        text(node, src).to_owned()
    }
}

/// True when `node` has an anonymous child token `kind` (`default`, `static`, `type`...).
pub(super) fn has_token(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| !c.is_named() && c.kind() == kind);
    found
}

/// The first named child of one of `kinds`.
pub(super) fn child_of_kind<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| kinds.contains(&c.kind()));
    found
}

/// True when `child` is the `field` child of `parent`.
pub(super) fn is_field(parent: Node<'_>, field: Field, child: Node<'_>) -> bool {
    parent.field(field) == Some(child)
}

/// Visits `node`'s subtree in document order with each node's ancestors inside the subtree;
/// `visit` returns whether to descend into a node.
pub(super) fn walk_subtree<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool) {
    let mut cursor = node.walk();
    let mut stack = Vec::new();
    loop {
        let current = cursor.node();
        if visit(current, &stack) && cursor.goto_first_child() {
            stack.push(current);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            stack.pop();
        }
    }
}

/// The index of the innermost class whose body contains `span` (`classes` in source order).
pub(super) fn enclosing_class(classes: &[ClassFact], span: Span) -> Option<usize> {
    classes.iter().rposition(|c| c.body_span.contains_span(span))
}
