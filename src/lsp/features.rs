//! Editor features over the model: hover, symbols, folding and selection
//! ranges, semantic tokens, inlay hints, completion, navigation. Pure
//! functions of the state; no rule logic lives here.

#![allow(deprecated)] // `DocumentSymbol::deprecated` and `SymbolInformation::deprecated` must be spelled out.

use tower_lsp_server::ls_types::{
    self as lsp, CompletionItem, CompletionItemKind, DocumentSymbol, FoldingRange,
    FoldingRangeKind, Hover, HoverContents, InlayHint, InlayHintLabel, Location, MarkupContent,
    MarkupKind, SelectionRange, SemanticToken, SemanticTokenType, SymbolInformation, SymbolKind,
    Uri,
};

use super::convert::{Encoding, LineCursor, Lines};
use super::document::{ArticleAnalysis, Document};
use super::state::State;
use bulletin_core::dates;
use bulletin_core::line_index;
use bulletin_core::model::Article;
use bulletin_core::outline;
use bulletin_core::text_range::TextRange;

// ---------------------------------------------------------------- hover

/// Writes hover text in the format the client reads: Markdown, or the same
/// information as plain text (no `**`, backticks or links) for a client
/// that declared only `plaintext`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Markup {
    pub markdown: bool,
}

impl Markup {
    pub(crate) fn of(kind: &MarkupKind) -> Markup {
        Markup {
            markdown: *kind == MarkupKind::Markdown,
        }
    }

    /// A title or a name that stands out.
    pub(crate) fn strong(self, text: &str) -> String {
        if self.markdown {
            format!("**{text}**")
        } else {
            text.to_string()
        }
    }

    /// A file name, a spelling: literal text.
    pub(crate) fn code(self, text: &str) -> String {
        if self.markdown {
            format!("`{text}`")
        } else {
            text.to_string()
        }
    }

    /// An address.
    pub(crate) fn link(self, url: &str) -> String {
        if self.markdown {
            format!("<{url}>")
        } else {
            url.to_string()
        }
    }

    pub(crate) fn hover(self, value: String, range: lsp::Range) -> Hover {
        Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: if self.markdown {
                    MarkupKind::Markdown
                } else {
                    MarkupKind::PlainText
                },
                value,
            }),
            range: Some(range),
        }
    }
}

pub(crate) fn hover(
    state: &State,
    uri: &Uri,
    document: &Document,
    offset: usize,
    markup: Markup,
) -> Option<Hover> {
    let entry = document.article_at(offset)?;
    let article = &entry.article;
    let encoding = state.encoding;
    // Entity mentions (acronyms included) are `super::entities::hover`'s.
    let (range, text) = if let Some(dateline) = article
        .dateline
        .as_ref()
        .filter(|dateline| dateline.range.touches(offset))
    {
        (dateline.range, dateline_hover(article, markup))
    } else if let Some(issue) = article
        .issue_ref
        .as_ref()
        .filter(|issue| issue.range.touches(offset))
    {
        (issue.range, issue_hover(state, uri, article, markup))
    } else if article.headline.range.touches(offset) {
        (article.headline.range, headline_hover(article, markup))
    } else {
        return None;
    };
    Some(markup.hover(text, document.rope.range(range, encoding)))
}

fn issue_line(article: &Article) -> Option<String> {
    let number = article.issue_number()?;
    Some(match article.issue_date() {
        Some(date) => format!("Issue {number}, published {}", dates::long_date(date)),
        None => format!("Issue {number}"),
    })
}

