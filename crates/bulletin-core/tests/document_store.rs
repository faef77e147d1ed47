//! Property test of the document store (the open documents of the
//! `ide` workspace, what the language server edits): after any
//! sequence of incremental edits (either encoding, multi-byte text and
//! line ends of every kind, `\r\n` pairs joined from a lone `\r` and a
//! `\n` or broken up again, headlines and trailers made and broken near
//! segment boundaries, on a text with `\n`, lone `\r` or mixed line ends),
//! the rope and text equal the expected text, every segment's
//! summary equals that of a fresh parse of its text, every hot segment's
//! tree equals that parse node for node, no more segments than the limit
//! keep a tree, and the articles and diagnostics equal those of a fresh
//! whole-document analysis. The limits are tiny (a few articles a segment,
//! at most three trees), so edits fall in hot and cold segments alike.

use bulletin_core::ide::document::{Document, SegmentLimits};
use bulletin_core::ide::lines::{Encoding, Lines};
use bulletin_core::ide::{ContentChange, Position, PositionRange as Range};
use proptest::prelude::*;
use store::{nodes, trees};

#[path = "common/store.rs"]
mod store;

const START: &str = "Tag Archives: Steppe\n\nComment: Budget “approved” — 🎉\n\nÖSKEMEN, JAN. 3 (The Bulletin) – Text’s here.\n\n(News report from Issue No. 12, published on Jan. 10 2019)\n\nGrain exports rise\n\nASTANA, FEB. 3 2019 (The Bulletin) — More.\n\nCopyright ©The Bulletin\n\nWeak one after a trailer\n\nBody line without a dateline.\n\n(News report from Issue No. 13, published on Feb. 8 2019)\nGas output falls\n\nBAKU, MARCH 2 2019 (The Bulletin) — Gas.\n\nBy Anna Lee, correspondent\n\nENDS\n\nRail freight stalls\n\n>>A standfirst>>\n\nOSH, APRIL 5 2019 (The Bulletin) — Rail.\n\nSecond paragraph.\n\n(News report from Issue No. 14, published on April 9 2019)\n\nLone headline\n\nTASHKENT, MAY 1 2019 (The Bulletin) — Last.\n";

const PIECES: [&str; 22] = [
    "a",
    "—",
    "–",
    "©",
    "’",
    "“",
    "😀",
    "\n",
    "\n\n",
    "JAN. 4 ",
    "Headline here\n\n",
    "\r\n",
    "\r",
    "\r",
    "\r\r",
    "Short line\r\r",
    "ALMATY, JAN. 3 (The Bulletin) — ",
    "(News report from Issue No. 7, published on Jan. 9 2019)\n",
    "Copyright ©x\n",
    "ENDS\n\n",
    "Short line\n\n",
    "By Ed Roe, editor\n",
];

/// START with its line ends: `\n` (0), lone `\r` (1), or `\n`, `\r\n` and
/// `\r` in turn (2), never a lone `\r` right before an empty `\n` line
/// (which would join them).
fn start_text(ending: u8) -> String {
    match ending {
        0 => START.to_string(),
        1 => START.replace('\n', "\r"),
        _ => {
            let mut out = String::new();
            for (at, line) in START.split_terminator('\n').enumerate() {
                let mut end = ["\n", "\r\n", "\r"][at % 3];
                if out.ends_with('\r') && line.is_empty() && end.starts_with('\n') {
                    end = "\r";
                }
                out.push_str(line);
                out.push_str(end);
            }
            out
        }
    }
}

#[derive(Debug, Clone)]
struct Edit {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        (0u32..48, 0u32..70),
        (0u32..4, 0u32..70),
        proptest::collection::vec(0usize..PIECES.len(), 0..4),
    )
        .prop_map(|(start, (lines, col), pieces)| Edit {
            start,
            end: (
                start.0 + lines,
                if lines == 0 { start.1 + col % 8 } else { col },
            ),
            text: pieces.into_iter().map(|at| PIECES[at]).collect(),
        })
}

