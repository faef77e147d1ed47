//! Entities in the editor: hover, go to definition, references, rename,
//! document highlights and workspace symbols over the mentions the core
//! finds (`entities::article_entities`), and the diagnostics of the
//! workspace's `entities.toml`.
//!
//! Mentions are grouped by the canonical name `entities::resolve` gives
//! them, so `SCO`, `Shanghai Cooperation Organisation` and `Shanghai
//! Cooperation Organization` are one entity. A surname that could mean
//! several people is its own group, never merged with any candidate.
//!
//! Entities are read once per article, with the rest of its analysis (the
//! document store's and the workspace index's caches, redone when the text
//! or the configuration changes); a request only walks the cached mentions
//! and compares their canonical names, without building answers for them.
//!
//! Workspace symbols take these kinds: person → `Object`, place →
//! `Namespace`, organisation → `Module`, other → `Constant` (articles are
//! `Class`).

#![allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use tower_lsp_server::ls_types::{
    self as lsp, DocumentHighlight, DocumentHighlightKind, Hover, Location, NumberOrString,
    PrepareRenameResponse, SymbolInformation, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{Encoding, Lines, TextLines};
use super::document::Document;
use super::features::{fuzzy_score, Markup};
use super::state::{FileRef, State};
use bulletin_core::config::Config;
use bulletin_core::entities::{
    self, ArticleEntities, EntityKind, Gazetteer, Mention, MentionRole, Origin, Resolved, Source,
};
use bulletin_core::line_index::LineIndex;
use bulletin_core::model::Article;
use bulletin_core::text_range::TextRange;

/// The code of diagnostics about entity files.
pub(crate) const CONFIG_CODE: &str = "entities-config";

/// How many headlines a hover lists.
const HEADLINES: usize = 5;

/// What mentions are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    name: String,
    ambiguous: bool,
}

fn key_of(resolved: &Resolved) -> Key {
    Key {
        name: resolved.canonical.clone(),
        ambiguous: matches!(resolved.source, Source::Ambiguous(_)),
    }
}

/// Whether `mention` is one of the entity `key` names (no allocation).
fn is_mention_of(mention: &Mention, gazetteer: &Gazetteer, key: &Key) -> bool {
    entities::canonical_name(&mention.target, gazetteer)
        .is_some_and(|(name, ambiguous)| name == key.name && ambiguous == key.ambiguous)
}

/// One article with its entities.
struct ArticleView<'a> {
    article: &'a Article,
    entities: &'a ArticleEntities,
}

/// One workspace file with the entities of each article.
struct FileView<'a> {
    uri: &'a Uri,
    file: FileRef<'a>,
    text: &'a str,
    articles: Vec<ArticleView<'a>>,
}

fn text_of<'a>(file: &FileRef<'a>) -> &'a str {
    match file {
        FileRef::Open(document) => {
            let document: &'a Document = document;
            document.text.as_str()
        }
        FileRef::Indexed(indexed) => {
            let indexed: &'a super::state::IndexedFile = indexed;
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
            let indexed: &'a super::state::IndexedFile = indexed;
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
fn workspace(state: &State) -> Vec<FileView<'_>> {
    state
        .files()
        .into_iter()
        .map(|(uri, file)| FileView {
            uri,
            text: text_of(&file),
            articles: articles_of(&file),
            file,
        })
        .collect()
}

/// The mention under `offset` in an open document, with its article.
struct Found<'a> {
    article: &'a Article,
    entities: &'a ArticleEntities,
    mention: Mention,
    resolved: Resolved,
    key: Key,
}

fn found_at<'a>(state: &State, document: &'a Document, offset: usize) -> Option<Found<'a>> {
    let gazetteer = &state.config.gazetteer;
    let entry = document.article_at(offset)?;
    let article = &entry.article;
    let entities = &entry.entities;
    let mention = entities.mention_at(offset)?.clone();
    let resolved = entities::resolve(&mention.target, gazetteer)?;
    let key = key_of(&resolved);
    Some(Found {
        article,
        entities,
        mention,
        resolved,
        key,
    })
}

