//! Entities in the editor, over the mentions the core finds
//! (`entities::article_entities`, cached per article): the mention under a
//! cursor, its definition, every reference to it, its highlights in one
//! document, renaming it, and entities as workspace symbols.
//!
//! Mentions are grouped by the canonical name `entities::resolve` gives
//! them, so `SCO`, `Shanghai Cooperation Organisation` and `Shanghai
//! Cooperation Organization` are one entity. A surname that could mean
//! several people is its own group, never merged with any candidate. A
//! request only walks the cached mentions and compares canonical names,
//! without building answers for them.

use std::collections::BTreeMap;
use std::path::Path;

use super::document::Document;
use super::symbols::{fuzzy_score, SymbolKind, WorkspaceSymbol};
use super::workspace::{FileRef, Snapshot, Workspace};
use super::{Location, Target};
use crate::entities::{
    self, ArticleEntities, EntityKind, Gazetteer, Mention, MentionRole, Origin, Resolved, Source,
};
use crate::line_index::LineIndex;
use crate::model::Article;
use crate::text_range::TextRange;

/// What mentions are grouped by: what `entities::canonical_name` calls
/// them, and whether that is an ambiguous surname.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) ambiguous: bool,
    /// The gazetteer entries of that name, found once: a hover or a
    /// references request compares every mention of the workspace with the
    /// key, and comparing an index costs no visit to the entry.
    gazetteer_entries: Vec<usize>,
    name_hash: u64,
}

fn key_of(resolved: &Resolved, gazetteer: &Gazetteer) -> Key {
    let ambiguous = matches!(resolved.source, Source::Ambiguous(_));
    let gazetteer_entries = if ambiguous {
        Vec::new()
    } else {
        (0..gazetteer.entities().len())
            .filter(|index| {
                gazetteer
                    .entity(*index)
                    .is_some_and(|entity| entity.name == resolved.canonical)
            })
            .collect()
    };
    Key {
        name: resolved.canonical.clone(),
        ambiguous,
        gazetteer_entries,
        name_hash: entities::name_hash(&resolved.canonical),
    }
}

impl Key {
    /// Whether `mention` is one of the entity this key names: the same
    /// answer as comparing `entities::canonical_name` with the key (a unit
    /// test says so), without allocating or reading gazetteer entries.
    pub(crate) fn matches(&self, mention: &Mention) -> bool {
        match &mention.target {
            entities::Target::Gazetteer(index) => {
                !self.ambiguous && self.gazetteer_entries.contains(index)
            }
            entities::Target::Acronym {
                expansion: name, ..
            }
            | entities::Target::Person { name, .. } => !self.ambiguous && *name == self.name,
            entities::Target::Ambiguous { surname, .. } => self.ambiguous && *surname == self.name,
            entities::Target::Unresolved => false,
        }
    }

    /// How many of an article's mentions are of this entity, read from the
    /// article's distinct targets (a name's hash confirmed on its mention).
    pub(crate) fn count_in(&self, entities: &ArticleEntities) -> usize {
        entities
            .targets
            .iter()
            .filter(|target| match target.id {
                entities::TargetId::Gazetteer(index) => {
                    !self.ambiguous && self.gazetteer_entries.contains(&index)
                }
                entities::TargetId::Named { ambiguous, hash } => {
                    ambiguous == self.ambiguous
                        && hash == self.name_hash
                        && entities
                            .mentions
                            .get(target.first as usize)
                            .is_some_and(|first| self.matches(first))
                }
                entities::TargetId::Unresolved => false,
            })
            .map(|target| target.count as usize)
            .sum()
    }
}

/// One article with its entities.
pub(crate) struct ArticleView<'a> {
    pub(crate) article: &'a Article,
    pub(crate) entities: &'a ArticleEntities,
}

/// One workspace file with the entities of each article.
pub(crate) struct FileView<'a, K> {
    pub(crate) uri: &'a K,
    pub(crate) text: &'a str,
    pub(crate) articles: Vec<ArticleView<'a>>,
}

