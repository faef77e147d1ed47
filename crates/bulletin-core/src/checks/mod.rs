//! Every rule's code, one module per family: `dateline`, `headline`,
//! `issue_ref` and `kind` look at one article of the model and its text;
//! `entity` at an article's entities and at acronym claims across files;
//! `archive` at the issue references of every file judged together.
//! Their names, severities and documentation are one registry,
//! `crate::rules`.

pub mod archive;
mod dateline;
pub mod entity;
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
