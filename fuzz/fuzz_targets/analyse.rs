//! Parse and analyse arbitrary bytes: nothing panics, and every diagnostic,
//! fix edit, model span and entity range lies inside the text on character
//! boundaries (the checks of `tests/common/invariants.rs`).
//!
//! The bytes are read lossily (invalid UTF-8 becomes U+FFFD) rather than
//! rejected: libFuzzer's byte mutations break multi-byte characters all the
//! time, and rejecting those inputs would waste most mutations of texts
//! with dashes, quotes and emoji; lossy reading keeps every input and adds
//! a three-byte character where the bytes were broken.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::analyse_and_check(&text);
});
