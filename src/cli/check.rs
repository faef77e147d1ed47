//! `bulletin check`, `bulletin symbols`, `bulletin parse`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::baseline;
use super::baseline::Baseline;
use super::output::{self, Positions, Report, ReportFile};
use super::spill::{FindingStore, Kept};
use super::{
    CheckArgs, ColorChoice, OutputFormat, SymbolsFormat, EXIT_ERRORS, EXIT_OK, EXIT_TROUBLE,
};
use bulletin_core::analysis::{self, ArchiveSummary, FileSummary, SourceFile};
use bulletin_core::config::{absolute, Config};
use bulletin_core::diagnostic::{Diagnostic, FileId, PackedDiagnostics, Severity};
use bulletin_core::fix;
use bulletin_core::line_index::LineIndex;
use bulletin_core::outline;
use bulletin_core::syntax;

/// One file to check. A check holds one per file of the archive until its
/// report is written, so it is small (56 bytes): its name is its path.
struct Input {
    source: Source,
    /// The text when it is held (standard input; every file with `--fix`),
    /// or why it cannot be read; `None` for a file read when it is judged
    /// and let go once judged.
    text: Option<Box<Result<String, String>>>,
    config: Arc<Config>,
    /// `false` for a file of the archive the others are judged against.
    shown: bool,
}

enum Source {
    /// A file on disk, as found (without `./`).
    File(Box<Path>),
    /// Standard input, and `--stdin-filename` when given.
    Stdin(Option<PathBuf>),
}

impl Input {
    /// On disk; `None` for standard input.
    fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::File(path) => Some(path),
            Source::Stdin(_) => None,
        }
    }

    /// As output shows it: the path as given or found, `--stdin-filename`,
    /// or `-`.
    fn name(&self) -> Cow<'_, str> {
        match &self.source {
            Source::File(path) => display_name(path),
            Source::Stdin(Some(name)) => name.to_string_lossy(),
            Source::Stdin(None) => Cow::Borrowed("-"),
        }
    }

    /// Absolute, for matching `[per-file-ignores]`: the file's path, or
    /// `--stdin-filename` for standard input.
    fn config_path(&self) -> Option<PathBuf> {
        match &self.source {
            Source::File(path) => Some(absolute(path)),
            Source::Stdin(name) => name.as_deref().map(absolute),
        }
    }

    /// The text when it is held, or why it cannot be read.
    fn held(&self) -> Option<&Result<String, String>> {
        self.text.as_deref()
    }
}

/// One file judged on its own, its text and model let go.
enum Judged {
    /// Read and judged: its own findings (default severities), what the
    /// cross-file rules need, and where its findings are on its lines.
    Text {
        own: PackedDiagnostics,
        summary: FileSummary,
        positions: Positions,
        len: usize,
    },
    /// Why it could not be read.
    Unreadable(String),
}

/// Reads one file as text, or says why it cannot be checked.
fn read_input(path: &Path) -> Result<String, String> {
    match std::fs::read(path) {
        Err(err) => Err(format!("cannot read the file: {err}")),
        Ok(bytes) => String::from_utf8(bytes).map_err(|err| {
            format!(
                "the file is not UTF-8 text (the first bad byte is at offset {}); it was not checked",
                err.utf8_error().valid_up_to()
            )
        }),
    }
}

