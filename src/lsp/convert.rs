//! The protocol's edge for positions: the only place where the core's
//! editor positions (`bulletin_core::ide::lines`) become protocol types and
//! back. Every byte-offset conversion itself happens in the core.

use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

pub(crate) use bulletin_core::ide::lines::{Encoding, LineCursor, Lines, TextLines};
use bulletin_core::ide::{ContentChange, FileRef, Position, PositionRange};
use bulletin_core::text_range::TextRange;

/// `utf-8` when the client offers it, UTF-16 (the protocol's default) otherwise.
pub(crate) fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

pub(crate) fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

pub(crate) fn position(position: Position) -> lsp::Position {
    lsp::Position::new(position.line, position.character)
}

pub(crate) fn range(range: PositionRange) -> lsp::Range {
    lsp::Range::new(position(range.start), position(range.end))
}

pub(crate) fn from_position(position: lsp::Position) -> Position {
    Position::new(position.line, position.character)
}

pub(crate) fn from_range(range: lsp::Range) -> PositionRange {
    PositionRange::new(from_position(range.start), from_position(range.end))
}

pub(crate) fn from_change(change: lsp::TextDocumentContentChangeEvent) -> ContentChange {
    ContentChange {
        range: change.range.map(from_range),
        text: change.text,
    }
}

/// Converts the ranges of one file, walking forward through an open
/// document (diagnostics come sorted by position) instead of looking each
/// position up in the rope.
pub(crate) enum FilePositions<'a> {
    Open(LineCursor<'a>),
    Disk(TextLines<'a>, Encoding),
}

impl<'a> FilePositions<'a> {
    pub(crate) fn of(file: &FileRef<'a>, encoding: Encoding) -> FilePositions<'a> {
        match *file {
            FileRef::Open(document) => {
                FilePositions::Open(LineCursor::at(&document.text, &document.rope, encoding, 0))
            }
            FileRef::Indexed(indexed) => FilePositions::Disk(indexed.lines(), encoding),
        }
    }

    pub(crate) fn range(&mut self, bytes: TextRange) -> lsp::Range {
        range(match self {
            FilePositions::Open(cursor) => cursor.range(bytes),
            FilePositions::Disk(lines, encoding) => lines.range(bytes, *encoding),
        })
    }
}

/// Writes JSON straight into bytes, for the messages that are large and
/// frequent (a 5 MB archive's diagnostics on every keystroke, every
/// mention of an entity): building `lsp::` values and `serde_json::Value`s
/// for them costs more than judging the text.
pub(crate) struct JsonOut(Vec<u8>);

impl JsonOut {
    pub(crate) fn with_capacity(bytes: usize) -> JsonOut {
        JsonOut(Vec::with_capacity(bytes))
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    pub(crate) fn string(&mut self, text: &str) {
        // serde_json escapes exactly as every other message does.
        let _ = serde_json::to_writer(&mut self.0, text);
    }

    pub(crate) fn number(&mut self, value: i64) {
        self.0
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    pub(crate) fn range(&mut self, range: lsp::Range) {
        self.raw(br#"{"start":{"line":"#);
        self.number(i64::from(range.start.line));
        self.raw(br#","character":"#);
        self.number(i64::from(range.start.character));
        self.raw(br#"},"end":{"line":"#);
        self.number(i64::from(range.end.line));
        self.raw(br#","character":"#);
        self.number(i64::from(range.end.character));
        self.raw(b"}}");
    }
}
