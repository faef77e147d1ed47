//! Property test of the language server's document store: after any
//! sequence of incremental edits (either encoding, multi-byte text and
//! newlines, headlines and trailers made and broken near segment
//! boundaries), the rope and text equal the expected text, every segment's
//! summary equals that of a fresh parse of its text, every hot segment's
//! tree equals that parse node for node, no more segments than the limit
//! keep a tree, and the articles and diagnostics equal those of a fresh
//! whole-document analysis. The limits are tiny (a few articles a segment,
//! at most three trees), so edits fall in hot and cold segments alike.

use bulletin::lsp::convert::{Encoding, Lines};
use bulletin::lsp::document::{Document, SegmentLimits};
use proptest::prelude::*;
use store::{nodes, trees};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

#[path = "common/store.rs"]
mod store;

const START: &str = "Tag Archives: Steppe\n\nComment: Budget “approved” — 🎉\n\nÖSKEMEN, JAN. 3 (The Bulletin) – Text’s here.\n\n(News report from Issue No. 12, published on Jan. 10 2019)\n\nGrain exports rise\n\nASTANA, FEB. 3 2019 (The Bulletin) — More.\n\nCopyright ©The Bulletin\n\nWeak one after a trailer\n\nBody line without a dateline.\n\n(News report from Issue No. 13, published on Feb. 8 2019)\nGas output falls\n\nBAKU, MARCH 2 2019 (The Bulletin) — Gas.\n\nBy Anna Lee, correspondent\n\nENDS\n\nRail freight stalls\n\n>>A standfirst>>\n\nOSH, APRIL 5 2019 (The Bulletin) — Rail.\n\nSecond paragraph.\n\n(News report from Issue No. 14, published on April 9 2019)\n\nLone headline\n\nTASHKENT, MAY 1 2019 (The Bulletin) — Last.\n";

const PIECES: [&str; 18] = [
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
    "ALMATY, JAN. 3 (The Bulletin) — ",
    "(News report from Issue No. 7, published on Jan. 9 2019)\n",
    "Copyright ©x\n",
    "ENDS\n\n",
    "Short line\n\n",
    "By Ed Roe, editor\n",
];

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
    (1usize..4, 40usize..400, 0usize..4).prop_map(|(max_articles, max_bytes, hot_trees)| {
        SegmentLimits {
            max_articles,
            max_bytes,
            hot_trees,
        }
    })
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
    ) {
        let encoding = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let config = bulletin::config::Config::default();
        let mut document = Document::with_limits(START.to_string(), 1, limits);
        // Without it, the first edits find segments never parsed.
        if refresh_first {
            document.refresh(&config, 0);
        }
        let mut expected = START.to_string();
        let mut pending = Vec::new();
        for (version, edit) in edits.into_iter().enumerate() {
            let range = Range::new(
                Position::new(edit.start.0, edit.start.1),
                Position::new(edit.end.0, edit.end.1),
            );
            // The expected text, through the rope-independent model of positions.
            let index = bulletin::line_index::LineIndex::new(&expected);
            let lines = bulletin::lsp::convert::TextLines {
                text: &expected,
                index: &index,
            };
            let span = lines.text_range(range, encoding);
            expected.replace_range(span.start..span.end, &edit.text);
            pending.push(TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
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
    let config = bulletin::config::Config::default();
    let mut document = Document::new(text.clone(), 1);
    assert!(document.segments().count() > 2);
    for (version, line) in [2u32, 400, 797, 3].into_iter().enumerate() {
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, 0), Position::new(line, 0))),
            range_length: None,
            text: "x".to_string(),
        };
        document.apply_changes(vec![change], version as i32 + 2, Encoding::Utf16);
        document.refresh(&config, 0);
        let (_, analysis) = bulletin::analysis::analyze(&document.text, &config);
        assert_eq!(document.model(), analysis.document);
        let mut mine = document.diagnostics();
        bulletin::analysis::sort(&mut mine);
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
    };
    let config = bulletin::config::Config::default();
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
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(at, at)),
            range_length: None,
            text: "x".to_string(),
        };
        document.apply_changes(vec![change], version as i32 + 2, Encoding::Utf16);
        assert_eq!(trees(&document), 1);
        let (_, text, tree) = document
            .segments()
            .find(|(_, _, tree)| tree.is_some())
            .unwrap();
        assert!(text.contains(marker), "the edited segment is the hot one");
        let fresh = bulletin::syntax::parse(text, None).unwrap();
        assert_eq!(nodes(tree.unwrap()), nodes(&fresh));
        document.refresh(&config, 0);
        let (_, analysis) = bulletin::analysis::analyze(&document.text, &config);
        assert_eq!(document.model(), analysis.document);
    }
}
