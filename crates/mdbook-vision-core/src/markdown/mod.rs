//! Markdown analysis with source offsets, parsed once per chapter the way mdBook parses it.
//!
//! A [`Document`] holds the pulldown-cmark events of a chapter with their byte ranges, plus
//! what several features need from them, found once: headings (with the HTML id mdBook will
//! give them), fenced code blocks, link reference definitions, the suite's directives and the
//! blocks the suite generated. Features read a `Document`; none parses a chapter on its own
//! terms.

mod containers;
mod directives;
mod fenced;
mod headings;
mod nodes;
mod prose;
mod text;

use std::ops::Range;

use pulldown_cmark::{BrokenLink, LinkType, Options, Parser};
use serde_json::Value;

pub use self::containers::{ends_a_table, line_ending};
pub use self::directives::{Directive, Output, Place, SUITE_DIRECTIVES};
pub use self::fenced::FencedBlock;
pub use self::headings::{Heading, heading_id_04, heading_id_05};
pub use self::nodes::{Element, LinkInfo, Node, NodeKind, Nodes};
pub use self::prose::{Mention, NameFinder, Prose};
pub use self::text::end_of;
use crate::diagnostics::{LineIndex, Location};
use crate::generated;

/// Which mdBook will render the book: it decides parser options and heading ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flavor {
    /// mdBook 0.5 (or later) rather than 0.4.
    pub mdbook_05: bool,
    /// `output.html.smart-punctuation` (0.4 also reads `curly-quotes`).
    pub smart_punctuation: bool,
    /// `output.html.definition-lists` (mdBook 0.5 only).
    pub definition_lists: bool,
    /// `output.html.admonitions` (mdBook 0.5 only).
    pub admonitions: bool,
}

impl Default for Flavor {
    fn default() -> Self {
        Flavor { mdbook_05: true, smart_punctuation: true, definition_lists: true, admonitions: true }
    }
}

impl Flavor {
    /// The flavor of the mdBook that sent a request, from its version and book config.
    pub fn new(mdbook_version: &str, config: &Value) -> Self {
        let mdbook_05 = semver::Version::parse(mdbook_version).map_or(true, |v| (v.major, v.minor) >= (0, 5));
        let html = config.pointer("/output/html");
        let flag = |key: &str| html.and_then(|h| h.get(key)).and_then(Value::as_bool);
        if mdbook_05 {
            Flavor {
                mdbook_05,
                smart_punctuation: flag("smart-punctuation").unwrap_or(true),
                definition_lists: flag("definition-lists").unwrap_or(true),
                admonitions: flag("admonitions").unwrap_or(true),
            }
        } else {
            Flavor {
                mdbook_05,
                smart_punctuation: flag("smart-punctuation").or(flag("curly-quotes")).unwrap_or(false),
                definition_lists: false,
                admonitions: false,
            }
        }
    }

    /// The pulldown-cmark options mdBook parses chapters with.
    pub fn options(&self) -> Options {
        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        if self.smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        if self.definition_lists {
            options |= Options::ENABLE_DEFINITION_LIST;
        }
        if self.admonitions {
            options |= Options::ENABLE_GFM;
        }
        options
    }
}

/// A chapter's markdown, parsed once, with source offsets.
#[derive(Debug)]
pub struct Document<'a> {
    /// The chapter's text.
    pub text: &'a str,
    /// Every event, compact, with the byte range it came from.
    pub nodes: Nodes,
    /// The headings, in order.
    pub headings: Vec<Heading>,
    /// The headings' ids, made when first asked for.
    heading_ids: headings::HeadingIds,
    /// The fenced code blocks, in order.
    pub fenced_blocks: Vec<FencedBlock>,
    /// The link reference definitions (`[Alan]: ../characters/alan.md`).
    pub link_definitions: Vec<LinkDefinition>,
    /// The reference links whose definition is missing (`[Alan]`, `[Alan][]`, `[text][Alan]`
    /// with no `[Alan]: ...`), which render as plain text.
    pub broken_references: Vec<BrokenReference>,
    /// The suite's directives outside code and raw HTML, escaped ones included, in order.
    pub directives: Vec<Directive<'a>>,
    /// The blocks the suite generated (see [`generated`]), in order.
    pub generated: Vec<Range<usize>>,
    /// Where its lines start, once a finding needs it.
    lines: std::sync::OnceLock<LineIndex>,
}

/// A link reference definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDefinition {
    /// Its label, as written.
    pub label: String,
    /// Where it points.
    pub destination: String,
    /// The whole definition in the source.
    pub range: Range<usize>,
}

