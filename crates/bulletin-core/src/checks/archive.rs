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

/// Runs the cross-file rules over `mentions`, in any order. `display_name`
/// names a file in messages (its path as the user gave it, or its
/// workspace-relative path in the editor).
pub fn check_archive(
    mentions: Vec<IssueMention>,
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<ArchiveDiagnostic> {
    IssueClaims::of(mentions).check(config, display_name)
}

/// Where a mention is: its file and the range of its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    file: FileId,
    range: CompactRange,
}

impl Place {
    fn of(mention: &IssueMention) -> Place {
        Place {
            file: mention.file,
            range: mention.date_range,
        }
    }

    /// The (file, position) order mentions are added in.
    fn order(self) -> (FileId, usize) {
        (self.file, self.range.get().start)
    }
}

/// Every mention giving one issue one date: how many, the first (in file
/// and position order) and where the rest are, packed.
#[derive(Debug)]
struct SameClaim {
    count: usize,
    first: Place,
    last: Place,
    /// Each place after the first as postcard varints: the change of file
    /// and of start from the place before, and the length. About five
    /// bytes a mention, where a mention in a list takes twenty.
    rest: Vec<u8>,
}

impl SameClaim {
    fn new(place: Place) -> SameClaim {
        SameClaim {
            count: 1,
            first: place,
            last: place,
            rest: Vec::new(),
        }
    }

    fn push(&mut self, place: Place) {
        let (last, now) = (self.last.range.get(), place.range.get());
        let step = (
            i64::from(place.file.0) - i64::from(self.last.file.0),
            now.start as i64 - last.start as i64,
            now.len(),
        );
        // Three varints of at most ten bytes each.
        let mut written = [0u8; 30];
        // Writing three integers into thirty bytes cannot fail; were it to,
        // only this place would be missing from the places listed.
        let Ok(written) = postcard::to_slice(&step, &mut written) else {
            return;
        };
        // Grown by a quarter, not doubled: what grows with the archive
        // wastes an eighth on average, not a quarter.
        if self.rest.capacity() - self.rest.len() < written.len() {
            self.rest
                .reserve_exact(written.len().max(self.rest.len() / 4));
        }
        self.rest.extend_from_slice(written);
        self.count += 1;
        self.last = place;
    }

    /// Every place, the first first.
    fn places(&self) -> impl Iterator<Item = Place> + '_ {
        let mut rest = self.rest.as_slice();
        let mut last = self.first;
        std::iter::once(self.first).chain(std::iter::from_fn(move || {
            let ((file_step, start_step, len), tail) =
                postcard::take_from_bytes::<(i64, i64, usize)>(rest).ok()?;
            rest = tail;
            let file = u32::try_from(i64::from(last.file.0) + file_step).ok()?;
            let start = usize::try_from(last.range.get().start as i64 + start_step).ok()?;
            last = Place {
                file: FileId(file),
                range: TextRange::new(start, start.saturating_add(len)).into(),
            };
            Some(last)
        }))
    }
}

/// The issue claims of an archive as the cross-file rules read them: for
/// each issue and date, how many mentions give it and where. What a check
/// keeps of each article for these rules (about five bytes), added file by
/// file in the files' order.
#[derive(Debug, Default)]
pub struct IssueClaims {
    by_issue: BTreeMap<(u32, Date), SameClaim>,
}

/// One issue's claims, one per date given, in date order.
type IssueDates<'a> = [(u32, Date, &'a SameClaim)];

impl IssueClaims {
    /// The claims of `mentions`, in any order.
    pub fn of(mut mentions: Vec<IssueMention>) -> IssueClaims {
        mentions.sort_unstable_by_key(|mention| (mention.file, mention.date_range.get().start));
        let mut claims = IssueClaims::default();
        for mention in &mentions {
            claims.add(mention);
        }
        claims
    }

