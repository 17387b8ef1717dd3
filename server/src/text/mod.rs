//! The syntax layer: spans, positions, languages, documents (rope + tree).

pub mod language;
pub mod span;

pub use language::FileKind;
pub use span::{Span, Spanned};
