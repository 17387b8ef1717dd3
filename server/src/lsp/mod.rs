//! The LSP front end: converts protocol messages and dispatches them to the engine. No rule
//! logic lives here.

pub mod actions;
pub mod convert;
pub mod engine;
pub mod transport;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::analysis::{RuleId, RuleLevel};
use crate::features::completion::{Completion, CompletionKind};
use crate::features::symbols::{OutlineSymbol, SymbolKind};
use crate::features::{self, Target};
use crate::text::position::{IndexedText, LineIndex};
use crate::text::{PositionEncoding, TextChange};
use engine::{EngineHandle, EngineSettings, IndexProgress, Message, Outgoing};

/// Serves LSP over stdio until the client says `exit`.
pub async fn serve_stdio() {
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("durable-lsp/status", Backend::status)
        .custom_method("durable-lsp/graph", Backend::graph)
        .finish();
    // stdin -> filter -> server; server -> frames -> stdout, with the filter's error answers.
    let (frames, queued) = tokio::sync::mpsc::unbounded_channel();
    let writer = tokio::spawn(transport::write_frames(queued, tokio::io::stdout()));
    let (server_input, filtered) = tokio::io::duplex(1 << 16);
    tokio::spawn(transport::filter_messages(tokio::io::stdin(), filtered, frames.downgrade()));
    let (server_output, written) = tokio::io::duplex(1 << 16);
    let forward = transport::forward_server_frames(server_output, frames);
    tokio::join!(Server::new(server_input, written, socket).serve(service), forward);
    // The server is done and its last frames are queued: the writer ends once they are written.
    let _ = writer.await;
}

use crate::index::disk_cache::CacheSetting;

/// Settings from `initializationOptions` or `workspace/didChangeConfiguration`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ClientSettings {
    /// Milliseconds of quiet before analysing.
    debounce_ms: Option<u64>,
    /// Rule id -> `off` | `hint` | `info` | `warning` | `error`.
    rules: std::collections::HashMap<String, String>,
    /// Extra DO base class names.
    #[serde(alias = "durable_object_bases")]
    durable_object_bases: Vec<String>,
    /// Globs of paths never indexed, relative to each workspace folder.
    exclude: Vec<String>,
    /// Inlay hints after `env.X` (the class and its storage): off unless turned on.
    inlay_hints: bool,
    /// The facts cache for the cold index: on unless `false`.
    cache: Option<bool>,
    /// Where the facts cache lives (default: `DURABLE_LSP_CACHE_DIR`, else the user's cache
    /// folder + `durable-lsp`).
    cache_dir: Option<PathBuf>,
}

impl ClientSettings {
    fn from_json(value: Option<serde_json::Value>) -> ClientSettings {
        let Some(mut value) = value else { return ClientSettings::default() };
        // Accept both `{ ... }` and `{ "durableLsp": { ... } }` (VS Code's section style).
        if let Some(inner) = value.get_mut("durableLsp").map(serde_json::Value::take) {
            value = inner;
        }
        serde_json::from_value(value).unwrap_or_else(|err| {
            tracing::warn!("ignoring invalid settings: {err}");
            ClientSettings::default()
        })
    }

    fn engine_settings(&self) -> EngineSettings {
        let mut settings = EngineSettings::default();
        if let Some(ms) = self.debounce_ms {
            settings.debounce = Duration::from_millis(ms.min(5_000));
        }
        for (rule, level) in &self.rules {
            match (RuleId::from_name(rule), RuleLevel::parse(level)) {
                (Some(id), Some(level)) => {
                    settings.overrides.insert(id, level);
                }
                (None, _) => tracing::warn!("durableLsp.rules: `{rule}` is not a rule id"),
                (_, None) => tracing::warn!(
                    "durableLsp.rules.{rule}: `{level}` is not a level (one of {})",
                    RuleLevel::NAMES.join(", ")
                ),
            }
        }
        settings.index.durable_object_bases = self.durable_object_bases.clone();
        let mut globs = globset::GlobSetBuilder::new();
        for pattern in &self.exclude {
            match globset::Glob::new(pattern) {
                Ok(glob) => {
                    globs.add(glob);
                }
                Err(err) => tracing::warn!("ignoring the exclude glob {pattern:?}: {err}"),
            }
        }
        settings.index.exclude = globs.build().unwrap_or_else(|_| globset::GlobSet::empty());
        let cache = match (self.cache, &self.cache_dir) {
            (Some(false), _) => CacheSetting::Off,
            (_, Some(dir)) => CacheSetting::Dir(dir.clone()),
            (_, None) => CacheSetting::Default,
        };
        settings.index.cache = cache.open();
        settings
    }
}

