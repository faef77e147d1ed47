//! One open document, kept as a rope (the source of truth for positions and
//! text) and a sequence of *segments*: contiguous byte ranges, each holding a
//! run of whole articles with its own tree-sitter tree (parsed from the
//! segment's text alone) and its per-article analyses.
//!
//! Why segments: the grammar's root is a flat repeat of thousands of
//! articles, and tree-sitter's incremental reparse of such a root costs work
//! linear in the number of articles (every `document_repeat` node is
//! fragile). Reparsing one segment of a few dozen articles costs the same
//! whatever the file's size.
//!
//! The invariant: every segment but the first starts at an article start of
//! the whole-document parse, and parsing the segments on their own yields
//! the same articles as parsing the whole text (`tests/lsp_document.rs`
//! checks it after random edits). An article's parse depends on its own text
//! and on two pieces of context the segment parse cannot see:
//!
//! * a "weak" headline depends on the line before it (a trailer), so an edit
//!   in a segment's first article is reparsed together with the previous
//!   segment;
//! * a line's classification looks a few lines ahead, so an edit in a
//!   segment's last article (or the blank lines after it) is reparsed
//!   together with the next segment, and a segment is never cut right after
//!   an article that is only a headline (whether that line is a headline
//!   depends on what follows it).
//!
//! After such a merged reparse the window is cut again into segments, and
//! the cut is kept only if the pieces' articles equal the window's.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Node, Point, Tree};

use super::convert::{self, Encoding, Lines};
use crate::analysis;
use crate::archive::{self, IssueMention};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::entities::AcronymClaim;
use crate::model::{self, ArchiveHeader, Article};
use crate::syntax;
use crate::text_range::TextRange;

/// How large a segment may grow before it is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentLimits {
    pub max_articles: usize,
    pub max_bytes: usize,
}

impl Default for SegmentLimits {
    fn default() -> SegmentLimits {
        SegmentLimits {
            max_articles: 32,
            max_bytes: 32 * 1024,
        }
    }
}

/// The analysis of one article, with absolute ranges.
#[derive(Debug, Clone)]
pub struct ArticleAnalysis {
    pub article: Article,
    /// Article-level findings at default severity.
    pub diagnostics: Vec<Diagnostic>,
    /// Its issue claim (at most one), for the cross-file rules.
    pub mentions: Vec<IssueMention>,
    /// Its acronym definitions, for the cross-file `entity-spelling` rule.
    pub claims: Vec<AcronymClaim>,
}

impl ArticleAnalysis {
    /// Analyses the article `node` of a segment whose text is `text` and
    /// which starts at `base` in the document.
    fn compute(node: Node<'_>, text: &str, base: usize, config: &Config) -> ArticleAnalysis {
        let article = model::read_article(node, text);
        // The same per-article entry point `bulletin check` uses.
        let analysed = analysis::analyze_article(text, &article, config);
        let claims = analysed
            .entities
            .acronyms
            .into_iter()
            .map(|definition| AcronymClaim {
                file: FileId(0),
                abbr: definition.abbr,
                expansion: definition.expansion,
                expansion_range: definition.expansion_range,
            })
            .collect();
        let single = model::Document {
            header: None,
            articles: vec![article],
        };
        let mentions = archive::issue_mentions(&single, FileId(0));
        let article = single
            .articles
            .into_iter()
            .next()
            // `single` was built with one article just above.
            .unwrap_or_else(|| model::read_article(node, text));
        let mut analysis = ArticleAnalysis {
            article,
            diagnostics: analysed.diagnostics,
            mentions,
            claims,
        };
        analysis.shift(base as isize);
        analysis
    }

    fn shift(&mut self, delta: isize) {
        if delta == 0 {
            return;
        }
        self.article.shift(delta);
        for diagnostic in &mut self.diagnostics {
            diagnostic.shift(delta);
        }
        for mention in &mut self.mentions {
            mention.range = mention.range.shifted(delta);
            mention.date_range = mention.date_range.shifted(delta);
        }
        for claim in &mut self.claims {
            claim.expansion_range = claim.expansion_range.shifted(delta);
        }
    }
}

/// A run of whole articles with its own tree: `text[start..start + len]`.
struct Segment {
    start: usize,
    len: usize,
    tree: Option<Tree>,
    /// The tree changed since the analyses of its articles were computed.
    stale: bool,
}

