//! Every conversion between the core's byte offsets and LSP positions.
//!
//! Lines end at `\n` only, as in `bulletin::line_index` and tree-sitter (a
//! `\r` belongs to its line's text): the rope is built without ropey's CR and
//! Unicode line breaks, and a unit test checks the rope path against
//! `LineIndex` at every character boundary. Columns count UTF-8 bytes or
//! UTF-16 code units, as negotiated. A position past a line's end clamps to
//! the end; one inside a character moves to the character's start.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};
use tree_sitter::Point;

use crate::line_index::{floor_char_boundary, LineCol, LineColUtf16, LineIndex};
use crate::text_range::TextRange;

/// The position encoding agreed with the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// `utf-8` when the client offers it, UTF-16 (the protocol's default) otherwise.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

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

/// Anything that can turn offsets into positions and back.
pub trait Lines {
    fn position(&self, offset: usize, encoding: Encoding) -> Position;
    fn offset(&self, position: Position, encoding: Encoding) -> usize;

    fn range(&self, range: TextRange, encoding: Encoding) -> Range {
        Range::new(
            self.position(range.start, encoding),
            self.position(range.end, encoding),
        )
    }

    /// The byte range of an LSP range, its ends put in order.
    fn text_range(&self, range: Range, encoding: Encoding) -> TextRange {
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
            self.line_to_byte(line + 1) - 1
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
                let offset = crate::line_index::floor_char_boundary(self.text, offset);
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
/// for newlines, falling back to the rope when asked for an earlier line.
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
            let skipped = &self.text.as_bytes()[self.line_start..offset];
            if let Some(last) = memchr::memrchr(b'\n', skipped) {
                self.line += memchr::memchr_iter(b'\n', skipped).count();
                self.line_start += last + 1;
            }
        }
        let col = self.encoding.len(&self.text[self.line_start..offset]);
        Position::new(self.line as u32, col)
    }

    pub fn range(&mut self, range: TextRange) -> Range {
        let start = self.position(range.start);
        Range::new(start, self.position(range.end))
    }
}

/// The tree-sitter point (row, byte column) of a byte offset in the rope.
pub fn point(rope: &Rope, offset: usize) -> Point {
    let offset = offset.min(rope.len_bytes());
    let row = rope.byte_to_line(offset);
    Point::new(row, offset - rope.line_to_byte(row))
}

/// Where `inserted` ends when put at `start`.
pub fn point_after(start: Point, inserted: &str) -> Point {
    match inserted.rfind('\n') {
        Some(last) => Point::new(
            start.row + inserted.matches('\n').count(),
            inserted.len() - last - 1,
        ),
        None => Point::new(start.row, start.column + inserted.len()),
    }
}

/// Builds a rope whose lines are the core's lines.
pub fn rope(text: &str) -> Rope {
    Rope::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "Headline — “one” 🇰🇿\r\nALMATY, MARCH 10 2017 (The Bulletin) – ©x’s\n\nlast 😀\u{2028}x\r";

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
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for offset in 0..=TEXT.len() + 2 {
                let from_rope = rope.position(offset, encoding);
                assert_eq!(from_rope, lines.position(offset, encoding), "{offset}");
                assert_eq!(
                    rope.offset(from_rope, encoding),
                    lines.offset(from_rope, encoding)
                );
            }
            for line in 0..6 {
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
    fn points_follow_inserted_text() {
        assert_eq!(point_after(Point::new(2, 5), "ab"), Point::new(2, 7));
        assert_eq!(point_after(Point::new(2, 5), "a\n—"), Point::new(3, 3));
        let rope = rope(TEXT);
        let at = TEXT.find("ALMATY").unwrap();
        assert_eq!(point(&rope, at + 2), Point::new(1, 2));
    }
}
