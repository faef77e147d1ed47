//! Adopting the checker on a real archive (issue 13): a folder of `.txt`
//! pages, unreadable files in every output format, stable order, `--fix`
//! that keeps links and owners, and the rough edges a daily user hits.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "common/cli_run.rs"]
mod cli_run;
use cli_run::{bulletin_in, Run};

/// A page with two fixable slips: an en dash and a doubled space.
const SLIPS: &str = "Tajik cotton harvest beats forecast\n\nDUSHANBE, NOV. 6 2018 (The Conway Bulletin) – Farmers picked more cotton than the ministry expected.\n\nKazakh tenge steadies\n\nASTANA, NOV. 7  2018 (The Conway Bulletin) — The tenge held its ground.\n";

/// A clean page.
const CLEAN: &str = "Uzbek gas exports rise\n\nTASHKENT, NOV. 8 2018 (The Conway Bulletin) — Uzbekistan sold more gas to China.\n";

fn fixed(text: &str) -> String {
    text.replace(") –", ") —").replace("7  2018", "7 2018")
}

fn json(run: &Run) -> Vec<Value> {
    serde_json::from_str(&run.stdout).expect("a JSON array on stdout")
}

fn paths_of(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["path"].as_str().expect("path").to_string())
        .collect()
}

// ------------------------------------------------ nothing checked is an error

