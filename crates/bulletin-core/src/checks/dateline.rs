//! dateline-missing, dateline-malformed, dateline-invalid-date,
//! dateline-month-style, dateline-dash, dateline-spacing,
//! dateline-publication, dateline-after-publication, dateline-too-early,
//! dateline-place-order, dateline-place-case.

use super::ArticleContext;
use crate::dates::{self, MonthStyle};
use crate::diagnostic::{Diagnostic, Edit, Fix, Related};
use crate::line_index;
use crate::model::{is_space, Dateline, DatelinePiece, Span};
use crate::rules::Rule;
use crate::text_range::TextRange;

const HOUSE_EXAMPLE: &str = "ALMATY, MARCH 10 2017 (The Conway Bulletin) — ";

pub(super) fn check(context: &ArticleContext<'_>, out: &mut Vec<Diagnostic>) {
    let text = context.text;
    let Some(dateline) = &context.article.dateline else {
        missing(context, out);
        return;
    };
    let cut = cut_off(text, dateline, out);
    month_and_day(text, dateline, out);
    if !cut {
        publication(context, dateline, out);
        dash(context, dateline, out);
    } else {
        // What is there is still judged; what is missing was said once.
        if let Some(name) = dateline
            .publication
            .as_ref()
            .filter(|_| dateline.dash.is_some())
        {
            if !context.config.knows_publication(name.text(text)) {
                publication(context, dateline, out);
            }
        }
        if dateline.dash.is_some() {
            dash(context, dateline, out);
        }
    }
    spacing(context, dateline, out);
    against_issue_date(context, dateline, out);
    place_order(context.text, dateline, out);
    place_case(text, dateline, out);
}

/// `APRIL 2 2016, DUSHANBE (…)`: the place goes first.
fn place_order(text: &str, dateline: &Dateline, out: &mut Vec<Diagnostic>) {
    if !dateline.place_after_date {
        return;
    }
    let Some(month_at) = dateline
        .pieces
        .iter()
        .position(|(piece, _)| *piece == DatelinePiece::Month)
    else {
        return;
    };
    let (before, after) = dateline.pieces.split_at(month_at);
    let first_place = after
        .iter()
        .position(|(piece, _)| *piece == DatelinePiece::Place);
    let Some(first_place) = first_place else {
        return;
    };
    let date_end = after[..first_place]
        .iter()
        .filter(|(piece, _)| {
            matches!(
                piece,
                DatelinePiece::Month | DatelinePiece::Day | DatelinePiece::Year
            )
        })
        .map(|(_, range)| range.end)
        .max();
    let place_end = after[first_place..]
        .iter()
        .take_while(|(piece, _)| matches!(piece, DatelinePiece::Place | DatelinePiece::Slash))
        .filter(|(piece, _)| *piece == DatelinePiece::Place)
        .map(|(_, range)| range.end)
        .max();
    let (Some(date_end), Some(place_end)) = (date_end, place_end) else {
        return;
    };
    let date = TextRange::new(after[0].1.start, date_end);
    let place = TextRange::new(after[first_place].1.start, place_end);
    let place_text = place.slice(text);
    let mut diagnostic = Diagnostic::new(
        Rule::DatelinePlaceOrder,
        place,
        format!(
            "The place `{place_text}` comes after the date: house style puts it first, as in `{place_text}, {}`",
            date.slice(text)
        ),
    );
    // Only a dateline with no place before its date can be reordered safely.
    let only_after = !before
        .iter()
        .any(|(piece, _)| *piece == DatelinePiece::Place);
    if only_after && text.get(date.start..place.end).is_some() {
        diagnostic = diagnostic.with_fix(Fix::unsafe_(
            format!("Move `{place_text}` before the date"),
            vec![Edit::replace(
                TextRange::new(date.start, place.end),
                format!("{place_text}, {}", date.slice(text)),
            )],
        ));
    }
    out.push(diagnostic);
}

/// `ASTANA/Kazakhstan`: every dateline place is in capitals.
fn place_case(text: &str, dateline: &Dateline, out: &mut Vec<Diagnostic>) {
    for place in &dateline.places {
        if !place.text(text).chars().any(char::is_lowercase) {
            continue;
        }
        let upper = place.text(text).to_uppercase();
        out.push(
            Diagnostic::new(
                Rule::DatelinePlaceCase,
                place.range,
                format!(
                    "The dateline place `{}` is not in capitals: write `{upper}`",
                    place.text(text)
                ),
            )
            .with_fix(Fix::safe(
                format!("Write `{upper}`"),
                vec![Edit::replace(place.range, upper.clone())],
            )),
        );
    }
}

