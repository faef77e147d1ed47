//! `--fix` on arbitrary articles, as `bulletin check --fix FILE` runs it
//! (`fix::fix_files` on one file, default configuration), safe fixes only
//! and with unsafe ones: the text outside each round's fix edits is never
//! lost, the result passes the invariants of any analysed text, re-checking
//! it as `bulletin check FILE` does (cross-file rules included) finds no
//! fixable finding left, and fixing it again changes nothing.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/fixes.rs"]
mod fixes;
#[path = "../../tests/common/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for include_unsafe in [false, true] {
        fixes::check_fix(&text, include_unsafe);
    }
});
