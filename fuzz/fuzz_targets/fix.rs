//! `--fix` on arbitrary articles, as `bulletin check --fix` runs it
//! (`fix::fix_text` with the default configuration), safe fixes only and
//! with unsafe ones: the result passes the invariants of any analysed text,
//! re-checking it finds no fixable finding left, fixing it again changes
//! nothing, and the text outside the fix edits is never lost.

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