    /// Adds a mention; mentions are added in (file, position) order.
    pub fn add(&mut self, mention: &IssueMention) {
        let place = Place::of(mention);
        match self.by_issue.entry((mention.number, mention.date)) {
            std::collections::btree_map::Entry::Occupied(mut claim) => claim.get_mut().push(place),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(SameClaim::new(place));
            }
        }
    }

    /// How many mentions were added.
    pub fn len(&self) -> usize {
        self.by_issue.values().map(|claim| claim.count).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_issue.is_empty()
    }

    /// Runs `issue-date-conflict` and `issue-sequence` over the claims, an
    /// issue at a time (what the rules hold beside the claims is one
    /// issue's dates and the next's).
    pub fn check(
        &self,
        config: &Config,
        display_name: &dyn Fn(FileId) -> String,
    ) -> Vec<ArchiveDiagnostic> {
        let mut issues = self.issues().peekable();
        let mut previous: Option<Usual> = None;
        let mut out = Vec::new();
        while let Some(issue) = issues.next() {
            date_conflicts(&issue, display_name, &mut out);
            if let Some(previous) = previous {
                let next = issues.peek().and_then(|next| usual(next));
                sequence(&issue, previous, next, config, display_name, &mut out);
            }
            previous = usual(&issue);
        }
        out
    }

    /// Each issue's claims, in issue order.
    fn issues(&self) -> impl Iterator<Item = Vec<(u32, Date, &SameClaim)>> + '_ {
        let mut claims = self
            .by_issue
            .iter()
            .map(|(&(number, date), claim)| (number, date, claim))
            .peekable();
        std::iter::from_fn(move || {
            let first = claims.next()?;
            let mut issue = vec![first];
            while let Some(claim) = claims.next_if(|claim| claim.0 == first.0) {
                issue.push(claim);
            }
            Some(issue)
        })
    }
}

/// An issue's usual date: the one most mentions give (the earliest such
/// date on a tie), with its first mention.
#[derive(Clone, Copy)]
struct Usual {
    number: u32,
    date: Date,
    first: Place,
}

fn usual(issue: &IssueDates<'_>) -> Option<Usual> {
    let most = issue.iter().map(|(_, _, claim)| claim.count).max()?;
    let &(number, date, claim) = issue.iter().find(|(_, _, claim)| claim.count == most)?;
    Some(Usual {
        number,
        date,
        first: claim.first,
    })
}

/// `diagnostic`'s finding at every place of `claim`, one message for all.
fn at_every_place(claim: &SameClaim, diagnostic: &Diagnostic, out: &mut Vec<ArchiveDiagnostic>) {
    for place in claim.places() {
        let mut diagnostic = diagnostic.clone();
        diagnostic.range = place.range.get();
        out.push(ArchiveDiagnostic {
            file: place.file,
            diagnostic,
        });
    }
}

/// How a related location names a mention of issue `number`.
fn related_mention(
    number: u32,
    date: Date,
    place: Place,
    display_name: &dyn Fn(FileId) -> String,
) -> Related {
    Related {
        file: Some(place.file),
        range: place.range.get(),
        message: format!(
            "{} (issue reference): issue {number} dated {}",
            display_name(place.file),
            dates::long_date(date)
        ),
    }
}

/// `issue-date-conflict` over one issue's dates. When most mentions give
/// one date, that date is the issue's and only the others are flagged
/// (where the fix belongs); when no date has the most, every mention is.
fn date_conflicts(
    issue: &IssueDates<'_>,
    display_name: &dyn Fn(FileId) -> String,
    out: &mut Vec<ArchiveDiagnostic>,
) {
    if issue.len() < 2 {
        return;
    }
    let total: usize = issue.iter().map(|(_, _, claim)| claim.count).sum();
    let most = issue
        .iter()
        .map(|(_, _, claim)| claim.count)
        .max()
        .unwrap_or(0);
    let mut most_given = issue.iter().filter(|(_, _, claim)| claim.count == most);
    let usual = match (most_given.next(), most_given.next()) {
        (Some(usual), None) => Some(usual),
        _ => None,
    };
    for &(number, date, claim) in issue {
        let other = match usual {
            Some(usual) if usual.1 == date => continue,
            Some(usual) => usual,
            // The first mention giving another date.
            None => match issue
                .iter()
                .filter(|other| other.1 != date)
                .min_by_key(|other| other.2.first.order())
            {
                Some(other) => other,
                None => continue,
            },
        };
        let &(_, other_date, other_claim) = other;
        let (same, other_count) = (claim.count, other_claim.count);
        let verdict = if same > other_count {
            format!("; {same} of {total} mentions give this date, so the other is likely wrong")
        } else if other_count > same {
            format!(
                "; {other_count} of {total} mentions give {}, so this date is likely wrong",
                dates::long_date(other_date)
            )
        } else {
            String::new()
        };
        let diagnostic = Diagnostic::new(
            Rule::IssueDateConflict,
            claim.first.range.get(),
            format!(
                "Issue {number} is dated {} here, but {} in {}{verdict}",
                dates::long_date(date),
                dates::long_date(other_date),
                display_name(other_claim.first.file)
            ),
        )
        .with_related(related_mention(
            number,
            other_date,
            other_claim.first,
            display_name,
        ));
        at_every_place(claim, &diagnostic, out);
    }
}

