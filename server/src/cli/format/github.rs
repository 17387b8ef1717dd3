//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation a finding.

use super::{display_path, sorted, ReportContext, Sources};
use crate::analysis::{Finding, Severity};

/// Writes findings as GitHub Actions annotations, one line each:
///
/// ```text
/// ::error file=src/index.ts,line=3,col=16,endLine=3,endColumn=24,title=durable-lsp(unknown-binding)::`env.COUNTERS` is not bound
/// ```
///
/// Severities: error and warning as such, info and hint as `notice`. Lines count from 1, columns
/// from 1 in Unicode scalar values (as the text format), the end column exclusive. A file whose
/// text cannot be read gets no position (a file-level annotation). Paths are relative to the base
/// directory, which is the repository root when `check` runs from the workflow's default
/// directory. Values are escaped as `@actions/core` does (`toolkit/packages/core/src/command.ts`,
/// `escapeData` and `escapeProperty`): `%`, CR and LF in the message; those and `:` and `,` in
/// properties: a message of two lines (what to do, then why) is one annotation of two lines. No
/// findings, no output.
pub fn render_github(findings: &[Finding], cx: &ReportContext<'_>) -> String {
    let mut sources = Sources::new(cx.source);
    let mut out = String::new();
    for finding in sorted(findings) {
        let at = sources.resolve(&finding.location);
        let mut properties = vec![("file", display_path(&finding.location.path, cx.base))];
        if at.snippet.is_some() {
            properties.extend([
                ("line", at.start.line.to_string()),
                ("col", at.start.column.to_string()),
                ("endLine", at.end.line.to_string()),
                ("endColumn", at.end.column.to_string()),
            ]);
        }
        properties.push(("title", format!("durable-lsp({})", finding.rule)));
        let properties: Vec<String> =
            properties.iter().map(|(key, value)| format!("{key}={}", escape_property(value))).collect();
        out.push_str(&format!(
            "::{} {}::{}\n",
            command(finding.severity),
            properties.join(","),
            escape_data(&finding.message)
        ));
    }
    out
}

/// The workflow command of a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// Escapes a command's message: `%`, CR and LF.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: as a message, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_actions_core() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