/// Judges one file on its own with the analysis every face shares, and
/// keeps only its findings, its summary for the cross-file rules and the
/// places of the offsets those point at: the text and model are let go.
fn judge(input: &Input, file: FileId) -> Judged {
    let read;
    let text = match input.held() {
        Some(Ok(text)) => text.as_str(),
        Some(Err(problem)) => return Judged::Unreadable(problem.clone()),
        None => match input.path().map(read_input) {
            Some(Ok(text)) => {
                read = text;
                read.as_str()
            }
            Some(Err(problem)) => return Judged::Unreadable(problem),
            None => "",
        },
    };
    let (_, analysis) = analysis::analyze(text, &input.config);
    let summary = FileSummary::of(file, &analysis);
    let own = analysis.diagnostics;
    // Cross-file findings are few: their files are read again to place them.
    let positions = Positions::of(text, output::finding_offsets(&own));
    Judged::Text {
        own: PackedDiagnostics::pack(own),
        summary,
        positions,
        len: text.len(),
    }
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

    // One arena per worker: the main thread, which keeps the archive's
    // summary and the report, shares one (256 MB archive: 18.3 → 17.4 MB).
    crate::malloc::limit_arenas(crate::malloc::rayon_threads());

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
    if let Some(file) = &args.show_settings {
        let config = configs.for_dir(
            &absolute(file)
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        )?;
        show_settings(file, &config, args.config.as_deref())?;
        return Ok(EXIT_OK);
    }
    let from_stdin = args.paths.len() == 1 && args.paths[0] == Path::new("-");
    if args.stdin_filename.is_some() && !from_stdin {
        anyhow::bail!(
            "--stdin-filename names standard input: give `-` as the only path to read it"
        );
    }
    if args.statistics
        && matches!(
            args.format,
            OutputFormat::Sarif | OutputFormat::Github | OutputFormat::Junit
        )
    {
        anyhow::bail!(
            "--statistics prints a table (--format human or concise) or JSON (--format json or json-lines), not {}",
            match args.format {
                OutputFormat::Sarif => "SARIF",
                OutputFormat::Github => "GitHub annotations",
                _ => "JUnit XML",
            }
        );
    }
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
            source: Source::Stdin(args.stdin_filename.clone()),
            config: configs.for_dir(config_path.parent().unwrap_or(&config_path))?,
            text: Some(Box::new(Ok(text))),
            shown: true,
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
        let mut paths = collected.files;
        // Submissions judged against an archive: the files to report, by identity.
        let mut submitted: Option<std::collections::HashSet<PathBuf>> = None;
        if let Some(archive) = &args.archive {
            let around = bulletin_core::discovery::collect(
                std::slice::from_ref(archive),
                configs.explicit.as_deref(),
            )?;
            for problem in &around.problems {
                eprintln!("bulletin: {problem}");
                trouble = true;
            }
            submitted = Some(paths.iter().map(|path| identity(path)).collect());
            paths.extend(around.files);
            paths = bulletin_core::discovery::dedup(paths);
        } else if let Some(reference) = &args.changed_since {
            let changed = changed_since(reference)?;
            submitted = Some(
                paths
                    .iter()
                    .map(|path| identity(path))
                    .filter(|path| changed.contains(path))
                    .collect(),
            );
        }
        if let Some(submitted) = &submitted {
            if submitted.is_empty() && !trouble && !args.allow_no_files {
                eprintln!(
                    "bulletin: no submitted file to check{}; pass --allow-no-files to accept that",
                    match &args.changed_since {
                        Some(reference) =>
                            format!(" (nothing the paths hold changed since `{reference}`)"),
                        None => String::new(),
                    }
                );
                return Ok(EXIT_TROUBLE);
            }
        }
        if paths.is_empty() {
            if trouble {
                // Every path named was missing: nothing was checked, and
                // standard output carries no report saying otherwise.
                return Ok(EXIT_TROUBLE);
            }
            if !args.allow_no_files {
                eprintln!("bulletin: {}", super::no_files_message(&roots));
                return Ok(EXIT_TROUBLE);
            }
        }
        if args.show_files {
            let given: std::collections::HashSet<PathBuf> =
                roots.iter().map(|root| identity(root)).collect();
            let mut stdout = std::io::stdout().lock();
            for path in &paths {
                let role = match &submitted {
                    Some(submitted) if !submitted.contains(&identity(path)) => {
                        ", archive: for cross-file rules only"
                    }
                    _ => "",
                };
                let why = if given.contains(&identity(path)) {
                    "named on the command line".to_string()
                } else if path.extension().is_some_and(|ext| ext == "bulletin") {
                    "a `*.bulletin` file".to_string()
                } else {
                    let config = configs.for_dir(
                        &absolute(path)
                            .parent()
                            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                    )?;
                    format!("matched by `include = {:?}`", config.include)
                };
                writeln!(stdout, "{}  ({why}{role})", display_name(path))?;
            }
            return Ok(if trouble { EXIT_TROUBLE } else { EXIT_OK });
        }
        progress = Progress::new(
            show_progress && paths.len() >= PROGRESS_MIN_FILES,
            paths.len(),
            if fixing { "reading" } else { "checking" },
        );
        for path in paths {
            let shown = submitted
                .as_ref()
                .is_none_or(|submitted| submitted.contains(&identity(&path)));
            let config_path = absolute(&path);
            inputs.push(Input {
                source: Source::File(path.into_boxed_path()),
                config: configs.for_dir(config_path.parent().unwrap_or(&config_path))?,
                text: None,
                shown,
            });
        }
        if fixing {
            // Fixes need every text at once: they are held.
            inputs.par_iter_mut().for_each(|input| {
                input.text = input.path().map(|path| Box::new(read_input(path)));
                progress.tick();
            });
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
        let config_paths: Vec<Option<PathBuf>> = inputs.iter().map(Input::config_path).collect();
        let outcomes = fix::fix_files(&sources_of(&inputs, &config_paths), args.unsafe_fixes);
        for _ in &outcomes {
            progress.tick();
        }
        let mut stdout = std::io::stdout().lock();
        let readable = inputs.iter_mut().filter_map(|input| {
            let name = input.name().into_owned();
            let path = input.path().map(Path::to_path_buf);
            match input.text.as_deref_mut() {
                Some(Ok(text)) => Some((name, path, text)),
                _ => None,
            }
        });
        for ((name, path, text), outcome) in readable.zip(outcomes) {
            let changed = outcome.text != *text;
            if args.diff {
                if changed {
                    would_change = true;
                    fixed_total += outcome.fixes_applied;
                    write_diff(&mut stdout, &name, text, &outcome.text)?;
                }
                continue;
            }
            if path.is_none() {
                // Standard input: the (possibly unchanged) text goes back out.
                stdout.write_all(outcome.text.as_bytes())?;
            }
            if !changed {
                continue;
            }
            if let Some(path) = path {
                if let Err(err) = write_atomically(&path, &outcome.text) {
                    eprintln!("bulletin: cannot write fixes to {name}: {err:#}");
                    trouble = true;
                    continue;
                }
            }
            fixed_total += outcome.fixes_applied;
            *text = outcome.text;
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

    // Each file judged on its own, in parallel, as a stream: a file's text
    // is read, judged and let go. Files are taken a batch at a time and each
    // batch's summaries folded into the archive's, in the files' order, so
    // that what is held is the archive summary and one batch's.
    progress.phase("checking", inputs.len());
    // The report's files, in the discovery's order, readable or not, each
    // with its own findings until the cross-file rules have run.
    let mut files: Vec<ReportFile<'_>> = Vec::with_capacity(inputs.len());
    // Held texts are few and small (standard input) or held anyway (`--fix`).
    let store = FindingStore::new(from_stdin || fixing);
    // The input each of `files` is (`None`: it could not be read).
    let mut input_of: Vec<Option<u32>> = Vec::with_capacity(inputs.len());
    let mut archive = ArchiveSummary::default();
    let mut archive_config: Option<&Config> = None;
    let batch = rayon::current_num_threads().max(1) * JUDGED_PER_THREAD;
    // Folds a judged batch (its first file's index, its results) into the
    // archive summary and the report, in the files' order.
    let mut fold = |first: usize, judged: &mut Vec<Judged>| {
        let inputs_of_batch = inputs.get(first..).unwrap_or_default();
        for (at, (input, judged)) in inputs_of_batch.iter().zip(judged.drain(..)).enumerate() {
            let index = first + at;
            match judged {
                Judged::Text {
                    own,
                    summary,
                    positions,
                    len,
                } => {
                    let config = *archive_config.get_or_insert(&input.config);
                    archive.add(summary, config);
                    input_of.push(u32::try_from(index).ok());
                    files.push(ReportFile {
                        name: input.name(),
                        path: input.path(),
                        text: match input.held() {
                            Some(Ok(text)) => Some(Cow::Borrowed(text.as_str())),
                            _ => None,
                        },
                        len,
                        positions,
                        findings: store.keep_packed(own),
                        store: &store,
                        shown: input.shown,
                    });
                }
                Judged::Unreadable(problem) => {
                    if !input.shown {
                        // An unreadable page of the archive: said, but not a finding.
                        eprintln!("bulletin: {}: {problem}", input.name());
                        continue;
                    }
                    trouble = true;
                    input_of.push(None);
                    files.push(unreadable_file(input.name(), problem, &store));
                }
            }
        }
    };
    // A batch is folded while the next is judged (the fold, on one thread,
    // would otherwise leave the others waiting).
    let mut folding: (usize, Vec<Judged>) = (0, Vec::with_capacity(batch));
    let mut judged: Vec<Judged> = Vec::with_capacity(batch);
    for (batch_index, inputs_of_batch) in inputs.chunks(batch).enumerate() {
        // The index of the batch's first file among all the inputs.
        let first = batch_index * batch;
        rayon::join(
            || fold(folding.0, &mut folding.1),
            || {
                inputs_of_batch
                    .par_iter()
                    .enumerate()
                    .map(|(at, input)| {
                        let index = first + at;
                        let judged = judge(input, FileId(u32::try_from(index).unwrap_or(u32::MAX)));
                        progress.tick();
                        judged
                    })
                    .collect_into_vec(&mut judged);
            },
        );
        std::mem::swap(&mut folding.1, &mut judged);
        folding.0 = first;
    }
    fold(folding.0, &mut folding.1);
    drop(judged);
    progress.finish();
    // The cross-file rules over the summaries, as the server runs them.
    let name_of = |file: FileId| {
        inputs
            .get(file.0 as usize)
            .map_or_else(String::new, |input| input.name().into_owned())
    };
    let default_config = Config::default();
    let cross = archive.diagnostics(archive_config.unwrap_or(&default_config), &name_of);
    finish_files(&mut files, &input_of, &inputs, cross);
    let baseline_of: Vec<Option<PathBuf>> = input_of
        .iter()
        .map(|index| {
            let input = inputs.get((*index)? as usize)?;
            args.baseline
                .clone()
                .or_else(|| input.config.baseline.clone())
        })
        .collect();
    if args.write_baseline.is_some() || baseline_of.iter().any(Option::is_some) {
        // A baseline matches findings by the text around them: read again.
        for file in &mut files {
            if file.text.is_none() && !file.findings.is_empty() {
                file.text = file.text_again().map(|text| Cow::Owned(text.into_owned()));
            }
        }
    }
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &files)?;
        if !args.quiet {
            eprintln!(
                "bulletin: wrote {} to {}",
                match count {
                    1 => "1 finding".to_string(),
                    n => format!("{n} findings"),
                },
                path.display()
            );
        }
        return Ok(if trouble { EXIT_TROUBLE } else { EXIT_OK });
    }
    let mut baselines: Vec<(PathBuf, Baseline)> = Vec::new();
    for (file, wanted) in files.iter_mut().zip(&baseline_of) {
        let Some(wanted) = wanted else { continue };
        let at = match baselines.iter().position(|(path, _)| path == wanted) {
            Some(at) => at,
            None => {
                baselines.push((wanted.clone(), Baseline::load(wanted)?));
                baselines.len() - 1
            }
        };
        if let Some((_, baseline)) = baselines.get_mut(at) {
            let diagnostics = file
                .diagnostics()
                .into_iter()
                .filter(|diagnostic| !baseline.forgive(file, diagnostic))
                .collect();
            file.findings = store.keep(diagnostics);
        }
    }
    if !args.quiet {
        for (path, baseline) in &baselines {
            let gone = baseline.disappeared();
            if gone > 0 {
                eprintln!(
                    "bulletin: {} recorded in {} no longer {}; tighten the baseline with --write-baseline {}",
                    match gone {
                        1 => "1 finding".to_string(),
                        n => format!("{n} findings"),
                    },
                    path.display(),
                    if gone == 1 { "occurs" } else { "occur" },
                    path.display()
                );
            }
        }
    }
    let terminal = if args.output_file.is_some() {
        false
    } else if report_to_stderr {
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
        warnings_as_errors: args.warnings_as_errors,
    };
    let mut out: Box<dyn Write> = if let Some(path) = &args.output_file {
        Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write the report to {}", path.display()))?,
        ))
    } else if report_to_stderr {
        Box::new(std::io::stderr().lock())
    } else {
        // A report of many findings is many small writes.
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    };
    if args.statistics {
        output::statistics(args.format, &report, &mut out)?;
    } else {
        output::emit(args.format, &report, &mut out)?;
    }
    out.flush()?;

    if store.lost_any() {
        eprintln!(
            "bulletin: findings kept in a temporary file could not be read back: the report is missing some"
        );
        trouble = true;
    }
    if trouble {
        return Ok(EXIT_TROUBLE);
    }
    let failing = files
        .iter()
        .flat_map(ReportFile::diagnostics)
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

