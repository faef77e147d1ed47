//! JavaScript strings count UTF-16 code units; the library counts bytes.

/// The byte offset of the UTF-16 offset `at` in `text` (the end of the
/// character it falls inside; the text's length past its end).
pub(crate) fn byte_offset(text: &str, at: usize) -> usize {
    let mut units = 0;
    for (byte, ch) in text.char_indices() {
        if units >= at {
            return byte;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// The UTF-16 offset of the byte offset `at` in `text` (clamped to it).
pub(crate) fn utf16_offset(text: &str, at: usize) -> usize {
    let mut end = at.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end)
        .map_or(0, |prefix| prefix.chars().map(char::len_utf16).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_convert_both_ways_past_wide_characters() {
        let text = "a—😀b";
        // a: 1 unit/1 byte; —: 1 unit/3 bytes; 😀: 2 units/4 bytes.
        assert_eq!(byte_offset(text, 0), 0);
        assert_eq!(byte_offset(text, 2), 4);
        assert_eq!(byte_offset(text, 4), 8);
        assert_eq!(byte_offset(text, 3), 8);
        assert_eq!(byte_offset(text, 99), text.len());
        assert_eq!(utf16_offset(text, 4), 2);
        assert_eq!(utf16_offset(text, 8), 4);
        assert_eq!(utf16_offset(text, 6), 2);
        assert_eq!(utf16_offset(text, 99), 5);
    }
}
