//! The code of a file, lowered for the semantic model: scopes, symbols, references,
//! expressions and functions (what oxc's `oxc_semantic` and rust-analyzer's body lowering
//! give; here over tree-sitter, one unit at a time).
//!
//! A file's code is a list of units (see `units.rs`: top-level statements, class heads and
//! members). Each unit is lowered on its own, from its own text only, into a [`UnitCode`]
//! whose offsets are relative to the unit's start and whose ids are indices into the unit's
//! own arenas; so a unit that did not change keeps its `UnitCode` as it is (shared, not
//! copied) when an edit before it moves it. What crosses units is settled when asked: a name a
//! unit does not declare is looked up in the module scope ([`FileCode::module_symbol`]),
//! built from the declarations of every unit when the file's facts are linked.
//!
//! Names are not stored: a name is the text of its span, read from the file's text.
//!
//! What is lowered: every expression, as an [`Expr`] (wrappers that change no value, such as
//! parentheses, `as`, `satisfies` and `!`, are looked through); declarations as [`Symbol`]s
//! in their [`Scope`] (block scope for `let`/`const`/`class`/`function`, function scope for
//! `var`, hoisting by lexical lookup); every function, method and arrow function as a
//! [`Function`] with its parameters, calls, returns and whether it awaits. Types are not
//! lowered, but names in them are kept as [`TypeRef`]s (a class's name is also a type: a
//! rename must find both).

mod lower;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashMap;

pub(super) use lower::lower_unit;

use crate::text::Span;

/// An index into a unit's expressions.
pub type ExprId = u32;
/// An index into a unit's scopes.
pub type ScopeId = u32;
/// An index into a unit's symbols.
pub type SymbolId = u32;
/// An index into a unit's functions; 0 is the unit's own top-level code.
pub type FnId = u32;

/// A byte range relative to the start of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RelSpan {
    /// First byte, from the unit's start.
    pub start: u32,
    /// One past the last byte, from the unit's start.
    pub end: u32,
}

impl RelSpan {
    /// The absolute span, for a unit starting at `base`.
    pub fn at(self, base: usize) -> Span {
        Span::new(base + self.start as usize, base + self.end as usize)
    }

    /// True when `other` lies inside this span.
    pub fn contains(self, other: RelSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A range of a unit's `list` arena (children of an expression, a function's calls...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ListRange {
    /// First index.
    pub start: u32,
    /// How many.
    pub len: u32,
}

impl ListRange {
    fn range(self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// What a scope is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ScopeKind {
    /// A function's parameters and body.
    Function,
    /// A block, a `for` head, a `switch` body, a class body.
    Block,
    /// A `catch` clause (its parameter).
    Catch,
}

/// A scope inside a unit. The module scope is not one of them: a unit's outermost scopes have
/// no parent, and names they do not declare are looked up in the module.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scope {
    /// What it is.
    pub kind: ScopeKind,
    /// The text it covers.
    pub span: RelSpan,
    /// The enclosing scope in the unit; `None`: the module.
    pub parent: Option<ScopeId>,
}

/// What declares a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SymbolKind {
    /// `var`.
    Var,
    /// `let`.
    Let,
    /// `const`.
    Const,
    /// `function f() {}`.
    Function,
    /// `class C {}` (a value and a type).
    Class,
    /// A function's parameter.
    Param,
    /// A `catch` clause's parameter.
    CatchParam,
    /// An `import` (see [`Symbol::import`]).
    Import,
    /// `enum E {}` (a value and a type).
    Enum,
    /// `namespace N {}`.
    Namespace,
    /// `interface I {}` / `type T = ...`: a type only.
    TypeOnly,
}

impl SymbolKind {
    /// True for symbols that name a value (all but interfaces and type aliases).
    pub fn is_value(self) -> bool {
        self != SymbolKind::TypeOnly
    }

