//! One open document: its text (a rope for positions, a string for the
//! parser and the rules), its tree, kept current through incremental edits,
//! and its analysis, kept per article so an edit re-checks only the
//! articles it touched.

use ropey::Rope;
use tower_lsp_server::ls_types::{Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Tree};

use super::convert::{self, Encoding, Lines};
use crate::analysis;
use crate::archive::{self, IssueMention};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::entities::AcronymClaim;
use crate::model::{self, ArchiveHeader, Article};
use crate::syntax;
use crate::text_range::TextRange;

/// The analysis of one article, with absolute ranges (shifted on reuse).
#[derive(Debug, Clone)]
pub struct ArticleAnalysis {
    pub article: Article,
    /// Article-level findings at default severity.
    pub diagnostics: Vec<Diagnostic>,
    /// Its issue claim (at most one), for the cross-file rules.
    pub mentions: Vec<IssueMention>,
    /// Its acronym definitions, for the cross-file `entity-spelling` rule.
    pub claims: Vec<AcronymClaim>,
    /// Bytes to add to every stored range since it was computed.
    delta: isize,
    /// False once an edit touched it.
    valid: bool,
}

impl ArticleAnalysis {
    fn compute(node: tree_sitter::Node<'_>, text: &str, config: &Config) -> ArticleAnalysis {
        let article = model::read_article(node, text);
        // The same per-article entry point `bulletin check` uses.
        let analysed = analysis::analyze_article(text, &article, config);
        let claims = analysed
            .entities
            .acronyms
            .iter()
            .map(|definition| AcronymClaim {
                file: FileId(0),
                abbr: definition.abbr.clone(),
                expansion: definition.expansion.clone(),
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
        ArticleAnalysis {
            article,
            diagnostics: analysed.diagnostics,
            mentions,
            claims,
            delta: 0,
            valid: true,
        }
    }

    fn settle(&mut self) {
        let delta = std::mem::take(&mut self.delta);
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

    fn range(&self) -> TextRange {
        self.article.range.shifted(self.delta)
    }
}

pub struct Document {
    pub version: i32,
    pub text: String,
    pub rope: Rope,
    pub tree: Option<Tree>,
    pub header: Option<ArchiveHeader>,
    /// Per-article analyses in source order; current when `stale` is false.
    articles: Vec<ArticleAnalysis>,
    /// Byte ranges (in the current text) edits or reparsing touched since the last analysis.
    dirty: Vec<TextRange>,
    stale: bool,
    /// Which configuration the analyses were computed with.
    config_generation: u64,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let tree = syntax::parse(&text, None);
        Document {
            version,
            rope: convert::rope(&text),
            text,
            tree,
            header: None,
            articles: Vec::new(),
            dirty: Vec::new(),
            stale: true,
            config_generation: u64::MAX,
        }
    }

    /// Applies `changes` in order, then reparses once with the edited tree.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        let old_tree = self.tree.take();
        let mut edited = old_tree;
        for change in changes {
            match change.range {
                None => {
                    self.text = change.text;
                    self.rope = convert::rope(&self.text);
                    edited = None;
                    self.articles.clear();
                    self.dirty.clear();
                }
                Some(range) => self.apply_edit(range, &change.text, encoding, edited.as_mut()),
            }
        }
        let new_tree = syntax::parse(&self.text, edited.as_ref());
        if let (Some(old), Some(new)) = (&edited, &new_tree) {
            self.dirty.extend(
                old.changed_ranges(new)
                    .map(|range| TextRange::new(range.start_byte, range.end_byte)),
            );
        }
        self.tree = new_tree;
        self.version = version;
        self.stale = true;
    }

    fn apply_edit(
        &mut self,
        range: Range,
        inserted: &str,
        encoding: Encoding,
        tree: Option<&mut Tree>,
    ) {
        let span = self.rope.text_range(range, encoding);
        let (start, old_end) = (span.start, span.end);
        let start_position = convert::point(&self.rope, start);
        let old_end_position = convert::point(&self.rope, old_end);
        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(old_end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, inserted);
        self.text.replace_range(start..old_end, inserted);
        let new_end = start + inserted.len();
        if let Some(tree) = tree {
            tree.edit(&InputEdit {
                start_byte: start,
                old_end_byte: old_end,
                new_end_byte: new_end,
                start_position,
                old_end_position,
                new_end_position: convert::point_after(start_position, inserted),
            });
        }
        let delta = new_end as isize - old_end as isize;
        // Articles after the edit move; articles it touches are recomputed.
        for analysis in &mut self.articles {
            let current = analysis.range();
            if current.start > old_end {
                analysis.delta += delta;
            } else if current.end >= start {
                analysis.valid = false;
            }
        }
        for dirty in &mut self.dirty {
            if dirty.start > old_end {
                *dirty = dirty.shifted(delta);
            } else if dirty.end >= start {
                let end = if dirty.end > old_end {
                    dirty.end.checked_add_signed(delta).unwrap_or(new_end)
                } else {
                    new_end
                };
                *dirty = TextRange::new(dirty.start.min(start), end.max(new_end));
            }
        }
        self.dirty.push(TextRange::new(start, new_end));
    }

    /// Brings the per-article analyses up to date with the text and `config`.
    pub fn refresh(&mut self, config: &Config, generation: u64) {
        if !self.stale && self.config_generation == generation {
            return;
        }
        let Some(tree) = &self.tree else {
            self.articles.clear();
            self.header = None;
            self.stale = false;
            return;
        };
        let config_changed = self.config_generation != generation;
        let mut old = std::mem::take(&mut self.articles).into_iter().peekable();
        let mut fresh = Vec::new();
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_by_key(|range| range.start);
        let touches_dirty = |range: TextRange| {
            // `dirty` is sorted by start; few entries, so a scan is fine.
            dirty
                .iter()
                .take_while(|d| d.start <= range.end)
                .any(|d| d.end >= range.start)
        };
        self.header = None;
        let mut cursor = tree.root_node().walk();
        for node in tree.root_node().named_children(&mut cursor) {
            match node.kind() {
                "archive_header" => self.header = Some(model::read_header(node, &self.text)),
                "article" => {
                    let range = syntax::range(node);
                    while old
                        .peek()
                        .is_some_and(|entry| entry.range().start < range.start)
                    {
                        old.next();
                    }
                    let reusable = !config_changed
                        && old.peek().is_some_and(|entry| {
                            entry.valid && entry.range() == range && !touches_dirty(range)
                        });
                    match (
                        reusable,
                        old.next_if(|entry| entry.range().start == range.start),
                    ) {
                        (true, Some(mut entry)) => {
                            entry.settle();
                            fresh.push(entry);
                        }
                        _ => fresh.push(ArticleAnalysis::compute(node, &self.text, config)),
                    }
                }
                _ => {}
            }
        }
        self.articles = fresh;
        self.stale = false;
        self.config_generation = generation;
    }

    /// The per-article analyses (call `refresh` first).
    pub fn articles(&self) -> &[ArticleAnalysis] {
        &self.articles
    }

    /// The article whose range touches `offset`.
    pub fn article_at(&self, offset: usize) -> Option<&ArticleAnalysis> {
        let index = self
            .articles
            .partition_point(|entry| entry.article.range.end < offset);
        self.articles
            .get(index)
            .filter(|entry| entry.article.range.touches(offset))
    }

    pub fn mentions(&self, file: FileId) -> Vec<IssueMention> {
        self.articles
            .iter()
            .flat_map(|entry| entry.mentions.iter())
            .map(|mention| IssueMention {
                file,
                ..mention.clone()
            })
            .collect()
    }

    pub fn claims(&self, file: FileId) -> Vec<AcronymClaim> {
        self.articles
            .iter()
            .flat_map(|entry| entry.claims.iter())
            .map(|claim| AcronymClaim {
                file,
                ..claim.clone()
            })
            .collect()
    }

    /// Article-level diagnostics (default severities), sorted by position.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.articles
            .iter()
            .flat_map(|entry| entry.diagnostics.iter().cloned())
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

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Position;

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
    fn incremental_analysis_matches_a_fresh_one() {
        let config = Config::default();
        let mut document = Document::new(TEXT.to_string(), 1);
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
            document.refresh(&config, 0);
            let (tree, fresh) = analysis::analyze(&document.text, &config);
            assert_eq!(
                document.tree.as_ref().map(|t| t.root_node().to_sexp()),
                tree.map(|t| t.root_node().to_sexp())
            );
            let mut mine = document.diagnostics();
            analysis::sort(&mut mine);
            assert_eq!(mine, fresh.diagnostics, "after edit {version}");
            assert_eq!(document.model(), fresh.document);
        }
    }
}
