//! Byte ranges into a document's text: the only kind of position inside the core.

use std::fmt;

/// A half-open byte range `start..end` into a document's text.
///
/// Ranges are always built from tree-sitter nodes or from char-boundary
/// arithmetic on the text, so both ends lie on UTF-8 character boundaries.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize,
)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        debug_assert!(start <= end, "range {start}..{end} is reversed");
        TextRange {
            start,
            end: end.max(start),
        }
    }

    pub fn empty(at: usize) -> TextRange {
        TextRange { start: at, end: at }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Like `contains`, but a cursor just after the last byte also counts:
    /// editors put the cursor *between* characters.
    pub fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn shifted(self, delta: isize) -> TextRange {
        let shift = |at: usize| at.checked_add_signed(delta).unwrap_or(0);
        TextRange::new(shift(self.start), shift(self.end))
    }

    /// The slice of `text` this range covers, or `""` when it does not fit.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(range: std::ops::Range<usize>) -> TextRange {
        TextRange::new(range.start, range.end)
    }
}

/// A [`TextRange`] in 8 bytes instead of 16, for what a check keeps per
/// article across a whole archive (issue mentions, acronym claims). Offsets
/// past 4 GiB, in a text no one reads whole, saturate rather than wrap.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CompactRange {
    start: u32,
    end: u32,
}

impl CompactRange {
    /// The range as the rest of the core uses it.
    pub fn get(self) -> TextRange {
        TextRange::new(self.start as usize, self.end as usize)
    }

    pub fn shifted(self, delta: isize) -> CompactRange {
        self.get().shifted(delta).into()
    }
}

impl From<TextRange> for CompactRange {
    fn from(range: TextRange) -> CompactRange {
        let narrow = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        CompactRange {
            start: narrow(range.start),
            end: narrow(range.end),
        }
    }
}

impl fmt::Debug for CompactRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}
