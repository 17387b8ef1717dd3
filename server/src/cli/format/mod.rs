//! Report formats for `durable-lsp check`: human text, JSON, SARIF 2.1.0, GitHub Actions
//! annotations and reviewdog's rdjson.
//!
//! Every format is deterministic: findings are sorted by path, position, rule and message before
//! they are written. Paths are printed relative to a base directory, with forward slashes; a file
//! outside it keeps its absolute path.
//!
//! Positions: lines are 1-based everywhere. Text and JSON count columns from 1 in Unicode scalar
//! values (Rust `char`s: an emoji is one column, as ruff counts), SARIF counts them from 1 in
//! UTF-16 code units (its default `columnKind`), GitHub annotations in chars as the text format,
//! rdjson in UTF-8 bytes (reviewdog's `Position.column`). An end position is exclusive: it is the position
//! just past the last character of the span. Lines end at LF, CR or CRLF, as in the editor. When a
//! file's text cannot be read, text and JSON report line 1, column 1 (the JSON byte range stays
//! exact) and SARIF gives no region.

mod github;
mod json;
mod rdjson;
mod sarif;
mod text;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{Finding, Location, RuleMeta, Severity};
use crate::text::position::{offset_to_line_col, IndexedText, Lines};
use crate::text::{LineIndex, PositionEncoding};

pub use github::render_github;
pub use json::render_json;
pub use rdjson::render_rdjson;
pub use sarif::render_sarif;
pub use text::render_text;

/// A report format of `durable-lsp check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: severity[id] message` with a source snippet; ANSI colours when `color`.
    Text {
        /// Colour severities and locations with ANSI escapes.
        color: bool,
    },
    /// The JSON document described in [`render_json`].
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations), described in [`render_github`].
    Github,
    /// reviewdog's rdjson, fixes as suggestions, described in [`render_rdjson`].
    Rdjson,
}

/// Everything a report needs besides the findings.
#[derive(Clone, Copy)]
pub struct ReportContext<'a> {
    /// Paths are printed relative to this directory (absolute, like the findings' paths).
    pub base: &'a Path,
    /// The text of a file, to turn byte spans into lines and columns and to show snippets.
    pub source: &'a dyn Fn(&Path) -> Option<Arc<str>>,
    /// Metadata of every rule (SARIF lists them all).
    pub rules: &'a [RuleMeta],
    /// The tool's version (`0.1.0`).
    pub version: &'a str,
    /// The commit the tool was built from (`unknown` when not known).
    pub commit: &'a str,
}

/// Writes `findings` in `format`.
pub fn render(format: Format, findings: &[Finding], cx: &ReportContext<'_>) -> String {
    match format {
        Format::Text { color } => render_text(findings, cx, color),
        Format::Json => render_json(findings, cx),
        Format::Sarif => render_sarif(findings, cx),
        Format::Github => render_github(findings, cx),
        Format::Rdjson => render_rdjson(findings, cx),
    }
}

/// The findings in report order: path, start, end, rule, message.
fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut out: Vec<&Finding> = findings.iter().collect();
    out.sort_by(|a, b| {
        (&a.location, a.rule, &a.message, a.severity).cmp(&(&b.location, b.rule, &b.message, b.severity))
    });
    out
}

/// How many findings of each severity, in how many files.
#[derive(Debug, Default)]
struct Summary {
    error: usize,
    warning: usize,
    info: usize,
    hint: usize,
    files: usize,
}

impl Summary {
    fn of(findings: &[&Finding]) -> Self {
        let mut summary = Summary::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
                Severity::Hint => summary.hint += 1,
            }
        }
        // Sorted by path first, so each file's findings are adjacent.
        summary.files = findings.windows(2).filter(|w| w[0].location.path != w[1].location.path).count()
            + usize::from(!findings.is_empty());
        summary
    }
}

/// `path` relative to `base` with forward slashes, or `None` when it lies outside `base`.
fn relative_path(path: &Path, base: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// The path as printed in text and JSON: relative to `base`, else absolute.
fn display_path(path: &Path, base: &Path) -> String {
    relative_path(path, base).unwrap_or_else(|| path.display().to_string())
}

/// A resolved position: 1-based line, 1-based columns in chars, UTF-16 code units and UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    line: u32,
    column: u32,
    utf16_column: u32,
    byte_column: u32,
}

impl Point {
    const START: Point = Point { line: 1, column: 1, utf16_column: 1, byte_column: 1 };
}

/// The first line of a span, for a snippet: its text and the span's char range on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snippet {
    /// The line, its break excluded.
    text: String,
    /// First char of the span, from 0.
    start: usize,
    /// One past its last char on this line, from 0 (`>= start`).
    end: usize,
}

/// A location with positions, ready to print.
#[derive(Debug, Clone)]
struct Resolved {
    start: Point,
    end: Point,
    snippet: Option<Snippet>,
}

/// A file's text with its line index.
struct Source {
    text: Arc<str>,
    index: LineIndex,
}

/// Reads each file once and resolves locations in it.
struct Sources<'a> {
    read: &'a dyn Fn(&Path) -> Option<Arc<str>>,
    files: HashMap<PathBuf, Option<Source>>,
}

impl<'a> Sources<'a> {
    fn new(read: &'a dyn Fn(&Path) -> Option<Arc<str>>) -> Self {
        Sources { read, files: HashMap::new() }
    }

    fn resolve(&mut self, location: &Location) -> Resolved {
        let read = self.read;
        let source = self
            .files
            .entry(location.path.to_path_buf())
            .or_insert_with(|| read(&location.path).map(|text| Source { index: LineIndex::new(&text), text }));
        let Some(source) = source else {
            return Resolved { start: Point::START, end: Point::START, snippet: None };
        };
        let lines = IndexedText { text: &source.text, index: &source.index };
        let start = point(&lines, location.span.start);
        let end = point(&lines, location.span.end);
        let line_text = lines.line_text(start.line as usize - 1);
        let end_on_line = if end.line == start.line { end.column as usize - 1 } else { line_text.chars().count() };
        let snippet = Snippet { text: line_text.into_owned(), start: start.column as usize - 1, end: end_on_line };
        Resolved { start, end, snippet: Some(snippet) }
    }
}

/// The position of byte `offset` (clamped to the text, moved back to a char boundary).
fn point(lines: &IndexedText<'_>, offset: usize) -> Point {
    let at = offset_to_line_col(lines, offset, PositionEncoding::Utf8);
    let line_text = lines.line_text(at.line as usize);
    let before = line_text.get(..at.character as usize).unwrap_or("");
    Point {
        line: at.line + 1,
        column: before.chars().count() as u32 + 1,
        utf16_column: before.encode_utf16().count() as u32 + 1,
        byte_column: before.len() as u32 + 1,
    }
}

#[cfg(test)]
mod tests;
