//! Wrangler config files: tolerant readers (JSONC, TOML) and the Worker model.

pub mod model;

pub use model::*;
