//! The evaluator: what an expression may be ([`Value`]), following names to their
//! declarations, imports to their modules, calls to what the function returns and parameters
//! to the arguments of the call being followed.

use std::rc::Rc;

use super::value::Value;
use super::{ExprRef, FileId, FnRef, Frame, Model, Origin, SymbolRef, Target, MAX_CALL_DEPTH, MAX_EVAL_DEPTH};
use crate::facts::code::{BinaryOp, ExprKind, FnKind, ImportSource, Imported, PathStep, PropKey, RelSpan, SymbolKind};
use crate::facts::ExportFact;
use crate::index::ClassRef;

/// The modules whose `env` export is the Worker's env.
const ENV_MODULE: &str = "cloudflare:workers";

impl<'a> Model<'a> {
    /// What an expression may be, without a frame (parameters are [`Value::Param`]).
    pub fn eval(&self, r: ExprRef) -> Value {
        self.eval_in(r, None)
    }

    /// What an expression may be inside `frame` (the call being followed, if any).
    pub fn eval_in(&self, r: ExprRef, frame: Option<&Rc<Frame>>) -> Value {
        // A value the expression has without a frame, when it depends on no parameter, is its
        // value in any frame: the memoised one serves (most of a followed function's calls).
        if frame.is_some() {
            let frameless = self.eval_in(r, None);
            if frameless.is_definite() {
                return frameless;
            }
        }
        if frame.is_none() {
            if let Some(v) = self.memo.borrow().get(r.file, r.unit, r.id) {
                return v.clone();
            }
            // A cycle (`let x = x + 1`, mutual constants) ends here as `Unknown`.
            self.memo.borrow_mut().insert(r.file, r.unit, r.id, Value::Unknown);
        }
        let depth = self.depth.get();
        let value = if depth >= MAX_EVAL_DEPTH {
            Value::Unknown
        } else {
            self.depth.set(depth + 1);
            let value = self.compute(r, frame);
            self.depth.set(depth);
            value
        };
        if frame.is_none() {
            self.memo.borrow_mut().insert(r.file, r.unit, r.id, value.clone());
        }
        value
    }

