//! Every conversion between byte offsets and editor positions, for open
//! documents (a rope) and for files on disk (a `LineIndex`).
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says and as in
//! `crate::line_index`: the rope is built with ropey's `cr_lines` (and
//! without its Unicode line breaks, which LSP does not count), and unit tests
//! check the rope path against `LineIndex` at every offset. Columns count
//! UTF-8 bytes or UTF-16 code units, as negotiated. A position past a line's
//! text clamps to its end, before the line end (never between the `\r` and
//! the `\n` of a pair); one inside a character moves to the character's start.
//! Tree-sitter's `Point`s (rows at `\n` only) are never needed: the store
//! never edits a tree, it parses a segment's text again.

use ropey::Rope;

use crate::line_index::{floor_char_boundary, LineCol, LineColUtf16, LineIndex};
pub use crate::line_index::{Encoding, Position, PositionRange};
use crate::text_range::TextRange;

/// Anything that can turn offsets into positions and back.
pub trait Lines {
    fn position(&self, offset: usize, encoding: Encoding) -> Position;
    fn offset(&self, position: Position, encoding: Encoding) -> usize;

    fn range(&self, range: TextRange, encoding: Encoding) -> PositionRange {
        PositionRange::new(
            self.position(range.start, encoding),
            self.position(range.end, encoding),
        )
    }

    /// The byte range of an LSP range, its ends put in order.
    fn text_range(&self, range: PositionRange, encoding: Encoding) -> TextRange {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding);
        TextRange::new(start.min(end), start.max(end))
    }
}

/// An open document's rope.
impl Lines for Rope {
    fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset = offset.min(self.len_bytes());
        let line = self.byte_to_line(offset);
        let line_start = self.line_to_byte(line);
        // Floor to a character boundary.
        let char_index = self.byte_to_char(offset);
        let col = match encoding {
            Encoding::Utf8 => self.char_to_byte(char_index) - line_start,
            Encoding::Utf16 => {
                self.char_to_utf16_cu(char_index)
                    - self.char_to_utf16_cu(self.byte_to_char(line_start))
            }
        };
        Position::new(line as u32, col as u32)
    }

    fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.len_lines() {
            return self.len_bytes();
        }
        let line_start = self.line_to_byte(line);
        let line_end = if line + 1 < self.len_lines() {
            // Before the line end: `\r\n` (two bytes), or `\n` or `\r`.
            let next = self.line_to_byte(line + 1);
            let crlf = next >= line_start + 2
                && self.byte(next - 2) == b'\r'
                && self.byte(next - 1) == b'\n';
            next - if crlf { 2 } else { 1 }
        } else {
            self.len_bytes()
        };
        match encoding {
            Encoding::Utf8 => {
                let at = (line_start + position.character as usize).min(line_end);
                self.char_to_byte(self.byte_to_char(at))
            }
            Encoding::Utf16 => {
                let start_char = self.byte_to_char(line_start);
                let end_char = self.byte_to_char(line_end);
                let start_units = self.char_to_utf16_cu(start_char);
                let end_units = self.char_to_utf16_cu(end_char);
                let units = (start_units + position.character as usize).min(end_units);
                self.char_to_byte(self.utf16_cu_to_char(units).min(end_char))
            }
        }
    }
}

/// A text that is not open in the editor (a file of the workspace index).
pub struct TextLines<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
}

impl Lines for TextLines<'_> {
    fn position(&self, offset: usize, encoding: Encoding) -> Position {
        match encoding {
            Encoding::Utf8 => {
                let offset = floor_char_boundary(self.text, offset);
                let LineCol { line, col } = self.index.line_col(offset);
                Position::new(line, col)
            }
            Encoding::Utf16 => {
                let LineColUtf16 { line, col } = self.index.to_utf16(self.text, offset);
                Position::new(line, col)
            }
        }
    }

    fn offset(&self, position: Position, encoding: Encoding) -> usize {
        match encoding {
            Encoding::Utf8 => self.index.offset(
                self.text,
                LineCol {
                    line: position.line,
                    col: position.character,
                },
            ),
            Encoding::Utf16 => self.index.offset_utf16(
                self.text,
                LineColUtf16 {
                    line: position.line,
                    col: position.character,
                },
            ),
        }
    }
}

/// Converts offsets that mostly increase (a walk over articles in order)
/// without a rope look-up each: it keeps the current line and scans forward
/// for line ends, falling back to the rope when asked for an earlier line.
pub struct LineCursor<'a> {
    text: &'a str,
    rope: &'a Rope,
    encoding: Encoding,
    line: usize,
    line_start: usize,
}

