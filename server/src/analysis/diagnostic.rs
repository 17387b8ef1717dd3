//! Findings: what a rule reports, in byte spans, before any front end converts positions.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::text::Span;

pub use crate::severity::Severity;

/// A place in a file of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// The file (absolute).
    pub path: Arc<PathBuf>,
    /// The bytes.
    pub span: Span,
}

/// Another place that explains a finding (the binding of a class, the class of a binding).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there (`binding CHAT_ROOM`).
    pub message: String,
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id (`missing-migration`).
    pub rule: crate::analysis::RuleId,
    /// The effective severity.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// For the user. The first line says what is wrong and what to do, on its own (about 120
    /// characters at most: a list or a status line shows only it); lines after a `\n` may say
    /// why (the platform's reason). Formats that show one line take [`Finding::headline`].
    pub message: String,
    /// The other side, if any.
    pub related: Vec<Related>,
    /// Ways to fix it (quick-fixes), best first.
    pub fixes: Vec<super::Fix>,
}

impl Finding {
    /// The message's first line: what is wrong and what to do.
    pub fn headline(&self) -> &str {
        headline(&self.message)
    }

    /// The message's lines after the first (why), without empty ones.
    pub fn details(&self) -> impl Iterator<Item = &str> {
        let rest = self.message.split_once('\n').map_or("", |(_, rest)| rest);
        rest.split('\n').map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty())
    }
}

/// The first line of a message (without a trailing `\r`).
pub fn headline(message: &str) -> &str {
    message.split('\n').next().unwrap_or(message).trim_end_matches('\r')
}
