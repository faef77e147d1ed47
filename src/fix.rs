//! Applying fixes: edits are spliced into the text, never anything else, so
//! line endings, a byte-order mark and the final newline stay as they were.

use std::path::Path;

use crate::analysis::{analyze, archive_diagnostics, configure, FileAnalysis, SourceFile};
use crate::config::Config;
use crate::diagnostic::{Applicability, Diagnostic, Edit, FileId};

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

/// How many times fixing analyses and fixes again at most.
const ROUNDS: usize = 8;

/// The result of fixing one text until nothing fixable is left.
pub struct FixOutcome {
    pub text: String,
    pub fixes_applied: usize,
}

/// Fixes `text` to a fixed point: a fix can uncover another (a place split
/// from its month reveals the month's style), so analyse and fix again,
/// a bounded number of times. Running it on its own output changes nothing.
pub fn fix_text(
    text: &str,
    config: &Config,
    path: Option<&Path>,
    include_unsafe: bool,
) -> FixOutcome {
    let mut current = text.to_string();
    let mut fixes_applied = 0;
    for _ in 0..ROUNDS {
        let (_, analysis) = analyze(&current, config);
        let diagnostics = configure(analysis.diagnostics, config, path);
        let (next, applied) = apply_fixes(&current, &diagnostics, include_unsafe);
        if applied == 0 || next == current {
            break;
        }
        fixes_applied += applied;
        current = next;
    }
    FixOutcome {
        text: current,
        fixes_applied,
    }
}

/// Fixes files checked together, as `bulletin check --fix` does: the fixes
/// of everything `analysis::check_files` reports for them, the cross-file
/// rules' included (an acronym expanded two ways takes the archive's
/// spelling), to a fixed point. Only files a round changed are analysed
/// again. Outcomes follow input order.
pub fn fix_files(files: &[SourceFile<'_>], include_unsafe: bool) -> Vec<FixOutcome> {
    use rayon::prelude::*;
    let mut texts: Vec<String> = files.iter().map(|file| file.text.to_string()).collect();
    let mut analyses: Vec<Option<FileAnalysis>> = vec![None; files.len()];
    let mut applied = vec![0; files.len()];
    let archive_config = files
        .first()
        .map(|file| file.config)
        .cloned()
        .unwrap_or_default();
    let name_of = |file: FileId| {
        files
            .get(file.0 as usize)
            .map_or_else(String::new, |file| file.name.clone())
    };
    for _ in 0..ROUNDS {
        analyses
            .par_iter_mut()
            .zip(&texts)
            .zip(files)
            .filter(|((analysis, _), _)| analysis.is_none())
            .for_each(|((analysis, text), file)| *analysis = Some(analyze(text, file.config).1));
        let indexed: Vec<(FileId, &FileAnalysis)> = analyses
            .iter()
            .enumerate()
            .filter_map(|(at, analysis)| Some((FileId(at as u32), analysis.as_ref()?)))
            .collect();
        let mut cross: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
        for (file, diagnostic) in archive_diagnostics(&indexed, &archive_config, &name_of) {
            if let Some(slot) = cross.get_mut(file.0 as usize) {
                slot.push(diagnostic);
            }
        }
        let mut changed = false;
        for (at, cross) in cross.into_iter().enumerate() {
            let Some(analysis) = &analyses[at] else {
                continue;
            };
            let mut diagnostics = analysis.diagnostics.clone();
            diagnostics.extend(cross);
            let diagnostics = configure(diagnostics, files[at].config, files[at].path);
            let (next, count) = apply_fixes(&texts[at], &diagnostics, include_unsafe);
            if count > 0 && next != texts[at] {
                texts[at] = next;
                applied[at] += count;
                analyses[at] = None;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    texts
        .into_iter()
        .zip(applied)
        .map(|(text, fixes_applied)| FixOutcome {
            text,
            fixes_applied,
        })
        .collect()
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
