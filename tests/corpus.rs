//! The real archive page beside the repository (`../shared/corpus/`), when it
//! is there: its outline and its warnings are known exactly. The README's test
//! command must pass without it, so each test says so and returns when absent.

use std::path::PathBuf;

use bulletin::analysis::analyze;
use bulletin::config::Config;
use bulletin::line_index::LineIndex;
use bulletin::outline::outline;

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
            (11, "dateline-dash"),
            (26, "dateline-spacing"),
            (33, "article-kind-mismatch"),
            (105, "dateline-dash"),
            (115, "dateline-dash"),
            (137, "dateline-dash"),
        ]
    );
}
