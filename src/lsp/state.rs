//! What the server knows: open documents, the workspace index (files on
//! disk, for cross-file rules and workspace-wide features), configuration,
//! and the conversion of core diagnostics into LSP ones.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::json;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, Location, NumberOrString, TextEdit,
    Uri,
};

use super::convert::{Encoding, Lines, TextLines};
use super::document::Document;
use crate::analysis;
use crate::archive::{self, IssueMention};
use crate::config::{Config, ConfigFile};
use crate::diagnostic::{Applicability, Diagnostic, FileId, Severity};
use crate::entities::{self, AcronymClaim};
use crate::line_index::LineIndex;
use crate::model;

/// A workspace file that is not open (or whose disk copy is shadowed by an open one).
pub struct IndexedFile {
    pub path: PathBuf,
    pub text: String,
    pub index: LineIndex,
    pub document: model::Document,
    /// Article-level findings at default severity.
    pub diagnostics: Vec<Diagnostic>,
    pub mentions: Vec<IssueMention>,
    pub claims: Vec<AcronymClaim>,
}

impl IndexedFile {
    pub fn read(path: &Path, config: &Config) -> Option<IndexedFile> {
        let text = std::fs::read_to_string(path).ok()?;
        Some(IndexedFile::from_text(path.to_path_buf(), text, config))
    }

    pub fn from_text(path: PathBuf, text: String, config: &Config) -> IndexedFile {
        let (_, analysis) = analysis::analyze(&text, config);
        let mentions = archive::issue_mentions(&analysis.document, FileId(0));
        let claims = analysis
            .entities
            .iter()
            .flat_map(|article| article.acronyms.iter())
            .map(|definition| AcronymClaim {
                file: FileId(0),
                abbr: definition.abbr.clone(),
                expansion: definition.expansion.clone(),
                expansion_range: definition.expansion_range,
            })
            .collect();
        IndexedFile {
            path,
            index: LineIndex::new(&text),
            text,
            document: analysis.document,
            diagnostics: analysis.diagnostics,
            mentions,
            claims,
        }
    }

    pub fn lines(&self) -> TextLines<'_> {
        TextLines {
            text: &self.text,
            index: &self.index,
        }
    }
}

pub struct State {
    pub encoding: Encoding,
    pub roots: Vec<PathBuf>,
    /// From `bulletin.toml` (defaults when there is none).
    pub file_config: Config,
    /// The client's `bulletin` settings, applied over `file_config`.
    pub settings: Option<serde_json::Value>,
    pub config: Config,
    /// Bumped whenever `config` changes, so cached analyses are redone.
    pub generation: u64,
    pub docs: BTreeMap<Uri, Document>,
    pub index: BTreeMap<Uri, IndexedFile>,
    /// Last full semantic tokens sent per document: (result id, data).
    pub semantic: HashMap<Uri, (String, Vec<lsp::SemanticToken>)>,
    pub next_result_id: u64,
    /// What was last pushed for each document, to skip republishing equal sets.
    pub published: HashMap<Uri, Vec<lsp::Diagnostic>>,
}

impl Default for State {
    fn default() -> State {
        State {
            encoding: Encoding::Utf16,
            roots: Vec::new(),
            file_config: Config::default(),
            settings: None,
            config: Config::default(),
            generation: 0,
            docs: BTreeMap::new(),
            index: BTreeMap::new(),
            semantic: HashMap::new(),
            next_result_id: 0,
            published: HashMap::new(),
        }
    }
}

/// A file of the workspace, open or indexed.
pub enum FileRef<'a> {
    Open(&'a Document),
    Indexed(&'a IndexedFile),
}

impl FileRef<'_> {
    pub fn position(&self, offset: usize, encoding: Encoding) -> lsp::Position {
        match self {
            FileRef::Open(document) => document.rope.position(offset, encoding),
            FileRef::Indexed(file) => file.lines().position(offset, encoding),
        }
    }

    pub fn range(&self, range: crate::text_range::TextRange, encoding: Encoding) -> lsp::Range {
        lsp::Range::new(
            self.position(range.start, encoding),
            self.position(range.end, encoding),
        )
    }

    /// Every article of the file.
    pub fn articles(&self) -> Vec<&model::Article> {
        match self {
            FileRef::Open(document) => document
                .articles()
                .iter()
                .map(|entry| &entry.article)
                .collect(),
            FileRef::Indexed(file) => file.document.articles.iter().collect(),
        }
    }
}

impl State {
    /// Reads `bulletin.toml` for the first workspace root and applies the client settings.
    pub fn reload_config(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        let root = self.roots.first().cloned();
        self.file_config = match root.as_deref().map(Config::load_for) {
            Some(Ok(config)) => config,
            Some(Err(err)) => {
                problems.push(err.message);
                Config::default()
            }
            None => Config::default(),
        };
        let mut config = self.file_config.clone();
        if let Some(settings) = self.settings.clone().filter(|value| !value.is_null()) {
            match serde_json::from_value::<ConfigFile>(settings) {
                Ok(file) => {
                    if let Err(err) = config.apply(file) {
                        problems.push(format!("bulletin settings: {}", err.message));
                    }
                }
                Err(err) => problems.push(format!("bulletin settings: {err}")),
            }
        }
        if config.root.is_none() {
            config.root = root;
        }
        self.config = config;
        self.generation += 1;
        problems
    }

