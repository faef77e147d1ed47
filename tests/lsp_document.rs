//! Property test of the language server's document store: after any
//! sequence of incremental edits (either encoding, multi-byte text and
//! newlines), the rope and text equal the expected text and the
//! incrementally reparsed tree equals a fresh parse node for node.

use bulletin::lsp::convert::{Encoding, Lines};
use bulletin::lsp::document::Document;
use proptest::prelude::*;
use tower_lsp_server::ls_types::{Range, TextDocumentContentChangeEvent};
use tree_sitter::{Node, Tree};

const START: &str = "Tag Archives: Steppe\n\nComment: Budget “approved” — 🎉\n\nÖSKEMEN, JAN. 3 (The Bulletin) – Text’s here.\n\n(News report from Issue No. 12, published on Jan. 10 2019)\n\nGrain exports rise\n\nASTANA, FEB. 3 2019 (The Bulletin) — More.\n";

const PIECES: [&str; 12] = [
    "a",
    "—",
    "–",
    "©",
    "’",
    "“",
    "😀",
    "\n",
    "\n\n",
    "JAN. 4 ",
    "Headline here\n\n",
    "\r\n",
];

fn nodes(tree: &Tree) -> Vec<(String, usize, usize)> {
    fn walk(node: Node<'_>, out: &mut Vec<(String, usize, usize)>) {
        out.push((node.kind().to_string(), node.start_byte(), node.end_byte()));
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(tree.root_node(), &mut out);
    out
}

#[derive(Debug, Clone)]
struct Edit {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        (0u32..14, 0u32..70),
        (0u32..3, 0u32..70),
        proptest::collection::vec(0usize..PIECES.len(), 0..4),
    )
        .prop_map(|(start, (lines, col), pieces)| Edit {
            start,
            end: (
                start.0 + lines,
                if lines == 0 { start.1 + col % 8 } else { col },
            ),
            text: pieces.into_iter().map(|at| PIECES[at]).collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn incremental_tree_equals_fresh_parse(
        edits in proptest::collection::vec(edit(), 1..8),
        utf8 in any::<bool>(),
        batch in any::<bool>(),
    ) {
        let encoding = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let mut document = Document::new(START.to_string(), 1);
        let mut expected = START.to_string();
        let mut pending = Vec::new();
        for (version, edit) in edits.into_iter().enumerate() {
            let range = Range::new(
                tower_lsp_server::ls_types::Position::new(edit.start.0, edit.start.1),
                tower_lsp_server::ls_types::Position::new(edit.end.0, edit.end.1),
            );
            // The expected text, through the rope-independent model of positions.
            let lines = bulletin::lsp::convert::TextLines {
                text: &expected,
                index: &bulletin::line_index::LineIndex::new(&expected),
            };
            let span = lines.text_range(range, encoding);
            let mut next = expected.clone();
            next.replace_range(span.start..span.end, &edit.text);
            expected = next;
            pending.push(TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: edit.text,
            });
            if !batch {
                document.apply_changes(std::mem::take(&mut pending), version as i32 + 2, encoding);
            }
        }
        if !pending.is_empty() {
            document.apply_changes(pending, 99, encoding);
        }
        prop_assert_eq!(&document.text, &expected);
        prop_assert_eq!(document.rope.to_string(), expected.clone());
        let fresh = bulletin::syntax::parse(&expected, None).unwrap();
        let incremental = document.tree.as_ref().unwrap();
        prop_assert_eq!(incremental.root_node().to_sexp(), fresh.root_node().to_sexp());
        prop_assert_eq!(nodes(incremental), nodes(&fresh));
        // And the per-article analysis equals a fresh one.
        let config = bulletin::config::Config::default();
        document.refresh(&config, 0);
        let (_, analysis) = bulletin::analysis::analyze(&expected, &config);
        let mut mine = document.diagnostics();
        bulletin::analysis::sort(&mut mine);
        prop_assert_eq!(mine, analysis.diagnostics);
    }
}
