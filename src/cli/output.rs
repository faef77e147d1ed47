//! Output formats of `bulletin check` and `bulletin symbols`. The JSON shapes
//! here are a stable contract for CI scripts: change them only additively.

mod github;
mod junit;
mod sarif;

use std::borrow::Cow;
use std::io::Write;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use super::spill::{FindingStore, Kept};
use super::OutputFormat;
use bulletin_core::diagnostic::{Diagnostic, Severity};
use bulletin_core::line_index::{HumanPosition, LineIndex};
use bulletin_core::outline::Outline;
use bulletin_core::report::{DiagnosticRecord, Position};
use bulletin_core::text_range::TextRange;

pub(super) struct ReportFile<'a> {
    pub(super) name: Cow<'a, str>,
    /// Where the text can be read again, for the human format's snippets.
    pub(super) path: Option<&'a std::path::Path>,
    /// The text, when it is at hand (standard input, fixed texts, or read
    /// again for a baseline); otherwise it was let go once judged.
    pub(super) text: Option<Cow<'a, str>>,
    /// The text's length when it was judged: a file read again with
    /// another length changed meanwhile, and gives no snippets.
    pub(super) len: usize,
    /// Every offset the findings point at, placed while the text was judged.
    pub(super) positions: Positions,
    /// Its findings (its own until the cross-file rules have run, then
    /// complete and configured), kept in `store` until they are written.
    pub(super) findings: Kept,
    pub(super) store: &'a FindingStore,
    /// `false` for a file of the archive a submission is judged against
    /// (`--archive`, `--changed-since`): there only for related locations.
    pub(super) shown: bool,
}

impl ReportFile<'_> {
    /// Its findings, in the report's order.
    pub(super) fn diagnostics(&self) -> Vec<Diagnostic> {
        self.store.diagnostics(&self.findings)
    }

    /// The line and column of `offset`.
    pub(super) fn at(&self, offset: usize) -> HumanPosition {
        if let Some(position) = self.positions.get(offset) {
            return position;
        }
        // Not placed when judged (no finding points there): place it anew.
        let text = self.text_again();
        let text = text.as_deref().unwrap_or("");
        LineIndex::new(text).to_human(text, offset)
    }

    /// The text as it was judged: held, or read again (`None` when it
    /// cannot be read or has changed since).
    pub(super) fn text_again(&self) -> Option<Cow<'_, str>> {
        if let Some(text) = &self.text {
            return Some(Cow::Borrowed(text.as_ref()));
        }
        let text = std::fs::read_to_string(self.path?).ok()?;
        (text.len() == self.len).then_some(Cow::Owned(text))
    }
}

/// Lines and columns of chosen offsets of one text, kept when the text is
/// let go: what the report needs to place each finding. Twelve bytes an
/// offset; an offset past 4 GiB is not kept, and is placed by reading the
/// text again (`ReportFile::at`).
#[derive(Debug, Default)]
pub(super) struct Positions(Vec<Placed>);

/// An offset, and its line and column.
type Placed = (u32, u32, u32);

impl Positions {
    /// Places each of `offsets` in `text`.
    pub(super) fn of(text: &str, offsets: impl Iterator<Item = usize>) -> Positions {
        let mut offsets: Vec<usize> = offsets.collect();
        offsets.sort_unstable();
        offsets.dedup();
        if offsets.is_empty() {
            return Positions::default();
        }
        let index = LineIndex::new(text);
        Positions(
            offsets
                .into_iter()
                .filter_map(|offset| {
                    let HumanPosition { line, column } = index.to_human(text, offset);
                    Some((
                        u32::try_from(offset).ok()?,
                        u32::try_from(line).ok()?,
                        u32::try_from(column).ok()?,
                    ))
                })
                .collect(),
        )
    }

    pub(super) fn has(&self, offset: usize) -> bool {
        self.get(offset).is_some()
    }

    /// Adds the places of `other`.
    pub(super) fn merge(&mut self, other: Positions) {
        self.0.extend(other.0);
        self.0.sort_unstable_by_key(|(at, _, _)| *at);
        self.0.dedup_by_key(|(at, _, _)| *at);
    }

