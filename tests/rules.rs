//! Every rule fires where its fixture says, is quiet on clean text, and every
//! fix yields text on which its rule no longer fires.

use std::path::{Path, PathBuf};

use bulletin_core::analysis::{analyze, check_files, CheckedFile, SourceFile};
use bulletin_core::config::Config;
use bulletin_core::diagnostic::{Applicability, Diagnostic};
use bulletin_core::fix::apply_fixes;
use bulletin_core::line_index::LineIndex;
use bulletin_core::rules::{FixAvailability, Rule, Scope};

fn fixture(path: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    (path, text)
}

fn lines_of(text: &str, diagnostics: &[Diagnostic], rule: Rule) -> Vec<usize> {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule == rule)
        .map(|diagnostic| index.to_human(text, diagnostic.range.start).line)
        .collect()
}

/// Renders findings as `line:col rule message`, for snapshots.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let start = index.to_human(text, diagnostic.range.start);
            let end = index.to_human(text, diagnostic.range.end);
            let fix = match &diagnostic.fix {
                Some(fix) => format!(" [fix: {}]", fix.description),
                None => String::new(),
            };
            format!(
                "{}:{}-{}:{} {} {}: {}{fix}\n    {:?}",
                start.line,
                start.column,
                end.line,
                end.column,
                diagnostic.severity.as_str(),
                diagnostic.rule.name(),
                diagnostic.message,
                diagnostic.range.slice(text)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const CASES: &[(Rule, &[usize])] = &[
    (Rule::HeadlineMissing, &[3]),
    (Rule::DatelineMissing, &[3, 11]),
    (Rule::DatelineMalformed, &[3, 11, 19, 25, 32, 38, 44, 50]),
    (Rule::DatelineInvalidDate, &[3, 11]),
    (Rule::DatelineMonthStyle, &[3, 11, 19, 27, 35, 41]),
    (Rule::DatelineDash, &[3, 11, 19]),
    (Rule::DatelineSpacing, &[3, 11, 19, 27, 35]),
    (Rule::DatelinePublication, &[3, 11]),
    (Rule::DatelineAfterPublication, &[3]),
    (Rule::DatelineTooEarly, &[3]),
    (Rule::DatelinePlaceOrder, &[3, 9]),
    (Rule::DatelinePlaceCase, &[3, 9]),
    (Rule::IssueRefMalformed, &[7, 15, 23, 29, 35]),
    (Rule::IssueRefInvalidDate, &[7, 15]),
    (Rule::IssueRefSpacing, &[5, 11, 17]),
    (Rule::IssueRefMonthStyle, &[5, 11]),
    (Rule::ArticleKindMismatch, &[1, 11]),
    (Rule::AcronymUndefined, &[3, 9]),
    (Rule::HonorificUnresolved, &[3]),
];

#[test]
fn each_rule_fires_exactly_where_its_fixture_says() {
    let config = Config::default();
    for (rule, expected) in CASES {
        let (_, text) = fixture(&format!("rules/{}/bad.bulletin", rule.name()));
        let (_, analysis) = analyze(&text, &config);
        assert_eq!(
            lines_of(&text, &analysis.diagnostics, *rule),
            *expected,
            "{}:\n{}",
            rule.name(),
            render(&text, &analysis.diagnostics)
        );
        insta::assert_snapshot!(
            format!("bad-{}", rule.name()),
            render(&text, &analysis.diagnostics)
        );
    }
}

#[test]
fn each_rule_is_quiet_on_its_clean_fixture() {
    let config = Config::default();
    for (rule, _) in CASES {
        let (_, text) = fixture(&format!("rules/{}/good.bulletin", rule.name()));
        let (_, analysis) = analyze(&text, &config);
        assert!(
            analysis.diagnostics.is_empty(),
            "{}/good.bulletin:\n{}",
            rule.name(),
            render(&text, &analysis.diagnostics)
        );
    }
}

#[test]
fn every_article_rule_has_a_case_and_every_fix_silences_its_rule() {
    let config = Config::default();
    let article_rules: Vec<Rule> = Rule::ALL
        .into_iter()
        .filter(|rule| rule.scope() == Scope::Article)
        .collect();
    assert_eq!(article_rules.len(), CASES.len());
    for (rule, _) in CASES {
        let (_, text) = fixture(&format!("rules/{}/bad.bulletin", rule.name()));
        let (_, analysis) = analyze(&text, &config);
        let fixable: Vec<&Diagnostic> = analysis
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.rule == *rule && diagnostic.fix.is_some())
            .collect();
        if rule.fix_availability() == FixAvailability::Always {
            assert_eq!(
                fixable.len(),
                lines_of(&text, &analysis.diagnostics, *rule).len(),
                "{}",
                rule.name()
            );
        }
        for diagnostic in fixable {
            let before = lines_of(&text, &analysis.diagnostics, *rule).len();
            let include_unsafe = diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe);
            let (fixed, applied) =
                apply_fixes(&text, std::slice::from_ref(diagnostic), include_unsafe);
            assert_eq!(applied, 1);
            let (_, after) = analyze(&fixed, &config);
            let remaining = lines_of(&fixed, &after.diagnostics, *rule).len();
            assert_eq!(
                remaining,
                before - 1,
                "{}: fix {:?} left\n{}",
                rule.name(),
                diagnostic.fix,
                render(&fixed, &after.diagnostics)
            );
        }
    }
}

