//! Entities in the text of one article: acronym definitions (`Long Name
//! (ABBR)`), people introduced by role (`Chinese PM Li Keqiang`) or byline,
//! later references (`Mr Li`, `Pantucci`), and gazetteer mentions. Each
//! article is read on its own, as a reader reads one story.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex::Regex;

use super::gazetteer::{is_word_boundary, starts_word, Capitals, Gazetteer, PatternRole};
use crate::model::Article;
use crate::text_range::TextRange;

/// What a mention refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An entry of the gazetteer, by index.
    Gazetteer(usize),
    /// An acronym defined in this article and not in the gazetteer.
    Acronym { abbr: String, expansion: String },
    /// A person introduced in this article and not in the gazetteer.
    Person { name: String, role: Option<String> },
    /// A surname that could mean several people.
    Ambiguous {
        surname: String,
        candidates: Vec<String>,
    },
    /// An acronym or honorific reference nothing explains.
    Unresolved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionRole {
    /// The defining mention: `Shanghai Cooperation Organisation (SCO)`, or a person's introduction.
    Definition,
    Reference,
    /// A gazetteer misspelling.
    Misspelling,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub range: TextRange,
    pub target: Target,
    pub role: MentionRole,
    /// True for an upper-case word read as an acronym.
    pub acronym: bool,
    /// True for `Mr X`-style references.
    pub honorific: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcronymDefinition {
    pub abbr: String,
    pub abbr_range: TextRange,
    pub expansion: String,
    pub expansion_range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonIntro {
    pub name: String,
    pub range: TextRange,
    pub role: Option<String>,
}

/// The entities of one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleEntities {
    pub acronyms: Vec<AcronymDefinition>,
    pub people: Vec<PersonIntro>,
    /// Sorted by position, not overlapping.
    pub mentions: Vec<Mention>,
    /// Each distinct target of `mentions` once, with how often it is
    /// mentioned: what counting an entity's mentions across an archive
    /// reads, a few entries an article instead of every mention.
    pub targets: Vec<TargetCount>,
}

/// One distinct target of an article's mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetCount {
    /// Index in `mentions` of its first mention.
    pub first: u32,
    /// How many of `mentions` have that target.
    pub count: u32,
    /// Who the target is, in a few bytes, so that counting an entity's
    /// mentions reads these entries alone (see `TargetId`).
    pub id: TargetId,
}

/// A target told apart without reading the mention: a gazetteer entry by
/// index; a name (an acronym's expansion, a person, an ambiguous surname)
/// by `name_hash`, which a match must confirm on the mention itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetId {
    Gazetteer(usize),
    Named { ambiguous: bool, hash: u64 },
    Unresolved,
}

impl TargetId {
    fn of(target: &Target) -> TargetId {
        match target {
            Target::Gazetteer(index) => TargetId::Gazetteer(*index),
            Target::Acronym {
                expansion: name, ..
            }
            | Target::Person { name, .. } => TargetId::Named {
                ambiguous: false,
                hash: name_hash(name),
            },
            Target::Ambiguous { surname, .. } => TargetId::Named {
                ambiguous: true,
                hash: name_hash(surname),
            },
            Target::Unresolved => TargetId::Unresolved,
        }
    }
}

/// The hash `TargetId::Named` carries (stable within a process).
pub fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

impl ArticleEntities {
    /// Gives back the room the lists grew into while they were built: an
    /// archive keeps thousands of these for as long as it is open.
    pub fn shrink_to_fit(&mut self) {
        self.acronyms.shrink_to_fit();
        self.people.shrink_to_fit();
        self.mentions.shrink_to_fit();
        self.targets.shrink_to_fit();
    }

    fn count_targets(&mut self) {
        let mut targets: Vec<TargetCount> = Vec::new();
        for (index, mention) in self.mentions.iter().enumerate() {
            let known = targets.iter_mut().find(|target| {
                self.mentions
                    .get(target.first as usize)
                    .is_some_and(|first| first.target == mention.target)
            });
            match known {
                Some(target) => target.count += 1,
                None => targets.push(TargetCount {
                    first: u32::try_from(index).unwrap_or(u32::MAX),
                    count: 1,
                    id: TargetId::of(&mention.target),
                }),
            }
        }
        self.targets = targets;
    }

