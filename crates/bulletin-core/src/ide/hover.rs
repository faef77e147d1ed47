//! Hover: what the element under the cursor is — an entity mention (who or
//! what, where defined, how often mentioned), a dateline (the date read,
//! the place, the days before the issue), a headline, an issue reference
//! (the other articles of that issue).

use super::entities::{self as ide_entities, Found};
use super::workspace::{Snapshot, Workspace};
use crate::dates;
use crate::entities::{Origin, Source};
use crate::model::Article;
use crate::outline;
use crate::text_range::TextRange;

/// Writes hover text in the format the client reads: Markdown, or the same
/// information as plain text (no `**`, backticks or links) for a client
/// that declared only `plaintext`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Markup {
    pub markdown: bool,
}

impl Markup {
    pub const MARKDOWN: Markup = Markup { markdown: true };
    pub const PLAIN: Markup = Markup { markdown: false };

    /// A title or a name that stands out.
    pub fn strong(self, text: &str) -> String {
        if self.markdown {
            format!("**{text}**")
        } else {
            text.to_string()
        }
    }

    /// A file name, a spelling: literal text.
    pub fn code(self, text: &str) -> String {
        if self.markdown {
            format!("`{text}`")
        } else {
            text.to_string()
        }
    }

    /// An address.
    pub fn link(self, url: &str) -> String {
        if self.markdown {
            format!("<{url}>")
        } else {
            url.to_string()
        }
    }
}

/// A hover's answer: the text, in the markup asked for, and the range it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub text: String,
}

/// How many headlines an entity's hover lists.
const HEADLINES: usize = 5;

/// The hover at `offset` of the open document `key`.
pub fn hover<K: Ord + Clone>(
    workspace: &Snapshot<'_, K>,
    key: &K,
    offset: usize,
    markup: Markup,
) -> Option<Hover> {
    entity_hover(workspace, key, offset, markup)
        .or_else(|| article_hover(workspace, key, offset, markup))
}

fn article_hover<K: Ord + Clone>(
    workspace: &Workspace<K>,
    key: &K,
    offset: usize,
    markup: Markup,
) -> Option<Hover> {
    let document = workspace.document(key)?;
    let entry = document.article_at(offset)?;
    let article = &entry.article;
    let (range, text) = if let Some(dateline) = article
        .dateline
        .as_ref()
        .filter(|dateline| dateline.range.touches(offset))
    {
        (
            dateline.range,
            dateline_hover(&document.text, article, markup),
        )
    } else if let Some(issue) = article
        .issue_ref
        .as_ref()
        .filter(|issue| issue.range.touches(offset))
    {
        (issue.range, issue_hover(workspace, key, article, markup))
    } else if article.headline.range.touches(offset) {
        (
            article.headline.range,
            headline_hover(&document.text, article, markup),
        )
    } else {
        return None;
    };
    Some(Hover { range, text })
}

fn issue_line(article: &Article) -> Option<String> {
    let number = article.issue_number()?;
    Some(match article.issue_date() {
        Some(date) => format!("Issue {number}, published {}", dates::long_date(date)),
        None => format!("Issue {number}"),
    })
}

fn dateline_hover(text: &str, article: &Article, markup: Markup) -> String {
    let mut lines = vec![markup.strong("Dateline")];
    let Some(dateline) = &article.dateline else {
        return lines.join("\n\n");
    };
    match dateline.date {
        Some(date) if dateline.year_inferred => lines.push(format!(
            "Date: {} (year from the issue reference)",
            dates::long_date(date)
        )),
        Some(date) => lines.push(format!("Date: {}", dates::long_date(date))),
        None => lines.push("Date: cannot be read".to_string()),
    }
    if let Some(place) = outline::place(text, article) {
        lines.push(format!("Place: {place}"));
    }
    if let Some(publication) = &dateline.publication {
        lines.push(format!("Publication: {}", publication.text(text)));
    }
    if let (Some(date), Some(published), Some(number)) =
        (dateline.date, article.issue_date(), article.issue_number())
    {
        let days = dates::days_between(date, published);
        let when = match days {
            0 => "on the day issue".to_string(),
            1 => "1 day before issue".to_string(),
            d if d < 0 => format!("{} days after issue", -d),
            d => format!("{d} days before issue"),
        };
        lines.push(format!(
            "Filed {when} {number} was published ({})",
            dates::long_date(published)
        ));
    }
    lines.join("\n\n")
}

