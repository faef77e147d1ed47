//! The one entry point every face calls: text in, model and diagnostics out.
//!
//! `bulletin check`, the language server and the tests all go through
//! `analyze` / `check_files`, so what CI reports and what the editor
//! underlines cannot drift apart.

use std::path::Path;

use tree_sitter::Tree;

use crate::checks;
use crate::checks::archive::{self, IssueClaims, IssueMention};
use crate::checks::entity::{self, AcronymClaim, AcronymTally};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::entities::{self, ArticleEntities};
use crate::line_index::LineIndex;
use crate::model::{Article, Document};
use crate::syntax;

#[derive(Debug, Clone)]
pub struct FileAnalysis {
    pub document: Document,
    /// Article-level findings at default severity, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The entities of each article, parallel to `document.articles`.
    pub entities: Vec<ArticleEntities>,
}

/// What one article yields: its findings and its entities.
#[derive(Debug, Clone)]
pub struct ArticleAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    pub entities: ArticleEntities,
}

/// Runs every article-level rule on one article (default severities).
pub fn analyze_article(text: &str, article: &Article, config: &Config) -> ArticleAnalysis {
    // Nothing after an article bears on it: the server reuses an article's
    // analysis while its range is unchanged, whatever follows it.
    let text = text.get(..article.range.end).unwrap_or(text);
    let mut diagnostics = checks::check_article(text, article, config);
    let entities = entities::article_entities(text, article, &config.gazetteer);
    entity::check_article_entities(
        text,
        article,
        &entities,
        &config.gazetteer,
        &mut diagnostics,
    );
    ArticleAnalysis {
        diagnostics,
        entities,
    }
}

/// Parses and checks one text on its own (no cross-file rules).
pub fn analyze(text: &str, config: &Config) -> (Option<Tree>, FileAnalysis) {
    let tree = syntax::parse(text);
    let analysis = analyze_tree(text, tree.as_ref(), config);
    (tree, analysis)
}

/// Builds the model from an existing tree and runs the article-level rules.
pub fn analyze_tree(text: &str, tree: Option<&Tree>, config: &Config) -> FileAnalysis {
    let document = Document::build(text, tree);
    let mut diagnostics = Vec::new();
    let mut article_entities = Vec::with_capacity(document.articles.len());
    for article in &document.articles {
        let analysis = analyze_article(text, article, config);
        diagnostics.extend(analysis.diagnostics);
        article_entities.push(analysis.entities);
    }
    sort(&mut diagnostics);
    FileAnalysis {
        document,
        diagnostics,
        entities: article_entities,
    }
}

pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule).cmp(&(b.range.start, b.range.end, b.rule))
    });
}

/// Applies the configuration to raw findings: rules turned off or ignored
/// for `path` disappear, the rest take their configured severity.
pub fn configure(
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    path: Option<&Path>,
) -> Vec<Diagnostic> {
    let ignored = path
        .map(|path| config.ignored_rules(path))
        .unwrap_or_default();
    diagnostics
        .into_iter()
        .filter(|diagnostic| !ignored.contains(&diagnostic.rule))
        .filter_map(|mut diagnostic| {
            diagnostic.severity = config.severity_of(diagnostic.rule, diagnostic.severity)?;
            Some(diagnostic)
        })
        .collect()
}

/// A file to check together with others.
pub struct SourceFile<'a> {
    /// How messages name the file (the path as given, or workspace-relative).
    pub name: String,
    pub path: Option<&'a Path>,
    pub text: &'a str,
    pub config: &'a Config,
}

