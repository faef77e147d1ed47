//! Which files `bulletin check` reads.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Config;

pub(super) const EXTENSION: &str = "bulletin";

/// Explicit files as given; directories walked (honouring `.gitignore`) for
/// `*.bulletin` plus the `include` globs of the configuration that applies.
/// The result is sorted and free of duplicates, so output order is stable.
pub(super) fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
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
            let entry = entry.with_context(|| format!("cannot walk {}", path.display()))?;
            if entry.file_type().is_some_and(|kind| kind.is_file()) && wanted(entry.path(), &globs)
            {
                found.push(entry.into_path());
            }
        }
        found.sort();
        files.extend(found);
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.clone()));
    Ok(files)
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
