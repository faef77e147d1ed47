//! The workspace: the one owner of what a face knows about an archive —
//! the open documents (the segmented store), the files on disk, the
//! configuration with its generation number, and the cross-file results.
//!
//! Faces change it through a small API (`open`, `edit`, `close`,
//! `set_disk_file`, `remove`, `set_roots`, `set_settings`,
//! `reload_config`) and read it through queries (`files`, `diagnostics`,
//! `document`, and the `ide` query modules). Every cache is keyed by the
//! configuration's generation, so a settings change re-judges unopened
//! files too. `K` names a file: the server uses the protocol's URI, the
//! tests a path; `path_of` says where a key's file is on disk.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::document::{ContentChange, Document};
use super::lines::{Encoding, Lines, Position, PositionRange, TextLines};
use crate::analysis;
use crate::baseline::Baseline;
use crate::checks::archive::{self, IssueMention};
use crate::checks::entity::AcronymClaim;
use crate::config::{Config, ConfigFile};
use crate::diagnostic::{Diagnostic, FileId};
use crate::entities::ArticleEntities;
use crate::line_index::LineIndex;
use crate::model;
use crate::text_range::TextRange;

/// A workspace file that is not open (or whose disk copy is shadowed by an open one).
pub struct IndexedFile {
    pub path: PathBuf,
    pub text: String,
    pub index: LineIndex,
    pub document: model::Document,
    /// Article-level findings at default severity.
    pub diagnostics: Vec<Diagnostic>,
    pub mentions: Vec<IssueMention>,
    pub claims: Vec<AcronymClaim>,
    /// The entities of each article, parallel to `document.articles`.
    pub entities: Vec<ArticleEntities>,
}

impl IndexedFile {
    pub fn read(path: &Path, config: &Config) -> Option<IndexedFile> {
        let text = std::fs::read_to_string(path).ok()?;
        Some(IndexedFile::from_text(path.to_path_buf(), text, config))
    }

    pub fn from_text(path: PathBuf, text: String, config: &Config) -> IndexedFile {
        let (_, analysis) = analysis::analyze(&text, config);
        let mentions = archive::issue_mentions(&analysis.document, FileId(0));
        let claims = analysis
            .entities
            .iter()
            .flat_map(|article| article.claims(FileId(0)))
            .collect();
        IndexedFile {
            path,
            index: LineIndex::new(&text),
            text,
            document: analysis.document,
            diagnostics: analysis.diagnostics,
            mentions,
            claims,
            entities: analysis.entities,
        }
    }

    pub fn lines(&self) -> TextLines<'_> {
        TextLines {
            text: &self.text,
            index: &self.index,
        }
    }
}

/// The workspace of one face: see the module's documentation.
pub struct Workspace<K: Ord + Clone> {
    path_of: fn(&K) -> Option<PathBuf>,
    /// How messages name a key that is no file on disk.
    label_of: fn(&K) -> String,
    roots: Vec<PathBuf>,
    /// From `bulletin.toml` (defaults when there is none).
    file_config: Config,
    /// The editor's `bulletin` settings, applied over `file_config` (or
    /// why they could not be read).
    settings: Option<Result<ConfigFile, String>>,
    config: Config,
    /// Bumped whenever `config` changes, so cached analyses are redone.
    generation: u64,
    docs: BTreeMap<K, Document>,
    index: BTreeMap<K, IndexedFile>,
    /// The last run of the cross-file rules, reused while no issue claim or
    /// acronym definition changed (only moved).
    cross: RefCell<Option<CrossCache>>,
    /// Findings recorded when the archive adopted the checker, not reported
    /// (as `bulletin check` does not report them).
    baseline: Option<Baseline>,
}

/// A workspace whose open documents are all analysed for the configuration
/// in force: what every query reads, so that no query can see an analysis
/// older than the text (only `Workspace::snapshot` makes one).
pub struct Snapshot<'a, K: Ord + Clone>(&'a Workspace<K>);

impl<K: Ord + Clone> std::ops::Deref for Snapshot<'_, K> {
    type Target = Workspace<K>;

    fn deref(&self) -> &Workspace<K> {
        self.0
    }
}