    fn compute(&self, r: ExprRef, frame: Option<&Rc<Frame>>) -> Value {
        let Some(expr) = self.expr(r) else { return Value::Unknown };
        let at = |id: u32| ExprRef { id, ..r };
        match expr.kind {
            ExprKind::Ident(_) => match self.resolve_ident(r) {
                Some(Target::Symbol(s)) => self.symbol_value_in(s, frame),
                Some(Target::Global(name)) => global(name),
                None => Value::Unknown,
            },
            ExprKind::This => self.this_value(r, frame),
            ExprKind::Super => Value::Unknown,
            ExprKind::Member { object, property } => {
                let object = self.eval_in(at(object), frame);
                let name = self.rel_text(r.file, r.unit, property);
                self.member(&object, name, frame)
            }
            ExprKind::Index { object, index } => {
                let object = self.eval_in(at(object), frame);
                let index = self.eval_in(at(index), frame);
                match index.as_str() {
                    Some(key) => self.member(&object, key, frame),
                    None => Value::Unknown,
                }
            }
            ExprKind::Call { .. } => self.call_value(r, frame),
            ExprKind::New { callee, .. } => match self.eval_in(at(callee), frame) {
                Value::Global(name) if &*name == "WebSocketPair" => Value::SocketPair,
                Value::Class(class) => Value::Instance(class),
                _ => Value::Unknown,
            },
            ExprKind::TaggedTemplate { .. } | ExprKind::Import { .. } => Value::Unknown,
            ExprKind::Str => {
                let span = self.span(r);
                let text = self.text(r.file).get(span.start + 1..span.end.saturating_sub(1)).unwrap_or("");
                Value::Str(text.into(), Some(Origin { file: r.file, span }))
            }
            ExprKind::TemplateText => Value::str(self.expr_text(r)),
            ExprKind::Template(parts) => {
                let ids = self.ids(r.file, r.unit, parts);
                // A template without substitutions is a literal with an origin, as a string.
                if ids.iter().all(|&id| self.expr(at(id)).is_some_and(|e| e.kind == ExprKind::TemplateText)) {
                    let text: String = ids.iter().map(|&id| self.expr_text(at(id))).collect();
                    return Value::Str(text.into(), Some(Origin { file: r.file, span: self.span(r) }));
                }
                // Each piece's alternatives joined to the text so far (`${before ? a : b}`).
                let mut value = Value::str("");
                for &id in ids {
                    value = concat(&value, &self.eval_in(at(id), frame));
                    if value == Value::Unknown {
                        return Value::Unknown;
                    }
                }
                value
            }
            ExprKind::Num => Value::Num(self.expr_text(r).into()),
            ExprKind::Bool(b) => Value::Bool(b),
            ExprKind::Null | ExprKind::Undefined => Value::Nullish,
            ExprKind::Binary { op, left, right } => {
                let l = self.eval_in(at(left), frame);
                let r2 = self.eval_in(at(right), frame);
                match op {
                    BinaryOp::Add => concat(&l, &r2),
                    BinaryOp::Or | BinaryOp::Nullish => Value::union(vec![l, r2]),
                    BinaryOp::And | BinaryOp::Other => Value::Unknown,
                }
            }
            ExprKind::Cond { consequence, alternative, .. } => {
                Value::union(vec![self.eval_in(at(consequence), frame), self.eval_in(at(alternative), frame)])
            }
            ExprKind::Array(items) => {
                let ids = self.ids(r.file, r.unit, items);
                if ids.iter().any(|&id| matches!(self.expr(at(id)).map(|e| e.kind), Some(ExprKind::Spread(_)))) {
                    return Value::Unknown;
                }
                Value::Array(ids.iter().map(|&id| self.eval_in(at(id), frame)).collect())
            }
            ExprKind::Object(props) => {
                let Some(code) = self.unit_code(r.file, r.unit) else { return Value::Unknown };
                let mut out = Vec::new();
                for prop in code.props_of(props) {
                    match prop.key {
                        PropKey::Name(name) => {
                            let key: Rc<str> = self.rel_text(r.file, r.unit, name).into();
                            out.push((key, self.eval_in(at(prop.value), frame)));
                        }
                        // A computed key or a spread: the object's keys are not all known.
                        PropKey::Computed(_) | PropKey::Spread => return Value::Unknown,
                    }
                }
                Value::Object(out.into())
            }
            ExprKind::Function(f) => {
                let function = super::FnRef { file: r.file, unit: r.unit, id: f };
                let this = self.this_class(function);
                Value::Function { function, this }
            }
            ExprKind::Class(body) => {
                let span = self.unit(r.file, r.unit).map(|u| body.at(u.start));
                span.and_then(|s| self.class_by_body(r.file, s)).map_or(Value::Unknown, Value::Class)
            }
            ExprKind::Await(inner) => self.eval_in(at(inner), frame),
            ExprKind::Assign { value, compound, .. } => {
                if compound {
                    Value::Unknown
                } else {
                    self.eval_in(at(value), frame)
                }
            }
            ExprKind::Sequence(items) => match self.ids(r.file, r.unit, items).last() {
                Some(&last) => self.eval_in(at(last), frame),
                None => Value::Unknown,
            },
            ExprKind::Spread(_) | ExprKind::Unary(_) | ExprKind::Other => Value::Unknown,
        }
    }

    /// `this` at an expression: the instance of the class whose member the code is in.
    fn this_value(&self, r: ExprRef, frame: Option<&Rc<Frame>>) -> Value {
        let Some(f) = self.enclosing_function(r) else { return Value::Unknown };
        if let Some(class) = self.this_class(f) {
            return Value::Instance(class);
        }
        // A function called as a method of an instance (`obj.m = function () {}` aside, rare).
        match frame {
            Some(frame) if frame.function == f => frame.this.clone().map_or(Value::Unknown, Value::Instance),
            _ => Value::Unknown,
        }
    }