    /// Every file of the workspace: open documents shadow their disk copies.
    /// A file's position in this list is its `FileId` for the cross-file rules.
    pub fn files(&self) -> Vec<(&Uri, FileRef<'_>)> {
        let mut files: Vec<(&Uri, FileRef<'_>)> = self
            .docs
            .iter()
            .map(|(uri, document)| (uri, FileRef::Open(document)))
            .collect();
        files.extend(
            self.index
                .iter()
                .filter(|(uri, _)| !self.docs.contains_key(*uri))
                .map(|(uri, file)| (uri, FileRef::Indexed(file))),
        );
        files.sort_by(|a, b| a.0.cmp(b.0));
        files
    }

    /// Puts a disk file into the workspace index, unless it is open: the
    /// open document shadows it, and the index must not hold a second copy
    /// of its text.
    pub fn insert_indexed(&mut self, uri: Uri, file: IndexedFile) {
        if !self.docs.contains_key(&uri) {
            self.index.insert(uri, file);
        }
    }

    pub fn refresh_all(&mut self) {
        let (config, generation) = (&self.config, self.generation);
        for document in self.docs.values_mut() {
            document.refresh(config, generation);
        }
    }

    /// How messages name a file: its path relative to the workspace root.
    pub fn display_name(&self, uri: &Uri) -> String {
        let Some(path) = uri.to_file_path() else {
            return uri.as_str().to_string();
        };
        for root in &self.roots {
            if let Ok(relative) = path.strip_prefix(root) {
                return relative.display().to_string();
            }
        }
        path.display().to_string()
    }

    /// The configured diagnostics of every file, as `bulletin check` reports
    /// them: article-level and cross-file findings through `configure`.
    /// Documents must be refreshed first.
    pub fn all_diagnostics(&self) -> Vec<(Uri, Vec<Diagnostic>)> {
        let files = self.files();
        let mentions: Vec<IssueMention> = files
            .iter()
            .enumerate()
            .flat_map(|(at, (_, file))| {
                let id = FileId(at as u32);
                match file {
                    FileRef::Open(document) => document.mentions(id),
                    FileRef::Indexed(indexed) => indexed
                        .mentions
                        .iter()
                        .map(|mention| IssueMention {
                            file: id,
                            ..mention.clone()
                        })
                        .collect(),
                }
            })
            .collect();
        let claims: Vec<AcronymClaim> = files
            .iter()
            .enumerate()
            .flat_map(|(at, (_, file))| {
                let id = FileId(at as u32);
                match file {
                    FileRef::Open(document) => document.claims(id),
                    FileRef::Indexed(indexed) => indexed
                        .claims
                        .iter()
                        .map(|claim| AcronymClaim {
                            file: id,
                            ..claim.clone()
                        })
                        .collect(),
                }
            })
            .collect();
        let names: Vec<String> = files
            .iter()
            .map(|(uri, _)| self.display_name(uri))
            .collect();
        let name_of = |file: FileId| names.get(file.0 as usize).cloned().unwrap_or_default();
        let mut cross: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
        // The same cross-file rules as `analysis::archive_diagnostics`, fed
        // from per-article caches instead of whole-file analyses.
        let found = archive::check_archive(&mentions, &self.config, &name_of)
            .into_iter()
            .map(|found| (found.file, found.diagnostic))
            .chain(entities::check_acronym_spellings(&claims, &name_of));
        for (file, diagnostic) in found {
            if let Some(slot) = cross.get_mut(file.0 as usize) {
                slot.push(diagnostic);
            }
        }
        files
            .iter()
            .zip(cross)
            .map(|((uri, file), cross)| {
                let mut diagnostics = match file {
                    FileRef::Open(document) => document.diagnostics(),
                    FileRef::Indexed(indexed) => indexed.diagnostics.clone(),
                };
                diagnostics.extend(cross);
                let path = uri.to_file_path();
                let mut diagnostics =
                    analysis::configure(diagnostics, &self.config, path.as_deref());
                analysis::sort(&mut diagnostics);
                ((*uri).clone(), diagnostics)
            })
            .collect()
    }

    /// The configured diagnostics of one file, in LSP form.
    pub fn lsp_diagnostics_for(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        let all = self.all_diagnostics();
        all.into_iter()
            .find(|(file, _)| file == uri)
            .map(|(_, diagnostics)| self.to_lsp(uri, &diagnostics))
            .unwrap_or_default()
    }

    pub fn file(&self, uri: &Uri) -> Option<FileRef<'_>> {
        if let Some(document) = self.docs.get(uri) {
            return Some(FileRef::Open(document));
        }
        self.index.get(uri).map(FileRef::Indexed)
    }

    /// Converts core diagnostics of `uri` to LSP ones.
    pub fn to_lsp(&self, uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
        let Some(file) = self.file(uri) else {
            return Vec::new();
        };
        let files = self.files();
        let encoding = self.encoding;
        diagnostics
            .iter()
            .map(|diagnostic| {
                let related: Vec<DiagnosticRelatedInformation> = diagnostic
                    .related
                    .iter()
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
                                other.range(related.range, encoding),
                            ),
                            message: related.message.clone(),
                        })
                    })
                    .collect();
                let data = diagnostic.fix.as_ref().map(|fix| {
                    let edits: Vec<TextEdit> = fix
                        .edits
                        .iter()
                        .map(|edit| {
                            TextEdit::new(
                                file.range(edit.range, encoding),
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
                    range: file.range(diagnostic.range, encoding),
                    severity: Some(severity(diagnostic.severity)),
                    code: Some(NumberOrString::String(diagnostic.rule.name().to_string())),
                    code_description: diagnostic
                        .rule
                        .doc_url()
                        .parse()
                        .ok()
                        .map(|href| CodeDescription { href }),
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

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// `*.bulletin` files under `roots` (respecting ignore files).
pub fn workspace_files(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        for entry in ignore::WalkBuilder::new(root).build().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "bulletin") && path.is_file() {
                out.push(path.to_path_buf());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