/// The words of `text` joined by single spaces.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How an article defines the entity: the range to jump to and what it says.
fn in_text_definition(
    text: &str,
    entities: &ArticleEntities,
    key: &Key,
    gazetteer: &Gazetteer,
) -> Option<(TextRange, String)> {
    let same = |mention: &Mention| is_mention_of(mention, gazetteer, key);
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

/// The line (1-based) and the LSP range of a byte range of a file on disk.
fn file_range(path: &Path, range: TextRange, encoding: Encoding) -> Option<(u32, lsp::Range)> {
    let text = std::fs::read_to_string(path).ok()?;
    let index = LineIndex::new(&text);
    let lines = TextLines {
        text: &text,
        index: &index,
    };
    let lsp_range = lines.range(range, encoding);
    Some((lsp_range.start.line + 1, lsp_range))
}

fn display_path(state: &State, path: &Path) -> String {
    for root in &state.roots {
        if let Ok(relative) = path.strip_prefix(root) {
            return relative.display().to_string();
        }
    }
    path.display().to_string()
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

// ---------------------------------------------------------------- hover

/// Who or what the mention under `offset` is, where it is defined and how
/// often it is mentioned. `None` off a mention (other hovers take over).
pub(crate) fn hover(
    state: &State,
    uri: &Uri,
    document: &Document,
    offset: usize,
    markup: Markup,
) -> Option<Hover> {
    let found = found_at(state, document, offset)?;
    let encoding = state.encoding;
    let range = document.rope.range(found.mention.range, encoding);
    let written = normalized(found.mention.range.slice(&document.text));
    let resolved = &found.resolved;
    if let Source::Ambiguous(candidates) = &resolved.source {
        let list: Vec<String> = candidates.iter().map(|name| format!("- {name}")).collect();
        return Some(markup.hover(
            format!(
                "{}: ambiguous. The surname {} could mean several people:\n\n{}\n\nName the person in full earlier in this article to say which.",
                markup.strong(&written),
                resolved.canonical,
                list.join("\n")
            ),
            range,
        ));
    }
    let mut lines = vec![format!(
        "{} · {}",
        markup.strong(&resolved.canonical),
        resolved.kind.as_str()
    )];
    if let Some(description) = &resolved.description {
        lines.push(description.clone());
    }
    if let Some(country) = &resolved.country {
        lines.push(format!("Country: {country}"));
    }
    let aliases: Vec<&String> = resolved
        .aliases
        .iter()
        .filter(|alias| **alias != resolved.canonical)
        .collect();
    if !aliases.is_empty() {
        let aliases: Vec<String> = aliases.iter().map(|alias| markup.code(alias)).collect();
        lines.push(format!("Also written: {}", aliases.join(", ")));
    }
    let gazetteer = &state.config.gazetteer;
    if let Some((_, said)) =
        in_text_definition(&document.text, found.entities, &found.key, gazetteer)
    {
        lines.push(format!("Defined in this article: {said}"));
    }
    if let Source::Gazetteer(origin) = &resolved.source {
        match origin {
            Origin::BuiltIn => lines.push("Gazetteer: built-in".to_string()),
            Origin::File { path, range } => {
                let shown = display_path(state, path);
                match file_range(path, *range, encoding) {
                    Some((line, _)) => lines.push(format!(
                        "Gazetteer: {}",
                        markup.code(&format!("{shown}:{line}"))
                    )),
                    None => lines.push(format!("Gazetteer: {}", markup.code(&shown))),
                }
            }
        }
    }
    for link in &resolved.links {
        lines.push(markup.link(link));
    }
    // How often, and where.
    let (mut in_article, mut in_file, mut in_workspace, mut files) = (0, 0, 0, 0);
    let mut headlines: Vec<String> = Vec::new();
    let mut more = 0;
    for view in workspace(state) {
        let this_file = view.uri == uri;
        let mut counted_file = false;
        for article in &view.articles {
            let count = article
                .entities
                .mentions
                .iter()
                .filter(|m| is_mention_of(m, gazetteer, &found.key))
                .count();
            if count == 0 {
                continue;
            }
            in_workspace += count;
            if !counted_file {
                files += 1;
                counted_file = true;
            }
            if this_file {
                in_file += count;
                if article.article.range == found.article.range {
                    in_article += count;
                }
            }
            if headlines.len() < HEADLINES {
                let place = if this_file {
                    String::new()
                } else {
                    format!(" ({})", state.display_name(view.uri))
                };
                headlines.push(format!(
                    "- {}{place}",
                    article.article.headline.text.text.trim()
                ));
            } else {
                more += 1;
            }
        }
    }
    lines.push(format!(
        "Mentioned {} in this article, {} in this file, {} in the workspace ({})",
        plural(in_article, "time", "times"),
        plural(in_file, "time", "times"),
        plural(in_workspace, "time", "times"),
        plural(files, "file", "files"),
    ));
    if !headlines.is_empty() {
        let mut list = format!("Mentioned in:\n{}", headlines.join("\n"));
        if more > 0 {
            list.push_str(&format!("\n- … and {more} more"));
        }
        lines.push(list);
    }
    Some(markup.hover(lines.join("\n\n"), range))
}

// ---------------------------------------------------------------- navigation

/// The definition of the entity under `offset`: its defining mention in the
/// article, else its `entities.toml` entry. `None` off a mention; an empty
/// list for built-in entities the article does not define.
pub(crate) fn definition(
    state: &State,
    uri: &Uri,
    document: &Document,
    offset: usize,
) -> Option<Vec<Location>> {
    let found = found_at(state, document, offset)?;
    if found.key.ambiguous {
        return Some(Vec::new());
    }
    let gazetteer = &state.config.gazetteer;
    if let Some((range, _)) =
        in_text_definition(&document.text, found.entities, &found.key, gazetteer)
    {
        return Some(vec![Location::new(
            uri.clone(),
            document.rope.range(range, state.encoding),
        )]);
    }
    Some(
        gazetteer_location(state, &found.resolved)
            .into_iter()
            .collect(),
    )
}

/// Where an `entities.toml` entry stands (built-in entries have no place).
fn gazetteer_location(state: &State, resolved: &Resolved) -> Option<Location> {
    let Source::Gazetteer(Origin::File { path, range }) = &resolved.source else {
        return None;
    };
    let (_, lsp_range) = file_range(path, *range, state.encoding)?;
    Some(Location::new(Uri::from_file_path(path)?, lsp_range))
}

/// Every mention of the entity under `offset`, in every file and under every
/// spelling; definitions (and the `entities.toml` entry) when asked.
pub(crate) fn references(
    state: &State,
    document: &Document,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let found = found_at(state, document, offset)?;
    let gazetteer = &state.config.gazetteer;
    let mut out = Vec::new();
    if include_declaration {
        out.extend(gazetteer_location(state, &found.resolved));
    }
    for view in workspace(state) {
        for article in &view.articles {
            for mention in &article.entities.mentions {
                if (include_declaration || mention.role != MentionRole::Definition)
                    && is_mention_of(mention, gazetteer, &found.key)
                {
                    out.push(Location::new(
                        view.uri.clone(),
                        view.file.range(mention.range, state.encoding),
                    ));
                }
            }
        }
    }
    Some(out)
}

/// The mentions of the entity under `offset` in this document: `Write` for
/// definitions, `Read` for the rest.
pub(crate) fn highlights(
    state: &State,
    document: &Document,
    offset: usize,
) -> Option<Vec<DocumentHighlight>> {
    let found = found_at(state, document, offset)?;
    let gazetteer = &state.config.gazetteer;
    let mut out = Vec::new();
    for entry in document.articles() {
        for mention in &entry.entities.mentions {
            if !is_mention_of(mention, gazetteer, &found.key) {
                continue;
            }
            out.push(DocumentHighlight {
                range: document.rope.range(mention.range, state.encoding),
                kind: Some(if mention.role == MentionRole::Definition {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            });
        }
    }
    Some(out)
}

// ---------------------------------------------------------------- rename

/// The mention under `offset` and its exact spelling, or why it cannot be renamed.
pub(crate) fn prepare_rename(
    state: &State,
    document: &Document,
    offset: usize,
) -> Result<PrepareRenameResponse, String> {
    let found = found_at(state, document, offset)
        .ok_or_else(|| "there is no entity mention here to rename".to_string())?;
    Ok(PrepareRenameResponse::RangeWithPlaceholder {
        range: document.rope.range(found.mention.range, state.encoding),
        placeholder: found.mention.range.slice(&document.text).to_string(),
    })
}

/// Replaces every mention of the entity written exactly as the one under
/// `offset`, across the workspace, by `new_name`.
pub(crate) fn rename(
    state: &State,
    document: &Document,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    if new_name.trim().is_empty() {
        return Err("the new name is empty".to_string());
    }
    let found = found_at(state, document, offset)
        .ok_or_else(|| "there is no entity mention here to rename".to_string())?;
    let written = found.mention.range.slice(&document.text).to_string();
    let gazetteer = &state.config.gazetteer;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for view in workspace(state) {
        for article in &view.articles {
            for mention in &article.entities.mentions {
                if mention.range.slice(view.text) == written
                    && is_mention_of(mention, gazetteer, &found.key)
                {
                    changes
                        .entry(view.uri.clone())
                        .or_default()
                        .push(TextEdit::new(
                            view.file.range(mention.range, state.encoding),
                            new_name.to_string(),
                        ));
                }
            }
        }
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

// ---------------------------------------------------------------- symbols

fn symbol_kind(kind: EntityKind) -> SymbolKind {
    match kind {
        EntityKind::Person => SymbolKind::OBJECT,
        EntityKind::Place => SymbolKind::NAMESPACE,
        EntityKind::Organisation => SymbolKind::MODULE,
        EntityKind::Other => SymbolKind::CONSTANT,
    }
}

/// Entities matching `query` (by name or any spelling met), each at its
/// first mention, with their fuzzy scores.
pub(crate) fn workspace_symbols(state: &State, query: &str) -> Vec<(i64, SymbolInformation)> {
    struct Entry {
        kind: EntityKind,
        location: Location,
        spellings: Vec<String>,
        mentions: usize,
    }
    let gazetteer = &state.config.gazetteer;
    let mut by_name: BTreeMap<String, Entry> = BTreeMap::new();
    for view in workspace(state) {
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
                        location: Location::new(
                            view.uri.clone(),
                            view.file.range(mention.range, state.encoding),
                        ),
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
            Some((
                score,
                SymbolInformation {
                    name,
                    kind: symbol_kind(entry.kind),
                    tags: None,
                    deprecated: None,
                    location: entry.location,
                    container_name: Some(format!(
                        "{} · {}",
                        entry.kind.as_str(),
                        plural(entry.mentions, "mention", "mentions")
                    )),
                },
            ))
        })
        .collect()
}

// ---------------------------------------------------------------- entities.toml

/// The problems of the configuration's entity files, per file, in LSP form.
pub(crate) fn config_diagnostics(
    config: &Config,
    encoding: Encoding,
) -> Vec<(Uri, Vec<lsp::Diagnostic>)> {
    let mut by_path: BTreeMap<&Path, Vec<&entities::EntityProblem>> = BTreeMap::new();
    for (path, problem) in &config.entity_problems {
        by_path.entry(path.as_path()).or_default().push(problem);
    }
    by_path
        .into_iter()
        .filter_map(|(path, problems)| {
            let uri = Uri::from_file_path(path)?;
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let index = LineIndex::new(&text);
            let lines = TextLines {
                text: &text,
                index: &index,
            };
            let diagnostics = problems
                .into_iter()
                .map(|problem| lsp::Diagnostic {
                    range: lines.range(problem.range, encoding),
                    severity: Some(lsp::DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String(CONFIG_CODE.to_string())),
                    source: Some("bulletin".to_string()),
                    message: problem.message.clone(),
                    ..lsp::Diagnostic::default()
                })
                .collect();
            Some((uri, diagnostics))
        })
        .collect()
}
