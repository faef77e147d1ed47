//! The GitHub Action's check step (`action.yml`), run as GitHub runs it:
//! under `bash -e`, with the real binary on `PATH`. Its `exit-code` output
//! must be set whatever the check's status.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;

/// The `run:` script of the step named `name` in `action.yml`, dedented.
fn step_script(name: &str) -> String {
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    let mut lines = action
        .lines()
        .skip_while(|line| line.trim() != format!("- name: {name}"));
    assert!(lines.next().is_some(), "a step named {name}");
    let mut lines = lines.skip_while(|line| line.trim() != "run: |");
    assert!(lines.next().is_some(), "a run: | block");
    let mut script = String::new();
    for line in lines {
        if !line.trim().is_empty() && !line.starts_with("        ") {
            break;
        }
        script.push_str(line.strip_prefix("        ").unwrap_or(""));
        script.push('\n');
    }
    script
}

/// Runs the check step in `dir`; returns its status and the `exit-code` output.
fn run_check_step(dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let bin = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_bulletin"), bin.path().join("bulletin"))
        .expect("symlink");
    let output_file = bin.path().join("github-output");
    std::fs::write(&output_file, "").expect("write");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(["-e", "-c", &step_script("Check")])
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output_file)
        .env("PATHS", ".")
        .env("ARGS", "")
        .env("WARNINGS_AS_ERRORS", "false")
        .env("SARIF_FILE", "")
        .env("ARCHIVE", "")
        .env("CHANGED_SINCE", "");
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command
        .output()
        .expect("bash runs")
        .status
        .code()
        .expect("exited");
    let outputs = std::fs::read_to_string(&output_file).expect("outputs");
    (status, outputs)
}

#[cfg(unix)]
#[test]
fn the_check_step_sets_exit_code_on_success_and_on_failure_under_bash_e() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.bulletin"),
        "Uzbek gas\n\nTASHKENT, NOV. 8 2018 (The Conway Bulletin) — Gas sold.\n",
    )
    .expect("write");
    assert_eq!(
        run_check_step(dir.path(), &[]),
        (0, "exit-code=0\n".to_string())
    );
    // An error: the step fails, and says so in its output first.
    std::fs::write(
        dir.path().join("b.bulletin"),
        "Kazakh tenge\n\nASTANA, FEB. 30 2018 (The Conway Bulletin) — The tenge held.\n",
    )
    .expect("write");
    assert_eq!(
        run_check_step(dir.path(), &[]),
        (1, "exit-code=1\n".to_string())
    );
    // With SARIF too.
    let (status, outputs) = run_check_step(dir.path(), &[("SARIF_FILE", "out.sarif")]);
    assert_eq!((status, outputs.as_str()), (1, "exit-code=1\n"));
    assert!(dir.path().join("out.sarif").is_file());
    // Trouble (nothing to check): 2.
    let empty = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        run_check_step(empty.path(), &[]),
        (2, "exit-code=2\n".to_string())
    );
}

#[test]
fn one_repository_address_and_installs_that_work() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "README.md",
        "docs/ci.md",
        "action.yml",
        ".pre-commit-hooks.yaml",
        "editors/neovim/README.md",
    ] {
        let text = std::fs::read_to_string(root.join(name)).expect("readable");
        for (at, _) in text.match_indices("github.com/") {
            let address: String = text[at + "github.com/".len()..]
                .chars()
                .take_while(|ch| ch.is_alphanumeric() || "-_./".contains(*ch))
                .collect();
            if address.is_empty() {
                // `github.com/${ACTION_REPOSITORY:-…}`: the action's own repository.
                continue;
            }
            let owner = address.split('/').next().unwrap_or_default();
            if ["actions", "github", "dtolnay", "rapidfuzz"].contains(&owner) {
                continue;
            }
            assert!(
                address.starts_with("bulletin-markup/bulletin"),
                "{name}: github.com/{address}"
            );
        }
        assert!(!text.contains("bulletin-tools/"), "{name}");
        assert!(
            !text.contains("cargo install bulletin "),
            "{name}: the crate is not published"
        );
    }
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(root.join(license).is_file(), "{license}");
    }
    assert!(root.join("editors/neovim/ftdetect/bulletin.lua").is_file());
}