    /// True for symbols that name a type (classes, enums, interfaces, type aliases, imports).
    pub fn is_type(self) -> bool {
        matches!(self, SymbolKind::Class | SymbolKind::Enum | SymbolKind::TypeOnly | SymbolKind::Import)
    }
}

/// One step from a destructured value to the part a name binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PathStep {
    /// `{ key }`, `{ key: x }`, `{ "key": x }`, `{ 0: x }`: the property (its text's span: an
    /// identifier, or a string or number literal).
    Key(RelSpan),
    /// `[a, b]`: the element at this index.
    Index(u32),
    /// `{ [k]: x }`, `...rest`: a part the model does not follow.
    Unknown,
}

/// What an `import` binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Imported {
    /// `import { x }` / `import { x as y }`: the name in the source module.
    Named(RelSpan),
    /// `import x from`.
    Default,
    /// `import * as x from`.
    Namespace,
}

/// An import symbol's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportSource {
    /// The module specifier's contents (inside the quotes).
    pub specifier: RelSpan,
    /// What it imports.
    pub imported: Imported,
    /// `import type` / `import { type x }`: no value.
    pub type_only: bool,
}

/// A declared name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Symbol {
    /// The declaring identifier.
    pub name: RelSpan,
    /// How it is declared.
    pub kind: SymbolKind,
    /// Its scope; `None`: the module scope.
    pub scope: Option<ScopeId>,
    /// The value it is initialised with (for destructuring: the whole value destructured; for
    /// a class, function or enum: its own expression, if any).
    pub init: Option<ExprId>,
    /// For a destructured name: the steps from `init` to its part (a range of `paths`).
    pub path: ListRange,
    /// A default (`{ a = 1 }`, `(x = 2) =>`).
    pub default: Option<ExprId>,
    /// For a parameter: its function and its index among the parameters.
    pub param: Option<(FnId, u32)>,
    /// For a function declaration: the function.
    pub function: Option<FnId>,
    /// For a class declaration: its body (the class's identity in the file's facts).
    pub class_body: Option<RelSpan>,
    /// For an import: where from.
    pub import: Option<ImportSource>,
    /// The whole declaration (`const x = 1`, the parameter, the class).
    pub declaration: RelSpan,
}

/// How an identifier resolves inside its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Res {
    /// A symbol of the unit.
    Local(SymbolId),
    /// Declared by no scope of the unit: a module-level name of the file, or a global.
    Free,
}

/// Binary operators the model evaluates (others are [`BinaryOp::Other`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `||`.
    Or,
    /// `??`.
    Nullish,
    /// `&&`.
    And,
    /// Anything else (arithmetic, comparison, `in`, `instanceof`...).
    Other,
}

/// A lowered expression.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Expr {
    /// Its text.
    pub span: RelSpan,
    /// What it is.
    pub kind: ExprKind,
}

/// The kinds of expression.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ExprKind {
    /// An identifier (its name is its text).
    Ident(Res),
    /// `this`.
    This,
    /// `super`.
    Super,
    /// `object.property` / `object?.property` (the property's text span).
    Member {
        /// The object.
        object: ExprId,
        /// The property name.
        property: RelSpan,
    },
    /// `object[index]`.
    Index {
        /// The object.
        object: ExprId,
        /// The index.
        index: ExprId,
    },
    /// `callee(args)`.
    Call {
        /// The callee.
        callee: ExprId,
        /// The arguments (a range of `list`).
        args: ListRange,
    },
    /// `new callee(args)`.
    New {
        /// The constructor.
        callee: ExprId,
        /// The arguments (a range of `list`).
        args: ListRange,
    },
    /// ``tag`...` ``.
    TaggedTemplate {
        /// The tag.
        tag: ExprId,
        /// The template.
        template: ExprId,
    },
    /// `import(specifier)`.
    Import {
        /// The specifier.
        specifier: Option<ExprId>,
    },
    /// A string literal; its contents are the span without the quotes (escapes as written).
    Str,
    /// A template literal: its pieces, in order ([`ExprKind::TemplateText`] and substitutions).
    Template(ListRange),
    /// A piece of text of a template literal (its span is the text, escapes as written).
    TemplateText,
    /// A number literal.
    Num,
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// `a op b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: ExprId,
        /// Right operand.
        right: ExprId,
    },
    /// `test ? consequence : alternative`.
    Cond {
        /// The condition.
        test: ExprId,
        /// When true.
        consequence: ExprId,
        /// When false.
        alternative: ExprId,
    },
    /// `[a, b, ...c]` (elements in `list`; spreads are [`ExprKind::Spread`]).
    Array(ListRange),
    /// `{ key: value, ... }` (a range of `props`).
    Object(ListRange),
    /// A function, arrow function or method expression.
    Function(FnId),
    /// A class expression (its body's span).
    Class(RelSpan),
    /// `await e`.
    Await(ExprId),
    /// `target = value` (also `+=` and the like: `compound`).
    Assign {
        /// The target (an identifier, member or pattern-less expression).
        target: ExprId,
        /// The value.
        value: ExprId,
        /// True for `+=`, `??=`...
        compound: bool,
    },
    /// `...e` in arguments or arrays.
    Spread(ExprId),
    /// `a, b`: the last is the value.
    Sequence(ListRange),
    /// `!e`, `typeof e`, `void e`, `-e`... (the operand).
    Unary(ExprId),
    /// Anything else; its parts, if any, are lowered on their own.
    Other,
}

