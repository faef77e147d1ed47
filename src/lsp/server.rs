//! The protocol side: lifecycle, document sync, diagnostics publishing,
//! workspace indexing and one short handler per request (`from_proto` →
//! an `ide` query → `to_proto`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::Notification as _;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::capabilities::{
    code_action_provider, execute_command_provider, offered_encodings, rename_provider,
    ActionShape, ClientFlags, SymbolShape,
};
use super::code_actions::{code_actions, command_edit, request_failed, shape_actions};
use super::convert::{self, Encoding, Lines};
use super::entities;
use super::outline;
use super::state::{Published, State};
use super::to_proto;
use super::transport::Outbox;
use super::wire::{self, Payload};
use bulletin_core::config::{ConfigFile, CONFIG_FILE_NAME, ENTITIES_FILE_NAME};
use bulletin_core::ide::IndexedFile;
use bulletin_core::ide::{self, Document, Snapshot};

/// Changes closer together than this are a burst (a paste, an editor's
/// multi-cursor edit, fast typing): diagnostics wait until the burst is
/// over. A change after a quiet spell is published at once.
const DEBOUNCE: Duration = Duration::from_millis(3);

/// What a query's conversion needs of the protocol session.
#[derive(Clone, Copy)]
struct Session {
    encoding: Encoding,
}

pub struct Backend {
    client: Client,
    /// Messages serialised here rather than by tower-lsp (published diagnostics).
    outbox: Outbox,
    state: Arc<Mutex<State>>,
    /// Serialises publishing, so an older result never overtakes a newer one.
    publish_lock: Arc<tokio::sync::Mutex<()>>,
    shut_down: Arc<AtomicBool>,
    level: tracing::Level,
    capabilities: Mutex<ClientFlags>,
    /// Entity files that have diagnostics published, to clear them once fixed.
    entity_files: Mutex<Vec<Uri>>,
    /// When the last change arrived, to tell a burst from a lone keystroke.
    last_change: Mutex<Option<std::time::Instant>>,
}

/// Semantic tokens sent under a result id, kept for delta requests.
type ResultTokens = (String, Vec<SemanticToken>);

/// A document's tokens under a new result id, and those sent before.
struct TokensUpdate {
    result_id: String,
    tokens: Vec<SemanticToken>,
    previous: Option<ResultTokens>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `work`, turning a panic into `None` (logged) so it never reaches the client.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(value) => Some(value),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            tracing::error!("internal error in {what}: {message}");
            None
        }
    }
}

fn internal(what: &str) -> Error {
    let mut error = Error::internal_error();
    error.message = format!("internal error in {what}").into();
    error
}

impl Backend {
    pub fn new(
        client: Client,
        outbox: Outbox,
        level: tracing::Level,
        shut_down: Arc<AtomicBool>,
    ) -> Backend {
        Backend {
            client,
            outbox,
            state: Arc::new(Mutex::new(State::default())),
            publish_lock: Arc::new(tokio::sync::Mutex::new(())),
            shut_down,
            level,
            capabilities: Mutex::new(ClientFlags::default()),
            entity_files: Mutex::new(Vec::new()),
            last_change: Mutex::new(None),
        }
    }