    fn get(&self, offset: usize) -> Option<HumanPosition> {
        let offset = u32::try_from(offset).ok()?;
        let at = self
            .0
            .binary_search_by_key(&offset, |(at, _, _)| *at)
            .ok()?;
        self.0.get(at).map(|&(_, line, column)| HumanPosition {
            line: line as usize,
            column: column as usize,
        })
    }
}

/// Every offset a finding points at: its range, its fix's edits, its
/// related locations.
pub(super) fn finding_offsets(diagnostics: &[Diagnostic]) -> impl Iterator<Item = usize> + '_ {
    diagnostics.iter().flat_map(|diagnostic| {
        let edits = diagnostic
            .fix
            .iter()
            .flat_map(|fix| &fix.edits)
            .flat_map(|edit| [edit.range.start, edit.range.end]);
        let related = diagnostic
            .related
            .iter()
            .flat_map(|related| [related.range.start, related.range.end]);
        [diagnostic.range.start, diagnostic.range.end]
            .into_iter()
            .chain(edits)
            .chain(related)
    })
}

pub(super) struct Report<'a> {
    pub(super) files: &'a [ReportFile<'a>],
    pub(super) color: bool,
    pub(super) quiet: bool,
    /// How many fixes `--fix` applied.
    pub(super) fixed: usize,
    /// Whether unsafe fixes count as fixable (`--unsafe-fixes`).
    pub(super) unsafe_fixes: bool,
    /// Whether warnings fail the check (`--warnings-as-errors`).
    pub(super) warnings_as_errors: bool,
}

impl<'a> Report<'a> {
    /// Every diagnostic with its file, in output order, unpacked a file
    /// at a time.
    fn diagnostics(&self) -> impl Iterator<Item = (&'a ReportFile<'a>, Diagnostic)> + 'a {
        self.files.iter().flat_map(|file| {
            file.diagnostics()
                .into_iter()
                .map(move |diagnostic| (file, diagnostic))
        })
    }

    /// How many files the report is about (not the archive around them).
    pub(super) fn shown_files(&self) -> usize {
        self.files.iter().filter(|file| file.shown).count()
    }

    /// Whether `diagnostic` fails the check, as the exit code has it.
    fn fails(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.severity == Severity::Error
            || (self.warnings_as_errors && diagnostic.severity == Severity::Warning)
    }

    /// Whether `--fix` (with the `--unsafe-fixes` given) would fix `diagnostic`.
    fn fixable(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.fix.as_ref().is_some_and(|fix| {
            !fix.edits.is_empty()
                && (self.unsafe_fixes
                    || fix.applicability == bulletin_core::diagnostic::Applicability::Safe)
        })
    }
}

/// Where `offset` of `file` is, as every format prints it.
fn position(file: &ReportFile<'_>, offset: usize) -> Position {
    file.at(offset).into()
}

/// A sequence serialised from an iterator, once (serde's `collect_seq`: the
/// same bytes as the collected list).
struct Streamed<I>(std::cell::Cell<Option<I>>);

impl<I> serde::Serialize for Streamed<I>
where
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// The `--format json` record of one finding: the library's shape, which
/// every face serialises alike.
fn json_diagnostic(file: &ReportFile<'_>, diagnostic: &Diagnostic) -> DiagnosticRecord {
    DiagnosticRecord::new(&file.name, &|offset| position(file, offset), diagnostic)
}

pub(super) fn emit(
    format: OutputFormat,
    report: &Report<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let all = || report.diagnostics();
    match format {
        OutputFormat::Sarif => sarif::emit(report, out)?,
        OutputFormat::Github => github::emit(report, out)?,
        OutputFormat::Junit => junit::emit(report, out)?,
        OutputFormat::Json => {
            // Written as they are made, not gathered first: an archive's
            // records took as much memory as the rest of the check.
            let records = all().map(|(file, diagnostic)| json_diagnostic(file, &diagnostic));
            serde_json::to_writer_pretty(
                &mut *out,
                &Streamed(std::cell::Cell::new(Some(records))),
            )?;
            writeln!(out)?;
        }
        OutputFormat::JsonLines => {
            for (file, diagnostic) in all() {
                serde_json::to_writer(&mut *out, &json_diagnostic(file, &diagnostic))?;
                writeln!(out)?;
            }
        }
        OutputFormat::Concise => {
            for (file, diagnostic) in all() {
                writeln!(out, "{}", concise_line(file, &diagnostic))?;
            }
            if !report.quiet {
                summary(report, out)?;
            }
        }
        OutputFormat::Human => {
            let renderer = if report.color {
                Renderer::styled()
            } else {
                Renderer::plain()
            };
            // One file's text at a time, read again for its snippets.
            for file in report.files {
                if file.findings.is_empty() {
                    continue;
                }
                let text = file.text_again();
                let text = text.as_deref().unwrap_or("");
                let index = LineIndex::new(text);
                for diagnostic in &file.diagnostics() {
                    writeln!(
                        out,
                        "{}\n",
                        render_human(&renderer, report.files, file, (text, &index), diagnostic)
                    )?;
                }
            }
            if !report.quiet {
                summary(report, out)?;
            }
        }
    }
    Ok(())
}

