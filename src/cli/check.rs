//! `bulletin check`, `bulletin symbols`, `bulletin parse`.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::output::{self, Report, ReportFile};
use super::{walk, CheckArgs, ColorChoice, SymbolsFormat, EXIT_ERRORS, EXIT_OK, EXIT_TROUBLE};
use crate::analysis::{self, SourceFile};
use crate::config::Config;
use crate::diagnostic::Severity;
use crate::fix;
use crate::line_index::LineIndex;
use crate::outline;
use crate::syntax;

struct Input {
    /// As shown in output: the path as given or found.
    name: String,
    /// On disk; `None` for standard input.
    path: Option<PathBuf>,
    text: String,
    config: Arc<Config>,
}

pub(super) fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let select = super::parse_rules(&args.select)?;
    let ignore = super::parse_rules(&args.ignore)?;
    let explicit_config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(Arc::new(
                Config::from_toml(&text, path.parent())
                    .with_context(|| path.display().to_string())?,
            ))
        }
        None => None,
    };
    let mut configs = ConfigCache {
        explicit: explicit_config,
        by_dir: HashMap::new(),
    };
    let mut trouble = false;
    let mut inputs = Vec::new();
    if args.paths.len() == 1 && args.paths[0] == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"));
        let dir = name.parent().map(Path::to_path_buf).unwrap_or_default();
        inputs.push(Input {
            name: name.display().to_string(),
            path: None,
            text,
            config: configs.for_dir(&absolute(&dir))?,
        });
    } else {
        let roots = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        for path in walk::collect(&roots)? {
            match std::fs::read(&path) {
                Err(err) => {
                    eprintln!("bulletin: cannot read {}: {err}", path.display());
                    trouble = true;
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Err(_) => {
                        eprintln!("bulletin: {} is not UTF-8 text; skipped", path.display());
                        trouble = true;
                    }
                    Ok(text) => {
                        let dir = absolute(path.parent().unwrap_or(Path::new(".")));
                        inputs.push(Input {
                            name: path.display().to_string(),
                            config: configs.for_dir(&dir)?,
                            path: Some(path),
                            text,
                        });
                    }
                },
            }
        }
    }

    let mut fixed_total = 0;
    if args.fix {
        for input in &mut inputs {
            let path = input.path.as_deref().map(absolute);
            let outcome = fix::fix_text(
                &input.text,
                &input.config,
                path.as_deref(),
                args.unsafe_fixes,
            );
            if outcome.text == input.text {
                continue;
            }
            fixed_total += outcome.fixes_applied;
            match &input.path {
                Some(path) => {
                    if let Err(err) = write_atomically(path, &outcome.text) {
                        eprintln!(
                            "bulletin: cannot write fixes to {}: {err:#}",
                            path.display()
                        );
                        trouble = true;
                        continue;
                    }
                }
                None => {
                    std::io::stdout().write_all(outcome.text.as_bytes())?;
                }
            }
            input.text = outcome.text;
        }
    }

    let absolute_paths: Vec<Option<PathBuf>> = inputs
        .iter()
        .map(|input| input.path.as_deref().map(absolute))
        .collect();
    let sources: Vec<SourceFile<'_>> = inputs
        .iter()
        .zip(&absolute_paths)
        .map(|(input, path)| SourceFile {
            name: input.name.clone(),
            path: path.as_deref(),
            text: &input.text,
            config: &input.config,
        })
        .collect();
    let checked = analysis::check_files(&sources);
    let files: Vec<ReportFile> = inputs
        .iter()
        .zip(checked)
        .map(|(input, checked)| {
            let diagnostics = checked
                .diagnostics
                .into_iter()
                .filter(|diagnostic| select.is_empty() || select.contains(&diagnostic.rule))
                .filter(|diagnostic| !ignore.contains(&diagnostic.rule))
                .collect();
            ReportFile {
                name: input.name.clone(),
                text: &input.text,
                index: LineIndex::new(&input.text),
                diagnostics,
            }
        })
        .collect();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let report = Report {
        files: &files,
        color,
        quiet: args.quiet || (args.fix && args.paths.first().is_some_and(|p| p == Path::new("-"))),
        fixed: fixed_total,
    };
    let mut stdout = std::io::stdout().lock();
    output::emit(args.format, &report, &mut stdout)?;
    stdout.flush()?;

    if trouble {
        return Ok(EXIT_TROUBLE);
    }
    let failing = files
        .iter()
        .flat_map(|file| &file.diagnostics)
        .any(|diagnostic| {
            diagnostic.severity == Severity::Error
                || (args.warnings_as_errors && diagnostic.severity == Severity::Warning)
        });
    Ok(if failing && !args.exit_zero {
        EXIT_ERRORS
    } else {
        EXIT_OK
    })
}

/// One configuration per directory, found by walking up to `bulletin.toml`.
struct ConfigCache {
    explicit: Option<Arc<Config>>,
    by_dir: HashMap<PathBuf, Arc<Config>>,
}

impl ConfigCache {
    fn for_dir(&mut self, dir: &Path) -> anyhow::Result<Arc<Config>> {
        if let Some(config) = &self.explicit {
            return Ok(config.clone());
        }
        if let Some(config) = self.by_dir.get(dir) {
            return Ok(config.clone());
        }
        let config = Arc::new(Config::load_for(dir)?);
        self.by_dir.insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never half of one.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.bulletin-fix.{}", std::process::id()));
    let permissions = std::fs::metadata(path)?.permissions();
    if permissions.readonly() {
        anyhow::bail!("the file is read-only");
    }
    let result = (|| -> anyhow::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temp, permissions)?;
        std::fs::rename(&temp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn read_text(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

pub(super) fn symbols(file: &Path, format: SymbolsFormat) -> anyhow::Result<u8> {
    let text = read_text(file)?;
    let dir = absolute(file.parent().unwrap_or(Path::new(".")));
    let config = Config::load_for(&dir)?;
    let (_, analysis) = analysis::analyze(&text, &config);
    let index = LineIndex::new(&text);
    let outline = outline::outline(&analysis.document, &text, &index);
    let mut stdout = std::io::stdout().lock();
    match format {
        SymbolsFormat::Json => writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&output::outline_json(&outline))?
        )?,
        SymbolsFormat::Human => output::outline_human(&outline, &mut stdout)?,
    }
    Ok(EXIT_OK)
}

pub(super) fn parse(file: &Path) -> anyhow::Result<u8> {
    let text = read_text(file)?;
    match syntax::parse(&text, None) {
        Some(tree) => {
            print!("{}", syntax::render_tree(&tree, &text));
            Ok(EXIT_OK)
        }
        None => {
            eprintln!("bulletin: the parser could not be loaded");
            Ok(EXIT_TROUBLE)
        }
    }
}
