//! durable-lsp: a language server and linter for Cloudflare Durable Objects projects.
//!
//! Layers, each using only the ones above it: [`text`] (syntax) -> [`config`] and [`facts`]
//! (per-file extraction) -> [`index`] (the workspace) -> [`sema`] (the semantic model of a Worker)
//! -> [`analysis`] (rules) -> front ends.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod facts;
pub mod features;
pub mod index;
pub mod lsp;
pub mod platform;
pub mod sema;
pub mod severity;
pub mod text;
pub mod version;
