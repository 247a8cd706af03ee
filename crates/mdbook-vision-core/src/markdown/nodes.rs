//! A chapter's events, compact: what pulldown-cmark reported, with offsets into the chapter's
//! text instead of copies of it.
//!
//! A chapter is parsed once and its events kept for every feature; kept as pulldown-cmark
//! events they would weigh about five times the chapter. A [`Node`] is the kind of event, its
//! source range, and where its text is: almost always a slice of the chapter (text, code, raw
//! HTML), else (an entity, a smart quote) a string kept beside the nodes.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::text::SMART_PUNCTUATION;

/// An element that starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A paragraph.
    Paragraph,
    /// A heading of level 1 to 6.
    Heading(u8),
    /// A block quote (or a GFM admonition).
    BlockQuote,
    /// A fenced or indented code block.
    CodeBlock,
    /// A block of raw HTML.
    HtmlBlock,
    /// A list.
    List,
    /// A list item.
    Item,
    /// A footnote definition.
    FootnoteDefinition,
    /// A table.
    Table,
    /// A table's header row.
    TableHead,
    /// A table's body row.
    TableRow,
    /// A table cell.
    TableCell,
    /// Emphasis.
    Emphasis,
    /// Strong emphasis.
    Strong,
    /// Strikethrough, superscript or subscript.
    Strikethrough,
    /// A link; its destination and label are in [`Nodes::link`].
    Link,
    /// An image.
    Image,
    /// Front matter.
    MetadataBlock,
    /// A definition list.
    DefinitionList,
    /// A term of a definition list.
    DefinitionListTitle,
    /// A definition of a definition list.
    DefinitionListDefinition,
}

/// What an event was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The start of an element.
    Start(Element),
    /// The end of an element.
    End(Element),
    /// Text.
    Text,
    /// Inline code.
    Code,
    /// A line of raw HTML in an HTML block.
    Html,
    /// Raw HTML inline.
    InlineHtml,
    /// A soft line break.
    SoftBreak,
    /// A hard line break.
    HardBreak,
    /// Anything else: a rule, a footnote reference, a task marker, math.
    Other,
}

/// A link's destination and reference label.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkInfo {
    /// How the link was written.
    pub link_type: LinkType,
    /// Where it leads.
    pub destination: String,
    /// Its reference label, for a reference link.
    pub label: String,
}

/// An event of a chapter, in 16 bytes: a chapter has about one for every 20 bytes of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// What it was.
    pub kind: NodeKind,
    text_in: TextIn,
    start: u32,
    end: u32,
    /// Its text (see `text_in`): for text of the source, how far after `start` it begins (the
    /// top byte) and its length (the three low bytes); else an index into [`Nodes`]' strings
    /// or into [`SMART_PUNCTUATION`]. For a link's start, the index of its [`LinkInfo`].
    payload: u32,
}

const _: () = assert!(size_of::<Node>() == 16);

/// The longest text of the source a node points at; a longer one is kept as a string.
const MAX_SOURCE_TEXT: usize = (1 << 24) - 1;

/// Where a node's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextIn {
    /// The chapter's text.
    Source,
    /// The strings kept beside the nodes.
    Owned,
    /// The quotes and dashes smart punctuation makes, which are many and never in the source
    /// as they are rendered.
    SmartPunctuation,
}

impl Node {
    /// The bytes of the chapter it came from.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether it starts `element`.
    pub fn starts(&self, element: Element) -> bool {
        self.kind == NodeKind::Start(element)
    }
}

/// The events of a chapter, compact.
#[derive(Debug, Default)]
pub struct Nodes {
    nodes: Vec<Node>,
    strings: Vec<Box<str>>,
    links: Vec<LinkInfo>,
}

