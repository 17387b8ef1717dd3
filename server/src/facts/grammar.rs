//! What is compiled once per source grammar (TypeScript and TSX), on first use: the queries,
//! which only the tests compile (the oracle of `query.rs`).

use std::sync::OnceLock;

use tree_sitter::Language;

use crate::text::FileKind;

/// A value compiled from each source grammar on first use, with its compile error if any.
pub(super) struct PerGrammar<T> {
    typescript: OnceLock<Result<T, String>>,
    tsx: OnceLock<Result<T, String>>,
}

impl<T> PerGrammar<T> {
    /// Nothing compiled yet.
    pub const fn new() -> Self {
        PerGrammar { typescript: OnceLock::new(), tsx: OnceLock::new() }
    }

    /// The compile result for `kind`'s grammar (compiled with `compile` the first time), or
    /// `None` for kinds without a source grammar.
    pub fn compiled(&self, kind: FileKind, compile: fn(&Language) -> Result<T, String>) -> Option<&Result<T, String>> {
        let cell = match kind {
            FileKind::TypeScript => &self.typescript,
            FileKind::Tsx => &self.tsx,
            FileKind::Jsonc | FileKind::Toml => return None,
        };
        Some(cell.get_or_init(|| match kind.language() {
            Some(language) => compile(&language),
            None => Err("no grammar".to_owned()),
        }))
    }

    /// The compiled value for `kind`'s grammar; `None` for other kinds and on a compile error
    /// (a bug the tests catch).
    pub fn get(&self, kind: FileKind, compile: fn(&Language) -> Result<T, String>) -> Option<&T> {
        self.compiled(kind, compile)?.as_ref().ok()
    }
}
