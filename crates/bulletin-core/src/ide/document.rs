//! One open document, kept as a rope (the source of truth for positions and
//! text) and a sequence of *segments*: contiguous byte ranges, each holding a
//! run of whole articles, parsed by tree-sitter from the segment's text alone,
//! and its per-article analyses.
//!
//! Why segments: the grammar's root is a flat repeat of thousands of
//! articles, and tree-sitter's incremental reparse of such a root costs work
//! linear in the number of articles (every `document_repeat` node is
//! fragile). Reparsing one segment of a few dozen articles costs the same
//! whatever the file's size.
//!
//! The invariant: every segment but the first starts at an article start of
//! the whole-document parse, and parsing the segments on their own yields
//! the same articles as parsing the whole text (`tests/document_store.rs`
//! checks it after random edits). It holds by construction because a
//! segment starts only where the whole parse is in the parser's initial
//! state for a headline line: right after an article whose last line is a
//! trailer (issue reference, copyright, ENDS). The scanner starts a text as
//! if a trailer stood before it, and the only context a headline line reads
//! from the lines above is whether the last one was a trailer ("weak"
//! headlines); whatever else differs at the start of a text (a dateline or a
//! trailer line is read differently there) makes the segment not start with
//! a headline, and the store then merges it with the previous one. An
//! article's parse also looks a few lines ahead, so:
//!
//! * an edit in a segment's first article is reparsed together with the
//!   previous segment (its first line may stop being a headline);
//! * an edit in a segment's last article (or the blank lines after it) is
//!   reparsed together with the next segment, and when a reparse changes
//!   what a segment ends with, the next one is reparsed with it
//!   (`fix_following`), so a cut never stays after an article that lost its
//!   trailer.
//!
//! After such a merged reparse the window is cut again into segments, and
//! the cut is kept only if the pieces' articles equal the window's.
//!
//! Hot and cold segments: a tree-sitter tree costs about nine times its
//! text, so a segment keeps its tree only while it is *hot*, one of the
//! `SegmentLimits::hot_trees` segments most recently edited or created; the
//! others are *cold*. Everything the store needs to know of a parse besides
//! the article models (article ranges, which articles a segment may be cut
//! after, the header, the parser's state at the end) is kept for every
//! segment in a small `SegmentSummary`. An edit parses its segment's text
//! afresh, hot or cold: tree-sitter's incremental reparse can keep a
//! paragraph whose end the scanner chose by reading the line after it, past
//! what the paragraph's own tokens looked at, and then differs from a fresh
//! parse (a test replays such edits). `update` needs nodes to read articles from: it parses a
//! stale segment that has no tree, analyses it and drops the tree again. So
//! opening a document cuts it into segments from window parses without
//! keeping anything but the cuts (the segments are *unparsed*), and the first
//! `update` parses the segments one at a time: opening and updating never
//! hold more than one tree beyond the hot ones, and every byte is still
//! parsed twice, not three times. (An edit near a boundary holds its merged
//! window's tree while it cuts it again, as before.)

use ropey::Rope;
use tree_sitter::{Node, Tree};

use super::lines::{self, Encoding, Lines, Position, PositionRange};
use crate::analysis;
use crate::checks::archive::{self, IssueMention};
use crate::checks::entity::AcronymClaim;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::entities::ArticleEntities;
use crate::line_index;
use crate::model::{self, ArchiveHeader, Article};
use crate::syntax;
use crate::text_range::TextRange;

/// How many segments keep their tree by default: the few places being edited
/// at once (a cursor's segment, its neighbours, a place jumped back to), about
/// 200 KB each; any other edit pays one fresh segment parse, a few milliseconds.
pub const HOT_TREES: usize = 8;

/// How large a segment may grow before it is cut, and how many segments keep
/// their tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentLimits {
    pub max_articles: usize,
    pub max_bytes: usize,
    /// How many segments (the most recently edited or created) keep their tree.
    pub hot_trees: usize,
    /// A text at least this long is cut into segments on several threads
    /// (see `segment_text`).
    pub parallel_from: usize,
}

impl Default for SegmentLimits {
    fn default() -> SegmentLimits {
        SegmentLimits {
            max_articles: 8,
            max_bytes: 8 * 1024,
            hot_trees: HOT_TREES,
            parallel_from: 256 * 1024,
        }
    }
}

/// One article of a segment's parse, as the store needs it without the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleShape {
    /// The article's range, relative to the segment.
    pub range: TextRange,
    /// The article's last line is a trailer, so a segment may be cut right
    /// after it: the whole parse is then in the state a segment's parse
    /// starts in (see the module's invariant).
    pub cuttable: bool,
    /// The article's first line reads as an archive header at the start of
    /// a text (`Tag Archives: Steppe` in the middle of a page): a segment
    /// starting there would begin with a header, so none is cut there.
    pub starts_like_header: bool,
}

/// Whether the first line of `text` is read as an archive header when it
/// starts a text: asked of the grammar itself, on that line alone (the
/// scanner decides on it alone), for the few lines that could be one.
fn starts_like_header(text: &str) -> bool {
    let line = match line_index::find_line_end(text) {
        Some(end) => &text[..end],
        None => text,
    };
    if !line.contains(':') || !line.to_ascii_lowercase().contains("archive") {
        return false;
    }
    syntax::parse(line).is_some_and(|tree| {
        tree.root_node()
            .named_child(0)
            .is_some_and(|first| syntax::kind(first) == "archive_header")
    })
}

/// What the store needs to know of a segment's parse once its tree is gone.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSummary {
    /// The root's articles in order.
    pub articles: Vec<ArticleShape>,
    /// The root holds articles only, the first at offset 0: what every
    /// segment but the first must be.
    pub starts_with_article: bool,
    /// What the parser knows at the segment's end that the next segment's
    /// first line depends on: the phase (0 none, 1 after a headline, 2 after
    /// a standfirst, 3 in the body) and whether the last line was a trailer.
    pub end_context: (u8, bool),
    /// The archive header when the root starts with one (ranges relative to
    /// the segment; only the first segment's is used).
    pub header: Option<ArchiveHeader>,
}

