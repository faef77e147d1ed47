//! `bulletin.toml`: every key optional; the keys and defaults are documented
//! in the README's Configuration section.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::entities::{parse_entities, EntityProblem, Gazetteer};
use crate::rules::Rule;

pub const CONFIG_FILE_NAME: &str = "bulletin.toml";
pub const ENTITIES_FILE_NAME: &str = "entities.toml";

/// What a rule is set to in `[rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

/// Settings the analysis reads. Built from defaults, then `bulletin.toml`,
/// then (in the editor) the client's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Publication names accepted in datelines, as written by the user.
    pub publications: Vec<String>,
    pub house_dash: String,
    /// Days between two consecutive issues.
    pub cadence_days: u32,
    /// How long before its issue a dateline may be.
    pub too_early_days: u32,
    /// Extra file-name globs taken when walking directories (besides `*.bulletin`).
    pub include: Vec<String>,
    pub rule_levels: BTreeMap<Rule, RuleLevel>,
    /// Glob (relative to the configuration's directory) → rules ignored there.
    pub per_file_ignores: Vec<(String, Vec<Rule>)>,
    /// The directory globs are relative to: where `bulletin.toml` was found.
    pub root: Option<PathBuf>,
    /// Entity knowledge: built in, overridden by the workspace's `entities.toml`.
    pub gazetteer: Arc<Gazetteer>,
    /// Problems found in the workspace's entity files, with their positions.
    pub entity_problems: Vec<(PathBuf, EntityProblem)>,
    /// The baseline file of known findings (`baseline = "…"`), relative
    /// to the configuration's directory once loaded.
    pub baseline: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            publications: vec![
                "The Conway Bulletin".to_string(),
                "The Bulletin".to_string(),
                "Central Asia & South Caucasus Bulletin".to_string(),
            ],
            house_dash: "—".to_string(),
            cadence_days: 7,
            too_early_days: 60,
            include: Vec::new(),
            rule_levels: BTreeMap::new(),
            per_file_ignores: Vec::new(),
            root: None,
            gazetteer: Gazetteer::built_in(),
            entity_problems: Vec::new(),
            baseline: None,
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub publications: Option<Vec<String>>,
    pub house_dash: Option<String>,
    pub cadence_days: Option<u32>,
    pub too_early_days: Option<u32>,
    pub include: Option<Vec<String>>,
    /// A baseline file written by `bulletin check --write-baseline`.
    pub baseline: Option<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Read by the entities feature; accepted here so one file can hold both.
    pub entities: Option<toml::Table>,
}

#[derive(Debug)]
pub struct ConfigError {
    pub message: String,
    /// The table and key at fault, for finding its line.
    pub key: Option<(String, String)>,
}

impl ConfigError {
    pub fn new(message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            key: None,
        }
    }

    fn at(table: &str, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            key: Some((table.to_string(), key.to_string())),
        }
    }
}

