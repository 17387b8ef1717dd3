//! `invalid-location-hint`: a `locationHint` that is not a known region.

use super::do_support::{literal_contents, string_property, worker_calls};
use crate::analysis::{closest, Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};

/// The rule.
pub const META: RuleMeta = RuleMeta {
    id: "invalid-location-hint",
    default_severity: Severity::Error,
    summary: "locationHint is not one of the regions Durable Objects know",
    doc: r#"## What it does
Reports a literal `locationHint` passed to `ns.get(id, { locationHint })` or
`ns.getByName(name, { locationHint })` that is not one of `wnam`, `enam`, `sam`, `weur`, `eeur`,
`apac`, `apac-ne`, `apac-se`, `oc`, `afr`, `me`.

The values are workerd's `DurableObjectLocationHint` (`src/workerd/api/actor.h`) and the
`apac-ne` / `apac-se` regions of Cloudflare's data location docs.

## Why
The runtime does not validate the string: a typo is silently ignored and the object is created
wherever the first request happens to come from, for good (a hint only applies when the object
is first created).

## Example
```ts
const stub = env.ROOMS.getByName("tokyo", { locationHint: "apac-nw" });
```

Use instead:
```ts
const stub = env.ROOMS.getByName("tokyo", { locationHint: "apac-ne" });
```

## Fix
Replaces the value by the closest valid hint.
"#,
};

/// The location hints Durable Objects accept.
pub const LOCATION_HINTS: &[&str] =
    &["wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me"];

/// Reports unknown literal location hints.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for site in worker_calls(cx) {
        if !matches!(site.call.method.value.as_str(), "get" | "getByName") || site.call.args.len() < 2 {
            continue;
        }
        let Some((hint, span)) = string_property(site.call, "locationHint") else { continue };
        if LOCATION_HINTS.contains(&hint) {
            continue;
        }
        let near = closest(hint, LOCATION_HINTS.iter().copied());
        let mut message = format!(
            "`{hint}` is not a Durable Object location hint: the runtime ignores it and places the object anywhere"
        );
        if let Some(near) = near {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        let fixes = near
            .map(|near| {
                let edit =
                    TextEdit { path: site.path.clone(), span: literal_contents(span), new_text: near.to_owned() };
                Fix::single(format!("Use `{near}`"), edit, true, Applicability::Suggestion)
            })
            .into_iter()
            .collect();
        cx.report_with_fixes(out, &META, Location { path: site.path.clone(), span }, message, Vec::new(), fixes);
    }
}