fn dateline_hover(article: &Article, markup: Markup) -> String {
    let mut lines = vec![markup.strong("Dateline")];
    let Some(dateline) = &article.dateline else {
        return lines.join("\n\n");
    };
    match dateline.date {
        Some(date) if dateline.year_inferred => lines.push(format!(
            "Date: {} (year from the issue reference)",
            dates::long_date(date)
        )),
        Some(date) => lines.push(format!("Date: {}", dates::long_date(date))),
        None => lines.push("Date: cannot be read".to_string()),
    }
    if let Some(place) = outline::place(article) {
        lines.push(format!("Place: {place}"));
    }
    if let Some(publication) = &dateline.publication {
        lines.push(format!("Publication: {}", publication.text));
    }
    if let (Some(date), Some(published), Some(number)) =
        (dateline.date, article.issue_date(), article.issue_number())
    {
        let days = dates::days_between(date, published);
        let when = match days {
            0 => "on the day issue".to_string(),
            1 => "1 day before issue".to_string(),
            d if d < 0 => format!("{} days after issue", -d),
            d => format!("{d} days before issue"),
        };
        lines.push(format!(
            "Filed {when} {number} was published ({})",
            dates::long_date(published)
        ));
    }
    lines.join("\n\n")
}

fn headline_hover(article: &Article, markup: Markup) -> String {
    let headline = &article.headline;
    let mut lines = vec![markup.strong(&headline.text.text)];
    lines.push(format!(
        "Kind: {}",
        headline.kind.as_deref().unwrap_or("news report")
    ));
    if let Some(date) = article.date() {
        lines.push(format!("Date: {}", dates::long_date(date)));
    }
    if let Some(issue) = issue_line(article) {
        lines.push(issue);
    }
    lines.join("\n\n")
}

fn issue_hover(state: &State, uri: &Uri, article: &Article, markup: Markup) -> String {
    let Some(number) = article.issue_number() else {
        return format!("{} (no readable number)", markup.strong("Issue reference"));
    };
    let mut lines = vec![markup.strong(&format!("Issue {number}"))];
    match article.issue_date() {
        Some(date) => lines.push(format!("Published {}", dates::long_date(date))),
        None => lines.push("Publication date cannot be read".to_string()),
    }
    let mut others = Vec::new();
    for (other_uri, file) in state.files() {
        for other in file.articles() {
            if other.issue_number() != Some(number)
                || (other_uri == uri && other.range == article.range)
            {
                continue;
            }
            let place = if other_uri == uri {
                String::new()
            } else {
                format!(" ({})", state.display_name(other_uri))
            };
            others.push(format!("- {}{place}", other.headline.text.text));
        }
    }
    if others.is_empty() {
        lines.push("No other article of this issue in the workspace".to_string());
    } else {
        lines.push(format!("Also in this issue:\n{}", others.join("\n")));
    }
    lines.join("\n\n")
}

// ---------------------------------------------------------------- symbols

pub(crate) fn article_detail(article: &Article) -> String {
    let mut parts = Vec::new();
    if let Some(date) = article.date() {
        parts.push(date.to_string());
    }
    if let Some(place) = outline::place(article) {
        parts.push(place);
    }
    if let Some(number) = article.issue_number() {
        parts.push(format!("Issue {number}"));
    }
    parts.join(" · ")
}

/// One symbol of the outline as the walk meets it.
pub(crate) struct SymbolHead<'a> {
    pub name: &'a str,
    pub detail: Option<&'a str>,
    pub kind: SymbolKind,
    pub range: lsp::Range,
    pub selection_range: lsp::Range,
}

/// Receives the outline as `walk_outline` produces it: a symbol with
/// children is opened, filled and closed; a leaf is one call. One walk feeds
/// both the typed outline and the JSON written straight to the client.
pub(crate) trait OutlineSink {
    fn open(&mut self, symbol: SymbolHead<'_>);
    fn leaf(&mut self, symbol: SymbolHead<'_>);
    fn close(&mut self);
}

fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    let text = text.trim();
    if text.is_empty() {
        fallback
    } else {
        text
    }
}

/// The archive's own symbol, when the page has a header.
fn archive_symbol(document: &Document, encoding: Encoding) -> Option<SymbolHead<'_>> {
    let header = document.header.as_ref()?;
    let rope = &document.rope;
    let title = header.title.as_ref().map_or_else(
        || header.range.slice(&document.text),
        |title| title.text.as_str(),
    );
    let end = document.text.trim_end().len().max(header.range.end);
    Some(SymbolHead {
        name: non_empty(title, "archive"),
        detail: header.kind.as_ref().map(|kind| kind.text.trim()),
        kind: SymbolKind::NAMESPACE,
        range: rope.range(TextRange::new(header.range.start, end), encoding),
        selection_range: rope.range(
            header.title.as_ref().map_or(header.range, |t| t.range),
            encoding,
        ),
    })
}