/// The 1-based line of `key` in the table `[table]` of a TOML text, found
/// by reading the lines (bare or quoted keys).
fn line_of_key(text: &str, table: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            current = header.trim_end_matches(']').trim().to_string();
            continue;
        }
        if current != table {
            continue;
        }
        let rest = if let Some(quoted) = line.strip_prefix('"') {
            quoted
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('"'))
        } else if let Some(quoted) = line.strip_prefix('\'') {
            quoted
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('\''))
        } else {
            line.strip_prefix(key)
        };
        if rest.is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return Some(number + 1);
        }
    }
    None
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Parses the text of a `bulletin.toml`; `root` is the directory it lives in.
    pub fn from_toml(text: &str, root: Option<&Path>) -> Result<Config, ConfigError> {
        let file: ConfigFile =
            toml::from_str(text).map_err(|err| ConfigError::new(err.to_string()))?;
        let mut config = Config::default();
        config.apply(file).map_err(|err| match err.key {
            Some((ref table, ref key)) => match line_of_key(text, table, key) {
                Some(line) => ConfigError::new(format!("line {line}: {}", err.message)),
                None => err,
            },
            None => err,
        })?;
        config.root = root.map(Path::to_path_buf);
        if let (Some(root), Some(baseline)) = (root, &config.baseline) {
            config.baseline = Some(root.join(baseline));
        }
        Ok(config)
    }

    /// Applies the keys present in `file` over the current values.
    pub fn apply(&mut self, file: ConfigFile) -> Result<(), ConfigError> {
        if let Some(publications) = file.publications {
            self.publications = publications;
        }
        if let Some(dash) = file.house_dash {
            if dash.trim().is_empty() {
                return Err(ConfigError::new("house-dash must not be empty".to_string()));
            }
            self.house_dash = dash;
        }
        if let Some(days) = file.cadence_days {
            if days == 0 {
                return Err(ConfigError::new(
                    "cadence-days must be at least 1".to_string(),
                ));
            }
            self.cadence_days = days;
        }
        if let Some(days) = file.too_early_days {
            self.too_early_days = days;
        }
        if let Some(include) = file.include {
            self.include = include;
        }
        if let Some(baseline) = file.baseline {
            self.baseline = Some(PathBuf::from(baseline));
        }
        for (name, level) in file.rules {
            let rule = Rule::from_name(&name).ok_or_else(|| {
                ConfigError::at(
                    "rules",
                    &name,
                    format!("[rules] {}", Rule::unknown_message(&name)),
                )
            })?;
            let level = match level.as_str() {
                "off" => RuleLevel::Off,
                other => RuleLevel::On(Severity::parse(other).ok_or_else(|| ConfigError::at(
                    "rules",
                    &name,
                    format!(
                        "[rules] {name} = {other:?}: expected \"error\", \"warning\", \"info\", \"hint\" or \"off\""
                    ),
                ))?),
            };
            self.rule_levels.insert(rule, level);
        }
        for (glob, names) in file.per_file_ignores {
            if let Err(err) = globset::Glob::new(&glob) {
                return Err(ConfigError::at(
                    "per-file-ignores",
                    &glob,
                    format!("[per-file-ignores] bad glob {glob:?}: {}", err.kind()),
                ));
            }
            let rules = names
                .iter()
                .map(|name| {
                    Rule::from_name(name).ok_or_else(|| {
                        ConfigError::at(
                            "per-file-ignores",
                            &glob,
                            format!("[per-file-ignores] {}", Rule::unknown_message(name)),
                        )
                    })
                })
                .collect::<Result<_, _>>()?;
            self.per_file_ignores.push((glob, rules));
        }
        Ok(())
    }

    /// Only the rules `select` names (all when it is empty), less those
    /// `ignore` names: the others are turned off, so that checking and
    /// fixing both leave them alone.
    pub fn restricted(mut self, select: &[Rule], ignore: &[Rule]) -> Config {
        for rule in Rule::ALL {
            if (!select.is_empty() && !select.contains(&rule)) || ignore.contains(&rule) {
                self.rule_levels.insert(rule, RuleLevel::Off);
            } else if select.contains(&rule) && self.rule_levels.get(&rule) == Some(&RuleLevel::Off)
            {
                // Naming a rule on the command line checks it, even when the
                // configuration turns it off (at its default severity).
                self.rule_levels.remove(&rule);
            }
        }
        self
    }

    /// Finds `bulletin.toml` in `start` or the nearest directory above it.
    /// The search starts from the absolute path: which configuration
    /// applies does not depend on how the path was typed.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        absolute(start)
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    /// The configuration that applies to the file at `path` (which need not
    /// exist: `--stdin-filename`).
    pub fn load_for_file(path: &Path) -> Result<Config, ConfigError> {
        let path = absolute(path);
        Config::load_for(path.parent().unwrap_or(&path))
    }

    /// Loads the configuration that applies to files in `dir` (defaults when
    /// none), with the gazetteer of `entities.toml` beside `bulletin.toml`
    /// (or in `dir` when there is no `bulletin.toml`) and any `[entities]`
    /// table in `bulletin.toml`.
    pub fn load_for(dir: &Path) -> Result<Config, ConfigError> {
        let dir = &absolute(dir);
        let (mut config, config_text, entities_dir) = match Config::discover(dir) {
            None => (Config::default(), None, dir.to_path_buf()),
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|err| {
                    ConfigError::new(format!("cannot read {}: {err}", path.display()))
                })?;
                let config = Config::from_toml(&text, path.parent()).map_err(|err| {
                    ConfigError::new(format!("{}: {}", path.display(), err.message))
                })?;
                let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
                (config, Some((path, text)), parent)
            }
        };
        let mut overrides = Vec::new();
        let entities_path = entities_dir.join(ENTITIES_FILE_NAME);
        if let Ok(text) = std::fs::read_to_string(&entities_path) {
            let (entities, problems) = parse_entities(&text, Some(&entities_path));
            overrides.extend(entities);
            config.entity_problems.extend(
                problems
                    .into_iter()
                    .map(|problem| (entities_path.clone(), problem)),
            );
        }
        if let Some((path, text)) = config_text {
            config.take_entities_table(&text, &path, &mut overrides);
        }
        if !overrides.is_empty() {
            config.gazetteer = Arc::new(Gazetteer::with_overrides(overrides));
        }
        Ok(config)
    }

    /// The configuration a `bulletin.toml` given as text alone sets (no
    /// directory around it, so no `entities.toml` beside it and no file
    /// paths resolved): its keys and its `[entities]` table, read as
    /// [`Config::load_for`] reads them. For faces without a file system.
    pub fn from_text(text: &str) -> Result<Config, ConfigError> {
        let mut config = Config::from_toml(text, None)?;
        let mut overrides = Vec::new();
        config.take_entities_table(text, Path::new(CONFIG_FILE_NAME), &mut overrides);
        if !overrides.is_empty() {
            config.gazetteer = Arc::new(Gazetteer::with_overrides(overrides));
        }
        Ok(config)
    }

    /// The entries of the `[entities]` table of `config_text` (the text of
    /// the file at `path`) go to `overrides`, its problems to `entity_problems`.
    fn take_entities_table(
        &mut self,
        config_text: &str,
        path: &Path,
        overrides: &mut Vec<crate::entities::Entity>,
    ) {
        if let Some(table) = entities_table(config_text) {
            let (entities, problems) = parse_entities(&table, Some(path));
            overrides.extend(entities);
            // Positions inside the re-serialised table are not the file's: point at the file's start.
            self.entity_problems
                .extend(problems.into_iter().map(|mut problem| {
                    problem.range = crate::text_range::TextRange::empty(0);
                    (path.to_path_buf(), problem)
                }));
        }
    }

    /// The severity `rule` reports at, or `None` when it is turned off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severity_of(rule, rule.default_severity())
    }

    /// The severity of a finding of `rule` that the rule itself gave
    /// `found` (a rule may soften one case, e.g. `headline-missing` at the
    /// top of a page): the configured level wins, otherwise `found`.
    pub fn severity_of(&self, rule: Rule, found: Severity) -> Option<Severity> {
        match self.rule_levels.get(&rule) {
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::On(severity)) => Some(*severity),
            None => Some(found),
        }
    }

    /// Whether `name` is one of the configured publications, ignoring case,
    /// spacing (no-break spaces included) and a leading "the".
    pub fn knows_publication(&self, name: &str) -> bool {
        self.publications
            .iter()
            .any(|known| same_publication(known, name))
    }
}

