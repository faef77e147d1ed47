//! Article-level rules: each looks at one article of the model and its text.

mod dateline;
mod headline;

pub(crate) use dateline::plural_days;
mod issue_ref;
mod kind;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Article;

/// Everything an article-level check needs, passed explicitly.
pub(crate) struct ArticleContext<'a> {
    pub(crate) text: &'a str,
    pub(crate) article: &'a Article,
    pub(crate) config: &'a Config,
}

/// Runs every article-level rule on `article`, at default severities.
pub fn check_article(text: &str, article: &Article, config: &Config) -> Vec<Diagnostic> {
    let context = ArticleContext {
        text,
        article,
        config,
    };
    let mut out = Vec::new();
    headline::check(&context, &mut out);
    dateline::check(&context, &mut out);
    issue_ref::check(&context, &mut out);
    kind::check(&context, &mut out);
    out
}