/// The language server.
pub struct Backend {
    client: Client,
    engine: OnceLock<EngineHandle>,
    roots: OnceLock<Vec<PathBuf>>,
    watch_dynamically: OnceLock<bool>,
    encoding: OnceLock<crate::text::PositionEncoding>,
    /// The `inlayHints` setting (off by default).
    inlay_hints: std::sync::atomic::AtomicBool,
}

impl Backend {
    fn new(client: Client) -> Self {
        Backend {
            client,
            engine: OnceLock::new(),
            roots: OnceLock::new(),
            watch_dynamically: OnceLock::new(),
            encoding: OnceLock::new(),
            inlay_hints: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn send(&self, message: Message) {
        match self.engine.get() {
            Some(engine) => engine.send(message),
            None => tracing::warn!("message before initialize: ignored"),
        }
    }

    /// Starts the task that sends the client what the engine computed, in order: diagnostics,
    /// and the cold index's progress as LSP work-done progress when the client supports it
    /// (`window.workDoneProgress`): `window/workDoneProgress/create`, then `$/progress` begin,
    /// a report per batch of files with the counts, end.
    fn start_publisher(&self, work_done_progress: bool) -> tokio::sync::mpsc::UnboundedSender<Outgoing> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Outgoing>();
        let client = self.client.clone();
        tokio::spawn(async move {
            let mut ongoing = None;
            while let Some(out) = rx.recv().await {
                match out {
                    Outgoing::Diagnostics(p) => client.publish_diagnostics(p.uri, p.diagnostics, p.version).await,
                    Outgoing::Progress(_) if !work_done_progress => {}
                    Outgoing::Progress(IndexProgress::Begin { total }) => {
                        let token = lsp::ProgressToken::String("durable-lsp/index".to_string());
                        let created = client
                            .send_request::<lsp::request::WorkDoneProgressCreate>(lsp::WorkDoneProgressCreateParams {
                                token: token.clone(),
                            })
                            .await;
                        if let Err(err) = created {
                            tracing::warn!("no progress shown: {err}");
                            continue;
                        }
                        let progress = client
                            .progress(token, "durable-lsp: indexing")
                            .with_message(format!("0/{total} files"))
                            .with_percentage(0)
                            .begin()
                            .await;
                        ongoing = Some(progress);
                    }
                    Outgoing::Progress(IndexProgress::Report { done, total }) => {
                        if let Some(progress) = &ongoing {
                            let percent = (done * 100).checked_div(total).unwrap_or(100) as u32;
                            progress.report_with_message(format!("{done}/{total} files"), percent).await;
                        }
                    }
                    Outgoing::Progress(IndexProgress::End { workers, files }) => {
                        if let Some(progress) = ongoing.take() {
                            progress.finish_with_message(format!("{workers} Workers, {files} files")).await;
                        }
                    }
                }
            }
        });
        tx
    }
}

/// The answer to `durable-lsp/status`: what the index holds (for status bars and tests).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Workers found.
    pub workers: usize,
    /// Source files indexed.
    pub source_files: usize,
    /// Documents open in the editor.
    pub open_documents: usize,
    /// Current findings.
    pub findings: usize,
}

