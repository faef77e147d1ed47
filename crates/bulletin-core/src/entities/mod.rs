//! Who and what stories talk about: people, places, organisations and
//! acronyms, from the text itself and from the gazetteer.

mod gazetteer;
mod mentions;

pub use gazetteer::{
    parse_entities, Entity, EntityKind, EntityProblem, Gazetteer, GazetteerMatch, Origin,
    PatternRole,
};
pub use mentions::{
    article_entities, AcronymDefinition, ArticleEntities, Mention, MentionRole, PersonIntro, Target,
};

use crate::diagnostic::{Diagnostic, Edit, FileId, Fix, Related};
use crate::model::Article;
use crate::rules::Rule;
use crate::text_range::TextRange;

/// Everything a mention's hover and navigation need to say who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The key mentions are grouped by across the workspace.
    pub canonical: String,
    pub kind: EntityKind,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub links: Vec<String>,
    /// Where the knowledge comes from.
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Gazetteer(Origin),
    /// Defined in the article's own text.
    Text,
    Ambiguous(Vec<String>),
}

/// What `resolve` would call the target, and whether it is ambiguous,
/// without building the whole answer: mentions of one entity share it, so
/// comparing it groups mentions cheaply.
pub fn canonical_name<'a>(target: &'a Target, gazetteer: &'a Gazetteer) -> Option<(&'a str, bool)> {
    Some(match target {
        Target::Gazetteer(index) => (gazetteer.entity(*index)?.name.as_str(), false),
        Target::Acronym { expansion, .. } => (expansion.as_str(), false),
        Target::Person { name, .. } => (name.as_str(), false),
        Target::Ambiguous { surname, .. } => (surname.as_str(), true),
        Target::Unresolved => return None,
    })
}

pub fn resolve(target: &Target, gazetteer: &Gazetteer) -> Option<Resolved> {
    Some(match target {
        Target::Gazetteer(index) => {
            let entity = gazetteer.entity(*index)?;
            Resolved {
                canonical: entity.name.clone(),
                kind: entity.kind,
                description: (!entity.description.is_empty()).then(|| entity.description.clone()),
                aliases: entity.aliases.clone(),
                country: entity.country.clone(),
                links: entity.links.clone(),
                source: Source::Gazetteer(entity.origin.clone()),
            }
        }
        Target::Acronym { abbr, expansion } => Resolved {
            canonical: expansion.clone(),
            kind: EntityKind::Organisation,
            description: None,
            aliases: vec![abbr.clone()],
            country: None,
            links: Vec::new(),
            source: Source::Text,
        },
        Target::Person { name, role } => Resolved {
            canonical: name.clone(),
            kind: EntityKind::Person,
            description: role.clone(),
            aliases: Vec::new(),
            country: None,
            links: Vec::new(),
            source: Source::Text,
        },
        Target::Ambiguous {
            surname,
            candidates,
        } => Resolved {
            canonical: surname.clone(),
            kind: EntityKind::Person,
            description: None,
            aliases: Vec::new(),
            country: None,
            links: Vec::new(),
            source: Source::Ambiguous(candidates.clone()),
        },
        Target::Unresolved => return None,
    })
}

/// The article-level entity rules: `acronym-undefined`, `honorific-unresolved`,
/// and `entity-spelling` for gazetteer misspellings.
pub fn check_article_entities(
    text: &str,
    article: &Article,
    entities: &ArticleEntities,
    gazetteer: &Gazetteer,
    out: &mut Vec<Diagnostic>,
) {
    let headline = article.headline.range;
    let mut reported: Vec<&str> = Vec::new();
    for mention in &entities.mentions {
        let written = mention.range.slice(text);
        match (&mention.target, mention.role) {
            (Target::Gazetteer(index), MentionRole::Misspelling) => {
                let Some(entity) = gazetteer.entity(*index) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        Rule::EntitySpelling,
                        mention.range,
                        format!("`{written}` is a misspelling of `{}`", entity.name),
                    )
                    .with_fix(Fix::safe(
                        format!("Write `{}`", entity.name),
                        vec![Edit::replace(mention.range, entity.name.clone())],
                    )),
                );
            }
            (_, MentionRole::Reference)
                if mention.acronym && !headline.contains(mention.range.start) =>
            {
                if reported.contains(&written) {
                    continue;
                }
                let well_known = match &mention.target {
                    Target::Gazetteer(index) => gazetteer
                        .entity(*index)
                        .is_some_and(|entity| entity.well_known),
                    _ => false,
                };
                let definition = entities
                    .acronyms
                    .iter()
                    .find(|definition| definition.abbr == written);
                let defined_before =
                    definition.is_some_and(|d| d.abbr_range.start < mention.range.start);
                if well_known || defined_before {
                    continue;
                }
                let expansion = match (&mention.target, definition) {
                    (_, Some(definition)) => Some(definition.expansion.clone()),
                    (Target::Gazetteer(index), None) => {
                        gazetteer.entity(*index).map(|entity| entity.name.clone())
                    }
                    _ => None,
                };
                let message = match (&expansion, definition) {
                    (Some(expansion), Some(_)) => format!(
                        "`{written}` is used before this article defines it: spell it out at first use, `{expansion} ({written})`"
                    ),
                    (Some(expansion), None) => format!(
                        "`{written}` is not defined in this article: spell it out at first use, `{expansion} ({written})`"
                    ),
                    (None, _) => format!("`{written}` is not defined in this article: spell it out at first use"),
                };
                reported.push(written);
                let mut diagnostic =
                    Diagnostic::new(Rule::AcronymUndefined, mention.range, message);
                if let Some(definition) = definition {
                    diagnostic = diagnostic.with_related(Related {
                        file: None,
                        range: definition.expansion_range.cover(definition.abbr_range),
                        message: "defined here".to_string(),
                    });
                }
                out.push(diagnostic);
            }
            (Target::Unresolved, MentionRole::Reference) if mention.honorific => {
                out.push(Diagnostic::new(
                    Rule::HonorificUnresolved,
                    mention.range,
                    format!("`{written}`: nobody of that name is introduced earlier in this article, nor in the gazetteer"),
                ));
            }
            _ => {}
        }
    }
}

