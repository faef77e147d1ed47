//! The protocol side: capabilities, document sync, diagnostics publishing,
//! workspace indexing and the request handlers (which call `features`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::Notification as _;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert::{Encoding, Lines};
use super::document::Document;
use super::entities;
use super::features;
use super::state::{DiagnosticFields, IndexedFile, Published, State};
use super::transport::Outbox;
use super::wire::{self, Payload};
use bulletin_core::config::{CONFIG_FILE_NAME, ENTITIES_FILE_NAME};
use bulletin_core::fix;

/// Changes closer together than this are a burst (a paste, an editor's
/// multi-cursor edit, fast typing): diagnostics wait until the burst is
/// over. A change after a quiet spell is published at once.
const DEBOUNCE: Duration = Duration::from_millis(3);

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

/// What the client declared it supports, read once at `initialize`. Each
/// decision is made by its own function beside the handler it serves.
#[derive(Clone)]
struct ClientFlags {
    watch_registration: bool,
    configuration: bool,
    work_done_progress: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): pushing as
    /// well would show every finding twice, so it is not pushed to.
    pull_diagnostics: bool,
    /// The client re-pulls on `workspace/diagnostic/refresh`.
    diagnostic_refresh: bool,
    /// `workspace/applyEdit`.
    apply_edit: bool,
    hover_format: MarkupKind,
    document_symbols: SymbolShape,
    /// `workspace.symbol.symbolKind.valueSet` declared.
    workspace_symbol_kinds: bool,
    /// `completionItemKind.valueSet` declared.
    completion_kinds: bool,
    code_actions: ActionShape,
    is_preferred: bool,
    prepare_rename: bool,
    collapsed_text: bool,
    folding_range_limit: Option<u32>,
    diagnostic_fields: DiagnosticFields,
}

impl Default for ClientFlags {
    /// What a client that declares nothing gets.
    fn default() -> ClientFlags {
        ClientFlags::from_capabilities(&ClientCapabilities::default())
    }
}

impl ClientFlags {
    fn from_capabilities(caps: &ClientCapabilities) -> ClientFlags {
        let workspace = caps.workspace.as_ref();
        ClientFlags {
            watch_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            pull_diagnostics: caps
                .text_document
                .as_ref()
                .and_then(|t| t.diagnostic.as_ref())
                .is_some(),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            apply_edit: workspace.and_then(|w| w.apply_edit).unwrap_or(false),
            hover_format: hover_format(caps),
            document_symbols: document_symbol_shape(caps),
            workspace_symbol_kinds: workspace_symbol_kinds(caps),
            completion_kinds: completion_kinds(caps),
            code_actions: code_action_shape(caps),
            is_preferred: is_preferred_support(caps),
            prepare_rename: prepare_rename_support(caps),
            collapsed_text: collapsed_text_support(caps),
            folding_range_limit: folding_range_limit(caps),
            diagnostic_fields: diagnostic_fields(caps),
        }
    }
}

/// Markdown when the client lists it in `hover.contentFormat`, else plain
/// text (the protocol's default when nothing is declared).
fn hover_format(caps: &ClientCapabilities) -> MarkupKind {
    let formats = caps
        .text_document
        .as_ref()
        .and_then(|t| t.hover.as_ref())
        .and_then(|h| h.content_format.as_deref())
        .unwrap_or_default();
    // The client's order is its preference; the first one we write wins.
    formats
        .iter()
        .find(|kind| matches!(kind, MarkupKind::Markdown | MarkupKind::PlainText))
        .cloned()
        .unwrap_or(MarkupKind::PlainText)
}

/// How the outline is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SymbolShape {
    /// `DocumentSymbol[]`, written straight to bytes (`wire`).
    Hierarchical,
    /// `DocumentSymbol[]` with only the kinds of the protocol's first
    /// version (no `symbolKind.valueSet` declared).
    HierarchicalBaseKinds,
    /// `SymbolInformation[]`; `base_kinds` as above.
    Flat { base_kinds: bool },
}

