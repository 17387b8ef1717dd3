//! Extraction of [`FileFacts`] from a TS/TSX syntax tree.
//!
//! What is extracted is defined by the tree-sitter queries in `grammars/typescript/`, compiled
//! once per grammar. The queries run one unit at a time (a top-level statement, a class head or
//! a class member: `units.rs`), and the code here walks from the captured nodes for context:
//! names, the function scope of a variable. Linking the units' facts settles what crosses
//! units: enclosing classes, a class's members from its member units.

use std::ops::Range;
use std::sync::Arc;

use super::fields::{Field, NodeFields};
use tree_sitter::{Node, Query, QueryCursor, QueryMatch, Tree};

use super::code::{FileCode, PlacedUnit, UnitCode};
use super::model::*;
use super::query::{self, capture, capture_index, Compiled, UnitNodes};
use super::relocate::Relocate;
use super::units::{self, CachedUnit, FactsCache, Unit};
use crate::text::{FileKind, Span, Spanned};

/// The most syntax errors recorded per file.
const MAX_SYNTAX_ERRORS: usize = 100;

/// Extracts the facts of one TS/JS file from its tree. Files of other kinds, and grammars whose
/// queries fail to compile, give empty facts.
pub fn extract(tree: &Tree, text: &str, kind: FileKind) -> FileFacts {
    extract_cached(tree, text, kind, None, None)
}

/// [`extract`] for an open document after an edit: `cache` holds the units of the previous
/// text and `previous` the facts extracted from it. A unit whose text did not change keeps its
/// facts, moved out of `previous` to where the unit is now; only the units the edit touched are
/// extracted again (see [`super::units`]). The result is the same as [`extract`]'s; `cache` is
/// left holding the units of this text.
pub fn extract_cached(
    tree: &Tree,
    text: &str,
    kind: FileKind,
    cache: Option<&mut FactsCache>,
    previous: Option<FileFacts>,
) -> FileFacts {
    let Some(compiled) = query::compiled(kind) else {
        return FileFacts::default();
    };
    let root = tree.root_node();
    let mut cursor = QueryCursor::new();
    let Some(cache) = cache else {
        let (parts, links): (Vec<_>, Vec<_>) =
            units::split(root).iter().map(|unit| unit_facts(unit, compiled, &mut cursor, text)).unzip();
        return link(parts, links.iter(), syntax_errors(root), text);
    };
    extract_units(units::split(root), syntax_errors(root), text, compiled, &mut cursor, cache, previous, None)
}

/// [`extract_cached`] while the reparse after an edit is pending (see
/// [`crate::text::Document::apply_changes_within`]): `stale` is the last tree parsed, moved
/// by the edits since, and `edited` the bytes they touched. When those bytes lie inside one
/// class member or top-level statement, that unit alone is parsed again, on its own (a member
/// inside a copy of its class's head), and every other unit keeps its facts: the facts of the
/// text with the edit's syntax errors kept inside its unit, where the file's reparse may let
/// them spill over the rest of the file. `None`, with `cache` and `previous` left as they
/// are, when the edit cannot be contained so (it spans units, or touches a unit's edge).
pub fn extract_contained(
    stale: &Tree,
    text: &str,
    kind: FileKind,
    cache: &mut FactsCache,
    previous: &mut Option<FileFacts>,
    edited: Range<usize>,
) -> Option<FileFacts> {
    let compiled = query::compiled(kind)?;
    let root = stale.root_node();
    let units = units::split(root);
    let mut cursor = QueryCursor::new();
    let (at, isolated) = isolate(&units, &edited, text, kind, compiled, &mut cursor)?;
    let unit = units[at].node.byte_range();
    let mut errors: Vec<Span> = syntax_errors(root)
        .into_iter()
        .filter(|e| e.end <= unit.start || e.start >= unit.end)
        .chain(isolated.errors.iter().copied())
        .collect();
    errors.sort_by_key(|e| e.start);
    errors.truncate(MAX_SYNTAX_ERRORS);
    Some(extract_units(units, errors, text, compiled, &mut cursor, cache, previous.take(), Some((at, isolated))))
}