/// A reference link whose definition is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenReference {
    /// The label it refers to (`Alan` in `[text][Alan]`).
    pub label: String,
    /// The whole link in the source (`[text][Alan]`).
    pub range: Range<usize>,
}

impl<'a> Document<'a> {
    /// Parses `text` as mdBook of `flavor` would.
    pub fn parse(text: &'a str, flavor: Flavor) -> Self {
        let mut broken_references = Vec::new();
        let record_broken = |link: BrokenLink<'a>| {
            let label = String::from(&*link.reference);
            // A collapsed reference (`[Alan][]`) is reported without its `[]`; a full one
            // (`[text][Alan]`) that happens to be followed by `[]` ends at its label.
            let collapsed = link.link_type == LinkType::Collapsed && text[link.span.end..].starts_with("[]");
            let range = link.span.start..link.span.end + if collapsed { 2 } else { 0 };
            broken_references.push(BrokenReference { label, range });
            None
        };
        let parser = Parser::new_with_broken_link_callback(text, flavor.options(), Some(record_broken));
        let mut link_definitions: Vec<LinkDefinition> = parser
            .reference_definitions()
            .iter()
            .map(|(label, definition)| LinkDefinition {
                label: label.to_owned(),
                destination: String::from(&*definition.dest),
                range: definition.span.clone(),
            })
            .collect();
        link_definitions.sort_by_key(|d| d.range.start);
        let mut nodes = Nodes::with_capacity(text.len() / 32);
        let mut headings = headings::Headings::new(flavor);
        let mut fenced_blocks = fenced::FencedBlocks::default();
        for (event, range) in parser.into_offset_iter() {
            headings.observe(text, &event, &range);
            fenced_blocks.observe(text, &event, &range);
            nodes.push(text, &event, range);
        }
        nodes.shrink_to_fit();
        let (headings, heading_ids) = headings.finish();
        Document {
            text,
            headings,
            heading_ids,
            fenced_blocks: fenced_blocks.finish(),
            directives: directives::find_directives(text, &nodes),
            generated: generated_blocks(text, &nodes),
            nodes,
            link_definitions,
            broken_references,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The directives named `names`, for a feature to expand. Escaped ones
    /// (`\{{#story x}}`) are not among them: they are left as written, since markdown renders
    /// `\{` as `{`.
    pub fn directives(&self, names: &[&str]) -> impl Iterator<Item = &Directive<'a>> {
        self.directives.iter().filter(move |d| !d.escaped && names.contains(&d.name))
    }

    /// The HTML id mdBook gives `heading`, one of this chapter's headings (an explicit
    /// `{#id}` wins).
    pub fn heading_id(&self, heading: &Heading) -> &str {
        self.heading_ids.get(&self.headings).get(heading.index).map_or("", String::as_str)
    }

    /// The line ending the chapter uses (`\r\n` or `\n`), for text spliced into it.
    pub fn line_ending(&self) -> &'static str {
        line_ending(self.text)
    }

    /// What every line after the first of a block spliced at `offset` must start with to stay
    /// in the same block quote or list item: the `>` markers and indentation that open the
    /// line, with list markers turned into spaces (`- ` becomes `  `, `> 1. ` becomes `>    `).
    pub fn continuation_prefix(&self, offset: usize) -> String {
        containers::continuation_prefix(self.text, offset)
    }

    /// The heading that starts at byte `start`, if one does.
    pub fn heading_at(&self, start: usize) -> Option<&Heading> {
        let index = self.headings.binary_search_by_key(&start, |h| h.range.start).ok()?;
        self.headings.get(index)
    }

    /// The first heading that starts at or after byte `start`, if any.
    pub fn first_heading_from(&self, start: usize) -> Option<&Heading> {
        self.headings.get(self.headings.partition_point(|h| h.range.start < start))
    }

    /// The text of a text, code or HTML node; empty for others.
    pub fn text_of(&self, node: &Node) -> &str {
        self.nodes.text_of(self.text, node)
    }

    /// The text of the line that holds byte `offset`, up to that offset: what any line of text
    /// spliced at that position must repeat to stay inside the same block quote or list item.
    pub fn line_prefix(&self, offset: usize) -> &'a str {
        containers::line_prefix(self.text, offset)
    }

    /// The last heading that starts before `offset`.
    pub fn heading_before(&self, offset: usize) -> Option<&Heading> {
        let before = self.headings.partition_point(|h| h.range.start < offset);
        before.checked_sub(1).map(|i| &self.headings[i])
    }

    /// Whether `offset` falls in a heading.
    pub fn in_heading(&self, offset: usize) -> bool {
        self.heading_before(offset + 1).is_some_and(|h| h.range.contains(&offset))
    }

    /// The links that use the reference label `label` (`[Alan]`, `[Alan][]`, `[text][Alan]`,
    /// in any letter case), with where each starts.
    pub fn references_to(&self, label: &str) -> impl Iterator<Item = (usize, &LinkInfo)> {
        let label = normalize_label(label);
        let links =
            self.nodes.all().iter().filter_map(|node| Some((node.range().start, self.nodes.link(node)?)));
        links.filter(move |(_, info)| !info.label.is_empty() && normalize_label(&info.label) == label)
    }

    /// The first heading of the chapter.
    pub fn first_heading(&self) -> Option<&Heading> {
        self.headings.first()
    }

    /// The location of `range` of this chapter, shown as the file `path`, for a finding.
    pub fn location(&self, path: &str, range: Range<usize>) -> Location {
        self.lines.get_or_init(|| LineIndex::new(self.text)).location(path, self.text, range)
    }

    /// Whether `offset` falls in a block the suite generated.
    pub fn in_generated(&self, offset: usize) -> bool {
        let before = self.generated.partition_point(|g| g.start <= offset);
        before > 0 && self.generated[before - 1].contains(&offset)
    }
}

