//! The entity rules: `acronym-undefined`, `honorific-unresolved` and
//! `entity-spelling`, within an article (a gazetteer misspelling) and across
//! files (one acronym expanded two ways).

use crate::diagnostic::{Diagnostic, Edit, FileId, Fix, Related};
use crate::entities::{ArticleEntities, Gazetteer, MentionRole, Target};
use crate::model::Article;
use crate::rules::Rule;
use crate::text_range::{CompactRange, TextRange};

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
                let replacement = written_as(written, &entity.name);
                out.push(
                    Diagnostic::new(
                        Rule::EntitySpelling,
                        mention.range,
                        format!("`{written}` is a misspelling of `{}`", entity.name),
                    )
                    .with_fix(Fix::safe(
                        format!("Write `{replacement}`"),
                        vec![Edit::replace(mention.range, replacement)],
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
    /// Shared: the editor gathers every claim of the workspace on each
    /// keystroke to see whether the cross-file findings still stand.
    pub abbr: std::sync::Arc<str>,
    pub expansion: std::sync::Arc<str>,
    pub expansion_range: TextRange,
}

impl ArticleEntities {
    /// The claims of this article's acronym definitions, as file `file`'s:
    /// the one place claims are made from entities.
    pub fn claims(&self, file: FileId) -> impl Iterator<Item = AcronymClaim> + '_ {
        self.acronyms.iter().map(move |definition| AcronymClaim {
            file,
            abbr: definition.abbr.as_str().into(),
            expansion: definition.expansion.as_str().into(),
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
    AcronymTally::of(claims).check(gazetteer, display_name)
}

/// Whether `text` is written in capitals (it has letters, none lower case).
fn in_capitals(text: &str) -> bool {
    text.chars().any(char::is_uppercase) && !text.chars().any(char::is_lowercase)
}

/// Whether `a` and `b` write one name: the same, or one is the other in
/// capitals. Capitals are a typeface, not a spelling: house style puts a
/// dateline's place in them.
fn same_name(a: &str, b: &str) -> bool {
    a == b || (in_capitals(a) && a == b.to_uppercase()) || (in_capitals(b) && b == a.to_uppercase())
}

/// `name` as a fix writes it over `written`: in capitals where `written`
/// is (so that the fix does not undo `dateline-place-case`'s).
fn written_as(written: &str, name: &str) -> String {
    if in_capitals(written) {
        name.to_uppercase()
    } else {
        name.to_string()
    }
}

/// Acronym claims in few bytes each: every distinct expansion of an
/// acronym is held once, and each claim is where it is and which expansion
/// it uses, in the order claimed. What `entity-spelling` across files
/// needs, kept by a check that lets go of the texts it has judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcronymTally {
    by_abbr: std::collections::BTreeMap<String, Spellings>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Spellings {
    /// Each expansion, in the order first claimed.
    expansions: Vec<String>,
    /// How many claims use each expansion.
    uses: Vec<u32>,
    /// The claims a finding may need, in order: the index of its expansion,
    /// and where it is (16 bytes each). A claim of the gazetteer's name
    /// after the first is only counted (see [`AcronymTally::append`]).
    claims: Vec<(u32, FileId, CompactRange)>,
    /// Whether `claims` holds a claim of the gazetteer's name.
    holds_right: bool,
}

impl Spellings {
    fn expansion_index(&mut self, expansion: &str) -> u32 {
        let at = match self.expansions.iter().position(|known| known == expansion) {
            Some(at) => at,
            None => {
                self.expansions.push(expansion.to_string());
                self.uses.push(0);
                self.expansions.len() - 1
            }
        };
        u32::try_from(at).unwrap_or(u32::MAX)
    }
}

/// The gazetteer's (or `entities.toml`'s) name for `abbr`, when it knows one.
fn right_expansion<'g>(gazetteer: &'g Gazetteer, abbr: &str) -> Option<&'g str> {
    gazetteer
        .lookup(abbr)
        .and_then(|index| gazetteer.entity(index))
        .map(|entity| entity.name.as_str())
        .filter(|name| *name != abbr)
}

impl AcronymTally {
    /// The tally of `claims`, in their order.
    pub fn of(claims: &[AcronymClaim]) -> AcronymTally {
        let mut tally = AcronymTally::default();
        for claim in claims {
            tally.add(
                claim.file,
                &claim.abbr,
                &claim.expansion,
                claim.expansion_range,
            );
        }
        tally
    }

    /// Adds one claim (`file` expands `abbr` as `expansion` at `range`),
    /// after those added before it.
    pub fn add(&mut self, file: FileId, abbr: &str, expansion: &str, range: TextRange) {
        let spellings = match self.by_abbr.get_mut(abbr) {
            Some(spellings) => spellings,
            None => self.by_abbr.entry(abbr.to_string()).or_default(),
        };
        let index = spellings.expansion_index(expansion);
        if let Some(uses) = spellings.uses.get_mut(index as usize) {
            *uses += 1;
        }
        spellings.claims.push((index, file, range.into()));
    }

    /// Adds the claims of `other`, after those added before. A claim that
    /// writes `gazetteer`'s name for its acronym is never flagged, and only
    /// the first is named by the others' findings, so the rest are only
    /// counted: an archive's tally grows with its wrong expansions and the
    /// acronyms the gazetteer does not know, not with every definition.
    pub fn append(&mut self, other: AcronymTally, gazetteer: &Gazetteer) {
        for (abbr, theirs) in other.by_abbr {
            let right = right_expansion(gazetteer, &abbr);
            let ours = self.by_abbr.entry(abbr).or_default();
            let renumbered: Vec<(u32, bool)> = theirs
                .expansions
                .iter()
                .map(|expansion| {
                    let is_right = right.is_some_and(|right| same_name(expansion, right));
                    (ours.expansion_index(expansion), is_right)
                })
                .collect();
            for ((index, _), uses) in renumbered.iter().zip(&theirs.uses) {
                if let Some(ours) = ours.uses.get_mut(*index as usize) {
                    *ours += uses;
                }
            }
            for (index, file, range) in theirs.claims {
                let Some(&(index, is_right)) = renumbered.get(index as usize) else {
                    continue;
                };
                if is_right {
                    if ours.holds_right {
                        continue;
                    }
                    ours.holds_right = true;
                }
                ours.claims.push((index, file, range));
            }
        }
    }

    /// Whether no claim was added.
    pub fn is_empty(&self) -> bool {
        self.by_abbr.is_empty()
    }

    /// `entity-spelling` over the claims added: see [`check_acronym_spellings`].
    pub fn check(
        &self,
        gazetteer: &Gazetteer,
        display_name: &dyn Fn(FileId) -> String,
    ) -> Vec<(FileId, Diagnostic)> {
        let mut out = Vec::new();
        for (abbr, spellings) in &self.by_abbr {
            // An expansion in capitals is the same name as the expansion it
            // capitalises (a dateline place is written so): each counts
            // for the first expansion of its name, as written otherwise.
            let names: Vec<usize> = spellings
                .expansions
                .iter()
                .map(|expansion| {
                    spellings
                        .expansions
                        .iter()
                        .position(|other| same_name(expansion, other) && !in_capitals(other))
                        .or_else(|| {
                            spellings
                                .expansions
                                .iter()
                                .position(|other| same_name(expansion, other))
                        })
                        .unwrap_or(0)
                })
                .collect();
            let mut counts = vec![0usize; spellings.expansions.len()];
            for (uses, name) in spellings.uses.iter().zip(&names) {
                if let Some(count) = counts.get_mut(*name) {
                    *count += *uses as usize;
                }
            }
            if counts.iter().filter(|count| **count > 0).count() < 2 {
                continue;
            }
            let abbr = abbr.as_str();
            let (preferred, reason) = match right_expansion(gazetteer, abbr) {
                Some(name) => (name, "the gazetteer's name".to_string()),
                None => {
                    // The most used expansion wins; on a tie, the first seen.
                    let mut best = 0;
                    for (at, count) in counts.iter().enumerate().skip(1) {
                        if *count > counts[best] {
                            best = at;
                        }
                    }
                    let reason = match counts[best] {
                        1 => "used once in the archive".to_string(),
                        uses => format!("used {uses} times in the archive"),
                    };
                    (spellings.expansions[best].as_str(), reason)
                }
            };
            let expansion_of = |index: u32| {
                spellings
                    .expansions
                    .get(index as usize)
                    .map_or("", String::as_str)
            };
            let example = spellings
                .claims
                .iter()
                .find(|(index, _, _)| same_name(expansion_of(*index), preferred));
            for (index, file, range) in &spellings.claims {
                let expansion = expansion_of(*index);
                if same_name(expansion, preferred) {
                    continue;
                }
                let range = range.get();
                let replacement = written_as(expansion, preferred);
                let mut diagnostic = Diagnostic::new(
                    Rule::EntitySpelling,
                    range,
                    format!(
                        "`{abbr}` is expanded as `{expansion}` here but as `{preferred}` elsewhere ({reason})"
                    ),
                )
                .with_fix(Fix::safe(
                    format!("Write `{replacement}`"),
                    vec![Edit::replace(range, replacement)],
                ));
                if let Some((_, example_file, example_range)) = example {
                    diagnostic = diagnostic.with_related(Related {
                        file: Some(*example_file),
                        range: example_range.get(),
                        message: format!(
                            "{}: `{abbr}` expanded as `{preferred}`",
                            display_name(*example_file)
                        ),
                    });
                }
                out.push((*file, diagnostic));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(file: u32, abbr: &str, expansion: &str, at: usize) -> AcronymClaim {
        AcronymClaim {
            file: FileId(file),
            abbr: abbr.into(),
            expansion: expansion.into(),
            expansion_range: TextRange::new(at, at + expansion.len()),
        }
    }

    /// A check that streams its files appends one tally per file: the
    /// findings are those of all the claims checked at once, in order.
    #[test]
    fn tallies_appended_file_by_file_find_what_all_claims_find() {
        let gazetteer = Gazetteer::built_in();
        let claims = vec![
            claim(0, "SCO", "Shanghai Cooperation Organization", 10),
            claim(0, "STC", "State Tax Committee", 50),
            claim(1, "STC", "State Taxation Committee", 20),
            claim(1, "SCO", "Shanghai Cooperation Organisation", 90),
            claim(2, "STC", "State Taxation Committee", 5),
            claim(2, "STC", "State Tax Committee", 70),
            claim(2, "ABC", "Only One Spelling", 100),
            claim(2, "SCO", "Shanghai Cooperation Organisation", 140),
            claim(2, "SCO", "SHANGHAI COOPERATION ORGANISATION", 200),
        ];
        let name = |file: FileId| format!("{}.bulletin", file.0);
        let at_once = check_acronym_spellings(&claims, &gazetteer, &name);
        // SCO against the gazetteer's name; STC's tie (2 and 2) goes to the first seen.
        let flagged: Vec<(u32, usize)> = at_once
            .iter()
            .map(|(file, diagnostic)| (file.0, diagnostic.range.start))
            .collect();
        assert_eq!(flagged, vec![(0, 10), (1, 20), (2, 5)]);
        let mut streamed = AcronymTally::default();
        for file in 0..3 {
            let mut one = AcronymTally::default();
            for claim in claims.iter().filter(|claim| claim.file.0 == file) {
                one.add(
                    claim.file,
                    &claim.abbr,
                    &claim.expansion,
                    claim.expansion_range,
                );
            }
            streamed.append(one, &gazetteer);
        }
        assert_eq!(streamed.check(&gazetteer, &name), at_once);
        // Of the gazetteer's name, only the first claim is kept: the one
        // the other findings name. Every claim of another name is.
        let kept = |abbr: &str| streamed.by_abbr.get(abbr).map_or(0, |s| s.claims.len());
        assert_eq!((kept("SCO"), kept("STC"), kept("ABC")), (2, 4, 1));
    }

    /// Capitals are a typeface, not a spelling: an expansion in capitals
    /// (a dateline place) writes the gazetteer's name, and a wrong one in
    /// capitals is fixed in capitals (found by the `fix` fuzz target:
    /// `entity-spelling` and `dateline-place-case` undid each other's fix).
    #[test]
    fn an_expansion_in_capitals_is_the_name_it_capitalises() {
        let gazetteer = Gazetteer::built_in();
        let name = |file: FileId| format!("{}.bulletin", file.0);
        let flagged = |claims: &[AcronymClaim]| -> Vec<(usize, String)> {
            check_acronym_spellings(claims, &gazetteer, &name)
                .into_iter()
                .map(|(_, diagnostic)| {
                    let fix = diagnostic
                        .fix
                        .as_ref()
                        .map(|fix| fix.edits[0].replacement.clone());
                    (diagnostic.range.start, fix.unwrap_or_default())
                })
                .collect()
        };
        let same = [
            claim(0, "SCO", "SHANGHAI COOPERATION ORGANISATION", 10),
            claim(1, "SCO", "Shanghai Cooperation Organisation", 20),
        ];
        assert_eq!(flagged(&same), vec![]);
        let misspelt = [
            claim(0, "SCO", "SHANGHAI COOPERATION ORGANISATI", 10),
            claim(1, "SCO", "Shanghai Cooperation Organisation", 20),
        ];
        assert_eq!(
            flagged(&misspelt),
            vec![(10, "SHANGHAI COOPERATION ORGANISATION".to_string())]
        );
        // Without the gazetteer, the name in capitals counts for the name
        // it capitalises: two uses against one.
        let counted = [
            claim(0, "NBK", "NATIONAL BANK OF KAZAKHSTAN", 10),
            claim(1, "NBK", "National Bank of Kazakhstan", 20),
            claim(2, "NBK", "National Bank of Kazakstan", 30),
        ];
        assert_eq!(
            flagged(&counted),
            vec![(30, "National Bank of Kazakhstan".to_string())]
        );
    }
}
