//! The `bulletin` command as CI runs it: the real binary, every output
//! format pinned by a snapshot, exit codes, `--fix` on disk, configuration.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::Value;

#[path = "common/line_ends.rs"]
mod line_ends;
use line_ends::with_line_ends;

#[path = "common/cli_run.rs"]
mod cli_run;
use cli_run::{bulletin_in, Run};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directory with the snapshot fixture: errors, warnings, fixes, a
/// cross-file conflict (related locations) and multi-byte text.
fn cli_fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures/cli")
}

fn check_fixture(format: &str) -> Run {
    bulletin_in(
        &cli_fixtures(),
        &["check", ".", "--color", "never", "--format", format],
        None,
    )
}

// ---------------------------------------------------------------- formats

#[test]
fn human_format_snapshot() {
    let run = check_fixture("human");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no colour with --color never"
    );
    insta::assert_snapshot!("human", run.stdout);
}

#[test]
fn concise_format_snapshot() {
    let run = check_fixture("concise");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("concise", run.stdout);
}

#[test]
fn json_format_snapshot() {
    let run = check_fixture("json");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("json", run.stdout);
}

#[test]
fn json_lines_format_snapshot_matches_json() {
    let run = check_fixture("json-lines");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("json-lines", run.stdout);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let array: Vec<Value> =
        serde_json::from_str(&check_fixture("json").stdout).expect("a JSON array");
    assert_eq!(lines, array);
}

#[test]
fn github_format_snapshot() {
    let run = check_fixture("github");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("github", run.stdout);
}

#[test]
fn junit_format_snapshot() {
    let run = check_fixture("junit");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("junit", run.stdout);
}

/// SARIF with the long per-rule help texts replaced (they are the rule
/// pages, checked separately) and the version masked.
#[test]
fn sarif_format_snapshot() {
    let run = check_fixture("sarif");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array_mut()
        .expect("rules");
    for rule in rules {
        let id = rule["id"].as_str().expect("id").to_string();
        let explain = bulletin_in(manifest_dir(), &["explain", &id], None);
        assert_eq!(rule["help"]["markdown"], explain.stdout.as_str());
        assert_eq!(rule["help"]["text"], explain.stdout.as_str());
        rule["help"] = Value::String(format!("[docs/rules/{id}.md]"));
    }
    let version = env!("CARGO_PKG_VERSION");
    let driver = &mut sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], version);
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    insta::assert_snapshot!(
        "sarif",
        serde_json::to_string_pretty(&sarif).expect("serialises")
    );
}

// ---------------------------------------------------------------- SARIF structure