/// A property key of an object literal.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PropKey {
    /// `key:` / `"key":` / `0:` / shorthand `key`: the key's text span (a string literal's
    /// contents, without quotes).
    Name(RelSpan),
    /// `[expr]:`.
    Computed(ExprId),
    /// `...expr`.
    Spread,
}

/// A property of an object literal.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prop {
    /// The key.
    pub key: PropKey,
    /// The value (a method's function expression; a spread's argument).
    pub value: ExprId,
    /// The whole property.
    pub span: RelSpan,
}

/// What a function is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FnKind {
    /// The top-level code of a unit (a statement, or a class field's initialiser).
    Top,
    /// `function f() {}`.
    Declaration,
    /// `function () {}` as a value.
    Expression,
    /// `() => {}`.
    Arrow,
    /// A method of a class or an object literal.
    Method,
    /// `get x()`.
    Getter,
    /// `set x(v)`.
    Setter,
    /// A class constructor.
    Constructor,
}

/// Where a function's `this` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThisClass {
    /// Not known (a plain function, a static member, module code).
    Unknown,
    /// An instance of the class whose body is this span of the unit.
    Class(RelSpan),
    /// An instance of the top-level class this member unit belongs to.
    Enclosing,
}

/// A parameter of a function.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Param {
    /// The parameter as written.
    pub span: RelSpan,
    /// The symbol of a plain identifier parameter (`None` for a pattern).
    pub symbol: Option<SymbolId>,
    /// A TypeScript parameter property (`constructor(private ctx: ...)`): `this.<name>` is it.
    pub property: bool,
}

/// A function, method, arrow function or a unit's top-level code.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Function {
    /// What it is.
    pub kind: FnKind,
    /// The whole function (for methods: the whole member).
    pub span: RelSpan,
    /// The body (braces included, or an arrow's expression).
    pub body: Option<RelSpan>,
    /// The name: a declaration's or a named expression's, a method's (not computed), or for a
    /// value assigned to a variable or property, that name.
    pub name: Option<RelSpan>,
    /// The enclosing function in the unit (`None` for the unit's top-level code).
    pub parent: Option<FnId>,
    /// `async`.
    pub is_async: bool,
    /// True when its own body (not nested functions) contains `await`.
    pub awaits: bool,
    /// For a class member: `static`.
    pub is_static: bool,
    /// For a class or object member: private (`#m`, TS `private`/`protected`).
    pub is_private: bool,
    /// The parameters (a range of `params`).
    pub params: ListRange,
    /// Calls, `new` and tagged templates directly inside, in source order (a range of `list`).
    pub calls: ListRange,
    /// The values it returns (an arrow's expression body included; a range of `list`).
    pub returns: ListRange,
    /// Where `this` points inside.
    pub this: ThisClass,
    /// For a function expression or arrow: the expression.
    pub expr: Option<ExprId>,
}

