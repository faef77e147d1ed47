//! article-kind-mismatch.

use super::ArticleContext;
use crate::diagnostic::{Diagnostic, Related};
use crate::rules::Rule;

/// Headline prefixes that mark opinion rather than news.
const OPINION_KINDS: [&str; 6] = [
    "comment",
    "editorial",
    "opinion",
    "analysis",
    "column",
    "letter",
];

pub(super) fn check(context: &ArticleContext<'_>, out: &mut Vec<Diagnostic>) {
    let article = context.article;
    let Some(issue) = &article.issue_ref else {
        return;
    };
    let Some(issue_kind) = &issue.kind else {
        return;
    };
    let said = issue_kind
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let issue_is_news = said == "news report" || said == "news";
    let issue_is_opinion = OPINION_KINDS.contains(&said.as_str());
    let headline = &article.headline;
    let headline_is_opinion = headline
        .kind
        .as_deref()
        .is_some_and(|kind| OPINION_KINDS.contains(&kind));
    let (range, message) = match (&headline.kind_prefix, headline_is_opinion) {
        (Some(prefix), true) if issue_is_news => (
            prefix.range,
            format!(
                "The headline says `{}` but the issue reference calls this a `{}`",
                prefix.text, issue_kind.text
            ),
        ),
        (None, _) if issue_is_opinion => (
            headline.text.range,
            format!(
                "The issue reference calls this an `{}`, but the headline has no `{}:` prefix",
                issue_kind.text, issue_kind.text
            ),
        ),
        _ => return,
    };
    out.push(
        Diagnostic::new(Rule::ArticleKindMismatch, range, message).with_related(Related {
            file: None,
            range: issue_kind.range,
            message: format!("the issue reference says `{}`", issue_kind.text),
        }),
    );
}
