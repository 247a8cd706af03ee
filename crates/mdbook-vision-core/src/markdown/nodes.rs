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

/// An event of a chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// What it was.
    pub kind: NodeKind,
    start: u32,
    end: u32,
    /// Its text: a range of the source, or an index into [`Nodes`]' strings or into
    /// [`SMART_PUNCTUATION`] (see `text_in`); for a link's start, the index of its
    /// [`LinkInfo`].
    payload: (u32, u32),
    text_in: TextIn,
}

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

    /// Records `event`, which came from `range` of `source`.
    pub(super) fn push(&mut self, source: &str, event: &Event<'_>, range: Range<usize>) {
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
                        (offset(self.links.len() - 1), 0)
                    }
                    _ => (0, 0),
                };
                (NodeKind::Start(element), payload, TextIn::Source)
            }
            Event::End(tag) => (NodeKind::End(end_element(*tag)), (0, 0), TextIn::Source),
            Event::Text(text) => self.text(source, NodeKind::Text, text),
            Event::Code(text) => self.text(source, NodeKind::Code, text),
            Event::Html(text) => self.text(source, NodeKind::Html, text),
            Event::InlineHtml(text) => self.text(source, NodeKind::InlineHtml, text),
            Event::SoftBreak => (NodeKind::SoftBreak, (0, 0), TextIn::Source),
            Event::HardBreak => (NodeKind::HardBreak, (0, 0), TextIn::Source),
            _ => (NodeKind::Other, (0, 0), TextIn::Source),
        };
        self.nodes.push(Node { kind, start: offset(range.start), end: offset(range.end), payload, text_in });
    }

    fn text(&mut self, source: &str, kind: NodeKind, text: &CowStr<'_>) -> (NodeKind, (u32, u32), TextIn) {
        if let Some(range) = slice_of(source, text) {
            return (kind, (offset(range.start), offset(range.end)), TextIn::Source);
        }
        if let Some(index) = SMART_PUNCTUATION.iter().position(|p| *p == text.as_ref()) {
            return (kind, (offset(index), 0), TextIn::SmartPunctuation);
        }
        self.strings.push(Box::from(&**text));
        (kind, (offset(self.strings.len() - 1), 0), TextIn::Owned)
    }

    /// Every event, in order.
    pub fn all(&self) -> &[Node] {
        &self.nodes
    }

    /// The text of a text, code or HTML event of the chapter `source`; empty for others.
    pub fn text_of<'s>(&'s self, source: &'s str, node: &Node) -> &'s str {
        let (at, end) = (node.payload.0 as usize, node.payload.1 as usize);
        match node.kind {
            NodeKind::Text | NodeKind::Code | NodeKind::Html | NodeKind::InlineHtml => match node.text_in {
                TextIn::Source => source.get(at..end).unwrap_or_default(),
                TextIn::Owned => self.strings.get(at).map_or("", |s| s),
                TextIn::SmartPunctuation => SMART_PUNCTUATION.get(at).copied().unwrap_or_default(),
            },
            _ => "",
        }
    }

    /// The destination and label of the link `node` starts.
    pub fn link(&self, node: &Node) -> Option<&LinkInfo> {
        node.starts(Element::Link).then(|| self.links.get(node.payload.0 as usize)).flatten()
    }
}

/// Where `text` lies in `source`, when it is a slice of it.
fn slice_of(source: &str, text: &str) -> Option<Range<usize>> {
    let base = source.as_ptr() as usize;
    let at = (text.as_ptr() as usize).checked_sub(base)?;
    (at + text.len() <= source.len()).then(|| at..at + text.len())
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
