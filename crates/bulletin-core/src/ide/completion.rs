//! Completion in a lead's first line, before the dateline's dash: the AP
//! month abbreviations, then the configured publication names.

use super::document::Document;
use crate::config::Config;
use crate::dates;
use crate::line_index;

/// What a completion item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Month,
    Publication,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: String,
    pub sort_text: String,
    pub insert_text: Option<String>,
}

/// The completions at `offset`; empty outside a lead's dateline.
pub fn completion(document: &Document, config: &Config, offset: usize) -> Vec<CompletionItem> {
    let Some(entry) = document.article_at(offset) else {
        return Vec::new();
    };
    let article = &entry.article;
    let Some(lead) = article.lead else {
        return Vec::new();
    };
    // Only on the lead's first line, before the dateline's dash.
    let first_line_end = line_index::find_line_end(&document.text[lead.start..])
        .map_or(lead.end, |at| lead.start + at);
    let limit = article
        .dateline
        .as_ref()
        .and_then(|dateline| dateline.dash.as_ref().map(|dash| dash.range.start))
        .unwrap_or(first_line_end);
    if offset < lead.start || offset > limit.min(first_line_end) {
        return Vec::new();
    }
    let mut items: Vec<CompletionItem> = (1..=12)
        .map(|month| {
            let label = dates::ap_month(month).to_uppercase();
            CompletionItem {
                label: label.clone(),
                kind: CompletionKind::Month,
                detail: format!("{} (AP style)", dates::month_name(month)),
                sort_text: format!("a{month:02}"),
                insert_text: Some(label),
            }
        })
        .collect();
    items.extend(
        config
            .publications
            .iter()
            .enumerate()
            .map(|(at, name)| CompletionItem {
                label: name.clone(),
                kind: CompletionKind::Publication,
                detail: "publication".to_string(),
                sort_text: format!("b{at:02}"),
                insert_text: None,
            }),
    );
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, page_at};

    fn labels(text: &str) -> Vec<String> {
        let fixture = fixture(text);
        let document = fixture.workspace.document(&fixture.key).expect("open");
        completion(document, fixture.workspace.config(), fixture.offset)
            .into_iter()
            .map(|item| item.label)
            .collect()
    }

    #[test]
    fn months_then_publications_in_a_dateline() {
        let found = labels(&page_at("MARCH 9"));
        assert_eq!(found.len(), 12 + Config::default().publications.len());
        assert_eq!(&found[..4], ["JAN.", "FEB.", "MARCH", "APRIL"]);
    }

    #[test]
    fn nothing_after_the_dateline_dash_or_in_a_body() {
        assert_eq!(labels(&page_at("Freight rates")), Vec::<String>::new());
        assert_eq!(labels(&page_at("Mr Alimov did")), Vec::<String>::new());
    }
}