/// The facts of one unit parsed on its own (see [`extract_contained`]), at the unit's place:
/// one part, or several when the text did not parse on its own into one unit of its kind.
struct Isolated {
    parts: Vec<(UnitFacts, UnitLinks)>,
    errors: Vec<Span>,
}

/// The one unit of `units` with `edited` strictly inside, and its facts from a parse of its
/// own text; `None` when no unit holds the edit alone.
fn isolate(
    units: &[Unit<'_>],
    edited: &Range<usize>,
    text: &str,
    kind: FileKind,
    compiled: &Compiled,
    cursor: &mut QueryCursor,
) -> Option<(usize, Isolated)> {
    // Units the edit touches, edges included.
    let mut touched =
        units.iter().enumerate().filter(|(_, u)| u.range.start <= edited.end && edited.start <= u.range.end);
    let (at, unit) = touched.next()?;
    let node = unit.node.byte_range();
    if touched.next().is_some() || !(node.start < edited.start && edited.end < node.end) {
        return None;
    }
    let prefix = match unit.kind {
        units::UnitKind::Member => {
            // A member of a class whose members are all units (else the head read them).
            let statement = *unit.context.get(1)?;
            let body = units::member_units_body(statement)?;
            text.get(statement.start_byte()..body.start_byte() + 1)?
        }
        units::UnitKind::Statement => "",
        _ => return None,
    };
    // After the unit, text of the program that is not the unit's (a member's class closes; a
    // statement's line ends): so that the program is not mistaken for part of the unit.
    let suffix = if prefix.is_empty() { "\n" } else { "}" };
    let own = format!("{prefix}{}{suffix}", text.get(node.clone())?);
    let tree = crate::text::language::parse(kind, &own, None)?;
    let own_units = units::split(tree.root_node());
    let place = prefix.len()..prefix.len() + node.len();
    let mut same = own_units.iter().filter(|u| u.kind != units::UnitKind::ClassHead);
    let alone = same.next().filter(|u| u.kind == unit.kind && u.node.byte_range() == place && same.next().is_none());
    let (mut parts, member) = match alone {
        Some(alone) => (vec![unit_facts(alone, compiled, cursor, &own)], None),
        // Text that parses into other units than before (a member cut in two): the file's
        // structure changed, which the file's own reparse must tell.
        None if !tree.root_node().has_error() => return None,
        // Half-typed code that swallows the end of its member on its own: the nodes inside
        // the unit's text, each as a fragment. A member keeps its signature from the last tree
        // (the edit lies in its body), as linking needs it for the class's member list.
        None => {
            let member = match unit.kind {
                units::UnitKind::Member => {
                    let body = unit.node.field(Field::Body)?;
                    if edited.start <= body.start_byte() {
                        return None;
                    }
                    member_of_class(unit.node, text)
                }
                _ => None,
            };
            let fragments = units::within(tree.root_node(), place.clone());
            (fragments.iter().map(|u| unit_facts(u, compiled, cursor, &own)).collect(), member)
        }
    };
    for (part, links) in &mut parts {
        part.relocate(place.start, node.start);
        links.relocate(place.start, node.start);
    }
    if member.is_some() {
        match parts.first_mut() {
            Some((_, links)) => links.member = member,
            None => parts.push((UnitFacts::default(), UnitLinks { member, ..UnitLinks::default() })),
        }
    }
    let mut errors = syntax_errors(tree.root_node());
    errors.retain(|e| place.start <= e.start && e.end <= place.end);
    for error in &mut errors {
        error.relocate(place.start, node.start);
    }
    Some((at, Isolated { parts, errors }))
}

/// The facts of a file's `units` (of the tree whose syntax errors are `errors`), re-using
/// those of the units `cache` holds from the previous extraction (whose facts are `previous`),
/// and taking the `isolated` unit's as they are.
#[allow(clippy::too_many_arguments)]
fn extract_units(
    units: Vec<Unit<'_>>,
    errors: Vec<Span>,
    text: &str,
    compiled: &Compiled,
    cursor: &mut QueryCursor,
    cache: &mut FactsCache,
    previous: Option<FileFacts>,
    mut isolated: Option<(usize, Isolated)>,
) -> FileFacts {
    let mut old = std::mem::take(cache).into_units();
    let mut old_parts: Vec<Option<UnitFacts>> = match previous.and_then(|p| split_previous(p, &old)) {
        Some(parts) => parts.into_iter().map(Some).collect(),
        None => Vec::new(),
    };
    let mut reusable = units::reuse_index(&old);
    let mut parts = Vec::with_capacity(units.len());
    for (i, unit) in units.into_iter().enumerate() {
        if let Some((_, own)) = isolated.take_if(|(at, _)| *at == i) {
            // Not re-usable: the file's own parse may read this text differently.
            for (part, links) in own.parts {
                cache.push(&unit, None, Box::default(), part.counts(), links);
                parts.push(part);
            }
            continue;
        }
        let unit_text = text.get(unit.node.byte_range()).unwrap_or("");
        let start = unit.node.start_byte();
        let key = units::cacheable(&unit).then(|| units::key(&unit, unit_text));
        let reused = key.and_then(|key| {
            let candidates = reusable.get_mut(&key)?;
            let available =
                |i: usize| old[i].matches(&unit, unit_text) && old_parts.get(i).is_some_and(Option::is_some);
            let at = candidates.iter().position(|&i| available(i))?;
            let i = candidates.remove(at);
            Some((old_parts.get_mut(i)?.take()?, std::mem::take(&mut old[i])))
        });
        let (part, links, stored_text) = match reused {
            Some((mut part, entry)) => {
                let (from, mut links, stored_text) = entry.into_parts();
                part.relocate(from, start);
                links.relocate(from, start);
                (part, links, stored_text)
            }
            None => {
                let (part, links) = unit_facts(&unit, compiled, cursor, text);
                (part, links, if key.is_some() { unit_text.into() } else { Box::default() })
            }
        };
        cache.push(&unit, key, stored_text, part.counts(), links);
        parts.push(part);
    }
    link(parts, cache.links(), errors, text)
}

/// The facts of one unit that go into the file's facts as they are (linking then sets their
/// classes, resolved callees and module-level scopes).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct UnitFacts {
    /// The unit's byte range (for a class head: up to its body's opening brace).
    pub(super) span: Span,
    /// The unit's lowered code (offsets relative to the unit's start: it needs no moving).
    pub(super) code: Arc<UnitCode>,
    pub(super) classes: Vec<ClassFact>,
    pub(super) imports: Vec<ImportFact>,
    pub(super) exports: Vec<ExportFact>,
    pub(super) env_types: Vec<super::env_types::EnvType>,
}

