//! The semantic model of a Worker: what the names of its code denote and what its expressions
//! may be, across its modules. Every rule that reads code asks it (ruff's `SemanticModel`,
//! rust-analyzer's `hir`), never the syntax.
//!
//! It sits on the index: per file, the facts hold the code lowered unit by unit (scopes,
//! symbols, references, expressions, functions: `facts::code`); the index knows the files, the
//! module graph and each Worker's entry. The model answers, for one Worker:
//!
//! - **names**: an identifier means the symbol in scope (block scope, shadowing,
//!   destructuring), else a module-level symbol of its file, else an import, followed to the
//!   exporting module through re-exports, else a global ([`Model::resolve_ident`]);
//! - **values**: what an expression may be ([`Model::eval`]): string constants (`+`,
//!   templates, ternaries, `.join()` of literal arrays, module and imported constants), the
//!   Worker's `env`, bindings, ids, stubs, `WebSocketPair` ends, the DO state and storage,
//!   instances, classes and functions; a call's value is what the function returns, with its
//!   arguments bound to its parameters ([`Frame`]), to a bounded depth;
//! - **classes**: the calls a class makes, including through the methods and functions it
//!   calls, each with the chain of calls that leads there ([`Model::class_sites`]).
//!
//! A Worker's code is what its entry reaches ([`crate::index::Worker::code_files`]); the model
//! is built per analysis, and memoises what it computes without a frame. It never imports a
//! rule.

mod eval;
mod sites;
mod summary;
mod uses;
mod value;

#[cfg(test)]
mod tests;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

pub use sites::{Site, Visit};
pub use uses::{BindingName, NamespaceCall, SqlExec, StubCall};
pub use value::Value;

use crate::facts::code::{
    Expr, ExprKind, FileCode, FnKind, Function, Imported, PlacedUnit, PropKey, RelSpan, Res, Symbol, ThisClass,
    UnitCode,
};
use crate::index::{ClassRef, SourceFile, Workspace};
use crate::text::Span;

/// A file the model has met, by number.
pub type FileId = u32;

/// An expression of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprRef {
    /// The file.
    pub file: FileId,
    /// Its unit.
    pub unit: u32,
    /// The expression's id in the unit.
    pub id: u32,
}

/// A symbol of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolRef {
    /// The file.
    pub file: FileId,
    /// Its unit.
    pub unit: u32,
    /// The symbol's id in the unit.
    pub id: u32,
}

/// A function of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnRef {
    /// The file.
    pub file: FileId,
    /// Its unit.
    pub unit: u32,
    /// The function's id in the unit.
    pub id: u32,
}

/// Where a constant comes from: a literal of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// The literal, quotes included.
    pub span: Span,
}

/// What an identifier denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'m> {
    /// A symbol of the workspace.
    Symbol(SymbolRef),
    /// Nothing declares it: a global (`fetch`, `setTimeout`, `WebSocketPair`).
    Global(&'m str),
}

/// A call being followed: the function called, with its arguments (each evaluated in the
/// caller's frame when asked) and its `this`.
#[derive(Debug)]
pub struct Frame {
    /// The function.
    pub function: FnRef,
    /// The call that made the frame.
    pub call: ExprRef,
    /// The arguments' expressions, in the caller's frame.
    args: Vec<ExprRef>,
    /// The caller's frame.
    parent: Option<Rc<Frame>>,
    /// The instance `this` is, for a method.
    this: Option<ClassRef>,
    /// How many frames lie below (0 for a call from frame-less code).
    depth: u32,
}

impl Frame {
    /// The calls followed to reach this frame, outermost first.
    pub fn chain(&self) -> Vec<ExprRef> {
        let mut out = vec![self.call];
        let mut current = self.parent.as_deref();
        while let Some(f) = current {
            out.push(f.call);
            current = f.parent.as_deref();
        }
        out.reverse();
        out
    }

    /// The caller's frame.
    pub fn parent(&self) -> Option<&Rc<Frame>> {
        self.parent.as_ref()
    }

    /// True when `function` is being called in this frame or one below it (recursion).
    fn calls(&self, function: FnRef) -> bool {
        self.function == function || self.parent.as_deref().is_some_and(|p| p.calls(function))
    }
}

/// How deep calls are followed.
const MAX_CALL_DEPTH: u32 = 3;

/// How deep evaluation nests before it gives up (`Unknown`).
const MAX_EVAL_DEPTH: u32 = 200;

