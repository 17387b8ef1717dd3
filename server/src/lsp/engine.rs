//! The engine thread: the one owner of the index and the findings.
//!
//! Every notification is turned into a [`Message`] and sent here *before* the handler awaits
//! anything, so changes apply in the order the client sent them, whatever order tower-lsp-server
//! runs its handlers in (it runs several at once: tower-lsp #284). The thread applies each change,
//! debounces, re-analyses the Workers the change made dirty, and hands the diagnostics of every
//! affected file, stamped with the document version they were computed from, to one publisher
//! task that sends them in order. Nothing is locked; no state is shared across an `await`.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tower_lsp_server::ls_types as lsp;

use super::convert;
use crate::analysis::{Analysis, SeverityOverrides};
use crate::index::{IndexSettings, Loading, Workspace, REPARSE_BUDGET};
use crate::text::position::LineIndex;
use crate::text::{PositionEncoding, TextChange};
use rustc_hash::FxHashSet;

/// What the engine is asked to do.
pub enum Message {
    /// Index the workspace folders from disk, then analyse everything.
    Load {
        /// Workspace folders.
        roots: Vec<PathBuf>,
    },
    /// `didOpen`.
    Open {
        /// The file.
        path: PathBuf,
        /// Its text in the editor.
        text: String,
        /// Its version.
        version: i32,
    },
    /// `didChange`.
    Change {
        /// The file.
        path: PathBuf,
        /// The changes, in order.
        changes: Vec<TextChange>,
        /// The new version.
        version: i32,
    },
    /// `didSave`: the git baselines of the configs are read again where `HEAD` moved.
    Saved,
    /// `didClose`.
    Close {
        /// The file.
        path: PathBuf,
    },
    /// `didChangeWorkspaceFolders`: folders the editor added to or removed from the workspace.
    Folders {
        /// Folders to index.
        added: Vec<PathBuf>,
        /// Folders to drop.
        removed: Vec<PathBuf>,
    },
    /// `didChangeWatchedFiles`: these files changed on disk.
    Disk {
        /// The files.
        paths: Vec<PathBuf>,
    },
    /// New settings.
    Settings(EngineSettings),
    /// Run a read-only query against the current state (requests).
    Query(QueryFn),
    /// Stop the thread.
    Shutdown,
}

/// A read-only job run on the engine thread.
pub type QueryFn = Box<dyn FnOnce(&Workspace, &Analysis) + Send>;

/// Settings the engine honours.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Quiet time after the last change before analysing.
    pub debounce: Duration,
    /// Rule severity overrides.
    pub overrides: SeverityOverrides,
    /// Index settings.
    pub index: IndexSettings,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            debounce: Duration::from_millis(50),
            overrides: Default::default(),
            index: IndexSettings { reparse_budget: Some(REPARSE_BUDGET), ..Default::default() },
        }
    }
}

/// Diagnostics for one file, ready to publish.
pub struct Publish {
    /// The file.
    pub uri: lsp::Uri,
    /// Its diagnostics (empty clears them).
    pub diagnostics: Vec<lsp::Diagnostic>,
    /// The document version they were computed from, when the file is open.
    pub version: Option<i32>,
}

/// What the engine sends the client, in the order it happened.
pub enum Outgoing {
    /// Diagnostics of one file.
    Diagnostics(Publish),
    /// How far the cold index is (LSP work-done progress).
    Progress(IndexProgress),
}

/// The cold index's progress: files read out of all, then how many Workers it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexProgress {
    /// Reading starts: `total` files were found.
    Begin {
        /// Files to read.
        total: usize,
    },
    /// `done` of `total` files are read.
    Report {
        /// Files read.
        done: usize,
        /// Files to read.
        total: usize,
    },
    /// Everything is read and analysed.
    End {
        /// Workers found.
        workers: usize,
        /// Files read.
        files: usize,
    },
}

/// Sources read per step of the cold index; between steps the engine looks for documents the
/// editor opened (their Workers are read and published first) and reports progress. About a
/// tenth of a second of reading on two cores.
const LOAD_BATCH: usize = 256;

