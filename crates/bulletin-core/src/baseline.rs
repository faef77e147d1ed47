//! Baselines: the findings an archive had when it adopted the checker, so
//! that only new ones are reported (`bulletin check --baseline`, the
//! `baseline = "…"` key, and the language server alike). A finding is
//! matched by its rule, its file and its text: the flagged text and the
//! words around it on its line, never the line number, so editing elsewhere
//! in a page (or moving a paragraph) does not resurrect old findings, while
//! a new slip is reported. Each recorded finding forgives one occurrence.
//!
//! The file is JSON (`BaselineFile`); the faces read and write it with
//! their JSON crate, and everything else happens here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::rules::Rule;

/// How many characters either side of the flagged text make its neighbourhood.
const NEIGHBOURHOOD: usize = 30;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    /// The file, relative to the baseline's directory, with `/` separators.
    pub path: String,
    /// The flagged text.
    pub text: String,
    /// The flagged text with up to 30 characters either side on its line.
    pub context: String,
}

/// The baseline file's contents.
#[derive(Debug, Serialize, Deserialize)]
pub struct BaselineFile {
    /// The format's version: 1.
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// A loaded baseline: how many times each finding may still be forgiven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    dir: PathBuf,
    remaining: HashMap<Entry, usize>,
}

impl Baseline {
    /// The baseline read from `path`, or why its contents cannot be used.
    pub fn from_file(path: &Path, file: BaselineFile) -> Result<Baseline, String> {
        if file.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not known (expected 1)",
                path.display(),
                file.version
            ));
        }
        let mut remaining = HashMap::new();
        for entry in file.findings {
            *remaining.entry(entry).or_insert(0) += 1;
        }
        Ok(Baseline {
            dir: base_dir(path),
            remaining,
        })
    }

    /// Whether the baseline forgives `diagnostic` of the file at `path`
    /// whose text is `text` (each entry forgives one finding; `io-error`s
    /// are never forgiven).
    pub fn forgive(&mut self, path: &Path, text: &str, diagnostic: &Diagnostic) -> bool {
        if diagnostic.rule == Rule::IoError {
            return false;
        }
        let entry = entry(&self.dir, path, text, diagnostic);
        match self.remaining.get_mut(&entry) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    }

    /// How many baselined findings did not occur: the baseline can be tightened.
    pub fn disappeared(&self) -> usize {
        self.remaining.values().sum()
    }
}

/// The baseline recording `files` (path, text and findings of each; no
/// `io-error`s), for writing at `path`: entries in a stable order.
pub fn record<'a>(
    path: &Path,
    files: impl IntoIterator<Item = (&'a Path, &'a str, Vec<Diagnostic>)>,
) -> BaselineFile {
    let dir = base_dir(path);
    let mut findings: Vec<Entry> = files
        .into_iter()
        .flat_map(|(file, text, diagnostics)| {
            let dir = &dir;
            diagnostics
                .into_iter()
                .filter(|diagnostic| diagnostic.rule != Rule::IoError)
                .map(move |diagnostic| entry(dir, file, text, &diagnostic))
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, &a.rule, &a.context, &a.text).cmp(&(&b.path, &b.rule, &b.context, &b.text))
    });
    BaselineFile {
        version: 1,
        findings,
    }
}

fn base_dir(path: &Path) -> PathBuf {
    let absolute = crate::config::absolute(path);
    absolute
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
}

fn entry(dir: &Path, file: &Path, text: &str, diagnostic: &Diagnostic) -> Entry {
    let absolute = crate::config::absolute(file);
    let relative = absolute.strip_prefix(dir).unwrap_or(&absolute);
    let path = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let start =
        crate::line_index::floor_char_boundary(text, diagnostic.range.start.min(text.len()));
    let end =
        crate::line_index::floor_char_boundary(text, diagnostic.range.end.clamp(start, text.len()));
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |at| end + at);
    let before: String = {
        let chars: Vec<char> = text[line_start..start]
            .chars()
            .rev()
            .take(NEIGHBOURHOOD)
            .collect();
        chars.into_iter().rev().collect()
    };
    let after: String = text[end..line_end].chars().take(NEIGHBOURHOOD).collect();
    let flagged = &text[start..end];
    Entry {
        rule: diagnostic.rule.name().to_string(),
        path,
        text: flagged.to_string(),
        context: format!("{before}{flagged}{after}"),
    }
}
