//! One judgement from the command line, however it is asked: the same
//! configuration whatever the spelling of the path or the working directory,
//! entity files judged like `bulletin.toml`, and fixes that are exactly the
//! fixes of the findings reported (`--select`/`--ignore` honoured,
//! cross-file `entity-spelling` included).

use std::path::Path;

use serde_json::Value;

#[path = "common/cli_run.rs"]
mod cli_run;
use cli_run::{bulletin_in, Run};

fn rules_of(run: &Run) -> Vec<String> {
    let reported: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("{err}: {}\n{}", run.stdout, run.stderr));
    reported
        .as_array()
        .expect("an array")
        .iter()
        .map(|diagnostic| diagnostic["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// An article whose dateline ends with an en dash (a `dateline-dash` warning).
const EN_DASH_PAGE: &str = "Grain exports rise in Kostanay\n\nKOSTANAY, MARCH 10 2017 (The Conway Bulletin) – Grain exports rose by a fifth, the region’s farmers said.\n\n(News report from Issue No. 320, published on March 13 2017)\n";

#[test]
fn the_configuration_applies_however_the_path_is_typed_and_from_anywhere() {
    let root = tempfile::tempdir().expect("temp dir");
    let sub = root.path().join("a/b");
    std::fs::create_dir_all(&sub).expect("folders");
    // Two levels up: the dash is an error here, and `.txt` pages are taken in.
    std::fs::write(
        root.path().join("bulletin.toml"),
        "include = [\"*.txt\"]\n[rules]\ndateline-dash = \"error\"\n",
    )
    .expect("config");
    std::fs::write(sub.join("e.bulletin"), EN_DASH_PAGE).expect("page");
    std::fs::write(sub.join("p.txt"), EN_DASH_PAGE).expect("page");
    let absolute = sub.join("e.bulletin").display().to_string();
    let ways: Vec<(&Path, Vec<&str>, Option<&str>)> = vec![
        (&sub, vec!["e.bulletin"], None),
        (&sub, vec!["./e.bulletin"], None),
        (&sub, vec![absolute.as_str()], None),
        (root.path(), vec![absolute.as_str()], None),
        (root.path(), vec!["a/b/e.bulletin"], None),
        (
            &sub,
            vec!["-", "--stdin-filename", "e.bulletin"],
            Some(EN_DASH_PAGE),
        ),
        (
            root.path(),
            vec!["-", "--stdin-filename", "a/b/e.bulletin"],
            Some(EN_DASH_PAGE),
        ),
    ];
    for (dir, paths, stdin) in ways {
        let mut args = vec!["check", "--format", "json"];
        args.extend(paths.iter().copied());
        let run = bulletin_in(dir, &args, stdin);
        assert_eq!(
            run.code,
            1,
            "{paths:?} from {}: {}",
            dir.display(),
            run.stderr
        );
        let reported: Value = serde_json::from_str(&run.stdout).expect("json");
        assert_eq!(
            reported[0]["severity"],
            "error",
            "{paths:?} from {}",
            dir.display()
        );
    }
    // `check .` from the subfolder takes the parent's `include`: both pages.
    let run = bulletin_in(&sub, &["check", "--format", "json", "."], None);
    assert_eq!(
        rules_of(&run),
        ["dateline-dash", "dateline-dash"],
        "{}",
        run.stderr
    );
}

#[test]
fn problems_in_entities_toml_fail_the_check_with_their_position() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("page.bulletin"), EN_DASH_PAGE).expect("page");
    std::fs::write(
        root.path().join("entities.toml"),
        "[[entity]]\nname = \"Kostanay Grain Union\"\nkind = \"organisation\"\n\n[[entity]]\nname = \"Acme\"\nkind = \"company\"\n",
    )
    .expect("entities");
    let run = bulletin_in(root.path(), &["check", "--format", "json", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("entities.toml:") && run.stderr.contains("company"),
        "{}",
        run.stderr
    );
    let position = run
        .stderr
        .lines()
        .find(|line| line.contains("company"))
        .and_then(|line| line.split("entities.toml:").nth(1))
        .and_then(|rest| rest.split(':').next())
        .and_then(|line| line.parse::<usize>().ok());
    assert!(matches!(position, Some(5..=7)), "{}", run.stderr);
    // The findings are still reported.
    assert_eq!(rules_of(&run), ["dateline-dash"]);

    std::fs::write(root.path().join("entities.toml"), "[[entity]\nname = ").expect("broken");
    let run = bulletin_in(root.path(), &["check", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("entities.toml:1:"), "{}", run.stderr);
}

#[test]
fn fix_and_diff_honour_select_and_ignore() {
    let root = tempfile::tempdir().expect("temp dir");
    let page = root.path().join("page.bulletin");
    std::fs::write(&page, EN_DASH_PAGE).expect("page");
    let run = bulletin_in(
        root.path(),
        &["check", "--diff", "--ignore", "dateline-dash", "."],
        None,
    );
    assert_eq!(
        run.code, 0,
        "nothing to change: {}{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = bulletin_in(
        root.path(),
        &["check", "--fix", "--select", "issue-sequence", "."],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&page).expect("page"), EN_DASH_PAGE);
    let run = bulletin_in(
        root.path(),
        &["check", "--fix", "--select", "dateline-dash", "."],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&page).expect("page"),
        EN_DASH_PAGE.replace(") – ", ") — ")
    );
}

