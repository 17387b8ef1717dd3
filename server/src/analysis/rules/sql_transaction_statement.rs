//! `sql-transaction-statement`: `BEGIN`/`COMMIT`/`SAVEPOINT` through `sql.exec`.

use super::do_support::{sql_execs, sql_literal_pieces, SqlCall};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::code::{ExprKind, FnKind};
use crate::sema::{ExprRef, Model, Target};
use crate::text::lines::indent_unit;
use crate::text::lines::line_indent;
use crate::text::Span;

/// `sql-transaction-statement` (error by default): sql.exec runs BEGIN/COMMIT/ROLLBACK/SAVEPOINT,
/// which the runtime forbids.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::SqlTransactionStatement,
    default_severity: Severity::Error,
    summary: "sql.exec runs BEGIN/COMMIT/ROLLBACK/SAVEPOINT, which the runtime forbids",
    doc: r#"## What it does
Reports SQL text passed to `storage.sql.exec` with a statement that controls a transaction:
`BEGIN`, `COMMIT`, `END`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`.

## Why
The runtime refuses them (workerd's `SqlStorage::allowTransactions` in `src/workerd/api/sql.c++`:
“To execute a transaction, please use the state.storage.transaction() or
state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT
statements”). The JavaScript API rolls back on exceptions and works with the object's automatic
write coalescing (Cloudflare docs, "SQLite-backed Durable Object Storage":
https://developers.cloudflare.com/durable-objects/api/storage-api/).

## Example
```jsonc
// wrangler.jsonc
{
  "name": "bank",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "BANK", "class_name": "Bank" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Bank"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Bank extends DurableObject {
  transfer(from: string, to: string, amount: number) {
    const sql = this.ctx.storage.sql;
    sql.exec("BEGIN");
    sql.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
    sql.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
    sql.exec("COMMIT");
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    await env.BANK.getByName("main").transfer("alice", "bob", 10);
    return new Response("done");
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Bank extends DurableObject {
  transfer(from: string, to: string, amount: number) {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
      sql.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
    });
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    await env.BANK.getByName("main").transfer("alice", "bob", 10);
    return new Response("done");
  },
} satisfies ExportedHandler<Env>;
```

## Fix
For a `sql.exec("BEGIN ...")` and a later `sql.exec("COMMIT")` (or `END`) that are statements of
the same block, wraps the statements between them in `<storage>.transactionSync(() => { ... })`
and drops the two calls. `<storage>` is the storage the `exec` calls reach, as the code already
names it: `this.ctx.storage` for `this.ctx.storage.sql.exec` or for `sql.exec` after
`const sql = this.ctx.storage.sql`. Offered only when the result means the same: the storage has
such a name where the calls are, and the statements between contain no other transaction
statement, no `await`/`yield`/`return`/`break`/`continue`, no `var` or `using` declaration, and
declare no name that the rest of the block uses.
"#,
};

/// The statements that control transactions.
const TRANSACTION_KEYWORDS: &[&str] = &["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"];

/// Words that mean something else, or nothing, inside the `transactionSync` callback: `var`
/// would scope its name to the callback instead of the function, `using` would dispose of its
/// value when the callback returns.
const CALLBACK_BREAKING_WORDS: &[&str] = &["await", "yield", "return", "break", "continue", "var", "using"];

/// Words that start a block-scoped declaration, whose name the callback would make local.
const DECLARATION_WORDS: &[&str] = &["const", "let", "function", "class"];

/// Reports transaction statements in `sql.exec` literals.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let sites = &sql_execs(cx);
    for (i, site) in sites.iter().enumerate() {
        let Some(keyword) = transaction_keyword(model, site) else { continue };
        let message = format!(
            "`{keyword}` through `sql.exec` is refused by the runtime: use `ctx.storage.transactionSync(() => ...)`\nRun the statements of the transaction inside its callback."
        );
        let pair = match sole_statement(model, site) {
            Some(Sole::Begin) => pair_of(model, sites, i).map(|commit| (i, commit)),
            Some(Sole::Commit) => previous_transaction_statement(model, sites, i)
                .filter(|&begin| pair_of(model, sites, begin) == Some(i))
                .map(|begin| (begin, i)),
            None => None,
        };
        let fixes = pair
            .and_then(|(begin, commit)| wrap_in_transaction(model, &sites[begin], &sites[commit]))
            .into_iter()
            .collect();
        let query_span = site.query.map_or(site.span, |q| model.span(q));
        cx.report(&META, Location { path: site.path.clone(), span: query_span }, message).fixes(fixes).emit(out);
    }
}

/// The first transaction statement of the SQL literal of `site`, if any.
fn transaction_keyword(model: &Model<'_>, site: &SqlCall<'_>) -> Option<String> {
    let query = site.query?;
    // Only the first piece of a template starts statements the index can read in full.
    let (piece, _) = sql_literal_pieces(model, query).into_iter().next()?;
    // Most queries hold no transaction keyword at all: nothing to split.
    let upper = piece.to_ascii_uppercase();
    if !TRANSACTION_KEYWORDS.iter().any(|k| upper.contains(k)) {
        return None;
    }
    statement_keywords(piece).into_iter().find(|k| TRANSACTION_KEYWORDS.contains(&k.as_str()))
}

/// An `exec` call that is a statement of its own and runs nothing but `BEGIN` or `COMMIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sole {
    /// `BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION]`.
    Begin,
    /// `COMMIT [TRANSACTION]` / `END [TRANSACTION]`.
    Commit,
}

