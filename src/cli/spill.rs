//! Where `bulletin check` keeps each file's findings between judging the
//! file and writing the report: in a temporary file (unnamed where the
//! system allows, removed when the check ends), so that what a check holds
//! does not grow with what it finds. In memory when no temporary file can
//! be made or written.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use bulletin_core::diagnostic::{Diagnostic, PackedDiagnostics};

/// One file's findings, kept.
#[derive(Debug)]
pub(super) enum Kept {
    Here(PackedDiagnostics),
    /// `len` bytes at `at` in the store's file: `count` findings, packed.
    There {
        at: u64,
        len: u32,
        count: u32,
    },
}

impl Default for Kept {
    fn default() -> Kept {
        Kept::Here(PackedDiagnostics::default())
    }
}

impl Kept {
    pub(super) fn len(&self) -> usize {
        match self {
            Kept::Here(packed) => packed.len(),
            Kept::There { count, .. } => *count as usize,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub(super) struct FindingStore {
    /// The temporary file and where its written part ends.
    file: Option<Mutex<(File, u64)>>,
    /// Whether findings written could not be read back.
    lost: AtomicBool,
}

impl FindingStore {
    /// A store over a new temporary file; `in_memory` keeps everything in
    /// memory (a check of standard input, or of files held for `--fix`).
    pub(super) fn new(in_memory: bool) -> FindingStore {
        let file = if in_memory {
            None
        } else {
            tempfile::tempfile().ok().map(|file| Mutex::new((file, 0)))
        };
        FindingStore {
            file,
            lost: AtomicBool::new(false),
        }
    }

    /// Keeps `diagnostics`, packed.
    pub(super) fn keep(&self, diagnostics: Vec<Diagnostic>) -> Kept {
        self.keep_packed(PackedDiagnostics::pack(diagnostics))
    }

    /// Keeps findings packed already (by the thread that judged their file).
    pub(super) fn keep_packed(&self, packed: PackedDiagnostics) -> Kept {
        let (Some(file), Some(bytes)) = (&self.file, packed.bytes()) else {
            return Kept::Here(packed);
        };
        let (Ok(len), Ok(count), Ok(mut file)) = (
            u32::try_from(bytes.len()),
            u32::try_from(packed.len()),
            file.lock(),
        ) else {
            return Kept::Here(packed);
        };
        let (file, end) = &mut *file;
        let at = *end;
        if file
            .seek(SeekFrom::Start(at))
            .and_then(|_| file.write_all(bytes))
            .is_err()
        {
            // A full disk: what is not written stays here.
            return Kept::Here(packed);
        }
        *end = at + u64::from(len);
        Kept::There { at, len, count }
    }

    /// The findings `kept` holds.
    pub(super) fn diagnostics(&self, kept: &Kept) -> Vec<Diagnostic> {
        match kept {
            Kept::Here(packed) => packed.unpack(),
            Kept::There { at, len, count } => match self.read(*at, *len) {
                Some(bytes) => PackedDiagnostics::from_bytes(bytes, *count).unpack(),
                None => {
                    self.lost.store(true, Ordering::Relaxed);
                    Vec::new()
                }
            },
        }
    }

    fn read(&self, at: u64, len: u32) -> Option<Box<[u8]>> {
        let mut file = self.file.as_ref()?.lock().ok()?;
        let (file, _) = &mut *file;
        let mut bytes = vec![0; len as usize];
        file.seek(SeekFrom::Start(at)).ok()?;
        file.read_exact(&mut bytes).ok()?;
        Some(bytes.into_boxed_slice())
    }

    /// Whether findings could not be read back: the report is not whole.
    pub(super) fn lost_any(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulletin_core::rules::Rule;
    use bulletin_core::text_range::TextRange;

    fn findings(count: usize) -> Vec<Diagnostic> {
        (0..count)
            .map(|at| {
                Diagnostic::new(
                    Rule::DatelineDash,
                    TextRange::new(at, at + 3),
                    format!("Use an em dash (—) after “ALMATY” № {at} 🗞"),
                )
            })
            .collect()
    }

    #[test]
    fn findings_kept_in_the_file_read_back_as_they_were_in_any_order() {
        for in_memory in [false, true] {
            let store = FindingStore::new(in_memory);
            let lists: Vec<Vec<Diagnostic>> = [3, 0, 1, 40].map(findings).to_vec();
            let kept: Vec<Kept> = lists.iter().map(|list| store.keep(list.clone())).collect();
            for (list, kept) in lists.iter().zip(&kept).rev() {
                assert_eq!(kept.len(), list.len());
                assert_eq!(&store.diagnostics(kept), list);
            }
            if !in_memory {
                assert!(kept.iter().any(|kept| matches!(kept, Kept::There { .. })));
            }
            assert!(!store.lost_any());
        }
    }
}
