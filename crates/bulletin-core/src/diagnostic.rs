//! What the rules report: plain data with byte ranges, no editor or terminal types.

use crate::rules::Rule;
use crate::text_range::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Only typography changes (a dash, a space, a month's spelling):
    /// applied by `--fix` and by the editor's "fix all".
    Safe,
    /// The text's content changes (text removed or guessed): only with `--unsafe-fixes`.
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// `None`: the same file as the diagnostic.
    pub file: Option<FileId>,
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
