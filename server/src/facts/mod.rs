//! Per-file facts from TS/JS sources, extracted with the tree-sitter queries in `grammars/`.

pub mod model;

pub use model::*;
