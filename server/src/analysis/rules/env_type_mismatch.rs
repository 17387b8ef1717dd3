//! `env-type-mismatch`: an `Env` member typed `DurableObjectNamespace<...>` disagrees with the config.

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::env_types::{EnvMember, TypeArgument};
use crate::index::{ClassRef, ExportTarget};
use crate::text::Span;

/// `env-type-mismatch` (warning by default): an Env member typed DurableObjectNamespace names no DO
/// binding, or another class.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::EnvTypeMismatch,
    default_severity: Severity::Warning,
    summary: "An Env member typed DurableObjectNamespace names no DO binding, or another class",
    doc: r#"## What it does
Reads the Worker's env types (`interface Env`, `type Env = {...}`, Hono's `Bindings`, and the
`Cloudflare.Env` that `wrangler types` writes to `worker-configuration.d.ts`) and reports a member
typed `DurableObjectNamespace` or `DurableObjectNamespace<X>` when:

- no resolved environment of a Worker containing the file declares a DO binding of that name, or
- its type argument names a class other than the binding's `class_name` (compared by what the
  names resolve to, so `export { RoomImpl as ChatRoom }` matches `DurableObjectNamespace<RoomImpl>`),
  including `import("./src/index").OldName` left behind by a stale `wrangler types` run.

It stays silent when it cannot resolve the type argument (a global type, a package type, `typeof`
or a union), and while a config containing the file fails to parse.

## Why
The type promises a namespace that is `undefined` at run time, or a stub with the methods of the
wrong class: TypeScript accepts calls that fail in production.

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

interface Env {
  CHAT: DurableObjectNamespace<ChatRoom>; // the binding is CHAT_ROOM
}

export class ChatRoom extends DurableObject<Env> {}

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

interface Env {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
}

export class ChatRoom extends DurableObject<Env> {}

export default {
  async fetch(request, env): Promise<Response> {
    return env.CHAT_ROOM.getByName("lobby").fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Rename the member to the closest DO binding name, or replace the type argument by the binding's
class (when that name is in scope); for generated types, run `wrangler types` again.
"#,
};

/// What a type argument resolves to.
enum ArgTarget {
    /// A workspace class.
    Class(ClassRef),
    /// Surely nothing: the module exports no such name.
    Missing,
    /// Unknown (a global, a package, anything else).
    Unknown,
}

/// The class one binding of the member's name expects.
struct Expected {
    /// `class_name`.
    class_name: String,
    /// The class it resolves to, when known.
    class: Option<ClassRef>,
    /// The Worker's `main` (for `import("...")` fixes).
    main: Option<Arc<PathBuf>>,
    /// The `class_name` literal.
    span: Span,
}

/// Reports env members whose namespace type disagrees with the DO bindings.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    if !cx.worker.config.syntax_errors.is_empty() {
        return;
    }
    let mut paths: Vec<&Arc<PathBuf>> = cx.worker.files().collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let Some(file) = cx.ws.source(path) else { continue };
        if file.facts.env_types.is_empty() {
            continue;
        }
        // A file shared by several Workers: a name bound by any of them is fine.
        let containing = cx.ws.workers_containing(path);
        // A broken config, or a binding whose `name` is misspelt, may bind any name.
        if containing.iter().any(|w| !w.config.syntax_errors.is_empty() || w.config.binding_names_in_doubt) {
            continue;
        }
        let mut do_names: FxHashSet<&str> = FxHashSet::default();
        for worker in &containing {
            for env in worker.config.resolved_envs() {
                do_names.extend(env.do_bindings().iter().filter_map(|b| b.name.as_ref().map(|n| n.value.as_str())));
            }
        }
        // Another wrangler config the index does not read (`integration-wrangler.jsonc`, passed
        // with `--config`) may declare the bindings this type describes.
        let other_configs = unread_configs_near(path);
        let members = file.facts.env_types.iter().flat_map(|t| t.members.iter().map(move |m| (t, m)));
        for (env_type, member) in members {
            let Some(namespace) = &member.namespace else { continue };
            let name = &member.name.value;
            if !do_names.contains(name.as_str()) {
                if other_configs {
                    continue;
                }
                report_unbound(cx, out, path, &file.text, &env_type.name.value, member, &do_names);
                continue;
            }
            if let Some(argument) = &namespace.argument {
                check_argument(cx, out, path, &env_type.name.value, member, argument);
            }
        }
    }
}

