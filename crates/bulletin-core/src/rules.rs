//! The registry of rules: every consumer (checks, `--select`, `bulletin rules`,
//! `bulletin explain`, SARIF, the language server) reads rule facts from here.

use crate::diagnostic::Severity;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Rule {
    HeadlineMissing,
    DatelineMissing,
    DatelineMalformed,
    DatelineInvalidDate,
    DatelineMonthStyle,
    DatelineDash,
    DatelineSpacing,
    DatelinePublication,
    DatelineAfterPublication,
    DatelineTooEarly,
    DatelinePlaceOrder,
    DatelinePlaceCase,
    IssueRefMalformed,
    IssueRefInvalidDate,
    IssueRefSpacing,
    IssueRefMonthStyle,
    IssueDateConflict,
    IssueSequence,
    ArticleKindMismatch,
    EntitySpelling,
    AcronymUndefined,
    HonorificUnresolved,
    /// A file that could not be read, or is not UTF-8 text: reported by
    /// the command line, so that machine-readable reports show it.
    IoError,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    None,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::None => "none",
        }
    }
}

/// Where a rule looks: one article, or every file checked together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Article,
    Archive,
}

struct RuleInfo {
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    fix: FixAvailability,
    scope: Scope,
    explanation: &'static str,
}

macro_rules! rule_info {
    ($name:literal, $severity:ident, $fix:ident, $scope:ident, $summary:literal) => {
        RuleInfo {
            name: $name,
            severity: Severity::$severity,
            summary: $summary,
            fix: FixAvailability::$fix,
            scope: Scope::$scope,
            explanation: include_str!(concat!("../../../docs/rules/", $name, ".md")),
        }
    };
}

impl Rule {
    pub const ALL: [Rule; 23] = [
        Rule::HeadlineMissing,
        Rule::DatelineMissing,
        Rule::DatelineMalformed,
        Rule::DatelineInvalidDate,
        Rule::DatelineMonthStyle,
        Rule::DatelineDash,
        Rule::DatelineSpacing,
        Rule::DatelinePublication,
        Rule::DatelineAfterPublication,
        Rule::DatelineTooEarly,
        Rule::DatelinePlaceOrder,
        Rule::DatelinePlaceCase,
        Rule::IssueRefMalformed,
        Rule::IssueRefInvalidDate,
        Rule::IssueRefSpacing,
        Rule::IssueRefMonthStyle,
        Rule::IssueDateConflict,
        Rule::IssueSequence,
        Rule::ArticleKindMismatch,
        Rule::EntitySpelling,
        Rule::AcronymUndefined,
        Rule::HonorificUnresolved,
        Rule::IoError,
    ];

    fn info(self) -> RuleInfo {
        match self {
            Rule::HeadlineMissing => rule_info!(
                "headline-missing",
                Warning,
                None,
                Article,
                "An article whose lead paragraph has no headline above it"
            ),
            Rule::DatelineMissing => rule_info!(
                "dateline-missing",
                Warning,
                None,
                Article,
                "An article whose lead paragraph has no dateline"
            ),
            Rule::DatelineMalformed => rule_info!(
                "dateline-malformed",
                Error,
                Sometimes,
                Article,
                "A lead that starts like a dateline but cannot be read as one"
            ),
            Rule::DatelineInvalidDate => rule_info!(
                "dateline-invalid-date",
                Error,
                None,
                Article,
                "A dateline date that does not exist, or a month that is not a month"
            ),
            Rule::DatelineMonthStyle => rule_info!(
                "dateline-month-style",
                Warning,
                Always,
                Article,
                "A dateline month not written in AP style"
            ),
            Rule::DatelineDash => rule_info!(
                "dateline-dash",
                Warning,
                Always,
                Article,
                "A dateline separator other than the house dash"
            ),
            Rule::DatelineSpacing => {
                rule_info!("dateline-spacing", Warning, Always, Article,
                "Doubled, missing or stray spaces and commas inside a dateline or after its dash")
            }
            Rule::DatelinePublication => rule_info!(
                "dateline-publication",
                Warning,
                None,
                Article,
                "A publication name the configuration does not know"
            ),
            Rule::DatelineAfterPublication => rule_info!(
                "dateline-after-publication",
                Error,
                None,
                Article,
                "A dateline dated after the issue it was published in"
            ),
            Rule::DatelineTooEarly => rule_info!(
                "dateline-too-early",
                Warning,
                None,
                Article,
                "A dateline long before the issue it was published in"
            ),
            Rule::DatelinePlaceOrder => rule_info!(
                "dateline-place-order",
                Warning,
                Always,
                Article,
                "A dateline with the place after the date"
            ),
            Rule::DatelinePlaceCase => rule_info!(
                "dateline-place-case",
                Warning,
                Always,
                Article,
                "A dateline place not written in capitals"
            ),
            Rule::IssueRefMalformed => rule_info!(
                "issue-ref-malformed",
                Error,
                Sometimes,
                Article,
                "An issue reference that cannot be read"
            ),
            Rule::IssueRefInvalidDate => rule_info!(
                "issue-ref-invalid-date",
                Error,
                Sometimes,
                Article,
                "An issue reference whose date does not exist or cannot be read"
            ),
            Rule::IssueRefSpacing => rule_info!(
                "issue-ref-spacing",
                Warning,
                Always,
                Article,
                "Doubled or missing spaces around the date of an issue reference"
            ),
            Rule::IssueRefMonthStyle => rule_info!(
                "issue-ref-month-style",
                Warning,
                Always,
                Article,
                "An issue reference month not written in AP style"
            ),
            Rule::IssueDateConflict => rule_info!(
                "issue-date-conflict",
                Error,
                None,
                Archive,
                "The same issue number given two different publication dates"
            ),
            Rule::IssueSequence => rule_info!(
                "issue-sequence",
                Warning,
                None,
                Archive,
                "Issue numbers and dates that cannot both be right"
            ),
            Rule::ArticleKindMismatch => rule_info!(
                "article-kind-mismatch",
                Warning,
                None,
                Article,
                "A headline's kind that its issue reference contradicts"
            ),
            Rule::EntitySpelling => rule_info!(
                "entity-spelling",
                Warning,
                Always,
                Archive,
                "An entity spelled two ways in the archive, or a known misspelling"
            ),
            Rule::AcronymUndefined => rule_info!(
                "acronym-undefined",
                Hint,
                None,
                Article,
                "An acronym used before, or without, its definition in the article"
            ),
            Rule::HonorificUnresolved => rule_info!(
                "honorific-unresolved",
                Hint,
                None,
                Article,
                "`Mr X` with no earlier full-name mention of X"
            ),
            Rule::IoError => rule_info!(
                "io-error",
                Error,
                None,
                Archive,
                "A file that cannot be read, or is not UTF-8 text"
            ),
        }
    }