    /// The value of a symbol in `frame`.
    pub(super) fn symbol_value_in(&self, s: SymbolRef, frame: Option<&Rc<Frame>>) -> Value {
        let Some(symbol) = self.symbol(s) else { return Value::Unknown };
        // A frame only matters for parameters and what is computed from them.
        let frameless = frame.is_none() || symbol.scope.is_none();
        if frameless {
            if let Some(v) = self.symbol_memo.borrow().get(s.file, s.unit, s.id) {
                return v.clone();
            }
            self.symbol_memo.borrow_mut().insert(s.file, s.unit, s.id, Value::Unknown);
        }
        let frame = if frameless { None } else { frame };
        // In a frame: a symbol whose value depends on itself (`x = x + 1`) is `Unknown`.
        let key = (s, frame.map_or(0, |f| Rc::as_ptr(f) as usize));
        if frame.is_some() && !self.in_progress.borrow_mut().insert(key) {
            return Value::Unknown;
        }
        let value = self.symbol_value_uncached(s, symbol, frame);
        if frame.is_some() {
            self.in_progress.borrow_mut().remove(&key);
        }
        if frameless {
            self.symbol_memo.borrow_mut().insert(s.file, s.unit, s.id, value.clone());
        }
        value
    }

    /// [`Model::symbol_value_in`] without its caches and guards.
    fn symbol_value_uncached(
        &self,
        s: SymbolRef,
        symbol: &crate::facts::code::Symbol,
        frame: Option<&Rc<Frame>>,
    ) -> Value {
        let at = |id: u32| ExprRef { file: s.file, unit: s.unit, id };
        let base = match symbol.kind {
            SymbolKind::Import => match symbol.import {
                Some(source) => self.import_value(s.file, s.unit, source),
                None => Value::Unknown,
            },
            SymbolKind::Function => match symbol.function {
                Some(id) => Value::Function { function: FnRef { file: s.file, unit: s.unit, id }, this: None },
                None => Value::Unknown,
            },
            SymbolKind::Class => {
                let body = symbol.class_body.zip(self.unit(s.file, s.unit)).map(|(b, u)| b.at(u.start));
                body.and_then(|b| self.class_by_body(s.file, b)).map_or(Value::Unknown, Value::Class)
            }
            SymbolKind::Param => self.param_value(s, frame),
            SymbolKind::Const | SymbolKind::Let | SymbolKind::Var => {
                let assigned = match symbol.kind {
                    SymbolKind::Const => Vec::new(),
                    _ => self.assignments_of(s.file).get(&s).cloned().unwrap_or_default(),
                };
                // `let x;` assigned later: its values are the assignments' (a use before them
                // would read `undefined`, which no rule is about).
                let init = match symbol.init {
                    Some(init) => Some(self.follow_path(s, self.eval_in(at(init), frame), frame)),
                    None if assigned.is_empty() => Some(Value::Nullish),
                    None => None,
                };
                let mut all: Vec<Value> = init.into_iter().collect();
                all.extend(assigned.into_iter().map(|a| self.eval_in(a, frame)));
                Value::union(all)
            }
            SymbolKind::CatchParam | SymbolKind::Enum | SymbolKind::Namespace | SymbolKind::TypeOnly => Value::Unknown,
        };
        // The name heuristics of Workers code: a parameter or variable called `env` that the
        // model cannot follow is the Worker's env (`fetch(request, env, ctx)`), one called
        // `storage` a DO's storage (`function migrate(storage) { storage.sql.exec(...) }`).
        match base {
            Value::Unknown | Value::Param(..) => match self.symbol_name(s) {
                "env" => Value::Env,
                "storage" => Value::Storage,
                _ => base,
            },
            other => other,
        }
    }

    /// Applies a destructured symbol's path (and default) to the value it destructures.
    fn follow_path(&self, s: SymbolRef, whole: Value, frame: Option<&Rc<Frame>>) -> Value {
        let Some(symbol) = self.symbol(s) else { return Value::Unknown };
        let Some(code) = self.unit_code(s.file, s.unit) else { return Value::Unknown };
        let mut value = whole;
        for step in code.path_of(symbol) {
            value = match step {
                PathStep::Key(key) => self.member(&value, self.rel_text(s.file, s.unit, *key), frame),
                PathStep::Index(i) => self.member(&value, &i.to_string(), frame),
                PathStep::Unknown => Value::Unknown,
            };
        }
        match symbol.default {
            Some(default) if value == Value::Unknown || value == Value::Nullish => {
                let d = self.eval_in(ExprRef { file: s.file, unit: s.unit, id: default }, frame);
                if value == Value::Nullish {
                    d
                } else {
                    Value::Unknown
                }
            }
            _ => value,
        }
    }

