//! Test texts in every kind of line end LSP knows.

#![allow(dead_code)]

/// `text` (written with `\n`) with its line ends taken in turn from `ends`;
/// a `\n` that would follow a lone `\r` (and join it into one line end)
/// is a `\r` instead.
pub fn with_line_ends(text: &str, ends: &[&str]) -> String {
    let mut out = String::new();
    for (at, line) in text.split_inclusive('\n').enumerate() {
        match line.strip_suffix('\n') {
            Some(line) => {
                let mut end = ends[at % ends.len()];
                if out.ends_with('\r') && line.is_empty() && end.starts_with('\n') {
                    end = "\r";
                }
                out.push_str(line);
                out.push_str(end);
            }
            None => out.push_str(line),
        }
    }
    out
}