/// What the `exec` call of `site` is, when it is a whole statement that runs a lone `BEGIN` or
/// `COMMIT` with no parameters.
fn sole_statement(model: &Model<'_>, site: &SqlCall<'_>) -> Option<Sole> {
    if site.args != 1 || site.statement.is_none_or(|(_, block, awaited)| awaited || block.is_none()) {
        return None;
    }
    // A string literal, or a template literal without substitutions.
    let query = site.query?;
    let literal = match model.expr(query)?.kind {
        ExprKind::Str => true,
        ExprKind::Template(parts) => model.template_parts(query, parts).iter().all(|(_, text)| *text),
        _ => false,
    };
    if !literal {
        return None;
    }
    let (sql, _) = sql_literal_pieces(model, query).into_iter().next()?;
    let mut statements = split_statements(sql).into_iter().filter(|s| !skip_comments(s).is_empty());
    let statement = statements.next()?;
    if statements.next().is_some() {
        return None;
    }
    let words: Vec<String> = skip_comments(statement).split_whitespace().map(str::to_ascii_uppercase).collect();
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["BEGIN"] | ["BEGIN", "TRANSACTION"] => Some(Sole::Begin),
        ["BEGIN", "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE"] => Some(Sole::Begin),
        ["BEGIN", "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE", "TRANSACTION"] => Some(Sole::Begin),
        ["COMMIT" | "END"] | ["COMMIT" | "END", "TRANSACTION"] => Some(Sole::Commit),
        _ => None,
    }
}

/// The `COMMIT` that closes the lone `BEGIN` at `sites[begin]`: the next transaction statement
/// of the file, a lone `COMMIT` in the same block.
fn pair_of(model: &Model<'_>, sites: &[SqlCall<'_>], begin: usize) -> Option<usize> {
    let site = sites.get(begin)?;
    if sole_statement(model, site) != Some(Sole::Begin) {
        return None;
    }
    let block = site.statement.and_then(|(_, block, _)| block);
    let next = (begin + 1..sites.len()).find(|&j| {
        sites[j].path == site.path
            && sites[j].span.start > site.span.end
            && transaction_keyword(model, &sites[j]).is_some()
    })?;
    let commit = &sites[next];
    (sole_statement(model, commit) == Some(Sole::Commit) && commit.statement.and_then(|(_, block, _)| block) == block)
        .then_some(next)
}

/// The last transaction statement of the file before `sites[at]`.
fn previous_transaction_statement(model: &Model<'_>, sites: &[SqlCall<'_>], at: usize) -> Option<usize> {
    let site = sites.get(at)?;
    (0..at).rev().find(|&j| {
        sites[j].path == site.path
            && sites[j].span.end < site.span.start
            && transaction_keyword(model, &sites[j]).is_some()
    })
}

