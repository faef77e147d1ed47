//! The tree-sitter side: one parser per thread, and small helpers over nodes.

use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{Language, Node, Parser, Tree};

use crate::text_range::TextRange;

pub fn language() -> Language {
    tree_sitter_bulletin::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text` from scratch. There is no old tree to reuse: tree-sitter's
/// incremental reparse can keep a paragraph whose end the scanner chose by
/// reading the line after it, past what the paragraph's tokens looked at, and
/// then reads a text otherwise than a fresh parse (and `bulletin check`).
///
/// Returns `None` only if the parser cannot be set up, which means the
/// grammar crate and the tree-sitter runtime disagree on the ABI: a build
/// problem, not an input problem.
pub fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&language()).ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        parser.parse(text, None)
    })
}

/// The kind of `node`, from a table read once: tree-sitter's `Node::kind`
/// measures and checks the name's C string at every call, and the model asks
/// it of every node of every article.
pub fn kind(node: Node<'_>) -> &'static str {
    static KINDS: OnceLock<Vec<Box<str>>> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let language = language();
        (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or("")
                    .into()
            })
            .collect()
    });
    kinds
        .get(usize::from(node.kind_id()))
        .map_or("", |kind| kind)
}

pub fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// Named children of `node`, in source order.
pub fn named_children<'tree>(node: Node<'tree>) -> impl Iterator<Item = Node<'tree>> {
    children(node).filter(|child| child.is_named())
}

/// All children of `node` (anonymous ones too), in source order, read with
/// one cursor the iterator owns (no list of them is built: the model reads
/// every node of every article this way).
pub fn children<'tree>(node: Node<'tree>) -> impl Iterator<Item = Node<'tree>> {
    let mut cursor = node.walk();
    let mut more = cursor.goto_first_child();
    std::iter::from_fn(move || {
        if !more {
            return None;
        }
        let child = cursor.node();
        more = cursor.goto_next_sibling();
        Some(child)
    })
}

pub fn child_of_kind<'tree>(node: Node<'tree>, kind: &str) -> Option<Node<'tree>> {
    named_children(node).find(|child| self::kind(*child) == kind)
}

/// Renders the tree as an indented S-expression with byte ranges, for `bulletin parse`.
pub fn render_tree(tree: &Tree, text: &str) -> String {
    let mut out = String::new();
    render_node(tree.root_node(), text, 0, &mut out);
    out
}

fn render_node(node: Node<'_>, text: &str, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let indent = "  ".repeat(depth);
    let kind = if node.is_error() {
        "ERROR"
    } else if node.is_missing() {
        "MISSING"
    } else {
        node.kind()
    };
    let _ = write!(
        out,
        "{indent}({kind} [{}..{}]",
        node.start_byte(),
        node.end_byte()
    );
    let named: Vec<_> = named_children(node).collect();
    if named.is_empty() {
        let snippet: String = range(node).slice(text).chars().take(60).collect();
        let _ = write!(out, " {snippet:?}");
    }
    for child in named {
        out.push('\n');
        render_node(child, text, depth + 1, out);
    }
    out.push(')');
    if depth == 0 {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_the_table_are_tree_sitters() {
        let text = "Tag Archives: Steppe\n\nComment: Grain exports rise\n\n>>Why it matters>>\n\nASTANA, FEB. 3 2019 (The Bulletin) — Grain is up.\n\nBy Jane Okafor, analyst\n\nCopyright ©The Bulletin\n\n(News report from Issue No. 13, published on Feb. 8 2019)\n";
        let Some(tree) = parse(text) else {
            panic!("a tree for any text");
        };
        let mut cursor = tree.walk();
        let mut seen = 0;
        loop {
            let node = cursor.node();
            assert_eq!(kind(node), node.kind());
            seen += 1;
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            while cursor.goto_parent() && !cursor.goto_next_sibling() {}
            if cursor.node() == tree.root_node() {
                break;
            }
        }
        assert!(seen > 30, "{seen} nodes");
    }
}