/// The inputs and the findings of one run of the cross-file rules.
struct CrossCache {
    generation: u64,
    names: Vec<String>,
    mentions: Vec<IssueMention>,
    claims: Vec<AcronymClaim>,
    found: Vec<(FileId, Diagnostic)>,
}

impl CrossCache {
    /// The cached findings for new inputs that differ from the cached ones
    /// only in where they are written, their ranges moved; `None` when the
    /// rules must run again.
    fn reuse(
        &self,
        generation: u64,
        names: &[String],
        mentions: &[IssueMention],
        claims: &[AcronymClaim],
    ) -> Option<Vec<(FileId, Diagnostic)>> {
        if self.generation != generation
            || self.names != names
            || self.mentions.len() != mentions.len()
            || self.claims.len() != claims.len()
        {
            return None;
        }
        let same_mentions = self.mentions.iter().zip(mentions).all(|(old, new)| {
            old.file == new.file && old.number == new.number && old.date == new.date
        });
        let same_claims = self.claims.iter().zip(claims).all(|(old, new)| {
            old.file == new.file && old.abbr == new.abbr && old.expansion == new.expansion
        });
        if !same_mentions || !same_claims {
            return None;
        }
        // Old range → new range, per file. Both lists are in (file, position) order.
        let in_order = |ranges: &[(FileId, TextRange)]| {
            ranges
                .windows(2)
                .all(|pair| (pair[0].0, pair[0].1.start) < (pair[1].0, pair[1].1.start))
        };
        let old_dates: Vec<(FileId, TextRange)> = self
            .mentions
            .iter()
            .map(|mention| (mention.file, mention.date_range.get()))
            .collect();
        let old_expansions: Vec<(FileId, TextRange)> = self
            .claims
            .iter()
            .map(|claim| (claim.file, claim.expansion_range))
            .collect();
        if !in_order(&old_dates) || !in_order(&old_expansions) {
            return None;
        }
        let map = |file: FileId, range: TextRange| -> Option<TextRange> {
            let find = |old: &[(FileId, TextRange)]| {
                old.binary_search_by(|probe| (probe.0, probe.1.start).cmp(&(file, range.start)))
                    .ok()
                    .filter(|&at| old[at].1 == range)
            };
            if let Some(at) = find(&old_dates) {
                return Some(mentions[at].date_range.get());
            }
            find(&old_expansions).map(|at| claims[at].expansion_range)
        };
        let mut out = Vec::with_capacity(self.found.len());
        for (file, diagnostic) in &self.found {
            let mut moved = diagnostic.clone();
            moved.range = map(*file, diagnostic.range)?;
            if let Some(fix) = &mut moved.fix {
                for edit in &mut fix.edits {
                    edit.range = map(*file, edit.range)?;
                }
            }
            for related in &mut moved.related {
                related.range = map(related.file.unwrap_or(*file), related.range)?;
            }
            out.push((*file, moved));
        }
        Some(out)
    }
}

/// A file of the workspace, open or indexed.
pub enum FileRef<'a> {
    Open(&'a Document),
    Indexed(&'a IndexedFile),
}

impl FileRef<'_> {
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        match self {
            FileRef::Open(document) => document.position(offset, encoding),
            FileRef::Indexed(file) => file.lines().position(offset, encoding),
        }
    }

    pub fn range(&self, range: TextRange, encoding: Encoding) -> PositionRange {
        PositionRange::new(
            self.position(range.start, encoding),
            self.position(range.end, encoding),
        )
    }

    /// The file's issue mentions, as file `id`'s.
    pub fn mentions(&self, id: FileId) -> Vec<IssueMention> {
        match self {
            FileRef::Open(document) => document.mentions(id),
            FileRef::Indexed(indexed) => indexed
                .mentions
                .iter()
                .map(|mention| IssueMention {
                    file: id,
                    ..mention.clone()
                })
                .collect(),
        }
    }

    /// The file's acronym claims, as file `id`'s.
    pub fn claims(&self, id: FileId) -> Vec<AcronymClaim> {
        match self {
            FileRef::Open(document) => document.claims(id),
            FileRef::Indexed(indexed) => indexed
                .claims
                .iter()
                .map(|claim| AcronymClaim {
                    file: id,
                    ..claim.clone()
                })
                .collect(),
        }
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        match self {
            FileRef::Open(document) => &document.text,
            FileRef::Indexed(file) => &file.text,
        }
    }

    /// Every article of the file.
    pub fn articles(&self) -> Vec<&model::Article> {
        match self {
            FileRef::Open(document) => document
                .articles()
                .iter()
                .map(|entry| &entry.article)
                .collect(),
            FileRef::Indexed(file) => file.document.articles.iter().collect(),
        }
    }
}