/// `path:line:col: severity[rule] message`, as the concise format and the
/// JUnit failure bodies print it.
pub(super) fn concise_line(file: &ReportFile<'_>, diagnostic: &Diagnostic) -> String {
    let start = file.at(diagnostic.range.start);
    format!(
        "{}:{}:{}: {}[{}] {}",
        file.name,
        start.line,
        start.column,
        diagnostic.severity.as_str(),
        diagnostic.rule.name(),
        diagnostic.message
    )
}

/// One diagnostic as rustc and ruff show them: title, location, the source
/// lines with the span underlined, then the fix as help.
fn render_human(
    renderer: &Renderer,
    files: &[ReportFile<'_>],
    file: &ReportFile<'_>,
    (text, index): (&str, &LineIndex),
    diagnostic: &Diagnostic,
) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        // One word per severity in every format: `hint`, as in JSON and the summary.
        Severity::Hint => Level::HELP.with_name("hint"),
    };
    // Show only the lines the span covers: whole-file sources are slow on big archives.
    let first = index.line_col(diagnostic.range.start).line;
    let last = index.line_col(diagnostic.range.end).line;
    let start = index.line_range(first).map_or(0, |line| line.start);
    let end = index.line_range(last).map_or(text.len(), |line| line.end);
    let source = snippet_source(TextRange::new(start, end).slice(text));
    let span_start = diagnostic
        .range
        .start
        .saturating_sub(start)
        .min(source.len());
    let span_end = diagnostic
        .range
        .end
        .saturating_sub(start)
        .clamp(span_start, source.len());
    let mut group = level
        .primary_title(&*diagnostic.message)
        .id(diagnostic.rule.name())
        .element(
            Snippet::source(source)
                .line_start(first as usize + 1)
                .path(file.name.as_ref())
                .annotation(AnnotationKind::Primary.span(span_start..span_end)),
        );
    if let Some(fix) = &diagnostic.fix {
        let label = match fix.applicability {
            bulletin_core::diagnostic::Applicability::Safe => format!("fix: {}", fix.description),
            bulletin_core::diagnostic::Applicability::Unsafe => {
                format!("unsafe fix (--unsafe-fixes): {}", fix.description)
            }
        };
        group = group.element(Level::HELP.message(label));
    }
    for related in &diagnostic.related {
        let target = match related.file {
            None => Some(file),
            Some(other) => files.get(other.0 as usize),
        };
        if let Some(target) = target {
            let at = target.at(related.range.start);
            // The path only when the note points into another file.
            let place = if target.name == file.name {
                format!("line {}, column {}", at.line, at.column)
            } else {
                format!("{}:{}:{}", target.name, at.line, at.column)
            };
            group = group.element(Level::NOTE.message(format!("{place}: {}", related.message)));
        }
    }
    group = group.element(Level::HELP.message(format!(
        "what this rule flags and why: `bulletin explain {}`",
        diagnostic.rule.name()
    )));
    renderer.render(&[group]).to_string()
}

/// The lines a snippet shows, for annotate-snippets, which splits lines at
/// `\n` only: a lone `\r` (a line end too) becomes a `\n`, byte for byte, so
/// the spans and the line numbers stay those of the text.
fn snippet_source(lines: &str) -> Cow<'_, str> {
    let bytes = lines.as_bytes();
    let lone_cr = |at: usize| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone_cr) {
        return Cow::Borrowed(lines);
    }
    let mut out = String::with_capacity(lines.len());
    let mut from = 0;
    for at in (0..bytes.len()).filter(|&at| lone_cr(at)) {
        out.push_str(&lines[from..at]);
        out.push('\n');
        from = at + 1;
    }
    out.push_str(&lines[from..]);
    Cow::Owned(out)
}