/// The semantic model of one Worker.
pub struct Model<'a> {
    ws: &'a Workspace,
    files: RefCell<Vec<(&'a Arc<PathBuf>, &'a SourceFile)>>,
    ids: RefCell<FxHashMap<&'a Path, FileId>>,
    /// The Worker's code: the files its entry reaches.
    code_files: Vec<&'a Arc<PathBuf>>,
    /// The classes that are Durable Object classes (their constructors get the state and env).
    do_classes: FxHashSet<ClassRef>,
    /// Values computed without a frame.
    memo: RefCell<Dense>,
    /// How deep evaluation is nested now (a guard: values computed in a frame are not
    /// memoised, so a cycle there, `x = x + 1` in a loop, is cut by depth).
    depth: Cell<u32>,
    /// The symbols being evaluated in a frame, with the frame's address (a cycle guard).
    in_progress: RefCell<FxHashSet<(SymbolRef, usize)>>,
    symbol_memo: RefCell<Dense>,
    /// Assignments of each file by the symbol they assign (built on first use per file).
    assignments: RefCell<FxHashMap<FileId, Rc<Assignments>>>,
    /// Each class's members and `this.x` assignments.
    classes: RefCell<FxHashMap<ClassRef, Rc<ClassTable>>>,
    /// The call sites of each class.
    sites: RefCell<FxHashMap<ClassRef, Rc<Vec<Site<'a>>>>>,
    /// The functions each class's code runs.
    visits: RefCell<FxHashMap<ClassRef, Rc<Vec<Visit>>>>,
    /// Every call of the Worker's code.
    calls_cache: RefCell<Option<Rc<Vec<ExprRef>>>>,
    /// `instance.name` of each class, without a frame.
    member_memo: RefCell<FxHashMap<ClassRef, FxHashMap<Box<str>, Value>>>,
    /// Each class's workspace superclasses.
    ancestors_memo: RefCell<FxHashMap<ClassRef, Rc<Vec<ClassRef>>>>,
    /// Where `this` points in each function.
    this_memo: RefCell<FxHashMap<FnRef, Option<ClassRef>>>,
    /// Every stub call of the Worker's code.
    stubs_cache: RefCell<Option<Rc<Vec<StubCall>>>>,
    /// Every `sql.exec` call, per context.
    sql_cache: RefCell<Option<Rc<Vec<SqlExec>>>>,
}

impl<'a> Model<'a> {
    /// The model of a Worker whose code is `code_files`; `do_classes` are its DO classes.
    pub fn new(ws: &'a Workspace, code_files: Vec<&'a Arc<PathBuf>>, do_classes: FxHashSet<ClassRef>) -> Self {
        let model = Model {
            ws,
            files: RefCell::default(),
            ids: RefCell::default(),
            code_files,
            do_classes,
            memo: RefCell::default(),
            depth: Cell::new(0),
            in_progress: RefCell::default(),
            symbol_memo: RefCell::default(),
            assignments: RefCell::default(),
            classes: RefCell::default(),
            sites: RefCell::default(),
            visits: RefCell::default(),
            calls_cache: RefCell::default(),
            member_memo: RefCell::default(),
            ancestors_memo: RefCell::default(),
            this_memo: RefCell::default(),
            stubs_cache: RefCell::default(),
            sql_cache: RefCell::default(),
        };
        for path in model.code_files.clone() {
            model.file_id(path);
        }
        model
    }

