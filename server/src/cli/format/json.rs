//! The JSON format: a stable document for scripts.

use serde::Serialize;

use super::{display_path, sorted, Point, ReportContext, Resolved, Sources, Summary};
use crate::analysis::{Finding, Location, Severity};

/// Writes findings as one pretty-printed JSON document, ending in a newline:
///
/// ```json
/// {
///   "version": "0.1.0",
///   "commit": "8e3f599c0f1d2b7a4e6c5d3b2a1f0e9d8c7b6a54",
///   "findings": [
///     {
///       "rule": "unknown-binding",
///       "severity": "error",
///       "path": "src/index.ts",
///       "range": {
///         "start": { "line": 3, "column": 16 },
///         "end": { "line": 3, "column": 24 }
///       },
///       "byteRange": { "start": 58, "end": 66 },
///       "message": "`env.COUNTERS` is not a Durable Object binding",
///       "related": [
///         {
///           "path": "wrangler.jsonc",
///           "range": { "start": { "line": 8, "column": 15 }, "end": { "line": 8, "column": 24 } },
///           "byteRange": { "start": 160, "end": 169 },
///           "message": "binding COUNTER"
///         }
///       ]
///     }
///   ],
///   "summary": { "error": 1, "warning": 0, "info": 0, "hint": 0 }
/// }
/// ```
///
/// - `version`: the durable-lsp version that wrote the report; `commit`: the commit it was built
///   from (`unknown` when it was built without git).
/// - `findings`: sorted by `path`, position, `rule`. `rule` is the rule id; `severity` is
///   `error`, `warning`, `info` or `hint`; `path` is relative to the checked directory with `/`
///   separators, or absolute for a file outside it.
/// - `range`: `line` and `column` from 1, columns counted in Unicode scalar values; `end` is
///   exclusive (the position just past the span). `byteRange`: the same span as UTF-8 byte
///   offsets from 0 into the file, end exclusive.
/// - `message`: the whole message. Its first line says what is wrong and what to do on its own;
///   lines after a `\n` say why. A one-line display takes the text before the first `\n`.
/// - `related`: other places that explain the finding, each with `path`, `range`, `byteRange`
///   and `message`; empty when there are none.
/// - `summary`: the number of findings of each severity.
///
/// New keys may be added; existing keys keep their names and meaning.
pub fn render_json(findings: &[Finding], cx: &ReportContext<'_>) -> String {
    let findings = sorted(findings);
    let mut sources = Sources::new(cx.source);
    let items = findings
        .iter()
        .map(|finding| JsonFinding {
            rule: finding.rule.as_str(),
            severity: finding.severity,
            place: place(&mut sources, &finding.location, cx),
            message: &finding.message,
            related: finding
                .related
                .iter()
                .map(|related| JsonRelated {
                    place: place(&mut sources, &related.location, cx),
                    message: &related.message,
                })
                .collect(),
        })
        .collect();
    let summary = Summary::of(&findings);
    let document = JsonReport {
        version: cx.version,
        commit: cx.commit,
        findings: items,
        summary: JsonSummary { error: summary.error, warning: summary.warning, info: summary.info, hint: summary.hint },
    };
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'a str,
    commit: &'a str,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    #[serde(flatten)]
    place: JsonPlace,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    place: JsonPlace,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonPlace {
    path: String,
    range: JsonRange,
    byte_range: JsonByteRange,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonByteRange {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    error: usize,
    warning: usize,
    info: usize,
    hint: usize,
}

/// `path`, `range` and `byteRange` of a location.
fn place(sources: &mut Sources<'_>, location: &Location, cx: &ReportContext<'_>) -> JsonPlace {
    let Resolved { start, end, .. } = sources.resolve(location);
    JsonPlace {
        path: display_path(&location.path, cx.base),
        range: JsonRange { start: position(start), end: position(end) },
        byte_range: JsonByteRange { start: location.span.start, end: location.span.end },
    }
}

fn position(point: Point) -> JsonPosition {
    JsonPosition { line: point.line, column: point.column }
}
