//! `class-not-exported`: a bound class exists but `main` does not export it.

use std::path::{Component, Path, PathBuf};

use rustc_hash::FxHashSet;

use crate::analysis::{Applicability, Finding, Fix, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::config::lifecycle::{ClassLifecycle, EventKind, Lifecycle, LifecycleModel};
use crate::facts::ExportFact;
use crate::index::{ClassRef, ExportTarget};
use crate::text::Span;

/// `class-not-exported` (error by default): a bound Durable Object class is not a named export of
/// the main module.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::ClassNotExported,
    default_severity: Severity::Error,
    summary: "A bound Durable Object class is not a named export of the main module",
    doc: r#"## What it does
Reports a local binding's `class_name` when that class is defined in the Worker's sources but the
`main` module does not export it by that name: neither directly (`export class X`), nor through
`export { X }`, `export { Y as X }`, `export { X } from "./m"`, `export * from "./m"` or chains of
these.

## Why
The runtime instantiates a Durable Object class by looking it up among the named exports of the
Worker's main module; `export default` is the fetch handler and never a DO class. wrangler fails
the bundle: "Your Worker depends on the following Durable Objects, which are not exported in your
entrypoint file: X."

The rule stays silent when it cannot know: `main` is build output or missing, `main` uses
CommonJS exports, or it re-exports everything from a package (`export * from "pkg"`).

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
// src/chat-room.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}
```
```ts
// src/index.ts
import { ChatRoom } from "./chat-room";

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
export { ChatRoom } from "./chat-room";

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Add `export` to the declaration when it is in `main` (`export { X };` at the end of `main` when
the class is its default export); otherwise add `export { X } from "./path"` to `main`, after its
imports, in the style its imports use (quotes, semicolons, `.js`/`.ts` extension or none), and add
`export` to the declaration too when its own module does not export it. Offered only where the
declaration is a top-level statement without decorators.
"#,
};

/// Reports bound classes, live `exports` entries and rename/transfer targets that exist in the
/// Worker's sources but are not exported by `main`.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let Some(exports) = &cx.main_exports else { return };
    let mut seen = FxHashSet::default();
    for view in &cx.envs {
        let bound = view
            .env
            .do_bindings()
            .iter()
            .filter(|b| b.is_local())
            .filter_map(|b| b.class_name.as_ref())
            .map(|c| (c, "bound"));
        let from_lifecycle = view.lifecycle.live_classes().filter_map(|class| {
            let created = class.created.as_ref()?;
            checks_live_class(&view.lifecycle, class).then_some((created, "live"))
        });
        for (class, why) in bound.chain(from_lifecycle) {
            if !seen.insert(class.value.clone()) || !exports.surely_lacks(&class.value) {
                continue;
            }
            let Some(found) = cx.find_class(&class.value) else { continue };
            let mut related = Vec::new();
            if let Some(r) = cx.class_related(found, format!("class `{}` is declared here", class.value)) {
                related.push(r);
            }
            let message = format!(
                "Durable Object class `{}` is {why} but not exported by the main module: export it by name\nwrangler fails to bundle a Worker whose Durable Object classes are not named exports of `main`.",
                class.value
            );
            let fixes = export_fix(cx, found, &class.value).into_iter().collect();
            cx.report(&META, cx.config_location(class.span), message).related(related).fixes(fixes).emit(out);
        }
    }
}

/// True when this rule checks the live class `class` of `lifecycle` (besides bound classes): in
/// an `exports` map, or made by a rename or a transfer in. `live-class-not-exported` leaves such a
/// class, when the Worker's sources declare it, to this rule.
pub(crate) fn checks_live_class(lifecycle: &Lifecycle, class: &ClassLifecycle) -> bool {
    class.created.is_some()
        && (lifecycle.model == LifecycleModel::Exports
            || class
                .history
                .last()
                .is_some_and(|e| matches!(e.kind, EventKind::RenamedFrom(_) | EventKind::TransferredIn { .. })))
}