    /// The workspace.
    pub fn workspace(&self) -> &'a Workspace {
        self.ws
    }

    /// The Worker's code files (those its entry reaches), sorted.
    pub fn code_files(&self) -> &[&'a Arc<PathBuf>] {
        &self.code_files
    }

    /// The id of a workspace source file (`None` for other paths).
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        if let Some(&id) = self.ids.borrow().get(path) {
            return Some(id);
        }
        let (key, file) = self.ws.source_entry(path)?;
        let mut files = self.files.borrow_mut();
        let id = files.len() as FileId;
        files.push((key, file));
        self.ids.borrow_mut().insert(key.as_path(), id);
        Some(id)
    }

    /// The path of a file.
    pub fn path(&self, file: FileId) -> &'a Arc<PathBuf> {
        self.files.borrow()[file as usize].0
    }

    /// A source file.
    pub fn source(&self, file: FileId) -> &'a SourceFile {
        self.files.borrow()[file as usize].1
    }

    /// A file's text.
    pub fn text(&self, file: FileId) -> &'a str {
        &self.source(file).text
    }

    /// A file's lowered code.
    pub fn code(&self, file: FileId) -> &'a FileCode {
        &self.source(file).facts.code
    }

    /// A unit of a file.
    pub fn unit(&self, file: FileId, unit: u32) -> Option<&'a PlacedUnit> {
        self.code(file).unit(unit)
    }

    /// The text of a span of a unit.
    pub fn rel_text(&self, file: FileId, unit: u32, span: RelSpan) -> &'a str {
        let Some(u) = self.unit(file, unit) else { return "" };
        let s = span.at(u.start);
        self.text(file).get(s.start..s.end).unwrap_or("")
    }

    /// An expression.
    pub fn expr(&self, r: ExprRef) -> Option<&'a Expr> {
        self.unit(r.file, r.unit)?.code.expr(r.id)
    }

    /// An expression's span in its file.
    pub fn span(&self, r: ExprRef) -> Span {
        match (self.unit(r.file, r.unit), self.expr(r)) {
            (Some(u), Some(e)) => e.span.at(u.start),
            _ => Span::default(),
        }
    }

    /// An expression's text.
    pub fn expr_text(&self, r: ExprRef) -> &'a str {
        let s = self.span(r);
        self.text(r.file).get(s.start..s.end).unwrap_or("")
    }

    /// A symbol.
    pub fn symbol(&self, r: SymbolRef) -> Option<&'a Symbol> {
        self.unit(r.file, r.unit)?.code.symbol(r.id)
    }

    /// A symbol's name.
    pub fn symbol_name(&self, r: SymbolRef) -> &'a str {
        self.symbol(r).map_or("", |s| self.rel_text(r.file, r.unit, s.name))
    }

    /// A symbol's declaring identifier, in its file.
    pub fn symbol_span(&self, r: SymbolRef) -> Span {
        match (self.unit(r.file, r.unit), self.symbol(r)) {
            (Some(u), Some(s)) => s.name.at(u.start),
            _ => Span::default(),
        }
    }

    /// A function.
    pub fn function(&self, r: FnRef) -> Option<&'a Function> {
        self.unit(r.file, r.unit)?.code.function(r.id)
    }

    /// A function's name, if it has one.
    pub fn function_name(&self, r: FnRef) -> Option<&'a str> {
        self.function(r)?.name.map(|n| self.rel_text(r.file, r.unit, n))
    }

    /// A function's span in its file.
    pub fn function_span(&self, r: FnRef) -> Span {
        match (self.unit(r.file, r.unit), self.function(r)) {
            (Some(u), Some(f)) => f.span.at(u.start),
            _ => Span::default(),
        }
    }

    /// The unit code of a reference's unit.
    fn unit_code(&self, file: FileId, unit: u32) -> Option<&'a UnitCode> {
        self.unit(file, unit).map(|u| &*u.code)
    }

    /// The ids of a list of a unit.
    fn ids(&self, file: FileId, unit: u32, range: crate::facts::code::ListRange) -> &'a [u32] {
        self.unit_code(file, unit).map_or(&[], |c| c.ids(range))
    }

    /// The arguments of a call or `new` expression.
    pub fn call_args(&self, call: ExprRef) -> Vec<ExprRef> {
        match self.expr(call).map(|e| e.kind) {
            Some(ExprKind::Call { args, .. } | ExprKind::New { args, .. }) => self
                .ids(call.file, call.unit, args)
                .iter()
                .map(|&id| ExprRef { file: call.file, unit: call.unit, id })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The pieces of a template literal, each with whether it is text (else a substitution).
    pub fn template_parts(&self, template: ExprRef, parts: crate::facts::code::ListRange) -> Vec<(ExprRef, bool)> {
        self.ids(template.file, template.unit, parts)
            .iter()
            .map(|&id| {
                let r = ExprRef { id, ..template };
                (r, self.expr(r).is_some_and(|e| e.kind == ExprKind::TemplateText))
            })
            .collect()
    }

    /// The callee of a call or `new` expression.
    pub fn callee(&self, call: ExprRef) -> Option<ExprRef> {
        match self.expr(call)?.kind {
            ExprKind::Call { callee, .. } | ExprKind::New { callee, .. } => Some(ExprRef { id: callee, ..call }),
            ExprKind::TaggedTemplate { tag, .. } => Some(ExprRef { id: tag, ..call }),
            _ => None,
        }
    }

    /// For `object.method(...)`: the object and the method's name, with its span.
    pub fn method_call(&self, call: ExprRef) -> Option<(ExprRef, &'a str, Span)> {
        self.call_info(call).method
    }

    /// The name a callee is called by: a method's name, a function's identifier (empty for
    /// other callees).
    pub fn callee_name(&self, call: ExprRef) -> &'a str {
        self.call_info(call).name
    }

    /// What rules read of a call's callee: one look at the unit.
    fn call_info(&self, call: ExprRef) -> CallInfo<'a> {
        let mut info = CallInfo { method: None, name: "" };
        let Some(unit) = self.unit(call.file, call.unit) else { return info };
        let code = &unit.code;
        let callee = match code.expr(call.id).map(|e| e.kind) {
            Some(ExprKind::Call { callee, .. } | ExprKind::New { callee, .. }) => callee,
            Some(ExprKind::TaggedTemplate { tag, .. }) => tag,
            _ => return info,
        };
        let text = self.text(call.file);
        let name_of = |span: RelSpan| {
            let s = span.at(unit.start);
            (text.get(s.start..s.end).unwrap_or(""), s)
        };
        match code.expr(callee) {
            Some(Expr { kind: ExprKind::Member { object, property }, .. }) => {
                let (name, span) = name_of(*property);
                info.method = Some((ExprRef { id: *object, ..call }, name, span));
                info.name = name;
            }
            Some(Expr { kind: ExprKind::Ident(_), span }) => info.name = name_of(*span).0,
            _ => {}
        }
        info
    }

    /// What an identifier expression denotes.
    pub fn resolve_ident(&self, r: ExprRef) -> Option<Target<'a>> {
        let ExprKind::Ident(res) = self.expr(r)?.kind else { return None };
        let name = self.expr_text(r);
        Some(self.resolve_name(r.file, r.unit, res, name))
    }

    /// What a name that resolved to `res` in a unit denotes.
    pub fn resolve_name(&self, file: FileId, unit: u32, res: Res, name: &'a str) -> Target<'a> {
        match res {
            Res::Local(id) => Target::Symbol(SymbolRef { file, unit, id }),
            Res::Free => match self.code(file).module_symbol(name).first() {
                Some(item) => Target::Symbol(SymbolRef { file, unit: item.unit, id: item.id }),
                None => Target::Global(name),
            },
        }
    }

    /// The function of a unit's function id.
    fn fn_ref(file: FileId, unit: u32, id: u32) -> FnRef {
        FnRef { file, unit, id }
    }

    /// The innermost function containing an expression.
    pub fn enclosing_function(&self, r: ExprRef) -> Option<FnRef> {
        let code = self.unit_code(r.file, r.unit)?;
        let span = code.expr(r.id)?.span;
        Some(Self::fn_ref(r.file, r.unit, code.function_at(span)))
    }

    /// The workspace superclasses of a class, nearest first (memoised).
    pub fn ancestors(&self, class: &ClassRef) -> Rc<Vec<ClassRef>> {
        if let Some(found) = self.ancestors_memo.borrow().get(class) {
            return found.clone();
        }
        let found = Rc::new(self.ws.ancestors(class));
        self.ancestors_memo.borrow_mut().insert(class.clone(), found.clone());
        found
    }

    /// The class an instance member function's `this` is (memoised).
    pub fn this_class(&self, f: FnRef) -> Option<ClassRef> {
        if let Some(found) = self.this_memo.borrow().get(&f) {
            return found.clone();
        }
        let found = self.this_class_uncached(f);
        self.this_memo.borrow_mut().insert(f, found.clone());
        found
    }

    fn this_class_uncached(&self, f: FnRef) -> Option<ClassRef> {
        let function = self.function(f)?;
        let unit = self.unit(f.file, f.unit)?;
        let body = match function.this {
            ThisClass::Unknown => return None,
            ThisClass::Class(body) => body.at(unit.start),
            ThisClass::Enclosing => {
                // The member unit's class: the class whose body contains the unit.
                let facts = &self.source(f.file).facts;
                let at = Span::new(unit.start, unit.end);
                let index = facts.classes.iter().rposition(|c| c.body_span.contains_span(at))?;
                return Some(ClassRef { file: self.path(f.file).clone(), index });
            }
        };
        self.class_by_body(f.file, body)
    }

    /// The class of a file whose body is `body`.
    pub fn class_by_body(&self, file: FileId, body: Span) -> Option<ClassRef> {
        let facts = &self.source(file).facts;
        let index = facts.classes.iter().position(|c| c.body_span == body)?;
        Some(ClassRef { file: self.path(file).clone(), index })
    }

    /// True when the class is a Durable Object class of the Worker.
    pub fn is_do_class(&self, class: &ClassRef) -> bool {
        self.do_classes.contains(class)
    }

    /// The Durable Object classes of the Worker's code, in file order.
    pub fn do_classes(&self) -> Vec<ClassRef> {
        let mut out: Vec<ClassRef> = self.do_classes.iter().cloned().collect();
        out.sort_by(|a, b| (&a.file, a.index).cmp(&(&b.file, b.index)));
        out
    }

    /// The functions nested in `f` (arrow functions, callbacks, local functions), at any depth.
    pub fn nested_functions(&self, f: FnRef) -> Vec<FnRef> {
        let Some(code) = self.unit_code(f.file, f.unit) else { return Vec::new() };
        let mut out = Vec::new();
        let mut stack = vec![f.id];
        while let Some(parent) = stack.pop() {
            for (i, g) in code.functions.iter().enumerate() {
                if g.parent == Some(parent) && i as u32 != parent {
                    out.push(Self::fn_ref(f.file, f.unit, i as u32));
                    stack.push(i as u32);
                }
            }
        }
        out
    }

    /// The expressions directly inside a function (not in nested functions), in lowering
    /// order (children before their parents).
    pub fn exprs_in(&self, f: FnRef) -> Vec<ExprRef> {
        let (Some(unit), Some(function)) = (self.unit(f.file, f.unit), self.function(f)) else { return Vec::new() };
        let code = &unit.code;
        code.exprs
            .iter()
            .enumerate()
            .filter(|(_, e)| function.span.contains(e.span) && code.function_at(e.span) == f.id)
            .map(|(i, _)| ExprRef { file: f.file, unit: f.unit, id: i as u32 })
            .collect()
    }

    /// The expression that directly contains `r` (its parent), if any.
    pub fn parent_expr(&self, r: ExprRef) -> Option<ExprRef> {
        let code = self.unit_code(r.file, r.unit)?;
        let span = code.expr(r.id)?.span;
        let mentions = |e: &Expr| -> bool {
            let ids: &[u32] = match e.kind {
                ExprKind::Member { object, .. }
                | ExprKind::Await(object)
                | ExprKind::Spread(object)
                | ExprKind::Unary(object) => return object == r.id,
                ExprKind::Index { object, index } => return object == r.id || index == r.id,
                ExprKind::Call { callee, args } | ExprKind::New { callee, args } => {
                    if callee == r.id {
                        return true;
                    }
                    code.ids(args)
                }
                ExprKind::TaggedTemplate { tag, template } => return tag == r.id || template == r.id,
                ExprKind::Binary { left, right, .. } => return left == r.id || right == r.id,
                ExprKind::Cond { test, consequence, alternative } => {
                    return test == r.id || consequence == r.id || alternative == r.id
                }
                ExprKind::Assign { target, value, .. } => return target == r.id || value == r.id,
                ExprKind::Array(items) | ExprKind::Template(items) | ExprKind::Sequence(items) => code.ids(items),
                ExprKind::Object(props) => return code.props_of(props).iter().any(|p| p.value == r.id),
                _ => return false,
            };
            ids.contains(&r.id)
        };
        // Parents are lowered after their children, and contain them.
        code.exprs
            .iter()
            .enumerate()
            .skip(r.id as usize + 1)
            .find(|(_, e)| e.span.contains(span) && mentions(e))
            .map(|(i, _)| ExprRef { id: i as u32, ..r })
    }

    /// Every class of the Worker's code files.
    pub fn classes(&self) -> Vec<ClassRef> {
        let mut out = Vec::new();
        for path in &self.code_files {
            let Some(file) = self.ws.source(path) else { continue };
            out.extend((0..file.facts.classes.len()).map(|index| ClassRef { file: (*path).clone(), index }));
        }
        out
    }

    /// A member function of a class by its kind (`Constructor`), from the class's own body.
    pub fn member_of_kind(&self, class: &ClassRef, kind: FnKind) -> Option<FnRef> {
        self.class_members(class)
            .members
            .iter()
            .map(|(f, _)| *f)
            .find(|f| self.function(*f).is_some_and(|g| g.kind == kind))
    }

    /// The symbols of a function's parameters that are plain identifiers, in order (`None` for
    /// a pattern).
    pub fn param_names(&self, f: FnRef) -> Vec<Option<&'a str>> {
        let (Some(unit), Some(function)) = (self.unit(f.file, f.unit), self.function(f)) else { return Vec::new() };
        unit.code
            .params_of(function)
            .iter()
            .map(|p| p.symbol.map(|s| self.symbol_name(SymbolRef { file: f.file, unit: f.unit, id: s })))
            .collect()
    }

    /// The whole-statement call record of a call, if the call is a statement of its own.
    pub fn statement_of(&self, call: ExprRef) -> Option<(Span, Option<Span>, bool)> {
        let unit = self.unit(call.file, call.unit)?;
        let s = unit.code.statements.iter().find(|s| s.call == call.id)?;
        Some((s.span.at(unit.start), s.block.map(|b| b.at(unit.start)), s.awaited))
    }

    /// The calls directly inside a function (not in nested functions), in source order.
    pub fn calls_in(&self, f: FnRef) -> Vec<ExprRef> {
        let Some(function) = self.function(f) else { return Vec::new() };
        self.ids(f.file, f.unit, function.calls).iter().map(|&id| ExprRef { file: f.file, unit: f.unit, id }).collect()
    }

    /// The member functions of a class (methods, accessors, the constructor, field
    /// initialisers), with their names, in source order; ancestors' members are not included.
    pub fn class_members(&self, class: &ClassRef) -> Rc<ClassTable> {
        if let Some(found) = self.classes.borrow().get(class) {
            return found.clone();
        }
        let table = Rc::new(self.class_table(class));
        self.classes.borrow_mut().insert(class.clone(), table.clone());
        table
    }

    fn class_table(&self, class: &ClassRef) -> ClassTable {
        let mut table = ClassTable::default();
        let Some(file) = self.file_id(&class.file) else { return table };
        let Some(fact) = self.source(file).facts.classes.get(class.index) else { return table };
        let body = fact.body_span;
        let code = self.code(file);
        let first = code.units.partition_point(|u| u.end <= body.start);
        for (u, unit) in code.units.iter().enumerate().skip(first) {
            if unit.start >= body.end {
                break;
            }
            let u = u as u32;
            for (i, function) in unit.code.functions.iter().enumerate() {
                let member_kind =
                    matches!(function.kind, FnKind::Method | FnKind::Getter | FnKind::Setter | FnKind::Constructor)
                        || (function.kind == FnKind::Top && function.name.is_some() && i > 0);
                if !member_kind || !body.contains_span(function.span.at(unit.start)) {
                    continue;
                }
                let r = Self::fn_ref(file, u, i as u32);
                let mine = match function.this {
                    // A static member: the class whose body holds it most closely.
                    ThisClass::Unknown => {
                        function.is_static
                            && self.innermost_class(file, function.span.at(unit.start)) == Some(class.index)
                    }
                    _ => self.this_class(r).as_ref() == Some(class),
                };
                let Some(name) = function.name.filter(|_| mine) else { continue };
                let name: Rc<str> = Rc::from(self.rel_text(file, u, name));
                if function.kind == FnKind::Constructor {
                    for p in unit.code.params_of(function).iter().filter(|p| p.property) {
                        let Some(symbol) = p.symbol else { continue };
                        let s = SymbolRef { file, unit: u, id: symbol };
                        table.parameter_properties.push((Rc::from(self.symbol_name(s)), s));
                    }
                }
                if !function.is_static {
                    table.by_name.entry(name.clone()).or_insert(r);
                }
                table.members.push((r, name));
            }
            // `this.x = value` where `this` is an instance of the class.
            for &a in &unit.code.assigns {
                let Some(e) = unit.code.expr(a) else { continue };
                if !body.contains_span(e.span.at(unit.start)) {
                    continue;
                }
                let ExprKind::Assign { target, value, compound: false } = e.kind else { continue };
                let Some(ExprKind::Member { object, property }) = unit.code.expr(target).map(|t| t.kind) else {
                    continue;
                };
                if unit.code.expr(object).map(|o| o.kind) != Some(ExprKind::This) {
                    continue;
                }
                let here = ExprRef { file, unit: u, id: a };
                let same_this = self.enclosing_function(here).and_then(|g| self.this_class(g)).as_ref() == Some(class);
                if same_this {
                    let name: Rc<str> = Rc::from(self.rel_text(file, u, property));
                    table.this_assignments.entry(name).or_default().push(ExprRef { file, unit: u, id: value });
                }
            }
        }
        table
    }

    /// The index of the innermost class of a file whose body contains `span`.
    fn innermost_class(&self, file: FileId, span: Span) -> Option<usize> {
        self.source(file).facts.classes.iter().rposition(|c| c.body_span.contains_span(span))
    }

    /// The member function `name` of a class or its workspace ancestors, with the class that
    /// declares it (methods, accessors, constructors, field initialisers).
    pub fn find_member(&self, class: &ClassRef, name: &str) -> Option<(ClassRef, FnRef)> {
        std::iter::once(class.clone()).chain(self.ancestors(class).iter().cloned()).find_map(|c| {
            let table = self.class_members(&c);
            table.by_name.get(name).map(|f| (c.clone(), *f))
        })
    }

    /// The value of a workspace symbol, without a frame.
    pub fn symbol_value(&self, s: SymbolRef) -> Value {
        self.symbol_value_in(s, None)
    }

    /// The symbol assigned by `target` (an identifier), if any.
    fn assigned_symbol(&self, target: ExprRef) -> Option<SymbolRef> {
        match self.resolve_ident(target)? {
            Target::Symbol(s) => Some(s),
            Target::Global(_) => None,
        }
    }

    /// The assignments (`x = value`) of a file's symbols.
    fn assignments_of(&self, file: FileId) -> Rc<Assignments> {
        if let Some(found) = self.assignments.borrow().get(&file) {
            return found.clone();
        }
        let mut map: FxHashMap<SymbolRef, Vec<ExprRef>> = FxHashMap::default();
        for (u, unit) in self.code(file).units.iter().enumerate() {
            for &a in &unit.code.assigns {
                let Some(ExprKind::Assign { target, .. }) = unit.code.expr(a).map(|e| e.kind) else { continue };
                let target = ExprRef { file, unit: u as u32, id: target };
                if let Some(symbol) = self.assigned_symbol(target) {
                    map.entry(symbol).or_default().push(ExprRef { file, unit: u as u32, id: a });
                }
            }
        }
        let map = Rc::new(map);
        self.assignments.borrow_mut().insert(file, map.clone());
        map
    }

    /// Every place of the Worker's code that names `symbol`: its declaration, the identifiers,
    /// type names and export clauses that denote it in its file, and in the files that import
    /// it (an `import { X }` names it too, and so do that file's own uses of `X`; an aliased
    /// `import { X as Y }` names it only in `X`). The one usages search of references and
    /// rename: a local that shadows the name is not among them.
    pub fn usages(&self, symbol: SymbolRef) -> Vec<Usage> {
        let mut out = Vec::new();
        let mut wanted = vec![symbol];
        let mut seen: FxHashSet<SymbolRef> = FxHashSet::default();
        while let Some(s) = wanted.pop() {
            if !seen.insert(s) {
                continue;
            }
            out.push(Usage { file: s.file, span: self.symbol_span(s), kind: UsageKind::Declaration });
            let code = self.code(s.file);
            for (u, unit) in code.units.iter().enumerate() {
                let u = u as u32;
                let denotes = |res: Res, span: RelSpan| {
                    let name = self.rel_text(s.file, u, span);
                    self.resolve_name(s.file, u, res, name) == Target::Symbol(s)
                };
                let shorthand: FxHashSet<u32> = unit
                    .code
                    .props
                    .iter()
                    .filter(
                        |p| matches!(p.key, PropKey::Name(k) if unit.code.expr(p.value).is_some_and(|v| v.span == k)),
                    )
                    .map(|p| p.value)
                    .collect();
                for (id, e) in unit.code.exprs.iter().enumerate() {
                    if let ExprKind::Ident(res) = e.kind {
                        if denotes(res, e.span) {
                            let kind = if shorthand.contains(&(id as u32)) {
                                UsageKind::ShorthandProperty
                            } else {
                                UsageKind::Reference
                            };
                            out.push(Usage { file: s.file, span: e.span.at(unit.start), kind });
                        }
                    }
                }
                for t in &unit.code.type_refs {
                    if denotes(t.res, t.span) {
                        out.push(Usage { file: s.file, span: t.span.at(unit.start), kind: UsageKind::Reference });
                    }
                }
                for x in &unit.code.export_refs {
                    if denotes(x.res, x.span) {
                        out.push(Usage { file: s.file, span: x.span.at(unit.start), kind: UsageKind::Reference });
                    }
                }
            }
            // Imports of it in the Worker's other files.
            for path in self.code_files.clone() {
                let Some(file) = self.file_id(path) else { continue };
                for (u, unit) in self.code(file).units.iter().enumerate() {
                    for (i, sym) in unit.code.symbols.iter().enumerate() {
                        let Some(source) = sym.import else { continue };
                        let r = SymbolRef { file, unit: u as u32, id: i as u32 };
                        if seen.contains(&r) || self.import_target(r) != Some(s) {
                            continue;
                        }
                        match source.imported {
                            // `import { X }`: the specifier is the local name too.
                            Imported::Named(name) if name == sym.name => wanted.push(r),
                            // `import { X as Y }`: only `X` names it.
                            Imported::Named(name) => {
                                out.push(Usage { file, span: name.at(unit.start), kind: UsageKind::ImportedName });
                            }
                            Imported::Default | Imported::Namespace => {}
                        }
                    }
                }
            }
        }
        out.sort_by_key(|u| (u.file, u.span));
        out.dedup();
        out
    }

    /// The module-level symbol a class of the facts is declared by.
    pub fn class_symbol(&self, class: &ClassRef) -> Option<SymbolRef> {
        let file = self.file_id(&class.file)?;
        let body = self.source(file).facts.classes.get(class.index)?.body_span;
        let code = self.code(file);
        code.units.iter().enumerate().find_map(|(u, unit)| {
            unit.code.symbols.iter().enumerate().find_map(|(i, s)| {
                (s.class_body.map(|b| b.at(unit.start)) == Some(body)).then_some(SymbolRef {
                    file,
                    unit: u as u32,
                    id: i as u32,
                })
            })
        })
    }

    /// The `this.name` expressions of a class's own code (its members and the functions nested
    /// in them, where `this` is the instance), with the name's span.
    pub fn this_members(&self, class: &ClassRef, name: &str) -> Vec<(FileId, Span)> {
        let mut out = Vec::new();
        for (member, _) in self.class_members(class).members.iter() {
            for f in std::iter::once(*member).chain(self.nested_functions(*member)) {
                if self.this_class(f).as_ref() != Some(class) {
                    continue;
                }
                for e in self.exprs_in(f) {
                    let Some(ExprKind::Member { object, property }) = self.expr(e).map(|x| x.kind) else { continue };
                    let this = self.expr(ExprRef { id: object, ..e }).is_some_and(|o| o.kind == ExprKind::This);
                    if this && self.rel_text(e.file, e.unit, property) == name {
                        out.push((e.file, self.rel_span(e.file, e.unit, property)));
                    }
                }
            }
        }
        out
    }
}

