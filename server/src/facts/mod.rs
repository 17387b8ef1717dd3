//! Per-file facts from TS/JS sources, extracted with the tree-sitter queries in `grammars/`.

mod classes;
pub mod code;
pub mod env_types;
mod extract;
mod fields;
#[cfg(test)]
mod grammar;
pub mod model;
mod modules;
mod nodes;
mod query;
mod relocate;
mod units;

pub use extract::{extract, extract_cached, extract_contained};
pub use model::*;
pub use units::FactsCache;

#[cfg(test)]
mod tests;