/// A call that is a whole statement: `x.m();`, `await x.m();`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    /// The call.
    pub call: ExprId,
    /// The statement, its `;` included.
    pub span: RelSpan,
    /// The block it is directly in.
    pub block: Option<RelSpan>,
    /// `await x.m();`.
    pub awaited: bool,
}

/// A name in a type (`Room` in `DurableObjectNamespace<Room>`), or in `typeof x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeRef {
    /// The name.
    pub span: RelSpan,
    /// How it resolves in the unit (against types, or values for `typeof`).
    pub res: Res,
    /// True for `typeof x` (a value).
    pub value: bool,
}

/// A name in a module clause that stands for a local: `export { x }`, `export default x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportRef {
    /// The local name.
    pub span: RelSpan,
    /// How it resolves in the unit.
    pub res: Res,
}

/// The lowered code of one unit. Spans are relative to the unit's start.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct UnitCode {
    /// Scopes.
    pub scopes: Vec<Scope>,
    /// Symbols.
    pub symbols: Vec<Symbol>,
    /// Expressions.
    pub exprs: Vec<Expr>,
    /// Lists of ids (expression children, a function's calls and returns).
    pub list: Vec<u32>,
    /// Object literal properties.
    pub props: Vec<Prop>,
    /// Parameters.
    pub params: Vec<Param>,
    /// Destructuring paths.
    pub paths: Vec<PathStep>,
    /// Functions; 0 is the unit's top-level code.
    pub functions: Vec<Function>,
    /// Assignments (`Assign` expressions), in source order.
    pub assigns: Vec<ExprId>,
    /// Calls that are whole statements.
    pub statements: Vec<Statement>,
    /// Names in types.
    pub type_refs: Vec<TypeRef>,
    /// Local names in export clauses.
    pub export_refs: Vec<ExportRef>,
    /// The symbols this unit declares in the module scope.
    pub module_symbols: Vec<SymbolId>,
    /// The `import(...)` expressions with a literal specifier (a string, or a template without
    /// substitutions): the specifier's expression.
    pub dynamic_imports: Vec<ExprId>,
}

impl UnitCode {
    /// The heap bytes each of its arrays holds (capacity times element size), by name: the
    /// memory figures of the engine bench.
    pub fn heap_bytes(&self) -> [(&'static str, usize); 14] {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        [
            ("scopes", bytes(&self.scopes)),
            ("symbols", bytes(&self.symbols)),
            ("exprs", bytes(&self.exprs)),
            ("list", bytes(&self.list)),
            ("props", bytes(&self.props)),
            ("params", bytes(&self.params)),
            ("paths", bytes(&self.paths)),
            ("functions", bytes(&self.functions)),
            ("assigns", bytes(&self.assigns)),
            ("statements", bytes(&self.statements)),
            ("type_refs", bytes(&self.type_refs)),
            ("export_refs", bytes(&self.export_refs)),
            ("module_symbols", bytes(&self.module_symbols)),
            ("dynamic_imports", bytes(&self.dynamic_imports)),
        ]
    }

    /// Gives back the room its arrays grew beyond their length.
    pub(super) fn shrink_to_fit(&mut self) {
        self.scopes.shrink_to_fit();
        self.symbols.shrink_to_fit();
        self.exprs.shrink_to_fit();
        self.list.shrink_to_fit();
        self.props.shrink_to_fit();
        self.params.shrink_to_fit();
        self.paths.shrink_to_fit();
        self.functions.shrink_to_fit();
        self.assigns.shrink_to_fit();
        self.statements.shrink_to_fit();
        self.type_refs.shrink_to_fit();
        self.export_refs.shrink_to_fit();
        self.module_symbols.shrink_to_fit();
        self.dynamic_imports.shrink_to_fit();
    }

    /// An expression.
    pub fn expr(&self, id: ExprId) -> Option<&Expr> {
        self.exprs.get(id as usize)
    }

    /// A symbol.
    pub fn symbol(&self, id: SymbolId) -> Option<&Symbol> {
        self.symbols.get(id as usize)
    }

    /// A function.
    pub fn function(&self, id: FnId) -> Option<&Function> {
        self.functions.get(id as usize)
    }

