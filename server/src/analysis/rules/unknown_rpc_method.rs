//! `unknown-rpc-method`: an RPC call on a stub names no method of the bound class.

use rustc_hash::FxHashMap;

use super::do_support::stub_classes;
use crate::analysis::{Applicability, Finding, Fix, Location, Related, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::facts::{ClassFact, MemberKind};
use crate::index::{ClassRef, DoClassKind};
use crate::platform::{NON_RPC_METHODS, RESERVED_METHODS};

/// `unknown-rpc-method` (error by default): an RPC call on a Durable Object stub names no public
/// method of the bound class.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::UnknownRpcMethod,
    default_severity: Severity::Error,
    summary: "An RPC call on a Durable Object stub names no public method of the bound class",
    doc: r#"## What it does
Follows a stub (`env.X.getByName(n)`, `env.X.get(id)`, a variable holding one, also after
`await`) to the class its binding names (for a `script_name` binding, the class the other Worker
exports) and reports `stub.m(...)` when neither that class nor any of its ancestors defines `m`
as a public prototype method or accessor. It also reports `m` when it exists only as an instance
field (an arrow-function property, a function assigned in the constructor), and the names the
runtime reserves: `alarm`, `webSocketMessage`, `webSocketClose`, `webSocketError`, `dup`,
`constructor`. `fetch` and `connect` are never RPC calls. TypeScript `private` and `protected`
methods count as defined (the modifiers are erased at run time; the compiler reports those
calls), `#private` and `static` ones do not.

It stays silent whenever the class cannot be read completely: an ancestor from a package
(`Agent`, partyserver's `Server`, anything not in the workspace), a mixin or factory base, a
computed member name, a class body with syntax errors, or a class whose `prototype` the code
patches. Legacy classes (not extending `DurableObject`) are left to `rpc-on-legacy-class`.

## Why
Only the methods and accessors declared on the class are reachable over RPC; instance properties
are not (Cloudflare docs, "Workers RPC: Visibility and Security Model"; workerd
`src/workerd/api/worker-rpc.c++` allows "only class properties (aka prototype properties)" and
lists the reserved names in `isReservedName`). Calling anything else throws at run time ("The RPC
receiver does not implement the method"); TypeScript only notices when the stub is typed with the
class.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "counter",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
  "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Counter"] }]
}
```
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  count = 0;
  increment = async () => ++this.count; // an instance field: not callable through a stub
}

export default {
  async fetch(request, env): Promise<Response> {
    const count = await env.COUNTER.getByName("a").increment();
    return new Response(String(count));
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  count = 0;
  async increment() {
    return ++this.count;
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const count = await env.COUNTER.getByName("a").increment();
    return new Response(String(count));
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replace the name by the closest method name of the class.
"#,
};

/// A class followed by its ancestors, nearest first, with their facts.
pub type Chain<'a> = Vec<(ClassRef, &'a ClassFact)>;

/// What a class chain offers under one name.
enum Lookup {
    /// A prototype method or accessor.
    Callable,
    /// An instance field with a function value (not reachable over RPC), with the class and span.
    InstanceField(ClassRef, crate::text::Span),
    /// Nothing.
    Absent,
}

/// Reports stub calls of methods that the bound, completely known class does not define.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    // Binding names -> the readable class chain of each class they denote (`None`: unreadable).
    let mut bound: FxHashMap<Vec<std::rc::Rc<str>>, Option<Vec<Chain<'_>>>> = FxHashMap::default();
    for call in model.stub_calls().iter() {
        let method = &*call.method;
        if NON_RPC_METHODS.contains(&method) {
            continue;
        }
        let chains = bound.entry(call.bindings.clone()).or_insert_with(|| {
            let classes = stub_classes(cx, &call.bindings)?;
            classes.iter().map(|c| readable_chain(cx, c)).collect()
        });
        let Some(chains) = chains.as_ref() else { continue };
        let classes: Vec<&ClassRef> = chains.iter().filter_map(|chain| chain.first().map(|(c, _)| c)).collect();
        let Some(&first) = classes.first() else { continue };
        let path = model.path(call.call.file);
        let location = Location { path: path.clone(), span: call.method_span };
        let class_name = |c: &ClassRef| cx.ws.class(c).map_or(String::new(), |f| f.name.value.clone());
        let mut related: Vec<Related> =
            classes.iter().filter_map(|&c| cx.class_related(c, format!("class `{}`", class_name(c)))).collect();
        if RESERVED_METHODS.contains(&method) {
            let message = format!(
                "`{method}` cannot be called over RPC: the runtime reserves it; call a method of your own\nThe runtime calls the handlers `alarm` and `webSocket*` itself, and `dup` and `constructor` are not methods of the object."
            );
            cx.report(&META, location, message).related(related).emit(out);
            continue;
        }
        let lookups: Vec<Lookup> = chains.iter().map(|chain| lookup(chain, method)).collect();
        if lookups.iter().any(|l| matches!(l, Lookup::Callable)) {
            continue;
        }
        let mut fixes = Vec::new();
        let message = if let Some(Lookup::InstanceField(class, span)) =
            lookups.iter().find(|l| matches!(l, Lookup::InstanceField(..)))
        {
            related = vec![Related {
                location: Location { path: class.file.clone(), span: *span },
                message: format!("`{method}` is an instance field here"),
            }];
            format!(
                "`{method}` is an instance field of `{}`, not a method: declare it as a method\nRPC cannot reach instance fields, so the call fails at run time.",
                class_name(class)
            )
        } else {
            let mut message = format!("Durable Object class `{}` has no public method `{method}`", class_name(first));
            let names: Vec<&str> = chains.iter().flat_map(|chain| callable_names(chain)).collect();
            match crate::analysis::closest(method, names.into_iter()) {
                Some(near) => {
                    message.push_str(&format!("; did you mean `{near}`?"));
                    let edit = TextEdit { path: path.clone(), span: call.method_span, new_text: near.to_string() };
                    fixes.push(Fix::single(format!("Change to `{near}`"), edit, true, Applicability::Suggestion));
                }
                None => message.push_str(": add it, or call a method it has"),
            }
            message.push_str("\nThe RPC call fails at run time.");
            message
        };
        cx.report(&META, location, message).related(related).fixes(fixes).emit(out);
    }
}

/// The class and its ancestors, nearest first, when all of them are readable workspace classes
/// ending at `DurableObject` (`None` for package bases, mixins, legacy classes, broken bodies).
pub fn readable_chain<'a>(cx: &WorkerContext<'a>, class: &ClassRef) -> Option<Chain<'a>> {
    if cx.ws.do_class_kind(class) != DoClassKind::DurableObject {
        return None;
    }
    let mut chain = vec![class.clone()];
    chain.extend(cx.ws.ancestors(class));
    chain
        .into_iter()
        .map(|c| {
            let fact = cx.ws.class(&c)?;
            let file = cx.ws.source(&c.file)?;
            let broken = file.facts.syntax_errors.iter().any(|e| e.start < fact.span.end && e.end > fact.span.start);
            let body = file.text.get(fact.body_span.start..fact.body_span.end).unwrap_or("");
            if broken || has_computed_member(body) || prototype_patched(cx, &fact.name.value) {
                return None;
            }
            Some((c, fact))
        })
        .collect()
}

/// What the chain defines under `name`: a prototype method or accessor wins over a field.
fn lookup(chain: &[(ClassRef, &ClassFact)], name: &str) -> Lookup {
    let mut found = Lookup::Absent;
    for (class, fact) in chain {
        for member in fact.members.iter().filter(|m| m.name.value == name && !m.is_static) {
            match member.kind {
                MemberKind::Method | MemberKind::Getter | MemberKind::Setter => return Lookup::Callable,
                MemberKind::FunctionField | MemberKind::Field if matches!(found, Lookup::Absent) => {
                    found = Lookup::InstanceField(class.clone(), member.span);
                }
                _ => {}
            }
        }
    }
    found
}

/// The names callable over RPC along the chain.
fn callable_names<'a>(chain: &'a [(ClassRef, &'a ClassFact)]) -> impl Iterator<Item = &'a str> {
    chain.iter().flat_map(|(_, fact)| fact.members.iter()).filter_map(|m| {
        let callable = matches!(m.kind, MemberKind::Method | MemberKind::Getter | MemberKind::Setter);
        let name = m.name.value.as_str();
        (callable && !m.is_static && !name.starts_with('#') && !RESERVED_METHODS.contains(&name)).then_some(name)
    })
}

/// True when a line of a class body starts a member with a computed name (`[Symbol.x]() {}`),
/// which the facts leave out. Conservative: an array pattern at a line start counts too.
fn has_computed_member(body: &str) -> bool {
    const MODIFIERS: &[&str] =
        &["static ", "async ", "get ", "set ", "public ", "private ", "protected ", "override ", "readonly ", "*"];
    body.lines().any(|line| {
        let mut rest = line.trim_start();
        while let Some(after) = MODIFIERS.iter().find_map(|m| rest.strip_prefix(m)) {
            rest = after.trim_start();
        }
        rest.starts_with('[')
    })
}

/// True when some file of the Worker touches `Name.prototype` (methods added from outside).
fn prototype_patched(cx: &WorkerContext<'_>, name: &str) -> bool {
    let needle = format!("{name}.prototype");
    cx.worker.files().filter_map(|p| cx.ws.source(p)).any(|f| f.text.contains(&needle))
}
