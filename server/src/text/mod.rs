//! The syntax layer: spans, positions, languages, documents (rope + tree).

pub mod document;
pub mod language;
pub mod lines;
pub mod span;
pub mod words;

pub use document::{Document, TextChange};
pub use language::FileKind;
pub use span::{Span, Spanned};
pub mod position;

pub use position::{LineCol, LineIndex, PositionEncoding};
