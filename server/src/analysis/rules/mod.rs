//! The rule registry: one file per rule, each with its doc beside its code.

pub mod class_not_exported;
pub mod config_syntax;
pub mod constructor_missing_super;
pub mod constructor_unguarded_async;
pub mod container_on_kv_class;
pub mod delete_all_keeps_alarm;
pub mod deleted_class_still_exported;
pub(crate) mod do_support;
pub mod duplicate_binding_name;
pub mod duplicate_migration_tag;
pub mod env_missing_durable_objects;
pub mod env_type_mismatch;
pub mod hibernation_state_lost;
pub mod internal_sql_table;
pub mod invalid_do_binding;
pub mod invalid_export_entry;
pub mod invalid_jurisdiction;
pub mod invalid_location_hint;
pub mod invalid_migration_sequence;
pub mod invalid_migration_step;
pub mod invalid_settings;
pub mod kv_storage_backend;
pub mod live_class_not_exported;
pub mod location_hint_with_jurisdiction;
mod location_hints;
pub mod main_not_found;
pub mod migration_history_changed;
pub mod migrations_and_exports;
pub mod missing_migration;
pub mod missing_websocket_handler;
pub mod outgoing_websocket;
pub mod renamed_to_not_live;
pub mod rpc_compat_date;
pub mod rpc_on_legacy_class;
pub mod script_class_not_found;
pub mod set_alarm_without_handler;
pub mod set_timeout_in_durable_object;
pub mod sql_injection;
pub mod sql_transaction_statement;
pub mod sqlite_api_on_kv_class;
pub mod stub_fetch_relative_url;
pub mod transaction_sync_async;
pub mod unbound_durable_object;
pub mod unknown_binding;
pub mod unknown_class;
pub mod unknown_rpc_method;
pub mod websocket_accept_without_hibernation;
pub mod websocket_close_not_reciprocated;
pub mod websocket_close_reason_too_long;

use super::{Finding, RuleMeta, WorkerContext};

/// A rule: its metadata and its check over one Worker.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Id, severity, doc.
    pub meta: &'static RuleMeta,
    /// Appends the rule's findings for one Worker.
    pub check: fn(&WorkerContext<'_>, &mut Vec<Finding>),
}

/// Every rule, in catalogue order (rules.md).
pub const RULES: &[Rule] = &[
    Rule { meta: &config_syntax::META, check: config_syntax::check },
    Rule { meta: &invalid_do_binding::META, check: invalid_do_binding::check },
    Rule { meta: &invalid_migration_step::META, check: invalid_migration_step::check },
    Rule { meta: &invalid_export_entry::META, check: invalid_export_entry::check },
    Rule { meta: &duplicate_binding_name::META, check: duplicate_binding_name::check },
    Rule { meta: &env_missing_durable_objects::META, check: env_missing_durable_objects::check },
    Rule { meta: &migrations_and_exports::META, check: migrations_and_exports::check },
    Rule { meta: &duplicate_migration_tag::META, check: duplicate_migration_tag::check },
    Rule { meta: &invalid_migration_sequence::META, check: invalid_migration_sequence::check },
    Rule { meta: &missing_migration::META, check: missing_migration::check },
    Rule { meta: &kv_storage_backend::META, check: kv_storage_backend::check },
    Rule { meta: &container_on_kv_class::META, check: container_on_kv_class::check },
    Rule { meta: &migration_history_changed::META, check: migration_history_changed::check },
    Rule { meta: &renamed_to_not_live::META, check: renamed_to_not_live::check },
    Rule { meta: &deleted_class_still_exported::META, check: deleted_class_still_exported::check },
    Rule { meta: &main_not_found::META, check: main_not_found::check },
    Rule { meta: &class_not_exported::META, check: class_not_exported::check },
    Rule { meta: &live_class_not_exported::META, check: live_class_not_exported::check },
    Rule { meta: &unknown_class::META, check: unknown_class::check },
    Rule { meta: &script_class_not_found::META, check: script_class_not_found::check },
    Rule { meta: &unbound_durable_object::META, check: unbound_durable_object::check },
    Rule { meta: &unknown_binding::META, check: unknown_binding::check },
    Rule { meta: &env_type_mismatch::META, check: env_type_mismatch::check },
    Rule { meta: &rpc_compat_date::META, check: rpc_compat_date::check },
    Rule { meta: &unknown_rpc_method::META, check: unknown_rpc_method::check },
    Rule { meta: &rpc_on_legacy_class::META, check: rpc_on_legacy_class::check },
    Rule { meta: &set_timeout_in_durable_object::META, check: set_timeout_in_durable_object::check },
    Rule { meta: &set_alarm_without_handler::META, check: set_alarm_without_handler::check },
    Rule { meta: &websocket_accept_without_hibernation::META, check: websocket_accept_without_hibernation::check },
    Rule { meta: &missing_websocket_handler::META, check: missing_websocket_handler::check },
    Rule { meta: &hibernation_state_lost::META, check: hibernation_state_lost::check },
    Rule { meta: &outgoing_websocket::META, check: outgoing_websocket::check },
    Rule { meta: &constructor_missing_super::META, check: constructor_missing_super::check },
    Rule { meta: &constructor_unguarded_async::META, check: constructor_unguarded_async::check },
    Rule { meta: &sqlite_api_on_kv_class::META, check: sqlite_api_on_kv_class::check },
    Rule { meta: &sql_injection::META, check: sql_injection::check },
    Rule { meta: &internal_sql_table::META, check: internal_sql_table::check },
    Rule { meta: &sql_transaction_statement::META, check: sql_transaction_statement::check },
    Rule { meta: &websocket_close_not_reciprocated::META, check: websocket_close_not_reciprocated::check },
    Rule { meta: &websocket_close_reason_too_long::META, check: websocket_close_reason_too_long::check },
    Rule { meta: &delete_all_keeps_alarm::META, check: delete_all_keeps_alarm::check },
    Rule { meta: &transaction_sync_async::META, check: transaction_sync_async::check },
    Rule { meta: &invalid_location_hint::META, check: invalid_location_hint::check },
    Rule { meta: &invalid_jurisdiction::META, check: invalid_jurisdiction::check },
    Rule { meta: &location_hint_with_jurisdiction::META, check: location_hint_with_jurisdiction::check },
    Rule { meta: &stub_fetch_relative_url::META, check: stub_fetch_relative_url::check },
    // Not in the catalogue: checks durable-lsp's own settings.
    Rule { meta: &invalid_settings::META, check: invalid_settings::check },
];

/// The metadata of every rule, `unused-suppression` (checked after the others) last.
pub fn all_meta() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta).chain(std::iter::once(&super::suppress::META))
}

/// The metadata of the rule with this id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    all_meta().find(|m| m.id == id)
}
