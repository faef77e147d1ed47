//! `bulletin entities`: who and what the archive talks about.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{SymbolsFormat, EXIT_OK, EXIT_TROUBLE};
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

pub(super) fn run(
    paths: &[PathBuf],
    format: SymbolsFormat,
    allow_no_files: bool,
) -> anyhow::Result<u8> {
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
    if files.is_empty() && !allow_no_files {
        eprintln!("bulletin: {}", super::no_files_message(&roots));
        return Ok(EXIT_TROUBLE);
    }
    let first_dir = files
        .first()
        .and_then(|file| file.parent())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let config = Config::load_for(&std::path::absolute(&first_dir).unwrap_or(first_dir))?;
    // A file that cannot be read, or is not UTF-8, is reported and skipped,
    // as `check` does: the others are still listed, and the exit code says 2.
    let mut texts = Vec::with_capacity(files.len());
    let mut read = Vec::with_capacity(files.len());
    let mut trouble = false;
    for file in files {
        match std::fs::read(&file) {
            Err(err) => {
                eprintln!("bulletin: cannot read {}: {err}", file.display());
                trouble = true;
            }
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => {
                    eprintln!("bulletin: {} is not UTF-8 text; skipped", file.display());
                    trouble = true;
                }
                Ok(text) => {
                    texts.push(text);
                    read.push(file);
                }
            },
        }
    }
    let files = read;
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
    Ok(if trouble { EXIT_TROUBLE } else { EXIT_OK })
}
