//! The document store's comparisons with a fresh parse and a whole-document
//! analysis: shared by `tests/document_store.rs` (proptest),
//! `tests/fuzz_regressions.rs` and the `document_store` fuzz target (which
//! includes this file by path). Every check panics on a difference.

#![allow(dead_code)]

use bulletin_core::config::Config;
use bulletin_core::ide::document::{Document, SegmentLimits, SegmentSummary};
use tree_sitter::{Node, Tree};

/// Every node of `tree`: its kind and byte range, in document order.
pub fn nodes(tree: &Tree) -> Vec<(String, usize, usize)> {
    fn walk(node: Node<'_>, out: &mut Vec<(String, usize, usize)>) {
        out.push((node.kind().to_string(), node.start_byte(), node.end_byte()));
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(tree.root_node(), &mut out);
    out
}

/// How many segments keep their tree.
pub fn trees(document: &Document) -> usize {
    document
        .segments()
        .filter(|(_, _, tree)| tree.is_some())
        .count()
}

/// The document's text and rope are `expected`.
pub fn check_text(document: &Document, expected: &str) {
    assert_eq!(document.text, expected, "the store's text");
    assert_eq!(document.rope.to_string(), expected, "the store's rope");
}

/// The segments cover the text in order; each parsed segment's summary is
/// that of a fresh parse of its text, and each hot segment's tree is that
/// parse; at most `hot_trees` segments keep a tree.
pub fn check_segments(document: &Document, limits: SegmentLimits) {
    let mut covered = 0;
    for ((start, text, tree), summary) in document.segments().zip(document.segment_summaries()) {
        assert_eq!(
            start, covered,
            "a segment does not start where the last ended"
        );
        covered += text.len();
        let fresh = bulletin_core::syntax::parse(text).expect("a parser");
        if let Some(tree) = tree {
            assert_eq!(
                nodes(tree),
                nodes(&fresh),
                "a hot segment's tree differs from a fresh parse of its text at {start}"
            );
        }
        if let Some(summary) = summary {
            assert_eq!(
                summary,
                &SegmentSummary::of(Some(&fresh), text),
                "a segment's summary differs from a fresh parse's at {start}"
            );
        }
    }
    assert_eq!(covered, document.text.len(), "the segments cover the text");
    assert!(
        trees(document) <= limits.hot_trees,
        "{} trees kept, limit {}",
        trees(document),
        limits.hot_trees
    );
}

/// After `update`: the diagnostics (moves still pending, applied on the
/// fly) equal those of a fresh whole-document analysis of the text.
pub fn check_diagnostics_against_fresh(document: &Document, config: &Config) {
    let (_, analysis) = bulletin_core::analysis::analyze(&document.text, config);
    let mut mine = document.diagnostics();
    bulletin_core::analysis::sort(&mut mine);
    assert_eq!(
        mine, analysis.diagnostics,
        "the store's diagnostics differ from a whole-document analysis"
    );
}

/// After `refresh`: every segment was parsed, and the articles, the model
/// and the diagnostics equal those of a fresh whole-document analysis.
pub fn check_against_fresh(document: &Document, config: &Config) {
    assert!(
        document
            .segment_summaries()
            .all(|summary| summary.is_some()),
        "a segment is still unparsed after refresh"
    );
    let (_, analysis) = bulletin_core::analysis::analyze(&document.text, config);
    let mine: Vec<_> = document
        .articles()
        .iter()
        .map(|entry| {
            (
                entry.article.range,
                entry.article.headline.text.text(&document.text).to_string(),
            )
        })
        .collect();
    let fresh: Vec<_> = analysis
        .document
        .articles
        .iter()
        .map(|article| {
            (
                article.range,
                article.headline.text.text(&document.text).to_string(),
            )
        })
        .collect();
    assert_eq!(
        mine, fresh,
        "the store's articles differ from a whole parse"
    );
    assert_eq!(
        document.model(),
        analysis.document,
        "the store's model differs from a whole parse"
    );
    let mut mine = document.diagnostics();
    bulletin_core::analysis::sort(&mut mine);
    assert_eq!(
        mine, analysis.diagnostics,
        "the store's diagnostics differ from a whole-document analysis"
    );
}
