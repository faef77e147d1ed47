//! Baselines: `bulletin check --write-baseline FILE` records today's
//! findings; `--baseline FILE` (or `baseline = "…"` in `bulletin.toml`)
//! reports only the others. A finding is matched by its rule, its file and
//! its text: the flagged text and the words around it on its line, never
//! the line number, so editing elsewhere in a page (or moving a paragraph)
//! does not resurrect old findings, while a new slip is reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::output::ReportFile;
use bulletin_core::diagnostic::Diagnostic;
use bulletin_core::rules::Rule;

/// How many characters either side of the flagged text make its neighbourhood.
const NEIGHBOURHOOD: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(super) struct Entry {
    pub(super) rule: String,
    /// The file, relative to the baseline's directory, with `/` separators.
    pub(super) path: String,
    /// The flagged text.
    pub(super) text: String,
    /// The flagged text with up to 30 characters either side on its line.
    pub(super) context: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    /// The format's version: 1.
    version: u32,
    findings: Vec<Entry>,
}

/// A loaded baseline: how many times each finding may still be forgiven.
pub(super) struct Baseline {
    dir: PathBuf,
    remaining: HashMap<Entry, usize>,
}

impl Baseline {
    pub(super) fn load(path: &Path) -> anyhow::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a bulletin baseline", path.display()))?;
        if file.version != 1 {
            anyhow::bail!(
                "{}: baseline version {} is not known (expected 1)",
                path.display(),
                file.version
            );
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

    /// Whether the baseline forgives `diagnostic` (each entry forgives one finding).
    pub(super) fn forgive(&mut self, file: &ReportFile<'_>, diagnostic: &Diagnostic) -> bool {
        if diagnostic.rule == Rule::IoError {
            return false;
        }
        let entry = entry(&self.dir, file, diagnostic);
        match self.remaining.get_mut(&entry) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    }

    /// How many baselined findings did not occur: the baseline can be tightened.
    pub(super) fn disappeared(&self) -> usize {
        self.remaining.values().sum()
    }
}

/// Writes every finding of `files` (except `io-error`s) to `path`; returns how many.
pub(super) fn write(path: &Path, files: &[ReportFile<'_>]) -> anyhow::Result<usize> {
    let dir = base_dir(path);
    let mut findings: Vec<Entry> = files
        .iter()
        .flat_map(|file| {
            file.diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.rule != Rule::IoError)
                .map(|diagnostic| entry(&dir, file, diagnostic))
                .collect::<Vec<_>>()
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, &a.rule, &a.context, &a.text).cmp(&(&b.path, &b.rule, &b.context, &b.text))
    });
    let count = findings.len();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings,
    })?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("cannot write the baseline {}", path.display()))?;
    Ok(count)
}

fn base_dir(path: &Path) -> PathBuf {
    let absolute = bulletin_core::config::absolute(path);
    absolute
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
}

fn entry(dir: &Path, file: &ReportFile<'_>, diagnostic: &Diagnostic) -> Entry {
    let absolute = bulletin_core::config::absolute(Path::new(&file.name));
    let relative = absolute.strip_prefix(dir).unwrap_or(&absolute);
    let path = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let text = file.text.as_deref().unwrap_or("");
    let start = floor_char(text, diagnostic.range.start.min(text.len()));
    let end = floor_char(text, diagnostic.range.end.clamp(start, text.len()));
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

/// The largest char boundary at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