    fn flags(&self) -> ClientFlags {
        self.capabilities
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Logs to stderr and, at the configured level, to the client's log.
    async fn log(&self, level: tracing::Level, message: String) {
        log_to(&self.client, self.level, level, message).await;
    }

    /// Runs `work` on the state with a refreshed open document.
    fn with_document<T>(
        &self,
        uri: &Uri,
        what: &str,
        work: impl FnOnce(&State, &Document) -> T,
    ) -> Result<Option<T>> {
        let mut state = lock(&self.state);
        let state = &mut *state;
        let refreshed = guarded(what, || state.workspace.refresh(uri).is_some())
            .ok_or_else(|| internal(what))?;
        let Some(document) = state.workspace.document(uri).filter(|_| refreshed) else {
            return Ok(None);
        };
        guarded(what, || work(state, document))
            .map(Some)
            .ok_or_else(|| internal(what))
    }

    /// Runs a workspace-wide query on a snapshot (every open document
    /// refreshed); `None` from `work` is the protocol's `null`.
    fn with_snapshot<T>(
        &self,
        what: &str,
        work: impl FnOnce(Session, &Snapshot<'_, Uri>) -> Option<T>,
    ) -> Result<Option<T>> {
        let mut state = lock(&self.state);
        let session = Session {
            encoding: state.encoding,
        };
        guarded(what, || work(session, &state.workspace.snapshot())).ok_or_else(|| internal(what))
    }

    /// Publishes the problems of `entities.toml` (and `[entities]` in
    /// `bulletin.toml`) on those files, clearing files that have none left.
    async fn publish_entity_problems(&self) {
        let published = {
            let state = lock(&self.state);
            guarded("entities.toml diagnostics", || {
                entities::config_diagnostics(state.workspace.config(), state.encoding)
            })
            .unwrap_or_default()
        };
        let stale: Vec<Uri> = {
            let mut files = self
                .entity_files
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let stale = files
                .iter()
                .filter(|uri| !published.iter().any(|(now, _)| now == *uri))
                .cloned()
                .collect();
            *files = published.iter().map(|(uri, _)| uri.clone()).collect();
            stale
        };
        for uri in stale {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
        for (uri, diagnostics) in published {
            self.client
                .publish_diagnostics(uri, diagnostics, None)
                .await;
        }
    }

    /// `bulletin.toml` or `entities.toml` changed: reload, re-read the index
    /// (analysed with the old configuration) and publish.
    /// Judges the whole workspace again after its configuration changed
    /// (`bulletin.toml` or `entities.toml` on disk, or the editor's
    /// settings): the file set may have changed (`include`), and so may
    /// every file's findings, opened or not.
    async fn rejudge_workspace(&self) {
        let before = lock(&self.state).workspace.config().clone();
        self.reload_config().await;
        let (changed, include_changed) = {
            let state = lock(&self.state);
            (
                *state.workspace.config() != before,
                state.workspace.config().include != before.include
                    || state.workspace.config().baseline != before.baseline,
            )
        };
        // Settings that arrive unchanged (the answer to the server's own
        // `workspace/configuration` after `initialized`) cost nothing.
        if changed {
            self.index_workspace().await;
        }
        if include_changed {
            self.register_watchers().await;
        }
        self.publish_entity_problems().await;
    }

    /// The document's tokens under a new result id, remembered for the next
    /// delta request; also returns what was remembered before.
    fn whole_document_tokens(&self, uri: Uri) -> Result<Option<TokensUpdate>> {
        let tokens = self.with_document(&uri, "semanticTokens", |state, document| {
            let tokens = ide::semantic_tokens::semantic_tokens(document, None);
            to_proto::semantic_tokens(document, &tokens, state.encoding)
        })?;
        let Some(tokens) = tokens else {
            return Ok(None);
        };
        let mut state = lock(&self.state);
        state.next_result_id += 1;
        let result_id = state.next_result_id.to_string();
        let previous = state
            .semantic
            .insert(uri, (result_id.clone(), tokens.clone()));
        Ok(Some(TokensUpdate {
            result_id,
            tokens,
            previous,
        }))
    }

    fn schedule_diagnostics(&self, uri: Uri, version: i32) {
        let task = Publisher {
            client: self.client.clone(),
            outbox: self.outbox.clone(),
            state: Arc::clone(&self.state),
            publish_lock: Arc::clone(&self.publish_lock),
            flags: self.flags(),
        };
        let now = std::time::Instant::now();
        let previous = self
            .last_change
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .replace(now);
        let in_burst = previous.is_some_and(|previous| now - previous < DEBOUNCE);
        tokio::spawn(async move {
            if in_burst {
                // Published only if no later change arrives meanwhile.
                tokio::time::sleep(DEBOUNCE).await;
            }
            task.publish(Some((uri, version))).await;
        });
    }

    async fn publish_all(&self) {
        Publisher {
            client: self.client.clone(),
            outbox: self.outbox.clone(),
            state: Arc::clone(&self.state),
            publish_lock: Arc::clone(&self.publish_lock),
            flags: self.flags(),
        }
        .publish(None)
        .await;
    }

    async fn pull_settings(&self) {
        if !self.flags().configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("bulletin".to_string()),
        }];
        match self.client.configuration(items).await {
            Ok(values) => {
                let value = values.into_iter().next();
                apply_settings(&mut lock(&self.state), value);
            }
            Err(err) => {
                self.log(
                    tracing::Level::WARN,
                    format!("workspace/configuration failed: {err}"),
                )
                .await
            }
        }
    }

    async fn reload_config(&self) {
        let mut problems = lock(&self.state).workspace.reload_config();
        // The baseline `bulletin check` would use (`baseline = "…"`),
        // unless the editor's settings ask to see every finding.
        let wanted = {
            let state = lock(&self.state);
            state
                .workspace
                .config()
                .baseline
                .clone()
                .filter(|_| !state.show_baselined)
        };
        let baseline = wanted.and_then(|path| {
            crate::cli::baseline::load(&path)
                .map_err(|err| problems.push(format!("{err:#}")))
                .ok()
        });
        lock(&self.state).workspace.set_baseline(baseline);
        for problem in problems {
            self.log(tracing::Level::ERROR, problem.clone()).await;
            self.client.show_message(MessageType::ERROR, problem).await;
        }
    }

    /// Reads every `*.bulletin` file of the workspace, reporting progress.
    async fn index_workspace(&self) {
        let (roots, config) = {
            let state = lock(&self.state);
            (
                state.workspace.roots().to_vec(),
                state.workspace.config().clone(),
            )
        };
        if roots.is_empty() {
            return;
        }
        let token = NumberOrString::String("bulletin/index".to_string());
        let progress = if self.flags().work_done_progress
            && self
                .client
                .create_work_done_progress(token.clone())
                .await
                .is_ok()
        {
            Some(
                self.client
                    .progress(token, "Indexing bulletin files")
                    .with_percentage(0)
                    .begin()
                    .await,
            )
        } else {
            None
        };
        let walk_roots = roots.clone();
        let walk_config = config.clone();
        let paths = tokio::task::spawn_blocking(move || {
            // The same discovery as `bulletin check` (`*.bulletin` and the
            // `include` globs of the configuration in force, `.gitignore`
            // honoured).
            bulletin_core::discovery::collect(&walk_roots, Some(&walk_config))
                .map(|collected| collected.files)
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default();
        // Files no longer wanted (an `include` glob removed) leave the index.
        lock(&self.state)
            .workspace
            .retain_disk_files(|path| paths.binary_search(&path.to_path_buf()).is_ok());
        let total = paths.len().max(1);
        for (done, path) in paths.into_iter().enumerate() {
            let read_config = config.clone();
            let read_path = path.clone();
            let indexed = tokio::task::spawn_blocking(move || {
                guarded("indexing", || IndexedFile::read(&read_path, &read_config)).flatten()
            })
            .await
            .ok()
            .flatten();
            if let (Some(file), Some(uri)) = (indexed, Uri::from_file_path(&path)) {
                lock(&self.state).workspace.set_disk_file(uri, file);
            }
            if let Some(progress) = &progress {
                progress
                    .report_with_message(
                        format!("{}/{}", done + 1, total),
                        ((done + 1) * 100 / total) as u32,
                    )
                    .await;
            }
        }
        if let Some(progress) = progress {
            progress.finish_with_message("Indexed").await;
        }
        let count = lock(&self.state).workspace.disk_file_count();
        self.log(
            tracing::Level::INFO,
            format!("indexed {count} bulletin files"),
        )
        .await;
        self.publish_all().await;
    }

    async fn register_watchers(&self) {
        if !self.flags().watch_registration {
            return;
        }
        // The archive's files as discovery finds them: `*.bulletin` and
        // the `include` globs, plus the configuration files and the baseline.
        let (include, baseline) = {
            let state = lock(&self.state);
            let config = state.workspace.config();
            let baseline = config
                .baseline
                .as_ref()
                .and_then(|path| path.file_name())
                .map(|name| name.to_string_lossy().into_owned());
            (config.include.clone(), baseline)
        };
        let globs = ["*.bulletin", CONFIG_FILE_NAME, ENTITIES_FILE_NAME]
            .into_iter()
            .map(str::to_string)
            .chain(include)
            .chain(baseline);
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: globs
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{glob}")),
                    kind: None,
                })
                .collect(),
        };
        // Registered again when `include` changes: drop the old set first.
        let _ = self
            .client
            .unregister_capability(vec![Unregistration {
                id: "bulletin-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
            }])
            .await;
        let registration = Registration {
            id: "bulletin-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(err) = self.client.register_capability(vec![registration]).await {
            self.log(
                tracing::Level::WARN,
                format!("cannot register file watchers: {err}"),
            )
            .await;
        }
    }
}

