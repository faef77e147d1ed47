//! How many arenas glibc's malloc keeps. It gives every thread that
//! allocates an arena of its own (up to eight per core), and each keeps the
//! memory its thread freed, which the others cannot reuse: resident memory
//! ends up above the live heap. With one arena fewer than a process's
//! threads, the thread that keeps what lasts (the server's state, a check's
//! archive summary and report) shares a worker's arena and grows into the
//! memory that worker freed instead of into fresh pages.

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
