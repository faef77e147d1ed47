//! The protocol's edge for positions: the only place where the core's
//! editor positions (`bulletin_core::ide::lines`) become protocol types and
//! back. Every byte-offset conversion itself happens in the core.

use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

pub(crate) use bulletin_core::ide::lines::{Encoding, LineCursor, Lines, TextLines};
use bulletin_core::ide::{ContentChange, Position, PositionRange};

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