impl<'a> LineCursor<'a> {
    /// A cursor whose walk starts at `offset` (one rope look-up); `text`
    /// and `rope` must hold the same text.
    pub fn at(text: &'a str, rope: &'a Rope, encoding: Encoding, offset: usize) -> LineCursor<'a> {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = rope.try_byte_to_line(offset).unwrap_or(0);
        LineCursor {
            text,
            rope,
            encoding,
            line,
            line_start: rope.try_line_to_byte(line).unwrap_or(0),
        }
    }

    pub fn position(&mut self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        if offset < self.line_start {
            self.line = self.rope.byte_to_line(offset);
            self.line_start = self.rope.line_to_byte(self.line);
        } else {
            let bytes = self.text.as_bytes();
            let skipped = &bytes[self.line_start..offset];
            // Every `\n` and every `\r` ends a line, except a `\r` that a
            // `\n` follows (that pair is one line end, counted at its `\n`).
            // A `\r` right before `offset` whose `\n` is at `offset` does
            // not end the line yet: `offset` is inside that line end.
            let mut last_end = None;
            for at in memchr::memchr2_iter(b'\r', b'\n', skipped) {
                if skipped[at] == b'\r' && bytes.get(self.line_start + at + 1) == Some(&b'\n') {
                    continue;
                }
                self.line += 1;
                last_end = Some(at);
            }
            if let Some(last) = last_end {
                self.line_start += last + 1;
            }
        }
        let col = self.encoding.len(&self.text[self.line_start..offset]);
        Position::new(self.line as u32, col)
    }

    pub fn range(&mut self, range: TextRange) -> PositionRange {
        let start = self.position(range.start);
        PositionRange::new(start, self.position(range.end))
    }
}

/// Builds a rope whose lines are the core's lines (ropey's `cr_lines`: `\n`,
/// `\r\n` and a lone `\r` end a line).
pub fn rope(text: &str) -> Rope {
    Rope::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `\r\n`, `\n`, a lone `\r` and a blank line of each, a U+2028 (no
    /// line end for LSP) and a final lone `\r`.
    const TEXT: &str = "Headline — “one” 🇰🇿\r\nALMATY, MARCH 10 2017 (The Bulletin) – ©x’s\n\nlast 😀\u{2028}x\rCopyright ©’s 🌾\r\rmore\r\n\r\nend\r";

    #[test]
    fn lengths_count_code_units() {
        for (at, _) in TEXT.char_indices() {
            let prefix = &TEXT[..at];
            assert_eq!(
                Encoding::Utf16.len(prefix) as usize,
                prefix.encode_utf16().count()
            );
            assert_eq!(Encoding::Utf8.len(prefix) as usize, prefix.len());
        }
    }

    #[test]
    fn rope_and_line_index_agree_everywhere() {
        let rope = rope(TEXT);
        let index = LineIndex::new(TEXT);
        let lines = TextLines {
            text: TEXT,
            index: &index,
        };
        assert_eq!(rope.len_lines(), index.line_count());
        assert_eq!(rope.len_lines(), 10);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for offset in 0..=TEXT.len() + 2 {
                let from_rope = rope.position(offset, encoding);
                assert_eq!(from_rope, lines.position(offset, encoding), "{offset}");
                assert_eq!(
                    rope.offset(from_rope, encoding),
                    lines.offset(from_rope, encoding)
                );
            }
            for line in 0..12 {
                for character in 0..60 {
                    let position = Position::new(line, character);
                    assert_eq!(
                        rope.offset(position, encoding),
                        lines.offset(position, encoding),
                        "{position:?} {encoding:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn line_cursor_agrees_with_the_rope() {
        let rope = rope(TEXT);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let mut cursor = LineCursor::at(TEXT, &rope, encoding, 0);
            // Forward, then a few backward jumps.
            let offsets = (0..=TEXT.len() + 1).chain([3, 40, 0, 70, 12]);
            for offset in offsets {
                assert_eq!(
                    cursor.position(offset),
                    rope.position(offset, encoding),
                    "{offset}"
                );
            }
        }
    }

    #[test]
    fn lone_cr_lines_are_lines_on_the_wire() {
        let rope = rope(TEXT);
        let index = LineIndex::new(TEXT);
        let lines = TextLines {
            text: TEXT,
            index: &index,
        };
        let at = TEXT.find("Copyright").unwrap();
        let emoji = TEXT.find('🌾').unwrap();
        for (offset, utf8, utf16) in [(at, 0, 0), (emoji, 17, 14), (emoji + 4, 21, 16)] {
            assert_eq!(
                rope.position(offset, Encoding::Utf8),
                Position::new(4, utf8)
            );
            assert_eq!(
                rope.position(offset, Encoding::Utf16),
                Position::new(4, utf16)
            );
            assert_eq!(
                lines.position(offset, Encoding::Utf16),
                Position::new(4, utf16)
            );
        }
        // Past the end of the line: before its lone `\r`.
        let line_end = emoji + 4;
        assert_eq!(rope.offset(Position::new(4, 99), Encoding::Utf16), line_end);
        assert_eq!(rope.offset(Position::new(4, 99), Encoding::Utf8), line_end);
        // Past the end of a `\r\n` line: before its `\r`.
        let more = TEXT.find("more").unwrap();
        assert_eq!(rope.offset(Position::new(6, 99), Encoding::Utf8), more + 4);
        assert_eq!(
            rope.position(more + 6, Encoding::Utf16),
            Position::new(7, 0)
        );
        assert_eq!(
            rope.position(TEXT.len(), Encoding::Utf16),
            Position::new(9, 0)
        );
    }
}
