//! Calls, `new` expressions and storage accesses of one file, with the context the rules about
//! Durable Object class bodies and call sites need: the enclosing class, member and function,
//! literal arguments, and receivers with aliases (`this.sql = ctx.storage.sql`) followed.
//!
//! The nodes come from `grammars/typescript/calls.scm`, one unit at a time (see `units.rs`);
//! context comes from each node's ancestors, found by one descent from the unit (never
//! `Node::parent`, which is slow in tree-sitter 0.25). Classes, members and aliases, which cross
//! units, are settled when the file's units are linked (`link_calls`).

use super::fields::{Field, NodeFields};
use rustc_hash::FxHashMap;

use tree_sitter::{Node, Query, QueryMatch};

use super::extract::{enclosing_class, has_token, text, unquote, SCOPE_KINDS};
use super::model::ClassFact;
use super::query::capture_index;
use super::units::Unit;
use crate::text::{Span, Spanned};

/// Node kinds that are functions (a scope kind that can be `async`).
const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "generator_function",
    "arrow_function",
    "method_definition",
];

/// Expressions that wrap a value without changing what it refers to.
const TRANSPARENT_KINDS: &[&str] =
    &["await_expression", "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"];

/// How many alias hops are followed (`this.db = this.storage.sql` after `this.storage = ...`).
const MAX_ALIAS_HOPS: usize = 4;

/// What the call-site rules read about one file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallFacts {
    /// Calls, `new` expressions and `super(...)`, in source order.
    pub calls: Vec<CallFact>,
    /// Uses of SQLite-only storage APIs (`storage.sql`, `storage.kv`, `transactionSync`, the
    /// PITR bookmark methods), receivers resolved through aliases.
    pub storage_apis: Vec<StorageApiUse>,
    /// Bodies of class methods and constructors.
    pub bodies: Vec<MemberBody>,
    /// `const x = value` declarations with an identifier name.
    pub variables: Vec<VariableFact>,
}

/// What kind of expression a [`CallFact`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `f(...)` / `a.b(...)`.
    Call,
    /// `new C(...)`.
    New,
    /// `super(...)`.
    Super,
}

/// A call, `new` expression or `super(...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFact {
    /// Which kind.
    pub kind: CallKind,
    /// The callee as a dotted chain, as written (`this.sql.exec`, `env.X.getByName().fetch`):
    /// `?.` reads as `.`, calls inside as `()`, `await`/parentheses/casts dropped. Empty when the
    /// callee is no such chain.
    pub callee: String,
    /// `callee` with aliases followed (`this.ctx.storage.sql.exec` for `this.sql.exec` after
    /// `this.sql = this.ctx.storage.sql`).
    pub resolved: String,
    /// The last name of the callee (`exec`, `WebSocket`, `super`), with its span.
    pub method: Spanned<String>,
    /// The object the method is called on (`this.sql` in `this.sql.exec(...)`).
    pub receiver: Option<Span>,
    /// The whole expression.
    pub span: Span,
    /// The arguments, comments left out.
    pub args: Vec<ArgFact>,
    /// The index in `FileFacts::classes` of the innermost class whose body contains the call.
    pub class: Option<usize>,
    /// The index in that class's `members` of the member containing the call.
    pub member: Option<usize>,
    /// The innermost function containing the call (a method, arrow function, function).
    pub function: Option<Span>,
    /// True when that function is `async`.
    pub function_is_async: bool,
    /// True when the call lies inside the callback of a `blockConcurrencyWhile(...)` call.
    pub in_block_concurrency: bool,
    /// The statement the call is the whole of (`x.m();`, `await x.m();`), if any.
    pub statement: Option<StatementFact>,
    /// True when the receiver is one end of a `new WebSocketPair()` of the same function.
    pub receiver_is_socket_pair_end: bool,
}

/// An expression statement that consists of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementFact {
    /// The statement, its `;` included.
    pub span: Span,
    /// The block (`{ ... }`) the statement is directly in, if it is in one.
    pub block: Option<Span>,
    /// True for `await x.m();`.
    pub awaited: bool,
}

/// An argument.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgFact {
    /// The argument expression.
    pub span: Span,
    /// What it is, where that matters.
    pub value: ArgValue,
}