impl Segment {
    fn parse(text: &str, start: usize, len: usize) -> Segment {
        Segment {
            start,
            len,
            tree: syntax::parse(&text[start..start + len], None),
            stale: true,
        }
    }

    fn end(&self) -> usize {
        self.start + self.len
    }

    fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end()).unwrap_or("")
    }

    /// Article node ranges of the tree, relative to the segment.
    fn article_ranges(&self) -> Vec<TextRange> {
        let Some(tree) = &self.tree else {
            return Vec::new();
        };
        let root = tree.root_node();
        let mut cursor = root.walk();
        root.named_children(&mut cursor)
            .filter(|node| node.kind() == "article")
            .map(syntax::range)
            .collect()
    }

    /// True when the tree is what a segment after the first must be: articles only.
    fn starts_with_article(&self) -> bool {
        let Some(tree) = &self.tree else {
            return self.len == 0;
        };
        let root = tree.root_node();
        let mut cursor = root.walk();
        let ok = root
            .named_children(&mut cursor)
            .all(|node| node.kind() == "article");
        ok && root
            .named_child(0)
            .is_none_or(|first| first.start_byte() == 0)
    }

    /// What the parser knows at the segment's end that the next segment's
    /// first line depends on: the phase (none, after a headline, after a
    /// standfirst, in the body) and whether the last line was a trailer.
    fn end_context(&self) -> (u8, bool) {
        let Some(tree) = &self.tree else {
            return (0, true);
        };
        let root = tree.root_node();
        let Some(last) = root.named_child(root.named_child_count().saturating_sub(1) as u32) else {
            return (0, true);
        };
        match last.kind() {
            "archive_header" => (0, true),
            "article" => {
                let mut context = (0u8, false);
                let mut cursor = last.walk();
                for child in last.named_children(&mut cursor) {
                    context = match child.kind() {
                        "headline" => (1, false),
                        "standfirst" => (2, false),
                        "byline" if context.0 == 1 || context.0 == 2 => (context.0, false),
                        "issue_ref" | "copyright" | "ends_marker" => (3, true),
                        _ => (3, false),
                    };
                }
                context
            }
            _ => (0, false),
        }
    }

    /// The analyses of the segment's articles, reusing those of `old` whose
    /// range is unchanged.
    #[allow(clippy::vec_box)] // boxed on purpose: see `Document::articles`
    fn analyse(
        &self,
        text: &str,
        old: Vec<Box<ArticleAnalysis>>,
        config: &Config,
    ) -> Vec<Box<ArticleAnalysis>> {
        let Some(tree) = &self.tree else {
            return Vec::new();
        };
        let own = self.text(text);
        let mut old = old.into_iter().peekable();
        let mut fresh = Vec::new();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for node in root.named_children(&mut cursor) {
            if node.kind() != "article" {
                continue;
            }
            let range = syntax::range(node).shifted(self.start as isize);
            while old
                .peek()
                .is_some_and(|entry| entry.article.range.start < range.start)
            {
                old.next();
            }
            match old.next_if(|entry| entry.article.range == range) {
                Some(entry) => fresh.push(entry),
                None => fresh.push(Box::new(ArticleAnalysis::compute(
                    node, own, self.start, config,
                ))),
            }
        }
        fresh
    }

    /// The archive header (only the first segment can have one).
    fn header(&self, text: &str) -> Option<ArchiveHeader> {
        let tree = self.tree.as_ref()?;
        let root = tree.root_node();
        let node = root
            .named_child(0)
            .filter(|node| node.kind() == "archive_header")?;
        Some(model::read_header(node, self.text(text)))
    }
}

/// Where to cut a segment's text (relative offsets of article starts) so
/// that each piece respects `limits`. Never cuts right after an article that
/// is only a headline: whether its line is a headline depends on what follows.
fn cut_points(tree: &Tree, limits: SegmentLimits) -> Vec<usize> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let articles: Vec<Node<'_>> = root
        .named_children(&mut cursor)
        .filter(|node| node.kind() == "article")
        .collect();
    let mut cuts = Vec::new();
    let mut piece_start = 0usize;
    let mut count = 0usize;
    for (at, node) in articles.iter().enumerate() {
        let start = node.start_byte();
        let full = count >= limits.max_articles.max(1)
            || (count > 0 && node.end_byte() - piece_start > limits.max_bytes);
        let safe = at > 0 && articles[at - 1].named_child_count() > 1;
        if full && safe && start > piece_start {
            cuts.push(start);
            piece_start = start;
            count = 0;
        }
        count += 1;
    }
    cuts
}

