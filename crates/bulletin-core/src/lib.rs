//! The analysis core of bulletin markup.
//!
//! Text goes in; a typed document model and diagnostics with byte ranges
//! come out. Nothing here knows about terminals, JSON output or the Language
//! Server Protocol (this crate cannot depend on them: see its Cargo.toml);
//! the faces in the `bulletin` package convert at the edges. See
//! ARCHITECTURE.md.

#![warn(unreachable_pub)]

pub mod analysis;
pub mod baseline;
pub mod checks;
pub mod config;
pub mod dates;
pub mod diagnostic;
pub mod discovery;
pub mod entities;
pub mod fix;
pub mod ide;
pub mod line_index;
pub mod model;
pub mod outline;
pub mod report;
pub mod rules;
pub mod syntax;
pub mod text_range;