#[test]
fn a_folder_of_txt_pages_is_not_a_silent_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("pages")).expect("mkdir");
    std::fs::write(dir.path().join("pages/2018-11.txt"), SLIPS).expect("write");
    let run = bulletin_in(dir.path(), &["check", "pages"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "", "no report claims that 0 files passed");
    assert!(
        run.stderr.contains("`pages`")
            && run.stderr.contains("*.bulletin")
            && run.stderr.contains(r#"include = ["*.txt"]"#)
            && run.stderr.contains("--allow-no-files"),
        "{}",
        run.stderr
    );
    // The same for `entities`.
    let run = bulletin_in(dir.path(), &["entities", "pages"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(r#"include = ["*.txt"]"#),
        "{}",
        run.stderr
    );
    // A pipeline that may have nothing to check says so.
    let run = bulletin_in(dir.path(), &["check", "--allow-no-files", "pages"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = bulletin_in(dir.path(), &["entities", "--allow-no-files", "pages"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // With the include glob the pages are checked.
    std::fs::write(dir.path().join("bulletin.toml"), "include = [\"*.txt\"]\n").expect("write");
    let run = bulletin_in(dir.path(), &["check", "--format", "json", "pages"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json(&run).len(), 2, "{}", run.stdout);
}

#[test]
fn a_missing_path_prints_no_summary_on_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["human", "concise", "json", "junit"] {
        let run = bulletin_in(dir.path(), &["check", "--format", format, "nosuch"], None);
        assert_eq!(run.code, 2, "{format}");
        assert_eq!(run.stdout, "", "{format}");
        assert!(run.stderr.contains("nosuch"), "{}", run.stderr);
    }
}

// ------------------------------------------------------ honest machine output

#[test]
fn a_non_utf8_file_is_an_io_error_finding_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.bulletin"), CLEAN).expect("write");
    // Windows-1252's em dash is the byte 0x97.
    std::fs::write(
        dir.path().join("legacy.bulletin"),
        b"Kyrgyz gold\n\nBISHKEK, NOV. 9 2018 (The Conway Bulletin) \x97 Gold.\n",
    )
    .expect("write");
    let check = |format: &str| {
        let run = bulletin_in(
            dir.path(),
            &["check", "--color", "never", "--format", format, "."],
            None,
        );
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        run
    };
    let items = json(&check("json"));
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["path"], "legacy.bulletin");
    assert_eq!(items[0]["rule"], "io-error");
    assert_eq!(items[0]["severity"], "error");
    assert!(items[0]["message"]
        .as_str()
        .is_some_and(|message| message.contains("not UTF-8")));
    let lines = check("json-lines").stdout;
    assert!(lines.contains("\"io-error\""), "{lines}");
    let sarif: Value = serde_json::from_str(&check("sarif").stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "io-error");
    assert_eq!(results[0]["level"], "error");
    let github = check("github").stdout;
    assert!(
        github.starts_with("::error file=legacy.bulletin,") && github.contains("title=io-error"),
        "{github}"
    );
    let junit = check("junit").stdout;
    let doc = roxmltree::Document::parse(&junit).expect("XML");
    let suite = doc
        .descendants()
        .find(|node| node.has_tag_name("testsuite"))
        .expect("suite");
    assert_eq!(suite.attribute("tests"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    let concise = check("concise").stdout;
    assert!(
        concise.contains("legacy.bulletin:1:1: error[io-error]"),
        "{concise}"
    );
    let human = check("human").stdout;
    assert!(
        human.contains("error[io-error]") && human.contains("legacy.bulletin"),
        "{human}"
    );
    assert!(human.contains("1 error, 0 warnings in 2 files"), "{human}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_io_error_finding() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("locked.bulletin");
    std::fs::write(&path, CLEAN).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        // Root reads it anyway: nothing to test here.
        return;
    }
    let run = bulletin_in(dir.path(), &["check", "--format", "json", "."], None);
    assert_eq!(run.code, 2);
    let items = json(&run);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["rule"], "io-error");
    assert!(items[0]["message"]
        .as_str()
        .is_some_and(|message| message.contains("cannot read")));
}

#[test]
fn junit_failures_follow_the_exit_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("slips.bulletin"), SLIPS).expect("write");
    let failures = |args: &[&str]| {
        let run = bulletin_in(dir.path(), args, None);
        let doc = roxmltree::Document::parse(&run.stdout).expect("XML");
        let failures = doc
            .descendants()
            .filter(|node| node.has_tag_name("failure"))
            .count();
        let out = doc
            .descendants()
            .filter(|node| node.has_tag_name("system-out"))
            .count();
        (run.code, failures, out)
    };
    // Warnings only: exit 0, a green test case, the warnings as its output.
    assert_eq!(failures(&["check", "--format", "junit", "."]), (0, 0, 1));
    assert_eq!(
        failures(&["check", "--format", "junit", "--warnings-as-errors", "."]),
        (1, 2, 0)
    );
}

#[test]
fn output_is_sorted_and_each_file_is_checked_once_whatever_the_spelling() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    for name in ["b.bulletin", "a.bulletin", "sub/c.bulletin"] {
        std::fs::write(dir.path().join(name), SLIPS).expect("write");
    }
    let run = bulletin_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "sub/c.bulletin",
            "b.bulletin",
            "./a.bulletin",
            "a.bulletin",
            "sub/../b.bulletin",
        ],
        None,
    );
    let mut paths = paths_of(&json(&run));
    paths.dedup();
    assert_eq!(paths, ["a.bulletin", "b.bulletin", "sub/c.bulletin"]);
    let other = bulletin_in(
        dir.path(),
        &["check", "--format", "json", "./sub", "."],
        None,
    );
    let mut paths = paths_of(&json(&other));
    paths.dedup();
    assert_eq!(paths, ["a.bulletin", "b.bulletin", "sub/c.bulletin"]);
}

// ------------------------------------------------------------------ --fix

#[cfg(unix)]
#[test]
fn fix_keeps_hard_links_together() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.bulletin");
    let link = dir.path().join("copy.txt");
    std::fs::write(&page, SLIPS).expect("write");
    std::fs::hard_link(&page, &link).expect("hard link");
    let inode = std::fs::metadata(&page).expect("metadata").ino();
    let run = bulletin_in(dir.path(), &["check", "--fix", "page.bulletin"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&link).expect("read"), fixed(SLIPS));
    let after = std::fs::metadata(&page).expect("metadata");
    assert_eq!((after.ino(), after.nlink()), (inode, 2));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        2,
        "no temporary file left"
    );
}

