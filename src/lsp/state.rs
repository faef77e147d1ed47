//! What the server knows: open documents, the workspace index (files on
//! disk, for cross-file rules and workspace-wide features), configuration,
//! and the conversion of core diagnostics into LSP ones.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::json;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, Location, NumberOrString, TextEdit,
    Uri,
};

use super::convert::{Encoding, Lines, TextLines};
use super::document::Document;
use bulletin_core::analysis;
use bulletin_core::archive::{self, IssueMention};
use bulletin_core::config::{Config, ConfigFile};
use bulletin_core::diagnostic::{Applicability, Diagnostic, FileId, Severity};
use bulletin_core::entities::{self, AcronymClaim, ArticleEntities};
use bulletin_core::line_index::LineIndex;
use bulletin_core::model;
use bulletin_core::text_range::TextRange;

/// A workspace file that is not open (or whose disk copy is shadowed by an open one).
pub(crate) struct IndexedFile {
    pub path: PathBuf,
    pub text: String,
    pub index: LineIndex,
    pub document: model::Document,
    /// Article-level findings at default severity.
    pub diagnostics: Vec<Diagnostic>,
    pub mentions: Vec<IssueMention>,
    pub claims: Vec<AcronymClaim>,
    /// The entities of each article, parallel to `document.articles`.
    pub entities: Vec<ArticleEntities>,
}

impl IndexedFile {
    pub(crate) fn read(path: &Path, config: &Config) -> Option<IndexedFile> {
        let text = std::fs::read_to_string(path).ok()?;
        Some(IndexedFile::from_text(path.to_path_buf(), text, config))
    }

    pub(crate) fn from_text(path: PathBuf, text: String, config: &Config) -> IndexedFile {
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
            entities: analysis.entities,
        }
    }

    pub(crate) fn lines(&self) -> TextLines<'_> {
        TextLines {
            text: &self.text,
            index: &self.index,
        }
    }
}

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

pub(crate) struct State {
    pub encoding: Encoding,
    /// The optional diagnostic fields the client accepts (set at initialize).
    pub diagnostic_fields: DiagnosticFields,
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
    /// What was last pushed for each document (its version, a fingerprint
    /// of the file list and the core diagnostics), to skip republishing
    /// equal sets without converting them again.
    pub published: HashMap<Uri, Published>,
    /// The last run of the cross-file rules, reused while no issue claim or
    /// acronym definition changed (only moved).
    cross: RefCell<Option<CrossCache>>,
}

/// What a publish sent for one document.
#[derive(PartialEq)]
pub(crate) struct Published {
    pub version: i32,
    pub files: u64,
    pub diagnostics: Vec<Diagnostic>,
}

/// The inputs and the findings of one run of the cross-file rules.
struct CrossCache {
    generation: u64,
    names: Vec<String>,
    mentions: Vec<IssueMention>,
    claims: Vec<AcronymClaim>,
    found: Vec<(FileId, Diagnostic)>,
}

