//! `sql-injection`: values spliced into the text of a `sql.exec` query.

use std::rc::Rc;

use rustc_hash::FxHashSet;

use super::do_support::{chain_related, sql_exec_contexts};
use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::code::{BinaryOp, ExprKind, SymbolKind};
use crate::sema::{ExprRef, Frame, Model, Target};
use crate::text::Span;

/// `sql-injection` (warning by default): sql.exec query built with ${...} or + from non-constant
/// values.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::SqlInjection,
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

The finding points at the first part that is not constant: its `${...}`, or its `+` operand (the
first non-constant `${...}` of a template operand). Where that part stands for a value (after
`=`, `LIMIT` and the like, or inside quotes) the message asks for a `?` binding; elsewhere it may
be a name, which no `?` can take, and the message says to check names against a fixed list.

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

/// Keywords after which a substitution stands for a value.
const VALUE_KEYWORDS: &[&str] = &["like", "limit", "offset", "is", "glob"];

/// Reports spliced queries.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    let mut reported: FxHashSet<ExprRef> = FxHashSet::default();
    for exec in sql_exec_contexts(cx).iter() {
        if reported.contains(&exec.call) {
            continue;
        }
        let Some(&query) = model.call_args(exec.call).first() else { continue };
        let Some((part, how, whole)) = spliced_part(model, query, exec.frame.as_ref(), 0) else { continue };
        reported.insert(exec.call);
        let text = model.expr_text(part);
        let shown = match how {
            _ if text.len() > 40 || text.contains(['\n', '\r', '`']) => match how {
                Splice::Substitution => "A `${...}` value".to_owned(),
                Splice::Operand => "A `+` operand".to_owned(),
            },
            Splice::Substitution => format!("`${{{text}}}`"),
            Splice::Operand => format!("`{text}`"),
        };
        let message = if is_value(model, part, how, whole) {
            format!(
                "{shown} is spliced into the SQL text of `sql.exec`: pass it as a `?` binding\nThe SQL text is parsed with the value in it (SQL injection); a `?` parameter never is."
            )
        } else {
            format!(
                "{shown} is spliced into the SQL text of `sql.exec`: bind values as `?`, check names against a fixed list\nThe SQL text is parsed with the value in it (SQL injection). A `?` parameter never is, but it takes a value only: a table or column name must come from a fixed list."
            )
        };
        // The fix rewrites a template written in the call itself, the call's only argument.
        let fixes = match model.expr(query).map(|e| e.kind) {
            Some(ExprKind::Template(parts)) if model.call_args(exec.call).len() == 1 => {
                placeholders(model, &model.template_parts(query, parts))
                    .map(|(new_text, values)| {
                        let title = format!("Bind {} as `?` parameters", values.join(", "));
                        let edit = TextEdit { path: model.path(query.file).clone(), span: model.span(query), new_text };
                        Fix::single(title, edit, true, Applicability::Suggestion)
                    })
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut related = Vec::new();
        if !(part.file == query.file && model.span(query).contains_span(model.span(part))) {
            related.push(Related {
                location: Location { path: model.path(query.file).clone(), span: model.span(query) },
                message: "the query passed to `sql.exec`".to_owned(),
            });
        }
        let chain = exec.frame.as_ref().map(|f| f.chain()).unwrap_or_default();
        let class = chain
            .first()
            .and_then(|&c| model.enclosing_function(c))
            .and_then(|f| model.this_class(f))
            .and_then(|c| cx.ws.class(&c).map(|f| f.name.value.clone()))
            .unwrap_or_else(|| "the class".to_owned());
        related.extend(chain_related(model, &chain, &class));
        let span = match how {
            Splice::Substitution => substitution_span(model.text(part.file), model.span(part)),
            Splice::Operand => model.span(part),
        };
        let location = Location { path: model.path(part.file).clone(), span };
        cx.report(&META, location, message).related(related).fixes(fixes).emit(out);
    }
}

/// How a value is spliced into a query.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Splice {
    /// The expression of a template's `${...}`.
    Substitution,
    /// An operand of a `+` concatenation.
    Operand,
}

/// The span of the `${...}` around a substitution's expression at `inner`: from its `${` to its
/// `}`, over the blanks between; `inner` itself when the text around is not that.
fn substitution_span(text: &str, inner: Span) -> Span {
    let before = text.get(..inner.start).unwrap_or("").trim_end();
    let after = text.get(inner.end..).unwrap_or("");
    let trimmed = after.trim_start();
    match (before.strip_suffix("${"), trimmed.starts_with('}')) {
        (Some(head), true) => {
            let end = inner.end + (after.len() - trimmed.len()) + 1;
            Span::new(head.len(), end)
        }
        _ => inner,
    }
}

/// True when the spliced `part` stands where a value goes (so a `?` can take its place), judged
/// from the source text of `whole` around it: `= ${v}`, `LIMIT ${n}`, `'%${v}%'`, `"... = '" + v`.
fn is_value(model: &Model<'_>, part: ExprRef, how: Splice, whole: ExprRef) -> bool {
    let text = model.text(part.file);
    let (outer, inner) = (model.span(whole), model.span(part));
    let before = text.get(outer.start..inner.start).unwrap_or("").trim_end();
    let after = text.get(inner.end..outer.end).unwrap_or("").trim_start();
    let (before, after) = match how {
        Splice::Substitution => (before.strip_suffix("${").unwrap_or(before), after.strip_prefix('}').unwrap_or(after)),
        // The SQL text ends inside the literal before the `+`, and goes on in the one after.
        Splice::Operand => {
            let before = before.strip_suffix('+').unwrap_or(before).trim_end();
            let after = after.strip_prefix('+').unwrap_or(after).trim_start();
            (
                before.strip_suffix(['"', '\'', '`']).unwrap_or(before),
                after.strip_prefix(['"', '\'', '`']).unwrap_or(after),
            )
        }
    };
    // Inside an SQL string: `'${v}'`, `'%${v}%'` (the template's quotes before it are unbalanced).
    let quoted = match how {
        Splice::Substitution => before.matches('\'').count() % 2 == 1,
        Splice::Operand => before.ends_with('\'') && after.starts_with('\''),
    };
    quoted || stands_for_value(before)
}

