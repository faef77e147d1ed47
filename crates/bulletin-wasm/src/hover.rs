//! Hover in the browser: the library's own hover (`bulletin_core::ide::hover`,
//! the one the language server shows) on a one-page workspace, with its
//! range in UTF-16 code units.

use bulletin_core::config::Config;
use bulletin_core::ide::hover::{self, Markup};
use bulletin_core::ide::Workspace;
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

/// The hover at UTF-16 offset `at` of `text`, as the language server would
/// give it for that page open on its own under `config`.
pub fn hover_at(text: &str, at: usize, config: &Config) -> Option<HoverRecord> {
    let offset = byte_offset(text, at);
    let mut workspace: Workspace<u8> = Workspace::new(|_| None, |_| "page".to_string());
    workspace.set_config(config.clone());
    workspace.open(0, text.to_string(), 0);
    let snapshot = workspace.snapshot();
    let found = hover::hover(&snapshot, &0, offset, Markup::MARKDOWN)?;
    Some(HoverRecord {
        from: utf16_offset(text, found.range.start),
        to: utf16_offset(text, found.range.end),
        markdown: found.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Category Archives: SCO\n\nSummit 😀 ends\n\nTASHKENT, JUNE 24 2016 (The Conway Bulletin) — Leaders of the Shanghai Cooperation Organisation (SCO) met. The SCO agreed.\n\n(News report from Issue No. 286, published on June 24 2016)\n";

    #[test]
    fn an_acronym_names_what_it_stands_for() {
        let last = PAGE.rfind("SCO agreed").unwrap_or(0);
        let at = utf16_offset(PAGE, last + 1);
        let hover = hover_at(PAGE, at, &Config::default());
        let markdown = hover.as_ref().map_or("", |hover| hover.markdown.as_str());
        assert!(
            markdown.contains("Shanghai Cooperation Organisation"),
            "{markdown}"
        );
        let from = utf16_offset(PAGE, last);
        assert_eq!(
            hover.map(|hover| (hover.from, hover.to)),
            Some((from, from + 3))
        );
    }

    #[test]
    fn a_dateline_says_the_date_it_reads_and_blank_lines_say_nothing() {
        let at = utf16_offset(PAGE, PAGE.find("JUNE 24").unwrap_or(0));
        let hover = hover_at(PAGE, at, &Config::default());
        let markdown = hover.as_ref().map_or("", |hover| hover.markdown.as_str());
        assert!(
            markdown.contains("Dateline") && markdown.contains("2016"),
            "{markdown}"
        );
        // The blank line after the title: no element there.
        let blank = utf16_offset(PAGE, "Category Archives: SCO\n".len());
        assert_eq!(hover_at(PAGE, blank, &Config::default()), None);
    }
}