    pub fn mention_at(&self, offset: usize) -> Option<&Mention> {
        self.mentions
            .iter()
            .find(|mention| mention.range.touches(offset))
    }

    pub fn shifted(&self, delta: isize) -> ArticleEntities {
        let mut out = self.clone();
        out.shift(delta);
        out
    }

    /// Moves every range by `delta` bytes (text before the article changed).
    pub fn shift(&mut self, delta: isize) {
        if delta == 0 {
            return;
        }
        for definition in &mut self.acronyms {
            definition.abbr_range = definition.abbr_range.shifted(delta);
            definition.expansion_range = definition.expansion_range.shifted(delta);
        }
        for person in &mut self.people {
            person.range = person.range.shifted(delta);
        }
        for mention in &mut self.mentions {
            mention.range = mention.range.shifted(delta);
        }
    }
}

/// Small words an expansion may hold without an initial in the acronym.
const SMALL_WORDS: [&str; 10] = ["of", "and", "the", "for", "on", "in", "&", "de", "du", "to"];

/// An acronym's definition in brackets, `(ABBR)`: what the pattern
/// `ACRONYM_IN_BRACKETS` matches.
#[cfg(test)]
const ACRONYM_IN_BRACKETS: &str = r"\(([A-Z][A-Z0-9&]{1,9})\)";

/// The `(ABBR)`s of `text`, left to right: the range of each and of its
/// letters, as `ACRONYM_IN_BRACKETS`'s `captures_iter` gives them (a byte
/// loop from each `(`: the regex engine's setup cost more per article).
fn acronyms_in_brackets(
    text: &str,
) -> impl Iterator<Item = (std::ops::Range<usize>, std::ops::Range<usize>)> + '_ {
    let bytes = text.as_bytes();
    let continues = |byte: &u8| byte.is_ascii_uppercase() || byte.is_ascii_digit() || *byte == b'&';
    memchr::memchr_iter(b'(', bytes).filter_map(move |open| {
        let letters = open + 1;
        if !bytes.get(letters)?.is_ascii_uppercase() {
            return None;
        }
        // No `)` is among the letters, so only the whole run can end at one.
        let more = bytes
            .get(letters + 1..)?
            .iter()
            .take(10)
            .take_while(|byte| continues(byte))
            .count();
        let close = letters + 1 + more;
        ((1..=9).contains(&more) && bytes.get(close) == Some(&b')'))
            .then_some((open..close + 1, letters..close))
    })
}

/// The runs `[A-Z][A-Z0-9&]{1,9}` of `text`, left to right, as that
/// pattern's `find_iter` gives them (a byte loop: the regex engine was a
/// tenth of reading an article's entities).
fn upper_words(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let continues = |byte: u8| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'&';
    let mut capitals = Capitals::new(bytes);
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(start) = capitals.next_from(at) {
            if start + 1 >= bytes.len() {
                return None;
            }
            if continues(bytes[start + 1]) {
                let length = bytes[start + 1..]
                    .iter()
                    .take(9)
                    .take_while(|&&byte| continues(byte))
                    .count();
                at = start + 1 + length;
                return Some(start..at);
            }
            at = start + 1;
        }
        None
    })
}

/// `Chinese PM Li Keqiang`: an optional capitalised word, a role, a name of
/// two or three capitalised words.
const ROLE_THEN_NAME: &str = r"(?x)
    (?P<role>(?:[A-Z][a-z]+\s)?(?:President|president|Prime\sMinister|prime\sminister|PM|Premier|premier
      |Secretary-General|secretary-general|Secretary\sGeneral|Foreign\sMinister|foreign\sminister
      |Minister|minister|Ambassador|ambassador|Chairman|chairman|Chairwoman|Governor|governor|Mayor|mayor
      |Director|director|Chief\sExecutive|chief\sexecutive|CEO|Senator|General|Spokesman|spokesman
      |Spokeswoman|spokeswoman|Speaker|speaker|Professor|professor|analyst|King|Queen|Emir|Sheikh))
    [\s\u{a0}]+
    (?P<name>[A-Z][\p{L}’'\-]+(?:[\s\u{a0}]+[A-Z][\p{L}’'\-]+){1,2})";

