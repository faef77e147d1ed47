//! What must hold of any analysed text, whatever its bytes: shared by
//! `tests/robustness.rs` (proptest), `tests/fuzz_regressions.rs` and the
//! cargo-fuzz targets in `fuzz/` (which include this file by path), so the
//! fuzzers check exactly what the tests check. Every check panics with a
//! message naming the part at fault: that is how a property test and
//! libFuzzer both report a violated property.

#![allow(dead_code)]

use bulletin_core::analysis::{analyze, archive_diagnostics, FileAnalysis};
use bulletin_core::config::Config;
use bulletin_core::diagnostic::{Diagnostic, FileId};
use bulletin_core::entities::ArticleEntities;
use bulletin_core::line_index::LineIndex;
use bulletin_core::model::{Article, Document, Span};
use bulletin_core::text_range::TextRange;
use tree_sitter::Tree;

/// `range` lies inside `text`, in order, both ends on character boundaries.
pub fn check_range(text: &str, range: TextRange, what: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{what}: {range:?} outside the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what}: {range:?} not on a character boundary"
    );
}

/// `inner` is a valid range of `text` and lies within `outer`.
fn check_within(text: &str, inner: TextRange, outer: TextRange, what: &str) {
    check_range(text, inner, what);
    assert!(
        outer.start <= inner.start && inner.end <= outer.end,
        "{what}: {inner:?} outside its article {outer:?}"
    );
}

/// A span's range is valid (its text is read from the text through it).
fn check_span(text: &str, span: &Span, article: TextRange, what: &str) {
    check_within(text, span.range, article, what);
}

/// The faces turn a diagnostic's ends into lines and columns: UTF-8 and
/// UTF-16 columns convert back to the same offset, and the CLI's human
/// position exists.
fn check_positions(text: &str, index: &LineIndex, range: TextRange, what: &str) {
    for offset in [range.start, range.end] {
        let utf8 = index.line_col(offset);
        assert_eq!(
            index.offset(text, utf8),
            offset,
            "{what}: {offset} -> {utf8:?} and back"
        );
        let utf16 = index.to_utf16(text, offset);
        assert_eq!(
            index.offset_utf16(text, utf16),
            offset,
            "{what}: {offset} -> {utf16:?} and back"
        );
        let human = index.to_human(text, offset);
        assert!(
            human.line == utf8.line as usize + 1 && human.column >= 1,
            "{what}: {offset} -> {human:?}"
        );
    }
}

/// Diagnostics (same-file ones): their ranges, their fixes' edits and their
/// related ranges without a file lie inside `text` on character boundaries,
/// and their ends convert to lines and columns and back.
pub fn check_diagnostics(text: &str, diagnostics: &[Diagnostic]) {
    let index = LineIndex::new(text);
    for diagnostic in diagnostics {
        let rule = diagnostic.rule.name();
        check_range(text, diagnostic.range, &format!("{rule}: range"));
        check_positions(text, &index, diagnostic.range, rule);
        if let Some(fix) = &diagnostic.fix {
            for edit in &fix.edits {
                check_range(text, edit.range, &format!("{rule}: fix edit"));
            }
            for pair in fix.edits.windows(2) {
                assert!(
                    pair[0].range.end <= pair[1].range.start,
                    "{rule}: fix edits {:?} and {:?} overlap or are out of order",
                    pair[0].range,
                    pair[1].range
                );
            }
        }
        for related in &diagnostic.related {
            if related.file.is_none() {
                check_range(text, related.range, &format!("{rule}: related range"));
            }
        }
    }
}

/// Every range and span of the model lies inside `text` on character
/// boundaries, each article's parts inside the article, and the articles in
/// order without overlapping.
pub fn check_model(text: &str, document: &Document) {
    if let Some(header) = &document.header {
        check_range(text, header.range, "header");
        for span in header.kind.iter().chain(&header.title) {
            check_span(text, span, header.range, "header part");
        }
    }
    let mut previous_end = document
        .header
        .as_ref()
        .map_or(0, |header| header.range.end);
    for article in &document.articles {
        check_range(text, article.range, "article");
        assert!(
            previous_end <= article.range.start,
            "article {:?} starts before the previous part's end {previous_end}",
            article.range
        );
        previous_end = article.range.end;
        check_article(text, article);
    }
}

fn check_article(text: &str, article: &Article) {
    let whole = article.range;
    let headline = &article.headline;
    check_within(text, headline.range, whole, "headline");
    for span in headline.kind_prefix.iter().chain([&headline.text]) {
        check_span(text, span, whole, "headline part");
    }
    if let Some(standfirst) = &article.standfirst {
        check_span(text, standfirst, whole, "standfirst");
    }
    for range in article
        .lead
        .iter()
        .chain(&article.paragraphs)
        .chain(&article.ends)
        .chain(&article.copyright)
    {
        check_within(text, *range, whole, "paragraph, ENDS or copyright");
    }
    if let Some(dateline) = &article.dateline {
        check_within(text, dateline.range, whole, "dateline");
        let parts = [
            &dateline.month,
            &dateline.day,
            &dateline.end_day,
            &dateline.year,
            &dateline.publication,
            &dateline.dash,
        ];
        for span in dateline.places.iter().chain(parts.into_iter().flatten()) {
            check_span(text, span, whole, "dateline part");
        }
        for (piece, range) in &dateline.pieces {
            check_within(text, *range, whole, &format!("dateline piece {piece:?}"));
        }
        if let Some(at) = dateline.text_start {
            check_range(text, TextRange::empty(at), "dateline text start");
        }
    }
    if let Some(byline) = &article.byline {
        check_within(text, byline.range, whole, "byline");
        for span in byline.name.iter().chain(&byline.role) {
            check_span(text, span, whole, "byline part");
        }
    }
    if let Some(issue) = &article.issue_ref {
        check_within(text, issue.range, whole, "issue reference");
        let parts = [
            &issue.kind,
            &issue.number,
            &issue.month,
            &issue.day,
            &issue.year,
        ];
        for span in parts
            .into_iter()
            .flatten()
            .chain(&issue.publications)
            .chain(&issue.junk)
        {
            check_span(text, span, whole, "issue reference part");
        }
        for range in issue.open_paren.iter().chain(&issue.close_paren) {
            check_within(text, *range, whole, "issue reference bracket");
        }
    }
}

