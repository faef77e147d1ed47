//! The `bulletin` command: a thin face over the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    bulletin::cli::run()
}
