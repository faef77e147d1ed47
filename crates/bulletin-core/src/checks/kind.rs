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
    let text = context.text;
    let article = context.article;
    let Some(issue) = &article.issue_ref else {
        return;
    };
    let Some(issue_kind) = &issue.kind else {
        return;
    };
    let said = issue_kind
        .text(text)
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
    // Which side is likely wrong: opinion pieces are signed (a byline),
    // news reports are not.
    let signed = article.byline.is_some();
    let (range, message) = match (&headline.kind_prefix, headline_is_opinion) {
        (Some(prefix), true) if issue_is_news => {
            let likely = if signed {
                "it is signed, as opinion pieces are, so the issue reference is likely wrong"
            } else {
                "it is unsigned, as news reports are, so the headline's prefix is likely wrong"
            };
            (
                prefix.range,
                format!(
                    "The headline says `{}` but the issue reference calls this a `{}`: {likely}",
                    prefix.text(text),
                    issue_kind.text(text)
                ),
            )
        }
        (None, _) if issue_is_opinion => {
            let likely = if signed {
                "it is signed, as opinion pieces are, so the headline likely lacks its prefix"
            } else if said == "editorial" {
                "editorials are unsigned, like news reports, so check which this is"
            } else {
                "it is unsigned, as news reports are, so the issue reference is likely wrong"
            };
            (
                headline.text.range,
                format!(
                    "The issue reference calls this an `{}`, but the headline has no `{}:` prefix: {likely}",
                    issue_kind.text(text), issue_kind.text(text)
                ),
            )
        }
        _ => return,
    };
    out.push(
        Diagnostic::new(Rule::ArticleKindMismatch, range, message).with_related(Related {
            file: None,
            range: issue_kind.range,
            message: format!("the issue reference says `{}`", issue_kind.text(text)),
        }),
    );
}