impl Backend {
    /// `durable-lsp/status`: a snapshot of the index, answered after every change sent before it.
    async fn status(&self) -> Result<Status> {
        let Some(engine) = self.engine.get() else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_request());
        };
        engine
            .query(|ws, analysis| Status {
                workers: ws.workers().count(),
                source_files: ws.source_count(),
                open_documents: ws.open_count(),
                findings: analysis.all().len(),
            })
            .await
            .map_err(internal_error)
    }
}

/// The params of `durable-lsp/graph`: `{}` for every Worker, `{ "uri": ... }` for the Workers
/// of the workspace folder that holds that document.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphParams {
    /// A document: only the Workers of its workspace folder.
    pub uri: Option<lsp::Uri>,
}

/// The answer to `durable-lsp/graph`: the map `durable-lsp graph --format json` prints, with the
/// places an editor opens (URIs, and ranges in the negotiated encoding).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphResult {
    /// Every Worker, by config path.
    pub workers: Vec<GraphWorkerResult>,
}

/// One Worker of the map.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphWorkerResult {
    /// Its `name`, if the config has one.
    pub name: Option<String>,
    /// Its config, relative to the workspace folder.
    pub config: String,
    /// Its config's URI.
    pub uri: Option<lsp::Uri>,
    /// Its Durable Object bindings (top level), in config order.
    pub bindings: Vec<GraphBindingResult>,
    /// Its Durable Object classes.
    pub classes: Vec<GraphClassResult>,
}

/// A Durable Object binding of the map.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphBindingResult {
    /// The binding's name (`env.X`).
    pub name: String,
    /// The class it names.
    pub class: String,
    /// The Worker named by `script_name`, if any.
    pub script: Option<String>,
    /// The `config` of the Worker whose class it reaches; `None` when there is no such Worker.
    pub target: Option<String>,
    /// The range of its `name` value in the Worker's config.
    pub range: lsp::Range,
}

/// A Durable Object class of the map.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphClassResult {
    /// The class name.
    pub name: String,
    /// `sqlite`, `kv`, or `None`.
    pub storage: Option<&'static str>,
    /// `live`, `deleted`, `renamed`, `transferred`, `expecting-transfer`, or `none`.
    pub state: &'static str,
    /// Where it is declared (`path:line`, relative to the workspace folder), when found.
    pub declared: Option<String>,
    /// The URI of the file that declares it, when found.
    pub uri: Option<lsp::Uri>,
    /// The range of its name in that file, when found.
    pub range: Option<lsp::Range>,
}

impl Backend {
    /// `durable-lsp/graph`: the map of the workspace (or of one folder), answered after every
    /// change sent before it.
    async fn graph(&self, params: GraphParams) -> Result<GraphResult> {
        let Some(engine) = self.engine.get() else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_request());
        };
        let encoding = self.encoding.get().copied().unwrap_or_default();
        let file = match &params.uri {
            Some(uri) => match convert::uri_to_path(uri) {
                Some(path) => Some(path),
                None => return Err(tower_lsp_server::jsonrpc::Error::invalid_params("`uri` is not a file URI")),
            },
            None => None,
        };
        engine
            .query(move |ws, _| {
                let map = match &file {
                    Some(file) => features::graph::graph_of_folder(ws, file).unwrap_or_default(),
                    None => features::graph::graph(ws, ws.roots().first().map_or(std::path::Path::new(""), |r| r)),
                };
                graph_result(ws, map, encoding)
            })
            .await
            .map_err(internal_error)
    }
}