fn missing(context: &ArticleContext<'_>, out: &mut Vec<Diagnostic>) {
    let article = context.article;
    let (range, where_) = match article.lead {
        Some(lead) => (first_words(context.text, lead), "The lead paragraph"),
        None => (
            article.headline.range,
            "This article has no lead paragraph and",
        ),
    };
    out.push(Diagnostic::new(
        Rule::DatelineMissing,
        range,
        format!("{where_} does not start with a dateline such as `{HOUSE_EXAMPLE}`"),
    ));
}

/// The first few words of a paragraph: enough to point at, short enough to read.
fn first_words(text: &str, range: TextRange) -> TextRange {
    let slice = range.slice(text);
    let line = line_index::first_line(slice);
    let end = line
        .char_indices()
        .filter(|(_, ch)| is_space(*ch))
        .nth(2)
        .map_or(line.len(), |(at, _)| at);
    TextRange::new(range.start, range.start + end)
}

/// A year written with fewer than four digits: cut off (`OCT. 2 20`).
fn year_cut<'d>(text: &str, dateline: &'d Dateline) -> Option<&'d Span> {
    dateline.year.as_ref().filter(|year| {
        year.text(text).len() < 4 && year.text(text).bytes().all(|b| b.is_ascii_digit())
    })
}

/// A dateline cut off or broken after its date: a year cut short, a
/// publication bracket never closed, or nothing after the date. Reports
/// what is missing in one finding; true when it did.
fn cut_off(text: &str, dateline: &Dateline, out: &mut Vec<Diagnostic>) -> bool {
    let has = |wanted: DatelinePiece| dateline.pieces.iter().any(|(piece, _)| *piece == wanted);
    let open = has(DatelinePiece::OpenParen) && !has(DatelinePiece::CloseParen);
    let ends_line = dateline.dash.is_none() && dateline.text_start.is_none();
    let year = year_cut(text, dateline);
    if year.is_none() && !open && !(ends_line && dateline.publication.is_none()) {
        return false;
    }
    if dateline.month.is_none() || dateline.day.is_none() {
        return false;
    }
    let mut missing = Vec::new();
    if let Some(year) = year {
        missing.push(format!("the year is cut off after `{}`", year.text(text)));
    }
    match (&dateline.publication, open) {
        (Some(name), true) if ends_line => {
            missing.push(format!(
                "the publication is cut off after `{}`",
                name.text(text)
            ));
        }
        (Some(name), true) => missing.push(format!(
            "the bracket after `{}` is never closed",
            name.text(text)
        )),
        (None, true) => missing.push("the publication's bracket is open and empty".to_string()),
        (None, false) => missing.push("the publication in brackets is missing".to_string()),
        (Some(_), false) => {}
    }
    if dateline.dash.is_none() {
        missing.push("the dash before the story is missing".to_string());
    }
    let list = match missing.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}, and {last}", rest.join(", ")),
        None => return false,
    };
    let mut diagnostic = Diagnostic::new(
        Rule::DatelineMalformed,
        dateline.range,
        format!("This dateline is cut off or broken: {list}; house style is `{HOUSE_EXAMPLE}`"),
    );
    // Only a bracket left open before the dash can be mended without guessing.
    if let (true, Some(name), Some(_), None) = (open, &dateline.publication, &dateline.dash, year) {
        diagnostic = diagnostic.with_fix(Fix::safe(
            "Close the bracket after the publication",
            vec![Edit::insert(name.range.end, ")")],
        ));
    }
    out.push(diagnostic);
    true
}

fn date_range(dateline: &Dateline) -> TextRange {
    let parts = [
        &dateline.month,
        &dateline.day,
        &dateline.end_day,
        &dateline.year,
    ];
    parts
        .iter()
        .filter_map(|part| part.as_ref().map(|span| span.range))
        .reduce(TextRange::cover)
        .unwrap_or(dateline.range)
}