/// A handle to send messages to the engine thread.
#[derive(Clone)]
pub struct EngineHandle {
    sender: mpsc::Sender<Message>,
}

impl EngineHandle {
    /// Starts the engine thread. Diagnostics go to `publish` in the order they are computed.
    pub fn spawn(
        encoding: PositionEncoding,
        settings: EngineSettings,
        publish: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    ) -> Self {
        let (sender, receiver) = mpsc::channel();
        // The semantic model evaluates expressions recursively (to a bounded depth,
        // `sema::MAX_EVAL_DEPTH`): the engine gets the main thread's 8 MiB of stack, not a spawned
        // thread's default 2 MiB.
        let spawned =
            std::thread::Builder::new().name("durable-lsp-engine".into()).stack_size(8 << 20).spawn(move || {
                let mut engine =
                    Engine { ws: Workspace::default(), analysis: Analysis::default(), encoding, settings, publish };
                engine.analysis.overrides = engine.settings.overrides.clone();
                engine.run(receiver);
            });
        if let Err(err) = spawned {
            tracing::error!("cannot start the engine thread: {err}");
        }
        EngineHandle { sender }
    }

    /// Sends a message; a stopped engine drops it (the server is shutting down).
    pub fn send(&self, message: Message) {
        if self.sender.send(message).is_err() {
            tracing::warn!("engine stopped; message dropped");
        }
    }

    /// Runs `f` on the engine thread against the current state and returns its result. A panic
    /// in `f` becomes an error, never a crash.
    pub async fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Workspace, &Analysis) -> T + Send + 'static,
    ) -> Result<T, String> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Message::Query(Box::new(move |ws, analysis| {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(ws, analysis)));
            let _ = tx.send(result.map_err(|_| "internal error: the request handler panicked".to_string()));
        })));
        rx.await.map_err(|_| "the engine stopped".to_string())?
    }
}

/// What the engine does when its deadline passes.
#[derive(Clone, Copy)]
enum Due {
    /// Analyse the dirty Workers and publish (the debounce after changes).
    Analyse,
    /// Finish pending reparses, then analyse (the user paused; see [`SETTLE_AFTER_IDLE`]).
    Settle,
}

/// Quiet time after which the reparses an edit's budget left pending are finished.
const SETTLE_AFTER_IDLE: Duration = Duration::from_millis(250);

struct Engine {
    ws: Workspace,
    analysis: Analysis,
    encoding: PositionEncoding,
    settings: EngineSettings,
    publish: tokio::sync::mpsc::UnboundedSender<Outgoing>,
}

