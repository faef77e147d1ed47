//! The outline as the protocol wants it: the `ide` walk
//! (`bulletin_core::ide::symbols::walk_outline`) fed into a sink that builds
//! `DocumentSymbol`s, or one that writes their JSON straight into bytes (a
//! large archive's outline is megabytes). Positions are converted by one
//! forward-walking `LineCursor` per run of articles.

#![allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.

use tower_lsp_server::ls_types::{self as lsp, DocumentSymbol, Location, SymbolInformation, Uri};

use super::convert::{self, Encoding, LineCursor};
use super::to_proto::{base_symbol_kind, symbol_kind};
use bulletin_core::ide::symbols::{
    archive_symbol, walk_articles, walk_outline, OutlineSink, SymbolHead,
};
use bulletin_core::ide::Document;
use bulletin_core::text_range::TextRange;

/// Converts an outline's byte ranges in the order the walk gives them.
struct Positions<'a> {
    cursor: LineCursor<'a>,
}

impl<'a> Positions<'a> {
    fn at(document: &'a Document, encoding: Encoding, offset: usize) -> Positions<'a> {
        Positions {
            cursor: LineCursor::at(&document.text, &document.rope, encoding, offset),
        }
    }

    fn range(&mut self, range: TextRange) -> lsp::Range {
        convert::range(self.cursor.range(range))
    }
}

/// Maps every kind of an outline with `base_symbol_kind`.
pub(crate) fn with_base_kinds(symbols: &mut [DocumentSymbol]) {
    for symbol in symbols {
        symbol.kind = base_symbol_kind(symbol.kind);
        if let Some(children) = &mut symbol.children {
            with_base_kinds(children);
        }
    }
}

/// The outline as a flat list for clients without hierarchical document
/// symbols: every symbol in document order, its parent's name as container.
pub(crate) fn flat_symbols(symbols: Vec<DocumentSymbol>, uri: &Uri) -> Vec<SymbolInformation> {
    fn walk(
        symbols: Vec<DocumentSymbol>,
        container: Option<&str>,
        uri: &Uri,
        out: &mut Vec<SymbolInformation>,
    ) {
        for symbol in symbols {
            out.push(SymbolInformation {
                name: symbol.name.clone(),
                kind: symbol.kind,
                tags: None,
                deprecated: None,
                location: Location::new(uri.clone(), symbol.range),
                container_name: container.map(str::to_string),
            });
            if let Some(children) = symbol.children {
                walk(children, Some(&symbol.name), uri, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(symbols, None, uri, &mut out);
    out
}

/// Builds the outline as protocol types.
struct TypedOutline<'a> {
    positions: Positions<'a>,
    /// Each open symbol's children; the first entry holds the top level.
    levels: Vec<Vec<DocumentSymbol>>,
    open: Vec<DocumentSymbol>,
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
fn document_symbol(symbol: SymbolHead<'_>, positions: &mut Positions<'_>) -> DocumentSymbol {
    let selection_range = positions.range(symbol.selection_range);
    DocumentSymbol {
        name: symbol.name.to_string(),
        detail: symbol.detail.map(str::to_string),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: positions.range(symbol.range),
        selection_range,
        children: None,
    }
}

impl OutlineSink for TypedOutline<'_> {
    fn open(&mut self, symbol: SymbolHead<'_>) {
        self.open.push(document_symbol(symbol, &mut self.positions));
        self.levels.push(Vec::new());
    }

    fn leaf(&mut self, symbol: SymbolHead<'_>) {
        let symbol = document_symbol(symbol, &mut self.positions);
        if let Some(level) = self.levels.last_mut() {
            level.push(symbol);
        }
    }

    fn close(&mut self) {
        if let (Some(mut symbol), Some(children)) = (self.open.pop(), self.levels.pop()) {
            symbol.children = Some(children);
            if let Some(level) = self.levels.last_mut() {
                level.push(symbol);
            }
        }
    }
}

pub(crate) fn document_symbols(document: &Document, encoding: Encoding) -> Vec<DocumentSymbol> {
    let mut outline = TypedOutline {
        positions: Positions::at(document, encoding, 0),
        levels: vec![Vec::new()],
        open: Vec::new(),
    };
    walk_outline(document, &mut outline);
    outline.levels.into_iter().next().unwrap_or_default()
}

/// Writes the outline as the JSON of `Vec<DocumentSymbol>`, straight into
/// bytes: the outline of a large archive is megabytes, and serde would spend
/// most of its time escaping the same few keys.
struct JsonOutline<'a> {
    positions: Positions<'a>,
    out: Vec<u8>,
    /// Whether the current list already has an element (a comma is due).
    comma: Vec<bool>,
}

impl JsonOutline<'_> {
    fn head(&mut self, symbol: &SymbolHead<'_>) {
        if let Some(comma) = self.comma.last_mut() {
            if std::mem::replace(comma, true) {
                self.out.push(b',');
            }
        }
        self.out.extend_from_slice(br#"{"name":"#);
        write_json_string(&mut self.out, symbol.name);
        if let Some(detail) = symbol.detail {
            self.out.extend_from_slice(br#","detail":"#);
            write_json_string(&mut self.out, detail);
        }
        self.out.extend_from_slice(br#","kind":"#);
        // A number: `SymbolKind` serialises as its protocol value.
        let _ = serde_json::to_writer(&mut self.out, &symbol_kind(symbol.kind));
        // In the typed outline's order, so both walk positions alike.
        let selection_range = self.positions.range(symbol.selection_range);
        let range = self.positions.range(symbol.range);
        self.out.extend_from_slice(br#","range":"#);
        write_json_range(&mut self.out, range);
        self.out.extend_from_slice(br#","selectionRange":"#);
        write_json_range(&mut self.out, selection_range);
    }
}

fn write_json_string(out: &mut Vec<u8>, text: &str) {
    // serde_json escapes exactly as every other reply does.
    let _ = serde_json::to_writer(&mut *out, text);
}

fn write_json_range(out: &mut Vec<u8>, range: lsp::Range) {
    let mut digits = itoa::Buffer::new();
    let mut number = |out: &mut Vec<u8>, key: &[u8], value: u32| {
        out.extend_from_slice(key);
        out.extend_from_slice(digits.format(value).as_bytes());
    };
    number(out, br#"{"start":{"line":"#, range.start.line);
    number(out, br#","character":"#, range.start.character);
    number(out, br#"},"end":{"line":"#, range.end.line);
    number(out, br#","character":"#, range.end.character);
    out.extend_from_slice(b"}}");
}

impl OutlineSink for JsonOutline<'_> {
    fn open(&mut self, symbol: SymbolHead<'_>) {
        self.head(&symbol);
        self.out.extend_from_slice(br#","children":["#);
        self.comma.push(false);
    }

    fn leaf(&mut self, symbol: SymbolHead<'_>) {
        self.head(&symbol);
        self.out.push(b'}');
    }

    fn close(&mut self) {
        self.comma.pop();
        self.out.extend_from_slice(b"]}");
    }
}

/// `document_symbols` as JSON (`Vec<DocumentSymbol>`), in pieces to be sent
/// one after the other: a large archive's outline is megabytes, so runs of
/// articles are written in parallel and never copied into one buffer.
pub(crate) fn document_symbols_json(document: &Document, encoding: Encoding) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    // Runs long enough that starting one (a rope look-up, a buffer) is noise.
    const RUN: usize = 512;
    // About 200 bytes per symbol and up to five symbols per article: room
    // enough that no buffer is doubled (and copied) near its end.
    const PER_ARTICLE: usize = 1024;
    let runs: Vec<Vec<u8>> = document
        .articles()
        .par_chunks(RUN)
        .map(|run| {
            let start = run.first().map_or(0, |entry| entry.article.range.start);
            let mut json = JsonOutline {
                positions: Positions::at(document, encoding, start),
                out: Vec::with_capacity(run.len() * PER_ARTICLE),
                comma: vec![false],
            };
            walk_articles(document, run, &mut json);
            json.out
        })
        .collect();
    let mut opening = JsonOutline {
        positions: Positions::at(document, encoding, 0),
        out: b"[".to_vec(),
        comma: vec![false],
    };
    let archive = archive_symbol(document);
    let nested = archive.is_some();
    if let Some(archive) = archive {
        opening.open(archive);
    }
    let mut pieces = vec![std::mem::take(&mut opening.out)];
    for (at, run) in runs.into_iter().enumerate() {
        if at > 0 {
            pieces.push(b",".to_vec());
        }
        pieces.push(run);
    }
    // The same outline closes what it opened.
    if nested {
        opening.close();
    }
    opening.out.push(b']');
    pieces.push(opening.out);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outline is sent as JSON written by hand: it must read back as
    /// exactly the protocol's `DocumentSymbol` tree the typed walk builds.
    #[test]
    fn outline_json_is_the_typed_outline() {
        let text = "Tag Archives: Steppe\n\nGrain “exports” rise — 🌾 \"quoted\" \\ back\n\n>>A standfirst>>\n\nASTANA, FEB. 3 2019 (The Bulletin) — More.\n\nBy Anna Lee, correspondent\n\n(News report from Issue No. 13, published on Feb. 8 2019)\n\nSecond headline\n\nBAKU, MARCH 2 2019 (The Bulletin) — Gas.\n";
        // Over a thousand articles: the JSON is written in several runs.
        let long = format!("{text}{}", format!("\n{}", &text[22..]).repeat(600));
        for (with_header, text) in [(true, text), (false, &text[22..]), (true, long.as_str())] {
            let mut document = Document::new(text.to_string(), 1);
            document.refresh(&bulletin_core::config::Config::default(), 0);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let typed = document_symbols(&document, encoding);
                let json = document_symbols_json(&document, encoding).concat();
                let read: Vec<DocumentSymbol> =
                    serde_json::from_slice(&json).expect("reads as DocumentSymbol");
                assert_eq!(read, typed);
                let articles = if with_header {
                    typed[0].children.clone().expect("articles")
                } else {
                    typed.clone()
                };
                assert_eq!(articles.len(), if text.len() > 1000 { 1202 } else { 2 });
                assert_eq!(
                    articles[0].name,
                    "Grain “exports” rise — 🌾 \"quoted\" \\ back"
                );
                let kinds: Vec<&str> = articles[0]
                    .children
                    .iter()
                    .flatten()
                    .filter_map(|child| child.detail.as_deref())
                    .collect();
                assert_eq!(
                    kinds,
                    ["dateline", "standfirst", "byline", "issue reference"]
                );
            }
        }
    }
}
