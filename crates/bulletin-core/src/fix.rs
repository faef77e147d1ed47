//! Applying fixes: edits are spliced into the text, never anything else, so
//! line endings, a byte-order mark and the final newline stay as they were.

use std::path::Path;

use crate::analysis::{check_files, SourceFile};
use crate::config::Config;
use crate::diagnostic::{Applicability, Diagnostic, Edit};

/// Applies the fixes of `diagnostics` that do not overlap an earlier one.
/// Returns the new text and how many fixes went in.
pub fn apply_fixes(
    text: &str,
    diagnostics: &[Diagnostic],
    include_unsafe: bool,
) -> (String, usize) {
    let mut fixes: Vec<&[Edit]> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .filter(|fix| include_unsafe || fix.applicability == Applicability::Safe)
        .filter(|fix| !fix.edits.is_empty())
        .map(|fix| fix.edits.as_slice())
        .collect();
    fixes.sort_by_key(|edits| edits[0].range.start);
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for edits in fixes {
        // Against the edits already accepted and this fix's own earlier ones.
        let fits = edits.iter().enumerate().all(|(at, edit)| {
            text.is_char_boundary(edit.range.start)
                && text.is_char_boundary(edit.range.end)
                && edit.range.end <= text.len()
                && accepted
                    .iter()
                    .copied()
                    .chain(&edits[..at])
                    .all(|taken| !overlaps(taken, edit))
        });
        if fits {
            accepted.extend(edits);
            applied += 1;
        }
    }
    accepted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in accepted {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Two edits conflict when their ranges overlap, when both insert at one
/// point, or when one inserts at the start of or inside the other's range
/// (spliced in order, the insertion would cut the replaced text).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    match (a.range.is_empty(), b.range.is_empty()) {
        (true, true) => a.range.start == b.range.start,
        (true, false) => b.range.contains(a.range.start),
        (false, true) => a.range.contains(b.range.start),
        (false, false) => a.range.start < b.range.end && b.range.start < a.range.end,
    }
}

/// The result of fixing one text until nothing fixable is left.
pub struct FixOutcome {
    pub text: String,
    pub fixes_applied: usize,
}

/// Fixes `text` on its own to a fixed point (see [`fix_files`]).
pub fn fix_text(
    text: &str,
    config: &Config,
    path: Option<&Path>,
    include_unsafe: bool,
) -> FixOutcome {
    let file = SourceFile {
        name: String::new(),
        path,
        text,
        config,
    };
    fix_files(std::slice::from_ref(&file), include_unsafe)
        .pop()
        .unwrap_or(FixOutcome {
            text: text.to_string(),
            fixes_applied: 0,
        })
}

/// Fixes files checked together to a fixed point: exactly the fixes of the
/// findings `check_files` reports for them (configuration, per-file ignores
/// and rules turned off honoured; cross-file findings such as
/// `entity-spelling` included). A fix can uncover another (a place split
/// from its month reveals the month's style), so check and fix again, a
/// bounded number of times. Running it on its own output changes nothing.
pub fn fix_files(files: &[SourceFile<'_>], include_unsafe: bool) -> Vec<FixOutcome> {
    use rayon::prelude::*;
    let mut outcomes: Vec<FixOutcome> = files
        .iter()
        .map(|file| FixOutcome {
            text: file.text.to_string(),
            fixes_applied: 0,
        })
        .collect();
    for _ in 0..8 {
        let sources: Vec<SourceFile<'_>> = files
            .iter()
            .zip(&outcomes)
            .map(|(file, outcome)| SourceFile {
                name: file.name.clone(),
                path: file.path,
                text: &outcome.text,
                config: file.config,
            })
            .collect();
        let checked = check_files(&sources);
        let next: Vec<(String, usize)> = checked
            .par_iter()
            .zip(&sources)
            .map(|(checked, source)| apply_fixes(source.text, &checked.diagnostics, include_unsafe))
            .collect();
        drop(sources);
        let mut changed = false;
        for (outcome, (text, applied)) in outcomes.iter_mut().zip(next) {
            if applied > 0 && text != outcome.text {
                outcome.text = text;
                outcome.fixes_applied += applied;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    outcomes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;
    use crate::rules::Rule;
    use crate::text_range::TextRange;

    fn finding(edits: Vec<Edit>) -> Diagnostic {
        Diagnostic::new(Rule::DatelineDash, TextRange::new(0, 1), "x")
            .with_fix(Fix::safe("fix", edits))
    }

    /// Found by the `fix` fuzz target: an insertion inside another fix's
    /// replaced range was not a conflict, and splicing both panicked.
    #[test]
    fn an_insertion_inside_a_replacement_conflicts() {
        let text = "abcdefgh";
        let replace = finding(vec![Edit::replace(TextRange::new(2, 6), "XY")]);
        let insert = finding(vec![Edit::insert(4, ")")]);
        let (out, applied) = apply_fixes(text, &[replace.clone(), insert.clone()], false);
        assert_eq!((out.as_str(), applied), ("abXYgh", 1));
        let (out, applied) = apply_fixes(text, &[insert, replace], false);
        assert_eq!((out.as_str(), applied), ("abXYgh", 1));
        // At the replacement's end, both apply.
        let after = finding(vec![Edit::insert(6, ")")]);
        let replace = finding(vec![Edit::replace(TextRange::new(2, 6), "XY")]);
        assert_eq!(apply_fixes(text, &[replace, after], false).0, "abXY)gh");
    }

    /// A fix whose own edits overlap is not applied (rather than panicking).
    #[test]
    fn a_fix_with_overlapping_edits_is_skipped() {
        let text = "abcdefgh";
        let broken = finding(vec![
            Edit::replace(TextRange::new(1, 5), "X"),
            Edit::insert(3, "Y"),
        ]);
        assert_eq!(apply_fixes(text, &[broken], false), (text.to_string(), 0));
    }
}