/// One in-text acronym definition, for the archive-wide spelling check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcronymClaim {
    pub file: FileId,
    pub abbr: String,
    pub expansion: String,
    pub expansion_range: TextRange,
}

impl ArticleEntities {
    /// The claims of this article's acronym definitions, as file `file`'s:
    /// the one place claims are made from entities.
    pub fn claims(&self, file: FileId) -> impl Iterator<Item = AcronymClaim> + '_ {
        self.acronyms.iter().map(move |definition| AcronymClaim {
            file,
            abbr: definition.abbr.clone(),
            expansion: definition.expansion.clone(),
            expansion_range: definition.expansion_range,
        })
    }
}

/// `entity-spelling` across files: one acronym expanded two ways. The
/// right expansion is the gazetteer's (or `entities.toml`'s) name for the
/// acronym when it knows one; otherwise the expansion most claims use (the
/// first seen on a tie).
pub fn check_acronym_spellings(
    claims: &[AcronymClaim],
    gazetteer: &Gazetteer,
    display_name: &dyn Fn(FileId) -> String,
) -> Vec<(FileId, Diagnostic)> {
    use std::collections::BTreeMap;
    let mut by_abbr: BTreeMap<&str, Vec<&AcronymClaim>> = BTreeMap::new();
    for claim in claims {
        by_abbr.entry(claim.abbr.as_str()).or_default().push(claim);
    }
    let mut out = Vec::new();
    for (abbr, group) in by_abbr {
        let mut counts: Vec<(&str, usize, &AcronymClaim)> = Vec::new();
        for claim in &group {
            match counts
                .iter_mut()
                .find(|(expansion, _, _)| *expansion == claim.expansion)
            {
                Some(entry) => entry.1 += 1,
                None => counts.push((claim.expansion.as_str(), 1, claim)),
            }
        }
        if counts.len() < 2 {
            continue;
        }
        let canonical = gazetteer
            .lookup(abbr)
            .and_then(|index| gazetteer.entity(index))
            .map(|entity| entity.name.as_str())
            .filter(|name| *name != abbr);
        let (preferred, reason) = match canonical {
            Some(name) => (name, "the gazetteer's name".to_string()),
            None => {
                // The most used expansion wins; on a tie, the first seen.
                let mut best = counts[0];
                for candidate in &counts[1..] {
                    if candidate.1 > best.1 {
                        best = *candidate;
                    }
                }
                let reason = match best.1 {
                    1 => "used once in the archive".to_string(),
                    uses => format!("used {uses} times in the archive"),
                };
                (best.0, reason)
            }
        };
        let example = counts
            .iter()
            .find(|(expansion, _, _)| *expansion == preferred)
            .map(|(_, _, claim)| *claim);
        for claim in group.iter().filter(|claim| claim.expansion != preferred) {
            let mut diagnostic = Diagnostic::new(
                Rule::EntitySpelling,
                claim.expansion_range,
                format!(
                    "`{abbr}` is expanded as `{}` here but as `{preferred}` elsewhere ({reason})",
                    claim.expansion
                ),
            )
            .with_fix(Fix::safe(
                format!("Write `{preferred}`"),
                vec![Edit::replace(claim.expansion_range, preferred.to_string())],
            ));
            if let Some(example) = example {
                diagnostic = diagnostic.with_related(Related {
                    file: Some(example.file),
                    range: example.expansion_range,
                    message: format!(
                        "{}: `{abbr}` expanded as `{preferred}`",
                        display_name(example.file)
                    ),
                });
            }
            out.push((claim.file, diagnostic));
        }
    }
    out
}

/// One entity across the files given: how it is written and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySummary {
    pub name: String,
    pub kind: EntityKind,
    /// Known aliases and every other spelling met in the text.
    pub aliases: Vec<String>,
    pub mentions: usize,
    /// Indexes of the files that mention it, ascending.
    pub files: Vec<usize>,
}

/// Groups the mentions of several files by entity, most mentioned first.
/// `files` holds each file's text and per-article entities.
pub fn summarize(
    files: &[(&str, &[ArticleEntities])],
    gazetteer: &Gazetteer,
) -> Vec<EntitySummary> {
    use std::collections::BTreeMap;
    let mut by_name: BTreeMap<String, EntitySummary> = BTreeMap::new();
    for (file_index, (text, articles)) in files.iter().enumerate() {
        for mention in articles.iter().flat_map(|article| &article.mentions) {
            let Some(resolved) = resolve(&mention.target, gazetteer) else {
                continue;
            };
            if matches!(resolved.source, Source::Ambiguous(_)) {
                continue;
            }
            let summary = by_name
                .entry(resolved.canonical.clone())
                .or_insert_with(|| EntitySummary {
                    name: resolved.canonical.clone(),
                    kind: resolved.kind,
                    aliases: resolved.aliases.clone(),
                    mentions: 0,
                    files: Vec::new(),
                });
            summary.mentions += 1;
            if summary.files.last() != Some(&file_index) {
                summary.files.push(file_index);
            }
            let written = mention
                .range
                .slice(text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !written.is_empty() && written != summary.name && !summary.aliases.contains(&written)
            {
                summary.aliases.push(written);
            }
        }
    }
    let mut out: Vec<EntitySummary> = by_name.into_values().collect();
    out.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}
