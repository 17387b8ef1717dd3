//! Severities, and the levels a user sets a rule to: a leaf every layer may use (the settings
//! file is read in `index`, the editor's settings in `lsp`, and both parse levels here).

use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Hint < Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

    /// Parses a lowercase name (`off` is no severity: see [`RuleLevel::parse`]).
    pub fn parse(s: &str) -> Option<Severity> {
        match RuleLevel::parse(s)? {
            RuleLevel::Off => None,
            RuleLevel::On(severity) => Some(severity),
        }
    }
}

/// What a user sets a rule to, in `durable-lsp.toml` or the editor's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleLevel {
    /// The rule does not run.
    Off,
    /// The rule runs and reports at this severity, whatever its default.
    On(Severity),
}

impl RuleLevel {
    /// The names a level may be given, `off` first.
    pub const NAMES: &[&str] = &["off", "hint", "info", "warning", "error"];

    /// The one parser of levels: `off`, `hint`, `info`, `warning` or `error`.
    pub fn parse(s: &str) -> Option<RuleLevel> {
        Some(match s {
            "off" => RuleLevel::Off,
            "hint" => RuleLevel::On(Severity::Hint),
            "info" => RuleLevel::On(Severity::Info),
            "warning" => RuleLevel::On(Severity::Warning),
            "error" => RuleLevel::On(Severity::Error),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_name_parses_back_to_itself() {
        for name in RuleLevel::NAMES {
            let level = RuleLevel::parse(name).unwrap_or_else(|| panic!("{name} does not parse"));
            let back = match level {
                RuleLevel::Off => "off",
                RuleLevel::On(severity) => severity.as_str(),
            };
            assert_eq!(back, *name);
        }
        assert_eq!(RuleLevel::parse("warn"), None);
        assert_eq!(Severity::parse("off"), None);
    }
}
