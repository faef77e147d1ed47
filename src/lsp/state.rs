//! What the server keeps beside the workspace: the protocol session (the
//! negotiated encoding and diagnostic fields, semantic tokens sent under
//! result ids, what was last published), and the conversion of the core's
//! diagnostics into protocol ones.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::json;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, Location, NumberOrString, TextEdit,
    Uri,
};

use super::convert::{self, Encoding};
use bulletin_core::diagnostic::{Applicability, Diagnostic, Severity};
use bulletin_core::ide::Workspace;

/// Which optional fields of `Diagnostic` the client declared it accepts
/// (`textDocument.publishDiagnostics`, or the 3.18 fields of
/// `textDocument.diagnostic`): the rest are left out, pushed or pulled.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DiagnosticFields {
    pub related_information: bool,
    pub code_description: bool,
    pub data: bool,
}

impl DiagnosticFields {
    /// Every field: what the server sends a client that accepts them all.
    pub(crate) const ALL: DiagnosticFields = DiagnosticFields {
        related_information: true,
        code_description: true,
        data: true,
    };
}

fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(std::borrow::Cow::into_owned)
}

fn label_of(uri: &Uri) -> String {
    uri.as_str().to_string()
}

pub(crate) struct State {
    /// The archive: documents, files on disk, configuration, analyses.
    pub workspace: Workspace<Uri>,
    pub encoding: Encoding,
    /// The optional diagnostic fields the client accepts (set at initialize).
    pub diagnostic_fields: DiagnosticFields,
    /// Last full semantic tokens sent per document: (result id, data).
    pub semantic: HashMap<Uri, (String, Vec<lsp::SemanticToken>)>,
    pub next_result_id: u64,
    /// What was last pushed for each document (its version, a fingerprint
    /// of the file list and the core diagnostics), to skip republishing
    /// equal sets without converting them again.
    pub published: HashMap<Uri, Published>,
    /// The editor's `showBaselined` setting: report what the baseline records.
    pub show_baselined: bool,
}

/// What a publish sent for one document.
#[derive(PartialEq)]
pub(crate) struct Published {
    pub version: i32,
    pub files: u64,
    pub diagnostics: Vec<Diagnostic>,
}

impl Default for State {
    fn default() -> State {
        State {
            workspace: Workspace::new(path_of, label_of),
            encoding: Encoding::Utf16,
            diagnostic_fields: DiagnosticFields::ALL,
            semantic: HashMap::new(),
            next_result_id: 0,
            published: HashMap::new(),
            show_baselined: false,
        }
    }
}

impl State {
    /// The configured diagnostics of one file, in LSP form.
    pub(crate) fn lsp_diagnostics_for(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        let all = self.workspace.all_diagnostics();
        all.into_iter()
            .find(|(file, _)| file == uri)
            .map(|(_, diagnostics)| self.to_lsp(uri, &diagnostics))
            .unwrap_or_default()
    }

    /// Converts core diagnostics of `uri` to LSP ones.
    pub(crate) fn to_lsp(&self, uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
        let Some(file) = self.workspace.file(uri) else {
            return Vec::new();
        };
        let files = self.workspace.files();
        let encoding = self.encoding;
        let fields = self.diagnostic_fields;
        // Each rule's page address, parsed once per call.
        let mut pages: HashMap<bulletin_core::rules::Rule, Option<CodeDescription>> =
            HashMap::new();
        diagnostics
            .iter()
            .map(|diagnostic| {
                let code_description = if fields.code_description {
                    pages
                        .entry(diagnostic.rule)
                        .or_insert_with(|| {
                            diagnostic
                                .rule
                                .doc_url()
                                .parse()
                                .ok()
                                .map(|href| CodeDescription { href })
                        })
                        .clone()
                } else {
                    None
                };
                let related: Vec<DiagnosticRelatedInformation> = diagnostic
                    .related
                    .iter()
                    .filter(|_| fields.related_information)
                    .filter_map(|related| {
                        let (other_uri, other) = match related.file {
                            None => (uri, &file),
                            Some(id) => {
                                let (other_uri, other) = files.get(id.0 as usize)?;
                                (*other_uri, other)
                            }
                        };
                        Some(DiagnosticRelatedInformation {
                            location: Location::new(
                                other_uri.clone(),
                                convert::range(other.range(related.range, encoding)),
                            ),
                            message: related.message.clone(),
                        })
                    })
                    .collect();
                let data = diagnostic.fix.as_ref().filter(|_| fields.data).map(|fix| {
                    let edits: Vec<TextEdit> = fix
                        .edits
                        .iter()
                        .map(|edit| {
                            TextEdit::new(
                                convert::range(file.range(edit.range, encoding)),
                                edit.replacement.clone(),
                            )
                        })
                        .collect();
                    json!({
                        "fix": {
                            "title": fix.description,
                            "safe": fix.applicability == Applicability::Safe,
                            "edits": edits,
                        }
                    })
                });
                lsp::Diagnostic {
                    range: convert::range(file.range(diagnostic.range, encoding)),
                    severity: Some(severity(diagnostic.severity)),
                    code: Some(NumberOrString::String(diagnostic.rule.name().to_string())),
                    code_description,
                    source: Some("bulletin".to_string()),
                    message: diagnostic.message.clone(),
                    related_information: (!related.is_empty()).then_some(related),
                    tags: None,
                    data,
                }
            })
            .collect()
    }
}

pub(crate) fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}
