//! Which classes are Durable Object classes.

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::modules::ExportTarget;
use super::Workspace;
use crate::facts::{BaseRef, ClassFact};

/// Packages whose exported classes are known DO bases (rules.md, "DO class"), as (class,
/// package); a package matches its subpaths too (`agents/mcp`).
const KNOWN_BASES: &[(&str, &str)] = &[
    ("DurableObject", "cloudflare:workers"),
    ("Agent", "agents"),
    ("AIChatAgent", "agents"),
    ("AIChatAgent", "@cloudflare/ai-chat"),
    ("McpAgent", "agents"),
    ("Server", "partyserver"),
    ("YServer", "y-partyserver"),
    ("Container", "@cloudflare/containers"),
    ("Sandbox", "@cloudflare/sandbox"),
];

/// The known package bases whose constructor uses the SQL API (`ctx.storage.sql` /
/// `ctx.storage.kv`), so a KV-backed subclass throws on its first request: `Agent` creates its
/// state tables in its constructor (agents `packages/agents/src/index.ts`), `AIChatAgent` and
/// `McpAgent` extend it, `Container` reads `ctx.storage.kv` and creates `container_schedules`
/// (@cloudflare/containers `src/lib/container.ts`), and `Sandbox` extends `Container`.
/// partyserver's `Server` only uses async `storage.get`/`put` and works on KV storage.
pub const SQL_BASES: &[&str] = &["Agent", "AIChatAgent", "McpAgent", "Container", "Sandbox"];

/// A known DO base from a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageBase {
    /// The class as the package exports it (`Agent`).
    pub name: &'static str,
    /// The package (`agents`).
    pub package: &'static str,
}

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
        self.source_at(&class.file)?.facts.classes.get(class.index)
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

    /// The known package base (`KNOWN_BASES`, not a configured one) that `class` extends,
    /// directly or through workspace classes; `None` for `DurableObject` itself, configured bases
    /// and anything unknown.
    pub fn package_base(&self, class: &ClassRef) -> Option<PackageBase> {
        let mut current = class.clone();
        let mut seen = FxHashSet::default();
        while seen.insert(current.clone()) {
            let fact = self.class(&current)?;
            let Some(BaseRef::Name(base)) = &fact.base else { return None };
            if let Some(imported) = self.package_import(&current.file, &base.value) {
                return imported.filter(|b| b.name != "DurableObject");
            }
            current = self.superclass(&current)?;
        }
        None
    }

    /// How the local name `base` is imported in `file`: `None` when it is not imported from a
    /// package (a relative import, or no import), `Some(None)` for a package class that is no
    /// known base, `Some(Some(_))` for a known base.
    fn package_import(&self, file: &Arc<PathBuf>, base: &str) -> Option<Option<PackageBase>> {
        let file = self.source_at(file)?;
        let (import, name) =
            file.facts.imports.iter().find_map(|i| Some((i, i.names.iter().find(|n| n.local.value == base)?)))?;
        let spec = import.specifier.value.as_str();
        if super::modules::is_relative(spec) {
            return None;
        }
        let package_matches =
            |package: &str| spec == package || spec.strip_prefix(package).is_some_and(|rest| rest.starts_with('/'));
        let known = KNOWN_BASES.iter().find(|(n, p)| *n == name.imported && package_matches(p));
        Some(known.map(|&(name, package)| PackageBase { name, package }))
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
        if let Some(file) = self.source_at(&class.file) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes of `files` (opened in a fresh workspace) by name.
    fn workspace(files: &[(&str, &str)]) -> (Workspace, Vec<(String, ClassRef)>) {
        let mut ws = Workspace::default();
        for (path, text) in files {
            ws.open(std::path::Path::new(path), text, 1);
        }
        let mut classes = Vec::new();
        for (path, _) in files {
            let file = Arc::new(PathBuf::from(path));
            let count = ws.source(&file).map_or(0, |s| s.facts.classes.len());
            for index in 0..count {
                let class = ClassRef { file: file.clone(), index };
                let name = ws.class(&class).map(|c| c.name.value.clone()).unwrap_or_default();
                classes.push((name, class));
            }
        }
        (ws, classes)
    }

    #[test]
    fn package_bases_through_subpaths_aliases_and_workspace_classes() {
        let index = r#"import { Container } from "@cloudflare/containers";
import { Sandbox as Box } from "@cloudflare/sandbox";
import { AIChatAgent } from "@cloudflare/ai-chat";
import { McpAgent } from "agents/mcp";
import { Server } from "partyserver";
import { Agent } from "agents-extra";
import { DurableObject } from "cloudflare:workers";
import { Base } from "./base";
export class A extends Container {}
export class B extends Box {}
export class C extends AIChatAgent {}
export class D extends McpAgent {}
export class E extends Server {}
export class F extends Agent {}
export class G extends DurableObject {}
export class H extends Base {}
export class I extends H {}
"#;
        let base = "import { Agent } from \"agents\";\nexport class Base extends Agent {}\n";
        let (ws, classes) = workspace(&[("/w/src/index.ts", index), ("/w/src/base.ts", base)]);
        let of = |name: &str| classes.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone());
        let base_of = |name: &str| of(name).and_then(|c| ws.package_base(&c)).map(|b| (b.name, b.package));
        assert_eq!(base_of("A"), Some(("Container", "@cloudflare/containers")));
        assert_eq!(base_of("B"), Some(("Sandbox", "@cloudflare/sandbox")));
        assert_eq!(base_of("C"), Some(("AIChatAgent", "@cloudflare/ai-chat")));
        assert_eq!(base_of("D"), Some(("McpAgent", "agents")));
        assert_eq!(base_of("E"), Some(("Server", "partyserver")));
        // `agents-extra` is not `agents` or one of its subpaths.
        assert_eq!(base_of("F"), None);
        assert_eq!(base_of("G"), None);
        assert_eq!(base_of("H"), Some(("Agent", "agents")));
        assert_eq!(base_of("I"), Some(("Agent", "agents")));
        let kind = |name: &str| of(name).map(|c| ws.do_class_kind(&c));
        assert_eq!(kind("A"), Some(DoClassKind::KnownBase("Container".into())));
        assert_eq!(kind("B"), Some(DoClassKind::KnownBase("Sandbox".into())));
        assert_eq!(kind("C"), Some(DoClassKind::KnownBase("AIChatAgent".into())));
        assert_eq!(kind("F"), Some(DoClassKind::Unknown));
        assert_eq!(kind("I"), Some(DoClassKind::KnownBase("Agent".into())));
        let sql: Vec<&str> = ["A", "B", "C", "D", "E", "I"]
            .into_iter()
            .filter(|n| base_of(n).is_some_and(|(b, _)| SQL_BASES.contains(&b)))
            .collect();
        assert_eq!(sql, ["A", "B", "C", "D", "I"]);
    }
}
