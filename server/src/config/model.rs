//! The Worker model read from one wrangler config file: every value with the byte range it came from.
//!
//! The readers (`jsonc`, `toml`) produce a format-neutral [`Value`] tree; [`crate::config::extract`]
//! turns that tree into a [`WorkerConfig`]. Nothing here knows which syntax the file used, except
//! [`ConfigFormat`], which fixes need to write new text in the file's own style.

use crate::text::{Span, Spanned};

/// The syntax of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigFormat {
    /// `wrangler.json` / `wrangler.jsonc`: JSON with comments and trailing commas.
    Jsonc,
    /// `wrangler.toml`.
    Toml,
}

/// A format-neutral value tree with spans, as read (tolerantly) from a config file.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: ValueKind,
    /// The value's text (for a TOML table: from its header or key to its last entry).
    pub span: Span,
}

/// The kinds of config values.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// A string, unescaped.
    String(String),
    /// A number, as written.
    Number(String),
    /// `true` / `false`.
    Bool(bool),
    /// JSON `null`.
    Null,
    /// An array (a TOML array of tables is an array of tables).
    Array(Vec<Value>),
    /// An object / TOML table; keys in file order.
    Object(Vec<Member>),
    /// A value the reader could not read (inside a syntax error), or a TOML date-time.
    Other,
}

/// One `key: value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unquoted, with the span of the key as written (for a dotted TOML key, its last part).
    pub key: Spanned<String>,
    /// The value.
    pub value: Value,
}

/// A syntax error in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub span: Span,
    /// What, in one line (`expected ',' or '}'`).
    pub message: String,
}

/// What was read from one wrangler config file.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// The file's syntax.
    pub format: ConfigFormat,
    /// The value tree (the root object), for rules that validate shapes.
    pub root: Value,
    /// Syntax errors; the rest of the file is read as far as recovery allows.
    pub syntax_errors: Vec<SyntaxError>,
    /// The top level.
    pub top: EnvConfig,
    /// The `env.<name>` sections, in file order.
    pub envs: Vec<NamedEnv>,
    /// True when the config has `build.command` (then `main` may be build output).
    pub has_build_command: bool,
    /// The names in doubt, sorted: every string of a DO binding, migration step or `exports`
    /// entry (its key too) that has a misspelt key. The entry is read as if that key were absent
    /// (never as the key it may mean); its shape rule reports the misspelling, and no other rule
    /// reports about these names until it is fixed (rules.md: one mistake, one finding).
    pub in_doubt: Vec<String>,
    /// True when a DO binding with a misspelt key has no `name` (`nam: "CHAT"`): which names the
    /// Worker binds is not known, so no rule may say a name is unbound until it is fixed.
    pub binding_names_in_doubt: bool,
}

impl WorkerConfig {
    /// True when `name` is in doubt ([`WorkerConfig::in_doubt`]).
    pub fn is_in_doubt(&self, name: &str) -> bool {
        self.in_doubt.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
    }
}

/// An `env.<name>` section.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedEnv {
    /// The environment's name, with the span of its key (`production` in `env.production` or in
    /// `"env": { "production": ... }`).
    pub name: Spanned<String>,
    /// What the section itself declares (not inherited values).
    pub config: EnvConfig,
}

/// What one section (the top level or one env) declares itself. `None` means the key is absent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnvConfig {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `main`.
    pub main: Option<Spanned<String>>,
    /// `compatibility_date`.
    pub compatibility_date: Option<Spanned<String>>,
    /// `compatibility_flags`.
    pub compatibility_flags: Option<Vec<Spanned<String>>>,
    /// `durable_objects` (never inherited by envs).
    pub durable_objects: Option<DurableObjects>,
    /// `migrations` (inherited; an env's own value replaces the top level's).
    pub migrations: Option<Migrations>,
    /// `exports` (inherited like `migrations`).
    pub exports: Option<Exports>,
    /// `containers` (never inherited by envs: wrangler marks it `@nonInheritable`).
    pub containers: Option<Containers>,
    /// Every binding that is not a DO binding (KV, R2, D1, services, vars, ...).
    pub other_bindings: Vec<OtherBinding>,
}