impl CrossCache {
    /// The cached findings for new inputs that differ from the cached ones
    /// only in where they are written, their ranges moved; `None` when the
    /// rules must run again.
    fn reuse(
        &self,
        generation: u64,
        names: &[String],
        mentions: &[IssueMention],
        claims: &[AcronymClaim],
    ) -> Option<Vec<(FileId, Diagnostic)>> {
        if self.generation != generation
            || self.names != names
            || self.mentions.len() != mentions.len()
            || self.claims.len() != claims.len()
        {
            return None;
        }
        let same_mentions = self.mentions.iter().zip(mentions).all(|(old, new)| {
            old.file == new.file && old.number == new.number && old.date == new.date
        });
        let same_claims = self.claims.iter().zip(claims).all(|(old, new)| {
            old.file == new.file && old.abbr == new.abbr && old.expansion == new.expansion
        });
        if !same_mentions || !same_claims {
            return None;
        }
        // Old range → new range, per file. Both lists are in (file, position) order.
        let in_order = |ranges: &[(FileId, TextRange)]| {
            ranges
                .windows(2)
                .all(|pair| (pair[0].0, pair[0].1.start) < (pair[1].0, pair[1].1.start))
        };
        let old_dates: Vec<(FileId, TextRange)> = self
            .mentions
            .iter()
            .map(|mention| (mention.file, mention.date_range))
            .collect();
        let old_expansions: Vec<(FileId, TextRange)> = self
            .claims
            .iter()
            .map(|claim| (claim.file, claim.expansion_range))
            .collect();
        if !in_order(&old_dates) || !in_order(&old_expansions) {
            return None;
        }
        let map = |file: FileId, range: TextRange| -> Option<TextRange> {
            let find = |old: &[(FileId, TextRange)]| {
                old.binary_search_by(|probe| (probe.0, probe.1.start).cmp(&(file, range.start)))
                    .ok()
                    .filter(|&at| old[at].1 == range)
            };
            if let Some(at) = find(&old_dates) {
                return Some(mentions[at].date_range);
            }
            find(&old_expansions).map(|at| claims[at].expansion_range)
        };
        let mut out = Vec::with_capacity(self.found.len());
        for (file, diagnostic) in &self.found {
            let mut moved = diagnostic.clone();
            moved.range = map(*file, diagnostic.range)?;
            if let Some(fix) = &mut moved.fix {
                for edit in &mut fix.edits {
                    edit.range = map(*file, edit.range)?;
                }
            }
            for related in &mut moved.related {
                related.range = map(related.file.unwrap_or(*file), related.range)?;
            }
            out.push((*file, moved));
        }
        Some(out)
    }
}

impl Default for State {
    fn default() -> State {
        State {
            encoding: Encoding::Utf16,
            diagnostic_fields: DiagnosticFields::ALL,
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
            cross: RefCell::new(None),
        }
    }
}

