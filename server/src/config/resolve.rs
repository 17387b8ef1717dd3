//! Resolved environments: the top level, or an `env.<name>` section after inheritance.
//!
//! `durable_objects`, `containers` and the other bindings are not inherited; `name`, `main`, the compatibility
//! date and flags, `migrations` and `exports` are, and an env's own value replaces the top level's
//! wholesale.

use super::model::*;
use crate::text::Spanned;

/// One resolved environment, borrowing from its [`WorkerConfig`].
#[derive(Debug, Clone, Copy)]
pub struct ResolvedEnv<'a> {
    /// The env's name (`None`: the top level).
    pub name: Option<&'a Spanned<String>>,
    /// What this section declares itself.
    pub section: &'a EnvConfig,
    /// `name` (inherited).
    pub worker_name: Option<&'a Spanned<String>>,
    /// `main` (inherited).
    pub main: Option<&'a Spanned<String>>,
    /// `compatibility_date` (inherited).
    pub compatibility_date: Option<&'a Spanned<String>>,
    /// `compatibility_flags` (inherited).
    pub compatibility_flags: Option<&'a [Spanned<String>]>,
    /// `durable_objects`: the section's own only.
    pub durable_objects: Option<&'a DurableObjects>,
    /// `migrations` (inherited, replaced wholesale).
    pub migrations: Option<&'a Migrations>,
    /// `exports` (inherited, replaced wholesale).
    pub exports: Option<&'a Exports>,
    /// `containers`: the section's own only (wrangler's `containers` is `@nonInheritable`).
    pub containers: Option<&'a Containers>,
    /// The section's own non-DO bindings.
    pub other_bindings: &'a [OtherBinding],
}

impl<'a> ResolvedEnv<'a> {
    /// Resolves `section` (named `name`) against the top level `top`.
    fn new(name: Option<&'a Spanned<String>>, section: &'a EnvConfig, top: &'a EnvConfig) -> Self {
        ResolvedEnv {
            name,
            section,
            worker_name: section.name.as_ref().or(top.name.as_ref()),
            main: section.main.as_ref().or(top.main.as_ref()),
            compatibility_date: section.compatibility_date.as_ref().or(top.compatibility_date.as_ref()),
            compatibility_flags: section.compatibility_flags.as_deref().or(top.compatibility_flags.as_deref()),
            durable_objects: section.durable_objects.as_ref(),
            migrations: section.migrations.as_ref().or(top.migrations.as_ref()),
            exports: section.exports.as_ref().or(top.exports.as_ref()),
            containers: section.containers.as_ref(),
            other_bindings: &section.other_bindings,
        }
    }

    /// The DO bindings of this environment (empty when it has no `durable_objects`).
    pub fn do_bindings(&self) -> &'a [DoBinding] {
        self.durable_objects.map_or(&[], |d| &d.bindings)
    }

    /// The Container apps of this environment (empty when it has no `containers`).
    pub fn container_apps(&self) -> &'a [ContainerApp] {
        self.containers.map_or(&[], |c| &c.apps)
    }

    /// The Container app whose `class_name` is `class`, if any.
    pub fn container_for_class(&self, class: &str) -> Option<&'a ContainerApp> {
        self.container_apps().iter().find(|a| a.class_name.as_ref().is_some_and(|c| c.value == class))
    }

    /// The non-empty `container` of the `durable-object` exports entry of `class`, if any (the
    /// other way to attach a container, wrangler >= 4.124).
    pub fn export_container(&self, class: &str) -> Option<&'a Spanned<String>> {
        self.exports?
            .entries
            .iter()
            .filter(|e| e.kind == ExportType::DurableObject && e.key.value == class)
            .find_map(|e| e.container.as_ref())
            .filter(|c| !c.value.is_empty())
    }

    /// True when a container is attached to `class` here: a `containers` entry names it in
    /// `class_name`, or its `exports` entry has a `container`.
    pub fn is_container_class(&self, class: &str) -> bool {
        self.container_for_class(class).is_some() || self.export_container(class).is_some()
    }

    /// The env's name as a string (`None`: the top level).
    pub fn env_name(&self) -> Option<&'a str> {
        self.name.map(|n| n.value.as_str())
    }
}

impl WorkerConfig {
    /// A section as written: the top level (`None`) or `env.<name>`'s own keys (nothing
    /// inherited); `None` when there is no such env.
    pub fn section(&self, env: Option<&str>) -> Option<&EnvConfig> {
        match env {
            None => Some(&self.top),
            Some(name) => self.envs.iter().find(|e| e.name.value == name).map(|e| &e.config),
        }
    }

