//! Symbols: the outline of a document (the archive holding one symbol per
//! article, each with its dateline, standfirst, byline and issue reference),
//! walked into any `OutlineSink`, and the workspace's symbols (articles by
//! headline, entities by name) matched fuzzily.

use super::document::{ArticleAnalysis, Document};
use super::entities;
use super::workspace::Snapshot;
use super::{Location, Target};
use crate::model::Article;
use crate::outline;
use crate::text_range::TextRange;

/// What a symbol is. The language server maps these onto the protocol's
/// kinds: archive → `Namespace`, article → `Class`, dateline → `Event`,
/// standfirst → `String`, byline → `Property`, issue reference → `Number`,
/// person → `Object`, place → `Namespace`, organisation → `Module`, other
/// entity → `Constant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Archive,
    Article,
    Dateline,
    Standfirst,
    Byline,
    IssueReference,
    Person,
    Place,
    Organisation,
    OtherEntity,
}

pub fn article_detail(text: &str, article: &Article) -> String {
    let mut parts = Vec::new();
    if let Some(date) = article.date() {
        parts.push(date.to_string());
    }
    if let Some(place) = outline::place(text, article) {
        parts.push(place);
    }
    if let Some(number) = article.issue_number() {
        parts.push(format!("Issue {number}"));
    }
    parts.join(" · ")
}

/// One symbol of the outline as the walk meets it.
pub struct SymbolHead<'a> {
    pub name: &'a str,
    pub detail: Option<&'a str>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
}

/// Receives the outline as `walk_outline` produces it: a symbol with
/// children is opened, filled and closed; a leaf is one call. One walk feeds
/// both the typed outline and the JSON written straight to the client.
pub trait OutlineSink {
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
pub fn archive_symbol(document: &Document) -> Option<SymbolHead<'_>> {
    let text = document.text.as_str();
    let header = document.header.as_ref()?;
    let title = header.title.as_ref().map_or_else(
        || header.range.slice(&document.text),
        |title| title.text(text),
    );
    let end = document.text.trim_end().len().max(header.range.end);
    Some(SymbolHead {
        name: non_empty(title, "archive"),
        detail: header.kind.as_ref().map(|kind| kind.text(text).trim()),
        kind: SymbolKind::Archive,
        range: TextRange::new(header.range.start, end),
        selection_range: header.title.as_ref().map_or(header.range, |t| t.range),
    })
}

/// The archive (when the page has a header) holding one symbol per article,
/// each with its dateline, standfirst, byline and issue reference.
pub fn walk_outline(document: &Document, sink: &mut impl OutlineSink) {
    let archive = archive_symbol(document);
    let nested = archive.is_some();
    if let Some(archive) = archive {
        sink.open(archive);
    }
    walk_articles(document, document.articles(), sink);
    if nested {
        sink.close();
    }
}

/// The symbols of `articles` (a run of the document's, in order). Ranges
/// come in text order within each article but its own (opened first, ending
/// last), so a sink converting them can walk forward.
pub fn walk_articles(
    document: &Document,
    articles: &[Box<ArticleAnalysis>],
    sink: &mut impl OutlineSink,
) {
    let text = document.text.as_str();
    for entry in articles {
        let article = &entry.article;
        let detail = article_detail(text, article);
        sink.open(SymbolHead {
            name: non_empty(&article.title(text), "(untitled)"),
            detail: (!detail.is_empty()).then_some(detail.as_str()),
            kind: SymbolKind::Article,
            range: article.range,
            selection_range: article.headline.range,
        });
        if let Some(dateline) = &article.dateline {
            sink.leaf(SymbolHead {
                name: non_empty(dateline.range.slice(&document.text), "dateline"),
                detail: Some("dateline"),
                kind: SymbolKind::Dateline,
                range: dateline.range,
                selection_range: dateline.range,
            });
        }
        if let Some(standfirst) = &article.standfirst {
            sink.leaf(SymbolHead {
                name: non_empty(standfirst.text(text), "standfirst"),
                detail: Some("standfirst"),
                kind: SymbolKind::Standfirst,
                range: standfirst.range,
                selection_range: standfirst.range,
            });
        }
        if let Some(byline) = &article.byline {
            let name = byline.name.as_ref().map_or("", |name| name.text(text));
            sink.leaf(SymbolHead {
                name: non_empty(name, "byline"),
                detail: Some("byline"),
                kind: SymbolKind::Byline,
                range: byline.range,
                selection_range: byline.name.as_ref().map_or(byline.range, |name| name.range),
            });
        }
        if let Some(issue) = &article.issue_ref {
            let name = match (issue.number_value, issue.date) {
                (Some(number), Some(date)) => format!("Issue {number} · {date}"),
                (Some(number), None) => format!("Issue {number}"),
                _ => "Issue reference".to_string(),
            };
            sink.leaf(SymbolHead {
                name: &name,
                detail: Some("issue reference"),
                kind: SymbolKind::IssueReference,
                range: issue.range,
                selection_range: issue
                    .number
                    .as_ref()
                    .map_or(issue.range, |number| number.range),
            });
        }
        sink.close();
    }
}
/// How well `query` matches `candidate` (its characters in order, case
/// folded), higher is better; `None` when it does not.
pub fn fuzzy_score(query: &str, candidate: &str) -> Option<i64> {
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

/// A symbol of the workspace: an article or an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol<K> {
    pub name: String,
    pub kind: SymbolKind,
    pub location: Location<K>,
    /// The file (for an article) or the entity's kind and mention count.
    pub container: String,
}

