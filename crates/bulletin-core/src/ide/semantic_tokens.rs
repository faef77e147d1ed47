//! Semantic tokens: the parts of datelines, headlines, bylines and issue
//! references, classified for an editor's colours. The legend (the token
//! types' names, in index order) is documented in docs/semantic-tokens.md;
//! the language server encodes these as the protocol's relative tokens.

use super::document::Document;
use crate::line_index;
use crate::model::Article;
use crate::text_range::TextRange;

/// The legend, in index order; documented in docs/semantic-tokens.md.
pub const TOKEN_TYPES: [&str; 11] = [
    "headline",
    "keyword",
    "place",
    "month",
    "day",
    "year",
    "publication",
    "operator",
    "number",
    "issueDate",
    "byline",
];

/// A token's type; its value is its index in `TOKEN_TYPES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Headline = 0,
    Kind = 1,
    Place = 2,
    Month = 3,
    Day = 4,
    Year = 5,
    Publication = 6,
    Dash = 7,
    IssueNumber = 8,
    IssueDate = 9,
    Byline = 10,
}

fn article_tokens(article: &Article, out: &mut Vec<(TextRange, Token)>) {
    let headline = &article.headline;
    if let Some(prefix) = &headline.kind_prefix {
        out.push((prefix.range, Token::Kind));
    }
    out.push((headline.text.range, Token::Headline));
    if let Some(dateline) = &article.dateline {
        use crate::model::DatelinePiece as P;
        for (piece, range) in &dateline.pieces {
            let token = match piece {
                P::Place => Token::Place,
                P::Month => Token::Month,
                P::Day => Token::Day,
                P::Year => Token::Year,
                P::Publication => Token::Publication,
                P::Dash => Token::Dash,
                _ => continue,
            };
            out.push((*range, token));
        }
    }
    if let Some(byline) = &article.byline {
        if let Some(name) = &byline.name {
            out.push((name.range, Token::Byline));
        }
    }
    if let Some(issue) = &article.issue_ref {
        if let Some(number) = &issue.number {
            out.push((number.range, Token::IssueNumber));
        }
        for span in [&issue.month, &issue.day, &issue.year]
            .into_iter()
            .flatten()
        {
            out.push((span.range, Token::IssueDate));
        }
        for publication in &issue.publications {
            out.push((publication.range, Token::Publication));
        }
    }
}

/// The tokens of the articles overlapping `within` (all when `None`), in
/// text order, never overlapping, each within one line (cut at its end),
/// never empty.
pub fn semantic_tokens(document: &Document, within: Option<TextRange>) -> Vec<(TextRange, Token)> {
    let mut raw: Vec<(TextRange, Token)> = Vec::new();
    for entry in document.articles() {
        let range = entry.article.range;
        if within.is_some_and(|within| range.end < within.start || range.start > within.end) {
            continue;
        }
        article_tokens(&entry.article, &mut raw);
    }
    raw.retain(|(range, _)| !range.is_empty());
    if let Some(within) = within {
        raw.retain(|(range, _)| range.end >= within.start && range.start <= within.end);
    }
    raw.sort_by_key(|(range, _)| range.start);
    let mut out = Vec::with_capacity(raw.len());
    let mut last_end = 0usize;
    for (range, token) in raw {
        if range.start < last_end {
            continue; // never overlap
        }
        // Tokens may not span lines: cut at the line's end.
        let line_end = line_index::find_line_end(&document.text[range.start..range.end])
            .map_or(range.end, |at| range.start + at);
        if line_end == range.start {
            continue;
        }
        out.push((TextRange::new(range.start, line_end), token));
        last_end = range.end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, PAGE};

    #[test]
    fn dateline_issue_and_byline_parts_are_classified_in_text_order() {
        let fixture = fixture(PAGE);
        let document = fixture.workspace.document(&fixture.key).expect("open");
        let third = PAGE.find("Editorial:").unwrap_or(0);
        let tokens: Vec<String> = semantic_tokens(document, Some(TextRange::new(0, third)))
            .into_iter()
            .map(|(range, token)| {
                format!(
                    "{} {}",
                    TOKEN_TYPES[token as usize],
                    range.slice(&document.text)
                )
            })
            .collect();
        assert_eq!(
            tokens,
            [
                "headline Grain corridor talks resume in Almaty",
                "place ALMATY",
                "month MARCH",
                "day 10",
                "publication The Bulletin",
                "operator —",
                "byline Dana Sultan",
                "number 412",
                "issueDate March",
                "issueDate 13",
                "issueDate 2017",
                "headline Rail tariffs fall by a fifth",
                "place ASTANA",
                "month MARCH",
                "day 9",
                "year 2017",
                "publication The Bulletin",
                "operator —",
                "number 412",
                "issueDate March",
                "issueDate 13",
                "issueDate 2017",
                // The range ends where the editorial starts: it touches it.
                "keyword Editorial:",
            ]
        );
    }
}
