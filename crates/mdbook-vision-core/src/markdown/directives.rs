//! The suite's `{{#name args}}` directives, in the syntax of mdBook's `{{#include ...}}`.

use std::ops::Range;

use super::merge_ranges;
use super::nodes::{Element, Node, NodeKind, Nodes};
use super::prose::InlineHtml;

/// The directives of the suite, each with what it expands to. The core knows them all,
/// whichever features run: each feature leaves the others' directives alone, and where a
/// block directive stands decides whether a list after it may be expanded.
pub const SUITE_DIRECTIVES: &[(&str, Output)] =
    &[("story", Output::Link), ("stories", Output::List), ("roadmap-legend", Output::Block)];

/// What the suite's directive `name` expands to; `None` for a name the suite does not know.
fn output_of(name: &str) -> Option<Output> {
    SUITE_DIRECTIVES.iter().find(|(known, _)| *known == name).map(|&(_, output)| output)
}

/// A `{{#name args}}` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    /// `story` for `{{#story alan}}`.
    pub name: &'a str,
    /// Everything after the name, trimmed: `alan`.
    pub args: &'a str,
    /// What it expands to (see [`SUITE_DIRECTIVES`]).
    pub output: Output,
    /// The whole directive in the source, with its backslash when escaped.
    pub range: Range<usize>,
    /// Written `\{{#...}}`: to be rendered literally, without the backslash.
    pub escaped: bool,
    /// Where it stands, which decides what its output may be.
    pub place: Place,
}

/// Where a directive stands in its chapter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    /// Inside the text of a link: a link there would break it.
    pub in_link: bool,
    /// In a table cell: several lines there would break the table.
    pub in_table_cell: bool,
    /// In a heading.
    pub in_heading: bool,
    /// The whole of its paragraph: a block may take its place.
    pub alone: bool,
    /// Inside another directive (`{{#story {{#story x}}}}`).
    pub nested: bool,
    /// Inside an element of raw HTML opened earlier in its paragraph (`<details>` written
    /// inline): a list would end the paragraph, and the text after the list would leave the
    /// element.
    pub in_html: bool,
    /// Lines after it would be read as lines of a list's last item, where indentation means
    /// something else (`\t```` opens code): more lines of its paragraph, or, after blank
    /// lines, a line indented as far as the list's items.
    pub joined_after: bool,
    /// Only directives that need a paragraph of their own stand before it in its paragraph: a
    /// list starting here would leave them one, and the next run would expand them.
    pub after_blocks: bool,
}

impl Place {
    /// Why a directive whose output is `output` cannot be expanded here, if it cannot.
    pub fn refuses(&self, output: Output) -> Option<&'static str> {
        match output {
            _ if self.nested => Some("inside another directive"),
            _ if self.in_link => Some("inside the text of a link"),
            Output::Link => None,
            _ if self.in_table_cell => Some("in a table cell"),
            _ if self.in_heading => Some("in a heading"),
            Output::List if self.after_blocks => {
                Some("right after a directive that needs a paragraph of its own")
            }
            Output::List if self.in_html => Some("inside an HTML element opened earlier in its paragraph"),
            Output::List if self.joined_after => Some("where the lines after it would join the list"),
            Output::List => None,
            Output::Block if !self.alone => Some("inside a paragraph (it needs a paragraph of its own)"),
            Output::Block => None,
        }
    }
}

impl Directive<'_> {
    /// The finding that this directive is left as written because of where it stands; `None`
    /// when it can be expanded.
    pub fn misplaced(&self) -> Option<crate::diagnostics::Diagnostic> {
        let output = self.output;
        let why = self.place.refuses(output)?;
        let help = match output {
            Output::List if self.place.after_blocks => {
                "leave a blank line between it and the directive before it"
            }
            Output::List if self.place.in_html => {
                "close the element before the directive, or leave a blank line before it"
            }
            Output::List if self.place.joined_after => {
                "leave a blank line after its line, and the next line unindented"
            }
            Output::Block => "write it on a line of its own, with blank lines around it",
            Output::List => "write it on a line of its own, or after text in a list item",
            Output::Link => "take it out of the link, or out of the other directive",
        };
        Some(
            crate::diagnostics::Diagnostic::new(
                crate::codes::MISPLACED_DIRECTIVE,
                format!("`{{{{#{}}}}}` cannot be expanded {why}: it is left as written", self.name),
            )
            .with_help(help),
        )
    }
}

/// What a directive expands to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A link, inline.
    Link,
    /// A list, which may follow text in a list item.
    List,
    /// A block that needs a paragraph of its own (a table).
    Block,
}