/// `--show-settings FILE`: the resolved configuration, each value with
/// where it comes from, in `bulletin.toml` syntax.
fn show_settings(file: &Path, config: &Config, explicit: Option<&Path>) -> anyhow::Result<()> {
    use bulletin_core::config::RuleLevel;
    use bulletin_core::rules::Rule;

    let defaults = Config::default();
    let source = match explicit {
        Some(path) => path.display().to_string(),
        None => match Config::discover(
            &absolute(file)
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ) {
            Some(path) => path.display().to_string(),
            None => "none".to_string(),
        },
    };
    let from = |is_default: bool| {
        if is_default {
            "default".to_string()
        } else {
            source.clone()
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "# Settings for {}", file.display())?;
    writeln!(out, "# configuration file: {source}")?;
    writeln!(
        out,
        "publications = {:?}  # {}",
        config.publications,
        from(config.publications == defaults.publications)
    )?;
    writeln!(
        out,
        "house-dash = {:?}  # {}",
        config.house_dash,
        from(config.house_dash == defaults.house_dash)
    )?;
    writeln!(
        out,
        "cadence-days = {}  # {}",
        config.cadence_days,
        from(config.cadence_days == defaults.cadence_days)
    )?;
    writeln!(
        out,
        "too-early-days = {}  # {}",
        config.too_early_days,
        from(config.too_early_days == defaults.too_early_days)
    )?;
    writeln!(
        out,
        "include = {:?}  # {}",
        config.include,
        from(config.include.is_empty())
    )?;
    match &config.baseline {
        Some(path) => writeln!(
            out,
            "baseline = {:?}  # {source}",
            path.display().to_string()
        )?,
        None => writeln!(out, "# baseline: none")?,
    }
    let ignored = config.ignored_rules(&absolute(file));
    writeln!(out, "\n[rules]")?;
    for rule in Rule::ALL {
        let (level, why) = match config.rule_levels.get(&rule) {
            Some(RuleLevel::Off) => (
                "off".to_string(),
                "set (bulletin.toml, --select or --ignore)".to_string(),
            ),
            Some(RuleLevel::On(severity)) => (severity.as_str().to_string(), source.clone()),
            None => (
                rule.default_severity().as_str().to_string(),
                "default".to_string(),
            ),
        };
        let why = if ignored.contains(&rule) {
            format!("{why}; ignored for this file by [per-file-ignores]")
        } else {
            why
        };
        writeln!(out, "{} = {level:?}  # {why}", rule.name())?;
    }
    Ok(())
}

/// What makes two spellings of a path the same file.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
}