#[cfg(unix)]
#[test]
fn fix_keeps_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.bulletin");
    std::fs::write(&page, SLIPS).expect("write");
    if std::os::unix::fs::chown(&page, Some(4321), Some(4322)).is_err() {
        // Only root can give a file away: nothing to test otherwise.
        return;
    }
    let run = bulletin_in(dir.path(), &["check", "--fix", "."], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::metadata(&page).expect("metadata");
    assert_eq!((after.uid(), after.gid()), (4321, 4322));
    assert_eq!(std::fs::read_to_string(&page).expect("read"), fixed(SLIPS));
}

#[cfg(unix)]
#[test]
fn fix_in_a_read_only_folder_blames_the_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("pages");
    std::fs::create_dir(&folder).expect("mkdir");
    let page = folder.join("page.bulletin");
    std::fs::write(&page, SLIPS).expect("write");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let run = bulletin_in(dir.path(), &["check", "--fix", "pages"], None);
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot write fixes to pages/page.bulletin")
            && run.stderr.contains("the folder")
            && run.stderr.contains("read-only")
            && !run.stderr.contains("the file is read-only"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&page).expect("read"), SLIPS);
}

// ------------------------------------------------------- rough edges (item 6)

#[test]
fn mistyped_rule_names_get_a_did_you_mean_everywhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.bulletin"), CLEAN).expect("write");
    for args in [
        &["check", "--select", "dateline_dash", "."][..],
        &["check", "--ignore", "dateline-dahs", "."],
        &["explain", "dateline-dahs"],
    ] {
        let run = bulletin_in(dir.path(), args, None);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains("did you mean `dateline-dash`?"),
            "{args:?}: {}",
            run.stderr
        );
    }
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "cadence-days = 7\n\n[rules]\nissue-sequence = \"warning\"\ndateline_dash = \"off\"\n",
    )
    .expect("write");
    let run = bulletin_in(dir.path(), &["check", "."], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("line 5:") && run.stderr.contains("did you mean `dateline-dash`?"),
        "{}",
        run.stderr
    );
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "[rules]\n\"dateline-dash\" = \"loud\"\n",
    )
    .expect("write");
    let run = bulletin_in(dir.path(), &["check", "."], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("line 2:"), "{}", run.stderr);
}

#[test]
fn bad_per_file_ignores_globs_are_rejected_with_their_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.bulletin"), CLEAN).expect("write");
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "[per-file-ignores]\n\"legacy/**\" = [\"dateline-dash\"]\n\"old/[2018\" = [\"dateline-dash\"]\n",
    )
    .expect("write");
    let run = bulletin_in(dir.path(), &["check", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("line 3:") && run.stderr.contains("bad glob \"old/[2018\""),
        "{}",
        run.stderr
    );
}

#[test]
fn select_checks_a_rule_the_configuration_turns_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.bulletin"), SLIPS).expect("write");
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "[rules]\ndateline-dash = \"off\"\n",
    )
    .expect("write");
    let rules = |args: &[&str]| -> Vec<String> {
        json(&bulletin_in(dir.path(), args, None))
            .iter()
            .map(|item| item["rule"].as_str().expect("rule").to_string())
            .collect()
    };
    assert_eq!(
        rules(&["check", "--format", "json", "."]),
        ["dateline-spacing"]
    );
    assert_eq!(
        rules(&[
            "check",
            "--format",
            "json",
            "--select",
            "dateline-dash",
            "."
        ]),
        ["dateline-dash"]
    );
}

