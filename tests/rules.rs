//! Every rule fires where its fixture says, is quiet on clean text, and every
//! fix yields text on which its rule no longer fires.

use std::path::{Path, PathBuf};

use bulletin_core::analysis::{analyze, check_files, SourceFile};
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
    (Rule::DatelineMissing, &[3, 11]),
    (Rule::DatelineMalformed, &[3, 11]),
    (Rule::DatelineInvalidDate, &[3, 11]),
    (Rule::DatelineMonthStyle, &[3, 11, 19, 27]),
    (Rule::DatelineDash, &[3, 11, 19]),
    (Rule::DatelineSpacing, &[3, 11, 19, 27, 35]),
    (Rule::DatelinePublication, &[3]),
    (Rule::DatelineAfterPublication, &[3]),
    (Rule::DatelineTooEarly, &[3]),
    (Rule::IssueRefMalformed, &[7, 15, 23]),
    (Rule::IssueRefInvalidDate, &[7, 15]),
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