fn limits() -> impl Strategy<Value = SegmentLimits> {
    // Half the time a text of any length is cut on several threads, from a
    // guessed cut that the first part must confirm.
    let parallel_from = prop_oneof![Just(usize::MAX), 0usize..3000];
    (1usize..4, 40usize..400, 0usize..4, parallel_from).prop_map(
        |(max_articles, max_bytes, hot_trees, parallel_from)| SegmentLimits {
            max_articles,
            max_bytes,
            hot_trees,
            parallel_from,
        },
    )
}

proptest! {
    // 256 cases unless `PROPTEST_CASES` says otherwise (`with_cases` would
    // ignore the variable).
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn segmented_store_equals_a_fresh_whole_parse(
        edits in proptest::collection::vec(edit(), 1..10),
        utf8 in any::<bool>(),
        batch in any::<bool>(),
        refresh_between in any::<bool>(),
        refresh_first in any::<bool>(),
        limits in limits(),
        ending in 0u8..3,
    ) {
        let encoding = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let config = bulletin_core::config::Config::default();
        let start = start_text(ending);
        let mut document = Document::with_limits(start.clone(), 1, limits);
        // Without it, the first edits find segments never parsed.
        if refresh_first {
            document.refresh(&config, 0);
        }
        let mut expected = start;
        let mut pending = Vec::new();
        for (version, edit) in edits.into_iter().enumerate() {
            let range = Range::new(
                Position::new(edit.start.0, edit.start.1),
                Position::new(edit.end.0, edit.end.1),
            );
            // The expected text, through the rope-independent model of positions.
            let index = bulletin_core::line_index::LineIndex::new(&expected);
            let lines = bulletin_core::ide::lines::TextLines {
                text: &expected,
                index: &index,
            };
            let span = lines.text_range(range, encoding);
            expected.replace_range(span.start..span.end, &edit.text);
            pending.push(ContentChange {
                range: Some(range),
                text: edit.text,
            });
            if !batch {
                document.apply_changes(std::mem::take(&mut pending), version as i32 + 2, encoding);
                prop_assert!(trees(&document) <= limits.hot_trees);
                if refresh_between {
                    document.refresh(&config, 0);
                    prop_assert!(trees(&document) <= limits.hot_trees);
                }
            }
        }
        if !pending.is_empty() {
            document.apply_changes(pending, 99, encoding);
        }
        // (a) the text.
        prop_assert_eq!(&document.text, &expected);
        prop_assert_eq!(document.rope.to_string(), expected.clone());
        // (b) each segment's summary and tree (where it has one) is that of
        // a fresh parse of its text, and the segments cover the text in order
        // (the comparisons of `tests/common/store.rs`, shared with the
        // `document_store` fuzz target).
        store::check_segments(&document, limits);
        // (c) the articles and diagnostics equal a fresh whole-document
        // analysis; after it every segment was parsed and is still checked.
        document.refresh(&config, 0);
        store::check_segments(&document, limits);
        store::check_against_fresh(&document, &config);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::default())]

    /// A text cut on several threads (from guessed cuts, confirmed or not)
    /// reads as the whole text does: copies of the start text, edited
    /// anywhere (a trailer broken, a headline joined to its dateline), and
    /// cut as soon as it is long enough for the guesses to start.
    #[test]
    fn parallel_cuts_equal_a_fresh_whole_parse(
        copies in 4usize..16,
        edits in proptest::collection::vec(edit(), 0..6),
        ending in 0u8..3,
        max_bytes in 40usize..400,
    ) {
        let one = start_text(ending);
        let mut text = one.repeat(copies);
        for edit in edits {
            // The edit's lines, spread over the copies.
            let line_count = bulletin_core::line_index::LineIndex::new(&text).line_count() as u32;
            let spread = |line: u32| line.wrapping_mul(copies as u32 * 7 + 1) % line_count.max(1);
            let index = bulletin_core::line_index::LineIndex::new(&text);
            let lines = bulletin_core::ide::lines::TextLines { text: &text, index: &index };
            let (a, b) = (spread(edit.start.0), spread(edit.end.0));
            let range = Range::new(
                Position::new(a.min(b), edit.start.1),
                Position::new(a.max(b), edit.end.1),
            );
            let span = lines.text_range(range, Encoding::Utf8);
            text.replace_range(span.start..span.end, &edit.text);
        }
        let config = bulletin_core::config::Config::default();
        let limits = SegmentLimits { max_articles: 2, max_bytes, parallel_from: 0, ..SegmentLimits::default() };
        let mut document = Document::with_limits(text.clone(), 1, limits);
        document.refresh(&config, 0);
        store::check_segments(&document, limits);
        store::check_against_fresh(&document, &config);
    }
}

