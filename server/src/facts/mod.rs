//! Per-file facts from TS/JS sources, extracted with the tree-sitter queries in `grammars/`.

pub mod env_types;
mod extract;
pub mod model;

pub use extract::extract;
pub use model::*;

#[cfg(test)]
mod tests;