impl<K: Ord + Clone> Workspace<K> {
    /// An empty workspace whose keys name files as `path_of` says (and,
    /// for keys that are no file, as `label_of` says).
    pub fn new(path_of: fn(&K) -> Option<PathBuf>, label_of: fn(&K) -> String) -> Workspace<K> {
        Workspace {
            path_of,
            label_of,
            roots: Vec::new(),
            file_config: Config::default(),
            settings: None,
            config: Config::default(),
            generation: 0,
            docs: BTreeMap::new(),
            index: BTreeMap::new(),
            cross: RefCell::new(None),
            baseline: None,
        }
    }

    /// The baseline whose findings are not reported (`None`: all are).
    pub fn set_baseline(&mut self, baseline: Option<Baseline>) {
        self.baseline = baseline;
    }

    /// The configuration in force (`bulletin.toml` and the editor's settings).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Which configuration the cached analyses must have been computed with.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The folders of the workspace; `reload_config` reads the first one's
    /// `bulletin.toml`.
    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.roots = roots;
    }

    /// The configuration in force, given whole by a face that has no
    /// `bulletin.toml` on disk to read (the WebAssembly build): what
    /// `reload_config` would otherwise compute. Cached analyses are redone
    /// when it differs.
    pub fn set_config(&mut self, config: Config) {
        self.file_config = config.clone();
        if config != self.config {
            self.config = config;
            self.generation += 1;
        }
    }

    /// The editor's `bulletin` settings (applied at the next `reload_config`).
    pub fn set_settings(&mut self, settings: Option<Result<ConfigFile, String>>) {
        self.settings = settings;
    }

    /// An editor opened a file: its text now shadows the disk copy.
    pub fn open(&mut self, key: K, text: String, version: i32) {
        self.index.remove(&key);
        self.docs.insert(key, Document::new(text, version));
    }

    /// Applies an editor's changes to an open file; false when it is not open.
    pub fn edit(
        &mut self,
        key: &K,
        changes: Vec<ContentChange>,
        version: i32,
        encoding: Encoding,
    ) -> bool {
        match self.docs.get_mut(key) {
            Some(document) => {
                document.apply_changes(changes, version, encoding);
                true
            }
            None => false,
        }
    }

    /// An editor closed a file; whether it was open. The caller puts the
    /// disk copy back (`set_disk_file`) when the file belongs to the archive.
    pub fn close(&mut self, key: &K) -> bool {
        self.docs.remove(key).is_some()
    }

    /// The disk copy of a file changed (or appeared).
    pub fn set_disk_file(&mut self, key: K, file: IndexedFile) {
        self.insert_indexed(key, file);
    }

    /// A file left the disk (or the archive).
    pub fn remove(&mut self, key: &K) {
        self.index.remove(key);
    }

    /// Whether a file on disk belongs to the archive: under a root and
    /// named as discovery takes files in (`*.bulletin` or an `include`
    /// glob of the configuration in force) — the same file set as
    /// `bulletin check` on the roots.
    pub fn wants(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root))
            && crate::discovery::include_globs(&self.config.include)
                .is_ok_and(|globs| crate::discovery::wanted(path, &globs))
    }

    /// Keeps only the disk files whose paths `keep` accepts.
    pub fn retain_disk_files(&mut self, mut keep: impl FnMut(&Path) -> bool) {
        self.index.retain(|_, file| keep(&file.path));
    }

    pub fn is_open(&self, key: &K) -> bool {
        self.docs.contains_key(key)
    }

    /// An open document, as last analysed (call `refresh` first for one
    /// that is up to date).
    pub fn document(&self, key: &K) -> Option<&Document> {
        self.docs.get(key)
    }

    /// Where a key's file is on disk.
    pub fn path_of(&self, key: &K) -> Option<PathBuf> {
        (self.path_of)(key)
    }

    /// The version the editor gave an open document.
    pub fn version(&self, key: &K) -> Option<i32> {
        self.docs.get(key).map(|document| document.version)
    }

    /// Brings one open document's analyses up to date.
    pub fn refresh(&mut self, key: &K) -> Option<&Document> {
        let (config, generation) = (&self.config, self.generation);
        let document = self.docs.get_mut(key)?;
        document.refresh(config, generation);
        Some(document)
    }

    /// Brings every open document up to date and returns the workspace to
    /// query.
    pub fn snapshot(&mut self) -> Snapshot<'_, K> {
        self.refresh_all();
        Snapshot(self)
    }

    /// How many files of the disk are in the workspace.
    pub fn disk_file_count(&self) -> usize {
        self.index.len()
    }

    /// The open documents.
    pub fn open_documents(&self) -> impl Iterator<Item = (&K, &Document)> {
        self.docs.iter()
    }

    /// Reads `bulletin.toml` for the first workspace root and applies the client settings.
    pub fn reload_config(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        let root = self.roots.first().cloned();
        self.file_config = match root.as_deref().map(Config::load_for) {
            Some(Ok(config)) => config,
            Some(Err(err)) => {
                problems.push(err.message);
                Config::default()
            }
            None => Config::default(),
        };
        let mut config = self.file_config.clone();
        match self.settings.clone() {
            Some(Ok(file)) => {
                if let Err(err) = config.apply(file) {
                    problems.push(format!("bulletin settings: {}", err.message));
                }
            }
            Some(Err(err)) => problems.push(format!("bulletin settings: {err}")),
            None => {}
        }
        if config.root.is_none() {
            config.root = root;
        }
        // Settings often arrive unchanged (the client's answer after
        // `initialized`, a save of bulletin.toml): keep every cached analysis.
        if config != self.config {
            self.config = config;
            self.generation += 1;
        }
        problems
    }

    /// Every file of the workspace: open documents shadow their disk copies.
    /// A file's position in this list is its `FileId` for the cross-file rules.
    pub fn files(&self) -> Vec<(&K, FileRef<'_>)> {
        let mut files: Vec<(&K, FileRef<'_>)> = self
            .docs
            .iter()
            .map(|(uri, document)| (uri, FileRef::Open(document)))
            .collect();
        files.extend(
            self.index
                .iter()
                .filter(|(uri, _)| !self.docs.contains_key(*uri))
                .map(|(uri, file)| (uri, FileRef::Indexed(file))),
        );
        files.sort_by(|a, b| a.0.cmp(b.0));
        files
    }

    /// A hash of the file list (which `FileId` names which file).
    pub fn files_fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for (key, _) in self.files() {
            (self.path_of)(key).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Puts a disk file into the workspace index, unless it is open: the
    /// open document shadows it, and the index must not hold a second copy
    /// of its text.
    fn insert_indexed(&mut self, uri: K, file: IndexedFile) {
        if !self.docs.contains_key(&uri) {
            self.index.insert(uri, file);
        }
    }

    /// Brings every open document's analyses up to date, leaving article
    /// moves pending: enough for `all_diagnostics`, not for features that
    /// read articles (those call `refresh_all`).
    pub fn update_all(&mut self) {
        let (config, generation) = (&self.config, self.generation);
        for document in self.docs.values_mut() {
            document.update(config, generation);
        }
    }

    pub fn refresh_all(&mut self) {
        let (config, generation) = (&self.config, self.generation);
        for document in self.docs.values_mut() {
            document.refresh(config, generation);
        }
    }

    /// How messages name a file: its path relative to the workspace root.
    pub fn display_name(&self, key: &K) -> String {
        let Some(path) = (self.path_of)(key) else {
            return (self.label_of)(key);
        };
        for root in &self.roots {
            if let Ok(relative) = path.strip_prefix(root) {
                return relative.display().to_string();
            }
        }
        path.display().to_string()
    }

    /// The configured diagnostics of every file, as `bulletin check` reports
    /// them: article-level and cross-file findings through `configure`.
    /// Documents must be updated (`update_all`) or refreshed first.
    pub fn all_diagnostics(&self) -> Vec<(K, Vec<Diagnostic>)> {
        let files = self.files();
        let id = |at: usize| FileId(at as u32);
        let mentions: Vec<IssueMention> = files
            .iter()
            .enumerate()
            .flat_map(|(at, (_, file))| file.mentions(id(at)))
            .collect();
        let claims: Vec<AcronymClaim> = files
            .iter()
            .enumerate()
            .flat_map(|(at, (_, file))| file.claims(id(at)))
            .collect();
        let names: Vec<String> = files
            .iter()
            .map(|(uri, _)| self.display_name(uri))
            .collect();
        let name_of = |file: FileId| names.get(file.0 as usize).cloned().unwrap_or_default();
        let mut cross: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
        // The cross-file rules `bulletin check` runs (`analysis::cross_file`),
        // fed from per-article caches instead of whole-file analyses, and run
        // again only when a claim changed (not when one merely moved).
        let reused = self
            .cross
            .borrow()
            .as_ref()
            .and_then(|cache| cache.reuse(self.generation, &names, &mentions, &claims));
        let found = match reused {
            Some(found) => found,
            None => analysis::cross_file(&mentions, &claims, &self.config, &name_of),
        };
        *self.cross.borrow_mut() = Some(CrossCache {
            generation: self.generation,
            names: names.clone(),
            mentions,
            claims,
            found: found.clone(),
        });
        for (file, diagnostic) in found {
            if let Some(slot) = cross.get_mut(file.0 as usize) {
                slot.push(diagnostic);
            }
        }
        // Each recorded finding forgives one occurrence per judgement.
        let mut baseline = self.baseline.clone();
        files
            .iter()
            .zip(cross)
            .map(|((uri, file), cross)| {
                let mut diagnostics = match file {
                    FileRef::Open(document) => document.diagnostics(),
                    FileRef::Indexed(indexed) => indexed.diagnostics.clone(),
                };
                diagnostics.extend(cross);
                let path = (self.path_of)(uri);
                let mut diagnostics =
                    analysis::configure(diagnostics, &self.config, path.as_deref());
                analysis::sort(&mut diagnostics);
                if let (Some(baseline), Some(path)) = (&mut baseline, &path) {
                    let text = file.text();
                    diagnostics.retain(|diagnostic| !baseline.forgive(path, text, diagnostic));
                }
                ((*uri).clone(), diagnostics)
            })
            .collect()
    }

    pub fn file(&self, uri: &K) -> Option<FileRef<'_>> {
        if let Some(document) = self.docs.get(uri) {
            return Some(FileRef::Open(document));
        }
        self.index.get(uri).map(FileRef::Indexed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(number: u32, day: i8, at: usize) -> IssueMention {
        IssueMention {
            file: FileId(0),
            number,
            date: jiff::civil::date(2019, 1, day),
            date_range: TextRange::new(at + 20, at + 30).into(),
        }
    }

    fn run(mentions: &[IssueMention], config: &Config) -> Vec<(FileId, Diagnostic)> {
        let name = |_: FileId| "a.bulletin".to_string();
        archive::check_archive(mentions.to_vec(), config, &name)
            .into_iter()
            .map(|found| (found.file, found.diagnostic))
            .collect()
    }

    #[test]
    fn cross_file_findings_follow_moved_claims() {
        let config = Config::default();
        let before = vec![
            mention(12, 10, 0),
            mention(12, 11, 100),
            mention(14, 1, 200),
        ];
        let cache = CrossCache {
            generation: 0,
            names: vec!["a.bulletin".to_string()],
            found: run(&before, &config),
            mentions: before,
            claims: Vec::new(),
        };
        assert!(!cache.found.is_empty());
        // Text inserted between the first and the second claim.
        let after = vec![
            mention(12, 10, 0),
            mention(12, 11, 105),
            mention(14, 1, 205),
        ];
        let names = ["a.bulletin".to_string()];
        let reused = cache.reuse(0, &names, &after, &[]);
        assert_eq!(reused, Some(run(&after, &config)));
        // A changed claim runs the rules again.
        let changed = vec![
            mention(12, 10, 0),
            mention(12, 10, 105),
            mention(14, 1, 205),
        ];
        assert_eq!(cache.reuse(0, &names, &changed, &[]), None);
        assert_eq!(cache.reuse(1, &names, &after, &[]), None);
    }
}
