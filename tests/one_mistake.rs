//! One mistake, one finding (rules.md, "Changes from real projects"): in every rule fixture,
//! misspelling one key of a checked config entry (a Durable Object binding, a migration step, an
//! `exports` entry) adds exactly one finding, at that key. The entry is then read as if the key
//! were absent, and no other rule may pile on (no `missing-migration` because a misspelt
//! `new_sqlite_classes` hid the class, no second shape error on the same entry).
//!
//! The mutation is deterministic: each key loses its last letter (`class_name` -> `class_nam`),
//! which is what a typo looks like to the did-you-mean.

// Test code: a failed step fails the test by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture_support;

use std::collections::BTreeMap;

use durable_lsp::analysis::Finding;
use durable_lsp::config::{Value, ValueKind};
use durable_lsp::text::Span;
use fixture_support::{analyse, fixtures, materialize, needs_git, parse_fixture};

/// A key to misspell: where its name is in the config text.
struct Key {
    name: String,
    span: Span,
    /// `durable_objects.bindings[]`, `migrations[]` or `exports.<name>` (for messages).
    entry: &'static str,
    /// The entry's span: an entry that is wrong already is left alone (its finding stands for
    /// the entry, and a second mistake there need not add one).
    entry_span: Span,
}

/// The keys of the checked entries of a config's value tree (top level and every `env.<name>`).
fn checked_keys(root: &Value) -> Vec<Key> {
    let mut out = Vec::new();
    let mut sections = vec![root];
    if let Some(envs) = member(root, "env") {
        if let ValueKind::Object(envs) = &envs.kind {
            sections.extend(envs.iter().map(|m| &m.value));
        }
    }
    for section in sections {
        let bindings = member(section, "durable_objects").and_then(|d| member(d, "bindings"));
        for entry in elements(bindings) {
            push_keys(entry, "durable_objects.bindings[]", entry.span, &mut out);
        }
        for entry in elements(member(section, "migrations")) {
            push_keys(entry, "migrations[]", entry.span, &mut out);
        }
        if let Some(ValueKind::Object(entries)) = member(section, "exports").map(|e| &e.kind) {
            // Workflow entries are wrangler's to check: no rule here reads them.
            let workflow = |v: &Value| {
                member(v, "type").is_some_and(|t| matches!(&t.kind, ValueKind::String(s) if s == "workflow"))
            };
            for entry in entries.iter().filter(|e| !workflow(&e.value)) {
                // The entry's findings may sit on its key (`exports.X has no storage`).
                let whole = Span::new(entry.key.span.start, entry.value.span.end);
                push_keys(&entry.value, "exports.<name>", whole, &mut out);
            }
        }
    }
    out
}

fn member<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match &value.kind {
        ValueKind::Object(members) => members.iter().find(|m| m.key.value == key).map(|m| &m.value),
        _ => None,
    }
}

fn elements(value: Option<&Value>) -> &[Value] {
    match value.map(|v| &v.kind) {
        Some(ValueKind::Array(items)) => items,
        _ => &[],
    }
}

fn push_keys(entry: &Value, label: &'static str, entry_span: Span, out: &mut Vec<Key>) {
    if let ValueKind::Object(members) = &entry.kind {
        for m in members {
            out.push(Key { name: m.key.value.clone(), span: m.key.span, entry: label, entry_span });
        }
    }
}

/// What a finding says, without where (a misspelling moves the bytes after it).
fn counted(findings: &[Finding]) -> BTreeMap<(String, String, String), usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        let file = f.location.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        *out.entry((f.rule.as_str().to_owned(), file, f.message.clone())).or_default() += 1;
    }
    out
}

#[test]
fn misspelling_one_key_adds_exactly_one_finding() {
    let mut failures = Vec::new();
    let mut mutations = 0;
    for (rule, path) in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let files = parse_fixture(&text);
        if needs_git(&files) {
            continue;
        }
        let case = format!("{rule}/{}", fixture_support::case_name(&path));
        let mut original: Option<Vec<Finding>> = None;
        for (index, (rel, body)) in files.iter().enumerate() {
            let is_config = rel.rsplit('/').next().is_some_and(|n| n.starts_with("wrangler."));
            let (root, errors) = if rel.ends_with(".toml") {
                durable_lsp::config::toml::read(body)
            } else if rel.ends_with(".json") || rel.ends_with(".jsonc") {
                durable_lsp::config::jsonc::read(body)
            } else {
                continue;
            };
            // A config that does not parse is config-syntax's: its keys mean little.
            if !is_config || !errors.is_empty() {
                continue;
            }
            for key in checked_keys(&root) {
                let Some(written) = body.get(key.span.start..key.span.end) else { continue };
                let Some(at) = written.find(&key.name) else { continue };
                if key.name.chars().count() < 3 {
                    continue;
                }
                let misspelt: String = {
                    let mut name = key.name.clone();
                    name.pop();
                    name
                };
                let start = key.span.start + at;
                let mutated = format!("{}{misspelt}{}", &body[..start], &body[start + key.name.len()..]);
                let mut changed = files.clone();
                changed[index].1 = mutated;
                let original = original.get_or_insert_with(|| {
                    let (_dir, root) = materialize(&files);
                    analyse(&root).1
                });
                let in_entry = |f: &&Finding| {
                    f.location.path.ends_with(rel.as_str()) && key.entry_span.contains_span(f.location.span)
                };
                if original.iter().any(|f| in_entry(&f)) {
                    continue;
                }
                let before = counted(original);
                let (_dir, mutated_root) = materialize(&changed);
                let after = counted(&analyse(&mutated_root).1);
                mutations += 1;
                let added: Vec<String> = after
                    .iter()
                    .filter_map(|(k, n)| {
                        let was = before.get(k).copied().unwrap_or(0);
                        (*n > was).then(|| format!("{} x{}: {}", k.0, n - was, k.2.lines().next().unwrap_or("")))
                    })
                    .collect();
                let total: usize =
                    after.iter().map(|(k, n)| n.saturating_sub(before.get(k).copied().unwrap_or(0))).sum();
                if total != 1 {
                    failures.push(format!(
                        "{case}: {rel}: `{}` -> `{misspelt}` in {} adds {total} findings:\n    {}",
                        key.name,
                        key.entry,
                        added.join("\n    ")
                    ));
                }
            }
        }
    }
    assert!(mutations > 100, "only {mutations} keys were misspelt: the fixtures lost their configs?");
    assert!(failures.is_empty(), "{} of {mutations} misspellings:\n{}", failures.len(), failures.join("\n"));
}