/// `issue-sequence` over one issue's dates: each mention's own date against
/// the usual date of the issue before it. A mention whose date fits stays
/// quiet even when another mention of the same issue disagrees (that
/// disagreement is `issue-date-conflict`'s).
fn sequence(
    issue: &IssueDates<'_>,
    previous: Usual,
    next: Option<Usual>,
    config: &Config,
    display_name: &dyn Fn(FileId) -> String,
    out: &mut Vec<ArchiveDiagnostic>,
) {
    let Some(&(number, _, _)) = issue.first() else {
        return;
    };
    let cadence = i64::from(config.cadence_days.max(1));
    let after_previous =
        |date: Date| out_of_run(previous.number, previous.date, number, date, cadence);
    for &(_, date, claim) in issue {
        let Some(problem) = after_previous(date) else {
            continue;
        };
        let mut message = format!(
            "Issue {number} is dated {} here, {problem} issue {} ({}, in {})",
            dates::long_date(date),
            previous.number,
            dates::long_date(previous.date),
            display_name(previous.first.file)
        );
        if problem != "before" {
            message.push_str(&format!(
                ": {} issues cannot appear in that time at one issue every {}",
                number - previous.number,
                super::plural_days(cadence)
            ));
        }
        if let Some(next) = next {
            if out_of_run(number, date, next.number, next.date, cadence).is_some() {
                message.push_str(&format!(
                    ", and it does not fit issue {} ({}) either",
                    next.number,
                    dates::long_date(next.date)
                ));
            }
        }
        // The first mention of this issue giving another date that fits.
        if let Some(fitting) = issue
            .iter()
            .filter(|(_, other, _)| *other != date && after_previous(*other).is_none())
            .min_by_key(|(_, _, other)| other.first.order())
        {
            message.push_str(&format!(
                "; {} (given in {}) fits the run",
                dates::long_date(fitting.1),
                display_name(fitting.2.first.file)
            ));
        }
        let diagnostic =
            Diagnostic::new(Rule::IssueSequence, claim.first.range.get(), message).with_related(
                related_mention(previous.number, previous.date, previous.first, display_name),
            );
        at_every_place(claim, &diagnostic, out);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mention(file: u32, number: u32, day: i8, start: usize, len: usize) -> IssueMention {
        IssueMention {
            file: FileId(file),
            number,
            date: jiff::civil::date(2017, 3, day),
            date_range: TextRange::new(start, start + len).into(),
        }
    }

    fn places_of(claims: &IssueClaims) -> Vec<(u32, Date, Place)> {
        claims
            .by_issue
            .iter()
            .flat_map(|(&(number, date), claim)| {
                claim.places().map(move |place| (number, date, place))
            })
            .collect()
    }

    #[test]
    fn packed_claims_give_back_every_place_in_order() {
        // Far apart and close, the same file and the next, ranges of every
        // length, and an offset near the end of what a range can hold.
        let mentions = vec![
            mention(0, 320, 13, 40, 13),
            mention(0, 320, 13, 70_000, 14),
            mention(3, 320, 13, 12, 1),
            mention(3, 320, 13, 12, 0),
            mention(4_000_000, 320, 13, u32::MAX as usize - 20, 20),
        ];
        let claims = IssueClaims::of(mentions.clone());
        assert_eq!(claims.len(), 5);
        let given: Vec<(u32, Date, Place)> = mentions
            .iter()
            .map(|mention| (mention.number, mention.date, Place::of(mention)))
            .collect();
        assert_eq!(places_of(&claims), given);
    }

    proptest! {
        /// Whatever the order mentions are given in, the claims hold each
        /// once, in (file, position) order, and judge alike.
        #[test]
        fn the_order_mentions_come_in_changes_nothing(
            raw in proptest::collection::vec((0u32..6, 318u32..323, 1i8..28, 0usize..90_000), 0..60),
            seed in any::<u64>(),
        ) {
            // One mention per place, as a text has.
            let mut mentions: Vec<IssueMention> = raw
                .iter()
                .map(|&(file, number, day, start)| mention(file, number, day, start, 13))
                .collect();
            mentions.sort_by_key(|mention| (mention.file, mention.date_range.get().start));
            mentions.dedup_by_key(|mention| (mention.file, mention.date_range.get().start));
            let mut shuffled = mentions.clone();
            let mut state = seed | 1;
            for at in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(at, (state % (at as u64 + 1)) as usize);
            }
            let name = |file: FileId| format!("page-{}.txt", file.0);
            let config = Config::default();
            let in_order = IssueClaims::of(mentions.clone());
            prop_assert_eq!(in_order.len(), mentions.len());
            let mut expected: Vec<(u32, Date, Place)> = mentions
                .iter()
                .map(|mention| (mention.number, mention.date, Place::of(mention)))
                .collect();
            expected.sort_by_key(|&(number, date, place)| (number, date, place.order()));
            prop_assert_eq!(places_of(&in_order), expected);
            prop_assert_eq!(
                check_archive(shuffled, &config, &name),
                in_order.check(&config, &name)
            );
        }
    }
}
