//! Acronyms defined in the text: `Shanghai Cooperation Organisation (SCO)`.
//!
//! A definition is a run of capitalised words right before a bracketed
//! abbreviation whose initials spell it (small words such as "of", "and",
//! "the" and "for" are skipped). Mentions are the abbreviation as a whole
//! word. Pure functions over one piece of text (an editor passes one
//! article); every range is a byte range into that text.

use crate::text_range::TextRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// `SCO`.
    pub abbreviation: String,
    /// `Shanghai Cooperation Organisation`.
    pub expansion: String,
    /// The expansion's words, from the first capitalised one to the last.
    pub expansion_range: TextRange,
    /// The abbreviation inside the brackets.
    pub abbreviation_range: TextRange,
}

const SMALL_WORDS: [&str; 10] = ["of", "and", "the", "for", "on", "in", "de", "&", "to", "a"];

fn is_abbreviation(word: &str) -> bool {
    let mut letters = 0;
    for ch in word.chars() {
        if ch.is_uppercase() {
            letters += 1;
        } else if !(ch.is_ascii_digit() || ch.is_lowercase()) {
            return false;
        }
    }
    letters >= 2 && word.chars().next().is_some_and(char::is_uppercase)
}

/// Every `Long Name (ABBR)` definition in `text`, in source order.
pub fn definitions(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(found) = text.get(search..).and_then(|rest| rest.find('(')) {
        let open = search + found;
        search = open + 1;
        let Some(close) = text[open + 1..].find(')').map(|at| open + 1 + at) else {
            break;
        };
        let abbreviation = &text[open + 1..close];
        if !is_abbreviation(abbreviation) {
            continue;
        }
        if let Some(definition) = definition_before(text, open, abbreviation, close) {
            out.push(definition);
        }
    }
    out
}

/// Reads words backwards from the bracket at `open`, matching the
/// abbreviation's capital letters from the last to the first.
fn definition_before(
    text: &str,
    open: usize,
    abbreviation: &str,
    close: usize,
) -> Option<Definition> {
    let initials: Vec<char> = abbreviation
        .chars()
        .filter(|ch| ch.is_uppercase())
        .collect();
    let before = &text[..open];
    // Words on the same line, with their byte ranges.
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut word_start = None;
    for (at, ch) in before[line_start..].char_indices() {
        let at = line_start + at;
        let separator = ch.is_whitespace() || ch == '-';
        match (separator, word_start) {
            (true, Some(start)) => {
                words.push((start, &before[start..at]));
                word_start = None;
            }
            (false, None) => word_start = Some(at),
            _ => {}
        }
    }
    if let Some(start) = word_start {
        words.push((start, &before[start..]));
    }
    let mut needed = initials.len();
    let mut first = None;
    for &(start, word) in words.iter().rev() {
        if needed == 0 {
            break;
        }
        let bare = word.trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '&');
        if bare.is_empty() {
            return None;
        }
        let initial = bare.chars().next()?;
        if initial.is_uppercase() {
            if initial != initials[needed - 1] {
                return None;
            }
            needed -= 1;
            first = Some(start);
        } else if SMALL_WORDS.contains(&bare.to_lowercase().as_str()) && first.is_some() {
            continue;
        } else {
            return None;
        }
    }
    if needed != 0 {
        return None;
    }
    let start = first?;
    let end = before.trim_end().len();
    let expansion = before[start..end].to_string();
    Some(Definition {
        abbreviation: abbreviation.to_string(),
        expansion,
        expansion_range: TextRange::new(start, end),
        abbreviation_range: TextRange::new(open + 1, close),
    })
}

fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Whole-word occurrences of `abbreviation` in `text` (the definition's own included).
pub fn mentions(text: &str, abbreviation: &str) -> Vec<TextRange> {
    if abbreviation.is_empty() {
        return Vec::new();
    }
    text.match_indices(abbreviation)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + abbreviation.len()..].chars().next();
            !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
        })
        .map(|(at, _)| TextRange::new(at, at + abbreviation.len()))
        .collect()
}

/// The defined abbreviation under `offset` (a mention or the definition's
/// brackets), with its definition.
pub fn at(text: &str, offset: usize) -> Option<(TextRange, Definition)> {
    let definitions = definitions(text);
    for definition in definitions {
        if let Some(range) = mentions(text, &definition.abbreviation)
            .into_iter()
            .find(|range| range.touches(offset))
        {
            return Some((range, definition));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Leaders of the Shanghai Cooperation Organisation (SCO) met in Astana. \
        The SCO summit — and the Collective Security Treaty Organization (CSTO) — ended. SCOs no.";

    #[test]
    fn finds_definitions_with_small_words_skipped() {
        let found = definitions(TEXT);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].abbreviation, "SCO");
        assert_eq!(found[0].expansion, "Shanghai Cooperation Organisation");
        assert_eq!(found[0].expansion_range.slice(TEXT), found[0].expansion);
        assert_eq!(
            found[1].expansion,
            "Collective Security Treaty Organization"
        );
        let text = "the Bank for Development and Reconstruction (BDR) said";
        assert_eq!(
            definitions(text)[0].expansion,
            "Bank for Development and Reconstruction"
        );
        assert!(definitions("in Almaty (Kazakhstan) and (UN)").is_empty());
    }

    #[test]
    fn mentions_are_whole_words() {
        let found = mentions(TEXT, "SCO");
        assert_eq!(found.len(), 2);
        let second = found[1];
        let (range, definition) = at(TEXT, second.start + 1).unwrap();
        assert_eq!(range, second);
        assert_eq!(definition.abbreviation, "SCO");
        assert!(at(TEXT, TEXT.find("SCOs").unwrap() + 1).is_none());
    }
}
