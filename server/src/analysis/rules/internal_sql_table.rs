//! `internal-sql-table`: SQL that names a table reserved by the runtime.

use super::do_support::{sql_execs, sql_literal_pieces};
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};
use crate::text::Span;

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "internal-sql-table",
    default_severity: Severity::Error,
    summary: "SQL names a table reserved by the runtime (_cf_...)",
    doc: r#"## What it does
Reports a name starting with `_cf_` (in any case, such as `_cf_KV`; also `__cf_kv`) in the SQL
text passed to `storage.sql.exec`.

## Why
The runtime keeps its own data in tables whose names start with `_cf_` (the key-value API lives
in `_cf_KV`) and refuses any statement that names one: workerd's `SqlStorage::isAllowedName`
rejects names starting with `_cf_`, so the query fails with an authorization error.

## Example
```ts
this.ctx.storage.sql.exec("SELECT key FROM _cf_KV");
```

Use instead:
```ts
const keys = [...(await this.ctx.storage.list()).keys()];
```

## Fix
None: the data in `_cf_` tables is reachable only through the storage APIs.
"#,
};

/// Reports reserved table names in `sql.exec` literals.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in sql_execs(cx) {
        let Some(query) = site.call.args.first() else { continue };
        for (piece, start) in sql_literal_pieces(query) {
            for (at, name) in reserved_names(piece) {
                let message = format!(
                    "`{name}` is a table reserved by the runtime: statements that name a `_cf_` table are refused"
                );
                let span = Span::new(start + at, start + at + name.len());
                cx.report(out, &META, Location { path: site.path.clone(), span }, message, Vec::new());
            }
        }
    }
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
