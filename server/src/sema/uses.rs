//! Uses of the Worker's bindings and DO stubs across its code: what the rules about call
//! sites and the editor's navigation read.

use std::rc::Rc;

use super::value::Value;
use super::{ExprRef, FileId, Model, SymbolRef, Target};
use crate::facts::code::{ExprKind, PathStep};
use crate::text::Span;

/// A method called on a DO stub.
#[derive(Debug, Clone)]
pub struct StubCall {
    /// The call.
    pub call: ExprRef,
    /// The bindings the stub may come from (every alternative is a stub).
    pub bindings: Vec<Rc<str>>,
    /// The method's name.
    pub method: Rc<str>,
    /// The method's name in the file.
    pub method_span: Span,
}

/// A place naming an env binding: `env.X` (the `X`), or `X` in `const { X } = env`.
#[derive(Debug, Clone, PartialEq)]
pub struct BindingName {
    /// The file.
    pub file: FileId,
    /// The name in the file.
    pub span: Span,
    /// The binding.
    pub name: Rc<str>,
    /// True for a destructuring key (renaming it renames the key, not a local).
    pub destructured: bool,
}

/// Where the Worker's code calls a method of a binding's namespace.
#[derive(Debug, Clone)]
pub struct NamespaceCall {
    /// The call.
    pub call: ExprRef,
    /// The binding.
    pub binding: Rc<str>,
    /// The method's name.
    pub method: Rc<str>,
    /// The place naming the binding, when the model can tell it.
    pub named_at: Option<BindingName>,
}

