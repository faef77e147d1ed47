//! The typed document model: what a human sees in a bulletin page, with the
//! byte range of every part. Built from the tree in one pass; never fails.

use jiff::civil::Date;
use tree_sitter::{Node, Tree};

use crate::dates;
use crate::line_index;
use crate::syntax::{self, children, named_children};
use crate::text_range::TextRange;

/// A piece of the text: where it stands. The model holds no copies of the
/// text; `text` reads a span from the text it was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub range: TextRange,
}

impl Span {
    fn of(node: Node<'_>) -> Span {
        Span {
            range: syntax::range(node),
        }
    }

    /// The span's text in `source`, the text the model was built from.
    pub fn text(self, source: &str) -> &str {
        self.range.slice(source)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub header: Option<ArchiveHeader>,
    pub articles: Vec<Article>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveHeader {
    pub range: TextRange,
    /// `Tag Archives`, `Category Archives`, `Author Archives`.
    pub kind: Option<Span>,
    pub title: Option<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub range: TextRange,
    /// When the article has no headline (a page that starts with the lead
    /// of an article printed on the previous page), an empty headline at
    /// the article's start; see `has_headline`.
    pub headline: Headline,
    pub has_headline: bool,
    pub standfirst: Option<Span>,
    /// The first paragraph after the headline (and standfirst).
    pub lead: Option<TextRange>,
    pub dateline: Option<Dateline>,
    /// Every paragraph, the lead included.
    pub paragraphs: Vec<TextRange>,
    pub ends: Option<TextRange>,
    pub byline: Option<Byline>,
    pub copyright: Option<TextRange>,
    pub issue_ref: Option<IssueRef>,
}

impl Article {
    /// The date the story was filed: the dateline's, its year taken from the
    /// issue reference when the dateline has none.
    pub fn date(&self) -> Option<Date> {
        self.dateline.as_ref()?.date
    }

    pub fn issue_number(&self) -> Option<u32> {
        self.issue_ref.as_ref()?.number_value
    }

    pub fn issue_date(&self) -> Option<Date> {
        self.issue_ref.as_ref()?.date
    }

    /// What to call the article in an outline: its headline, or, for an
    /// article without one, its dateline's place and date
    /// (`OSH, SEPT. 8 2015`).
    pub fn title(&self, source: &str) -> String {
        if self.has_headline {
            return self.headline.text.text(source).to_string();
        }
        let Some(dateline) = &self.dateline else {
            return String::new();
        };
        let place = dateline
            .places
            .iter()
            .map(|place| place.text(source))
            .collect::<Vec<_>>()
            .join("/");
        let mut date = Vec::new();
        if let Some(month) = &dateline.month {
            date.push(month.text(source));
        }
        let day = match (&dateline.day, &dateline.end_day) {
            (Some(day), Some(end)) => Some(format!("{}/{}", day.text(source), end.text(source))),
            (Some(day), None) => Some(day.text(source).to_string()),
            _ => None,
        };
        let mut date = date.join(" ");
        for part in day
            .iter()
            .map(String::as_str)
            .chain(dateline.year.as_ref().map(|year| year.text(source)))
        {
            if !date.is_empty() {
                date.push(' ');
            }
            date.push_str(part);
        }
        match (place.is_empty(), date.is_empty()) {
            (false, false) => format!("{place}, {date}"),
            (false, true) => place,
            _ => date,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub range: TextRange,
    /// The prefix with its colon, e.g. `Comment:`.
    pub kind_prefix: Option<Span>,
    /// The prefix's word in lower case, e.g. `comment`.
    pub kind: Option<String>,
    pub text: Span,
}

/// One lexical piece of a dateline, in source order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatelinePiece {
    Place,
    Comma,
    Slash,
    Month,
    Day,
    Year,
    OpenParen,
    Publication,
    CloseParen,
    Dash,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dateline {
    pub range: TextRange,
    pub places: Vec<Span>,
    /// True for `OCT. 26 2015, DUSHANBE (…)`.
    pub place_after_date: bool,
    pub month: Option<Span>,
    pub day: Option<Span>,
    /// The second day of a range such as `MAY 25/26`.
    pub end_day: Option<Span>,
    pub year: Option<Span>,
    pub publication: Option<Span>,
    pub dash: Option<Span>,
    /// Every piece in source order, separators included: the spacing rule reads the gaps.
    pub pieces: Vec<(DatelinePiece, TextRange)>,
    /// Where the story's first word starts (after the dash and its space), if on the same line.
    pub text_start: Option<usize>,
    /// The resolved date (the first day of a range).
    pub date: Option<Date>,
    /// True when the year came from the issue reference.
    pub year_inferred: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Byline {
    pub range: TextRange,
    pub name: Option<Span>,
    pub role: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueRefForm {
    /// `(News report from Issue No. 321, published on March 20 2017)`.
    Bracketed,
    /// `>>This story was first published in issue 396 of … on Jan. 11 2019`.
    Story,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IssueRef {
    pub range: TextRange,
    pub form: IssueRefForm,
    /// `News report`, `Editorial` (bracketed form only).
    pub kind: Option<Span>,
    pub number: Option<Span>,
    /// The number, when it is all digits.
    pub number_value: Option<u32>,
    pub month: Option<Span>,
    pub day: Option<Span>,
    pub year: Option<Span>,
    /// The publication date, when it exists.
    pub date: Option<Date>,
    pub publications: Vec<Span>,
    pub open_paren: Option<TextRange>,
    pub close_paren: Option<TextRange>,
    /// Text the reference should not hold: before or after the closing bracket.
    pub junk: Vec<Span>,
}

impl Document {
    /// Builds the model from a tree of `text` (`None` gives an empty model).
    pub fn build(text: &str, tree: Option<&Tree>) -> Document {
        let Some(tree) = tree else {
            return Document::default();
        };
        let mut document = Document::default();
        for node in named_children(tree.root_node()) {
            match syntax::kind(node) {
                "archive_header" => document.header = Some(read_header(node)),
                "article" => document.articles.push(read_article(node, text)),
                _ => {}
            }
        }
        document
    }
}

/// Builds one article from its node; exposed so editors can rebuild only the
/// articles an edit touched.
pub fn read_article(node: Node<'_>, text: &str) -> Article {
    let mut headline = None;
    let mut article = Article {
        range: syntax::range(node),
        headline: Headline {
            range: TextRange::empty(node.start_byte()),
            kind_prefix: None,
            kind: None,
            text: Span {
                range: TextRange::empty(node.start_byte()),
            },
        },
        has_headline: false,
        standfirst: None,
        lead: None,
        dateline: None,
        paragraphs: Vec::new(),
        ends: None,
        byline: None,
        copyright: None,
        issue_ref: None,
    };
    for child in named_children(node) {
        match syntax::kind(child) {
            "headline" if headline.is_none() => headline = Some(read_headline(child, text)),
            "standfirst" => {
                let inner = syntax::child_of_kind(child, "standfirst_text").unwrap_or(child);
                article.standfirst.get_or_insert(Span::of(inner));
            }
            "paragraph" => {
                if article.lead.is_none() {
                    article.lead = Some(syntax::range(child));
                    // Only the paragraph's text: what follows it is not
                    // this article's (the server reuses an article's model
                    // while its range is unchanged).
                    let own = text.get(..child.end_byte()).unwrap_or(text);
                    article.dateline = syntax::child_of_kind(child, "dateline")
                        .map(|dateline| read_dateline(dateline, own));
                }
                article.paragraphs.push(syntax::range(child));
            }
            "ends_marker" => {
                article.ends.get_or_insert(syntax::range(child));
            }
            "byline" => {
                article.byline.get_or_insert_with(|| Byline {
                    range: syntax::range(child),
                    name: syntax::child_of_kind(child, "byline_name").map(|n| Span::of(n)),
                    role: syntax::child_of_kind(child, "byline_role").map(|n| Span::of(n)),
                });
            }
            "copyright" => {
                article.copyright.get_or_insert(syntax::range(child));
            }
            "issue_ref" if article.issue_ref.is_none() => {
                article.issue_ref = Some(read_issue_ref(child, text));
            }
            _ => {}
        }
    }
    if let Some(headline) = headline {
        article.headline = headline;
        article.has_headline = true;
    }
    // A year-less dateline takes its year from the issue it was published in.
    if let Some(dateline) = &mut article.dateline {
        let published = article.issue_ref.as_ref().and_then(|issue| issue.date);
        resolve_dateline_date(text, dateline, published);
    }
    article
}

/// Builds the archive header from its node (exposed for incremental rebuilds).
pub fn read_header(node: Node<'_>) -> ArchiveHeader {
    ArchiveHeader {
        range: syntax::range(node),
        kind: syntax::child_of_kind(node, "archive_kind").map(|n| Span::of(n)),
        title: syntax::child_of_kind(node, "archive_title").map(|n| Span::of(n)),
    }
}

fn read_headline(node: Node<'_>, text: &str) -> Headline {
    let kind_prefix = syntax::child_of_kind(node, "kind_prefix").map(|n| Span::of(n));
    let kind = kind_prefix.as_ref().map(|prefix| {
        prefix
            .text(text)
            .trim_end_matches(|ch: char| ch == ':' || ch.is_whitespace())
            .to_lowercase()
    });
    let body = syntax::child_of_kind(node, "headline_text").unwrap_or(node);
    let mut text_span = Span::of(body);
    let trimmed = text_span.text(text).trim_end();
    text_span.range.end = text_span.range.start + trimmed.len();
    Headline {
        range: syntax::range(node),
        kind_prefix,
        kind,
        text: text_span,
    }
}

fn read_dateline(node: Node<'_>, text: &str) -> Dateline {
    let mut dateline = Dateline {
        range: syntax::range(node),
        places: Vec::new(),
        place_after_date: false,
        month: None,
        day: None,
        end_day: None,
        year: None,
        publication: None,
        dash: None,
        pieces: Vec::new(),
        text_start: None,
        date: None,
        year_inferred: false,
    };
    let push = |dateline: &mut Dateline, piece: DatelinePiece, node: Node<'_>| {
        dateline.pieces.push((piece, syntax::range(node)));
    };
    for child in children(node) {
        match syntax::kind(child) {
            "place" => {
                if dateline.month.is_some() {
                    dateline.place_after_date = true;
                }
                dateline.places.push(Span::of(child));
                push(&mut dateline, DatelinePiece::Place, child);
            }
            "date" => {
                for part in children(child) {
                    let piece = match syntax::kind(part) {
                        "month" => {
                            dateline.month.get_or_insert(Span::of(part));
                            DatelinePiece::Month
                        }
                        "day" if dateline.day.is_none() => {
                            dateline.day = Some(Span::of(part));
                            DatelinePiece::Day
                        }
                        "day" => {
                            dateline.end_day.get_or_insert(Span::of(part));
                            DatelinePiece::Day
                        }
                        "year" => {
                            dateline.year.get_or_insert(Span::of(part));
                            DatelinePiece::Year
                        }
                        "/" => DatelinePiece::Slash,
                        "," => DatelinePiece::Comma,
                        _ => DatelinePiece::Other,
                    };
                    push(&mut dateline, piece, part);
                }
            }
            "month" => {
                dateline.month.get_or_insert(Span::of(child));
                push(&mut dateline, DatelinePiece::Month, child);
            }
            "publication" => {
                dateline.publication.get_or_insert(Span::of(child));
                push(&mut dateline, DatelinePiece::Publication, child);
            }
            "dash" => {
                dateline.dash.get_or_insert(Span::of(child));
                push(&mut dateline, DatelinePiece::Dash, child);
            }
            "," => push(&mut dateline, DatelinePiece::Comma, child),
            "/" => push(&mut dateline, DatelinePiece::Slash, child),
            "(" => push(&mut dateline, DatelinePiece::OpenParen, child),
            ")" => push(&mut dateline, DatelinePiece::CloseParen, child),
            _ if child.is_extra() => {}
            _ => push(&mut dateline, DatelinePiece::Other, child),
        }
    }
    // The story starts at the first non-space character after the dateline
    // on its line (`text` ends with the dateline's paragraph).
    let after = dateline.range.end;
    let rest = text.get(after..).unwrap_or("");
    let line_rest = line_index::first_line(rest);
    let skipped = line_rest.len() - line_rest.trim_start_matches(is_space).len();
    if skipped < line_rest.len() {
        dateline.text_start = Some(after + skipped);
    }
    dateline
}

fn resolve_dateline_date(text: &str, dateline: &mut Dateline, published: Option<Date>) {
    let month = dateline
        .month
        .as_ref()
        .and_then(|month| dates::read_month(month.text(text)));
    let day = dateline
        .day
        .as_ref()
        .and_then(|day| day.text(text).parse::<i8>().ok());
    let (Some(month), Some(day)) = (month, day) else {
        return;
    };
    match dateline
        .year
        .as_ref()
        .map(|year| year.text(text).parse::<i16>())
    {
        // A year cut short (`OCT. 2 20`) gives no date.
        Some(Ok(year))
            if dateline
                .year
                .as_ref()
                .is_some_and(|y| y.text(text).len() == 4) =>
        {
            dateline.date = Date::new(year, month.month, day).ok();
        }
        Some(_) => {}
        None => {
            dateline.date =
                published.and_then(|published| dates::infer_year(month.month, day, published));
            dateline.year_inferred = dateline.date.is_some();
        }
    }
}

fn read_issue_ref(node: Node<'_>, text: &str) -> IssueRef {
    let mut issue = IssueRef {
        range: syntax::range(node),
        form: IssueRefForm::Story,
        kind: None,
        number: None,
        number_value: None,
        month: None,
        day: None,
        year: None,
        date: None,
        publications: Vec::new(),
        open_paren: None,
        close_paren: None,
        junk: Vec::new(),
    };
    for child in children(node) {
        match syntax::kind(child) {
            "issue_kind" => issue.kind = Some(Span::of(child)),
            "issue_number" => {
                let number = Span::of(child);
                issue.number_value = number.text(text).parse().ok();
                issue.number = Some(number);
            }
            "date" => {
                for part in named_children(child) {
                    let slot = match syntax::kind(part) {
                        "month" => &mut issue.month,
                        "day" => &mut issue.day,
                        "year" => &mut issue.year,
                        _ => continue,
                    };
                    slot.get_or_insert(Span::of(part));
                }
            }
            "publication" => issue.publications.push(Span::of(child)),
            "junk" => issue.junk.push(Span::of(child)),
            "(" if issue.open_paren.is_none() => {
                issue.form = IssueRefForm::Bracketed;
                issue.open_paren = Some(syntax::range(child));
            }
            ")" => issue.close_paren = Some(syntax::range(child)),
            _ => {}
        }
    }
    if issue.kind.is_some() {
        issue.form = IssueRefForm::Bracketed;
    }
    let month = issue
        .month
        .as_ref()
        .and_then(|month| dates::read_month(month.text(text)));
    let day = issue
        .day
        .as_ref()
        .and_then(|day| day.text(text).parse::<i8>().ok());
    let year = issue
        .year
        .as_ref()
        .and_then(|year| year.text(text).parse::<i16>().ok());
    if let (Some(month), Some(day), Some(year)) = (month, day, year) {
        issue.date = Date::new(year, month.month, day).ok();
    }
    issue
}

/// Spaces for every purpose, the no-break space included.
pub fn is_space(ch: char) -> bool {
    ch == ' ' || ch == '\t' || ch == '\u{a0}'
}

impl Span {
    fn shift(&mut self, delta: isize) {
        self.range = self.range.shifted(delta);
    }
}

fn shift_opt(span: &mut Option<Span>, delta: isize) {
    if let Some(span) = span {
        span.shift(delta);
    }
}

impl Article {
    /// Moves every range of the article by `delta` bytes: an editor reuses an
    /// unchanged article's model after text before it grew or shrank.
    pub fn shift(&mut self, delta: isize) {
        if delta == 0 {
            return;
        }
        self.range = self.range.shifted(delta);
        let headline = &mut self.headline;
        headline.range = headline.range.shifted(delta);
        shift_opt(&mut headline.kind_prefix, delta);
        headline.text.shift(delta);
        shift_opt(&mut self.standfirst, delta);
        self.lead = self.lead.map(|range| range.shifted(delta));
        if let Some(dateline) = &mut self.dateline {
            dateline.range = dateline.range.shifted(delta);
            for place in &mut dateline.places {
                place.shift(delta);
            }
            for span in [
                &mut dateline.month,
                &mut dateline.day,
                &mut dateline.end_day,
                &mut dateline.year,
                &mut dateline.publication,
                &mut dateline.dash,
            ] {
                shift_opt(span, delta);
            }
            for (_, range) in &mut dateline.pieces {
                *range = range.shifted(delta);
            }
            dateline.text_start = dateline
                .text_start
                .map(|at| at.checked_add_signed(delta).unwrap_or(0));
        }
        for paragraph in &mut self.paragraphs {
            *paragraph = paragraph.shifted(delta);
        }
        self.ends = self.ends.map(|range| range.shifted(delta));
        if let Some(byline) = &mut self.byline {
            byline.range = byline.range.shifted(delta);
            shift_opt(&mut byline.name, delta);
            shift_opt(&mut byline.role, delta);
        }
        self.copyright = self.copyright.map(|range| range.shifted(delta));
        if let Some(issue) = &mut self.issue_ref {
            issue.range = issue.range.shifted(delta);
            for span in [
                &mut issue.kind,
                &mut issue.number,
                &mut issue.month,
                &mut issue.day,
                &mut issue.year,
            ] {
                shift_opt(span, delta);
            }
            for span in issue.publications.iter_mut().chain(&mut issue.junk) {
                span.shift(delta);
            }
            issue.open_paren = issue.open_paren.map(|range| range.shifted(delta));
            issue.close_paren = issue.close_paren.map(|range| range.shifted(delta));
        }
    }
}