fn month_and_day(text: &str, dateline: &Dateline, out: &mut Vec<Diagnostic>) {
    let Some(month_span) = &dateline.month else {
        out.push(Diagnostic::new(
            Rule::DatelineMalformed,
            dateline.range,
            format!("This dateline has no month; house style is `{HOUSE_EXAMPLE}`"),
        ));
        return;
    };
    let Some(month) = read_month_or_report(text, month_span, out) else {
        return;
    };
    let Some(day_span) = &dateline.day else {
        out.push(Diagnostic::new(
            Rule::DatelineMalformed,
            month_span.range,
            format!("The dateline has no day after `{}`", month_span.text(text)),
        ));
        return;
    };
    let written = date_range(dateline);
    let Ok(day) = day_span.text(text).parse::<i8>() else {
        out.push(Diagnostic::new(
            Rule::DatelineInvalidDate,
            day_span.range,
            format!("`{}` cannot be a day of the month", day_span.text(text)),
        ));
        return;
    };
    let year = match &dateline.year {
        None => dateline.date.map(|date| date.year()),
        Some(year) => match year.text(text).parse::<i16>() {
            Ok(value) if year.text(text).len() == 4 => Some(value),
            // Cut short: `cut_off` said so.
            _ if year_cut(text, dateline).is_some() => return,
            _ => {
                out.push(Diagnostic::new(
                    Rule::DatelineInvalidDate,
                    year.range,
                    format!("`{}` is not a year", year.text(text)),
                ));
                return;
            }
        },
    };
    let days = dates::days_in_month(year, month.month);
    if day < 1 || day > days {
        let in_year = year.map(|year| format!(" in {year}")).unwrap_or_default();
        out.push(Diagnostic::new(
            Rule::DatelineInvalidDate,
            written,
            format!(
                "There is no {} {}{in_year}: {} has {days} days",
                month_span.text(text),
                day_span.text(text),
                dates::month_name(month.month)
            ),
        ));
        return;
    }
    if let Some(end_day) = &dateline.end_day {
        let valid = end_day
            .text(text)
            .parse::<i8>()
            .is_ok_and(|end| end > day && end <= days);
        if !valid {
            out.push(Diagnostic::new(
                Rule::DatelineInvalidDate,
                end_day.range,
                format!(
                    "The date range ends on `{}`, which does not follow day {day}",
                    end_day.text(text)
                ),
            ));
        }
    }
}

/// Reads the month word; reports a month that is not a month (or is fused to
/// the place before it) and a month not in AP style.
fn read_month_or_report(
    text: &str,
    span: &Span,
    out: &mut Vec<Diagnostic>,
) -> Option<dates::MonthWord> {
    if let Some(month) = dates::read_month(span.text(text)) {
        // A dateline's month is in capitals (`MAY`, `OCT.`); issue
        // references keep mixed case and are not judged here.
        let ap = dates::ap_month(month.month).to_uppercase();
        let lower_case = span.text(text).chars().any(char::is_lowercase);
        if month.style != MonthStyle::Ap || lower_case {
            let why = match month.style {
                MonthStyle::Unabbreviated => "is abbreviated in AP style",
                MonthStyle::MissingPeriod => "needs its period",
                MonthStyle::NotAp => "is not an AP abbreviation",
                MonthStyle::StrayPeriod => "is never abbreviated, so takes no period",
                MonthStyle::Ap => "is not in capitals, as a dateline's month is",
            };
            out.push(
                Diagnostic::new(
                    Rule::DatelineMonthStyle,
                    span.range,
                    format!("`{}` {why}: write `{ap}`", span.text(text)),
                )
                .with_fix(Fix::safe(
                    format!("Write `{ap}`"),
                    vec![Edit::replace(span.range, ap)],
                )),
            );
        }
        return Some(month);
    }
    if let Some((at, _)) = dates::split_fused_month(span.text(text)) {
        let place = &span.text(text)[..at];
        let month_text = &span.text(text)[at..];
        let split = span.range.start + at;
        out.push(
            Diagnostic::new(
                Rule::DatelineMalformed,
                span.range,
                format!("The place `{place}` runs into the month `{month_text}`: write `{place}, {month_text}`"),
            )
            .with_fix(Fix::safe(
                format!("Separate `{place}` from `{month_text}`"),
                vec![Edit::insert(split, ", ")],
            )),
        );
        // The month's own style is judged once the place is separated.
        return None;
    }
    out.push(Diagnostic::new(
        Rule::DatelineInvalidDate,
        span.range,
        format!("`{}` is not a month", span.text(text)),
    ));
    None
}

