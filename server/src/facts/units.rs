//! Units: the pieces of a file whose facts are extracted on their own, so that a keystroke
//! re-extracts only the piece it touched.
//!
//! A unit is a top-level statement, or, for a top-level class, its head (everything but the
//! members) and each of its members; a large unit with a syntax error is cut further into its
//! named children. A unit's facts depend on its own text only: the queries run
//! over the unit's byte range, context walks stop at the unit, and everything that links units
//! (enclosing classes, `this.x` aliases, shadowed timers) is computed afterwards for the whole
//! file (`extract::link`). So a unit whose text did not change keeps its facts, and a file's
//! facts are the same whichever units came from the cache.

use super::fields::{Field, NodeFields};
use std::hash::{Hash, Hasher};
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHasher};
use tree_sitter::Node;

use super::extract::{Counts, UnitLinks};

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(super) enum UnitKind {
    /// A top-level statement (or comment, or ERROR node).
    #[default]
    Statement,
    /// A top-level class without its members: name, `extends`, the member list, `export`.
    ClassHead,
    /// One member of a top-level class.
    Member,
    /// A named child of a large unit with a syntax error (half-typed code that swallowed the
    /// rest of a class or file), so that the next keystroke does not re-extract all of it.
    Fragment,
}

/// A unit with a syntax error and more bytes than this is cut into its named children.
const SPLIT_ERRORS_ABOVE: usize = 4096;

/// One unit of a syntax tree.
pub(super) struct Unit<'t> {
    /// What it is.
    pub kind: UnitKind,
    /// The statement, class statement or member.
    pub node: Node<'t>,
    /// The byte range the queries visit (from the unit's node): the node's, or for a class head
    /// from the statement's start to the body's opening brace.
    pub range: Range<usize>,
    /// The node's ancestors that context walks see, the program first: all of them, but for a
    /// fragment only the program (a span taken from an ancestor outside the unit would not move
    /// with it).
    pub context: Vec<Node<'t>>,
    /// The kinds of all the node's ancestors (part of the cache key).
    context_kinds: Vec<u16>,
    /// See [`Unit::parent_is_top_level`].
    top_level: bool,
}

impl<'t> Unit<'t> {
    /// True when `node` lies inside this unit (the unit's own node included).
    pub fn covers(&self, node: Node<'_>) -> bool {
        self.node.start_byte() <= node.start_byte() && node.end_byte() <= self.node.end_byte()
    }