/// Reports a namespace member that no DO binding is named after.
fn report_unbound(
    cx: &WorkerContext<'_>,
    out: &mut Vec<Finding>,
    path: &Arc<PathBuf>,
    text: &str,
    type_name: &str,
    member: &EnvMember,
    do_names: &FxHashSet<&str>,
) {
    let name = &member.name.value;
    let mut message =
        format!("`{type_name}.{name}` is typed as a Durable Object namespace, but no binding is named `{name}`");
    let mut related = Vec::new();
    let mut fixes = Vec::new();
    let other = cx.envs.iter().find_map(|e| e.env.other_bindings.iter().find(|b| &b.name.value == name));
    if let Some(other) = other {
        message = format!(
            "`{type_name}.{name}` is typed as a Durable Object namespace, but `{name}` is a {} binding: fix the type\nRegenerate it with `wrangler types`, or write the binding's own type.",
            other.kind.describe()
        );
        related.push(Related {
            location: cx.config_location(other.name.span),
            message: format!("`{name}` is declared here"),
        });
    } else {
        let near = crate::analysis::closest(name, do_names.iter().copied());
        match near {
            Some(near) => message.push_str(&format!("; did you mean `{near}`?")),
            None => message.push_str(": remove it, or add the binding"),
        }
        message.push_str(&format!(
            "\n`env.{name}` is `undefined` at run time; `wrangler types` regenerates the type from the config."
        ));
        if let Some(near) = near {
            // Only a plain identifier is replaced as is (a quoted key keeps its quotes).
            let quoted = text.get(member.name.span.start..).is_some_and(|t| t.starts_with(['"', '\'']));
            if !quoted {
                let edit = TextEdit { path: path.clone(), span: member.name.span, new_text: near.to_string() };
                fixes.push(Fix::single(format!("Rename to `{near}`"), edit, true, Applicability::Suggestion));
            }
        }
    }
    let location = Location { path: path.clone(), span: member.name.span };
    cx.report(&META, location, message).about(name).related(related).fixes(fixes).emit(out);
}

/// Compares a type argument with the classes the Worker binds under the member's name.
/// True when the folder of `path`, or one above it up to a Worker config, holds a config-like
/// file the index does not read as a Worker (`*wrangler*.json|jsonc|toml` with another name).
pub fn unread_configs_near(path: &std::path::Path) -> bool {
    let mut dir = path.parent();
    while let Some(d) = dir {
        // Through the recorder: the findings cache must know this folder's listing was read.
        let entries = crate::index::reads::dir_entries(d);
        let is_config_like = |p: &std::path::Path| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.contains("wrangler") && [".json", ".jsonc", ".toml"].iter().any(|ext| name.ends_with(ext))
        };
        if entries.iter().any(|p| is_config_like(p) && !crate::text::language::is_wrangler_config(p)) {
            return true;
        }
        if entries.iter().any(|p| crate::text::language::is_wrangler_config(p)) {
            return false;
        }
        dir = d.parent();
    }
    false
}

fn check_argument(
    cx: &WorkerContext<'_>,
    out: &mut Vec<Finding>,
    path: &Arc<PathBuf>,
    type_name: &str,
    member: &EnvMember,
    argument: &TypeArgument,
) {
    let expected = expected_classes(cx, &member.name.value);
    if expected.is_empty() {
        return;
    }
    let (arg_name, target) = match argument {
        TypeArgument::Name(n) => (n, resolve_name(cx, path, &n.value)),
        TypeArgument::Import { specifier, name } => (name, resolve_import(cx, path, specifier, &name.value)),
        TypeArgument::Other(_) => return,
    };
    // The bound class, or one of its workspace ancestors: `DurableObjectNamespace<McpAgent>` for
    // a subclass of `McpAgent` is a wider type, not a wrong one.
    let matches = expected.iter().any(|e| match &target {
        ArgTarget::Class(class) => e.class.as_ref().is_none_or(|c| c == class || cx.ws.ancestors(c).contains(class)),
        ArgTarget::Missing => false,
        ArgTarget::Unknown => e.class_name == arg_name.value,
    });
    let mismatch = match &target {
        ArgTarget::Class(_) => expected.iter().all(|e| e.class.is_some()) && !matches,
        ArgTarget::Missing => true,
        ArgTarget::Unknown => false,
    };
    if !mismatch {
        return;
    }
    let Some(first) = expected.first() else { return };
    let name = &member.name.value;
    let stale = if matches!(target, ArgTarget::Missing) { " (stale `wrangler types` output?)" } else { "" };
    let message = format!(
        "`{type_name}.{name}` is typed `DurableObjectNamespace<{}>`, but the binding names class `{}`: fix the type\nStubs get the methods of the wrong class{stale}.",
        arg_name.value, first.class_name
    );
    let related = vec![Related {
        location: cx.config_location(first.span),
        message: format!("binding `{name}` names `{}`", first.class_name),
    }];
    let fixes = argument_fix(cx, path, argument, first).into_iter().collect();
    let location = Location { path: path.clone(), span: arg_name.span };
    cx.report(&META, location, message).about(name).related(related).fixes(fixes).emit(out);
}