/// The shapes of argument the rules look into.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// A string literal or a template literal without substitutions: the text between the
    /// delimiters as written (escapes not decoded); it starts one byte after the span's start.
    String(String),
    /// A template literal with substitutions.
    Template(Vec<TemplatePart>),
    /// A `+` concatenation involving a string; `constant` when every operand is a literal.
    Concat {
        /// True when every operand is a string, number or substitution-free template literal.
        constant: bool,
    },
    /// An object literal: its properties.
    Object(Vec<PropertyFact>),
    /// An arrow function or function expression.
    Function {
        /// `async`.
        is_async: bool,
        /// True when its own body (not nested functions) contains `await`.
        has_await: bool,
        /// The body.
        body: Span,
    },
    /// An identifier.
    Identifier(String),
    /// Anything else.
    Other,
}

/// A piece of a template literal.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text as written.
    Text(Spanned<String>),
    /// `${expr}`: the span of the whole substitution and of the expression.
    Substitution {
        /// `${...}`.
        span: Span,
        /// The expression inside.
        expression: Span,
    },
}

/// A property of an object literal argument: `key: value` or the shorthand `key`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyFact {
    /// The key (unquoted), with its span.
    pub key: Spanned<String>,
    /// The value.
    pub value: ArgFact,
}

/// A use of a SQLite-only storage API.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageApiUse {
    /// `sql`, `kv`, `transactionSync`, `getCurrentBookmark`, `getBookmarkForTime` or
    /// `onNextSessionRestoreBookmark`, with its span.
    pub api: Spanned<String>,
    /// The whole member expression.
    pub span: Span,
    /// The index in `FileFacts::classes` of the innermost class containing it.
    pub class: Option<usize>,
}

/// The body of a class method or constructor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberBody {
    /// The index in `FileFacts::classes`.
    pub class: usize,
    /// The index in that class's `members`.
    pub member: usize,
    /// The body, braces included.
    pub body: Span,
}

/// `const name = value` (also `let`, `var`).
#[derive(Debug, Clone, PartialEq)]
pub struct VariableFact {
    /// The name.
    pub name: String,
    /// The initial value.
    pub value: Span,
    /// The function (or file) it is declared in.
    pub scope: Span,
}

/// The indices of the captures of `calls.scm`.
pub(super) struct Captures {
    call: u32,
    new: u32,
    storage_api: u32,
    declarator: u32,
    this_assignment: u32,
    field: u32,
    method: u32,
}

impl Captures {
    /// Looks the captures up in the compiled query.
    pub(super) fn new(query: &Query) -> Result<Captures, String> {
        let index = |name| capture_index(query, name);
        Ok(Captures {
            call: index("call")?,
            new: index("new")?,
            storage_api: index("storage_api")?,
            declarator: index("declarator")?,
            this_assignment: index("this_assignment")?,
            field: index("field")?,
            method: index("method")?,
        })
    }
}

/// The nodes `calls.scm` captured in one unit, by capture.
#[derive(Default)]
pub(super) struct CallNodes<'t> {
    calls: Vec<Node<'t>>,
    news: Vec<Node<'t>>,
    storage: Vec<Node<'t>>,
    declarators: Vec<Node<'t>>,
    this_assignments: Vec<Node<'t>>,
    fields: Vec<Node<'t>>,
    methods: Vec<Node<'t>>,
}

impl<'t> CallNodes<'t> {
    /// Sorts the captures of one match of `calls.scm`.
    pub(super) fn accept(&mut self, q: &Captures, m: &QueryMatch<'_, 't>, unit: &Unit<'t>) {
        for capture in m.captures() {
            let node = capture.node;
            if !unit.covers(node) {
                continue;
            }
            let list = match capture.index {
                i if i == q.call => &mut self.calls,
                i if i == q.new => &mut self.news,
                i if i == q.storage_api => &mut self.storage,
                i if i == q.declarator => &mut self.declarators,
                i if i == q.this_assignment => &mut self.this_assignments,
                i if i == q.field => &mut self.fields,
                i if i == q.method => &mut self.methods,
                _ => continue,
            };
            list.push(node);
        }
    }
}