/// A file of the workspace, open or indexed.
pub(crate) enum FileRef<'a> {
    Open(&'a Document),
    Indexed(&'a IndexedFile),
}

impl FileRef<'_> {
    pub(crate) fn position(&self, offset: usize, encoding: Encoding) -> lsp::Position {
        match self {
            FileRef::Open(document) => document.position(offset, encoding),
            FileRef::Indexed(file) => file.lines().position(offset, encoding),
        }
    }

    pub(crate) fn range(
        &self,
        range: bulletin_core::text_range::TextRange,
        encoding: Encoding,
    ) -> lsp::Range {
        lsp::Range::new(
            self.position(range.start, encoding),
            self.position(range.end, encoding),
        )
    }

    /// Every article of the file.
    pub(crate) fn articles(&self) -> Vec<&model::Article> {
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
    pub(crate) fn reload_config(&mut self) -> Vec<String> {
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
        // Settings often arrive unchanged (the client's answer after
        // `initialized`, a save of bulletin.toml): keep every cached analysis.
        if config != self.config {
            self.config = config;
            self.generation += 1;
        }
        problems
    }

    /// Every file of the workspace: open documents shadow their disk copies.
    /// A file's position in this list is its `FileId` for the cross-file rules.
    pub(crate) fn files(&self) -> Vec<(&Uri, FileRef<'_>)> {
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

    /// A hash of the file list (which `FileId` names which file).
    pub(crate) fn files_fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for (uri, _) in self.files() {
            uri.as_str().hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Puts a disk file into the workspace index, unless it is open: the
    /// open document shadows it, and the index must not hold a second copy
    /// of its text.
    pub(crate) fn insert_indexed(&mut self, uri: Uri, file: IndexedFile) {
        if !self.docs.contains_key(&uri) {
            self.index.insert(uri, file);
        }
    }

    /// Brings every open document's analyses up to date, leaving article
    /// moves pending: enough for `all_diagnostics`, not for features that
    /// read articles (those call `refresh_all`).
    pub(crate) fn update_all(&mut self) {
        let (config, generation) = (&self.config, self.generation);
        for document in self.docs.values_mut() {
            document.update(config, generation);
        }
    }

    pub(crate) fn refresh_all(&mut self) {
        let (config, generation) = (&self.config, self.generation);
        for document in self.docs.values_mut() {
            document.refresh(config, generation);
        }
    }

    /// How messages name a file: its path relative to the workspace root.
    pub(crate) fn display_name(&self, uri: &Uri) -> String {
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
    /// Documents must be updated (`update_all`) or refreshed first.
    pub(crate) fn all_diagnostics(&self) -> Vec<(Uri, Vec<Diagnostic>)> {
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
        // from per-article caches instead of whole-file analyses, and run
        // again only when a claim changed (not when one merely moved).
        let reused = self
            .cross
            .borrow()
            .as_ref()
            .and_then(|cache| cache.reuse(self.generation, &names, &mentions, &claims));
        let found = match reused {
            Some(found) => found,
            None => {
                let found: Vec<(FileId, Diagnostic)> =
                    archive::check_archive(&mentions, &self.config, &name_of)
                        .into_iter()
                        .map(|found| (found.file, found.diagnostic))
                        .chain(entities::check_acronym_spellings(
                            &claims,
                            &self.config.gazetteer,
                            &name_of,
                        ))
                        .collect();
                found
            }
        };
        *self.cross.borrow_mut() = Some(CrossCache {
            generation: self.generation,
            names: names.clone(),
            mentions,
            claims,
            found: found.clone(),
        });
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
    pub(crate) fn lsp_diagnostics_for(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        let all = self.all_diagnostics();
        all.into_iter()
            .find(|(file, _)| file == uri)
            .map(|(_, diagnostics)| self.to_lsp(uri, &diagnostics))
            .unwrap_or_default()
    }

    pub(crate) fn file(&self, uri: &Uri) -> Option<FileRef<'_>> {
        if let Some(document) = self.docs.get(uri) {
            return Some(FileRef::Open(document));
        }
        self.index.get(uri).map(FileRef::Indexed)
    }

    /// Converts core diagnostics of `uri` to LSP ones.
    pub(crate) fn to_lsp(&self, uri: &Uri, diagnostics: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
        let Some(file) = self.file(uri) else {
            return Vec::new();
        };
        let files = self.files();
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
                                other.range(related.range, encoding),
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

/// `*.bulletin` files under `roots` (respecting ignore files).
#[cfg(test)]
mod tests {
    use super::*;

    fn mention(number: u32, day: i8, at: usize) -> IssueMention {
        IssueMention {
            file: FileId(0),
            number,
            date: jiff::civil::date(2019, 1, day),
            range: TextRange::new(at, at + 40),
            date_range: TextRange::new(at + 20, at + 30),
        }
    }

    fn run(mentions: &[IssueMention], config: &Config) -> Vec<(FileId, Diagnostic)> {
        let name = |_: FileId| "a.bulletin".to_string();
        archive::check_archive(mentions, config, &name)
            .into_iter()
            .map(|found| (found.file, found.diagnostic))
            .collect()
    }

    #[test]
    fn cross_file_findings_follow_moved_claims() {
        let config = Config::default();
        let before = vec![
            mention(12, 10, 0),
            mention(12, 11, 100),
            mention(14, 1, 200),
        ];
        let cache = CrossCache {
            generation: 0,
            names: vec!["a.bulletin".to_string()],
            found: run(&before, &config),
            mentions: before,
            claims: Vec::new(),
        };
        assert!(!cache.found.is_empty());
        // Text inserted between the first and the second claim.
        let after = vec![
            mention(12, 10, 0),
            mention(12, 11, 105),
            mention(14, 1, 205),
        ];
        let names = ["a.bulletin".to_string()];
        let reused = cache.reuse(0, &names, &after, &[]);
        assert_eq!(reused, Some(run(&after, &config)));
        // A changed claim runs the rules again.
        let changed = vec![
            mention(12, 10, 0),
            mention(12, 10, 105),
            mention(14, 1, 205),
        ];
        assert_eq!(cache.reuse(0, &names, &changed, &[]), None);
        assert_eq!(cache.reuse(1, &names, &after, &[]), None);
    }
}
