use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::analysis::{Applicability, Fix, Related, RuleId, TextEdit};
use crate::text::Span;

const INDEX_TS: &str = "const face = \"😀\"; env.COUNTERS.idFromName(name);\r\n\tsetTimeout(tick, 10);\r\n";
const WRANGLER: &str = "{\n  \"durable_objects\": {\n    \"bindings\": [{ \"name\": \"COUNTER\" }]\n  }\n}\n";
const SHARED_TS: &str = "export class Base {}\n";
const SPACED_TS: &str = "export class Lonely extends DurableObject {}\n";

const RULES: &[RuleMeta] = &[
    RuleMeta {
        id: RuleId::UnknownBinding,
        default_severity: Severity::Error,
        summary: "A Durable Object namespace that is not bound",
        doc: "# unknown-binding\n\n`env.X` is used as a Durable Object namespace\nbut X is not bound.\n\n## Fix\n",
    },
    RuleMeta {
        id: RuleId::SetTimeoutInDurableObject,
        default_severity: Severity::Warning,
        summary: "A timer inside a Durable Object",
        doc: "Timers keep the object awake.",
    },
    RuleMeta {
        id: RuleId::UnboundDurableObject,
        default_severity: Severity::Hint,
        summary: "An exported Durable Object class that nothing binds",
        doc: "",
    },
];

fn path(p: &str) -> Arc<PathBuf> {
    Arc::new(PathBuf::from(p))
}

fn read(path: &Path) -> Option<Arc<str>> {
    let text = match path.to_str()? {
        "/proj/src/index.ts" => INDEX_TS,
        "/proj/wrangler.jsonc" => WRANGLER,
        "/shared/base.ts" => SHARED_TS,
        "/proj/src/my dir/lonely.ts" => SPACED_TS,
        _ => return None,
    };
    Some(Arc::from(text))
}

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap_or_default();
    Span::new(start, start + needle.len())
}

fn finding(rule: &str, severity: Severity, file: &str, span: Span, message: &str) -> Finding {
    Finding {
        rule: RuleId::from_name(rule).unwrap_or_else(|| panic!("no rule {rule}")),
        severity,
        location: Location { path: path(file), span },
        message: message.to_owned(),
        related: Vec::new(),
        fixes: Vec::new(),
    }
}

/// Findings in no particular order, covering: an emoji before the span and CRLF line ends, a
/// tab before the span, a span over several lines, related information, a file outside the base,
/// a path with a space, a file whose text cannot be read, and a message of three lines (CRLF and an
/// empty line between).
fn findings() -> Vec<Finding> {
    let mut unknown = finding(
        "unknown-binding",
        Severity::Error,
        "/proj/src/index.ts",
        span_of(INDEX_TS, "COUNTERS"),
        "`env.COUNTERS` is not a Durable Object binding; did you mean `COUNTER`?",
    );
    unknown.related.push(Related {
        location: Location { path: path("/proj/wrangler.jsonc"), span: span_of(WRANGLER, "\"COUNTER\"") },
        message: "binding COUNTER".to_owned(),
    });
    let bindings_start = WRANGLER.find("{\n    \"bindings").unwrap_or_default();
    let bindings_end = WRANGLER.find("\n}").unwrap_or_default();
    vec![
        finding(
            "set-timeout-in-durable-object",
            Severity::Warning,
            "/proj/src/index.ts",
            span_of(INDEX_TS, "setTimeout"),
            "`setTimeout` keeps the Durable Object awake: schedule an alarm\nThe timer does not survive eviction.\r\n\nIt keeps the object in memory.",
        ),
        finding(
            "unbound-durable-object",
            Severity::Hint,
            "/proj/src/my dir/lonely.ts",
            span_of(SPACED_TS, "Lonely"),
            "No binding names the class `Lonely`",
        ),
        unknown,
        finding(
            "invalid-do-binding",
            Severity::Error,
            "/proj/wrangler.jsonc",
            Span::new(bindings_start, bindings_end),
            "The binding lacks a `class_name`",
        ),
        finding(
            "unbound-durable-object",
            Severity::Info,
            "/shared/base.ts",
            span_of(SHARED_TS, "Base"),
            "No binding names the class `Base`",
        ),
        finding("unknown-class", Severity::Error, "/proj/gone.ts", Span::new(3, 8), "The file is gone"),
    ]
}

fn context() -> ReportContext<'static> {
    ReportContext {
        base: Path::new("/proj"),
        source: &read,
        rules: RULES,
        version: "0.1.0",
        commit: "0123456789abcdef0123456789abcdef01234567",
    }
}

#[test]
fn text_report() {
    insta::assert_snapshot!(render_text(&findings(), &context(), false));
}

#[test]
fn json_report() {
    insta::assert_snapshot!(render_json(&findings(), &context()));
}

#[test]
fn sarif_report() {
    insta::assert_snapshot!(render_sarif(&findings(), &context()));
}

#[test]
fn github_report() {
    insta::assert_snapshot!(render_github(&findings(), &context()));
}

#[test]
fn rdjson_report() {
    insta::assert_snapshot!(render_rdjson(&with_fixes(findings()), &context()));
}

