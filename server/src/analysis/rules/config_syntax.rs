//! `config-syntax`: the wrangler config does not parse.

use crate::analysis::{Finding, RuleMeta, Severity, WorkerContext};

/// `config-syntax` (error by default): the wrangler config file does not parse.
pub const META: RuleMeta = RuleMeta {
    id: crate::analysis::RuleId::ConfigSyntax,
    default_severity: Severity::Error,
    summary: "The wrangler config file does not parse",
    doc: r#"## What it does
Reports syntax errors in `wrangler.json`, `wrangler.jsonc` and `wrangler.toml` (and named variants
such as `wrangler.staging.toml`). JSONC allows comments and trailing commas, as wrangler does; TOML
follows the TOML spec.

## Why
wrangler refuses a config that does not parse, and nothing else about the Worker can be trusted
until it does. durable-lsp still reads everything outside the broken region, so the other rules
keep working while you type; rules about the broken region itself stay silent.

## Example
```jsonc
// wrangler.jsonc
{
  "name": "my-worker"
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01"
}
```

Use instead:
```jsonc
// wrangler.jsonc
{
  "name": "my-worker",
  "main": "src/index.ts",
  "compatibility_date": "2026-11-01",
}
```

## Fix
None: the message says what was expected where.
"#,
};

/// Reports each syntax error of the config.
pub fn check(cx: &WorkerContext<'_>, out: &mut Vec<Finding>) {
    for error in &cx.worker.config.syntax_errors {
        cx.report(&META, cx.config_location(error.span), error.message.clone()).emit(out);
    }
}