    /// A parameter's value: the argument of the call being followed, or what the runtime
    /// passes a DO class's constructor; otherwise a [`Value::Param`].
    fn param_value(&self, s: SymbolRef, frame: Option<&Rc<Frame>>) -> Value {
        let Some(symbol) = self.symbol(s) else { return Value::Unknown };
        let Some((function, index)) = symbol.param else { return Value::Unknown };
        let f = FnRef { file: s.file, unit: s.unit, id: function };
        let mut current = frame;
        while let Some(fr) = current {
            if fr.function == f {
                let whole = match fr.args.get(index as usize) {
                    Some(&arg) => {
                        let is_spread = matches!(self.expr(arg).map(|e| e.kind), Some(ExprKind::Spread(_)));
                        if is_spread {
                            Value::Unknown
                        } else {
                            self.eval_in(arg, fr.parent.as_ref())
                        }
                    }
                    None => Value::Nullish,
                };
                return self.follow_path(s, whole, frame);
            }
            current = fr.parent.as_ref();
        }
        // The runtime constructs a DO class with (state, env).
        if let Some(function) = self.function(f) {
            if function.kind == FnKind::Constructor {
                if let Some(class) = self.this_class(f).filter(|c| self.is_do_class(c)) {
                    let _ = class;
                    let whole = match index {
                        0 => Value::State,
                        1 => Value::Env,
                        _ => Value::Unknown,
                    };
                    return self.follow_path(s, whole, None);
                }
            }
        }
        let path = self.symbol(s).map_or(0, |sym| sym.path.len);
        if path == 0 && symbol.default.is_none() {
            Value::Param(f, index)
        } else {
            Value::Unknown
        }
    }

    /// What an import brings in.
    fn import_value(&self, file: FileId, unit: u32, source: ImportSource) -> Value {
        if source.type_only {
            return Value::Unknown;
        }
        let specifier = self.rel_text(file, unit, source.specifier);
        let name = match source.imported {
            Imported::Named(n) => self.rel_text(file, unit, n),
            Imported::Default => "default",
            Imported::Namespace => "*",
        };
        if specifier == ENV_MODULE && name == "env" {
            return Value::Env;
        }
        let target = self.ws.resolve_module(self.path(file), specifier).and_then(|p| self.file_id(&p));
        match target {
            Some(target) if name == "*" => Value::Object(self.module_object(target)),
            Some(target) => self.exported_value(target, name, &mut Vec::new()),
            None => Value::External { module: specifier.into(), path: name.into() },
        }
    }

    /// The symbol an import symbol brings in, when it is a workspace symbol.
    pub fn import_target(&self, s: SymbolRef) -> Option<SymbolRef> {
        let symbol = self.symbol(s)?;
        let source = symbol.import?;
        let name = match source.imported {
            Imported::Named(n) => self.rel_text(s.file, s.unit, n),
            Imported::Default => "default",
            Imported::Namespace => return None,
        };
        let specifier = self.rel_text(s.file, s.unit, source.specifier);
        let target = self.ws.resolve_module(self.path(s.file), specifier).and_then(|p| self.file_id(&p))?;
        self.exported_symbol(target, name, &mut Vec::new())
    }

    /// The module-level symbol a file exports as `name`, through re-exports.
    pub fn exported_symbol(&self, file: FileId, name: &str, visiting: &mut Vec<FileId>) -> Option<SymbolRef> {
        if visiting.contains(&file) || visiting.len() > 16 {
            return None;
        }
        visiting.push(file);
        let facts = &self.source(file).facts;
        let local = |local: &str| {
            self.code(file).module_symbol(local).first().map(|i| SymbolRef { file, unit: i.unit, id: i.id })
        };
        let mut found = None;
        for export in &facts.exports {
            found = match export {
                ExportFact::Local { exported, local: l } if exported.value == name => local(l),
                ExportFact::From { specifier, exported, imported } if exported.value == name => self
                    .ws
                    .resolve_module(self.path(file), &specifier.value)
                    .and_then(|p| self.file_id(&p))
                    .and_then(|t| self.exported_symbol(t, imported, visiting)),
                ExportFact::Default { local: Some(l), .. } if name == "default" => local(l),
                _ => None,
            };
            if found.is_some() {
                break;
            }
        }
        if found.is_none() && name != "default" {
            for export in &facts.exports {
                if let ExportFact::Star { specifier } = export {
                    let target =
                        self.ws.resolve_module(self.path(file), &specifier.value).and_then(|p| self.file_id(&p));
                    if let Some(t) = target.and_then(|t| self.exported_symbol(t, name, visiting)) {
                        found = Some(t);
                        break;
                    }
                }
            }
        }
        visiting.pop();
        found
    }