fn headline_hover(text: &str, article: &Article, markup: Markup) -> String {
    let headline = &article.headline;
    let mut lines = vec![markup.strong(headline.text.text(text))];
    lines.push(format!(
        "Kind: {}",
        headline.kind.as_deref().unwrap_or("news report")
    ));
    if let Some(date) = article.date() {
        lines.push(format!("Date: {}", dates::long_date(date)));
    }
    if let Some(issue) = issue_line(article) {
        lines.push(issue);
    }
    lines.join("\n\n")
}

fn issue_hover<K: Ord + Clone>(
    workspace: &Workspace<K>,
    uri: &K,
    article: &Article,
    markup: Markup,
) -> String {
    let Some(number) = article.issue_number() else {
        return format!("{} (no readable number)", markup.strong("Issue reference"));
    };
    let mut lines = vec![markup.strong(&format!("Issue {number}"))];
    match article.issue_date() {
        Some(date) => lines.push(format!("Published {}", dates::long_date(date))),
        None => lines.push("Publication date cannot be read".to_string()),
    }
    let mut others = Vec::new();
    for (other_uri, file) in workspace.files() {
        for other in file.articles() {
            if other.issue_number() != Some(number)
                || (other_uri == uri && other.range == article.range)
            {
                continue;
            }
            let place = if other_uri == uri {
                String::new()
            } else {
                format!(" ({})", workspace.display_name(other_uri))
            };
            others.push(format!("- {}{place}", other.title(file.text())));
        }
    }
    if others.is_empty() {
        lines.push("No other article of this issue in the workspace".to_string());
    } else {
        lines.push(format!("Also in this issue:\n{}", others.join("\n")));
    }
    lines.join("\n\n")
}