impl Nodes {
    /// Room for `capacity` events.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Nodes { nodes: Vec::with_capacity(capacity), strings: Vec::new(), links: Vec::new() }
    }

    /// Gives back the room its lists were not filled to: a chapter's nodes live as long as
    /// the run.
    pub(super) fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.strings.shrink_to_fit();
        self.links.shrink_to_fit();
    }

    /// Records `event`, which came from `range` of `source`.
    pub(super) fn push(&mut self, source: &str, event: &Event<'_>, range: Range<usize>) {
        let at = range.start;
        let (kind, payload, text_in) = match event {
            Event::Start(tag) => {
                let element = element(tag);
                let payload = match tag {
                    Tag::Link { link_type, dest_url, id, .. } => {
                        // Copied as `str`s: `to_string` would format them through `Display`.
                        self.links.push(LinkInfo {
                            link_type: *link_type,
                            destination: String::from(&**dest_url),
                            label: String::from(&**id),
                        });
                        offset(self.links.len() - 1)
                    }
                    _ => 0,
                };
                (NodeKind::Start(element), payload, TextIn::Source)
            }
            Event::End(tag) => (NodeKind::End(end_element(*tag)), 0, TextIn::Source),
            Event::Text(text) => self.text(source, at, NodeKind::Text, text),
            Event::Code(text) => self.text(source, at, NodeKind::Code, text),
            Event::Html(text) => self.text(source, at, NodeKind::Html, text),
            Event::InlineHtml(text) => self.text(source, at, NodeKind::InlineHtml, text),
            Event::SoftBreak => (NodeKind::SoftBreak, 0, TextIn::Source),
            Event::HardBreak => (NodeKind::HardBreak, 0, TextIn::Source),
            _ => (NodeKind::Other, 0, TextIn::Source),
        };
        self.nodes.push(Node { kind, text_in, start: offset(range.start), end: offset(range.end), payload });
    }

    /// Where the text of a node that starts at `at` is kept.
    fn text(
        &mut self,
        source: &str,
        at: usize,
        kind: NodeKind,
        text: &CowStr<'_>,
    ) -> (NodeKind, u32, TextIn) {
        if let Some(payload) = slice_of(source, text).and_then(|range| source_payload(at, &range)) {
            return (kind, payload, TextIn::Source);
        }
        if let Some(index) = SMART_PUNCTUATION.iter().position(|p| *p == text.as_ref()) {
            return (kind, offset(index), TextIn::SmartPunctuation);
        }
        self.strings.push(Box::from(&**text));
        (kind, offset(self.strings.len() - 1), TextIn::Owned)
    }

    /// Every event, in order.
    pub fn all(&self) -> &[Node] {
        &self.nodes
    }

    /// The text of a text, code or HTML event of the chapter `source`; empty for others.
    pub fn text_of<'s>(&'s self, source: &'s str, node: &Node) -> &'s str {
        let index = node.payload as usize;
        match node.kind {
            NodeKind::Text | NodeKind::Code | NodeKind::Html | NodeKind::InlineHtml => match node.text_in {
                TextIn::Source => {
                    let at = node.start as usize + (index >> 24);
                    source.get(at..at + (index & MAX_SOURCE_TEXT)).unwrap_or_default()
                }
                TextIn::Owned => self.strings.get(index).map_or("", |s| s),
                TextIn::SmartPunctuation => SMART_PUNCTUATION.get(index).copied().unwrap_or_default(),
            },
            _ => "",
        }
    }

    /// The destination and label of the link `node` starts.
    pub fn link(&self, node: &Node) -> Option<&LinkInfo> {
        node.starts(Element::Link).then(|| self.links.get(node.payload as usize)).flatten()
    }
}

/// Where `text` lies in `source`, when it is a slice of it.
fn slice_of(source: &str, text: &str) -> Option<Range<usize>> {
    let base = source.as_ptr() as usize;
    let at = (text.as_ptr() as usize).checked_sub(base)?;
    (at + text.len() <= source.len()).then(|| at..at + text.len())
}

/// The payload of a node that starts at `at` and whose text is `text` of the source: `None`
/// when the text starts before the node, more than 255 bytes into it, or is longer than
/// [`MAX_SOURCE_TEXT`] (it is then kept as a string).
fn source_payload(at: usize, text: &Range<usize>) -> Option<u32> {
    let skip = u32::from(u8::try_from(text.start.checked_sub(at)?).ok()?);
    let length = u32::try_from(text.len()).ok().filter(|&length| length as usize <= MAX_SOURCE_TEXT)?;
    Some(skip << 24 | length)
}

