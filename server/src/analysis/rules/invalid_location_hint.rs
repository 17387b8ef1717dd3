//! `invalid-location-hint`: a `locationHint` that is not a known region.

use super::do_support::{literal_contents, option_strings};
use crate::analysis::{Applicability, Finding, Fix, Location, RuleMeta, Severity, TextEdit, WorkerContext};
use crate::platform::regions::{self as location_hints, Kind, Suggestion};
use crate::platform::LOCATION_HINTS;

/// `invalid-location-hint` (error by default): locationHint is not one of the regions Durable
/// Objects know.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidLocationHint,
    default_severity: Severity::Error,
    summary: "locationHint is not one of the regions Durable Objects know",
    doc: r#"## What it does
Reports a literal `locationHint` passed to `ns.get(id, { locationHint })` or
`ns.getByName(name, { locationHint })` that is not one of the hints Durable Objects know:

| hint | region |
|---|---|
| `wnam` | Western North America |
| `enam` | Eastern North America |
| `sam` | South America |
| `weur` | Western Europe |
| `eeur` | Eastern Europe |
| `apac` | Asia-Pacific |
| `apac-ne` | Northeast Asia-Pacific |
| `apac-se` | Southeast Asia-Pacific |
| `oc` | Oceania |
| `afr` | Africa |
| `me` | Middle East |

The values are workerd's `DurableObjectLocationHint` (`src/workerd/api/actor.h`) and the
"Supported locations" of Cloudflare's
[data location docs](https://developers.cloudflare.com/durable-objects/reference/data-location/),
which list `apac-ne` and `apac-se` as narrower parts of `apac` (prefer `apac` unless your users
are concentrated in the north-east or south-east of the region). Older
`@cloudflare/workers-types` releases lack `apac-ne` and `apac-se`.

The message says what the value is, when it is something people often write instead of a hint:
- a cloud region or zone id: AWS (`us-east-1`, `eu-west-2`, `ap-northeast-1`, `us-east-1a`),
  Google Cloud (`us-central1`, `europe-west3`, `asia-southeast1-b`), Azure (`eastus`,
  `westeurope`, `Japan East`);
- a jurisdiction (`eu`, `us`, `fedramp`): jurisdictions are set with `ns.jurisdiction("eu")`,
  not through `locationHint`;
- a word for a place: `us-east`, `us-west`, `america`, `europe`, `asia`, `tokyo`, `singapore`,
  `sydney`, `india`, `brazil`, `africa`, `middle-east`, and region ids without their number
  (`eu-west`, `asia-northeast`);
- a valid hint in another case or with `_` (`WNAM`, `apac_ne`);
- a word asking for no place in particular (`auto`, `global`, `default`): leave `locationHint`
  out instead.

Case, `_`, spaces and `-` do not matter when the value is matched.

## Why
The runtime does not validate the string (workerd passes it on unchecked, and hints are best
effort): a value it does not know places nothing, and the object is created wherever the first
request happens to come from, for good (a hint only applies when the object is first created).

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

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    const stub = env.CHAT_ROOM.getByName("tokyo", { locationHint: "ap-northeast-1" });
    return stub.fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

Use instead:
```ts
// src/index.ts
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {}

export default {
  async fetch(request, env): Promise<Response> {
    const stub = env.CHAT_ROOM.getByName("tokyo", { locationHint: "apac-ne" });
    return stub.fetch(request);
  },
} satisfies ExportedHandler<Env>;
```

## Fix
Replaces the value by the hint it stands for, each candidate a fix of its own titled with its
region (``Use `enam` (Eastern North America)``), the most likely first:
- a place between two hints offers both: `us`, `america` and `us-central1` offer `enam` and
  `wnam`; `europe`, `eu-central-1` (Frankfurt) offer `weur` and `eeur`; `asia` and Hong Kong
  offer `apac`, `apac-ne` and `apac-se`;
- a place in Northeast or Southeast Asia offers its sub-region, then `apac`: `tokyo` and
  `ap-northeast-1` offer `apac-ne` and `apac`;
- anything else close to a hint offers the closest by edit distance (`weu` → `weur`).

Cloudflare does not publish which places each hint covers: the mapping follows geography
(`where.durableobjects.live` shows where objects actually land), which is why places between
two hints offer both.

When the value comes from a constant, the fix edits the literal where the constant is defined,
in whichever module that is. Nothing is offered for `auto` and the like, nor for a value that
resembles no hint.
"#,
};

/// The longest message's first line, in characters.
const MESSAGE_WIDTH: usize = 120;

/// Reports unknown literal location hints.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    let model = cx.model();
    for &call in model.worker_calls().iter() {
        let Some((_, method, _)) = model.method_call(call) else { continue };
        if !matches!(method, "get" | "getByName") {
            continue;
        }
        let args = model.call_args(call);
        let Some(&options) = args.get(1) else { continue };
        for (hint, origin) in option_strings(&model.eval(options), "locationHint") {
            if crate::platform::describe(LOCATION_HINTS, &hint).is_some() {
                continue;
            }
            let suggestion = location_hints::suggest(&hint);
            let message = message(&hint, suggestion.as_ref());
            let Some(origin) = origin else {
                // No literal to edit: the finding goes on the options, without fixes.
                let location = Location { path: model.path(options.file).clone(), span: model.span(options) };
                cx.report(&META, location, message).emit(out);
                continue;
            };
            let path = model.path(origin.file);
            let hints = suggestion.map(|s| s.hints).unwrap_or_default();
            let fixes = hints
                .iter()
                .enumerate()
                .map(|(i, hint)| {
                    let edit = TextEdit {
                        path: path.clone(),
                        span: literal_contents(origin.span),
                        new_text: (*hint).to_owned(),
                    };
                    Fix::single(title(hint), edit, i == 0, Applicability::Suggestion)
                })
                .collect();
            let location = Location { path: path.clone(), span: origin.span };
            cx.report(&META, location, message).fixes(fixes).emit(out);
        }
    }
}