fn publication(context: &ArticleContext<'_>, dateline: &Dateline, out: &mut Vec<Diagnostic>) {
    let text = context.text;
    match &dateline.publication {
        Some(name) if name.text(text).trim().is_empty() => out.push(Diagnostic::new(
            Rule::DatelineMalformed,
            name.range,
            "The dateline's brackets are empty: name the publication, e.g. `(The Conway Bulletin)`",
        )),
        Some(name) if !context.config.knows_publication(name.text(text)) => {
            let known = context.config.publications.join("`, `");
            let hint = match closest_publication(name.text(text), &context.config.publications) {
                Some(closest) => format!("did you mean `{closest}`? If"),
                None => "if".to_string(),
            };
            out.push(Diagnostic::new(
                Rule::DatelinePublication,
                name.range,
                format!(
                    "`{}` is not a known publication (known: `{known}`); {hint} it is a real name, \
                     add it to `publications` in bulletin.toml",
                    name.text(text)
                ),
            ));
        }
        Some(_) => {}
        None => out.push(Diagnostic::new(
            Rule::DatelineMalformed,
            dateline.range,
            format!("The dateline names no publication: add it in brackets after the date, as in `{HOUSE_EXAMPLE}`"),
        )),
    }
}

fn describe_dash(dash: &str) -> String {
    let dashes = dash.chars().filter(|ch| !is_space(*ch)).count();
    if dashes > 1 {
        return format!("a doubled dash `{dash}`");
    }
    match dash {
        "–" => "an en dash `–`".to_string(),
        "-" => "a hyphen `-`".to_string(),
        "—" => "an em dash `—`".to_string(),
        other => format!("`{other}`"),
    }
}

fn dash(context: &ArticleContext<'_>, dateline: &Dateline, out: &mut Vec<Diagnostic>) {
    let text = context.text;
    let house = &context.config.house_dash;
    match &dateline.dash {
        Some(dash) if dash.text(text) != *house => out.push(
            Diagnostic::new(
                Rule::DatelineDash,
                dash.range,
                format!(
                    "The dateline ends with {} instead of the house dash `{house}`",
                    describe_dash(dash.text(text))
                ),
            )
            .with_fix(Fix::safe(
                format!("Replace with `{house}`"),
                vec![Edit::replace(dash.range, house.clone())],
            )),
        ),
        Some(_) => {}
        None => {
            let close = dateline
                .pieces
                .iter()
                .rev()
                .find(|(piece, _)| *piece == DatelinePiece::CloseParen)
                .map(|(_, range)| *range);
            let mut diagnostic = Diagnostic::new(
                Rule::DatelineMalformed,
                close.unwrap_or(dateline.range),
                format!(
                    "The dateline has no dash before the story: house style is `{HOUSE_EXAMPLE}`"
                ),
            );
            if let (Some(close), Some(text_start)) = (close, dateline.text_start) {
                diagnostic = diagnostic.with_fix(Fix::safe(
                    format!("Add ` {house} ` after the dateline"),
                    vec![Edit::replace(
                        TextRange::new(close.end, text_start),
                        format!(" {house} "),
                    )],
                ));
            }
            out.push(diagnostic);
        }
    }
}

/// How many spaces a gap between two pieces should hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expected {
    None,
    One,
    /// `DUSHANBE/ Oct.` and `BISHKEK/Kyrgyzstan` are both real.
    NoneOrOne,
}

fn expected_gap(before: DatelinePiece, after: DatelinePiece) -> Option<Expected> {
    use DatelinePiece::*;
    Some(match (before, after) {
        (_, Comma) | (OpenParen, _) | (_, CloseParen) => Expected::None,
        (Slash, _) | (_, Slash) => Expected::NoneOrOne,
        (Comma, _) => Expected::One,
        (Month, Day) | (Day, Year) | (Day | Year | Place, OpenParen) | (CloseParen, Dash) => {
            Expected::One
        }
        (Place, Place) | (Place, Month) | (Day, Place) | (Year, Place) => Expected::One,
        _ => return None,
    })
}

fn spacing(context: &ArticleContext<'_>, dateline: &Dateline, out: &mut Vec<Diagnostic>) {
    let text = context.text;
    for pair in dateline.pieces.windows(2) {
        let [(before, left), (after, right)] = [pair[0], pair[1]];
        if before == DatelinePiece::Comma && after == DatelinePiece::OpenParen {
            let start = left.start;
            out.push(
                Diagnostic::new(
                    Rule::DatelineSpacing,
                    left,
                    "Stray comma before the publication's bracket",
                )
                .with_fix(Fix::safe(
                    "Remove the comma",
                    vec![Edit::replace(TextRange::new(start, right.start), " ")],
                )),
            );
            continue;
        }
        let Some(expected) = expected_gap(before, after) else {
            continue;
        };
        let gap = TextRange::new(left.end, right.start);
        check_gap(text, gap, expected, (left, right), out);
    }
    // After the dash: exactly one space before the story.
    if let (Some(dash), Some(text_start)) = (&dateline.dash, dateline.text_start) {
        let gap = TextRange::new(dash.range.end, text_start);
        check_gap(
            text,
            gap,
            Expected::One,
            (dash.range, TextRange::empty(text_start)),
            out,
        );
    }
}

