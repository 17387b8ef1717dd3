//! The command-line front end: `durable-lsp check` and its report formats.

pub mod check;
pub mod fix;
pub mod format;
