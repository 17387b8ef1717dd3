//! What the platform accepts and does, in one place: rules, completion, hover and navigation all
//! read these tables, and each says where it was checked. It imports only `text` (to match
//! misspelt words).
//!
//! When Cloudflare changes one of these, this file is the one to edit.

pub mod regions;

/// The location hints Durable Objects accept, with the region each names
/// (<https://developers.cloudflare.com/durable-objects/reference/data-location/>, "Provide a
/// location hint"; workers-types `DurableObjectLocationHint`).
pub const LOCATION_HINTS: &[(&str, &str)] = &[
    ("wnam", "Western North America"),
    ("enam", "Eastern North America"),
    ("sam", "South America"),
    ("weur", "Western Europe"),
    ("eeur", "Eastern Europe"),
    ("apac", "Asia-Pacific"),
    ("apac-ne", "Northeast Asia-Pacific"),
    ("apac-se", "Southeast Asia-Pacific"),
    ("oc", "Oceania"),
    ("afr", "Africa"),
    ("me", "Middle East"),
];

/// The jurisdictions a namespace or an id can be restricted to, with what each means (the data
/// location page above, "Restrict Durable Objects to a jurisdiction"; workers-types
/// `DurableObjectJurisdiction`).
pub const JURISDICTIONS: &[(&str, &str)] = &[
    ("eu", "the European Union"),
    ("us", "the United States"),
    ("fedramp", "FedRAMP Moderate authorized data centers (United States)"),
    ("fedramp-high", "FedRAMP High authorized data centers (United States)"),
];

/// The names of a table of `(name, description)` pairs, in order.
pub fn names(table: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    table.iter().map(|(name, _)| *name).collect()
}

/// What a table of `(name, description)` pairs says about `name`.
pub fn describe(table: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// Methods a stub forwards without RPC: `Fetcher.fetch` and `Fetcher.connect` (workerd
/// `src/workerd/api/http.h`, `Fetcher`; they exist at any compatibility date).
pub const NON_RPC_METHODS: &[&str] = &["fetch", "connect"];

/// Names the runtime keeps for itself: the handlers it calls, and the stub's own `dup()`
/// (workerd `src/workerd/api/worker-rpc.c++`: handler names are not callable over RPC).
pub const RESERVED_METHODS: &[&str] =
    &["alarm", "webSocketMessage", "webSocketClose", "webSocketError", "dup", "constructor"];

/// The hibernation WebSocket handlers, each called with the socket first (workers-types
/// `DurableObject`).
pub const WEBSOCKET_HANDLERS: &[&str] = &["webSocketMessage", "webSocketClose", "webSocketError"];

/// The most bytes a WebSocket close reason may have in UTF-8 (RFC 6455 §5.5: a control frame
/// body is at most 125 bytes, 2 of them the code).
pub const WEBSOCKET_CLOSE_REASON_MAX_BYTES: usize = 123;

/// A runtime behaviour that a `compatibility_date` turns on, and the flags that choose it
/// whatever the date (workerd `src/workerd/io/compatibility-date.capnp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompatBehaviour {
    /// The first date with the behaviour on.
    pub since: &'static str,
    /// The flag that turns it on before `since`.
    pub enable_flag: &'static str,
    /// The flag that turns it off from `since` on, when there is one.
    pub disable_flag: Option<&'static str>,
}

/// RPC on a stub (`fetcherRpc`: `$compatEnableFlag("rpc")`, `$compatEnableDate("2024-04-03")`).
pub const RPC: CompatBehaviour = CompatBehaviour { since: "2024-04-03", enable_flag: "rpc", disable_flag: None };

/// `deleteAll()` deletes the alarm too (`deleteAllDeletesAlarm`).
pub const DELETE_ALL_DELETES_ALARM: CompatBehaviour = CompatBehaviour {
    since: "2026-02-24",
    enable_flag: "delete_all_deletes_alarm",
    disable_flag: Some("delete_all_preserves_alarm"),
};

/// `WebSocket.close()` throws on a reason over [`WEBSOCKET_CLOSE_REASON_MAX_BYTES`]
/// (`websocketCloseReasonByteLimit`: `$compatEnableDate("2026-03-03")`).
pub const WEBSOCKET_CLOSE_REASON_BYTE_LIMIT: CompatBehaviour = CompatBehaviour {
    since: "2026-03-03",
    enable_flag: "websocket_close_reason_byte_limit",
    disable_flag: Some("no_websocket_close_reason_byte_limit"),
};

/// The `exports` entry types, with what each declares (wrangler's config schema,
/// `packages/wrangler/src/config/environment.ts`, `exports`).
pub const EXPORT_TYPES: &[(&str, &str)] = &[
    ("durable-object", "a Durable Object class"),
    ("worker", "a Worker entrypoint"),
    ("workflow", "a Workflow class"),
];

/// The states of a `durable-object` `exports` entry, with what each means (same source).
pub const EXPORT_STATES: &[(&str, &str)] = &[
    ("created", "live in this Worker"),
    ("deleted", "deleted: its data is gone"),
    ("renamed", "renamed: `renamed_to` carries its storage on"),
    ("transferred", "moved to another Worker (`transferred_to`)"),
    ("expecting-transfer", "waiting for a transfer in (`transfer_from`)"),
];

/// The storage backends of a `durable-object` `exports` entry (same source).
pub const EXPORT_STORAGES: &[(&str, &str)] =
    &[("sqlite", "SQLite-backed storage"), ("legacy-kv", "the legacy key-value storage")];

/// True when `s` is a name wrangler accepts for a class in `renamed_to` and the like: a plain
/// JavaScript identifier, as wrangler approximates it (`^[A-Za-z_$][A-Za-z0-9_$]*$`).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The keys of a Durable Object binding (wrangler's config schema,
/// `packages/wrangler/src/config/environment.ts`, `DurableObjectBindings`).
pub const DO_BINDING_KEYS: &[&str] = &["name", "class_name", "script_name", "environment", "remote"];

/// The keys of a legacy migration step (same source, `DurableObjectMigration`).
pub const MIGRATION_STEP_KEYS: &[&str] =
    &["tag", "new_sqlite_classes", "new_classes", "renamed_classes", "deleted_classes", "transferred_classes"];

/// Every key of a `durable-object` `exports` entry, whatever its state (same source, `exports`).
pub const EXPORT_DO_KEYS: &[&str] =
    &["type", "state", "storage", "container", "renamed_to", "transferred_to", "transfer_from"];

/// The keys of a `worker` `exports` entry (same source).
pub const EXPORT_WORKER_KEYS: &[&str] = &["type", "cache"];