/// `ROLE_THEN_NAME` anchored: it is tried only where a role word stands
/// (`role_match_starts`), not at every position of the text, which was a
/// tenth of checking an archive.
fn role_then_name() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    CELL.get_or_init(|| {
        Regex::new(&format!("^{ROLE_THEN_NAME}"))
            .unwrap_or_else(|err| panic!("bad built-in role pattern: {err}"))
    })
}

/// The first word of every role of `ROLE_THEN_NAME`: each of its matches
/// starts at one of these or at the capitalised word just before.
const ROLE_FIRST_WORDS: [&str; 42] = [
    "President",
    "president",
    "Prime",
    "prime",
    "PM",
    "Premier",
    "premier",
    "Secretary",
    "secretary",
    "Foreign",
    "foreign",
    "Minister",
    "minister",
    "Ambassador",
    "ambassador",
    "Chairman",
    "chairman",
    "Chairwoman",
    "Governor",
    "governor",
    "Mayor",
    "mayor",
    "Director",
    "director",
    "Chief",
    "chief",
    "CEO",
    "Senator",
    "General",
    "Spokesman",
    "spokesman",
    "Spokeswoman",
    "spokeswoman",
    "Speaker",
    "speaker",
    "Professor",
    "professor",
    "analyst",
    "King",
    "Queen",
    "Emir",
    "Sheikh",
];

fn role_words() -> &'static AhoCorasick {
    static CELL: OnceLock<AhoCorasick> = OnceLock::new();
    CELL.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(ROLE_FIRST_WORDS)
            .unwrap_or_else(|err| panic!("bad built-in role words: {err}"))
    })
}

/// Where a match of `role_then_name` can start, in order: every role word,
/// and the start of the `[A-Z][a-z]+` word and one space before it.
fn role_match_starts(slice: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    // Each search goes on from the character after the last word's start,
    // not from its end: role words can overlap (`PMinister`), and a
    // search from every start finds them all.
    let mut from = 0;
    while let Some(found) = role_words().find(Input::new(slice).span(from..slice.len())) {
        let at = found.start();
        from = at + 1;
        starts.push(at);
        let Some(space) = slice[..at]
            .chars()
            .next_back()
            .filter(|ch| ch.is_whitespace())
        else {
            continue;
        };
        let word_end = at - space.len_utf8();
        let lower = slice.as_bytes()[..word_end]
            .iter()
            .rev()
            .take_while(|byte| byte.is_ascii_lowercase())
            .count();
        let initial = word_end - lower;
        if lower > 0 && initial > 0 && slice.as_bytes()[initial - 1].is_ascii_uppercase() {
            starts.push(initial - 1);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// What `captures_iter` of the unanchored pattern gives, found by trying the
/// anchored pattern only where a match can start: (role, name) ranges.
fn roles_and_names(slice: &str) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    anchored_matches(
        slice,
        role_match_starts(slice),
        role_then_name(),
        ["role", "name"],
    )
}

/// The non-overlapping matches of `pattern` (anchored) tried at each of
/// `starts`, in order: what the unanchored pattern's `captures_iter` finds
/// when every match of it starts at one of `starts`. Each as the ranges of
/// its two `groups` (a name, or "0" for the whole match).
fn anchored_matches(
    text: &str,
    starts: impl IntoIterator<Item = usize>,
    pattern: &Regex,
    groups: [&str; 2],
) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    let mut searched_to = 0;
    for start in starts {
        let Some(rest) = text.get(start..).filter(|_| start >= searched_to) else {
            continue;
        };
        let Some(captures) = pattern.captures(rest) else {
            continue;
        };
        let group = |name: &str| match name {
            "0" => captures.get(0),
            _ => captures.name(name),
        };
        let (Some(whole), Some(first), Some(second)) =
            (captures.get(0), group(groups[0]), group(groups[1]))
        else {
            continue;
        };
        searched_to = start + whole.end();
        found.push((
            start + first.start()..start + first.end(),
            start + second.start()..start + second.end(),
        ));
    }
    found
}

/// `Mr Alimov`: an honorific, then a surname.
const HONORIFIC_NAME: &str = r"(?:Mr|Mrs|Ms|Dr|Miss)\.?[\s\u{a0}]+(?P<surname>[A-Z][\p{L}\-]+)";

/// `HONORIFIC_NAME` anchored, tried only where an honorific starts.
fn honorific_name() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    CELL.get_or_init(|| {
        Regex::new(&format!("^{HONORIFIC_NAME}"))
            .unwrap_or_else(|err| panic!("bad built-in honorific pattern: {err}"))
    })
}

