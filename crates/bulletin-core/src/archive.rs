//! Cross-file rules over the issue references of every file checked together:
//! issue-date-conflict and issue-sequence.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::config::Config;
use crate::dates;
use crate::diagnostic::{Diagnostic, FileId, Related};
use crate::model::Document;
use crate::rules::Rule;
use crate::text_range::TextRange;

/// One article's claim: "issue `number` was published on `date`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueMention {
    pub file: FileId,
    pub number: u32,
    pub date: Date,
    /// The whole issue reference.
    pub range: TextRange,
    /// Where the date is written, for underlining.
    pub date_range: TextRange,
}

/// The readable issue claims of a document, in source order.
pub fn issue_mentions(document: &Document, file: FileId) -> Vec<IssueMention> {
    document
        .articles
        .iter()
        .filter_map(|article| {
            let issue = article.issue_ref.as_ref()?;
            let date_range = [&issue.month, &issue.day, &issue.year]
                .into_iter()
                .filter_map(|part| part.as_ref().map(|span| span.range))
                .reduce(TextRange::cover)
                .unwrap_or(issue.range);
            Some(IssueMention {
                file,
                number: issue.number_value?,
                date: issue.date?,
                range: issue.range,
                date_range,
            })
        })
        .collect()
}

/// A finding of a cross-file rule, for the file it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveDiagnostic {
    pub file: FileId,
    pub diagnostic: Diagnostic,
}

/// Runs the cross-file rules. `display_name` names a file in messages (its
/// path as the user gave it, or its workspace-relative path in the editor).
pub fn check_archive(
    mentions: &[IssueMention],
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<ArchiveDiagnostic> {
    let mut by_number: BTreeMap<u32, Vec<&IssueMention>> = BTreeMap::new();
    for mention in mentions {
        by_number.entry(mention.number).or_default().push(mention);
    }
    let mut out = Vec::new();
    let place =
        |mention: &IssueMention| format!("{} (issue reference)", display_name(mention.file));
    for (number, group) in &by_number {
        for mention in group {
            let Some(other) = group.iter().find(|other| other.date != mention.date) else {
                continue;
            };
            out.push(ArchiveDiagnostic {
                file: mention.file,
                diagnostic: Diagnostic::new(
                    Rule::IssueDateConflict,
                    mention.date_range,
                    format!(
                        "Issue {number} is dated {} here, but {} in {}",
                        dates::long_date(mention.date),
                        dates::long_date(other.date),
                        display_name(other.file)
                    ),
                )
                .with_related(Related {
                    file: Some(other.file),
                    range: other.date_range,
                    message: format!(
                        "{}: issue {number} dated {}",
                        place(other),
                        dates::long_date(other.date)
                    ),
                }),
            });
        }
    }
    // The sequence is judged on each issue's earliest date, between neighbours.
    let issues: Vec<(u32, &IssueMention)> = by_number
        .iter()
        .filter_map(|(number, group)| Some((*number, *group.iter().min_by_key(|m| m.date)?)))
        .collect();
    let cadence = i64::from(config.cadence_days.max(1));
    for pair in issues.windows(2) {
        let [(earlier_number, earlier), (later_number, later)] = [pair[0], pair[1]];
        let days = dates::days_between(earlier.date, later.date);
        let issues_apart = i64::from(later_number - earlier_number);
        let problem = if days < 0 {
            format!(
                "Issue {later_number} is dated {}, before issue {earlier_number} ({}, in {})",
                dates::long_date(later.date),
                dates::long_date(earlier.date),
                display_name(earlier.file)
            )
        } else if issues_apart > (days + cadence - 1) / cadence {
            format!(
                "Issue {later_number} is dated {}, only {} after issue {earlier_number} ({}, in {}): \
                 {issues_apart} issues cannot appear in that time at one issue every {}",
                dates::long_date(later.date),
                super::checks::plural_days(days),
                dates::long_date(earlier.date),
                display_name(earlier.file),
                super::checks::plural_days(cadence)
            )
        } else {
            continue;
        };
        for mention in &by_number[&later_number] {
            out.push(ArchiveDiagnostic {
                file: mention.file,
                diagnostic: Diagnostic::new(
                    Rule::IssueSequence,
                    mention.date_range,
                    problem.clone(),
                )
                .with_related(Related {
                    file: Some(earlier.file),
                    range: earlier.date_range,
                    message: format!(
                        "{}: issue {earlier_number} dated {}",
                        place(earlier),
                        dates::long_date(earlier.date)
                    ),
                }),
            });
        }
    }
    out
}