/// How many facts of each kind a unit has: where its facts lie in the file's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Counts {
    classes: usize,
    imports: usize,
    exports: usize,
    env_types: usize,
}

impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, o: Counts) -> Counts {
        Counts {
            classes: self.classes + o.classes,
            imports: self.imports + o.imports,
            exports: self.exports + o.exports,
            env_types: self.env_types + o.env_types,
        }
    }
}

impl UnitFacts {
    /// How many facts of each kind.
    fn counts(&self) -> Counts {
        Counts {
            classes: self.classes.len(),
            imports: self.imports.len(),
            exports: self.exports.len(),
            env_types: self.env_types.len(),
        }
    }
}

/// What linking reads about a unit besides its [`UnitFacts`]: kept per unit between
/// keystrokes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct UnitLinks {
    commonjs: bool,
    /// For a member unit: the member, which linking adds to its class (see [`classes`]).
    pub(super) member: Option<MemberFact>,
}

/// Moves a file's facts back into the units `layout` describes (in order); `None` when they do
/// not add up (facts that came from elsewhere).
fn split_previous(previous: FileFacts, layout: &[CachedUnit]) -> Option<Vec<UnitFacts>> {
    let total = layout.iter().map(CachedUnit::counts).fold(Counts::default(), |a, b| a + b);
    let found = Counts {
        classes: previous.classes.len(),
        imports: previous.imports.len(),
        exports: previous.exports.len(),
        env_types: previous.env_types.len(),
    };
    if total != found || previous.code.units.len() != layout.len() {
        return None;
    }
    let mut codes = previous.code.units.into_iter();
    let mut classes = previous.classes.into_iter();
    let mut imports = previous.imports.into_iter();
    let mut exports = previous.exports.into_iter();
    let mut env_types = previous.env_types.into_iter();
    let parts = layout
        .iter()
        .map(|u| {
            let c = u.counts();
            let placed = codes.next();
            UnitFacts {
                span: placed.as_ref().map_or(Span::default(), |p| Span::new(p.start, p.end)),
                code: placed.map(|p| p.code).unwrap_or_default(),
                classes: classes.by_ref().take(c.classes).collect(),
                imports: imports.by_ref().take(c.imports).collect(),
                exports: exports.by_ref().take(c.exports).collect(),
                env_types: env_types.by_ref().take(c.env_types).collect(),
            }
        })
        .collect();
    Some(parts)
}