/// The honorifics and surnames of `text`, left to right: the range of each
/// and of its surname, as `HONORIFIC_NAME`'s `captures_iter` gives them. The
/// pattern is tried where `Mr`, `Ms`, `Mi` or `Dr` stands, not searched
/// for: that search's setup cost more per article than the matches.
fn honorific_names(text: &str) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let bytes = text.as_bytes();
    let starts = memchr::memchr2_iter(b'M', b'D', bytes).filter(|&start| {
        match bytes.get(start..start + 2) {
            Some([b'M', second]) => matches!(second, b'r' | b's' | b'i'),
            Some([b'D', second]) => *second == b'r',
            _ => false,
        }
    });
    anchored_matches(text, starts, honorific_name(), ["0", "surname"])
}

/// Upper-case words that are not acronyms to define: markers, roman
/// numerals, and abbreviations no style guide asks to spell out.
const NOT_ACRONYMS: [&str; 13] = [
    "ENDS", "END", "II", "III", "IV", "VI", "PM", "MP", "CEO", "TV", "GDP", "AM", "OK",
];

/// Reads the entities of `article` (byte ranges into `text`).
pub fn article_entities(text: &str, article: &Article, gazetteer: &Gazetteer) -> ArticleEntities {
    let body = article.range;
    let slice = body.slice(text);
    let mut out = ArticleEntities::default();

    // Acronym definitions: `Shanghai Cooperation Organisation (SCO)`.
    for (whole, abbr) in acronyms_in_brackets(slice) {
        let letters = &slice[abbr.clone()];
        if let Some(expansion) = expansion_before(slice, whole.start, letters) {
            out.acronyms.push(AcronymDefinition {
                abbr: letters.to_string(),
                abbr_range: TextRange::new(body.start + abbr.start, body.start + abbr.end),
                expansion: normalize_spaces(&slice[expansion.clone()]),
                expansion_range: TextRange::new(
                    body.start + expansion.start,
                    body.start + expansion.end,
                ),
            });
        }
    }

    // People introduced by their role, and the byline's author.
    // Word boundaries are checked by hand: Unicode `\b` in a pattern forces the
    // regex engine onto its slow backtracker.
    for (role, name) in roles_and_names(slice) {
        if !starts_word(slice, role.start) {
            continue;
        }
        out.people.push(PersonIntro {
            name: normalize_spaces(&slice[name.clone()]),
            range: TextRange::new(body.start + name.start, body.start + name.end),
            role: Some(normalize_spaces(&slice[role])),
        });
    }
    if let Some(name) = article
        .byline
        .as_ref()
        .and_then(|byline| byline.name.as_ref())
    {
        let role = article
            .byline
            .as_ref()
            .and_then(|byline| byline.role.as_ref())
            .map(|role| role.text(text).to_string());
        if name.text(text).split_whitespace().count() >= 2 {
            out.people.push(PersonIntro {
                name: normalize_spaces(name.text(text)),
                range: name.range,
                role,
            });
        }
    }
    out.people.sort_by_key(|person| person.range.start);

    let mut mentions: Vec<Mention> = Vec::new();
    let dateline = article.dateline.as_ref().map(|dateline| dateline.range);
    let in_dateline =
        |range: TextRange| dateline.is_some_and(|dateline| dateline.contains(range.start));
    // Gazetteer mentions, in one pass over the article. An upper-case place
    // (`ALMATY`) is a spelling, not an acronym.
    for found in gazetteer.find(slice, body.start) {
        let written = found.range.slice(text);
        let organisation = gazetteer.entity(found.entity).is_some_and(|entity| {
            matches!(
                entity.kind,
                super::EntityKind::Organisation | super::EntityKind::Other
            )
        });
        mentions.push(Mention {
            range: found.range,
            target: Target::Gazetteer(found.entity),
            role: if found.role == PatternRole::Misspelling {
                MentionRole::Misspelling
            } else {
                MentionRole::Reference
            },
            acronym: organisation && is_acronym(written) && !in_dateline(found.range),
            honorific: false,
        });
    }
    // In-text definitions of acronyms the gazetteer does not know.
    for definition in &out.acronyms {
        let target = gazetteer
            .lookup(&definition.abbr)
            .or_else(|| gazetteer.lookup(&definition.expansion))
            .map(Target::Gazetteer)
            .unwrap_or_else(|| Target::Acronym {
                abbr: definition.abbr.clone(),
                expansion: definition.expansion.clone(),
            });
        mentions.push(Mention {
            range: definition.expansion_range,
            target: target.clone(),
            role: MentionRole::Definition,
            acronym: false,
            honorific: false,
        });
        mentions.push(Mention {
            range: definition.abbr_range,
            target,
            role: MentionRole::Definition,
            acronym: true,
            honorific: false,
        });
    }
    // People: the introduction, then references by honorific or surname.
    let person_target = |person: &PersonIntro| {
        gazetteer
            .lookup(&person.name)
            .map(Target::Gazetteer)
            .unwrap_or_else(|| Target::Person {
                name: person.name.clone(),
                role: person.role.clone(),
            })
    };
    for person in &out.people {
        mentions.push(Mention {
            range: person.range,
            target: person_target(person),
            role: MentionRole::Definition,
            acronym: false,
            honorific: false,
        });
    }
    for (whole, surname) in honorific_names(slice) {
        if !starts_word(slice, whole.start) {
            continue;
        }
        let at = body.start + whole.start;
        let target = resolve_surname(
            &slice[surname],
            at,
            &out.people,
            gazetteer,
            slice,
            body.start,
        );
        mentions.push(Mention {
            range: TextRange::new(at, body.start + whole.end),
            target,
            role: MentionRole::Reference,
            acronym: false,
            honorific: true,
        });
    }
    for person in &out.people {
        let Some(surname) = surname_of(&person.name) else {
            continue;
        };
        for (start, _) in slice.match_indices(surname) {
            let range = TextRange::new(body.start + start, body.start + start + surname.len());
            if is_word_boundary(slice, start, start + surname.len())
                && !person.range.contains(range.start)
            {
                mentions.push(Mention {
                    range,
                    target: person_target(person),
                    role: MentionRole::Reference,
                    acronym: false,
                    honorific: false,
                });
            }
        }
    }
    // Other upper-case words: acronyms used without (or before) a definition.
    for span in upper_words(slice) {
        let range = TextRange::new(body.start + span.start, body.start + span.end);
        if !is_word_boundary(slice, span.start, span.end) {
            continue;
        }
        let word = &slice[span];
        if in_dateline(range)
            || NOT_ACRONYMS.contains(&word)
            || crate::dates::read_month(word).is_some()
        {
            continue;
        }
        let defined = out
            .acronyms
            .iter()
            .find(|definition| definition.abbr == word);
        let target = match (gazetteer.lookup(word), defined) {
            (Some(index), _) => Target::Gazetteer(index),
            (None, Some(definition)) => Target::Acronym {
                abbr: definition.abbr.clone(),
                expansion: definition.expansion.clone(),
            },
            (None, None) => Target::Unresolved,
        };
        mentions.push(Mention {
            range,
            target,
            role: MentionRole::Reference,
            acronym: true,
            honorific: false,
        });
    }

    // Keep the first (most specific) mention where several overlap.
    mentions.sort_by_key(|mention| {
        (
            mention.range.start,
            std::cmp::Reverse(mention.range.end),
            priority(mention),
        )
    });
    let mut kept: Vec<Mention> = Vec::with_capacity(mentions.len());
    for mention in mentions {
        if kept
            .last()
            .is_some_and(|last| last.range.end > mention.range.start)
        {
            continue;
        }
        kept.push(mention);
    }
    out.mentions = kept;
    out.count_targets();
    out
}

