//! Navigation between the articles of one issue: from an issue reference,
//! "definition" lists the headlines of every article of that issue in the
//! workspace and "references" their issue references. Entity navigation is
//! `super::entities`'s.

use super::workspace::Snapshot;
use super::{Location, Target};

/// The articles of the issue referenced under `offset`, at their headlines
/// (`references`: at their issue references). Empty off an issue reference.
pub fn issue_articles<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
    references: bool,
) -> Vec<Location<K>> {
    let Some(entry) = workspace
        .document(key)
        .and_then(|document| document.article_at(offset))
    else {
        return Vec::new();
    };
    let Some(number) = entry
        .article
        .issue_ref
        .as_ref()
        .filter(|issue| issue.range.touches(offset))
        .and_then(|issue| issue.number_value)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (other_key, file) in workspace.files() {
        for other in file.articles() {
            if other.issue_number() != Some(number) {
                continue;
            }
            let range = if references {
                other
                    .issue_ref
                    .as_ref()
                    .map_or(other.range, |issue| issue.range)
            } else {
                other.headline.range
            };
            out.push(Location {
                target: Target::File(other_key.clone()),
                range,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, PAGE};

    fn check(references: bool, expect: &[&str]) {
        let text = format!(
            "//- a.bulletin\n{}//- b.txt\nLate grain figures\n\nAKTAU, MARCH 11 2017 (The Bulletin) — Port figures.\n\n(News report from Is$0sue No. 412, published on March 13 2017)\n",
            PAGE
        );
        let mut fixture = fixture(&text);
        let snapshot = fixture.workspace.snapshot();
        let found = issue_articles(&snapshot, &fixture.key, fixture.offset, references);
        let found: Vec<String> = found
            .into_iter()
            .map(|location| match &location.target {
                Target::File(key) => format!("{key}: {}", location.range.slice(fixture.text(key))),
                Target::Path(path) => path.display().to_string(),
            })
            .collect();
        assert_eq!(found, expect);
    }

    #[test]
    fn definition_lists_the_headlines_of_the_issue_in_every_file() {
        check(
            false,
            &[
                "a.bulletin: Grain corridor talks resume in Almaty",
                "a.bulletin: Rail tariffs fall by a fifth",
                "b.txt: Late grain figures",
            ],
        );
    }

    #[test]
    fn references_list_the_issue_references() {
        let reference = "(News report from Issue No. 412, published on March 13 2017)";
        check(
            true,
            &[
                &format!("a.bulletin: {reference}"),
                &format!("a.bulletin: {reference}"),
                &format!("b.txt: {reference}"),
            ],
        );
    }
}