fn text_of<'a>(file: &FileRef<'a>) -> &'a str {
    match file {
        FileRef::Open(document) => {
            let document: &'a Document = document;
            document.text.as_str()
        }
        FileRef::Indexed(indexed) => {
            let indexed: &'a super::workspace::IndexedFile = indexed;
            indexed.text.as_str()
        }
    }
}

/// Every article of the file with its cached entities.
fn articles_of<'a>(file: &FileRef<'a>) -> Vec<ArticleView<'a>> {
    match file {
        FileRef::Open(document) => {
            let document: &'a Document = document;
            document
                .articles()
                .iter()
                .map(|entry| ArticleView {
                    article: &entry.article,
                    entities: &entry.entities,
                })
                .collect()
        }
        FileRef::Indexed(indexed) => {
            let indexed: &'a super::workspace::IndexedFile = indexed;
            indexed
                .document
                .articles
                .iter()
                .zip(&indexed.entities)
                .map(|(article, entities)| ArticleView { article, entities })
                .collect()
        }
    }
}

/// Every file of the workspace with its entities (documents refreshed first).
pub(crate) fn views<K: Ord + Clone>(workspace: &Workspace<K>) -> Vec<FileView<'_, K>> {
    workspace
        .files()
        .into_iter()
        .map(|(uri, file)| FileView {
            uri,
            text: text_of(&file),
            articles: articles_of(&file),
        })
        .collect()
}

/// The mention under `offset` in an open document, with its article.
pub(crate) struct Found<'a> {
    pub(crate) article: &'a Article,
    pub(crate) entities: &'a ArticleEntities,
    pub(crate) mention: Mention,
    pub(crate) resolved: Resolved,
    pub(crate) key: Key,
}

pub(crate) fn found_at<'a, K: Ord + Clone>(
    workspace: &Workspace<K>,
    document: &'a Document,
    offset: usize,
) -> Option<Found<'a>> {
    let gazetteer = &workspace.config().gazetteer;
    let entry = document.article_at(offset)?;
    let article = &entry.article;
    let entities = &entry.entities;
    let mention = entities.mention_at(offset)?.clone();
    let resolved = entities::resolve(&mention.target, gazetteer)?;
    let key = key_of(&resolved, gazetteer);
    Some(Found {
        article,
        entities,
        mention,
        resolved,
        key,
    })
}

/// The words of `text` joined by single spaces.
pub(crate) fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How an article defines the entity: the range to jump to and what it says.
pub(crate) fn in_text_definition(
    text: &str,
    entities: &ArticleEntities,
    key: &Key,
) -> Option<(TextRange, String)> {
    let same = |mention: &Mention| key.matches(mention);
    // `Long Name (ABBR)`, closing bracket included.
    for definition in &entities.acronyms {
        let defines = entities.mentions.iter().any(|m| {
            m.range == definition.abbr_range && m.role == MentionRole::Definition && same(m)
        });
        if defines {
            let closed = text
                .get(definition.abbr_range.end..)
                .is_some_and(|rest| rest.starts_with(')'));
            let end = if closed {
                definition.abbr_range.end + 1
            } else {
                definition.abbr_range.end
            };
            let range = TextRange::new(definition.expansion_range.start, end);
            return Some((range, normalized(range.slice(text))));
        }
    }
    // A person's introduction: `Secretary-General Rashid Alimov`.
    if let Some(mention) = entities
        .mentions
        .iter()
        .find(|m| m.role == MentionRole::Definition && !m.acronym && same(m))
    {
        let role = entities
            .people
            .iter()
            .find(|person| person.range == mention.range)
            .and_then(|person| person.role.clone());
        let name = normalized(mention.range.slice(text));
        let said = match role {
            Some(role) => format!("{role} {name}"),
            None => name,
        };
        return Some((mention.range, said));
    }
    // Else the first mention by the full name.
    entities
        .mentions
        .iter()
        .find(|m| same(m) && normalized(m.range.slice(text)).eq_ignore_ascii_case(&key.name))
        .map(|m| (m.range, normalized(m.range.slice(text))))
}

