//! The calls a class makes: in its members and the functions nested in them, and, followed
//! with their arguments bound, in the methods and functions those call (to a bounded depth).
//! Rules that ask "what happens in this class" read these sites.

use std::collections::VecDeque;
use std::rc::Rc;

use super::{ExprRef, FnRef, Frame, Model};
use crate::index::ClassRef;
use crate::text::Span;

/// The most call sites gathered for one class (a guard against pathological fan-out).
const MAX_SITES: usize = 50_000;

/// A call a class makes.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    /// The call (a call, `new` or tagged template expression).
    pub call: ExprRef,
    /// The name it calls (see [`Model::callee_name`]).
    pub name: &'a str,
    /// For `object.method(...)`: the object, the method's name and its span (see
    /// [`Model::method_call`]).
    pub method: Option<(ExprRef, &'a str, Span)>,
    /// The frame of the function the call is in, when that function was reached through
    /// calls from the class (`None`: the call is in the class's own code).
    pub frame: Option<Rc<Frame>>,
    /// The member of the class the walk started from.
    pub member: FnRef,
    /// The function the call is directly in.
    pub function: FnRef,
}

impl Site<'_> {
    /// The calls followed from the class's member to reach this site, outermost first.
    pub fn chain(&self) -> Vec<ExprRef> {
        self.frame.as_ref().map(|f| f.chain()).unwrap_or_default()
    }

    /// True when the call is in the class's own code (reached through no call).
    pub fn is_direct(&self) -> bool {
        self.frame.is_none()
    }
}

/// A function the walk of a class visited: one of its members (or a function nested in one),
/// or a function reached through calls from them.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The function.
    pub function: FnRef,
    /// Its frame (`None`: the class's own code).
    pub frame: Option<Rc<Frame>>,
    /// The member the walk started from.
    pub member: FnRef,
}

impl<'a> Model<'a> {
    /// Every call the class makes, directly or through the functions it calls (see the
    /// module's doc), in the order found: its members' own calls first.
    pub fn class_sites(&self, class: &ClassRef) -> Rc<Vec<Site<'a>>> {
        if let Some(found) = self.sites.borrow().get(class) {
            return found.clone();
        }
        let mut sites = Vec::new();
        for visit in self.class_functions(class).iter() {
            for call in self.calls_in(visit.function) {
                let (name, method) = (self.callee_name(call), self.method_call(call));
                sites.push(Site {
                    call,
                    name,
                    method,
                    frame: visit.frame.clone(),
                    member: visit.member,
                    function: visit.function,
                });
            }
        }
        let sites = Rc::new(sites);
        self.sites.borrow_mut().insert(class.clone(), sites.clone());
        sites
    }

    /// Every function the class's code runs: its members, the functions nested in them, and
    /// the functions they call (with the arguments bound), to a bounded depth.
    pub fn class_functions(&self, class: &ClassRef) -> Rc<Vec<Visit>> {
        if let Some(found) = self.visits.borrow().get(class) {
            return found.clone();
        }
        let visits = Rc::new(self.walk_class(class));
        self.visits.borrow_mut().insert(class.clone(), visits.clone());
        visits
    }

    fn walk_class(&self, class: &ClassRef) -> Vec<Visit> {
        let mut queue: VecDeque<(FnRef, Option<Rc<Frame>>, FnRef)> = VecDeque::new();
        for (member, _) in self.class_members(class).members.iter() {
            queue.push_back((*member, None, *member));
        }
        let mut visits = Vec::new();
        let mut calls = 0usize;
        while let Some((function, frame, member)) = queue.pop_front() {
            if calls >= MAX_SITES {
                break;
            }
            // The function and the functions nested in it share its frame.
            let mut functions = vec![function];
            functions.extend(self.nested_functions(function));
            for f in functions {
                visits.push(Visit { function: f, frame: frame.clone(), member });
                for call in self.calls_in(f) {
                    calls += 1;
                    let Some((callee, this)) = self.called_function(call, frame.as_ref()) else { continue };
                    if let Some(inner) = self.enter(callee, this, call, frame.as_ref()) {
                        queue.push_back((callee, Some(inner), member));
                    }
                }
            }
        }
        visits
    }
}