/// The suite's directives in `text` whose events are `nodes`, escaped ones included, outside
/// code and raw HTML, in order. In one pass: however many unclosed `{{#` a chapter holds, each
/// search goes on where the last one stopped.
pub(super) fn find_directives<'a>(text: &'a str, all_nodes: &Nodes) -> Vec<Directive<'a>> {
    // Most chapters hold no directive: a SIMD search says so quickly.
    let directive_start = memchr::memmem::Finder::new("{{#");
    if directive_start.find(text.as_bytes()).is_none() {
        return Vec::new();
    }
    let nodes = all_nodes.all();
    let excluded = merge_ranges(
        nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.kind,
                    NodeKind::Code
                        | NodeKind::Html
                        | NodeKind::InlineHtml
                        | NodeKind::Start(Element::CodeBlock)
                )
            })
            .map(Node::range)
            .collect(),
    );
    let in_excluded = |offset: usize| {
        let before = excluded.partition_point(|r| r.start <= offset);
        before > 0 && excluded[before - 1].contains(&offset)
    };
    let mut close = NextMatch::new("}");
    let mut open = NextMatch::new("{{");
    let mut blank = NextMatch::new("\n\n");
    let mut blank_crlf = NextMatch::new("\r\n\r\n");
    let places = Places::new(text, all_nodes);
    let mut found = Vec::new();
    let mut from = 0;
    // A `{{#` whose arguments hold another directive: that one is nested in it.
    let mut open_outer = false;
    while let Some(at) = directive_start.find(&text.as_bytes()[from..]).map(|i| from + i) {
        from = at + 3;
        let name_len =
            text[from..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(0);
        let name = &text[from..from + name_len];
        // As in mdBook, the arguments hold no `}`: the first one must close the directive.
        let Some(end) = close.after(text, from) else {
            break;
        };
        let args_start = from + name_len;
        let within = |next: Option<usize>| next.is_some_and(|n| n < end);
        let holds_blank_line =
            within(blank.after(text, args_start)) || within(blank_crlf.after(text, args_start));
        let spans_blocks = within(open.after(text, args_start)) || holds_blank_line;
        let closed = text[end..].starts_with("}}");
        if in_excluded(at) || in_excluded(end) {
            continue;
        }
        let output = output_of(name).filter(|_| closed && !spans_blocks);
        let Some(output) = output else {
            // Across a blank line, the next directive is in a block of its own, not nested: a
            // `}` the suite writes in between (a story table's marker) would otherwise change
            // which `}` ends this one, and with it whether the next is nested.
            open_outer |= within(open.after(text, args_start)) && closed && !holds_blank_line;
            continue;
        };
        let escaped = text[..at].ends_with('\\');
        let start = if escaped { at - 1 } else { at };
        let mut place = places.of(text, start..end + 2, output);
        place.nested = std::mem::take(&mut open_outer);
        found.push(Directive {
            name,
            args: text[args_start..end].trim(),
            output,
            range: start..end + 2,
            escaped,
            place,
        });
        from = end + 2;
    }
    mark_after_blocks(text, &places.paragraphs, &mut found);
    found
}

