//! `sql-transaction-statement`: `BEGIN`/`COMMIT`/`SAVEPOINT` through `sql.exec`.

use super::do_support::{sql_execs, sql_literal_pieces};
use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "sql-transaction-statement",
    default_severity: Severity::Error,
    summary: "sql.exec runs BEGIN/COMMIT/ROLLBACK/SAVEPOINT, which the runtime forbids",
    doc: r#"## What it does
Reports SQL text passed to `storage.sql.exec` with a statement that controls a transaction:
`BEGIN`, `COMMIT`, `END`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`.

## Why
The runtime refuses them (workerd's `SqlStorage::allowTransactions`: “To execute a transaction,
please use the state.storage.transaction() or state.storage.transactionSync() APIs instead of the
SQL BEGIN TRANSACTION or SAVEPOINT statements”). The JavaScript API rolls back on exceptions and
works with the object's automatic write coalescing.

## Example
```ts
sql.exec("BEGIN");
sql.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
sql.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
sql.exec("COMMIT");
```

Use instead:
```ts
this.ctx.storage.transactionSync(() => {
  sql.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
  sql.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
});
```

## Fix
None yet: moving the statements between `BEGIN` and `COMMIT` into a `transactionSync` callback is done by hand.
"#,
};

/// The statements that control transactions.
const TRANSACTION_KEYWORDS: &[&str] = &["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"];

/// Reports transaction statements in `sql.exec` literals.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in sql_execs(cx) {
        let Some(query) = site.call.args.first() else { continue };
        // Only the first piece of a template starts statements the index can read in full.
        let Some((piece, _)) = sql_literal_pieces(query).into_iter().next() else { continue };
        if let Some(keyword) =
            statement_keywords(piece).into_iter().find(|k| TRANSACTION_KEYWORDS.contains(&k.as_str()))
        {
            let message = format!(
                "`{keyword}` through `sql.exec` is refused by the runtime; run the statements in `ctx.storage.transactionSync(() => ...)` instead"
            );
            cx.report(out, &META, Location { path: site.path.clone(), span: query.span }, message, Vec::new());
        }
    }
}

/// The first word of each statement of `sql`, upper-cased (statements split at `;` outside
/// quotes; comments skipped).
fn statement_keywords(sql: &str) -> Vec<String> {
    let mut keywords = Vec::new();
    for statement in split_statements(sql) {
        let mut rest = statement;
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix("--") {
                rest = after.split_once('\n').map_or("", |(_, r)| r);
            } else if let Some(after) = rest.strip_prefix("/*") {
                rest = after.split_once("*/").map_or("", |(_, r)| r);
            } else {
                break;
            }
        }
        let word: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if !word.is_empty() {
            keywords.push(word.to_ascii_uppercase());
        }
    }
    keywords
}

/// `sql` split at `;` outside quotes.
fn split_statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in sql.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, ';') => {
                out.push(&sql[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&sql[start..]);
    out
}