    /// Every resolved environment: the top level first, then each env in file order.
    pub fn resolved_envs(&self) -> Vec<ResolvedEnv<'_>> {
        std::iter::once(ResolvedEnv::new(None, &self.top, &self.top))
            .chain(self.envs.iter().map(|e| ResolvedEnv::new(Some(&e.name), &e.config, &self.top)))
            .collect()
    }

    /// The resolved environment `name` (`None`: the top level); `None` when there is no such env.
    pub fn resolved_env(&self, name: Option<&str>) -> Option<ResolvedEnv<'_>> {
        match name {
            None => Some(ResolvedEnv::new(None, &self.top, &self.top)),
            Some(name) => self
                .envs
                .iter()
                .find(|e| e.name.value == name)
                .map(|e| ResolvedEnv::new(Some(&e.name), &e.config, &self.top)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{read_config, ConfigFormat};

    const CONFIG: &str = r#"{
  "name": "w", "main": "src/index.ts", "compatibility_date": "2025-01-01",
  "compatibility_flags": ["nodejs_compat"],
  "durable_objects": { "bindings": [{ "name": "A", "class_name": "A" }] },
  "kv_namespaces": [{ "binding": "KV" }],
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["A"] }],
  "exports": { "A": { "type": "durable-object", "storage": "sqlite" } },
  "containers": [{ "class_name": "A", "image": "./Dockerfile", "max_instances": 2 }, "not an app"],
  "env": {
    "bare": {},
    "own": {
      "compatibility_date": "2025-06-01",
      "durable_objects": { "bindings": [{ "name": "B", "class_name": "B" }] },
      "migrations": [{ "tag": "v1", "new_sqlite_classes": ["B"] }],
      "exports": { "B": { "type": "durable-object", "storage": "sqlite", "container": "b-app" } },
      "containers": [{ "name": "b-app", "image": "./Dockerfile" }]
    }
  }
}"#;

    #[test]
    fn inheritance() {
        let c = read_config(CONFIG, ConfigFormat::Jsonc);
        assert!(c.syntax_errors.is_empty());
        let envs = c.resolved_envs();
        let names: Vec<_> = envs.iter().map(|e| e.env_name()).collect();
        assert_eq!(names, [None, Some("bare"), Some("own")]);

        let top = &envs[0];
        assert_eq!(top.do_bindings().len(), 1);
        assert_eq!(top.other_bindings.len(), 1);

        let bare = &envs[1];
        assert!(bare.durable_objects.is_none());
        assert!(bare.do_bindings().is_empty());
        assert!(bare.other_bindings.is_empty());
        assert_eq!(bare.compatibility_date.map(|d| d.value.as_str()), Some("2025-01-01"));
        assert_eq!(bare.compatibility_flags.map(<[_]>::len), Some(1));
        assert_eq!(bare.worker_name.map(|n| n.value.as_str()), Some("w"));
        assert_eq!(bare.main.map(|n| n.value.as_str()), Some("src/index.ts"));
        assert_eq!(bare.migrations, c.top.migrations.as_ref());
        assert_eq!(bare.exports, c.top.exports.as_ref());

        let own = &envs[2];
        assert_eq!(own.compatibility_date.map(|d| d.value.as_str()), Some("2025-06-01"));
        assert_eq!(own.do_bindings()[0].name.as_ref().map(|n| n.value.as_str()), Some("B"));
        let steps = own.migrations.map(|m| &m.steps[..]).unwrap_or_default();
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].new_sqlite_classes[0].value, "B");
        assert_eq!(own.exports.map(|e| e.entries.len()), Some(1));
    }

    #[test]
    fn containers_are_not_inherited() {
        let c = read_config(CONFIG, ConfigFormat::Jsonc);
        let envs = c.resolved_envs();
        let (top, bare, own) = (&envs[0], &envs[1], &envs[2]);
        assert_eq!(top.container_apps().len(), 1);
        let app = top.container_for_class("A").unwrap_or_else(|| panic!("no app for A"));
        let class = app.class_name.as_ref().map(|n| n.span).unwrap_or_default();
        assert_eq!(&CONFIG[class.start..class.end], "\"A\"");
        assert_eq!(app.image.as_ref().map(|i| i.value.as_str()), Some("./Dockerfile"));
        assert!(app.name.is_none());
        assert!(top.is_container_class("A") && !top.is_container_class("B"));
        assert!(bare.containers.is_none() && !bare.is_container_class("A"));
        assert!(own.container_for_class("B").is_none());
        assert_eq!(own.export_container("B").map(|c| c.value.as_str()), Some("b-app"));
        assert!(own.is_container_class("B") && !own.is_container_class("A"));
    }

    #[test]
    fn lookup_by_name() {
        let c = read_config(CONFIG, ConfigFormat::Jsonc);
        assert!(c.resolved_env(None).is_some_and(|e| e.name.is_none()));
        assert_eq!(c.resolved_env(Some("own")).and_then(|e| e.env_name()), Some("own"));
        assert!(c.resolved_env(Some("missing")).is_none());
    }
}