/// Extracts the facts of one unit.
fn unit_facts(unit: &Unit<'_>, compiled: &Compiled, cursor: &mut QueryCursor, text: &str) -> (UnitFacts, UnitLinks) {
    let UnitNodes { main: captured, env_types } = query::collect(compiled, cursor, unit, text);
    let mut facts = UnitFacts {
        span: Span::new(unit.range.start, unit.range.end),
        code: Arc::new(super::code::lower_unit(unit, text)),
        classes: classes(unit, &captured.classes, text),
        ..UnitFacts::default()
    };
    let export_assignment = modules(&captured, text, &mut facts);
    facts.env_types = super::env_types::extract(&env_types, text);
    let links = UnitLinks {
        commonjs: captured.commonjs || export_assignment,
        member: (unit.kind == units::UnitKind::Member).then(|| member_of_class(unit.node, text)).flatten(),
    };
    (facts, links)
}

/// Links the facts of a file's units (in source order) into the file's facts.
fn link<'a>(
    parts: Vec<UnitFacts>,
    links: impl Iterator<Item = &'a UnitLinks> + Clone,
    syntax_errors: Vec<Span>,
    text: &str,
) -> FileFacts {
    // Exact capacities: a file's facts live as long as the file is indexed, and vectors grown
    // one unit at a time would keep up to twice the room they need.
    let total = parts.iter().map(UnitFacts::counts).fold(Counts::default(), |a, b| a + b);
    let mut facts = FileFacts {
        classes: Vec::with_capacity(total.classes),
        imports: Vec::with_capacity(total.imports),
        exports: Vec::with_capacity(total.exports),
        env_types: Vec::with_capacity(total.env_types),
        syntax_errors,
        ..FileFacts::default()
    };
    let mut codes = Vec::with_capacity(parts.len());
    for part in parts {
        codes.push(PlacedUnit { start: part.span.start, end: part.span.end, code: part.code });
        facts.classes.extend(part.classes);
        facts.imports.extend(part.imports);
        facts.exports.extend(part.exports);
        facts.env_types.extend(part.env_types);
    }
    // The members of a top-level class come from its member units, which a keystroke in one
    // member does not touch; its head left them out. (A class whose head listed members
    // itself, because a member was cut into fragments, has none to take.)
    let from_units: Vec<bool> = facts.classes.iter().map(|c| c.members.is_empty()).collect();
    for member in links.clone().filter_map(|l| l.member.as_ref()) {
        if let Some(class) = enclosing_class(&facts.classes, member.span).filter(|&i| from_units[i]) {
            facts.classes[class].members.push(member.clone());
        }
    }
    for l in links {
        facts.has_commonjs_exports |= l.commonjs;
    }
    facts.code = FileCode::new(codes, text);
    facts.dynamic_imports = facts.code.dynamic_imports(text);
    facts
}

// ---------------------------------------------------------------------------------------------
// Captures

/// The indices of the captures this extractor reads (classes, modules).
pub(super) struct Captures {
    class: u32,
    import: u32,
    export: u32,
    commonjs: u32,
}

impl Captures {
    /// Looks the captures up in the compiled query.
    pub(super) fn new(query: &Query) -> Result<Captures, String> {
        let index = |name| capture_index(query, name);
        Ok(Captures {
            class: index("class")?,
            import: index("import")?,
            export: index("export")?,
            commonjs: index("commonjs")?,
        })
    }
}

/// The nodes one query pass captures, grouped by what they are.
#[derive(Default)]
pub(super) struct Captured<'t> {
    classes: Vec<Node<'t>>,
    imports: Vec<Node<'t>>,
    exports: Vec<Node<'t>>,
    commonjs: bool,
}

