//! One judgement from the command line, however it is asked: the same
//! configuration whatever the spelling of the path or the working directory,
//! entity files judged like `bulletin.toml`, and fixes that are exactly the
//! fixes of the findings reported (`--select`/`--ignore` honoured,
//! cross-file `entity-spelling` included).

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bulletin_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("stdin written");
    }
    let output = child.wait_with_output().expect("the binary finishes");
    Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

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
