//! The one place that converts byte offsets to lines and columns.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the Language Server Protocol
//! counts them; `\r\n` is one line end, not two. A line's text never includes
//! its line end, and a position past a line's text clamps to the text's end
//! (never into the line end). An offset between the `\r` and the `\n` of a
//! `\r\n` pair is on the line that pair ends, one past its text, as ropey
//! reports it. Tree-sitter counts rows at `\n` only, so a tree-sitter `Point`
//! is no position here: the core never reads one (it works in byte offsets),
//! and the server only hands `Point`s back to tree-sitter when it edits a tree.
//!
//! Columns come in three flavours, each its own type so encodings never mix:
//! - `LineCol`: 0-based line, 0-based column in UTF-8 bytes (LSP `utf-8`);
//! - `LineColUtf16`: UTF-16 code units (LSP's default encoding);
//! - `HumanPosition`: 1-based line, 1-based column in Unicode scalar values
//!   (the CLI, JSON and SARIF outputs).
//!
//! An editor's position is a `Position` whose column counts units of the
//! `Encoding` agreed with it; `crate::ide::lines` converts them, and the
//! language server only copies them into protocol types.
//!
//! The helpers `find_line_end`, `first_line` and `line_end_len` are what the
//! rest of the crate uses instead of looking for `\n` itself.

use crate::text_range::TextRange;

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
    /// Bit `n` is set when line `n` ends with the two bytes `\r\n` (every
    /// other line but the last ends with one byte, `\n` or `\r`).
    crlf: Vec<u64>,
    len: usize,
}

/// 0-based line, 0-based UTF-8 byte column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// 0-based line, 0-based UTF-16 code unit column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColUtf16 {
    pub line: u32,
    pub col: u32,
}

/// How an editor counts columns: UTF-8 bytes or UTF-16 code units (the
/// protocol's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The length of `text` in this encoding's units.
    pub fn len(self, text: &str) -> u32 {
        match self {
            Encoding::Utf8 => text.len() as u32,
            // One unit per character, two for those outside the BMP (four
            // UTF-8 bytes): count lead bytes instead of decoding.
            Encoding::Utf16 => text
                .bytes()
                .map(|byte| u32::from((byte & 0xC0) != 0x80) + u32::from(byte >= 0xF0))
                .sum(),
        }
    }
}

/// An editor's position: 0-based line, 0-based column in the units of the
/// `Encoding` agreed with that editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Position {
        Position { line, character }
    }
}

/// A range between two editor positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PositionRange {
    pub start: Position,
    pub end: Position,
}

impl PositionRange {
    pub const fn new(start: Position, end: Position) -> PositionRange {
        PositionRange { start, end }
    }
}

