//! What every rule declares about itself.

use super::Severity;

/// A rule's identity and documentation: the public face of a rule (ids are a public API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable kebab-case id (`missing-migration`).
    pub id: &'static str,
    /// Severity unless the user configures another.
    pub default_severity: Severity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// The rule's doc in Markdown: what, why, a bad and a good example, the fix.
    pub doc: &'static str,
}

/// Where a rule's generated doc lives, for `codeDescription.href` and SARIF `helpUri`.
pub fn doc_url(id: &str) -> String {
    format!("https://github.com/durable-lsp/durable-lsp/blob/main/docs/rules/{id}.md")
}
