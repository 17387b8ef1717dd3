//! Wrangler config files: tolerant readers (JSONC, TOML) and the Worker model.

pub mod extract;
pub mod jsonc;
pub mod model;

pub use extract::extract;
pub use model::*;