fn priority(mention: &Mention) -> u8 {
    match (mention.role, &mention.target) {
        (MentionRole::Definition, _) => 0,
        (MentionRole::Misspelling, _) => 1,
        (_, Target::Unresolved) => 3,
        _ => 2,
    }
}

fn is_acronym(word: &str) -> bool {
    word.len() >= 2
        && word.len() <= 10
        && word
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '&')
}

fn normalize_spaces(text: &str) -> String {
    text.split(|ch: char| ch.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The family name to look for: the last word, or the first for names
/// written family-name first (`Li Keqiang` is `Mr Li`).
fn surname_of(name: &str) -> Option<&str> {
    name.split_whitespace().last()
}

fn name_has_surname(name: &str, surname: &str) -> bool {
    let mut words = name.split_whitespace();
    let (first, last) = (words.next(), words.next_back());
    last.is_some() && (last == Some(surname) || first == Some(surname))
}

/// Who `Mr <surname>` at `at` is: someone introduced earlier in the article,
/// else a full name written earlier, else a person of the gazetteer. Two
/// candidates make it ambiguous rather than a guess.
fn resolve_surname(
    surname: &str,
    at: usize,
    people: &[PersonIntro],
    gazetteer: &Gazetteer,
    slice: &str,
    base: usize,
) -> Target {
    let mut candidates: Vec<&str> = people
        .iter()
        .filter(|person| person.range.start < at && name_has_surname(&person.name, surname))
        .map(|person| person.name.as_str())
        .collect();
    candidates.dedup();
    if candidates.is_empty() {
        // `Rashid Alimov` written earlier without a role still introduces him.
        let before = &slice[..at.saturating_sub(base).min(slice.len())];
        let written_in_full = before.match_indices(surname).any(|(start, _)| {
            let preceding = before[..start].trim_end_matches([' ', '\u{a0}']);
            is_word_boundary(before, start, start + surname.len())
                && preceding.len() < before[..start].len()
                && preceding
                    .rsplit(|ch: char| !ch.is_alphanumeric() && ch != '-')
                    .next()
                    .is_some_and(|word| {
                        word.chars().next().is_some_and(char::is_uppercase) && !is_honorific(word)
                    })
        });
        let known: Vec<usize> = gazetteer
            .entities()
            .iter()
            .enumerate()
            .filter(|(_, entity)| {
                entity.kind == super::EntityKind::Person
                    && (name_has_surname(&entity.name, surname)
                        || entity.aliases.iter().any(|alias| alias == surname))
            })
            .map(|(index, _)| index)
            .collect();
        return match known.as_slice() {
            [one] => Target::Gazetteer(*one),
            [] if written_in_full => Target::Person {
                name: surname.to_string(),
                role: None,
            },
            [] => Target::Unresolved,
            many => Target::Ambiguous {
                surname: surname.to_string(),
                candidates: many
                    .iter()
                    .filter_map(|&index| gazetteer.entity(index))
                    .map(|e| e.name.clone())
                    .collect(),
            },
        };
    }
    if candidates.len() > 1 {
        let mut unique = candidates.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() > 1 {
            return Target::Ambiguous {
                surname: surname.to_string(),
                candidates: unique.into_iter().map(str::to_string).collect(),
            };
        }
    }
    let name = candidates[candidates.len() - 1];
    match gazetteer.lookup(name) {
        Some(index) => Target::Gazetteer(index),
        None => Target::Person {
            name: name.to_string(),
            role: people
                .iter()
                .find(|person| person.name == name)
                .and_then(|person| person.role.clone()),
        },
    }
}

fn is_honorific(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "Mr" | "Mrs" | "Ms" | "Dr" | "Miss"
    )
}

/// The words before `(ABBR)` whose initials spell ABBR, skipping small words.
fn expansion_before(text: &str, bracket: usize, abbr: &str) -> Option<std::ops::Range<usize>> {
    let before = text[..bracket].trim_end_matches([' ', '\u{a0}']);
    let end = before.len();
    let letters: Vec<char> = abbr.chars().filter(char::is_ascii_alphabetic).collect();
    let mut remaining = letters.len();
    let mut words = 0;
    for (word_start, word) in word_starts_backwards(before) {
        words += 1;
        if words > letters.len() + 6 {
            return None;
        }
        // Only ASCII letters lower-case to ASCII ones.
        if SMALL_WORDS
            .iter()
            .any(|small| word.eq_ignore_ascii_case(small))
        {
            continue;
        }
        // `Turkmenistan-Afghanistan-Pakistan-India` gives four initials;
        // `Co-operation` gives one.
        let mut parts = word
            .rsplit(['-', '–'])
            .filter(|part| !part.is_empty())
            .peekable();
        while let Some(part) = parts.next() {
            let first = part.chars().next()?;
            let first_part = parts.peek().is_none();
            if !first_part && !first.is_uppercase() {
                continue;
            }
            if !first.is_uppercase() || remaining == 0 {
                return None;
            }
            // A word gives its initial, and may give letters from inside it
            // too: `Eurasian Economic Union (EAEU)`.
            let consumed = (1..=remaining).find(|&take| {
                let wanted = &letters[remaining - take..remaining];
                first.to_ascii_uppercase() == wanted[0]
                    && is_subsequence(&wanted[1..], &part[first.len_utf8()..])
            })?;
            remaining -= consumed;
        }
        if remaining == 0 {
            return Some(word_start..end);
        }
    }
    None
}

/// True when `letters` appear in order (ignoring ASCII case) within `word`.
fn is_subsequence(letters: &[char], word: &str) -> bool {
    let mut chars = word.chars().map(|ch| ch.to_ascii_uppercase());
    letters.iter().all(|letter| chars.any(|ch| ch == *letter))
}

/// Words of `text` from the end back to the last punctuation (which ends
/// the phrase an expansion may span), with their start offsets.
fn word_starts_backwards(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let part_of_word =
        |ch: char| ch.is_alphanumeric() || matches!(ch, '&' | '-' | '–' | '’' | '\'');
    let punctuation = |ch: char| !part_of_word(ch) && !ch.is_whitespace() && ch != '\u{a0}';
    // Read from the last punctuation on, not from the start of the article
    // for each `(ABBR)`.
    let phrase_start = text
        .char_indices()
        .rev()
        .find(|&(_, ch)| punctuation(ch))
        .map_or(0, |(at, ch)| at + ch.len_utf8());
    // Read backwards as it is asked for: the words nearest the `(ABBR)`
    // are usually all an expansion needs.
    let mut chars = text[phrase_start..].char_indices().rev();
    let mut word_end: Option<usize> = None;
    std::iter::from_fn(move || loop {
        let Some((at, ch)) = chars.next() else {
            let end = word_end.take()?;
            return Some((phrase_start, text.get(phrase_start..end)?));
        };
        let at = phrase_start + at;
        if part_of_word(ch) {
            word_end.get_or_insert(at + ch.len_utf8());
        } else if let Some(end) = word_end.take() {
            let start = at + ch.len_utf8();
            return Some((start, text.get(start..end)?));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the role search must give: every match of the pattern searched
    /// at every position, as `captures_iter` finds them.
    fn unanchored(slice: &str) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        let Ok(pattern) = Regex::new(ROLE_THEN_NAME) else {
            panic!("the role pattern compiles");
        };
        pattern
            .captures_iter(slice)
            .filter_map(|captures| {
                Some((
                    captures.name("role")?.range(),
                    captures.name("name")?.range(),
                ))
            })
            .collect()
    }

    #[test]
    fn roles_are_found_where_the_unanchored_pattern_finds_them() {
        let text = "Chinese PM Li Keqiang met the foreign minister Sergei Lavrov and \
                    Kazakh President Kassym-Jomart Tokayev; PMinister Abc Def, \
                    Minister President Abc Def Ghi Jkl, Prime\u{a0}Minister  Aa Bb, \
                    UN Secretary-General António Guterres, analyst Erica Marat’s view.";
        let found = roles_and_names(text);
        assert_eq!(found, unanchored(text));
        let names: Vec<&str> = found.iter().map(|(_, name)| &text[name.clone()]).collect();
        assert_eq!(
            names,
            [
                "Li Keqiang",
                "Sergei Lavrov",
                "Kassym-Jomart Tokayev",
                "Abc Def",
                "Abc Def Ghi",
                "Aa Bb",
                "António Guterres",
                "Erica Marat’s"
            ]
        );
    }

    proptest! {
        #[test]
        fn bracketed_acronyms_and_honorifics_are_the_pattern_matches(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(vec![
                        "(", ")", "((", "Mr", "Mrs", "Ms", "Miss", "Dr", "Mr.", "Mister", "MrS",
                        "Drake", " ", "\u{a0}", "\n", "Alimov", "Zoë", "O’Neil", "al-Sabah",
                        "-", "É", "SCO", "EAEU", "A&B", "ABCDEFGHIJK", "X1",
                    ]).prop_map(str::to_string),
                    "[A-Za-z0-9&() .]{1,5}",
                ],
                0..30,
            ),
        ) {
            let text: String = pieces.concat();
            let Ok(brackets) = Regex::new(ACRONYM_IN_BRACKETS) else {
                panic!("the pattern compiles");
            };
            let expected: Vec<_> = brackets
                .captures_iter(&text)
                .filter_map(|captures| Some((captures.get(0)?.range(), captures.get(1)?.range())))
                .collect();
            prop_assert_eq!(acronyms_in_brackets(&text).collect::<Vec<_>>(), expected);
            let Ok(honorific) = Regex::new(HONORIFIC_NAME) else {
                panic!("the pattern compiles");
            };
            let expected: Vec<_> = honorific
                .captures_iter(&text)
                .filter_map(|captures| {
                    Some((captures.get(0)?.range(), captures.name("surname")?.range()))
                })
                .collect();
            prop_assert_eq!(honorific_names(&text), expected);
        }

        #[test]
        fn upper_words_are_the_pattern_matches(
            text in "([A-Z0-9&]{0,14}[0-9a-z \u{e9}\u{c9}’]{0,2}){0,5}"
        ) {
            let Ok(pattern) = Regex::new(r"[A-Z][A-Z0-9&]{1,9}") else {
                panic!("the pattern compiles");
            };
            let expected: Vec<_> = pattern.find_iter(&text).map(|found| found.range()).collect();
            prop_assert_eq!(upper_words(&text).collect::<Vec<_>>(), expected);
        }

        #[test]
        fn the_role_search_equals_the_unanchored_pattern(
            words in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(ROLE_FIRST_WORDS.to_vec()).prop_map(str::to_string),
                    proptest::sample::select(vec![
                        "Minister", "General", "Executive", "executive", "-General", "Li",
                        "Keqiang", "Zoë", "O’Neil", "Xi", "ABC", "Ab", "a", "the", "Kazakh",
                        "Kingdom", "Emirate", "Primer",
                    ]).prop_map(str::to_string),
                    "[A-Za-zé’'\\-]{1,6}",
                ],
                0..24,
            ),
            separators in proptest::collection::vec(
                proptest::sample::select(vec![" ", "  ", "\u{a0}", "\n", "", ", ", ".", "—", " \u{a0}"]),
                24,
            ),
        ) {
            let mut text = String::new();
            for (word, separator) in words.iter().zip(&separators) {
                text.push_str(word);
                text.push_str(separator);
            }
            prop_assert_eq!(roles_and_names(&text), unanchored(&text));
        }
    }
}