/// An offset as stored: chapters are far below 4 GiB.
fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn element(tag: &Tag<'_>) -> Element {
    match tag {
        Tag::Paragraph => Element::Paragraph,
        Tag::Heading { level, .. } => Element::Heading(*level as u8),
        Tag::BlockQuote(_) => Element::BlockQuote,
        Tag::CodeBlock(_) => Element::CodeBlock,
        Tag::HtmlBlock => Element::HtmlBlock,
        Tag::List(_) => Element::List,
        Tag::Item => Element::Item,
        Tag::FootnoteDefinition(_) => Element::FootnoteDefinition,
        Tag::Table(_) => Element::Table,
        Tag::TableHead => Element::TableHead,
        Tag::TableRow => Element::TableRow,
        Tag::TableCell => Element::TableCell,
        Tag::Emphasis => Element::Emphasis,
        Tag::Strong => Element::Strong,
        Tag::Strikethrough | Tag::Superscript | Tag::Subscript => Element::Strikethrough,
        Tag::Link { .. } => Element::Link,
        Tag::Image { .. } => Element::Image,
        Tag::MetadataBlock(_) => Element::MetadataBlock,
        Tag::DefinitionList => Element::DefinitionList,
        Tag::DefinitionListTitle => Element::DefinitionListTitle,
        Tag::DefinitionListDefinition => Element::DefinitionListDefinition,
    }
}

fn end_element(tag: TagEnd) -> Element {
    match tag {
        TagEnd::Paragraph => Element::Paragraph,
        TagEnd::Heading(level) => Element::Heading(level as u8),
        TagEnd::BlockQuote(_) => Element::BlockQuote,
        TagEnd::CodeBlock => Element::CodeBlock,
        TagEnd::HtmlBlock => Element::HtmlBlock,
        TagEnd::List(_) => Element::List,
        TagEnd::Item => Element::Item,
        TagEnd::FootnoteDefinition => Element::FootnoteDefinition,
        TagEnd::Table => Element::Table,
        TagEnd::TableHead => Element::TableHead,
        TagEnd::TableRow => Element::TableRow,
        TagEnd::TableCell => Element::TableCell,
        TagEnd::Emphasis => Element::Emphasis,
        TagEnd::Strong => Element::Strong,
        TagEnd::Strikethrough | TagEnd::Superscript | TagEnd::Subscript => Element::Strikethrough,
        TagEnd::Link => Element::Link,
        TagEnd::Image => Element::Image,
        TagEnd::MetadataBlock(_) => Element::MetadataBlock,
        TagEnd::DefinitionList => Element::DefinitionList,
        TagEnd::DefinitionListTitle => Element::DefinitionListTitle,
        TagEnd::DefinitionListDefinition => Element::DefinitionListDefinition,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Document, Flavor};

    #[test]
    fn source_text_is_kept_by_place_within_bounds() {
        assert_eq!(source_payload(10, &(10..15)), Some(5));
        assert_eq!(source_payload(10, &(265..266)), Some(255 << 24 | 1));
        assert_eq!(source_payload(10, &(266..267)), None, "more than 255 bytes into the node");
        assert_eq!(source_payload(10, &(9..12)), None, "before the node");
        assert_eq!(source_payload(0, &(0..MAX_SOURCE_TEXT)), Some(MAX_SOURCE_TEXT as u32));
        assert_eq!(source_payload(0, &(0..MAX_SOURCE_TEXT + 1)), None, "too long");
    }

    #[test]
    fn every_text_reads_back_whether_kept_by_place_or_as_a_string() {
        // A code span whose fence is longer than a byte can say: its text starts 300 bytes in.
        let fence = "`".repeat(300);
        let text = format!("A *b* &amp; \"c\" `d`\n\n{fence} far {fence}\n\n<i>e</i>\n");
        let flavor =
            Flavor { mdbook_05: true, smart_punctuation: true, definition_lists: true, admonitions: true };
        let document = Document::parse(&text, flavor);
        let texts: Vec<&str> = document
            .nodes
            .all()
            .iter()
            .map(|n| document.nodes.text_of(&text, n))
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(texts, ["A ", "b", " ", "&", " ", "“", "c", "”", " ", "d", "far", "<i>", "e", "</i>"]);
        let kept: Vec<TextIn> =
            document.nodes.all().iter().filter(|n| n.kind == NodeKind::Code).map(|n| n.text_in).collect();
        assert_eq!(kept, [TextIn::Source, TextIn::Owned]);
    }
}