/// A place that names a symbol (see [`Model::usages`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Usage {
    /// The file.
    pub file: FileId,
    /// The name.
    pub span: Span,
    /// How the place names it.
    pub kind: UsageKind,
}

/// How a place names a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UsageKind {
    /// The declaration (a class's name, an import specifier that brings it in as itself).
    Declaration,
    /// An identifier, a type name or an export clause.
    Reference,
    /// A shorthand property `{ X }`: a rename keeps the key (`{ X: Y }`).
    ShorthandProperty,
    /// The imported name of `import { X as Y }`.
    ImportedName,
}

/// What rules read of a call's callee (see [`Model::method_call`], [`Model::callee_name`]).
#[derive(Debug, Clone, Copy)]
struct CallInfo<'a> {
    method: Option<(ExprRef, &'a str, Span)>,
    name: &'a str,
}

/// Values by (file, unit, id), in vectors: the model asks for tens of thousands per analysis,
/// and indexing beats hashing.
pub(crate) struct Dense<T = Value> {
    files: Vec<Vec<Vec<Option<T>>>>,
}

impl<T> Default for Dense<T> {
    fn default() -> Self {
        Dense { files: Vec::new() }
    }
}

impl<T> Dense<T> {
    /// The value stored for an id, if any.
    pub(crate) fn get(&self, file: FileId, unit: u32, id: u32) -> Option<&T> {
        self.files.get(file as usize)?.get(unit as usize)?.get(id as usize)?.as_ref()
    }