/// `durable_objects`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DurableObjects {
    /// The `durable_objects` value (for a TOML file without that table: from the first
    /// `[[durable_objects.bindings]]` header to the last binding's last entry).
    pub span: Span,
    /// Its `bindings`, in order; entries that are not objects are left out.
    pub bindings: Vec<DoBinding>,
}

/// One `durable_objects.bindings` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DoBinding {
    /// The entry (the object / inline table / `[[...]]` table).
    pub span: Span,
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `class_name`.
    pub class_name: Option<Spanned<String>>,
    /// `script_name`: the class lives in that Worker.
    pub script_name: Option<Spanned<String>>,
    /// `environment` (of `script_name`'s Worker).
    pub environment: Option<Spanned<String>>,
}

impl DoBinding {
    /// True when the class lives in this Worker (no `script_name`).
    pub fn is_local(&self) -> bool {
        self.script_name.is_none()
    }
}

/// `containers`: the Container apps of a section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Containers {
    /// The array value (for TOML `[[containers]]`, from the first header to the last entry).
    pub span: Span,
    /// The entries, in order; entries that are not objects are left out.
    pub apps: Vec<ContainerApp>,
}

/// One `containers` entry. Only the keys the analysis reads are kept; wrangler validates the rest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContainerApp {
    /// The entry.
    pub span: Span,
    /// `name` (what an `exports` entry's `container` refers to).
    pub name: Option<Spanned<String>>,
    /// `class_name`: the Durable Object class the container is attached to.
    pub class_name: Option<Spanned<String>>,
    /// `image`: a Dockerfile path or an image URI.
    pub image: Option<Spanned<String>>,
}

/// The legacy `migrations` array.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Migrations {
    /// The array value (for TOML `[[migrations]]`, from the first header to the last entry).
    pub span: Span,
    /// The steps, in order; entries that are not objects are left out.
    pub steps: Vec<MigrationStep>,
}

/// One migration step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MigrationStep {
    /// The step.
    pub span: Span,
    /// `tag`.
    pub tag: Option<Spanned<String>>,
    /// `new_sqlite_classes`.
    pub new_sqlite_classes: Vec<Spanned<String>>,
    /// `new_classes` (KV storage).
    pub new_classes: Vec<Spanned<String>>,
    /// `renamed_classes`.
    pub renamed_classes: Vec<RenamedClass>,
    /// `deleted_classes`.
    pub deleted_classes: Vec<Spanned<String>>,
    /// `transferred_classes`.
    pub transferred_classes: Vec<TransferredClass>,
}

/// A `renamed_classes` entry `{from, to}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenamedClass {
    /// The entry.
    pub span: Span,
    /// `from`.
    pub from: Option<Spanned<String>>,
    /// `to`.
    pub to: Option<Spanned<String>>,
}

/// A `transferred_classes` entry `{from, from_script, to}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransferredClass {
    /// The entry.
    pub span: Span,
    /// `from`.
    pub from: Option<Spanned<String>>,
    /// `from_script`.
    pub from_script: Option<Spanned<String>>,
    /// `to`.
    pub to: Option<Spanned<String>>,
}

/// The declarative `exports` map.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exports {
    /// The map value.
    pub span: Span,
    /// Its entries, in order (every key, whatever its type).
    pub entries: Vec<ExportEntry>,
}

/// The `type` of an `exports` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportType {
    /// `"durable-object"`.
    DurableObject,
    /// `"worker"`.
    Worker,
    /// `"workflow"` (wrangler >= 4.139).
    Workflow,
    /// Any other string.
    Unknown(String),
    /// No `type` key, or not a string.
    Missing,
}

/// One `exports` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportEntry {
    /// The key (the class name).
    pub key: Spanned<String>,
    /// The entry's value.
    pub span: Span,
    /// `type`.
    pub kind: ExportType,
    /// `state` (absent means `created`).
    pub state: Option<Spanned<String>>,
    /// `storage`.
    pub storage: Option<Spanned<String>>,
    /// `renamed_to`.
    pub renamed_to: Option<Spanned<String>>,
    /// `transferred_to`.
    pub transferred_to: Option<Spanned<String>>,
    /// `transfer_from`.
    pub transfer_from: Option<Spanned<String>>,
    /// `container`: the `name` of the `containers` entry attached to the class.
    pub container: Option<Spanned<String>>,
}