#[test]
fn conflicting_or_meaningless_flags_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.bulletin"), SLIPS).expect("write");
    for (args, says) in [
        (
            &["check", "--fix", "--diff", "."][..],
            "cannot be used with",
        ),
        (
            &["check", "--stdin-filename", "x.bulletin", "."],
            "--stdin-filename",
        ),
        (
            &["check", "--statistics", "--format", "sarif", "."],
            "--statistics",
        ),
        (
            &["check", "--statistics", "--format", "junit", "."],
            "--statistics",
        ),
        (&["lsp", "--log-level", "bogus"], "possible values"),
    ] {
        let run = bulletin_in(dir.path(), args, None);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.bulletin")).expect("read"),
        SLIPS
    );
    // --statistics as JSON lines: one object per line.
    let run = bulletin_in(
        dir.path(),
        &["check", "--statistics", "--format", "json-lines", "."],
        None,
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    for line in run.stdout.lines() {
        let _: Value = serde_json::from_str(line).expect("one JSON object per line");
    }
}

#[test]
fn entities_carries_on_past_a_non_utf8_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.bulletin"), b"\xff\xfe not text\n").expect("write");
    std::fs::write(dir.path().join("b.bulletin"), CLEAN).expect("write");
    let run = bulletin_in(dir.path(), &["entities", "--format", "json", "."], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("a.bulletin"), "{}", run.stderr);
    let items: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(
        items.iter().any(|item| item["name"] == "Uzbekistan"),
        "{}",
        run.stdout
    );
}

#[test]
fn hints_are_hints_and_counts_are_singular_when_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    // One undefined acronym (a hint), in one file.
    std::fs::write(
        dir.path().join("a.bulletin"),
        "Uzbek gas exports rise\n\nTASHKENT, NOV. 8 2018 (The Conway Bulletin) — The XYZQ sold more gas to China.\n",
    )
    .expect("write");
    let human = bulletin_in(dir.path(), &["check", "--color", "never", "."], None).stdout;
    let concise = bulletin_in(dir.path(), &["check", "--format", "concise", "."], None).stdout;
    if !concise.contains("hint[") {
        // The acronym rule did not fire on this text: nothing to compare.
        return;
    }
    assert!(human.contains("hint[acronym-undefined]"), "{human}");
    assert!(!human.contains("help[acronym-undefined]"), "{human}");
    assert!(human.contains("1 hint in 1 file"), "{human}");
    let statistics = bulletin_in(dir.path(), &["check", "--statistics", "."], None).stdout;
    assert!(statistics.contains("in 1 file\n"), "{statistics}");
}

#[test]
fn related_notes_name_the_path_only_for_another_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = |number: u32, date: &str| {
        format!("Uzbek gas exports rise\n\nTASHKENT, NOV. 1 2018 (The Conway Bulletin) — Uzbekistan sold gas.\n\n(News report from Issue No. {number}, published on {date})\n")
    };
    std::fs::write(
        dir.path().join("a.bulletin"),
        page(400, "Nov. 9 2018") + "\n" + &page(400, "Nov. 16 2018"),
    )
    .expect("write");
    std::fs::write(dir.path().join("b.bulletin"), page(400, "Nov. 23 2018")).expect("write");
    let human = bulletin_in(dir.path(), &["check", "--color", "never", "."], None).stdout;
    let notes: Vec<&str> = human
        .lines()
        .filter(|line| line.contains("= note:"))
        .collect();
    assert!(!notes.is_empty(), "{human}");
    for note in &notes {
        // A note into the same file says "line …"; into another, its path.
        assert!(
            note.contains("= note: line ")
                || note.contains("= note: b.bulletin:")
                || note.contains("= note: a.bulletin:"),
            "{note}"
        );
    }
    assert!(
        notes.iter().any(|note| note.contains("= note: line ")),
        "{human}"
    );
}

// ------------------------------------------------------------------ baseline

/// A legacy page: three old dash slips (warnings) in three articles.
const LEGACY: &str = "Tajik cotton harvest beats forecast\n\nDUSHANBE, NOV. 6 2018 (The Conway Bulletin) – Farmers picked more cotton.\n\nKazakh tenge steadies\n\nASTANA, NOV. 7 2018 (The Conway Bulletin) – The tenge held its ground.\n\nKyrgyz gold output rises\n\nBISHKEK, NOV. 8 2018 (The Conway Bulletin) – Kumtor mined more gold.\n";

