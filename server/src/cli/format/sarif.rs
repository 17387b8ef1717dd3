//! SARIF 2.1.0, the format code-scanning services (GitHub among them) ingest.

use std::collections::HashMap;
use std::path::{Component, Path};

use serde_json::{json, Value};

use super::{relative_path, sorted, ReportContext, Sources};
use crate::analysis::{doc_url, Finding, Location, RuleMeta, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/durable-lsp/durable-lsp";
const SRCROOT: &str = "%SRCROOT%";

/// Writes findings as a SARIF 2.1.0 log with one run, pretty-printed and ending in a newline.
///
/// `tool.driver.rules` lists every rule of the context (id, summary, first paragraph of its doc,
/// the doc itself as `help`, `helpUri`, default level); each result names its rule by `ruleId`
/// and `ruleIndex`. Levels: error and warning as such, info and hint as `note`. Artifact URIs
/// are relative to `%SRCROOT%`, the base directory (`originalUriBaseIds`), percent-encoded with
/// `/` separators; a file outside the base gets an absolute `file:` URI. Regions count lines
/// from 1 and columns from 1 in UTF-16 code units (`columnKind` `utf16CodeUnits`), the end
/// column exclusive; a file whose text cannot be read gets no region (the whole file). A result's
/// `message.text` is the whole message: a first line that stands on its own (what is wrong and
/// what to do), then, after a `\n`, why; viewers show the lines as written.
pub fn render_sarif(findings: &[Finding], cx: &ReportContext<'_>) -> String {
    let findings = sorted(findings);
    let mut sources = Sources::new(cx.source);
    let rule_index: HashMap<&str, usize> = cx.rules.iter().enumerate().map(|(i, rule)| (rule.id.as_str(), i)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let mut result = json!({
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": { "text": finding.message },
                "locations": [{
                    "physicalLocation": physical_location(&mut sources, &finding.location, cx),
                }],
            });
            if let Some(index) = rule_index.get(finding.rule.as_str()) {
                result["ruleIndex"] = json!(index);
            }
            if !finding.related.is_empty() {
                let related: Vec<Value> = finding
                    .related
                    .iter()
                    .enumerate()
                    .map(|(id, related)| {
                        json!({
                            "id": id,
                            "physicalLocation":
                                physical_location(&mut sources, &related.location, cx),
                            "message": { "text": related.message },
                        })
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "durable-lsp",
                    "version": cx.version,
                    "semanticVersion": cx.version,
                    "properties": { "commit": cx.commit },
                    "informationUri": INFORMATION_URI,
                    "rules": cx.rules.iter().map(descriptor).collect::<Vec<_>>(),
                },
            },
            "originalUriBaseIds": {
                SRCROOT: { "uri": file_uri(cx.base, true) },
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// A rule as a SARIF `reportingDescriptor`.
fn descriptor(rule: &RuleMeta) -> Value {
    let mut descriptor = json!({
        "id": rule.id,
        "shortDescription": { "text": rule.summary },
        "fullDescription": {
            "text": first_paragraph(rule.doc).unwrap_or_else(|| rule.summary.to_owned())
        },
        "helpUri": doc_url(rule.id),
        "defaultConfiguration": { "level": level(rule.default_severity) },
    });
    if !rule.doc.trim().is_empty() {
        descriptor["help"] = json!({ "text": rule.doc, "markdown": rule.doc });
    }
    descriptor
}

/// The first paragraph of a Markdown doc that is not a heading, on one line.
fn first_paragraph(doc: &str) -> Option<String> {
    let paragraph: Vec<&str> = doc
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty() || line.starts_with('#'))
        .take_while(|line| !line.is_empty())
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `artifactLocation` and `region` of a location.
fn physical_location(sources: &mut Sources<'_>, location: &Location, cx: &ReportContext<'_>) -> Value {
    let at = sources.resolve(location);
    let artifact = match relative_path(&location.path, cx.base) {
        Some(rel) => json!({ "uri": encode_path(&rel), "uriBaseId": SRCROOT }),
        None => json!({ "uri": file_uri(&location.path, false) }),
    };
    let mut physical = json!({ "artifactLocation": artifact });
    // Without the file's text the positions are unknown: no region means the whole file.
    if at.snippet.is_some() {
        physical["region"] = json!({
            "startLine": at.start.line,
            "startColumn": at.start.utf16_column,
            "endLine": at.end.line,
            "endColumn": at.end.utf16_column,
        });
    }
    physical
}

/// A `/`-separated relative path, each segment percent-encoded.
fn encode_path(rel: &str) -> String {
    rel.split('/').map(|segment| percent_encode(segment, false)).collect::<Vec<_>>().join("/")
}

/// The `file:` URI of an absolute path (`file:///C:/x` on Windows); with a trailing slash when
/// `dir`, as SARIF wants for a base URI.
pub(super) fn file_uri(path: &Path, dir: bool) -> String {
    let mut segments = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => {
                segments.push(percent_encode(&prefix.as_os_str().to_string_lossy(), true));
            }
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => segments.push("..".to_owned()),
            Component::Normal(part) => segments.push(percent_encode(&part.to_string_lossy(), false)),
        }
    }
    let mut uri = format!("file:///{}", segments.join("/"));
    if dir && !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes every byte but RFC 3986's unreserved characters (and `:` when `colon`).
fn percent_encode(segment: &str, colon: bool) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') || (colon && byte == b':') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