/// A name that stands for a longer chain: `this.sql` for `this.ctx.storage.sql` (in one class),
/// or a local `sql` (in one function, after its declaration).
struct Alias<'a> {
    name: &'a str,
    target: &'a str,
    /// For `this.x` aliases: the class they belong to.
    class: Option<usize>,
    /// For local aliases: the function they are declared in, and where the declaration ends.
    scope: Option<(Span, usize)>,
}

/// An alias as one unit sees it, before the file's classes are known.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RawAlias {
    name: String,
    target: String,
    pub(super) binding: RawAliasBinding,
}

/// Where a [`RawAlias`] is visible.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum RawAliasBinding {
    /// `this.x = ...` or a field: in the class whose body contains this span.
    Class(Span),
    /// A local: in `scope` (`None`: the whole file) after the offset `after`.
    Local { scope: Option<Span>, after: usize },
}

/// A storage API member expression whose object is not yet resolved through aliases.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct StorageCandidate {
    pub(super) api: Spanned<String>,
    pub(super) span: Span,
    object: String,
}

/// A method with a body, before the file's classes are known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PartialBody {
    pub(super) method: Span,
    pub(super) body: Span,
}

/// The call facts of one unit: calls with unresolved callees and no class, and variables
/// (module-level ones with the unit's span as a placeholder scope).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct UnitCalls {
    pub(super) calls: Vec<CallFact>,
    pub(super) variables: Vec<VariableFact>,
    pub(super) links: CallLinks,
}

/// What linking a unit's calls reads besides the calls: kept per unit between keystrokes.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct CallLinks {
    pub(super) storage: Vec<StorageCandidate>,
    pub(super) bodies: Vec<PartialBody>,
    pub(super) aliases: Vec<RawAlias>,
    /// The indices, in the unit's `variables`, of those declared at module level.
    pub(super) module_variables: Vec<usize>,
}

/// Extracts the call facts of one unit from the nodes the query captured in it.
pub(super) fn unit_calls(unit: &Unit<'_>, nodes: CallNodes<'_>, src: &str) -> UnitCalls {
    let CallNodes { calls, news, storage: storage_nodes, declarators, this_assignments: assignments, fields, methods } =
        nodes;
    let sockets = socket_pair_ends(unit, src, &declarators);
    let mut facts = UnitCalls::default();
    facts.links.aliases = raw_aliases(unit, src, &declarators, &assignments, &fields);
    for (node, kind) in calls.iter().map(|&n| (n, CallKind::Call)).chain(news.iter().map(|&n| (n, CallKind::New))) {
        facts.calls.extend(call_fact(unit, node, kind, src, &sockets));
    }
    facts.calls.sort_by_key(|c| (c.span.start, c.span.end));

    for node in storage_nodes {
        let (Some(object), Some(property)) = (node.field(Field::Object), node.field(Field::Property)) else {
            continue;
        };
        let Some(object) = chain(object, src) else { continue };
        facts.links.storage.push(StorageCandidate { api: spanned(property, src), span: Span::of_node(&node), object });
    }

    for node in methods {
        let Some(body) = node.field(Field::Body) else { continue };
        facts.links.bodies.push(PartialBody { method: Span::of_node(&node), body: Span::of_node(&body) });
    }

    for &node in &declarators {
        let (Some(name), Some(value)) = (node.field(Field::Name), node.field(Field::Value)) else {
            continue;
        };
        if name.kind() == "identifier" {
            let scope = local_scope(unit, node);
            if scope.is_none() {
                facts.links.module_variables.push(facts.variables.len());
            }
            facts.variables.push(VariableFact {
                name: text(name, src).to_owned(),
                value: Span::of_node(&value),
                scope: scope.unwrap_or(Span::of_node(&unit.node)),
            });
        }
    }
    facts
}