/// The fix: the statements between `begin` and `commit` wrapped in
/// `<storage>.transactionSync(() => { ... })`, the two calls dropped; `None` when the result
/// would not mean the same.
fn wrap_in_transaction(model: &Model<'_>, begin: &SqlCall<'_>, commit: &SqlCall<'_>) -> Option<Fix> {
    let text: &str = begin.text;
    let ((first, first_block, _), (last, _, _)) = (begin.statement?, commit.statement?);
    let block = first_block?;
    let between = text.get(first.end..last.start)?;
    let outside = [text.get(block.start..first.start)?, text.get(last.end..block.end)?];
    let storage = storage_expression(model, begin.call)?;
    let body = between.trim();
    if body.is_empty() || words(between).any(|w| CALLBACK_BREAKING_WORDS.contains(&w)) {
        return None;
    }
    // A name declared between becomes local to the callback: the rest of the block must not use it.
    let mut declared = Vec::new();
    let mut tokens = words(between).peekable();
    while let Some(word) = tokens.next() {
        if DECLARATION_WORDS.contains(&word) {
            declared.push(tokens.peek().copied()?);
        }
    }
    let used_outside = |name: &&str| outside.iter().any(|code| words(code).any(|w| w == *name));
    if declared.iter().any(used_outside) || !declarations_are_simple(between) {
        return None;
    }
    let indent = line_indent(text, first.start);
    let unit = indent_unit(line_indent(text, block.start), Some(indent));
    // Lines inside a multi-line template literal keep their text as written.
    let body = if body.contains('`') {
        body.to_owned()
    } else {
        body.replace('\n', &format!("\n{unit}")).replace(&format!("\n{unit}\n"), "\n\n")
    };
    let new_text = format!("{storage}.transactionSync(() => {{\n{indent}{unit}{body}\n{indent}}});");
    let edit = TextEdit { path: begin.path.clone(), span: Span::new(first.start, last.end), new_text };
    // The method's name tells two such fixes of one file apart.
    let member = model
        .enclosing_function(begin.call)
        .filter(|f| model.function(*f).is_some_and(|g| matches!(g.kind, FnKind::Method | FnKind::Constructor)))
        .and_then(|f| model.function_name(f))
        .map(|name| format!(" of `{name}`"));
    let title = format!(
        "Move the statements{} between BEGIN and COMMIT into `{storage}.transactionSync`",
        member.unwrap_or_default()
    );
    Some(Fix::single(title, edit, true, Applicability::Suggestion))
}

/// The storage the `exec` call reaches, as an expression valid where the call is: the callee as
/// written (`this.ctx.storage.sql.exec`), or its alias target when that starts at `this`
/// (`sql.exec` after `const sql = this.ctx.storage.sql`).
fn storage_expression(model: &Model<'_>, call: ExprRef) -> Option<String> {
    let plain = |chain: &str| {
        chain
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$'))
    };
    let (sql, _, _) = model.method_call(call)?;
    // `<storage>.sql` written at the call, or the `const sql = this.ctx.storage.sql` it names.
    let sql = match model.expr(sql)?.kind {
        ExprKind::Ident(_) => match model.resolve_ident(sql)? {
            Target::Symbol(s) => {
                let symbol = model.symbol(s)?;
                let init = ExprRef { file: s.file, unit: s.unit, id: symbol.init? };
                let storage = storage_of_sql(model, init)?;
                return (storage.starts_with("this.") && plain(&storage)).then_some(storage);
            }
            Target::Global(_) => return None,
        },
        _ => sql,
    };
    storage_of_sql(model, sql).filter(|s| plain(s))
}

/// For `<x>.sql` where `<x>` is written as `storage` or `<...>.storage`: that text.
fn storage_of_sql(model: &Model<'_>, sql: ExprRef) -> Option<String> {
    let ExprKind::Member { object, property } = model.expr(sql)?.kind else { return None };
    if model.rel_text(sql.file, sql.unit, property) != "sql" {
        return None;
    }
    let storage = model.expr_text(ExprRef { id: object, ..sql });
    (storage == "storage" || storage.ends_with(".storage")).then(|| storage.to_owned())
}

/// True when every declaration keyword of `code` is followed by a plain name (not a
/// destructuring pattern, whose names the word scan cannot see).
fn declarations_are_simple(code: &str) -> bool {
    let mut rest = code;
    while let Some(at) = rest.find(|c: char| c.is_ascii_alphabetic()) {
        let tail = &rest[at..];
        let word_len = tail.find(|c: char| !is_word_char(c)).unwrap_or(tail.len());
        let (word, after) = tail.split_at(word_len);
        let preceded_by_word = rest[..at].chars().next_back().is_some_and(is_word_char);
        if !preceded_by_word && DECLARATION_WORDS.contains(&word) && after.trim_start().starts_with(['{', '[']) {
            return false;
        }
        rest = after;
    }
    true
}

/// The identifier-like words of `code` (strings and comments included: the checks that use
/// them only get more careful).
fn words(code: &str) -> impl Iterator<Item = &str> {
    code.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty())
}

/// True for characters of JavaScript identifiers (ASCII ones).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `statement` past its leading white space and comments.
fn skip_comments(statement: &str) -> &str {
    let mut rest = statement;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            return rest;
        }
    }
}

/// The first word of each statement of `sql`, upper-cased (statements split at `;` outside
/// quotes; comments skipped).
fn statement_keywords(sql: &str) -> Vec<String> {
    let mut keywords = Vec::new();
    for statement in split_statements(sql) {
        let rest = skip_comments(statement);
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
