//! `sql-injection`: values spliced into the text of a `sql.exec` query.

use super::do_support::{sql_execs, FileCall};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::{ArgValue, TemplatePart};
use crate::index::SourceFile;
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "sql-injection",
    default_severity: Severity::Warning,
    summary: "sql.exec query built with ${...} or + from non-constant values",
    doc: r#"## What it does
Reports a `storage.sql.exec(query, ...)` call whose query is a template literal with
substitutions (`${...}`) or a `+` concatenation with non-constant parts. A substitution of a
name bound to a string or number literal at module level (in the file, or imported from a
workspace module: `${TABLE}` with `export const TABLE = "chunks"`) is a constant: a template
made only of those is not reported. Receivers are followed
through aliases such as `this.sql = ctx.storage.sql`. Tagged templates of ORMs (`` sql`...` ``)
are not `sql.exec` calls and are not reported.

## Why
Values spliced into the SQL text are parsed as SQL: a value holding a quote breaks the query or
changes what it does (SQL injection). Bound parameters (`?`) are never parsed as SQL, and a query
text that does not change is compiled once and cached by the runtime.

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
  recent(room: string, limit: number) {
    return this.ctx.storage.sql.exec(`SELECT * FROM messages WHERE room = '${room}' LIMIT ${limit}`).toArray();
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
  recent(room: string, limit: number) {
    return this.ctx.storage.sql.exec("SELECT * FROM messages WHERE room = ? LIMIT ?", room, limit).toArray();
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
For a template literal passed without other arguments, replaces each `${value}` that stands
where a value goes (after `=`, `<`, `>`, `LIKE`, `LIMIT`, `OFFSET`, inside `VALUES (...)`, or
quoted `'${value}'`) by `?` and passes the values as arguments. Not offered when a substitution
may be an identifier or a piece of SQL (a table name, a column list).
"#,
};

/// True when every `${...}` of the template is a name bound to a string or number literal at
/// module level, in this file or imported from a workspace module (`${TABLE}` with
/// `export const TABLE = "chunks"`): the query text never changes, nothing is spliced in.
fn only_constants(cx: &WorkerContext<'_>, site: &FileCall<'_>, parts: &[TemplatePart]) -> bool {
    fn text(file: &SourceFile, span: Span) -> &str {
        file.text.get(span.start..span.end).unwrap_or("")
    }
    let literal_at_module_level = |file: &SourceFile, name: &str| {
        let whole = Span::new(0, file.text.len());
        file.facts.calls.variables.iter().any(|v| {
            v.name == name && v.scope == whole && {
                let value = text(file, v.value);
                let quoted = value.len() >= 2
                    && (value.starts_with('"') || value.starts_with('\'') || value.starts_with('`'))
                    && !value.contains("${");
                quoted || (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'_'))
            }
        })
    };
    parts.iter().all(|part| {
        let TemplatePart::Substitution { expression, .. } = part else { return true };
        let name = text(site.file, *expression).trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$') {
            return false;
        }
        if literal_at_module_level(site.file, name) {
            return true;
        }
        site.file.facts.imports.iter().any(|import| {
            let Some(imported) = import.names.iter().find(|n| n.local.value == name) else { return false };
            let target = cx.ws.resolve_module(site.path, &import.specifier.value);
            target
                .and_then(|path| cx.ws.source(&path))
                .is_some_and(|file| literal_at_module_level(file, &imported.imported))
        })
    })
}

/// Keywords after which a substitution stands for a value.
const VALUE_KEYWORDS: &[&str] = &["like", "limit", "offset", "is", "glob"];

/// Reports spliced queries.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in sql_execs(cx) {
        let Some(query) = site.call.args.first() else { continue };
        let how = match &query.value {
            ArgValue::Template(parts)
                if parts.iter().any(|p| matches!(p, TemplatePart::Substitution { .. }))
                    && !only_constants(cx, site, parts) =>
            {
                "a template literal with `${...}` values"
            }
            ArgValue::Concat { constant: false } => "a `+` concatenation of values",
            _ => continue,
        };
        let message = format!(
            "The query passed to `sql.exec` is {how}: they are spliced into the SQL text (SQL injection); pass them as `?` bindings"
        );
        let fixes = match &query.value {
            ArgValue::Template(parts) if site.call.args.len() == 1 => placeholders(parts, &site.file.text)
                .map(|(new_text, values)| {
                    let title = format!("Bind {} as `?` parameters", values.join(", "));
                    let edit = TextEdit { path: site.path.clone(), span: query.span, new_text };
                    Fix::single(title, edit, true, Applicability::Suggestion)
                })
                .into_iter()
                .collect(),
            _ => Vec::new(),
        };
        let location = Location { path: site.path.clone(), span: query.span };
        cx.report_with_fixes(out, &META, location, message, Vec::new(), fixes);
    }
}

/// The query template with each substitution replaced by `?`, then `, value` for each, and the
/// values: `None` when some substitution does not stand where a value goes.
fn placeholders(parts: &[TemplatePart], text: &str) -> Option<(String, Vec<String>)> {
    let mut sql = String::new();
    let mut values = Vec::new();
    // Set after a quoted `'${v}'`: the next piece's opening `'` closes the value's quotes.
    let mut drop_quote = false;
    for (i, part) in parts.iter().enumerate() {
        match part {
            TemplatePart::Text(t) => {
                let piece = t.value.as_str();
                sql.push_str(if drop_quote { piece.strip_prefix('\'').unwrap_or(piece) } else { piece });
                drop_quote = false;
            }
            TemplatePart::Substitution { expression, .. } => {
                let next_quoted = matches!(parts.get(i + 1), Some(TemplatePart::Text(t)) if t.value.starts_with('\''));
                if sql.ends_with('\'') && next_quoted {
                    sql.pop();
                    drop_quote = true;
                } else if !stands_for_value(&sql) {
                    return None;
                }
                sql.push('?');
                values.push(text.get(expression.start..expression.end)?);
            }
        }
    }
    let mut out = format!("`{sql}`");
    for value in &values {
        out.push_str(", ");
        out.push_str(value);
    }
    Some((out, values.iter().map(|v| format!("`{v}`")).collect()))
}

/// True when a substitution following `sql` stands for a value.
fn stands_for_value(sql: &str) -> bool {
    let before = sql.trim_end();
    if before.ends_with(['=', '<', '>']) {
        return true;
    }
    let lower = before.to_lowercase();
    let last_word = lower.rsplit(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("");
    if VALUE_KEYWORDS.contains(&last_word) {
        return true;
    }
    // Inside `VALUES (...)`: after `(` or `,` with the parenthesis still open.
    if before.ends_with(['(', ',']) {
        if let Some(at) = lower.rfind("values") {
            let tail = &lower[at..];
            return tail.matches('(').count() > tail.matches(')').count();
        }
    }
    false
}