/// Finishes the call facts of a file whose units' calls and variables `facts` holds (in source
/// order), given each unit's links with the index of its first variable: classes and members,
/// callees resolved through aliases, storage APIs on resolved receivers, module-level scopes.
pub(super) fn link_calls<'a>(
    facts: &mut CallFacts,
    links: impl Iterator<Item = (usize, &'a CallLinks)> + Clone,
    classes: &[ClassFact],
    file_len: usize,
) {
    let file = Span::new(0, file_len);
    let aliases: Vec<Alias<'_>> = links
        .clone()
        .flat_map(|(_, l)| &l.aliases)
        .filter_map(|raw| {
            let (class, scope) = match raw.binding {
                RawAliasBinding::Class(span) => (Some(enclosing_class(classes, span)?), None),
                RawAliasBinding::Local { scope, after } => (None, Some((scope.unwrap_or(file), after))),
            };
            Some(Alias { name: &raw.name, target: &raw.target, class, scope })
        })
        .collect();
    let mut index = AliasIndex::default();
    for alias in &aliases {
        index.entry(chain_root(alias.name)).or_default().push(alias);
    }
    let resolve = |chain: &str, span: Span, class: Option<usize>| resolve_aliases(chain, span, class, &index);

    for call in &mut facts.calls {
        call.class = enclosing_class(classes, call.span);
        call.member = call
            .class
            .and_then(|c| classes.get(c))
            .and_then(|c| c.members.iter().position(|m| m.span.contains_span(call.span)));
        call.resolved = resolve(&call.callee, call.span, call.class);
    }
    facts.storage_apis.clear();
    facts.bodies.clear();
    for (first_variable, links) in links {
        for candidate in &links.storage {
            let class = enclosing_class(classes, candidate.span);
            let object = resolve(&candidate.object, candidate.span, class);
            if object == "storage" || object.ends_with(".storage") {
                facts.storage_apis.push(StorageApiUse { api: candidate.api.clone(), span: candidate.span, class });
            }
        }
        for body in &links.bodies {
            let Some(class) = enclosing_class(classes, body.method) else { continue };
            let members = classes.get(class).map(|c| c.members.as_slice()).unwrap_or_default();
            let Some(member) = members.iter().position(|m| m.span == body.method) else { continue };
            facts.bodies.push(MemberBody { class, member, body: body.body });
        }
        for &i in &links.module_variables {
            if let Some(variable) = facts.variables.get_mut(first_variable + i) {
                variable.scope = file;
            }
        }
    }
}

/// The span of the function a declaration is in, or `None` at module level.
fn local_scope(unit: &Unit<'_>, node: Node<'_>) -> Option<Span> {
    let ancestors = unit.ancestors(node);
    let scope = ancestors.iter().rev().find(|n| SCOPE_KINDS.contains(&n.kind())).or(ancestors.first())?;
    (!unit.is_module_scope(*scope)).then(|| Span::of_node(scope))
}

/// The fact for one call or `new` expression.
fn call_fact(
    unit: &Unit<'_>,
    node: Node<'_>,
    kind: CallKind,
    src: &str,
    sockets: &[(String, Span)],
) -> Option<CallFact> {
    let field = if kind == CallKind::New { "constructor" } else { "function" };
    let function = node.child_by_field_name(field)?;
    let kind = if function.kind() == "super" { CallKind::Super } else { kind };
    let span = Span::of_node(&node);
    let callee = chain(function, src).unwrap_or_default();
    let (method, receiver) = match function.kind() {
        "member_expression" => {
            let property = function.field(Field::Property)?;
            (spanned(property, src), function.field(Field::Object).map(|o| Span::of_node(&o)))
        }
        "identifier" | "super" => (spanned(function, src), None),
        _ => (Spanned::new(String::new(), Span::of_node(&function)), None),
    };
    let ancestors = unit.ancestors(node);
    let function_node = ancestors.iter().rev().find(|n| FUNCTION_KINDS.contains(&n.kind()));
    let receiver_is_socket_pair_end = receiver.is_some() && {
        let root_name = chain_root(&callee);
        sockets.iter().any(|(name, scope)| name == root_name && scope.contains_span(span))
    };
    Some(CallFact {
        kind,
        // Linking resolves aliases and finds the class and member (`link_calls`).
        resolved: String::new(),
        callee,
        method,
        receiver,
        span,
        args: node.field(Field::Arguments).map(|a| arguments(a, src)).unwrap_or_default(),
        class: None,
        member: None,
        function: function_node.map(|f| Span::of_node(f)),
        function_is_async: function_node.is_some_and(|f| has_token(*f, "async")),
        in_block_concurrency: in_block_concurrency(&ancestors, src),
        statement: statement(&ancestors),
        receiver_is_socket_pair_end,
    })
}

