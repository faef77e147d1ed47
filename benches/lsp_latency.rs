//! Latency of `bulletin lsp` on a generated 5 MB archive, driven over stdio
//! like an editor: keystroke → publishDiagnostics, hover, documentSymbol,
//! and the server's peak memory. Each latency runs from writing the message
//! to having read the whole reply off the pipe (before this client parses
//! it: parsing is the editor's cost, not the server's).
//!
//! `cargo bench --bench lsp_latency` (set `BULLETIN_BIN` to measure another binary,
//! `BULLETIN_BENCH_MB` for another size).

#[path = "common/archive.rs"]
mod archive;
#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lsp_client::LspClient;
use serde_json::json;

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
    let mut text = archive::generate((megabytes * 1024.0 * 1024.0) as usize);
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
        keystroke.push(client.last_arrival - sent);
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
        let params = json!({"textDocument": {"uri": uri}, "position": position(&text, at)});
        let sent = Instant::now();
        let result = client.request("textDocument/hover", params);
        hover.push(client.last_arrival - sent);
        assert!(!result.is_null(), "hover found nothing");
    }
    // Which phase sets the peak: everything before the outline requests.
    let rss_before_symbols = peak_rss_kib(pid);
    let mut symbols = Vec::new();
    for _ in 0..20 {
        let sent = Instant::now();
        let result = client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        symbols.push(client.last_arrival - sent);
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
    if let Some(kib) = rss_before_symbols {
        println!(
            "peak RSS before the documentSymbol requests: {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    let status = client.shutdown();
    println!("server exit: {status}");
    let _ = std::fs::remove_dir_all(&dir);
}
