//! Resolved environments: the top level, or an `env.<name>` section after inheritance.
//!
//! `durable_objects` and the other bindings are not inherited; `name`, `main`, the compatibility
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
            compatibility_date: section
                .compatibility_date
                .as_ref()
                .or(top.compatibility_date.as_ref()),
            compatibility_flags: section
                .compatibility_flags
                .as_deref()
                .or(top.compatibility_flags.as_deref()),
            durable_objects: section.durable_objects.as_ref(),
            migrations: section.migrations.as_ref().or(top.migrations.as_ref()),
            exports: section.exports.as_ref().or(top.exports.as_ref()),
            other_bindings: &section.other_bindings,
        }
    }

    /// The DO bindings of this environment (empty when it has no `durable_objects`).
    pub fn do_bindings(&self) -> &'a [DoBinding] {
        self.durable_objects.map_or(&[], |d| &d.bindings)
    }

    /// The env's name as a string (`None`: the top level).
    pub fn env_name(&self) -> Option<&'a str> {
        self.name.map(|n| n.value.as_str())
    }
}

impl WorkerConfig {
    /// Every resolved environment: the top level first, then each env in file order.
    pub fn resolved_envs(&self) -> Vec<ResolvedEnv<'_>> {
        std::iter::once(ResolvedEnv::new(None, &self.top, &self.top))
            .chain(
                self.envs
                    .iter()
                    .map(|e| ResolvedEnv::new(Some(&e.name), &e.config, &self.top)),
            )
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
