//! Which files `bulletin check` reads.

use std::path::{Path, PathBuf};

use anyhow::Context;

use bulletin_core::config::Config;

pub(super) const EXTENSION: &str = "bulletin";

/// Explicit files as given; directories walked (honouring `.gitignore`) for
/// `*.bulletin` plus the `include` globs of the configuration that applies.
/// The result is sorted and free of duplicates, so output order is stable.
/// A path that cannot be read is reported in `problems` and the others are
/// still collected, so one typo does not hide the rest of a CI run.
pub(super) struct Collected {
    pub(super) files: Vec<PathBuf>,
    pub(super) problems: Vec<String>,
}

pub(super) fn collect(paths: &[PathBuf]) -> anyhow::Result<Collected> {
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
        let include = Config::load_for(path)
            .map(|config| config.include)
            .unwrap_or_default();
        let globs = build_globs(&include)?;
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
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.clone()));
    Ok(Collected { files, problems })
}

fn build_globs(include: &[String]) -> anyhow::Result<globset::GlobSet> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in include {
        builder.add(
            globset::Glob::new(glob).with_context(|| format!("bad glob {glob:?} in `include`"))?,
        );
    }
    Ok(builder.build()?)
}

fn wanted(path: &Path, globs: &globset::GlobSet) -> bool {
    path.extension().is_some_and(|ext| ext == EXTENSION)
        || path.file_name().is_some_and(|name| globs.is_match(name))
        || globs.is_match(path)
}
