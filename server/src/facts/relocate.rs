//! Moving facts to another place in the file: every byte offset `o` becomes `o - from + to`.
//! The facts of a unit that did not change move with it when an edit before it shifts it.
//!
//! Every type of fact that holds an offset implements [`Relocate`]; one that forgets a field
//! fails the test that compares cached and fresh extraction after random edits.

use super::env_types::{EnvMember, EnvType, NamespaceType, TypeArgument};
use super::extract::{UnitFacts, UnitLinks};
use super::model::*;
use crate::text::{Span, Spanned};

/// Facts whose byte offsets can be moved.
pub(super) trait Relocate {
    /// Moves every offset `o` to `o - from + to`.
    fn relocate(&mut self, from: usize, to: usize);
}

impl Relocate for usize {
    fn relocate(&mut self, from: usize, to: usize) {
        *self = self.saturating_sub(from) + to;
    }
}

impl Relocate for Span {
    fn relocate(&mut self, from: usize, to: usize) {
        self.start.relocate(from, to);
        self.end.relocate(from, to);
    }
}

impl<T> Relocate for Spanned<T> {
    fn relocate(&mut self, from: usize, to: usize) {
        self.span.relocate(from, to);
    }
}

impl<T: Relocate> Relocate for Vec<T> {
    fn relocate(&mut self, from: usize, to: usize) {
        for item in self {
            item.relocate(from, to);
        }
    }
}

impl<T: Relocate> Relocate for Option<T> {
    fn relocate(&mut self, from: usize, to: usize) {
        if let Some(item) = self {
            item.relocate(from, to);
        }
    }
}

/// Implements [`Relocate`] for a struct by relocating the fields named.
macro_rules! relocate_fields {
    ($($ty:ty { $($field:ident),* $(,)? })*) => {
        $(impl Relocate for $ty {
            fn relocate(&mut self, from: usize, to: usize) {
                $(self.$field.relocate(from, to);)*
            }
        })*
    };
}

relocate_fields! {
    UnitFacts { span, classes, imports, exports, env_types }
    UnitLinks { member }
    ClassFact { name, span, body_span, base, members }
    MemberFact { name, span, params }
    ImportFact { specifier, names }
    ImportedName { local }
    EnvType { name, members }
    EnvMember { name, type_text, namespace }
    NamespaceType { argument }
}

impl Relocate for BaseRef {
    fn relocate(&mut self, from: usize, to: usize) {
        match self {
            BaseRef::Name(name) => name.relocate(from, to),
            BaseRef::Member { property, .. } => property.relocate(from, to),
            BaseRef::Opaque(span) => span.relocate(from, to),
        }
    }
}

impl Relocate for ExportFact {
    fn relocate(&mut self, from: usize, to: usize) {
        match self {
            ExportFact::Local { exported, .. } => exported.relocate(from, to),
            ExportFact::From { specifier, exported, .. } | ExportFact::StarAs { specifier, exported } => {
                specifier.relocate(from, to);
                exported.relocate(from, to);
            }
            ExportFact::Star { specifier } => specifier.relocate(from, to),
            ExportFact::Default { span, .. } => span.relocate(from, to),
        }
    }
}

impl Relocate for TypeArgument {
    fn relocate(&mut self, from: usize, to: usize) {
        match self {
            TypeArgument::Name(name) | TypeArgument::Import { name, .. } => name.relocate(from, to),
            TypeArgument::Other(span) => span.relocate(from, to),
        }
    }
}
