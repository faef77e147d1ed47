//! Inlay hints: the year a dateline without one takes from its issue
//! reference, shown after the dateline's day.

use super::document::Document;
use crate::text_range::TextRange;

/// A label an editor shows inside the text at `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// The inferred years of the datelines that start within `within`.
pub fn inlay_hints(document: &Document, within: TextRange) -> Vec<InlayHint> {
    document
        .articles()
        .iter()
        .filter_map(|entry| {
            let dateline = entry.article.dateline.as_ref()?;
            if !dateline.year_inferred || !within.touches(dateline.range.start) {
                return None;
            }
            let date = dateline.date?;
            let after = dateline.end_day.as_ref().or(dateline.day.as_ref())?;
            Some(InlayHint {
                offset: after.range.end,
                label: date.year().to_string(),
                tooltip: "Year inferred from the issue reference".to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, PAGE};

    #[test]
    fn only_a_dateline_without_a_year_gets_one_after_its_day() {
        let fixture = fixture(PAGE);
        let document = fixture.workspace.document(&fixture.key).expect("open");
        let hints: Vec<String> = inlay_hints(document, TextRange::new(0, PAGE.len()))
            .into_iter()
            .map(|hint| {
                format!(
                    "{}|{} ({})",
                    &PAGE[hint.offset - 8..hint.offset],
                    hint.label,
                    hint.tooltip
                )
            })
            .collect();
        assert_eq!(
            hints,
            ["MARCH 10|2017 (Year inferred from the issue reference)"]
        );
    }
}
