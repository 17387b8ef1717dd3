//! The human format: one header line per finding, a snippet with carets, related notes, a summary.

use std::fmt::Write;

use super::{display_path, sorted, ReportContext, Snippet, Sources, Summary};
use crate::analysis::{Finding, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

/// Writes findings for a terminal:
///
/// ```text
/// src/index.ts:3:16: error[unknown-binding] `env.COUNTERS` is not a Durable Object binding
///   3 | const id = env.COUNTERS.idFromName(name);
///     |                ^^^^^^^^
///   = note: the namespace is `undefined` at run time
///   = note: wrangler.jsonc:8:15: binding COUNTER
/// ```
///
/// The header carries the message's first line (what is wrong, what to do); its further lines
/// (why) follow the snippet as `= note:` lines without a location, before the related notes.
///
/// Columns count chars from 1. The snippet keeps tabs, and carets underline the span's first
/// line (one caret at least). `color` adds ANSI colours: the severity in red, yellow, blue or
/// cyan, the location in bold. The last line sums up (`1 error, 2 warnings in 2 files`) or says
/// `no problems found`.
pub fn render_text(findings: &[Finding], cx: &ReportContext<'_>, color: bool) -> String {
    let findings = sorted(findings);
    let mut sources = Sources::new(cx.source);
    let mut out = String::new();
    let paint = Paint { color };
    for finding in &findings {
        let at = sources.resolve(&finding.location);
        let path = display_path(&finding.location.path, cx.base);
        let style = severity_style(finding.severity);
        let _ = writeln!(
            out,
            "{}: {}[{}] {}",
            paint.wrap(BOLD, &format!("{path}:{}:{}", at.start.line, at.start.column)),
            paint.wrap(style, finding.severity.as_str()),
            finding.rule,
            finding.headline(),
        );
        if let Some(snippet) = &at.snippet {
            write_snippet(&mut out, snippet, at.start.line, paint, style);
        }
        for detail in finding.details() {
            let _ = writeln!(out, "  = {}: {detail}", paint.wrap(BOLD, "note"));
        }
        for related in &finding.related {
            let rel = sources.resolve(&related.location);
            let rel_path = display_path(&related.location.path, cx.base);
            let _ = writeln!(
                out,
                "  = {}: {rel_path}:{}:{}: {}",
                paint.wrap(BOLD, "note"),
                rel.start.line,
                rel.start.column,
                one_line(&related.message),
            );
        }
        out.push('\n');
    }
    out.push_str(&summary_line(&Summary::of(&findings)));
    out.push('\n');
    out
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;34m",
        Severity::Hint => "\x1b[1;36m",
    }
}

/// The source line under a gutter, then carets under the span.
fn write_snippet(out: &mut String, snippet: &Snippet, line: u32, paint: Paint, style: &str) {
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let text: String = snippet.text.chars().map(printable).collect();
    let mut pad = String::new();
    let mut carets = 0;
    for (i, ch) in text.chars().enumerate() {
        if i < snippet.start {
            match ch {
                '\t' => pad.push('\t'),
                _ => pad.push_str(&" ".repeat(width(ch))),
            }
        } else if i < snippet.end {
            carets += width(ch).max(1);
        }
    }
    let carets = "^".repeat(carets.max(1));
    let _ = writeln!(out, "  {number} | {text}");
    let _ = writeln!(out, "  {gutter} | {pad}{}", paint.wrap(style, &carets));
}

/// A char as shown in a snippet: control characters other than tab become U+FFFD, so a file
/// cannot send escape sequences to the terminal.
fn printable(ch: char) -> char {
    if ch.is_control() && ch != '\t' {
        '\u{FFFD}'
    } else {
        ch
    }
}

/// Terminal columns a char takes: 2 for the common wide ranges (CJK, Hangul, emoji), 0 for
/// combining marks and joiners, else 1. An approximation of East Asian Width, enough for carets.
fn width(ch: char) -> usize {
    match ch as u32 {
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F | 0x20D0..=0x20FF => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// A message on one line: line breaks become spaces.
fn one_line(message: &str) -> String {
    message.split(['\r', '\n']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// `2 errors, 1 warning in 2 files`, or `no problems found`.
fn summary_line(summary: &Summary) -> String {
    let counts = [
        (summary.error, "error", "errors"),
        (summary.warning, "warning", "warnings"),
        (summary.info, "info", "infos"),
        (summary.hint, "hint", "hints"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    if parts.is_empty() {
        return "no problems found".to_owned();
    }
    let files = if summary.files == 1 { "file" } else { "files" };
    format!("{} in {} {files}", parts.join(", "), summary.files)
}
