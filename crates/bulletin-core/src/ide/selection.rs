//! Selection ranges: from the cursor outwards — a dateline's part or an
//! issue reference's, the dateline or the line, the block (paragraph,
//! byline…), the article, the page.

use super::document::Document;
use super::folding::article_end;
use crate::line_index;
use crate::text_range::TextRange;

/// The parts of the document under `offset`, from the widest to the
/// narrowest, each strictly inside the one before.
pub fn enclosing_ranges(document: &Document, offset: usize) -> Vec<TextRange> {
    let mut out = vec![TextRange::new(0, document.text.len())];
    let Some(entry) = document.article_at(offset) else {
        if let Some(header) = document.header.as_ref().filter(|h| h.range.touches(offset)) {
            out.push(header.range);
        }
        return out;
    };
    let article = &entry.article;
    out.push(TextRange::new(
        article.range.start,
        article_end(document, article),
    ));
    let mut blocks: Vec<TextRange> = vec![article.headline.range];
    blocks.extend(article.standfirst.as_ref().map(|s| s.range));
    blocks.extend(article.paragraphs.iter().copied());
    blocks.extend(article.byline.as_ref().map(|b| b.range));
    blocks.extend(article.issue_ref.as_ref().map(|i| i.range));
    blocks.extend(article.ends);
    blocks.extend(article.copyright);
    if let Some(block) = blocks.into_iter().find(|range| range.touches(offset)) {
        out.push(block);
    }
    // The dateline, or else the line.
    match article
        .dateline
        .as_ref()
        .filter(|d| d.range.touches(offset))
    {
        Some(dateline) => out.push(dateline.range),
        None => {
            let line = document.rope.byte_to_line(offset.min(document.text.len()));
            let start = document.rope.line_to_byte(line);
            let end = line_index::find_line_end(&document.text[start..])
                .map_or(document.text.len(), |at| start + at);
            out.push(TextRange::new(start, end));
        }
    }
    let mut parts: Vec<TextRange> = Vec::new();
    if let Some(dateline) = &article.dateline {
        parts.extend(dateline.pieces.iter().map(|(_, range)| *range));
    }
    if let Some(issue) = &article.issue_ref {
        parts.extend(
            [
                &issue.kind,
                &issue.number,
                &issue.month,
                &issue.day,
                &issue.year,
            ]
            .into_iter()
            .flatten()
            .map(|span| span.range),
        );
        parts.extend(issue.publications.iter().map(|span| span.range));
    }
    parts.extend(article.headline.kind_prefix.as_ref().map(|s| s.range));
    parts.push(article.headline.text.range);
    if let Some(byline) = &article.byline {
        parts.extend(byline.name.as_ref().map(|s| s.range));
        parts.extend(byline.role.as_ref().map(|s| s.range));
    }
    if let Some(part) = parts.into_iter().find(|range| range.touches(offset)) {
        out.push(part);
    }
    // Keep a strictly nested chain.
    let mut chain: Vec<TextRange> = Vec::new();
    for range in out {
        match chain.last() {
            Some(last) if *last == range => {}
            Some(last) if !(last.start <= range.start && range.end <= last.end) => {}
            _ => chain.push(range),
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, page_at};

    /// The chain at the cursor, narrowest first, each as its text (cut at 40 bytes).
    fn check(text: &str, expect: &[&str]) {
        let fixture = fixture(text);
        let document = fixture.workspace.document(&fixture.key).expect("open");
        let chain: Vec<String> = enclosing_ranges(document, fixture.offset)
            .into_iter()
            .rev()
            .map(|range| range.slice(&document.text).chars().take(40).collect())
            .collect();
        assert_eq!(chain, expect);
    }

    #[test]
    fn from_a_dateline_part_out_to_the_page() {
        check(
            &page_at("MARCH 10"),
            &[
                "MARCH",
                "ALMATY, MARCH 10 (The Bulletin) —",
                "ALMATY, MARCH 10 (The Bulletin) — The Sh",
                "Grain corridor talks resume in Almaty\n\n>",
                "Tag Archives: Steppe\nGrain corridor talk",
            ],
        );
    }

    #[test]
    fn from_an_issue_number_out_to_the_page() {
        check(
            &page_at("412, published"),
            &[
                "412",
                "(News report from Issue No. 412, publish",
                "Grain corridor talks resume in Almaty\n\n>",
                "Tag Archives: Steppe\nGrain corridor talk",
            ],
        );
    }

    #[test]
    fn a_one_line_paragraph_is_one_step() {
        check(
            &page_at("not give"),
            &[
                "Mr Alimov did not give a date.",
                "Grain corridor talks resume in Almaty\n\n>",
                "Tag Archives: Steppe\nGrain corridor talk",
            ],
        );
    }
}
