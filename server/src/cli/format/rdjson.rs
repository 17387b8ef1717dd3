//! reviewdog's Diagnostic Format as one JSON document (`reviewdog -f=rdjson`).
//!
//! Field names and units follow `proto/rdf/reviewdog.proto` in reviewdog/reviewdog: a
//! `DiagnosticResult` with `source` and `diagnostics`; each `Diagnostic` with `message`,
//! `location` (`path`, `range`), `severity` (`ERROR`, `WARNING`, `INFO`), `code` (`value`,
//! `url`) and `suggestions` (`range`, `text`). Lines count from 1; "Column number, starting at 1
//! (byte count in UTF-8)"; a range's end is exclusive.

use serde::Serialize;

use super::{display_path, sorted, Point, ReportContext, Sources};
use crate::analysis::{doc_url, Finding, Fix, Location, Severity};

const SOURCE_URL: &str = "https://github.com/durable-lsp/durable-lsp";

/// Writes findings as an rdjson `DiagnosticResult`, pretty-printed and ending in a newline.
///
/// Severities: error and warning as such, info and hint as `INFO`. `code.url` is the rule's
/// doc. Suggestions come from one fix of the finding: among the fixes whose edits all lie in the
/// finding's own file (reviewdog suggests changes to the commented file only; half of a fix that
/// also edits another file would be wrong), the first preferred one, else the first one. A file
/// whose text cannot be read gets no range (reviewdog then reports on the file) and no
/// suggestions.
pub fn render_rdjson(findings: &[Finding], cx: &ReportContext<'_>) -> String {
    let mut sources = Sources::new(cx.source);
    let diagnostics = sorted(findings)
        .into_iter()
        .map(|finding| {
            let at = sources.resolve(&finding.location);
            let readable = at.snippet.is_some();
            let suggestions = match chosen_fix(finding) {
                Some(fix) if readable => fix
                    .edits
                    .iter()
                    .map(|edit| {
                        let location = Location { path: edit.path.clone(), span: edit.span };
                        let at = sources.resolve(&location);
                        RdSuggestion { range: range(at.start, at.end), text: &edit.new_text }
                    })
                    .collect(),
                _ => Vec::new(),
            };
            RdDiagnostic {
                message: &finding.message,
                location: RdLocation {
                    path: display_path(&finding.location.path, cx.base),
                    range: readable.then(|| range(at.start, at.end)),
                },
                severity: severity(finding.severity),
                code: RdCode { value: finding.rule.as_str(), url: doc_url(finding.rule) },
                suggestions,
            }
        })
        .collect();
    let result = RdResult { source: RdSource { name: "durable-lsp", url: SOURCE_URL }, diagnostics };
    let mut out = serde_json::to_string_pretty(&result).unwrap_or_default();
    out.push('\n');
    out
}

/// The fix offered as suggestions: the first preferred one of those confined to the finding's
/// file, else the first of those.
fn chosen_fix(finding: &Finding) -> Option<&Fix> {
    let own_file =
        |fix: &&Fix| !fix.edits.is_empty() && fix.edits.iter().all(|edit| *edit.path == *finding.location.path);
    let mut candidates = finding.fixes.iter().filter(own_file);
    let first = candidates.clone().next();
    candidates.find(|fix| fix.preferred).or(first)
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info | Severity::Hint => "INFO",
    }
}

fn range(start: Point, end: Point) -> RdRange {
    RdRange {
        start: RdPosition { line: start.line, column: start.byte_column },
        end: RdPosition { line: end.line, column: end.byte_column },
    }
}

#[derive(Serialize)]
struct RdResult<'a> {
    source: RdSource,
    diagnostics: Vec<RdDiagnostic<'a>>,
}

#[derive(Serialize)]
struct RdSource {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct RdDiagnostic<'a> {
    message: &'a str,
    location: RdLocation,
    severity: &'static str,
    code: RdCode,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<RdSuggestion<'a>>,
}

#[derive(Serialize)]
struct RdLocation {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<RdRange>,
}

#[derive(Serialize)]
struct RdCode {
    value: &'static str,
    url: String,
}

#[derive(Serialize)]
struct RdSuggestion<'a> {
    range: RdRange,
    text: &'a str,
}

#[derive(Serialize)]
struct RdRange {
    start: RdPosition,
    end: RdPosition,
}

#[derive(Serialize)]
struct RdPosition {
    line: u32,
    column: u32,
}