    /// Stores a value.
    pub(crate) fn insert(&mut self, file: FileId, unit: u32, id: u32, value: T) {
        let units = grow(&mut self.files, file as usize);
        let slots = grow(units, unit as usize);
        *grow(slots, id as usize) = Some(value);
    }
}

/// The slot at `index`, growing `v` with defaults up to it.
fn grow<T: Default>(v: &mut Vec<T>, index: usize) -> &mut T {
    if v.len() <= index {
        v.resize_with(index + 1, T::default);
    }
    &mut v[index]
}

/// The assignments (`x = value`) of a file, by the symbol they assign.
type Assignments = FxHashMap<SymbolRef, Vec<ExprRef>>;

/// What the model knows of one class's own body.
#[derive(Debug, Default)]
pub struct ClassTable {
    /// Member functions (methods, accessors, the constructor, field initialisers) with their
    /// names, in source order.
    pub members: Vec<(FnRef, Rc<str>)>,
    /// Instance members by name (the first of a name).
    by_name: FxHashMap<Rc<str>, FnRef>,
    /// For each `this.x`, the values assigned to it in the class's code.
    this_assignments: FxHashMap<Rc<str>, Vec<ExprRef>>,
    /// The constructor's TypeScript parameter properties (`constructor(private ctx: ...)`).
    parameter_properties: Vec<(Rc<str>, SymbolRef)>,
}

impl Workspace {
    /// A source file with the key it is stored under.
    pub fn source_entry(&self, path: &Path) -> Option<(&Arc<PathBuf>, &SourceFile)> {
        self.sources_entry(path)
    }
}