/// Articles by headline and entities by name matching `query`, best first
/// (at most 256).
pub fn workspace_symbols<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    query: &str,
) -> Vec<WorkspaceSymbol<K>> {
    let mut found: Vec<(i64, WorkspaceSymbol<K>)> = Vec::new();
    for (key, file) in workspace.files() {
        for article in file.articles() {
            let name = &article.title(file.text());
            let Some(score) = fuzzy_score(query, name) else {
                continue;
            };
            found.push((
                score,
                WorkspaceSymbol {
                    name: non_empty(name, "(untitled)").to_string(),
                    kind: SymbolKind::Article,
                    location: Location {
                        target: Target::File(key.clone()),
                        range: article.headline.range,
                    },
                    container: workspace.display_name(key),
                },
            ));
        }
    }
    // Entities (people, places, organisations) at their first mention.
    found.extend(entities::workspace_symbols(workspace, query));
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    found.truncate(256);
    found.into_iter().map(|(_, symbol)| symbol).collect()
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
}

#[cfg(test)]
mod outline_tests {
    use super::*;
    use crate::ide::fixture::{fixture, PAGE};

    /// Renders the outline as indented `kind name (detail) [selection]` lines.
    struct Render<'a> {
        text: &'a str,
        depth: usize,
        out: String,
    }

    impl Render<'_> {
        fn line(&mut self, symbol: &SymbolHead<'_>) {
            self.out.push_str(&format!(
                "{}{:?} {} ({}) [{}]\n",
                "  ".repeat(self.depth),
                symbol.kind,
                symbol.name,
                symbol.detail.unwrap_or(""),
                symbol.selection_range.slice(self.text)
            ));
        }
    }

    impl OutlineSink for Render<'_> {
        fn open(&mut self, symbol: SymbolHead<'_>) {
            self.line(&symbol);
            self.depth += 1;
        }

        fn leaf(&mut self, symbol: SymbolHead<'_>) {
            self.line(&symbol);
        }

        fn close(&mut self) {
            self.depth -= 1;
        }
    }

    fn outline(text: &str) -> String {
        let fixture = fixture(text);
        let document = fixture.workspace.document(&fixture.key).expect("open");
        let mut render = Render {
            text: &document.text,
            depth: 0,
            out: String::new(),
        };
        walk_outline(document, &mut render);
        render.out
    }

    #[test]
    fn the_outline_nests_articles_and_their_parts_under_the_archive() {
        assert_eq!(
            outline(PAGE),
            "Archive Steppe (Tag Archives) [Steppe]
  Article Grain corridor talks resume in Almaty (2017-03-10 · ALMATY · Issue 412) [Grain corridor talks resume in Almaty]
    Dateline ALMATY, MARCH 10 (The Bulletin) — (dateline) [ALMATY, MARCH 10 (The Bulletin) —]
    Standfirst Ministers meet for the first time since the spring floods (standfirst) [Ministers meet for the first time since the spring floods]
    Byline Dana Sultan (byline) [Dana Sultan]
    IssueReference Issue 412 · 2017-03-13 (issue reference) [412]
  Article Rail tariffs fall by a fifth (2017-03-09 · ASTANA · Issue 412) [Rail tariffs fall by a fifth]
    Dateline ASTANA, MARCH 9 2017 (The Bulletin) — (dateline) [ASTANA, MARCH 9 2017 (The Bulletin) —]
    IssueReference Issue 412 · 2017-03-13 (issue reference) [412]
  Article Water before wheat (2017-03-16 · BISHKEK · Issue 413) [Editorial: Water before wheat]
    Dateline BISHKEK, MARCH 16 2017 (The Bulletin) — (dateline) [BISHKEK, MARCH 16 2017 (The Bulletin) —]
    IssueReference Issue 413 · 2017-03-20 (issue reference) [413]
"
        );
    }

    #[test]
    fn workspace_symbols_find_articles_and_entities_across_files() {
        let mut fixture = fixture(&format!("//- a.bulletin\n{PAGE}//- b.txt\nAlimov visits Dushanbe\n\nDUSHANBE, APRIL 2 2017 (The Bulletin) — Rashid Alimov arrived.\n"));
        let snapshot = fixture.workspace.snapshot();
        let found: Vec<String> = workspace_symbols(&snapshot, "alimov")
            .into_iter()
            .map(|symbol| {
                let Target::File(key) = &symbol.location.target else {
                    return format!("{} (elsewhere)", symbol.name);
                };
                format!(
                    "{:?} {} in {key} ({})",
                    symbol.kind, symbol.name, symbol.container
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "Article Alimov visits Dushanbe in b.txt (b.txt)",
                "Person Rashid Alimov in a.bulletin (person · 4 mentions)"
            ]
        );
    }
}