/// Who or what the mention under `offset` is, where it is defined and how
/// often it is mentioned. `None` off a mention (other hovers take over).
fn entity_hover<K: Ord + Clone>(
    workspace: &Workspace<K>,
    uri: &K,
    offset: usize,
    markup: Markup,
) -> Option<Hover> {
    let document = workspace.document(uri)?;
    let found: Found<'_> = ide_entities::found_at(workspace, document, offset)?;
    let range = found.mention.range;
    let written = ide_entities::normalized(found.mention.range.slice(&document.text));
    let resolved = &found.resolved;
    if let Source::Ambiguous(candidates) = &resolved.source {
        let list: Vec<String> = candidates.iter().map(|name| format!("- {name}")).collect();
        return Some(Hover { range, text: format!(
                "{}: ambiguous. The surname {} could mean several people:\n\n{}\n\nName the person in full earlier in this article to say which.",
                markup.strong(&written),
                resolved.canonical,
                list.join("\n")
            ) });
    }
    let mut lines = vec![format!(
        "{} · {}",
        markup.strong(&resolved.canonical),
        resolved.kind.as_str()
    )];
    if let Some(description) = &resolved.description {
        lines.push(description.clone());
    }
    if let Some(country) = &resolved.country {
        lines.push(format!("Country: {country}"));
    }
    let aliases: Vec<&String> = resolved
        .aliases
        .iter()
        .filter(|alias| **alias != resolved.canonical)
        .collect();
    if !aliases.is_empty() {
        let aliases: Vec<String> = aliases.iter().map(|alias| markup.code(alias)).collect();
        lines.push(format!("Also written: {}", aliases.join(", ")));
    }
    if let Some((_, said)) =
        ide_entities::in_text_definition(&document.text, found.entities, &found.key)
    {
        lines.push(format!("Defined in this article: {said}"));
    }
    if let Source::Gazetteer(origin) = &resolved.source {
        match origin {
            Origin::BuiltIn => lines.push("Gazetteer: built-in".to_string()),
            Origin::File { path, range } => {
                let shown = ide_entities::display_path(workspace, path);
                match ide_entities::line_of(path, *range) {
                    Some(line) => lines.push(format!(
                        "Gazetteer: {}",
                        markup.code(&format!("{shown}:{line}"))
                    )),
                    None => lines.push(format!("Gazetteer: {}", markup.code(&shown))),
                }
            }
        }
    }
    for link in &resolved.links {
        lines.push(markup.link(link));
    }
    // How often, and where.
    let (mut in_article, mut in_file, mut in_workspace, mut files) = (0, 0, 0, 0);
    let mut headlines: Vec<String> = Vec::new();
    let mut more = 0;
    for view in ide_entities::views(workspace) {
        let this_file = view.uri == uri;
        let mut counted_file = false;
        for article in &view.articles {
            let count = found.key.count_in(article.entities);
            if count == 0 {
                continue;
            }
            in_workspace += count;
            if !counted_file {
                files += 1;
                counted_file = true;
            }
            if this_file {
                in_file += count;
                if article.article.range == found.article.range {
                    in_article += count;
                }
            }
            if headlines.len() < HEADLINES {
                let place = if this_file {
                    String::new()
                } else {
                    format!(" ({})", workspace.display_name(view.uri))
                };
                headlines.push(format!(
                    "- {}{place}",
                    article.article.title(view.text).trim()
                ));
            } else {
                more += 1;
            }
        }
    }
    lines.push(format!(
        "Mentioned {} in this article, {} in this file, {} in the workspace ({})",
        ide_entities::plural(in_article, "time", "times"),
        ide_entities::plural(in_file, "time", "times"),
        ide_entities::plural(in_workspace, "time", "times"),
        ide_entities::plural(files, "file", "files"),
    ));
    if !headlines.is_empty() {
        let mut list = format!("Mentioned in:\n{}", headlines.join("\n"));
        if more > 0 {
            list.push_str(&format!("\n- … and {more} more"));
        }
        lines.push(list);
    }
    Some(Hover {
        range,
        text: lines.join("\n\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, page_at};

    /// The hover at the cursor as `[the range's text]` then the text.
    fn check(text: &str, expect: &str) {
        let mut fixture = fixture(text);
        let snapshot = fixture.workspace.snapshot();
        let found = hover(&snapshot, &fixture.key, fixture.offset, Markup::PLAIN);
        let actual = found.map_or("(none)".to_string(), |found| {
            let source = fixture.text(&fixture.key);
            format!("[{}]\n{}", found.range.slice(source), found.text)
        });
        assert_eq!(actual, expect, "\n{actual}");
    }

    #[test]
    fn an_acronym_names_the_organisation_and_its_definition() {
        check(
            &page_at("SCO would"),
            "[SCO]\nShanghai Cooperation Organisation · organisation\n\n\
             Eurasian political, economic and security organisation founded in 2001 by China, \
             Russia, Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan\n\n\
             Also written: SCO, Shanghai Cooperation Organization\n\n\
             Defined in this article: Shanghai Cooperation Organisation (SCO)\n\n\
             Gazetteer: built-in\n\n\
             Mentioned 3 times in this article, 3 times in this file, 3 times in the workspace (1 file)\n\n\
             Mentioned in:\n- Grain corridor talks resume in Almaty",
        );
    }

    #[test]
    fn a_person_named_again_is_the_person_introduced() {
        check(
            &page_at("Mr Alimov did"),
            "[Mr Alimov]\nRashid Alimov · person\n\n\
             Tajik diplomat; secretary-general of the SCO, 2016–2018\n\n\
             Defined in this article: Secretary-General Rashid Alimov\n\n\
             Gazetteer: built-in\n\n\
             Mentioned 2 times in this article, 3 times in this file, 3 times in the workspace (1 file)\n\n\
             Mentioned in:\n- Grain corridor talks resume in Almaty\n- Water before wheat",
        );
    }

    #[test]
    fn a_dateline_without_a_year_says_where_the_year_comes_from() {
        check(
            &page_at("MARCH 10"),
            "[ALMATY, MARCH 10 (The Bulletin) —]\nDateline\n\n\
             Date: Friday, March 10 2017 (year from the issue reference)\n\n\
             Place: ALMATY\n\nPublication: The Bulletin\n\n\
             Filed 3 days before issue 412 was published (Monday, March 13 2017)",
        );
    }

    #[test]
    fn an_issue_reference_lists_the_other_articles_of_the_issue() {
        check(
            &page_at("(News report from Issue No. 412"),
            "[(News report from Issue No. 412, published on March 13 2017)]\nIssue 412\n\n\
             Published Monday, March 13 2017\n\n\
             Also in this issue:\n- Rail tariffs fall by a fifth",
        );
    }

    #[test]
    fn a_headline_gives_kind_date_and_issue() {
        check(
            &page_at("Water before"),
            "[Editorial: Water before wheat]\nWater before wheat\n\nKind: editorial\n\n\
             Date: Thursday, March 16 2017\n\nIssue 413, published Monday, March 20 2017",
        );
    }

    #[test]
    fn plain_text_between_elements_has_no_hover() {
        check(&page_at("Freight rates"), "(none)");
    }
}
