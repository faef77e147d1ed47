//! Entity knowledge that does not come from the text: the built-in gazetteer
//! of the region (`data/gazetteer.toml`) and a workspace's `entities.toml`,
//! matched in one multi-pattern pass.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa::DFA, Anchored, MatchKind, StartKind};
use serde::Deserialize;

use crate::text_range::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    Person,
    Place,
    Organisation,
    Other,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Place => "place",
            EntityKind::Organisation => "organisation",
            EntityKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<EntityKind> {
        match text {
            "person" => Some(EntityKind::Person),
            "place" => Some(EntityKind::Place),
            "organisation" | "organization" => Some(EntityKind::Organisation),
            "other" => Some(EntityKind::Other),
            _ => None,
        }
    }
}

/// Where an entry was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// A workspace file, with the byte range of the entry in it.
    File {
        path: std::path::PathBuf,
        range: TextRange,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub description: String,
    pub links: Vec<String>,
    /// For places: the country they are in.
    pub country: Option<String>,
    /// An acronym everyone knows (`NATO`, `UN`): no in-text definition needed.
    pub well_known: bool,
    /// Spellings that are wrong: mentions get `entity-spelling` with a fix.
    pub misspellings: Vec<String>,
    pub origin: Origin,
}

/// How a gazetteer pattern relates to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternRole {
    Name,
    Alias,
    Misspelling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GazetteerMatch {
    pub range: TextRange,
    pub entity: usize,
    pub role: PatternRole,
}

/// The entities with an automaton over every name, alias and misspelling.
#[derive(Debug)]
pub struct Gazetteer {
    entities: Vec<Entity>,
    patterns: Vec<(usize, PatternRole, String)>,
    /// The names and aliases (not misspellings) by their ASCII-lower-case
    /// spelling, each list in pattern order: `lookup` runs for every
    /// upper-case word of an archive.
    by_spelling: HashMap<String, Vec<usize>>,
    matcher: Option<DFA>,
    /// For each pattern of `matcher`, its index in `patterns`.
    spelled: Vec<usize>,
    /// The first bytes of `matcher`'s patterns.
    first_bytes: [bool; 256],
    /// Every pattern starts with an ASCII capital (true of the built-in
    /// gazetteer): the places to try are found by `Capitals`.
    capital_starts: bool,
}

impl PartialEq for Gazetteer {
    fn eq(&self, other: &Gazetteer) -> bool {
        self.entities == other.entities
    }
}

const BUILT_IN: &str = include_str!("../../../../data/gazetteer.toml");