/// 1-based line, 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanPosition {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        let mut crlf = Vec::new();
        for (at, len) in line_ends(text) {
            if len == 2 {
                let line = line_starts.len() - 1;
                if crlf.len() <= line / 64 {
                    crlf.resize(line / 64 + 1, 0);
                }
                crlf[line / 64] |= 1u64 << (line % 64);
            }
            line_starts.push(at + len);
        }
        LineIndex {
            line_starts,
            crlf,
            len: text.len(),
        }
    }

    /// How many bytes end line `line` (0 for the last line).
    fn end_len(&self, line: usize) -> usize {
        if line + 1 >= self.line_starts.len() {
            0
        } else if self
            .crlf
            .get(line / 64)
            .is_some_and(|bits| bits & (1u64 << (line % 64)) != 0)
        {
            2
        } else {
            1
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of line `line` without its line end (`\n`, `\r\n` or `\r`).
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let line = line as usize;
        let start = *self.line_starts.get(line)?;
        let end = match self.line_starts.get(line + 1) {
            Some(next) => next - self.end_len(line),
            None => self.len,
        };
        Some(TextRange::new(start, end))
    }

    /// The line and byte column of `offset`, clamped to the text.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        LineCol {
            line: line as u32,
            col: (offset - self.line_starts[line]) as u32,
        }
    }

    /// The offset of a byte column, clamped to the line's end and moved back
    /// to the nearest character boundary.
    pub fn offset(&self, text: &str, position: LineCol) -> usize {
        let Some(line) = self.line_range(position.line) else {
            return self.len;
        };
        floor_char_boundary(text, (line.start + position.col as usize).min(line.end))
    }

    pub fn to_utf16(&self, text: &str, offset: usize) -> LineColUtf16 {
        let LineCol { line, col } = self.line_col(offset);
        let start = self.line_starts[line as usize];
        let end = floor_char_boundary(text, start + col as usize);
        let units = text
            .get(start..end)
            .map_or(0, |prefix| prefix.encode_utf16().count());
        LineColUtf16 {
            line,
            col: units as u32,
        }
    }

    /// The offset of a UTF-16 column; a column past the line's end clamps to
    /// it, and one inside a surrogate pair moves to the character's start.
    pub fn offset_utf16(&self, text: &str, position: LineColUtf16) -> usize {
        let Some(line) = self.line_range(position.line) else {
            return self.len;
        };
        let mut units = 0u32;
        for (at, ch) in line.slice(text).char_indices() {
            let next = units + ch.len_utf16() as u32;
            if next > position.col {
                return line.start + at;
            }
            units = next;
        }
        line.end
    }

    pub fn to_human(&self, text: &str, offset: usize) -> HumanPosition {
        let LineCol { line, col } = self.line_col(offset);
        let start = self.line_starts[line as usize];
        let end = floor_char_boundary(text, start + col as usize);
        let chars = text
            .get(start..end)
            .map_or(0, |prefix| prefix.chars().count());
        HumanPosition {
            line: line as usize + 1,
            column: chars + 1,
        }
    }
}

/// Each line end of `text`: its offset and its length in bytes (2 for `\r\n`,
/// 1 for `\n` or a lone `\r`).
fn line_ends(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut skip_lf_at = None;
    memchr::memchr2_iter(b'\r', b'\n', bytes).filter_map(move |at| {
        if skip_lf_at == Some(at) {
            return None; // the `\n` of a `\r\n` already counted
        }
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            skip_lf_at = Some(at + 1);
            return Some((at, 2));
        }
        Some((at, 1))
    })
}

/// The offset of the first line end (`\n` or `\r`) in `text`, if any: what
/// `text.find('\n')` was before lone `\r`s ended lines.
pub fn find_line_end(text: &str) -> Option<usize> {
    memchr::memchr2(b'\r', b'\n', text.as_bytes())
}

/// The text of `text`'s first line, without its line end.
pub fn first_line(text: &str) -> &str {
    find_line_end(text).map_or(text, |at| &text[..at])
}

/// The length of the line end at the start of `rest`: 2 for `\r\n`, 1 for
/// `\n` or a lone `\r`, 0 when `rest` does not start with a line end.
pub fn line_end_len(rest: &str) -> usize {
    match rest.as_bytes() {
        [b'\r', b'\n', ..] => 2,
        [b'\r' | b'\n', ..] => 1,
        _ => 0,
    }
}