/// The parts of SARIF 2.1.0 we emit, typed after the OASIS specification
/// (sections 3.13 sarifLog … 3.57 replacement). `deny_unknown_fields`
/// catches misspelled property names, which SARIF consumers silently ignore.
/// The official JSON schema cannot be fetched offline here, so this model
/// and the checks below stand in for schema validation.
mod sarif {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Log {
        #[serde(rename = "$schema")]
        pub schema: String,
        pub version: String,
        pub runs: Vec<Run>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Run {
        pub tool: Tool,
        pub column_kind: String,
        pub results: Vec<Result>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Tool {
        pub driver: Driver,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Driver {
        pub name: String,
        pub version: String,
        pub semantic_version: String,
        pub information_uri: String,
        pub rules: Vec<ReportingDescriptor>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct ReportingDescriptor {
        pub id: String,
        pub name: String,
        pub short_description: Message,
        pub full_description: Message,
        pub help: MultiformatMessage,
        pub help_uri: String,
        pub default_configuration: Configuration,
        pub properties: serde_json::Map<String, serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Configuration {
        pub level: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Message {
        pub text: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct MultiformatMessage {
        pub text: String,
        pub markdown: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Result {
        pub rule_id: String,
        pub rule_index: usize,
        pub level: String,
        pub message: Message,
        pub locations: Vec<Location>,
        #[serde(default)]
        pub related_locations: Vec<RelatedLocation>,
        #[serde(default)]
        pub fixes: Vec<Fix>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Location {
        pub physical_location: PhysicalLocation,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct RelatedLocation {
        pub id: u64,
        pub physical_location: PhysicalLocation,
        pub message: Message,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct PhysicalLocation {
        pub artifact_location: ArtifactLocation,
        pub region: Region,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ArtifactLocation {
        pub uri: String,
    }

    #[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Region {
        pub start_line: u64,
        pub start_column: u64,
        pub end_line: u64,
        pub end_column: u64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Fix {
        pub description: Message,
        pub artifact_changes: Vec<ArtifactChange>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct ArtifactChange {
        pub artifact_location: ArtifactLocation,
        pub replacements: Vec<Replacement>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Replacement {
        pub deleted_region: Region,
        pub inserted_content: ArtifactContent,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ArtifactContent {
        pub text: String,
    }
}

fn assert_region(region: &sarif::Region, what: &str) {
    assert!(
        region.start_line >= 1 && region.start_column >= 1,
        "{what}: 1-based"
    );
    assert!(
        (region.start_line, region.start_column) <= (region.end_line, region.end_column),
        "{what}: start before end"
    );
}

fn assert_relative_uri(uri: &str) {
    assert!(!uri.is_empty());
    assert!(
        !uri.starts_with('/') && !uri.contains("://"),
        "{uri} is relative"
    );
    assert!(!uri.starts_with("./"), "{uri}");
    assert!(
        !uri.contains(' ') && !uri.contains('\\'),
        "{uri} is a URI reference"
    );
}

#[test]
fn sarif_output_has_the_structure_of_sarif_2_1_0() {
    let run = check_fixture("sarif");
    let log: sarif::Log = serde_json::from_str(&run.stdout).expect("matches the SARIF model");
    assert_eq!(log.version, "2.1.0");
    assert!(log.schema.contains("sarif-2.1.0"));
    assert_eq!(log.runs.len(), 1);
    let run = &log.runs[0];
    assert_eq!(run.column_kind, "unicodeCodePoints");
    let driver = &run.tool.driver;
    assert_eq!(driver.name, "bulletin");
    assert!(!driver.version.is_empty() && !driver.semantic_version.is_empty());
    assert!(driver.information_uri.starts_with("https://"));

    let rules_listing = bulletin_in(manifest_dir(), &["rules", "--format", "json"], None);
    let listed: Vec<Value> = serde_json::from_str(&rules_listing.stdout).expect("rules JSON");
    assert_eq!(driver.rules.len(), listed.len(), "one descriptor per rule");
    let mut ids = std::collections::HashSet::new();
    for (rule, listed) in driver.rules.iter().zip(&listed) {
        assert_eq!(rule.id, listed["name"].as_str().expect("name"));
        assert!(ids.insert(rule.id.clone()), "unique id {}", rule.id);
        assert!(
            rule.name.chars().all(char::is_alphanumeric)
                && rule.name.starts_with(char::is_uppercase),
            "{} is PascalCase",
            rule.name
        );
        assert!(!rule.short_description.text.is_empty());
        assert!(!rule.full_description.text.is_empty());
        assert!(rule.help.markdown.starts_with(&format!("# {}\n", rule.id)));
        assert!(!rule.help.text.is_empty());
        assert!(
            rule.help_uri.starts_with("https://") && rule.help_uri.ends_with(".md"),
            "{}",
            rule.help_uri
        );
        let expected_level = match listed["severity"].as_str().expect("severity") {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(rule.default_configuration.level, expected_level);
        assert!(rule.properties.contains_key("fix"));
    }

    assert!(!run.results.is_empty());
    let levels = ["none", "note", "warning", "error"];
    let mut saw_related = false;
    let mut saw_fix = false;
    for result in &run.results {
        let rule = driver
            .rules
            .get(result.rule_index)
            .expect("ruleIndex in range");
        assert_eq!(rule.id, result.rule_id, "ruleIndex points at ruleId");
        assert!(levels.contains(&result.level.as_str()), "{}", result.level);
        assert!(!result.message.text.is_empty());
        assert_eq!(result.locations.len(), 1);
        let location = &result.locations[0].physical_location;
        assert_relative_uri(&location.artifact_location.uri);
        assert_region(&location.region, &result.rule_id);
        let ids: Vec<u64> = result
            .related_locations
            .iter()
            .map(|related| related.id)
            .collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "related location ids are distinct");
        for related in &result.related_locations {
            saw_related = true;
            assert_relative_uri(&related.physical_location.artifact_location.uri);
            assert_region(&related.physical_location.region, "related");
            assert!(!related.message.text.is_empty());
        }
        for fix in &result.fixes {
            saw_fix = true;
            assert!(!fix.description.text.is_empty());
            assert_eq!(fix.artifact_changes.len(), 1);
            let change = &fix.artifact_changes[0];
            assert_eq!(change.artifact_location.uri, location.artifact_location.uri);
            assert!(!change.replacements.is_empty());
            for replacement in &change.replacements {
                assert_region(&replacement.deleted_region, "deletedRegion");
                let _ = &replacement.inserted_content.text;
            }
        }
    }
    assert!(saw_related, "the fixture has a cross-file finding");
    assert!(saw_fix, "the fixture has a fixable finding");
}

#[test]
fn sarif_and_json_agree_on_positions() {
    let json: Vec<Value> = serde_json::from_str(&check_fixture("json").stdout).expect("JSON");
    let log: sarif::Log = serde_json::from_str(&check_fixture("sarif").stdout).expect("SARIF");
    let results = &log.runs[0].results;
    assert_eq!(json.len(), results.len());
    for (item, result) in json.iter().zip(results) {
        let region = result.locations[0].physical_location.region;
        assert_eq!(item["rule"], result.rule_id.as_str());
        assert_eq!(item["start"]["line"], region.start_line);
        assert_eq!(item["start"]["column"], region.start_column);
        assert_eq!(item["end"]["line"], region.end_line);
        assert_eq!(item["end"]["column"], region.end_column);
    }
}

// ---------------------------------------------------------------- line ends

/// A page with a finding on each line that has `—`, `–`, `©`, `’` and an
/// emoji before it, written with `\n`.
const LINE_ENDS_PAGE: &str = "Tag Archives: Trade 🚚

Comment: Tariffs — and the “quiet” border 🚚

ASHGABAT, MAY 4 2018 (The Conway Bulletin — 🚚 desk) – Turkmenistan’s © customs office said queues fell.

A second paragraph about the border’s 🚚 queues.

(News report from Issue No. 400, published on May 9 2018)

Caspian ferry resumes

AKTAU, MAY 6  2018 (The Conway Bulletin © 🚚 desk’s) — The ferry’s – first – sailing left.

(News report from Issue No. 4O1, published on May 16 2018
";

/// Each finding's rule, start, end and fix edits (human positions), without the path.
fn positions(run: &Run) -> Vec<Value> {
    let items: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    items
        .into_iter()
        .map(|mut item| {
            item.as_object_mut().expect("object").remove("path");
            item
        })
        .collect()
}

#[test]
fn json_positions_are_the_same_in_every_line_ending() {
    let dir = tempfile::tempdir().expect("temp dir");
    let variants = [
        ("lf.bulletin", LINE_ENDS_PAGE.to_string()),
        ("crlf.bulletin", LINE_ENDS_PAGE.replace('\n', "\r\n")),
        ("cr.bulletin", LINE_ENDS_PAGE.replace('\n', "\r")),
        (
            "mixed.bulletin",
            with_line_ends(LINE_ENDS_PAGE, &["\r", "\n", "\r\n"]),
        ),
    ];
    let mut reports = Vec::new();
    for (name, text) in &variants {
        std::fs::write(dir.path().join(name), text).expect("write");
        let run = bulletin_in(dir.path(), &["check", "--format", "json", name], None);
        assert_eq!(run.code, 1, "{name}: {}{}", run.stdout, run.stderr);
        reports.push(positions(&run));
    }
    let lf = &reports[0];
    for (report, (name, _)) in reports.iter().zip(&variants).skip(1) {
        assert_eq!(
            report, lf,
            "{name} reports what the LF page does, where it does"
        );
    }
    // And where it does is right: the lines and the scalar-value columns.
    let find = |rule: &str| {
        lf.iter()
            .find(|item| item["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} in {lf:?}"))
    };
    let lines: Vec<&str> = LINE_ENDS_PAGE.lines().collect();
    let at = |item: &Value, key: &str| {
        let line = item[key]["line"].as_u64().expect("line") as usize;
        let column = item[key]["column"].as_u64().expect("column") as usize;
        (line, column)
    };
    let char_at = |(line, column): (usize, usize)| lines[line - 1].chars().nth(column - 1);
    let dash = find("dateline-dash");
    assert_eq!(at(dash, "start"), (5, 53));
    assert_eq!(char_at(at(dash, "start")), Some('–'));
    let spacing = find("dateline-spacing");
    assert_eq!(at(spacing, "start").0, 13);
    assert_eq!(char_at(at(spacing, "start")), Some(' '));
    assert_eq!(char_at((13, at(spacing, "start").1 - 1)), Some('6'));
    assert_eq!(at(find("article-kind-mismatch"), "start"), (3, 1));
    let brackets: Vec<_> = lf
        .iter()
        .filter(|item| item["rule"] == "issue-ref-malformed")
        .map(|item| at(item, "start").0)
        .collect();
    assert!(
        !brackets.is_empty() && brackets.iter().all(|&line| line == 15),
        "{brackets:?}"
    );
}

#[test]
fn human_format_shows_lone_cr_lines_as_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("cr.bulletin"),
        LINE_ENDS_PAGE.replace('\n', "\r"),
    )
    .expect("write");
    let run = bulletin_in(
        dir.path(),
        &[
            "check",
            "--color",
            "never",
            "--format",
            "human",
            "cr.bulletin",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains('\r'), "{:?}", run.stdout);
    assert!(
        run.stdout.contains("--> cr.bulletin:5:53"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("5 | ASHGABAT, MAY 4 2018"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------- GitHub

/// Splits a workflow command as the runner does and undoes its escapes.
fn parse_workflow_command(line: &str) -> (String, Vec<(String, String)>, String) {
    fn decode(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            out.push(match rest.get(at..at + 3) {
                Some("%25") => '%',
                Some("%0D") => '\r',
                Some("%0A") => '\n',
                Some("%3A") => ':',
                Some("%2C") => ',',
                other => panic!("bad escape {other:?} in {text:?}"),
            });
            rest = &rest[at + 3..];
        }
        out.push_str(rest);
        out
    }
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (head, message) = rest.split_once("::").expect("properties end at ::");
    let (name, properties) = head.split_once(' ').expect("command and properties");
    let properties = properties
        .split(',')
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("key=value");
            (key.to_string(), decode(value))
        })
        .collect();
    (name.to_string(), properties, decode(message))
}

#[test]
fn github_commands_decode_back_to_the_json_diagnostics() {
    let github = check_fixture("github");
    let json: Vec<Value> = serde_json::from_str(&check_fixture("json").stdout).expect("JSON");
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), json.len());
    for (line, item) in lines.iter().zip(&json) {
        let (name, properties, message) = parse_workflow_command(line);
        let expected_name = match item["severity"].as_str().expect("severity") {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(name, expected_name);
        let get = |key: &str| {
            properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("{key} in {line}"))
        };
        assert_eq!(get("file"), item["path"].as_str().expect("path"));
        assert_eq!(get("line"), item["start"]["line"].to_string());
        assert_eq!(get("col"), item["start"]["column"].to_string());
        assert_eq!(get("endLine"), item["end"]["line"].to_string());
        assert_eq!(get("endColumn"), item["end"]["column"].to_string());
        assert_eq!(get("title"), item["rule"].as_str().expect("rule"));
        assert_eq!(message, item["message"].as_str().expect("message"));
    }
}

#[test]
fn github_format_escapes_file_names_with_commas_and_colons() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(cli_fixtures().join("mixed.bulletin")).expect("fixture");
    std::fs::write(dir.path().join("a, b: 100%.bulletin"), text).expect("write");
    let run = bulletin_in(dir.path(), &["check", "--format", "github", "."], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let first = run.stdout.lines().next().expect("a command");
    assert!(first.contains("file=a%2C b%3A 100%25.bulletin,"), "{first}");
    let (_, properties, _) = parse_workflow_command(first);
    assert_eq!(properties[0], ("file".into(), "a, b: 100%.bulletin".into()));
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_output_is_well_formed_with_a_case_per_file() {
    let run = check_fixture("junit");
    let document = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let suites = document.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    let cases: Vec<_> = suites
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .collect();
    let names: Vec<_> = cases
        .iter()
        .filter_map(|case| case.attribute("name"))
        .collect();
    assert_eq!(names, ["mixed.bulletin", "other.bulletin"]);
    let json: Vec<Value> = serde_json::from_str(&check_fixture("json").stdout).expect("JSON");
    // Failures are what fails the check: errors (warnings are listed in
    // the case's output, unless `--warnings-as-errors`).
    let json: Vec<Value> = json
        .into_iter()
        .filter(|item| item["severity"] == "error")
        .collect();
    let failures: Vec<_> = suites
        .descendants()
        .filter(|node| node.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), json.len());
    for (failure, item) in failures.iter().zip(&json) {
        // The `&` of "Central Asia & South Caucasus Bulletin" survives escaping.
        assert_eq!(
            failure.attribute("message"),
            item["message"].as_str(),
            "{failure:?}"
        );
        assert_eq!(failure.attribute("type"), item["rule"].as_str());
    }
    assert_eq!(
        suites.attribute("failures"),
        Some(json.len().to_string().as_str())
    );
}

// ---------------------------------------------------------------- JSON contract

#[test]
fn json_contract_shape_and_scalar_value_columns() {
    let run = check_fixture("json");
    let items: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    assert!(!items.is_empty());
    let position_ok = |value: &Value| {
        let object = value.as_object().expect("position object");
        object.len() == 2
            && object["line"].as_u64().is_some_and(|line| line >= 1)
            && object["column"].as_u64().is_some_and(|column| column >= 1)
    };
    for item in &items {
        let object = item.as_object().expect("object");
        let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["end", "fix", "message", "path", "rule", "severity", "start"]
        );
        assert!(item["path"].is_string() && item["rule"].is_string());
        assert!(["error", "warning", "info", "hint"]
            .contains(&item["severity"].as_str().expect("severity")));
        assert!(item["message"].is_string());
        assert!(position_ok(&item["start"]) && position_ok(&item["end"]));
        match &item["fix"] {
            Value::Null => {}
            Value::Object(fix) => {
                assert!(fix["description"].is_string());
                let edits = fix["edits"].as_array().expect("edits");
                assert!(!edits.is_empty());
                for edit in edits {
                    assert!(position_ok(&edit["start"]) && position_ok(&edit["end"]));
                    assert!(edit["replacement"].is_string());
                }
            }
            other => panic!("fix is null or an object, not {other}"),
        }
    }
    // Line 3 of mixed.bulletin: `ALMATY, MARCH 4 2014 (The Bulletin — Almaty 🇰🇿 desk) – …`.
    // Before the en dash: 44 scalar values, the flag's two regional indicators,
    // then ` desk) `: column 54. (UTF-8 bytes would say 62, UTF-16 units 56.)
    let dash = items
        .iter()
        .find(|item| item["rule"] == "dateline-dash")
        .expect("the dash warning");
    assert_eq!(dash["path"], "mixed.bulletin");
    assert_eq!(dash["start"], serde_json::json!({"line": 3, "column": 54}));
    assert_eq!(dash["end"], serde_json::json!({"line": 3, "column": 55}));
    let line = std::fs::read_to_string(cli_fixtures().join("mixed.bulletin"))
        .expect("fixture")
        .lines()
        .nth(2)
        .expect("line 3")
        .to_string();
    assert_eq!(line.chars().nth(53), Some('–'));
    assert!(line.chars().take(53).any(|ch| ch == '—'));
    assert!(line.chars().take(53).any(|ch| ch == '\u{1F1F0}'));
}

// ---------------------------------------------------------------- exit codes and filters

#[test]
fn exit_codes() {
    // Errors: 1; --exit-zero: 0.
    assert_eq!(check_fixture("concise").code, 1);
    let run = bulletin_in(&cli_fixtures(), &["check", "--exit-zero", "."], None);
    assert_eq!(run.code, 0);
    // Warnings only: 0; with --warnings-as-errors: 1.
    let archive = manifest_dir().join("examples/archive");
    let run = bulletin_in(&archive, &["check", "--format", "concise", "."], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("0 errors, 2 warnings in 4 files"),
        "{}",
        run.stdout
    );
    let run = bulletin_in(&archive, &["check", "--warnings-as-errors", "."], None);
    assert_eq!(run.code, 1);
    // Clean: 0.
    let clean = manifest_dir().join("tests/fixtures/cross/clean");
    assert_eq!(bulletin_in(&clean, &["check", "."], None).code, 0);
    // Trouble: 2.
    for args in [
        &["check", "--select", "no-such-rule", "."][..],
        &["check", "--ignore", "dateline-dash,nope", "."],
        &["check", "does-not-exist.bulletin"],
        &["check", "--config", "missing.toml", "."],
        &["check", "--format", "yaml", "."],
        &["explain", "no-such-rule"],
    ] {
        let run = bulletin_in(&cli_fixtures(), args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?} says why");
    }
    let run = bulletin_in(
        &cli_fixtures(),
        &["check", "--select", "no-such-rule", "."],
        None,
    );
    assert!(
        run.stderr.contains("unknown rule `no-such-rule`"),
        "{}",
        run.stderr
    );
}

fn rules_reported(run: &Run) -> Vec<String> {
    let items: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
    items
        .iter()
        .map(|item| item["rule"].as_str().expect("rule").to_string())
        .collect()
}

#[test]
fn select_and_ignore() {
    let dir = cli_fixtures();
    let run = bulletin_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "dateline-dash,dateline-spacing",
            ".",
        ],
        None,
    );
    assert_eq!(rules_reported(&run), ["dateline-dash", "dateline-spacing"]);
    assert_eq!(run.code, 0, "only warnings are left");
    let run = bulletin_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--ignore",
            "issue-date-conflict",
            "--ignore",
            "issue-sequence,dateline-publication",
            ".",
        ],
        None,
    );
    assert_eq!(
        rules_reported(&run),
        [
            "dateline-dash",
            "dateline-invalid-date",
            "dateline-month-style",
            "dateline-spacing"
        ]
    );
    let run = bulletin_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "dateline-dash",
            "--ignore",
            "dateline-dash",
            ".",
        ],
        None,
    );
    assert!(rules_reported(&run).is_empty());
}

#[test]
fn statistics_count_per_rule_with_fixable() {
    let run = bulletin_in(&cli_fixtures(), &["check", "--statistics", "."], None);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("statistics", run.stdout);
    let run = bulletin_in(
        &cli_fixtures(),
        &["check", "--statistics", "--format", "json", "."],
        None,
    );
    let counts: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        counts[0],
        serde_json::json!({"rule": "issue-date-conflict", "count": 2, "fixable": 0})
    );
    let total: u64 = counts.iter().filter_map(|c| c["count"].as_u64()).sum();
    assert_eq!(total, 8);
}

#[test]
fn per_file_ignores_from_bulletin_toml() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(
        manifest_dir().join("tests/fixtures/rules/dateline-dash/bad.bulletin"),
    )
    .expect("fixture");
    for sub in ["legacy/old", "current"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        std::fs::write(dir.path().join(sub).join("page.bulletin"), &text).expect("write");
    }
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "[per-file-ignores]\n\"legacy/**\" = [\"dateline-dash\"]\n",
    )
    .expect("write config");
    let paths = |run: &Run| -> Vec<String> {
        let items: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
        let mut paths: Vec<String> = items
            .iter()
            .filter(|item| item["rule"] == "dateline-dash")
            .map(|item| item["path"].as_str().expect("path").to_string())
            .collect();
        paths.dedup();
        paths
    };
    // From inside the project, and from elsewhere with an absolute path: the
    // globs are relative to the directory of bulletin.toml either way.
    let inside = bulletin_in(dir.path(), &["check", "--format", "json", "."], None);
    assert_eq!(
        paths(&inside),
        ["current/page.bulletin"],
        "{}",
        inside.stderr
    );
    let root = dir.path().to_str().expect("UTF-8 temp path");
    let outside = bulletin_in(manifest_dir(), &["check", "--format", "json", root], None);
    let found = paths(&outside);
    assert_eq!(found.len(), 1);
    assert!(found[0].ends_with("current/page.bulletin"), "{found:?}");
    // Standard input is matched by --stdin-filename.
    let legacy = bulletin_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "legacy/x.bulletin",
        ],
        Some(&text),
    );
    assert!(paths(&legacy).is_empty());
    let current = bulletin_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "current/x.bulletin",
        ],
        Some(&text),
    );
    assert_eq!(paths(&current), ["current/x.bulletin"]);
}

