//! Folding: one region per article, from its first line to its last
//! non-blank one, labelled with its headline.

use super::document::Document;
use crate::model::Article;

/// A region an editor can fold: whole lines, 0-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    /// What a folded article shows: its headline.
    pub collapsed_text: String,
}

/// The end of an article's last non-blank line.
pub(crate) fn article_end(document: &Document, article: &Article) -> usize {
    article.range.start + article.range.slice(&document.text).trim_end().len()
}

/// One fold per article that spans more than a line.
pub fn folding_ranges(document: &Document) -> Vec<Fold> {
    document
        .articles()
        .iter()
        .filter_map(|entry| {
            let article = &entry.article;
            let start = document.rope.byte_to_line(article.range.start) as u32;
            let end_offset = article_end(document, article).min(document.rope.len_bytes());
            let end = document.rope.byte_to_line(end_offset) as u32;
            (end > start).then(|| Fold {
                start_line: start,
                end_line: end,
                collapsed_text: article.title(&document.text),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, PAGE};

    #[test]
    fn each_article_folds_from_its_headline_to_its_last_line() {
        let fixture = fixture(PAGE);
        let document = fixture.workspace.document(&fixture.key).expect("open");
        let folds: Vec<(u32, u32, String)> = folding_ranges(document)
            .into_iter()
            .map(|fold| (fold.start_line, fold.end_line, fold.collapsed_text))
            .collect();
        assert_eq!(
            folds,
            [
                (1, 11, "Grain corridor talks resume in Almaty".to_string()),
                (13, 17, "Rail tariffs fall by a fifth".to_string()),
                (19, 23, "Water before wheat".to_string()),
            ]
        );
    }
}