/// The tree-sitter point of a byte offset of `text`.
fn point_in(text: &str, offset: usize) -> Point {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(offset, |at| offset - at - 1);
    Point::new(row, column)
}

pub struct Document {
    pub version: i32,
    pub text: String,
    /// The same text, for positions.
    pub rope: Rope,
    pub header: Option<ArchiveHeader>,
    segments: Vec<Segment>,
    limits: SegmentLimits,
    /// Per-article analyses in source order, absolute ranges; complete
    /// after `refresh`. Boxed: an edit splices this list, and moving
    /// thousands of whole models costs more than moving pointers.
    #[allow(clippy::vec_box)]
    articles: Vec<Box<ArticleAnalysis>>,
    /// Parallel to `articles`: how far each entry has moved since its
    /// ranges were last written. An edit only adds to these (cheap), and
    /// `settle` applies them before features read the articles; the
    /// diagnostics path applies them on the fly while copying.
    pending: Vec<isize>,
    /// Which configuration the analyses were computed with.
    config_generation: u64,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        Document::with_limits(text, version, SegmentLimits::default())
    }

    /// A document cut into segments of at most `limits` (tests use small ones).
    pub fn with_limits(text: String, version: i32, limits: SegmentLimits) -> Document {
        let rope = convert::rope(&text);
        let segments = segment_text(&text, limits);
        Document {
            version,
            text,
            rope,
            header: None,
            segments,
            limits,
            articles: Vec::new(),
            pending: Vec::new(),
            config_generation: u64::MAX,
        }
    }

    /// The LSP position of `offset`, as `rope.position` gives it, with the
    /// column counted on the line's text instead of in the rope.
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset =
            crate::line_index::floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.rope.byte_to_line(offset);
        let line_start = self.rope.line_to_byte(line);
        let col = self
            .text
            .get(line_start..offset)
            .map_or(0, |before| encoding.len(before));
        Position::new(line as u32, col)
    }

    /// Each segment: its start, its text and its tree (for tests).
    pub fn segments(&self) -> impl Iterator<Item = (usize, &str, Option<&Tree>)> {
        self.segments.iter().map(|segment| {
            (
                segment.start,
                segment.text(&self.text),
                segment.tree.as_ref(),
            )
        })
    }

    /// The segment holding `offset` (the last one starting at or before it).
    fn segment_index(&self, offset: usize) -> usize {
        self.segments
            .partition_point(|segment| segment.start <= offset)
            .saturating_sub(1)
    }

    /// Applies `changes` in order, reparsing the segments each one touches.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => {
                    self.text = change.text;
                    self.rope = convert::rope(&self.text);
                    self.segments = segment_text(&self.text, self.limits);
                    self.articles.clear();
                    self.pending.clear();
                }
                Some(range) => self.apply_edit(range, &change.text, encoding),
            }
        }
        self.version = version;
    }

    fn apply_edit(&mut self, range: Range, inserted: &str, encoding: Encoding) {
        let span = self.rope.text_range(range, encoding);
        let (start, old_end) = (span.start, span.end);
        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(old_end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, inserted);
        let delta = inserted.len() as isize - (old_end - start) as isize;
        // Articles after the edit move (lazily); articles it touches are redone.
        let range_of = |at: usize| self.articles[at].article.range.shifted(self.pending[at]);
        let low = partition(self.articles.len(), |at| range_of(at).end < start);
        let high = partition(self.articles.len(), |at| range_of(at).start <= old_end).max(low);
        self.articles.drain(low..high);
        self.pending.drain(low..high);
        for pending in &mut self.pending[low..] {
            *pending += delta;
        }

        let first = self.segment_index(start);
        let last = self.segment_index(old_end);
        // Where the edit falls among the edited segment's articles.
        let (touches_first, touches_last) = {
            let segment = &self.segments[first];
            let articles = segment.article_ranges();
            let (from, to) = (start - segment.start, old_end - segment.start);
            match (articles.first(), articles.last()) {
                (Some(head), Some(tail)) => (from <= head.end, to >= tail.start),
                _ => (true, true),
            }
        };
        let single = first == last
            && !(touches_first && first > 0)
            && !(touches_last && first + 1 < self.segments.len());
        if single {
            // The common case: reparse one segment incrementally.
            let before = self.segments[first].end_context();
            let segment = &mut self.segments[first];
            let own = &self.text[segment.start..segment.end()];
            let (from, to) = (start - segment.start, old_end - segment.start);
            let start_position = point_in(own, from);
            let old_end_position = point_in(own, to);
            if let Some(tree) = &mut segment.tree {
                tree.edit(&InputEdit {
                    start_byte: from,
                    old_end_byte: to,
                    new_end_byte: from + inserted.len(),
                    start_position,
                    old_end_position,
                    new_end_position: convert::point_after(start_position, inserted),
                });
            }
            self.text.replace_range(start..old_end, inserted);
            segment.len = segment.len.checked_add_signed(delta).unwrap_or(0);
            for later in &mut self.segments[first + 1..] {
                later.start = later.start.checked_add_signed(delta).unwrap_or(0);
            }
            let segment = &mut self.segments[first];
            let own = &self.text[segment.start..segment.end()];
            segment.tree = syntax::parse(own, segment.tree.as_ref());
            segment.stale = true;
            let region_end = segment.end();
            if first == 0 || segment.starts_with_article() {
                self.cut_segment(first);
            } else {
                // Its first headline was destroyed: redo it with the previous segment.
                self.reparse_window(first - 1, first);
            }
            self.fix_following(region_end, before);
            return;
        }

        // Near a boundary: reparse the edited segments with their neighbours.
        self.text.replace_range(start..old_end, inserted);
        let low = if touches_first {
            first.saturating_sub(1)
        } else {
            first
        };
        let high = (last + 1).min(self.segments.len() - 1);
        let window_start = self.segments[low].start;
        let window_end = self.segments[high].end();
        let before = self.segments[high].end_context();
        for later in &mut self.segments[high + 1..] {
            later.start = later.start.checked_add_signed(delta).unwrap_or(0);
        }
        let window_len = (window_end - window_start)
            .checked_add_signed(delta)
            .unwrap_or(0);
        self.segments.splice(
            low..=high,
            [Segment::parse(&self.text, window_start, window_len)],
        );
        self.reparse_window(low, low);
        self.fix_following(window_start + window_len, before);
    }

    /// After the segments ending at `region_end` were reparsed: while the
    /// parser's state at that end differs from `before` (what the next
    /// segment's first headline was judged with), reparse the next segment
    /// together with them.
    fn fix_following(&mut self, mut region_end: usize, mut before: (u8, bool)) {
        loop {
            let at = self
                .segments
                .partition_point(|segment| segment.end() <= region_end);
            if at == 0 || at >= self.segments.len() {
                return;
            }
            if self.segments[at - 1].end_context() == before {
                return;
            }
            before = self.segments[at].end_context();
            region_end = self.segments[at].end();
            self.reparse_window(at - 1, at);
        }
    }

    /// Merges segments `low..=high` into one freshly parsed segment, extends
    /// the window backwards while its first article is not a real start, and
    /// cuts it again into segments.
    fn reparse_window(&mut self, mut low: usize, high: usize) {
        let mut high = high.min(self.segments.len() - 1);
        loop {
            if high > low || self.segments[low].tree.is_none() {
                let start = self.segments[low].start;
                let len = self.segments[high].end() - start;
                self.segments
                    .splice(low..=high, [Segment::parse(&self.text, start, len)]);
            }
            high = low;
            if low == 0 || self.segments[low].starts_with_article() {
                break;
            }
            // Its first headline is gone: the text belongs to the previous segment.
            low -= 1;
        }
        self.cut_segment(low);
    }

    /// Cuts segment `at` into pieces when it outgrew the limits, keeping the
    /// cut only if the pieces parse to the same articles.
    fn cut_segment(&mut self, at: usize) {
        let segment = &self.segments[at];
        let Some(tree) = &segment.tree else {
            return;
        };
        let cuts = cut_points(tree, self.limits);
        if cuts.is_empty() {
            return;
        }
        let expected: Vec<TextRange> = segment
            .article_ranges()
            .into_iter()
            .map(|range| range.shifted(segment.start as isize))
            .collect();
        let mut pieces = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for cut in cuts.into_iter().chain([segment.len]) {
            pieces.push(Segment::parse(&self.text, segment.start + from, cut - from));
            from = cut;
        }
        let got: Vec<TextRange> = pieces
            .iter()
            .flat_map(|piece| {
                piece
                    .article_ranges()
                    .into_iter()
                    .map(move |range| range.shifted(piece.start as isize))
            })
            .collect();
        let pieces_ok = pieces
            .iter()
            .skip(1)
            .all(|piece| piece.starts_with_article());
        if got == expected && pieces_ok {
            self.segments.splice(at..=at, pieces);
        } else {
            tracing::debug!("segment cut rejected: the pieces disagree with the whole");
        }
    }

    /// Brings the per-article analyses up to date with the text and
    /// `config`, leaving moves pending: enough for `mentions`, `claims` and
    /// `diagnostics`, not for `articles` (call `refresh` for those).
    pub fn update(&mut self, config: &Config, generation: u64) {
        let config_changed = self.config_generation != generation;
        if config_changed {
            self.articles.clear();
            self.pending.clear();
        }
        for segment in &mut self.segments {
            if !segment.stale && !config_changed {
                continue;
            }
            let (articles, pending) = (&self.articles, &self.pending);
            let start_of = |at: usize| {
                articles[at]
                    .article
                    .range
                    .start
                    .checked_add_signed(pending[at])
                    .unwrap_or(0)
            };
            let low = partition(articles.len(), |at| start_of(at) < segment.start);
            let high = partition(articles.len(), |at| start_of(at) < segment.end());
            let old: Vec<Box<ArticleAnalysis>> = self
                .articles
                .drain(low..high)
                .zip(self.pending.drain(low..high))
                .map(|(mut entry, delta)| {
                    entry.shift(delta);
                    entry
                })
                .collect();
            let fresh = segment.analyse(&self.text, old, config);
            let count = fresh.len();
            self.articles.splice(low..low, fresh);
            self.pending.splice(low..low, std::iter::repeat_n(0, count));
            segment.stale = false;
        }
        self.header = self
            .segments
            .first()
            .and_then(|segment| segment.header(&self.text));
        self.config_generation = generation;
    }

    /// `update`, then applies the pending moves, so that `articles` and
    /// everything reading it see current ranges.
    pub fn refresh(&mut self, config: &Config, generation: u64) {
        self.update(config, generation);
        for (entry, pending) in self.articles.iter_mut().zip(&mut self.pending) {
            if *pending != 0 {
                entry.shift(*pending);
                *pending = 0;
            }
        }
    }

    /// The per-article analyses (call `refresh` first).
    pub fn articles(&self) -> &[Box<ArticleAnalysis>] {
        &self.articles
    }

    /// The article whose range touches `offset`.
    pub fn article_at(&self, offset: usize) -> Option<&ArticleAnalysis> {
        let index = self
            .articles
            .partition_point(|entry| entry.article.range.end < offset);
        self.articles
            .get(index)
            .map(|entry| &**entry)
            .filter(|entry| entry.article.range.touches(offset))
    }

    pub fn mentions(&self, file: FileId) -> Vec<IssueMention> {
        self.articles
            .iter()
            .zip(&self.pending)
            .flat_map(|(entry, &delta)| {
                entry.mentions.iter().map(move |mention| IssueMention {
                    file,
                    range: mention.range.shifted(delta),
                    date_range: mention.date_range.shifted(delta),
                    ..mention.clone()
                })
            })
            .collect()
    }

    pub fn claims(&self, file: FileId) -> Vec<AcronymClaim> {
        self.articles
            .iter()
            .zip(&self.pending)
            .flat_map(|(entry, &delta)| {
                entry.claims.iter().map(move |claim| AcronymClaim {
                    file,
                    expansion_range: claim.expansion_range.shifted(delta),
                    ..claim.clone()
                })
            })
            .collect()
    }

    /// Article-level diagnostics (default severities), in article order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.articles
            .iter()
            .zip(&self.pending)
            .flat_map(|(entry, &delta)| {
                entry.diagnostics.iter().map(move |diagnostic| {
                    let mut diagnostic = diagnostic.clone();
                    diagnostic.shift(delta);
                    diagnostic
                })
            })
            .collect()
    }

    pub fn model(&self) -> model::Document {
        model::Document {
            header: self.header.clone(),
            articles: self
                .articles
                .iter()
                .map(|entry| entry.article.clone())
                .collect(),
        }
    }
}