/// The line (1-based) of a byte range of a file on disk.
pub(crate) fn line_of(path: &Path, range: TextRange) -> Option<u32> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        LineIndex::new(&text)
            .line_col(range.start.min(text.len()))
            .line
            + 1,
    )
}

pub(crate) fn display_path<K: Ord + Clone>(workspace: &Workspace<K>, path: &Path) -> String {
    for root in workspace.roots() {
        if let Ok(relative) = path.strip_prefix(root) {
            return relative.display().to_string();
        }
    }
    path.display().to_string()
}

pub(crate) fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Where an `entities.toml` entry stands (built-in entries have no place).
fn gazetteer_location<K>(resolved: &Resolved) -> Option<Location<K>> {
    let Source::Gazetteer(Origin::File { path, range }) = &resolved.source else {
        return None;
    };
    Some(Location {
        target: Target::Path(path.clone()),
        range: *range,
    })
}

/// The definition of the entity under `offset`: its defining mention in the
/// article, else its `entities.toml` entry. `None` off a mention; an empty
/// list for built-in entities the article does not define.
pub fn definition<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
) -> Option<Vec<Location<K>>> {
    let document = workspace.document(key)?;
    let found = found_at(workspace, document, offset)?;
    if found.key.ambiguous {
        return Some(Vec::new());
    }
    if let Some((range, _)) = in_text_definition(&document.text, found.entities, &found.key) {
        return Some(vec![Location {
            target: Target::File(key.clone()),
            range,
        }]);
    }
    Some(gazetteer_location(&found.resolved).into_iter().collect())
}

/// Every mention of the entity under `offset`, in every file and under every
/// spelling; definitions (and the `entities.toml` entry) when asked.
pub fn references<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<Location<K>>> {
    let document = workspace.document(key)?;
    let found = found_at(workspace, document, offset)?;
    let mut out = Vec::new();
    if include_declaration {
        out.extend(gazetteer_location(&found.resolved));
    }
    for view in views(workspace) {
        for article in &view.articles {
            for mention in &article.entities.mentions {
                if (include_declaration || mention.role != MentionRole::Definition)
                    && found.key.matches(mention)
                {
                    out.push(Location {
                        target: Target::File(view.uri.clone()),
                        range: mention.range,
                    });
                }
            }
        }
    }
    Some(out)
}

/// One mention of an entity in a document; `definition` for the mention
/// that introduces it (an editor shows it as a write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub definition: bool,
}

/// The mentions of the entity under `offset` in this document.
pub fn highlights<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
) -> Option<Vec<Highlight>> {
    let document = workspace.document(key)?;
    let found = found_at(workspace, document, offset)?;
    let mut out = Vec::new();
    for entry in document.articles() {
        for mention in &entry.entities.mentions {
            if found.key.matches(mention) {
                out.push(Highlight {
                    range: mention.range,
                    definition: mention.role == MentionRole::Definition,
                });
            }
        }
    }
    Some(out)
}

const NOTHING_TO_RENAME: &str = "there is no entity mention here to rename";

/// The mention under `offset` and its exact spelling, or why it cannot be renamed.
pub fn prepare_rename<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
) -> Result<(TextRange, String), String> {
    let document = workspace
        .document(key)
        .ok_or_else(|| NOTHING_TO_RENAME.to_string())?;
    let found =
        found_at(workspace, document, offset).ok_or_else(|| NOTHING_TO_RENAME.to_string())?;
    Ok((
        found.mention.range,
        found.mention.range.slice(&document.text).to_string(),
    ))
}