fn summary(report: &Report<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    // One pass: each file's findings are read back from where they wait.
    let (mut errors, mut warnings, mut infos, mut hints, mut fixable) = (0, 0, 0, 0, 0);
    for (_, diagnostic) in report.diagnostics() {
        *match diagnostic.severity {
            Severity::Error => &mut errors,
            Severity::Warning => &mut warnings,
            Severity::Info => &mut infos,
            Severity::Hint => &mut hints,
        } += 1;
        fixable += usize::from(report.fixable(&diagnostic));
    }
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if infos > 0 {
        line.push_str(&format!(", {}", plural(infos, "info")));
    }
    if hints > 0 {
        line.push_str(&format!(", {}", plural(hints, "hint")));
    }
    line.push_str(&format!(" in {}", plural(report.shown_files(), "file")));
    if report.fixed > 0 {
        line.push_str(&format!(" ({} fixed)", plural(report.fixed, "problem")));
    }
    writeln!(out, "{line}")?;
    if fixable > 0 {
        let flags = if report.unsafe_fixes {
            "--fix --unsafe-fixes"
        } else {
            "--fix"
        };
        writeln!(
            out,
            "{} fixable with `bulletin check {flags}`",
            plural(fixable, "problem")
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct RuleCount {
    rule: &'static str,
    count: usize,
    fixable: usize,
}

/// `--statistics`: how often each rule fired, most frequent first (ties by
/// name), with how many of those `--fix` would fix.
pub(super) fn statistics(
    format: OutputFormat,
    report: &Report<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for (_, diagnostic) in report.diagnostics() {
        let fixable = usize::from(report.fixable(&diagnostic));
        match counts
            .iter_mut()
            .find(|count| count.rule == diagnostic.rule.name())
        {
            Some(count) => {
                count.count += 1;
                count.fixable += fixable;
            }
            None => counts.push(RuleCount {
                rule: diagnostic.rule.name(),
                count: 1,
                fixable,
            }),
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    match format {
        OutputFormat::Json | OutputFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &counts)?;
            writeln!(out)?;
        }
        OutputFormat::JsonLines => {
            for count in &counts {
                serde_json::to_writer(&mut *out, count)?;
                writeln!(out)?;
            }
        }
        OutputFormat::Human
        | OutputFormat::Concise
        | OutputFormat::Github
        | OutputFormat::Junit => {
            let width = counts
                .iter()
                .map(|count| count.rule.len())
                .max()
                .unwrap_or(4)
                .max(4);
            writeln!(out, "{:>5}  {:<width$}  {:>7}", "count", "rule", "fixable")?;
            for count in &counts {
                writeln!(
                    out,
                    "{:>5}  {:<width$}  {:>7}",
                    count.count, count.rule, count.fixable
                )?;
            }
            if !report.quiet {
                let total: usize = counts.iter().map(|count| count.count).sum();
                let fixable: usize = counts.iter().map(|count| count.fixable).sum();
                let files = match report.shown_files() {
                    1 => "1 file".to_string(),
                    n => format!("{n} files"),
                };
                writeln!(out, "{total} in all, {fixable} fixable, in {files}")?;
            }
        }
    }
    Ok(())
}

pub(super) fn outline_human(outline: &Outline, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(title) = &outline.title {
        writeln!(out, "{title}")?;
    }
    for entry in &outline.articles {
        let details: Vec<String> = [
            entry.date.map(|date| date.to_string()),
            entry.place.clone(),
            entry.issue.map(|issue| format!("Issue {issue}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        writeln!(
            out,
            "{:>5}-{:<5} {}{}",
            entry.start_line,
            entry.end_line,
            entry.headline,
            if details.is_empty() {
                String::new()
            } else {
                format!("  ({})", details.join(" · "))
            }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_lines_end_at_lone_crs_byte_for_byte() {
        let lines = "one — ©\rtwo’s 😀\r\nthree\n\rfour";
        let source = snippet_source(lines);
        assert_eq!(source, "one — ©\ntwo’s 😀\r\nthree\n\nfour");
        assert_eq!(source.len(), lines.len());
        assert!(matches!(snippet_source("a\r\nb\nc"), Cow::Borrowed(_)));
    }
}
