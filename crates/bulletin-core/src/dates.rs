//! Months, days and years as bulletins write them, and AP style.
//!
//! AP style abbreviates Jan. Feb. Aug. Sept. Oct. Nov. Dec. (with a period)
//! and never abbreviates March April May June July.

use jiff::civil::Date;

/// How a recognised month word relates to AP style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthStyle {
    /// `JAN.`, `Sept.`, `MARCH`.
    Ap,
    /// A month AP abbreviates, written in full: `JANUARY`, `September`.
    Unabbreviated,
    /// An AP abbreviation without its period: `SEPT`, `Jan`.
    MissingPeriod,
    /// An abbreviation AP does not use: `SEP.`, `MAR.`, `Jun`.
    NotAp,
    /// A full month name with a period after it: `MARCH.`.
    StrayPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthWord {
    /// 1 = January.
    pub month: i8,
    pub style: MonthStyle,
}

const FULL: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const AP: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];

/// AP spelling of `month` (1-based) in title case, e.g. `Sept.`.
pub fn ap_month(month: i8) -> &'static str {
    AP.get((month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// AP spelling of `month`, upper-cased when `like` is written in upper case.
pub fn ap_month_like(month: i8, like: &str) -> String {
    let ap = ap_month(month);
    if is_upper(like) {
        ap.to_uppercase()
    } else {
        ap.to_string()
    }
}

/// Full English name of `month` (1-based), e.g. `September`.
pub fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get((month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// True when every letter in `word` is upper case (and there is one).
pub fn is_upper(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

/// Reads a month word such as `SEPT.`, `Jan.`, `MARCH` or `SEP`.
pub fn read_month(word: &str) -> Option<MonthWord> {
    let (stem, period) = match word.strip_suffix('.') {
        Some(stem) => (stem, true),
        None => (word, false),
    };
    // No month name is longer than `september`; every word of an archive's
    // text comes here (the entities ask of each upper-case one), so nothing
    // is allocated.
    if stem.is_empty() || stem.len() > 9 || !stem.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return None;
    }
    if let Some(index) = FULL.iter().position(|name| name.eq_ignore_ascii_case(stem)) {
        let month = index as i8 + 1;
        let kept_in_full = (3..=7).contains(&month);
        let style = match (kept_in_full, period) {
            (true, false) => MonthStyle::Ap,
            (true, true) => MonthStyle::StrayPeriod,
            (false, _) => MonthStyle::Unabbreviated,
        };
        return Some(MonthWord { month, style });
    }
    let ap_stem = |month: i8| ap_month(month).trim_end_matches('.');
    if let Some(month) = (1..=12)
        .find(|&month| ap_month(month).ends_with('.') && ap_stem(month).eq_ignore_ascii_case(stem))
    {
        let style = if period {
            MonthStyle::Ap
        } else {
            MonthStyle::MissingPeriod
        };
        return Some(MonthWord { month, style });
    }
    // Any other prefix of three letters or more: `SEP`, `MAR.`, `Sept` is handled above.
    if stem.len() >= 3 {
        if let Some(index) = FULL.iter().position(|name| {
            name.get(..stem.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(stem))
        }) {
            return Some(MonthWord {
                month: index as i8 + 1,
                style: MonthStyle::NotAp,
            });
        }
    }
    None
}

/// A word that ends in a month, like `TASHKENTJAN.`: the byte length of the
/// part before the month, and the month read from the rest.
pub fn split_fused_month(word: &str) -> Option<(usize, MonthWord)> {
    word.char_indices()
        .skip(1)
        .filter(|(_, ch)| ch.is_ascii_alphabetic())
        .find_map(|(at, _)| {
            let month = read_month(&word[at..])?;
            // Only real AP words or full names: `ANA` + `STAN.` must not match.
            let plausible = matches!(month.style, MonthStyle::Ap | MonthStyle::Unabbreviated)
                || word[at..].trim_end_matches('.').len() >= 3 && word.ends_with('.');
            plausible.then_some((at, month))
        })
}

/// Days in `month` of `year`; February has 29 when the year is unknown.
pub fn days_in_month(year: Option<i16>, month: i8) -> i8 {
    match year {
        Some(year) => Date::new(year, month, 1).map_or(31, |date| date.days_in_month()),
        None => match month {
            2 => 29,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        },
    }
}

/// The date `month day` falls on, given the year it was published in:
/// a December dateline in a January issue belongs to the year before.
pub fn infer_year(month: i8, day: i8, published: Date) -> Option<Date> {
    let same_year = Date::new(published.year(), month, day).ok();
    match same_year {
        Some(date) if date <= published => Some(date),
        _ => Date::new(published.year() - 1, month, day)
            .ok()
            .or(same_year),
    }
}

/// `Friday, March 10 2017`.
pub fn long_date(date: Date) -> String {
    format!(
        "{}, {} {} {}",
        weekday_name(date),
        month_name(date.month()),
        date.day(),
        date.year()
    )
}

pub fn weekday_name(date: Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match date.weekday() {
        Monday => "Monday",
        Tuesday => "Tuesday",
        Wednesday => "Wednesday",
        Thursday => "Thursday",
        Friday => "Friday",
        Saturday => "Saturday",
        Sunday => "Sunday",
    }
}

/// Whole days from `earlier` to `later` (negative when `later` is before).
pub fn days_between(earlier: Date, later: Date) -> i64 {
    // A civil `Date::until` counts in days by default.
    earlier
        .until(later)
        .map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(word: &str) -> Option<(i8, MonthStyle)> {
        read_month(word).map(|month| (month.month, month.style))
    }

    #[test]
    fn reads_ap_and_non_ap_months() {
        use MonthStyle::*;
        assert_eq!(style("JAN."), Some((1, Ap)));
        assert_eq!(style("Sept."), Some((9, Ap)));
        assert_eq!(style("MARCH"), Some((3, Ap)));
        assert_eq!(style("SEPT"), Some((9, MissingPeriod)));
        assert_eq!(style("SEP."), Some((9, NotAp)));
        assert_eq!(style("MAR."), Some((3, NotAp)));
        assert_eq!(style("JANUARY"), Some((1, Unabbreviated)));
        assert_eq!(style("JUNE."), Some((6, StrayPeriod)));
        assert_eq!(style("MA"), None);
        assert_eq!(style("FOO"), None);
        assert_eq!(style("TASHKENTJAN."), None);
    }

    #[test]
    fn splits_a_place_run_into_a_month() {
        let (at, month) = split_fused_month("TASHKENTJAN.").unwrap();
        assert_eq!((at, month.month), (8, 1));
        assert_eq!(split_fused_month("ALMATY"), None);
    }

    #[test]
    fn infers_the_year_from_the_issue_date() {
        let published = Date::new(2019, 1, 11).unwrap();
        assert_eq!(infer_year(1, 1, published), Date::new(2019, 1, 1).ok());
        assert_eq!(infer_year(12, 28, published), Date::new(2018, 12, 28).ok());
        assert_eq!(
            long_date(Date::new(2017, 3, 10).unwrap()),
            "Friday, March 10 2017"
        );
        assert_eq!(
            days_between(
                Date::new(2017, 3, 10).unwrap(),
                Date::new(2017, 3, 13).unwrap()
            ),
            3
        );
    }
}
