//! The machine-readable shapes of `bulletin check --format json` and
//! `bulletin symbols --format json`, as plain `Serialize` data.
//!
//! Every face that prints these (the command line, the WebAssembly build)
//! builds the same values here and only serialises them, so the shapes
//! cannot drift. They are a stable contract for CI scripts: change them
//! only additively.

use serde::Serialize;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::line_index::{HumanPosition, LineIndex};
use crate::outline::Outline;

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditRecord {
    pub start: Position,
    pub end: Position,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixRecord {
    pub description: String,
    /// `safe` or `unsafe`.
    pub applicability: &'static str,
    pub edits: Vec<EditRecord>,
}

/// One element of the `bulletin check --format json` array (and one line
/// of `--format json-lines`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticRecord {
    pub path: String,
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub start: Position,
    pub end: Position,
    pub fix: Option<FixRecord>,
}

/// One file's text as positions are read from it.
#[derive(Clone, Copy)]
pub struct Located<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
}

impl Located<'_> {
    pub fn position(&self, offset: usize) -> Position {
        self.index.to_human(self.text, offset).into()
    }
}

impl From<HumanPosition> for Position {
    fn from(human: HumanPosition) -> Position {
        Position {
            line: human.line,
            column: human.column,
        }
    }
}

impl DiagnosticRecord {
    /// The record of `diagnostic`, found in the file named `path` whose
    /// offsets `place` turns into positions (`Located::position`, or the
    /// positions a streamed check kept when it let the text go).
    pub fn new(
        path: &str,
        place: &dyn Fn(usize) -> Position,
        diagnostic: &Diagnostic,
    ) -> DiagnosticRecord {
        DiagnosticRecord {
            path: path.to_string(),
            rule: diagnostic.rule.name(),
            severity: diagnostic.severity.as_str(),
            message: diagnostic.message.to_string(),
            start: place(diagnostic.range.start),
            end: place(diagnostic.range.end),
            fix: diagnostic.fix.as_ref().map(|fix| FixRecord {
                description: fix.description.clone(),
                applicability: match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                },
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| EditRecord {
                        start: place(edit.range.start),
                        end: place(edit.range.end),
                        replacement: edit.replacement.clone(),
                    })
                    .collect(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineArticleRecord {
    pub headline: String,
    pub kind: Option<String>,
    pub place: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub issue: Option<u32>,
    pub issue_date: Option<String>,
    /// 1-based, inclusive.
    pub start_line: usize,
    pub end_line: usize,
}

/// What `bulletin symbols --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineRecord {
    pub title: Option<String>,
    pub articles: Vec<OutlineArticleRecord>,
}

impl OutlineRecord {
    pub fn new(outline: &Outline) -> OutlineRecord {
        OutlineRecord {
            title: outline.title.clone(),
            articles: outline
                .articles
                .iter()
                .map(|entry| OutlineArticleRecord {
                    headline: entry.headline.clone(),
                    kind: entry.kind.clone(),
                    place: entry.place.clone(),
                    date: entry.date.map(|date| date.to_string()),
                    issue: entry.issue,
                    issue_date: entry.issue_date.map(|date| date.to_string()),
                    start_line: entry.start_line,
                    end_line: entry.end_line,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix};
    use crate::rules::Rule;
    use crate::text_range::TextRange;

    #[test]
    fn positions_count_characters_from_one() {
        let text = "a — b\nx–y\n";
        let index = LineIndex::new(text);
        let at = text.find('–').unwrap_or(0);
        let diagnostic = Diagnostic::new(
            Rule::DatelineDash,
            TextRange::new(at, at + '–'.len_utf8()),
            "dash",
        )
        .with_fix(Fix::safe(
            "use the house dash",
            vec![Edit::replace(TextRange::new(at, at + 3), "—")],
        ));
        let record = DiagnosticRecord::new(
            "page.bulletin",
            &|offset| {
                Located {
                    text,
                    index: &index,
                }
                .position(offset)
            },
            &diagnostic,
        );
        assert_eq!(record.path, "page.bulletin");
        assert_eq!(record.rule, "dateline-dash");
        assert_eq!(record.start, Position { line: 2, column: 2 });
        assert_eq!(record.end, Position { line: 2, column: 3 });
        let fix = record
            .fix
            .as_ref()
            .map(|fix| (fix.applicability, fix.edits.len()));
        assert_eq!(fix, Some(("safe", 1)));
    }
}
