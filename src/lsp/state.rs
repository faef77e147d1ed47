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

use super::convert::{self, Encoding, FilePositions, JsonOut};
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
    /// `publishDiagnostics` params for `uri` (open, at `version`) as JSON:
    /// what `to_lsp` builds, serialised, without the intermediate values.
    pub(crate) fn publish_json(
        &self,
        uri: &Uri,
        diagnostics: &[Diagnostic],
        version: i32,
    ) -> Option<Vec<u8>> {
        let file = self.workspace.file(uri)?;
        let files = self.workspace.files();
        let encoding = self.encoding;
        let fields = self.diagnostic_fields;
        let mut positions = FilePositions::of(&file, encoding);
        // A fix's edits are near its diagnostic; related locations may be
        // anywhere, in any file: they are looked up without the cursor.
        let mut pages: HashMap<bulletin_core::rules::Rule, Option<String>> = HashMap::new();
        let mut out = JsonOut::with_capacity(256 + diagnostics.len() * 320);
        out.raw(br#"{"uri":"#);
        out.string(uri.as_str());
        out.raw(br#","diagnostics":["#);
        for (at, diagnostic) in diagnostics.iter().enumerate() {
            if at > 0 {
                out.raw(b",");
            }
            out.raw(br#"{"range":"#);
            out.range(positions.range(diagnostic.range));
            out.raw(br#","severity":"#);
            out.number(match diagnostic.severity {
                Severity::Error => 1,
                Severity::Warning => 2,
                Severity::Info => 3,
                Severity::Hint => 4,
            });
            out.raw(br#","code":"#);
            out.string(diagnostic.rule.name());
            if fields.code_description {
                let href = pages.entry(diagnostic.rule).or_insert_with(|| {
                    let href: Option<Uri> = diagnostic.rule.doc_url().parse().ok();
                    href.and_then(|href| serde_json::to_string(&href).ok())
                });
                if let Some(href) = href {
                    out.raw(br#","codeDescription":{"href":"#);
                    out.raw(href.as_bytes());
                    out.raw(b"}");
                }
            }
            out.raw(br#","source":"bulletin","message":"#);
            out.string(&diagnostic.message);
            if fields.related_information {
                let mut first = true;
                for related in &diagnostic.related {
                    let (other_uri, other) = match related.file {
                        None => (uri, &file),
                        Some(id) => match files.get(id.0 as usize) {
                            Some((other_uri, other)) => (*other_uri, other),
                            None => continue,
                        },
                    };
                    out.raw(if first {
                        br#","relatedInformation":[{"location":{"uri":"#
                    } else {
                        br#",{"location":{"uri":"#
                    });
                    first = false;
                    out.string(other_uri.as_str());
                    out.raw(br#","range":"#);
                    out.range(convert::range(other.range(related.range, encoding)));
                    out.raw(br#"},"message":"#);
                    out.string(&related.message);
                    out.raw(b"}");
                }
                if !first {
                    out.raw(b"]");
                }
            }
            if let Some(fix) = diagnostic.fix.as_ref().filter(|_| fields.data) {
                out.raw(br#","data":{"fix":{"title":"#);
                out.string(&fix.description);
                out.raw(if fix.applicability == Applicability::Safe {
                    br#","safe":true,"edits":["#
                } else {
                    br#","safe":false,"edits":["#
                });
                for (at, edit) in fix.edits.iter().enumerate() {
                    if at > 0 {
                        out.raw(b",");
                    }
                    out.raw(br#"{"range":"#);
                    out.range(positions.range(edit.range));
                    out.raw(br#","newText":"#);
                    out.string(&edit.replacement);
                    out.raw(b"}");
                }
                out.raw(b"]}}");
            }
            out.raw(b"}");
        }
        out.raw(br#"],"version":"#);
        out.number(i64::from(version));
        out.raw(b"}");
        Some(out.into_bytes())
    }

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
        let mut positions = FilePositions::of(&file, encoding);
        // Each rule's page address, parsed once per call.
        let mut pages: HashMap<bulletin_core::rules::Rule, Option<CodeDescription>> =
            HashMap::new();
        diagnostics
            .iter()
            .map(|diagnostic| {
                // Converted in the order `publish_json` converts them.
                let range = positions.range(diagnostic.range);
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
                            TextEdit::new(positions.range(edit.range), edit.replacement.clone())
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
                    range,
                    severity: Some(severity(diagnostic.severity)),
                    code: Some(NumberOrString::String(diagnostic.rule.name().to_string())),
                    code_description,
                    source: Some("bulletin".to_string()),
                    message: diagnostic.message.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two pages that date issue 400 a week apart (related locations in the
    /// other file), with dash fixes, on lines mixing `—`, `–`, `©`, `’` and
    /// an emoji.
    fn state(encoding: Encoding, fields: DiagnosticFields) -> (State, Uri) {
        let mut state = State {
            encoding,
            diagnostic_fields: fields,
            ..State::default()
        };
        let page = |headline: &str, dateline: &str, published: &str| {
            format!(
                "{headline} 🌾\r\n\r\n{dateline} (The Bulletin) – Officials’ plan © went ahead — 🚆 said.\r\n\r\n(News report from Issue No. 400, published on {published})\r\n"
            )
        };
        let a: Uri = "file:///archive/a.bulletin".parse().expect("uri");
        let b: Uri = "file:///archive/b.bulletin".parse().expect("uri");
        state.workspace.open(
            a.clone(),
            page("Rail freight grows", "ALMATY, FEB. 28 2017", "March 3 2017"),
            3,
        );
        state.workspace.open(
            b,
            page("Gas output falls", "BAKU, MARCH 7 2017", "March 10 2017"),
            1,
        );
        state.workspace.refresh_all();
        (state, a)
    }

    #[test]
    fn published_json_is_what_the_typed_diagnostics_serialise_to() {
        let none = DiagnosticFields::default();
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for fields in [DiagnosticFields::ALL, none] {
                let (state, uri) = state(encoding, fields);
                let all = state.workspace.all_diagnostics();
                let (_, diagnostics) = all
                    .iter()
                    .find(|(file, _)| *file == uri)
                    .expect("the page's diagnostics");
                let rules: Vec<&str> = diagnostics.iter().map(|d| d.rule.name()).collect();
                assert!(rules.contains(&"issue-date-conflict"), "{rules:?}");
                assert!(rules.contains(&"dateline-dash"), "{rules:?}");
                let typed = lsp::PublishDiagnosticsParams::new(
                    uri.clone(),
                    state.to_lsp(&uri, diagnostics),
                    Some(3),
                );
                let written = state.publish_json(&uri, diagnostics, 3).expect("open");
                let read: serde_json::Value = serde_json::from_slice(&written).expect("valid JSON");
                assert_eq!(read, serde_json::to_value(&typed).expect("serialises"));
                let related = read["diagnostics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|d| d.get("relatedInformation").is_some());
                assert_eq!(related, fields.related_information);
            }
        }
    }
}