fn defining(abbr_expansion: &str, place: &str, issue: u32) -> String {
    format!(
        "Summit talks open in {place}\n\n{}, MARCH 10 2017 (The Conway Bulletin) — Leaders of the {abbr_expansion} met on Friday. The talks were the longest in years.\n\n(News report from Issue No. {issue}, published on March 13 2017)\n",
        place.to_uppercase()
    )
}

#[test]
fn entity_spelling_prefers_the_gazetteers_name_and_fix_applies_it() {
    let root = tempfile::tempdir().expect("temp dir");
    // Two pages spell it the American way, one the gazetteer's way: the
    // gazetteer decides, not the majority.
    std::fs::write(
        root.path().join("a.bulletin"),
        defining("Shanghai Cooperation Organization (SCO)", "Astana", 320),
    )
    .expect("page");
    std::fs::write(
        root.path().join("b.bulletin"),
        defining("Shanghai Cooperation Organization (SCO)", "Tashkent", 320),
    )
    .expect("page");
    std::fs::write(
        root.path().join("c.bulletin"),
        defining("Shanghai Cooperation Organisation (SCO)", "Bishkek", 320),
    )
    .expect("page");
    let run = bulletin_in(root.path(), &["check", "--format", "json", "."], None);
    let reported: Value = serde_json::from_str(&run.stdout).expect("json");
    let flagged: Vec<&str> = reported
        .as_array()
        .expect("array")
        .iter()
        .filter(|diagnostic| diagnostic["rule"] == "entity-spelling")
        .map(|diagnostic| diagnostic["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(flagged, ["a.bulletin", "b.bulletin"], "{}", run.stdout);

    let run = bulletin_in(root.path(), &["check", "--fix", "."], None);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    for name in ["a.bulletin", "b.bulletin", "c.bulletin"] {
        let text = std::fs::read_to_string(root.path().join(name)).expect("page");
        assert!(
            text.contains("Shanghai Cooperation Organisation (SCO)"),
            "{name}: {text}"
        );
    }
    let again = bulletin_in(root.path(), &["check", "--format", "json", "."], None);
    assert!(!rules_of(&again).contains(&"entity-spelling".to_string()));
    let again = bulletin_in(root.path(), &["check", "--diff", "."], None);
    assert!(
        again.stdout.is_empty(),
        "a second fix changes nothing: {}",
        again.stdout
    );
}

// ------------------------------------------- the editor and CI, one judgement

#[path = "common/lsp_client.rs"]
mod lsp_client;

/// One finding as both faces can state it: file, rule, severity, message and
/// 1-based line/column span (the pages are in the Basic Multilingual Plane,
/// where UTF-16 units and scalar values count alike).
type Finding = (String, String, String, String, (u64, u64), (u64, u64));

fn check_findings(dir: &Path, extra: &[&str]) -> Vec<Finding> {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let run = bulletin_in(dir, &args, None);
    assert!(run.code <= 1, "{}", run.stderr);
    let reported: Value = serde_json::from_str(&run.stdout).expect("json");
    let mut findings: Vec<Finding> = reported
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            let at = |key: &str| {
                (
                    d[key]["line"].as_u64().unwrap_or(0),
                    d[key]["column"].as_u64().unwrap_or(0),
                )
            };
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
                at("start"),
                at("end"),
            )
        })
        .collect();
    findings.sort();
    findings
}