impl SegmentSummary {
    /// The summary of `tree`, the parse of `text` (`None`: the parser could
    /// not be set up, and the text has no articles).
    pub fn of(tree: Option<&Tree>, text: &str) -> SegmentSummary {
        let Some(tree) = tree else {
            return SegmentSummary {
                articles: Vec::new(),
                starts_with_article: text.is_empty(),
                end_context: (0, true),
                header: None,
            };
        };
        let root = tree.root_node();
        let mut cursor = root.walk();
        let mut articles = Vec::new();
        let mut only_articles = true;
        let mut header = None;
        let mut last = None;
        for (at, node) in root.named_children(&mut cursor).enumerate() {
            if syntax::kind(node) == "article" {
                let range = syntax::range(node);
                articles.push(ArticleShape {
                    range,
                    cuttable: end_context(node).1,
                    starts_like_header: starts_like_header(range.slice(text)),
                });
            } else {
                only_articles = false;
                if at == 0 && syntax::kind(node) == "archive_header" {
                    header = Some(model::read_header(node));
                }
            }
            last = Some(node);
        }
        // An article without a headline only starts a page: a segment that
        // starts with one is the rest of the previous segment's last article.
        let starts_with_article = only_articles
            && root.named_child(0).is_none_or(|first| {
                first.start_byte() == 0
                    && first
                        .named_child(0)
                        .is_none_or(|child| syntax::kind(child) == "headline")
            });
        SegmentSummary {
            articles,
            starts_with_article,
            end_context: last.map_or((0, true), end_context),
            header,
        }
    }
}

/// A stand-in for the summary of a segment not parsed yet; never read (see
/// `Segment::summary`).
static UNPARSED: SegmentSummary = SegmentSummary {
    articles: Vec::new(),
    starts_with_article: false,
    end_context: (0, false),
    header: None,
};

/// The parser's state after `last`, the root's last named child (see
/// `SegmentSummary::end_context`).
fn end_context(last: Node<'_>) -> (u8, bool) {
    match syntax::kind(last) {
        "archive_header" => (0, true),
        "article" => {
            let mut context = (0u8, false);
            let mut cursor = last.walk();
            for child in last.named_children(&mut cursor) {
                context = match syntax::kind(child) {
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
    /// Who and what it mentions (hover, references, rename on entities).
    pub entities: ArticleEntities,
}

impl ArticleAnalysis {
    /// Analyses the article `node` of a segment whose text is `text` and
    /// which starts at `base` in the document.
    fn compute(node: Node<'_>, text: &str, base: usize, config: &Config) -> ArticleAnalysis {
        let article = model::read_article(node, text);
        let Judged {
            diagnostics,
            claims,
            entities,
        } = judge(text, &article, config);
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
            diagnostics,
            mentions,
            claims,
            entities,
        };
        analysis.shift(base as isize);
        analysis.shrink_to_fit();
        analysis
    }

    /// Kept for as long as the document is open: no room to spare.
    fn shrink_to_fit(&mut self) {
        self.article.paragraphs.shrink_to_fit();
        self.diagnostics.shrink_to_fit();
        self.mentions.shrink_to_fit();
        self.claims.shrink_to_fit();
        self.entities.shrink_to_fit();
    }

    /// Judges the article again under `config`, in a segment whose text is
    /// `text` and which starts at `base`: the model and the issue claim do
    /// not depend on the configuration, so no tree is needed.
    fn rejudge(&mut self, text: &str, base: usize, config: &Config) {
        self.shift(-(base as isize));
        let judged = judge(text, &self.article, config);
        self.diagnostics = judged.diagnostics;
        self.claims = judged.claims;
        self.entities = judged.entities;
        self.shift(base as isize);
        self.shrink_to_fit();
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
            mention.date_range = mention.date_range.shifted(delta);
        }
        for claim in &mut self.claims {
            claim.expansion_range = claim.expansion_range.shifted(delta);
        }
        self.entities.shift(delta);
    }
}

/// The configuration-dependent part of an article's analysis, with ranges
/// in the text it was judged in.
struct Judged {
    diagnostics: Vec<Diagnostic>,
    claims: Vec<AcronymClaim>,
    entities: ArticleEntities,
}

fn judge(text: &str, article: &Article, config: &Config) -> Judged {
    // The same per-article entry point `bulletin check` uses.
    let analysed = analysis::analyze_article(text, article, config);
    let claims = analysed.entities.claims(FileId(0)).collect();
    Judged {
        diagnostics: analysed.diagnostics,
        claims,
        entities: analysed.entities,
    }
}

/// A run of whole articles: `text[start..start + len]`.
struct Segment {
    start: usize,
    len: usize,
    /// `None` until the segment is first parsed: `segment_text` only finds
    /// the cuts, and `update` (or an edit that needs it) parses the segment.
    summary: Option<SegmentSummary>,
    /// The parse of the segment's text, kept only while the segment is hot.
    tree: Option<Tree>,
    /// When the segment was last created or edited (`Document::clock`):
    /// the most recent ones keep their tree.
    used: u64,
    /// The text changed since the analyses of its articles were computed.
    stale: bool,
}

impl Segment {
    /// A segment whose text is parsed by the first step that needs it.
    fn unparsed(start: usize, len: usize) -> Segment {
        Segment {
            start,
            len,
            summary: None,
            tree: None,
            used: 0,
            stale: true,
        }
    }

    fn parse(text: &str, start: usize, len: usize, used: u64) -> Segment {
        let own = &text[start..start + len];
        let tree = syntax::parse(own);
        Segment {
            start,
            len,
            summary: Some(SegmentSummary::of(tree.as_ref(), own)),
            tree,
            used,
            stale: true,
        }
    }

    fn end(&self) -> usize {
        self.start + self.len
    }

    fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end()).unwrap_or("")
    }

    /// The summary of the segment's parse. Every caller has the segment
    /// parsed first (`Document::ensure_parsed`, or it was just parsed).
    fn summary(&self) -> &SegmentSummary {
        debug_assert!(self.summary.is_some(), "summary of an unparsed segment");
        self.summary.as_ref().unwrap_or(&UNPARSED)
    }

    /// Article ranges of the parse, relative to the segment.
    fn article_ranges(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.summary().articles.iter().map(|shape| shape.range)
    }

    /// The analyses of the segment's articles, reusing those of `old` whose
    /// range is unchanged (all of them, judged again, when only the
    /// configuration changed). `own` is the segment's text. A cold segment
    /// is parsed for its nodes and the tree dropped again.
    #[allow(clippy::vec_box)] // boxed on purpose: see `Document::articles`
    fn analyse(
        &mut self,
        own: &str,
        old: Vec<Box<ArticleAnalysis>>,
        config: &Config,
        config_changed: bool,
    ) -> Vec<Box<ArticleAnalysis>> {
        let base = self.start;
        if !self.stale {
            // Only the configuration changed; the models still fit the text
            // unless the cached list disagrees with the parse (then redo it).
            let same = self.summary.as_ref().is_some_and(|summary| {
                summary.articles.len() == old.len()
                    && summary.articles.iter().zip(&old).all(|(shape, entry)| {
                        shape.range.shifted(base as isize) == entry.article.range
                    })
            });
            if same {
                return old
                    .into_iter()
                    .map(|mut entry| {
                        entry.rejudge(own, base, config);
                        entry
                    })
                    .collect();
            }
        }
        // Analyses computed under another configuration cannot be reused.
        let old = if config_changed { Vec::new() } else { old };
        let parsed;
        let tree = match &self.tree {
            Some(tree) => tree,
            None => {
                parsed = syntax::parse(own);
                self.summary = Some(SegmentSummary::of(parsed.as_ref(), own));
                match &parsed {
                    Some(tree) => tree,
                    None => return Vec::new(),
                }
            }
        };
        let mut old = old.into_iter().peekable();
        let mut fresh = Vec::new();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for node in root.named_children(&mut cursor) {
            if syntax::kind(node) != "article" {
                continue;
            }
            let range = syntax::range(node).shifted(base as isize);
            while old
                .peek()
                .is_some_and(|entry| entry.article.range.start < range.start)
            {
                old.next();
            }
            // An article's analysis depends on its own text only, except a
            // headline-less one's (`headline-missing` asks whether anything
            // precedes it on the page): that one is always judged again.
            match old.next_if(|entry| entry.article.range == range && entry.article.has_headline) {
                Some(entry) => fresh.push(entry),
                None => fresh.push(Box::new(ArticleAnalysis::compute(node, own, base, config))),
            }
        }
        fresh
    }
}