    /// The ids of a list.
    pub fn ids(&self, range: ListRange) -> &[u32] {
        self.list.get(range.range()).unwrap_or_default()
    }

    /// Properties of an object literal.
    pub fn props_of(&self, range: ListRange) -> &[Prop] {
        self.props.get(range.range()).unwrap_or_default()
    }

    /// Parameters of a function.
    pub fn params_of(&self, function: &Function) -> &[Param] {
        self.params.get(function.params.range()).unwrap_or_default()
    }

    /// The destructuring path of a symbol.
    pub fn path_of(&self, symbol: &Symbol) -> &[PathStep] {
        self.paths.get(symbol.path.range()).unwrap_or_default()
    }

    /// Checks the unit's invariants: every id points into its arena and every span lies in the
    /// unit's `len` bytes. For tests and fuzzing: an `Err` says which invariant broke.
    pub fn check_consistent(&self, len: usize) -> Result<(), String> {
        let len = len as u32;
        let expr = |id: u32, what: &str| {
            if (id as usize) < self.exprs.len() {
                Ok(())
            } else {
                Err(format!("{what}: expression {id} of {}", self.exprs.len()))
            }
        };
        let span = |s: RelSpan, what: &str| {
            if s.start <= s.end && s.end <= len {
                Ok(())
            } else {
                Err(format!("{what}: {s:?} out of 0..{len}"))
            }
        };
        let list = |r: ListRange, what: &str| {
            if (r.start + r.len) as usize <= self.list.len() {
                Ok(())
            } else {
                Err(format!("{what}: list {r:?} of {}", self.list.len()))
            }
        };
        for (i, e) in self.exprs.iter().enumerate() {
            span(e.span, "expression")?;
            let children: Vec<u32> = match e.kind {
                ExprKind::Member { object, property } => {
                    span(property, "property")?;
                    vec![object]
                }
                ExprKind::Index { object, index } => vec![object, index],
                ExprKind::Call { callee, args } | ExprKind::New { callee, args } => {
                    list(args, "arguments")?;
                    std::iter::once(callee).chain(self.ids(args).iter().copied()).collect()
                }
                ExprKind::TaggedTemplate { tag, template } => vec![tag, template],
                ExprKind::Import { specifier } => specifier.into_iter().collect(),
                ExprKind::Template(items) | ExprKind::Array(items) | ExprKind::Sequence(items) => {
                    list(items, "items")?;
                    self.ids(items).to_vec()
                }
                ExprKind::Binary { left, right, .. } => vec![left, right],
                ExprKind::Cond { test, consequence, alternative } => vec![test, consequence, alternative],
                ExprKind::Object(props) => {
                    if (props.start + props.len) as usize > self.props.len() {
                        return Err(format!("properties {props:?} of {}", self.props.len()));
                    }
                    self.props_of(props).iter().map(|p| p.value).collect()
                }
                ExprKind::Await(inner) | ExprKind::Spread(inner) | ExprKind::Unary(inner) => vec![inner],
                ExprKind::Assign { target, value, .. } => vec![target, value],
                ExprKind::Function(f) => {
                    if f as usize >= self.functions.len() {
                        return Err(format!("function {f} of {}", self.functions.len()));
                    }
                    Vec::new()
                }
                ExprKind::Ident(Res::Local(s)) => {
                    if s as usize >= self.symbols.len() {
                        return Err(format!("symbol {s} of {}", self.symbols.len()));
                    }
                    Vec::new()
                }
                _ => Vec::new(),
            };
            for c in children {
                expr(c, &format!("child of expression {i}"))?;
            }
        }
        for s in &self.symbols {
            span(s.name, "symbol name")?;
            span(s.declaration, "declaration")?;
            for id in s.init.into_iter().chain(s.default) {
                expr(id, "symbol value")?;
            }
            if s.scope.is_some_and(|sc| sc as usize >= self.scopes.len()) {
                return Err("symbol scope out of range".to_owned());
            }
        }
        for sc in &self.scopes {
            span(sc.span, "scope")?;
            if sc.parent.is_some_and(|p| p as usize >= self.scopes.len()) {
                return Err("scope parent out of range".to_owned());
            }
        }
        for f in &self.functions {
            span(f.span, "function")?;
            list(f.calls, "calls")?;
            list(f.returns, "returns")?;
            for &c in self.ids(f.calls).iter().chain(self.ids(f.returns)) {
                expr(c, "call or return")?;
            }
            if f.parent.is_some_and(|p| p as usize >= self.functions.len()) {
                return Err("function parent out of range".to_owned());
            }
        }
        for &a in self.assigns.iter().chain(&self.dynamic_imports) {
            expr(a, "assignment or import")?;
        }
        for s in &self.statements {
            expr(s.call, "statement")?;
            span(s.span, "statement")?;
        }
        for t in &self.type_refs {
            span(t.span, "type")?;
        }
        Ok(())
    }

