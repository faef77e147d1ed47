//! Rules of the codebase that a test can keep: every source file says what
//! it is for in a `//!` doc, the analysis core depends on no face (no
//! async runtime, protocol, command-line, terminal or JSON crate), only
//! its `checks/` make findings, and only the binary's `main` sets
//! tree-sitter's allocator.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in [
        "src",
        "crates/bulletin-core/src",
        "crates/bulletin-wasm/src",
        "tests",
        "benches",
        "fuzz/fuzz_targets",
    ] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 40, "found only {} files", files.len());
    let undocumented: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| {
            path.strip_prefix(root())
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "no `//!` doc at the top of: {undocumented:?}"
    );
}

#[test]
fn the_core_depends_on_no_face() {
    let manifest = std::fs::read_to_string(root().join("crates/bulletin-core/Cargo.toml"))
        .expect("the core's manifest");
    let manifest: toml::Table = toml::from_str(&manifest).expect("TOML");
    let forbidden = [
        "tokio",
        "tower-lsp-server",
        "tower-service",
        "futures",
        "clap",
        "indicatif",
        "annotate-snippets",
        "serde_json",
        "anyhow",
    ];
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(table) = manifest.get(section).and_then(|value| value.as_table()) else {
            continue;
        };
        for name in table.keys() {
            assert!(
                !forbidden.contains(&name.as_str()),
                "the core depends on `{name}` in [{section}]: faces' crates stay out of it"
            );
        }
    }
}

/// Rules in one place: outside `checks/`, the core's code (tests aside)
/// never makes a finding. Reading who is mentioned (`entities/`) or what
/// an article says (`model.rs`) is not judging it.
#[test]
fn only_the_checks_make_findings() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/bulletin-core/src"), &mut files);
    let checks = root().join("crates/bulletin-core/src/checks");
    let judging: Vec<String> = files
        .iter()
        .filter(|path| !path.starts_with(&checks))
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            code.contains("Diagnostic::new(")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        judging.is_empty(),
        "findings made outside crates/bulletin-core/src/checks/: {judging:?}"
    );
}

/// Tree-sitter has one allocator: an object must be freed by the allocator
/// that made it, so only the binary's `main`, before anything else, gives
/// tree-sitter mimalloc, and nothing else sets tree-sitter's allocator.
#[test]
fn only_main_sets_tree_sitters_allocator() {
    let mut files = Vec::new();
    for dir in ["src", "crates", "benches", "tests", "fuzz", "examples"] {
        rust_files(&root().join(dir), &mut files);
    }
    let main = root().join("src/main.rs");
    let setters: Vec<String> = files
        .iter()
        .filter(|path| **path != main && !path.ends_with("tests/tidy.rs"))
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            text.contains("use_for_tree_sitter()") || text.contains("set_allocator(")
        })
        .filter(|path| !path.ends_with("src/malloc.rs"))
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        setters.is_empty(),
        "tree-sitter's allocator set outside src/main.rs: {setters:?}"
    );
    let main = std::fs::read_to_string(&main).unwrap_or_default();
    let body = main.split("fn main()").nth(1).unwrap_or_default();
    let first_call = body.find("use_for_tree_sitter()");
    let run = body.find("cli::run()");
    assert!(
        first_call.is_some_and(|at| run.is_some_and(|run| at < run)),
        "main gives tree-sitter its allocator before it runs anything"
    );
}
