//! A generated archive on disk for the throughput bench: folders of tag
//! pages (`.txt` and `.bulletin`), each a run of articles dense with entity
//! mentions, datelines, issue references and acronym definitions, with a
//! seeded share of every defect the rules know and a manifest of where each
//! one is. The same seed and size always give the same bytes.

// Each bench uses part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::{date, Date};
use jiff::Span;

/// One seeded defect: the rule that must report it, in which file, between
/// which lines (1-based, inclusive: the article it was seeded in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub rule: &'static str,
    /// Relative to the corpus folder, with `/` separators.
    pub path: String,
    pub first_line: usize,
    pub last_line: usize,
}

/// What `generate` wrote.
pub struct Corpus {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub bytes: u64,
    pub articles: usize,
    pub seeded: Vec<Seeded>,
}

/// Every rule the generator seeds, in the order it cycles through them.
pub const RULES: [&str; 17] = [
    "dateline-missing",
    "dateline-malformed",
    "dateline-invalid-date",
    "dateline-month-style",
    "dateline-dash",
    "dateline-spacing",
    "dateline-publication",
    "dateline-after-publication",
    "dateline-too-early",
    "issue-ref-malformed",
    "issue-ref-invalid-date",
    "issue-date-conflict",
    "issue-sequence",
    "article-kind-mismatch",
    "entity-spelling",
    "acronym-undefined",
    "honorific-unresolved",
];

/// About one article in this many carries a seeded defect.
const DEFECT_EVERY: u64 = 40;
/// Articles that cite one issue (tag pages cite an issue many times over).
const ARTICLES_PER_ISSUE: usize = 48;
/// About how big one page is.
const PAGE_BYTES: usize = 64 * 1024;
const FIRST_ISSUE: u32 = 12;

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// Dateline places, as datelines write them.
const PLACES: [&str; 16] = [
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
    "ATYRAU",
    "KHUJAND",
    "BATUMI",
    "SHYMKENT",
];
const COUNTRIES: [&str; 9] = [
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
    "Turkmenistan",
    "Uzbekistan",
    "Azerbaijan",
    "Armenia",
    "Georgia",
    "Afghanistan",
];
const NEIGHBOURS: [&str; 7] = [
    "China", "Russia", "Iran", "Turkey", "Pakistan", "India", "Mongolia",
];
const CITIES: [&str; 12] = [
    "Almaty",
    "Bishkek",
    "Tashkent",
    "Dushanbe",
    "Ashgabat",
    "Baku",
    "Tbilisi",
    "Yerevan",
    "Samarkand",
    "Khujand",
    "Moscow",
    "Beijing",
];
/// Acronyms the text defines before using, with the gazetteer's spelling
/// and a second spelling for `entity-spelling`.
const BODIES: [(&str, &str, &str); 8] = [
    (
        "SCO",
        "Shanghai Cooperation Organisation",
        "Shanghai Cooperation Organization",
    ),
    (
        "CSTO",
        "Collective Security Treaty Organisation",
        "Collective Security Treaty Organization",
    ),
    (
        "EAEU",
        "Eurasian Economic Union",
        "Euroasian Economic Union",
    ),
    (
        "EBRD",
        "European Bank for Reconstruction and Development",
        "European Bank of Reconstruction and Development",
    ),
    ("ADB", "Asian Development Bank", "Asia Development Bank"),
    (
        "AIIB",
        "Asian Infrastructure Investment Bank",
        "Asian Infrastructure Investments Bank",
    ),
    (
        "CAREC",
        "Central Asia Regional Economic Cooperation",
        "Central Asian Regional Economic Cooperation",
    ),
    (
        "OSCE",
        "Organisation for Security and Co-operation in Europe",
        "Organization for Security and Cooperation in Europe",
    ),
];
/// Well-known acronyms: used without a definition.
const WELL_KNOWN: [&str; 5] = ["IMF", "EU", "UN", "WTO", "US"];
const PEOPLE: [(&str, &str); 10] = [
    ("Aziz", "Karimov"),
    ("Dinara", "Seitkali"),
    ("Rustam", "Nazarov"),
    ("Gulnara", "Abdrakhmanova"),
    ("Timur", "Suleimenov"),
    ("Nodira", "Yusupova"),
    ("Bakyt", "Osmonov"),
    ("Zarina", "Rahimova"),
    ("Levan", "Beridze"),
    ("Aram", "Sargsyan"),
];
const ROLES: [&str; 6] = [
    "the finance minister",
    "the central bank’s chairman",
    "the deputy prime minister",
    "the energy minister",
    "an adviser to the president",
    "the head of the customs service",
];
const SUBJECTS: [&str; 12] = [
    "grain exports",
    "gas output",
    "rail freight",
    "bank lending",
    "cotton prices",
    "hydropower supply",
    "mining licences",
    "road tolls",
    "remittances",
    "wheat harvest",
    "oil transit",
    "border trade",
];
const VERBS: [&str; 6] = ["rise", "fall", "stall", "recover", "double", "slow"];
const TAGS: [&str; 16] = [
    "kazakhstan",
    "kyrgyzstan",
    "tajikistan",
    "turkmenistan",
    "uzbekistan",
    "azerbaijan",
    "armenia",
    "georgia",
    "sco",
    "eaeu",
    "energy",
    "banking",
    "agriculture",
    "transport",
    "mining",
    "migration",
];
const FOLDERS: [&str; 4] = ["places", "organisations", "economy", "people"];

