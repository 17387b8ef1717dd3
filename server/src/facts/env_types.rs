//! Env types: the members of `interface Env` / `type Env = {...}` (and Hono's `Bindings`), with
//! the type argument of each `DurableObjectNamespace<X>`, extracted by
//! `grammars/typescript/env_types.scm`.

use super::fields::{Field, NodeFields};
use tree_sitter::Node;
#[cfg(test)]
use tree_sitter::{Query, QueryMatch};

#[cfg(test)]
use super::query::oracle::{capture, capture_index};
#[cfg(test)]
use super::units::Unit;
use crate::text::{Span, Spanned};

/// The generic type that types a Durable Object binding.
const NAMESPACE_TYPE: &str = "DurableObjectNamespace";

/// An `Env`-like type declaration.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EnvType {
    /// The type's name (`Env`, `Bindings`), with its span.
    pub name: Spanned<String>,
    /// Its members, in source order.
    pub members: Vec<EnvMember>,
}

/// One member `X: T` of an env type.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EnvMember {
    /// The member's name (unquoted), with the span of the name as written.
    pub name: Spanned<String>,
    /// The type as written, with its span.
    pub type_text: Spanned<String>,
    /// Set when the type is `DurableObjectNamespace` or `DurableObjectNamespace<X>`.
    pub namespace: Option<NamespaceType>,
}

/// A `DurableObjectNamespace` member type.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NamespaceType {
    /// The type argument; `None` for a bare `DurableObjectNamespace`.
    pub argument: Option<TypeArgument>,
}

/// The type argument of `DurableObjectNamespace<X>`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum TypeArgument {
    /// A name in scope: `ChatRoom`.
    Name(Spanned<String>),
    /// `import("./src/index").ChatRoom`, as `wrangler types` writes it.
    Import {
        /// The module specifier, unquoted.
        specifier: String,
        /// The exported name, with its span.
        name: Spanned<String>,
    },
    /// Anything else (`ns.ChatRoom`, `typeof x`, a union): the whole argument.
    Other(Span),
}

/// The indices of the captures of `env_types.scm`.
#[cfg(test)]
pub(super) struct Captures {
    name: u32,
    members: u32,
}

#[cfg(test)]
impl Captures {
    /// Looks the captures up in the compiled query.
    pub(super) fn new(query: &Query) -> Result<Captures, String> {
        Ok(Captures { name: capture_index(query, "name")?, members: capture_index(query, "members")? })
    }
}

/// The env types `env_types.scm` captured in one unit: each name with the members' node.
#[derive(Default, Debug, PartialEq)]
pub(super) struct EnvTypeNodes<'t>(Vec<(Node<'t>, Node<'t>)>);

impl<'t> EnvTypeNodes<'t> {
    /// How many env types were taken.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// Takes an env type's name and members (a match of `env_types.scm`).
    pub(super) fn push(&mut self, name: Node<'t>, members: Node<'t>) {
        self.0.push((name, members));
    }

    /// Takes the name and members of one match of `env_types.scm` (the query oracle's path).
    #[cfg(test)]
    pub(super) fn accept(&mut self, q: &Captures, m: &QueryMatch<'_, 't>, unit: &Unit<'t>) {
        let get = |index| capture(m, index).filter(|&n| unit.covers(n));
        if let (Some(name), Some(members)) = (get(q.name), get(q.members)) {
            self.0.push((name, members));
        }
    }
}

/// The env types of one unit, from the nodes the query captured in it.
pub(super) fn extract(nodes: &EnvTypeNodes<'_>, src: &str) -> Vec<EnvType> {
    nodes
        .0
        .iter()
        .map(|&(name, members)| EnvType { name: spanned(name, src), members: env_members(members, src) })
        .collect()
}

/// The property signatures of an interface body or object type.
fn env_members(body: Node<'_>, src: &str) -> Vec<EnvMember> {
    let mut cursor = body.walk();
    let members = body
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "property_signature")
        .filter_map(|property| {
            let name_node = property.field(Field::Name)?;
            let name = match name_node.kind() {
                "property_identifier" => text(name_node, src).to_owned(),
                "string" => unquote(text(name_node, src)),
                _ => return None,
            };
            let annotation = property.field(Field::Type)?;
            let mut c = annotation.walk();
            let type_node = annotation.named_children(&mut c).next()?;
            Some(EnvMember {
                name: Spanned::new(name, Span::of_node(&name_node)),
                type_text: spanned(type_node, src),
                namespace: namespace_type(type_node, src),
            })
        })
        .collect();
    members
}

