//! Parsing and analysis never panic, every reported range lies inside the
//! text on character boundaries, and fixes keep every line end (`\n`, `\r\n`,
//! lone `\r`) as it was, for random text and random edits of real-looking
//! articles.

use bulletin_core::config::Config;
use bulletin_core::fix::fix_text;
use proptest::prelude::*;

#[path = "common/fixes.rs"]
mod fixes;
#[path = "common/invariants.rs"]
mod invariants;

const ARTICLE: &str = "Tag Archives: Caspian gas\n\nComment: Turkmen gas “finds” a new route\n\n>>Ashgabat looks west>>\n\nASHGABAT, SEPT. 3 2019 (The Conway Bulletin) — Turkmenistan’s gas 🔥 exports rose.\n\nBy Aida Sarsen, analyst\n\nCopyright ©The Conway Bulletin — all rights reserved\n\n(Editorial from Issue No.\u{a0}430, published on Sept.\u{a0}6\u{a0}2019)\n\nBISHKEK/Kyrgyzstan, OCT. 4  2019, (The Bulletin) – –Kyrgyz MPs met.\r\n\r\n>>This story was first published in issue 434 of The Conway Bulletin on Oct. 4 2019\r\n\nTASHKENTJAN. 8 (The Daily Steppe) — x\r\rOSH, MAY 2  2019 (The Bulletin) – Text ©’s 🔥.\r\n\r(News report from Issue No. 43l, published on Jan. 12020)f";

/// Pieces that make real defects when spliced in.
const PIECES: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "\r\r",
    "\n\n",
    " ",
    "\u{a0}",
    "—",
    "–",
    "-",
    "(",
    ")",
    ",",
    "/",
    ">>",
    "SEPT.",
    "FEB. 30",
    "2017",
    "Issue No. ",
    "ENDS\n",
    "By ",
    "©",
    "’",
    "📰",
    "Comment: ",
    "(The Bulletin) ",
    "JAN. 1 ",
    "\u{feff}",
    "MARCH 3 2014 (The Conway Bulletin) — ",
    "OCT. 2 20\n",
    "(The Con",
    "published on  Sep.",
    "Nov.17 ",
    "APRIL 2 2016, DUSHANBE ",
    "ASTANA/Kazakhstan, ",
    "",
];

/// The checks every fuzz target and property test shares: no panic, and
/// every diagnostic, fix edit, model span and entity range inside the text
/// on character boundaries.
fn check_ranges(text: &str) {
    invariants::analyse_and_check(text);
}

/// The line ends of `text` in order: `"\n"`, `"\r\n"` or `"\r"` each.
fn line_ends(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = bulletin_core::line_index::find_line_end(rest) {
        let len = bulletin_core::line_index::line_end_len(&rest[at..]);
        out.push(&rest[at..at + len]);
        rest = &rest[at + len..];
    }
    out
}

fn splice(base: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut text = base.to_string();
    for &(at, delete, piece) in edits {
        let mut start = at % (text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.replace_range(start..end, PIECES[piece % PIECES.len()]);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_of_real_looking_articles(edits in prop::collection::vec((0usize..2000, 0usize..12, 0usize..64), 0..12)) {
        let text = splice(ARTICLE, &edits);
        check_ranges(&text);
        // Fixing never panics, keeps the text outside its edits, leaves
        // nothing fixable, and fixing the result again changes nothing.
        fixes::check_fix(&text, false);
        fixes::check_fix(&text, true);
        // Fixes never add, remove, split or join a line end.
        let once = fix_text(&text, &Config::default(), None, true).text;
        prop_assert_eq!(line_ends(&once), line_ends(&text));
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,400}") {
        check_ranges(&text);
    }

    #[test]
    fn arbitrary_lines_of_format_characters(text in "[A-Za-z0-9 .,/()\u{a0}—–>\r\n©’📰-]{0,300}") {
        check_ranges(&text);
    }
}

#[test]
fn fixing_keeps_line_endings_bom_and_final_newline() {
    let text = "\u{feff}Gas deal signed\r\n\r\nALMATY, SEPT 3 2019 (The Conway Bulletin) – Kazakh officials signed.\r\n\r\n(News report from Issue No. 430, published on Sept. 6 2019)";
    let fixed = fix_text(text, &Config::default(), None, false).text;
    assert_eq!(
        fixed,
        "\u{feff}Gas deal signed\r\n\r\nALMATY, SEPT. 3 2019 (The Conway Bulletin) — Kazakh officials signed.\r\n\r\n(News report from Issue No. 430, published on Sept. 6 2019)"
    );
}

#[test]
fn fixing_keeps_lone_cr_and_mixed_line_ends() {
    let lf = "Gas deal signed\n\nALMATY, SEPT 3 2019 (The Conway Bulletin) – Kazakh officials’ © deal 🔥.\nA second line.\n\n(News report from Issue No. 430, published on Sept. 6 2019)\n";
    let want_lf = "Gas deal signed\n\nALMATY, SEPT. 3 2019 (The Conway Bulletin) — Kazakh officials’ © deal 🔥.\nA second line.\n\n(News report from Issue No. 430, published on Sept. 6 2019)\n";
    assert_eq!(fix_text(lf, &Config::default(), None, false).text, want_lf);
    let cr = lf.replace('\n', "\r");
    let fixed = fix_text(&cr, &Config::default(), None, false).text;
    assert_eq!(fixed, want_lf.replace('\n', "\r"));
    // Lone CR, CRLF and LF in one text: the two fixes go in, every line end stays.
    let mixed = "Gas deal signed\r\rALMATY, SEPT 3 2019 (The Conway Bulletin) – Kazakh officials’ © deal 🔥.\r\nA second line.\n\r(News report from Issue No. 430, published on Sept. 6 2019)\r";
    let fixed = fix_text(mixed, &Config::default(), None, false).text;
    assert_eq!(
        fixed,
        mixed.replace("SEPT 3", "SEPT. 3").replace(") –", ") —")
    );
    assert_eq!(line_ends(&fixed), ["\r", "\r", "\r\n", "\n", "\r", "\r"]);
}
