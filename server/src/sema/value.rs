//! What an expression may be, as far as the model can tell: the abstract values of the
//! evaluator (`eval.rs`).

use std::rc::Rc;

use super::{FnRef, Origin};
use crate::index::ClassRef;

/// An abstract value. `Unknown` is the top: whatever the model cannot tell. A value the
/// model knows only in part keeps what it knows (`Stub` of a binding whose class is unknown).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Anything.
    Unknown,
    /// A string constant (its text as written in the source, escapes not decoded), with the
    /// literal it comes from when it comes from exactly one.
    Str(Rc<str>, Option<Origin>),
    /// A number constant, as written.
    Num(Rc<str>),
    /// `true` / `false`.
    Bool(bool),
    /// `null` or `undefined`.
    Nullish,
    /// An array literal.
    Array(Rc<[Value]>),
    /// An object literal (keys in source order).
    Object(Rc<[(Rc<str>, Value)]>),
    /// The Worker's `env`.
    Env,
    /// `env.X`: a binding of the Worker (for a DO binding, its namespace), maybe narrowed to a
    /// jurisdiction (`env.X.jurisdiction("eu")`).
    Binding {
        /// The binding's name.
        name: Rc<str>,
        /// The jurisdiction value, when narrowed.
        jurisdiction: Option<Rc<Value>>,
    },
    /// An id of a DO namespace (`idFromName`, `idFromString`, `newUniqueId`).
    Id {
        /// The namespace's binding.
        binding: Rc<str>,
        /// The jurisdiction it was made under, when it was (`newUniqueId({ jurisdiction })`,
        /// or an id of a namespace narrowed with `jurisdiction()`).
        jurisdiction: Option<Rc<Value>>,
    },
    /// A stub of a DO namespace (`ns.get(id)`, `ns.getByName(name)`).
    Stub {
        /// The namespace's binding.
        binding: Rc<str>,
    },
    /// `new WebSocketPair()`.
    SocketPair,
    /// One end of a `new WebSocketPair()`.
    SocketEnd,
    /// The `DurableObjectState` a DO class is constructed with (`this.ctx`).
    State,
    /// Its storage (`ctx.storage`).
    Storage,
    /// Its SQL API (`ctx.storage.sql`).
    Sql,
    /// An instance of a workspace class (`this` in its methods, `new C()`).
    Instance(ClassRef),
    /// A workspace class itself.
    Class(ClassRef),
    /// A function of the workspace; `this` is where a method's `this` points.
    Function {
        /// The function.
        function: FnRef,
        /// The instance it was read from (`this.m`).
        this: Option<ClassRef>,
    },
    /// A global name, or a path under one (`console.log`, `Object.values`).
    Global(Rc<str>),
    /// A name imported from a package or a module outside the workspace.
    External {
        /// The module specifier.
        module: Rc<str>,
        /// The path under what it exports (`Agent`, `default`, `x.y`).
        path: Rc<str>,
    },
    /// A parameter whose argument the model does not know here.
    Param(FnRef, u32),
    /// One of several values (a ternary, a reassigned `let`).
    OneOf(Rc<[Value]>),
}

impl Value {
    /// A string constant without an origin.
    pub fn str(text: &str) -> Value {
        Value::Str(text.into(), None)
    }

    /// The alternatives of the value (itself when it is not a `OneOf`).
    pub fn alternatives(&self) -> &[Value] {
        match self {
            Value::OneOf(values) => values,
            other => std::slice::from_ref(other),
        }
    }

    /// The union of values, flattened and deduplicated; `Unknown` wins when there are too many.
    pub fn union(values: Vec<Value>) -> Value {
        let mut out: Vec<Value> = Vec::new();
        for v in values {
            for alt in v.alternatives() {
                if !out.contains(alt) {
                    out.push(alt.clone());
                }
            }
        }
        match out.len() {
            0 => Value::Unknown,
            1 => out.pop().unwrap_or(Value::Unknown),
            n if n > MAX_ALTERNATIVES => Value::Unknown,
            _ => Value::OneOf(out.into()),
        }
    }

    /// The string constants the value may be, when every alternative is one.
    pub fn strings(&self) -> Option<Vec<(&str, Option<Origin>)>> {
        self.alternatives()
            .iter()
            .map(|v| match v {
                Value::Str(text, origin) => Some((&**text, *origin)),
                _ => None,
            })
            .collect()
    }

    /// The string (or number) constant the value is, when it is exactly one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text, _) => Some(text),
            Value::Num(text) => Some(text),
            _ => None,
        }
    }

    /// True when every alternative is a constant (string, number, boolean, nullish, or an array
    /// or object of constants).
    pub fn is_constant(&self) -> bool {
        self.alternatives().iter().all(|v| match v {
            Value::Str(..) | Value::Num(_) | Value::Bool(_) | Value::Nullish => true,
            Value::Array(items) => items.iter().all(Value::is_constant),
            Value::Object(props) => props.iter().all(|(_, v)| v.is_constant()),
            _ => false,
        })
    }

    /// The bindings of the DO stubs the value is, when every alternative is a stub.
    pub fn stub_bindings(&self) -> Option<Vec<&str>> {
        let mut out = Vec::new();
        for v in self.alternatives() {
            match v {
                Value::Stub { binding } => {
                    if !out.contains(&&**binding) {
                        out.push(&**binding);
                    }
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// The binding the value is a namespace of (every alternative the same binding).
    pub fn binding(&self) -> Option<&str> {
        let mut found: Option<&str> = None;
        for v in self.alternatives() {
            match v {
                Value::Binding { name, .. } if found.is_none_or(|f| f == &**name) => found = Some(name),
                _ => return None,
            }
        }
        found
    }

    /// True when the value says all it can: no alternative is `Unknown` or a parameter (a
    /// frame could tell more about those).
    pub fn is_definite(&self) -> bool {
        self.alternatives().iter().all(|v| match v {
            Value::Unknown | Value::Param(..) => false,
            Value::Array(items) => items.iter().all(Value::is_definite),
            Value::Object(props) => props.iter().all(|(_, v)| v.is_definite()),
            Value::Binding { jurisdiction: Some(j), .. } | Value::Id { jurisdiction: Some(j), .. } => j.is_definite(),
            _ => true,
        })
    }

    /// True when some alternative is this kind of value (`matches` says which).
    pub fn any(&self, matches: impl Fn(&Value) -> bool) -> bool {
        self.alternatives().iter().any(matches)
    }

    /// True when every alternative is this kind of value.
    pub fn all(&self, matches: impl Fn(&Value) -> bool) -> bool {
        self.alternatives().iter().all(matches)
    }
}

/// The most alternatives a value keeps before it becomes `Unknown`.
const MAX_ALTERNATIVES: usize = 16;
