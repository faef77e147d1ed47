//! A random sequence of edits applied through the language server's
//! segmented document store (`bulletin_core::ide::document`), compared after
//! every edit with a fresh parse and a whole-document analysis (the
//! comparisons of `crates/bulletin-core/tests/common/store.rs`, which
//! `crates/bulletin-core/tests/document_store.rs`
//! runs as a property test).
//!
//! An edit's position is a fraction of the text's length (so it lands
//! anywhere whatever the text), or now and then a raw line and column that
//! may lie past a line's or the text's end; the inserted text is drawn from
//! article-like pieces and arbitrary strings (`\r`, `\r\n`, `—`, emoji…).
//! Edits go one per change, or several in one batch; after each batch the
//! store is brought up to date (`update`, moves left pending, or `refresh`)
//! and compared.

#![no_main]

use arbitrary::Arbitrary;
use bulletin_core::ide::lines::{Encoding, Lines, TextLines};
use bulletin_core::ide::document::{Document, SegmentLimits};
use bulletin_core::config::Config;
use libfuzzer_sys::fuzz_target;
use bulletin_core::ide::{ContentChange, Position, PositionRange as Range};

#[path = "../../crates/bulletin-core/tests/common/store.rs"]
mod store;

const START: &str = "Tag Archives: Steppe\n\nComment: Budget “approved” — 🎉\n\nÖSKEMEN, JAN. 3 (The Bulletin) – Text’s here.\n\n(News report from Issue No. 12, published on Jan. 10 2019)\n\nGrain exports rise\n\nASTANA, FEB. 3 2019 (The Bulletin) — More.\n\nCopyright ©The Bulletin\n\nWeak one after a trailer\n\nBody line without a dateline.\n\n(News report from Issue No. 13, published on Feb. 8 2019)\nGas output falls\n\nBAKU, MARCH 2 2019 (The Bulletin) — Gas.\n\nBy Anna Lee, correspondent\n\nENDS\n\nRail freight stalls\n\n>>A standfirst>>\n\nOSH, APRIL 5 2019 (The Bulletin) — Rail.\n\nSecond paragraph.\n\n(News report from Issue No. 14, published on April 9 2019)\n\nLone headline\n\nTASHKENT, MAY 1 2019 (The Bulletin) — Last.\n";

const CRLF_START: &str = "Pipeline talks resume\r\n\r\nBAKU, SEPT. 12 2018 (The Conway Bulletin) — Talks resumed.\r\n\r\n>>This story was first published in issue 400 of The Conway Bulletin on Sept. 14 2018\r\n\r\nEditorial: Tariffs\r\n\r\nDUSHANBE, OCT 1 (The Bulletin) - Tariffs rose.\r\n\r\n(Editorial from Issue No. 401, published on Oct. 5 2018)\r\n";

/// Pieces that make and break articles when spliced in.
const PIECES: &[&str] = &[
    "a",
    " ",
    "—",
    "–",
    "-",
    "©",
    "’",
    "“",
    "😀",
    "\u{a0}",
    "\u{feff}",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\r\n\r\n",
    "JAN. 4 ",
    "SEPT. 31 ",
    "2019",
    "Headline here\n\n",
    "Comment: ",
    "Tag Archives: Gas\n\n",
    ">>A standfirst>>\n\n",
    "ALMATY, JAN. 3 (The Bulletin) — ",
    "ALMATY, MARCH 10 2017 (The Conway Bulletin) — ",
    "(News report from Issue No. 7, published on Jan. 9 2019)\n",
    ">>This story was first published in issue 434 of The Conway Bulletin on Oct. 4 2019\n",
    "Copyright ©x\n",
    "ENDS\n\n",
    "Short line\n\n",
    "By Ed Roe, editor\n",
    "Shanghai Cooperation Organisation (SCO) ",
    "Mr Roe ",
];

#[derive(Arbitrary, Debug)]
enum Start {
    Articles,
    CrlfArticles,
    /// The articles several times over, so there are many segments.
    Repeated(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum Piece {
    Known(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum Place {
    /// Offsets as fractions of the text's length (`u16::MAX` is the end):
    /// the start, and how many bytes after it the deletion ends.
    Fraction { at: u16, delete: u8 },
    /// A raw LSP range, perhaps past a line's or the text's end.
    Raw { start: (u16, u16), end: (u16, u16) },
    /// The whole text replaced (a change without a range).
    Whole,
}

#[derive(Arbitrary, Debug)]
struct EditOp {
    place: Place,
    inserted: Vec<Piece>,
    /// Sent in one batch with the next edit.
    batch_with_next: bool,
}

#[derive(Arbitrary, Debug)]
enum Bring {
    /// `update`: analyses current, moves left pending.
    Update,
    /// `refresh`: moves applied too.
    Refresh,
    /// `refresh` with a new configuration generation: every article re-analysed.
    NewGeneration,
}

#[derive(Arbitrary, Debug)]
struct Input {
    start: Start,
    /// Segment limits: articles, bytes, hot trees; `None`: the defaults.
    limits: Option<(u8, u16, u8)>,
    utf16: bool,
    refresh_first: bool,
    edits: Vec<(EditOp, Bring)>,
}

/// The LSP position of byte `offset` (a character boundary), computed here
/// from the text: lines end at `\n` only.
/// The start of each line: after `\n`, after `\r\n`, and after a lone `\r`
/// (the protocol's three line ends), written independently of the core's
/// line index so that the two can be compared.
fn line_start_before(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut line = 0;
    let mut start = 0;
    for (at, &byte) in bytes[..offset].iter().enumerate() {
        let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            start = at + 1;
        }
    }
    (line, start)
}

fn position_of(text: &str, offset: usize, encoding: Encoding) -> Position {
    let (line, line_start) = line_start_before(text, offset);
    let prefix = &text[line_start..offset];
    let character = match encoding {
        Encoding::Utf8 => prefix.len(),
        Encoding::Utf16 => prefix.encode_utf16().count(),
    };
    Position::new(line as u32, character as u32)
}

/// Whether `at` falls between the `\r` and the `\n` of one line end, which
/// no position can name.
fn inside_crlf(text: &str, at: usize) -> bool {
    at > 0 && text.as_bytes().get(at - 1) == Some(&b'\r') && text.as_bytes().get(at) == Some(&b'\n')
}

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) || inside_crlf(text, at) {
        at -= 1;
    }
    at
}

fn ceil(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) || inside_crlf(text, at) {
        at += 1;
    }
    at
}