impl<'t> Captured<'t> {
    /// Sorts the nodes of one match of this extractor's patterns.
    pub(super) fn accept(&mut self, q: &Captures, m: &QueryMatch<'_, 't>, unit: &Unit<'t>) {
        let get = |index| capture(m, index).filter(|&node| unit.covers(node));
        if let Some(node) = get(q.class) {
            self.classes.push(node);
        } else if let Some(node) = get(q.import) {
            self.imports.push(node);
        } else if let Some(node) = get(q.export) {
            self.exports.push(node);
        } else if get(q.commonjs).is_some() {
            self.commonjs = true;
        }
    }

    /// Completes the unit's nodes once every match is in.
    pub(super) fn finish(&mut self, unit: &Unit<'t>) {
        // `(program (export_statement) @export)` and `(ERROR (export_statement) @export)` in
        // modules.scm: the query runs from the unit's node, so it cannot see its parent; a
        // unit that is such a statement is applied the same patterns here.
        if unit.node.kind() == "export_statement" && unit.parent_is_top_level() {
            self.exports.push(unit.node);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Node helpers

/// The node's source text ("" when the range is not on char boundaries, which tree-sitter does
/// not produce for valid UTF-8).
pub(super) fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The node's text with its span.
fn spanned(node: Node<'_>, src: &str) -> Spanned<String> {
    Spanned::new(text(node, src).to_owned(), Span::of_node(&node))
}

/// A string literal's contents without the quotes (as written: escapes are not decoded).
pub(super) fn unquote(node: Node<'_>, src: &str) -> String {
    let t = text(node, src);
    let t = t.strip_prefix(['"', '\'']).unwrap_or(t);
    t.strip_suffix(['"', '\'']).unwrap_or(t).to_owned()
}

/// A name that may be an identifier or a string literal (`export { x as "y" }`).
fn name_text(node: Node<'_>, src: &str) -> String {
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
fn child_of_kind<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| kinds.contains(&c.kind()));
    found
}

/// True when `child` is the `field` child of `parent`.
fn is_field(parent: Node<'_>, field: Field, child: Node<'_>) -> bool {
    parent.field(field) == Some(child)
}

/// Visits `node`'s subtree in document order with each node's ancestors inside the subtree;
/// `visit` returns whether to descend into a node.
fn walk_subtree<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool) {
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

// ---------------------------------------------------------------------------------------------
// Classes

/// Every named class, in source order.
///
/// The class of a class head unit leaves its members out when each of them is a member unit:
/// linking adds them from there (so that the head, extracted again on every keystroke in the
/// class, does not read hundreds of members each time).
fn classes(unit: &Unit<'_>, nodes: &[Node<'_>], src: &str) -> Vec<ClassFact> {
    let split_body = match unit.kind {
        units::UnitKind::ClassHead => units::member_units_body(unit.node),
        _ => None,
    };
    let mut classes: Vec<ClassFact> = nodes
        .iter()
        .filter_map(|&node| {
            let members_in_units = split_body.is_some() && node.field(Field::Body) == split_body;
            class_fact(node, &unit.ancestors(node), src, members_in_units)
        })
        .collect();
    classes.sort_by_key(|c| c.body_span.start);
    classes
}

/// The fact for one class node with its ancestors; `None` for anonymous classes. Without its
/// members when `members_in_units`.
fn class_fact(node: Node<'_>, ancestors: &[Node<'_>], src: &str, members_in_units: bool) -> Option<ClassFact> {
    let body = node.field(Field::Body)?;
    // `const X = class {}` takes the variable's name; the statement is the declaration.
    let declarator = ancestors.last().filter(|p| {
        p.kind() == "variable_declarator"
            && is_field(**p, Field::Value, node)
            && p.field(Field::Name).is_some_and(|n| n.kind() == "identifier")
    });
    // The statement and the number of its ancestors.
    let (name, mut statement, mut depth) = match declarator {
        Some(declarator) => {
            let depth = ancestors.len().saturating_sub(2);
            let statement = ancestors.get(depth).copied().unwrap_or(*declarator);
            (declarator.field(Field::Name)?, statement, depth)
        }
        None => (node.field(Field::Name)?, node, ancestors.len()),
    };
    let parent = |depth: usize| depth.checked_sub(1).and_then(|i| ancestors.get(i)).copied();
    // `export declare class X`
    if let Some(ambient) = parent(depth).filter(|p| p.kind() == "ambient_declaration") {
        statement = ambient;
        depth -= 1;
    }
    // Only the module's own exports: not `export` inside `namespace N {}` / `declare module`.
    let top_level = parent(depth.saturating_sub(1)).is_some_and(|p| matches!(p.kind(), "program" | "ERROR"));
    let export = parent(depth).filter(|p| p.kind() == "export_statement" && top_level);
    let default_export = export.is_some_and(|e| has_token(e, "default"));
    Some(ClassFact {
        name: spanned(name, src),
        span: Span::of_node(&statement),
        body_span: Span::of_node(&body),
        base: base_ref(node, src),
        members: if members_in_units { Vec::new() } else { members(body, src) },
        exported_inline: export.is_some() && !default_export,
        default_export,
    })
}

