//! The text of nodes: elements' extents, text without markup, and text as the author typed it.

use super::Document;
use super::nodes::{Element, Node, NodeKind};

/// The index of the node that ends the element started at `start`; `start` itself when the
/// node there starts nothing (text, HTML, a rule), and the length of `nodes` when the element
/// does not end within them.
pub fn end_of(nodes: &[Node], start: usize) -> usize {
    if !matches!(nodes.get(start).map(|n| n.kind), Some(NodeKind::Start(_))) {
        return start;
    }
    let mut depth = 0usize;
    for (index, node) in nodes.iter().enumerate().skip(start) {
        match node.kind {
            NodeKind::Start(_) => depth += 1,
            NodeKind::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    nodes.len()
}

/// Smart punctuation's replacements, each a text event of its own.
pub(super) const SMART_PUNCTUATION: &[&str] = &["‘", "’", "“", "”", "–", "—", "…"];

impl Document<'_> {
    /// The text of `nodes` without markup: text and inline code, not HTML nor image text.
    pub fn plain_text(&self, nodes: &[Node]) -> String {
        self.collect_text(nodes, false)
    }

    /// [`Document::plain_text`], with smart punctuation undone: each replaced quote or dash is
    /// taken back from the source it was made of.
    pub fn text_as_written(&self, nodes: &[Node]) -> String {
        self.collect_text(nodes, true)
    }

    fn collect_text(&self, nodes: &[Node], as_written: bool) -> String {
        // The text is at most about as long as the source it comes from.
        let source = match nodes {
            [first, .., last] => last.range().end.saturating_sub(first.range().start),
            _ => 0,
        };
        let mut text = String::with_capacity(source);
        let mut in_image = 0usize;
        for node in nodes {
            match node.kind {
                NodeKind::Start(Element::Image) => in_image += 1,
                NodeKind::End(Element::Image) => in_image = in_image.saturating_sub(1),
                NodeKind::Text | NodeKind::Code if in_image == 0 => {
                    let piece = self.nodes.text_of(self.text, node);
                    let source = self.text.get(node.range()).unwrap_or_default();
                    let undo = as_written
                        && node.kind == NodeKind::Text
                        && SMART_PUNCTUATION.contains(&piece)
                        && source != piece;
                    text.push_str(if undo { source } else { piece });
                }
                NodeKind::SoftBreak | NodeKind::HardBreak if in_image == 0 => text.push(' '),
                _ => {}
            }
        }
        text
    }
}
