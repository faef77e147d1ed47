//! The `bulletin` command: a thin face over the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Tree-sitter's nodes on mimalloc (`src/malloc.rs`). SAFETY: first
    // thing, on the main thread, before any tree-sitter object exists.
    unsafe { bulletin::malloc::use_for_tree_sitter() };
    bulletin::cli::run()
}