/// The `[entities]` table of a `bulletin.toml`, as an entities file (`[[entity]]` entries).
fn entities_table(config_text: &str) -> Option<String> {
    let value: toml::Table = toml::from_str(config_text).ok()?;
    let entities = value.get("entities")?.as_table()?;
    let mut file = toml::Table::new();
    file.insert("entity".to_string(), entities.get("entity")?.clone());
    toml::to_string(&file).ok()
}

/// Whether `a` and `b` name one publication: the same words, ignoring case,
/// spacing (no-break spaces included) and a leading "the"; without writing
/// either out (it is asked of every dateline).
fn same_publication(a: &str, b: &str) -> bool {
    fn words(name: &str) -> impl Iterator<Item = &str> {
        let mut words = name
            .split(|ch: char| ch.is_whitespace())
            .filter(|word| !word.is_empty())
            .peekable();
        // Only ASCII letters lower-case to `the`.
        words.next_if(|word| word.eq_ignore_ascii_case("the"));
        words
    }
    let same_word = |a: &str, b: &str| {
        a.eq_ignore_ascii_case(b)
            || (!(a.is_ascii() && b.is_ascii()) && a.to_lowercase() == b.to_lowercase())
    };
    let (mut a, mut b) = (words(a), words(b));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if same_word(a, b) => {}
            _ => return false,
        }
    }
}