    /// The value a file exports as `name`.
    fn exported_value(&self, file: FileId, name: &str, visiting: &mut Vec<FileId>) -> Value {
        match self.exported_symbol(file, name, visiting) {
            Some(s) => self.symbol_value(s),
            None => Value::Unknown,
        }
    }

    /// A module namespace (`import * as m`) as an object of its named exports.
    fn module_object(&self, file: FileId) -> Rc<[(Rc<str>, Value)]> {
        let facts = &self.source(file).facts;
        let mut out: Vec<(Rc<str>, Value)> = Vec::new();
        for export in &facts.exports {
            let name = match export {
                ExportFact::Local { exported, .. } | ExportFact::From { exported, .. } => &exported.value,
                _ => continue,
            };
            out.push((name.as_str().into(), self.exported_value(file, name, &mut Vec::new())));
        }
        out.into()
    }

    /// `object.name`.
    pub(super) fn member(&self, object: &Value, name: &str, frame: Option<&Rc<Frame>>) -> Value {
        match object {
            Value::OneOf(values) => Value::union(values.iter().map(|v| self.member(v, name, frame)).collect()),
            Value::Env => Value::Binding { name: name.into(), jurisdiction: None },
            Value::Object(props) => {
                props.iter().rev().find(|(k, _)| &**k == name).map_or(Value::Unknown, |(_, v)| v.clone())
            }
            Value::Array(items) => {
                name.parse::<usize>().ok().and_then(|i| items.get(i).cloned()).unwrap_or(Value::Unknown)
            }
            Value::SocketPair if matches!(name, "0" | "1") => Value::SocketEnd,
            Value::State if name == "storage" => Value::Storage,
            Value::Storage if name == "sql" => Value::Sql,
            Value::Instance(class) => self.instance_member(class, name, frame),
            Value::Global(g) => Value::Global(format!("{g}.{name}").into()),
            Value::External { module, path } => {
                Value::External { module: module.clone(), path: format!("{path}.{name}").into() }
            }
            // How Workers code is written: `c.env` (Hono's context), `ctx.storage`.
            Value::Unknown | Value::Param(..) | Value::Function { .. } if name == "env" => Value::Env,
            Value::Unknown | Value::Param(..) if name == "storage" => Value::Storage,
            _ => Value::Unknown,
        }
    }

    /// `instance.name` for an instance of a workspace class: a method, an accessor's value, or
    /// a field's (its initialiser and every `this.name = ...` of the class).
    fn instance_member(&self, class: &ClassRef, name: &str, frame: Option<&Rc<Frame>>) -> Value {
        // Without a frame the answer depends on the class and the name only: the same
        // `this.ctx` is read hundreds of times in a large class.
        if frame.is_none() {
            if let Some(v) = self.member_memo.borrow().get(class).and_then(|m| m.get(name)) {
                return v.clone();
            }
            let mut memo = self.member_memo.borrow_mut();
            memo.entry(class.clone()).or_default().insert(name.into(), Value::Unknown);
            drop(memo);
            let value = self.instance_member_uncached(class, name, None);
            self.member_memo.borrow_mut().entry(class.clone()).or_default().insert(name.into(), value.clone());
            return value;
        }
        self.instance_member_uncached(class, name, frame)
    }