    /// The function whose body or parameters hold `span` most closely (0: the unit's top).
    pub fn function_at(&self, span: RelSpan) -> FnId {
        let mut best = 0;
        let mut best_len = u32::MAX;
        for (i, f) in self.functions.iter().enumerate().skip(1) {
            if f.span.contains(span) && f.span.end - f.span.start < best_len {
                best = i as FnId;
                best_len = f.span.end - f.span.start;
            }
        }
        best
    }

    /// The expression whose span is exactly `span`, the outermost one first.
    pub fn expr_at(&self, span: RelSpan) -> Option<ExprId> {
        // Children are lowered before their parents: the last one found is the outermost.
        self.exprs.iter().rposition(|e| e.span == span).map(|i| i as ExprId)
    }
}

/// A unit's code at its place in the file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlacedUnit {
    /// Where the unit starts.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// Its code (shared with the cache that re-uses it).
    pub code: Arc<UnitCode>,
}

/// A symbol of a file: its unit and its id there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct UnitItem {
    /// The unit's index in the file.
    pub unit: u32,
    /// The id in the unit.
    pub id: u32,
}

/// The lowered code of a file.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct FileCode {
    /// The units, in source order.
    pub units: Vec<PlacedUnit>,
    /// The module scope: each name the file declares at its top level, with its symbols (a
    /// function overloaded or a name declared twice has several). Built when linking.
    module: FxHashMap<Box<str>, Vec<UnitItem>>,
}

impl FileCode {
    /// The code of a file whose units are `units`, in source order; `text` is the file's text.
    pub(super) fn new(units: Vec<PlacedUnit>, text: &str) -> Self {
        let mut module: FxHashMap<Box<str>, Vec<UnitItem>> = FxHashMap::default();
        for (u, unit) in units.iter().enumerate() {
            for &id in &unit.code.module_symbols {
                let Some(symbol) = unit.code.symbol(id) else { continue };
                let name = symbol.name.at(unit.start);
                let Some(name) = text.get(name.start..name.end) else { continue };
                module.entry(name.into()).or_default().push(UnitItem { unit: u as u32, id });
            }
        }
        FileCode { units, module }
    }

    /// The specifiers of `import("...")` with a string literal (or a template literal without
    /// substitutions), with the literal's span.
    pub fn dynamic_imports(&self, text: &str) -> Vec<crate::text::Spanned<String>> {
        let mut out = Vec::new();
        for unit in &self.units {
            for e in &unit.code.exprs {
                let ExprKind::Import { specifier: Some(s) } = e.kind else { continue };
                let Some(arg) = unit.code.expr(s) else { continue };
                let literal = match arg.kind {
                    ExprKind::Str => true,
                    ExprKind::Template(parts) => unit
                        .code
                        .ids(parts)
                        .iter()
                        .all(|&p| unit.code.expr(p).is_some_and(|p| p.kind == ExprKind::TemplateText)),
                    _ => false,
                };
                if !literal {
                    continue;
                }
                let span = arg.span.at(unit.start);
                let inner = text.get(span.start + 1..span.end.saturating_sub(1)).unwrap_or("");
                out.push(crate::text::Spanned::new(inner.to_owned(), span));
            }
        }
        out
    }

