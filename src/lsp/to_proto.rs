//! The `ide` layer's plain answers as protocol types: symbol and completion
//! kinds, hovers, locations, folds, selection chains, semantic tokens, inlay
//! hints, highlights and workspace edits. Positions go through the one
//! converter (`bulletin_core::ide::lines`), in the negotiated encoding.

#![allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, CompletionItemKind, DocumentHighlightKind, HoverContents, MarkupContent,
    MarkupKind, SemanticToken, SymbolKind, TextEdit, Uri,
};

use super::convert::{self, Encoding, FilePositions, Lines, TextLines};
use bulletin_core::ide::completion::{CompletionItem, CompletionKind};
use bulletin_core::ide::entities::Highlight;
use bulletin_core::ide::folding::Fold;
use bulletin_core::ide::hover::{Hover, Markup};
use bulletin_core::ide::inlay_hints::InlayHint;
use bulletin_core::ide::semantic_tokens::{Token, TOKEN_TYPES};
use bulletin_core::ide::symbols::{self, WorkspaceSymbol};
use bulletin_core::ide::{Document, Location, Snapshot, Target};
use bulletin_core::line_index::LineIndex;
use bulletin_core::text_range::TextRange;

pub(crate) fn markup(kind: &MarkupKind) -> Markup {
    Markup {
        markdown: *kind == MarkupKind::Markdown,
    }
}

pub(crate) fn symbol_kind(kind: symbols::SymbolKind) -> SymbolKind {
    use symbols::SymbolKind as K;
    match kind {
        K::Archive | K::Place => SymbolKind::NAMESPACE,
        K::Article => SymbolKind::CLASS,
        K::Dateline => SymbolKind::EVENT,
        K::Standfirst => SymbolKind::STRING,
        K::Byline => SymbolKind::PROPERTY,
        K::IssueReference => SymbolKind::NUMBER,
        K::Person => SymbolKind::OBJECT,
        K::Organisation => SymbolKind::MODULE,
        K::OtherEntity => SymbolKind::CONSTANT,
    }
}

/// `kind`, or the closest kind of the protocol's first version (`File` to
/// `Array`), which is all a client that declares no `symbolKind.valueSet`
/// is guaranteed to know.
pub(crate) fn base_symbol_kind(kind: SymbolKind) -> SymbolKind {
    match kind {
        SymbolKind::OBJECT | SymbolKind::TYPE_PARAMETER => SymbolKind::VARIABLE,
        SymbolKind::KEY => SymbolKind::PROPERTY,
        SymbolKind::NULL | SymbolKind::ENUM_MEMBER => SymbolKind::CONSTANT,
        SymbolKind::STRUCT => SymbolKind::CLASS,
        SymbolKind::EVENT => SymbolKind::FIELD,
        SymbolKind::OPERATOR => SymbolKind::FUNCTION,
        other => other,
    }
}

pub(crate) fn completion_kind(kind: CompletionKind, base_kinds: bool) -> CompletionItemKind {
    match (kind, base_kinds) {
        (CompletionKind::Month, false) => CompletionItemKind::ENUM_MEMBER,
        (CompletionKind::Publication, false) => CompletionItemKind::CONSTANT,
        // The closest kind of the protocol's first version (`Text` to
        // `Reference`) for a client that declares no `completionItemKind.valueSet`.
        (_, true) => CompletionItemKind::VALUE,
    }
}

pub(crate) fn hover(
    hover: Hover,
    markup: Markup,
    document: &Document,
    encoding: Encoding,
) -> lsp::Hover {
    lsp::Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markup.markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value: hover.text,
        }),
        range: Some(convert::range(document.rope.range(hover.range, encoding))),
    }
}

/// A byte range of a file of the workspace, or of a file outside it (read
/// from disk), as a protocol location.
pub(crate) fn location(
    encoding: Encoding,
    snapshot: &Snapshot<'_, Uri>,
    location: &Location<Uri>,
) -> Option<lsp::Location> {
    match &location.target {
        Target::File(uri) => {
            let file = snapshot.file(uri)?;
            Some(lsp::Location::new(
                uri.clone(),
                convert::range(file.range(location.range, encoding)),
            ))
        }
        Target::Path(path) => {
            let text = std::fs::read_to_string(path).ok()?;
            let index = LineIndex::new(&text);
            let lines = TextLines {
                text: &text,
                index: &index,
            };
            Some(lsp::Location::new(
                Uri::from_file_path(path)?,
                convert::range(lines.range(location.range, encoding)),
            ))
        }
    }
}

