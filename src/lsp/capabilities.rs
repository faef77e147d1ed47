//! What the client declared it supports, read once at `initialize` into
//! `ClientFlags`, and what the server offers in return. Each decision is
//! made by its own small function, so a client gets only the forms it
//! declared (plain-text hover, a flat outline, commands instead of code
//! action literals, no optional fields it did not ask for).

use tower_lsp_server::ls_types::*;

use super::code_actions::{APPLY_FIX_COMMAND, FIX_ALL_COMMAND, FIX_ALL_KIND};
use super::state::DiagnosticFields;

/// What the client declared it supports, read once at `initialize`. Each
/// decision is made by its own function beside the handler it serves.
#[derive(Clone)]
pub(crate) struct ClientFlags {
    pub(crate) watch_registration: bool,
    pub(crate) configuration: bool,
    pub(crate) work_done_progress: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): pushing as
    /// well would show every finding twice, so it is not pushed to.
    pub(crate) pull_diagnostics: bool,
    /// The client re-pulls on `workspace/diagnostic/refresh`.
    pub(crate) diagnostic_refresh: bool,
    /// `workspace/applyEdit`.
    pub(crate) apply_edit: bool,
    pub(crate) hover_format: MarkupKind,
    pub(crate) document_symbols: SymbolShape,
    /// `workspace.symbol.symbolKind.valueSet` declared.
    pub(crate) workspace_symbol_kinds: bool,
    /// `completionItemKind.valueSet` declared.
    pub(crate) completion_kinds: bool,
    pub(crate) code_actions: ActionShape,
    pub(crate) is_preferred: bool,
    pub(crate) prepare_rename: bool,
    pub(crate) collapsed_text: bool,
    pub(crate) folding_range_limit: Option<u32>,
    pub(crate) diagnostic_fields: DiagnosticFields,
}

impl Default for ClientFlags {
    /// What a client that declares nothing gets.
    fn default() -> ClientFlags {
        ClientFlags::from_capabilities(&ClientCapabilities::default())
    }
}

impl ClientFlags {
    pub(crate) fn from_capabilities(caps: &ClientCapabilities) -> ClientFlags {
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
pub(crate) fn hover_format(caps: &ClientCapabilities) -> MarkupKind {
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
pub(crate) enum SymbolShape {
    /// `DocumentSymbol[]`, written straight to bytes (`wire`).
    Hierarchical,
    /// `DocumentSymbol[]` with only the kinds of the protocol's first
    /// version (no `symbolKind.valueSet` declared).
    HierarchicalBaseKinds,
    /// `SymbolInformation[]`; `base_kinds` as above.
    Flat { base_kinds: bool },
}

pub(crate) fn document_symbol_shape(caps: &ClientCapabilities) -> SymbolShape {
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

pub(crate) fn workspace_symbol_kinds(caps: &ClientCapabilities) -> bool {
    caps.workspace
        .as_ref()
        .and_then(|w| w.symbol.as_ref())
        .and_then(|s| s.symbol_kind.as_ref())
        .and_then(|k| k.value_set.as_ref())
        .is_some()
}

pub(crate) fn completion_kinds(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item_kind.as_ref())
        .and_then(|k| k.value_set.as_ref())
        .is_some()
}

/// How fixes are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionShape {
    /// `CodeAction` literals carrying their edit.
    Literals,
    /// `Command`s, run by `workspace/executeCommand`, which sends the edit
    /// with `workspace/applyEdit`.
    Commands,
    /// Neither literals nor `workspace/applyEdit`: no action can work.
    None,
}

pub(crate) fn code_action_shape(caps: &ClientCapabilities) -> ActionShape {
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

pub(crate) fn is_preferred_support(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.code_action.as_ref())
        .and_then(|c| c.is_preferred_support)
        .unwrap_or(false)
}

pub(crate) fn prepare_rename_support(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.rename.as_ref())
        .and_then(|r| r.prepare_support)
        .unwrap_or(false)
}

pub(crate) fn collapsed_text_support(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .and_then(|t| t.folding_range.as_ref())
        .and_then(|f| f.folding_range.as_ref())
        .and_then(|f| f.collapsed_text)
        .unwrap_or(false)
}

pub(crate) fn folding_range_limit(caps: &ClientCapabilities) -> Option<u32> {
    caps.text_document
        .as_ref()
        .and_then(|t| t.folding_range.as_ref())
        .and_then(|f| f.range_limit)
}

/// LSP 3.17 declares the optional fields of `Diagnostic` only under
/// `publishDiagnostics`; 3.18 repeats them under `diagnostic` (pull). A
/// `Diagnostic` is the same type however it travels, so a field is sent,
/// pushed or pulled, when either place declares it.
pub(crate) fn diagnostic_fields(caps: &ClientCapabilities) -> DiagnosticFields {
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

pub(crate) fn offered_encodings(params: &InitializeParams) -> Option<&[PositionEncodingKind]> {
    params
        .capabilities
        .general
        .as_ref()?
        .position_encodings
        .as_deref()
}

/// `RenameOptions` with `prepareProvider` only for a client that sends
/// `textDocument/prepareRename` (`rename.prepareSupport`).
pub(crate) fn rename_provider(prepare_support: bool) -> OneOf<bool, RenameOptions> {
    if prepare_support {
        OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })
    } else {
        OneOf::Left(true)
    }
}

pub(crate) fn code_action_provider(shape: ActionShape) -> Option<CodeActionProviderCapability> {
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
pub(crate) fn execute_command_provider(apply_edit: bool) -> Option<ExecuteCommandOptions> {
    apply_edit.then(|| ExecuteCommandOptions {
        commands: vec![APPLY_FIX_COMMAND.to_string(), FIX_ALL_COMMAND.to_string()],
        work_done_progress_options: WorkDoneProgressOptions::default(),
    })
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
