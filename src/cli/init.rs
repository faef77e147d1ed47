//! `bulletin init`: a commented `bulletin.toml` for the folder it runs in,
//! proposed from what is there (page names, publications in datelines).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::{EXIT_OK, EXIT_TROUBLE};
use bulletin_core::config::{Config, CONFIG_FILE_NAME};

/// At most this many files are read to find publication names.
const SAMPLE: usize = 500;

pub(super) fn run(force: bool) -> anyhow::Result<u8> {
    let target = Path::new(CONFIG_FILE_NAME);
    if target.exists() && !force {
        eprintln!("bulletin: {CONFIG_FILE_NAME} already exists here; pass --force to replace it");
        return Ok(EXIT_TROUBLE);
    }
    let mut by_extension: BTreeMap<String, usize> = BTreeMap::new();
    let mut publications: BTreeMap<String, usize> = BTreeMap::new();
    let mut read = 0;
    for entry in ignore::WalkBuilder::new(".").build().flatten() {
        if !entry.file_type().is_some_and(|kind| kind.is_file()) {
            continue;
        }
        let path = entry.path();
        let Some(extension) = path.extension().and_then(|ext| ext.to_str()) else {
            continue;
        };
        if extension != "txt" && extension != "bulletin" {
            continue;
        }
        *by_extension.entry(extension.to_string()).or_insert(0) += 1;
        if read < SAMPLE {
            read += 1;
            if let Ok(text) = std::fs::read_to_string(path) {
                for name in dateline_publications(&text) {
                    *publications.entry(name).or_insert(0) += 1;
                }
            }
        }
    }
    let txt = by_extension.get("txt").copied().unwrap_or(0);
    let bulletin = by_extension.get("bulletin").copied().unwrap_or(0);
    let defaults = Config::default();
    let mut text = String::from(
        "# bulletin.toml: settings for `bulletin check`, the language server and\n\
         # `bulletin entities` in this folder and below. Every key is optional;\n\
         # see the README's Configuration section.\n\n",
    );
    text.push_str(&format!(
        "# Directories are walked for `*.bulletin` files ({bulletin} here) and for the\n\
         # names these globs match ({txt} `.txt` files here).\n"
    ));
    if txt > 0 {
        text.push_str("include = [\"*.txt\"]\n\n");
    } else {
        text.push_str("# include = [\"*.txt\"]\n\n");
    }
    text.push_str("# The publication names datelines may give.");
    if publications.is_empty() {
        text.push('\n');
        text.push_str(&format!("publications = {:?}\n\n", defaults.publications));
    } else {
        text.push_str(" Found in the datelines here (with counts):\n");
        let mut found: Vec<(&String, &usize)> = publications.iter().collect();
        found.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, count) in &found {
            text.push_str(&format!("#   {count:>5}  {name}\n"));
        }
        let names: Vec<&String> = found.iter().map(|(name, _)| *name).collect();
        text.push_str(&format!("publications = {names:?}\n\n"));
    }
    text.push_str(&format!(
        "# The dash after a dateline's publication.\nhouse-dash = {:?}\n\n\
         # Days between two issues, and how long before its issue a dateline may be.\n\
         cadence-days = {}\ntoo-early-days = {}\n\n\
         # Known findings of a legacy archive, written by\n\
         # `bulletin check --write-baseline bulletin-baseline.json`.\n\
         # baseline = \"bulletin-baseline.json\"\n\n\
         [rules]\n# dateline-dash = \"warning\"   # \"error\", \"warning\", \"info\", \"hint\" or \"off\"\n\n\
         [per-file-ignores]\n# \"legacy/**\" = [\"dateline-dash\"]\n",
        defaults.house_dash, defaults.cadence_days, defaults.too_early_days
    ));
    // What we write must be what we read.
    Config::from_toml(&text, None).map_err(|err| anyhow::anyhow!("internal: {err}"))?;
    std::fs::write(target, &text)?;
    let mut stderr = std::io::stderr().lock();
    writeln!(
        stderr,
        "bulletin: wrote {CONFIG_FILE_NAME} ({bulletin} `.bulletin` and {txt} `.txt` files, {} publication names found); run `bulletin check` next",
        publications.len()
    )?;
    Ok(EXIT_OK)
}

/// The names in `(…)` just before a dash in lines that look like datelines.
fn dateline_publications(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        for dash in ['—', '–'] {
            let Some(at) = line.find(&format!(") {dash}")) else {
                continue;
            };
            let Some(open) = line[..at].rfind('(') else {
                continue;
            };
            let name = line[open + 1..at].trim();
            if !name.is_empty()
                && name.len() <= 80
                && name.chars().next().is_some_and(char::is_uppercase)
            {
                names.push(name.to_string());
            }
            break;
        }
    }
    names
}