/// The blocks the suite generated: each block right after one of its marker comments (the
/// table made from a story block, the notice listing missing FAQ questions). Other features
/// leave them alone, so their result does not depend on the order they run in.
fn generated_blocks(text: &str, nodes: &Nodes) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut after_marker = false;
    for node in nodes.all() {
        match node.kind {
            NodeKind::Html if generated::is_marker(nodes.text_of(text, node)) => after_marker = true,
            NodeKind::Start(Element::HtmlBlock) | NodeKind::End(Element::HtmlBlock) => {}
            NodeKind::Start(_) if after_marker => {
                blocks.push(node.range());
                after_marker = false;
            }
            _ => {}
        }
    }
    blocks
}

/// A link reference label as CommonMark matches labels: case-folded, spaces collapsed.
pub fn normalize_label(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// `ranges` sorted, with overlapping ones merged.
fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flavor(mdbook_05: bool) -> Flavor {
        Flavor { mdbook_05, smart_punctuation: false, definition_lists: mdbook_05, admonitions: mdbook_05 }
    }

    /// The prose of `document`, headings included or not.
    fn prose(document: &Document<'_>, headings: bool) -> Vec<Range<usize>> {
        document.prose().into_iter().filter(|p| headings || !p.in_heading).map(|p| p.range).collect()
    }

    /// Where `name` is mentioned in `ranges` of `document`.
    fn mentions(document: &Document<'_>, ranges: &[Range<usize>], name: &str) -> Vec<Range<usize>> {
        NameFinder::new([name]).find(document.text, ranges).into_iter().map(|m| m.range).collect()
    }

    fn ids(text: &str, mdbook_05: bool) -> Vec<String> {
        let document = Document::parse(text, flavor(mdbook_05));
        document.headings.iter().map(|h| document.heading_id(h).to_owned()).collect()
    }

    #[test]
    fn heading_ids_follow_each_mdbook_version() {
        let text = "# Alan: the startup guy\n## Ünïcödé Straße\n## FAQ\n## FAQ\n### Grace's *stream* `Pin`\n## [Alan](a.md) & <b>co</b>\n";
        assert_eq!(
            ids(text, true),
            ["alan-the-startup-guy", "ünïcödé-straße", "faq", "faq-1", "graces-stream-pin", "alan--co"]
        );
        assert_eq!(
            ids(text, false),
            ["alan-the-startup-guy", "Ünïcödé-straße", "faq", "faq-1", "graces-stream-pin", "alan--co"]
        );
    }

    #[test]
    fn heading_text_leaves_out_images_and_definition_titles_take_ids() {
        let text = "Alpha ![img *x*](i.png) `b`\nsecond line\n===\n\nTerm\n: def\n\n## Term\n";
        let document = Document::parse(text, flavor(true));
        let found: Vec<(&str, &str, &str)> =
            document.headings.iter().map(|h| (h.text.as_str(), h.title(), document.heading_id(h))).collect();
        assert_eq!(
            found,
            [
                ("Alpha  b second line", "Alpha  b second line", "alpha--b-second-line"),
                ("Term", "Term", "term-1")
            ]
        );
    }

    #[test]
    fn titles_keep_quotes_and_dashes_as_written() {
        let smart = Flavor { smart_punctuation: true, ..flavor(true) };
        let heading = &Document::parse("# Grace's \"plan\" -- v2...\n", smart).headings[0];
        assert_eq!(heading.title(), "Grace's \"plan\" -- v2...");
        assert_eq!(heading.text, "Grace’s “plan” – v2…");
    }

    #[test]
    fn directives_are_found_outside_code_and_html() {
        let text = "See {{#story alan}} and \\{{#story grace}}.\n\n`{{#story code}}` <b title=\"{{#story html}}\">\n\n```\n{{#story fenced}}\n```\n\n- {{#stories topic=learning kind=status-quo}}\n{{#include x.md}}\n";
        let document = Document::parse(text, flavor(true));
        let found: Vec<(&str, &str, bool)> = document
            .directives
            .iter()
            .filter(|d| d.name != "roadmap-legend")
            .map(|d| (d.name, d.args, d.escaped))
            .collect();
        assert_eq!(
            found,
            [
                ("story", "alan", false),
                ("story", "grace", true),
                ("stories", "topic=learning kind=status-quo", false)
            ]
        );
        assert_eq!(document.directives(&["story"]).count(), 1, "escaped directives are left alone");
        let unclosed =
            Document::parse("{{#roadmap-legend\n\ntext\n\n```\nif x { y() }}\n```\n", flavor(true));
        assert!(unclosed.directives(&["roadmap-legend"]).next().is_none());
        let escaped = &document.directives[1];
        assert_eq!(&text[escaped.range.clone()], "\\{{#story grace}}");
    }

    #[test]
    fn prose_leaves_out_code_links_images_html_and_headings() {
        let text = "# Alan\n\nAlan and *Alan* `Alan` [Alan](a.md) ![Alan](i.png) <b>Alan</b>\n\n| Alan |\n| --- |\n\n    Alan\n\n[x]: Alan\n";
        let document = Document::parse(text, flavor(true));
        let found: String = prose(&document, false).iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found.matches("Alan").count(), 3, "{found}");
        assert_eq!(mentions(&document, &prose(&document, true), "Alan").len(), 4);
    }

    #[test]
    fn directives_are_not_prose() {
        let text = "Alan says {{#stories character=Alan}} and \\{{#story alan}} to Alan.\n";
        let document = Document::parse(text, flavor(true));
        assert_eq!(mentions(&document, &prose(&document, false), "Alan").len(), 2);
    }

    #[test]
    fn mentions_are_whole_words() {
        let text = "Alan's Alanna Grace-ful Grace - Alan_x x-Alan Alan.\n";
        let document = Document::parse(text, flavor(true));
        let found: Vec<usize> =
            mentions(&document, &prose(&document, false), "Alan").iter().map(|r| r.start).collect();
        assert_eq!(found, [0, text.rfind("Alan.").unwrap()]);
        assert_eq!(mentions(&document, &prose(&document, false), "Grace").len(), 1);
    }

    #[test]
    fn reference_definitions_and_broken_references_are_known() {
        let text = "[Alan] and [Grace][] and [the dev][Niklaus] and [ok].\n\n[ok]: ok.md\n";
        let document = Document::parse(text, flavor(true));
        let broken: Vec<&str> = document.broken_references.iter().map(|b| &text[b.range.clone()]).collect();
        assert_eq!(broken, ["[Alan]", "[Grace][]", "[the dev][Niklaus]"]);
        assert_eq!(document.link_definitions[0].destination, "ok.md");
        assert_eq!(&text[document.link_definitions[0].range.clone()], "[ok]: ok.md");
    }

    #[test]
    fn explicit_heading_ids_win() {
        assert_eq!(ids("# Title {#custom}\n", true), ["custom"]);
    }

    #[test]
    fn fenced_blocks_know_their_body_and_source_offsets() {
        let text = "# T\r\n\r\n> ```story\r\n> id = \"x\"\r\n> ```\r\n\r\nafter\r\n";
        let document = Document::parse(text, flavor(true));
        let block = &document.fenced_blocks[0];
        assert_eq!(block.language(), "story");
        assert_eq!(block.body, "id = \"x\"\n");
        assert_eq!(&text[block.range.clone()], "```story\r\n> id = \"x\"\r\n> ```");
        assert_eq!(&text[block.source_offset(5)..block.source_offset(5) + 3], "\"x\"");
        assert_eq!(document.line_ending(), "\r\n");
        assert_eq!(document.line_prefix(block.range.start), "> ");
        assert_eq!(
            Document::parse("1. ```story\n   x\n   ```\n", flavor(true)).continuation_prefix(3),
            "   "
        );
        let nested = Document::parse("> - Everything: {{#stories}}\n", flavor(true));
        assert_eq!(nested.continuation_prefix(15), ">   ");
    }
}