/// Everything found in one file of a `check_files` run.
pub struct CheckedFile {
    pub analysis: FileAnalysis,
    /// Article-level and cross-file findings, configured and sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks files together: each on its own (in parallel), then the cross-file
/// rules over all of them. Output order follows input order.
pub fn check_files(files: &[SourceFile<'_>]) -> Vec<CheckedFile> {
    check_files_observed(files, &|| {})
}

/// `check_files`, calling `on_analysed` as each file's own analysis is done
/// (from worker threads), so a face can show progress.
pub fn check_files_observed(
    files: &[SourceFile<'_>],
    on_analysed: &(dyn Fn() + Sync),
) -> Vec<CheckedFile> {
    use rayon::prelude::*;
    let analyses: Vec<FileAnalysis> = files
        .par_iter()
        .map(|file| {
            let analysis = analyze(file.text, file.config).1;
            on_analysed();
            analysis
        })
        .collect();
    let archive_config = files
        .first()
        .map(|file| file.config)
        .cloned()
        .unwrap_or_default();
    let name_of = |file: FileId| {
        files
            .get(file.0 as usize)
            .map_or_else(String::new, |file| file.name.clone())
    };
    let summaries: Vec<FileSummary> = analyses
        .iter()
        .enumerate()
        .map(|(index, analysis)| FileSummary::of(FileId(index as u32), analysis))
        .collect();
    let mut cross = cross_file_diagnostics(summaries, files.len(), &archive_config, &name_of);
    analyses
        .into_iter()
        .zip(cross.iter_mut())
        .zip(files)
        .map(|((analysis, cross), file)| {
            let diagnostics = finish(
                analysis.diagnostics.clone(),
                std::mem::take(cross),
                file.config,
                file.path,
            );
            CheckedFile {
                analysis,
                diagnostics,
            }
        })
        .collect()
}

/// What the cross-file rules need of one file: its readable issue claims
/// and its acronym definitions. A check that streams its files keeps this
/// (a few dozen bytes per article) and lets go of the text and the model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSummary {
    pub mentions: Vec<IssueMention>,
    pub acronyms: AcronymTally,
}

impl FileSummary {
    /// The summary of `analysis`, the analysis of the file `file`.
    pub fn of(file: FileId, analysis: &FileAnalysis) -> FileSummary {
        let mut mentions = archive::issue_mentions(&analysis.document, file);
        mentions.shrink_to_fit();
        let mut acronyms = AcronymTally::default();
        for definition in analysis
            .entities
            .iter()
            .flat_map(|article| &article.acronyms)
        {
            acronyms.add(
                file,
                &definition.abbr,
                &definition.expansion,
                definition.expansion_range,
            );
        }
        FileSummary { mentions, acronyms }
    }
}

/// What the cross-file rules need of a whole archive, gathered file by file
/// in the files' order: the issue claims, packed, and one tally of acronym
/// claims, each spelling once.
#[derive(Debug, Default)]
pub struct ArchiveSummary {
    issues: IssueClaims,
    acronyms: AcronymTally,
}

impl ArchiveSummary {
    /// Adds the summary of the next file; `config` is the one the
    /// cross-file rules will run with ([`ArchiveSummary::diagnostics`]).
    pub fn add(&mut self, summary: FileSummary, config: &Config) {
        for mention in &summary.mentions {
            self.issues.add(mention);
        }
        self.acronyms.append(summary.acronyms, &config.gazetteer);
    }

    /// The cross-file rules over the files added: their findings, at
    /// default severity, sorted by file.
    pub fn diagnostics(
        self,
        config: &Config,
        display_name: &dyn Fn(FileId) -> String,
    ) -> Vec<(FileId, Diagnostic)> {
        let mut found = cross_file_tallied(&self.issues, &self.acronyms, config, display_name);
        found.sort_by_key(|(file, _)| *file);
        found
    }
}

/// The cross-file rules over the summaries of `count` files, whose
/// `FileId`s are their indices: each file's findings, at default severity.
pub fn cross_file_diagnostics(
    summaries: Vec<FileSummary>,
    count: usize,
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<Vec<Diagnostic>> {
    let mut archive = ArchiveSummary::default();
    for summary in summaries {
        archive.add(summary, config);
    }
    let mut cross: Vec<Vec<Diagnostic>> = vec![Vec::new(); count];
    for (file, diagnostic) in archive.diagnostics(config, display_name) {
        if let Some(slot) = cross.get_mut(file.0 as usize) {
            slot.push(diagnostic);
        }
    }
    cross
}

/// One file's findings, complete: its own and the cross-file ones,
/// configured for its path and sorted.
pub fn finish(
    own: Vec<Diagnostic>,
    cross: Vec<Diagnostic>,
    config: &Config,
    path: Option<&Path>,
) -> Vec<Diagnostic> {
    let mut diagnostics = own;
    diagnostics.extend(cross);
    let mut diagnostics = configure(diagnostics, config, path);
    sort(&mut diagnostics);
    diagnostics
}

/// The cross-file rules over files analysed on their own: issue dates and
/// sequence, and acronyms expanded two ways. The language server runs the
/// same two rules over its workspace index, `check_files` over the files given.
pub fn archive_diagnostics(
    files: &[(FileId, &FileAnalysis)],
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<(FileId, Diagnostic)> {
    let mentions: Vec<IssueMention> = files
        .iter()
        .flat_map(|(file, analysis)| archive::issue_mentions(&analysis.document, *file))
        .collect();
    let claims: Vec<AcronymClaim> = files
        .iter()
        .flat_map(|(file, analysis)| {
            analysis
                .entities
                .iter()
                .flat_map(move |article| article.claims(*file))
        })
        .collect();
    cross_file(&mentions, &claims, config, display_name)
}

/// The archive-wide rules over the issue mentions and acronym claims of
/// every file judged together: what `bulletin check` and the language
/// server's workspace both run (the server from per-article caches).
pub fn cross_file(
    mentions: &[IssueMention],
    claims: &[AcronymClaim],
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<(FileId, Diagnostic)> {
    cross_file_tallied(
        &IssueClaims::of(mentions.to_vec()),
        &AcronymTally::of(claims),
        config,
        display_name,
    )
}

/// The archive-wide rules over claims gathered: the one place both
/// `cross_file` and a streamed check (`ArchiveSummary`) run them.
fn cross_file_tallied(
    issues: &IssueClaims,
    acronyms: &AcronymTally,
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<(FileId, Diagnostic)> {
    let mut out: Vec<(FileId, Diagnostic)> = issues
        .check(config, display_name)
        .into_iter()
        .map(|found| (found.file, found.diagnostic))
        .collect();
    out.extend(acronyms.check(&config.gazetteer, display_name));
    out
}

/// A line index for `text`; re-exported here so faces need one import.
pub fn line_index(text: &str) -> LineIndex {
    LineIndex::new(text)
}