fn reported(dir: &Path, args: &[&str]) -> (i32, Vec<Value>, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = bulletin_in(dir, &all, None);
    (run.code, json(&run), run.stderr)
}

#[test]
fn a_baseline_forgives_old_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("pages")).expect("mkdir");
    let page = dir.path().join("pages/2018.bulletin");
    std::fs::write(&page, LEGACY).expect("write");
    let run = bulletin_in(
        dir.path(),
        &[
            "check",
            "--write-baseline",
            "bulletin-baseline.json",
            "pages",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("wrote 3 findings"), "{}", run.stderr);
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("bulletin-baseline.json")).expect("read"),
    )
    .expect("JSON");
    assert_eq!(recorded["version"], 1);
    assert_eq!(recorded["findings"][0]["path"], "pages/2018.bulletin");
    assert_eq!(recorded["findings"][0]["rule"], "dateline-dash");

    let baseline = ["--baseline", "bulletin-baseline.json", "pages"];
    let (code, items, _) = reported(dir.path(), &baseline);
    assert_eq!((code, items.len()), (0, 0), "{items:?}");

    // A moved paragraph and an edit elsewhere do not resurrect old findings.
    let moved = LEGACY.replacen(
        "Tajik cotton harvest beats forecast\n\nDUSHANBE, NOV. 6 2018 (The Conway Bulletin) – Farmers picked more cotton.\n\n",
        "",
        1,
    ) + "\nTajik cotton harvest beats forecast\n\nDUSHANBE, NOV. 6 2018 (The Conway Bulletin) – Farmers picked more cotton.\n";
    let moved = format!("Tag Archives: Central Asia\n\n{moved}");
    std::fs::write(&page, &moved).expect("write");
    let (code, items, _) = reported(dir.path(), &baseline);
    assert_eq!((code, items.len()), (0, 0), "{items:?}");

    // A new slip on another line is reported, and only it.
    let slipped = format!(
        "{moved}\nUzbek gas exports rise\n\nTASHKENT, NOV. 9 2018 (The Conway Bulletin) – Uzbekistan sold gas.\n"
    );
    std::fs::write(&page, &slipped).expect("write");
    let (_, items, _) = reported(dir.path(), &baseline);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["rule"], "dateline-dash");
    let tashkent = slipped
        .lines()
        .position(|line| line.starts_with("TASHKENT"))
        .expect("the new article")
        + 1;
    assert_eq!(items[0]["start"]["line"], tashkent, "{items:?}");

    // An old slip fixed: the baseline can be tightened, and says so.
    let tidied = slipped.replacen(
        "NOV. 7 2018 (The Conway Bulletin) –",
        "NOV. 7 2018 (The Conway Bulletin) —",
        1,
    );
    std::fs::write(&page, tidied).expect("write");
    let (_, items, stderr) = reported(dir.path(), &baseline);
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        stderr.contains("1 finding recorded in bulletin-baseline.json no longer occurs"),
        "{stderr}"
    );
}

