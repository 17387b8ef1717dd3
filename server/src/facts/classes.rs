//! Classes and their members: names, bases, methods, fields, parameters.

use super::fields::{Field, NodeFields};
use super::model::*;
use super::nodes::*;
use super::units::{self, Unit};
use crate::text::{Span, Spanned};
use tree_sitter::Node;

/// Every named class, in source order.
///
/// The class of a class head unit leaves its members out when each of them is a member unit:
/// linking adds them from there (so that the head, extracted again on every keystroke in the
/// class, does not read hundreds of members each time).
pub(super) fn classes(unit: &Unit<'_>, nodes: &[Node<'_>], src: &str) -> Vec<ClassFact> {
    let split_body = match unit.kind {
        units::UnitKind::ClassHead => units::member_units_body(unit.node),
        _ => None,
    };
    let mut classes: Vec<ClassFact> = nodes
        .iter()
        .filter_map(|&node| {
            let members_in_units = split_body.is_some() && node.field(Field::Body) == split_body;
            class_fact(node, &unit.ancestors(node), src, members_in_units)
        })
        .collect();
    classes.sort_by_key(|c| c.body_span.start);
    classes
}

/// The fact for one class node with its ancestors; `None` for anonymous classes. Without its
/// members when `members_in_units`.
pub(super) fn class_fact(
    node: Node<'_>,
    ancestors: &[Node<'_>],
    src: &str,
    members_in_units: bool,
) -> Option<ClassFact> {
    let body = node.field(Field::Body)?;
    // `const X = class {}` takes the variable's name; the statement is the declaration.
    let declarator = ancestors.last().filter(|p| {
        p.kind() == "variable_declarator"
            && is_field(**p, Field::Value, node)
            && p.field(Field::Name).is_some_and(|n| n.kind() == "identifier")
    });
    // The statement and the number of its ancestors.
    let (name, mut statement, mut depth) = match declarator {
        Some(declarator) => {
            let depth = ancestors.len().saturating_sub(2);
            let statement = ancestors.get(depth).copied().unwrap_or(*declarator);
            (declarator.field(Field::Name)?, statement, depth)
        }
        None => (node.field(Field::Name)?, node, ancestors.len()),
    };
    let parent = |depth: usize| depth.checked_sub(1).and_then(|i| ancestors.get(i)).copied();
    // `export declare class X`
    if let Some(ambient) = parent(depth).filter(|p| p.kind() == "ambient_declaration") {
        statement = ambient;
        depth -= 1;
    }
    // Only the module's own exports: not `export` inside `namespace N {}` / `declare module`.
    let top_level = parent(depth.saturating_sub(1)).is_some_and(|p| matches!(p.kind(), "program" | "ERROR"));
    let export = parent(depth).filter(|p| p.kind() == "export_statement" && top_level);
    let default_export = export.is_some_and(|e| has_token(e, "default"));
    Some(ClassFact {
        name: spanned(name, src),
        span: Span::of_node(&statement),
        body_span: Span::of_node(&body),
        base: base_ref(node, src),
        members: if members_in_units { Vec::new() } else { members(body, src) },
        exported_inline: export.is_some() && !default_export,
        default_export,
    })
}

/// The class's `extends` clause.
pub(super) fn base_ref(class: Node<'_>, src: &str) -> Option<BaseRef> {
    let heritage = child_of_kind(class, &["class_heritage"])?;
    let extends = child_of_kind(heritage, &["extends_clause"])?;
    let value = extends.field(Field::Value)?;
    Some(match value.kind() {
        "identifier" => BaseRef::Name(spanned(value, src)),
        "member_expression" => {
            let object = value.field(Field::Object);
            let property = value.field(Field::Property);
            match (object, property) {
                (Some(object), Some(property))
                    if property.kind() == "property_identifier"
                        && matches!(object.kind(), "identifier" | "member_expression") =>
                {
                    BaseRef::Member { object: text(object, src).to_owned(), property: spanned(property, src) }
                }
                _ => BaseRef::Opaque(Span::of_node(&value)),
            }
        }
        _ => BaseRef::Opaque(Span::of_node(&value)),
    })
}

/// The members of a class body, in source order.
pub(super) fn members(body: Node<'_>, src: &str) -> Vec<MemberFact> {
    let mut cursor = body.walk();
    let members = body.named_children(&mut cursor).filter_map(|child| member_of_class(child, src)).collect();
    members
}

/// The member fact of a child of a class body (`None` for other children: comments, static
/// blocks, index signatures).
pub(super) fn member_of_class(child: Node<'_>, src: &str) -> Option<MemberFact> {
    match child.kind() {
        "method_definition" => member(child, child, src),
        "public_field_definition" => {
            let function = child
                .field(Field::Value)
                .filter(|v| matches!(v.kind(), "arrow_function" | "function_expression" | "generator_function"));
            member(child, function.unwrap_or(child), src)
        }
        _ => None,
    }
}

/// One member: `node` is the method or field, `function` the node with the parameters (the
/// method itself, or a field's function value; the field itself for a plain field).
pub(super) fn member(node: Node<'_>, function: Node<'_>, src: &str) -> Option<MemberFact> {
    let name_node = node.field(Field::Name)?;
    let name = match name_node.kind() {
        "property_identifier" | "private_property_identifier" | "number" => text(name_node, src).to_owned(),
        "string" => unquote(name_node, src),
        _ => return None,
    };
    let mut is_static = false;
    let mut is_private = name.starts_with('#');
    let mut accessor = None;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child == name_node {
            break;
        }
        match child.kind() {
            "static" if !child.is_named() => is_static = true,
            "get" | "set" if !child.is_named() => accessor = Some(child.kind()),
            "accessibility_modifier" => {
                is_private |= matches!(text(child, src), "private" | "protected");
            }
            _ => {}
        }
    }
    let kind = if node.kind() == "public_field_definition" {
        if function == node {
            MemberKind::Field
        } else {
            MemberKind::FunctionField
        }
    } else {
        match accessor {
            Some("get") => MemberKind::Getter,
            Some(_) => MemberKind::Setter,
            None if name == "constructor" && !is_static => MemberKind::Constructor,
            None => MemberKind::Method,
        }
    };
    let (params, param_names) = parameters(function.field(Field::Parameters), src);
    let return_type = function.field(Field::ReturnType).map(|t| {
        let t = text(t, src);
        t.strip_prefix(':').unwrap_or(t).trim().to_owned()
    });
    Some(MemberFact {
        name: Spanned::new(name, Span::of_node(&name_node)),
        span: Span::of_node(&node),
        kind,
        is_static,
        is_private,
        is_async: has_token(function, "async"),
        params,
        param_names,
        return_type,
    })
}

/// The parameters as written and their names (a destructuring pattern's text as its name).
pub(super) fn parameters(list: Option<Node<'_>>, src: &str) -> (Vec<Spanned<String>>, Vec<String>) {
    let Some(list) = list else {
        return (Vec::new(), Vec::new());
    };
    let mut params = Vec::new();
    let mut names = Vec::new();
    let mut cursor = list.walk();
    for param in list.named_children(&mut cursor) {
        let name = match param.kind() {
            "required_parameter" | "optional_parameter" => match param.field(Field::Pattern) {
                Some(p) if p.kind() == "rest_pattern" => {
                    let mut c = p.walk();
                    let inner = p.named_children(&mut c).find(|n| n.kind() != "comment");
                    text(inner.unwrap_or(p), src)
                }
                Some(p) => text(p, src),
                None => text(param, src),
            },
            // A bare arrow parameter `x => ...` or anything the grammar adds later.
            "identifier" => text(param, src),
            _ => continue,
        };
        params.push(spanned(param, src));
        names.push(name.to_owned());
    }
    (params, names)
}