fn document_symbol_shape(caps: &ClientCapabilities) -> SymbolShape {
    let symbols = caps
        .text_document
        .as_ref()
        .and_then(|t| t.document_symbol.as_ref());
    let hierarchical = symbols
        .and_then(|s| s.hierarchical_document_symbol_support)
        .unwrap_or(false);
    let base_kinds = symbols
        .and_then(|s| s.symbol_kind.as_ref())
        .and_then(|k| k.value_set.as_ref())
        .is_none();
    match (hierarchical, base_kinds) {
        (true, false) => SymbolShape::Hierarchical,
        (true, true) => SymbolShape::HierarchicalBaseKinds,
        (false, base_kinds) => SymbolShape::Flat { base_kinds },
    }
}

fn workspace_symbol_kinds(caps: &ClientCapabilities) -> bool {
    caps.workspace
        .as_ref()
        .and_then(|w| w.symbol.as_ref())
        .and_then(|s| s.symbol_kind.as_ref())
        .and_then(|k| k.value_set.as_ref())
        .is_some()
}

fn completion_kinds(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item_kind.as_ref())
        .and_then(|k| k.value_set.as_ref())
        .is_some()
}

/// How fixes are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionShape {
    /// `CodeAction` literals carrying their edit.
    Literals,
    /// `Command`s, run by `workspace/executeCommand`, which sends the edit
    /// with `workspace/applyEdit`.
    Commands,
    /// Neither literals nor `workspace/applyEdit`: no action can work.
    None,
}

fn code_action_shape(caps: &ClientCapabilities) -> ActionShape {
    let literals = caps
        .text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.code_action_literal_support.as_ref())
        .is_some();
    let apply_edit = caps
        .workspace
        .as_ref()
        .and_then(|w| w.apply_edit)
        .unwrap_or(false);
    if literals {
        ActionShape::Literals
    } else if apply_edit {
        ActionShape::Commands
    } else {
        ActionShape::None
    }
}

fn is_preferred_support(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.is_preferred_support)
        .unwrap_or(false)
}

fn prepare_rename_support(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.rename.as_ref())
        .and_then(|r| r.prepare_support)
        .unwrap_or(false)
}

fn collapsed_text_support(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.folding_range.as_ref())
        .and_then(|f| f.folding_range.as_ref())
        .and_then(|f| f.collapsed_text)
        .unwrap_or(false)
}

fn folding_range_limit(caps: &ClientCapabilities) -> Option<u32> {
    caps.text_document
        .as_ref()
        .and_then(|t| t.folding_range.as_ref())
        .and_then(|f| f.range_limit)
}

