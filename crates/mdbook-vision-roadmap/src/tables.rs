//! The tables of a chapter, as pulldown-cmark found them: a `|` in code, a table-like line in a
//! code block and a header row without a trailing pipe are what mdBook renders.

use std::ops::Range;

use mdbook_vision_core::markdown::{Document, Element, NodeKind, end_of};

/// A cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Its content in the source, without the surrounding spaces (empty for an empty cell).
    pub range: Range<usize>,
    /// Its events: indices into the document's nodes.
    nodes: Range<usize>,
}

impl Cell {
    /// Its text without markup.
    pub fn text(&self, doc: &Document<'_>) -> String {
        doc.plain_text(&doc.nodes.all()[self.nodes.clone()])
    }

    /// Whether it holds text only (no emphasis, link, code or HTML), so it can be rewritten
    /// without losing anything.
    pub fn is_plain(&self, doc: &Document<'_>) -> bool {
        doc.nodes.all()[self.nodes.clone()].iter().all(|node| node.kind == NodeKind::Text)
    }

    /// Its nodes: a range of the document's nodes.
    pub fn nodes(&self) -> Range<usize> {
        self.nodes.clone()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }
}

/// A table: its header cells and its rows of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header row.
    pub header: Vec<Cell>,
    /// The body rows; a row may have fewer or more cells than the header.
    pub rows: Vec<Vec<Cell>>,
}

/// Every table of `doc`, wherever it is (list items and block quotes included), except the
/// tables the suite generated from story blocks.
pub fn tables(doc: &Document<'_>) -> Vec<Table> {
    let nodes = doc.nodes.all();
    let mut found = Vec::new();
    let mut index = 0;
    while index < nodes.len() {
        let node = &nodes[index];
        if node.starts(Element::Table) && !doc.generated.contains(&node.range()) {
            let end = end_of(nodes, index);
            found.push(read_table(doc, index + 1..end));
            index = end;
        }
        index += 1;
    }
    found
}

/// The table whose head and rows are the nodes `inner`.
fn read_table(doc: &Document<'_>, inner: Range<usize>) -> Table {
    let nodes = doc.nodes.all();
    let mut table = Table { header: Vec::new(), rows: Vec::new() };
    let mut index = inner.start;
    while index < inner.end {
        let end = end_of(nodes, index);
        let cells = read_cells(doc, index + 1..end);
        match nodes[index].kind {
            NodeKind::Start(Element::TableHead) => table.header = cells,
            NodeKind::Start(Element::TableRow) => table.rows.push(cells),
            _ => {}
        }
        index = end + 1;
    }
    table
}

/// The cells of a row whose nodes are `inner`.
fn read_cells(doc: &Document<'_>, inner: Range<usize>) -> Vec<Cell> {
    let nodes = doc.nodes.all();
    let mut cells = Vec::new();
    let mut index = inner.start;
    while index < inner.end {
        let end = end_of(nodes, index);
        if nodes[index].starts(Element::TableCell) {
            cells.push(Cell { range: trimmed(doc.text, nodes[index].range()), nodes: index + 1..end });
        }
        index = end + 1;
    }
    cells
}

/// `range` of `text` without the whitespace at either end.
fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    start..start + slice.trim().len()
}

#[cfg(test)]
mod tests {
    use mdbook_vision_core::markdown::Flavor;

    use super::*;

    fn contents(text: &str) -> Vec<Vec<String>> {
        let doc = Document::parse(text, Flavor::default());
        tables(&doc)
            .iter()
            .flat_map(|t| std::iter::once(&t.header).chain(&t.rows))
            .map(|row| row.iter().map(|c| text[c.range.clone()].to_owned()).collect())
            .collect()
    }

    #[test]
    fn cells_are_trimmed_and_pipes_follow_gfm() {
        let text = "Plan | Status\n--- | ---\n`a\\|b` |  🥬 \n| c | d |\n";
        assert_eq!(contents(text), [vec!["Plan", "Status"], vec!["`a\\|b`", "🥬"], vec!["c", "d"]]);
    }

    #[test]
    fn tables_in_lists_are_found_and_code_blocks_are_not() {
        let text = "- item\n\n  | A |\n  |---|\n  | x |\n\n```\n| B |\n|---|\n```\n";
        assert_eq!(contents(text), [vec!["A"], vec!["x"]]);
    }

    #[test]
    fn missing_cells_are_empty() {
        let doc = Document::parse("| A | B |\n|---|---|\n| x |\n", Flavor::default());
        let table = &tables(&doc)[0];
        assert!(table.rows[0][1].is_empty());
        assert!(table.rows[0][0].is_plain(&doc));
    }
}