/// The dateline's months in AP style, and a style the house does not use.
const AP_MONTHS: [&str; 12] = [
    "JAN.", "FEB.", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUG.", "SEPT.", "OCT.", "NOV.",
    "DEC.",
];
const OFF_STYLE_MONTHS: [&str; 12] = [
    "JANUARY", "FEBRUARY", "MAR.", "APR.", "MAY.", "JUN.", "JUL.", "AUGUST", "SEP.", "OCTOBER",
    "NOVEMBER", "DECEMBER",
];
const ISSUE_MONTHS: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];

fn first_issue_date() -> Date {
    date(1996, 1, 5)
}

fn issue_date(number: u32) -> Date {
    first_issue_date() + Span::new().days(7 * i64::from(number - FIRST_ISSUE))
}

fn day(d: Date, days: i64) -> Date {
    d + Span::new().days(days)
}

fn ap_month(d: Date) -> &'static str {
    AP_MONTHS[d.month() as usize - 1]
}

fn issue_month(d: Date) -> &'static str {
    ISSUE_MONTHS[d.month() as usize - 1]
}

/// One article being written: its lines, so a defect's place is known.
struct Article {
    text: String,
}

impl Article {
    fn para(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push_str("\n\n");
    }
}

/// Writes one article, with `defect` seeded into it (or none).
fn article(rng: &mut Rng, index: usize, defect: Option<&'static str>, seq: &mut u32) -> String {
    let mut issue = FIRST_ISSUE + (index / ARTICLES_PER_ISSUE) as u32;
    let mut published = issue_date(issue);
    let mut filed = day(published, -(1 + rng.below(5) as i64));
    let country = rng.pick(&COUNTRIES);
    let neighbour = rng.pick(&NEIGHBOURS);
    let city = rng.pick(&CITIES);
    let subject = rng.pick(&SUBJECTS);
    let verb = rng.pick(&VERBS);
    let (first, last) = PEOPLE[rng.below(PEOPLE.len())];
    let role = rng.pick(&ROLES);
    let (abbr, name, other_spelling) = BODIES[rng.below(BODIES.len())];
    let known = rng.pick(&WELL_KNOWN);
    let opinion = rng.below(9) == 0;
    let mut a = Article {
        text: String::new(),
    };

    match defect {
        Some("issue-sequence") => {
            // Far beyond the archive's issues, each a day after the last
            // seeded one: out of sequence with its neighbour.
            issue = 1_000_000 + 1000 * *seq;
            published = day(first_issue_date(), i64::from(*seq));
            filed = day(published, -2);
            *seq += 1;
        }
        Some("dateline-after-publication") => filed = day(published, 3),
        Some("dateline-too-early") => filed = day(published, -90),
        _ => {}
    }

    // Headline.
    let kind_mismatch = defect == Some("article-kind-mismatch");
    if opinion || kind_mismatch {
        a.para(&format!(
            "Comment: {country} should rethink its {subject} policy, says {last}"
        ));
    } else {
        a.para(&format!(
            "{country}’s {subject} {verb} as {neighbour} demand shifts ({index})"
        ));
    }

    // Dateline and lead.
    let place = if rng.below(6) == 0 {
        String::new()
    } else {
        format!("{}, ", rng.pick(&PLACES))
    };
    let publication = if rng.below(5) == 0 {
        "The Bulletin"
    } else {
        "The Conway Bulletin"
    };
    let month = ap_month(filed);
    let (d, y) = (filed.day(), filed.year());
    let lead = format!(
        "{country}’s {subject} {verb}s for the {} month in a row, {role} {first} {last} told reporters in {city}, citing figures from the statistics committee.",
        ["second", "third", "fourth", "fifth"][rng.below(4)]
    );
    let dateline = match defect {
        Some("dateline-missing") => lead.clone(),
        Some("dateline-malformed") => {
            let place = rng.pick(&PLACES);
            format!("{place}{month} {d} {y} ({publication}) — {lead}")
        }
        Some("dateline-invalid-date") => {
            format!("{place}FEB. 30 {y} ({publication}) — {lead}")
        }
        Some("dateline-month-style") => format!(
            "{place}{} {d} {y} ({publication}) — {lead}",
            OFF_STYLE_MONTHS[filed.month() as usize - 1]
        ),
        Some("dateline-dash") => format!("{place}{month} {d} {y} ({publication}) – {lead}"),
        Some("dateline-spacing") => format!("{place}{month} {d}  {y} ({publication}) — {lead}"),
        Some("dateline-publication") => {
            format!("{place}{month} {d} {y} (The Daily Steppe) — {lead}")
        }
        _ => format!("{place}{month} {d} {y} ({publication}) — {lead}"),
    };
    a.para(&dateline);

    // Body: entities, an acronym defined then used, a person named then
    // referred to by honorific.
    let expansion = if defect == Some("entity-spelling") {
        other_spelling
    } else {
        name
    };
    a.para(&format!(
        "The figures come as {country} negotiates with the {expansion} ({abbr}) over new rules for {subject}. {abbr} members account for most of the country’s trade, and officials in {city} expect the talks to end before the summer. The {known} said in its latest review that growth in {country} would depend on demand from {neighbour}."
    ));
    let honorific = if ["Dinara", "Gulnara", "Nodira", "Zarina"].contains(&first) {
        "Ms"
    } else {
        "Mr"
    };
    if defect == Some("honorific-unresolved") {
        a.para(&format!(
            "{honorific} Davletov, who has held the post since the spring, said the government would not change course. Traders in {city} said prices on regional markets had already adjusted."
        ));
    } else {
        a.para(&format!(
            "{honorific} {last} said the government would not change course. Traders in {city} said prices on regional markets had already adjusted, and that buyers in {neighbour} and Russia were signing longer contracts."
        ));
    }
    if defect == Some("acronym-undefined") {
        a.para(&format!(
            "Diplomats said the CSTO and the CIS would also discuss {subject} at their next meetings in {city}."
        ));
    } else {
        a.para(&format!(
            "Critics say earlier strategies for {subject} were never carried out, and that money promised by {neighbour} for roads, railways and power lines arrived late. Farmers in the south of {country} complained of shortages."
        ));
    }
    if opinion && !kind_mismatch {
        a.para(&format!(
            "By {first} {last}, researcher at the {city} Centre for Regional Studies"
        ));
    }
    if rng.below(3) != 0 {
        a.para("Copyright ©The Conway Bulletin — all rights reserved");
    }

    // Issue reference.
    let kind = if opinion && !kind_mismatch {
        "Comment"
    } else {
        "News report"
    };
    let mut pub_month = issue_month(published).to_string();
    let mut pub_day = published.day().to_string();
    let mut pub_year = published.year().to_string();
    let mut number = issue.to_string();
    let mut close = ")";
    match defect {
        Some("issue-ref-malformed") => close = "",
        Some("issue-ref-invalid-date") => {
            pub_month = "Feb.".to_string();
            pub_day = "30".to_string();
        }
        Some("issue-date-conflict") => {
            let wrong = day(published, 1);
            pub_month = issue_month(wrong).to_string();
            pub_day = wrong.day().to_string();
            pub_year = wrong.year().to_string();
        }
        _ => {}
    }
    if defect == Some("issue-ref-malformed") && rng.below(2) == 0 {
        number.push('l');
        close = ")";
    }
    if !opinion && !kind_mismatch && defect.is_none() && rng.below(4) == 0 {
        a.para(&format!(
            ">>This story was first published in issue {number} of The Conway Bulletin on {pub_month} {pub_day} {pub_year}"
        ));
    } else {
        a.para(&format!(
            "({kind} from Issue No. {number}, published on {pub_month} {pub_day} {pub_year}{close}"
        ));
    }
    a.text
}

