//! Hover in the browser: who or what a mention names, from the library's
//! entity resolution (`bulletin_core::entities::resolve`).

use bulletin_core::analysis;
use bulletin_core::config::Config;
use bulletin_core::entities::{self, Source};
use serde::Serialize;

use crate::utf16::{byte_offset, utf16_offset};

/// What a hover shows: Markdown, and the range it is about in UTF-16 code
/// units (JavaScript string indices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoverRecord {
    pub from: usize,
    pub to: usize,
    pub markdown: String,
}

/// The hover at UTF-16 offset `at` of `text`, if something there is known.
pub fn hover_at(text: &str, at: usize, config: &Config) -> Option<HoverRecord> {
    let offset = byte_offset(text, at);
    let (_, analysis) = analysis::analyze(text, config);
    let (_, article_entities) = analysis
        .document
        .articles
        .iter()
        .zip(&analysis.entities)
        .find(|(article, _)| article.range.touches(offset))?;
    let mention = article_entities.mention_at(offset)?;
    let resolved = entities::resolve(&mention.target, &config.gazetteer)?;
    let mut lines = vec![format!(
        "**{}** ({})",
        resolved.canonical,
        resolved.kind.as_str()
    )];
    if let Some(description) = &resolved.description {
        lines.push(description.clone());
    }
    if let Some(country) = &resolved.country {
        lines.push(format!("Country: {country}"));
    }
    if !resolved.aliases.is_empty() {
        lines.push(format!("Also: {}", resolved.aliases.join(", ")));
    }
    lines.push(
        match &resolved.source {
            Source::Text => "Defined in this article",
            Source::Gazetteer(_) => "From the gazetteer",
            Source::Ambiguous(_) => "Ambiguous",
        }
        .to_string(),
    );
    if let Source::Ambiguous(candidates) = &resolved.source {
        lines.push(format!("Could be: {}", candidates.join(", ")));
    }
    Some(HoverRecord {
        from: utf16_offset(text, mention.range.start),
        to: utf16_offset(text, mention.range.end),
        markdown: lines.join("\n\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acronym_names_what_the_article_expands_it_to() {
        let text = "Category Archives: SCO\n\nSummit 😀 ends\n\nTASHKENT, JUNE 24 2016 (The Conway Bulletin) — Leaders of the Shanghai Cooperation Organisation (SCO) met. The SCO agreed.\n\n(News report from Issue No. 286, published on June 24 2016)\n";
        let last = text.rfind("SCO agreed").unwrap_or(0);
        let at = utf16_offset(text, last + 1);
        let hover = hover_at(text, at, &Config::default());
        let markdown = hover
            .as_ref()
            .map(|hover| hover.markdown.as_str())
            .unwrap_or("");
        assert!(
            markdown.contains("Shanghai Cooperation Organisation"),
            "{markdown}"
        );
        let range = hover.map(|hover| (hover.from, hover.to));
        let from = utf16_offset(text, last);
        assert_eq!(range, Some((from, from + 3)));
        assert_eq!(hover_at(text, 0, &Config::default()), None);
    }
}