impl Gazetteer {
    pub fn new(entities: Vec<Entity>) -> Gazetteer {
        let mut patterns = Vec::new();
        for (index, entity) in entities.iter().enumerate() {
            patterns.push((index, PatternRole::Name, entity.name.clone()));
            patterns.extend(
                entity
                    .aliases
                    .iter()
                    .map(|alias| (index, PatternRole::Alias, alias.clone())),
            );
            patterns.extend(
                entity
                    .misspellings
                    .iter()
                    .map(|wrong| (index, PatternRole::Misspelling, wrong.clone())),
            );
        }
        patterns.retain(|(_, _, text)| !text.trim().is_empty());
        let mut by_spelling: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, (_, role, text)) in patterns.iter().enumerate() {
            if *role != PatternRole::Misspelling {
                by_spelling
                    .entry(text.to_ascii_lowercase())
                    .or_default()
                    .push(at);
            }
        }
        // Only the spellings a mention may have: the pattern as written, or
        // in capitals (`ALMATY`); `spelled[k]` is the pattern of search
        // pattern k.
        let mut spellings: Vec<String> = Vec::new();
        let mut spelled: Vec<usize> = Vec::new();
        for (at, (_, _, text)) in patterns.iter().enumerate() {
            spellings.push(text.clone());
            spelled.push(at);
            let capitals = text.to_ascii_uppercase();
            if capitals != *text && same_spelling(text, &capitals) {
                spellings.push(capitals);
                spelled.push(at);
            }
        }
        let mut first_bytes = [false; 256];
        for spelling in &spellings {
            if let Some(&first) = spelling.as_bytes().first() {
                first_bytes[usize::from(first)] = true;
            }
        }
        let capital_starts = (0..=255u8)
            .filter(|&byte| first_bytes[usize::from(byte)])
            .all(|byte| byte.is_ascii_uppercase());
        // A DFA, anchored: it runs from the few places a mention can start,
        // not over every byte (see `find`).
        let matcher = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(&spellings)
            .ok();
        Gazetteer {
            entities,
            patterns,
            by_spelling,
            matcher,
            spelled,
            first_bytes,
            capital_starts,
        }
    }

    /// The built-in gazetteer, parsed once.
    pub fn built_in() -> Arc<Gazetteer> {
        static BUILT: OnceLock<Arc<Gazetteer>> = OnceLock::new();
        BUILT
            .get_or_init(|| {
                let (entities, _) = parse_entities(BUILT_IN, None);
                Arc::new(Gazetteer::new(entities))
            })
            .clone()
    }

    /// The built-in entries with `overrides` replacing those of the same name.
    pub fn with_overrides(overrides: Vec<Entity>) -> Gazetteer {
        let mut entities: Vec<Entity> = Gazetteer::built_in()
            .entities
            .iter()
            .filter(|entity| {
                !overrides
                    .iter()
                    .any(|o| o.name.eq_ignore_ascii_case(&entity.name))
            })
            .cloned()
            .collect();
        entities.extend(overrides);
        Gazetteer::new(entities)
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn entity(&self, index: usize) -> Option<&Entity> {
        self.entities.get(index)
    }

    /// The entity named or aliased exactly `text` (case-sensitive for
    /// upper-case acronyms, otherwise ignoring ASCII case).
    pub fn lookup(&self, text: &str) -> Option<usize> {
        // Every spelling `same_spelling` accepts is the pattern up to ASCII
        // case. Asked of every capitalised phrase: a short one is lowered on
        // the stack.
        let mut short = [0u8; 64];
        let lowered = match short.get_mut(..text.len()) {
            Some(short) => {
                short.copy_from_slice(text.as_bytes());
                short.make_ascii_lowercase();
                std::str::from_utf8(short).map(Cow::Borrowed)
            }
            None => Ok(Cow::Owned(text.to_ascii_lowercase())),
        }
        .unwrap_or_else(|_| Cow::Owned(text.to_ascii_lowercase()));
        self.by_spelling
            .get(lowered.as_ref())?
            .iter()
            .map(|&at| &self.patterns[at])
            .find(|(_, _, pattern)| same_spelling(pattern, text))
            .map(|(index, _, _)| *index)
    }

    /// Every whole-word mention in `text`, left to right: at each place a
    /// word starts with a byte some pattern starts with, the longest
    /// pattern spelled there as written or in capitals, kept when it ends a
    /// word too; the next search starts after it.
    pub fn find(&self, text: &str, base: usize) -> Vec<GazetteerMatch> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        let mut capitals = Capitals::new(bytes);
        let mut found = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let next = if self.capital_starts {
                capitals.next_from(at)
            } else {
                bytes[at..]
                    .iter()
                    .position(|&byte| self.first_bytes[usize::from(byte)])
                    .map(|offset| at + offset)
            };
            let Some(start) = next else {
                break;
            };
            at = start + 1;
            if !text.is_char_boundary(start) || !starts_word(text, start) {
                continue;
            }
            let Some((pattern, end)) = longest_at(matcher, bytes, start) else {
                continue;
            };
            let Some((entity, role, _)) = self
                .spelled
                .get(pattern)
                .and_then(|&pattern| self.patterns.get(pattern))
            else {
                continue;
            };
            // Read, even when it does not end a word (`Li` of `Libya`).
            at = end;
            if is_word_boundary(text, start, end) {
                found.push(GazetteerMatch {
                    range: TextRange::new(base + start, base + end),
                    entity: *entity,
                    role: *role,
                });
            }
        }
        found
    }
}