fn check_gap(
    text: &str,
    gap: TextRange,
    expected: Expected,
    (left, right): (TextRange, TextRange),
    out: &mut Vec<Diagnostic>,
) {
    let gap_text = gap.slice(text);
    if !gap_text.chars().all(is_space) {
        return;
    }
    let spaces = gap_text.chars().count();
    // Most gaps are right: nothing is written for them.
    let (wording, description, replacement) = match (expected, spaces) {
        (Expected::One | Expected::NoneOrOne, 2..) => (
            "Doubled",
            "Use a single space",
            gap_text
                .chars()
                .next()
                .map_or(" ".to_string(), String::from),
        ),
        (Expected::None, 1..) => ("Stray", "Remove the space", String::new()),
        (Expected::One, 0) => ("Missing", "Insert a space", " ".to_string()),
        _ => return,
    };
    let left_text = left.slice(text);
    // Name the next piece (`(`, `2018`), or after the dash the story's first word.
    let right_word: String = if right.is_empty() {
        text.get(right.start..)
            .unwrap_or("")
            .chars()
            .take_while(|ch| !is_space(*ch) && *ch != '\n' && *ch != '\r')
            .take(24)
            .collect()
    } else {
        right.slice(text).to_string()
    };
    let message = format!("{wording} space between `{left_text}` and `{right_word}`");
    let range = if gap.is_empty() {
        left.cover(TextRange::new(right.start, right.start + right_word.len()))
    } else {
        gap
    };
    out.push(
        Diagnostic::new(Rule::DatelineSpacing, range, message).with_fix(Fix::safe(
            description,
            vec![Edit::replace(gap, replacement)],
        )),
    );
}

fn against_issue_date(
    context: &ArticleContext<'_>,
    dateline: &Dateline,
    out: &mut Vec<Diagnostic>,
) {
    let text = context.text;
    let Some(issue) = &context.article.issue_ref else {
        return;
    };
    let (Some(filed), Some(published)) = (dateline.date, issue.date) else {
        return;
    };
    let days = dates::days_between(filed, published);
    let too_early = days > i64::from(context.config.too_early_days);
    // The messages are written only for a finding (this runs for every
    // article).
    if days >= 0 && !too_early {
        return;
    }
    let issue_name = match &issue.number {
        Some(number) => format!("issue {}", number.text(text)),
        None => "its issue".to_string(),
    };
    let related = Related {
        file: None,
        range: issue.range,
        message: format!(
            "{issue_name} was published on {}",
            dates::long_date(published)
        ),
    };
    if days < 0 {
        out.push(
            Diagnostic::new(
                Rule::DatelineAfterPublication,
                date_range(dateline),
                format!(
                    "This dateline ({}) is {} after {issue_name} was published ({})",
                    dates::long_date(filed),
                    plural_days(-days),
                    dates::long_date(published)
                ),
            )
            .with_related(related),
        );
    } else if too_early {
        out.push(
            Diagnostic::new(
                Rule::DatelineTooEarly,
                date_range(dateline),
                format!(
                    "This dateline ({}) is {} before {issue_name} was published ({}); the limit is {}",
                    dates::long_date(filed),
                    plural_days(days),
                    dates::long_date(published),
                    plural_days(i64::from(context.config.too_early_days))
                ),
            )
            .with_related(related),
        );
    }
}

pub(crate) fn plural_days(days: i64) -> String {
    if days == 1 {
        "1 day".to_string()
    } else {
        format!("{days} days")
    }
}

/// The known publication nearest to `name` in spelling, when it is near
/// enough to be a slip (at most a third of its letters differ).
fn closest_publication<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let wanted: Vec<char> = name.to_lowercase().chars().collect();
    known
        .iter()
        .map(|candidate| {
            let letters: Vec<char> = candidate.to_lowercase().chars().collect();
            (edit_distance(&wanted, &letters), candidate)
        })
        .filter(|(distance, candidate)| *distance * 3 <= candidate.chars().count())
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.as_str())
}

/// Levenshtein distance between two strings of characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}
