//! Test fixtures for the `ide` queries, in the manner of rust-analyzer's
//! and texlab's: one text holding one or more files, each opened in a
//! workspace, and a cursor marked `$0`.
//!
//! ```text
//! //- a.bulletin
//! Headline
//!
//! ALMATY, MARCH 10 2017 (The Bulletin) — The S$0CO met.
//! //- b.txt
//! …
//! ```
//!
//! A text without `//- ` lines is one file, `a.bulletin`. Files live under
//! `/archive`, the workspace's root.

use std::path::PathBuf;

use super::workspace::Workspace;

pub(crate) const CURSOR: &str = "$0";

pub(crate) struct Fixture {
    pub(crate) workspace: Workspace<String>,
    /// The file holding the cursor.
    pub(crate) key: String,
    /// The cursor's byte offset in that file (its text without the marker).
    pub(crate) offset: usize,
}

impl Fixture {
    pub(crate) fn text(&self, key: &str) -> &str {
        self.workspace
            .document(&key.to_string())
            .map_or("", |document| document.text.as_str())
    }
}

#[allow(clippy::ptr_arg)] // the workspace takes `fn(&K)` with `K = String`
fn path_of(key: &String) -> Option<PathBuf> {
    Some(PathBuf::from("/archive").join(key))
}

#[allow(clippy::ptr_arg)]
fn label_of(key: &String) -> String {
    key.clone()
}

/// The files of `text` opened in a workspace, the cursor found.
pub(crate) fn fixture(text: &str) -> Fixture {
    let mut workspace = Workspace::new(path_of, label_of);
    workspace.set_roots(vec![PathBuf::from("/archive")]);
    let mut files: Vec<(String, String)> = Vec::new();
    if text.starts_with("//- ") {
        for chunk in text.split("//- ").filter(|chunk| !chunk.is_empty()) {
            let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
            files.push((name.trim().to_string(), body.to_string()));
        }
    } else {
        files.push(("a.bulletin".to_string(), text.to_string()));
    }
    let mut cursor = None;
    for (name, body) in files {
        let body = match body.find(CURSOR) {
            Some(at) => {
                cursor = Some((name.clone(), at));
                body.replacen(CURSOR, "", 1)
            }
            None => body,
        };
        workspace.open(name, body, 1);
    }
    let (key, offset) = cursor.unwrap_or_else(|| ("a.bulletin".to_string(), 0));
    workspace.refresh_all();
    Fixture {
        workspace,
        key,
        offset,
    }
}

/// A page of two articles of issue 412 and one of issue 413, in the shape
/// of a real archive page: a header, datelines with and without a year,
/// an acronym defined then used, a person introduced then named again, a
/// standfirst, a byline and issue references.
pub(crate) const PAGE: &str = "Tag Archives: Steppe
Grain corridor talks resume in Almaty

>>Ministers meet for the first time since the spring floods>>

ALMATY, MARCH 10 (The Bulletin) — The Shanghai Cooperation Organisation (SCO) met on Friday. Secretary-General Rashid Alimov said the SCO would publish a plan.

Mr Alimov did not give a date.

By Dana Sultan, correspondent

(News report from Issue No. 412, published on March 13 2017)

Rail tariffs fall by a fifth

ASTANA, MARCH 9 2017 (The Bulletin) — Freight rates on the line to Ürümqi fell again, officials said.

(News report from Issue No. 412, published on March 13 2017)

Editorial: Water before wheat

BISHKEK, MARCH 16 2017 (The Bulletin) — Mr Alimov was right to warn about the canals.

(Editorial from Issue No. 413, published on March 20 2017)
";

/// `PAGE` with the cursor put before the first occurrence of `at`.
pub(crate) fn page_at(at: &str) -> String {
    let offset = PAGE.find(at).unwrap_or(0);
    format!("{}{CURSOR}{}", &PAGE[..offset], &PAGE[offset..])
}
