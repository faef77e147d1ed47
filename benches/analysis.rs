//! Throughput of the analysis core, the code `bulletin check` and the
//! language server share, stage by stage, so a regression shows where it
//! happened: scan and parse, the model, the article rules, the entities,
//! the cross-file rules, and the whole per-file judgement. Each stage runs
//! at 100 KB, 1 MB and 10 MB of generated archive text (see
//! `common/corpus.rs`), on the output of the stages before it.
//!
//! A second group measures what the language server pays on a 5 MB text:
//! cutting it into segments when it is opened, and one cold segment's parse.
//!
//! `cargo bench --bench analysis` (or `-- 'stage/parse'` for one stage,
//! `-- server` for the server's two)

#[path = "common/corpus.rs"]
mod corpus;

use bulletin_core::analysis::{self, FileSummary};
use bulletin_core::config::Config;
use bulletin_core::diagnostic::FileId;
use bulletin_core::model::Document;
use bulletin_core::{checks, entities, syntax};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

const SIZES: [(usize, &str); 3] = [
    (100 * 1024, "100KB"),
    (1024 * 1024, "1MB"),
    (10 * 1024 * 1024, "10MB"),
];
/// The size of one page when a text is cut into an archive's files.
const PAGE: usize = 64 * 1024;

fn stages(c: &mut Criterion) {
    let config = Config::default();
    let mut group = c.benchmark_group("stage");
    group.sample_size(10);
    for (bytes, label) in SIZES {
        let text = corpus::text(bytes, 7);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", label), &text, |b, text| {
            b.iter(|| syntax::parse(text))
        });
        let tree = syntax::parse(&text);
        group.bench_with_input(BenchmarkId::new("model", label), &text, |b, text| {
            b.iter(|| Document::build(text, tree.as_ref()))
        });
        let document = Document::build(&text, tree.as_ref());
        group.bench_with_input(BenchmarkId::new("rules", label), &text, |b, text| {
            b.iter(|| {
                document
                    .articles
                    .iter()
                    .map(|article| checks::check_article(text, article, &config).len())
                    .sum::<usize>()
            })
        });
        group.bench_with_input(BenchmarkId::new("entities", label), &text, |b, text| {
            b.iter(|| {
                let mut found = Vec::new();
                for article in &document.articles {
                    let mentions = entities::article_entities(text, article, &config.gazetteer);
                    checks::entity::check_article_entities(
                        text,
                        article,
                        &mentions,
                        &config.gazetteer,
                        &mut found,
                    );
                }
                found.len()
            })
        });
        group.bench_with_input(BenchmarkId::new("judgement", label), &text, |b, text| {
            b.iter(|| analysis::analyze(text, &config))
        });
        // The cross-file rules over the summaries of the text cut into pages.
        let pages = pages(&text);
        let summaries: Vec<FileSummary> = pages
            .iter()
            .enumerate()
            .map(|(index, page)| {
                FileSummary::of(FileId(index as u32), &analysis::analyze(page, &config).1)
            })
            .collect();
        let name = |file: FileId| format!("page-{}.bulletin", file.0);
        group.bench_with_input(BenchmarkId::new("cross-file", label), &summaries, |b, s| {
            b.iter_batched(
                || s.clone(),
                |s| analysis::cross_file_diagnostics(s, pages.len(), &config, &name),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// What the language server pays for a 5 MB text: cutting it into segments
/// when it is opened (`open`, on both threads), and a cold segment's parse
/// on the first edit there (`cold-segment`, the largest segment of the text).
fn server(c: &mut Criterion) {
    let mut group = c.benchmark_group("server");
    group.sample_size(10);
    let text = corpus::text(5 * 1024 * 1024, 7);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_with_input(BenchmarkId::new("open", "5MB"), &text, |b, text| {
        b.iter_batched(
            || text.clone(),
            |text| bulletin_core::ide::document::Document::new(text, 1),
            BatchSize::LargeInput,
        )
    });
    let document = bulletin_core::ide::document::Document::new(text.clone(), 1);
    let largest = document
        .segments()
        .map(|(_, segment, _)| segment)
        .max_by_key(|segment| segment.len())
        .unwrap_or_default()
        .to_string();
    group.throughput(Throughput::Bytes(largest.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("cold-segment", format!("{}B", largest.len())),
        &largest,
        |b, segment| b.iter(|| syntax::parse(segment)),
    );
    group.finish();
}

/// `text` cut into pages of about `PAGE` bytes, at article boundaries.
fn pages(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > PAGE {
        // An article starts after a blank line that follows an issue reference.
        let cut = rest.as_bytes()[PAGE..]
            .windows(3)
            .position(|window| window == b")\n\n")
            .map_or(rest.len(), |at| PAGE + at + 3);
        let (page, tail) = rest.split_at(cut);
        out.push(page);
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

criterion_group!(benches, stages, server);
criterion_main!(benches);
