//! Throughput of the analysis core, the code `bulletin check` and the
//! language server share: parsing, the whole per-file analysis (model,
//! rules, entities), and checking an archive of many files together.
//!
//! `cargo bench --bench analysis`

#[path = "common/archive.rs"]
mod archive;

use bulletin_core::analysis::{analyze, check_files, SourceFile};
use bulletin_core::config::Config;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn parsing_and_analysis(c: &mut Criterion) {
    let config = Config::default();
    let mut group = c.benchmark_group("one file");
    group.sample_size(10);
    for megabytes in [1usize, 5] {
        let text = archive::generate(megabytes * 1024 * 1024);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", megabytes), &text, |b, text| {
            b.iter(|| bulletin_core::syntax::parse(text, None))
        });
        group.bench_with_input(BenchmarkId::new("analyze", megabytes), &text, |b, text| {
            b.iter(|| analyze(text, &config))
        });
    }
    group.finish();
}

fn archive_of_files(c: &mut Criterion) {
    let config = Config::default();
    // 200 files of about 25 KB: a decade of a weekly bulletin, one file per tag.
    let texts: Vec<String> = (0..200).map(|_| archive::generate(25 * 1024)).collect();
    let total: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("archive");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("check_files 200 files", |b| {
        b.iter(|| {
            let files: Vec<SourceFile<'_>> = texts
                .iter()
                .enumerate()
                .map(|(index, text)| SourceFile {
                    name: format!("{index}.bulletin"),
                    path: None,
                    text,
                    config: &config,
                })
                .collect();
            check_files(&files)
        })
    });
    group.finish();
}

criterion_group!(benches, parsing_and_analysis, archive_of_files);
criterion_main!(benches);
