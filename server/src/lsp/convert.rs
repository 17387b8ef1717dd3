//! Conversions between the engine's types and LSP's: positions, diagnostics, URIs.

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types as lsp;

use crate::analysis::{doc_url, Finding, Severity};
use crate::text::position::{line_col_to_offset, offset_to_line_col, IndexedText, LineIndex, Lines};
use crate::text::{LineCol, PositionEncoding, Span};

/// The file path of a `file:` URI.
pub fn uri_to_path(uri: &lsp::Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// The `file:` URI of a path.
pub fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    lsp::Uri::from_file_path(path)
}

/// LSP position -> engine position.
pub fn line_col(pos: lsp::Position) -> LineCol {
    LineCol { line: pos.line, character: pos.character }
}

/// Engine position -> LSP position.
pub fn position(pos: LineCol) -> lsp::Position {
    lsp::Position { line: pos.line, character: pos.character }
}

/// The LSP range of a byte span.
pub fn range(text: &impl Lines, span: Span, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range {
        start: position(offset_to_line_col(text, span.start, encoding)),
        end: position(offset_to_line_col(text, span.end, encoding)),
    }
}

/// The byte offset of an LSP position (clamped into the text).
pub fn offset(text: &impl Lines, pos: lsp::Position, encoding: PositionEncoding) -> usize {
    line_col_to_offset(text, line_col(pos), encoding)
}

/// The negotiated encoding: utf-8 when the client offers it, else utf-16.
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|list| list.contains(&lsp::PositionEncodingKind::UTF8)) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

/// The LSP name of an encoding.
pub fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

/// The LSP severity of a finding's severity.
pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// Converts a finding into an LSP diagnostic. `text_of` gives the current text of any file (for
/// related locations in other files). The message keeps its line break: a client that shows
/// one line (a status line, inline text) still gets what is wrong and what to do, and a hover or
/// a problems list shows the reason below it.
pub fn diagnostic(
    finding: &Finding,
    text: &str,
    index: &LineIndex,
    encoding: PositionEncoding,
    text_of: &dyn Fn(&Path) -> Option<std::sync::Arc<str>>,
) -> lsp::Diagnostic {
    let here = IndexedText { text, index };
    let related = finding
        .related
        .iter()
        .filter_map(|r| {
            let uri = path_to_uri(&r.location.path)?;
            let other = text_of(&r.location.path)?;
            let other_index = LineIndex::new(&other);
            let lines = IndexedText { text: &other, index: &other_index };
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri, range: range(&lines, r.location.span, encoding) },
                message: r.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    lsp::Diagnostic {
        range: range(&here, finding.location.span, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(lsp::NumberOrString::String(finding.rule.to_string())),
        code_description: doc_url(finding.rule).parse().ok().map(|href| lsp::CodeDescription { href }),
        source: Some("durable-lsp".to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
