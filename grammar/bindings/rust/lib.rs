//! This crate provides support for *bulletin markup* (plain-text archive
//! pages of a weekly regional news bulletin) for the [tree-sitter] parsing
//! library.
//!
//! Use the [`LANGUAGE`] constant to add this language to a tree-sitter
//! [`Parser`]:
//!
//! ```
//! let text = "Headline about the region\n\nMARCH 10 2017 (The Bulletin) \u{2014} Text.\n";
//! let mut parser = tree_sitter::Parser::new();
//! let language = tree_sitter_bulletin::LANGUAGE;
//! parser
//!     .set_language(&language.into())
//!     .expect("Error loading bulletin parser");
//! let tree = parser.parse(text, None).unwrap();
//! assert!(!tree.root_node().has_error());
//! ```
//!
//! The node types are documented in the crate's `README.md`.
//!
//! [`Parser`]: https://docs.rs/tree-sitter/0.27/tree_sitter/struct.Parser.html
//! [tree-sitter]: https://tree-sitter.github.io/

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_bulletin() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for this grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_bulletin) };

/// The content of the [`node-types.json`] file for this grammar.
///
/// [`node-types.json`]: https://tree-sitter.github.io/tree-sitter/using-parsers/6-static-node-types
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The syntax highlighting query for this grammar.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The folding query for this grammar (one fold per article).
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

/// The symbol tagging query for this grammar (headlines).
pub const TAGS_QUERY: &str = include_str!("../../queries/tags.scm");

#[cfg(test)]
mod tests {
    use tree_sitter::{Parser, Query};

    const SAMPLE: &str = "\u{feff}Tag Archives: Water\r\n\r\n\
Comment: Rivers run dry across the steppe\r\n\r\n\
ALMATY, MARCH 10 2017 (The Conway Bulletin) \u{2014} Farmers said the canal was empty.\r\n\r\n\
More text follows here.\r\n\r\n\
Copyright \u{a9}The Conway Bulletin \u{2014} all rights reserved\r\n\r\n\
(News report from Issue No.\u{a0}321, published on March\u{a0}20 2017)";

    fn parser() -> Parser {
        let mut parser = Parser::new();
        parser
            .set_language(&super::LANGUAGE.into())
            .expect("Error loading bulletin parser");
        parser
    }

    #[test]
    fn can_load_grammar() {
        parser();
    }

    #[test]
    fn parses_sample() {
        let tree = parser().parse(SAMPLE, None).unwrap();
        let root = tree.root_node();
        assert_eq!(root.kind(), "document");
        assert!(!root.has_error(), "{}", root.to_sexp());
        let articles: Vec<_> = root
            .children(&mut root.walk())
            .filter(|n| n.kind() == "article")
            .collect();
        assert_eq!(articles.len(), 1, "{}", root.to_sexp());
        let article = articles[0];
        let headline = article.child_by_field_name("headline").unwrap();
        let kind = headline.child_by_field_name("kind").unwrap();
        assert_eq!(&SAMPLE[kind.byte_range()], "Comment:");
        let sexp = root.to_sexp();
        for kind in [
            "dateline",
            "place",
            "month",
            "publication",
            "dash",
            "copyright",
            "issue_ref",
            "issue_number",
        ] {
            assert!(sexp.contains(&format!("({kind}")), "missing {kind}: {sexp}");
        }
        // exact ranges: the place has no trailing comma/space
        let mut cursor = root.walk();
        let mut places = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if node.kind() == "place" {
                places.push(&SAMPLE[node.byte_range()]);
            }
            stack.extend(node.children(&mut cursor));
        }
        assert_eq!(places, vec!["ALMATY"]);
    }

    /// Every node as (kind, start byte, end byte), in document order.
    fn nodes(text: &str) -> Vec<(String, usize, usize)> {
        let tree = parser().parse(text, None).unwrap();
        let mut out = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            out.push((node.kind().to_string(), node.start_byte(), node.end_byte()));
            let mut cursor = node.walk();
            let children: Vec<_> = node.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }

    #[test]
    fn lone_cr_ends_lines_like_lf() {
        // SAMPLE has CRLF line ends. "\n" -> "\r" keeps every byte offset,
        // so the LF and lone-CR trees must be identical.
        let lf_text = SAMPLE.replace("\r\n", "\n");
        let lf = nodes(&lf_text);
        assert_eq!(nodes(&lf_text.replace('\n', "\r")), lf);
        // "\r\n" is one line end: the same nodes, shifted by the extra bytes.
        let kinds = |nodes: Vec<(String, usize, usize)>| -> Vec<String> {
            nodes.into_iter().map(|(kind, ..)| kind).collect()
        };
        let lf_kinds = kinds(lf);
        assert_eq!(kinds(nodes(SAMPLE)), lf_kinds);
        for kind in ["article", "dateline", "copyright", "issue_ref"] {
            assert!(lf_kinds.iter().any(|k| k == kind), "{kind}");
        }
    }

    #[test]
    fn queries_compile() {
        let language = super::LANGUAGE.into();
        for (name, source) in [
            ("highlights", super::HIGHLIGHTS_QUERY),
            ("folds", super::FOLDS_QUERY),
            ("tags", super::TAGS_QUERY),
        ] {
            Query::new(&language, source).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
