//! LSP positions computed independently of the server, for end-to-end
//! tests: byte offsets to and from UTF-8 or UTF-16 line/character pairs.

#![allow(dead_code)]

use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Enc {
    Utf8,
    Utf16,
}

/// The LSP position of byte `offset`, computed independently of the server.
pub fn position(text: &str, offset: usize, enc: Enc) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let prefix = &text[line_start..offset];
    let character = match enc {
        Enc::Utf8 => prefix.len(),
        Enc::Utf16 => prefix.encode_utf16().count(),
    };
    json!({"line": line, "character": character})
}

pub fn range_of(text: &str, needle: &str, nth: usize, enc: Enc) -> Value {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in text"))
        .0;
    json!({"start": position(text, start, enc), "end": position(text, start + needle.len(), enc)})
}

/// The byte offset of an LSP position (independent of the server).
pub fn offset(text: &str, position: &Value, enc: Enc) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let line_start = text
        .split_inclusive('\n')
        .take(line)
        .map(str::len)
        .sum::<usize>();
    let mut units = 0;
    for (at, ch) in text[line_start..].char_indices() {
        if units >= character || ch == '\n' {
            return line_start + at;
        }
        units += match enc {
            Enc::Utf8 => ch.len_utf8(),
            Enc::Utf16 => ch.len_utf16(),
        };
    }
    text.len()
}

pub fn slice<'a>(text: &'a str, range: &Value, enc: Enc) -> &'a str {
    &text[offset(text, &range["start"], enc)..offset(text, &range["end"], enc)]
}
