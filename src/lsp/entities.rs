//! The problems of the workspace's `entities.toml` (and of `[entities]` in
//! `bulletin.toml`), as diagnostics on those files. Entity features
//! themselves are `bulletin_core::ide::entities`'s.

use std::collections::BTreeMap;
use std::path::Path;

use tower_lsp_server::ls_types::{self as lsp, NumberOrString, Uri};

use super::convert::{self, Encoding, Lines, TextLines};
use bulletin_core::config::Config;
use bulletin_core::entities;
use bulletin_core::line_index::LineIndex;

/// The code of diagnostics about entity files.
pub(crate) const CONFIG_CODE: &str = "entities-config";

/// The problems of the configuration's entity files, per file, in LSP form.
pub(crate) fn config_diagnostics(
    config: &Config,
    encoding: Encoding,
) -> Vec<(Uri, Vec<lsp::Diagnostic>)> {
    let mut by_path: BTreeMap<&Path, Vec<&entities::EntityProblem>> = BTreeMap::new();
    for (path, problem) in &config.entity_problems {
        by_path.entry(path.as_path()).or_default().push(problem);
    }
    by_path
        .into_iter()
        .filter_map(|(path, problems)| {
            let uri = Uri::from_file_path(path)?;
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let index = LineIndex::new(&text);
            let lines = TextLines {
                text: &text,
                index: &index,
            };
            let diagnostics = problems
                .into_iter()
                .map(|problem| lsp::Diagnostic {
                    range: convert::range(lines.range(problem.range, encoding)),
                    severity: Some(lsp::DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String(CONFIG_CODE.to_string())),
                    source: Some("bulletin".to_string()),
                    message: problem.message.clone(),
                    ..lsp::Diagnostic::default()
                })
                .collect();
            Some((uri, diagnostics))
        })
        .collect()
}
