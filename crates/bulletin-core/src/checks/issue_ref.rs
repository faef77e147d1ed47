//! issue-ref-malformed, issue-ref-invalid-date.

use super::ArticleContext;
use crate::dates;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::model::{is_space, IssueRef, IssueRefForm};
use crate::rules::Rule;
use crate::text_range::TextRange;

pub(super) fn check(context: &ArticleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(issue) = &context.article.issue_ref else {
        return;
    };
    number(issue, out);
    brackets(context.text, issue, out);
    date(issue, out);
}

fn number(issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    let Some(number) = &issue.number else {
        out.push(Diagnostic::new(
            Rule::IssueRefMalformed,
            issue.range,
            "This issue reference gives no issue number",
        ));
        return;
    };
    if issue.number_value.is_some() {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        Rule::IssueRefMalformed,
        number.range,
        format!("The issue number `{}` is not a whole number", number.text),
    );
    // Letters that typists and OCR put for digits: a guess, so never applied silently.
    let read_as: String = number
        .text
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
                junk.text
            )
        } else {
            format!(
                "Unexpected `{}` in the issue reference, after its date",
                junk.text
            )
        };
        out.push(
            Diagnostic::new(Rule::IssueRefMalformed, junk.range, message).with_fix(Fix::unsafe_(
                format!("Delete `{}`", junk.text),
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

fn date(issue: &IssueRef, out: &mut Vec<Diagnostic>) {
    // A day and year run together: `April 12015` reads as `April 1 2015`.
    let fused = match (&issue.day, &issue.year) {
        (Some(day), None) => Some(day),
        (None, Some(year)) => Some(year),
        _ => None,
    }
    .filter(|span| {
        (5..=6).contains(&span.text.len()) && span.text.chars().all(|ch| ch.is_ascii_digit())
    });
    if let Some(span) = fused {
        let split = span.text.len() - 4;
        let (day, year) = span.text.split_at(split);
        out.push(
            Diagnostic::new(
                Rule::IssueRefInvalidDate,
                span.range,
                format!(
                    "`{}` runs the day and the year together: write `{day} {year}`",
                    span.text
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
    let Some(month) = dates::read_month(&month_span.text) else {
        unreadable(
            out,
            month_span.range,
            format!("`{}` is not a month", month_span.text),
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
    match (day.text.parse::<i8>(), year.text.parse::<i16>()) {
        (Ok(day_value), Ok(year_value)) if year.text.len() == 4 => {
            if issue.date.is_none() {
                unreadable(
                    out,
                    range,
                    format!(
                        "There is no {} {} {}: {} {year_value} has {} days",
                        month_span.text,
                        day_value,
                        year.text,
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
                month_span.text, day.text, year.text
            ),
        ),
    }
}