/// The map with its places as URIs and LSP ranges (each file's text indexed once).
fn graph_result(ws: &crate::index::Workspace, map: features::graph::Graph, encoding: PositionEncoding) -> GraphResult {
    let mut indexes: std::collections::HashMap<PathBuf, Option<(std::sync::Arc<str>, LineIndex)>> = Default::default();
    let mut range = |path: &std::path::Path, span: crate::text::Span| -> Option<lsp::Range> {
        let entry = indexes.entry(path.to_path_buf()).or_insert_with(|| {
            let text = ws.text(path)?;
            let index = LineIndex::new(&text);
            Some((text, index))
        });
        let (text, index) = entry.as_ref()?;
        Some(convert::range(&IndexedText { text, index }, span, encoding))
    };
    let workers = map
        .workers
        .into_iter()
        .map(|w| GraphWorkerResult {
            uri: convert::path_to_uri(&w.config_path),
            bindings: w
                .bindings
                .into_iter()
                .map(|b| GraphBindingResult {
                    range: range(&w.config_path, b.span).unwrap_or_default(),
                    name: b.name,
                    class: b.class,
                    script: b.script,
                    target: b.target,
                })
                .collect(),
            classes: w
                .classes
                .into_iter()
                .map(|c| {
                    let (uri, range) = match &c.declaration {
                        Some((path, span)) => (convert::path_to_uri(path), range(path, *span)),
                        None => (None, None),
                    };
                    GraphClassResult {
                        name: c.name,
                        storage: c.storage,
                        state: c.state,
                        declared: c.declared,
                        uri,
                        range,
                    }
                })
                .collect(),
            name: w.name,
            config: w.config,
        })
        .collect();
    GraphResult { workers }
}

impl Backend {
    /// Runs a feature on the engine at a document position (converted to a byte offset with the
    /// negotiated encoding). `None` when the engine is not started, or the file is not indexed.
    async fn at_position<T: Send + 'static>(
        &self,
        at: lsp::TextDocumentPositionParams,
        feature: impl FnOnce(&crate::index::Workspace, &std::path::Path, usize, &IndexedText<'_>, PositionEncoding) -> T
            + Send
            + 'static,
    ) -> Result<Option<T>> {
        let Some(engine) = self.engine.get() else { return Ok(None) };
        let Some(path) = convert::uri_to_path(&at.text_document.uri) else { return Ok(None) };
        let encoding = self.encoding.get().copied().unwrap_or_default();
        engine
            .query(move |ws, _| {
                let text = ws.text(&path)?;
                let index = LineIndex::new(&text);
                let lines = IndexedText { text: &text, index: &index };
                let offset = convert::offset(&lines, at.position, encoding);
                Some(feature(ws, &path, offset, &lines, encoding))
            })
            .await
            .map_err(internal_error)
    }
}

/// A completion as LSP sends it: a text edit over the word typed so far.
fn completion_item(lines: &IndexedText<'_>, item: Completion, encoding: PositionEncoding) -> lsp::CompletionItem {
    let kind = match item.kind {
        CompletionKind::Binding => lsp::CompletionItemKind::FIELD,
        CompletionKind::Method => lsp::CompletionItemKind::METHOD,
        CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        CompletionKind::Class => lsp::CompletionItemKind::CLASS,
        CompletionKind::Worker => lsp::CompletionItemKind::MODULE,
        CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
    };
    let format = if item.snippet { lsp::InsertTextFormat::SNIPPET } else { lsp::InsertTextFormat::PLAIN_TEXT };
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value })
        }),
        sort_text: item.sort_text,
        insert_text_format: Some(format),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: convert::range(lines, item.replace, encoding),
            new_text: item.insert_text,
        })),
        ..Default::default()
    }
}

/// Engine targets as LSP locations (each file's text read once per target).
fn locations(ws: &crate::index::Workspace, targets: &[Target], encoding: PositionEncoding) -> Vec<lsp::Location> {
    targets
        .iter()
        .filter_map(|t| {
            let text = ws.text(&t.path)?;
            let index = LineIndex::new(&text);
            let lines = IndexedText { text: &text, index: &index };
            Some(lsp::Location { uri: convert::path_to_uri(&t.path)?, range: convert::range(&lines, t.span, encoding) })
        })
        .collect()
}

/// The LSP kind of a symbol.
fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Worker => lsp::SymbolKind::MODULE,
        SymbolKind::Environment => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Group => lsp::SymbolKind::OBJECT,
        SymbolKind::DoBinding => lsp::SymbolKind::FIELD,
        SymbolKind::Binding => lsp::SymbolKind::VARIABLE,
        SymbolKind::Step => lsp::SymbolKind::EVENT,
        SymbolKind::Export | SymbolKind::Class => lsp::SymbolKind::CLASS,
    }
}

