//! Findings: what a rule reports, in byte spans, before any front end converts positions.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::text::Span;

/// How serious a finding is. Ordered: `Hint < Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A suggestion.
    Hint,
    /// Worth knowing.
    Info,
    /// Likely a bug.
    Warning,
    /// Certainly a bug: wrangler or the runtime will fail.
    Error,
}

impl Severity {
    /// The lowercase name (`error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "hint" => Severity::Hint,
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// A place in a file of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file (absolute).
    pub path: Arc<PathBuf>,
    /// The bytes.
    pub span: Span,
}

/// Another place that explains a finding (the binding of a class, the class of a binding).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there (`binding CHAT_ROOM`).
    pub message: String,
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// The rule's id (`missing-migration`).
    pub rule: &'static str,
    /// The effective severity.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// One or two sentences for the user.
    pub message: String,
    /// The other side, if any.
    pub related: Vec<Related>,
    /// Ways to fix it (quick-fixes), best first.
    pub fixes: Vec<super::Fix>,
}