/// A larger text with the default limits: cut into several segments, and
/// equal to a whole parse after edits in the first, a middle and the last article.
#[test]
fn default_limits_on_a_long_text() {
    let mut text = String::from("Tag Archives: Steppe\n\n");
    for n in 0..200 {
        text.push_str(&format!(
            "Grain exports rise {n}\n\nASTANA, FEB. 3 2019 (The Bulletin) — More text about grain and the ministry’s “figures” {n}.\n\nA second paragraph.\n\n(News report from Issue No. {n}, published on Feb. 8 2019)\n\n"
        ));
    }
    let config = bulletin_core::config::Config::default();
    let mut document = Document::new(text.clone(), 1);
    assert!(document.segments().count() > 2);
    for (version, line) in [2u32, 400, 797, 3].into_iter().enumerate() {
        let change = ContentChange {
            range: Some(Range::new(Position::new(line, 0), Position::new(line, 0))),
            text: "x".to_string(),
        };
        document.apply_changes(vec![change], version as i32 + 2, Encoding::Utf16);
        document.refresh(&config, 0);
        let (_, analysis) = bulletin_core::analysis::analyze(&document.text, &config);
        assert_eq!(document.model(), analysis.document);
        let mut mine = document.diagnostics();
        bulletin_core::analysis::sort(&mut mine);
        assert_eq!(mine, analysis.diagnostics);
    }
}

/// An edit in a cold segment parses it afresh and makes it hot; an edit in a
/// hot one reparses its tree incrementally; both equal a fresh parse.
#[test]
fn hot_and_cold_segments() {
    let limits = SegmentLimits {
        max_articles: 3,
        max_bytes: 1000,
        hot_trees: 1,
        ..SegmentLimits::default()
    };
    let config = bulletin_core::config::Config::default();
    let mut document = Document::with_limits(START.to_string(), 1, limits);
    document.refresh(&config, 0);
    assert!(document.segments().count() > 1);
    assert_eq!(trees(&document), 0);
    // Inside the middle articles of the two segments (the ASTANA and OSH datelines).
    let edits = [
        (10, 3, "ASTx"),
        (10, 3, "ASTx"),
        (31, 1, "Ox"),
        (31, 1, "Ox"),
        (10, 3, "ASTx"),
    ];
    for (version, (line, column, marker)) in edits.into_iter().enumerate() {
        let at = Position::new(line, column);
        let change = ContentChange {
            range: Some(Range::new(at, at)),
            text: "x".to_string(),
        };
        document.apply_changes(vec![change], version as i32 + 2, Encoding::Utf16);
        assert_eq!(trees(&document), 1);
        let (_, text, tree) = document
            .segments()
            .find(|(_, _, tree)| tree.is_some())
            .unwrap();
        assert!(text.contains(marker), "the edited segment is the hot one");
        let fresh = bulletin_core::syntax::parse(text).unwrap();
        assert_eq!(nodes(tree.unwrap()), nodes(&fresh));
        document.refresh(&config, 0);
        let (_, analysis) = bulletin_core::analysis::analyze(&document.text, &config);
        assert_eq!(document.model(), analysis.document);
    }
}