/// Replacements of every mention of the entity written exactly as the one
/// under `offset`, across the workspace, by `new_name`: per file, in order.
pub fn rename<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
    new_name: &str,
) -> Result<BTreeMap<K, Vec<(TextRange, String)>>, String> {
    if new_name.trim().is_empty() {
        return Err("the new name is empty".to_string());
    }
    let document = workspace
        .document(key)
        .ok_or_else(|| NOTHING_TO_RENAME.to_string())?;
    let found =
        found_at(workspace, document, offset).ok_or_else(|| NOTHING_TO_RENAME.to_string())?;
    let written = found.mention.range.slice(&document.text).to_string();
    let mut changes: BTreeMap<K, Vec<(TextRange, String)>> = BTreeMap::new();
    for view in views(workspace) {
        for article in &view.articles {
            for mention in &article.entities.mentions {
                if mention.range.slice(view.text) == written && found.key.matches(mention) {
                    changes
                        .entry(view.uri.clone())
                        .or_default()
                        .push((mention.range, new_name.to_string()));
                }
            }
        }
    }
    Ok(changes)
}

/// Entities matching `query` (by name or any spelling met), each at its
/// first mention, with their fuzzy scores.
pub(crate) fn workspace_symbols<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    query: &str,
) -> Vec<(i64, WorkspaceSymbol<K>)> {
    struct Entry<K> {
        kind: EntityKind,
        location: Location<K>,
        spellings: Vec<String>,
        mentions: usize,
    }
    let gazetteer = &workspace.config().gazetteer;
    let mut by_name: BTreeMap<String, Entry<K>> = BTreeMap::new();
    for view in views(workspace) {
        for article in &view.articles {
            for mention in &article.entities.mentions {
                let Some(resolved) = entities::resolve(&mention.target, gazetteer) else {
                    continue;
                };
                if matches!(resolved.source, Source::Ambiguous(_)) {
                    continue;
                }
                let entry = by_name
                    .entry(resolved.canonical.clone())
                    .or_insert_with(|| Entry {
                        kind: resolved.kind,
                        location: Location {
                            target: Target::File(view.uri.clone()),
                            range: mention.range,
                        },
                        spellings: resolved.aliases.clone(),
                        mentions: 0,
                    });
                entry.mentions += 1;
                let written = normalized(mention.range.slice(view.text));
                if !entry.spellings.contains(&written) {
                    entry.spellings.push(written);
                }
            }
        }
    }
    by_name
        .into_iter()
        .filter_map(|(name, entry)| {
            let score = std::iter::once(&name)
                .chain(entry.spellings.iter())
                .filter_map(|candidate| fuzzy_score(query, candidate))
                .max()?;
            let kind = match entry.kind {
                EntityKind::Person => SymbolKind::Person,
                EntityKind::Place => SymbolKind::Place,
                EntityKind::Organisation => SymbolKind::Organisation,
                EntityKind::Other => SymbolKind::OtherEntity,
            };
            Some((
                score,
                WorkspaceSymbol {
                    name,
                    kind,
                    location: entry.location,
                    container: format!(
                        "{} · {}",
                        entry.kind.as_str(),
                        plural(entry.mentions, "mention", "mentions")
                    ),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, page_at, Fixture, PAGE};

    fn render(fixture: &Fixture, locations: &[Location<String>]) -> Vec<String> {
        locations
            .iter()
            .map(|location| match &location.target {
                Target::File(key) => format!("{key}: {}", location.range.slice(fixture.text(key))),
                Target::Path(path) => path.display().to_string(),
            })
            .collect()
    }

    /// `Key::matches` answers as comparing canonical names does, for every
    /// pair of mentions on a page with gazetteer entries, in-text acronyms,
    /// people and an ambiguous surname.
    #[test]
    fn a_key_matches_the_mentions_its_canonical_name_groups() {
        let page = "Li and Li meet\n\nBEIJING, MAY 2 2019 (The Bulletin) — Li Keqiang met Li Na, a trade envoy, and the Shanghai Cooperation Organization (SCO) and the Steppe Grain Board (SGB) signed. Mr Li said the SCO and the SGB agree; Rashid Alimov and Mr Alimov also spoke in Astana and ASTANA.\n";
        let mut fixture = fixture(&format!("//- a.bulletin\n{page}"));
        let snapshot = fixture.workspace.snapshot();
        let gazetteer = &snapshot.config().gazetteer;
        let document = snapshot.document(&fixture.key).expect("the page");
        let mentions: Vec<&Mention> = document
            .articles()
            .iter()
            .flat_map(|entry| &entry.entities.mentions)
            .collect();
        assert!(mentions.len() > 8, "{mentions:?}");
        let mut keys = 0;
        for one in &mentions {
            let Some(resolved) = entities::resolve(&one.target, gazetteer) else {
                continue;
            };
            keys += 1;
            let key = key_of(&resolved, gazetteer);
            for other in &mentions {
                let by_name = entities::canonical_name(&other.target, gazetteer).is_some_and(
                    |(name, ambiguous)| name == key.name && ambiguous == key.ambiguous,
                );
                assert_eq!(key.matches(other), by_name, "{key:?} against {other:?}");
            }
        }
        assert!(keys > 8);
    }

    fn two_files(cursor_at: &str) -> Fixture {
        fixture(&format!(
            "//- a.bulletin\n{}//- b.txt\nAlimov visits Dushanbe\n\nDUSHANBE, APRIL 2 2017 (The Bulletin) — Rashid Alimov arrived at the Shanghai Cooperation Organization (SCO) office.\n",
            page_at(cursor_at)
        ))
    }

    #[test]
    fn references_cover_every_spelling_in_every_file() {
        let mut fixture = two_files("SCO would");
        let snapshot = fixture.workspace.snapshot();
        let found = references(&snapshot, &fixture.key, fixture.offset, true).expect("a mention");
        let without =
            references(&snapshot, &fixture.key, fixture.offset, false).expect("a mention");
        assert_eq!(
            render(&fixture, &found),
            [
                "a.bulletin: Shanghai Cooperation Organisation",
                "a.bulletin: SCO",
                "a.bulletin: SCO",
                "b.txt: Shanghai Cooperation Organization",
                "b.txt: SCO",
            ]
        );
        // Without declarations: the uses only (each file defines it once).
        assert_eq!(render(&fixture, &without), ["a.bulletin: SCO"]);
    }

    #[test]
    fn definition_is_the_introduction_in_the_article() {
        let mut fixture = two_files("Mr Alimov did");
        let snapshot = fixture.workspace.snapshot();
        let found = definition(&snapshot, &fixture.key, fixture.offset).expect("a mention");
        assert_eq!(render(&fixture, &found), ["a.bulletin: Rashid Alimov"]);
    }

    #[test]
    fn highlights_mark_the_definition_as_a_write() {
        let mut fixture = fixture(&page_at("SCO would"));
        let snapshot = fixture.workspace.snapshot();
        let found = highlights(&snapshot, &fixture.key, fixture.offset).expect("a mention");
        let rendered: Vec<String> = found
            .iter()
            .map(|highlight| format!("{} {}", highlight.range.slice(PAGE), highlight.definition))
            .collect();
        assert_eq!(
            rendered,
            [
                "Shanghai Cooperation Organisation true",
                "SCO true",
                "SCO false"
            ]
        );
    }

    #[test]
    fn rename_replaces_only_the_spelling_under_the_cursor() {
        let mut fixture = two_files("SCO would");
        let snapshot = fixture.workspace.snapshot();
        let changes = rename(&snapshot, &fixture.key, fixture.offset, "ShOS").expect("renamed");
        assert_eq!(
            prepare_rename(&snapshot, &fixture.key, fixture.offset).map(|(_, written)| written),
            Ok("SCO".to_string())
        );
        let off = PAGE.find("Friday").unwrap_or(0);
        assert!(prepare_rename(&snapshot, &fixture.key, off).is_err());
        assert!(rename(&snapshot, &fixture.key, fixture.offset, " ").is_err());
        let rendered: Vec<String> = changes
            .iter()
            .flat_map(|(key, edits)| {
                let text = fixture.text(key);
                edits
                    .iter()
                    .map(move |(range, new)| format!("{key}: {} → {new}", range.slice(text)))
            })
            .collect();
        assert_eq!(
            rendered,
            [
                "a.bulletin: SCO → ShOS",
                "a.bulletin: SCO → ShOS",
                "b.txt: SCO → ShOS"
            ]
        );
    }
}