/// True when one of `ancestors` is the argument list of a `*.blockConcurrencyWhile(...)` call.
fn in_block_concurrency(ancestors: &[Node<'_>], src: &str) -> bool {
    ancestors.windows(2).any(|pair| {
        pair[1].kind() == "arguments"
            && pair[0].kind() == "call_expression"
            && pair[0]
                .field(Field::Function)
                .and_then(|f| f.field(Field::Property))
                .is_some_and(|p| text(p, src) == "blockConcurrencyWhile")
    })
}

/// The expression statement that a node with these ancestors is the whole of.
fn statement(ancestors: &[Node<'_>]) -> Option<StatementFact> {
    let mut depth = ancestors.len();
    let mut awaited = false;
    while let Some(&parent) = depth.checked_sub(1).and_then(|i| ancestors.get(i)) {
        match parent.kind() {
            "await_expression" => awaited = true,
            "parenthesized_expression" => {}
            "expression_statement" => {
                let block =
                    depth.checked_sub(2).and_then(|i| ancestors.get(i)).filter(|b| b.kind() == "statement_block");
                return Some(StatementFact { span: Span::of_node(&parent), block: block.map(Span::of_node), awaited });
            }
            _ => return None,
        }
        depth -= 1;
    }
    None
}

/// The arguments of an `arguments` node.
fn arguments(node: Node<'_>, src: &str) -> Vec<ArgFact> {
    let mut cursor = node.walk();
    let args = node.named_children(&mut cursor).filter(|a| a.kind() != "comment").map(|a| arg(a, src)).collect();
    args
}

/// One argument (or property value); parentheses and casts around it are looked through, so
/// the span is the literal's own (`"weur"` in `("weur" as Hint)`).
fn arg(node: Node<'_>, src: &str) -> ArgFact {
    let mut inner = node;
    while matches!(inner.kind(), "parenthesized_expression" | "as_expression" | "satisfies_expression") {
        match inner.named_child(0) {
            Some(child) => inner = child,
            None => break,
        }
    }
    ArgFact { span: Span::of_node(&inner), value: arg_value(inner, src) }
}

/// What an argument is.
fn arg_value(node: Node<'_>, src: &str) -> ArgValue {
    match node.kind() {
        "string" => ArgValue::String(unquote(node, src)),
        "template_string" => {
            let parts = template_parts(node, src);
            match parts.as_slice() {
                [] => ArgValue::String(String::new()),
                [TemplatePart::Text(t)] => ArgValue::String(t.value.clone()),
                _ if parts.iter().all(|p| matches!(p, TemplatePart::Text(_))) => {
                    ArgValue::String(parts.iter().map(part_text).collect())
                }
                _ => ArgValue::Template(parts),
            }
        }
        "binary_expression" if node.field(Field::Operator).is_some_and(|o| text(o, src) == "+") => {
            let mut leaves = Vec::new();
            concat_leaves(node, src, &mut leaves);
            let is_text = |n: &Node<'_>| matches!(n.kind(), "string" | "template_string");
            if !leaves.iter().any(is_text) {
                return ArgValue::Other;
            }
            let constant = leaves.iter().all(|n| match n.kind() {
                "string" | "number" => true,
                "template_string" => {
                    !template_parts(*n, src).iter().any(|p| matches!(p, TemplatePart::Substitution { .. }))
                }
                _ => false,
            });
            ArgValue::Concat { constant }
        }
        "object" => {
            let mut cursor = node.walk();
            let properties = node
                .named_children(&mut cursor)
                .filter_map(|p| match p.kind() {
                    "pair" => {
                        let key = p.field(Field::Key)?;
                        let value = p.field(Field::Value)?;
                        let name = if key.kind() == "string" { unquote(key, src) } else { text(key, src).to_owned() };
                        Some(PropertyFact { key: Spanned::new(name, Span::of_node(&key)), value: arg(value, src) })
                    }
                    "shorthand_property_identifier" => Some(PropertyFact {
                        key: spanned(p, src),
                        value: ArgFact {
                            span: Span::of_node(&p),
                            value: ArgValue::Identifier(text(p, src).to_owned()),
                        },
                    }),
                    _ => None,
                })
                .collect();
            ArgValue::Object(properties)
        }
        "arrow_function" | "function_expression" | "function" => match node.field(Field::Body) {
            Some(body) => ArgValue::Function {
                is_async: has_token(node, "async"),
                has_await: has_own_await(body),
                body: Span::of_node(&body),
            },
            None => ArgValue::Other,
        },
        "identifier" => ArgValue::Identifier(text(node, src).to_owned()),
        _ => ArgValue::Other,
    }
}

/// The text of a template part (substitutions as `${...}` never reach here).
fn part_text(part: &TemplatePart) -> &str {
    match part {
        TemplatePart::Text(t) => &t.value,
        TemplatePart::Substitution { .. } => "",
    }
}

/// The literal pieces and substitutions of a template literal, in order.
fn template_parts(node: Node<'_>, src: &str) -> Vec<TemplatePart> {
    let span = Span::of_node(&node);
    let (start, end) = (span.start + 1, span.end.saturating_sub(1).max(span.start + 1));
    let mut parts = Vec::new();
    let mut at = start;
    let push_text = |from: usize, to: usize, parts: &mut Vec<TemplatePart>| {
        if to > from {
            let piece = src.get(from..to).unwrap_or("").to_owned();
            parts.push(TemplatePart::Text(Spanned::new(piece, Span::new(from, to))));
        }
    };
    let mut cursor = node.walk();
    for sub in node.named_children(&mut cursor).filter(|c| c.kind() == "template_substitution") {
        let sub_span = Span::of_node(&sub);
        push_text(at, sub_span.start, &mut parts);
        let expression = sub.named_child(0).map(|e| Span::of_node(&e)).unwrap_or(sub_span);
        parts.push(TemplatePart::Substitution { span: sub_span, expression });
        at = sub_span.end;
    }
    push_text(at, end, &mut parts);
    parts
}

/// The operands of a chain of `+`.
fn concat_leaves<'t>(node: Node<'t>, src: &str, out: &mut Vec<Node<'t>>) {
    if node.kind() == "binary_expression" && node.field(Field::Operator).is_some_and(|o| text(o, src) == "+") {
        for side in ["left", "right"] {
            if let Some(child) = node.child_by_field_name(side) {
                concat_leaves(child, src, out);
            }
        }
    } else if node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => concat_leaves(inner, src, out),
            None => out.push(node),
        }
    } else {
        out.push(node);
    }
}

