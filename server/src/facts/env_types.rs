//! Env types: the members of `interface Env` / `type Env = {...}` (and Hono's `Bindings`), with
//! the type argument of each `DurableObjectNamespace<X>`, extracted by
//! `grammars/typescript/env_types.scm`.

use super::grammar::PerGrammar;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Query, QueryCursor};

use super::units::Unit;
use crate::text::{FileKind, Span, Spanned};

const ENV_TYPES_SCM: &str = include_str!("../../../grammars/typescript/env_types.scm");

/// The generic type that types a Durable Object binding.
const NAMESPACE_TYPE: &str = "DurableObjectNamespace";

/// An `Env`-like type declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvType {
    /// The type's name (`Env`, `Bindings`), with its span.
    pub name: Spanned<String>,
    /// Its members, in source order.
    pub members: Vec<EnvMember>,
}

/// One member `X: T` of an env type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvMember {
    /// The member's name (unquoted), with the span of the name as written.
    pub name: Spanned<String>,
    /// The type as written, with its span.
    pub type_text: Spanned<String>,
    /// Set when the type is `DurableObjectNamespace` or `DurableObjectNamespace<X>`.
    pub namespace: Option<NamespaceType>,
}

/// A `DurableObjectNamespace` member type.
#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceType {
    /// The type argument; `None` for a bare `DurableObjectNamespace`.
    pub argument: Option<TypeArgument>,
}

/// The type argument of `DurableObjectNamespace<X>`.
#[derive(Debug, Clone, PartialEq)]
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

/// The env types of a file. Files of other kinds, and a query that fails to compile, give none.
pub(super) fn extract(unit: &Unit<'_>, src: &str, kind: FileKind) -> Vec<EnvType> {
    let Some(query) = query(kind) else { return Vec::new() };
    let (Some(name_index), Some(members_index)) =
        (query.capture_index_for_name("name"), query.capture_index_for_name("members"))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(unit.range.clone());
    let mut matches = cursor.matches(query, unit.node, src.as_bytes());
    while let Some(m) = matches.next() {
        let get = |index| m.captures.iter().find(|c| c.index == index).map(|c| c.node).filter(|&n| unit.covers(n));
        if let (Some(name), Some(members)) = (get(name_index), get(members_index)) {
            out.push(EnvType { name: spanned(name, src), members: env_members(members, src) });
        }
    }
    out
}

/// `env_types.scm`, compiled per grammar.
static QUERY: PerGrammar<Query> = PerGrammar::new();

/// The compiled query for `kind`'s grammar (`None` for non-source kinds and on a compile error).
fn query(kind: FileKind) -> Option<&'static Query> {
    QUERY.get(kind, compile)
}

/// Compiles the query for `language`.
fn compile(language: &Language) -> Result<Query, String> {
    Query::new(language, ENV_TYPES_SCM).map_err(|e| e.to_string())
}

/// The property signatures of an interface body or object type.
fn env_members(body: Node<'_>, src: &str) -> Vec<EnvMember> {
    let mut cursor = body.walk();
    let members = body
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "property_signature")
        .filter_map(|property| {
            let name_node = property.child_by_field_name("name")?;
            let name = match name_node.kind() {
                "property_identifier" => text(name_node, src).to_owned(),
                "string" => unquote(text(name_node, src)),
                _ => return None,
            };
            let annotation = property.child_by_field_name("type")?;
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
            let name = node.child_by_field_name("name")?;
            if name.kind() != "type_identifier" || text(name, src) != NAMESPACE_TYPE {
                return None;
            }
            let arguments = node.child_by_field_name("type_arguments")?;
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
            let object = node.child_by_field_name("object").filter(|o| o.kind() == "call_expression");
            let is_import =
                object.and_then(|o| o.child_by_field_name("function")).is_some_and(|f| f.kind() == "import");
            let specifier = object
                .and_then(|o| o.child_by_field_name("arguments"))
                .and_then(|a| {
                    let mut c = a.walk();
                    let first = a.named_children(&mut c).next();
                    first
                })
                .filter(|s| s.kind() == "string");
            let property = node.child_by_field_name("property").filter(|p| p.kind() == "property_identifier");
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

    fn env_types(src: &str) -> Vec<EnvType> {
        let tree = crate::text::language::parse(FileKind::TypeScript, src, None);
        tree.map(|t| crate::facts::extract(&t, src, FileKind::TypeScript).env_types).unwrap_or_default()
    }

    #[test]
    fn query_compiles() {
        for kind in [FileKind::TypeScript, FileKind::Tsx] {
            let language = kind.language();
            assert!(language.is_some_and(|l| compile(&l).is_ok()), "{kind:?}");
        }
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