impl Config {
    /// Rules `[per-file-ignores]` turns off for `path`. Globs match the path
    /// relative to the configuration's directory, and also the bare file name.
    pub fn ignored_rules(&self, path: &Path) -> Vec<Rule> {
        if self.per_file_ignores.is_empty() {
            return Vec::new();
        }
        let relative = self
            .root
            .as_deref()
            .and_then(|root| path.strip_prefix(root).ok())
            .unwrap_or(path);
        let file_name = path.file_name().map(Path::new);
        let mut rules = Vec::new();
        for (glob, ignored) in &self.per_file_ignores {
            let Ok(glob) = globset::Glob::new(glob) else {
                continue;
            };
            let matcher = glob.compile_matcher();
            if matcher.is_match(relative) || file_name.is_some_and(|name| matcher.is_match(name)) {
                rules.extend(ignored.iter().copied());
            }
        }
        rules
    }
}

/// `path` made absolute against the working directory (an empty path is the
/// working directory itself), without touching the file system.
pub fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_rejects_unknown_rules() {
        let config = Config::from_toml(
            r#"
publications = ["The Steppe Courier"]
house-dash = "–"
cadence-days = 14
too-early-days = 30
include = ["*.txt"]
[rules]
dateline-dash = "off"
dateline-spacing = "error"
[per-file-ignores]
"legacy/**" = ["dateline-month-style"]
"#,
            None,
        )
        .unwrap();
        assert!(config.knows_publication("the  steppe\u{a0}courier"));
        assert!(!config.knows_publication("The Conway Bulletin"));
        assert_eq!(config.house_dash, "–");
        assert_eq!(config.cadence_days, 14);
        assert_eq!(config.severity(Rule::DatelineDash), None);
        assert_eq!(
            config.severity(Rule::DatelineSpacing),
            Some(Severity::Error)
        );
        assert_eq!(
            config.severity(Rule::DatelineMissing),
            Some(Severity::Warning)
        );
        assert_eq!(config.per_file_ignores.len(), 1);

        let err = Config::from_toml("[rules]\ndateline-dashes = \"off\"\n", None).unwrap_err();
        assert!(err.message.contains("dateline-dashes"), "{}", err.message);
        let err = Config::from_toml("colour = 1\n", None).unwrap_err();
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn publications_compare_word_by_word_ignoring_case_spacing_and_the() {
        for (a, b, same) in [
            ("The Conway Bulletin", "conway\u{a0}bulletin", true),
            ("the  Steppe Courier", "THE STEPPE COURIER", true),
            ("Le Courrier d’Été", "LE COURRIER D’ÉTÉ", true),
            ("Le Courrier d’Été", "le courrier d’ete", false),
            ("The Bulletin", "Bulletin Weekly", false),
            ("The Bulletin", "The", false),
            ("Thebulletin", "Bulletin", false),
            ("", "The", true),
            ("", "", true),
        ] {
            assert_eq!(same_publication(a, b), same, "{a:?} and {b:?}");
            assert_eq!(same_publication(b, a), same, "{b:?} and {a:?}");
        }
    }

    #[test]
    fn default_publications_include_the_short_name() {
        let config = Config::default();
        for name in [
            "The Bulletin",
            "The Conway Bulletin",
            "the Central Asia & South Caucasus Bulletin",
        ] {
            assert!(config.knows_publication(name), "{name}");
        }
        assert!(!config.knows_publication("The Daily Steppe"));
    }
}