    /// The module-level symbols named `name`.
    pub fn module_symbol(&self, name: &str) -> &[UnitItem] {
        self.module.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// Every module-level name.
    pub fn module_names(&self) -> impl Iterator<Item = &str> {
        self.module.keys().map(|k| &**k)
    }

    /// The index of the unit holding `offset` (the innermost: a member before its class head).
    pub fn unit_at(&self, offset: usize) -> Option<usize> {
        let after = self.units.partition_point(|u| u.start <= offset);
        (0..after).rev().take(4).find(|&i| self.units[i].end >= offset && self.units[i].start <= offset)
    }

    /// A unit.
    pub fn unit(&self, index: u32) -> Option<&PlacedUnit> {
        self.units.get(index as usize)
    }
}

/// A file's [`FileCode`], possibly still encoded: the facts cache stores the lowered code as one
/// byte string inside an entry, and a run decodes it only when something reads it (most of a
/// warm run's Workers take their findings from the findings cache and never do; the bytes are
/// also a fraction of the decoded arrays' memory). Derefs to the [`FileCode`].
///
/// The bytes were checked with the entry (its checksum, and the facts fingerprint of the build
/// that wrote them, which is this build): decoding them gives back what was encoded. Should it
/// fail all the same (a bug), the failure is logged and the code is empty.
#[derive(Default)]
pub struct LazyCode {
    code: std::sync::OnceLock<FileCode>,
    /// The encoded code (postcard), until it is decoded.
    encoded: std::sync::Mutex<Option<Box<[u8]>>>,
}

impl LazyCode {
    /// The code, decoding it on first use.
    pub fn get(&self) -> &FileCode {
        self.code.get_or_init(|| {
            let bytes =
                self.encoded.lock().map(|mut e| e.take()).unwrap_or_else(|mut poisoned| poisoned.get_mut().take());
            bytes.map(|b| decode_code(&b)).unwrap_or_default()
        })
    }

    /// The code, owned.
    pub fn into_inner(self) -> FileCode {
        let LazyCode { code, encoded } = self;
        code.into_inner().unwrap_or_else(|| {
            let bytes = encoded.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
            bytes.map(|b| decode_code(&b)).unwrap_or_default()
        })
    }

    /// True when the code is still encoded (for tests and the bench's memory figures).
    pub fn is_encoded(&self) -> bool {
        self.code.get().is_none()
    }

    /// The bytes of the encoded code, when it was never decoded.
    pub fn encoded_bytes(&self) -> usize {
        self.encoded.lock().map(|e| e.as_ref().map_or(0, |b| b.len())).unwrap_or(0)
    }
}

fn decode_code(bytes: &[u8]) -> FileCode {
    match postcard::from_bytes(bytes) {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("the facts cache's lowered code does not decode ({err}); treating the file as empty");
            FileCode::default()
        }
    }
}

impl From<FileCode> for LazyCode {
    fn from(code: FileCode) -> Self {
        LazyCode { code: std::sync::OnceLock::from(code), encoded: std::sync::Mutex::new(None) }
    }
}

impl std::ops::Deref for LazyCode {
    type Target = FileCode;

    fn deref(&self) -> &FileCode {
        self.get()
    }
}

impl Clone for LazyCode {
    fn clone(&self) -> Self {
        if let Some(code) = self.code.get() {
            return LazyCode::from(code.clone());
        }
        let encoded = self.encoded.lock().map(|e| e.clone()).unwrap_or(None);
        match encoded {
            Some(bytes) => LazyCode { code: std::sync::OnceLock::new(), encoded: std::sync::Mutex::new(Some(bytes)) },
            // Decoded by another thread meanwhile.
            None => LazyCode::from(self.get().clone()),
        }
    }
}

impl PartialEq for LazyCode {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for LazyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// As a byte string: the code's own postcard encoding, so that reading an entry only copies it.
impl serde::Serialize for LazyCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = postcard::to_stdvec(self.get()).map_err(serde::ser::Error::custom)?;
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> serde::Deserialize<'de> for LazyCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the lowered code's bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(v.into())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(v.into_boxed_slice())
            }
        }
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        Ok(LazyCode { code: std::sync::OnceLock::new(), encoded: std::sync::Mutex::new(Some(bytes)) })
    }
}