/// Refreshes `document` and checks it against a fresh parse and analysis.
fn assert_fresh(document: &mut Document, limits: SegmentLimits, what: &str) {
    let config = bulletin_core::config::Config::default();
    document.refresh(&config, 0);
    assert_eq!(document.rope.to_string(), document.text, "{what}");
    eprintln!("checking: {what}");
    store::check_segments(document, limits);
    store::check_against_fresh(document, &config);
}

fn replace(document: &mut Document, range: ((u32, u32), (u32, u32)), text: &str, version: i32) {
    let change = ContentChange {
        range: Some(Range::new(
            Position::new(range.0 .0, range.0 .1),
            Position::new(range.1 .0, range.1 .1),
        )),
        text: text.to_string(),
    };
    document.apply_changes(vec![change], version, Encoding::Utf16);
}

/// On a lone-`\r` text cut into one-article segments, at every line: an
/// `\n` put after a lone `\r` joins them into one line end (the line count
/// stays), and replacing that `\r\n` by `\r`, ` ` and `\n` breaks it into
/// two again with a blank line between; a blank line of one space between a
/// lone `\r` and an `\n`, deleted, leaves one line end. Each time the store
/// equals a fresh parse, segment boundaries included.
#[test]
fn crlf_pairs_joined_and_broken_at_every_line() {
    let limits = SegmentLimits {
        max_articles: 1,
        max_bytes: 60,
        hot_trees: 2,
        ..SegmentLimits::default()
    };
    let text = START.replace('\n', "\r");
    let mut document = Document::with_limits(text.clone(), 1, limits);
    assert_fresh(&mut document, limits, "opened");
    assert!(document.segments().count() > 4);
    let line_count = document.rope.len_lines() as u32;
    assert_eq!(line_count as usize, START.lines().count() + 1);
    let mut version = 2;
    for line in 1..line_count {
        let lines_before = document.rope.len_lines();
        // Join: the `\r` ending line - 1 and a new `\n` are one line end.
        replace(&mut document, ((line, 0), (line, 0)), "\n", version);
        version += 1;
        assert_eq!(document.rope.len_lines(), lines_before, "line {line}");
        assert_fresh(&mut document, limits, &format!("joined before line {line}"));
        // Break it: a blank line of one space between the `\r` and the `\n`.
        // A column past the line's text is its end, before the `\r\n`.
        let previous = line - 1;
        let width = 9999;
        replace(
            &mut document,
            ((previous, width), (line, 0)),
            "\r \n",
            version,
        );
        version += 1;
        assert_eq!(document.rope.len_lines(), lines_before + 1, "line {line}");
        assert_fresh(&mut document, limits, &format!("broken before line {line}"));
        // Delete the space: `\r\n` again, the blank line gone.
        replace(&mut document, ((line, 0), (line, 1)), "", version);
        version += 1;
        assert_eq!(document.rope.len_lines(), lines_before, "line {line}");
        assert_fresh(
            &mut document,
            limits,
            &format!("space deleted before line {line}"),
        );
        // And back to the lone `\r`.
        replace(&mut document, ((previous, width), (line, 0)), "\r", version);
        version += 1;
        assert_fresh(
            &mut document,
            limits,
            &format!("restored before line {line}"),
        );
    }
    assert_eq!(document.text, text);
}

