//! The outline of a page: the archive's title and one entry per article, as
//! `bulletin symbols` prints it and the editor's outline shows it.

use jiff::civil::Date;

use crate::line_index::LineIndex;
use crate::model::{Article, Document};

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub headline: String,
    /// `comment`, `editorial`… from the headline's prefix.
    pub kind: Option<String>,
    pub place: Option<String>,
    pub date: Option<Date>,
    pub issue: Option<u32>,
    pub issue_date: Option<Date>,
    /// 1-based, inclusive.
    pub start_line: usize,
    pub end_line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub title: Option<String>,
    pub articles: Vec<OutlineEntry>,
}

pub fn outline(document: &Document, text: &str, index: &LineIndex) -> Outline {
    let title = document.header.as_ref().map(|header| {
        header.title.as_ref().map_or_else(
            || header.range.slice(text).trim().to_string(),
            |title| title.text(text).trim().to_string(),
        )
    });
    Outline {
        title,
        articles: document
            .articles
            .iter()
            .map(|article| entry(article, text, index))
            .collect(),
    }
}

/// The dateline's place as one name: `BISHKEK/Kyrgyzstan`, `ASTANA/ALMATY`.
pub fn place(text: &str, article: &Article) -> Option<String> {
    let dateline = article.dateline.as_ref()?;
    let names: Vec<&str> = dateline
        .places
        .iter()
        .map(|place| place.text(text))
        .collect();
    (!names.is_empty()).then(|| names.join("/"))
}

fn entry(article: &Article, text: &str, index: &LineIndex) -> OutlineEntry {
    // The article's last line is its last non-blank one.
    let body = article.range.slice(text).trim_end();
    let end = article.range.start + body.len();
    OutlineEntry {
        headline: article.title(text),
        kind: article.headline.kind.clone(),
        place: place(text, article),
        date: article.date(),
        issue: article.issue_number(),
        issue_date: article.issue_date(),
        start_line: index.line_col(article.range.start).line as usize + 1,
        end_line: index.line_col(end.max(article.range.start)).line as usize + 1,
    }
}