    fn instance_member_uncached(&self, class: &ClassRef, name: &str, frame: Option<&Rc<Frame>>) -> Value {
        if let Some((owner, f)) = self.find_member(class, name) {
            let Some(function) = self.function(f) else { return Value::Unknown };
            return match function.kind {
                FnKind::Method => Value::Function { function: f, this: Some(class.clone()) },
                FnKind::Getter => self.returns_of(f, Some(class.clone()), Vec::new(), None, frame),
                FnKind::Top => {
                    let mut values: Vec<Value> = self
                        .ids(f.file, f.unit, function.returns)
                        .iter()
                        .map(|&id| self.eval_in(ExprRef { file: f.file, unit: f.unit, id }, None))
                        .collect();
                    values.extend(self.this_assignments(&owner, name));
                    Value::union(values)
                }
                _ => Value::Unknown,
            };
        }
        let assigned = std::iter::once(class.clone())
            .chain(self.ancestors(class).iter().cloned())
            .map(|c| self.this_assignments(&c, name))
            .find(|v| !v.is_empty());
        match assigned {
            Some(values) => Value::union(values),
            // The bases of Workers classes (`DurableObject`, `WorkerEntrypoint`, `Agent`) set
            // `this.ctx` and `this.env`.
            None if name == "env" => Value::Env,
            None if name == "ctx" && self.is_do_class(class) => Value::State,
            None => Value::Unknown,
        }
    }

    /// The values assigned to `this.name` in a class's code (the constructor's parameter
    /// properties included), each evaluated without a frame.
    fn this_assignments(&self, class: &ClassRef, name: &str) -> Vec<Value> {
        let table = self.class_members(class);
        let mut out: Vec<Value> = table
            .parameter_properties
            .iter()
            .filter(|(n, _)| &**n == name)
            .map(|(_, s)| self.symbol_value(*s))
            .collect();
        if let Some(values) = table.this_assignments.get(name) {
            out.extend(values.iter().map(|&v| self.eval(v)));
        }
        out
    }

    /// The value of a call expression.
    fn call_value(&self, r: ExprRef, frame: Option<&Rc<Frame>>) -> Value {
        let args = self.call_args(r);
        if let Some((object, method, _)) = self.method_call(r) {
            let receiver = self.eval_in(object, frame);
            return self.method_value(&receiver, method, r, &args, frame);
        }
        let Some(callee) = self.callee(r) else { return Value::Unknown };
        let callee = self.eval_in(callee, frame);
        self.apply(&callee, r, args, frame)
    }

    /// `receiver.method(args)`.
    fn method_value(
        &self,
        receiver: &Value,
        method: &str,
        call: ExprRef,
        args: &[ExprRef],
        frame: Option<&Rc<Frame>>,
    ) -> Value {
        let arg = |i: usize| args.get(i).map_or(Value::Nullish, |&a| self.eval_in(a, frame));
        match receiver {
            Value::OneOf(values) => {
                Value::union(values.iter().map(|v| self.method_value(v, method, call, args, frame)).collect())
            }
            Value::Binding { name, jurisdiction } => match method {
                "get" | "getByName" => Value::Stub { binding: name.clone() },
                "idFromName" | "idFromString" => {
                    Value::Id { binding: name.clone(), jurisdiction: jurisdiction.clone() }
                }
                "newUniqueId" => {
                    let own = self.member(&arg(0), "jurisdiction", frame);
                    let own = (own != Value::Unknown && own != Value::Nullish).then(|| Rc::new(own));
                    Value::Id { binding: name.clone(), jurisdiction: own.or_else(|| jurisdiction.clone()) }
                }
                "jurisdiction" => Value::Binding { name: name.clone(), jurisdiction: Some(Rc::new(arg(0))) },
                _ => Value::Unknown,
            },
            Value::Array(items) if method == "join" => {
                let separator = match args.first() {
                    Some(_) => match arg(0) {
                        Value::Str(s, _) => s.to_string(),
                        _ => return Value::Unknown,
                    },
                    None => ",".to_owned(),
                };
                let mut pieces = Vec::new();
                for item in items.iter() {
                    match item {
                        Value::Str(s, _) | Value::Num(s) => pieces.push(s.to_string()),
                        _ => return Value::Unknown,
                    }
                }
                Value::str(&pieces.join(&separator))
            }
            Value::Global(g) if &**g == "Object" && method == "values" => match arg(0) {
                Value::SocketPair => Value::Array(vec![Value::SocketEnd, Value::SocketEnd].into()),
                Value::Object(props) => Value::Array(props.iter().map(|(_, v)| v.clone()).collect()),
                _ => Value::Unknown,
            },
            _ => {
                let function = self.member(receiver, method, frame);
                self.apply(&function, call, args.to_vec(), frame)
            }
        }
    }

