//! Wrangler config files: tolerant readers (JSONC, TOML) and the Worker model.
//!
//! [`read_config`] reads a file into a [`WorkerConfig`]; [`WorkerConfig::resolved_envs`] gives
//! each environment after inheritance, and [`replay`] its Durable Object lifecycle.

pub mod edit;
pub mod extract;
pub mod jsonc;
pub mod lifecycle;
pub mod model;
pub mod resolve;
pub mod toml;

pub use extract::extract;
pub use lifecycle::{
    next_tag, replay, ClassLifecycle, ClassState, EventKind, Lifecycle, LifecycleEvent, LifecycleModel, SequenceError,
    Storage,
};
pub use model::*;
pub use resolve::ResolvedEnv;

/// Reads a config file's text (tolerantly) into a [`WorkerConfig`].
pub fn read_config(text: &str, format: ConfigFormat) -> WorkerConfig {
    let (root, errors) = match format {
        ConfigFormat::Jsonc => jsonc::read(text),
        ConfigFormat::Toml => toml::read(text),
    };
    extract(format, root, errors)
}

#[cfg(test)]
mod proptests {
    use super::*;
    use crate::text::Span;
    use proptest::prelude::*;

    const JSONC: &str = r#"{
  // comment
  "name": "chat", "main": "src/index.ts",
  "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" },] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }, { "tag": "v2", "renamed_classes": [{ "from": "Room", "to": "Hall" }] }],
  "exports": { "Hall": { "type": "durable-object", "storage": "sqlite" } },
  "containers": [{ "class_name": "Hall", "image": "./Dockerfile" }],
  "vars": { "A": "é\u00e9😀" },
  "env": { "staging": { "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Hall" }] } } }
}"#;

    const TOML: &str = r#"name = "chat" # comment
main = 'src/index.ts'
[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]
[[migrations]]
tag = "v2"
renamed_classes = [{ from = "Room", to = "Hall" }]
[[containers]]
class_name = "Hall"
image = "./Dockerfile"
[vars]
A = "é\u00e9😀"
[env.staging.durable_objects]
bindings = [{ name = "ROOM", class_name = "Hall" }]
"#;

    /// Asserts that `span` lies within `text` on char boundaries.
    fn check_span(text: &str, span: Span) -> Result<(), TestCaseError> {
        prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?} out of {}", text.len());
        prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{span:?}");
        Ok(())
    }

    fn check_value(text: &str, v: &Value) -> Result<(), TestCaseError> {
        check_span(text, v.span)?;
        match &v.kind {
            ValueKind::Array(items) => items.iter().try_for_each(|i| check_value(text, i)),
            ValueKind::Object(members) => members.iter().try_for_each(|m| {
                check_span(text, m.key.span)?;
                check_value(text, &m.value)
            }),
            _ => Ok(()),
        }
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        for format in [ConfigFormat::Jsonc, ConfigFormat::Toml] {
            let c = read_config(text, format);
            check_value(text, &c.root)?;
            for e in &c.syntax_errors {
                check_span(text, e.span)?;
            }
            for env in c.resolved_envs() {
                for app in env.container_apps() {
                    check_span(text, app.span)?;
                    for s in [&app.name, &app.class_name, &app.image].into_iter().flatten() {
                        check_span(text, s.span)?;
                    }
                }
                let l = replay(&env);
                for e in &l.sequence_errors {
                    check_span(text, e.span)?;
                }
                if let Some(m) = env.migrations {
                    next_tag(m);
                }
            }
        }
        Ok(())
    }

    /// Applies edits `(position fraction, delete length, insertion)` to `base` on char boundaries.
    fn mutate(base: &str, edits: &[(f64, usize, String)]) -> String {
        let mut text = base.to_string();
        for (at, del, ins) in edits {
            let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let i = ((chars.len() - 1) as f64 * at) as usize;
            let start = chars[i];
            let end = chars[(i + del).min(chars.len() - 1)];
            text.replace_range(start..end, ins);
        }
        text
    }

    fn edits() -> impl Strategy<Value = Vec<(f64, usize, String)>> {
        proptest::collection::vec((0.0..1.0f64, 0usize..8, "[\\[\\]{}\",:='\\\\/*\\n a-z0-9é😀.#-]{0,4}"), 1..6)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            check(&text)?;
        }

        #[test]
        fn structured_noise_never_panics(text in "[\\[\\]{}\",:='\\\\/*\\n\\r\\t a-z0-9é😀.#-]{0,200}") {
            check(&text)?;
        }

        #[test]
        fn mutated_jsonc_never_panics(edits in edits()) {
            check(&mutate(JSONC, &edits))?;
        }

        #[test]
        fn mutated_toml_never_panics(edits in edits()) {
            check(&mutate(TOML, &edits))?;
        }
    }

    #[test]
    fn valid_bases_read_cleanly() {
        let j = read_config(JSONC, ConfigFormat::Jsonc);
        let t = read_config(TOML, ConfigFormat::Toml);
        assert!(j.syntax_errors.is_empty() && t.syntax_errors.is_empty());
        for c in [&j, &t] {
            let top = c.resolved_env(None).map(|e| replay(&e));
            assert!(top.is_some_and(|l| l.is_live("Hall") && !l.is_live("Room")));
            assert_eq!(c.envs.len(), 1);
            assert_eq!(c.top.other_bindings.len(), 1);
            let envs = c.resolved_envs();
            assert!(envs[0].container_for_class("Hall").is_some() && !envs[1].is_container_class("Hall"));
        }
    }
}