/// The first index in `0..len` for which `before` is false (`before` must
/// hold for a prefix).
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// Cuts `text` into segments parsed on their own. Parses windows of about
/// twice the byte limit and keeps the articles well before the window's end
/// (whose parse cannot depend on the cut-off text), so the whole text is
/// never parsed at once.
fn segment_text(text: &str, limits: SegmentLimits) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut pos = 0usize;
    let base_window = limits.max_bytes.max(1024) * 2;
    let mut window = base_window;
    loop {
        let mut end = (pos + window).min(text.len());
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        // End the window at a line end.
        if end < text.len() {
            end = text[end..].find('\n').map_or(text.len(), |at| end + at + 1);
        }
        let chunk = &text[pos..end];
        let Some(tree) = syntax::parse(chunk, None) else {
            segments.push(Segment::parse(text, pos, text.len() - pos));
            break;
        };
        let mut cuts = cut_points(&tree, limits);
        if end < text.len() {
            // Keep only cuts with at least three articles after them in the window.
            let root = tree.root_node();
            let mut cursor = root.walk();
            let starts: Vec<usize> = root
                .named_children(&mut cursor)
                .filter(|node| node.kind() == "article")
                .map(|node| node.start_byte())
                .collect();
            let limit = starts
                .len()
                .checked_sub(3)
                .and_then(|at| starts.get(at))
                .copied()
                .unwrap_or(0);
            cuts.retain(|&cut| cut < limit);
            let Some(&last_cut) = cuts.last() else {
                window *= 2; // too few articles in the window: look further
                continue;
            };
            let mut from = 0;
            for cut in cuts {
                segments.push(Segment::parse(text, pos + from, cut - from));
                from = cut;
            }
            pos += last_cut;
            window = base_window;
        } else {
            let mut from = 0;
            for cut in cuts.into_iter().chain([chunk.len()]) {
                segments.push(Segment::parse(text, pos + from, cut - from));
                from = cut;
            }
            break;
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(range: (u32, u32, u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(range.0, range.1),
                Position::new(range.2, range.3),
            )),
            range_length: None,
            text: text.to_string(),
        }
    }

    const TEXT: &str = "Tag Archives: Steppe\n\nFirst headline here\n\nALMATY, JAN. 3 (The Bulletin) – Text “quoted” here.\n\n(News report from Issue No. 12, published on Jan. 10 2019)\n\nSecond headline here\n\nASTANA, FEB. 3 2019 (The Bulletin) — More text.\n\n(News report from Issue No. 13, published on Feb. 8 2019)\n";

    #[test]
    fn positions_agree_with_the_rope() {
        let text =
            "Headline — “one” 🇰🇿\r\nALMATY, MARCH 10 (The Bulletin) – ©x’s\n\nlast 😀\u{2028}x\r";
        let document = Document::new(text.to_string(), 1);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    document.position(offset, encoding),
                    document.rope.position(offset, encoding),
                    "{offset} {encoding:?}"
                );
            }
        }
    }

    #[test]
    fn incremental_analysis_matches_a_fresh_one() {
        let config = Config::default();
        let limits = SegmentLimits {
            max_articles: 1,
            max_bytes: 64,
        };
        let mut document = Document::with_limits(TEXT.to_string(), 1, limits);
        document.refresh(&config, 0);
        let edits = [
            change((4, 31, 4, 32), "—"),
            change((10, 0, 10, 0), "X"),
            change((2, 0, 2, 5), "Comment: Lone"),
            change((3, 0, 3, 0), "new paragraph\n"),
            change((3, 0, 4, 0), ""),
        ];
        for (version, edit) in edits.into_iter().enumerate() {
            document.apply_changes(vec![edit], version as i32 + 2, Encoding::Utf16);
            // The diagnostics path reads with article moves still pending.
            document.update(&config, 0);
            let text = document.text.clone();
            assert_eq!(text, document.rope.to_string());
            let (_, fresh) = analysis::analyze(&text, &config);
            let mut mine = document.diagnostics();
            analysis::sort(&mut mine);
            assert_eq!(mine, fresh.diagnostics, "after edit {version}");
            let mentions = archive::issue_mentions(&fresh.document, FileId(0));
            assert_eq!(
                document.mentions(FileId(0)),
                mentions,
                "after edit {version}"
            );
            document.refresh(&config, 0);
            assert_eq!(document.model(), fresh.document);
        }
    }
}