    /// The ancestors of `node` (a node of this unit), the program first: the unit's context,
    /// then one descent from the unit's node (each `Node::parent` call descends from the root
    /// again, so walking up with it would be quadratic).
    pub fn ancestors(&self, node: Node<'t>) -> Vec<Node<'t>> {
        let mut path = self.context.clone();
        let mut current = self.node;
        while current != node {
            path.push(current);
            match current.child_with_descendant(node) {
                Some(next) => current = next,
                None => break,
            }
        }
        path
    }

    /// True when the node's parent is the program or an ERROR node (half-typed code).
    pub fn parent_is_top_level(&self) -> bool {
        self.top_level
    }
}

/// Splits a program into units, in source order.
pub(super) fn split(program: Node<'_>) -> Vec<Unit<'_>> {
    let mut units = Vec::new();
    let mut cursor = program.walk();
    for statement in program.named_children(&mut cursor) {
        let Some((class, body)) = top_level_class(statement) else {
            push(&mut units, UnitKind::Statement, statement, vec![program]);
            continue;
        };
        // The opening brace belongs to the head, so the query still sees `body: (class_body)`.
        let head_end = (body.start_byte() + 1).min(statement.end_byte());
        units.push(Unit {
            kind: UnitKind::ClassHead,
            node: statement,
            range: statement.start_byte()..head_end,
            context: vec![program],
            context_kinds: vec![program.kind_id()],
            top_level: true,
        });
        let mut context = vec![program, statement];
        if class != statement {
            context.push(class);
        }
        context.push(body);
        let mut members = body.walk();
        for member in body.named_children(&mut members) {
            push(&mut units, UnitKind::Member, member, context.clone());
        }
    }
    units
}

/// The outermost named nodes of a tree that lie inside `range`, in source order, as fragments:
/// the units of a piece of text that did not parse into a unit of its own kind.
pub(super) fn within(program: Node<'_>, range: Range<usize>) -> Vec<Unit<'_>> {
    let mut units = Vec::new();
    // Depth first, children pushed in reverse so that they come off in source order, each with
    // its ancestors (the program first).
    let mut stack = vec![(program, Vec::new())];
    while let Some((node, ancestors)) = stack.pop() {
        let r = node.byte_range();
        if node != program && range.start <= r.start && r.end <= range.end {
            push(&mut units, UnitKind::Fragment, node, ancestors);
            continue;
        }
        let mut inner = ancestors;
        inner.push(node);
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children.into_iter().rev() {
            let r = child.byte_range();
            if r.start < range.end && range.start < r.end {
                stack.push((child, inner.clone()));
            }
        }
    }
    units
}

/// True when `node` is cut into fragments rather than made one unit: large and broken.
fn is_fragmented(node: Node<'_>) -> bool {
    node.has_error() && node.byte_range().len() > SPLIT_ERRORS_ABOVE && node.named_child_count() > 0
}

/// For a top-level class statement whose every member is a member unit (none is cut into
/// fragments): the class body.
pub(super) fn member_units_body(statement: Node<'_>) -> Option<Node<'_>> {
    let (_, body) = top_level_class(statement)?;
    let mut cursor = body.walk();
    let mut members = body.named_children(&mut cursor);
    (!members.any(is_fragmented)).then_some(body)
}

/// Adds `node` as a unit, or its named children as fragments when it is large and broken.
fn push<'t>(units: &mut Vec<Unit<'t>>, kind: UnitKind, node: Node<'t>, context: Vec<Node<'t>>) {
    if is_fragmented(node) {
        let mut inner = context;
        inner.push(node);
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            push(units, UnitKind::Fragment, child, inner.clone());
        }
        return;
    }
    let context_kinds = context.iter().map(Node::kind_id).collect();
    let top_level = context.last().is_some_and(|p| p.kind() == "program" || p.is_error());
    let context = if kind == UnitKind::Fragment { context.into_iter().take(1).collect() } else { context };
    units.push(Unit { kind, node, range: node.byte_range(), context, context_kinds, top_level });
}

/// For a top-level class statement (`class X {}`, `export class X {}`, `export default class
/// {}`, `abstract class X {}`): the class node and its body.
fn top_level_class(statement: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let class = match statement.kind() {
        "class_declaration" | "abstract_class_declaration" => statement,
        "export_statement" => statement
            .field(Field::Declaration)
            .or_else(|| statement.field(Field::Value))
            .filter(|d| matches!(d.kind(), "class_declaration" | "abstract_class_declaration" | "class"))?,
        _ => return None,
    };
    let body = class.field(Field::Body).filter(|b| b.kind() == "class_body")?;
    Some((class, body))
}

/// The units of an open document's last extraction, in order: for each, its text (when it may
/// be re-used), where it started, how many facts of each kind it gave, and what linking reads
/// about it. Together with the facts extracted last time, this lets the next keystroke move
/// the facts of every unchanged unit instead of extracting them again. It holds exactly the
/// units of the current text, so it never outgrows the document.
#[derive(Debug, Default, Clone)]
pub struct FactsCache {
    units: Vec<CachedUnit>,
}

/// One unit of the last extraction.
#[derive(Debug, Default, Clone)]
pub(super) struct CachedUnit {
    /// Set when the unit may be re-used (see [`cacheable`]).
    key: Option<u64>,
    kind: UnitKind,
    node_kind: u16,
    context: Box<[u16]>,
    /// The unit's text, when it may be re-used.
    text: Box<str>,
    start: usize,
    counts: Counts,
    links: UnitLinks,
}

impl CachedUnit {
    /// True when this is a re-usable unit with the same text and place in the tree as `unit`.
    pub fn matches(&self, unit: &Unit<'_>, text: &str) -> bool {
        self.key.is_some()
            && self.kind == unit.kind
            && self.node_kind == unit.node.kind_id()
            && *self.context == *unit.context_kinds
            && *self.text == *text
    }

    /// How many facts of each kind it gave.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Where it started, its links and its text.
    pub fn into_parts(self) -> (usize, UnitLinks, Box<str>) {
        (self.start, self.links, self.text)
    }
}

impl FactsCache {
    /// The units, emptying the cache.
    pub(super) fn into_units(self) -> Vec<CachedUnit> {
        self.units
    }

    /// Records the next unit of the current extraction.
    pub(super) fn push(&mut self, unit: &Unit<'_>, key: Option<u64>, text: Box<str>, counts: Counts, links: UnitLinks) {
        self.units.push(CachedUnit {
            key,
            kind: unit.kind,
            node_kind: unit.node.kind_id(),
            context: unit.context_kinds.clone().into_boxed_slice(),
            text,
            start: unit.node.start_byte(),
            counts,
            links,
        });
    }

    /// The links of the units, in order.
    pub(super) fn links(&self) -> impl Iterator<Item = &UnitLinks> + Clone {
        self.units.iter().map(|u| &u.links)
    }

    /// The number of units that may be re-used.
    pub fn len(&self) -> usize {
        self.units.iter().filter(|u| u.key.is_some()).count()
    }

    /// True when no unit may be re-used.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The re-usable units of `units` by key, each list in source order.
pub(super) fn reuse_index(units: &[CachedUnit]) -> FxHashMap<u64, Vec<usize>> {
    let mut index: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    for (i, unit) in units.iter().enumerate() {
        if let Some(key) = unit.key {
            index.entry(key).or_default().push(i);
        }
    }
    index
}

/// Whether a unit's facts may be re-used: not a class head (it reads the member list, so any
/// edit in the class changes it, and it is cheap), and no syntax error inside (error recovery
/// may read the same text differently after different preceding text).
pub(super) fn cacheable(unit: &Unit<'_>) -> bool {
    unit.kind != UnitKind::ClassHead && !unit.node.has_error()
}

/// The cache key of a unit with this text (and the kinds of its ancestors: a fragment's facts
/// may depend on them, as on whether it lies in a type).
pub(super) fn key(unit: &Unit<'_>, text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    unit.kind.hash(&mut hasher);
    unit.node.kind_id().hash(&mut hasher);
    unit.context_kinds.hash(&mut hasher);
    text.hash(&mut hasher);
    hasher.finish()
}
