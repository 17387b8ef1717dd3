//! The command-line front end: `durable-lsp check` and its report formats.

pub mod changed;
pub mod check;
pub mod fix;
pub mod format;
pub mod graph;
pub mod progress;