/// `DurableObjectNamespace` / `DurableObjectNamespace<X>`, with its argument.
fn namespace_type(node: Node<'_>, src: &str) -> Option<NamespaceType> {
    match node.kind() {
        "type_identifier" if text(node, src) == NAMESPACE_TYPE => Some(NamespaceType { argument: None }),
        "generic_type" => {
            let name = node.field(Field::Name)?;
            if name.kind() != "type_identifier" || text(name, src) != NAMESPACE_TYPE {
                return None;
            }
            let arguments = node.field(Field::TypeArguments)?;
            let mut c = arguments.walk();
            let argument = arguments.named_children(&mut c).find(|n| n.kind() != "comment")?;
            Some(NamespaceType { argument: Some(type_argument(argument, src)) })
        }
        _ => None,
    }
}

/// Classifies a type argument.
fn type_argument(node: Node<'_>, src: &str) -> TypeArgument {
    match node.kind() {
        "type_identifier" => TypeArgument::Name(spanned(node, src)),
        // `import("./m").X` parses as a member expression on an `import(...)` call.
        "member_expression" => {
            let object = node.field(Field::Object).filter(|o| o.kind() == "call_expression");
            let is_import = object.and_then(|o| o.field(Field::Function)).is_some_and(|f| f.kind() == "import");
            let specifier = object
                .and_then(|o| o.field(Field::Arguments))
                .and_then(|a| {
                    let mut c = a.walk();
                    let first = a.named_children(&mut c).next();
                    first
                })
                .filter(|s| s.kind() == "string");
            let property = node.field(Field::Property).filter(|p| p.kind() == "property_identifier");
            match (is_import, specifier, property) {
                (true, Some(specifier), Some(property)) => {
                    TypeArgument::Import { specifier: unquote(text(specifier, src)), name: spanned(property, src) }
                }
                _ => TypeArgument::Other(Span::of_node(&node)),
            }
        }
        _ => TypeArgument::Other(Span::of_node(&node)),
    }
}

/// The node's source text.
fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The node's text with its span.
fn spanned(node: Node<'_>, src: &str) -> Spanned<String> {
    Spanned::new(text(node, src).to_owned(), Span::of_node(&node))
}

/// A string literal's contents without its quotes.
fn unquote(literal: &str) -> String {
    let t = literal.strip_prefix(['"', '\'']).unwrap_or(literal);
    t.strip_suffix(['"', '\'']).unwrap_or(t).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::FileKind;

    fn env_types(src: &str) -> Vec<EnvType> {
        let tree = crate::text::language::parse(FileKind::TypeScript, src, None);
        tree.map(|t| crate::facts::extract(&t, src, FileKind::TypeScript).env_types).unwrap_or_default()
    }

    #[test]
    fn interfaces_aliases_and_wrangler_types_output() {
        let src = r#"declare namespace Cloudflare {
  interface Env {
    CHAT: DurableObjectNamespace<import("./src/index").ChatRoom>;
    OTHER?: DurableObjectNamespace /* Room from chat */;
    KV: KVNamespace;
  }
}
interface Env extends Cloudflare.Env {}
type Bindings = { "ROOM": DurableObjectNamespace<Room>; X: DurableObjectNamespace<ns.Room> };
interface Props { P: DurableObjectNamespace<Room> }
"#;
        let types = env_types(src);
        let names: Vec<&str> = types.iter().map(|t| t.name.value.as_str()).collect();
        assert_eq!(names, ["Env", "Env", "Bindings"]);
        let env = &types[0].members;
        assert_eq!(env.len(), 3);
        match env[0].namespace.as_ref().and_then(|n| n.argument.as_ref()) {
            Some(TypeArgument::Import { specifier, name }) => {
                assert_eq!(specifier, "./src/index");
                assert_eq!(name.value, "ChatRoom");
                assert_eq!(&src[name.span.start..name.span.end], "ChatRoom");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(env[1].namespace, Some(NamespaceType { argument: None }));
        assert_eq!(env[2].namespace, None);
        assert_eq!(env[2].type_text.value, "KVNamespace");
        let bindings = &types[2].members;
        assert_eq!(bindings[0].name.value, "ROOM");
        assert!(
            matches!(&bindings[0].namespace, Some(NamespaceType { argument: Some(TypeArgument::Name(n)) }) if n.value == "Room")
        );
        assert!(matches!(&bindings[1].namespace, Some(NamespaceType { argument: Some(TypeArgument::Other(_)) })));
    }
}
