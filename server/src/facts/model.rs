//! Facts extracted from one TS/JS source file: what the index and the rules read.
//!
//! Every fact carries byte spans into the file. Facts depend on this one file only, so an edit
//! recomputes exactly one `FileFacts`.

use crate::text::{Span, Spanned};

/// Everything the index knows about one source file.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    /// Every class declaration or class expression bound to a name, in source order.
    pub classes: Vec<ClassFact>,
    /// `import` declarations.
    pub imports: Vec<ImportFact>,
    /// `export` declarations and clauses.
    pub exports: Vec<ExportFact>,
    /// The module specifiers of `import("...")` with a constant specifier.
    pub dynamic_imports: Vec<Spanned<String>>,
    /// `interface Env` / `type Env = {...}` declarations (and Hono's `Bindings`).
    pub env_types: Vec<super::env_types::EnvType>,
    /// True when the file assigns `module.exports` or `exports.X` (CommonJS): exports unknown.
    pub has_commonjs_exports: bool,
    /// Byte ranges of tree-sitter ERROR/MISSING nodes (half-typed code).
    pub syntax_errors: Vec<Span>,
    /// The file's code, lowered for the semantic model: scopes, symbols, references,
    /// expressions and functions, unit by unit.
    /// Decoded on first use when the facts come from the cache ([`super::code::LazyCode`]).
    pub code: super::code::LazyCode,
}

impl FileFacts {
    /// Every module specifier the file's module graph follows: imports, re-exports (`export ...
    /// from`) and `import()` of a constant specifier.
    pub fn module_specifiers(&self) -> impl Iterator<Item = &str> {
        self.imports
            .iter()
            .map(|i| i.specifier.value.as_str())
            .chain(self.exports.iter().filter_map(|e| match e {
                ExportFact::From { specifier, .. }
                | ExportFact::Star { specifier }
                | ExportFact::StarAs { specifier, .. } => Some(specifier.value.as_str()),
                _ => None,
            }))
            .chain(self.dynamic_imports.iter().map(|d| d.value.as_str()))
    }
}

/// A class.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClassFact {
    /// The class's name: its declared name, or for `const X = class {}` the variable's.
    pub name: Spanned<String>,
    /// The whole declaration.
    pub span: Span,
    /// The body, braces included.
    pub body_span: Span,
    /// The `extends` clause, if any.
    pub base: Option<BaseRef>,
    /// Members in source order.
    pub members: Vec<MemberFact>,
    /// True for `export class X` / `export const X = class`.
    pub exported_inline: bool,
    /// True for `export default class`.
    pub default_export: bool,
}

/// What a class extends.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum BaseRef {
    /// `extends Name` (also `extends Name<T>`).
    Name(Spanned<String>),
    /// `extends ns.Name`: the object and the property.
    Member {
        /// `ns`.
        object: String,
        /// `Name`, with its span.
        property: Spanned<String>,
    },
    /// `extends f(...)` / `extends mixin(Base)` / anything else: the index cannot know the base.
    Opaque(Span),
}

/// The kinds of class members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MemberKind {
    /// `constructor(...)`.
    Constructor,
    /// A prototype method `m() {}`.
    Method,
    /// `get m()`.
    Getter,
    /// `set m(v)`.
    Setter,
    /// A field whose value is a function (`m = () => {}`): not on the prototype.
    FunctionField,
    /// Any other field.
    Field,
}

/// One class member.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MemberFact {
    /// The name (`#x` keeps its `#`); computed names (`[x]`) are left out.
    pub name: Spanned<String>,
    /// The whole member.
    pub span: Span,
    /// What it is.
    pub kind: MemberKind,
    /// `static`.
    pub is_static: bool,
    /// `#name`, or TS `private` / `protected`.
    pub is_private: bool,
    /// `async`.
    pub is_async: bool,
    /// Parameters as written (`ctx: DurableObjectState`), for methods and constructors.
    pub params: Vec<Spanned<String>>,
    /// The parameters' names only (`ctx`), same order.
    pub param_names: Vec<String>,
    /// The return type annotation's text without the colon, if any.
    pub return_type: Option<String>,
}

/// An `import` declaration.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportFact {
    /// The module specifier, unquoted, with the span of the string literal.
    pub specifier: Spanned<String>,
    /// The names it binds.
    pub names: Vec<ImportedName>,
    /// True for `import type`.
    pub type_only: bool,
}

/// One name an import binds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportedName {
    /// The name in the source module: an identifier, `default`, or `*` for a namespace import.
    pub imported: String,
    /// The local name, with its span.
    pub local: Spanned<String>,
}

/// An export.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ExportFact {
    /// A name this module exports from its own scope: `export class X`, `export const X`,
    /// `export function X`, `export { X }`, `export { X as Y }`.
    Local {
        /// The exported name (`Y`).
        exported: Spanned<String>,
        /// The local name (`X`).
        local: String,
    },
    /// `export { X as Y } from './m'` (also `export { default as Y } from`).
    From {
        /// The module specifier.
        specifier: Spanned<String>,
        /// The exported name (`Y`).
        exported: Spanned<String>,
        /// The name in `./m` (`X`).
        imported: String,
    },
    /// `export * from './m'`.
    Star {
        /// The module specifier.
        specifier: Spanned<String>,
    },
    /// `export * as ns from './m'`: exports one name, a namespace object.
    StarAs {
        /// The module specifier.
        specifier: Spanned<String>,
        /// `ns`.
        exported: Spanned<String>,
    },
    /// `export default ...`.
    Default {
        /// The whole statement.
        span: Span,
        /// The name when the default is an identifier or a named class/function.
        local: Option<String>,
    },
}