/// The class's `extends` clause.
fn base_ref(class: Node<'_>, src: &str) -> Option<BaseRef> {
    let heritage = child_of_kind(class, &["class_heritage"])?;
    let extends = child_of_kind(heritage, &["extends_clause"])?;
    let value = extends.field(Field::Value)?;
    Some(match value.kind() {
        "identifier" => BaseRef::Name(spanned(value, src)),
        "member_expression" => {
            let object = value.field(Field::Object);
            let property = value.field(Field::Property);
            match (object, property) {
                (Some(object), Some(property))
                    if property.kind() == "property_identifier"
                        && matches!(object.kind(), "identifier" | "member_expression") =>
                {
                    BaseRef::Member { object: text(object, src).to_owned(), property: spanned(property, src) }
                }
                _ => BaseRef::Opaque(Span::of_node(&value)),
            }
        }
        _ => BaseRef::Opaque(Span::of_node(&value)),
    })
}

/// The members of a class body, in source order.
fn members(body: Node<'_>, src: &str) -> Vec<MemberFact> {
    let mut cursor = body.walk();
    let members = body.named_children(&mut cursor).filter_map(|child| member_of_class(child, src)).collect();
    members
}

/// The member fact of a child of a class body (`None` for other children: comments, static
/// blocks, index signatures).
fn member_of_class(child: Node<'_>, src: &str) -> Option<MemberFact> {
    match child.kind() {
        "method_definition" => member(child, child, src),
        "public_field_definition" => {
            let function = child
                .field(Field::Value)
                .filter(|v| matches!(v.kind(), "arrow_function" | "function_expression" | "generator_function"));
            member(child, function.unwrap_or(child), src)
        }
        _ => None,
    }
}

/// One member: `node` is the method or field, `function` the node with the parameters (the
/// method itself, or a field's function value; the field itself for a plain field).
fn member(node: Node<'_>, function: Node<'_>, src: &str) -> Option<MemberFact> {
    let name_node = node.field(Field::Name)?;
    let name = match name_node.kind() {
        "property_identifier" | "private_property_identifier" | "number" => text(name_node, src).to_owned(),
        "string" => unquote(name_node, src),
        _ => return None,
    };
    let mut is_static = false;
    let mut is_private = name.starts_with('#');
    let mut accessor = None;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child == name_node {
            break;
        }
        match child.kind() {
            "static" if !child.is_named() => is_static = true,
            "get" | "set" if !child.is_named() => accessor = Some(child.kind()),
            "accessibility_modifier" => {
                is_private |= matches!(text(child, src), "private" | "protected");
            }
            _ => {}
        }
    }
    let kind = if node.kind() == "public_field_definition" {
        if function == node {
            MemberKind::Field
        } else {
            MemberKind::FunctionField
        }
    } else {
        match accessor {
            Some("get") => MemberKind::Getter,
            Some(_) => MemberKind::Setter,
            None if name == "constructor" && !is_static => MemberKind::Constructor,
            None => MemberKind::Method,
        }
    };
    let (params, param_names) = parameters(function.field(Field::Parameters), src);
    let return_type = function.field(Field::ReturnType).map(|t| {
        let t = text(t, src);
        t.strip_prefix(':').unwrap_or(t).trim().to_owned()
    });
    Some(MemberFact {
        name: Spanned::new(name, Span::of_node(&name_node)),
        span: Span::of_node(&node),
        kind,
        is_static,
        is_private,
        is_async: has_token(function, "async"),
        params,
        param_names,
        return_type,
    })
}