/// The findings with fixes on `unknown-binding`: one in another file only (never suggested), a
/// plain one and a preferred one in the finding's file (suggested).
fn with_fixes(mut findings: Vec<Finding>) -> Vec<Finding> {
    let edit = |file: &str, span: Span, new_text: &str| TextEdit { path: path(file), span, new_text: new_text.into() };
    for finding in findings.iter_mut().filter(|f| f.rule == "unknown-binding") {
        finding.fixes = vec![
            Fix::single(
                "Bind COUNTERS",
                edit("/proj/wrangler.jsonc", span_of(WRANGLER, "\"COUNTER\""), "\"COUNTERS\""),
                true,
                Applicability::Suggestion,
            ),
            Fix::single(
                "Use `COUNTER` (plain)",
                edit("/proj/src/index.ts", span_of(INDEX_TS, "COUNTERS"), "COUNTER_"),
                false,
                Applicability::Suggestion,
            ),
            Fix::single(
                "Use `COUNTER`",
                edit("/proj/src/index.ts", span_of(INDEX_TS, "COUNTERS"), "COUNTER"),
                true,
                Applicability::Suggestion,
            ),
        ];
    }
    findings
}

#[test]
fn github_escapes_messages_and_properties() {
    let cx = context();
    let only = [finding("unknown-class", Severity::Info, "/proj/a,b:c.ts", Span::new(0, 1), "50% done\nnext")];
    assert_eq!(
        render_github(&only, &cx),
        "::notice file=a%2Cb%3Ac.ts,title=durable-lsp(unknown-class)::50%25 done%0Anext\n"
    );
}

#[test]
fn rdjson_columns_are_utf8_bytes() {
    let cx = context();
    let only = [finding("unknown-binding", Severity::Error, "/proj/src/index.ts", span_of(INDEX_TS, "COUNTERS"), "m")];
    let rd: serde_json::Value =
        serde_json::from_str(&render_rdjson(&with_fixes(only.to_vec()), &cx)).unwrap_or_default();
    // `const face = "😀"; env.` is 22 chars and 25 UTF-8 bytes before `COUNTERS`.
    let diagnostic = &rd["diagnostics"][0];
    assert_eq!(diagnostic["location"]["range"]["start"], serde_json::json!({ "line": 1, "column": 26 }));
    assert_eq!(diagnostic["location"]["range"]["end"], serde_json::json!({ "line": 1, "column": 34 }));
    assert_eq!(diagnostic["severity"], "ERROR");
    assert_eq!(diagnostic["code"]["value"], "unknown-binding");
    assert_eq!(
        diagnostic["suggestions"],
        serde_json::json!([{ "range": diagnostic["location"]["range"], "text": "COUNTER" }])
    );
}

#[test]
fn empty_reports() {
    let cx = context();
    assert_eq!(render(Format::Text { color: false }, &[], &cx), "no problems found\n");
    let json: serde_json::Value = serde_json::from_str(&render(Format::Json, &[], &cx)).unwrap_or_default();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["error"], 0);
    let sarif: serde_json::Value = serde_json::from_str(&render(Format::Sarif, &[], &cx)).unwrap_or_default();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["rules"].as_array().map(Vec::len), Some(3));
    assert_eq!(render(Format::Github, &[], &cx), "");
    let rdjson: serde_json::Value = serde_json::from_str(&render(Format::Rdjson, &[], &cx)).unwrap_or_default();
    assert_eq!(rdjson["diagnostics"], serde_json::json!([]));
    assert_eq!(rdjson["source"]["name"], "durable-lsp");
}

#[test]
fn order_does_not_depend_on_input() {
    let cx = context();
    let mut reversed = findings();
    reversed.reverse();
    for format in [Format::Text { color: true }, Format::Json, Format::Sarif, Format::Github, Format::Rdjson] {
        assert_eq!(render(format, &findings(), &cx), render(format, &reversed, &cx));
    }
}

#[test]
fn text_columns_are_chars_and_sarif_columns_are_utf16() {
    let cx = context();
    let only = [finding("unknown-binding", Severity::Error, "/proj/src/index.ts", span_of(INDEX_TS, "COUNTERS"), "m")];
    // `const face = "😀"; env.` is 22 chars and 23 UTF-16 units before `COUNTERS`.
    let text = render_text(&only, &cx, false);
    assert!(text.starts_with("src/index.ts:1:23: error[unknown-binding] m\n"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&render_json(&only, &cx)).unwrap_or_default();
    assert_eq!(json["findings"][0]["range"]["start"]["column"], 23);
    assert_eq!(json["findings"][0]["range"]["end"]["column"], 31);
    let sarif: serde_json::Value = serde_json::from_str(&render_sarif(&only, &cx)).unwrap_or_default();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 24);
    assert_eq!(region["endColumn"], 32);
}

#[test]
fn colour_marks_severity_and_location() {
    let text = render_text(&findings(), &context(), true);
    assert!(text.contains("\x1b[1msrc/index.ts:1:23\x1b[0m: \x1b[1;31merror\x1b[0m[unknown-binding]"));
    assert!(text.contains("\x1b[1;33mwarning\x1b[0m"));
    assert!(text.contains("\x1b[1;34minfo\x1b[0m"));
    assert!(text.contains("\x1b[1;36mhint\x1b[0m"));
    assert!(!render_text(&findings(), &context(), false).contains('\x1b'));
}

#[test]
fn snippets_never_carry_control_characters() {
    let read_escape = |_: &Path| Some(Arc::<str>::from("a\x1b[2Jb"));
    let cx = ReportContext { source: &read_escape, ..context() };
    let only = [finding("unknown-class", Severity::Error, "/proj/x.ts", Span::new(5, 6), "m")];
    let text = render_text(&only, &cx, false);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains("a\u{FFFD}[2Jb"), "{text}");
}

#[test]
fn uris() {
    assert_eq!(sarif::file_uri(Path::new("/a b/c"), true), "file:///a%20b/c/");
    assert_eq!(relative_path(Path::new("/proj/src/x.ts"), Path::new("/proj")).as_deref(), Some("src/x.ts"));
    assert_eq!(relative_path(Path::new("/other/x.ts"), Path::new("/proj")), None);
    assert_eq!(relative_path(Path::new("/proj"), Path::new("/proj")), None);
}