/// Where to cut a segment's text (relative offsets of article starts) so
/// that each piece respects `limits`. Cuts only right after an article that
/// ends with a trailer, where a piece's parse starts in the whole parse's
/// state (see the module's invariant), and not before a line a text's
/// start would read as an archive header; a run of articles without
/// trailers stays in one segment.
fn cut_points(summary: &SegmentSummary, limits: SegmentLimits) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut piece_start = 0usize;
    let mut count = 0usize;
    for (index, shape) in summary.articles.iter().enumerate() {
        let start = shape.range.start;
        let full = count >= limits.max_articles.max(1)
            || (count > 0 && shape.range.end - piece_start > limits.max_bytes);
        if full && starts_after_trailer(summary, index) && start > piece_start {
            cuts.push(start);
            piece_start = start;
            count = 0;
        }
        count += 1;
    }
    cuts
}

/// Replaces `start..end` of `text` with `inserted`. When the buffer is full
/// it grows by a little, not by doubling: a keystroke in a 5 MB text would
/// otherwise reserve 5 MB more.
/// One change an editor sends: `range` replaced by `text`, or the whole
/// text when there is no range (the protocol's content change, in the core's
/// position types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentChange {
    pub range: Option<PositionRange>,
    pub text: String,
}

fn replace_text(text: &mut String, start: usize, end: usize, inserted: &str) {
    let needed = text.len() - (end - start) + inserted.len();
    if needed > text.capacity() {
        text.reserve_exact(inserted.len() + text.len() / 64 + 4096);
    }
    text.replace_range(start..end, inserted);
}