/// The parameters as written and their names (a destructuring pattern's text as its name).
fn parameters(list: Option<Node<'_>>, src: &str) -> (Vec<Spanned<String>>, Vec<String>) {
    let Some(list) = list else {
        return (Vec::new(), Vec::new());
    };
    let mut params = Vec::new();
    let mut names = Vec::new();
    let mut cursor = list.walk();
    for param in list.named_children(&mut cursor) {
        let name = match param.kind() {
            "required_parameter" | "optional_parameter" => match param.field(Field::Pattern) {
                Some(p) if p.kind() == "rest_pattern" => {
                    let mut c = p.walk();
                    let inner = p.named_children(&mut c).find(|n| n.kind() != "comment");
                    text(inner.unwrap_or(p), src)
                }
                Some(p) => text(p, src),
                None => text(param, src),
            },
            // A bare arrow parameter `x => ...` or anything the grammar adds later.
            "identifier" => text(param, src),
            _ => continue,
        };
        params.push(spanned(param, src));
        names.push(name.to_owned());
    }
    (params, names)
}

// ---------------------------------------------------------------------------------------------
// Imports and exports

/// Imports and the exports of top-level `export` statements; true when one is `export =`
/// (CommonJS).
fn modules(captured: &Captured<'_>, src: &str, facts: &mut UnitFacts) -> bool {
    facts.imports = captured.imports.iter().filter_map(|&node| import_fact(node, src)).collect();
    let mut commonjs = false;
    for &node in &captured.exports {
        export_facts(node, src, facts, &mut commonjs);
    }
    commonjs
}

/// One `import` statement.
fn import_fact(node: Node<'_>, src: &str) -> Option<ImportFact> {
    let mut type_only = has_token(node, "type") || has_token(node, "typeof");
    let mut names = Vec::new();
    let mut source = node.field(Field::Source);
    let mut all_type_specifiers = true;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "import_clause" => {
                let mut c = child.walk();
                for part in child.named_children(&mut c) {
                    match part.kind() {
                        "identifier" => {
                            all_type_specifiers = false;
                            names.push(ImportedName { imported: "default".to_owned(), local: spanned(part, src) });
                        }
                        "namespace_import" => {
                            all_type_specifiers = false;
                            if let Some(local) = child_of_kind(part, &["identifier"]) {
                                names.push(ImportedName { imported: "*".to_owned(), local: spanned(local, src) });
                            }
                        }
                        "named_imports" => {
                            let mut c = part.walk();
                            for spec in part.named_children(&mut c).filter(|s| s.kind() == "import_specifier") {
                                let Some(name) = spec.field(Field::Name) else {
                                    continue;
                                };
                                let local = spec.field(Field::Alias).unwrap_or(name);
                                all_type_specifiers &= has_token(spec, "type") || has_token(spec, "typeof");
                                names.push(ImportedName { imported: name_text(name, src), local: spanned(local, src) });
                            }
                        }
                        _ => {}
                    }
                }
            }
            // `import x = require("m")`: x is the whole module.
            "import_require_clause" => {
                all_type_specifiers = false;
                source = child.field(Field::Source);
                if let Some(local) = child_of_kind(child, &["identifier"]) {
                    names.push(ImportedName { imported: "*".to_owned(), local: spanned(local, src) });
                }
            }
            _ => {}
        }
    }
    type_only |= !names.is_empty() && all_type_specifiers;
    let source = source.filter(|s| s.kind() == "string")?;
    Some(ImportFact { specifier: Spanned::new(unquote(source, src), Span::of_node(&source)), names, type_only })
}

