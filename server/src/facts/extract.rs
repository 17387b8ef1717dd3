//! Extraction of [`FileFacts`] from a TS/TSX syntax tree.
//!
//! What is extracted is defined by the tree-sitter queries in `grammars/typescript/`, matched
//! one unit at a time (a top-level statement, a class head or a class member: `units.rs`; how
//! the patterns are matched without compiling the queries: `query.rs`), and the code here walks
//! from the captured nodes for context:
//! names, the function scope of a variable. Linking the units' facts settles what crosses
//! units: enclosing classes, a class's members from its member units.

use std::ops::Range;
use std::sync::Arc;

use super::fields::{Field, NodeFields};
use tree_sitter::{Node, Tree};

use super::classes::*;
use super::code::{FileCode, PlacedUnit, UnitCode};
use super::model::*;
use super::modules::*;
use super::nodes::*;
use super::query::{self, UnitNodes};
use super::relocate::Relocate;
use super::units::{self, CachedUnit, FactsCache, Unit};
use crate::text::{FileKind, Span};

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
    if !kind.is_source() {
        return FileFacts::default();
    }
    let root = tree.root_node();
    let Some(cache) = cache else {
        let (parts, links): (Vec<_>, Vec<_>) = units::split(root).iter().map(|unit| unit_facts(unit, text)).unzip();
        return link(parts, links.iter(), syntax_errors(root), text);
    };
    extract_units(units::split(root), syntax_errors(root), text, cache, previous, None)
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
    if !kind.is_source() {
        return None;
    }
    let root = stale.root_node();
    let units = units::split(root);
    let (at, isolated) = isolate(&units, &edited, text, kind)?;
    let unit = units[at].node.byte_range();
    let mut errors: Vec<Span> = syntax_errors(root)
        .into_iter()
        .filter(|e| e.end <= unit.start || e.start >= unit.end)
        .chain(isolated.errors.iter().copied())
        .collect();
    errors.sort_by_key(|e| e.start);
    errors.truncate(MAX_SYNTAX_ERRORS);
    Some(extract_units(units, errors, text, cache, previous.take(), Some((at, isolated))))
}

/// The facts of one unit parsed on its own (see [`extract_contained`]), at the unit's place:
/// one part, or several when the text did not parse on its own into one unit of its kind.
struct Isolated {
    parts: Vec<(UnitFacts, UnitLinks)>,
    errors: Vec<Span>,
}

/// The one unit of `units` with `edited` strictly inside, and its facts from a parse of its
/// own text; `None` when no unit holds the edit alone.
fn isolate(units: &[Unit<'_>], edited: &Range<usize>, text: &str, kind: FileKind) -> Option<(usize, Isolated)> {
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
        Some(alone) => (vec![unit_facts(alone, &own)], None),
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
            (fragments.iter().map(|u| unit_facts(u, &own)).collect(), member)
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
                let (part, links) = unit_facts(&unit, text);
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
    let mut codes = previous.code.into_inner().units.into_iter();
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
fn unit_facts(unit: &Unit<'_>, text: &str) -> (UnitFacts, UnitLinks) {
    let UnitNodes { main: captured, env_types } = query::collect(unit, text);
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
    facts.code = FileCode::new(codes, text).into();
    facts.dynamic_imports = facts.code.dynamic_imports(text);
    facts
}

// ---------------------------------------------------------------------------------------------
// Captures

/// The nodes one query pass captures, grouped by what they are.
#[derive(Default, Debug, PartialEq)]
pub(super) struct Captured<'t> {
    pub(super) classes: Vec<Node<'t>>,
    pub(super) imports: Vec<Node<'t>>,
    pub(super) exports: Vec<Node<'t>>,
    pub(super) commonjs: bool,
}

impl<'t> Captured<'t> {
    /// Sorts the nodes of one match of this extractor's patterns (the query oracle's path).
    #[cfg(test)]
    pub(super) fn accept(&mut self, q: &Captures, m: &tree_sitter::QueryMatch<'_, 't>, unit: &Unit<'t>) {
        let get = |index| query::oracle::capture(m, index).filter(|&node| unit.covers(node));
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

/// The indices of the captures this extractor reads (classes, modules).
#[cfg(test)]
pub(super) struct Captures {
    class: u32,
    import: u32,
    export: u32,
    commonjs: u32,
}

#[cfg(test)]
impl Captures {
    /// Looks the captures up in the compiled query.
    pub(super) fn new(query: &tree_sitter::Query) -> Result<Captures, String> {
        let index = |name| query::oracle::capture_index(query, name);
        Ok(Captures {
            class: index("class")?,
            import: index("import")?,
            export: index("export")?,
            commonjs: index("commonjs")?,
        })
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
