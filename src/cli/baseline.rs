//! The baseline file on disk for `bulletin check` (`--write-baseline`,
//! `--baseline`, `baseline = "…"`): JSON in and out. Matching findings is
//! the core's (`bulletin_core::baseline`), shared with the language server.

use std::path::Path;

use anyhow::Context;

use super::output::ReportFile;
use bulletin_core::baseline::{self as core_baseline, BaselineFile};
use bulletin_core::diagnostic::Diagnostic;

/// A loaded baseline, matching findings of the files a report shows.
pub(super) struct Baseline(core_baseline::Baseline);

impl Baseline {
    pub(super) fn load(path: &Path) -> anyhow::Result<Baseline> {
        load(path).map(Baseline)
    }

    /// Whether the baseline forgives `diagnostic` (each entry forgives one finding).
    pub(super) fn forgive(&mut self, file: &ReportFile<'_>, diagnostic: &Diagnostic) -> bool {
        self.0.forgive(
            Path::new(file.name.as_ref()),
            file.text.as_deref().unwrap_or(""),
            diagnostic,
        )
    }

    /// How many baselined findings did not occur: the baseline can be tightened.
    pub(super) fn disappeared(&self) -> usize {
        self.0.disappeared()
    }
}

/// Reads a baseline file (the language server reads it the same way).
pub(crate) fn load(path: &Path) -> anyhow::Result<core_baseline::Baseline> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let file: BaselineFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a bulletin baseline", path.display()))?;
    core_baseline::Baseline::from_file(path, file).map_err(anyhow::Error::msg)
}

/// Writes every finding of `files` (except `io-error`s) to `path`; returns how many.
pub(super) fn write(path: &Path, files: &[ReportFile<'_>]) -> anyhow::Result<usize> {
    let recorded = core_baseline::record(
        path,
        files.iter().map(|file| {
            (
                Path::new(file.name.as_ref()),
                file.text.as_deref().unwrap_or(""),
                file.diagnostics(),
            )
        }),
    );
    let count = recorded.findings.len();
    let text = serde_json::to_string_pretty(&recorded)?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("cannot write the baseline {}", path.display()))?;
    Ok(count)
}
