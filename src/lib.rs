//! bulletin: the faces over the analysis core (`bulletin_core`): the
//! command line (`cli`) and the language server (`lsp`). They convert
//! coordinates and formats; every judgement is the core's. See
//! ARCHITECTURE.md.

#![warn(unreachable_pub)]

pub mod cli;
pub mod lsp;
pub mod malloc;
