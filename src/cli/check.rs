//! `bulletin check`, `bulletin symbols`, `bulletin parse`.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::output::{self, Report, ReportFile};
use super::{
    CheckArgs, ColorChoice, OutputFormat, SymbolsFormat, EXIT_ERRORS, EXIT_OK, EXIT_TROUBLE,
};
use bulletin_core::analysis::{self, SourceFile};
use bulletin_core::config::{absolute, Config};
use bulletin_core::diagnostic::Severity;
use bulletin_core::fix;
use bulletin_core::line_index::LineIndex;
use bulletin_core::outline;
use bulletin_core::syntax;

struct Input {
    /// As shown in output: the path as given or found.
    name: String,
    /// On disk; `None` for standard input.
    path: Option<PathBuf>,
    /// Absolute, for matching `[per-file-ignores]`: the file's path, or
    /// `--stdin-filename` for standard input.
    config_path: Option<PathBuf>,
    text: String,
    config: Arc<Config>,
}

/// A progress bar on standard error, only for people watching a terminal.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(enabled: bool, len: usize, message: &'static str) -> Progress {
        if !enabled {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(len as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        Progress(Some(bar))
    }

    fn phase(&self, message: &'static str, len: usize) {
        if let Some(bar) = &self.0 {
            bar.set_position(0);
            bar.set_length(len as u64);
            bar.set_message(message);
        }
    }

    fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn color_for(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

pub(super) fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    use rayon::prelude::*;

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
        explicit: explicit_config
            .map(|config| Arc::new(Arc::unwrap_or_clone(config).restricted(&select, &ignore))),
        by_dir: HashMap::new(),
        select,
        ignore,
        entity_problems: Vec::new(),
    };
    let from_stdin = args.paths.len() == 1 && args.paths[0] == Path::new("-");
    let fixing = args.fix || args.diff;
    // With `--fix` on standard input, standard output carries the fixed text,
    // so the report goes to standard error.
    let report_to_stderr = from_stdin && args.fix && !args.diff;
    let show_progress = std::io::stderr().is_terminal()
        && args.format == OutputFormat::Human
        && !args.quiet
        && !report_to_stderr;
    let mut trouble = false;
    let mut inputs = Vec::new();
    let progress;
    if from_stdin {
        progress = Progress::new(false, 0, "");
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("-"));
        let config_path = absolute(&name);
        inputs.push(Input {
            name: name.display().to_string(),
            path: None,
            config: configs.for_dir(config_path.parent().unwrap_or(&config_path))?,
            config_path: args.stdin_filename.as_deref().map(absolute),
            text,
        });
    } else {
        let roots = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let collected = bulletin_core::discovery::collect(&roots, configs.explicit.as_deref())?;
        for problem in &collected.problems {
            eprintln!("bulletin: {problem}");
            trouble = true;
        }
        let paths = collected.files;
        progress = Progress::new(show_progress, paths.len(), "reading");
        let read: Vec<(PathBuf, std::io::Result<Vec<u8>>)> = paths
            .into_par_iter()
            .map(|path| {
                let bytes = std::fs::read(&path);
                progress.tick();
                (path, bytes)
            })
            .collect();
        for (path, bytes) in read {
            match bytes {
                Err(err) => {
                    eprintln!("bulletin: cannot read {}: {err}", display_name(&path));
                    trouble = true;
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Err(_) => {
                        eprintln!(
                            "bulletin: {} is not UTF-8 text; skipped",
                            display_name(&path)
                        );
                        trouble = true;
                    }
                    Ok(text) => {
                        let config_path = absolute(&path);
                        inputs.push(Input {
                            name: display_name(&path),
                            config: configs
                                .for_dir(config_path.parent().unwrap_or(&config_path))?,
                            config_path: Some(config_path),
                            path: Some(path),
                            text,
                        });
                    }
                },
            }
        }
    }

    // Problems in `entities.toml` are errors, as in `bulletin.toml`: the
    // file's other entries still count.
    for problem in &configs.entity_problems {
        eprintln!("bulletin: {problem}");
        trouble = true;
    }

    let mut fixed_total = 0;
    let mut would_change = false;
    if fixing {
        progress.phase("fixing", inputs.len());
        let outcomes = fix::fix_files(&sources_of(&inputs), args.unsafe_fixes);
        for _ in &outcomes {
            progress.tick();
        }
        let mut stdout = std::io::stdout().lock();
        for (input, outcome) in inputs.iter_mut().zip(outcomes) {
            let changed = outcome.text != input.text;
            if args.diff {
                if changed {
                    would_change = true;
                    fixed_total += outcome.fixes_applied;
                    write_diff(&mut stdout, &input.name, &input.text, &outcome.text)?;
                }
                continue;
            }
            if input.path.is_none() {
                // Standard input: the (possibly unchanged) text goes back out.
                stdout.write_all(outcome.text.as_bytes())?;
            }
            if !changed {
                continue;
            }
            if let Some(path) = &input.path {
                if let Err(err) = write_atomically(path, &outcome.text) {
                    eprintln!("bulletin: cannot write fixes to {}: {err:#}", input.name);
                    trouble = true;
                    continue;
                }
            }
            fixed_total += outcome.fixes_applied;
            input.text = outcome.text;
        }
        stdout.flush()?;
    }
    if args.diff {
        progress.finish();
        if !args.quiet {
            eprintln!(
                "{} would be fixed",
                match fixed_total {
                    1 => "1 problem".to_string(),
                    n => format!("{n} problems"),
                }
            );
        }
        return Ok(if trouble {
            EXIT_TROUBLE
        } else if would_change && !args.exit_zero {
            EXIT_ERRORS
        } else {
            EXIT_OK
        });
    }

    let sources = sources_of(&inputs);
    progress.phase("checking", sources.len());
    let checked = analysis::check_files_observed(&sources, &|| progress.tick());
    progress.finish();
    let files: Vec<ReportFile> = inputs
        .iter()
        .zip(checked)
        .map(|(input, checked)| ReportFile {
            name: input.name.clone(),
            text: &input.text,
            index: LineIndex::new(&input.text),
            diagnostics: checked.diagnostics,
        })
        .collect();
    let terminal = if report_to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let report = Report {
        files: &files,
        color: color_for(args.color, terminal),
        quiet: args.quiet,
        fixed: fixed_total,
        unsafe_fixes: args.unsafe_fixes,
    };
    let mut out: Box<dyn Write> = if report_to_stderr {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(std::io::stdout().lock())
    };
    if args.statistics {
        output::statistics(args.format, &report, &mut out)?;
    } else {
        output::emit(args.format, &report, &mut out)?;
    }
    out.flush()?;

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

