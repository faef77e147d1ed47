//! The one entry point every face calls: text in, model and diagnostics out.
//!
//! `bulletin check`, the language server and the tests all go through
//! `analyze` / `check_files`, so what CI reports and what the editor
//! underlines cannot drift apart.

use std::path::Path;

use tree_sitter::Tree;

use crate::archive::{self, IssueMention};
use crate::checks;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::entities::{self, AcronymClaim, ArticleEntities};
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
    entities::check_article_entities(
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
    let tree = syntax::parse(text, None);
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
    let indexed: Vec<(FileId, &FileAnalysis)> = analyses
        .iter()
        .enumerate()
        .map(|(index, analysis)| (FileId(index as u32), analysis))
        .collect();
    let mut cross: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
    for (file, diagnostic) in archive_diagnostics(&indexed, &archive_config, &name_of) {
        if let Some(slot) = cross.get_mut(file.0 as usize) {
            slot.push(diagnostic);
        }
    }
    analyses
        .into_iter()
        .zip(cross)
        .zip(files)
        .map(|((analysis, cross), file)| {
            let mut diagnostics = analysis.diagnostics.clone();
            diagnostics.extend(cross);
            let mut diagnostics = configure(diagnostics, file.config, file.path);
            sort(&mut diagnostics);
            CheckedFile {
                analysis,
                diagnostics,
            }
        })
        .collect()
}

/// The cross-file rules over files analysed on their own: issue dates and
/// sequence, and acronyms expanded two ways. The language server calls this
/// over its workspace index, `check_files` over the files given.
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
    let mut out: Vec<(FileId, Diagnostic)> = archive::check_archive(mentions, config, display_name)
        .into_iter()
        .map(|found| (found.file, found.diagnostic))
        .collect();
    out.extend(entities::check_acronym_spellings(
        claims,
        &config.gazetteer,
        display_name,
    ));
    out
}

/// A line index for `text`; re-exported here so faces need one import.
pub fn line_index(text: &str) -> LineIndex {
    LineIndex::new(text)
}