fn check_dir(dir: &str) -> Vec<(String, String)> {
    let config = Config::default();
    let names = ["a.bulletin", "b.bulletin"];
    let texts: Vec<String> = names
        .iter()
        .map(|name| fixture(&format!("cross/{dir}/{name}")).1)
        .collect();
    let files: Vec<SourceFile<'_>> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| SourceFile {
            name: name.to_string(),
            path: None,
            text,
            config: &config,
        })
        .collect();
    check_files(&files)
        .iter()
        .zip(&texts)
        .map(|(checked, text)| (render(text, &checked.diagnostics), text.clone()))
        .collect()
}

#[test]
fn cross_file_rules_see_every_file_checked_together() {
    let conflict = check_dir("issue-date-conflict");
    assert!(
        conflict[0].0.contains("issue-date-conflict"),
        "{}",
        conflict[0].0
    );
    assert!(
        conflict[1].0.contains("issue-date-conflict"),
        "{}",
        conflict[1].0
    );
    assert!(
        conflict[0].0.contains("in b.bulletin"),
        "names the other file: {}",
        conflict[0].0
    );
    insta::assert_snapshot!(
        "cross-issue-date-conflict",
        format!("{}\n---\n{}", conflict[0].0, conflict[1].0)
    );

    let sequence = check_dir("issue-sequence");
    assert!(
        !sequence[0].0.contains("issue-sequence"),
        "{}",
        sequence[0].0
    );
    assert!(
        sequence[1].0.contains("issue-sequence"),
        "{}",
        sequence[1].0
    );
    insta::assert_snapshot!("cross-issue-sequence", sequence[1].0.clone());

    for (rendered, _) in check_dir("clean") {
        assert_eq!(rendered, "");
    }
}

#[test]
fn the_example_archive_has_only_its_two_deliberate_warnings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/archive");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "bulletin"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let config = Config::default();
    let files: Vec<SourceFile<'_>> = paths
        .iter()
        .zip(&texts)
        .map(|(path, text)| SourceFile {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            path: None,
            text,
            config: &config,
        })
        .collect();
    let found: Vec<(String, usize, &str)> = check_files(&files)
        .iter()
        .zip(&files)
        .flat_map(|(checked, file)| {
            let index = LineIndex::new(file.text);
            checked
                .diagnostics
                .iter()
                .map(move |d| {
                    (
                        file.name.clone(),
                        index.to_human(file.text, d.range.start).line,
                        d.rule.name(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("caucasus.bulletin".to_string(), 3, "dateline-spacing"),
            ("energy.bulletin".to_string(), 19, "dateline-dash"),
        ]
    );
}

#[test]
fn the_readme_rule_table_matches_the_registry() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for rule in Rule::ALL {
        let row = format!(
            "| [`{0}`](docs/rules/{0}.md) | {1} | {2} | {3} |",
            rule.name(),
            rule.default_severity().as_str(),
            rule.fix_availability().as_str(),
            rule.summary()
        );
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
}

#[test]
fn a_page_that_starts_with_a_lead_is_read_as_an_article_without_headline() {
    let text = "SEPT. 8 2015 (The Conway Bulletin) — A lead whose headline is on the page before.\n\nENDS\n\n(News report from Issue No. 250, published on Sept. 11 2015)\n\nNext headline\n\nOSH, SEPT. 9 2015 (The Conway Bulletin) — Next story.\n";
    let config = Config::default();
    let (tree, analysis) = analyze(text, &config);
    let document = bulletin_core::model::Document::build(text, tree.as_ref());
    assert_eq!(document.articles.len(), 2);
    let first = &document.articles[0];
    assert!(!first.has_headline);
    assert_eq!(first.title(text), "SEPT. 8 2015");
    assert_eq!(first.issue_number(), Some(250));
    let missing: Vec<&Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule == Rule::HeadlineMissing)
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0].severity,
        bulletin_core::diagnostic::Severity::Info
    );
    // Every other rule runs on it: a wrong dash is still reported.
    let dashed = text.replacen('—', "-", 1);
    let (_, analysis) = analyze(&dashed, &config);
    assert!(analysis
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.rule == Rule::DatelineDash));
}

#[test]
fn an_issue_reference_without_number_takes_no_number_from_its_date() {
    let text = "Tea prices climb\n\nDUSHANBE, JAN. 8 2019 (The Conway Bulletin) — Tea cost more.\n\n>>This story was first published in issue of The Conway Bulletin on Jan. 11 2019\n";
    let config = Config::default();
    let (tree, analysis) = analyze(text, &config);
    let document = bulletin_core::model::Document::build(text, tree.as_ref());
    let article = &document.articles[0];
    assert_eq!(article.issue_number(), None);
    assert_eq!(
        article.issue_date().map(|date| date.to_string()),
        Some("2019-01-11".to_string())
    );
    let rules: Vec<Rule> = analysis.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, vec![Rule::IssueRefMalformed]);
}