impl Engine {
    fn run(&mut self, receiver: mpsc::Receiver<Message>) {
        let mut deadline: Option<(Instant, Due)> = None;
        // A message taken from the queue while gathering a burst of changes, handled next.
        let mut held: Option<Message> = None;
        // Messages that arrived while the cold index was read, in order, handled before any
        // newer one.
        let mut backlog: std::collections::VecDeque<Message> = std::collections::VecDeque::new();
        loop {
            let message = match (held.take().or_else(|| backlog.pop_front()), deadline) {
                (Some(m), _) => m,
                (None, None) => match receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return,
                },
                (None, Some((at, _))) => match receiver.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(m) => m,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if let Some((_, Due::Settle)) = deadline.take() {
                            self.ws.settle();
                        }
                        self.analyse_and_publish();
                        // Diagnostics of a document whose reparse is pending came from its
                        // edited unit parsed on its own; once the user pauses, from the file.
                        if self.ws.has_pending() {
                            deadline = Some((Instant::now() + SETTLE_AFTER_IDLE, Due::Settle));
                        }
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                },
            };
            // A burst of changes is merged only from the queue, never across the backlog.
            let message = if backlog.is_empty() { coalesce_changes(message, &receiver, &mut held) } else { message };
            if matches!(message, Message::Shutdown) {
                return;
            }
            let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match message {
                Message::Load { roots } => self.load(roots, &receiver, &mut backlog),
                other => self.handle(other),
            }));
            if handled.is_err() {
                tracing::error!("the engine caught a panic while handling a message; it keeps serving");
            }
            if self.ws.has_dirty() {
                let at = Instant::now() + self.settings.debounce;
                deadline = Some(match deadline {
                    Some((earlier, Due::Analyse)) => (earlier.min(at), Due::Analyse),
                    _ => (at, Due::Analyse),
                });
            }
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            // `run` loads (the cold index reads the queue between its steps) and stops.
            Message::Load { .. } => {}
            Message::Open { path, text, version } => {
                // A file outside every folder is served with the Worker of the nearest
                // wrangler config above it.
                if let Some(dir) = self.ws.add_root_for_detached(&path) {
                    tracing::info!(
                        "{} is outside the workspace folders: serving it from {}",
                        path.display(),
                        dir.display()
                    );
                }
                self.ws.open(&path, &text, version)
            }
            Message::Folders { added, removed } => {
                for root in &removed {
                    self.ws.remove_root(root);
                }
                for root in &added {
                    self.ws.add_root(root);
                }
                tracing::info!("workspace folders now: {:?}", self.ws.roots());
            }
            Message::Change { path, changes, version } => {
                if !self.ws.change(&path, &changes, version, self.encoding) {
                    tracing::warn!("didChange for {}, which is not open: ignored", path.display());
                }
            }
            Message::Close { path } => self.ws.close(&path),
            Message::Saved => self.ws.refresh_baselines(),
            Message::Disk { paths } => {
                for path in paths {
                    self.ws.disk_changed(&path);
                }
            }
            Message::Settings(settings) => {
                self.analysis.overrides = settings.overrides.clone();
                self.ws.set_settings(settings.index.clone());
                self.settings = settings;
            }
            Message::Query(f) => {
                // Requests read trees: a pending reparse is finished first.
                self.ws.settle();
                f(&self.ws, &self.analysis)
            }
            Message::Shutdown => {}
        }
    }

    /// The cold index: reads the workspace in batches, reporting progress. Messages that arrive
    /// meanwhile wait in `backlog`, in order; the Workers of documents opened meanwhile are read
    /// first and their diagnostics published before the rest of the workspace is read.
    fn load(
        &mut self,
        roots: Vec<PathBuf>,
        receiver: &mpsc::Receiver<Message>,
        backlog: &mut std::collections::VecDeque<Message>,
    ) {
        let started = Instant::now();
        let mut loading = Loading::start(roots, self.settings.index.clone());
        let (_, total) = loading.progress();
        self.progress(IndexProgress::Begin { total });
        let mut opened: FxHashSet<PathBuf> = FxHashSet::default();
        loop {
            let mut fresh = Vec::new();
            while let Ok(message) = receiver.try_recv() {
                if let Message::Open { path, .. } = &message {
                    if opened.insert(path.clone()) {
                        fresh.push(path.clone());
                    }
                }
                backlog.push_back(message);
            }
            if backlog.iter().any(|m| matches!(m, Message::Shutdown)) {
                return;
            }
            if !fresh.is_empty() {
                let configs = loading.load_workers_of(&fresh);
                self.analysis.use_cache = true;
                let touched = self.analysis.analyse(loading.workspace(), &configs);
                self.analysis.use_cache = false;
                tracing::info!(
                    "the Workers of {} opened files analysed first, {:?} after the start",
                    fresh.len(),
                    started.elapsed()
                );
                publish_files(loading.workspace(), &self.analysis, self.encoding, &self.publish, touched);
            }
            if loading.is_done() {
                break;
            }
            loading.load_batch(LOAD_BATCH);
            let (done, total) = loading.progress();
            self.progress(IndexProgress::Report { done, total });
        }
        self.ws = loading.finish();
        let workers = self.ws.workers().count();
        tracing::info!("indexed {workers} Workers in {:?}", started.elapsed());
        // The first analysis of the whole workspace takes unchanged Workers' findings from the
        // findings cache; the keystrokes after it do not use it.
        self.analysis.use_cache = true;
        self.analyse_and_publish();
        self.analysis.use_cache = false;
        self.progress(IndexProgress::End { workers, files: total });
    }

    fn progress(&self, progress: IndexProgress) {
        let _ = self.publish.send(Outgoing::Progress(progress));
    }

    /// Analyses the dirty Workers and publishes every file whose findings may have changed.
    fn analyse_and_publish(&mut self) {
        let touched = self.analysis.update(&mut self.ws);
        publish_files(&self.ws, &self.analysis, self.encoding, &self.publish, touched);
    }
}

