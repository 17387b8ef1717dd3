//! Which classes are Durable Object classes.

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::modules::ExportTarget;
use super::Workspace;
use crate::facts::{BaseRef, ClassFact};

/// Packages whose exported classes are known DO bases (rules.md, "DO class").
const KNOWN_BASES: &[(&str, &str)] = &[
    ("DurableObject", "cloudflare:workers"),
    ("Agent", "agents"),
    ("AIChatAgent", "agents"),
    ("McpAgent", "agents"),
    ("Server", "partyserver"),
    ("YServer", "y-partyserver"),
];

/// How a class relates to Durable Objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoClassKind {
    /// Extends `DurableObject` from `cloudflare:workers`, directly or through workspace classes.
    DurableObject,
    /// Extends a known DO base from a package (`Agent`, partyserver's `Server`, a configured
    /// base), directly or through workspace classes: the base's own members are unknown.
    KnownBase(String),
    /// Its base cannot be read (a package class, a mixin, a factory call).
    Unknown,
    /// Not a DO class by its ancestry (no base, or a chain of workspace classes ending without one).
    NotDurableObject,
}

impl DoClassKind {
    /// True for the kinds that surely are DO classes.
    pub fn is_durable_object(&self) -> bool {
        matches!(self, DoClassKind::DurableObject | DoClassKind::KnownBase(_))
    }
}

/// A class of a workspace file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClassRef {
    /// The file.
    pub file: Arc<PathBuf>,
    /// Index into the file's classes.
    pub index: usize,
}

impl Workspace {
    /// The class a [`ClassRef`] points at.
    pub fn class(&self, class: &ClassRef) -> Option<&ClassFact> {
        self.sources.get(&*class.file)?.facts.classes.get(class.index)
    }

    /// Classifies a class by its ancestry (legacy bound classes are the analysis's business).
    pub fn do_class_kind(&self, class: &ClassRef) -> DoClassKind {
        let mut seen = FxHashSet::default();
        self.kind_inner(class, &mut seen)
    }

    /// The workspace superclasses of `class`, nearest first (stops at a package class).
    pub fn ancestors(&self, class: &ClassRef) -> Vec<ClassRef> {
        let mut out = Vec::new();
        let mut current = class.clone();
        while let Some(next) = self.superclass(&current) {
            if out.contains(&next) || next == *class {
                break;
            }
            out.push(next.clone());
            current = next;
        }
        out
    }

    /// The workspace class that `class` extends, if its base is one.
    pub fn superclass(&self, class: &ClassRef) -> Option<ClassRef> {
        let fact = self.class(class)?;
        let Some(BaseRef::Name(base)) = &fact.base else { return None };
        match self.class_in_scope(&class.file, &base.value) {
            ExportTarget::Class { file, class } => Some(ClassRef { file, index: class }),
            _ => None,
        }
    }

    fn kind_inner(&self, class: &ClassRef, seen: &mut FxHashSet<ClassRef>) -> DoClassKind {
        if !seen.insert(class.clone()) {
            return DoClassKind::Unknown;
        }
        let Some(fact) = self.class(class) else { return DoClassKind::Unknown };
        let base = match &fact.base {
            None => return DoClassKind::NotDurableObject,
            Some(BaseRef::Name(name)) => name.value.as_str(),
            Some(BaseRef::Member { property, .. }) if property.value == "DurableObject" => {
                return DoClassKind::DurableObject
            }
            Some(_) => return DoClassKind::Unknown,
        };
        if let Some(file) = self.sources.get(&*class.file) {
            // Imported from a package: a known base, or unknown.
            for import in &file.facts.imports {
                let Some(name) = import.names.iter().find(|n| n.local.value == base) else {
                    continue;
                };
                let spec = import.specifier.value.as_str();
                if super::modules::is_relative(spec) {
                    break;
                }
                let package_matches = |package: &str| spec == package || spec.starts_with(&format!("{package}/"));
                let known = KNOWN_BASES.iter().find(|(n, p)| *n == name.imported && package_matches(p));
                return match known {
                    Some(("DurableObject", _)) => DoClassKind::DurableObject,
                    Some((n, _)) => DoClassKind::KnownBase((*n).to_string()),
                    None if self.durable_object_bases().any(|b| b == base || b == name.imported) => {
                        DoClassKind::KnownBase(base.to_string())
                    }
                    None => DoClassKind::Unknown,
                };
            }
        }
        if let Some(parent) = self.superclass(class) {
            return self.kind_inner(&parent, seen);
        }
        if self.durable_object_bases().any(|b| b == base) {
            return DoClassKind::KnownBase(base.to_string());
        }
        // `DurableObject` with no import: the global of older type definitions.
        if base == "DurableObject" {
            return DoClassKind::DurableObject;
        }
        DoClassKind::Unknown
    }
}