/// Texts longer than this take no more insertions (keeps executions fast).
const MAX_TEXT: usize = 32 * 1024;

fuzz_target!(|input: Input| {
    let start = match &input.start {
        Start::Articles => START.to_string(),
        Start::CrlfArticles => CRLF_START.to_string(),
        Start::Repeated(times) => START.repeat(usize::from(times % 8) + 2),
        Start::Text(text) => text.clone(),
    };
    let limits = input
        .limits
        .map_or_else(SegmentLimits::default, |(articles, bytes, hot)| {
            SegmentLimits {
                max_articles: usize::from(articles % 8) + 1,
                max_bytes: usize::from(bytes % 2048) + 40,
                hot_trees: usize::from(hot % 5),
                // Half the inputs cut their text on several threads.
                parallel_from: if hot >= 128 {
                    usize::from(bytes % 4096)
                } else {
                    usize::MAX
                },
            }
        });
    let encoding = if input.utf16 {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let config = Config::default();
    let mut generation = 0;
    let mut document = Document::with_limits(start.clone(), 1, limits);
    if input.refresh_first {
        document.refresh(&config, generation);
        store::check_against_fresh(&document, &config);
    }
    let mut expected = start;
    let mut pending = Vec::new();
    for (version, (edit, bring)) in input.edits.into_iter().take(48).enumerate() {
        let mut inserted = String::new();
        if expected.len() < MAX_TEXT {
            for piece in edit.inserted.iter().take(8) {
                match piece {
                    Piece::Known(at) => inserted.push_str(PIECES[usize::from(*at) % PIECES.len()]),
                    Piece::Text(text) => inserted.push_str(text),
                }
            }
        }
        let range = match edit.place {
            Place::Fraction { at, delete } => {
                let start = floor(
                    &expected,
                    expected.len() * usize::from(at) / usize::from(u16::MAX),
                );
                let end = ceil(&expected, start + usize::from(delete));
                let range = Range::new(
                    position_of(&expected, start, encoding),
                    position_of(&expected, end, encoding),
                );
                // The core's conversion agrees with the positions made here.
                let index = bulletin_core::line_index::LineIndex::new(&expected);
                let lines = TextLines {
                    text: &expected,
                    index: &index,
                };
                let span = lines.text_range(range, encoding);
                assert_eq!(
                    (span.start, span.end),
                    (start, end),
                    "{range:?} in {encoding:?}"
                );
                Some(range)
            }
            Place::Raw { start, end } => Some(Range::new(
                Position::new(u32::from(start.0), u32::from(start.1)),
                Position::new(u32::from(end.0), u32::from(end.1)),
            )),
            Place::Whole => None,
        };
        // The expected text, through the rope-independent model of positions.
        match range {
            Some(range) => {
                let index = bulletin_core::line_index::LineIndex::new(&expected);
                let lines = TextLines {
                    text: &expected,
                    index: &index,
                };
                let span = lines.text_range(range, encoding);
                expected.replace_range(span.start..span.end, &inserted);
            }
            None => expected = inserted.clone(),
        }
        pending.push(ContentChange {
            range,
            text: inserted,
        });
        if edit.batch_with_next {
            continue;
        }
        document.apply_changes(std::mem::take(&mut pending), version as i32 + 2, encoding);
        store::check_text(&document, &expected);
        store::check_segments(&document, limits);
        match bring {
            Bring::Update => {
                document.update(&config, generation);
                store::check_segments(&document, limits);
                store::check_diagnostics_against_fresh(&document, &config);
            }
            Bring::Refresh | Bring::NewGeneration => {
                if matches!(bring, Bring::NewGeneration) {
                    generation += 1;
                }
                document.refresh(&config, generation);
                store::check_segments(&document, limits);
                store::check_against_fresh(&document, &config);
            }
        }
    }
    if !pending.is_empty() {
        document.apply_changes(pending, 999, encoding);
        store::check_text(&document, &expected);
        store::check_segments(&document, limits);
    }
    document.refresh(&config, generation);
    store::check_segments(&document, limits);
    store::check_against_fresh(&document, &config);
});