/// Whether the next article carries a defect, and which: the rules in turn.
fn next_defect(rng: &mut Rng, next_rule: &mut usize) -> Option<&'static str> {
    if !rng.next().is_multiple_of(DEFECT_EVERY) {
        return None;
    }
    let rule = RULES[*next_rule % RULES.len()];
    *next_rule += 1;
    Some(rule)
}

/// One text of about `bytes` bytes, articles as the archive's pages have
/// them (defects seeded alike), for benches of one file.
pub fn text(bytes: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(bytes + 4096);
    out.push_str("Tag Archives: CENTRAL ASIA\n\n");
    let (mut index, mut next_rule, mut seq) = (0, 0, 0);
    while out.len() < bytes {
        let defect = next_defect(&mut rng, &mut next_rule);
        out.push_str(&article(&mut rng, index, defect, &mut seq));
        index += 1;
    }
    out
}

/// Writes an archive of about `bytes` bytes under `root` (emptied first).
pub fn generate(root: &Path, bytes: u64, seed: u64) -> std::io::Result<Corpus> {
    if root.exists() {
        std::fs::remove_dir_all(root)?;
    }
    std::fs::create_dir_all(root)?;
    // `.txt` pages are taken by the `include` glob, as real archives set it.
    std::fs::write(root.join("bulletin.toml"), "include = [\"*.txt\"]\n")?;
    let mut rng = Rng(seed);
    let mut corpus = Corpus {
        root: root.to_path_buf(),
        files: Vec::new(),
        bytes: 0,
        articles: 0,
        seeded: Vec::new(),
    };
    let mut next_rule = 0usize;
    let mut seq = 0u32;
    let mut page = 0usize;
    while corpus.bytes < bytes {
        let folder = FOLDERS[page % FOLDERS.len()];
        let tag = TAGS[page % TAGS.len()];
        let ext = if page % 3 == 2 { "bulletin" } else { "txt" };
        let relative = format!("{folder}/{tag}-{page:05}.{ext}");
        let mut text = String::with_capacity(PAGE_BYTES + 4096);
        let _ = write!(text, "Tag Archives: {}\n\n", tag.to_uppercase());
        let mut line = 3usize;
        let budget = PAGE_BYTES.min((bytes - corpus.bytes) as usize + 1);
        while text.len() < budget {
            let defect = next_defect(&mut rng, &mut next_rule);
            let body = article(&mut rng, corpus.articles, defect, &mut seq);
            let lines = body.matches('\n').count();
            if let Some(rule) = defect {
                corpus.seeded.push(Seeded {
                    rule,
                    path: relative.clone(),
                    first_line: line,
                    last_line: line + lines - 1,
                });
            }
            line += lines;
            text.push_str(&body);
            corpus.articles += 1;
        }
        let path = root.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &text)?;
        corpus.bytes += text.len() as u64;
        corpus.files.push(path);
        page += 1;
    }
    // One page that is not UTF-8: `io-error`.
    let relative = "places/damaged-page.txt".to_string();
    let mut damaged = b"Tag Archives: DAMAGED\n\nA page saved in the wrong encoding: caf".to_vec();
    damaged.extend([0xE9, b'\n']);
    let path = root.join(&relative);
    std::fs::write(&path, &damaged)?;
    corpus.bytes += damaged.len() as u64;
    corpus.files.push(path);
    corpus.seeded.push(Seeded {
        rule: "io-error",
        path: relative,
        first_line: 1,
        last_line: 1,
    });
    Ok(corpus)
}

/// The manifest as text: one seeded defect a line, `rule path first-last`.
pub fn manifest(corpus: &Corpus) -> String {
    let mut out = String::from("# rule\tpath\tlines (the article the defect was seeded in)\n");
    for seeded in &corpus.seeded {
        let _ = writeln!(
            out,
            "{}\t{}\t{}-{}",
            seeded.rule, seeded.path, seeded.first_line, seeded.last_line
        );
    }
    out
}
