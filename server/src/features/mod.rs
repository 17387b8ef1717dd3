//! Editor intelligence over the index: completion, hover, go to definition and references.
//!
//! Everything here works in byte offsets on [`crate::index::Workspace`] and returns engine-level
//! results (labels, kinds, spans, markdown); the LSP layer only converts them.

pub mod context;
