//! The real archive page beside the repository (`../shared/corpus/`), when it
//! is there: its outline and its warnings are known exactly. The README's test
//! command must pass without it, so each test says so and returns when absent.

use std::path::PathBuf;

use bulletin_core::analysis::analyze;
use bulletin_core::config::Config;
use bulletin_core::line_index::LineIndex;
use bulletin_core::outline::outline;

fn corpus_page() -> Option<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sco-tag-archive.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("{} is not here; nothing to check", path.display());
            None
        }
    }
}

#[test]
fn outline_of_the_real_page_lists_its_ten_articles() {
    let Some(text) = corpus_page() else { return };
    let (_, analysis) = analyze(&text, &Config::default());
    let index = LineIndex::new(&text);
    let outline = outline(&analysis.document, &text, &index);
    assert_eq!(
        outline.title.as_deref(),
        Some("Shanghai Cooperation Organisation (SCO)")
    );
    let rows: Vec<String> = outline
        .articles
        .iter()
        .map(|entry| {
            format!(
                "{} | {} | {} | {} | {} | {}",
                entry.headline,
                entry.kind.as_deref().unwrap_or("-"),
                entry.place.as_deref().unwrap_or("-"),
                entry.date.map_or("-".to_string(), |date| date.to_string()),
                entry
                    .issue
                    .map_or("-".to_string(), |issue| issue.to_string()),
                entry
                    .issue_date
                    .map_or("-".to_string(), |date| date.to_string()),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "Former Uzbek foreign minister appointed new gen-sec of SCO | - | - | 2019-01-01 | 396 | 2019-01-11",
            "Chinese PM Li urges SCO to intensify cooperation | - | DUSHANBE | 2018-10-15 | 388 | 2018-10-17",
            "Tajikistan blocks Iran’s application to join the SCO | - | - | 2017-09-20 | 344 | 2017-09-24",
            "SCO expansion should not threaten the West, says Pantucci | comment | - | 2017-03-20 | 321 | 2017-03-20",
            "SCO chief: India & Pakistan will join within three months | - | ALMATY | 2017-03-10 | 320 | 2017-03-13",
            "Pakistan and India signed pledges to join SCO in Uzbekistan | - | - | 2016-06-26 | 287 | 2016-07-01",
            "The SCO | editorial | - | 2016-07-01 | 287 | 2016-07-01",
            "SCO leaders gather in Uzbekistan for summit | - | - | 2016-06-23 | 286 | 2016-06-24",
            "Uzbekistan closes borders for SCO summit | - | - | 2016-06-15 | 285 | 2016-06-17",
            "Kyrgyzstan to host SCO wargames | - | - | 2016-03-17 | 272 | 2016-03-18",
        ]
    );
}

#[test]
fn the_real_page_has_no_errors_and_exactly_its_known_warnings() {
    let Some(text) = corpus_page() else { return };
    let (tree, analysis) = analyze(&text, &Config::default());
    let tree = tree.expect("the parser loads");
    assert!(
        !tree.root_node().has_error(),
        "no ERROR or MISSING node in the real page"
    );
    let index = LineIndex::new(&text);
    let found: Vec<(usize, &str)> = analysis
        .diagnostics
        .iter()
        .map(|diagnostic| {
            (
                index.to_human(&text, diagnostic.range.start).line,
                diagnostic.rule.name(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (11, "dateline-month-style"),
            (11, "dateline-dash"),
            (26, "dateline-spacing"),
            (33, "article-kind-mismatch"),
            (105, "dateline-dash"),
            (115, "dateline-dash"),
            (137, "dateline-dash"),
        ]
    );
}

/// What the page says, where: each finding's rule, message and human start
/// and end, and the outline rows with their lines.
fn report(text: &str) -> Vec<String> {
    let (_, analysis) = analyze(text, &Config::default());
    let index = LineIndex::new(text);
    let mut rows: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|diagnostic| {
            format!(
                "{} {:?} {:?} {}",
                diagnostic.rule.name(),
                index.to_human(text, diagnostic.range.start),
                index.to_human(text, diagnostic.range.end),
                diagnostic.message
            )
        })
        .collect();
    let outline = outline(&analysis.document, text, &index);
    rows.extend(
        outline
            .articles
            .iter()
            .map(|entry| format!("{}-{} {}", entry.start_line, entry.end_line, entry.headline)),
    );
    rows
}

#[test]
fn the_real_page_reads_the_same_with_cr_crlf_and_mixed_line_ends() {
    let Some(text) = corpus_page() else { return };
    let lf = report(&text);
    assert_eq!(lf.len(), 7 + 10);
    let mut mixed = String::new();
    for (at, line) in text.split_inclusive('\n').enumerate() {
        let Some(line) = line.strip_suffix('\n') else {
            mixed.push_str(line);
            continue;
        };
        let mut end = ["\r", "\n", "\r\n"][at % 3];
        // A lone `\r` then an empty `\n` line would be one line end.
        if mixed.ends_with('\r') && line.is_empty() && end.starts_with('\n') {
            end = "\r";
        }
        mixed.push_str(line);
        mixed.push_str(end);
    }
    for (name, variant) in [
        ("lone CR", text.replace('\n', "\r")),
        ("CRLF", text.replace('\n', "\r\n")),
        ("mixed", mixed),
    ] {
        assert_eq!(report(&variant), lf, "{name}");
    }
}