/// True when `body` contains an `await` outside nested functions.
fn has_own_await(body: Node<'_>) -> bool {
    if body.kind() == "await_expression" {
        return true;
    }
    let mut cursor = body.walk();
    let children: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
    children.into_iter().any(|c| !FUNCTION_KINDS.contains(&c.kind()) && has_own_await(c))
}

/// The dotted chain an expression is (`this.ctx.storage.sql`), `None` for anything else.
fn chain(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "identifier" | "this" | "super" => Some(text(node, src).to_owned()),
        "member_expression" => {
            let object = chain(node.field(Field::Object)?, src)?;
            let property = node.field(Field::Property)?;
            Some(format!("{object}.{}", text(property, src)))
        }
        "subscript_expression" => {
            let object = chain(node.field(Field::Object)?, src)?;
            let index = node.field(Field::Index)?;
            matches!(index.kind(), "number" | "string").then(|| format!("{object}[{}]", text(index, src)))
        }
        "call_expression" => Some(format!("{}()", chain(node.field(Field::Function)?, src)?)),
        kind if TRANSPARENT_KINDS.contains(&kind) => {
            let mut cursor = node.walk();
            let inner = node.named_children(&mut cursor).find(|c| c.kind() != "comment");
            chain(inner?, src)
        }
        _ => None,
    }
}

/// The first name of a chain (`pair` in `pair[1].accept`).
fn chain_root(chain: &str) -> &str {
    let end = chain.find(['.', '[', '(']).unwrap_or(chain.len());
    &chain[..end]
}

/// A file's aliases by the first name of the alias (`this` for `this.x`), in source order.
type AliasIndex<'a> = FxHashMap<&'a str, Vec<&'a Alias<'a>>>;