/// Every entity range lies inside `text` (and inside its article), and each
/// article's mentions are sorted and do not overlap.
pub fn check_entities(text: &str, document: &Document, entities: &[ArticleEntities]) {
    assert_eq!(
        entities.len(),
        document.articles.len(),
        "one entity list per article"
    );
    for (article, found) in document.articles.iter().zip(entities) {
        let whole = article.range;
        for acronym in &found.acronyms {
            check_within(text, acronym.abbr_range, whole, "acronym");
            check_within(text, acronym.expansion_range, whole, "acronym expansion");
        }
        for person in &found.people {
            check_within(text, person.range, whole, "person");
        }
        for mention in &found.mentions {
            check_within(text, mention.range, whole, "mention");
        }
        for pair in found.mentions.windows(2) {
            assert!(
                pair[0].range.end <= pair[1].range.start,
                "mentions {:?} and {:?} overlap or are out of order",
                pair[0].range,
                pair[1].range
            );
        }
    }
}

/// What `bulletin symbols` and `bulletin entities` read from an analysis:
/// one outline entry per article, its lines in order and inside the text;
/// the entity summary counts each resolved mention at most once.
pub fn check_listings(text: &str, analysis: &FileAnalysis) {
    let index = LineIndex::new(text);
    let outline = bulletin_core::outline::outline(&analysis.document, text, &index);
    assert_eq!(
        outline.articles.len(),
        analysis.document.articles.len(),
        "one outline entry per article"
    );
    for entry in &outline.articles {
        assert!(
            1 <= entry.start_line
                && entry.start_line <= entry.end_line
                && entry.end_line <= index.line_count(),
            "outline lines {}..{} of {}",
            entry.start_line,
            entry.end_line,
            index.line_count()
        );
    }
    let gazetteer = &Config::default().gazetteer;
    let summary = bulletin_core::entities::summarize(&[(text, &analysis.entities)], gazetteer);
    let mentions: usize = analysis
        .entities
        .iter()
        .map(|article| article.mentions.len())
        .sum();
    let counted: usize = summary.iter().map(|entity| entity.mentions).sum();
    assert!(
        counted <= mentions,
        "the summary counts {counted} mentions of {mentions}"
    );
}

/// Everything one analysis says about `text`: the tree covers it, and the
/// diagnostics, the model, the entities and the listings stay inside it.
pub fn check_analysis(text: &str, tree: Option<&Tree>, analysis: &FileAnalysis) {
    if let Some(tree) = tree {
        assert_eq!(tree.root_node().end_byte(), text.len(), "the tree's end");
    }
    check_diagnostics(text, &analysis.diagnostics);
    check_model(text, &analysis.document);
    check_entities(text, &analysis.document, &analysis.entities);
    check_listings(text, analysis);
}

/// Runs the cross-file rules over `files` (texts and their analyses):
/// every finding, and every related range, lies inside the text of the file
/// it names.
fn check_archive(files: &[(&str, &FileAnalysis)], config: &Config) {
    let indexed: Vec<(FileId, &FileAnalysis)> = files
        .iter()
        .enumerate()
        .map(|(at, (_, analysis))| (FileId(at as u32), *analysis))
        .collect();
    let cross = archive_diagnostics(&indexed, config, &|file| format!("file{}", file.0));
    for (file, diagnostic) in &cross {
        let Some((text, _)) = files.get(file.0 as usize) else {
            panic!("a cross-file finding for an unknown file {file:?}");
        };
        check_diagnostics(text, std::slice::from_ref(diagnostic));
        for related in &diagnostic.related {
            let Some(other) = related.file else { continue };
            let Some((other_text, _)) = files.get(other.0 as usize) else {
                panic!("a related range in an unknown file {other:?}");
            };
            check_range(other_text, related.range, "cross-file related range");
        }
    }
}

/// Analyses `text` and checks everything: its own analysis, and the
/// cross-file rules over it alone and over its two halves (cut at a blank
/// line near the middle) as two files of one archive.
pub fn analyse_and_check(text: &str) -> FileAnalysis {
    let config = Config::default();
    let (tree, analysis) = analyze(text, &config);
    check_analysis(text, tree.as_ref(), &analysis);
    check_archive(&[(text, &analysis)], &config);
    let mut middle = text.len() / 2;
    while !text.is_char_boundary(middle) {
        middle -= 1;
    }
    let cut = text[middle..]
        .find("\n\n")
        .map_or(text.len(), |at| middle + at + 1);
    let (first, second) = text.split_at(cut);
    let (first_tree, first_analysis) = analyze(first, &config);
    check_analysis(first, first_tree.as_ref(), &first_analysis);
    let (second_tree, second_analysis) = analyze(second, &config);
    check_analysis(second, second_tree.as_ref(), &second_analysis);
    check_archive(
        &[(first, &first_analysis), (second, &second_analysis)],
        &config,
    );
    analysis
}