fn page(stories: &[(&str, u32, &str)]) -> String {
    stories
        .iter()
        .map(|(filed, number, published)| {
            format!(
                "Story filed on {filed}\n\nALMATY, {filed} (The Conway Bulletin) — Officials said so.\n\n(News report from Issue No. {number}, published on {published})\n"
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `texts` checked together as `page0.bulletin`, `page1.bulletin`, ….
fn check_pages(texts: &[String]) -> Vec<CheckedFile> {
    let config = Config::default();
    let files: Vec<SourceFile<'_>> = texts
        .iter()
        .enumerate()
        .map(|(at, text)| SourceFile {
            name: format!("page{at}.bulletin"),
            path: None,
            text,
            config: &config,
        })
        .collect();
    check_files(&files)
}

#[test]
fn issue_sequence_reports_only_the_mention_whose_own_date_breaks_the_run() {
    let texts = [
        page(&[
            ("MARCH 2 2016", 300, "March 4 2016"),
            ("MARCH 23 2016", 303, "March 25 2016"),
        ]),
        page(&[("MARCH 22 2016", 303, "March 25 2016")]),
        page(&[("MARCH 16 2016", 303, "March 18 2016")]),
    ];
    let checked = check_pages(&texts);
    let sequence: Vec<Vec<usize>> = checked
        .iter()
        .zip(&texts)
        .map(|(checked, text)| lines_of(text, &checked.diagnostics, Rule::IssueSequence))
        .collect();
    assert_eq!(sequence, vec![vec![], vec![], vec![5]]);
    let odd = &checked[2]
        .diagnostics
        .iter()
        .find(|d| d.rule == Rule::IssueSequence)
        .expect("the odd mention is reported")
        .message;
    assert!(odd.contains("issue 300"), "{odd}");
    assert!(odd.contains("March 25 2016"), "{odd}");
    // The disagreement itself is issue-date-conflict's, which says which
    // side the majority of mentions supports.
    let conflict = &checked[2]
        .diagnostics
        .iter()
        .find(|d| d.rule == Rule::IssueDateConflict)
        .expect("the disagreement is reported")
        .message;
    assert!(
        conflict
            .contains("2 of 3 mentions give Friday, March 25 2016, so this date is likely wrong"),
        "{conflict}"
    );
    insta::assert_snapshot!("issue-sequence-odd-mention", odd.clone());
}

#[test]
fn issue_date_conflict_flags_the_pages_that_disagree_with_most_mentions() {
    let date_conflicts = |texts: &[String]| -> Vec<Vec<usize>> {
        check_pages(texts)
            .iter()
            .zip(texts)
            .map(|(checked, text)| lines_of(text, &checked.diagnostics, Rule::IssueDateConflict))
            .collect()
    };
    // Three pages give March 25, one March 18: only that one is flagged.
    let mostly_agreeing = [
        page(&[
            ("MARCH 22 2016", 303, "March 25 2016"),
            ("MARCH 23 2016", 303, "March 25 2016"),
        ]),
        page(&[("MARCH 16 2016", 303, "March 18 2016")]),
        page(&[("MARCH 21 2016", 303, "March 25 2016")]),
    ];
    assert_eq!(
        date_conflicts(&mostly_agreeing),
        vec![vec![], vec![5], vec![]]
    );
    // One each: no date is the issue's, so both are.
    let tied = [
        page(&[("MARCH 22 2016", 303, "March 25 2016")]),
        page(&[("MARCH 16 2016", 303, "March 18 2016")]),
    ];
    assert_eq!(date_conflicts(&tied), vec![vec![5], vec![5]]);
    // Two, two and one: the tie leaves every mention flagged.
    let three_dates = [
        page(&[
            ("MARCH 22 2016", 303, "March 25 2016"),
            ("MARCH 16 2016", 303, "March 18 2016"),
        ]),
        page(&[
            ("MARCH 23 2016", 303, "March 25 2016"),
            ("MARCH 17 2016", 303, "March 18 2016"),
        ]),
        page(&[("MARCH 9 2016", 303, "March 11 2016")]),
    ];
    assert_eq!(
        date_conflicts(&three_dates),
        vec![vec![5, 11], vec![5, 11], vec![5]]
    );
}

#[test]
fn era_practice_stays_silent() {
    // Year-less datelines of 2019, day ranges, zero-padded issue numbers and
    // the `>`, `>>` and `— ` prefixes of the issue note are house practice.
    let (_, text) = fixture("era/practice.bulletin");
    let config = Config::default();
    let files = [SourceFile {
        name: "practice.bulletin".to_string(),
        path: None,
        text: &text,
        config: &config,
    }];
    let checked = check_files(&files);
    assert_eq!(render(&text, &checked[0].diagnostics), "");
}