/// `chain` with the aliases visible at `span` (in class `class`) replaced by their targets.
fn resolve_aliases(chain: &str, span: Span, class: Option<usize>, aliases: &AliasIndex<'_>) -> String {
    let mut resolved = chain.to_owned();
    for _ in 0..MAX_ALIAS_HOPS {
        let Some(candidates) = aliases.get(chain_root(&resolved)) else { break };
        let hit = candidates.iter().find(|a| {
            let visible = match (a.class, a.scope) {
                (Some(c), _) => class == Some(c),
                (None, Some((scope, after))) => scope.contains_span(span) && span.start >= after,
                (None, None) => false,
            };
            visible
                && resolved
                    .strip_prefix(a.name)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[', '(']))
        });
        let Some(alias) = hit else { break };
        resolved = format!("{}{}", alias.target, &resolved[alias.name.len()..]);
    }
    resolved
}

/// The aliases a unit declares: `this.x = chain` (constructor or methods), class fields
/// `x = chain`, `const x = chain`, `const { x } = chain`.
fn raw_aliases(
    unit: &Unit<'_>,
    src: &str,
    declarators: &[Node<'_>],
    assignments: &[Node<'_>],
    fields: &[Node<'_>],
) -> Vec<RawAlias> {
    let mut out = Vec::new();
    let mut push = |name: String, target: String, binding: RawAliasBinding| {
        // `x = x.y` would loop; aliases of plain names to themselves say nothing.
        if target != name && !target.starts_with(&format!("{name}.")) {
            out.push(RawAlias { name, target, binding });
        }
    };
    for &node in assignments {
        let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
            continue;
        };
        if let (Some(name), Some(target)) = (chain(left, src), chain(right, src)) {
            push(name, target, RawAliasBinding::Class(Span::of_node(&node)));
        }
    }
    for &node in fields {
        let (Some(name), Some(value)) = (node.field(Field::Name), node.field(Field::Value)) else {
            continue;
        };
        if let Some(target) = chain(value, src) {
            push(format!("this.{}", text(name, src)), target, RawAliasBinding::Class(Span::of_node(&node)));
        }
    }
    for &node in declarators {
        let (Some(name), Some(value)) = (node.field(Field::Name), node.field(Field::Value)) else {
            continue;
        };
        let Some(target) = chain(value, src) else { continue };
        let local = || RawAliasBinding::Local { scope: local_scope(unit, node), after: node.end_byte() };
        match name.kind() {
            "identifier" => push(text(name, src).to_owned(), target, local()),
            "object_pattern" => {
                let mut cursor = name.walk();
                for property in name.named_children(&mut cursor) {
                    match property.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let name = text(property, src);
                            push(name.to_owned(), format!("{target}.{name}"), local());
                        }
                        "pair_pattern" => {
                            let key = property.field(Field::Key).filter(|k| k.kind() == "property_identifier");
                            let value = property.field(Field::Value).filter(|v| v.kind() == "identifier");
                            if let (Some(key), Some(value)) = (key, value) {
                                push(text(value, src).to_owned(), format!("{target}.{}", text(key, src)), local());
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The names bound to the ends of a `new WebSocketPair()` (`[client, server] =
/// Object.values(pair)`, `pair` itself for `pair[1]`), with the function they live in.
fn socket_pair_ends(unit: &Unit<'_>, src: &str, declarators: &[Node<'_>]) -> Vec<(String, Span)> {
    let mut names: Vec<(String, Span)> = Vec::new();
    // Each pass adds the names bound from names already known; two passes cover
    // `pair = new WebSocketPair()` then `[a, b] = Object.values(pair)`.
    for _ in 0..3 {
        let before = names.len();
        for &node in declarators {
            let (Some(name), Some(value)) = (node.field(Field::Name), node.field(Field::Value)) else {
                continue;
            };
            let scope = scope_span(&unit.ancestors(node));
            let from_pair = is_new_socket_pair(value, src)
                || value_names(value, src).iter().any(|v| names.iter().any(|(n, s)| n == v && s.contains_span(scope)));
            if !from_pair {
                continue;
            }
            let mut bound = Vec::new();
            bound_names(name, src, &mut bound);
            for b in bound {
                if !names.iter().any(|(n, s)| *n == b && *s == scope) {
                    names.push((b, scope));
                }
            }
        }
        if names.len() == before {
            break;
        }
    }
    names
}

/// True for `new WebSocketPair()` and `Object.values(new WebSocketPair())` (through
/// `await`/parentheses/casts).
fn is_new_socket_pair(node: Node<'_>, src: &str) -> bool {
    match node.kind() {
        "new_expression" => node.field(Field::Constructor).is_some_and(|c| text(c, src) == "WebSocketPair"),
        "call_expression" if node.field(Field::Function).is_some_and(|f| text(f, src) == "Object.values") => {
            node.field(Field::Arguments).and_then(|a| a.named_child(0)).is_some_and(|a| is_new_socket_pair(a, src))
        }
        kind if TRANSPARENT_KINDS.contains(&kind) => node.named_child(0).is_some_and(|n| is_new_socket_pair(n, src)),
        _ => false,
    }
}

/// The identifiers a value is built from directly: `pair` in `pair`, `Object.values(pair)`,
/// `pair[1]`.
fn value_names(node: Node<'_>, src: &str) -> Vec<String> {
    match node.kind() {
        "identifier" => vec![text(node, src).to_owned()],
        "subscript_expression" => node.field(Field::Object).map(|o| value_names(o, src)).unwrap_or_default(),
        "call_expression" if node.field(Field::Function).is_some_and(|f| text(f, src) == "Object.values") => {
            node.field(Field::Arguments).and_then(|a| a.named_child(0)).map(|a| value_names(a, src)).unwrap_or_default()
        }
        kind if TRANSPARENT_KINDS.contains(&kind) => {
            node.named_child(0).map(|n| value_names(n, src)).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The identifiers a binding pattern binds (identifier or array pattern).
fn bound_names(pattern: Node<'_>, src: &str, out: &mut Vec<String>) {
    match pattern.kind() {
        "identifier" => out.push(text(pattern, src).to_owned()),
        "array_pattern" => {
            let mut cursor = pattern.walk();
            for child in pattern.named_children(&mut cursor) {
                bound_names(child, src, out);
            }
        }
        _ => {}
    }
}

/// The span of the innermost function (or the file) among `ancestors`.
fn scope_span(ancestors: &[Node<'_>]) -> Span {
    let innermost = ancestors.iter().rev().find(|n| SCOPE_KINDS.contains(&n.kind())).or(ancestors.first());
    innermost.map(Span::of_node).unwrap_or(Span::new(0, 0))
}

/// The node's text with its span.
fn spanned(node: Node<'_>, src: &str) -> Spanned<String> {
    Spanned::new(text(node, src).to_owned(), Span::of_node(&node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FileKind;

    fn calls(src: &str) -> CallFacts {
        let tree = crate::text::language::parse(FileKind::TypeScript, src, None);
        let tree = tree.unwrap_or_else(|| panic!("no tree"));
        crate::facts::extract(&tree, src, FileKind::TypeScript).calls
    }

    #[test]
    fn aliases_are_followed() {
        let facts = calls(
            "class A extends DurableObject {\n  sql = this.ctx.storage.sql;\n  m() {\n    const { storage } = this.ctx;\n    this.sql.exec('x');\n    storage.deleteAll();\n  }\n}\nfunction f(sql) { sql.exec('y'); }\n",
        );
        let resolved: Vec<&str> = facts.calls.iter().map(|c| c.resolved.as_str()).collect();
        assert_eq!(resolved, ["this.ctx.storage.sql.exec", "this.ctx.storage.deleteAll", "sql.exec"]);
    }

    #[test]
    fn literals_templates_and_socket_pairs() {
        let facts = calls(
            "function f(id) {\n  const [c, s] = Object.values(new WebSocketPair());\n  s.accept();\n  x.exec(`a ${id} b`, 'lit');\n}\n",
        );
        let accept = facts.calls.iter().find(|c| c.method.value == "accept");
        assert!(accept.is_some_and(|c| c.receiver_is_socket_pair_end));
        let exec = facts.calls.iter().find(|c| c.method.value == "exec");
        let args: Vec<&ArgValue> = exec.map(|c| c.args.iter().map(|a| &a.value).collect()).unwrap_or_default();
        assert!(matches!(args.first(), Some(ArgValue::Template(parts)) if parts.len() == 3));
        assert_eq!(args.get(1), Some(&&ArgValue::String("lit".to_owned())));
    }
}
