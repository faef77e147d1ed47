//! The throughput bench's generated archive (`benches/common/corpus.rs`):
//! `bulletin check` reports every defect its manifest seeds, each in the
//! article it was seeded in, and the pages read as the house style has them.

#[path = "../benches/common/corpus.rs"]
mod corpus;

use std::collections::BTreeSet;
use std::process::Command;

#[test]
fn every_seeded_defect_of_the_generated_archive_is_reported() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("archive");
    let corpus = corpus::generate(&root, 1024 * 1024, 0x0B17_1E71_2026).expect("the archive");
    let rules: BTreeSet<&str> = corpus.seeded.iter().map(|seeded| seeded.rule).collect();
    // One megabyte holds every rule the generator seeds, and an unreadable page.
    assert_eq!(rules.len(), corpus::RULES.len() + 1, "{rules:?}");

    let output = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["check", "--format", "json"])
        .arg(&root)
        .output()
        .expect("bulletin runs");
    // Findings and an unreadable page: errors and trouble.
    assert_eq!(output.status.code(), Some(2));
    let report: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("a JSON report");
    let found: BTreeSet<(String, String, u64)> = report
        .iter()
        .map(|item| {
            (
                item["path"].as_str().unwrap_or_default().to_string(),
                item["rule"].as_str().unwrap_or_default().to_string(),
                item["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let root = root.display().to_string();
    for seeded in &corpus.seeded {
        let path = format!("{root}/{}", seeded.path);
        let reported = found.iter().any(|(file, rule, line)| {
            *file == path
                && rule == seeded.rule
                && (seeded.first_line as u64..=seeded.last_line as u64).contains(line)
        });
        assert!(reported, "not reported: {seeded:?}");
    }
    // Nothing else: a date conflict flags the page that disagrees with the
    // issue's other mentions, not the pages that agree.
    let unseeded: Vec<&(String, String, u64)> = found
        .iter()
        .filter(|(file, rule, line)| {
            !corpus.seeded.iter().any(|seeded| {
                format!("{root}/{}", seeded.path) == *file
                    && seeded.rule == rule
                    && (seeded.first_line as u64..=seeded.last_line as u64).contains(line)
            })
        })
        .collect();
    assert!(unseeded.is_empty(), "findings nothing seeded: {unseeded:?}");
}