/// The longest pattern of `dfa` spelled at `start` of `bytes`, and where it
/// ends: the anchored leftmost-longest search of `AhoCorasick::find`, walked
/// here (it runs at every capital of an archive, and its layers of API cost
/// more than the walk).
fn longest_at(dfa: &DFA, bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut state = dfa.start_state(Anchored::Yes).ok()?;
    let mut longest = None;
    for (at, &byte) in bytes.get(start..)?.iter().enumerate() {
        state = dfa.next_state(Anchored::Yes, state, byte);
        if !dfa.is_special(state) {
            continue;
        }
        if dfa.is_dead(state) {
            break;
        }
        if dfa.is_match(state) {
            let pattern = dfa.match_pattern(state, 0);
            let end = start + at + 1;
            // A match carried from a failure transition starts later: not
            // one at `start` (as the crate's own anchored search has it).
            if end - dfa.pattern_len(pattern) == start {
                longest = Some((pattern.as_usize(), end));
            }
        }
    }
    longest
}

/// The ASCII capital letters of a text, from any place on: the entities
/// look for capitals in every byte of an archive. A block of 32 bytes is
/// read at once into a bit mask (`capitals_in_32`) and kept while the
/// places asked for are in it, so each block is read once however many
/// capitals it holds.
pub(crate) struct Capitals<'a> {
    bytes: &'a [u8],
    /// Where the block of `mask` starts (a multiple of `LANES`).
    block: usize,
    /// Bit `i` is set when `bytes[block + i]` is a capital.
    mask: u32,
}

const LANES: usize = 32;

impl<'a> Capitals<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Capitals {
            bytes,
            block: 0,
            mask: capitals_in_block(bytes, 0),
        }
    }

    /// Where the first capital at or after `from` is.
    pub(crate) fn next_from(&mut self, mut from: usize) -> Option<usize> {
        while from < self.bytes.len() {
            let block = from - from % LANES;
            if block != self.block {
                self.block = block;
                self.mask = capitals_in_block(self.bytes, block);
            }
            let ahead = self.mask & (u32::MAX << (from - block));
            if ahead != 0 {
                return Some(block + ahead.trailing_zeros() as usize);
            }
            from = block + LANES;
        }
        None
    }
}

/// The capitals of `bytes[block..block + LANES]` (or of what is left), as
/// bits.
fn capitals_in_block(bytes: &[u8], block: usize) -> u32 {
    match bytes
        .get(block..block + LANES)
        .and_then(|chunk| chunk.try_into().ok())
    {
        Some(chunk) => capitals_in_32(chunk),
        None => capitals_in(bytes.get(block..).unwrap_or_default()),
    }
}

/// The capitals of up to 32 bytes, as bits, a byte at a time.
fn capitals_in(bytes: &[u8]) -> u32 {
    bytes.iter().enumerate().fold(0, |mask, (lane, &byte)| {
        mask | u32::from(byte.wrapping_sub(b'A') < 26) << lane
    })
}

/// 32 bytes' capitals with SSE2 (every x86-64 has it): the compiler does not
/// turn `capitals_in` into a byte mask, and it cost three instructions a
/// byte of every article.
#[cfg(target_arch = "x86_64")]
fn capitals_in_32(chunk: &[u8; 32]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_set1_epi8,
        _mm_sub_epi8,
    };
    let half = |bytes: &[u8]| {
        debug_assert!(bytes.len() >= 16);
        // SAFETY: SSE2 is part of every x86-64 target; `bytes` holds 16
        // readable bytes (a half of `chunk`), and an unaligned load asks
        // nothing more.
        let capital = unsafe {
            let lanes = _mm_loadu_si128(bytes.as_ptr().cast());
            let above_a = _mm_sub_epi8(lanes, _mm_set1_epi8(b'A' as i8));
            // A capital is 0..=25 above `A`: an unsigned minimum with 25 keeps it.
            _mm_cmpeq_epi8(_mm_min_epu8(above_a, _mm_set1_epi8(25)), above_a)
        };
        // SAFETY: as above.
        unsafe { _mm_movemask_epi8(capital) as u32 }
    };
    let (low, high) = chunk.split_at(16);
    half(low) | half(high) << 16
}

#[cfg(not(target_arch = "x86_64"))]
fn capitals_in_32(chunk: &[u8; 32]) -> u32 {
    capitals_in(chunk)
}

/// True when no letter or digit stands right before `at`.
pub(crate) fn starts_word(text: &str, at: usize) -> bool {
    match at.checked_sub(1).map(|before| text.as_bytes()[before]) {
        None => true,
        Some(byte) if byte.is_ascii() => !byte.is_ascii_alphanumeric(),
        Some(_) => !text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric),
    }
}

