//! LSP positions computed independently of the server, for end-to-end
//! tests: byte offsets to and from UTF-8 or UTF-16 line/character pairs,
//! lines ending at `\n`, `\r\n` or a lone `\r`.

#![allow(dead_code)]

use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Enc {
    Utf8,
    Utf16,
}

/// Where each line starts: after every `\n`, and after every `\r` that no
/// `\n` follows (`\r\n` is one line end), as LSP counts lines.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (at, &byte) in bytes.iter().enumerate() {
        let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
        if ends_line {
            starts.push(at + 1);
        }
    }
    starts
}

/// The LSP position of byte `offset`, computed independently of the server.
pub fn position(text: &str, offset: usize, enc: Enc) -> Value {
    let starts = line_starts(text);
    let line = starts.iter().filter(|&&start| start <= offset).count() - 1;
    let prefix = &text[starts[line]..offset];
    let character = match enc {
        Enc::Utf8 => prefix.len(),
        Enc::Utf16 => prefix.encode_utf16().count(),
    };
    json!({"line": line, "character": character})
}

/// The number of lines of `text` as LSP counts them.
pub fn line_count(text: &str) -> usize {
    line_starts(text).len()
}

/// The text of line `line`, without its line end.
pub fn line_text(text: &str, line: usize) -> &str {
    let starts = line_starts(text);
    let start = starts[line];
    let rest = &text[start..];
    &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())]
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
    let Some(&line_start) = line_starts(text).get(line) else {
        return text.len();
    };
    let mut units = 0;
    for (at, ch) in text[line_start..].char_indices() {
        if units >= character || ch == '\n' || ch == '\r' {
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
