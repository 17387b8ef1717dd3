//! Lowering one unit's syntax into its [`UnitCode`]: one walk over the unit's nodes, then the
//! names resolved against the scopes the walk declared (so a name used before its declaration
//! in the same scope still resolves to it, as hoisting and the temporal dead zone say).

use tree_sitter::Node;

use super::super::fields::{Field, NodeFields};
use super::super::units::{Unit, UnitKind};
use super::*;

/// How deep expressions and statements nest before the rest is left unlowered (a guard
/// against stack overflow on pathological input; real code nests far less).
const MAX_DEPTH: usize = 400;

/// Lowers one unit of a file whose text is `src`.
pub(in crate::facts) fn lower_unit(unit: &Unit<'_>, src: &str) -> UnitCode {
    let base = unit.node.start_byte();
    let mut l = Lowerer::new(src, base);
    match unit.kind {
        UnitKind::ClassHead => {
            l.skip_body = class_of_statement(unit.node).and_then(|c| c.field(Field::Body)).map(|b| b.id());
            l.visit(unit.node);
        }
        UnitKind::Member => l.class_member(unit.node, ThisClass::Enclosing),
        UnitKind::Statement | UnitKind::Fragment => l.visit(unit.node),
    }
    l.finish()
}

/// The class node of a top-level class statement (`class`, `export class`, `export default class`).
fn class_of_statement(statement: Node<'_>) -> Option<Node<'_>> {
    match statement.kind() {
        "class_declaration" | "abstract_class_declaration" => Some(statement),
        "export_statement" => statement
            .field(Field::Declaration)
            .or_else(|| statement.field(Field::Value))
            .filter(|d| matches!(d.kind(), "class_declaration" | "abstract_class_declaration" | "class")),
        _ => None,
    }
}

/// Which names a reference looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Space {
    Value,
    Type,
}

/// A name to resolve once every declaration is known.
enum Pending {
    Expr(ExprId),
    TypeRef(usize),
    ExportRef(usize),
}

/// A function being lowered.
#[derive(Default)]
struct FnBuild {
    id: FnId,
    calls: Vec<ExprId>,
    returns: Vec<ExprId>,
    awaits: bool,
}

struct Lowerer<'s> {
    src: &'s str,
    base: usize,
    code: UnitCode,
    scopes: Vec<ScopeId>,
    functions: Vec<FnBuild>,
    finished: Vec<FnBuild>,
    pending: Vec<(Pending, Option<ScopeId>, RelSpan, Space)>,
    /// The block the statement being lowered is directly in.
    block: Option<RelSpan>,
    /// A class head unit: the body (members are units of their own) is not walked.
    skip_body: Option<usize>,
    depth: usize,
}

impl<'s> Lowerer<'s> {
    fn new(src: &'s str, base: usize) -> Self {
        let mut l = Lowerer {
            src,
            base,
            code: UnitCode::default(),
            scopes: Vec::new(),
            functions: Vec::new(),
            finished: Vec::new(),
            pending: Vec::new(),
            block: None,
            skip_body: None,
            depth: 0,
        };
        l.code.functions.push(Function {
            kind: FnKind::Top,
            span: RelSpan::default(),
            body: None,
            name: None,
            parent: None,
            is_async: false,
            awaits: false,
            is_static: false,
            is_private: false,
            params: ListRange::default(),
            calls: ListRange::default(),
            returns: ListRange::default(),
            this: ThisClass::Unknown,
            expr: None,
        });
        l.functions.push(FnBuild::default());
        l
    }

    // -----------------------------------------------------------------------------------------
    // Helpers

    fn rel(&self, node: Node<'_>) -> RelSpan {
        RelSpan {
            start: node.start_byte().saturating_sub(self.base) as u32,
            end: node.end_byte().saturating_sub(self.base) as u32,
        }
    }