/// Sets [`Place::after_blocks`] of each directive that only block directives precede in its
/// paragraph.
fn mark_after_blocks(text: &str, paragraphs: &[Range<usize>], found: &mut [Directive<'_>]) {
    for index in 0..found.len() {
        let start = found[index].range.start;
        let before = paragraphs.partition_point(|p| p.start <= start);
        let Some(paragraph) = before.checked_sub(1).map(|i| &paragraphs[i]).filter(|p| p.contains(&start))
        else {
            continue;
        };
        // Back to the start of the paragraph, over block directives and white space only.
        let (mut at, mut blocks) = (start, 0);
        let mut earlier = found[..index].iter().rev();
        found[index].place.after_blocks = loop {
            match earlier.next() {
                Some(block)
                    if block.range.start >= paragraph.start
                        && !block.escaped
                        && block.output == Output::Block
                        && text[block.range.end..at].trim().is_empty() =>
                {
                    blocks += 1;
                    at = block.range.start;
                }
                _ => break blocks > 0 && text[paragraph.start..at].trim().is_empty(),
            }
        };
    }
}

/// The elements a directive may stand in, each list sorted and not overlapping.
struct Places {
    links: Vec<Range<usize>>,
    cells: Vec<Range<usize>>,
    headings: Vec<Range<usize>>,
    paragraphs: Vec<Range<usize>>,
    /// Where elements of raw HTML written inline are open.
    html: Vec<Range<usize>>,
}

impl Places {
    fn new(text: &str, all_nodes: &Nodes) -> Self {
        let nodes = all_nodes.all();
        let ranges = |element: Element| nodes.iter().filter(|n| n.starts(element)).map(Node::range).collect();
        let paragraphs: Vec<Range<usize>> = ranges(Element::Paragraph);
        Places {
            links: ranges(Element::Link),
            cells: ranges(Element::TableCell),
            headings: nodes
                .iter()
                .filter(|n| matches!(n.kind, NodeKind::Start(Element::Heading(_))))
                .map(Node::range)
                .collect(),
            paragraphs: paragraphs.into_iter().map(|r| trimmed(text, r)).collect(),
            html: open_html(text, all_nodes),
        }
    }

    /// Where the directive at `range` of `text`, which expands to `output`, stands.
    fn of(&self, text: &str, range: Range<usize>, output: Output) -> Place {
        let paragraph = self.paragraphs.partition_point(|p| p.start <= range.start).checked_sub(1);
        // Only a list can take in the lines after it.
        let joined_after = output == Output::List
            && paragraph
                .map(|i| &self.paragraphs[i])
                .is_some_and(|p| joined_after(text, range.clone(), p.end));
        Place {
            in_link: within(&self.links, range.start),
            in_table_cell: within(&self.cells, range.start),
            in_heading: within(&self.headings, range.start),
            alone: self
                .paragraphs
                .binary_search_by_key(&range.start, |p| p.start)
                .is_ok_and(|i| self.paragraphs[i] == range),
            nested: false,
            in_html: within(&self.html, range.start),
            joined_after,
            after_blocks: false,
        }
    }
}

/// The stretches of `text` in which an element of raw HTML written inline is open: from the
/// end of the tag that opened it to where the last one closes, or its paragraph ends.
fn open_html(text: &str, nodes: &Nodes) -> Vec<Range<usize>> {
    let mut stretches = Vec::new();
    let mut inline_html = InlineHtml::default();
    let mut opened_at = None;
    for node in nodes.all() {
        inline_html.observe(text, nodes, node);
        match (opened_at, inline_html.is_open()) {
            (None, true) => opened_at = Some(node.range().end),
            // The node that closed the last element: a closing tag, or the end of the paragraph.
            (Some(start), false) => {
                stretches.push(start..node.range().end);
                opened_at = None;
            }
            _ => {}
        }
    }
    stretches.extend(opened_at.map(|start| start..text.len()));
    stretches
}

/// Whether lines after the directive at `range`, in a paragraph that ends at
/// `paragraph_end`, would join a list put in its place: lines of its paragraph would, and so
/// would the next line that is not blank, indented as far as the list's items (two columns
/// past the container the directive stands in).
fn joined_after(text: &str, range: Range<usize>, paragraph_end: usize) -> bool {
    if text[range.end..paragraph_end.max(range.end)].contains(['\n', '\r']) {
        return true;
    }
    let prefix = super::containers::continuation_prefix(text, range.start);
    // The rest of the paragraph's last line, then each line after it (`\r\n` gives a blank).
    let mut lines = text[paragraph_end.max(range.end)..].split(['\n', '\r']).skip(1);
    let next = lines.find(|line| !line.chars().all(|c| c == '>' || c.is_whitespace()));
    next.and_then(|line| indentation_beyond(line, &prefix)).is_some_and(|columns| columns >= 2)
}

/// How many columns `line` is indented past `prefix` (a continuation prefix: `>` markers and
/// spaces), if it stands in the same block quotes; a tab goes to the next multiple of four.
fn indentation_beyond(line: &str, prefix: &str) -> Option<usize> {
    let quotes = prefix.matches('>').count();
    let (mut column, mut seen) = (0usize, 0);
    for c in line.chars() {
        match c {
            '>' if seen < quotes => seen += 1,
            ' ' => {}
            '\t' => {
                column = (column / 4 + 1) * 4;
                continue;
            }
            _ => break,
        }
        column += 1;
    }
    (seen == quotes).then(|| column.saturating_sub(prefix.len()))
}

/// Whether `offset` falls in one of `ranges` (sorted, not overlapping).
fn within(ranges: &[Range<usize>], offset: usize) -> bool {
    let before = ranges.partition_point(|r| r.start <= offset);
    before > 0 && ranges[before - 1].contains(&offset)
}

/// `range` of `text` without the whitespace at either end.
fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    start..start + slice.trim().len()
}

/// The next match of a needle at or after a position, remembered between calls whose
/// positions only grow, so that a whole chapter is searched once.
struct NextMatch {
    needle: &'static str,
    found: Option<Option<usize>>,
}

impl NextMatch {
    fn new(needle: &'static str) -> Self {
        NextMatch { needle, found: None }
    }

    fn after(&mut self, text: &str, from: usize) -> Option<usize> {
        match self.found {
            Some(Some(at)) if at >= from => Some(at),
            Some(None) => None,
            _ => {
                let next = text[from..].find(self.needle).map(|i| from + i);
                self.found = Some(next);
                next
            }
        }
    }
}
