//! Latency of `bulletin lsp` on two 5 MB archives, driven over stdio like an
//! editor: the generated one (`benches/common/archive.rs`), and the real
//! sample page (`../shared/corpus/sco-tag-archive.txt`, when it is there)
//! repeated to the same size — dense with entity mentions, diagnostics and
//! cross-references. For each: open → first diagnostics, keystroke →
//! publishDiagnostics, hover on a dateline and on entities, references on
//! an entity, documentSymbol, and the server's peak memory. Each latency
//! runs from writing the message to having read the whole reply off the
//! pipe (before this client parses it: parsing is the editor's cost).
//!
//! `cargo bench --bench lsp_latency` (set `BULLETIN_BIN` to measure another
//! binary, `BULLETIN_BENCH_MB` for another size, `BULLETIN_BENCH_ARCHIVE` to
//! `generated` or `sample` for one archive).

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

/// The sample page repeated to about `bytes` (the header kept once).
fn repeated_sample(bytes: usize) -> Option<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sco-tag-archive.txt");
    let page = std::fs::read_to_string(path).ok()?;
    let mut out = String::with_capacity(bytes + page.len());
    while out.len() < bytes {
        out.push_str(&page);
        if !out.ends_with("\n\n") {
            out.push_str("\n\n");
        }
    }
    Some(out)
}

/// Offsets just inside each match of `needle` (where a hover or a
/// references request lands), spread over the text.
fn offsets_of(text: &str, needle: &str, into: usize) -> Vec<usize> {
    text.match_indices(needle)
        .map(|(at, _)| at + into)
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let megabytes: f64 = std::env::var("BULLETIN_BENCH_MB")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(5.0);
    let bytes = (megabytes * 1024.0 * 1024.0) as usize;
    let which = std::env::var("BULLETIN_BENCH_ARCHIVE").unwrap_or_default();
    let binary = binary();
    println!("server: {}", binary.display());
    if which.is_empty() || which == "generated" {
        // The generated archive names places and countries (`China`), no acronyms.
        run(
            &binary,
            "generated archive",
            archive::generate(bytes),
            &["China"],
        );
    }
    if which.is_empty() || which == "sample" {
        match repeated_sample(bytes) {
            Some(text) => run(&binary, "sample page repeated", text, &["SCO", "Mr Li"]),
            None => println!(
                "\nthe sample page (../shared/corpus/) is not here: its archive is skipped"
            ),
        }
    }
}

fn run(binary: &std::path::Path, name: &str, mut text: String, entities: &[&str]) {
    let dir = std::env::temp_dir().join(format!("bulletin-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let uri = format!("file://{}/big.bulletin", dir.display());
    println!(
        "\n## {name}: {:.2} MB, {} lines",
        text.len() as f64 / 1_048_576.0,
        text.lines().count()
    );
    let mut client = LspClient::spawn(binary, &["lsp", "--log-level", "error"]);
    client.timeout = Duration::from_secs(120);
    let pid = client.child.id();
    client.initialize(&["utf-16"], None);
    let opened = Instant::now();
    client.open(&uri, &text);
    let first = client.diagnostics(&uri, 1);
    let open_time = opened.elapsed();
    println!(
        "open → first diagnostics: {:.1} ms ({} diagnostics); target ≤ 1000 ms",
        open_time.as_secs_f64() * 1000.0,
        first.len()
    );

    // Single-character edits spread across the file: type a letter into a
    // paragraph (after a word of its prose), then delete it.
    let paragraph_starts = offsets_of(&text, " said ", 1);
    let edits = 300usize;
    let mut keystroke = Vec::new();
    let mut version = 1i64;
    for step in 0..edits {
        let at = paragraph_starts[(step * 7919) % paragraph_starts.len()];
        let (range, new_text, inserted) = if step % 2 == 0 {
            (
                json!({"start": position(&text, at), "end": position(&text, at)}),
                "x",
                true,
            )
        } else {
            let prev = paragraph_starts[((step - 1) * 7919) % paragraph_starts.len()];
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
            let prev = paragraph_starts[((step - 1) * 7919) % paragraph_starts.len()];
            text.remove(prev);
        }
    }

    let mut timed = |method: &str, at: usize, extra: serde_json::Value| {
        let mut params = json!({"textDocument": {"uri": uri}, "position": position(&text, at)});
        if let (Some(params), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            params.extend(extra.clone());
        }
        let sent = Instant::now();
        let result = client.request(method, params);
        (client.last_arrival - sent, result)
    };
    let datelines = offsets_of(&text, " (The Conway", 0);
    let mut hover = Vec::new();
    for step in 0..300 {
        let at = datelines[(step * 104_729) % datelines.len()] - 2;
        let (took, result) = timed("textDocument/hover", at, json!({}));
        hover.push(took);
        assert!(!result.is_null(), "hover found nothing on a dateline");
    }
    let mut entity_hover = Vec::new();
    let mut references = Vec::new();
    let mut found_references = 0;
    for entity in entities {
        // Whole words only (`SCO` is also inside `MOSCOW`).
        let at: Vec<usize> = offsets_of(&text, entity, 0)
            .into_iter()
            .filter(|&at| {
                let before = text[..at].chars().next_back();
                let after = text[at + entity.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
            .map(|at| at + 1)
            .collect();
        assert!(!at.is_empty(), "no `{entity}` in the {name}");
        // Mentions outside any article (the page's `Tag Archives: SCO`
        // header) have no entity hover; nearly all others must.
        let mut answered = 0;
        for step in 0..150 {
            let offset = at[(step * 7_919) % at.len()];
            let (took, result) = timed("textDocument/hover", offset, json!({}));
            entity_hover.push(took);
            answered += usize::from(!result.is_null());
        }
        assert!(
            answered >= 120,
            "hover answered on only {answered} of 150 `{entity}`"
        );
        for step in 0..20 {
            let offset = at[(step * 7_919) % at.len()];
            let (took, result) = timed(
                "textDocument/references",
                offset,
                json!({"context": {"includeDeclaration": true}}),
            );
            references.push(took);
            found_references = found_references.max(result.as_array().map_or(0, Vec::len));
        }
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
    summary("hover on a dateline", hover, "p95 ≤ 2");
    summary(
        &format!("hover on {}", entities.join(", ")),
        entity_hover,
        "p95 ≤ 2",
    );
    summary(
        &format!("references on {}", entities.join(", ")),
        references,
        "≤ 20",
    );
    summary("documentSymbol", symbols, "≤ 30");
    println!("(references found up to {found_references} locations)");
    if let Some(kib) = rss {
        println!(
            "\npeak RSS (VmHWM): {:.1} MB; target ≤ 60 MB",
            kib as f64 / 1024.0
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