/// The archive (when the page has a header) holding one symbol per article,
/// each with its dateline, standfirst, byline and issue reference.
pub(crate) fn walk_outline(document: &Document, encoding: Encoding, sink: &mut impl OutlineSink) {
    let archive = archive_symbol(document, encoding);
    let nested = archive.is_some();
    if let Some(archive) = archive {
        sink.open(archive);
    }
    walk_articles(document, document.articles(), encoding, sink);
    if nested {
        sink.close();
    }
}

/// The symbols of `articles` (a run of the document's, in order).
fn walk_articles(
    document: &Document,
    articles: &[Box<ArticleAnalysis>],
    encoding: Encoding,
    sink: &mut impl OutlineSink,
) {
    // Each article's positions are asked for in order: one forward walk
    // from the run's start converts every position.
    let start = articles
        .first()
        .map_or(0, |entry| entry.article.range.start);
    let mut lines = LineCursor::at(&document.text, &document.rope, encoding, start);
    for entry in articles {
        let article = &entry.article;
        let start = lines.position(article.range.start);
        let selection_range = lines.range(article.headline.range);
        // The children come before the article's end in the text.
        let dateline = article.dateline.as_ref().map(|dateline| {
            let range = lines.range(dateline.range);
            (dateline, range)
        });
        let standfirst = article.standfirst.as_ref().map(|standfirst| {
            let range = lines.range(standfirst.range);
            (standfirst, range)
        });
        let byline = article.byline.as_ref().map(|byline| {
            let range = lines.range(byline.range);
            let selection = byline
                .name
                .as_ref()
                .map_or(range, |name| lines.range(name.range));
            (byline, range, selection)
        });
        let issue = article.issue_ref.as_ref().map(|issue| {
            let range = lines.range(issue.range);
            let selection = issue
                .number
                .as_ref()
                .map_or(range, |number| lines.range(number.range));
            (issue, range, selection)
        });
        let range = lsp::Range::new(start, lines.position(article.range.end));
        let detail = article_detail(article);
        sink.open(SymbolHead {
            name: non_empty(&article.title(), "(untitled)"),
            detail: (!detail.is_empty()).then_some(detail.as_str()),
            kind: SymbolKind::CLASS,
            range,
            selection_range,
        });
        if let Some((dateline, range)) = dateline {
            sink.leaf(SymbolHead {
                name: non_empty(dateline.range.slice(&document.text), "dateline"),
                detail: Some("dateline"),
                kind: SymbolKind::EVENT,
                range,
                selection_range: range,
            });
        }
        if let Some((standfirst, range)) = standfirst {
            sink.leaf(SymbolHead {
                name: non_empty(&standfirst.text, "standfirst"),
                detail: Some("standfirst"),
                kind: SymbolKind::STRING,
                range,
                selection_range: range,
            });
        }
        if let Some((byline, range, selection_range)) = byline {
            let name = byline.name.as_ref().map_or("", |name| name.text.as_str());
            sink.leaf(SymbolHead {
                name: non_empty(name, "byline"),
                detail: Some("byline"),
                kind: SymbolKind::PROPERTY,
                range,
                selection_range,
            });
        }
        if let Some((issue, range, selection_range)) = issue {
            let name = match (issue.number_value, issue.date) {
                (Some(number), Some(date)) => format!("Issue {number} · {date}"),
                (Some(number), None) => format!("Issue {number}"),
                _ => "Issue reference".to_string(),
            };
            sink.leaf(SymbolHead {
                name: &name,
                detail: Some("issue reference"),
                kind: SymbolKind::NUMBER,
                range,
                selection_range,
            });
        }
        sink.close();
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

/// `kind`, or the closest kind of the protocol's first version (`Text` to
/// `Reference`) for a client that declares no `completionItemKind.valueSet`.
pub(crate) fn base_completion_kind(kind: CompletionItemKind) -> CompletionItemKind {
    match kind {
        CompletionItemKind::FOLDER => CompletionItemKind::FILE,
        CompletionItemKind::ENUM_MEMBER | CompletionItemKind::CONSTANT => CompletionItemKind::VALUE,
        CompletionItemKind::STRUCT => CompletionItemKind::CLASS,
        CompletionItemKind::EVENT => CompletionItemKind::FIELD,
        CompletionItemKind::OPERATOR => CompletionItemKind::FUNCTION,
        CompletionItemKind::TYPE_PARAMETER => CompletionItemKind::VARIABLE,
        other => other,
    }
}

/// Builds the outline as protocol types.
#[derive(Default)]
struct TypedOutline {
    /// Each open symbol's children; the first entry holds the top level.
    levels: Vec<Vec<DocumentSymbol>>,
    open: Vec<DocumentSymbol>,
}

fn document_symbol(
    symbol: SymbolHead<'_>,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.to_string(),
        detail: symbol.detail.map(str::to_string),
        kind: symbol.kind,
        tags: None,
        deprecated: None,
        range: symbol.range,
        selection_range: symbol.selection_range,
        children,
    }
}

impl OutlineSink for TypedOutline {
    fn open(&mut self, symbol: SymbolHead<'_>) {
        self.open.push(document_symbol(symbol, None));
        self.levels.push(Vec::new());
    }

    fn leaf(&mut self, symbol: SymbolHead<'_>) {
        if let Some(level) = self.levels.last_mut() {
            level.push(document_symbol(symbol, None));
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
        levels: vec![Vec::new()],
        open: Vec::new(),
    };
    walk_outline(document, encoding, &mut outline);
    outline.levels.into_iter().next().unwrap_or_default()
}

/// Writes the outline as the JSON of `Vec<DocumentSymbol>`, straight into
/// bytes: the outline of a large archive is megabytes, and serde would spend
/// most of its time escaping the same few keys.
struct JsonOutline {
    out: Vec<u8>,
    /// Whether the current list already has an element (a comma is due).
    comma: Vec<bool>,
}

impl JsonOutline {
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
        let _ = serde_json::to_writer(&mut self.out, &symbol.kind);
        self.out.extend_from_slice(br#","range":"#);
        write_json_range(&mut self.out, symbol.range);
        self.out.extend_from_slice(br#","selectionRange":"#);
        write_json_range(&mut self.out, symbol.selection_range);
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

impl OutlineSink for JsonOutline {
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
            let mut json = JsonOutline {
                out: Vec::with_capacity(run.len() * PER_ARTICLE),
                comma: vec![false],
            };
            walk_articles(document, run, encoding, &mut json);
            json.out
        })
        .collect();
    let mut opening = JsonOutline {
        out: b"[".to_vec(),
        comma: vec![false],
    };
    let archive = archive_symbol(document, encoding);
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

pub(crate) fn fuzzy_score(query: &str, candidate: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let candidate: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
    let mut score = 0i64;
    let mut at = 0usize;
    let mut previous: Option<usize> = None;
    for wanted in query.chars().flat_map(char::to_lowercase) {
        let found = candidate[at..].iter().position(|&ch| ch == wanted)? + at;
        score += 10;
        if previous.is_some_and(|p| p + 1 == found) {
            score += 15; // consecutive characters
        }
        if found == 0 || !candidate[found - 1].is_alphanumeric() {
            score += 10; // start of a word
        }
        score -= (found - at) as i64; // gaps cost
        previous = Some(found);
        at = found + 1;
    }
    Some(score - candidate.len() as i64 / 10)
}

pub(crate) fn workspace_symbols(state: &State, query: &str) -> Vec<SymbolInformation> {
    let mut found: Vec<(i64, SymbolInformation)> = Vec::new();
    for (uri, file) in state.files() {
        for article in file.articles() {
            let name = &article.title();
            let Some(score) = fuzzy_score(query, name) else {
                continue;
            };
            found.push((
                score,
                SymbolInformation {
                    name: non_empty(name, "(untitled)").to_string(),
                    kind: SymbolKind::CLASS,
                    tags: None,
                    deprecated: None,
                    location: Location::new(
                        uri.clone(),
                        file.range(article.headline.range, state.encoding),
                    ),
                    container_name: Some(state.display_name(uri)),
                },
            ));
        }
    }
    // Entities (people, places, organisations) at their first mention.
    found.extend(super::entities::workspace_symbols(state, query));
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    found.truncate(256);
    found.into_iter().map(|(_, symbol)| symbol).collect()
}

// ---------------------------------------------------------------- folding & selection

/// The end of an article's last non-blank line.
fn article_end(document: &Document, article: &Article) -> usize {
    article.range.start + article.range.slice(&document.text).trim_end().len()
}

pub(crate) fn folding_ranges(document: &Document) -> Vec<FoldingRange> {
    document
        .articles()
        .iter()
        .filter_map(|entry| {
            let article = &entry.article;
            let start = document.rope.byte_to_line(article.range.start) as u32;
            let end_offset = article_end(document, article).min(document.rope.len_bytes());
            let end = document.rope.byte_to_line(end_offset) as u32;
            (end > start).then(|| FoldingRange {
                start_line: start,
                start_character: None,
                end_line: end,
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: Some(article.title()),
            })
        })
        .collect()
}

/// The parts of an article under `offset`, from the widest to the narrowest.
fn enclosing_ranges(document: &Document, offset: usize) -> Vec<TextRange> {
    let mut out = vec![TextRange::new(0, document.text.len())];
    let Some(entry) = document.article_at(offset) else {
        if let Some(header) = document.header.as_ref().filter(|h| h.range.touches(offset)) {
            out.push(header.range);
        }
        return out;
    };
    let article = &entry.article;
    out.push(TextRange::new(
        article.range.start,
        article_end(document, article),
    ));
    let mut blocks: Vec<TextRange> = vec![article.headline.range];
    blocks.extend(article.standfirst.as_ref().map(|s| s.range));
    blocks.extend(article.paragraphs.iter().copied());
    blocks.extend(article.byline.as_ref().map(|b| b.range));
    blocks.extend(article.issue_ref.as_ref().map(|i| i.range));
    blocks.extend(article.ends);
    blocks.extend(article.copyright);
    if let Some(block) = blocks.into_iter().find(|range| range.touches(offset)) {
        out.push(block);
    }
    // The dateline, or else the line.
    match article
        .dateline
        .as_ref()
        .filter(|d| d.range.touches(offset))
    {
        Some(dateline) => out.push(dateline.range),
        None => {
            let line = document.rope.byte_to_line(offset.min(document.text.len()));
            let start = document.rope.line_to_byte(line);
            let end = line_index::find_line_end(&document.text[start..])
                .map_or(document.text.len(), |at| start + at);
            out.push(TextRange::new(start, end));
        }
    }
    let mut parts: Vec<TextRange> = Vec::new();
    if let Some(dateline) = &article.dateline {
        parts.extend(dateline.pieces.iter().map(|(_, range)| *range));
    }
    if let Some(issue) = &article.issue_ref {
        parts.extend(
            [
                &issue.kind,
                &issue.number,
                &issue.month,
                &issue.day,
                &issue.year,
            ]
            .into_iter()
            .flatten()
            .map(|span| span.range),
        );
        parts.extend(issue.publications.iter().map(|span| span.range));
    }
    parts.extend(article.headline.kind_prefix.as_ref().map(|s| s.range));
    parts.push(article.headline.text.range);
    if let Some(byline) = &article.byline {
        parts.extend(byline.name.as_ref().map(|s| s.range));
        parts.extend(byline.role.as_ref().map(|s| s.range));
    }
    if let Some(part) = parts.into_iter().find(|range| range.touches(offset)) {
        out.push(part);
    }
    // Keep a strictly nested chain.
    let mut chain: Vec<TextRange> = Vec::new();
    for range in out {
        match chain.last() {
            Some(last) if *last == range => {}
            Some(last) if !(last.start <= range.start && range.end <= last.end) => {}
            _ => chain.push(range),
        }
    }
    chain
}

pub(crate) fn selection_range(
    document: &Document,
    offset: usize,
    encoding: Encoding,
) -> SelectionRange {
    let mut selection: Option<SelectionRange> = None;
    for range in enclosing_ranges(document, offset) {
        selection = Some(SelectionRange {
            range: document.rope.range(range, encoding),
            parent: selection.map(Box::new),
        });
    }
    selection.unwrap_or_else(|| SelectionRange {
        range: document.rope.range(TextRange::empty(offset), encoding),
        parent: None,
    })
}

// ---------------------------------------------------------------- semantic tokens

/// The legend, in index order; documented in docs/semantic-tokens.md.
pub(crate) const TOKEN_TYPES: [&str; 11] = [
    "headline",
    "keyword",
    "place",
    "month",
    "day",
    "year",
    "publication",
    "operator",
    "number",
    "issueDate",
    "byline",
];

pub(crate) fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES
            .iter()
            .map(|name| SemanticTokenType::new(name))
            .collect(),
        token_modifiers: Vec::new(),
    }
}

#[derive(Clone, Copy)]
enum Token {
    Headline = 0,
    Kind = 1,
    Place = 2,
    Month = 3,
    Day = 4,
    Year = 5,
    Publication = 6,
    Dash = 7,
    IssueNumber = 8,
    IssueDate = 9,
    Byline = 10,
}

fn article_tokens(article: &Article, out: &mut Vec<(TextRange, Token)>) {
    let headline = &article.headline;
    if let Some(prefix) = &headline.kind_prefix {
        out.push((prefix.range, Token::Kind));
    }
    out.push((headline.text.range, Token::Headline));
    if let Some(dateline) = &article.dateline {
        use bulletin_core::model::DatelinePiece as P;
        for (piece, range) in &dateline.pieces {
            let token = match piece {
                P::Place => Token::Place,
                P::Month => Token::Month,
                P::Day => Token::Day,
                P::Year => Token::Year,
                P::Publication => Token::Publication,
                P::Dash => Token::Dash,
                _ => continue,
            };
            out.push((*range, token));
        }
    }
    if let Some(byline) = &article.byline {
        if let Some(name) = &byline.name {
            out.push((name.range, Token::Byline));
        }
    }
    if let Some(issue) = &article.issue_ref {
        if let Some(number) = &issue.number {
            out.push((number.range, Token::IssueNumber));
        }
        for span in [&issue.month, &issue.day, &issue.year]
            .into_iter()
            .flatten()
        {
            out.push((span.range, Token::IssueDate));
        }
        for publication in &issue.publications {
            out.push((publication.range, Token::Publication));
        }
    }
}

/// Semantic tokens of the articles overlapping `within` (all when `None`).
pub(crate) fn semantic_tokens(
    document: &Document,
    encoding: Encoding,
    within: Option<TextRange>,
) -> Vec<SemanticToken> {
    let mut raw: Vec<(TextRange, Token)> = Vec::new();
    for entry in document.articles() {
        let range = entry.article.range;
        if within.is_some_and(|within| range.end < within.start || range.start > within.end) {
            continue;
        }
        article_tokens(&entry.article, &mut raw);
    }
    raw.retain(|(range, _)| !range.is_empty());
    if let Some(within) = within {
        raw.retain(|(range, _)| range.end >= within.start && range.start <= within.end);
    }
    raw.sort_by_key(|(range, _)| range.start);
    let mut out = Vec::with_capacity(raw.len());
    let (mut last_line, mut last_col) = (0u32, 0u32);
    let mut last_end = 0usize;
    for (range, token) in raw {
        if range.start < last_end {
            continue; // never overlap
        }
        let start = document.rope.position(range.start, encoding);
        // Tokens may not span lines: cut at the line's end.
        let line_end = line_index::find_line_end(&document.text[range.start..range.end])
            .map_or(range.end, |at| range.start + at);
        let length = encoding.len(&document.text[range.start..line_end]);
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
            token_type: token as u32,
            token_modifiers_bitset: 0,
        });
        last_line = start.line;
        last_col = start.character;
        last_end = range.end;
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

// ---------------------------------------------------------------- inlay hints, completion

pub(crate) fn inlay_hints(
    document: &Document,
    encoding: Encoding,
    within: TextRange,
) -> Vec<InlayHint> {
    document
        .articles()
        .iter()
        .filter_map(|entry| {
            let dateline = entry.article.dateline.as_ref()?;
            if !dateline.year_inferred || !within.touches(dateline.range.start) {
                return None;
            }
            let date = dateline.date?;
            let after = dateline.end_day.as_ref().or(dateline.day.as_ref())?;
            Some(InlayHint {
                position: document.rope.position(after.range.end, encoding),
                label: InlayHintLabel::String(date.year().to_string()),
                kind: None,
                text_edits: None,
                tooltip: Some(lsp::InlayHintTooltip::String(
                    "Year inferred from the issue reference".to_string(),
                )),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
        })
        .collect()
}

pub(crate) fn completion(state: &State, document: &Document, offset: usize) -> Vec<CompletionItem> {
    let Some(entry) = document.article_at(offset) else {
        return Vec::new();
    };
    let article = &entry.article;
    let Some(lead) = article.lead else {
        return Vec::new();
    };
    // Only on the lead's first line, before the dateline's dash.
    let first_line_end = line_index::find_line_end(&document.text[lead.start..])
        .map_or(lead.end, |at| lead.start + at);
    let limit = article
        .dateline
        .as_ref()
        .and_then(|dateline| dateline.dash.as_ref().map(|dash| dash.range.start))
        .unwrap_or(first_line_end);
    if offset < lead.start || offset > limit.min(first_line_end) {
        return Vec::new();
    }
    let mut items: Vec<CompletionItem> = (1..=12)
        .map(|month| {
            let label = dates::ap_month(month).to_uppercase();
            CompletionItem {
                label: label.clone(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                detail: Some(format!("{} (AP style)", dates::month_name(month))),
                sort_text: Some(format!("a{month:02}")),
                insert_text: Some(label),
                ..CompletionItem::default()
            }
        })
        .collect();
    items.extend(
        state
            .config
            .publications
            .iter()
            .enumerate()
            .map(|(at, name)| CompletionItem {
                label: name.clone(),
                kind: Some(CompletionItemKind::CONSTANT),
                detail: Some("publication".to_string()),
                sort_text: Some(format!("b{at:02}")),
                ..CompletionItem::default()
            }),
    );
    items
}

// ---------------------------------------------------------------- navigation

/// Articles of the issue referenced under `offset` (entity mentions are
/// `super::entities`'s).
pub(crate) fn definition(state: &State, document: &Document, offset: usize) -> Vec<Location> {
    navigate(state, document, offset, false)
}

pub(crate) fn references(state: &State, document: &Document, offset: usize) -> Vec<Location> {
    navigate(state, document, offset, true)
}

fn navigate(state: &State, document: &Document, offset: usize, references: bool) -> Vec<Location> {
    let Some(entry) = document.article_at(offset) else {
        return Vec::new();
    };
    let article = &entry.article;
    let Some(number) = article
        .issue_ref
        .as_ref()
        .filter(|issue| issue.range.touches(offset))
        .and_then(|issue| issue.number_value)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (other_uri, file) in state.files() {
        for other in file.articles() {
            if other.issue_number() != Some(number) {
                continue;
            }
            let range = if references {
                other
                    .issue_ref
                    .as_ref()
                    .map_or(other.range, |issue| issue.range)
            } else {
                other.headline.range
            };
            out.push(Location::new(
                other_uri.clone(),
                file.range(range, state.encoding),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_prefers_compact_word_start_matches() {
        assert!(fuzzy_score("kzb", "Kazakhstan budget").is_some());
        assert!(fuzzy_score("xyz", "Kazakhstan budget").is_none());
        let tight = fuzzy_score("bud", "Kazakhstan budget").unwrap();
        let loose = fuzzy_score("bud", "Big urban dam").unwrap();
        assert!(tight > loose, "{tight} {loose}");
    }

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
