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
        let fits = edits.iter().all(|edit| {
            text.is_char_boundary(edit.range.start)
                && text.is_char_boundary(edit.range.end)
                && edit.range.end <= text.len()
                && accepted.iter().all(|taken| !overlaps(taken, edit))
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

/// Two edits conflict when their ranges overlap, or when both insert at one point.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    if a.range.is_empty() || b.range.is_empty() {
        return a.range.touches(b.range.start) && b.range.touches(a.range.start);
    }
    a.range.start < b.range.end && b.range.start < a.range.end
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
