//! Per-file facts from TS/JS sources, extracted with the tree-sitter queries in `grammars/`.

mod calls;
pub mod env_types;
mod extract;
pub mod model;

pub use calls::{
    ArgFact, ArgValue, CallFact, CallFacts, CallKind, MemberBody, PropertyFact, StatementFact, StorageApiUse,
    TemplatePart, VariableFact,
};
pub use extract::extract;
pub use model::*;

#[cfg(test)]
mod tests;