/// The inputs as the analysis takes them.
fn sources_of(inputs: &[Input]) -> Vec<SourceFile<'_>> {
    inputs
        .iter()
        .map(|input| SourceFile {
            name: input.name.clone(),
            path: input.config_path.as_deref(),
            text: &input.text,
            config: &input.config,
        })
        .collect()
}

/// A unified diff of one file's fixes, with `a/` and `b/` headers as git shows them.
fn write_diff(out: &mut dyn Write, name: &str, old: &str, new: &str) -> anyhow::Result<()> {
    let diff = similar::TextDiff::from_lines(old, new);
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
    )?;
    Ok(())
}

/// One configuration per directory, found by walking up to `bulletin.toml`,
/// restricted to the rules `--select`/`--ignore` leave on.
struct ConfigCache {
    explicit: Option<Arc<Config>>,
    by_dir: HashMap<PathBuf, Arc<Config>>,
    select: Vec<bulletin_core::rules::Rule>,
    ignore: Vec<bulletin_core::rules::Rule>,
    /// Problems in the entity files of the configurations loaded, each once,
    /// as `path:line:column: message`.
    entity_problems: Vec<String>,
}

impl ConfigCache {
    fn for_dir(&mut self, dir: &Path) -> anyhow::Result<Arc<Config>> {
        if let Some(config) = &self.explicit {
            return Ok(config.clone());
        }
        if let Some(config) = self.by_dir.get(dir) {
            return Ok(config.clone());
        }
        let config = Config::load_for(dir)?;
        for (path, problem) in &config.entity_problems {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let position = LineIndex::new(&text).to_human(&text, problem.range.start);
            let line = format!(
                "{}:{}:{}: {}",
                path.display(),
                position.line,
                position.column,
                problem.message
            );
            if !self.entity_problems.contains(&line) {
                self.entity_problems.push(line);
            }
        }
        let config = Arc::new(config.restricted(&self.select, &self.ignore));
        self.by_dir.insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }
}

/// How output names a file: as found, without a leading `./`.
fn display_name(path: &Path) -> String {
    let mut path = path;
    while let Ok(rest) = path.strip_prefix(".") {
        if rest.as_os_str().is_empty() {
            break;
        }
        path = rest;
    }
    path.display().to_string()
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never half of one. A
/// symbolic link is followed, so the link stays a link. A read-only file is
/// refused even when we could write it anyway (as root does).
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let permissions = std::fs::metadata(&path)?.permissions();
    if permissions.readonly() {
        anyhow::bail!("the file is read-only");
    }
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{file_name}.bulletin-fix.{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> anyhow::Result<()> {
        // `create_new`: never write through something already at the temporary name.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temp, permissions)?;
        std::fs::rename(&temp, &path)?;
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
    let config = Config::load_for_file(file)?;
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
