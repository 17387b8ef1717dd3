//! Inline suppressions: `// durable-lsp-ignore-next-line <id>[, <id>]` (TS/JS/JSONC),
//! `# durable-lsp-ignore-next-line <id>` (TOML), and `durable-lsp-ignore-file <id>` in the comments
//! at the top of a file. A suppression that suppresses nothing is itself reported
//! (`unused-suppression`), so they do not rot.

use crate::text::position::LineIndex;
use crate::text::{FileKind, Span, Spanned};

use super::{Finding, Location, RuleMeta, Severity};

/// The rule that reports suppressions that suppress nothing.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::UnusedSuppression,
    default_severity: Severity::Hint,
    summary: "A durable-lsp suppression comment that suppresses nothing",
    doc: r#"## What it does
Reports a `durable-lsp-ignore-next-line` or `durable-lsp-ignore-file` comment, or one id in it,
that suppresses no finding: the problem was fixed, the id is misspelt, or the comment sits on
the wrong line.

Suppressions: `// durable-lsp-ignore-next-line <id>[, <id>]` in TS, JS and JSONC files,
`# durable-lsp-ignore-next-line <id>` in TOML, and `// durable-lsp-ignore-file <id>` (or `#`) in
the comments at the top of a file.

## Why
A stale suppression hides the next real problem on that line.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "chat",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "CHAT_ROOM", "class_name": "ChatRoom" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["ChatRoom"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async ping() {
    // durable-lsp-ignore-next-line set-timout-in-durable-object
    setTimeout(() => this.ctx.storage.put("pinged", Date.now()), 1000);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async ping() {
    // durable-lsp-ignore-next-line set-timeout-in-durable-object
    setTimeout(() => this.ctx.storage.put("pinged", Date.now()), 1000);
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Remove the comment, or correct the id.
"#,
};

const NEXT_LINE: &str = "durable-lsp-ignore-next-line";
const FILE: &str = "durable-lsp-ignore-file";

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings that start on this (0-based) line.
    Line(usize),
    /// The whole file.
    File,
}

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The marker (`durable-lsp-ignore-next-line`).
    pub marker: Span,
    /// The rule ids, with their spans.
    pub ids: Vec<Spanned<String>>,
    /// What it covers.
    pub scope: Scope,
}

/// The suppressions of a file.
pub fn parse(text: &str, kind: FileKind) -> Vec<Suppression> {
    if !text.contains("durable-lsp-ignore-") {
        return Vec::new();
    }
    let opener = if kind == FileKind::Toml { "#" } else { "//" };
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    let mut in_header = true;
    for line in 0..index.line_count() {
        let start = index.line_start(line);
        let end = index.line_start(line + 1);
        let raw = text.get(start..end).unwrap_or("");
        let trimmed = raw.trim();
        let is_comment = trimmed.starts_with(opener) || trimmed.starts_with("/*") || trimmed.starts_with('*');
        if !trimmed.is_empty() && !is_comment {
            in_header = false;
        }
        let Some(comment_at) = raw.find(opener) else { continue };
        let comment = &raw[comment_at + opener.len()..];
        let body = comment.trim_start();
        let (marker, scope) = if body.starts_with(NEXT_LINE) {
            (NEXT_LINE, Scope::Line(line + 1))
        } else if body.starts_with(FILE) && in_header {
            (FILE, Scope::File)
        } else {
            continue;
        };
        let marker_at = start + comment_at + opener.len() + (comment.len() - body.len());
        let mut ids = Vec::new();
        let list_at = marker_at + marker.len();
        let list = &text[list_at..start + raw.trim_end_matches(['\r', '\n']).len()];
        let list = list.split("*/").next().unwrap_or("");
        let mut offset = 0;
        for part in list.split(',') {
            let id = part.trim();
            if !id.is_empty() {
                let at = list_at + offset + part.find(id).unwrap_or(0);
                ids.push(Spanned::new(id.to_string(), Span::new(at, at + id.len())));
            }
            offset += part.len() + 1;
        }
        out.push(Suppression { marker: Span::new(marker_at, marker_at + marker.len()), ids, scope });
    }
    out
}

/// Removes the findings of `path` that a suppression covers; returns them kept, plus an
/// `unused-suppression` finding (at `unused_severity`, `None` = off) per id that suppressed nothing.
pub fn apply(
    findings: Vec<Finding>,
    text: &str,
    kind: FileKind,
    path: &std::sync::Arc<std::path::PathBuf>,
    unused_severity: Option<Severity>,
) -> Vec<Finding> {
    let suppressions = parse(text, kind);
    if suppressions.is_empty() {
        return findings;
    }
    let index = LineIndex::new(text);
    let mut used = vec![Vec::new(); suppressions.len()];
    let mut kept = Vec::new();
    'findings: for finding in findings {
        let line = index.line_of(finding.location.span.start);
        // The most specific suppression wins: the line's own, then the file's.
        let line_first = suppressions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.scope != Scope::File)
            .chain(suppressions.iter().enumerate().filter(|(_, s)| s.scope == Scope::File));
        for (i, s) in line_first {
            let covers = match s.scope {
                Scope::File => true,
                Scope::Line(l) => l == line,
            };
            if let Some(j) = s.ids.iter().position(|id| covers && id.value == finding.rule.as_str()) {
                used[i].push(j);
                continue 'findings;
            }
        }
        kept.push(finding);
    }
    if let Some(severity) = unused_severity {
        for (s, used) in suppressions.iter().zip(&used) {
            let unused: Vec<&Spanned<String>> =
                s.ids.iter().enumerate().filter(|(j, _)| !used.contains(j)).map(|(_, id)| id).collect();
            if s.ids.is_empty() {
                kept.push(unused_finding(path, s.marker, "This suppression names no rule id".to_string(), severity));
            }
            for id in unused {
                let message = if super::RuleId::from_name(&id.value).is_some() {
                    format!("Nothing here is reported by `{}`: this suppression is unused", id.value)
                } else {
                    format!("`{}` is not a durable-lsp rule id: this suppression suppresses nothing", id.value)
                };
                kept.push(unused_finding(path, id.span, message, severity));
            }
        }
    }
    kept
}

fn unused_finding(
    path: &std::sync::Arc<std::path::PathBuf>,
    span: Span,
    message: String,
    severity: Severity,
) -> Finding {
    Finding {
        rule: META.id,
        severity,
        location: Location { path: path.clone(), span },
        message,
        related: Vec::new(),
        fixes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_markers_in_each_syntax() {
        let ts = "// durable-lsp-ignore-file unknown-class\nconst a = 1; // durable-lsp-ignore-next-line x, y\n// durable-lsp-ignore-file late\n";
        let found = parse(ts, FileKind::TypeScript);
        assert_eq!(found.len(), 2, "a file suppression after code does not count: {found:?}");
        assert_eq!(found[0].scope, Scope::File);
        assert_eq!(found[1].scope, Scope::Line(2));
        let ids: Vec<&str> = found[1].ids.iter().map(|i| i.value.as_str()).collect();
        assert_eq!(ids, ["x", "y"]);
        assert_eq!(&ts[found[1].ids[1].span.start..found[1].ids[1].span.end], "y");
        let toml = "# durable-lsp-ignore-next-line missing-migration\nclass_name = \"A\"\n";
        assert_eq!(parse(toml, FileKind::Toml)[0].scope, Scope::Line(1));
        // A marker inside a string is not a comment.
        assert!(parse("const s = \"durable-lsp-ignore-next-line x\";", FileKind::TypeScript).is_empty());
    }
}