pub struct Document {
    pub version: i32,
    pub text: String,
    /// The same text, for positions.
    pub rope: Rope,
    pub header: Option<ArchiveHeader>,
    segments: Vec<Segment>,
    limits: SegmentLimits,
    /// Ticks once per segment parse or edit, for `Segment::used`.
    clock: u64,
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
        let rope = lines::rope(&text);
        let segments = segment_text(&text, limits);
        Document {
            version,
            text,
            rope,
            header: None,
            segments,
            limits,
            clock: 0,
            articles: Vec::new(),
            pending: Vec::new(),
            config_generation: u64::MAX,
        }
    }

    /// The LSP position of `offset`, as `rope.position` gives it, with the
    /// column counted on the line's text instead of in the rope.
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset = line_index::floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.rope.byte_to_line(offset);
        let line_start = self.rope.line_to_byte(line);
        let col = self
            .text
            .get(line_start..offset)
            .map_or(0, |before| encoding.len(before));
        Position::new(line as u32, col)
    }

    /// Each segment: its start, its text and its tree, `None` when the
    /// segment is cold (for tests).
    pub fn segments(&self) -> impl Iterator<Item = (usize, &str, Option<&Tree>)> {
        self.segments.iter().map(|segment| {
            (
                segment.start,
                segment.text(&self.text),
                segment.tree.as_ref(),
            )
        })
    }

    /// Each segment's summary, parallel to `segments`; `None` for a segment
    /// not parsed since the text was opened or replaced (a test hook).
    #[doc(hidden)]
    pub fn segment_summaries(&self) -> impl Iterator<Item = Option<&SegmentSummary>> {
        self.segments.iter().map(|segment| segment.summary.as_ref())
    }

    /// The segment holding `offset` (the last one starting at or before it).
    fn segment_index(&self, offset: usize) -> usize {
        self.segments
            .partition_point(|segment| segment.start <= offset)
            .saturating_sub(1)
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// A freshly parsed (so hot) segment of the current text.
    fn parse_segment(&mut self, start: usize, len: usize) -> Segment {
        let used = self.tick();
        Segment::parse(&self.text, start, len, used)
    }

    /// Parses segment `at` if it never was, so that its summary can be read;
    /// it keeps the tree for `update` while it stays hot.
    fn ensure_parsed(&mut self, at: usize) {
        if self
            .segments
            .get(at)
            .is_none_or(|segment| segment.summary.is_some())
        {
            return;
        }
        let used = self.tick();
        let segment = &mut self.segments[at];
        *segment = Segment::parse(&self.text, segment.start, segment.len, used);
    }

    /// Drops the trees of all but the `hot_trees` most recently used
    /// segments, after making the one holding `focus` (where the editor's
    /// cursor is) the most recent.
    fn settle_trees(&mut self, focus: usize) {
        let at = self.segment_index(focus);
        let used = self.tick();
        if let Some(segment) = self.segments.get_mut(at) {
            segment.used = used;
        }
        let mut hot: Vec<(u64, usize)> = self
            .segments
            .iter()
            .enumerate()
            .filter(|(_, segment)| segment.tree.is_some())
            .map(|(at, segment)| (segment.used, at))
            .collect();
        if hot.len() <= self.limits.hot_trees {
            return;
        }
        hot.sort_unstable_by(|a, b| b.cmp(a));
        for &(_, at) in &hot[self.limits.hot_trees..] {
            self.segments[at].tree = None;
        }
    }

    /// Applies `changes` in order, reparsing the segments each one touches.
    pub fn apply_changes(&mut self, changes: Vec<ContentChange>, version: i32, encoding: Encoding) {
        for change in changes {
            match change.range {
                None => {
                    self.text = change.text;
                    self.rope = lines::rope(&self.text);
                    self.segments = segment_text(&self.text, self.limits);
                    self.articles.clear();
                    self.pending.clear();
                }
                Some(range) => self.apply_edit(range, &change.text, encoding),
            }
        }
        self.version = version;
    }

    fn apply_edit(&mut self, range: PositionRange, inserted: &str, encoding: Encoding) {
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
        // Everything read from the segments below describes the text before
        // the edit, so they are parsed (if they never were) before it changes.
        self.ensure_parsed(first);
        // Where the edit falls among the edited segment's articles.
        let (touches_first, touches_last) = {
            let segment = &self.segments[first];
            let (from, to) = (start - segment.start, old_end - segment.start);
            let mut articles = segment.article_ranges();
            let head = articles.next();
            match (head, articles.last().or(head)) {
                (Some(head), Some(tail)) => (from <= head.end, to >= tail.start),
                _ => (true, true),
            }
        };
        let single = first == last
            && !(touches_first && first > 0)
            && !(touches_last && first + 1 < self.segments.len());
        if single {
            // The common case: parse one segment again. From scratch, not
            // incrementally: tree-sitter would keep a paragraph whose end the
            // scanner chose by reading the line after it, past what the
            // paragraph's tokens looked at, so an edit there could leave the
            // editor reading the text otherwise than `bulletin check` (a
            // segment's parse costs a fraction of a millisecond).
            let before = self.segments[first].summary().end_context;
            let segment = &mut self.segments[first];
            replace_text(&mut self.text, start, old_end, inserted);
            segment.len = segment.len.checked_add_signed(delta).unwrap_or(0);
            for later in &mut self.segments[first + 1..] {
                later.start = later.start.checked_add_signed(delta).unwrap_or(0);
            }
            let used = self.tick();
            let segment = &mut self.segments[first];
            let own = &self.text[segment.start..segment.end()];
            segment.tree = syntax::parse(own);
            let summary = SegmentSummary::of(segment.tree.as_ref(), own);
            let starts_with_article = summary.starts_with_article;
            segment.summary = Some(summary);
            segment.used = used;
            segment.stale = true;
            let region_end = segment.end();
            if first == 0 || starts_with_article {
                self.cut_segment(first);
            } else {
                // Its first headline was destroyed: redo it with the previous segment.
                self.reparse_window(first - 1, first);
            }
            self.fix_following(region_end, before);
            self.settle_trees(start + inserted.len());
            return;
        }

        // Near a boundary: reparse the edited segments with their neighbours.
        let low = if touches_first {
            first.saturating_sub(1)
        } else {
            first
        };
        let high = (last + 1).min(self.segments.len() - 1);
        self.ensure_parsed(high);
        let before = self.segments[high].summary().end_context;
        replace_text(&mut self.text, start, old_end, inserted);
        let window_start = self.segments[low].start;
        let window_end = self.segments[high].end();
        for later in &mut self.segments[high + 1..] {
            later.start = later.start.checked_add_signed(delta).unwrap_or(0);
        }
        let window_len = (window_end - window_start)
            .checked_add_signed(delta)
            .unwrap_or(0);
        let window = self.parse_segment(window_start, window_len);
        self.segments.splice(low..=high, [window]);
        self.reparse_window(low, low);
        self.fix_following(window_start + window_len, before);
        self.settle_trees(start + inserted.len());
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
            self.ensure_parsed(at - 1);
            if self.segments[at - 1].summary().end_context == before {
                return;
            }
            // Untouched by the edit, so parsing it now sees its old text.
            self.ensure_parsed(at);
            before = self.segments[at].summary().end_context;
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
            if high > low || self.segments[low].summary.is_none() {
                let start = self.segments[low].start;
                let len = self.segments[high].end() - start;
                let merged = self.parse_segment(start, len);
                self.segments.splice(low..=high, [merged]);
            }
            high = low;
            if low == 0 || self.segments[low].summary().starts_with_article {
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
        let Some(summary) = &segment.summary else {
            return;
        };
        let cuts = cut_points(summary, self.limits);
        if cuts.is_empty() {
            return;
        }
        let (start, len) = (segment.start, segment.len);
        let expected: Vec<TextRange> = segment
            .article_ranges()
            .map(|range| range.shifted(start as isize))
            .collect();
        let mut pieces: Vec<Segment> = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for cut in cuts.into_iter().chain([len]) {
            pieces.push(self.parse_segment(start + from, cut - from));
            // A large paste cuts into many pieces: keep only the last few
            // trees while cutting (`update` parses the others again).
            if let Some(older) = pieces.len().checked_sub(self.limits.hot_trees + 1) {
                pieces[older].tree = None;
            }
            from = cut;
        }
        let got: Vec<TextRange> = pieces
            .iter()
            .flat_map(|piece| {
                piece
                    .article_ranges()
                    .map(move |range| range.shifted(piece.start as isize))
            })
            .collect();
        let pieces_ok = pieces
            .iter()
            .skip(1)
            .all(|piece| piece.summary().starts_with_article);
        if got == expected && pieces_ok {
            self.segments.splice(at..=at, pieces);
        } else {
            tracing::debug!("segment cut rejected: the pieces disagree with the whole");
        }
    }

    /// Brings the per-article analyses up to date with the text and
    /// `config`, leaving moves pending: enough for `mentions`, `claims` and
    /// `diagnostics`, not for `articles` (call `refresh` for those). Stale
    /// segments without a tree are parsed and the tree dropped after their
    /// articles are read: one at a time after an edit, side by side when the
    /// whole text was just opened or replaced.
    pub fn update(&mut self, config: &Config, generation: u64) {
        let mut config_changed = self.config_generation != generation;
        if self.articles.is_empty() && self.segments.iter().all(|segment| segment.stale) {
            // A text just opened or replaced: no analysis to keep, and each
            // segment is parsed and judged on its own, so they are judged
            // side by side (the same work as one by one, in article order).
            use rayon::prelude::*;
            let text = &self.text;
            let judged: Vec<Vec<Box<ArticleAnalysis>>> = self
                .segments
                .par_iter_mut()
                .map(|segment| {
                    let fresh = segment.analyse(segment.text(text), Vec::new(), config, true);
                    segment.stale = false;
                    fresh
                })
                .collect();
            self.articles = judged.into_iter().flatten().collect();
            self.pending = vec![0; self.articles.len()];
            // Judged under this configuration: nothing left to do below.
            config_changed = false;
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
            let own = segment.text(&self.text);
            let fresh = segment.analyse(own, old, config, config_changed);
            let count = fresh.len();
            self.articles.splice(low..low, fresh);
            self.pending.splice(low..low, std::iter::repeat_n(0, count));
            segment.stale = false;
        }
        self.header = self
            .segments
            .first()
            .and_then(|segment| segment.summary.as_ref()?.header.clone());
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

    /// Every article's `items`, each placed in the whole text by `place`
    /// (given the article's pending shift), in article order. Sized first:
    /// thousands of findings moved by a growing vector were a third of a
    /// keystroke's time on a dense archive.
    fn gather<T, U>(
        &self,
        items: impl Fn(&ArticleAnalysis) -> &[T],
        place: impl Fn(&T, isize) -> U,
    ) -> Vec<U> {
        let mut out =
            Vec::with_capacity(self.articles.iter().map(|entry| items(entry).len()).sum());
        for (entry, &delta) in self.articles.iter().zip(&self.pending) {
            out.extend(items(entry).iter().map(|item| place(item, delta)));
        }
        out
    }

    pub fn mentions(&self, file: FileId) -> Vec<IssueMention> {
        self.gather(
            |entry| &entry.mentions,
            |mention, delta| IssueMention {
                file,
                date_range: mention.date_range.shifted(delta),
                ..mention.clone()
            },
        )
    }

    pub fn claims(&self, file: FileId) -> Vec<AcronymClaim> {
        self.gather(
            |entry| &entry.claims,
            |claim, delta| AcronymClaim {
                file,
                expansion_range: claim.expansion_range.shifted(delta),
                ..claim.clone()
            },
        )
    }

    /// Article-level diagnostics (default severities), in article order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.gather(
            |entry| &entry.diagnostics,
            |diagnostic, delta| {
                let mut diagnostic = diagnostic.clone();
                diagnostic.shift(delta);
                diagnostic
            },
        )
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

/// Cuts `text` into unparsed segments (the first `update` parses them).
/// Finding where to cut takes a parse of the whole text, most of opening a
/// long one, so a long text is cut in two parts on two threads (and each
/// part again while it is long): the second part from a guessed cut near
/// the middle, the first from the start until it confirms that guess. A
/// guess is the start of an article after one ending with a trailer, in a
/// parse begun mid-article; it is confirmed when the parse from the start,
/// which is the whole text's, has the same boundary there. Both parses are
/// then in the state a segment's parse starts in, so everything after it is
/// read alike. Unconfirmed, the first part goes on to the end and the
/// second's work is dropped: the same segments as one thread would make.
fn segment_text(text: &str, limits: SegmentLimits) -> Vec<Segment> {
    segment_from(text, 0, limits)
}

fn segment_from(text: &str, from: usize, limits: SegmentLimits) -> Vec<Segment> {
    let rest = text.len() - from;
    if rest < limits.parallel_from.max(1) || rayon::current_num_threads() < 2 {
        return segment_until(text, from, None, limits).0;
    }
    let Some(guess) = guess_cut(text, from + rest / 2, limits) else {
        return segment_until(text, from, None, limits).0;
    };
    let ((mut first, confirmed), second) = rayon::join(
        || segment_until(text, from, Some(guess), limits),
        || segment_from(text, guess, limits),
    );
    if confirmed {
        first.extend(second);
    }
    first
}

/// The article windows of the segmentation: eight times the byte limit.
/// The last three articles of each window are parsed again by the next
/// (their parse may depend on the cut-off text), so a wider window wastes
/// less: with windows of twice the limit, a page of long articles was
/// parsed half as much again. The cuts are the same at any width, since
/// each window goes on from the last cut as the one before would have.
fn window_len(limits: SegmentLimits) -> usize {
    limits.max_bytes.max(1024) * 8
}

/// Where the window of `len` bytes from `pos` ends: after a line end (both
/// bytes of a `\r\n`), or at the end of the text.
fn window_end(text: &str, pos: usize, len: usize) -> usize {
    let mut end = (pos + len).min(text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    if end < text.len() {
        end = match line_index::find_line_end(&text[end..]) {
            Some(at) => end + at + line_index::line_end_len(&text[end + at..]),
            None => text.len(),
        };
    }
    end
}

/// Whether the article at `index` of `summary` starts right after one that
/// ends with a trailer: a place a segment may start.
fn starts_after_trailer(summary: &SegmentSummary, index: usize) -> bool {
    index > 0
        && summary
            .articles
            .get(index)
            .is_some_and(|shape| !shape.starts_like_header)
        && summary
            .articles
            .get(index - 1)
            .is_some_and(|previous| previous.cuttable)
}

/// A likely cut at or after `around`: parses a window from the line start
/// there and takes the first article start after a trailer once three
/// articles have gone by (the parse began mid-article: its first articles
/// may be read wrongly) and three remain after it (the window's end is cut
/// off). `None` when the window has none.
fn guess_cut(text: &str, around: usize, limits: SegmentLimits) -> Option<usize> {
    let mut start = around.min(text.len());
    while !text.is_char_boundary(start) {
        start += 1;
    }
    // The start of the next line.
    let line_end = line_index::find_line_end(&text[start..])?;
    start += line_end + line_index::line_end_len(&text[start + line_end..]);
    let end = window_end(text, start, window_len(limits) * 2);
    let chunk = &text[start..end];
    let tree = syntax::parse(chunk)?;
    let summary = SegmentSummary::of(Some(&tree), chunk);
    // Unless the window reaches the end, its last articles may be cut off.
    let settled = if end >= text.len() {
        summary.articles.len()
    } else {
        summary.articles.len().checked_sub(3)?
    };
    (3..settled)
        .find(|&index| starts_after_trailer(&summary, index))
        .map(|index| start + summary.articles[index].range.start)
}

/// Segments from `from`, a place a segment may start, by windows
/// (`window_len`): each window's articles well before its end (whose
/// parse cannot depend on the cut-off text) are cut as `cut_points` says, and
/// the next window starts at the last cut, so the whole text is never parsed
/// at once and only one window's tree is alive at a time. With `until`, stops
/// there when it is confirmed as a cut (then returns `true`), else goes on
/// to the end.
fn segment_until(
    text: &str,
    from: usize,
    mut until: Option<usize>,
    limits: SegmentLimits,
) -> (Vec<Segment>, bool) {
    let mut segments = Vec::new();
    let mut pos = from;
    let base_window = window_len(limits);
    let mut window = base_window;
    loop {
        let end = window_end(text, pos, window);
        let chunk = &text[pos..end];
        let Some(tree) = syntax::parse(chunk) else {
            segments.push(Segment::unparsed(pos, text.len() - pos));
            return (segments, false);
        };
        let summary = SegmentSummary::of(Some(&tree), chunk);
        drop(tree);
        let mut cuts = cut_points(&summary, limits);
        let at_end = end >= text.len();
        // Articles before this start are read as the whole text reads them.
        let settled = if at_end {
            chunk.len()
        } else {
            summary
                .articles
                .len()
                .checked_sub(3)
                .and_then(|at| summary.articles.get(at))
                .map_or(0, |shape| shape.range.start)
        };
        if let Some(guess) = until.filter(|&guess| guess >= pos && guess - pos < settled) {
            // `pos` itself is where a segment starts.
            let confirmed = guess == pos
                || summary.articles.iter().enumerate().any(|(index, shape)| {
                    pos + shape.range.start == guess && starts_after_trailer(&summary, index)
                });
            if confirmed {
                cuts.retain(|&cut| pos + cut < guess);
                let mut from = 0;
                for cut in cuts.into_iter().chain([guess - pos]) {
                    segments.push(Segment::unparsed(pos + from, cut - from));
                    from = cut;
                }
                return (segments, true);
            }
            until = None;
        }
        if !at_end {
            // Keep only cuts with at least three articles after them in the window.
            cuts.retain(|&cut| cut < settled);
            let Some(&last_cut) = cuts.last() else {
                window *= 2; // too few articles in the window: look further
                continue;
            };
            let mut from = 0;
            for cut in cuts {
                segments.push(Segment::unparsed(pos + from, cut - from));
                from = cut;
            }
            pos += last_cut;
            window = base_window;
        } else {
            let mut from = 0;
            for cut in cuts.into_iter().chain([chunk.len()]) {
                segments.push(Segment::unparsed(pos + from, cut - from));
                from = cut;
            }
            return (segments, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(range: (u32, u32, u32, u32), text: &str) -> ContentChange {
        ContentChange {
            range: Some(PositionRange::new(
                Position::new(range.0, range.1),
                Position::new(range.2, range.3),
            )),
            text: text.to_string(),
        }
    }

    const TEXT: &str = "Tag Archives: Steppe\n\nFirst headline here\n\nALMATY, JAN. 3 (The Bulletin) – Text “quoted” here.\n\n(News report from Issue No. 12, published on Jan. 10 2019)\n\nSecond headline here\n\nASTANA, FEB. 3 2019 (The Bulletin) — More text.\n\n(News report from Issue No. 13, published on Feb. 8 2019)\n";

    #[test]
    fn positions_agree_with_the_rope() {
        let text = "Headline — “one” 🇰🇿\r\nALMATY, MARCH 10 (The Bulletin) – ©x’s\n\nlast 😀\u{2028}x\rCopyright ©’s 🌾\r\rend\r\n\r";
        let document = Document::new(text.to_string(), 1);
        // `\r\n`, `\n`, `\n`, `\r`, `\r`, `\r`, `\r\n`, `\r`: nine lines.
        assert_eq!(document.rope.len_lines(), 9);
        let copyright = text.find("Copyright").unwrap();
        assert_eq!(
            document.position(copyright + "Copyright ©’s ".len(), Encoding::Utf16),
            Position::new(4, 14)
        );
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

    /// A long text is cut on two threads: the guess near its middle is
    /// confirmed by the parse from the start, which stops there, and the
    /// segments cover the text as one thread's would, with the same cuts
    /// before the guess.
    #[test]
    fn a_long_text_is_cut_from_a_confirmed_guess() {
        let mut text = String::from("Tag Archives: Steppe\n\n");
        for n in 0..300 {
            text.push_str(&format!(
                "Grain exports rise {n}\n\nASTANA, FEB. 3 2019 (The Bulletin) — More about grain {n}.\n\nA second paragraph.\n\n(News report from Issue No. {n}, published on Feb. 8 2019)\n\n"
            ));
        }
        let limits = SegmentLimits::default();
        let guess = guess_cut(&text, text.len() / 2, limits).expect("a guess");
        assert!(guess >= text.len() / 2 && text[guess..].starts_with("Grain exports rise"));
        let (first, confirmed) = segment_until(&text, 0, Some(guess), limits);
        assert!(
            confirmed,
            "the guess at {guess} is a cut of the whole parse"
        );
        assert_eq!(first.last().map(Segment::end), Some(guess));
        let one_thread = segment_until(&text, 0, None, limits).0;
        let parallel = segment_text(
            &text,
            SegmentLimits {
                parallel_from: 0,
                ..limits
            },
        );
        let starts = |segments: &[Segment]| segments.iter().map(|s| s.start).collect::<Vec<_>>();
        assert_eq!(parallel.last().map(Segment::end), Some(text.len()));
        let before_guess: Vec<usize> = starts(&one_thread)
            .into_iter()
            .filter(|&at| at < guess)
            .collect();
        assert_eq!(&starts(&parallel)[..before_guess.len()], &before_guess[..]);
        // Not a cut of the whole parse: mid-article, the first part goes on.
        let mid_article = guess + "Grain exports rise".len() + 40;
        let (all, confirmed) = segment_until(&text, 0, Some(mid_article), limits);
        assert!(!confirmed);
        assert_eq!(starts(&all), starts(&one_thread));
    }

    #[test]
    fn incremental_analysis_matches_a_fresh_one() {
        let config = Config::default();
        let limits = SegmentLimits {
            max_articles: 1,
            max_bytes: 64,
            hot_trees: 1,
            ..SegmentLimits::default()
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

    /// Whether a line continues the paragraph above it is read from that
    /// line, past what the paragraph's own tokens looked at: after edits
    /// there, the store must still read the text as a fresh parse does
    /// (tree-sitter's incremental reparse kept a paragraph's old end here).
    #[test]
    fn edits_after_a_paragraph_are_read_as_a_fresh_parse_reads_them() {
        let config = Config::default();
        let text = "MARCH 10\n>  (News report from Issue\nCopyright Headline wordsENDS\nCopyright\nTASHKENTJAN. DEC. 11 \r Mr Alimov 2017(News report from Issue No. 320, published on March 13 2017) ALMATY,This story was first published in issue 12 of The Bulletin on May 3 2019 - /\nTASHKENTJAN.)TASHKENTJAN.\n\n\n2017 ";
        let mut document = Document::new(text.to_string(), 1);
        document.refresh(&config, 0);
        for (version, (at, deleted, inserted)) in
            [(253, 32, "\n"), (147, 27, "\n"), (38, 20, "\r\n")]
                .into_iter()
                .enumerate()
        {
            let from = document.position(at, Encoding::Utf16);
            let to = document.position(at + deleted, Encoding::Utf16);
            document.apply_changes(
                vec![change(
                    (from.line, from.character, to.line, to.character),
                    inserted,
                )],
                version as i32 + 2,
                Encoding::Utf16,
            );
            document.refresh(&config, 0);
            assert_fresh(&document, &config, &format!("after edit {version}"));
        }
    }

    fn long_text(articles: usize) -> String {
        let mut text = String::from("Tag Archives: Steppe\n\n");
        for n in 0..articles {
            text.push_str(&format!(
                "Grain exports rise {n}\n\nASTANA, FEB. 3 2019 (The Bulletin) – Grain {n}.\n\n(News report from Issue No. {n}, published on Feb. 8 2019)\n\n"
            ));
        }
        text
    }

    fn trees(document: &Document) -> usize {
        document
            .segments()
            .filter(|(_, _, tree)| tree.is_some())
            .count()
    }

    fn assert_fresh(document: &Document, config: &Config, what: &str) {
        let (_, fresh) = analysis::analyze(&document.text, config);
        assert_eq!(document.model(), fresh.document, "{what}");
        let mut mine = document.diagnostics();
        analysis::sort(&mut mine);
        assert_eq!(mine, fresh.diagnostics, "{what}");
    }

    #[test]
    fn opening_keeps_no_tree_and_edits_keep_only_the_hot_ones() {
        let config = Config::default();
        let limits = SegmentLimits {
            max_articles: 2,
            max_bytes: 1024,
            hot_trees: 2,
            ..SegmentLimits::default()
        };
        let mut document = Document::with_limits(long_text(40), 1, limits);
        let segments = document.segments().count();
        assert!(segments > 10, "{segments} segments");
        // Opening only finds the cuts; the first update parses each segment
        // for its articles and keeps no tree.
        assert!(document
            .segment_summaries()
            .all(|summary| summary.is_none()));
        assert_eq!(trees(&document), 0);
        document.refresh(&config, 0);
        assert!(document
            .segment_summaries()
            .all(|summary| summary.is_some()));
        assert_eq!(trees(&document), 0);
        assert_eq!(document.header.as_ref().map(|h| h.range.start), Some(0));
        assert_fresh(&document, &config, "after open");
        // Edits in the middle of an article, all over the text: each edited
        // segment becomes hot, and only the last two stay so.
        let mut version = 2;
        for line in (4..document.rope.len_lines() - 2).step_by(24) {
            for text in ["x", ""] {
                let end = if text.is_empty() { 1 } else { 0 };
                let edit = change((line as u32, 0, line as u32, end), text);
                document.apply_changes(vec![edit], version, Encoding::Utf8);
                version += 1;
                assert!(trees(&document) <= limits.hot_trees);
                assert!(trees(&document) >= 1, "the edited segment is hot");
                document.update(&config, 0);
                assert!(trees(&document) <= limits.hot_trees);
                document.refresh(&config, 0);
                assert_fresh(&document, &config, &format!("line {line} {text:?}"));
            }
        }
        assert_eq!(document.segments().count(), segments);
    }

    #[test]
    fn lone_cr_and_crlf_texts_are_cut_where_the_lf_text_is() {
        let config = Config::default();
        let limits = SegmentLimits {
            max_articles: 2,
            max_bytes: 1024,
            hot_trees: 2,
            ..SegmentLimits::default()
        };
        let lf = long_text(40);
        let starts = |text: &str| -> Vec<usize> {
            Document::with_limits(text.to_string(), 1, limits)
                .segments()
                .map(|(start, _, _)| start)
                .collect()
        };
        let lf_starts = starts(&lf);
        assert!(lf_starts.len() > 10);
        // `\n` -> `\r` keeps every offset.
        assert_eq!(starts(&lf.replace('\n', "\r")), lf_starts);
        // With `\r\n` every cut is after as many more bytes as lines before it.
        let crlf = lf.replace('\n', "\r\n");
        let shifted: Vec<usize> = lf_starts
            .iter()
            .map(|&start| start + lf[..start].matches('\n').count())
            .collect();
        assert_eq!(starts(&crlf), shifted);
        let mut document = Document::with_limits(crlf, 1, limits);
        document.refresh(&config, 0);
        assert_fresh(&document, &config, "CRLF text");
        assert_eq!(document.articles().len(), 40);
    }

    #[test]
    fn edits_before_the_first_update_parse_what_they_read() {
        let config = Config::default();
        let limits = SegmentLimits {
            max_articles: 1,
            max_bytes: 64,
            hot_trees: 1,
            ..SegmentLimits::default()
        };
        let mut document = Document::with_limits(long_text(6), 1, limits);
        // At a segment boundary (line 6 starts the second article) and inside one.
        document.apply_changes(
            vec![change((6, 0, 6, 0), "Copyright ©x\n")],
            2,
            Encoding::Utf8,
        );
        document.apply_changes(vec![change((13, 1, 13, 1), "y")], 3, Encoding::Utf8);
        assert!(trees(&document) <= 1);
        document.refresh(&config, 0);
        assert!(document
            .segment_summaries()
            .all(|summary| summary.is_some()));
        assert_fresh(&document, &config, "edits before update");
    }

    #[test]
    fn a_configuration_change_judges_the_articles_again() {
        let limits = SegmentLimits {
            max_articles: 2,
            max_bytes: 1024,
            hot_trees: 1,
            ..SegmentLimits::default()
        };
        let mut document = Document::with_limits(long_text(12), 1, limits);
        document.refresh(&Config::default(), 0);
        let en_dash = Config {
            house_dash: "–".to_string(),
            ..Config::default()
        };
        let before = document.diagnostics();
        document.refresh(&en_dash, 1);
        assert_ne!(document.diagnostics(), before);
        assert_fresh(&document, &en_dash, "after the configuration changed");
        assert_eq!(trees(&document), 0);
        // An edit together with a configuration change.
        document.apply_changes(vec![change((4, 0, 4, 0), "x")], 2, Encoding::Utf8);
        document.refresh(&Config::default(), 2);
        assert_fresh(&document, &Config::default(), "after an edit and a change");
    }

    #[test]
    fn the_text_grows_by_a_little() {
        let mut text = long_text(200);
        text.shrink_to_fit();
        let len = text.len();
        let mut document = Document::new(text, 1);
        document.apply_changes(vec![change((4, 0, 4, 0), "x")], 2, Encoding::Utf8);
        let capacity = document.text.capacity();
        assert!(
            capacity > len && capacity <= len + len / 64 + 8192,
            "{capacity} for {len}"
        );
    }
}
