//! Fixes: edits a finding offers, applied by the editor (`workspace/applyEdit` through code
//! actions) or by `check --fix`.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::text::Span;

/// Replace the bytes `span` of `path` with `new_text` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TextEdit {
    /// The file.
    pub path: Arc<PathBuf>,
    /// The bytes replaced, in the file's current text.
    pub span: Span,
    /// The replacement.
    pub new_text: String,
}

/// How safe a fix is to apply without a human looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Certainly right and meaning-preserving: `source.fixAll` and `check --fix` apply it.
    Safe,
    /// Probably right, but a human should choose (a closest-name guess, one of several options).
    Suggestion,
}

/// One way to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    /// What the fix does, as a code action title (`Add a migration for ChatRoom`).
    pub title: String,
    /// The edits, possibly in several files (code and config).
    pub edits: Vec<TextEdit>,
    /// True when this is clearly the right fix (`isPreferred`).
    pub preferred: bool,
    /// Whether batch fixing may apply it.
    pub applicability: Applicability,
}

impl Fix {
    /// A fix of one edit.
    pub fn single(title: impl Into<String>, edit: TextEdit, preferred: bool, applicability: Applicability) -> Fix {
        Fix { title: title.into(), edits: vec![edit], preferred, applicability }
    }
}