/// Many locations, in runs per file (every mention of an entity across an
/// archive): each run's ranges are converted by one forward walk.
pub(crate) fn locations(
    encoding: Encoding,
    snapshot: &Snapshot<'_, Uri>,
    found: &[Location<Uri>],
) -> Vec<lsp::Location> {
    let mut out = Vec::with_capacity(found.len());
    let mut run: Option<(&Uri, FilePositions<'_>)> = None;
    for found in found {
        let Target::File(uri) = &found.target else {
            out.extend(location(encoding, snapshot, found));
            continue;
        };
        if run.as_ref().is_none_or(|(current, _)| *current != uri) {
            run = snapshot
                .file(uri)
                .map(|file| (uri, FilePositions::of(&file, encoding)));
        }
        if let Some((uri, positions)) = &mut run {
            out.push(lsp::Location::new(
                (*uri).clone(),
                positions.range(found.range),
            ));
        }
    }
    out
}

/// `locations` as the JSON of `Vec<Location>`, written straight into bytes
/// (no `lsp::Location`, so no copy of the URI per location).
pub(crate) fn locations_json(
    encoding: Encoding,
    snapshot: &Snapshot<'_, Uri>,
    found: &[Location<Uri>],
) -> Vec<u8> {
    let mut out = convert::JsonOut::with_capacity(found.len() * 120);
    out.raw(b"[");
    let mut first = true;
    let mut run: Option<(&Uri, FilePositions<'_>, Vec<u8>)> = None;
    for found in found {
        let range = match &found.target {
            Target::File(uri) => {
                if run.as_ref().is_none_or(|(current, _, _)| *current != uri) {
                    run = snapshot.file(uri).map(|file| {
                        let quoted = serde_json::to_vec(uri.as_str()).unwrap_or_default();
                        (uri, FilePositions::of(&file, encoding), quoted)
                    });
                }
                let Some((_, positions, quoted)) = &mut run else {
                    continue;
                };
                if !std::mem::take(&mut first) {
                    out.raw(b",");
                }
                out.raw(br#"{"uri":"#);
                out.raw(quoted);
                positions.range(found.range)
            }
            Target::Path(_) => {
                let Some(location) = location(encoding, snapshot, found) else {
                    continue;
                };
                if !std::mem::take(&mut first) {
                    out.raw(b",");
                }
                out.raw(br#"{"uri":"#);
                out.string(location.uri.as_str());
                location.range
            }
        };
        out.raw(br#","range":"#);
        out.range(range);
        out.raw(b"}");
    }
    out.raw(b"]");
    out.into_bytes()
}

pub(crate) fn workspace_symbol(
    encoding: Encoding,
    snapshot: &Snapshot<'_, Uri>,
    symbol: WorkspaceSymbol<Uri>,
    base_kinds: bool,
) -> Option<lsp::SymbolInformation> {
    let kind = symbol_kind(symbol.kind);
    Some(lsp::SymbolInformation {
        name: symbol.name,
        kind: if base_kinds {
            base_symbol_kind(kind)
        } else {
            kind
        },
        tags: None,
        deprecated: None,
        location: location(encoding, snapshot, &symbol.location)?,
        container_name: Some(symbol.container),
    })
}

pub(crate) fn folding_range(fold: Fold, collapsed_text: bool) -> lsp::FoldingRange {
    lsp::FoldingRange {
        start_line: fold.start_line,
        start_character: None,
        end_line: fold.end_line,
        end_character: None,
        kind: Some(lsp::FoldingRangeKind::Region),
        collapsed_text: collapsed_text.then_some(fold.collapsed_text),
    }
}

/// The protocol's chain, innermost first, from ranges widest first.
pub(crate) fn selection_range(
    document: &Document,
    chain: &[TextRange],
    offset: usize,
    encoding: Encoding,
) -> lsp::SelectionRange {
    let mut selection: Option<lsp::SelectionRange> = None;
    for range in chain {
        selection = Some(lsp::SelectionRange {
            range: convert::range(document.rope.range(*range, encoding)),
            parent: selection.map(Box::new),
        });
    }
    selection.unwrap_or_else(|| lsp::SelectionRange {
        range: convert::range(document.rope.range(TextRange::empty(offset), encoding)),
        parent: None,
    })
}

pub(crate) fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES
            .iter()
            .map(|name| lsp::SemanticTokenType::new(name))
            .collect(),
        token_modifiers: Vec::new(),
    }
}

/// The protocol's relative encoding of tokens in text order.
pub(crate) fn semantic_tokens(
    document: &Document,
    tokens: &[(TextRange, Token)],
    encoding: Encoding,
) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_col) = (0u32, 0u32);
    for (range, token) in tokens {
        let start = document.rope.position(range.start, encoding);
        let length = encoding.len(range.slice(&document.text));
        if length == 0 {
            continue;
        }
        let delta_line = start.line - last_line;
        let delta_start = if delta_line == 0 {
            start.character - last_col
        } else {
            start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: *token as u32,
            token_modifiers_bitset: 0,
        });
        last_line = start.line;
        last_col = start.character;
    }
    out
}