/// The first part of a query that splices a value the model cannot show to be constant: a
/// `${...}` of a template, or an operand of a `+` concatenation of strings (the first such
/// `${...}` of an operand that is a template); through the variable the query is kept in, and
/// both branches of a ternary. With how it is spliced, and the template or concatenation it is
/// spliced into.
fn spliced_part(
    model: &Model<'_>,
    query: ExprRef,
    frame: Option<&Rc<Frame>>,
    depth: u32,
) -> Option<(ExprRef, Splice, ExprRef)> {
    if depth > 4 {
        return None;
    }
    let at = |id: u32| ExprRef { id, ..query };
    match model.expr(query)?.kind {
        ExprKind::Template(parts) => {
            let unit = model.unit(query.file, query.unit)?;
            unit.code
                .ids(parts)
                .iter()
                .map(|&p| at(p))
                .filter(|p| model.expr(*p).is_some_and(|e| e.kind != ExprKind::TemplateText))
                .find(|p| !model.eval_in(*p, frame).is_constant())
                .map(|p| (p, Splice::Substitution, query))
        }
        ExprKind::Binary { op: BinaryOp::Add, .. } => {
            let mut operands = Vec::new();
            add_operands(model, query, &mut operands);
            let has_text = operands
                .iter()
                .any(|o| matches!(model.expr(*o).map(|e| e.kind), Some(ExprKind::Str | ExprKind::Template(_))));
            if !has_text {
                return None;
            }
            let operand = operands.into_iter().find(|o| !model.eval_in(*o, frame).is_constant())?;
            // A template operand: its own first non-constant `${...}`.
            match model.expr(operand).map(|e| e.kind) {
                Some(ExprKind::Template(_)) => spliced_part(model, operand, frame, depth + 1),
                _ => None,
            }
            .or(Some((operand, Splice::Operand, query)))
        }
        ExprKind::Cond { consequence, alternative, .. } => spliced_part(model, at(consequence), frame, depth + 1)
            .or_else(|| spliced_part(model, at(alternative), frame, depth + 1)),
        ExprKind::Await(inner) => spliced_part(model, at(inner), frame, depth + 1),
        ExprKind::Ident(_) => {
            // The query kept in a variable: `const q = `...`; sql.exec(q)`.
            let Some(Target::Symbol(symbol)) = model.resolve_ident(query) else { return None };
            let s = model.symbol(symbol)?;
            let unit = model.unit(symbol.file, symbol.unit)?;
            if s.kind != SymbolKind::Const || !unit.code.path_of(s).is_empty() {
                return None;
            }
            let init = ExprRef { file: symbol.file, unit: symbol.unit, id: s.init? };
            spliced_part(model, init, frame, depth + 1)
        }
        _ => None,
    }
}

/// The operands of a chain of `+`.
fn add_operands(model: &Model<'_>, e: ExprRef, out: &mut Vec<ExprRef>) {
    match model.expr(e).map(|x| x.kind) {
        Some(ExprKind::Binary { op: BinaryOp::Add, left, right }) if out.len() < 64 => {
            add_operands(model, ExprRef { id: left, ..e }, out);
            add_operands(model, ExprRef { id: right, ..e }, out);
        }
        _ => out.push(e),
    }
}

/// The query template with each substitution replaced by `?`, then `, value` for each, and the
/// values: `None` when some substitution does not stand where a value goes.
fn placeholders(model: &Model<'_>, parts: &[(ExprRef, bool)]) -> Option<(String, Vec<String>)> {
    let mut sql = String::new();
    let mut values = Vec::new();
    // Set after a quoted `'${v}'`: the next piece's opening `'` closes the value's quotes.
    let mut drop_quote = false;
    for (i, &(part, is_text)) in parts.iter().enumerate() {
        match is_text {
            true => {
                let piece = model.expr_text(part);
                sql.push_str(if drop_quote { piece.strip_prefix('\'').unwrap_or(piece) } else { piece });
                drop_quote = false;
            }
            false => {
                let next_quoted =
                    matches!(parts.get(i + 1), Some(&(next, true)) if model.expr_text(next).starts_with('\''));
                if sql.ends_with('\'') && next_quoted {
                    sql.pop();
                    drop_quote = true;
                } else if !stands_for_value(&sql) {
                    return None;
                }
                sql.push('?');
                values.push(model.expr_text(part));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The span of `${...}` around the expression `inner` written in `text`.
    fn around<'t>(text: &'t str, inner: &str) -> &'t str {
        let start = text.find(inner).unwrap_or_default();
        let span = substitution_span(text, Span::new(start, start + inner.len()));
        &text[span.start..span.end]
    }

    #[test]
    fn substitution_span_takes_the_delimiters() {
        assert_eq!(around("`a = ${room} b`", "room"), "${room}");
        assert_eq!(around("`a = ${ room.id }`", "room.id"), "${ room.id }");
        // Not a substitution: the expression alone.
        assert_eq!(around("\"a = \" + room", "room"), "room");
        assert_eq!(around("`${x` + room", "room"), "room");
    }
}