/// The largest character boundary at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of line end, with multi-byte characters on the same lines:
    /// lines "Headline …" (`\r\n`), "ALMATY …" (lone `\r`), "Middle …" (`\n`),
    /// an empty line (lone `\r`), then "last".
    const TEXT: &str = "Headline — “one” 🇰🇿\r\nALMATY, MARCH 10 2017 (The Bulletin) – ©x’s\rMiddle ’line’ 😀\n\rlast";

    /// The offsets that are positions: character boundaries, except between
    /// the `\r` and the `\n` of a pair.
    fn positions(text: &str) -> impl Iterator<Item = usize> + '_ {
        (0..=text.len()).filter(|&at| {
            text.is_char_boundary(at)
                && !(text[..at].ends_with('\r') && text[at..].starts_with('\n'))
        })
    }

    #[test]
    fn lone_cr_crlf_and_lf_each_end_one_line() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.line_count(), 5);
        let lines: Vec<&str> = (0..5)
            .map(|line| index.line_range(line).unwrap().slice(TEXT))
            .collect();
        assert_eq!(
            lines,
            [
                "Headline — “one” 🇰🇿",
                "ALMATY, MARCH 10 2017 (The Bulletin) – ©x’s",
                "Middle ’line’ 😀",
                "",
                "last"
            ]
        );
        assert_eq!(index.line_range(5), None);
        let last = TEXT.find("last").unwrap();
        assert_eq!(index.line_col(last), LineCol { line: 4, col: 0 });
        // A final line end makes a last, empty line, whichever it is.
        for end in ["\n", "\r\n", "\r"] {
            let text = format!("a{end}");
            let index = LineIndex::new(&text);
            assert_eq!(index.line_count(), 2, "{end:?}");
            assert_eq!(index.line_col(text.len()), LineCol { line: 1, col: 0 });
            assert_eq!(index.line_range(0), Some(TextRange::new(0, 1)));
        }
        // `\n\r` is two line ends, `\r\r\n` two as well.
        assert_eq!(LineIndex::new("a\n\rb").line_count(), 3);
        assert_eq!(LineIndex::new("a\r\r\nb").line_count(), 3);
        assert_eq!(LineIndex::new("").line_count(), 1);
    }

    #[test]
    fn round_trips_every_position_in_every_encoding() {
        let index = LineIndex::new(TEXT);
        for offset in positions(TEXT) {
            let line_col = index.line_col(offset);
            assert_eq!(index.offset(TEXT, line_col), offset);
            let utf16 = index.to_utf16(TEXT, offset);
            assert_eq!(utf16.line, line_col.line);
            assert_eq!(index.offset_utf16(TEXT, utf16), offset, "at {offset}");
        }
    }

    #[test]
    fn the_middle_of_a_crlf_pair_is_past_its_line() {
        let index = LineIndex::new(TEXT);
        let cr = TEXT.find('\r').unwrap();
        let line = index.line_range(0).unwrap();
        assert_eq!(line.end, cr);
        assert_eq!(
            index.line_col(cr + 1),
            LineCol {
                line: 0,
                col: (cr + 1) as u32
            }
        );
        assert_eq!(index.line_col(cr + 2), LineCol { line: 1, col: 0 });
        // Columns past the text clamp before the `\r`, never between `\r` and `\n`.
        let past = LineCol {
            line: 0,
            col: (cr + 1) as u32,
        };
        assert_eq!(index.offset(TEXT, past), cr);
        let past16 = LineColUtf16 { line: 0, col: 99 };
        assert_eq!(index.offset_utf16(TEXT, past16), cr);
    }

    #[test]
    fn columns_count_what_each_encoding_counts() {
        let index = LineIndex::new(TEXT);
        let dash = TEXT.find('–').unwrap();
        assert_eq!(index.line_col(dash), LineCol { line: 1, col: 37 });
        assert_eq!(
            index.to_utf16(TEXT, dash),
            LineColUtf16 { line: 1, col: 37 }
        );
        // `©`, `x`, `’` and `s` after the dash: the line ends (lone `\r`) after them.
        let line_end = TEXT.find("’s\r").unwrap() + "’s".len();
        assert_eq!(index.line_col(line_end), LineCol { line: 1, col: 48 });
        assert_eq!(
            index.to_utf16(TEXT, line_end),
            LineColUtf16 { line: 1, col: 43 }
        );
        assert_eq!(
            index.to_human(TEXT, line_end),
            HumanPosition {
                line: 2,
                column: 44
            }
        );
        let after_flag = TEXT.find('\r').unwrap();
        // “Headline — “one” ” is 17 scalar values, the flag two more (four UTF-16 units).
        assert_eq!(index.to_utf16(TEXT, after_flag).col, 17 + 4);
        assert_eq!(
            index.to_human(TEXT, after_flag),
            HumanPosition {
                line: 1,
                column: 17 + 2 + 1
            }
        );
        // The emoji on the `\n` line is two UTF-16 units, one scalar value.
        let emoji = TEXT.find('😀').unwrap();
        let after_emoji = emoji + '😀'.len_utf8();
        assert_eq!(
            index.to_utf16(TEXT, after_emoji),
            LineColUtf16 { line: 2, col: 16 }
        );
        assert_eq!(
            index.to_human(TEXT, after_emoji),
            HumanPosition {
                line: 3,
                column: 16
            }
        );
        assert_eq!(
            index.to_human(TEXT, TEXT.len()),
            HumanPosition { line: 5, column: 5 }
        );
    }

    #[test]
    fn the_same_page_has_the_same_positions_in_every_ending() {
        let lines = [
            "Grain “exports” rise — 🌾",
            "",
            "ALMATY, MARCH 10 2017 (The Bulletin) – ©x’s text 😀",
            "Copyright ©The Bulletin",
        ];
        let texts = ["\n", "\r\n", "\r"].map(|end| lines.join(end) + end);
        let indexes = texts.each_ref().map(|text| LineIndex::new(text));
        // Character by character, skipping line ends: every encoding agrees.
        let content: Vec<Vec<usize>> = texts
            .iter()
            .map(|text| {
                text.char_indices()
                    .filter(|(_, ch)| *ch != '\r' && *ch != '\n')
                    .map(|(at, _)| at)
                    .collect()
            })
            .collect();
        assert!(content
            .iter()
            .all(|offsets| offsets.len() == content[0].len()));
        let position = |k: usize, offset: usize| {
            (
                indexes[k].line_col(offset),
                indexes[k].to_utf16(&texts[k], offset),
                indexes[k].to_human(&texts[k], offset),
            )
        };
        for (at, ((&lf, &crlf), &cr)) in content[0]
            .iter()
            .zip(&content[1])
            .zip(&content[2])
            .enumerate()
        {
            assert_eq!(position(0, lf), position(1, crlf), "character {at}");
            assert_eq!(position(0, lf), position(2, cr), "character {at}");
        }
        for (index, text) in indexes.iter().zip(&texts) {
            assert_eq!(index.line_count(), 5);
            for line in 0..4 {
                let range = index.line_range(line).unwrap();
                assert_eq!(range.slice(text), lines[line as usize]);
            }
        }
    }

    #[test]
    fn positions_off_the_text_clamp_instead_of_panicking() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.offset(TEXT, LineCol { line: 99, col: 0 }), TEXT.len());
        let line_end = index.line_range(0).unwrap().end;
        assert_eq!(
            index.offset_utf16(TEXT, LineColUtf16 { line: 0, col: 999 }),
            line_end
        );
        // Past the end of the lone-`\r` line: before its `\r`.
        let cr_line = index.line_range(1).unwrap();
        assert_eq!(&TEXT[cr_line.end..cr_line.end + 1], "\r");
        assert_eq!(
            index.offset(TEXT, LineCol { line: 1, col: 999 }),
            cr_line.end
        );
        assert_eq!(
            index.offset_utf16(TEXT, LineColUtf16 { line: 3, col: 5 }),
            index.line_range(3).unwrap().start
        );
        // Column 1 of “—” (3 bytes) lies inside the character: it floors to its start.
        let dash = TEXT.find('—').unwrap();
        assert_eq!(
            index.offset(
                TEXT,
                LineCol {
                    line: 0,
                    col: dash as u32 + 1
                }
            ),
            dash
        );
        // A column inside the flag's surrogate pair moves to the flag's start.
        let flag = TEXT.find('🇰').unwrap();
        let flag16 = index.to_utf16(TEXT, flag);
        let inside = LineColUtf16 {
            line: 0,
            col: flag16.col + 1,
        };
        assert_eq!(index.offset_utf16(TEXT, inside), flag);
    }

    #[test]
    fn line_end_helpers() {
        assert_eq!(find_line_end("ab\rc\nd"), Some(2));
        assert_eq!(find_line_end("ab"), None);
        assert_eq!(first_line("Grain — 🌾\rnext"), "Grain — 🌾");
        assert_eq!(first_line("one"), "one");
        assert_eq!(line_end_len("\r\nx"), 2);
        assert_eq!(line_end_len("\rx"), 1);
        assert_eq!(line_end_len("\n\r"), 1);
        assert_eq!(line_end_len("x\n"), 0);
    }
}