#[test]
fn symbols_json_snapshot() {
    let run = bulletin_in(
        manifest_dir(),
        &[
            "symbols",
            "--format",
            "json",
            "tests/fixtures/shapes/variants.bulletin",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outline: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(outline["articles"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    insta::assert_snapshot!("symbols-variants", run.stdout);
}

#[test]
fn rules_and_explain() {
    let run = bulletin_in(manifest_dir(), &["rules"], None);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("rules", run.stdout);
    let run = bulletin_in(manifest_dir(), &["explain", "dateline-dash"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("# dateline-dash\n"));
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let run = bulletin_in(&cli_fixtures(), &["check", "--color", "always", "."], None);
    assert!(run.stdout.contains('\u{1b}'), "colour when asked");
    // Not a terminal: no colour under `auto`.
    let run = bulletin_in(&cli_fixtures(), &["check", "."], None);
    assert!(!run.stdout.contains('\u{1b}'));
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no progress bar off a terminal"
    );
}

// ---------------------------------------------------------------- --fix

const FIXABLE: &str = "Armenia raises pensions\n\nYEREVAN, MARCH 4 2019 (The Conway Bulletin) – Armenia’s government raised state pensions.\n\nGeorgia’s lari falls\n\nTBILISI, MARCH 5  2019 (The Conway Bulletin) — Georgia’s lari fell.\n";

fn fixed(text: &str) -> String {
    text.replace(") –", ") —").replace("5  2019", "5 2019")
}

fn set_old_mtime(path: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(old)
        .expect("set mtime");
    old
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .expect("metadata")
        .modified()
        .expect("mtime")
}

#[test]
fn fix_keeps_crlf_bom_and_missing_final_newline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("lf.bulletin", FIXABLE.to_string()),
        ("crlf.bulletin", FIXABLE.replace('\n', "\r\n")),
        (
            "bom.bulletin",
            format!("\u{feff}{}", FIXABLE.replace('\n', "\r\n")),
        ),
        ("no-final-newline.bulletin", FIXABLE.trim_end().to_string()),
        ("cr.bulletin", FIXABLE.replace('\n', "\r")),
        (
            "mixed.bulletin",
            with_line_ends(FIXABLE, &["\r\n", "\r", "\n"]),
        ),
    ];
    for (name, text) in &cases {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let run = bulletin_in(
        dir.path(),
        &["check", "--fix", "--format", "concise", "."],
        None,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("(12 problems fixed)"), "{}", run.stdout);
    for (name, text) in &cases {
        let after = std::fs::read(dir.path().join(name)).expect("read");
        assert_eq!(
            String::from_utf8(after).expect("UTF-8"),
            fixed(text),
            "{name}: only the fixed characters change"
        );
    }
    // The helper made what it says: every kind of line end, none joined.
    let mixed = with_line_ends(FIXABLE, &["\r\n", "\r", "\n"]);
    assert!(mixed.contains("\r\n") && mixed.contains("\r\r") && mixed.contains(".\n"));
    assert_eq!(
        bulletin_core::line_index::LineIndex::new(&mixed).line_count(),
        8
    );
    // No temporary files are left behind.
    let mut entries: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    entries.sort();
    assert_eq!(entries.len(), cases.len(), "{entries:?}");
}

#[test]
fn fix_is_idempotent_and_leaves_unfixable_files_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixable = dir.path().join("fixable.bulletin");
    let unfixable = dir.path().join("unfixable.bulletin");
    std::fs::write(&fixable, FIXABLE).expect("write");
    std::fs::copy(
        manifest_dir().join("tests/fixtures/rules/dateline-invalid-date/bad.bulletin"),
        &unfixable,
    )
    .expect("copy");
    let old = set_old_mtime(&unfixable);

    let first = bulletin_in(dir.path(), &["check", "--fix", "."], None);
    assert_eq!(first.code, 1, "invalid dates are errors: {}", first.stdout);
    assert_eq!(
        mtime(&unfixable),
        old,
        "a file with nothing to fix is not rewritten"
    );
    let once = std::fs::read_to_string(&fixable).expect("read");
    assert_eq!(once, fixed(FIXABLE));

    let old = set_old_mtime(&fixable);
    let second = bulletin_in(dir.path(), &["check", "--fix", "."], None);
    assert_eq!(std::fs::read_to_string(&fixable).expect("read"), once);
    assert_eq!(mtime(&fixable), old, "the second --fix writes nothing");
    assert!(!second.stdout.contains("fixed)"), "{}", second.stdout);
    let diff = bulletin_in(dir.path(), &["check", "--diff", "."], None);
    assert_eq!(diff.code, 0, "nothing left to fix: {}", diff.stdout);
    assert!(diff.stdout.is_empty());
}

#[test]
fn fixing_a_directory_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut sources: Vec<PathBuf> = Vec::new();
    for sub in [
        "examples/archive",
        "tests/fixtures/rules",
        "tests/fixtures/shapes",
    ] {
        for entry in walk(&manifest_dir().join(sub)) {
            if entry.extension().is_some_and(|ext| ext == "bulletin") {
                sources.push(entry);
            }
        }
    }
    sources.sort();
    for (n, source) in sources.iter().enumerate() {
        let target = dir.path().join(format!(
            "{n:03}-{}",
            source.file_name().and_then(|n| n.to_str()).unwrap_or("x")
        ));
        std::fs::copy(source, target).expect("copy");
    }
    let snapshot = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = walk(dir)
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(&path).expect("read");
                (path, bytes)
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(dir.path());
    let first = bulletin_in(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--exit-zero", "."],
        None,
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let after_first = snapshot(dir.path());
    assert_ne!(before, after_first, "the fixtures have fixable problems");
    let second = bulletin_in(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--exit-zero", "."],
        None,
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(
        snapshot(dir.path()),
        after_first,
        "second run changes nothing"
    );
    let diff = bulletin_in(
        dir.path(),
        &["check", "--diff", "--unsafe-fixes", "."],
        None,
    );
    assert_eq!((diff.code, diff.stdout.as_str()), (0, ""));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn fix_refuses_a_read_only_file_and_leaves_it_intact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("locked.bulletin");
    std::fs::write(&path, FIXABLE).expect("write");
    let mut permissions = std::fs::metadata(&path).expect("metadata").permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).expect("chmod");
    // Tests may run as root, who could write it anyway: the checker asks the
    // permission bits, not the kernel.
    let run = bulletin_in(dir.path(), &["check", "--fix", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot write fixes to locked.bulletin")
            && run.stderr.contains("read-only"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FIXABLE);
    assert!(std::fs::metadata(&path)
        .expect("metadata")
        .permissions()
        .readonly());
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        1,
        "no temp file left"
    );
    // The report still shows the problems that were not fixed.
    assert!(run.stdout.contains("dateline-dash"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_follows_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("real.txt");
    std::fs::write(&real, FIXABLE).expect("write");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = dir.path().join("link.bulletin");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let run = bulletin_in(dir.path(), &["check", "--fix", "link.bulletin"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).expect("read"),
        fixed(FIXABLE)
    );
    let mode = std::fs::metadata(&real)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("page.bulletin");
    std::fs::write(&path, FIXABLE).expect("write");
    let run = bulletin_in(dir.path(), &["check", "--diff", "."], None);
    assert_eq!(run.code, 1, "changes would be made: {}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FIXABLE);
    insta::assert_snapshot!("diff", run.stdout);
    assert!(
        run.stderr.contains("2 problems would be fixed"),
        "{}",
        run.stderr
    );
    let run = bulletin_in(dir.path(), &["check", "--diff", "--exit-zero", "."], None);
    assert_eq!(run.code, 0);
}

#[test]
fn stdin_fix_writes_the_text_to_stdout_and_the_report_to_stderr() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = bulletin_in(
        dir.path(),
        &["check", "--fix", "-", "--stdin-filename", "page.bulletin"],
        Some(FIXABLE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, fixed(FIXABLE));
    assert!(run.stderr.contains("(2 problems fixed)"), "{}", run.stderr);
    // Nothing to fix: the text still comes back, unchanged.
    let clean = fixed(FIXABLE);
    let run = bulletin_in(dir.path(), &["check", "--fix", "-"], Some(&clean));
    assert_eq!(run.stdout, clean);
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        0,
        "nothing written"
    );
    // Without --fix, standard input is reported under its --stdin-filename.
    let run = bulletin_in(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "-",
            "--stdin-filename",
            "sub/page.bulletin",
        ],
        Some(FIXABLE),
    );
    assert!(
        run.stdout
            .starts_with("sub/page.bulletin:3:45: warning[dateline-dash]"),
        "{}",
        run.stdout
    );
}
