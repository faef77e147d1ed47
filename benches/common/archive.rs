//! A generated archive for benchmarks: weekly issues, a few articles each,
//! realistic typography and a sprinkling of house-style defects.

const PLACES: [&str; 12] = [
    "ALMATY",
    "ASTANA",
    "BISHKEK",
    "TASHKENT",
    "DUSHANBE",
    "ASHGABAT",
    "BAKU",
    "TBILISI",
    "YEREVAN",
    "SAMARKAND",
    "OSH",
    "AKTAU",
];
const MONTHS: [&str; 12] = [
    "JAN.", "FEB.", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUG.", "SEPT.", "OCT.", "NOV.",
    "DEC.",
];
const ISSUE_MONTHS: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
const SUBJECTS: [&str; 8] = [
    "Grain exports",
    "Gas output",
    "Rail freight",
    "Bank lending",
    "Cotton prices",
    "Hydropower supply",
    "Mining licences",
    "Road tolls",
];
const VERBS: [&str; 4] = ["rise", "fall", "stall", "recover"];

/// A realistic archive of about `bytes` bytes: weekly issues, a few articles
/// each, some with house-style defects.
pub fn generate(bytes: usize) -> String {
    let mut out = String::from("Tag Archives: Central Asia\n\n");
    let mut issue = 100u32;
    let mut day_of_issue = jiff::civil::date(2010, 1, 8);
    let mut n = 0usize;
    while out.len() < bytes {
        for slot in 0..4 {
            n += 1;
            let place = PLACES[(n * 7) % PLACES.len()];
            let filed = day_of_issue - jiff::Span::new().days(((n % 5) + 1) as i64);
            let month = MONTHS[filed.month() as usize - 1];
            let dash = if n.is_multiple_of(23) { "–" } else { "—" };
            let subject = SUBJECTS[n % SUBJECTS.len()];
            let verb = VERBS[(n / 3) % VERBS.len()];
            out.push_str(&format!(
                "{subject} {verb} in {} as ministry reports figures {n}\n\n",
                place.to_lowercase()
            ));
            out.push_str(&format!(
                "{place}, {month} {} {} (The Conway Bulletin) {dash} {subject} {verb} for the {} week in a row, officials said on Tuesday, citing data from the statistics committee and the central bank’s “weekly” review.\n\n",
                filed.day(),
                filed.year(),
                ["first", "second", "third"][slot % 3]
            ));
            out.push_str("Analysts said the figures reflected seasonal demand and higher prices on regional markets. Traders expect the trend to continue until the end of the quarter, when new contracts are signed with buyers in China and Russia.\n\n");
            out.push_str("The government has promised to publish a new strategy for the sector later this year, with targets for investment, output and exports. Critics say earlier strategies were not carried out.\n\n");
            out.push_str("Copyright ©The Conway Bulletin — all rights reserved\n\n");
            out.push_str(&format!(
                "(News report from Issue No. {issue}, published on {} {} {})\n\n",
                ISSUE_MONTHS[day_of_issue.month() as usize - 1],
                day_of_issue.day(),
                day_of_issue.year()
            ));
        }
        issue += 1;
        day_of_issue += jiff::Span::new().days(7);
    }
    out
}
