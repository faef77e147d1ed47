//! What the rules report: plain data with byte ranges, no editor or terminal types.

use serde::{Deserialize, Serialize};

use crate::rules::Rule;
use crate::text_range::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// Whether applying a fix keeps the meaning of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Applicability {
    /// Only typography changes (a dash, a space, a month's spelling):
    /// applied by `--fix` and by the editor's "fix all".
    Safe,
    /// The text's content changes (text removed or guessed): only with `--unsafe-fixes`.
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: TextRange, replacement: impl Into<String>) -> Edit {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(TextRange::empty(at), text)
    }

    pub fn delete(range: TextRange) -> Edit {
        Edit::replace(range, "")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Imperative, shown on the editor's light bulb: "Replace the en dash with an em dash".
    pub description: String,
    /// Non-overlapping edits, sorted by position.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    pub fn unsafe_(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }
}

/// Which file a cross-file finding points at: an index into the files the
/// caller analysed together. The edges turn it into a path or URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FileId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// `None`: the same file as the diagnostic.
    pub file: Option<FileId>,
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub range: TextRange,
    /// A sentence for a journalist, naming the text at fault.
    /// Shared: the editor copies every finding of a file on each keystroke.
    pub message: std::sync::Arc<str>,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity; configuration may change it later.
    pub fn new(rule: Rule, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            range,
            message: message.into().into(),
            fix: None,
            related: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    pub fn with_related(mut self, related: Related) -> Diagnostic {
        self.related.push(related);
        self
    }
}

impl Diagnostic {
    /// Moves every same-file range (the diagnostic's, its fix's, related
    /// ones without a file) by `delta` bytes.
    pub fn shift(&mut self, delta: isize) {
        if delta == 0 {
            return;
        }
        self.range = self.range.shifted(delta);
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                edit.range = edit.range.shifted(delta);
            }
        }
        for related in &mut self.related {
            if related.file.is_none() {
                related.range = related.range.shifted(delta);
            }
        }
    }
}

/// Findings packed into bytes (postcard), as `bulletin check` holds each
/// file's between judging the file and writing the report: about a third
/// of the memory they take as values, where an archive's findings are
/// otherwise what grows with it.
#[derive(Debug, Clone)]
pub enum PackedDiagnostics {
    Packed {
        bytes: Box<[u8]>,
        count: u32,
    },
    /// Kept as values when they could not be packed: never lost.
    Values(Vec<Diagnostic>),
}

impl Default for PackedDiagnostics {
    fn default() -> PackedDiagnostics {
        PackedDiagnostics::Values(Vec::new())
    }
}

impl PackedDiagnostics {
    pub fn pack(diagnostics: Vec<Diagnostic>) -> PackedDiagnostics {
        let count = u32::try_from(diagnostics.len());
        match (postcard::to_allocvec(&diagnostics), count) {
            (_, Ok(0)) => PackedDiagnostics::default(),
            (Ok(bytes), Ok(count)) => PackedDiagnostics::Packed {
                bytes: bytes.into_boxed_slice(),
                count,
            },
            _ => PackedDiagnostics::Values(diagnostics),
        }
    }

    pub fn unpack(&self) -> Vec<Diagnostic> {
        match self {
            // Bytes this type wrote: they read back.
            PackedDiagnostics::Packed { bytes, .. } => {
                postcard::from_bytes(bytes).unwrap_or_default()
            }
            PackedDiagnostics::Values(values) => values.clone(),
        }
    }

    /// The bytes `pack` wrote, when it packed them.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            PackedDiagnostics::Packed { bytes, .. } => Some(bytes),
            PackedDiagnostics::Values(_) => None,
        }
    }

    /// `count` findings from the bytes `pack` wrote for them (kept
    /// elsewhere meanwhile: `bulletin check` keeps them in a temporary file).
    pub fn from_bytes(bytes: Box<[u8]>, count: u32) -> PackedDiagnostics {
        PackedDiagnostics::Packed { bytes, count }
    }

    pub fn len(&self) -> usize {
        match self {
            PackedDiagnostics::Packed { count, .. } => *count as usize,
            PackedDiagnostics::Values(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_findings_read_back_as_they_were() {
        let findings = vec![
            Diagnostic::new(
                Rule::DatelineDash,
                TextRange::new(7, 10),
                "Use an em dash (—) after “ALMATY, MARCH 10 2017”, not an en dash (–) © 🗞",
            )
            .with_fix(Fix::safe(
                "Replace the en dash with an em dash",
                vec![
                    Edit::replace(TextRange::new(7, 10), "—"),
                    Edit::insert(3, "’"),
                ],
            )),
            Diagnostic::new(
                Rule::IssueDateConflict,
                TextRange::new(4_000_000, 4_000_013),
                "",
            )
            .with_related(Related {
                file: Some(FileId(u32::MAX)),
                range: TextRange::empty(0),
                message: "archive/2017.txt (issue reference): issue 320".into(),
            })
            .with_fix(Fix::unsafe_(
                "Remove it",
                vec![Edit::delete(TextRange::new(0, 2))],
            )),
        ];
        let mut warned = findings.clone();
        if let Some(first) = warned.first_mut() {
            first.severity = Severity::Hint;
        }
        for list in [findings, warned, Vec::new()] {
            let packed = PackedDiagnostics::pack(list.clone());
            assert_eq!(packed.len(), list.len());
            assert_eq!(packed.is_empty(), list.is_empty());
            assert_eq!(packed.unpack(), list);
            if !list.is_empty() {
                assert!(matches!(packed, PackedDiagnostics::Packed { .. }));
            }
        }
    }
}