    /// The stable name used in configuration, output and `--select`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// One line, for tables and SARIF's short description.
    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    pub fn fix_availability(self) -> FixAvailability {
        self.info().fix
    }

    pub fn scope(self) -> Scope {
        self.info().scope
    }

    /// The rule's documentation in Markdown (what, why, examples, options).
    pub fn explanation(self) -> &'static str {
        self.info().explanation
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.name() == name)
    }

    /// The rule a mistyped name most likely meant: the same name written
    /// with underscores or capitals (`dateline_dash`), or the closest name
    /// a few typing slips away (`dateline-dahs`).
    pub fn suggest(name: &str) -> Option<Rule> {
        let normalized = name.trim().to_lowercase().replace(['_', ' '], "-");
        if let Some(rule) = Rule::from_name(&normalized) {
            return Some(rule);
        }
        Rule::ALL
            .into_iter()
            .map(|rule| (strsim::damerau_levenshtein(&normalized, rule.name()), rule))
            .filter(|(distance, rule)| *distance <= 3.max(rule.name().len() / 5))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, rule)| rule)
    }

    /// "unknown rule `X`; did you mean `Y`?", for every place a rule is named.
    pub fn unknown_message(name: &str) -> String {
        match Rule::suggest(name) {
            Some(rule) => format!(
                "unknown rule `{name}`; did you mean `{}`? (`bulletin rules` lists them)",
                rule.name()
            ),
            None => format!("unknown rule `{name}`; `bulletin rules` lists them"),
        }
    }

    /// Where the rule's documentation is published, for editors and SARIF.
    pub fn doc_url(self) -> String {
        format!("{DOCS_BASE_URL}/{}.md", self.name())
    }
}

/// The rule pages in the repository (`docs/rules/`).
pub const DOCS_BASE_URL: &str = "https://github.com/bulletin-markup/bulletin/blob/main/docs/rules";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistyped_names_get_a_suggestion() {
        assert_eq!(Rule::suggest("dateline_dash"), Some(Rule::DatelineDash));
        assert_eq!(Rule::suggest("Dateline-Dash"), Some(Rule::DatelineDash));
        assert_eq!(Rule::suggest("dateline-dahs"), Some(Rule::DatelineDash));
        assert_eq!(Rule::suggest("isue-sequence"), Some(Rule::IssueSequence));
        assert_eq!(Rule::suggest("banana"), None);
        assert!(Rule::unknown_message("dateline-dahs").contains("did you mean `dateline-dash`?"));
    }

    #[test]
    fn every_rule_has_a_unique_name_and_complete_documentation() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|rule| rule.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(rule));
            let doc = rule.explanation();
            assert!(
                doc.starts_with(&format!("# {}\n", rule.name())),
                "{} doc title",
                rule.name()
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## Configuration",
            ] {
                assert!(doc.contains(heading), "{} lacks {heading:?}", rule.name());
            }
            let has_fix_section = doc.contains("## Fix safety");
            assert_eq!(
                has_fix_section,
                rule.fix_availability() != FixAvailability::None,
                "{}: a `## Fix safety` section exactly when the rule has fixes",
                rule.name()
            );
        }
    }
}
