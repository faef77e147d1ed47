//! headline-missing.

use super::ArticleContext;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Rule;

pub(super) fn check(context: &ArticleContext<'_>, out: &mut Vec<Diagnostic>) {
    let article = context.article;
    if article.has_headline {
        return;
    }
    let range = article
        .dateline
        .as_ref()
        .map(|dateline| dateline.range)
        .or(article.lead)
        .unwrap_or(article.range);
    let before = context.text.get(..article.range.start).unwrap_or("");
    let first_on_page = before
        .trim_start_matches('\u{feff}')
        .chars()
        .all(char::is_whitespace);
    let mut diagnostic = if first_on_page {
        Diagnostic::new(
            Rule::HeadlineMissing,
            range,
            "This page starts with the lead paragraph of an article whose headline is not on it \
             (probably on the previous page of the archive); the article is checked without one",
        )
    } else {
        Diagnostic::new(
            Rule::HeadlineMissing,
            range,
            "This article has no headline above its lead paragraph; \
             add the headline on its own line above the dateline",
        )
    };
    if first_on_page {
        diagnostic.severity = Severity::Info;
    }
    out.push(diagnostic);
}
