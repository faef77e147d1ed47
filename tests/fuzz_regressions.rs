//! Every finding of the fuzzers in `fuzz/`, kept as a regression test.
//!
//! The minimised reproducers of the `analyse` and `fix` targets are
//! committed under `tests/fixtures/fuzz/<target>/` as the raw bytes
//! libFuzzer wrote, and replayed here through the same checks the targets
//! run (`tests/common/`), read the same way (lossy UTF-8). The
//! `document_store` target's inputs are structured (decoded with
//! `arbitrary`), so its findings are written out below as the edits they
//! decode to. See `fuzz/README.md`.

use std::path::Path;

#[path = "common/fixes.rs"]
mod fixes;
#[path = "common/invariants.rs"]
mod invariants;
#[path = "common/store.rs"]
mod store;

/// The committed reproducers of one target, as the target reads them.
fn reproducers(target: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a reproducer");
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn analyse_reproducers() {
    for (name, text) in reproducers("analyse") {
        eprintln!("analyse: {name}");
        invariants::analyse_and_check(&text);
    }
}

#[test]
fn fix_reproducers() {
    for (name, text) in reproducers("fix") {
        eprintln!("fix: {name}");
        for include_unsafe in [false, true] {
            fixes::check_fix(&text, include_unsafe);
        }
    }
}

/// Found by the `fix` target's property "re-checking finds nothing fixable":
/// `bulletin check` offered the cross-file `entity-spelling` fix as fixable
/// with `--fix`, but `--fix` fixed each file on its own, without the
/// cross-file rules, so the finding stayed. The command line, across files.
#[test]
fn fix_applies_the_cross_file_spelling_fix() {
    let article = |place: &str, spelling: &str| {
        format!(
            "SCO ministers meet\n\n{place}, APRIL 2 2019 (The Conway Bulletin) — The Shanghai Cooperation {spelling} (SCO) met.\n\n(News report from Issue No. 409, published on April 5 2019)\n"
        )
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        ("a.bulletin", article("BISHKEK", "Organisation")),
        ("b.bulletin", article("OSH", "Organisation")),
        ("c.bulletin", article("ASTANA", "Organization")),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("the binary runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let before = run(&["check", "."]);
    assert!(before.contains("entity-spelling"), "{before}");
    run(&["check", "--fix", "."]);
    let fixed = std::fs::read_to_string(dir.path().join("c.bulletin")).expect("read");
    assert_eq!(fixed, article("ASTANA", "Organisation"));
    let after = run(&["check", "."]);
    assert!(!after.contains("entity-spelling"), "{after}");
    assert!(!after.contains("fixable"), "{after}");
}