/// The editor-only setting that shows the findings a baseline records
/// (by default the editor hides them, as CI does).
const SHOW_BASELINED: &str = "showBaselined";

/// Applies the editor's `bulletin` settings: `showBaselined`, and the rest
/// as a configuration file's contents (or why they cannot be read).
fn apply_settings(state: &mut State, value: Option<Value>) {
    let mut value = value.filter(|value| !value.is_null());
    state.show_baselined = value
        .as_mut()
        .and_then(Value::as_object_mut)
        .and_then(|settings| settings.remove(SHOW_BASELINED))
        .and_then(|show| show.as_bool())
        .unwrap_or(false);
    let settings = value
        .map(|value| serde_json::from_value::<ConfigFile>(value).map_err(|err| err.to_string()));
    state.workspace.set_settings(settings);
}

async fn log_to(client: &Client, max: tracing::Level, level: tracing::Level, message: String) {
    match level {
        tracing::Level::ERROR => tracing::error!("{message}"),
        tracing::Level::WARN => tracing::warn!("{message}"),
        tracing::Level::INFO => tracing::info!("{message}"),
        _ => tracing::debug!("{message}"),
    }
    // tracing::Level orders ERROR < WARN < INFO < DEBUG < TRACE by verbosity (ERROR is "max").
    if level <= max {
        let kind = match level {
            tracing::Level::ERROR => MessageType::ERROR,
            tracing::Level::WARN => MessageType::WARNING,
            tracing::Level::INFO => MessageType::INFO,
            _ => MessageType::LOG,
        };
        client.log_message(kind, message).await;
    }
}

