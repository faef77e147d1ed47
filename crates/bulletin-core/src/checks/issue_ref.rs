//! issue-ref-malformed, issue-ref-invalid-date, issue-ref-spacing,
//! issue-ref-month-style.

use super::ArticleContext;
use crate::dates::{self, MonthStyle};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::{is_space, IssueRef, IssueRefForm};
use crate::rules::Rule;
use crate::text_range::TextRange;

pub(super) fn check(context: &ArticleContext<'_>, out: &mut Vec<Diagnostic>) {
    let text = context.text;
    let Some(issue) = &context.article.issue_ref else {
        return;
    };
    number(text, issue, out);
    brackets(context.text, issue, out);
    date(text, issue, out);
    month_style(text, issue, out);
    spacing(context.text, issue, out);
}

/// `Sep.` for `Sept.`, `Mar.` for `March`: AP style, in the case it is
/// written in (issue references keep mixed case: `Oct. 23 2016`).
fn month_style(text: &str, issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    let Some(span) = &issue.month else {
        return;
    };
    let Some(month) = dates::read_month(span.text(text)) else {
        return;
    };
    let why = match month.style {
        MonthStyle::Ap => return,
        MonthStyle::Unabbreviated => "is abbreviated in AP style",
        MonthStyle::MissingPeriod => "needs its period",
        MonthStyle::NotAp => "is not an AP abbreviation",
        MonthStyle::StrayPeriod => "is never abbreviated, so takes no period",
    };
    let ap = dates::ap_month_like(month.month, span.text(text));
    out.push(
        Diagnostic::new(
            Rule::IssueRefMonthStyle,
            span.range,
            format!("`{}` {why}: write `{ap}`", span.text(text)),
        )
        .with_fix(Fix::safe(
            format!("Write `{ap}`"),
            vec![Edit::replace(span.range, ap)],
        )),
    );
}

/// One space before the date's month, between month and day, and between
/// day and year: `published on June 3 2016`.
fn spacing(text: &str, issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    let Some(month) = &issue.month else {
        return;
    };
    let before = text.get(issue.range.start..month.range.start).unwrap_or("");
    let spaces = before.len() - before.trim_end_matches(is_space).len();
    let mut gaps = Vec::new();
    if spaces > 0 && spaces < before.len() {
        gaps.push((
            TextRange::new(month.range.start - spaces, month.range.start),
            None,
            Some(month),
        ));
    }
    if let Some(day) = &issue.day {
        gaps.push((
            TextRange::new(month.range.end, day.range.start),
            Some(month),
            Some(day),
        ));
        if let Some(year) = &issue.year {
            gaps.push((
                TextRange::new(day.range.end, year.range.start),
                Some(day),
                Some(year),
            ));
        }
    }
    for (gap, left, right) in gaps {
        let Some(gap_text) = text.get(gap.start..gap.end) else {
            continue;
        };
        if !gap_text.chars().all(is_space) {
            continue;
        }
        let count = gap_text.chars().count();
        let right_text = right.map_or("", |span| span.text(text));
        let (message, description) = match (count, left) {
            (0, Some(left)) => (
                format!(
                    "Missing space between `{}` and `{right_text}` in the issue reference",
                    left.text(text)
                ),
                "Insert a space",
            ),
            (2.., Some(left)) => (
                format!(
                    "Doubled space between `{}` and `{right_text}` in the issue reference",
                    left.text(text)
                ),
                "Use a single space",
            ),
            (2.., None) => (
                format!("Doubled space before `{right_text}` in the issue reference"),
                "Use a single space",
            ),
            _ => continue,
        };
        let range = if gap.is_empty() {
            left.map_or(gap, |left| left.range)
                .cover(right.map_or(gap, |span| span.range))
        } else {
            gap
        };
        out.push(
            Diagnostic::new(Rule::IssueRefSpacing, range, message)
                .with_fix(Fix::safe(description, vec![Edit::replace(gap, " ")])),
        );
    }
}

fn number(text: &str, issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    let Some(number) = &issue.number else {
        out.push(Diagnostic::new(
            Rule::IssueRefMalformed,
            issue.range,
            match issue.form {
                IssueRefForm::Bracketed => {
                    "This issue reference gives no issue number: write it after `Issue No.`, as in `Issue No. 321`"
                }
                IssueRefForm::Story => {
                    "This issue reference gives no issue number: write it after `issue`, as in `first published in issue 396 of …`"
                }
            },
        ));
        return;
    };
    if issue.number_value.is_some() {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        Rule::IssueRefMalformed,
        number.range,
        format!(
            "The issue number `{}` is not a whole number",
            number.text(text)
        ),
    );
    // Letters that typists and OCR put for digits: a guess, so never applied silently.
    let read_as: String = number
        .text(text)
        .chars()
        .map(|ch| match ch {
            'l' | 'I' | '|' => '1',
            'O' | 'o' => '0',
            other => other,
        })
        .collect();
    if read_as.chars().all(|ch| ch.is_ascii_digit()) && read_as.parse::<u32>().is_ok() {
        diagnostic = diagnostic.with_fix(Fix::unsafe_(
            format!("Read it as `{read_as}`"),
            vec![Edit::replace(number.range, read_as)],
        ));
    }
    out.push(diagnostic);
}

