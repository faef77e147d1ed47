//! Latency of `bulletin lsp` on a generated 5 MB archive, driven over stdio
//! like an editor: keystroke → publishDiagnostics, hover, documentSymbol,
//! and the server's peak memory.
//!
//! `cargo bench --bench lsp_latency` (set `BULLETIN_BIN` to measure another binary,
//! `BULLETIN_BENCH_MB` for another size).

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lsp_client::LspClient;
use serde_json::json;

const PLACES: [&str; 12] = [
    "ALMATY",
    "ASTANA",
    "BISHKEK",
    "TASHKENT",
    "DUSHANBE",
    "ASHGABAT",
    "BAKU",
    "TBILISI",
    "YEREVAN",
    "SAMARKAND",
    "OSH",
    "AKTAU",
];
const MONTHS: [&str; 12] = [
    "JAN.", "FEB.", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUG.", "SEPT.", "OCT.", "NOV.",
    "DEC.",
];
const ISSUE_MONTHS: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
const SUBJECTS: [&str; 8] = [
    "Grain exports",
    "Gas output",
    "Rail freight",
    "Bank lending",
    "Cotton prices",
    "Hydropower supply",
    "Mining licences",
    "Road tolls",
];
const VERBS: [&str; 4] = ["rise", "fall", "stall", "recover"];

/// A realistic archive of about `bytes` bytes: weekly issues, a few articles
/// each, some with house-style defects.
fn generate(bytes: usize) -> String {
    let mut out = String::from("Tag Archives: Central Asia\n\n");
    let mut issue = 100u32;
    let mut day_of_issue = jiff::civil::date(2010, 1, 8);
    let mut n = 0usize;
    while out.len() < bytes {
        for slot in 0..4 {
            n += 1;
            let place = PLACES[(n * 7) % PLACES.len()];
            let filed = day_of_issue - jiff::Span::new().days(((n % 5) + 1) as i64);
            let month = MONTHS[filed.month() as usize - 1];
            let dash = if n % 23 == 0 { "–" } else { "—" };
            let subject = SUBJECTS[n % SUBJECTS.len()];
            let verb = VERBS[(n / 3) % VERBS.len()];
            out.push_str(&format!(
                "{subject} {verb} in {} as ministry reports figures {n}\n\n",
                place.to_lowercase()
            ));
            out.push_str(&format!(
                "{place}, {month} {} {} (The Conway Bulletin) {dash} {subject} {verb} for the {} week in a row, officials said on Tuesday, citing data from the statistics committee and the central bank’s “weekly” review.\n\n",
                filed.day(),
                filed.year(),
                ["first", "second", "third"][slot % 3]
            ));
            out.push_str("Analysts said the figures reflected seasonal demand and higher prices on regional markets. Traders expect the trend to continue until the end of the quarter, when new contracts are signed with buyers in China and Russia.\n\n");
            out.push_str("The government has promised to publish a new strategy for the sector later this year, with targets for investment, output and exports. Critics say earlier strategies were not carried out.\n\n");
            out.push_str("Copyright ©The Conway Bulletin — all rights reserved\n\n");
            out.push_str(&format!(
                "(News report from Issue No. {issue}, published on {} {} {})\n\n",
                ISSUE_MONTHS[day_of_issue.month() as usize - 1],
                day_of_issue.day(),
                day_of_issue.year()
            ));
        }
        issue += 1;
        day_of_issue += jiff::Span::new().days(7);
    }
    out
}

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("BULLETIN_BIN") {
        return PathBuf::from(path);
    }
    if let Some(path) = option_env!("CARGO_BIN_EXE_bulletin") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/bulletin")
}

fn position(text: &str, offset: usize) -> serde_json::Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    json!({"line": line, "character": text[line_start..offset].encode_utf16().count()})
}