/// A config outline entry as an LSP document symbol.
fn document_symbol(lines: &IndexedText<'_>, symbol: OutlineSymbol, encoding: PositionEncoding) -> lsp::DocumentSymbol {
    let children: Vec<lsp::DocumentSymbol> =
        symbol.children.into_iter().map(|c| document_symbol(lines, c, encoding)).collect();
    #[allow(deprecated)]
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: convert::range(lines, symbol.span, encoding),
        selection_range: convert::range(lines, symbol.selection, encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

/// An error response carrying a refusal for the user to read (LSP's `RequestFailed`).
fn request_failed(message: String) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// `source.fixAll.durable-lsp`: every safe fix of a file at once.
fn fix_all_kind() -> lsp::CodeActionKind {
    lsp::CodeActionKind::new("source.fixAll.durable-lsp")
}

/// An error response for a request that failed inside the engine.
fn internal_error(message: String) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

fn roots_of(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> =
        params.workspace_folders.iter().flatten().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
    #[allow(deprecated)]
    if roots.is_empty() {
        if let Some(root) = params.root_uri.as_ref().and_then(convert::uri_to_path) {
            roots.push(root);
        }
    }
    roots
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        let _ = self.encoding.set(encoding);
        let client_settings = ClientSettings::from_json(params.initialization_options.clone());
        self.inlay_hints.store(client_settings.inlay_hints, std::sync::atomic::Ordering::Relaxed);
        let settings = client_settings.engine_settings();
        let work_done_progress =
            params.capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        let publisher = self.start_publisher(work_done_progress);
        let _ = self.engine.set(EngineHandle::spawn(encoding, settings, publisher));
        let _ = self.roots.set(roots_of(&params));
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let _ = self.watch_dynamically.set(dynamic);
        Ok(lsp::InitializeResult {
            capabilities: lsp::ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    // A save may follow a commit: the configs' git baselines are read again.
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                })),
                completion_provider: Some(lsp::CompletionOptions {
                    trigger_characters: Some([".", "\"", "'"].map(String::from).to_vec()),
                    ..Default::default()
                }),
                hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
                definition_provider: Some(lsp::OneOf::Left(true)),
                references_provider: Some(lsp::OneOf::Left(true)),
                rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
                document_symbol_provider: Some(lsp::OneOf::Left(true)),
                // Answered only when the `inlayHints` setting is on (empty otherwise).
                inlay_hint_provider: Some(lsp::OneOf::Left(true)),
                workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
                // Folders added to or removed from the workspace are indexed or dropped.
                workspace: Some(lsp::WorkspaceServerCapabilities {
                    workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(lsp::OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        fix_all_kind(),
                        lsp::CodeActionKind::new("source.convertMigrations.durable-lsp"),
                    ]),
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                })),
                ..Default::default()
            },
            server_info: Some(lsp::ServerInfo {
                name: "durable-lsp".to_string(),
                version: Some(crate::version::LONG.to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let roots = self.roots.get().cloned().unwrap_or_default();
        self.send(Message::Load { roots });
        if self.watch_dynamically.get().copied().unwrap_or(false) {
            // A request to the client: never awaited inside this notification handler.
            let client = self.client.clone();
            tokio::spawn(async move {
                // `.git/HEAD` and branch refs: a commit or a checkout moves the baseline that
                // `kv-storage-backend` compares configs with.
                let watchers = [
                    "**/wrangler*.{json,jsonc,toml}",
                    "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}",
                    "**/.git/HEAD",
                    "**/.git/refs/heads/**",
                ]
                .into_iter()
                .map(|glob| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(glob.to_string()),
                    kind: None,
                })
                .collect();
                let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
                let registration = lsp::Registration {
                    id: "durable-lsp-watch".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: serde_json::to_value(options).ok(),
                };
                if let Err(err) = client.register_capability(vec![registration]).await {
                    tracing::warn!("file watching not registered: {err}");
                }
            });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.send(Message::Shutdown);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = convert::uri_to_path(&doc.uri) else { return };
        self.send(Message::Open { path, text: doc.text, version: doc.version });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return };
        let changes = params
            .content_changes
            .into_iter()
            .map(|c| TextChange {
                range: c.range.map(|r| (convert::line_col(r.start), convert::line_col(r.end))),
                text: c.text,
            })
            .collect();
        self.send(Message::Change { path, changes, version: params.text_document.version });
    }

    async fn did_save(&self, _: lsp::DidSaveTextDocumentParams) {
        self.send(Message::Saved);
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return };
        self.send(Message::Close { path });
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let folders =
            |list: &[lsp::WorkspaceFolder]| list.iter().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
        let added = folders(&params.event.added);
        let removed = folders(&params.event.removed);
        self.send(Message::Folders { added, removed });
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let paths = params.changes.iter().filter_map(|c| convert::uri_to_path(&c.uri)).collect();
        self.send(Message::Disk { paths });
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        let Some(engine) = self.engine.get() else { return Ok(None) };
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return Ok(None) };
        let encoding = self.encoding.get().copied().unwrap_or_default();
        let only = params.context.only.clone();
        let actions = engine
            .query(move |ws, analysis| {
                actions::code_actions(ws, analysis, &path, params.range, only.as_deref(), encoding)
            })
            .await
            .map_err(internal_error)?;
        Ok(Some(actions))
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position;
        let items = self
            .at_position(at, |ws, path, offset, lines, encoding| {
                let items = features::completion::complete(ws, path, offset);
                items.into_iter().map(|item| completion_item(lines, item, encoding)).collect::<Vec<_>>()
            })
            .await?;
        Ok(items.filter(|i| !i.is_empty()).map(lsp::CompletionResponse::Array))
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let at = params.text_document_position_params;
        let hover = self
            .at_position(at, |ws, path, offset, lines, encoding| {
                let info = features::hover::hover(ws, path, offset)?;
                Some(lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: info.markdown,
                    }),
                    range: Some(convert::range(lines, info.span, encoding)),
                })
            })
            .await?;
        Ok(hover.flatten())
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let targets = self
            .at_position(at, |ws, path, offset, _, encoding| {
                locations(ws, &features::navigation::definition(ws, path, offset), encoding)
            })
            .await?;
        Ok(targets.filter(|t| !t.is_empty()).map(lsp::GotoDefinitionResponse::Array))
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let declaration = params.context.include_declaration;
        let at = params.text_document_position;
        self.at_position(at, move |ws, path, offset, _, encoding| {
            locations(ws, &features::navigation::references(ws, path, offset, declaration), encoding)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let answer = self
            .at_position(params, |ws, path, offset, lines, encoding| {
                let target = features::rename::prepare_rename(ws, path, offset)?;
                Ok(target.map(|t| lsp::PrepareRenameResponse::RangeWithPlaceholder {
                    range: convert::range(lines, t.span, encoding),
                    placeholder: t.name,
                }))
            })
            .await?;
        answer.map_or(Ok(None), |a| a.map_err(request_failed))
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let new_name = params.new_name;
        let answer = self
            .at_position(params.text_document_position, move |ws, path, offset, _, encoding| {
                let edits = features::rename::rename(ws, path, offset, &new_name)?;
                Ok(actions::workspace_edit(ws, &edits, encoding))
            })
            .await?;
        answer.map_or(Ok(None), |a| a.map_err(request_failed))
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let Some(engine) = self.engine.get() else { return Ok(None) };
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return Ok(None) };
        let uri = params.text_document.uri;
        let encoding = self.encoding.get().copied().unwrap_or_default();
        engine
            .query(move |ws, _| {
                let text = ws.text(&path)?;
                let index = LineIndex::new(&text);
                let lines = IndexedText { text: &text, index: &index };
                let lenses = features::code_lens::code_lenses(ws, &path).into_iter().map(|lens| {
                    let range = convert::range(&lines, lens.span, encoding);
                    let references = locations(ws, &lens.references, encoding);
                    let arguments = [
                        serde_json::to_value(&uri),
                        serde_json::to_value(range.start),
                        serde_json::to_value(references),
                    ];
                    lsp::CodeLens {
                        range,
                        command: Some(lsp::Command {
                            title: lens.title,
                            command: "editor.action.showReferences".to_string(),
                            arguments: arguments.into_iter().collect::<std::result::Result<Vec<_>, _>>().ok(),
                        }),
                        data: None,
                    }
                });
                Some(lenses.collect())
            })
            .await
            .map_err(internal_error)
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let Some(engine) = self.engine.get() else { return Ok(None) };
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return Ok(None) };
        let encoding = self.encoding.get().copied().unwrap_or_default();
        engine
            .query(move |ws, _| {
                let symbols = features::symbols::document_symbols(ws, &path)?;
                let text = ws.text(&path)?;
                let index = LineIndex::new(&text);
                let lines = IndexedText { text: &text, index: &index };
                let symbols = symbols.into_iter().map(|s| document_symbol(&lines, s, encoding)).collect();
                Some(lsp::DocumentSymbolResponse::Nested(symbols))
            })
            .await
            .map_err(internal_error)
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let Some(engine) = self.engine.get() else { return Ok(None) };
        let encoding = self.encoding.get().copied().unwrap_or_default();
        engine
            .query(move |ws, _| {
                let found = features::symbols::workspace_symbols(ws, &params.query);
                let symbols = found
                    .into_iter()
                    .filter_map(|s| {
                        let location = locations(ws, std::slice::from_ref(&s.target), encoding).pop()?;
                        Some(lsp::WorkspaceSymbol {
                            name: s.name,
                            kind: symbol_kind(s.kind),
                            tags: None,
                            container_name: s.container,
                            location: lsp::OneOf::Left(location),
                            data: None,
                        })
                    })
                    .collect();
                Some(lsp::WorkspaceSymbolResponse::Nested(symbols))
            })
            .await
            .map_err(internal_error)
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let client_settings = ClientSettings::from_json(Some(params.settings));
        let was = self.inlay_hints.swap(client_settings.inlay_hints, std::sync::atomic::Ordering::Relaxed);
        self.send(Message::Settings(client_settings.engine_settings()));
        if was != client_settings.inlay_hints {
            // A request to the client: never awaited inside this notification handler.
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.inlay_hint_refresh().await {
                    tracing::debug!("inlay hints not refreshed: {err}");
                }
            });
        }
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> Result<Option<Vec<lsp::InlayHint>>> {
        if !self.inlay_hints.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(None);
        }
        let Some(engine) = self.engine.get() else { return Ok(None) };
        let Some(path) = convert::uri_to_path(&params.text_document.uri) else { return Ok(None) };
        let encoding = self.encoding.get().copied().unwrap_or_default();
        let range = params.range;
        engine
            .query(move |ws, _| {
                let text = ws.text(&path)?;
                let index = LineIndex::new(&text);
                let lines = IndexedText { text: &text, index: &index };
                let span = crate::text::Span::new(
                    convert::offset(&lines, range.start, encoding),
                    convert::offset(&lines, range.end, encoding),
                );
                let hints = features::inlay_hints::inlay_hints(ws, &path, span)
                    .into_iter()
                    .map(|h| lsp::InlayHint {
                        position: convert::range(&lines, crate::text::Span::new(h.offset, h.offset), encoding).start,
                        label: lsp::InlayHintLabel::String(h.label),
                        kind: Some(lsp::InlayHintKind::TYPE),
                        text_edits: None,
                        tooltip: Some(lsp::InlayHintTooltip::String(format!(
                            "Durable Object binding `{}`: the class it reaches and its storage",
                            h.binding
                        ))),
                        padding_left: None,
                        padding_right: None,
                        data: None,
                    })
                    .collect();
                Some(hints)
            })
            .await
            .map_err(internal_error)
    }
}