#[test]
fn the_baseline_key_of_bulletin_toml_is_honoured() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("pages")).expect("mkdir");
    std::fs::write(dir.path().join("pages/2018.txt"), LEGACY).expect("write");
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "include = [\"*.txt\"]\nbaseline = \"ci/baseline.json\"\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("ci")).expect("mkdir");
    let run = bulletin_in(
        dir.path(),
        &["check", "--write-baseline", "ci/baseline.json", "."],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // From another working directory, the key still finds the baseline.
    let (code, items, _) = reported(&dir.path().join("pages"), &["."]);
    assert_eq!((code, items.len()), (0, 0), "{items:?}");
    // Without the key, the findings are back.
    std::fs::write(dir.path().join("bulletin.toml"), "include = [\"*.txt\"]\n").expect("write");
    let (_, items, _) = reported(&dir.path().join("pages"), &["."]);
    assert_eq!(items.len(), 3);
    // A missing baseline is trouble, not a silent pass.
    let run = bulletin_in(dir.path(), &["check", "--baseline", "nope.json", "."], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nope.json"), "{}", run.stderr);
}

// ------------------------------------------------- submissions and the archive

fn issue_page(headline: &str, dateline: &str, issue: u32, published: &str) -> String {
    format!("{headline}\n\n{dateline} (The Conway Bulletin) — Officials spoke.\n\n(News report from Issue No. {issue}, published on {published})\n")
}

/// An archive with a legacy warning (a doubled space) and issue 400 on Nov. 9 2018.
fn archive_with_legacy(dir: &Path) {
    std::fs::create_dir_all(dir.join("archive")).expect("mkdir");
    std::fs::write(
        dir.join("archive/2018-11.bulletin"),
        issue_page("Tajik cotton", "DUSHANBE, NOV.  6 2018", 400, "Nov. 9 2018"),
    )
    .expect("write");
    std::fs::write(
        dir.join("archive/2018-11b.bulletin"),
        issue_page("Kyrgyz gold", "BISHKEK, NOV. 12 2018", 401, "Nov. 16 2018"),
    )
    .expect("write");
}

#[test]
fn a_submission_is_judged_against_the_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    archive_with_legacy(dir.path());
    // The submission dates issue 400 a week after the archive does.
    std::fs::write(
        dir.path().join("submission.bulletin"),
        issue_page("Kazakh tenge", "ASTANA, NOV. 14 2018", 400, "Nov. 16 2018"),
    )
    .expect("write");
    let (code, items, stderr) =
        reported(dir.path(), &["--archive", "archive", "submission.bulletin"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        items
            .iter()
            .all(|item| item["path"] == "submission.bulletin"),
        "only the submission's findings: {items:?}"
    );
    assert!(
        items
            .iter()
            .any(|item| item["rule"] == "issue-date-conflict"),
        "{items:?}"
    );
    // The archive side of the conflict is related information.
    let sarif = bulletin_in(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--archive",
            "archive",
            "submission.bulletin",
        ],
        None,
    );
    let sarif: Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let conflict = results
        .iter()
        .find(|result| result["ruleId"] == "issue-date-conflict")
        .expect("the conflict");
    let related = conflict["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("a related location");
    assert!(related.ends_with("archive/2018-11.bulletin"), "{related}");
    // The human summary counts the submission only.
    let human = bulletin_in(
        dir.path(),
        &[
            "check",
            "--color",
            "never",
            "--archive",
            "archive",
            "submission.bulletin",
        ],
        None,
    )
    .stdout;
    assert!(human.contains("1 error, 0 warnings in 1 file"), "{human}");
    assert!(human.contains("archive/2018-11.bulletin:5:"), "{human}");
    // --archive and --fix do not mix (yet).
    let run = bulletin_in(
        dir.path(),
        &[
            "check",
            "--fix",
            "--archive",
            "archive",
            "submission.bulletin",
        ],
        None,
    );
    assert_eq!(run.code, 2);
}

#[test]
fn changed_since_reports_only_the_changed_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .stdout(Stdio::null())
            .status();
        status.is_ok_and(|status| status.success())
    };
    if !git(&["init", "-q", "."]) {
        // No git on this machine: nothing to test.
        return;
    }
    archive_with_legacy(dir.path());
    assert!(git(&["add", "."]) && git(&["commit", "-q", "-m", "archive"]));
    // Nothing changed: nothing to check, unless allowed.
    let run = bulletin_in(dir.path(), &["check", "--changed-since", "HEAD", "."], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("HEAD"), "{}", run.stderr);
    let run = bulletin_in(
        dir.path(),
        &["check", "--changed-since", "HEAD", "--allow-no-files", "."],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A new page that conflicts with the archive.
    std::fs::write(
        dir.path().join("archive/2018-12.bulletin"),
        issue_page("Kazakh tenge", "ASTANA, NOV. 14 2018", 400, "Nov. 16 2018"),
    )
    .expect("write");
    let (code, items, stderr) = reported(dir.path(), &["--changed-since", "HEAD", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        items
            .iter()
            .all(|item| item["path"] == "archive/2018-12.bulletin"),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|item| item["rule"] == "issue-date-conflict"),
        "{items:?}"
    );
    let run = bulletin_in(
        dir.path(),
        &["check", "--changed-since", "no-such-ref", "."],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-ref"), "{}", run.stderr);
}

// ---------------------------------------------------------- discoverability

#[test]
fn init_proposes_txt_pages_and_the_publications_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("pages")).expect("mkdir");
    std::fs::write(
        dir.path().join("pages/2018.txt"),
        "Tajik cotton\n\nDUSHANBE, NOV. 6 2018 (The Steppe Courier) — Farmers picked cotton.\n",
    )
    .expect("write");
    let run = bulletin_in(dir.path(), &["init"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.path().join("bulletin.toml")).expect("written");
    assert!(written.contains("\ninclude = [\"*.txt\"]\n"), "{written}");
    assert!(written.contains("\"The Steppe Courier\""), "{written}");
    // The pages are now checked, with the publication known.
    let (code, items, stderr) = reported(dir.path(), &["."]);
    assert_eq!((code, items.len()), (0, 0), "{stderr} {items:?}");
    // A second run does not overwrite.
    assert_eq!(bulletin_in(dir.path(), &["init"], None).code, 2);
    assert_eq!(bulletin_in(dir.path(), &["init", "--force"], None).code, 0);
}

