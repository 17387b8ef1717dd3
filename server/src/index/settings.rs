//! `durable-lsp.toml`: project settings, found in the workspace root or any folder above a Worker.
//!
//! ```toml
//! durable_object_bases = ["MyBase"]   # classes (from any package) that count as DO bases
//! exclude = ["generated/**"]          # globs, relative to this file's folder, never indexed
//!
//! [rules]
//! set-timeout-in-durable-object = "off"   # off | hint | info | warning | error
//! ```
//!
//! Invalid entries are reported in the file and ignored; the valid ones apply.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{Value, ValueKind};
use crate::severity::RuleLevel;
use crate::text::{Span, Spanned};

/// The settings file's name.
pub const FILE_NAME: &str = "durable-lsp.toml";

/// One parsed `durable-lsp.toml`.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    /// The folder it applies to (and below).
    pub dir: PathBuf,
    /// Its text.
    pub text: std::sync::Arc<str>,
    /// Rule id -> level, each with the span of its key (whether the id exists is the
    /// analysis's business: `invalid-settings`).
    pub rules: Vec<(Spanned<String>, RuleLevel)>,
    /// Extra DO base class names.
    pub durable_object_bases: Vec<String>,
    /// Paths never indexed.
    pub exclude: GlobSet,
    /// Problems: syntax errors and invalid entries.
    pub errors: Vec<(Span, String)>,
}

impl SettingsFile {
    /// Reads a settings file's text. Whether each rule id exists is the analysis's business.
    pub fn parse(path: &Path, text: &str) -> SettingsFile {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let (root, syntax) = crate::config::toml::read(text);
        let mut errors: Vec<(Span, String)> = syntax.into_iter().map(|e| (e.span, e.message)).collect();
        let mut rules = Vec::new();
        let mut durable_object_bases = Vec::new();
        let mut globs = GlobSetBuilder::new();
        let ValueKind::Object(members) = &root.kind else {
            return SettingsFile {
                dir,
                text: text.into(),
                rules,
                durable_object_bases,
                exclude: GlobSet::empty(),
                errors,
            };
        };
        for member in members {
            match member.key.value.as_str() {
                "rules" => match &member.value.kind {
                    ValueKind::Object(entries) => {
                        for entry in entries {
                            let id = &entry.key;
                            let level = match &entry.value.kind {
                                ValueKind::String(level) => RuleLevel::parse(level),
                                _ => None,
                            };
                            match level {
                                Some(level) => rules.push((id.clone(), level)),
                                None => errors.push((
                                    entry.value.span,
                                    format!(
                                        "the level of `{}` must be one of {}",
                                        id.value,
                                        RuleLevel::NAMES.join(", ")
                                    ),
                                )),
                            }
                        }
                    }
                    _ => errors.push((member.value.span, "`rules` must be a table of rule id = level".into())),
                },
                "durable_object_bases" => strings(&member.value, "durable_object_bases", &mut errors)
                    .into_iter()
                    .for_each(|(name, _)| durable_object_bases.push(name)),
                "exclude" => {
                    for (pattern, span) in strings(&member.value, "exclude", &mut errors) {
                        match Glob::new(&pattern) {
                            Ok(glob) => {
                                globs.add(glob);
                            }
                            Err(err) => errors.push((span, format!("invalid glob `{pattern}`: {}", err.kind()))),
                        }
                    }
                }
                other => errors.push((
                    member.key.span,
                    format!("unknown setting `{other}` (expected `rules`, `durable_object_bases` or `exclude`)"),
                )),
            }
        }
        let exclude = globs.build().unwrap_or_else(|_| GlobSet::empty());
        SettingsFile { dir, text: text.into(), rules, durable_object_bases, exclude, errors }
    }

    /// True when `path` (under this file's folder) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        path.strip_prefix(&self.dir).is_ok_and(|rel| self.exclude.is_match(rel))
    }
}

fn strings(value: &Value, key: &str, errors: &mut Vec<(Span, String)>) -> Vec<(String, Span)> {
    let ValueKind::Array(items) = &value.kind else {
        errors.push((value.span, format!("`{key}` must be an array of strings")));
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match &item.kind {
            ValueKind::String(s) => Some((s.clone(), item.span)),
            _ => {
                errors.push((item.span, format!("`{key}` must contain only strings")));
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_entries_apply_and_invalid_ones_are_said() {
        let text = "exclude = [\"gen/**\", \"[\"]\ndurable_object_bases = [\"Base\", 3]\ncolour = 1\n\n[rules]\nunknown-class = \"off\"\nmissing-migration = \"loud\"\nno-such-rule = \"error\"\n";
        let file = SettingsFile::parse(Path::new("/p/durable-lsp.toml"), text);
        assert_eq!(file.rules.len(), 2);
        assert_eq!(file.rules[0].0.value, "unknown-class");
        assert_eq!(file.durable_object_bases, ["Base"]);
        assert!(file.excludes(Path::new("/p/gen/a.ts")));
        assert!(!file.excludes(Path::new("/p/src/a.ts")));
        let messages: Vec<&str> = file.errors.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        for (span, _) in &file.errors {
            assert!(span.end <= text.len());
        }
    }

    #[test]
    fn broken_toml_is_said_and_never_panics() {
        let file = SettingsFile::parse(Path::new("/p/durable-lsp.toml"), "[rules\nx = ");
        assert!(!file.errors.is_empty());
    }
}