/// The smallest single edit turning `old` into `new` (in tokens).
pub(crate) fn token_delta(
    old: &[SemanticToken],
    new: &[SemanticToken],
) -> Vec<lsp::SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    if prefix == old.len() && prefix == new.len() {
        return Vec::new();
    }
    vec![lsp::SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: ((old.len() - prefix - suffix) * 5) as u32,
        data: Some(new[prefix..new.len() - suffix].to_vec()),
    }]
}

pub(crate) fn inlay_hint(
    document: &Document,
    hint: InlayHint,
    encoding: Encoding,
) -> lsp::InlayHint {
    lsp::InlayHint {
        position: convert::position(document.rope.position(hint.offset, encoding)),
        label: lsp::InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        tooltip: Some(lsp::InlayHintTooltip::String(hint.tooltip)),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub(crate) fn completion_item(item: CompletionItem, base_kinds: bool) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: item.label,
        kind: Some(completion_kind(item.kind, base_kinds)),
        detail: Some(item.detail),
        sort_text: Some(item.sort_text),
        insert_text: item.insert_text,
        ..lsp::CompletionItem::default()
    }
}

pub(crate) fn highlight(
    document: &Document,
    highlight: Highlight,
    encoding: Encoding,
) -> lsp::DocumentHighlight {
    lsp::DocumentHighlight {
        range: convert::range(document.rope.range(highlight.range, encoding)),
        kind: Some(if highlight.definition {
            DocumentHighlightKind::WRITE
        } else {
            DocumentHighlightKind::READ
        }),
    }
}

/// Replacements per file as a workspace edit.
pub(crate) fn workspace_edit(
    encoding: Encoding,
    snapshot: &Snapshot<'_, Uri>,
    changes: impl IntoIterator<Item = (Uri, Vec<(TextRange, String)>)>,
) -> lsp::WorkspaceEdit {
    let mut out: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (uri, edits) in changes {
        let Some(file) = snapshot.file(&uri) else {
            continue;
        };
        let edits = edits
            .into_iter()
            .map(|(range, text)| TextEdit::new(convert::range(file.range(range, encoding)), text))
            .collect();
        out.insert(uri, edits);
    }
    lsp::WorkspaceEdit {
        changes: Some(out),
        ..lsp::WorkspaceEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::state::State;
    use bulletin_core::ide;

    #[test]
    fn locations_json_is_what_the_typed_locations_serialise_to() {
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let mut state = State {
                encoding,
                ..State::default()
            };
            let page = "Grain talks 🌾\n\nALMATY, MARCH 10 2017 (The Bulletin) — The Shanghai Cooperation Organisation (SCO) met. The SCO’s © plan – said.\n";
            for name in ["a", "b", "c"] {
                let uri: Uri = format!("file:///archive/{name}.bulletin")
                    .parse()
                    .expect("uri");
                state.workspace.open(uri, page.to_string(), 1);
            }
            let a: Uri = "file:///archive/a.bulletin".parse().expect("uri");
            let offset = page.rfind("SCO").unwrap_or(0);
            let snapshot = state.workspace.snapshot();
            let found = ide::entities::references(&snapshot, &a, offset, true).expect("a mention");
            assert_eq!(found.len(), 9, "{found:?}");
            let typed = locations(encoding, &snapshot, &found);
            let written = locations_json(encoding, &snapshot, &found);
            let read: serde_json::Value = serde_json::from_slice(&written).expect("JSON");
            assert_eq!(read, serde_json::to_value(&typed).expect("serialises"));
        }
    }
}