/// LSP 3.17 declares the optional fields of `Diagnostic` only under
/// `publishDiagnostics`; 3.18 repeats them under `diagnostic` (pull). A
/// `Diagnostic` is the same type however it travels, so a field is sent,
/// pushed or pulled, when either place declares it.
fn diagnostic_fields(caps: &ClientCapabilities) -> DiagnosticFields {
    let text = caps.text_document.as_ref();
    let push = text.and_then(|t| t.publish_diagnostics.as_ref());
    let pull = text.and_then(|t| t.diagnostic.as_ref());
    let either = |push_flag: Option<bool>, pull_flag: Option<bool>| {
        push_flag.unwrap_or(false) || pull_flag.unwrap_or(false)
    };
    DiagnosticFields {
        related_information: either(
            push.and_then(|p| p.related_information),
            pull.and_then(|p| p.related_information),
        ),
        code_description: either(
            push.and_then(|p| p.code_description_support),
            pull.and_then(|p| p.code_description_support),
        ),
        data: either(
            push.and_then(|p| p.data_support),
            pull.and_then(|p| p.data_support),
        ),
    }
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
        let (config, generation) = (&state.config, state.generation);
        let Some(document) = state.docs.get_mut(uri) else {
            return Ok(None);
        };
        guarded(what, || document.refresh(config, generation)).ok_or_else(|| internal(what))?;
        let Some(document) = state.docs.get(uri) else {
            return Ok(None);
        };
        guarded(what, || work(state, document))
            .map(Some)
            .ok_or_else(|| internal(what))
    }

    /// Runs `work` with every open document refreshed (for workspace-wide features).
    fn with_workspace<T>(
        &self,
        uri: &Uri,
        what: &str,
        work: impl FnOnce(&State, &Document) -> T,
    ) -> Result<Option<T>> {
        let mut state = lock(&self.state);
        guarded(what, || state.refresh_all()).ok_or_else(|| internal(what))?;
        let state = &*state;
        let Some(document) = state.docs.get(uri) else {
            return Ok(None);
        };
        guarded(what, || work(state, document))
            .map(Some)
            .ok_or_else(|| internal(what))
    }

    /// Publishes the problems of `entities.toml` (and `[entities]` in
    /// `bulletin.toml`) on those files, clearing files that have none left.
    async fn publish_entity_problems(&self) {
        let published = {
            let state = lock(&self.state);
            guarded("entities.toml diagnostics", || {
                entities::config_diagnostics(&state.config, state.encoding)
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
        let before = lock(&self.state).config.clone();
        self.reload_config().await;
        let (changed, include_changed) = {
            let state = lock(&self.state);
            (
                state.config != before,
                state.config.include != before.include,
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
            features::semantic_tokens(document, state.encoding, None)
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
                let value = values.into_iter().next().filter(|value| !value.is_null());
                lock(&self.state).settings = value;
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
        let problems = lock(&self.state).reload_config();
        for problem in problems {
            self.log(tracing::Level::ERROR, problem.clone()).await;
            self.client.show_message(MessageType::ERROR, problem).await;
        }
    }

    /// Reads every `*.bulletin` file of the workspace, reporting progress.
    async fn index_workspace(&self) {
        let (roots, config) = {
            let state = lock(&self.state);
            (state.roots.clone(), state.config.clone())
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
            .index
            .retain(|_, file| paths.binary_search(&file.path).is_ok());
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
                lock(&self.state).insert_indexed(uri, file);
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
        let count = lock(&self.state).index.len();
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
        // the `include` globs, plus the configuration files.
        let include = lock(&self.state).config.include.clone();
        let globs = ["*.bulletin", CONFIG_FILE_NAME, ENTITIES_FILE_NAME]
            .into_iter()
            .map(str::to_string)
            .chain(include);
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
                if state.docs.get(uri).map(|doc| doc.version) != Some(*version) {
                    return; // a newer change has its own task
                }
            }
            guarded("diagnostics", || {
                state.update_all();
                let all = state.all_diagnostics();
                let files = state.files_fingerprint();
                let mut batch = Vec::new();
                for (uri, diagnostics) in all {
                    let Some(version) = state.docs.get(&uri).map(|doc| doc.version) else {
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
                    let lsp = state.to_lsp(&uri, &sent.diagnostics);
                    state.published.insert(uri.clone(), sent);
                    batch.push((uri, lsp, version));
                }
                batch
            })
        };
        let batch = batch.unwrap_or_default();
        if self.flags.pull_diagnostics {
            // The client re-pulls the document it edited by itself; other
            // documents whose findings changed (cross-file rules) need a refresh.
            let edited = only_if_current.as_ref().map(|(uri, _)| uri);
            let others_changed = batch.iter().any(|(uri, _, _)| Some(uri) != edited);
            if others_changed && self.flags.diagnostic_refresh {
                let _ = self.client.workspace_diagnostic_refresh().await;
            }
            return;
        }
        let mut outbox = self.outbox.clone();
        for (uri, diagnostics, version) in batch {
            let params = PublishDiagnosticsParams::new(uri, diagnostics, Some(version));
            match Payload::of(&params) {
                Some(params) => {
                    if !outbox
                        .notify(notification::PublishDiagnostics::METHOD, params)
                        .await
                    {
                        return; // the connection is gone
                    }
                }
                None => {
                    self.client
                        .send_notification::<notification::PublishDiagnostics>(params)
                        .await
                }
            }
        }
    }
}

fn offered_encodings(params: &InitializeParams) -> Option<&[PositionEncodingKind]> {
    params
        .capabilities
        .general
        .as_ref()?
        .position_encodings
        .as_deref()
}

/// `RenameOptions` with `prepareProvider` only for a client that sends
/// `textDocument/prepareRename` (`rename.prepareSupport`).
fn rename_provider(prepare_support: bool) -> OneOf<bool, RenameOptions> {
    if prepare_support {
        OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })
    } else {
        OneOf::Left(true)
    }
}

/// The kind of the action fixing every safe problem of a document.
const FIX_ALL_KIND: &str = "source.fixAll.bulletin";
/// Applies one quick fix: arguments `[{uri, version, edit}]`.
const APPLY_FIX_COMMAND: &str = "bulletin.applyFix";
/// Fixes every safe problem of a document: arguments `[{uri}]`.
const FIX_ALL_COMMAND: &str = "bulletin.fixAll";

fn code_action_provider(shape: ActionShape) -> Option<CodeActionProviderCapability> {
    match shape {
        ActionShape::Literals => Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(FIX_ALL_KIND),
            ]),
            ..CodeActionOptions::default()
        })),
        ActionShape::Commands => Some(CodeActionProviderCapability::Simple(true)),
        ActionShape::None => None,
    }
}

