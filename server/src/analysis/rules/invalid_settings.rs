//! `invalid-settings`: a `durable-lsp.toml` that durable-lsp cannot fully use.

use crate::analysis::{Finding, Location, RuleMeta, Severity, WorkerContext};

/// `invalid-settings` (error by default): durable-lsp.toml has a syntax error, an unknown key, rule
/// id or level.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::InvalidSettings,
    default_severity: Severity::Error,
    summary: "durable-lsp.toml has a syntax error, an unknown key, rule id or level",
    doc: r#"## What it does
Reports problems in a `durable-lsp.toml` (in the workspace root or any folder above a Worker):
TOML syntax errors, unknown keys (only `rules`, `durable_object_bases` and `exclude` exist),
unknown rule ids, levels other than `off`, `hint`, `info`, `warning`, `error`, and invalid globs.
The invalid entries are ignored; the valid ones still apply.

## Why
A typo in a settings file silently leaves a rule on (or off) that you meant to change.

## Example
```toml
# durable-lsp.toml
[rules]
set-timeout-in-durable-objects = "of"
```

Use instead:
```toml
# durable-lsp.toml
[rules]
set-timeout-in-durable-object = "off"
```

## Fix
Correct the entry the message names.
"#,
};

/// Reports the problems of every settings file that applies to the Worker.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for (path, file) in cx.ws.settings_for(&cx.worker.dir) {
        for (span, message) in &file.errors {
            let location = Location { path: path.clone(), span: *span };
            cx.report(&META, location, message.clone()).emit(out);
        }
        for (id, _) in &file.rules {
            if super::find(&id.value).is_none() {
                let mut message = format!("`{}` is not a durable-lsp rule", id.value);
                if let Some(near) = crate::analysis::closest(&id.value, super::all_meta().map(|m| m.id.as_str())) {
                    message.push_str(&format!("; did you mean `{near}`?"));
                }
                cx.report(&META, Location { path: path.clone(), span: id.span }, message).emit(out);
            }
        }
    }
}
