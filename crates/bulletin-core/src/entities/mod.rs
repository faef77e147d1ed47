//! Who and what stories talk about: people, places, organisations and
//! acronyms, from the text itself and from the gazetteer.

mod gazetteer;
mod mentions;

pub use gazetteer::{
    parse_entities, Entity, EntityKind, EntityProblem, Gazetteer, GazetteerMatch, Origin,
    PatternRole,
};
pub use mentions::{
    article_entities, name_hash, AcronymDefinition, ArticleEntities, Mention, MentionRole,
    PersonIntro, Target, TargetCount, TargetId,
};

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
/// without building the whole answer: mentions of one entity share it. It
/// defines which mentions are of one entity; the editor's queries compare
/// with a precomputed key instead (`ide::entities::Key`, tested to agree).
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