fn workspace_findings(client: &mut lsp_client::LspClient, root: &Path) -> Vec<Finding> {
    let report = client.request(
        "workspace/diagnostic",
        serde_json::json!({"previousResultIds": []}),
    );
    let mut findings = Vec::new();
    for item in report["items"].as_array().into_iter().flatten() {
        let uri = item["uri"].as_str().unwrap_or_default();
        let path = uri
            .strip_prefix(&format!("file://{}/", root.display()))
            .unwrap_or(uri)
            .to_string();
        for d in item["items"].as_array().into_iter().flatten() {
            let severity = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                Some(3) => "info",
                _ => "hint",
            };
            let at = |key: &str| {
                (
                    d["range"][key]["line"].as_u64().unwrap_or(0) + 1,
                    d["range"][key]["character"].as_u64().unwrap_or(0) + 1,
                )
            };
            findings.push((
                path.clone(),
                d["code"].as_str().unwrap_or_default().to_string(),
                severity.to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
                at("start"),
                at("end"),
            ));
        }
    }
    findings.sort();
    findings
}

/// The server's `workspace/diagnostic` comes to equal `expected` (the
/// server judges in the background after a change; it must settle there).
fn settles_on(client: &mut lsp_client::LspClient, root: &Path, expected: &[Finding], when: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = workspace_findings(client, root);
        if found == expected {
            return;
        }
        if std::time::Instant::now() > deadline {
            assert_eq!(
                found, expected,
                "{when}: the editor's findings differ from CI's"
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn page(headline: &str, dateline: &str, issue: u32, published: &str, dash: &str) -> String {
    format!(
        "{headline}\n\n{dateline} (The Conway Bulletin) {dash} Officials said the plan would go ahead, the ministry’s statement added.\n\nCopyright ©The Conway Bulletin — all rights reserved\n\n(News report from Issue No. {issue}, published on {published})\n"
    )
}

#[test]
fn the_servers_workspace_diagnostics_equal_bulletin_check() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    std::fs::write(dir.join("bulletin.toml"), "include = [\"*.txt\"]\n").expect("config");
    // Issue 400 dated a week apart in a `.txt` page and a `.bulletin` page;
    // a third page's dateline 80 days before its issue; a file that is not
    // part of the archive.
    std::fs::write(
        dir.join("a.txt"),
        page(
            "Rail freight grows",
            "ALMATY, FEB. 28 2017",
            400,
            "March 3 2017",
            "–",
        ),
    )
    .expect("page");
    std::fs::write(
        dir.join("b.bulletin"),
        page(
            "Gas output falls",
            "BAKU, MARCH 7 2017",
            400,
            "March 10 2017",
            "—",
        ),
    )
    .expect("page");
    std::fs::write(
        dir.join("c.bulletin"),
        page(
            "Cotton prices recover",
            "TASHKENT, DEC. 27 2016",
            402,
            "March 17 2017",
            "—",
        ),
    )
    .expect("page");
    std::fs::write(
        dir.join("notes.md"),
        "Not an archive page — ALMATY, MARCH 1 (x) –",
    )
    .expect("notes");

    let at_start = check_findings(dir, &[]);
    let rules: Vec<&str> = at_start.iter().map(|f| f.1.as_str()).collect();
    assert!(rules.contains(&"issue-date-conflict"), "{at_start:?}");
    assert!(rules.contains(&"dateline-too-early"), "{at_start:?}");
    assert!(
        at_start.iter().any(|f| f.0 == "a.txt"),
        "the .txt page is checked"
    );

    let root_uri = format!("file://{}", dir.display());
    let mut client =
        lsp_client::LspClient::spawn(Path::new(env!("CARGO_BIN_EXE_bulletin")), &["lsp"]);
    let mut capabilities = lsp_client::rich_capabilities();
    capabilities["general"] = serde_json::json!({"positionEncodings": ["utf-16"]});
    capabilities["textDocument"]["diagnostic"] =
        serde_json::json!({"relatedDocumentSupport": true});
    client.initialize_with(capabilities, Some(&root_uri));
    settles_on(&mut client, dir, &at_start, "at start");

    // bulletin.toml changes on disk: the dateline is no longer too early.
    std::fs::write(
        dir.join("bulletin.toml"),
        "include = [\"*.txt\"]\ntoo-early-days = 100\n",
    )
    .expect("config");
    let relaxed = check_findings(dir, &[]);
    assert!(
        !relaxed.iter().any(|f| f.1 == "dateline-too-early"),
        "{relaxed:?}"
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({"changes": [{"uri": format!("{root_uri}/bulletin.toml"), "type": 2}]}),
    );
    settles_on(&mut client, dir, &relaxed, "after bulletin.toml changed");

    // The editor's settings say 30 days: CI given the same settings agrees.
    client.notify(
        "workspace/didChangeConfiguration",
        serde_json::json!({"settings": {"bulletin": {"too-early-days": 30}}}),
    );
    let settings = tempfile::tempdir().expect("temp dir");
    let strict = settings.path().join("bulletin.toml");
    std::fs::write(&strict, "include = [\"*.txt\"]\ntoo-early-days = 30\n").expect("config");
    let strict_findings = check_findings(dir, &["--config", &strict.display().to_string()]);
    assert!(
        strict_findings.iter().any(|f| f.1 == "dateline-too-early"),
        "{strict_findings:?}"
    );
    settles_on(
        &mut client,
        dir,
        &strict_findings,
        "after the editor's settings changed",
    );
    assert!(client.shutdown().success());
}

#[test]
fn the_editors_fix_all_applies_the_cross_file_entity_spelling_fix() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    let american = defining("Shanghai Cooperation Organization (SCO)", "Astana", 320);
    std::fs::write(dir.join("a.bulletin"), &american).expect("page");
    std::fs::write(
        dir.join("c.bulletin"),
        defining("Shanghai Cooperation Organisation (SCO)", "Bishkek", 320),
    )
    .expect("page");
    let root_uri = format!("file://{}", dir.display());
    let uri = format!("{root_uri}/a.bulletin");
    let mut client =
        lsp_client::LspClient::spawn(Path::new(env!("CARGO_BIN_EXE_bulletin")), &["lsp"]);
    client.initialize(&["utf-16"], Some(&root_uri));
    client.open(&uri, &american);
    // Wait until the cross-file finding is there (the workspace is indexed).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = workspace_findings(&mut client, dir);
        if found
            .iter()
            .any(|f| f.0 == "a.bulletin" && f.1 == "entity-spelling")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no entity-spelling: {found:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let actions = client.request(
        "textDocument/codeAction",
        serde_json::json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll.bulletin"]}
        }),
    );
    // Apply the edits (one line each, in the Basic Multilingual Plane).
    let mut lines: Vec<Vec<u16>> = american
        .split('\n')
        .map(|line| line.encode_utf16().collect())
        .collect();
    let mut edits: Vec<&Value> = actions[0]["edit"]["changes"][&uri]
        .as_array()
        .expect("edits")
        .iter()
        .collect();
    edits.sort_by_key(|edit| {
        std::cmp::Reverse((
            edit["range"]["start"]["line"].as_u64(),
            edit["range"]["start"]["character"].as_u64(),
        ))
    });
    for edit in edits {
        let line = edit["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
        assert_eq!(
            edit["range"]["end"]["line"].as_u64(),
            Some(line as u64),
            "{actions}"
        );
        let start = edit["range"]["start"]["character"].as_u64().unwrap_or(0) as usize;
        let end = edit["range"]["end"]["character"].as_u64().unwrap_or(0) as usize;
        let new: Vec<u16> = edit["newText"]
            .as_str()
            .unwrap_or_default()
            .encode_utf16()
            .collect();
        lines[line].splice(start..end, new);
    }
    let fixed: Vec<String> = lines
        .iter()
        .map(|line| String::from_utf16_lossy(line))
        .collect();
    assert!(
        fixed
            .join("\n")
            .contains("Shanghai Cooperation Organisation (SCO)"),
        "{actions}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn the_server_honours_the_baseline_as_check_does() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    // A legacy page with en dashes where the house dash is an em dash.
    let legacy = format!(
        "{}\n{}",
        page(
            "Rail freight grows",
            "ALMATY, FEB. 28 2017",
            400,
            "March 3 2017",
            "–"
        ),
        page(
            "Gas output falls",
            "BAKU, FEB. 27 2017",
            400,
            "March 3 2017",
            "–"
        ),
    );
    std::fs::write(dir.join("legacy.bulletin"), &legacy).expect("page");
    let all_legacy = check_findings(dir, &[]);
    assert!(
        all_legacy.iter().any(|f| f.1 == "dateline-dash"),
        "{all_legacy:?}"
    );
    let record = |dir: &Path| {
        let run = bulletin_in(
            dir,
            &["check", "--write-baseline", "bulletin-baseline.json", "."],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    };
    record(dir);
    // Then a new page with a new slip, and the baseline in bulletin.toml.
    std::fs::write(
        dir.join("new.bulletin"),
        page(
            "Cotton prices recover",
            "TASHKENT, MARCH 1 2017",
            401,
            "March 10 2017",
            "-",
        ),
    )
    .expect("page");
    let everything = check_findings(dir, &[]);
    std::fs::write(
        dir.join("bulletin.toml"),
        "baseline = \"bulletin-baseline.json\"\n",
    )
    .expect("config");
    let only_new = check_findings(dir, &[]);
    assert!(
        !only_new.is_empty() && only_new.iter().all(|f| f.0 == "new.bulletin"),
        "{only_new:?}"
    );

    let root_uri = format!("file://{}", dir.display());
    let mut client =
        lsp_client::LspClient::spawn(Path::new(env!("CARGO_BIN_EXE_bulletin")), &["lsp"]);
    let mut capabilities = lsp_client::rich_capabilities();
    capabilities["general"] = serde_json::json!({"positionEncodings": ["utf-16"]});
    client.initialize_with(capabilities, Some(&root_uri));
    settles_on(&mut client, dir, &only_new, "with the baseline");

    // The editor asks to see everything the baseline records.
    client.notify(
        "workspace/didChangeConfiguration",
        serde_json::json!({"settings": {"bulletin": {"showBaselined": true}}}),
    );
    assert!(everything.len() > only_new.len(), "{everything:?}");
    settles_on(&mut client, dir, &everything, "with showBaselined");
    client.notify(
        "workspace/didChangeConfiguration",
        serde_json::json!({"settings": {"bulletin": {"showBaselined": false}}}),
    );
    settles_on(&mut client, dir, &only_new, "with showBaselined off");

    // The baseline is recorded again, new page included: nothing is left,
    // in CI and, once the file watcher reports it, in the editor.
    record(dir);
    assert_eq!(check_findings(dir, &[]), Vec::<Finding>::new());
    client.notify(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({"changes": [{"uri": format!("{root_uri}/bulletin-baseline.json"), "type": 2}]}),
    );
    settles_on(
        &mut client,
        dir,
        &[],
        "after the baseline was recorded again",
    );
    assert!(client.shutdown().success());
}
