//! Field lookups by id: `node.field(Field::Name)` instead of `child_by_field_name("name")`.
//!
//! tree-sitter looks a field name up by comparing it with each of the grammar's field names
//! (`ts_language_field_id_for_name`, a `strncmp` per field) on every call; extraction makes
//! millions of such calls on a cold index and thousands per keystroke, and that scan was a
//! tenth of extraction's time. The ids are looked up once per grammar here. The TypeScript and
//! TSX grammars number their fields differently (TSX has JSX fields), so the table is chosen by
//! the node's grammar.

use std::sync::OnceLock;

use tree_sitter::{Language, Node};

use crate::text::FileKind;

macro_rules! fields {
    ($($variant:ident = $name:literal,)*) => {
        /// A field of the TypeScript/TSX grammars that extraction reads.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum Field {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        /// The field names, in [`Field`] order.
        const NAMES: &[&str] = &[$($name,)*];
    };
}

fields! {
    Alias = "alias",
    Alternative = "alternative",
    Argument = "argument",
    Arguments = "arguments",
    Body = "body",
    Condition = "condition",
    Consequence = "consequence",
    Constructor = "constructor",
    Declaration = "declaration",
    Function = "function",
    Index = "index",
    Key = "key",
    Left = "left",
    Name = "name",
    Object = "object",
    Operator = "operator",
    Parameter = "parameter",
    Parameters = "parameters",
    Pattern = "pattern",
    Property = "property",
    ReturnType = "return_type",
    Right = "right",
    Source = "source",
    Type = "type",
    TypeArguments = "type_arguments",
    Value = "value",
}

/// One grammar's ids for the [`Field`]s (0: the grammar has no such field).
struct FieldIds {
    language: Language,
    ids: Vec<u16>,
}

/// The ids of the source grammars, looked up on first use.
fn tables() -> &'static [FieldIds] {
    static TABLES: OnceLock<Vec<FieldIds>> = OnceLock::new();
    TABLES.get_or_init(|| {
        [FileKind::TypeScript, FileKind::Tsx]
            .into_iter()
            .filter_map(FileKind::language)
            .map(|language| {
                let ids = NAMES.iter().map(|name| language.field_id_for_name(name).map_or(0, |id| id.get())).collect();
                FieldIds { language, ids }
            })
            .collect()
    })
}

/// Field access by [`Field`].
pub(super) trait NodeFields<'t> {
    /// The child in `field`, like `child_by_field_name`.
    fn field(&self, field: Field) -> Option<Node<'t>>;
}

impl<'t> NodeFields<'t> for Node<'t> {
    fn field(&self, field: Field) -> Option<Node<'t>> {
        let language = self.language();
        match tables().iter().find(|t| t.language == *language) {
            Some(table) => match table.ids.get(field as usize) {
                Some(&id) if id != 0 => self.child_by_field_id(id),
                _ => None,
            },
            // Another grammar: the lookup by name.
            None => self.child_by_field_name(NAMES[field as usize]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_exists_in_both_grammars_and_ids_match_names() {
        assert_eq!(tables().len(), 2);
        for table in tables() {
            for (i, name) in NAMES.iter().enumerate() {
                let id = table.ids[i];
                assert_ne!(id, 0, "{name}");
                assert_eq!(table.language.field_name_for_id(id), Some(*name));
            }
        }
        let src = "class A extends B { m(x) { return f(x); } }";
        for kind in [FileKind::TypeScript, FileKind::Tsx] {
            let tree = crate::text::language::parse(kind, src, None);
            let Some(tree) = tree else { panic!("no tree") };
            let Some(class) = tree.root_node().named_child(0) else { panic!("no class") };
            for field in [Field::Name, Field::Body] {
                assert_eq!(class.field(field), class.child_by_field_name(NAMES[field as usize]), "{kind:?} {field:?}");
            }
        }
    }
}