    /// Calls a function value.
    fn apply(&self, callee: &Value, call: ExprRef, args: Vec<ExprRef>, frame: Option<&Rc<Frame>>) -> Value {
        match callee {
            Value::Function { function, this } => self.returns_of(*function, this.clone(), args, Some(call), frame),
            Value::OneOf(values) => {
                Value::union(values.iter().map(|v| self.apply(v, call, args.clone(), frame)).collect())
            }
            _ => Value::Unknown,
        }
    }

    /// What a function returns when called with `args` from `caller` (the union of its
    /// return values, each evaluated in the new frame).
    fn returns_of(
        &self,
        function: FnRef,
        this: Option<ClassRef>,
        args: Vec<ExprRef>,
        call: Option<ExprRef>,
        caller: Option<&Rc<Frame>>,
    ) -> Value {
        let depth = caller.map_or(0, |f| f.depth + 1);
        if depth >= MAX_CALL_DEPTH || caller.is_some_and(|f| f.calls(function)) {
            return Value::Unknown;
        }
        let Some(f) = self.function(function) else { return Value::Unknown };
        let returns = self.ids(function.file, function.unit, f.returns);
        if returns.is_empty() {
            return Value::Unknown;
        }
        let frame = call.map(|call| Rc::new(Frame { function, call, args, parent: caller.cloned(), this, depth }));
        let values = returns
            .iter()
            .map(|&id| self.eval_in(ExprRef { file: function.file, unit: function.unit, id }, frame.as_ref()))
            .collect();
        Value::union(values)
    }

    /// A new frame for following `call` into `function` from `caller`, or `None` when calls
    /// are followed no deeper (or the function is already being called: recursion).
    pub fn enter(
        &self,
        function: FnRef,
        this: Option<ClassRef>,
        call: ExprRef,
        caller: Option<&Rc<Frame>>,
    ) -> Option<Rc<Frame>> {
        let depth = caller.map_or(0, |f| f.depth + 1);
        if depth >= MAX_CALL_DEPTH || caller.is_some_and(|f| f.calls(function)) {
            return None;
        }
        let args = self.call_args(call);
        Some(Rc::new(Frame { function, call, args, parent: caller.cloned(), this, depth }))
    }

    /// The function a call calls, when it is a workspace function, with the instance a method
    /// is called on.
    pub fn called_function(&self, call: ExprRef, frame: Option<&Rc<Frame>>) -> Option<(FnRef, Option<ClassRef>)> {
        let callee = self.callee(call)?;
        if !matches!(self.expr(call)?.kind, ExprKind::Call { .. }) {
            return None;
        }
        match self.eval_in(callee, frame) {
            Value::Function { function, this } => Some((function, this)),
            _ => None,
        }
    }

    /// The span of the text of a relative span of a unit (for callers outside the model).
    pub fn rel_span(&self, file: FileId, unit: u32, span: RelSpan) -> crate::text::Span {
        self.unit(file, unit).map_or_else(crate::text::Span::default, |u| span.at(u.start))
    }
}

/// A global name's value.
fn global(name: &str) -> Value {
    match name {
        "undefined" => Value::Nullish,
        // How Workers code is written: an `env` nothing declares is the Worker's env.
        "env" => Value::Env,
        _ => Value::Global(name.into()),
    }
}

/// `left + right`: a string when both are constants and one is a string.
fn concat(left: &Value, right: &Value) -> Value {
    let piece = |v: &Value| match v {
        Value::Str(s, _) => Some((s.to_string(), true)),
        Value::Num(n) => Some((n.to_string(), false)),
        Value::Bool(b) => Some((b.to_string(), false)),
        _ => None,
    };
    match (left, right) {
        (Value::OneOf(_), _) | (_, Value::OneOf(_)) => {
            let mut out = Vec::new();
            for l in left.alternatives() {
                for r in right.alternatives() {
                    out.push(concat(l, r));
                }
            }
            Value::union(out)
        }
        _ => match (piece(left), piece(right)) {
            (Some((l, ls)), Some((r, rs))) if ls || rs => Value::str(&format!("{l}{r}")),
            _ => Value::Unknown,
        },
    }
}