fn summary(name: &str, mut samples: Vec<Duration>, target: &str) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {name:<28} | {:>5} | {:>8.2} | {:>8.2} | {:>8.2} | {target:<10} |",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let megabytes: f64 = std::env::var("BULLETIN_BENCH_MB")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(5.0);
    let mut text = generate((megabytes * 1024.0 * 1024.0) as usize);
    let dir = std::env::temp_dir().join(format!("bulletin-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let uri = format!("file://{}/big.bulletin", dir.display());
    let binary = binary();
    println!("server: {}", binary.display());
    println!(
        "document: {:.2} MB, {} lines",
        text.len() as f64 / 1_048_576.0,
        text.lines().count()
    );
    let mut client = LspClient::spawn(&binary, &["lsp", "--log-level", "error"]);
    let pid = client.child.id();
    client.initialize(&["utf-16"], None);
    let opened = Instant::now();
    client.open(&uri, &text);
    let first = client.diagnostics(&uri, 1);
    let open_time = opened.elapsed();
    println!(
        "open → first diagnostics: {:.1} ms ({} diagnostics)",
        open_time.as_secs_f64() * 1000.0,
        first.len()
    );

    // Single-character edits spread across the file: type a letter into a
    // paragraph, then delete it.
    let paragraph_starts: Vec<usize> = text
        .match_indices("Analysts said")
        .map(|(at, _)| at)
        .collect();
    let edits = 300usize;
    let mut keystroke = Vec::new();
    let mut version = 1i64;
    for step in 0..edits {
        let at = paragraph_starts[(step * 7919) % paragraph_starts.len()] + 9;
        let (range, new_text, inserted) = if step % 2 == 0 {
            (
                json!({"start": position(&text, at), "end": position(&text, at)}),
                "x",
                true,
            )
        } else {
            let prev = paragraph_starts[((step - 1) * 7919) % paragraph_starts.len()] + 9;
            (
                json!({"start": position(&text, prev), "end": position(&text, prev + 1)}),
                "",
                false,
            )
        };
        version += 1;
        let sent = Instant::now();
        client.change(&uri, version, json!([{"range": range, "text": new_text}]));
        client.diagnostics(&uri, version);
        keystroke.push(sent.elapsed());
        if inserted {
            text.insert(at, 'x');
        } else {
            let prev = paragraph_starts[((step - 1) * 7919) % paragraph_starts.len()] + 9;
            text.remove(prev);
        }
    }

    let datelines: Vec<usize> = text
        .match_indices(" (The Conway")
        .map(|(at, _)| at)
        .collect();
    let mut hover = Vec::new();
    for step in 0..300 {
        let at = datelines[(step * 104_729) % datelines.len()] - 2;
        let sent = Instant::now();
        let result = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(&text, at)}),
        );
        hover.push(sent.elapsed());
        assert!(!result.is_null(), "hover found nothing");
    }
    let mut symbols = Vec::new();
    for _ in 0..20 {
        let sent = Instant::now();
        let result = client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        symbols.push(sent.elapsed());
        assert!(result.is_array());
    }
    let rss = peak_rss_kib(pid);
    println!();
    println!(
        "| measurement                  |     n | p50 (ms) | p95 (ms) | max (ms) | target     |"
    );
    println!(
        "|------------------------------|-------|----------|----------|----------|------------|"
    );
    summary("keystroke → diagnostics", keystroke, "p95 ≤ 20");
    summary("hover", hover, "p95 ≤ 2");
    summary("documentSymbol", symbols, "≤ 30");
    let text_mb = text.len() as f64 / 1_048_576.0;
    if let Some(kib) = rss {
        println!(
            "\npeak RSS (VmHWM): {:.1} MB; target ≤ 4 × {:.1} MB + 40 MB = {:.1} MB",
            kib as f64 / 1024.0,
            text_mb,
            4.0 * text_mb + 40.0
        );
    }
    let status = client.shutdown();
    println!("server exit: {status}");
    let _ = std::fs::remove_dir_all(&dir);
}
