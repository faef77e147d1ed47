//! What must hold of `--fix` on any text: shared by
//! `tests/fuzz_regressions.rs` and the `fix` fuzz target (which includes this
//! file by path). Every check panics on a violation.

#![allow(dead_code)]

use bulletin_core::analysis::{check_files, SourceFile};
use bulletin_core::config::Config;
use bulletin_core::diagnostic::{Applicability, Diagnostic};
use bulletin_core::fix::{apply_fixes, fix_files};
use bulletin_core::text_range::TextRange;

/// How many rounds `fix::fix_files` runs at most.
const ROUNDS: usize = 8;

/// What `bulletin check FILE` reports for `text`: the article-level and the
/// cross-file rules' findings, configured.
fn checked(text: &str, config: &Config) -> Vec<Diagnostic> {
    let file = SourceFile {
        name: "fuzz.bulletin".to_string(),
        path: None,
        text,
        config,
    };
    check_files(&[file])
        .pop()
        .map(|checked| checked.diagnostics)
        .unwrap_or_default()
}

/// What `bulletin check --fix FILE` makes of `text`.
fn fixed(text: &str, config: &Config, include_unsafe: bool) -> String {
    let file = SourceFile {
        name: "fuzz.bulletin".to_string(),
        path: None,
        text,
        config,
    };
    fix_files(&[file], include_unsafe)
        .pop()
        .map(|outcome| outcome.text)
        .expect("one outcome per file")
}

/// The edits `--fix` may apply: those of fixes it takes (safe ones, or
/// all with `include_unsafe`).
fn candidate_edits(diagnostics: &[Diagnostic], include_unsafe: bool) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .filter(|fix| include_unsafe || fix.applicability == Applicability::Safe)
        .flat_map(|fix| fix.edits.iter().map(|edit| edit.range))
        .collect();
    ranges.sort();
    ranges
}

/// The text outside every candidate edit of `before` is still in `after`,
/// piece by piece and in order: fixing splices edits and loses nothing else.
pub fn check_outside_kept(before: &str, after: &str, edits: &[TextRange]) {
    // The stretches between edits (an insertion splits a stretch in two).
    let mut kept = Vec::new();
    let mut at = 0;
    for edit in edits {
        let start = edit.start.clamp(at, before.len());
        kept.push(before.get(at..start).unwrap_or(""));
        at = at.max(edit.end.min(before.len()));
    }
    kept.push(before.get(at..).unwrap_or(""));
    let mut from = 0;
    for piece in kept.into_iter().filter(|piece| !piece.is_empty()) {
        match after.get(from..).and_then(|rest| rest.find(piece)) {
            Some(found) => from += found + piece.len(),
            None => panic!(
                "the text {piece:?}, outside every fix edit, was lost by fixing {before:?} into {after:?}"
            ),
        }
    }
}

/// Runs `--fix` on `text` (one file, as `bulletin check --fix FILE` does)
/// and checks it; returns the fixed text.
///
/// Round by round (as `fix_files` does, which must give the same text), no
/// text outside the round's fix edits is lost; the fixed text passes the
/// invariants of any analysed text; re-checking it (`bulletin check FILE`,
/// cross-file rules included) finds no fixable finding left; and fixing it
/// again changes nothing.
pub fn check_fix(text: &str, include_unsafe: bool) -> String {
    let config = Config::default();
    let mut current = text.to_string();
    for _ in 0..ROUNDS {
        let diagnostics = checked(&current, &config);
        let (next, applied) = apply_fixes(&current, &diagnostics, include_unsafe);
        check_outside_kept(
            &current,
            &next,
            &candidate_edits(&diagnostics, include_unsafe),
        );
        if applied == 0 || next == current {
            break;
        }
        current = next;
    }
    let fixed_text = fixed(text, &config, include_unsafe);
    assert_eq!(fixed_text, current, "fix_files differs from its rounds");

    crate::invariants::analyse_and_check(&fixed_text);
    let left: Vec<String> = checked(&fixed_text, &config)
        .iter()
        .filter(|diagnostic| {
            diagnostic.fix.as_ref().is_some_and(|fix| {
                !fix.edits.is_empty()
                    && (include_unsafe || fix.applicability == Applicability::Safe)
            })
        })
        .map(|diagnostic| format!("{} at {:?}", diagnostic.rule.name(), diagnostic.range))
        .collect();
    assert!(
        left.is_empty(),
        "fixable findings left after --fix: {left:?} in {fixed_text:?}"
    );
    let again = fixed(&fixed_text, &config, include_unsafe);
    assert_eq!(again, fixed_text, "a second --fix changed the text");
    fixed_text
}
