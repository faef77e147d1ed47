//! The command line: argument parsing, file discovery and I/O. Every
//! judgement comes from the analysis core; this layer only converts byte
//! ranges to lines and columns and formats them.

pub(crate) mod baseline;
mod check;
mod entities;
mod init;
mod output;
mod spill;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use bulletin_core::rules::Rule;

/// The end of `bulletin check --help`.
const CHECK_AFTER_HELP: &str = "\
Exit status:
  0  nothing at error severity (warnings, infos and hints may be printed)
  1  errors found; or warnings with --warnings-as-errors; or, with --diff, fixes to make
  2  trouble: nothing to check, a path that does not exist, a file that cannot be read
     or is not UTF-8, a bad bulletin.toml, an unknown rule, a fix that cannot be written

Examples:
  bulletin check                                  check the current directory
  bulletin check --format sarif archive/ > bulletin.sarif
  bulletin check --fix pages/2019-04.txt
  bulletin check --archive archive/ submission.txt
  bulletin explain dateline-dash                  what a rule flags, and why";

/// Exit status: no error found.
pub const EXIT_OK: u8 = 0;
/// Exit status: at least one error-severity diagnostic.
pub const EXIT_ERRORS: u8 = 1;
/// Exit status: usage or I/O error.
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "bulletin",
    version,
    about = "Checker and language server for bulletin markup"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// Print the outline of a file: archive title and articles.
    Symbols {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = SymbolsFormat::Human)]
        format: SymbolsFormat,
    },
    /// Print the syntax tree of a file.
    Parse { file: PathBuf },
    /// List every rule with its default severity and whether it can fix.
    Rules {
        #[arg(long, value_enum, default_value_t = SymbolsFormat::Human)]
        format: SymbolsFormat,
    },
    /// Explain a rule: what it flags, why, examples, configuration.
    Explain { rule: String },
    /// List the people, places, organisations and acronyms the files mention.
    Entities {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = SymbolsFormat::Human)]
        format: SymbolsFormat,
        /// Exit 0 when the paths hold no file (by default an error, exit 2).
        #[arg(long)]
        allow_no_files: bool,
    },
    /// Write a commented bulletin.toml for this folder, proposed from the pages found here.
    Init {
        /// Replace an existing bulletin.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from the command-line definition.
    Man,
    /// Run the language server over standard input and output.
    Lsp {
        /// How much to log (to stderr and the client's log).
        #[arg(long, value_enum, default_value_t = LogLevel::Info)]
        log_level: LogLevel,
        /// Accepted and ignored: standard input and output are the only
        /// transport, and clients such as vscode-languageclient pass it.
        #[arg(long, hide = true)]
        stdio: bool,
        /// The largest message the server reads, in bytes; a larger one is
        /// answered with an error and skipped.
        #[arg(long, value_name = "BYTES", default_value_t = crate::lsp::transport::DEFAULT_MAX_MESSAGE_BYTES)]
        max_message_size: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SymbolsFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with the span underlined, and a summary.
    Human,
    /// One line per diagnostic: `path:line:col: severity[rule] message`.
    Concise,
    /// A JSON array (the stable contract, see README).
    Json,
    /// One JSON object per line.
    JsonLines,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), shown as annotations.
    Github,
    /// JUnit XML: one test case per file, a failure per diagnostic.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
#[command(after_help = CHECK_AFTER_HELP)]
pub struct CheckArgs {
    /// Files (any name, taken as given) and directories (walked for `*.bulletin`
    /// and the `include` globs of bulletin.toml, honouring .gitignore); default
    /// the current directory. `-` alone reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Colour in the human format: `auto` colours on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print the files that would be checked, and why each is taken; check nothing.
    #[arg(long)]
    pub show_files: bool,
    /// Print the configuration that applies to FILE, and where each value comes from; check nothing.
    #[arg(long, value_name = "FILE")]
    pub show_settings: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Apply safe fixes to the files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Also apply fixes that change the text's content (with --fix).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 if there are any.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Print how often each rule fired (and how many are fixable) instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,
    /// Check only these rules (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not check these rules (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    pub warnings_as_errors: bool,
    /// Exit with status 0 even when errors are found.
    #[arg(long)]
    pub exit_zero: bool,
    /// Print only the diagnostics, without the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// The name to report (and to match configuration against) for standard input.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Use this configuration file instead of looking for `bulletin.toml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Exit 0 when the paths hold no file to check (by default that is an
    /// error, exit 2: a check that checked nothing must not look green).
    #[arg(long)]
    pub allow_no_files: bool,
    /// Record today's findings in FILE (a baseline) instead of reporting them; exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Judge the files given against the archive in DIR: cross-file rules see
    /// the whole archive, findings are reported for the given files only.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["fix", "diff", "changed_since"])]
    pub archive: Option<PathBuf>,
    /// Report only the files changed since the git REF (new files included),
    /// judged against the rest of the paths given.
    #[arg(long, value_name = "REF", conflicts_with_all = ["fix", "diff"])]
    pub changed_since: Option<String>,
    /// Report only the findings FILE does not record (overrides `baseline = "…"` in bulletin.toml).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            let code = if err.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_OK
            };
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Symbols { file, format } => check::symbols(&file, format),
        Command::Parse { file } => check::parse(&file),
        Command::Rules { format } => rules_table(format),
        Command::Explain { rule } => explain(&rule),
        Command::Init { force } => init::run(force),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "bulletin", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(anyhow::Error::from)
                .map(|()| EXIT_OK)
        }
        Command::Entities {
            paths,
            format,
            allow_no_files,
        } => entities::run(&paths, format, allow_no_files),
        Command::Lsp {
            log_level,
            max_message_size,
            ..
        } => return crate::lsp::run(log_level.as_str(), max_message_size),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that stopped early (`bulletin check | head`) is not an error.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::from(EXIT_OK)
        }
        Err(err) => {
            eprintln!("bulletin: {err:#}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

fn rules_table(format: SymbolsFormat) -> anyhow::Result<u8> {
    let mut stdout = std::io::stdout().lock();
    match format {
        SymbolsFormat::Json => {
            let rules: Vec<_> = Rule::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "name": rule.name(),
                        "severity": rule.default_severity().as_str(),
                        "fix": rule.fix_availability().as_str(),
                        "summary": rule.summary(),
                    })
                })
                .collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&rules)?)?;
        }
        SymbolsFormat::Human => {
            writeln!(
                stdout,
                "{:<28} {:<8} {:<10} summary",
                "rule", "severity", "fix"
            )?;
            for rule in Rule::ALL {
                writeln!(
                    stdout,
                    "{:<28} {:<8} {:<10} {}",
                    rule.name(),
                    rule.default_severity().as_str(),
                    rule.fix_availability().as_str(),
                    rule.summary()
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn explain(name: &str) -> anyhow::Result<u8> {
    match Rule::from_name(name) {
        Some(rule) => {
            print!("{}", rule.explanation());
            Ok(EXIT_OK)
        }
        None => {
            eprintln!("bulletin: {}", Rule::unknown_message(name));
            Ok(EXIT_TROUBLE)
        }
    }
}

/// What `check` and `entities` say when the paths given hold no file:
/// what was looked for, and how to take other names in.
fn no_files_message(roots: &[PathBuf]) -> String {
    let roots: Vec<String> = roots
        .iter()
        .map(|root| format!("`{}`", root.display()))
        .collect();
    format!(
        "no files to check in {}: directories are searched for `*.bulletin` files \
         and the names the `include` globs of bulletin.toml match, and none was found. \
         To check pages with other names, such as `.txt` archive pages, add \
         `include = [\"*.txt\"]` to bulletin.toml; \
         to accept an empty set of files, pass --allow-no-files",
        roots.join(", ")
    )
}

/// Parses rule names given on the command line.
fn parse_rules(names: &[String]) -> anyhow::Result<Vec<Rule>> {
    names
        .iter()
        .filter(|name| !name.is_empty())
        .map(|name| {
            Rule::from_name(name).ok_or_else(|| anyhow::anyhow!("{}", Rule::unknown_message(name)))
        })
        .collect()
}