/// A binding other than a DO binding.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherBinding {
    /// The binding's name (for `vars`, the key).
    pub name: Spanned<String>,
    /// What kind of binding it is.
    pub kind: BindingKind,
}

/// Kinds of bindings, by the config key that declares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindingKind {
    /// `kv_namespaces`.
    KvNamespace,
    /// `r2_buckets`.
    R2Bucket,
    /// `d1_databases`.
    D1Database,
    /// `services`.
    Service,
    /// `queues.producers`.
    QueueProducer,
    /// `vars`.
    Var,
    /// `workflows`.
    Workflow,
    /// `ai`.
    Ai,
    /// `analytics_engine_datasets`.
    AnalyticsEngine,
    /// `vectorize`.
    Vectorize,
    /// `hyperdrive`.
    Hyperdrive,
    /// `browser`.
    Browser,
    /// `assets` (its `binding`).
    Assets,
    /// `send_email`.
    SendEmail,
    /// `secrets_store_secrets`.
    SecretsStoreSecret,
    /// `version_metadata`.
    VersionMetadata,
    /// `images`.
    Images,
    /// `rate_limits` / `ratelimits`.
    RateLimit,
    /// `dispatch_namespaces`.
    DispatchNamespace,
    /// `mtls_certificates`.
    MtlsCertificate,
    /// `pipelines`.
    Pipeline,
}

impl BindingKind {
    /// The runtime type of the binding as `wrangler types` names it (`KVNamespace`, `R2Bucket`, ...).
    pub fn type_name(self) -> &'static str {
        match self {
            BindingKind::KvNamespace => "KVNamespace",
            BindingKind::R2Bucket => "R2Bucket",
            BindingKind::D1Database => "D1Database",
            BindingKind::Service => "Fetcher",
            BindingKind::QueueProducer => "Queue",
            BindingKind::Var => "string",
            BindingKind::Workflow => "Workflow",
            BindingKind::Ai => "Ai",
            BindingKind::AnalyticsEngine => "AnalyticsEngineDataset",
            BindingKind::Vectorize => "VectorizeIndex",
            BindingKind::Hyperdrive => "Hyperdrive",
            BindingKind::Browser => "Fetcher",
            BindingKind::Assets => "Fetcher",
            BindingKind::SendEmail => "SendEmail",
            BindingKind::SecretsStoreSecret => "SecretsStoreSecret",
            BindingKind::VersionMetadata => "WorkerVersionMetadata",
            BindingKind::Images => "ImagesBinding",
            BindingKind::RateLimit => "RateLimit",
            BindingKind::DispatchNamespace => "DispatchNamespace",
            BindingKind::MtlsCertificate => "Fetcher",
            BindingKind::Pipeline => "Pipeline",
        }
    }

    /// A short human name (`KV namespace`).
    pub fn describe(self) -> &'static str {
        match self {
            BindingKind::KvNamespace => "KV namespace",
            BindingKind::R2Bucket => "R2 bucket",
            BindingKind::D1Database => "D1 database",
            BindingKind::Service => "service binding",
            BindingKind::QueueProducer => "queue producer",
            BindingKind::Var => "variable",
            BindingKind::Workflow => "workflow",
            BindingKind::Ai => "Workers AI binding",
            BindingKind::AnalyticsEngine => "Analytics Engine dataset",
            BindingKind::Vectorize => "Vectorize index",
            BindingKind::Hyperdrive => "Hyperdrive config",
            BindingKind::Browser => "Browser Rendering binding",
            BindingKind::Assets => "assets binding",
            BindingKind::SendEmail => "send_email binding",
            BindingKind::SecretsStoreSecret => "Secrets Store secret",
            BindingKind::VersionMetadata => "version metadata binding",
            BindingKind::Images => "Images binding",
            BindingKind::RateLimit => "rate limit binding",
            BindingKind::DispatchNamespace => "dispatch namespace",
            BindingKind::MtlsCertificate => "mTLS certificate",
            BindingKind::Pipeline => "pipeline",
        }
    }
}
