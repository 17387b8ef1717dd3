//! `internal-sql-table`: SQL that names a table reserved by the runtime.

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::do_support::{sql_exec_contexts, sql_literal_pieces};
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::text::Span;

/// `internal-sql-table` (error by default): SQL names a table reserved by the runtime (_cf_...).
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InternalSqlTable,
    default_severity: Severity::Error,
    summary: "SQL names a table reserved by the runtime (_cf_...)",
    doc: r#"## What it does
Reports a name starting with `_cf_` (in any case, such as `_cf_KV`; also `__cf_kv`) in the SQL
text passed to `storage.sql.exec`, outside SQL string literals (`'_cf_x'` is a value, not a
table: the agents SDK deletes its schedules `WHERE callback = '_cf_keepAliveHeartbeat'`) and
comments.

## Why
The runtime keeps its own data in tables whose names start with `_cf_` (the key-value API lives
in `_cf_KV`) and refuses any statement that names one: workerd's `SqlStorage::isAllowedName`
rejects names starting with `_cf_`, so the query fails with an authorization error.

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
  keys() {
    return this.ctx.storage.sql.exec("SELECT key FROM _cf_KV").toArray();
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
  async keys() {
    return [...(await this.ctx.storage.list()).keys()];
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
None: the data in `_cf_` tables is reachable only through the storage APIs.
"#,
};

/// Reports reserved table names in `sql.exec` literals.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let mut reported: FxHashSet<(u32, Span)> = FxHashSet::default();
    for exec in sql_exec_contexts(cx).iter() {
        let Some(&query) = model.call_args(exec.call).first() else { continue };
        let mut found: Vec<(Arc<PathBuf>, Span, String)> = Vec::new();
        // A literal written in the call: its pieces, placed in the file.
        let pieces = sql_literal_pieces(model, query);
        for (at, name) in reserved_tables(&pieces) {
            found.push((model.path(query.file).clone(), Span::new(at, at + name.len()), name.to_owned()));
        }
        // Otherwise the query's constant text: at the literal it comes from, else at the query.
        if pieces.is_empty() {
            for (text, origin) in model.eval_in(query, exec.frame.as_ref()).strings().unwrap_or_default() {
                for (at, name) in reserved_tables(&[(text, 0)]) {
                    let (path, span) = match origin {
                        Some(o) if o.span.len() == text.len() + 2 => {
                            let start = o.span.start + 1 + at;
                            (model.path(o.file).clone(), Span::new(start, start + name.len()))
                        }
                        _ => (model.path(query.file).clone(), model.span(query)),
                    };
                    found.push((path, span, name.to_owned()));
                }
            }
        }
        for (path, span, name) in found {
            let Some(file) = model.file_id(&path) else { continue };
            if !reported.insert((file, span)) {
                continue;
            }
            let message =
                format!("`{name}` is a table reserved by the runtime: statements that name a `_cf_` table are refused");
            cx.report(&META, Location { path, span }, message).emit(out);
        }
    }
}

/// The reserved names a query's literal pieces (each with where it starts) use as code, not
/// inside a string literal or a comment, with where they start. A string literal may span
/// pieces: `'${value}'`.
fn reserved_tables<'a>(pieces: &[(&'a str, usize)]) -> Vec<(usize, &'a str)> {
    // Most queries name no such table: nothing to lex.
    if !pieces.iter().any(|(p, _)| p.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"_cf_"))) {
        return Vec::new();
    }
    let mut state = Lexed::Code;
    let mut out = Vec::new();
    for &(piece, start) in pieces {
        let code = code_bytes(piece, &mut state);
        let names = reserved_names(piece).into_iter().filter(|&(at, _)| code[at]);
        out.extend(names.map(|(at, name)| (start + at, name)));
    }
    out
}

/// The reserved names in `sql` (`_cf_...`, `__cf_kv`) that start a word, with their offsets.
fn reserved_names(sql: &str) -> Vec<(usize, &str)> {
    let lower = sql.to_ascii_lowercase();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find("_cf_")) {
        let at = from + found;
        // `__cf_kv`: the reserved name starts one byte earlier.
        let start = if at > 0 && lower.as_bytes()[at - 1] == b'_' && lower[at - 1..].starts_with("__cf_kv") {
            at - 1
        } else {
            at
        };
        let starts_word = start == 0 || !lower[..start].chars().next_back().is_some_and(is_word);
        let end = lower[at..].find(|c: char| !is_word(c)).map_or(lower.len(), |e| at + e);
        if starts_word {
            if let Some(name) = sql.get(start..end) {
                names.push((start, name));
            }
        }
        from = end.max(at + 1);
    }
    names
}

/// Where SQL text is, as read so far.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lexed {
    Code,
    /// In a `'...'` string literal (`''` is a quote inside it).
    String,
    /// In a `-- ...` comment.
    LineComment,
    /// In a `/* ... */` comment.
    BlockComment,
}

/// For each byte of `sql`, whether it is code (not in a string literal or a comment), starting
/// in `state` and leaving it where the text ends. Quoted identifiers (`"_cf_KV"`) are code: they
/// name tables. SQLite's lexical rules: <https://www.sqlite.org/lang_expr.html#literal_values_constants_>.
fn code_bytes(sql: &str, state: &mut Lexed) -> Vec<bool> {
    let bytes = sql.as_bytes();
    let mut code = vec![false; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        match (*state, bytes[i]) {
            (Lexed::Code, b'\'') => *state = Lexed::String,
            (Lexed::Code, b'-') if next == Some(b'-') => *state = Lexed::LineComment,
            (Lexed::Code, b'/') if next == Some(b'*') => {
                *state = Lexed::BlockComment;
                i += 1;
            }
            (Lexed::Code, _) => code[i] = true,
            (Lexed::String, b'\'') if next == Some(b'\'') => i += 1,
            (Lexed::String, b'\'') => *state = Lexed::Code,
            (Lexed::LineComment, b'\n') => *state = Lexed::Code,
            (Lexed::BlockComment, b'*') if next == Some(b'/') => {
                *state = Lexed::Code;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names `check` reports in `pieces` (the literal parts of one query, in order).
    fn reported<'a>(pieces: &[&'a str]) -> Vec<&'a str> {
        let placed: Vec<(&str, usize)> = pieces.iter().map(|&p| (p, 0)).collect();
        reserved_tables(&placed).into_iter().map(|(_, name)| name).collect()
    }

    #[test]
    fn names_in_strings_and_comments_are_values_not_tables() {
        assert_eq!(reported(&["SELECT * FROM _cf_KV"]), ["_cf_KV"]);
        assert_eq!(reported(&["SELECT * FROM \"_cf_KV\""]), ["_cf_KV"], "a quoted identifier names a table");
        assert!(reported(&["DELETE FROM s WHERE callback = '_cf_keepAliveHeartbeat'"]).is_empty());
        assert!(reported(&["SELECT 'it''s _cf_x'"]).is_empty(), "'' inside a string");
        assert_eq!(reported(&["SELECT 'it''s' FROM _cf_x"]), ["_cf_x"]);
        assert!(reported(&["SELECT 1 -- FROM _cf_KV", ""]).is_empty());
        assert_eq!(reported(&["SELECT 1 -- note\nFROM _cf_KV"]), ["_cf_KV"]);
        assert!(reported(&["SELECT /* _cf_KV */ 1"]).is_empty());
        // A string literal across a substitution: `WHERE a = '${x} _cf_y' AND b IN _cf_z`.
        assert_eq!(reported(&["WHERE a = '", " _cf_y' AND b IN _cf_z"]), ["_cf_z"]);
    }
}
