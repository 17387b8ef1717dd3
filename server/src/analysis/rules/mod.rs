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

/// Declares [`RuleId`] and [`RULES`] from one list, so the two cannot drift apart: each line
/// names a rule's variant, its public id and its module (which holds `META` and `check`).
macro_rules! registry {
    ($($variant:ident = $name:literal => $module:ident,)*) => {
        /// A rule's identity, as a type (ruff's `Rule`): findings, settings and suppressions
        /// carry it, and its kebab-case name ([`RuleId::as_str`]) is the public id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(
                #[doc = concat!("See `", stringify!($module), ".rs`.")]
                $variant,
            )*
            /// A suppression comment that suppresses nothing (checked after the others).
            UnusedSuppression,
        }

        /// Every rule that runs over a Worker, in catalogue order (rules.md).
        pub const RULES: &[Rule] = &[$(Rule { meta: &$module::META, check: $module::check },)*];

        impl RuleId {
            /// Every rule id, in catalogue order, `unused-suppression` last.
            pub const ALL: &[RuleId] = &[$(RuleId::$variant,)* RuleId::UnusedSuppression];

            /// The rule's metadata.
            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$variant => &$module::META,)*
                    RuleId::UnusedSuppression => &super::suppress::META,
                }
            }

            /// The public kebab-case id (`missing-migration`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $name,)*
                    RuleId::UnusedSuppression => "unused-suppression",
                }
            }
        }
    };
}

registry! {
    ConfigSyntax = "config-syntax" => config_syntax,
    InvalidDoBinding = "invalid-do-binding" => invalid_do_binding,
    InvalidMigrationStep = "invalid-migration-step" => invalid_migration_step,
    InvalidExportEntry = "invalid-export-entry" => invalid_export_entry,
    DuplicateBindingName = "duplicate-binding-name" => duplicate_binding_name,
    EnvMissingDurableObjects = "env-missing-durable-objects" => env_missing_durable_objects,
    MigrationsAndExports = "migrations-and-exports" => migrations_and_exports,
    DuplicateMigrationTag = "duplicate-migration-tag" => duplicate_migration_tag,
    InvalidMigrationSequence = "invalid-migration-sequence" => invalid_migration_sequence,
    MissingMigration = "missing-migration" => missing_migration,
    KvStorageBackend = "kv-storage-backend" => kv_storage_backend,
    ContainerOnKvClass = "container-on-kv-class" => container_on_kv_class,
    MigrationHistoryChanged = "migration-history-changed" => migration_history_changed,
    RenamedToNotLive = "renamed-to-not-live" => renamed_to_not_live,
    DeletedClassStillExported = "deleted-class-still-exported" => deleted_class_still_exported,
    MainNotFound = "main-not-found" => main_not_found,
    ClassNotExported = "class-not-exported" => class_not_exported,
    LiveClassNotExported = "live-class-not-exported" => live_class_not_exported,
    UnknownClass = "unknown-class" => unknown_class,
    ScriptClassNotFound = "script-class-not-found" => script_class_not_found,
    UnboundDurableObject = "unbound-durable-object" => unbound_durable_object,
    UnknownBinding = "unknown-binding" => unknown_binding,
    EnvTypeMismatch = "env-type-mismatch" => env_type_mismatch,
    RpcCompatDate = "rpc-compat-date" => rpc_compat_date,
    UnknownRpcMethod = "unknown-rpc-method" => unknown_rpc_method,
    RpcOnLegacyClass = "rpc-on-legacy-class" => rpc_on_legacy_class,
    SetTimeoutInDurableObject = "set-timeout-in-durable-object" => set_timeout_in_durable_object,
    SetAlarmWithoutHandler = "set-alarm-without-handler" => set_alarm_without_handler,
    WebsocketAcceptWithoutHibernation = "websocket-accept-without-hibernation" => websocket_accept_without_hibernation,
    MissingWebsocketHandler = "missing-websocket-handler" => missing_websocket_handler,
    HibernationStateLost = "hibernation-state-lost" => hibernation_state_lost,
    OutgoingWebsocket = "outgoing-websocket" => outgoing_websocket,
    ConstructorMissingSuper = "constructor-missing-super" => constructor_missing_super,
    ConstructorUnguardedAsync = "constructor-unguarded-async" => constructor_unguarded_async,
    SqliteApiOnKvClass = "sqlite-api-on-kv-class" => sqlite_api_on_kv_class,
    SqlInjection = "sql-injection" => sql_injection,
    InternalSqlTable = "internal-sql-table" => internal_sql_table,
    SqlTransactionStatement = "sql-transaction-statement" => sql_transaction_statement,
    WebsocketCloseNotReciprocated = "websocket-close-not-reciprocated" => websocket_close_not_reciprocated,
    WebsocketCloseReasonTooLong = "websocket-close-reason-too-long" => websocket_close_reason_too_long,
    DeleteAllKeepsAlarm = "delete-all-keeps-alarm" => delete_all_keeps_alarm,
    TransactionSyncAsync = "transaction-sync-async" => transaction_sync_async,
    InvalidLocationHint = "invalid-location-hint" => invalid_location_hint,
    InvalidJurisdiction = "invalid-jurisdiction" => invalid_jurisdiction,
    LocationHintWithJurisdiction = "location-hint-with-jurisdiction" => location_hint_with_jurisdiction,
    StubFetchRelativeUrl = "stub-fetch-relative-url" => stub_fetch_relative_url,
    InvalidSettings = "invalid-settings" => invalid_settings,
}

impl RuleId {
    /// The rule with this public id.
    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|id| id.as_str() == name)
    }
}

/// Ordered by public id, so that findings sort the same way whatever the catalogue order.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A rule id equals its public name (`finding.rule == "missing-migration"`).
impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// By its public id (the findings cache stores findings; an id this build does not know is an
/// error, and the entry a miss).
impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        RuleId::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown rule id {name}")))
    }
}

/// The metadata of every rule, `unused-suppression` (checked after the others) last.
pub fn all_meta() -> impl Iterator<Item = &'static RuleMeta> {
    RuleId::ALL.iter().map(|id| id.meta())
}

/// The metadata of the rule with this public id.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    RuleId::from_name(name).map(RuleId::meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_consistent() {
        let mut seen = rustc_hash::FxHashSet::default();
        for &id in RuleId::ALL {
            let name = id.as_str();
            assert!(seen.insert(name), "{name} is registered twice");
            assert_eq!(id.meta().id, id, "{name}: its META names another rule");
            assert_eq!(RuleId::from_name(name), Some(id));
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name} is not kebab-case");
        }
        assert_eq!(RULES.len() + 1, RuleId::ALL.len(), "every rule but unused-suppression runs per Worker");
        for (rule, id) in RULES.iter().zip(RuleId::ALL) {
            assert_eq!(rule.meta.id, *id, "RULES and RuleId::ALL are in one order");
        }
        assert_eq!(RuleId::from_name("no-such-rule"), None);
    }
}