/// The exports of one top-level `export` statement.
fn export_facts(node: Node<'_>, src: &str, facts: &mut UnitFacts, commonjs: &mut bool) {
    // `export type { T }` and `export type { T } from`: types only.
    if has_token(node, "type") {
        return;
    }
    // `export = x` (TypeScript's CommonJS export).
    if has_token(node, "=") {
        *commonjs = true;
        return;
    }
    let exports = &mut facts.exports;
    if has_token(node, "default") {
        let local = node.field(Field::Declaration).or_else(|| node.field(Field::Value)).and_then(|v| match v.kind() {
            "identifier" => Some(text(v, src).to_owned()),
            _ => v.field(Field::Name).map(|n| text(n, src).to_owned()),
        });
        exports.push(ExportFact::Default { span: Span::of_node(&node), local });
        return;
    }
    if let Some(declaration) = node.field(Field::Declaration) {
        let mut names = Vec::new();
        declared_names(declaration, &mut names);
        exports.extend(
            names.into_iter().map(|n| ExportFact::Local { exported: spanned(n, src), local: text(n, src).to_owned() }),
        );
        return;
    }
    let source = node.field(Field::Source).filter(|s| s.kind() == "string");
    let specifier = source.map(|s| Spanned::new(unquote(s, src), Span::of_node(&s)));
    let clause = child_of_kind(node, &["export_clause", "namespace_export"]);
    match (clause, specifier) {
        (Some(clause), specifier) if clause.kind() == "export_clause" => {
            let mut c = clause.walk();
            for spec in clause.named_children(&mut c).filter(|s| s.kind() == "export_specifier") {
                if has_token(spec, "type") {
                    continue;
                }
                let Some(name) = spec.field(Field::Name) else {
                    continue;
                };
                let alias = spec.field(Field::Alias).unwrap_or(name);
                let exported = Spanned::new(name_text(alias, src), Span::of_node(&alias));
                let imported = name_text(name, src);
                exports.push(match &specifier {
                    Some(specifier) => ExportFact::From { specifier: specifier.clone(), exported, imported },
                    None => ExportFact::Local { exported, local: imported },
                });
            }
        }
        (Some(clause), Some(specifier)) => {
            if let Some(name) = child_of_kind(clause, &["identifier", "string"]) {
                let exported = Spanned::new(name_text(name, src), Span::of_node(&name));
                exports.push(ExportFact::StarAs { specifier, exported });
            }
        }
        (None, Some(specifier)) if has_token(node, "*") => exports.push(ExportFact::Star { specifier }),
        _ => {}
    }
}

/// The value names an exported declaration binds (types and interfaces bind none).
fn declared_names<'t>(declaration: Node<'t>, out: &mut Vec<Node<'t>>) {
    match declaration.kind() {
        "class_declaration"
        | "abstract_class_declaration"
        | "function_declaration"
        | "generator_function_declaration"
        | "enum_declaration"
        | "internal_module" => {
            out.extend(declaration.field(Field::Name));
        }
        "lexical_declaration" | "variable_declaration" | "ambient_declaration" => {
            let mut cursor = declaration.walk();
            for child in declaration.named_children(&mut cursor) {
                match child.kind() {
                    "variable_declarator" => {
                        if let Some(name) = child.field(Field::Name) {
                            pattern_names(name, out);
                        }
                    }
                    _ => declared_names(child, out),
                }
            }
        }
        _ => {}
    }
}

/// The names a binding pattern binds (`{ A, b: B, ...c }`, `[d, e = 1]`).
fn pattern_names<'t>(pattern: Node<'t>, out: &mut Vec<Node<'t>>) {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => out.push(pattern),
        "pair_pattern" => {
            if let Some(value) = pattern.field(Field::Value) {
                pattern_names(value, out);
            }
        }
        "object_assignment_pattern" | "assignment_pattern" => {
            if let Some(left) = pattern.field(Field::Left) {
                pattern_names(left, out);
            }
        }
        "object_pattern" | "array_pattern" | "rest_pattern" => {
            let mut cursor = pattern.walk();
            for child in pattern.named_children(&mut cursor) {
                pattern_names(child, out);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

/// The spans of ERROR and MISSING nodes, at most [`MAX_SYNTAX_ERRORS`].
fn syntax_errors(root: Node<'_>) -> Vec<Span> {
    let mut errors = Vec::new();
    if !root.has_error() {
        return errors;
    }
    walk_subtree(root, |node, _| {
        if errors.len() >= MAX_SYNTAX_ERRORS {
            return false;
        }
        if node.is_error() || node.is_missing() {
            errors.push(Span::of_node(&node));
            return false;
        }
        node.has_error()
    });
    errors
}