/// The counterexample kept in `document_store.proptest-regressions`, replayed
/// as edits: a lead cut off after its date ("JAN. 4 ") makes the headline
/// above it a headline whatever stands before it; typing after the date on
/// that line (outside the article's range) leaves it a headline only after
/// a trailer, and the article before ends with an unclosed dateline, no
/// trailer. The store once cut between the two and read two articles where
/// the whole page has one.
#[test]
fn a_cut_off_lead_typed_on_after_its_date() {
    let limits = SegmentLimits {
        max_articles: 1,
        max_bytes: 40,
        hot_trees: 0,
        ..SegmentLimits::default()
    };
    let mut document = Document::with_limits(START.to_string(), 1, limits);
    let edits = [
        (((24, 0), (26, 0)), ""),
        (((37, 25), (38, 0)), "Headline here\n\n—"),
        (((39, 3), (39, 3)), "Headline here\n\nJAN. 4 "),
        (((17, 0), (20, 0)), "Headline here\n\n"),
        (((13, 0), (16, 29)), ""),
        (((37, 7), (37, 7)), "©"),
    ];
    for (version, (range, text)) in edits.into_iter().enumerate() {
        replace(&mut document, range, text, version as i32 + 2);
        store::check_segments(&document, limits);
    }
    assert!(document
        .text
        .ends_with("(TheHeadline here\n\n—Headline here\n\nJAN. 4 ©"));
    assert_fresh(&mut document, limits, "after the last edit");
    // One article from "Lone headline" to the end, as in the whole parse.
    let last = document.articles().last().map(|entry| entry.article.range);
    let lone = document.text.find("Lone headline");
    assert_eq!(
        last.map(|range| (range.start, range.end)),
        lone.map(|at| (at, document.text.len()))
    );
}

/// Segments are cut only after an article whose last line is a trailer:
/// after one that ends with its body, the next headline's reading depends on
/// that (a line that is a headline only after a trailer), so both stay in
/// one segment, and the pieces stay equal to a whole parse while the line
/// after the next headline turns from a cut-off dateline into body text.
#[test]
fn cuts_only_after_a_trailer() {
    let limits = SegmentLimits {
        max_articles: 1,
        max_bytes: 40,
        hot_trees: 1,
        ..SegmentLimits::default()
    };
    let text = "Wheat harvest begins early\n\nKOSTANAY, JULY 2 2017 (The Bulletin) — Farmers started.\n\n(News report from Issue No. 40, published on July 7 2017)\n\nRiver levels fall\n\nSEMEY, JULY 3 2017 (The Bulletin) — The river fell.\n\nMore on the river.\n\nFerry service halted\n\nJULY 4 \n\nFerries stopped.\n\nCopyright ©The Bulletin\n\nDust storm closes airport\n\nAKTAU, JULY 5 2017 (The Bulletin) — Flights stopped.\n";
    let mut document = Document::with_limits(text.to_string(), 1, limits);
    assert_fresh(&mut document, limits, "opened");
    let starts: Vec<&str> = document
        .segments()
        .map(|(_, text, _)| text.lines().next().unwrap_or(""))
        .collect();
    // "Ferry service halted" follows body text: no cut before it.
    assert_eq!(
        starts,
        [
            "Wheat harvest begins early",
            "River levels fall",
            "Dust storm closes airport"
        ]
    );
    // Text after the date on the cut-off lead's line (past the article's end).
    let line = text
        .lines()
        .position(|line| line == "JULY 4 ")
        .expect("the cut-off lead") as u32;
    replace(&mut document, ((line, 7), (line, 7)), "ferries", 2);
    assert_fresh(&mut document, limits, "the lead is now body text");
    let headlines: Vec<String> = document
        .articles()
        .iter()
        .map(|entry| entry.article.headline.text.text(&document.text).to_string())
        .collect();
    assert_eq!(
        headlines,
        [
            "Wheat harvest begins early",
            "River levels fall",
            "Dust storm closes airport"
        ]
    );
    // And back: a headline again.
    replace(&mut document, ((line, 7), (line, 14)), "", 3);
    assert_fresh(&mut document, limits, "a cut-off dateline again");
    assert_eq!(document.articles().len(), 4);
}