    fn text(&self, node: Node<'_>) -> &'s str {
        self.src.get(node.byte_range()).unwrap_or("")
    }

    /// The span of a string literal's contents, or of an identifier or number.
    fn key_span(&self, node: Node<'_>) -> RelSpan {
        let span = self.rel(node);
        if node.kind() == "string" && span.end > span.start + 1 {
            RelSpan { start: span.start + 1, end: span.end - 1 }
        } else {
            span
        }
    }

    fn scope(&self) -> Option<ScopeId> {
        self.scopes.last().copied()
    }

    fn current_fn(&mut self) -> &mut FnBuild {
        // The top-level function is pushed in `new` and never popped.
        let last = self.functions.len() - 1;
        &mut self.functions[last]
    }

    fn push_expr(&mut self, node: Node<'_>, kind: ExprKind) -> ExprId {
        self.push_expr_at(self.rel(node), kind)
    }

    fn push_expr_at(&mut self, span: RelSpan, kind: ExprKind) -> ExprId {
        let id = self.code.exprs.len() as ExprId;
        self.code.exprs.push(Expr { span, kind });
        if matches!(kind, ExprKind::Call { .. } | ExprKind::New { .. } | ExprKind::TaggedTemplate { .. }) {
            self.current_fn().calls.push(id);
        }
        if matches!(kind, ExprKind::Assign { .. }) {
            self.code.assigns.push(id);
        }
        id
    }

    fn push_list(&mut self, ids: &[u32]) -> ListRange {
        let start = self.code.list.len() as u32;
        self.code.list.extend_from_slice(ids);
        ListRange { start, len: ids.len() as u32 }
    }

    fn open_scope(&mut self, kind: ScopeKind, node: Node<'_>) -> ScopeId {
        let id = self.code.scopes.len() as ScopeId;
        self.code.scopes.push(Scope { kind, span: self.rel(node), parent: self.scope() });
        self.scopes.push(id);
        id
    }

    fn close_scope(&mut self) {
        self.scopes.pop();
    }

    /// The nearest function scope (where `var` goes), `None` at the unit's top.
    fn var_scope(&self) -> Option<ScopeId> {
        self.scopes.iter().rev().copied().find(|&s| self.code.scopes[s as usize].kind == ScopeKind::Function)
    }

    #[allow(clippy::too_many_arguments)]
    fn declare(
        &mut self,
        name: Node<'_>,
        kind: SymbolKind,
        init: Option<ExprId>,
        path: &[PathStep],
        default: Option<ExprId>,
        param: Option<(FnId, u32)>,
        declaration: RelSpan,
    ) -> SymbolId {
        let scope = if kind == SymbolKind::Var { self.var_scope() } else { self.scope() };
        let start = self.code.paths.len() as u32;
        self.code.paths.extend_from_slice(path);
        let id = self.code.symbols.len() as SymbolId;
        self.code.symbols.push(Symbol {
            name: self.rel(name),
            kind,
            scope,
            init,
            path: ListRange { start, len: path.len() as u32 },
            default,
            param,
            function: None,
            class_body: None,
            import: None,
            declaration,
        });
        if scope.is_none() {
            self.code.module_symbols.push(id);
        }
        id
    }

    fn reference(&mut self, pending: Pending, name: RelSpan, space: Space) {
        self.pending.push((pending, self.scope(), name, space));
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    /// Lowers a statement, declaration or any other node (expressions go to [`Self::expr`]).
    fn visit(&mut self, node: Node<'_>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.visit_inner(node);
        self.depth -= 1;
    }

    fn visit_inner(&mut self, node: Node<'_>) {
        match node.kind() {
            "lexical_declaration" | "variable_declaration" => self.declaration(node),
            "function_declaration" | "generator_function_declaration" | "function_signature" => {
                self.function_declaration(node)
            }
            "class_declaration" | "abstract_class_declaration" => {
                self.class(node, true);
            }
            "import_statement" => self.import(node),
            "export_statement" => self.export(node),
            "statement_block" => {
                self.open_scope(ScopeKind::Block, node);
                self.statements(node);
                self.close_scope();
            }
            "expression_statement" => self.expression_statement(node),
            "return_statement" => {
                if let Some(value) = first_named(node) {
                    let id = self.expr(value);
                    self.current_fn().returns.push(id);
                }
            }
            "for_statement" | "for_in_statement" => {
                self.open_scope(ScopeKind::Block, node);
                if node.kind() == "for_in_statement" {
                    self.for_in(node);
                } else {
                    self.children(node);
                }
                self.close_scope();
            }
            "switch_body" => {
                self.open_scope(ScopeKind::Block, node);
                self.children(node);
                self.close_scope();
            }
            "catch_clause" => {
                self.open_scope(ScopeKind::Catch, node);
                if let Some(parameter) = node.field(Field::Parameter) {
                    let declaration = self.rel(parameter);
                    self.bind_pattern(
                        parameter,
                        SymbolKind::CatchParam,
                        None,
                        &mut Vec::new(),
                        None,
                        None,
                        declaration,
                    );
                }
                if let Some(body) = node.field(Field::Body) {
                    self.statements(body);
                }
                self.close_scope();
            }
            "labeled_statement" => {
                if let Some(body) = node.field(Field::Body) {
                    self.visit(body);
                }
            }
            "type_alias_declaration" | "interface_declaration" => {
                let name = node.field(Field::Name);
                if let Some(name) = name {
                    let declaration = self.rel(node);
                    self.declare(name, SymbolKind::TypeOnly, None, &[], None, None, declaration);
                }
                let mut cursor = node.walk();
                let parts: Vec<Node<'_>> = node.named_children(&mut cursor).filter(|c| Some(*c) != name).collect();
                for part in parts {
                    self.types(part);
                }
            }
            "enum_declaration" => {
                if let Some(name) = node.field(Field::Name) {
                    let declaration = self.rel(node);
                    self.declare(name, SymbolKind::Enum, None, &[], None, None, declaration);
                }
                if let Some(body) = node.field(Field::Body) {
                    self.children(body);
                }
            }
            "enum_assignment" => {
                if let Some(value) = node.field(Field::Value) {
                    self.expr(value);
                }
            }
            "internal_module" | "module" => {
                if let Some(name) = node.field(Field::Name).filter(|n| n.kind() == "identifier") {
                    let declaration = self.rel(node);
                    self.declare(name, SymbolKind::Namespace, None, &[], None, None, declaration);
                }
                if let Some(body) = node.field(Field::Body) {
                    self.open_scope(ScopeKind::Block, body);
                    self.statements(body);
                    self.close_scope();
                }
            }
            "comment"
            | "break_statement"
            | "continue_statement"
            | "empty_statement"
            | "debugger_statement"
            | "hash_bang_line"
            | "statement_identifier" => {}
            kind if is_type_kind(kind) => self.types(node),
            kind if is_expression_kind(kind) => {
                self.expr(node);
            }
            // if/while/do/try/switch/throw/with, `program`, ERROR and the rest: their parts.
            _ => self.children(node),
        }
    }

    /// Lowers every named child of `node`.
    fn children(&mut self, node: Node<'_>) {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children {
            self.visit(child);
        }
    }

    /// Lowers the statements of a block (in the current scope), noting the block each is in.
    fn statements(&mut self, block: Node<'_>) {
        let outer = self.block.replace(self.rel(block));
        let mut cursor = block.walk();
        let children: Vec<Node<'_>> = block.named_children(&mut cursor).collect();
        for child in children {
            self.block = Some(self.rel(block));
            self.visit(child);
        }
        self.block = outer;
    }

    fn expression_statement(&mut self, node: Node<'_>) {
        let block = self.block.take();
        let Some(inner) = first_named(node) else { return };
        let id = self.expr(inner);
        // The call the statement consists of, through `await` and parentheses.
        let mut awaited = false;
        let mut current = inner;
        loop {
            match current.kind() {
                "await_expression" => awaited = true,
                "parenthesized_expression" => {}
                "call_expression" | "new_expression" => break,
                _ => return,
            }
            match first_named(current) {
                Some(next) => current = next,
                None => return,
            }
        }
        let call = if current == inner { Some(id) } else { self.code.expr_at(self.rel(current)) };
        if let Some(call) = call {
            self.code.statements.push(Statement { call, span: self.rel(node), block, awaited });
        }
    }

    fn declaration(&mut self, node: Node<'_>) {
        let kind = if node.kind() == "variable_declaration" {
            SymbolKind::Var
        } else if has_token(node, "const") {
            SymbolKind::Const
        } else {
            SymbolKind::Let
        };
        let mut cursor = node.walk();
        let declarators: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for declarator in declarators {
            if declarator.kind() != "variable_declarator" {
                self.visit(declarator);
                continue;
            }
            let Some(name) = declarator.field(Field::Name) else { continue };
            if let Some(t) = declarator.field(Field::Type) {
                self.types(t);
            }
            let init = declarator.field(Field::Value).map(|value| self.named_value(value, name));
            let declaration = self.rel(declarator);
            self.bind_pattern(name, kind, init, &mut Vec::new(), None, None, declaration);
        }
    }

    /// Lowers a value that a name is given (`const f = () => {}`): a function takes the name.
    fn named_value(&mut self, value: Node<'_>, name: Node<'_>) -> ExprId {
        let id = self.expr(value);
        if name.kind() == "identifier" {
            self.name_function(id, self.rel(name));
        }
        id
    }

    /// Names the function `id` is (through nothing else), when it has no name of its own.
    fn name_function(&mut self, id: ExprId, name: RelSpan) {
        if let Some(Expr { kind: ExprKind::Function(f), .. }) = self.code.exprs.get(id as usize) {
            if let Some(function) = self.code.functions.get_mut(*f as usize) {
                function.name.get_or_insert(name);
            }
        }
    }

    /// Declares the names a pattern binds; `path` is the way from `init` to this part.
    #[allow(clippy::too_many_arguments)]
    fn bind_pattern(
        &mut self,
        pattern: Node<'_>,
        kind: SymbolKind,
        init: Option<ExprId>,
        path: &mut Vec<PathStep>,
        default: Option<ExprId>,
        param: Option<(FnId, u32)>,
        declaration: RelSpan,
    ) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match pattern.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                self.declare(pattern, kind, init, path, default, param, declaration);
            }
            "object_pattern" => {
                let mut cursor = pattern.walk();
                let properties: Vec<Node<'_>> = pattern.named_children(&mut cursor).collect();
                for property in properties {
                    match property.kind() {
                        "shorthand_property_identifier_pattern" => {
                            path.push(PathStep::Key(self.rel(property)));
                            self.declare(property, kind, init, path, None, param, declaration);
                            path.pop();
                        }
                        "object_assignment_pattern" => {
                            let default = property.field(Field::Right).map(|r| self.expr(r));
                            if let Some(left) = property.field(Field::Left) {
                                path.push(PathStep::Key(self.rel(left)));
                                self.bind_pattern(left, kind, init, path, default, param, declaration);
                                path.pop();
                            }
                        }
                        "pair_pattern" => {
                            let step = match property.field(Field::Key) {
                                Some(key) if matches!(key.kind(), "property_identifier" | "string" | "number") => {
                                    PathStep::Key(self.key_span(key))
                                }
                                Some(key) => {
                                    self.children(key);
                                    PathStep::Unknown
                                }
                                None => PathStep::Unknown,
                            };
                            if let Some(value) = property.field(Field::Value) {
                                path.push(step);
                                self.bind_pattern(value, kind, init, path, None, param, declaration);
                                path.pop();
                            }
                        }
                        "rest_pattern" => {
                            path.push(PathStep::Unknown);
                            self.bind_pattern(property, kind, init, path, None, param, declaration);
                            path.pop();
                        }
                        _ => {}
                    }
                }
            }
            "array_pattern" => {
                let mut index = 0u32;
                let mut cursor = pattern.walk();
                let children: Vec<Node<'_>> = pattern.children(&mut cursor).collect();
                for child in children {
                    if !child.is_named() {
                        if child.kind() == "," {
                            index += 1;
                        }
                        continue;
                    }
                    let step = if child.kind() == "rest_pattern" { PathStep::Unknown } else { PathStep::Index(index) };
                    path.push(step);
                    self.bind_pattern(child, kind, init, path, None, param, declaration);
                    path.pop();
                }
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                let default = pattern.field(Field::Right).map(|r| self.expr(r));
                if let Some(left) = pattern.field(Field::Left) {
                    self.bind_pattern(left, kind, init, path, default, param, declaration);
                }
            }
            "rest_pattern" => {
                if let Some(inner) = first_named(pattern) {
                    self.bind_pattern(inner, kind, init, path, None, param, declaration);
                }
            }
            // `this` parameters, member targets of assignments, types: nothing to declare.
            _ => {}
        }
        self.depth -= 1;
    }

    fn for_in(&mut self, node: Node<'_>) {
        let right = node.field(Field::Right).map(|r| self.expr(r));
        if let Some(left) = node.field(Field::Left) {
            let kind = if has_token(node, "const") {
                Some(SymbolKind::Const)
            } else if has_token(node, "let") {
                Some(SymbolKind::Let)
            } else if has_token(node, "var") {
                Some(SymbolKind::Var)
            } else {
                None
            };
            match kind {
                Some(kind) => {
                    let declaration = self.rel(left);
                    // The element of what is iterated: not followed.
                    self.bind_pattern(left, kind, right, &mut vec![PathStep::Unknown], None, None, declaration);
                }
                None => {
                    self.expr(left);
                }
            }
        }
        if let Some(body) = node.field(Field::Body) {
            self.visit(body);
        }
    }

    fn function_declaration(&mut self, node: Node<'_>) {
        let name = node.field(Field::Name);
        let symbol = name.map(|n| {
            let declaration = self.rel(node);
            self.declare(n, SymbolKind::Function, None, &[], None, None, declaration)
        });
        let f = self.function(node, FnKind::Declaration, name.map(|n| self.rel(n)), ThisClass::Unknown, None);
        if let Some(symbol) = symbol.and_then(|s| self.code.symbols.get_mut(s as usize)) {
            symbol.function = Some(f);
        }
    }

    fn import(&mut self, node: Node<'_>) {
        let Some(source) = node.field(Field::Source) else {
            // `import x = require("m")`
            self.children(node);
            return;
        };
        let specifier = self.key_span(source);
        let statement_type_only = has_token(node, "type");
        let declaration = self.rel(node);
        let mut cursor = node.walk();
        let clauses: Vec<Node<'_>> = node.named_children(&mut cursor).filter(|c| c.kind() == "import_clause").collect();
        for clause in clauses {
            let mut cursor = clause.walk();
            let parts: Vec<Node<'_>> = clause.named_children(&mut cursor).collect();
            for part in parts {
                match part.kind() {
                    "identifier" => {
                        let source =
                            ImportSource { specifier, imported: Imported::Default, type_only: statement_type_only };
                        self.declare_import(part, source, declaration);
                    }
                    "namespace_import" => {
                        if let Some(name) = first_named(part) {
                            let imported = Imported::Namespace;
                            let source = ImportSource { specifier, imported, type_only: statement_type_only };
                            self.declare_import(name, source, declaration);
                        }
                    }
                    "named_imports" => {
                        let mut cursor = part.walk();
                        let specifiers: Vec<Node<'_>> =
                            part.named_children(&mut cursor).filter(|s| s.kind() == "import_specifier").collect();
                        for s in specifiers {
                            let Some(name) = s.field(Field::Name) else { continue };
                            let local = s.field(Field::Alias).unwrap_or(name);
                            let type_only = statement_type_only || has_token(s, "type");
                            let imported = Imported::Named(self.key_span(name));
                            self.declare_import(local, ImportSource { specifier, imported, type_only }, declaration);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn declare_import(&mut self, name: Node<'_>, source: ImportSource, declaration: RelSpan) {
        let id = self.declare(name, SymbolKind::Import, None, &[], None, None, declaration);
        if let Some(symbol) = self.code.symbols.get_mut(id as usize) {
            symbol.import = Some(source);
        }
    }

    fn export(&mut self, node: Node<'_>) {
        let from_module = node.field(Field::Source).is_some();
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "export_clause" => {
                    if from_module {
                        continue;
                    }
                    let mut cursor = child.walk();
                    let specifiers: Vec<Node<'_>> = child.named_children(&mut cursor).collect();
                    for s in specifiers.into_iter().filter(|s| s.kind() == "export_specifier") {
                        if let Some(name) = s.field(Field::Name).filter(|n| n.kind() == "identifier") {
                            let index = self.code.export_refs.len();
                            let span = self.rel(name);
                            self.code.export_refs.push(ExportRef { span, res: Res::Free });
                            self.reference(Pending::ExportRef(index), span, Space::Value);
                        }
                    }
                }
                "string" | "namespace_export" | "comment" => {}
                "class" | "function_expression" | "function" | "arrow_function" => {
                    // `export default class {}` / `export default function () {}`
                    let id = self.expr(child);
                    let _ = id;
                }
                _ => self.visit(child),
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Classes

    /// Lowers a class; declares its name when `declare`. Returns its body's span.
    fn class(&mut self, node: Node<'_>, declare: bool) -> RelSpan {
        let body = node.field(Field::Body);
        let body_span = body.map(|b| self.rel(b)).unwrap_or_default();
        if declare {
            if let Some(name) = node.field(Field::Name) {
                let declaration = self.rel(node);
                let id = self.declare(name, SymbolKind::Class, None, &[], None, None, declaration);
                if let Some(symbol) = self.code.symbols.get_mut(id as usize) {
                    symbol.class_body = Some(body_span);
                }
            }
        }
        let mut cursor = node.walk();
        let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for part in parts {
            match part.kind() {
                "class_heritage" => {
                    let mut cursor = part.walk();
                    let clauses: Vec<Node<'_>> = part.named_children(&mut cursor).collect();
                    for clause in clauses {
                        if clause.kind() == "extends_clause" {
                            if let Some(value) = clause.field(Field::Value) {
                                self.expr(value);
                            }
                            if let Some(arguments) = clause.field(Field::TypeArguments) {
                                self.types(arguments);
                            }
                        } else {
                            self.types(clause);
                        }
                    }
                }
                "class_body" => {
                    if Some(part.id()) == self.skip_body {
                        continue;
                    }
                    let this = ThisClass::Class(body_span);
                    let mut cursor = part.walk();
                    let members: Vec<Node<'_>> = part.named_children(&mut cursor).collect();
                    for member in members {
                        self.class_member(member, this);
                    }
                }
                "decorator" => self.children(part),
                "type_identifier" | "identifier" => {}
                kind if is_type_kind(kind) => self.types(part),
                _ => {}
            }
        }
        body_span
    }

    /// Lowers one member of a class body; `this` is where `this` points in instance members.
    fn class_member(&mut self, member: Node<'_>, this: ThisClass) {
        match member.kind() {
            "method_definition" => {
                let (name, is_private) = self.member_name(member);
                let is_static = has_token(member, "static");
                let kind = if has_token(member, "get") {
                    FnKind::Getter
                } else if has_token(member, "set") {
                    FnKind::Setter
                } else if !is_static && name.is_some_and(|n| self.span_text(n) == "constructor") {
                    FnKind::Constructor
                } else {
                    FnKind::Method
                };
                self.decorators(member);
                let this = if is_static { ThisClass::Unknown } else { this };
                let f = self.function(member, kind, name, this, None);
                if let Some(function) = self.code.functions.get_mut(f as usize) {
                    function.is_static = is_static;
                    function.is_private = is_private;
                }
            }
            "public_field_definition" => {
                let (name, is_private) = self.member_name(member);
                let is_static = has_token(member, "static");
                self.decorators(member);
                if let Some(t) = member.field(Field::Type) {
                    self.types(t);
                }
                let Some(value) = member.field(Field::Value) else { return };
                // A field's initialiser runs with `this` the new instance: a function of its own.
                let this = if is_static { ThisClass::Unknown } else { this };
                let f = self.open_function(member, FnKind::Top, name, this);
                let id = self.expr(value);
                if let Some(name) = name {
                    self.name_function(id, name);
                }
                self.current_fn().returns.push(id);
                self.close_function();
                if let Some(function) = self.code.functions.get_mut(f as usize) {
                    function.is_static = is_static;
                    function.is_private = is_private;
                }
            }
            "class_static_block" => {
                if let Some(body) = member.field(Field::Body) {
                    self.visit(body);
                }
            }
            "comment" => {}
            kind if is_type_kind(kind) => self.types(member),
            _ => self.visit(member),
        }
    }

    fn span_text(&self, span: RelSpan) -> &'s str {
        let s = span.at(self.base);
        self.src.get(s.start..s.end).unwrap_or("")
    }

    /// A member's name (`None` when computed; its expression is lowered) and whether it is
    /// private.
    fn member_name(&mut self, member: Node<'_>) -> (Option<RelSpan>, bool) {
        let mut private = false;
        let mut cursor = member.walk();
        for child in member.children(&mut cursor) {
            if child.kind() == "accessibility_modifier" {
                private |= matches!(self.text(child), "private" | "protected");
            }
        }
        let Some(name) = member.field(Field::Name) else { return (None, private) };
        match name.kind() {
            "property_identifier" | "number" => (Some(self.rel(name)), private),
            "private_property_identifier" => (Some(self.rel(name)), true),
            "string" => (Some(self.key_span(name)), private),
            _ => {
                self.children(name);
                (None, private)
            }
        }
    }

    fn decorators(&mut self, node: Node<'_>) {
        let mut cursor = node.walk();
        let decorators: Vec<Node<'_>> = node.named_children(&mut cursor).filter(|c| c.kind() == "decorator").collect();
        for d in decorators {
            self.children(d);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Functions

    fn open_function(&mut self, node: Node<'_>, kind: FnKind, name: Option<RelSpan>, this: ThisClass) -> FnId {
        let id = self.code.functions.len() as FnId;
        let parent = self.functions.last().map(|f| f.id);
        self.code.functions.push(Function {
            kind,
            span: self.rel(node),
            body: None,
            name,
            parent,
            is_async: has_token(node, "async"),
            awaits: false,
            is_static: false,
            is_private: false,
            params: ListRange::default(),
            calls: ListRange::default(),
            returns: ListRange::default(),
            this,
            expr: None,
        });
        self.functions.push(FnBuild { id, ..FnBuild::default() });
        self.open_scope(ScopeKind::Function, node);
        id
    }

    fn close_function(&mut self) {
        self.close_scope();
        if let Some(done) = self.functions.pop() {
            if let Some(function) = self.code.functions.get_mut(done.id as usize) {
                function.awaits = done.awaits;
            }
            self.finished.push(done);
        }
    }

    /// Lowers a function-like node (declaration, expression, arrow, method).
    fn function(
        &mut self,
        node: Node<'_>,
        kind: FnKind,
        name: Option<RelSpan>,
        this: ThisClass,
        expr: Option<ExprId>,
    ) -> FnId {
        let id = self.open_function(node, kind, name, this);
        if let Some(function) = self.code.functions.get_mut(id as usize) {
            function.expr = expr;
        }
        let mut params = Vec::new();
        if let Some(list) = node.field(Field::Parameters) {
            let mut cursor = list.walk();
            let children: Vec<Node<'_>> = list.named_children(&mut cursor).collect();
            for p in children {
                if matches!(p.kind(), "comment") {
                    continue;
                }
                let pattern = p.field(Field::Pattern).unwrap_or(p);
                if pattern.kind() == "this" {
                    if let Some(t) = p.field(Field::Type) {
                        self.types(t);
                    }
                    continue;
                }
                if let Some(t) = p.field(Field::Type) {
                    self.types(t);
                }
                let default = p.field(Field::Value).map(|v| self.expr(v));
                let index = params.len() as u32;
                let before = self.code.symbols.len();
                let declaration = self.rel(p);
                self.bind_pattern(
                    pattern,
                    SymbolKind::Param,
                    None,
                    &mut Vec::new(),
                    default,
                    Some((id, index)),
                    declaration,
                );
                let symbol = (pattern.kind() == "identifier" && self.code.symbols.len() == before + 1)
                    .then_some(before as SymbolId);
                let property = has_child_kind(p, "accessibility_modifier") || has_child_kind(p, "readonly");
                params.push(Param { span: self.rel(p), symbol, property });
            }
        } else if let Some(p) = node.field(Field::Parameter) {
            // `x => ...`
            let index = params.len() as u32;
            let before = self.code.symbols.len();
            let declaration = self.rel(p);
            self.bind_pattern(p, SymbolKind::Param, None, &mut Vec::new(), None, Some((id, index)), declaration);
            let symbol = (self.code.symbols.len() == before + 1).then_some(before as SymbolId);
            params.push(Param { span: self.rel(p), symbol, property: false });
        }
        if let Some(t) = node.field(Field::ReturnType) {
            self.types(t);
        }
        let start = self.code.params.len() as u32;
        let count = params.len() as u32;
        self.code.params.extend(params);
        let body = node.field(Field::Body);
        if let Some(function) = self.code.functions.get_mut(id as usize) {
            function.params = ListRange { start, len: count };
            function.body = body.map(|b| RelSpan {
                start: b.start_byte().saturating_sub(self.base) as u32,
                end: b.end_byte().saturating_sub(self.base) as u32,
            });
        }
        if let Some(body) = body {
            if body.kind() == "statement_block" {
                self.statements(body);
            } else {
                let value = self.expr(body);
                self.current_fn().returns.push(value);
            }
        }
        self.close_function();
        id
    }

    /// `this` inside a new arrow function: the enclosing function's.
    fn arrow_this(&self) -> ThisClass {
        self.functions
            .last()
            .and_then(|f| self.code.functions.get(f.id as usize))
            .map_or(ThisClass::Unknown, |f| f.this)
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    /// Lowers an expression and returns its id.
    fn expr(&mut self, node: Node<'_>) -> ExprId {
        if self.depth > MAX_DEPTH {
            return self.push_expr(node, ExprKind::Other);
        }
        self.depth += 1;
        let id = self.expr_inner(node);
        self.depth -= 1;
        id
    }

    fn expr_inner(&mut self, node: Node<'_>) -> ExprId {
        match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                let id = self.push_expr(node, ExprKind::Ident(Res::Free));
                self.reference(Pending::Expr(id), self.rel(node), Space::Value);
                id
            }
            "this" => self.push_expr(node, ExprKind::This),
            "super" => self.push_expr(node, ExprKind::Super),
            "member_expression" => {
                let object = match node.field(Field::Object) {
                    Some(o) => self.expr(o),
                    None => return self.other(node),
                };
                let Some(property) = node.field(Field::Property) else { return self.other(node) };
                self.push_expr(node, ExprKind::Member { object, property: self.rel(property) })
            }
            "subscript_expression" => {
                let (Some(object), Some(index)) = (node.field(Field::Object), node.field(Field::Index)) else {
                    return self.other(node);
                };
                let object = self.expr(object);
                let index = self.expr(index);
                self.push_expr(node, ExprKind::Index { object, index })
            }
            "call_expression" => {
                let Some(function) = node.field(Field::Function) else { return self.other(node) };
                if let Some(t) = node.field(Field::TypeArguments) {
                    self.types(t);
                }
                let arguments = node.field(Field::Arguments);
                if function.kind() == "import" {
                    let specifier = arguments.and_then(first_named).map(|a| self.expr(a));
                    if let Some(s) = specifier.filter(|&s| self.is_literal_string(s)) {
                        self.code.dynamic_imports.push(s);
                    }
                    return self.push_expr(node, ExprKind::Import { specifier });
                }
                let callee = self.expr(function);
                match arguments {
                    Some(a) if a.kind() == "template_string" => {
                        let template = self.expr(a);
                        self.push_expr(node, ExprKind::TaggedTemplate { tag: callee, template })
                    }
                    _ => {
                        let args = self.arguments(arguments);
                        self.push_expr(node, ExprKind::Call { callee, args })
                    }
                }
            }
            "new_expression" => {
                let Some(constructor) = node.field(Field::Constructor) else { return self.other(node) };
                if let Some(t) = node.field(Field::TypeArguments) {
                    self.types(t);
                }
                let callee = self.expr(constructor);
                let args = self.arguments(node.field(Field::Arguments));
                self.push_expr(node, ExprKind::New { callee, args })
            }
            "string" => self.push_expr(node, ExprKind::Str),
            "template_string" => {
                let parts = self.template(node);
                let parts = self.push_list(&parts);
                self.push_expr(node, ExprKind::Template(parts))
            }
            "number" => self.push_expr(node, ExprKind::Num),
            "true" => self.push_expr(node, ExprKind::Bool(true)),
            "false" => self.push_expr(node, ExprKind::Bool(false)),
            "null" => self.push_expr(node, ExprKind::Null),
            "undefined" => self.push_expr(node, ExprKind::Undefined),
            "binary_expression" => {
                let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
                    return self.other(node);
                };
                let op = match node.field(Field::Operator).map(|o| self.text(o)) {
                    Some("+") => BinaryOp::Add,
                    Some("||") => BinaryOp::Or,
                    Some("??") => BinaryOp::Nullish,
                    Some("&&") => BinaryOp::And,
                    _ => BinaryOp::Other,
                };
                let left = self.expr(left);
                let right = self.expr(right);
                self.push_expr(node, ExprKind::Binary { op, left, right })
            }
            "ternary_expression" => {
                let (Some(test), Some(consequence), Some(alternative)) =
                    (node.field(Field::Condition), node.field(Field::Consequence), node.field(Field::Alternative))
                else {
                    return self.other(node);
                };
                let test = self.expr(test);
                let consequence = self.expr(consequence);
                let alternative = self.expr(alternative);
                self.push_expr(node, ExprKind::Cond { test, consequence, alternative })
            }
            "array" => {
                let mut cursor = node.walk();
                let elements: Vec<Node<'_>> =
                    node.named_children(&mut cursor).filter(|c| c.kind() != "comment").collect();
                let ids: Vec<u32> = elements.into_iter().map(|e| self.expr(e)).collect();
                let list = self.push_list(&ids);
                self.push_expr(node, ExprKind::Array(list))
            }
            "object" => self.object(node),
            "arrow_function" => {
                let this = self.arrow_this();
                self.function_expr(node, FnKind::Arrow, this)
            }
            "function_expression" | "function" | "generator_function" => {
                self.function_expr(node, FnKind::Expression, ThisClass::Unknown)
            }
            "class" => {
                let body = self.class(node, false);
                self.push_expr(node, ExprKind::Class(body))
            }
            "await_expression" => {
                self.current_fn().awaits = true;
                match first_named(node) {
                    Some(inner) => {
                        let inner = self.expr(inner);
                        self.push_expr(node, ExprKind::Await(inner))
                    }
                    None => self.other(node),
                }
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
                    return self.other(node);
                };
                let target = match left.kind() {
                    "object_pattern" | "array_pattern" => {
                        self.pattern_references(left);
                        self.push_expr(left, ExprKind::Other)
                    }
                    _ => self.expr(left),
                };
                let value = self.expr(right);
                if let Some(Expr { kind: ExprKind::Member { property, .. }, .. }) =
                    self.code.exprs.get(target as usize).copied()
                {
                    self.name_function(value, property);
                }
                let compound = node.kind() == "augmented_assignment_expression";
                self.push_expr(node, ExprKind::Assign { target, value, compound })
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let mut inner = None;
                for part in parts {
                    if is_type_kind(part.kind()) || part.kind() == "comment" {
                        self.types(part);
                    } else if inner.is_none() {
                        inner = Some(self.expr(part));
                    } else {
                        self.visit(part);
                    }
                }
                match inner {
                    Some(inner) => inner,
                    None => self.other(node),
                }
            }
            "spread_element" => match first_named(node) {
                Some(inner) => {
                    let inner = self.expr(inner);
                    self.push_expr(node, ExprKind::Spread(inner))
                }
                None => self.other(node),
            },
            "sequence_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let ids: Vec<u32> = parts.into_iter().map(|p| self.expr(p)).collect();
                let list = self.push_list(&ids);
                self.push_expr(node, ExprKind::Sequence(list))
            }
            "unary_expression" | "update_expression" | "yield_expression" => {
                let argument = node.field(Field::Argument).or_else(|| first_named(node));
                match argument {
                    Some(a) => {
                        let a = self.expr(a);
                        self.push_expr(node, ExprKind::Unary(a))
                    }
                    None => self.other(node),
                }
            }
            _ => self.other(node),
        }
    }

    /// True for a string literal, or a template literal without substitutions.
    fn is_literal_string(&self, id: ExprId) -> bool {
        match self.code.expr(id).map(|e| e.kind) {
            Some(ExprKind::Str) => true,
            Some(ExprKind::Template(parts)) => self
                .code
                .ids(parts)
                .iter()
                .all(|&p| self.code.expr(p).is_some_and(|p| p.kind == ExprKind::TemplateText)),
            _ => false,
        }
    }

    /// An expression the model does not read: its parts are lowered on their own.
    fn other(&mut self, node: Node<'_>) -> ExprId {
        self.children(node);
        self.push_expr(node, ExprKind::Other)
    }

    fn function_expr(&mut self, node: Node<'_>, kind: FnKind, this: ThisClass) -> ExprId {
        // The expression's id is known before its body is lowered: reserve it.
        let id = self.code.exprs.len() as ExprId;
        self.code.exprs.push(Expr { span: self.rel(node), kind: ExprKind::Other });
        let name = node.field(Field::Name).map(|n| self.rel(n));
        let f = self.function(node, kind, name, this, Some(id));
        if let Some(e) = self.code.exprs.get_mut(id as usize) {
            e.kind = ExprKind::Function(f);
        }
        id
    }

    fn arguments(&mut self, arguments: Option<Node<'_>>) -> ListRange {
        let Some(arguments) = arguments else { return ListRange::default() };
        let mut cursor = arguments.walk();
        let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).filter(|a| a.kind() != "comment").collect();
        let ids: Vec<u32> = args.into_iter().map(|a| self.expr(a)).collect();
        self.push_list(&ids)
    }

    /// The pieces of a template literal: text pieces and substitutions, in order.
    fn template(&mut self, node: Node<'_>) -> Vec<u32> {
        let span = self.rel(node);
        let (start, end) = (span.start + 1, span.end.saturating_sub(1).max(span.start + 1));
        let mut parts = Vec::new();
        let mut at = start;
        let mut cursor = node.walk();
        let subs: Vec<Node<'_>> =
            node.named_children(&mut cursor).filter(|c| c.kind() == "template_substitution").collect();
        for sub in subs {
            let s = self.rel(sub);
            if s.start > at {
                parts.push(self.push_expr_at(RelSpan { start: at, end: s.start }, ExprKind::TemplateText));
            }
            if let Some(inner) = first_named(sub) {
                parts.push(self.expr(inner));
            }
            at = s.end;
        }
        if end > at {
            parts.push(self.push_expr_at(RelSpan { start: at, end }, ExprKind::TemplateText));
        }
        parts
    }

    fn object(&mut self, node: Node<'_>) -> ExprId {
        let mut cursor = node.walk();
        let members: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        let mut props = Vec::new();
        for member in members {
            let span = self.rel(member);
            match member.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (member.field(Field::Key), member.field(Field::Value)) else {
                        continue;
                    };
                    let key = match key.kind() {
                        "property_identifier" | "string" | "number" | "private_property_identifier" => {
                            PropKey::Name(self.key_span(key))
                        }
                        _ => {
                            let inner = first_named(key).map(|k| self.expr(k)).unwrap_or_else(|| self.other(key));
                            PropKey::Computed(inner)
                        }
                    };
                    let value_id = self.expr(value);
                    if let PropKey::Name(name) = key {
                        self.name_function(value_id, name);
                    }
                    props.push(Prop { key, value: value_id, span });
                }
                "shorthand_property_identifier" => {
                    let value = self.expr(member);
                    props.push(Prop { key: PropKey::Name(span), value, span });
                }
                "method_definition" => {
                    let (name, is_private) = self.member_name(member);
                    let kind = if has_token(member, "get") {
                        FnKind::Getter
                    } else if has_token(member, "set") {
                        FnKind::Setter
                    } else {
                        FnKind::Method
                    };
                    let id = self.code.exprs.len() as ExprId;
                    self.code.exprs.push(Expr { span, kind: ExprKind::Other });
                    let f = self.function(member, kind, name, ThisClass::Unknown, Some(id));
                    if let Some(function) = self.code.functions.get_mut(f as usize) {
                        function.is_private = is_private;
                    }
                    if let Some(e) = self.code.exprs.get_mut(id as usize) {
                        e.kind = ExprKind::Function(f);
                    }
                    if let Some(name) = name {
                        props.push(Prop { key: PropKey::Name(name), value: id, span });
                    }
                }
                "spread_element" => {
                    let value = first_named(member).map(|v| self.expr(v)).unwrap_or_else(|| self.other(member));
                    props.push(Prop { key: PropKey::Spread, value, span });
                }
                "comment" => {}
                _ => self.visit(member),
            }
        }
        let start = self.code.props.len() as u32;
        let len = props.len() as u32;
        self.code.props.extend(props);
        self.push_expr(node, ExprKind::Object(ListRange { start, len }))
    }

    /// The identifiers a destructuring assignment target assigns (`({ a, b: c } = x)`): they
    /// are references, not declarations.
    fn pattern_references(&mut self, pattern: Node<'_>) {
        let mut cursor = pattern.walk();
        let children: Vec<Node<'_>> = pattern.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "shorthand_property_identifier_pattern" | "identifier" => {
                    let id = self.push_expr(child, ExprKind::Ident(Res::Free));
                    self.reference(Pending::Expr(id), self.rel(child), Space::Value);
                }
                "pair_pattern" => {
                    if let Some(value) = child.field(Field::Value) {
                        self.pattern_references_of(value);
                    }
                }
                _ => self.pattern_references_of(child),
            }
        }
    }

    fn pattern_references_of(&mut self, node: Node<'_>) {
        match node.kind() {
            "identifier" => {
                self.expr(node);
            }
            "object_pattern"
            | "array_pattern"
            | "object_assignment_pattern"
            | "assignment_pattern"
            | "rest_pattern" => self.pattern_references(node),
            _ => {
                self.expr(node);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Types

    /// Records the names a type mentions.
    fn types(&mut self, node: Node<'_>) {
        let mut stack = vec![(node, false)];
        let mut visited = 0usize;
        while let Some((n, in_query)) = stack.pop() {
            visited += 1;
            if visited > 100_000 {
                break;
            }
            match n.kind() {
                "type_identifier" => {
                    let index = self.code.type_refs.len();
                    let span = self.rel(n);
                    self.code.type_refs.push(TypeRef { span, res: Res::Free, value: false });
                    self.reference(Pending::TypeRef(index), span, Space::Type);
                    continue;
                }
                "identifier" if in_query => {
                    let index = self.code.type_refs.len();
                    let span = self.rel(n);
                    self.code.type_refs.push(TypeRef { span, res: Res::Free, value: true });
                    self.reference(Pending::TypeRef(index), span, Space::Value);
                    continue;
                }
                // `A.B` names a member of a namespace: its first part is a reference.
                "nested_type_identifier" | "member_expression" if !in_query => {}
                _ => {}
            }
            let query = in_query || n.kind() == "type_query";
            let mut cursor = n.walk();
            let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
            for child in children.into_iter().rev() {
                // In `typeof a.b`, only `a` is a reference.
                if query && n.kind() == "member_expression" && child.kind() == "property_identifier" {
                    continue;
                }
                stack.push((child, query));
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Finishing

    fn finish(mut self) -> UnitCode {
        // The top-level function spans the unit.
        if let Some(top) = self.functions.pop() {
            self.finished.push(top);
        }
        self.resolve();
        let mut finished = std::mem::take(&mut self.finished);
        finished.sort_by_key(|f| f.id);
        for build in finished {
            let mut calls = build.calls;
            calls.sort_by_key(|&c| self.code.exprs.get(c as usize).map(|e| (e.span.start, e.span.end)));
            let calls = self.push_list(&calls);
            let returns = self.push_list(&build.returns);
            if let Some(function) = self.code.functions.get_mut(build.id as usize) {
                function.calls = calls;
                function.returns = returns;
                if build.id == 0 {
                    function.awaits = build.awaits;
                }
            }
        }
        self.code.statements.sort_by_key(|s| s.span.start);
        // Kept for as long as the file is: no room left over from growing (a third of the
        // lowered code's bytes, measured by the engine bench).
        self.code.shrink_to_fit();
        self.code
    }

    /// Resolves every reference against the scopes of the unit.
    fn resolve(&mut self) {
        // The symbols of each scope (module-scope symbols under `None`).
        let mut by_scope: Vec<Vec<SymbolId>> = vec![Vec::new(); self.code.scopes.len()];
        for (id, symbol) in self.code.symbols.iter().enumerate() {
            if let Some(scope) = symbol.scope {
                if let Some(list) = by_scope.get_mut(scope as usize) {
                    list.push(id as SymbolId);
                }
            }
        }
        let module: Vec<SymbolId> = self.code.module_symbols.clone();
        let pending = std::mem::take(&mut self.pending);
        for (target, scope, name, space) in pending {
            let text = self.span_text(name);
            let matches = |id: &SymbolId| {
                let s = &self.code.symbols[*id as usize];
                let fits = match space {
                    Space::Value => s.kind.is_value(),
                    Space::Type => s.kind.is_type() || s.kind == SymbolKind::Namespace,
                };
                fits && self.span_text(s.name) == text
            };
            let mut found = None;
            let mut current = scope;
            while let Some(s) = current {
                if let Some(hit) = by_scope.get(s as usize).and_then(|list| list.iter().rev().find(|id| matches(id))) {
                    found = Some(*hit);
                    break;
                }
                current = self.code.scopes.get(s as usize).and_then(|sc| sc.parent);
            }
            // Module-level names of this unit resolve in the module scope, like every other
            // unit's: the file links them (a name declared twice has one module binding).
            let _ = &module;
            let res = found.map_or(Res::Free, Res::Local);
            match target {
                Pending::Expr(id) => {
                    if let Some(e) = self.code.exprs.get_mut(id as usize) {
                        e.kind = ExprKind::Ident(res);
                    }
                }
                Pending::TypeRef(i) => {
                    if let Some(t) = self.code.type_refs.get_mut(i) {
                        t.res = res;
                    }
                }
                Pending::ExportRef(i) => {
                    if let Some(t) = self.code.export_refs.get_mut(i) {
                        t.res = res;
                    }
                }
            }
        }
    }
}

/// The first named child that is not a comment.
fn first_named(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| c.kind() != "comment");
    found
}

/// True when `node` has an anonymous child token `kind`.
fn has_token(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| !c.is_named() && c.kind() == kind);
    found
}

/// True when `node` has a child of this kind.
fn has_child_kind(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.kind() == kind);
    found
}

/// Node kinds that belong to types.
fn is_type_kind(kind: &str) -> bool {
    kind.ends_with("_type")
        || matches!(
            kind,
            "type_annotation"
                | "type_arguments"
                | "type_parameters"
                | "type_parameter"
                | "implements_clause"
                | "type_identifier"
                | "type_query"
                | "type_predicate_annotation"
                | "asserts_annotation"
                | "opting_type_annotation"
                | "omitting_type_annotation"
                | "adding_type_annotation"
                | "nested_type_identifier"
                | "index_signature"
                | "property_signature"
                | "method_signature"
                | "call_signature"
                | "construct_signature"
                | "abstract_method_signature"
                | "predefined_type"
        )
}

/// Node kinds lowered as expressions.
fn is_expression_kind(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "this"
            | "super"
            | "member_expression"
            | "subscript_expression"
            | "call_expression"
            | "new_expression"
            | "string"
            | "template_string"
            | "number"
            | "true"
            | "false"
            | "null"
            | "undefined"
            | "binary_expression"
            | "ternary_expression"
            | "array"
            | "object"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "class"
            | "await_expression"
            | "assignment_expression"
            | "augmented_assignment_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "spread_element"
            | "sequence_expression"
            | "unary_expression"
            | "update_expression"
            | "yield_expression"
            | "regex"
            | "meta_property"
            | "jsx_element"
            | "jsx_self_closing_element"
            | "jsx_fragment"
            | "jsx_expression"
    )
}
