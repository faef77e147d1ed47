//! The one place that converts byte offsets to lines and columns.
//!
//! Lines end at `\n` only (a `\r` before it belongs to the line's text), which
//! is exactly how tree-sitter counts rows, so a tree-sitter `Point` and a
//! `LineCol` here always agree. Columns come in four flavours, each its own
//! type so encodings never mix:
//! - `LineCol`: 0-based line, 0-based column in UTF-8 bytes (tree-sitter, LSP `utf-8`);
//! - UTF-16 code units (LSP's default encoding);
//! - `HumanPosition`: 1-based line, 1-based column in Unicode scalar values
//!   (the CLI, JSON and SARIF outputs).

use crate::text_range::TextRange;

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
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

/// 1-based line, 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanPosition {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text).map(|at| at + 1));
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of line `line` without its `\n` (but with a `\r` before it).
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let start = *self.line_starts.get(line as usize)?;
        let end = match self.line_starts.get(line as usize + 1) {
            Some(next) => next - 1,
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

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(at, byte)| (byte == b'\n').then_some(at))
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

    const TEXT: &str = "Headline — “one” 🇰🇿\r\nALMATY, MARCH 10 2017 (The Bulletin) – ©x’s\nlast";

    #[test]
    fn round_trips_every_char_boundary_in_every_encoding() {
        let index = LineIndex::new(TEXT);
        for offset in (0..=TEXT.len()).filter(|&at| TEXT.is_char_boundary(at)) {
            let line_col = index.line_col(offset);
            assert_eq!(index.offset(TEXT, line_col), offset);
            let utf16 = index.to_utf16(TEXT, offset);
            assert_eq!(index.offset_utf16(TEXT, utf16), offset, "at {offset}");
        }
    }

    #[test]
    fn columns_count_what_each_encoding_counts() {
        let index = LineIndex::new(TEXT);
        let dash = TEXT.find('–').unwrap();
        assert_eq!(index.line_col(dash), LineCol { line: 1, col: 37 });
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
        assert_eq!(
            index.to_human(TEXT, TEXT.len()),
            HumanPosition { line: 3, column: 5 }
        );
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
}