/// `Almaty` also matches the dateline's `ALMATY`, but an upper-case pattern
/// (`EU`) never matches lower-case text (`eu`), and `Turkey` not `turkey`.
fn same_spelling(pattern: &str, written: &str) -> bool {
    written == pattern
        || (written.eq_ignore_ascii_case(pattern) && written == written.to_uppercase())
}

/// True when `start..end` is not glued to a letter or digit on either side:
/// `Li` is not inside `Libya`, `EU` is not inside `EUR`.
pub(crate) fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    starts_word(text, start)
        && !text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawEntity {
    name: String,
    kind: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    links: Vec<String>,
    country: Option<String>,
    #[serde(default)]
    well_known: bool,
    #[serde(default)]
    misspellings: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[serde(default)]
    entity: Vec<toml::Spanned<toml::Value>>,
}

/// A problem in an entities file, at a byte range of that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityProblem {
    pub range: TextRange,
    pub message: String,
}

/// Parses `[[entity]]` tables; bad entries are skipped and reported with
/// their position, good ones kept.
pub fn parse_entities(
    text: &str,
    path: Option<&std::path::Path>,
) -> (Vec<Entity>, Vec<EntityProblem>) {
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            let range = err.span().map_or(TextRange::empty(0), |span| {
                TextRange::new(span.start, span.end)
            });
            return (
                Vec::new(),
                vec![EntityProblem {
                    range,
                    message: err.message().to_string(),
                }],
            );
        }
    };
    let mut entities = Vec::new();
    let mut problems = Vec::new();
    for spanned in raw.entity {
        let span = spanned.span();
        // The span covers the `[[entity]]` header: extend it over the table's keys.
        let table_end = text[span.end.min(text.len())..]
            .match_indices("\n[")
            .next()
            .map_or(text.len(), |(at, _)| span.end + at);
        let range = TextRange::new(span.start, table_end.max(span.end));
        let entry: Result<RawEntity, _> = spanned.into_inner().try_into();
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push(EntityProblem {
                    range,
                    message: format!("invalid entity: {}", err.message()),
                });
                continue;
            }
        };
        let Some(kind) = EntityKind::parse(&entry.kind) else {
            problems.push(EntityProblem {
                range,
                message: format!(
                    "entity `{}`: kind {:?} is not one of person, place, organisation, other",
                    entry.name, entry.kind
                ),
            });
            continue;
        };
        if entry.name.trim().is_empty() {
            problems.push(EntityProblem {
                range,
                message: "an entity needs a non-empty name".to_string(),
            });
            continue;
        }
        entities.push(Entity {
            name: entry.name,
            kind,
            aliases: entry.aliases,
            description: entry.description,
            links: entry.links,
            country: entry.country,
            well_known: entry.well_known,
            misspellings: entry.misspellings,
            origin: match path {
                Some(path) => Origin::File {
                    path: path.to_path_buf(),
                    range,
                },
                None => Origin::BuiltIn,
            },
        });
    }
    (entities, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The walk finds what the crate's own anchored leftmost-longest
        /// search finds, at every place of texts made of pattern pieces.
        #[test]
        fn the_walk_is_the_crates_anchored_search(
            patterns in proptest::collection::vec("[AKSa-c]{1,4}", 1..12),
            text in "[AKSa-c ]{0,40}",
        ) {
            let dfa = DFA::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Anchored)
                .build(&patterns)
                .unwrap();
            let searcher = aho_corasick::AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Anchored)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&patterns)
                .unwrap();
            for start in 0..=text.len() {
                let input = aho_corasick::Input::new(&text)
                    .span(start..text.len())
                    .anchored(Anchored::Yes);
                let expected = searcher
                    .find(input)
                    .map(|hit| (hit.pattern().as_usize(), hit.end()));
                prop_assert_eq!(longest_at(&dfa, text.as_bytes(), start), expected);
            }
        }
    }

    #[test]
    fn the_built_in_gazetteer_parses_and_knows_the_region() {
        let (_, problems) = parse_entities(BUILT_IN, None);
        assert_eq!(problems, []);
        let gazetteer = Gazetteer::built_in();
        let sco = gazetteer
            .lookup("SCO")
            .and_then(|index| gazetteer.entity(index))
            .unwrap();
        assert_eq!(sco.name, "Shanghai Cooperation Organisation");
        assert!(sco
            .aliases
            .iter()
            .any(|alias| alias == "Shanghai Cooperation Organization"));
        let almaty = gazetteer
            .lookup("ALMATY")
            .and_then(|index| gazetteer.entity(index))
            .unwrap();
        assert_eq!(almaty.country.as_deref(), Some("Kazakhstan"));
    }

    #[test]
    fn matching_respects_word_boundaries_and_case() {
        let gazetteer = Gazetteer::built_in();
        let text =
            "Libya, EUR and eu are not entities; the EU, ALMATY and Almaty are. Osh, not Oshkosh.";
        let found: Vec<&str> = gazetteer
            .find(text, 0)
            .iter()
            .map(|m| m.range.slice(text))
            .collect();
        assert_eq!(found, ["EU", "ALMATY", "Almaty", "Osh"]);
    }

    #[test]
    fn a_name_written_otherwise_hides_no_mention_inside_it() {
        let toml = "[[entity]]\nname = \"Asia\"\nkind = \"place\"\n\n\
                    [[entity]]\nname = \"Central Asia Trade Forum\"\nkind = \"organisation\"\n";
        let (entities, problems) = parse_entities(toml, None);
        assert_eq!(problems, []);
        let gazetteer = Gazetteer::new(entities);
        let text = "A central Asia trade forum, the Central Asia Trade Forum, CENTRAL ASIA TRADE \
                    FORUM and XCentral Asia Trade Forum in Asia.";
        let found: Vec<&str> = gazetteer
            .find(text, 0)
            .iter()
            .map(|m| m.range.slice(text))
            .collect();
        assert_eq!(
            found,
            [
                "Asia",
                "Central Asia Trade Forum",
                "CENTRAL ASIA TRADE FORUM",
                "Asia",
                "Asia"
            ]
        );
    }

    #[test]
    fn a_block_of_capitals_is_read_as_byte_by_byte() {
        // every byte value in every lane
        for shift in 0..32u8 {
            let chunk: [u8; 32] =
                std::array::from_fn(|lane| (lane as u8).wrapping_mul(8).wrapping_add(shift));
            for start in (0..=255u8).step_by(32) {
                let chunk = chunk.map(|byte| byte.wrapping_add(start));
                assert_eq!(capitals_in_32(&chunk), capitals_in(&chunk), "{chunk:?}");
            }
        }
    }

    #[test]
    fn capitals_are_found_in_every_lane_from_anywhere() {
        let text: Vec<u8> = (0..100u8)
            .map(|at| if at % 7 == 3 { b'Q' } else { b'q' })
            .collect();
        let expected = |from: usize| {
            text.get(from..)
                .and_then(|rest| rest.iter().position(u8::is_ascii_uppercase))
                .map(|offset| from + offset)
        };
        // forwards with one cursor, as the entities ask, and in any order
        let mut capitals = Capitals::new(&text);
        for from in 0..=text.len() + 1 {
            assert_eq!(capitals.next_from(from), expected(from), "from {from}");
        }
        for from in (0..=text.len() + 1).rev().step_by(3) {
            assert_eq!(capitals.next_from(from), expected(from), "back to {from}");
        }
        assert_eq!(
            Capitals::new("Ünïcode @[`{ z".as_bytes()).next_from(0),
            None
        );
        assert_eq!(Capitals::new(b"").next_from(0), None);
    }

    #[test]
    fn bad_entries_are_reported_where_they_stand() {
        let text = "[[entity]]\nname = \"Steppe Gas\"\nkind = \"company\"\n\n[[entity]]\nname = \"Caspian Pipeline Consortium\"\nkind = \"organisation\"\naliases = [\"CPC\"]\n";
        let (entities, problems) =
            parse_entities(text, Some(std::path::Path::new("entities.toml")));
        assert_eq!(entities.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("company"),
            "{}",
            problems[0].message
        );
        assert!(
            problems[0].range.slice(text).contains("Steppe Gas"),
            "{:?} {:?}",
            problems[0].range,
            problems[0].range.slice(text)
        );
    }
}