/// The files changed since the git `reference` (committed, staged or not,
/// and new files git does not ignore), by identity.
fn changed_since(reference: &str) -> anyhow::Result<std::collections::HashSet<PathBuf>> {
    let git = |args: &[&str]| -> anyhow::Result<Vec<u8>> {
        let output = std::process::Command::new("git")
            .args(args)
            .output()
            .context("cannot run git for --changed-since")?;
        if !output.status.success() {
            anyhow::bail!(
                "--changed-since {reference}: git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(output.stdout)
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let mut names = git(&[
        "diff",
        "--name-only",
        "-z",
        "--diff-filter=d",
        reference,
        "--",
    ])?;
    names.push(0);
    names.extend(git(&[
        "ls-files",
        "-z",
        "--others",
        "--exclude-standard",
        "--full-name",
    ])?);
    Ok(names
        .split(|&byte| byte == 0)
        .filter(|name| !name.is_empty())
        .map(|name| identity(&top.join(String::from_utf8_lossy(name).as_ref())))
        .collect())
}

/// Fewer files than this are checked too fast for a progress bar to help.
const PROGRESS_MIN_FILES: usize = 50;

/// How many files each thread judges between two folds into the archive
/// summary: enough that the threads rarely wait for one another at the end
/// of a batch, few enough that a batch's summaries stay small.
const JUDGED_PER_THREAD: usize = 64;

/// A file that could not be read, in the report: one `io-error` finding.
fn unreadable_file<'a>(
    name: Cow<'a, str>,
    problem: String,
    store: &'a FindingStore,
) -> ReportFile<'a> {
    use bulletin_core::rules::Rule;
    use bulletin_core::text_range::TextRange;

    ReportFile {
        name,
        path: None,
        text: Some(Cow::Borrowed("")),
        len: 0,
        positions: Positions::default(),
        findings: store.keep(vec![Diagnostic::new(
            Rule::IoError,
            TextRange::empty(0),
            problem,
        )]),
        store,
        shown: true,
    }
}

/// Completes the findings of the report's files, each the input
/// `input_of` says: its own and the cross-file ones (`cross`, sorted by
/// file), configured, sorted, related locations renumbered to the report's
/// order; a file of the archive around the ones shown keeps none. Then
/// places what was not placed when the files were judged.
fn finish_files(
    files: &mut [ReportFile<'_>],
    input_of: &[Option<u32>],
    inputs: &[Input],
    cross: Vec<(FileId, Diagnostic)>,
) {
    let mut position_of = vec![0u32; inputs.len()];
    for (at, index) in input_of.iter().enumerate() {
        if let Some(place) = index.and_then(|index| position_of.get_mut(index as usize)) {
            *place = u32::try_from(at).unwrap_or(u32::MAX);
        }
    }
    let mut cross = cross.into_iter().peekable();
    for (file, index) in files.iter_mut().zip(input_of) {
        let Some((index, input)) =
            index.and_then(|index| Some((index, inputs.get(index as usize)?)))
        else {
            continue;
        };
        // Files come in the inputs' order, and so do the cross-file findings.
        while cross.next_if(|(other, _)| other.0 < index).is_some() {}
        let mut own_cross = Vec::new();
        while let Some((_, diagnostic)) = cross.next_if(|(other, _)| other.0 == index) {
            own_cross.push(diagnostic);
        }
        if !input.shown {
            file.findings = Kept::default();
            continue;
        }
        let mut diagnostics = analysis::finish(
            file.diagnostics(),
            own_cross,
            &input.config,
            input.config_path().as_deref(),
        );
        for diagnostic in &mut diagnostics {
            for related in &mut diagnostic.related {
                if let Some(FileId(other)) = related.file {
                    if let Some(&at) = position_of.get(other as usize) {
                        related.file = Some(FileId(at));
                    }
                }
            }
        }
        file.findings = file.store.keep(diagnostics);
    }
    place_the_rest(files);
}

/// Places the offsets the report points at that were not placed when their
/// file was judged (cross-file findings, related locations in other files):
/// those files are read again, in parallel.
fn place_the_rest(files: &mut [ReportFile<'_>]) {
    use rayon::prelude::*;
    let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (at, file) in files.iter().enumerate() {
        for diagnostic in &file.diagnostics() {
            if let Some(offsets) = wanted.get_mut(at) {
                offsets.extend(output::finding_offsets(std::slice::from_ref(diagnostic)));
            }
            for related in &diagnostic.related {
                if let Some(FileId(other)) = related.file {
                    if let Some(offsets) = wanted.get_mut(other as usize) {
                        offsets.extend([related.range.start, related.range.end]);
                    }
                }
            }
        }
    }
    files
        .par_iter_mut()
        .zip(wanted)
        .for_each(|(file, offsets)| {
            let missing: Vec<usize> = offsets
                .into_iter()
                .filter(|offset| !file.positions.has(*offset))
                .collect();
            if missing.is_empty() {
                return;
            }
            let placed = file
                .text_again()
                .map(|text| Positions::of(&text, missing.into_iter()));
            if let Some(placed) = placed {
                file.positions.merge(placed);
            }
        });
}

/// The readable inputs as the analysis takes them, with their configuration
/// paths (`Input::config_path`, one per input).
fn sources_of<'a>(inputs: &'a [Input], config_paths: &'a [Option<PathBuf>]) -> Vec<SourceFile<'a>> {
    inputs
        .iter()
        .zip(config_paths)
        .filter_map(|(input, config_path)| match input.held() {
            Some(Ok(text)) => Some(SourceFile {
                name: input.name().into_owned(),
                path: config_path.as_deref(),
                text,
                config: &input.config,
            }),
            _ => None,
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
fn display_name(path: &Path) -> Cow<'_, str> {
    let mut path = path;
    while let Ok(rest) = path.strip_prefix(".") {
        if rest.as_os_str().is_empty() {
            break;
        }
        path = rest;
    }
    path.to_string_lossy()
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never half of one. A
/// symbolic link is followed, so the link stays a link. The new file keeps
/// the old one's mode, owner and group. A file with other hard links is
/// rewritten in place (after the temporary copy is safely on disk), so
/// every link keeps seeing it. A read-only file, or a file in a read-only
/// folder, is refused even when we could write it anyway (as root does),
/// and the message says which of the two is read-only.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let metadata = std::fs::metadata(&path)?;
    let permissions = metadata.permissions();
    if permissions.readonly() {
        anyhow::bail!("the file is read-only");
    }
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder_read_only =
        || std::fs::metadata(dir).is_ok_and(|folder| folder.permissions().readonly());
    if folder_read_only() {
        anyhow::bail!(
            "the folder {} is read-only, so no temporary file can be written beside the file",
            dir.display()
        );
    }
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
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::PermissionDenied => {
                anyhow::bail!(
                    "the folder {} is not writable, so no temporary file can be written beside the file: {err}",
                    dir.display()
                )
            }
            Err(err) => return Err(err.into()),
        };
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temp, permissions.clone())?;
        if rewrite_in_place(&metadata, &file) {
            // Other hard links (or an owner we cannot give the new file):
            // the temporary copy is on disk; now the file itself is rewritten.
            let mut target = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&path)?;
            target.write_all(text.as_bytes())?;
            target.sync_all()?;
            std::fs::remove_file(&temp)?;
        } else {
            std::fs::rename(&temp, &path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Whether a fix must rewrite the file in place rather than rename a new
/// file over it: when it has other hard links (a rename would split them
/// from it), or when the new file cannot be given the old one's owner and
/// group.
#[cfg(unix)]
fn rewrite_in_place(old: &std::fs::Metadata, new: &std::fs::File) -> bool {
    use std::os::unix::fs::MetadataExt;
    if old.nlink() > 1 {
        return true;
    }
    let owned_alike = new
        .metadata()
        .is_ok_and(|meta| meta.uid() == old.uid() && meta.gid() == old.gid());
    if owned_alike {
        return false;
    }
    std::os::unix::fs::fchown(new, Some(old.uid()), Some(old.gid())).is_err()
}

#[cfg(not(unix))]
fn rewrite_in_place(_old: &std::fs::Metadata, _new: &std::fs::File) -> bool {
    false
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
            serde_json::to_string_pretty(&bulletin_core::report::OutlineRecord::new(&outline))?
        )?,
        SymbolsFormat::Human => output::outline_human(&outline, &mut stdout)?,
    }
    Ok(EXIT_OK)
}

pub(super) fn parse(file: &Path) -> anyhow::Result<u8> {
    let text = read_text(file)?;
    match syntax::parse(&text) {
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