/// Computes and pushes diagnostics; shared by the debounced task and bulk refreshes.
struct Publisher {
    client: Client,
    outbox: Outbox,
    state: Arc<Mutex<State>>,
    publish_lock: Arc<tokio::sync::Mutex<()>>,
    flags: ClientFlags,
}

/// `result`, or a cheap stand-in when `wire` took the result's bytes to
/// send instead (large replies skip tower-lsp's `serde_json::Value`).
fn direct<T: serde::Serialize>(result: T, stand_in: impl FnOnce() -> T) -> T {
    if wire::reply_directly(&result) {
        stand_in()
    } else {
        result
    }
}

impl Publisher {
    /// Publishes for every open document whose diagnostics changed. With
    /// `only_if_current`, does nothing unless that document is still at that version.
    async fn publish(&self, only_if_current: Option<(Uri, i32)>) {
        let _serial = self.publish_lock.lock().await;
        let batch = {
            let mut state = lock(&self.state);
            if let Some((uri, version)) = &only_if_current {
                if state.workspace.version(uri) != Some(*version) {
                    return; // a newer change has its own task
                }
            }
            guarded("diagnostics", || {
                state.workspace.update_all();
                let all = state.workspace.all_diagnostics();
                let files = state.workspace.files_fingerprint();
                let mut batch = Vec::new();
                for (uri, diagnostics) in all {
                    let Some(version) = state.workspace.version(&uri) else {
                        continue;
                    };
                    let is_target = only_if_current.as_ref().is_some_and(|(u, _)| *u == uri);
                    // The LSP form is a function of the document's text (its
                    // version), the file list (related locations) and the core
                    // diagnostics: compare those, not converted lists.
                    let sent = Published {
                        version,
                        files,
                        diagnostics,
                    };
                    if !is_target && state.published.get(&uri) == Some(&sent) {
                        continue;
                    }
                    // Pulling clients ask for the list themselves.
                    let json = if self.flags.pull_diagnostics {
                        None
                    } else {
                        state.publish_json(&uri, &sent.diagnostics, version)
                    };
                    state.published.insert(uri.clone(), sent);
                    batch.push((uri, json));
                }
                batch
            })
        };
        let batch = batch.unwrap_or_default();
        if self.flags.pull_diagnostics {
            // The client re-pulls the document it edited by itself; other
            // documents whose findings changed (cross-file rules) need a refresh.
            let edited = only_if_current.as_ref().map(|(uri, _)| uri);
            let others_changed = batch.iter().any(|(uri, _)| Some(uri) != edited);
            if others_changed && self.flags.diagnostic_refresh {
                let _ = self.client.workspace_diagnostic_refresh().await;
            }
            return;
        }
        let mut outbox = self.outbox.clone();
        for json in batch.into_iter().filter_map(|(_, json)| json) {
            let params = Payload::from_pieces(vec![json]);
            if !outbox
                .notify(notification::PublishDiagnostics::METHOD, params)
                .await
            {
                return; // the connection is gone
            }
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate(offered_encodings(&params));
        let mut roots: Vec<std::path::PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| folder.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(path) = params.root_uri.as_ref().and_then(|uri| uri.to_file_path()) {
                roots.push(path.into_owned());
            }
        }
        let flags = ClientFlags::from_capabilities(&params.capabilities);
        *self
            .capabilities
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = flags.clone();
        let settings = params
            .initialization_options
            .as_ref()
            .and_then(|options| options.get("bulletin").cloned().or(Some(options.clone())))
            .filter(|value| value.is_object());
        {
            let mut state = lock(&self.state);
            state.encoding = encoding;
            state.diagnostic_fields = flags.diagnostic_fields;
            state.workspace.set_roots(roots);
            apply_settings(&mut state, settings);
        }
        self.reload_config().await;
        let token_options = SemanticTokensOptions {
            work_done_progress_options: WorkDoneProgressOptions::default(),
            legend: to_proto::legend(),
            range: Some(true),
            full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
        };
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(token_options),
                ),
                inlay_hint_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![" ".to_string(), "(".to_string()]),
                    ..CompletionOptions::default()
                }),
                code_action_provider: code_action_provider(flags.code_actions),
                execute_command_provider: execute_command_provider(flags.apply_edit),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                rename_provider: Some(rename_provider(flags.prepare_rename)),
                diagnostic_provider: flags.pull_diagnostics.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("bulletin".to_string()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: true,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "bulletin".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.log(
            tracing::Level::INFO,
            "bulletin language server ready".to_string(),
        )
        .await;
        self.register_watchers().await;
        if self.flags().configuration {
            self.pull_settings().await;
            self.reload_config().await;
        }
        self.publish_entity_problems().await;
        self.index_workspace().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let version = document.version;
        let uri = document.uri.clone();
        let opened = guarded("didOpen", || {
            // The open document shadows its disk copy (not kept twice).
            lock(&self.state)
                .workspace
                .open(uri.clone(), document.text, version)
        });
        if opened.is_some() {
            self.schedule_diagnostics(uri, version);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        // Applied synchronously, before any later request can read the document.
        let applied = {
            let mut state = lock(&self.state);
            let encoding = state.encoding;
            let changes = params
                .content_changes
                .into_iter()
                .map(convert::from_change)
                .collect();
            guarded("didChange", || {
                state.workspace.edit(&uri, changes, version, encoding)
            })
            .unwrap_or(false)
        };
        if applied {
            self.schedule_diagnostics(uri, version);
        } else {
            self.log(
                tracing::Level::WARN,
                format!(
                    "didChange for a document that is not open: {}",
                    uri.as_str()
                ),
            )
            .await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = lock(&self.state);
            state.workspace.close(&uri);
            state.semantic.remove(&uri);
            state.published.remove(&uri);
        }
        // Its disk copy takes its place in the workspace index again.
        let reread = {
            let state = lock(&self.state);
            uri.to_file_path()
                .map(|path| path.into_owned())
                .filter(|path| state.workspace.wants(path))
                .map(|path| (path, state.workspace.config().clone()))
        };
        if let Some((path, config)) = reread {
            let read = tokio::task::spawn_blocking(move || {
                guarded("indexing", || IndexedFile::read(&path, &config)).flatten()
            })
            .await
            .ok()
            .flatten();
            if let Some(file) = read {
                lock(&self.state).workspace.set_disk_file(uri.clone(), file);
            }
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
        self.publish_all().await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let pushed = match params.settings {
            Value::Object(map) if map.contains_key("bulletin") => map.get("bulletin").cloned(),
            Value::Null => None,
            other if other.as_object().is_some_and(|o| !o.is_empty()) => Some(other),
            _ => None,
        };
        match pushed {
            Some(settings) => apply_settings(&mut lock(&self.state), Some(settings)),
            None => self.pull_settings().await,
        }
        self.rejudge_workspace().await;
        self.publish_all().await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        for change in params.changes {
            let Some(path) = change.uri.to_file_path().map(|p| p.into_owned()) else {
                continue;
            };
            let is_baseline =
                lock(&self.state).workspace.config().baseline.as_deref() == Some(path.as_path());
            if is_baseline
                || path
                    .file_name()
                    .is_some_and(|name| name == CONFIG_FILE_NAME || name == ENTITIES_FILE_NAME)
            {
                config_changed = true;
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                lock(&self.state).workspace.remove(&change.uri);
                continue;
            }
            let (wanted, config) = {
                let state = lock(&self.state);
                (
                    state.workspace.wants(&path),
                    state.workspace.config().clone(),
                )
            };
            if !wanted {
                continue;
            }
            let read = tokio::task::spawn_blocking(move || {
                guarded("indexing", || IndexedFile::read(&path, &config)).flatten()
            })
            .await
            .ok()
            .flatten();
            if let Some(file) = read {
                lock(&self.state).workspace.set_disk_file(change.uri, file);
            }
        }
        if config_changed {
            self.rejudge_workspace().await;
        }
        self.publish_all().await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let is_config = params.text_document.uri.to_file_path().is_some_and(|path| {
            path.file_name()
                .is_some_and(|name| name == CONFIG_FILE_NAME || name == ENTITIES_FILE_NAME)
        });
        if is_config {
            self.rejudge_workspace().await;
            self.publish_all().await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri;
        let markup = to_proto::markup(&self.flags().hover_format);
        self.with_snapshot("hover", |state, snapshot| {
            let document = snapshot.document(&uri)?;
            let offset = document
                .rope
                .offset(convert::from_position(at.position), state.encoding);
            let found = ide::hover::hover(snapshot, &uri, offset, markup)?;
            Some(to_proto::hover(found, markup, document, state.encoding))
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let shape = self.flags().document_symbols;
        self.with_document(&uri, "documentSymbol", |state, document| match shape {
            SymbolShape::Hierarchical => {
                if wire::reply_directly_json(|| {
                    outline::document_symbols_json(document, state.encoding)
                }) {
                    return DocumentSymbolResponse::Nested(Vec::new());
                }
                DocumentSymbolResponse::Nested(outline::document_symbols(document, state.encoding))
            }
            SymbolShape::HierarchicalBaseKinds => {
                let mut symbols = outline::document_symbols(document, state.encoding);
                outline::with_base_kinds(&mut symbols);
                DocumentSymbolResponse::Nested(symbols)
            }
            SymbolShape::Flat { base_kinds } => {
                let mut symbols = outline::document_symbols(document, state.encoding);
                if base_kinds {
                    outline::with_base_kinds(&mut symbols);
                }
                DocumentSymbolResponse::Flat(outline::flat_symbols(symbols, &uri))
            }
        })
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let base_kinds = !self.flags().workspace_symbol_kinds;
        self.with_snapshot("workspace/symbol", |state, snapshot| {
            let symbols = ide::symbols::workspace_symbols(snapshot, &params.query)
                .into_iter()
                .filter_map(|symbol| {
                    to_proto::workspace_symbol(state.encoding, snapshot, symbol, base_kinds)
                })
                .collect();
            Some(WorkspaceSymbolResponse::Flat(symbols))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let flags = self.flags();
        self.with_document(&params.text_document.uri, "foldingRange", |_, document| {
            let limit = flags.folding_range_limit.map_or(usize::MAX, |limit| {
                usize::try_from(limit).unwrap_or(usize::MAX)
            });
            ide::folding::folding_ranges(document)
                .into_iter()
                .take(limit)
                .map(|fold| to_proto::folding_range(fold, flags.collapsed_text))
                .collect()
        })
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        self.with_document(
            &params.text_document.uri,
            "selectionRange",
            |state, document| {
                params
                    .positions
                    .iter()
                    .map(|position| {
                        let offset = document
                            .rope
                            .offset(convert::from_position(*position), state.encoding);
                        let chain = ide::selection::enclosing_ranges(document, offset);
                        to_proto::selection_range(document, &chain, offset, state.encoding)
                    })
                    .collect()
            },
        )
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(TokensUpdate {
            result_id, tokens, ..
        }) = self.whole_document_tokens(params.text_document.uri)?
        else {
            return Ok(None);
        };
        let result = SemanticTokensResult::Tokens(SemanticTokens {
            result_id: Some(result_id),
            data: tokens,
        });
        Ok(Some(direct(result, || {
            SemanticTokensResult::Tokens(SemanticTokens::default())
        })))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        let Some(TokensUpdate {
            result_id,
            tokens,
            previous,
        }) = self.whole_document_tokens(params.text_document.uri)?
        else {
            return Ok(None);
        };
        Ok(Some(match previous {
            Some((id, old)) if id == params.previous_result_id => {
                SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
                    result_id: Some(result_id),
                    edits: to_proto::token_delta(&old, &tokens),
                })
            }
            _ => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
                result_id: Some(result_id),
                data: tokens,
            }),
        }))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let tokens = self.with_document(
            &params.text_document.uri,
            "semanticTokens",
            |state, document| {
                let within = document
                    .rope
                    .text_range(convert::from_range(params.range), state.encoding);
                let tokens = ide::semantic_tokens::semantic_tokens(document, Some(within));
                to_proto::semantic_tokens(document, &tokens, state.encoding)
            },
        )?;
        Ok(tokens.map(|data| {
            SemanticTokensRangeResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            })
        }))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.with_document(&params.text_document.uri, "inlayHint", |state, document| {
            let within = document
                .rope
                .text_range(convert::from_range(params.range), state.encoding);
            ide::inlay_hints::inlay_hints(document, within)
                .into_iter()
                .map(|hint| to_proto::inlay_hint(document, hint, state.encoding))
                .collect()
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let base_kinds = !self.flags().completion_kinds;
        Ok(self
            .with_document(&at.text_document.uri, "completion", |state, document| {
                let offset = document
                    .rope
                    .offset(convert::from_position(at.position), state.encoding);
                ide::completion::completion(document, state.workspace.config(), offset)
                    .into_iter()
                    .map(|item| to_proto::completion_item(item, base_kinds))
                    .collect::<Vec<_>>()
            })?
            .filter(|items| !items.is_empty())
            .map(CompletionResponse::Array))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = &at.text_document.uri;
        self.with_snapshot("definition", |state, snapshot| {
            let document = snapshot.document(uri)?;
            let offset = document
                .rope
                .offset(convert::from_position(at.position), state.encoding);
            let found = ide::entities::definition(snapshot, uri, offset)
                .unwrap_or_else(|| ide::navigation::issue_articles(snapshot, uri, offset, false));
            let found = to_proto::locations(state.encoding, snapshot, &found);
            (!found.is_empty()).then_some(GotoDefinitionResponse::Array(found))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let uri = &at.text_document.uri;
        let include_declaration = params.context.include_declaration;
        self.with_snapshot("references", |state, snapshot| {
            let document = snapshot.document(uri)?;
            let offset = document
                .rope
                .offset(convert::from_position(at.position), state.encoding);
            let found = ide::entities::references(snapshot, uri, offset, include_declaration)
                .unwrap_or_else(|| ide::navigation::issue_articles(snapshot, uri, offset, true));
            if found.is_empty() {
                return None;
            }
            // Every mention of an entity across an archive: tens of
            // thousands of locations, written straight into JSON.
            if wire::reply_directly_json(|| {
                vec![to_proto::locations_json(state.encoding, snapshot, &found)]
            }) {
                return Some(Vec::new());
            }
            Some(to_proto::locations(state.encoding, snapshot, &found))
        })
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        let uri = &at.text_document.uri;
        self.with_snapshot("documentHighlight", |state, snapshot| {
            let document = snapshot.document(uri)?;
            let offset = document
                .rope
                .offset(convert::from_position(at.position), state.encoding);
            let found: Vec<DocumentHighlight> = ide::entities::highlights(snapshot, uri, offset)?
                .into_iter()
                .map(|highlight| to_proto::highlight(document, highlight, state.encoding))
                .collect();
            (!found.is_empty()).then_some(found)
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = &params.text_document.uri;
        // Away from an entity (or in a document that is not open) there is
        // nothing to rename: `null`, which the protocol reserves for that.
        self.with_snapshot("prepareRename", |state, snapshot| {
            let document = snapshot.document(uri)?;
            let offset = document
                .rope
                .offset(convert::from_position(params.position), state.encoding);
            let (range, placeholder) = ide::entities::prepare_rename(snapshot, uri, offset).ok()?;
            Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(document.rope.range(range, state.encoding)),
                placeholder,
            })
        })
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = &at.text_document.uri;
        let found = self.with_snapshot("rename", |state, snapshot| {
            let document = snapshot.document(uri)?;
            let offset = document
                .rope
                .offset(convert::from_position(at.position), state.encoding);
            Some(
                ide::entities::rename(snapshot, uri, offset, &params.new_name)
                    .map(|changes| to_proto::workspace_edit(state.encoding, snapshot, changes)),
            )
        })?;
        match found {
            None => Err(Error::invalid_params("the document is not open")),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(Error::invalid_params(message)),
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let flags = self.flags();
        if flags.code_actions == ActionShape::None {
            return Ok(None);
        }
        let (actions, version) = {
            let mut state = lock(&self.state);
            let actions = guarded("codeAction", || code_actions(&mut state, &uri, &params))
                .ok_or_else(|| internal("codeAction"))?;
            (actions, state.workspace.version(&uri))
        };
        Ok(Some(shape_actions(actions, &flags, &uri, version)))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        if !self.flags().apply_edit {
            return Err(Error::invalid_request());
        }
        let edit = {
            let mut state = lock(&self.state);
            guarded("executeCommand", || command_edit(&mut state, &params))
                .ok_or_else(|| internal("executeCommand"))??
        };
        let Some(edit) = edit else {
            return Ok(None); // nothing left to fix
        };
        match self.client.apply_edit(edit).await {
            Ok(response) if response.applied => Ok(None),
            Ok(response) => {
                Err(request_failed(response.failure_reason.unwrap_or_else(
                    || "the editor did not apply the edit".to_string(),
                )))
            }
            Err(err) => Err(request_failed(format!("workspace/applyEdit failed: {err}"))),
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let items = {
            let mut state = lock(&self.state);
            guarded("diagnostic", || {
                state.workspace.refresh_all();
                state.lsp_diagnostics_for(&uri)
            })
            .ok_or_else(|| internal("diagnostic"))?
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let items = {
            let mut state = lock(&self.state);
            guarded("workspace/diagnostic", || {
                state.workspace.refresh_all();
                let all = state.workspace.all_diagnostics();
                all.into_iter()
                    .map(|(uri, diagnostics)| {
                        let items = state.to_lsp(&uri, &diagnostics);
                        let version = state.workspace.version(&uri).map(i64::from);
                        WorkspaceDocumentDiagnosticReport::Full(
                            WorkspaceFullDocumentDiagnosticReport {
                                uri,
                                version,
                                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                                    result_id: None,
                                    items,
                                },
                            },
                        )
                    })
                    .collect()
            })
            .ok_or_else(|| internal("workspace/diagnostic"))?
        };
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }
}
