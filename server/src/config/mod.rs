//! Wrangler config files: tolerant readers (JSONC, TOML) and the Worker model.
//!
//! [`read_config`] reads a file into a [`WorkerConfig`]; [`WorkerConfig::resolved_envs`] gives
//! each environment after inheritance, and [`replay`] its Durable Object lifecycle.

pub mod extract;
pub mod jsonc;
pub mod lifecycle;
pub mod model;
pub mod resolve;
pub mod toml;

pub use extract::extract;
pub use lifecycle::{
    next_tag, replay, ClassLifecycle, ClassState, EventKind, Lifecycle, LifecycleEvent,
    LifecycleModel, SequenceError, Storage,
};
pub use model::*;
pub use resolve::ResolvedEnv;

/// Reads a config file's text (tolerantly) into a [`WorkerConfig`].
pub fn read_config(text: &str, format: ConfigFormat) -> WorkerConfig {
    let (root, errors) = match format {
        ConfigFormat::Jsonc => jsonc::read(text),
        ConfigFormat::Toml => toml::read(text),
    };
    extract(format, root, errors)
}