fn brackets(text: &str, issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    if issue.form == IssueRefForm::Bracketed && issue.close_paren.is_none() {
        // Close the bracket right after the last thing the reference says.
        let content = issue
            .range
            .slice(text)
            .trim_end_matches(|ch: char| is_space(ch) || ch == '\r');
        let at = issue.range.start + content.len();
        out.push(
            Diagnostic::new(
                Rule::IssueRefMalformed,
                TextRange::new(at.saturating_sub(last_char_len(content)), at),
                "This issue reference opens a bracket but never closes it",
            )
            .with_fix(Fix::safe(
                "Add the closing bracket",
                vec![Edit::insert(at, ")")],
            )),
        );
    }
    for junk in &issue.junk {
        let after_bracket = issue
            .close_paren
            .is_some_and(|close| junk.range.start >= close.end);
        let message = if after_bracket {
            format!(
                "Unexpected `{}` after the issue reference's closing bracket",
                junk.text(text)
            )
        } else {
            format!(
                "Unexpected `{}` in the issue reference, after its date",
                junk.text(text)
            )
        };
        out.push(
            Diagnostic::new(Rule::IssueRefMalformed, junk.range, message).with_fix(Fix::unsafe_(
                format!("Delete `{}`", junk.text(text)),
                vec![Edit::delete(delete_range(text, junk.range))],
            )),
        );
    }
}

/// `junk` with the spaces before it, so deleting it leaves no stray space.
fn delete_range(text: &str, junk: TextRange) -> TextRange {
    let before = &text[..junk.start];
    let spaces = before.len() - before.trim_end_matches(is_space).len();
    TextRange::new(junk.start - spaces, junk.end)
}

fn last_char_len(text: &str) -> usize {
    text.chars().next_back().map_or(0, char::len_utf8)
}

fn date(text: &str, issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    // A day and year run together: `April 12015` reads as `April 1 2015`.
    let fused = match (&issue.day, &issue.year) {
        (Some(day), None) => Some(day),
        (None, Some(year)) => Some(year),
        _ => None,
    }
    .filter(|span| {
        (5..=6).contains(&span.text(text).len())
            && span.text(text).chars().all(|ch| ch.is_ascii_digit())
    });
    if let Some(span) = fused {
        let split = span.text(text).len() - 4;
        let (day, year) = span.text(text).split_at(split);
        out.push(
            Diagnostic::new(
                Rule::IssueRefInvalidDate,
                span.range,
                format!(
                    "`{}` runs the day and the year together: write `{day} {year}`",
                    span.text(text)
                ),
            )
            .with_fix(Fix::safe(
                "Separate the day from the year",
                vec![Edit::insert(span.range.start + split, " ")],
            )),
        );
        return;
    }
    let unreadable = |out: &mut Vec<Diagnostic>, range: TextRange, what: String| {
        out.push(Diagnostic::new(Rule::IssueRefInvalidDate, range, what));
    };
    let Some(month_span) = &issue.month else {
        unreadable(
            out,
            issue.range,
            "This issue reference gives no publication date".to_string(),
        );
        return;
    };
    let Some(month) = dates::read_month(month_span.text(text)) else {
        unreadable(
            out,
            month_span.range,
            format!("`{}` is not a month", month_span.text(text)),
        );
        return;
    };
    let (Some(day), Some(year)) = (&issue.day, &issue.year) else {
        unreadable(
            out,
            month_span.range,
            "The publication date needs a day and a year, e.g. `March 20 2017`".to_string(),
        );
        return;
    };
    let range = month_span.range.cover(day.range).cover(year.range);
    match (day.text(text).parse::<i8>(), year.text(text).parse::<i16>()) {
        (Ok(day_value), Ok(year_value)) if year.text(text).len() == 4 => {
            if issue.date.is_none() {
                unreadable(
                    out,
                    range,
                    format!(
                        "There is no {} {} {}: {} {year_value} has {} days",
                        month_span.text(text),
                        day_value,
                        year.text(text),
                        dates::month_name(month.month),
                        dates::days_in_month(Some(year_value), month.month)
                    ),
                );
            }
        }
        _ => unreadable(
            out,
            range,
            format!(
                "`{} {} {}` cannot be read as a date",
                month_span.text(text),
                day.text(text),
                year.text(text)
            ),
        ),
    }
}
