//! Cross-file rules over the issue references of every file checked together:
//! issue-date-conflict and issue-sequence.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::config::Config;
use crate::dates;
use crate::diagnostic::{Diagnostic, FileId, Related};
use crate::model::Document;
use crate::rules::Rule;
use crate::text_range::{CompactRange, TextRange};

/// One article's claim: "issue `number` was published on `date`". A check
/// keeps one per article of the archive: 20 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueMention {
    pub file: FileId,
    pub number: u32,
    pub date: Date,
    /// Where the date is written, for underlining.
    pub date_range: CompactRange,
}

// What a check keeps per article is small by type.
const _: () = assert!(std::mem::size_of::<IssueMention>() == 20);

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
                date_range: date_range.into(),
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

/// Runs the cross-file rules over `mentions`, in (file, position) order.
/// `display_name` names a file in messages (its path as the user gave it,
/// or its workspace-relative path in the editor). The list is sorted by
/// issue in place: grouping it costs no memory, at 229,000 mentions.
pub fn check_archive(
    mut mentions: Vec<IssueMention>,
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<ArchiveDiagnostic> {
    // Within an issue, the mentions stay in (file, position) order.
    mentions.sort_unstable_by_key(|mention| {
        (mention.number, mention.file, mention.date_range.get().start)
    });
    let by_number: Vec<(u32, &[IssueMention])> = mentions
        .chunk_by(|a, b| a.number == b.number)
        .filter_map(|group| Some((group.first()?.number, group)))
        .collect();
    let mut out = Vec::new();
    let place =
        |mention: &IssueMention| format!("{} (issue reference)", display_name(mention.file));
    for &(number, group) in &by_number {
        let Some(first) = group.first() else { continue };
        if group.iter().all(|mention| mention.date == first.date) {
            continue;
        }
        // When most mentions give one date, that date is the issue's and
        // only the others are flagged (where the fix belongs); when no
        // date has the most, every mention is.
        let mut counts: BTreeMap<Date, usize> = BTreeMap::new();
        for mention in group {
            *counts.entry(mention.date).or_default() += 1;
        }
        let count_of = |date: Date| counts.get(&date).copied().unwrap_or(0);
        let most = counts.values().copied().max().unwrap_or(0);
        let mut most_given = counts.iter().filter(|(_, count)| **count == most);
        let usual = match (most_given.next(), most_given.next()) {
            (Some((date, _)), None) => group.iter().find(|mention| mention.date == *date),
            _ => None,
        };
        for mention in group {
            if usual.is_some_and(|usual| usual.date == mention.date) {
                continue;
            }
            let other = match usual {
                Some(usual) => usual,
                None => match group.iter().find(|other| other.date != mention.date) {
                    Some(other) => other,
                    None => continue,
                },
            };
            let same = count_of(mention.date);
            let other_count = count_of(other.date);
            let verdict = if same > other_count {
                format!(
                    "; {same} of {} mentions give this date, so the other is likely wrong",
                    group.len()
                )
            } else if other_count > same {
                format!(
                    "; {other_count} of {} mentions give {}, so this date is likely wrong",
                    group.len(),
                    dates::long_date(other.date)
                )
            } else {
                String::new()
            };
            out.push(ArchiveDiagnostic {
                file: mention.file,
                diagnostic: Diagnostic::new(
                    Rule::IssueDateConflict,
                    mention.date_range.get(),
                    format!(
                        "Issue {number} is dated {} here, but {} in {}{verdict}",
                        dates::long_date(mention.date),
                        dates::long_date(other.date),
                        display_name(other.file)
                    ),
                )
                .with_related(Related {
                    file: Some(other.file),
                    range: other.date_range.get(),
                    message: format!(
                        "{}: issue {number} dated {}",
                        place(other),
                        dates::long_date(other.date)
                    ),
                }),
            });
        }
    }
    // The sequence is judged mention by mention: each mention's own date
    // against the date most mentions give the issue before it. A mention
    // whose date fits stays quiet even when another mention of the same
    // issue disagrees (that disagreement is `issue-date-conflict`'s).
    let usual: Vec<(u32, &IssueMention, &[IssueMention])> = by_number
        .iter()
        .filter_map(|(number, group)| Some((*number, usual_mention(group)?, *group)))
        .collect();
    let cadence = i64::from(config.cadence_days.max(1));
    for (at, (number, _, group)) in usual.iter().enumerate() {
        let Some((previous_number, previous, _)) = at.checked_sub(1).and_then(|i| usual.get(i))
        else {
            continue;
        };
        let next = usual.get(at + 1);
        for mention in group.iter() {
            let Some(problem) = out_of_run(
                *previous_number,
                previous.date,
                *number,
                mention.date,
                cadence,
            ) else {
                continue;
            };
            let mut message = format!(
                "Issue {number} is dated {} here, {problem} issue {previous_number} ({}, in {})",
                dates::long_date(mention.date),
                dates::long_date(previous.date),
                display_name(previous.file)
            );
            if problem != "before" {
                message.push_str(&format!(
                    ": {} issues cannot appear in that time at one issue every {}",
                    number - previous_number,
                    super::plural_days(cadence)
                ));
            }
            if let Some((next_number, next, _)) = next {
                if out_of_run(*number, mention.date, *next_number, next.date, cadence).is_some() {
                    message.push_str(&format!(
                        ", and it does not fit issue {next_number} ({}) either",
                        dates::long_date(next.date)
                    ));
                }
            }
            if let Some(fits) = group.iter().find(|other| {
                other.date != mention.date
                    && out_of_run(
                        *previous_number,
                        previous.date,
                        *number,
                        other.date,
                        cadence,
                    )
                    .is_none()
            }) {
                message.push_str(&format!(
                    "; {} (given in {}) fits the run",
                    dates::long_date(fits.date),
                    display_name(fits.file)
                ));
            }
            out.push(ArchiveDiagnostic {
                file: mention.file,
                diagnostic: Diagnostic::new(Rule::IssueSequence, mention.date_range.get(), message)
                    .with_related(Related {
                        file: Some(previous.file),
                        range: previous.date_range.get(),
                        message: format!(
                            "{}: issue {previous_number} dated {}",
                            place(previous),
                            dates::long_date(previous.date)
                        ),
                    }),
            });
        }
    }
    out
}

/// The mention whose date most mentions of an issue give (the earliest such
/// date on a tie).
fn usual_mention(group: &[IssueMention]) -> Option<&IssueMention> {
    let mut counts: BTreeMap<Date, (usize, &IssueMention)> = BTreeMap::new();
    for mention in group {
        counts.entry(mention.date).or_insert((0, mention)).0 += 1;
    }
    let best = counts.values().map(|(count, _)| *count).max()?;
    counts
        .values()
        .find(|(count, _)| *count == best)
        .map(|(_, mention)| *mention)
}

/// Why issue `later` dated `later_date` cannot follow issue `earlier` dated
/// `earlier_date` at one issue every `cadence` days, as the middle of a
/// sentence ("before", "only 14 days after"); `None` when it can.
fn out_of_run(
    earlier: u32,
    earlier_date: Date,
    later: u32,
    later_date: Date,
    cadence: i64,
) -> Option<String> {
    let days = dates::days_between(earlier_date, later_date);
    let issues_apart = i64::from(later.saturating_sub(earlier));
    if days < 0 {
        Some("before".to_string())
    } else if issues_apart > (days + cadence - 1) / cadence {
        Some(format!("only {} after", super::plural_days(days)))
    } else {
        None
    }
}