impl Model<'_> {
    /// Every call and `new` expression of the Worker's code, file by file, in source order.
    pub fn worker_calls(&self) -> Rc<Vec<ExprRef>> {
        if let Some(found) = self.calls_cache.borrow().as_ref() {
            return found.clone();
        }
        let mut out = Vec::new();
        for path in self.code_files.clone() {
            let Some(file) = self.file_id(path) else { continue };
            for (u, unit) in self.code(file).units.iter().enumerate() {
                for function in &unit.code.functions {
                    out.extend(unit.code.ids(function.calls).iter().map(|&id| ExprRef { file, unit: u as u32, id }));
                }
            }
        }
        let out = Rc::new(out);
        *self.calls_cache.borrow_mut() = Some(out.clone());
        out
    }

    /// Every method called on a DO stub in the Worker's code.
    pub fn stub_calls(&self) -> Rc<Vec<StubCall>> {
        if let Some(found) = self.stubs_cache.borrow().as_ref() {
            return found.clone();
        }
        let mut out = Vec::new();
        for &call in self.worker_calls().iter() {
            if !matches!(self.expr(call).map(|e| e.kind), Some(ExprKind::Call { .. })) {
                continue;
            }
            let Some((object, method, method_span)) = self.method_call(call) else { continue };
            let receiver = self.eval(object);
            let Some(bindings) = receiver.stub_bindings() else { continue };
            out.push(StubCall {
                call,
                bindings: bindings.into_iter().map(Rc::from).collect(),
                method: method.into(),
                method_span,
            });
        }
        let out = Rc::new(out);
        *self.stubs_cache.borrow_mut() = Some(out.clone());
        out
    }

    /// Every call of one of `methods` on a binding (a namespace, or another kind of binding) in
    /// the Worker's code.
    pub fn namespace_calls(&self, methods: &[&str]) -> Vec<NamespaceCall> {
        let mut out = Vec::new();
        for &call in self.worker_calls().iter() {
            let Some((object, method, _)) = self.method_call(call) else { continue };
            if !methods.contains(&method) {
                continue;
            }
            let receiver = self.eval(object);
            let Some(binding) = receiver.binding() else { continue };
            out.push(NamespaceCall {
                call,
                binding: binding.into(),
                method: method.into(),
                named_at: self.binding_name_of(object, 0),
            });
        }
        out
    }

    /// The place that names the binding an expression (whose value is a binding) comes from:
    /// `env.X` -> `X`; a variable -> its initialiser's, or its destructuring key.
    pub fn binding_name_of(&self, r: ExprRef, depth: u32) -> Option<BindingName> {
        if depth > 8 {
            return None;
        }
        let expr = self.expr(r)?;
        match expr.kind {
            ExprKind::Member { object, property } => {
                let object = ExprRef { id: object, ..r };
                if !self.eval(object).all(|v| *v == Value::Env) {
                    return self.binding_name_of(object, depth + 1);
                }
                Some(BindingName {
                    file: r.file,
                    span: self.rel_span(r.file, r.unit, property),
                    name: self.rel_text(r.file, r.unit, property).into(),
                    destructured: false,
                })
            }
            ExprKind::Ident(_) => match self.resolve_ident(r)? {
                Target::Symbol(s) => self.symbol_binding_name(s, depth + 1),
                Target::Global(_) => None,
            },
            ExprKind::Await(inner) => self.binding_name_of(ExprRef { id: inner, ..r }, depth + 1),
            ExprKind::Call { .. } => {
                // `env.X.jurisdiction("eu")`
                let (object, method, _) = self.method_call(r)?;
                (method == "jurisdiction").then(|| self.binding_name_of(object, depth + 1)).flatten()
            }
            _ => None,
        }
    }

    /// The place naming the binding a variable holds.
    fn symbol_binding_name(&self, s: SymbolRef, depth: u32) -> Option<BindingName> {
        let symbol = self.symbol(s)?;
        let init = ExprRef { file: s.file, unit: s.unit, id: symbol.init? };
        let code = self.unit(s.file, s.unit)?;
        match code.code.path_of(symbol) {
            [] => self.binding_name_of(init, depth),
            [PathStep::Key(key)] if self.eval(init).all(|v| *v == Value::Env) => Some(BindingName {
                file: s.file,
                span: self.rel_span(s.file, s.unit, *key),
                name: self.rel_text(s.file, s.unit, *key).into(),
                destructured: true,
            }),
            _ => None,
        }
    }

    /// Every place in a file of the Worker's code that names an env binding: `env.X`, and
    /// keys of patterns that destructure the env.
    pub fn binding_names_in(&self, file: FileId) -> Vec<BindingName> {
        let mut out = Vec::new();
        for (u, unit) in self.code(file).units.iter().enumerate() {
            let u = u as u32;
            for (id, e) in unit.code.exprs.iter().enumerate() {
                let ExprKind::Member { object, property } = e.kind else { continue };
                let object = ExprRef { file, unit: u, id: object };
                let _ = id;
                if self.eval(object).all(|v| *v == Value::Env) {
                    out.push(BindingName {
                        file,
                        span: self.rel_span(file, u, property),
                        name: self.rel_text(file, u, property).into(),
                        destructured: false,
                    });
                }
            }
            for (id, symbol) in unit.code.symbols.iter().enumerate() {
                let Some(PathStep::Key(key)) = unit.code.path_of(symbol).first().copied() else { continue };
                let Some(init) = symbol.init else { continue };
                // One binding per key: a pattern binding several names repeats its init.
                let s = SymbolRef { file, unit: u, id: id as u32 };
                let _ = s;
                if self.eval(ExprRef { file, unit: u, id: init }).all(|v| *v == Value::Env) {
                    let name = BindingName {
                        file,
                        span: self.rel_span(file, u, key),
                        name: self.rel_text(file, u, key).into(),
                        destructured: true,
                    };
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
        out.sort_by_key(|n| n.span);
        out
    }
}

/// A `sql.exec(...)` call as one context sees it: the Worker's code on its own (`frame`
/// `None`), or a function a Durable Object class calls with its arguments bound.
#[derive(Debug, Clone)]
pub struct SqlExec {
    /// The call.
    pub call: ExprRef,
    /// The frame of the function it is in, when reached through calls from a class.
    pub frame: Option<Rc<super::Frame>>,
}

impl Model<'_> {
    /// Every `exec` call on a DO's SQL API (`this.ctx.storage.sql.exec`, through aliases and
    /// helpers), once per context the model sees it in: on its own, and inside each function a
    /// DO class calls (where a helper's `sql` parameter is the class's SQL API).
    pub fn sql_execs(&self) -> Rc<Vec<SqlExec>> {
        if let Some(found) = self.sql_cache.borrow().as_ref() {
            return found.clone();
        }
        let is_exec = |call: ExprRef, frame: Option<&Rc<super::Frame>>| {
            self.method_call(call).is_some_and(|(object, method, _)| {
                method == "exec" && self.eval_in(object, frame).all(|v| *v == Value::Sql)
            })
        };
        let mut out: Vec<SqlExec> = Vec::new();
        for &call in self.worker_calls().iter() {
            if self.callee_name(call) == "exec" && is_exec(call, None) {
                out.push(SqlExec { call, frame: None });
            }
        }
        for class in self.do_classes() {
            for site in self.class_sites(&class).iter().filter(|s| s.frame.is_some()) {
                if self.callee_name(site.call) == "exec" && is_exec(site.call, site.frame.as_ref()) {
                    out.push(SqlExec { call: site.call, frame: site.frame.clone() });
                }
            }
        }
        let out = Rc::new(out);
        *self.sql_cache.borrow_mut() = Some(out.clone());
        out
    }
}
