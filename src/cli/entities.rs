//! `bulletin entities`: who and what the archive talks about.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use super::{SymbolsFormat, EXIT_OK};
use bulletin_core::analysis;
use bulletin_core::config::Config;
use bulletin_core::entities;

#[derive(Serialize)]
struct JsonEntity<'a> {
    name: &'a str,
    kind: &'static str,
    aliases: &'a [String],
    mentions: usize,
    files: Vec<String>,
}

pub(super) fn run(paths: &[PathBuf], format: SymbolsFormat) -> anyhow::Result<u8> {
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let collected = bulletin_core::discovery::collect(&roots, None)?;
    if let Some(problem) = collected.problems.first() {
        anyhow::bail!("{problem}");
    }
    let files = collected.files;
    let first_dir = files
        .first()
        .and_then(|file| file.parent())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let config = Config::load_for(&std::path::absolute(&first_dir).unwrap_or(first_dir))?;
    let mut texts = Vec::with_capacity(files.len());
    for file in &files {
        texts.push(
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?,
        );
    }
    let analyses: Vec<analysis::FileAnalysis> = texts
        .iter()
        .map(|text| analysis::analyze(text, &config).1)
        .collect();
    let inputs: Vec<(&str, &[entities::ArticleEntities])> = texts
        .iter()
        .zip(&analyses)
        .map(|(text, analysis)| (text.as_str(), analysis.entities.as_slice()))
        .collect();
    let summaries = entities::summarize(&inputs, &config.gazetteer);
    let mut stdout = std::io::stdout().lock();
    let file_names = |indexes: &[usize]| -> Vec<String> {
        indexes
            .iter()
            .filter_map(|&index| files.get(index))
            .map(|path| path.display().to_string())
            .collect()
    };
    match format {
        SymbolsFormat::Json => {
            let items: Vec<JsonEntity<'_>> = summaries
                .iter()
                .map(|summary| JsonEntity {
                    name: &summary.name,
                    kind: summary.kind.as_str(),
                    aliases: &summary.aliases,
                    mentions: summary.mentions,
                    files: file_names(&summary.files),
                })
                .collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&items)?)?;
        }
        SymbolsFormat::Human => {
            for summary in &summaries {
                let aliases = if summary.aliases.is_empty() {
                    String::new()
                } else {
                    format!("  (also: {})", summary.aliases.join(", "))
                };
                writeln!(
                    stdout,
                    "{:>5}  {:<12} {}{aliases}",
                    summary.mentions,
                    summary.kind.as_str(),
                    summary.name
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}