/// The classes the Worker's DO bindings named `name` expect, across its environments.
fn expected_classes(cx: &WorkerContext<'_>, name: &str) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    let bindings = cx.envs.iter().flat_map(|e| e.env.do_bindings());
    for binding in bindings.filter(|b| b.name.as_ref().is_some_and(|n| n.value == name)) {
        let Some(class_name) = &binding.class_name else { continue };
        if out.iter().any(|e| e.class_name == class_name.value) {
            continue;
        }
        let (class, main) = match &binding.script_name {
            None => (cx.exported_class(&class_name.value), main_of(cx)),
            Some(script) => match cx.script_target(&script.value) {
                Some(target) => (target.exported_class(&class_name.value), main_of(&target)),
                None => (None, None),
            },
        };
        out.push(Expected { class_name: class_name.value.clone(), class, main, span: class_name.span });
    }
    out
}

/// The Worker's `main`, when indexed.
fn main_of(cx: &WorkerContext<'_>) -> Option<Arc<PathBuf>> {
    cx.worker.entry.as_ref().map(|e| e.path.clone())
}

/// What the type name `name` denotes in `path`.
fn resolve_name(cx: &WorkerContext<'_>, path: &Arc<PathBuf>, name: &str) -> ArgTarget {
    match cx.ws.class_in_scope(path, name) {
        ExportTarget::Class { file, class } => ArgTarget::Class(ClassRef { file, index: class }),
        _ => ArgTarget::Unknown,
    }
}

/// What `import("specifier").name` denotes from `path`.
fn resolve_import(cx: &WorkerContext<'_>, path: &Arc<PathBuf>, specifier: &str, name: &str) -> ArgTarget {
    let Some(module) = cx.ws.resolve_module(path, specifier) else { return ArgTarget::Unknown };
    let table = cx.ws.export_table(&module);
    match table.names.get(name) {
        Some(ExportTarget::Class { file, class }) => ArgTarget::Class(ClassRef { file: file.clone(), index: *class }),
        Some(_) => ArgTarget::Unknown,
        None if table.open_ended => ArgTarget::Unknown,
        None => ArgTarget::Missing,
    }
}

/// Replaces the type argument's name by the binding's class, when that name then denotes it:
/// `import("<main>").X` (the class name is `main`'s export), or a name in scope.
fn argument_fix(
    cx: &WorkerContext<'_>,
    path: &Arc<PathBuf>,
    argument: &TypeArgument,
    expected: &Expected,
) -> Option<Fix> {
    let expected_class = expected.class.as_ref()?;
    let span = match argument {
        TypeArgument::Import { specifier, name } => {
            let module = cx.ws.resolve_module(path, specifier)?;
            (Some(&module) == expected.main.as_ref()).then_some(name.span)?
        }
        TypeArgument::Name(name) => match cx.ws.class_in_scope(path, &expected.class_name) {
            ExportTarget::Class { file, class } if file == expected_class.file && class == expected_class.index => {
                name.span
            }
            _ => return None,
        },
        TypeArgument::Other(_) => return None,
    };
    let edit = TextEdit { path: path.clone(), span, new_text: expected.class_name.clone() };
    let title = format!("Change the type argument to `{}`", expected.class_name);
    Some(Fix::single(title, edit, true, Applicability::Suggestion))
}