/// The fix that makes `main` export class `name` (declared at `class`).
pub(crate) fn export_fix(cx: &WorkerContext<'_>, class: &ClassRef, name: &str) -> Option<Fix> {
    let main = &cx.worker.entry.as_ref()?.path;
    let fact = cx.ws.class(class)?;
    let main_file = cx.ws.source(main)?;
    let mut edits = Vec::new();
    if class.file == *main {
        if fact.default_export {
            let end = main_file.text.len();
            let newline = if main_file.text.ends_with('\n') { "" } else { "\n" };
            let semi = if uses_semicolons(&main_file.text, &main_file.facts.imports) { ";" } else { "" };
            let new_text = format!("{newline}export {{ {name} }}{semi}\n");
            edits.push(TextEdit { path: main.clone(), span: Span::new(end, end), new_text });
        } else {
            edits.push(export_keyword(cx, class)?);
        }
        let title = format!("Export `{name}` from the main module");
        return Some(Fix { title, edits, preferred: true, applicability: Applicability::Safe });
    }
    // Does the class's own module export it by this name?
    let own = cx.ws.export_table(&class.file);
    match own.names.get(name) {
        Some(ExportTarget::Class { file, class: index }) if file == &class.file && *index == class.index => {}
        None if !fact.exported_inline && !fact.default_export => edits.push(export_keyword(cx, class)?),
        _ => return None,
    }
    let specifier = specifier_for(main, &main_file.facts, &class.file)?;
    let quote = quote_style(&main_file.text, &main_file.facts);
    let semi = if uses_semicolons(&main_file.text, &main_file.facts.imports) { ";" } else { "" };
    let statement = format!("export {{ {name} }} from {quote}{specifier}{quote}{semi}");
    // After the last import (or re-export) line, else at the top.
    let last = main_file
        .facts
        .imports
        .iter()
        .map(|i| i.specifier.span.end)
        .chain(main_file.facts.exports.iter().filter_map(|e| match e {
            ExportFact::From { specifier, .. } | ExportFact::Star { specifier } => Some(specifier.span.end),
            _ => None,
        }))
        .max();
    let edit = match last {
        Some(after) => {
            let rest = main_file.text.get(after..).unwrap_or("");
            let line_end = rest.find('\n').map_or(main_file.text.len(), |i| after + i);
            TextEdit { path: main.clone(), span: Span::new(line_end, line_end), new_text: format!("\n{statement}") }
        }
        None => TextEdit { path: main.clone(), span: Span::new(0, 0), new_text: format!("{statement}\n") },
    };
    edits.push(edit);
    let title = format!("Re-export `{name}` from the main module");
    Some(Fix { title, edits, preferred: true, applicability: Applicability::Safe })
}

/// Inserts `export ` before a class declaration, when it is a top-level statement without
/// decorators (re-parsing its file: fixes are computed only for findings).
fn export_keyword(cx: &WorkerContext<'_>, class: &ClassRef) -> Option<TextEdit> {
    let fact = cx.ws.class(class)?;
    let file = cx.ws.source(&class.file)?;
    if fact.exported_inline || fact.default_export || file.text.get(fact.span.start..)?.starts_with('@') {
        return None;
    }
    let tree = crate::text::language::parse(file.kind, &file.text, None)?;
    let mut node = tree.root_node().descendant_for_byte_range(fact.span.start, fact.span.end)?;
    while let Some(parent) =
        node.parent().filter(|p| p.start_byte() == node.start_byte() && p.end_byte() == node.end_byte())
    {
        node = parent;
    }
    let top_level = node.start_byte() == fact.span.start && node.parent().is_some_and(|p| p.kind() == "program");
    top_level.then(|| TextEdit {
        path: class.file.clone(),
        span: Span::new(fact.span.start, fact.span.start),
        new_text: "export ".to_string(),
    })
}

/// The specifier naming `target` from `main`, in the style `main`'s relative specifiers use:
/// with the source's extension (`./room.ts`), with its JS twin (`./room.js`), or without.
fn specifier_for(main: &Path, facts: &crate::facts::FileFacts, target: &Path) -> Option<String> {
    let from = main.parent()?;
    let relative = relative_path(from, target)?;
    let specifiers =
        facts.imports.iter().map(|i| i.specifier.value.as_str()).chain(facts.exports.iter().filter_map(|e| match e {
            ExportFact::From { specifier, .. } | ExportFact::Star { specifier } => Some(specifier.value.as_str()),
            _ => None,
        }));
    let style = specifiers.filter(|s| crate::index::modules::is_relative(s)).find_map(|s| {
        Path::new(s)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| crate::text::language::SOURCE_EXTENSIONS.contains(e))
            .map(str::to_owned)
    });
    let ext = target.extension().and_then(|e| e.to_str()).unwrap_or("");
    let path = match style.as_deref() {
        None => relative.with_extension(""),
        Some("js" | "mjs" | "cjs" | "jsx") => {
            let js = match ext {
                "ts" | "tsx" | "js" | "jsx" => "js",
                "mts" | "mjs" => "mjs",
                "cts" | "cjs" => "cjs",
                _ => return None,
            };
            relative.with_extension(js)
        }
        Some(_) => relative,
    };
    let text = path.to_str()?.replace('\\', "/");
    Some(if text.starts_with("../") { text } else { format!("./{text}") })
}

/// `target` relative to the folder `from` (both absolute).
fn relative_path(from: &Path, target: &Path) -> Option<PathBuf> {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

/// The quote character of the file's first import specifier (`"` when it has none).
fn quote_style(text: &str, facts: &crate::facts::FileFacts) -> char {
    let first = facts.imports.first().map(|i| i.specifier.span.start);
    match first.and_then(|start| text.get(start..)?.chars().next()) {
        Some('\'') => '\'',
        _ => '"',
    }
}

/// True unless the file's imports end without semicolons.
fn uses_semicolons(text: &str, imports: &[crate::facts::ImportFact]) -> bool {
    match imports.last() {
        Some(import) => {
            text.get(import.specifier.span.end..).unwrap_or("").trim_start_matches([' ', '\t']).starts_with(';')
        }
        None => true,
    }
}