#[test]
fn show_files_and_show_settings_explain_themselves() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bulletin.toml"),
        "include = [\"*.txt\"]\ncadence-days = 14\n\n[rules]\ndateline-dash = \"error\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("a.txt"), CLEAN).expect("write");
    std::fs::write(dir.path().join("b.bulletin"), CLEAN).expect("write");
    std::fs::write(dir.path().join("notes.md"), "not a page").expect("write");
    let run = bulletin_in(dir.path(), &["check", "--show-files", "."], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "a.txt  (matched by `include = [\"*.txt\"]`)\nb.bulletin  (a `*.bulletin` file)\n"
    );
    let run = bulletin_in(dir.path(), &["check", "--show-settings", "a.txt"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("cadence-days = 14  # "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("bulletin.toml"), "{}", run.stdout);
    assert!(
        run.stdout.contains("too-early-days = 60  # default"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("dateline-dash = \"error\""),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_man_page_output_file_and_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = bulletin_in(dir.path(), &["completions", "bash"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("bulletin") && run.stdout.contains("--write-baseline"));
    let run = bulletin_in(dir.path(), &["man"], None);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH"),
        "{}",
        run.stdout
    );
    let run = bulletin_in(dir.path(), &["check", "--help"], None);
    assert_eq!(run.code, 0);
    for part in [
        "Exit status:",
        "[PATH]...",
        "--color",
        "NO_COLOR",
        "`-` alone reads standard input",
    ] {
        assert!(run.stdout.contains(part), "{part}: {}", run.stdout);
    }
    std::fs::write(dir.path().join("a.bulletin"), SLIPS).expect("write");
    let run = bulletin_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--output-file",
            "report.json",
            ".",
        ],
        None,
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
    let report: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("report.json")).expect("report"),
    )
    .expect("JSON");
    assert_eq!(report.len(), 2);
    // Each human diagnostic ends with how to learn more.
    let human = bulletin_in(
        dir.path(),
        &["check", "--color", "never", "a.bulletin"],
        None,
    )
    .stdout;
    assert_eq!(
        human.matches("`bulletin explain dateline-dash`").count(),
        1,
        "{human}"
    );
    assert_eq!(
        human.matches("`bulletin explain dateline-spacing`").count(),
        1,
        "{human}"
    );
}
