//! What this binary is: the crate's version and the commit it was built from (see `build.rs`).

/// The crate's version, such as `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The full commit id the binary was built from, or `unknown`.
pub const COMMIT: &str = env!("DURABLE_LSP_COMMIT");

/// The commit's date (`YYYY-MM-DD`), or empty when unknown.
pub const COMMIT_DATE: &str = env!("DURABLE_LSP_COMMIT_DATE");

/// `0.1.0 (1a2b3c4d5e6f 2026-12-06)`: the version, the commit's first 12 characters and its
/// date, as `--version` prints it after the name.
pub const LONG: &str = env!("DURABLE_LSP_LONG_VERSION");

#[cfg(test)]
mod tests {
    #[test]
    fn the_long_version_names_the_version_and_the_commit() {
        assert!(super::LONG.starts_with(super::VERSION), "{}", super::LONG);
        let commit: String = super::COMMIT.chars().take(12).collect();
        assert!(!commit.is_empty() && super::LONG.contains(&format!("({commit}")), "{}", super::LONG);
    }
}