/// ``Use `enam` (Eastern North America)``.
fn title(hint: &str) -> String {
    match location_hints::description(hint) {
        Some(description) => format!("Use `{hint}` ({description})"),
        None => format!("Use `{hint}`"),
    }
}

/// The value as the message shows it: cut to `max` characters, backticks and line breaks dropped,
/// quoted when blank.
fn shown(value: &str, max: usize) -> String {
    let clean: String = value.chars().map(|c| if c == '`' || c.is_control() { ' ' } else { c }).collect();
    if clean.trim().is_empty() {
        return format!("\"{clean}\"");
    }
    if clean.chars().count() <= max {
        return clean;
    }
    let mut short: String = clean.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// `prefix` followed by the hints: `` `enam` (Eastern North America) or `wnam` (Western North
/// America) ``, later hints without their region when the line would be too long.
fn with_hints(prefix: &str, hints: &[&str]) -> String {
    let line = |described: usize| {
        let items: Vec<String> = hints
            .iter()
            .enumerate()
            .map(|(i, h)| match location_hints::description(h) {
                Some(d) if i < described => format!("`{h}` ({d})"),
                _ => format!("`{h}`"),
            })
            .collect();
        let list = match items.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => items.concat(),
        };
        format!("{prefix}{list}")
    };
    (1..=hints.len()).rev().map(line).find(|l| l.chars().count() <= MESSAGE_WIDTH).unwrap_or_else(|| line(1))
}

/// The finding's message: what `value` is, and which hint to use.
fn message(value: &str, suggestion: Option<&Suggestion>) -> String {
    let Some(Suggestion { kind, hints }) = suggestion else {
        let v = shown(value, 18);
        return format!(
            "`{v}` is not a location hint: use one of {}",
            crate::platform::names(LOCATION_HINTS).join(", ")
        );
    };
    let v = shown(value, 28);
    match kind {
        Kind::Spelling => with_hints(&format!("`{v}` is not a location hint as written: use "), hints),
        Kind::Region { cloud, zone, place } => {
            let what = if *zone { "zone" } else { "region" };
            let article = cloud.with_article();
            with_hints(&format!("`{v}` is {article} {what} ({place}), not a location hint: use "), hints)
        }
        Kind::Jurisdiction => with_hints(&format!("`{v}` is a jurisdiction, not a location hint: use "), hints),
        Kind::Place => with_hints(&format!("`{v}` is not a location hint: use "), hints),
        Kind::Anywhere => {
            format!("`{v}` is not a location hint: leave `locationHint` out to place the object near its first request")
        }
        Kind::Typo => {
            let line = with_hints(&format!("`{v}` is not a location hint: did you mean "), hints);
            format!("{line}?")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(value: &str) -> String {
        message(value, location_hints::suggest(value).as_ref())
    }

    #[test]
    fn messages_say_what_the_value_is_and_what_to_use() {
        assert_eq!(
            line("us-east-1"),
            "`us-east-1` is an AWS region (N. Virginia), not a location hint: use `enam` (Eastern North America)"
        );
        assert_eq!(
            line("us-central1-a"),
            "`us-central1-a` is a Google Cloud zone (Iowa), not a location hint: use `enam` (Eastern North America) or `wnam`"
        );
        assert_eq!(
            line("tokyo"),
            "`tokyo` is not a location hint: use `apac-ne` (Northeast Asia-Pacific) or `apac` (Asia-Pacific)"
        );
        assert_eq!(line("WNAM"), "`WNAM` is not a location hint as written: use `wnam` (Western North America)");
        assert_eq!(line("weu"), "`weu` is not a location hint: did you mean `weur` (Western Europe)?");
        assert_eq!(
            line("eu"),
            "`eu` is a jurisdiction, not a location hint: use `weur` (Western Europe) or `eeur` (Eastern Europe)"
        );
        assert_eq!(
            line("mars"),
            "`mars` is not a location hint: use one of wnam, enam, sam, weur, eeur, apac, apac-ne, apac-se, oc, afr, me"
        );
        assert!(line("auto").contains("leave `locationHint` out"));
        assert!(line("").starts_with("`\"\"` is not a location hint: use one of wnam"), "{}", line(""));
    }

    #[test]
    fn messages_fit_on_a_line() {
        let mut values: Vec<String> = ["mars", "auto", "weu", "eu", "fedramp-high", "WNAM", "asia", "emea", "americas"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        values.push("x".repeat(300));
        values.push("southamerica-east1-b".into());
        values.push("northamerica-northeast2-c".into());
        values.push("Australia Southeast 2".into());
        values.push("australiacentral2".into());
        values.push("germanywestcentral".into());
        values.push(format!("Asia{}Pacific", "_".repeat(40)));
        values.push(format!("  APAC_NE{}", " ".repeat(40)));
        for value in &values {
            let text = line(value);
            assert!(text.chars().count() <= MESSAGE_WIDTH, "{} chars: {text}", text.chars().count());
            assert!(!text.contains('\n'));
        }
    }

    #[test]
    fn titles_name_the_region() {
        assert_eq!(title("enam"), "Use `enam` (Eastern North America)");
        assert_eq!(title("apac-se"), "Use `apac-se` (Southeast Asia-Pacific)");
    }
}
