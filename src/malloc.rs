//! The process's allocators. Tree-sitter's C library allocates and frees
//! every node of every tree (88 of the 153 allocations an article costs a
//! check), on every thread: on glibc's malloc that was 9% of a check's
//! instructions and more of its time. The binary gives tree-sitter mimalloc
//! (`use_for_tree_sitter`), whose free lists are per thread and per page:
//! 6% fewer instructions, and 6–7% less CPU time for the 64 MB archive's
//! check in alternating runs, for about half a megabyte more peak memory.
//! Rust's own allocations stay on glibc's malloc: with mimalloc for
//! them too, a check was no faster and the server held a third more memory.
//! mimalloc is built without transparent huge pages (feature `no_thp`),
//! which would back its arenas with 2 MiB pages (a check's peak: 45 MB).
//!
//! glibc's malloc gives every thread that allocates an arena of its own (up
//! to eight per core), and each keeps the memory its thread freed, which the
//! others cannot reuse: resident memory ends up above the live heap. With
//! one arena fewer than a process's threads, the thread that keeps what
//! lasts (the server's state, a check's archive summary and report) shares a
//! worker's arena and grows into the memory that worker freed instead of
//! into fresh pages.

use std::ffi::c_void;

/// Gives tree-sitter's C library mimalloc.
///
/// # Safety
/// Call before any tree-sitter object exists, on one thread (tree-sitter's
/// `ts_set_allocator`: an object must be freed by the allocator that made
/// it).
pub unsafe fn use_for_tree_sitter() {
    // SAFETY: the four functions are mimalloc's, one family; none returns
    // null (each aborts first, as tree-sitter's own defaults do); mimalloc's
    // blocks are aligned as malloc's; the caller vouches for the timing.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: ts_malloc,
            calloc: ts_calloc,
            realloc: ts_realloc,
            free: ts_free,
        }));
    }
}

/// Tree-sitter's allocation functions may not return null: like its own
/// defaults, abort when memory runs out.
fn or_abort(block: *mut c_void, size: usize) -> *mut c_void {
    if block.is_null() && size != 0 {
        eprintln!("bulletin: out of memory ({size} bytes)");
        std::process::abort();
    }
    block
}

unsafe extern "C" fn ts_malloc(size: usize) -> *mut c_void {
    // SAFETY: any size may be asked of mi_malloc.
    or_abort(unsafe { libmimalloc_sys::mi_malloc(size) }, size)
}

unsafe extern "C" fn ts_calloc(count: usize, size: usize) -> *mut c_void {
    // SAFETY: mi_calloc checks the product for overflow (null, then abort).
    let block = unsafe { libmimalloc_sys::mi_calloc(count, size) };
    or_abort(block, count.saturating_mul(size))
}

unsafe extern "C" fn ts_realloc(block: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: tree-sitter passes a block of this family, or null.
    or_abort(unsafe { libmimalloc_sys::mi_realloc(block, size) }, size)
}

unsafe extern "C" fn ts_free(block: *mut c_void) {
    // SAFETY: tree-sitter passes a block of this family, or null.
    unsafe { libmimalloc_sys::mi_free(block) }
}

/// Caps glibc's malloc arenas at `arenas` (at least one); must be called
/// before the process starts any other thread. Elsewhere than glibc, nothing.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn limit_arenas(arenas: usize) {
    let arenas = libc::c_int::try_from(arenas.max(1)).unwrap_or(libc::c_int::MAX);
    // SAFETY: `mallopt` only sets a parameter of the allocator; the callers
    // call it before starting any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn limit_arenas(_arenas: usize) {}

/// How many threads rayon's global pool will have, asked without starting
/// it (which `rayon::current_num_threads` would): `RAYON_NUM_THREADS` when
/// set and positive, else the available parallelism.
pub(crate) fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|threads| threads.trim().parse::<usize>().ok())
        .filter(|threads| *threads > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}
