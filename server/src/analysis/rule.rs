//! What every rule declares about itself.

pub use super::rules::RuleId;
use super::Severity;

/// A rule's identity and documentation: the public face of a rule (ids are a public API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Which rule (its public kebab-case id is [`RuleId::as_str`]).
    pub id: RuleId,
    /// Severity unless the user configures another.
    pub default_severity: Severity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// The rule's doc in Markdown: what, why, a bad and a good example, the fix.
    pub doc: &'static str,
}

/// Where a rule's generated doc lives, for `codeDescription.href` and SARIF `helpUri`.
pub fn doc_url(id: RuleId) -> String {
    format!("https://github.com/durable-lsp/durable-lsp/blob/main/docs/rules/{id}.md")
}
