//! The LSP-free application layer: the workspace a face keeps (open
//! documents, files on disk, configuration, cached analyses, cross-file
//! results) and the queries editors ask of it, answered with byte ranges and
//! plain data. The language server converts these into protocol types and
//! nothing else; the command line and the WebAssembly build ask the same
//! questions of the same functions.
//!
//! One module per request or small family of requests: `hover`, `symbols`
//! (outline and workspace symbols), `folding`, `selection`,
//! `semantic_tokens`, `inlay_hints`, `completion`, `navigation` (the
//! articles of an issue) and `entities` (definition, references,
//! highlights, rename of people, places and organisations).

use std::path::PathBuf;

use crate::text_range::TextRange;

pub mod completion;
pub mod document;
pub mod entities;
#[cfg(test)]
mod fixture;
pub mod folding;
pub mod hover;
pub mod inlay_hints;
pub mod lines;
pub mod navigation;
pub mod selection;
pub mod semantic_tokens;
pub mod symbols;
pub mod workspace;

pub use document::{ContentChange, Document, SegmentLimits};
pub use lines::{Encoding, Lines, Position, PositionRange, TextLines};
pub use workspace::{FileRef, IndexedFile, Snapshot, Workspace};

/// Where a query's answer points: a file of the workspace, or a file that is
/// no part of it (an `entities.toml` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<K> {
    File(K),
    Path(PathBuf),
}

/// A byte range of a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location<K> {
    pub target: Target<K>,
    pub range: TextRange,
}
