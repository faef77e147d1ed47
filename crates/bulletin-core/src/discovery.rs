//! Which files make up an archive: one discovery for `bulletin check`, the
//! language server's workspace and `bulletin entities`, so that they judge
//! the same set of files.

use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError};

/// The extension every archive file may have; other names are taken in by
/// the `include` globs of `bulletin.toml`.
pub const EXTENSION: &str = "bulletin";

/// The files found, sorted and free of duplicates, and what could not be read.
#[derive(Debug, Default)]
pub struct Collected {
    pub files: Vec<PathBuf>,
    pub problems: Vec<String>,
}

/// Explicit files as given; directories walked (honouring `.gitignore`) for
/// `*.bulletin` plus the `include` globs of the configuration that applies
/// to the directory (or of `explicit`, a configuration named on the command
/// line). The result is sorted and free of duplicates, so output order is
/// stable. A path that cannot be read is reported in `problems` and the
/// others are still collected, so one typo does not hide the rest.
pub fn collect(paths: &[PathBuf], explicit: Option<&Config>) -> Result<Collected, ConfigError> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => {
                problems.push(format!("cannot read {}: {err}", path.display()));
                continue;
            }
        };
        if !metadata.is_dir() {
            files.push(path.clone());
            continue;
        }
        let include = match explicit {
            Some(config) => config.include.clone(),
            None => Config::load_for(path)
                .map(|config| config.include)
                .unwrap_or_default(),
        };
        let globs = include_globs(&include)?;
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(path).build() {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|kind| kind.is_file())
                        && wanted(entry.path(), &globs)
                    {
                        found.push(entry.into_path());
                    }
                }
                Err(err) => problems.push(format!("cannot walk {}: {err}", path.display())),
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(Collected {
        files: dedup(files),
        problems,
    })
}

/// One order, whatever the order of the arguments; one entry per file,
/// whatever its spelling (`a`, `./a`, `dir/../a`, a path through a link).
pub fn dedup(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = files.iter().map(|file| clean(file)).collect();
    files.sort();
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(identity(file)));
    files
}

/// `path` without `.` components (`./a/./b` is `a/b`); `.` itself stays.
pub fn clean(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter(|part| !matches!(part, std::path::Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// What makes two spellings the same file: the canonical path when it can
/// be had, else the absolute one.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| crate::config::absolute(path))
}

/// The `include` globs of a configuration, compiled.
pub fn include_globs(include: &[String]) -> Result<globset::GlobSet, ConfigError> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in include {
        let glob = globset::Glob::new(glob)
            .map_err(|err| ConfigError::new(format!("bad glob {glob:?} in `include`: {err}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|err| ConfigError::new(format!("bad `include` globs: {err}")))
}

/// Whether a file found in a walk belongs to the archive: `*.bulletin`, or
/// a name (or path) matched by an `include` glob.
pub fn wanted(path: &Path, globs: &globset::GlobSet) -> bool {
    path.extension().is_some_and(|ext| ext == EXTENSION)
        || path.file_name().is_some_and(|name| globs.is_match(name))
        || globs.is_match(path)
}