/// Publishes the current findings of each of `paths` (an empty list clears a file's).
fn publish_files(
    ws: &Workspace,
    analysis: &Analysis,
    encoding: PositionEncoding,
    publish: &tokio::sync::mpsc::UnboundedSender<Outgoing>,
    paths: Vec<std::sync::Arc<PathBuf>>,
) {
    for path in paths {
        let Some(uri) = convert::path_to_uri(&path) else { continue };
        let version = ws.open_document(&path).map(|d| d.version);
        let findings = analysis.findings(&path);
        let diagnostics = match ws.text(&path) {
            Some(text) if !findings.is_empty() => {
                let index = LineIndex::new(&text);
                let text_of = |p: &std::path::Path| ws.text(p);
                findings.iter().map(|f| convert::diagnostic(f, &text, &index, encoding, &text_of)).collect()
            }
            _ => Vec::new(),
        };
        let _ = publish.send(Outgoing::Diagnostics(Publish { uri, diagnostics, version }));
    }
}

/// A `Change` and every `Change` to the same document queued right behind it, as one: a burst
/// of keystrokes (or a client replaying thousands of edits) costs one reparse and one facts
/// extraction instead of one per edit. The first other message is left in `held`.
fn coalesce_changes(message: Message, receiver: &mpsc::Receiver<Message>, held: &mut Option<Message>) -> Message {
    let Message::Change { path, mut changes, mut version } = message else { return message };
    while let Ok(next) = receiver.try_recv() {
        match next {
            Message::Change { path: next_path, changes: more, version: next_version } if next_path == path => {
                changes.extend(more);
                version = version.max(next_version);
            }
            other => {
                *held = Some(other);
                break;
            }
        }
    }
    Message::Change { path, changes, version }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_query_is_an_error_and_the_engine_goes_on() {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = EngineHandle::spawn(PositionEncoding::Utf16, EngineSettings::default(), tx);
        let failed: Result<(), String> = engine.query(|_, _| panic!("boom")).await;
        assert!(failed.unwrap_err().contains("panicked"));
        let answered = engine.query(|ws, _| ws.workers().count()).await;
        assert_eq!(answered, Ok(0));
        engine.send(Message::Shutdown);
    }

    /// An engine whose every reparse is left pending (a budget of zero), debouncing 10 ms, on
    /// a Worker with one DO class written to a temp folder; its source's path.
    fn pending_engine(
        dir: &std::path::Path,
    ) -> (EngineHandle, tokio::sync::mpsc::UnboundedReceiver<Outgoing>, PathBuf, &'static str) {
        let config = r#"{ "name": "w", "main": "src/index.ts",
            "durable_objects": { "bindings": [{ "name": "ROOM", "class_name": "Room" }] },
            "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }] }"#;
        let source = "import { DurableObject } from \"cloudflare:workers\";\nexport class Room extends DurableObject {\n  async go() {\n    await this.ctx.storage.put(\"k\", 1);\n  }\n}\nexport default { fetch() { return new Response(); } };\n";
        std::fs::create_dir_all(dir.join("src")).expect("src");
        std::fs::write(dir.join("wrangler.jsonc"), config).expect("config");
        std::fs::write(dir.join("src/index.ts"), source).expect("source");
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut settings = EngineSettings { debounce: Duration::from_millis(10), ..EngineSettings::default() };
        settings.index.reparse_budget = Some(Duration::ZERO);
        let engine = EngineHandle::spawn(PositionEncoding::Utf16, settings, tx);
        engine.send(Message::Load { roots: vec![dir.to_path_buf()] });
        let path = dir.join("src/index.ts");
        engine.send(Message::Open { path: path.clone(), text: source.into(), version: 1 });
        (engine, rx, path, source)
    }

    /// Types `text` at the end of the line of `source` that holds `after`.
    fn typed(path: &std::path::Path, source: &str, after: &str, text: &str, version: i32) -> Message {
        let line = source.lines().position(|l| l.contains(after)).expect("the line") as u32;
        let at =
            crate::text::LineCol { line, character: source.lines().nth(line as usize).map_or(0, |l| l.len() as u32) };
        Message::Change {
            path: path.to_path_buf(),
            changes: vec![TextChange { range: Some((at, at)), text: text.into() }],
            version,
        }
    }

    #[tokio::test]
    async fn requests_see_pending_reparses_settled() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (engine, _rx, path, source) = pending_engine(dir.path());
        engine.send(typed(&path, source, "storage.put", " setTimeout(() => {}, 1);", 2));
        let seen = engine
            .query(move |ws, _| {
                let tree = ws.open_document(&path).and_then(|d| d.document.tree().cloned());
                (ws.has_pending(), tree.is_some_and(|t| !t.root_node().has_error()))
            })
            .await;
        assert_eq!(seen, Ok((false, true)), "no reparse pending, and the tree of the new text");
        engine.send(Message::Shutdown);
    }

    #[tokio::test]
    async fn a_pending_reparse_is_settled_and_published_again_once_the_user_pauses() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (engine, mut rx, path, source) = pending_engine(dir.path());
        engine.send(typed(&path, source, "storage.put", " setTimeout(() => {}, 1);", 2));
        let uri = convert::path_to_uri(&path).expect("a uri");
        // The debounce publishes diagnostics from the facts of the edited member parsed on its
        // own; the pause after it settles the reparse and publishes again.
        let mut published = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while published.len() < 2 {
            let next = tokio::time::timeout_at(deadline, rx.recv()).await.expect("two publications in time");
            let Outgoing::Diagnostics(publish) = next.expect("the engine is running") else { continue };
            if publish.uri == uri && publish.version == Some(2) {
                let rules: Vec<String> =
                    publish.diagnostics.iter().filter_map(|d| d.code.as_ref()).map(|c| format!("{c:?}")).collect();
                published.push(rules);
            }
        }
        assert_eq!(published[0], published[1], "the same diagnostics before and after the reparse");
        assert!(published[0].iter().any(|c| c.contains("set-timeout-in-durable-object")), "{published:?}");
        let pending = engine.query(|ws, _| ws.has_pending()).await;
        assert_eq!(pending, Ok(false));
        engine.send(Message::Shutdown);
    }

    fn change(path: &str, text: &str, version: i32) -> Message {
        Message::Change {
            path: PathBuf::from(path),
            changes: vec![TextChange { range: None, text: text.into() }],
            version,
        }
    }

    #[test]
    fn queued_changes_to_one_document_become_one() {
        let (tx, rx) = mpsc::channel();
        for (text, version) in [("b", 3), ("c", 2)] {
            let _ = tx.send(change("/a.ts", text, version));
        }
        let _ = tx.send(change("/other.ts", "x", 9));
        let _ = tx.send(change("/a.ts", "d", 4));
        let mut held = None;
        let merged = coalesce_changes(change("/a.ts", "a", 1), &rx, &mut held);
        let Message::Change { path, changes, version } = merged else { panic!("not a change") };
        assert_eq!(path, PathBuf::from("/a.ts"));
        assert_eq!(changes.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(version, 3, "the highest version, as applying them one by one keeps");
        assert!(matches!(held, Some(Message::Change { ref path, .. }) if path == &PathBuf::from("/other.ts")));
        // The change behind the other document's is not merged across it: order is kept.
        assert!(matches!(rx.try_recv(), Ok(Message::Change { version: 4, .. })));
    }
}