/// The commands send their edits with `workspace/applyEdit`: they exist
/// only for a client that accepts it.
fn execute_command_provider(apply_edit: bool) -> Option<ExecuteCommandOptions> {
    apply_edit.then(|| ExecuteCommandOptions {
        commands: vec![APPLY_FIX_COMMAND.to_string(), FIX_ALL_COMMAND.to_string()],
        work_done_progress_options: WorkDoneProgressOptions::default(),
    })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = Encoding::negotiate(offered_encodings(&params));
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
            state.roots = roots;
            state.settings = settings;
        }
        self.reload_config().await;
        let token_options = SemanticTokensOptions {
            work_done_progress_options: WorkDoneProgressOptions::default(),
            legend: features::legend(),
            range: Some(true),
            full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
        };
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
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
        let opened = guarded("didOpen", || Document::new(document.text, version));
        if let Some(opened) = opened {
            {
                let mut state = lock(&self.state);
                state.docs.insert(uri.clone(), opened);
                // The open document shadows its disk copy: do not keep both texts.
                state.index.remove(&uri);
            }
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
            match state.docs.get_mut(&uri) {
                Some(document) => guarded("didChange", || {
                    document.apply_changes(params.content_changes, version, encoding)
                })
                .is_some(),
                None => false,
            }
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
            state.docs.remove(&uri);
            state.semantic.remove(&uri);
            state.published.remove(&uri);
        }
        // Its disk copy takes its place in the workspace index again.
        let reread = {
            let state = lock(&self.state);
            uri.to_file_path()
                .map(|path| path.into_owned())
                .filter(|path| {
                    path.extension().is_some_and(|ext| ext == "bulletin")
                        && state.roots.iter().any(|root| path.starts_with(root))
                })
                .map(|path| (path, state.config.clone()))
        };
        if let Some((path, config)) = reread {
            let read = tokio::task::spawn_blocking(move || {
                guarded("indexing", || IndexedFile::read(&path, &config)).flatten()
            })
            .await
            .ok()
            .flatten();
            if let Some(file) = read {
                lock(&self.state).insert_indexed(uri.clone(), file);
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
            Some(settings) => lock(&self.state).settings = Some(settings),
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
            if path
                .file_name()
                .is_some_and(|name| name == CONFIG_FILE_NAME || name == ENTITIES_FILE_NAME)
            {
                config_changed = true;
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                lock(&self.state).index.remove(&change.uri);
                continue;
            }
            let config = lock(&self.state).config.clone();
            let wanted = bulletin_core::discovery::include_globs(&config.include)
                .is_ok_and(|globs| bulletin_core::discovery::wanted(&path, &globs));
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
                lock(&self.state).insert_indexed(change.uri, file);
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
        let markup = features::Markup::of(&self.flags().hover_format);
        Ok(self
            .with_workspace(&uri, "hover", |state, document| {
                let offset = document.rope.offset(at.position, state.encoding);
                entities::hover(state, &uri, document, offset, markup)
                    .or_else(|| features::hover(state, &uri, document, offset, markup))
            })?
            .flatten())
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
                    features::document_symbols_json(document, state.encoding)
                }) {
                    return DocumentSymbolResponse::Nested(Vec::new());
                }
                DocumentSymbolResponse::Nested(features::document_symbols(document, state.encoding))
            }
            SymbolShape::HierarchicalBaseKinds => {
                let mut symbols = features::document_symbols(document, state.encoding);
                features::with_base_kinds(&mut symbols);
                DocumentSymbolResponse::Nested(symbols)
            }
            SymbolShape::Flat { base_kinds } => {
                let mut symbols = features::document_symbols(document, state.encoding);
                if base_kinds {
                    features::with_base_kinds(&mut symbols);
                }
                DocumentSymbolResponse::Flat(features::flat_symbols(symbols, &uri))
            }
        })
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let symbols = {
            let mut state = lock(&self.state);
            guarded("workspace/symbol", || {
                state.refresh_all();
                features::workspace_symbols(&state, &params.query)
            })
            .ok_or_else(|| internal("workspace/symbol"))?
        };
        let mut symbols = symbols;
        if !self.flags().workspace_symbol_kinds {
            for symbol in &mut symbols {
                symbol.kind = features::base_symbol_kind(symbol.kind);
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let flags = self.flags();
        let ranges =
            self.with_document(&params.text_document.uri, "foldingRange", |_, document| {
                features::folding_ranges(document)
            })?;
        Ok(ranges.map(|mut ranges| {
            if !flags.collapsed_text {
                for range in &mut ranges {
                    range.collapsed_text = None;
                }
            }
            if let Some(limit) = flags.folding_range_limit {
                ranges.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            }
            ranges
        }))
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
                        let offset = document.rope.offset(*position, state.encoding);
                        features::selection_range(document, offset, state.encoding)
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
                    edits: features::token_delta(&old, &tokens),
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
                let within = document.rope.text_range(params.range, state.encoding);
                features::semantic_tokens(document, state.encoding, Some(within))
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
            let within = document.rope.text_range(params.range, state.encoding);
            features::inlay_hints(document, state.encoding, within)
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let completion_kinds = self.flags().completion_kinds;
        Ok(self
            .with_document(&at.text_document.uri, "completion", |state, document| {
                let offset = document.rope.offset(at.position, state.encoding);
                features::completion(state, document, offset)
            })?
            .filter(|items| !items.is_empty())
            .map(|mut items| {
                if !completion_kinds {
                    for item in &mut items {
                        item.kind = item.kind.map(features::base_completion_kind);
                    }
                }
                CompletionResponse::Array(items)
            }))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = &at.text_document.uri;
        Ok(self
            .with_workspace(uri, "definition", |state, document| {
                let offset = document.rope.offset(at.position, state.encoding);
                entities::definition(state, uri, document, offset)
                    .unwrap_or_else(|| features::definition(state, document, offset))
            })?
            .filter(|found| !found.is_empty())
            .map(GotoDefinitionResponse::Array))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        Ok(self
            .with_workspace(&at.text_document.uri, "references", |state, document| {
                let offset = document.rope.offset(at.position, state.encoding);
                entities::references(state, document, offset, include_declaration)
                    .unwrap_or_else(|| features::references(state, document, offset))
            })?
            .filter(|found| !found.is_empty())
            // Every mention of an entity across an archive: thousands of
            // locations, written without the intermediate JSON value.
            .map(|found| direct(found, Vec::new)))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        Ok(self
            .with_document(
                &at.text_document.uri,
                "documentHighlight",
                |state, document| {
                    let offset = document.rope.offset(at.position, state.encoding);
                    entities::highlights(state, document, offset)
                },
            )?
            .flatten()
            .filter(|found| !found.is_empty()))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let found = self.with_workspace(
            &params.text_document.uri,
            "prepareRename",
            |state, document| {
                let offset = document.rope.offset(params.position, state.encoding);
                entities::prepare_rename(state, document, offset)
            },
        )?;
        // Away from an entity (or in a document that is not open) there is
        // nothing to rename: `null`, which the protocol reserves for that.
        Ok(found.and_then(|found| found.ok()))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let found = self.with_workspace(&at.text_document.uri, "rename", |state, document| {
            let offset = document.rope.offset(at.position, state.encoding);
            entities::rename(state, document, offset, &params.new_name)
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
            (actions, state.docs.get(&uri).map(|doc| doc.version))
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
                state.refresh_all();
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
                state.refresh_all();
                let all = state.all_diagnostics();
                all.into_iter()
                    .map(|(uri, diagnostics)| {
                        let items = state.to_lsp(&uri, &diagnostics);
                        let version = state.docs.get(&uri).map(|doc| i64::from(doc.version));
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

/// Quick fixes for the fixable diagnostics in the range, and `source.fixAll.bulletin`.
fn code_actions(state: &mut State, uri: &Uri, params: &CodeActionParams) -> CodeActionResponse {
    state.refresh_all();
    let Some(document) = state.docs.get(uri) else {
        return Vec::new();
    };
    let encoding = state.encoding;
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let fix_all_kind = CodeActionKind::new(FIX_ALL_KIND);
    let mut actions = Vec::new();
    let diagnostics = state
        .all_diagnostics()
        .into_iter()
        .find(|(file, _)| file == uri)
        .map(|(_, diagnostics)| diagnostics)
        .unwrap_or_default();
    if wanted(&CodeActionKind::QUICKFIX) {
        let range = document.rope.text_range(params.range, encoding);
        let lsp = state.to_lsp(uri, &diagnostics);
        for (diagnostic, lsp_diagnostic) in diagnostics.iter().zip(lsp) {
            let Some(fix) = &diagnostic.fix else { continue };
            let touches =
                diagnostic.range.start <= range.end && range.start <= diagnostic.range.end;
            if !touches {
                continue;
            }
            let edits: Vec<TextEdit> = fix
                .edits
                .iter()
                .map(|edit| {
                    TextEdit::new(
                        document.rope.range(edit.range, encoding),
                        edit.replacement.clone(),
                    )
                })
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.description.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diagnostic]),
                edit: Some(WorkspaceEdit {
                    changes: Some([(uri.clone(), edits)].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(
                    fix.applicability == bulletin_core::diagnostic::Applicability::Safe,
                ),
                ..CodeAction::default()
            }));
        }
    }
    let any_safe = diagnostics.iter().any(|diagnostic| {
        diagnostic
            .fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == bulletin_core::diagnostic::Applicability::Safe)
    });
    if any_safe && wanted(&fix_all_kind) {
        if let Some((fixes, edit)) = fix_all_edit(state, uri) {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: match fixes {
                    1 => "Fix all bulletin problems (1 fix)".to_string(),
                    n => format!("Fix all bulletin problems ({n} fixes)"),
                },
                kind: Some(fix_all_kind),
                edit: Some(WorkspaceEdit {
                    changes: Some([(uri.clone(), vec![edit])].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

/// The edit fixing every fixable problem of an open document, and how many
/// fixes it applies; `None` when nothing changes.
fn fix_all_edit(state: &State, uri: &Uri) -> Option<(usize, TextEdit)> {
    let document = state.docs.get(uri)?;
    let path = uri.to_file_path();
    // The fixes of the findings shown for this document, cross-file ones
    // (`entity-spelling` against the rest of the archive) included, as
    // `bulletin check --fix` applies them…
    let shown = state
        .all_diagnostics()
        .into_iter()
        .find(|(shown_uri, _)| shown_uri == uri)
        .map(|(_, diagnostics)| diagnostics)
        .unwrap_or_default();
    let (text, applied) = fix::apply_fixes(&document.text, &shown, false);
    // …then the document's own fixes to a fixed point (a fix can uncover another).
    let outcome = fix::fix_text(&text, &state.config, path.as_deref(), false);
    minimal_edit(document, &outcome.text, state.encoding)
        .map(|edit| (applied + outcome.fixes_applied, edit))
}

/// `actions` as the client can take them: literals (without `isPreferred`
/// unless the client declared `isPreferredSupport`), or commands.
fn shape_actions(
    actions: CodeActionResponse,
    flags: &ClientFlags,
    uri: &Uri,
    version: Option<i32>,
) -> CodeActionResponse {
    match flags.code_actions {
        ActionShape::None => Vec::new(),
        ActionShape::Literals => actions
            .into_iter()
            .map(|action| match action {
                CodeActionOrCommand::CodeAction(mut action) if !flags.is_preferred => {
                    action.is_preferred = None;
                    CodeActionOrCommand::CodeAction(action)
                }
                other => other,
            })
            .collect(),
        ActionShape::Commands => actions
            .into_iter()
            .filter_map(|action| match action {
                CodeActionOrCommand::Command(command) => Some(command),
                CodeActionOrCommand::CodeAction(action) => as_command(action, uri, version),
            })
            .map(CodeActionOrCommand::Command)
            .collect(),
    }
}

/// The command that does what the code action's edit does.
fn as_command(action: CodeAction, uri: &Uri, version: Option<i32>) -> Option<Command> {
    let fix_all = action
        .kind
        .as_ref()
        .is_some_and(|kind| kind.as_str() == FIX_ALL_KIND);
    let (command, argument) = if fix_all {
        (FIX_ALL_COMMAND, serde_json::json!({ "uri": uri }))
    } else {
        let edit = action.edit?;
        (
            APPLY_FIX_COMMAND,
            serde_json::json!({ "uri": uri, "version": version?, "edit": edit }),
        )
    };
    Some(Command {
        title: action.title,
        command: command.to_string(),
        arguments: Some(vec![argument]),
    })
}

/// The argument of the server's commands.
#[derive(serde::Deserialize)]
struct CommandArgument {
    uri: Uri,
    version: Option<i32>,
    edit: Option<WorkspaceEdit>,
}

/// The edit a `workspace/executeCommand` asks for (`None`: nothing to do).
fn command_edit(state: &mut State, params: &ExecuteCommandParams) -> Result<Option<WorkspaceEdit>> {
    let argument: CommandArgument = params
        .arguments
        .first()
        .cloned()
        .and_then(|argument| serde_json::from_value(argument).ok())
        .ok_or_else(|| Error::invalid_params("expected one argument {uri, …}"))?;
    let current = state.docs.get(&argument.uri).map(|doc| doc.version);
    match params.command.as_str() {
        APPLY_FIX_COMMAND => {
            let edit = argument
                .edit
                .ok_or_else(|| Error::invalid_params("the argument has no edit"))?;
            if current.is_none() || current != argument.version {
                return Err(Error {
                    code: tower_lsp_server::jsonrpc::ErrorCode::ContentModified,
                    message: "the document changed since the fix was offered".into(),
                    data: None,
                });
            }
            Ok(Some(edit))
        }
        FIX_ALL_COMMAND => {
            if current.is_none() {
                return Err(Error::invalid_params("the document is not open"));
            }
            state.refresh_all();
            Ok(
                fix_all_edit(state, &argument.uri).map(|(_, edit)| WorkspaceEdit {
                    changes: Some([(argument.uri.clone(), vec![edit])].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
            )
        }
        other => Err(Error::invalid_params(format!("unknown command {other}"))),
    }
}

/// `RequestFailed` (-32803): the request was valid but could not be done.
fn request_failed(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// One edit replacing only what differs between the document and `new`.
fn minimal_edit(document: &Document, new: &str, encoding: Encoding) -> Option<TextEdit> {
    let old = document.text.as_str();
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let range = bulletin_core::text_range::TextRange::new(prefix, old.len() - suffix);
    Some(TextEdit::new(
        document.rope.range(range, encoding),
        new[prefix..new.len() - suffix].to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(json: serde_json::Value) -> ClientCapabilities {
        serde_json::from_value(json).expect("client capabilities")
    }

    #[test]
    fn a_client_declaring_nothing_gets_the_base_forms() {
        let flags = ClientFlags::from_capabilities(&caps(serde_json::json!({})));
        assert_eq!(flags.hover_format, MarkupKind::PlainText);
        assert_eq!(
            flags.document_symbols,
            SymbolShape::Flat { base_kinds: true }
        );
        assert_eq!(flags.code_actions, ActionShape::None);
        assert!(!flags.prepare_rename && !flags.collapsed_text && !flags.is_preferred);
        assert!(!flags.apply_edit && !flags.completion_kinds && !flags.workspace_symbol_kinds);
        assert_eq!(flags.diagnostic_fields, DiagnosticFields::default());
        assert_eq!(rename_provider(false), OneOf::Left(true));
        assert!(code_action_provider(flags.code_actions).is_none());
        assert!(execute_command_provider(flags.apply_edit).is_none());
    }

    #[test]
    fn hover_follows_the_clients_order_of_formats() {
        let format = |formats: serde_json::Value| {
            hover_format(&caps(
                serde_json::json!({"textDocument": {"hover": {"contentFormat": formats}}}),
            ))
        };
        assert_eq!(
            format(serde_json::json!(["markdown", "plaintext"])),
            MarkupKind::Markdown
        );
        assert_eq!(
            format(serde_json::json!(["plaintext", "markdown"])),
            MarkupKind::PlainText
        );
        assert_eq!(
            format(serde_json::json!(["plaintext"])),
            MarkupKind::PlainText
        );
        assert_eq!(format(serde_json::json!([])), MarkupKind::PlainText);
    }

    #[test]
    fn shapes_follow_single_declarations() {
        let commands = caps(serde_json::json!({"workspace": {"applyEdit": true}}));
        assert_eq!(code_action_shape(&commands), ActionShape::Commands);
        let literals = caps(serde_json::json!({"textDocument": {"codeAction": {
            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": []}}}}}));
        assert_eq!(code_action_shape(&literals), ActionShape::Literals);
        let nested = caps(serde_json::json!({"textDocument": {"documentSymbol": {
            "hierarchicalDocumentSymbolSupport": true}}}));
        assert_eq!(
            document_symbol_shape(&nested),
            SymbolShape::HierarchicalBaseKinds
        );
        // 3.18 repeats the diagnostic fields under `diagnostic`: either counts.
        let pulled = caps(serde_json::json!({"textDocument": {
            "diagnostic": {"relatedInformation": true},
            "publishDiagnostics": {"codeDescriptionSupport": true}}}));
        assert_eq!(
            diagnostic_fields(&pulled),
            DiagnosticFields {
                related_information: true,
                code_description: true,
                data: false
            }
        );
        let folding = caps(serde_json::json!({"textDocument": {"foldingRange": {
            "rangeLimit": 3, "foldingRange": {"collapsedText": true}}}}));
        assert!(collapsed_text_support(&folding));
        assert_eq!(folding_range_limit(&folding), Some(3));
    }
}
