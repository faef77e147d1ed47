//! Quick fixes and fix-all: as code action literals, or as commands
//! (`bulletin.applyFix`, `bulletin.fixAll`) that send their edits with
//! `workspace/applyEdit` for clients that take no literals. The fixes are
//! those of the diagnostics shown (`Workspace::all_diagnostics`), cross-file
//! ones included, as `bulletin check --fix` applies them.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::capabilities::{ActionShape, ClientFlags};
use super::convert::{self, Encoding, Lines};
use super::state::State;
use bulletin_core::fix;
use bulletin_core::ide::Document;

/// The kind of the action fixing every safe problem of a document.
pub(crate) const FIX_ALL_KIND: &str = "source.fixAll.bulletin";
/// Applies one quick fix: arguments `[{uri, version, edit}]`.
pub(crate) const APPLY_FIX_COMMAND: &str = "bulletin.applyFix";
/// Fixes every safe problem of a document: arguments `[{uri}]`.
pub(crate) const FIX_ALL_COMMAND: &str = "bulletin.fixAll";

/// Quick fixes for the fixable diagnostics in the range, and `source.fixAll.bulletin`.
pub(crate) fn code_actions(
    state: &mut State,
    uri: &Uri,
    params: &CodeActionParams,
) -> CodeActionResponse {
    state.workspace.refresh_all();
    let Some(document) = state.workspace.document(uri) else {
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
        .workspace
        .all_diagnostics()
        .into_iter()
        .find(|(file, _)| file == uri)
        .map(|(_, diagnostics)| diagnostics)
        .unwrap_or_default();
    if wanted(&CodeActionKind::QUICKFIX) {
        let range = document
            .rope
            .text_range(convert::from_range(params.range), encoding);
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
                        convert::range(document.rope.range(edit.range, encoding)),
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
pub(crate) fn fix_all_edit(state: &State, uri: &Uri) -> Option<(usize, TextEdit)> {
    let document = state.workspace.document(uri)?;
    let path = uri.to_file_path();
    // The fixes of the findings shown for this document, cross-file ones
    // (`entity-spelling` against the rest of the archive) included, as
    // `bulletin check --fix` applies them…
    let shown = state
        .workspace
        .all_diagnostics()
        .into_iter()
        .find(|(shown_uri, _)| shown_uri == uri)
        .map(|(_, diagnostics)| diagnostics)
        .unwrap_or_default();
    let (text, applied) = fix::apply_fixes(&document.text, &shown, false);
    // …then the document's own fixes to a fixed point (a fix can uncover another).
    let outcome = fix::fix_text(&text, state.workspace.config(), path.as_deref(), false);
    minimal_edit(document, &outcome.text, state.encoding)
        .map(|edit| (applied + outcome.fixes_applied, edit))
}

/// `actions` as the client can take them: literals (without `isPreferred`
/// unless the client declared `isPreferredSupport`), or commands.
pub(crate) fn shape_actions(
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
pub(crate) fn as_command(action: CodeAction, uri: &Uri, version: Option<i32>) -> Option<Command> {
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
pub(crate) struct CommandArgument {
    uri: Uri,
    version: Option<i32>,
    edit: Option<WorkspaceEdit>,
}

/// The edit a `workspace/executeCommand` asks for (`None`: nothing to do).
pub(crate) fn command_edit(
    state: &mut State,
    params: &ExecuteCommandParams,
) -> Result<Option<WorkspaceEdit>> {
    let argument: CommandArgument = params
        .arguments
        .first()
        .cloned()
        .and_then(|argument| serde_json::from_value(argument).ok())
        .ok_or_else(|| Error::invalid_params("expected one argument {uri, …}"))?;
    let current = state.workspace.version(&argument.uri);
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
            state.workspace.refresh_all();
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
pub(crate) fn request_failed(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// One edit replacing only what differs between the document and `new`.
pub(crate) fn minimal_edit(document: &Document, new: &str, encoding: Encoding) -> Option<TextEdit> {
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
        convert::range(document.rope.range(range, encoding)),
        new[prefix..new.len() - suffix].to_string(),
    ))
}
