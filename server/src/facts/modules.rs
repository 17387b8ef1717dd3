//! Imports and exports: what a module takes from others and gives them.

use super::extract::{Captured, UnitFacts};
use super::fields::{Field, NodeFields};
use super::model::*;
use super::nodes::*;
use crate::text::{Span, Spanned};
use tree_sitter::Node;

/// Imports and the exports of top-level `export` statements; true when one is `export =`
/// (CommonJS).
pub(super) fn modules(captured: &Captured<'_>, src: &str, facts: &mut UnitFacts) -> bool {
    facts.imports = captured.imports.iter().filter_map(|&node| import_fact(node, src)).collect();
    let mut commonjs = false;
    for &node in &captured.exports {
        export_facts(node, src, facts, &mut commonjs);
    }
    commonjs
}

/// One `import` statement.
pub(super) fn import_fact(node: Node<'_>, src: &str) -> Option<ImportFact> {
    let mut type_only = has_token(node, "type") || has_token(node, "typeof");
    let mut names = Vec::new();
    let mut source = node.field(Field::Source);
    let mut all_type_specifiers = true;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "import_clause" => {
                let mut c = child.walk();
                for part in child.named_children(&mut c) {
                    match part.kind() {
                        "identifier" => {
                            all_type_specifiers = false;
                            names.push(ImportedName { imported: "default".to_owned(), local: spanned(part, src) });
                        }
                        "namespace_import" => {
                            all_type_specifiers = false;
                            if let Some(local) = child_of_kind(part, &["identifier"]) {
                                names.push(ImportedName { imported: "*".to_owned(), local: spanned(local, src) });
                            }
                        }
                        "named_imports" => {
                            let mut c = part.walk();
                            for spec in part.named_children(&mut c).filter(|s| s.kind() == "import_specifier") {
                                let Some(name) = spec.field(Field::Name) else {
                                    continue;
                                };
                                let local = spec.field(Field::Alias).unwrap_or(name);
                                all_type_specifiers &= has_token(spec, "type") || has_token(spec, "typeof");
                                names.push(ImportedName { imported: name_text(name, src), local: spanned(local, src) });
                            }
                        }
                        _ => {}
                    }
                }
            }
            // `import x = require("m")`: x is the whole module.
            "import_require_clause" => {
                all_type_specifiers = false;
                source = child.field(Field::Source);
                if let Some(local) = child_of_kind(child, &["identifier"]) {
                    names.push(ImportedName { imported: "*".to_owned(), local: spanned(local, src) });
                }
            }
            _ => {}
        }
    }
    type_only |= !names.is_empty() && all_type_specifiers;
    let source = source.filter(|s| s.kind() == "string")?;
    Some(ImportFact { specifier: Spanned::new(unquote(source, src), Span::of_node(&source)), names, type_only })
}

/// The exports of one top-level `export` statement.
pub(super) fn export_facts(node: Node<'_>, src: &str, facts: &mut UnitFacts, commonjs: &mut bool) {
    // `export type { T }` and `export type { T } from`: types only.
    if has_token(node, "type") {
        return;
    }
    // `export = x` (TypeScript's CommonJS export).
    if has_token(node, "=") {
        *commonjs = true;
        return;
    }
    let exports = &mut facts.exports;
    if has_token(node, "default") {
        let local = node.field(Field::Declaration).or_else(|| node.field(Field::Value)).and_then(|v| match v.kind() {
            "identifier" => Some(text(v, src).to_owned()),
            _ => v.field(Field::Name).map(|n| text(n, src).to_owned()),
        });
        exports.push(ExportFact::Default { span: Span::of_node(&node), local });
        return;
    }
    if let Some(declaration) = node.field(Field::Declaration) {
        let mut names = Vec::new();
        declared_names(declaration, &mut names);
        exports.extend(
            names.into_iter().map(|n| ExportFact::Local { exported: spanned(n, src), local: text(n, src).to_owned() }),
        );
        return;
    }
    let source = node.field(Field::Source).filter(|s| s.kind() == "string");
    let specifier = source.map(|s| Spanned::new(unquote(s, src), Span::of_node(&s)));
    let clause = child_of_kind(node, &["export_clause", "namespace_export"]);
    match (clause, specifier) {
        (Some(clause), specifier) if clause.kind() == "export_clause" => {
            let mut c = clause.walk();
            for spec in clause.named_children(&mut c).filter(|s| s.kind() == "export_specifier") {
                if has_token(spec, "type") {
                    continue;
                }
                let Some(name) = spec.field(Field::Name) else {
                    continue;
                };
                let alias = spec.field(Field::Alias).unwrap_or(name);
                let exported = Spanned::new(name_text(alias, src), Span::of_node(&alias));
                let imported = name_text(name, src);
                exports.push(match &specifier {
                    Some(specifier) => ExportFact::From { specifier: specifier.clone(), exported, imported },
                    None => ExportFact::Local { exported, local: imported },
                });
            }
        }
        (Some(clause), Some(specifier)) => {
            if let Some(name) = child_of_kind(clause, &["identifier", "string"]) {
                let exported = Spanned::new(name_text(name, src), Span::of_node(&name));
                exports.push(ExportFact::StarAs { specifier, exported });
            }
        }
        (None, Some(specifier)) if has_token(node, "*") => exports.push(ExportFact::Star { specifier }),
        _ => {}
    }
}

/// The value names an exported declaration binds (types and interfaces bind none).
pub(super) fn declared_names<'t>(declaration: Node<'t>, out: &mut Vec<Node<'t>>) {
    match declaration.kind() {
        "class_declaration"
        | "abstract_class_declaration"
        | "function_declaration"
        | "generator_function_declaration"
        | "enum_declaration"
        | "internal_module" => {
            out.extend(declaration.field(Field::Name));
        }
        "lexical_declaration" | "variable_declaration" | "ambient_declaration" => {
            let mut cursor = declaration.walk();
            for child in declaration.named_children(&mut cursor) {
                match child.kind() {
                    "variable_declarator" => {
                        if let Some(name) = child.field(Field::Name) {
                            pattern_names(name, out);
                        }
                    }
                    _ => declared_names(child, out),
                }
            }
        }
        _ => {}
    }
}

/// The names a binding pattern binds (`{ A, b: B, ...c }`, `[d, e = 1]`).
pub(super) fn pattern_names<'t>(pattern: Node<'t>, out: &mut Vec<Node<'t>>) {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => out.push(pattern),
        "pair_pattern" => {
            if let Some(value) = pattern.field(Field::Value) {
                pattern_names(value, out);
            }
        }
        "object_assignment_pattern" | "assignment_pattern" => {
            if let Some(left) = pattern.field(Field::Left) {
                pattern_names(left, out);
            }
        }
        "object_pattern" | "array_pattern" | "rest_pattern" => {
            let mut cursor = pattern.walk();
            for child in pattern.named_children(&mut cursor) {
                pattern_names(child, out);
            }
        }
        _ => {}
    }
}
