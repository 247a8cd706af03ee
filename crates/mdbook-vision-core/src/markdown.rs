//! Markdown analysis with source offsets, parsed once per chapter the way mdBook parses it.
//!
//! A [`Document`] holds the pulldown-cmark events of a chapter with their byte ranges, plus
//! what several features need from them: headings (with the HTML id mdBook will give them)
//! and fenced code blocks. Features read a `Document`; none parses a chapter on its own terms.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;

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

/// A heading of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// The whole heading in the source.
    pub range: Range<usize>,
    /// Its text, without markup, as mdBook renders it (smart punctuation applied when on).
    pub text: String,
    /// Its text, without markup, with quotes and dashes as the author typed them: the same
    /// whatever mdBook's smart punctuation setting, for titles and ids.
    pub title: String,
    /// The HTML id mdBook gives it (an explicit `{#id}` wins).
    pub id: String,
}

/// A fenced code block of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencedBlock {
    /// The info string after the opening fence (`story`, `rust,ignore`).
    pub info: String,
    /// From the opening fence to the end of the closing fence, without the final line ending.
    pub range: Range<usize>,
    /// The text inside the fences, with container markers (`> `, list indentation) removed.
    pub body: String,
    /// Where each piece of `body` is in the source: (offset in body, offset in source, length).
    body_map: Vec<(usize, usize, usize)>,
}

impl FencedBlock {
    /// The first word of the info string: `story` for ```` ```story ````.
    pub fn language(&self) -> &str {
        self.info.split([' ', ',', '\t', '{']).next().unwrap_or_default()
    }

    /// The source offset of byte `offset` of [`FencedBlock::body`].
    pub fn source_offset(&self, offset: usize) -> usize {
        for &(body_start, source_start, len) in &self.body_map {
            if offset < body_start + len {
                return source_start + offset.saturating_sub(body_start);
            }
        }
        self.body_map.last().map_or(self.range.start, |&(_, source, len)| source + len)
    }
}

/// A chapter's markdown, parsed once, with source offsets.
#[derive(Debug)]
pub struct Document<'a> {
    /// The chapter's text.
    pub text: &'a str,
    /// Every event with the byte range it came from.
    pub events: Vec<(Event<'a>, Range<usize>)>,
    /// The headings, in order.
    pub headings: Vec<Heading>,
    /// The fenced code blocks, in order.
    pub fenced_blocks: Vec<FencedBlock>,
    /// The link reference definitions (`[Alan]: ../characters/alan.md`).
    pub link_definitions: Vec<LinkDefinition>,
    /// The reference links whose definition is missing (`[Alan]`, `[Alan][]`, `[text][Alan]`
    /// with no `[Alan]: ...`), which render as plain text.
    pub broken_references: Vec<BrokenReference>,
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
            let label = link.reference.to_string();
            // A collapsed reference (`[Alan][]`) is reported without its `[]`.
            let collapsed = text[link.span.end..].starts_with("[]");
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
                destination: definition.dest.to_string(),
                range: definition.span.clone(),
            })
            .collect();
        link_definitions.sort_by_key(|d| d.range.start);
        let events: Vec<_> = parser.into_offset_iter().collect();
        let headings = find_headings(text, &events, flavor);
        let fenced_blocks = find_fenced_blocks(text, &events);
        Document { text, events, headings, fenced_blocks, link_definitions, broken_references }
    }

    /// The source ranges of the chapter's prose: its text outside code, links, images, raw
    /// HTML, link reference definitions, the suite's directives, the table rendered from a
    /// story block, and headings (unless `headings` is set). Emphasis, list items, block quotes
    /// and table cells are prose.
    pub fn prose(&self, headings: bool) -> Vec<Range<usize>> {
        let mut prose = Vec::new();
        let mut skipped_depth = 0usize;
        let mut inline_html_depth = 0usize;
        for (event, range) in &self.events {
            match event {
                Event::InlineHtml(tag) => {
                    inline_html_depth = inline_html_depth.saturating_add_signed(tag_depth(tag))
                }
                Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::Heading(_) | TagEnd::Item) => {
                    inline_html_depth = 0;
                    skipped_depth = skipped_depth.saturating_sub(1);
                }
                Event::Start(tag) if skipped_depth > 0 || skips(tag, headings) => skipped_depth += 1,
                Event::End(_) if skipped_depth > 0 => skipped_depth -= 1,
                Event::Text(_) if skipped_depth == 0 && inline_html_depth == 0 => prose.push(range.clone()),
                _ => {}
            }
        }
        let mut holes: Vec<Range<usize>> =
            self.directives_and_escapes(SUITE_DIRECTIVES).into_iter().map(|d| d.range).collect();
        holes.extend(self.generated_blocks());
        holes.sort_by_key(|h| h.start);
        prose.into_iter().flat_map(|range| subtract(range, &holes)).collect()
    }

    /// The blocks the suite generated: each block right after one of its marker comments (the
    /// table made from a story block, the notice listing missing FAQ questions). Other features
    /// leave them alone, so their result does not depend on the order they run in.
    pub fn generated_blocks(&self) -> Vec<Range<usize>> {
        let mut blocks = Vec::new();
        let mut after_marker = false;
        for (event, range) in &self.events {
            match event {
                Event::Html(html) if crate::model::GENERATED_MARKERS.iter().any(|m| html.starts_with(m)) => {
                    after_marker = true;
                }
                Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
                Event::Start(_) if after_marker => {
                    blocks.push(range.clone());
                    after_marker = false;
                }
                _ => {}
            }
        }
        blocks
    }

    /// Where `word` is mentioned as a whole word in `ranges` of the text: not inside a longer
    /// word (`Alanna`) nor joined to one by a hyphen (`Grace-ful`); `Alan's` mentions `Alan`.
    pub fn mentions(&self, ranges: &[Range<usize>], word: &str) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        for range in ranges {
            for (at, _) in self.text[range.clone()].match_indices(word) {
                let start = range.start + at;
                let end = start + word.len();
                if !joined_before(&self.text[..start]) && !joined_after(&self.text[end..]) {
                    found.push(start..end);
                }
            }
        }
        found
    }

    /// The line ending the chapter uses (`\r\n` or `\n`), for text spliced into it.
    pub fn line_ending(&self) -> &'static str {
        line_ending(self.text)
    }

    /// What every line after the first of a block spliced at `offset` must start with to stay
    /// in the same block quote or list item: the `>` markers and indentation that open the
    /// line, with list markers turned into spaces (`- ` becomes `  `, `> 1. ` becomes `>    `).
    pub fn continuation_prefix(&self, offset: usize) -> String {
        let line = self.line_prefix(offset);
        let mut prefix = String::new();
        let mut rest = line;
        loop {
            let marker_len = list_marker_len(rest);
            if let Some(c) = rest.chars().next().filter(|c| *c == '>' || c.is_whitespace()) {
                prefix.push(if c == '>' || c == '\t' { c } else { ' ' });
                rest = &rest[c.len_utf8()..];
            } else if marker_len > 0 {
                prefix.push_str(&" ".repeat(marker_len));
                rest = &rest[marker_len..];
            } else {
                return prefix;
            }
        }
    }

    /// The last heading that starts before `offset`.
    pub fn heading_before(&self, offset: usize) -> Option<&Heading> {
        self.headings.iter().take_while(|h| h.range.start < offset).last()
    }

    /// The first heading of the chapter.
    pub fn first_heading(&self) -> Option<&Heading> {
        self.headings.first()
    }

    /// The text of the line that holds byte `offset`, up to that offset: what any line of text
    /// spliced at that position must repeat to stay inside the same block quote or list item.
    pub fn line_prefix(&self, offset: usize) -> &'a str {
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        &self.text[line_start..offset]
    }
}

/// A `{{#name args}}` directive, in the syntax of mdBook's `{{#include ...}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    /// `story` for `{{#story alan}}`.
    pub name: &'a str,
    /// Everything after the name, trimmed: `alan`.
    pub args: &'a str,
    /// The whole directive in the source, with its backslash when escaped.
    pub range: Range<usize>,
    /// Written `\{{#...}}`: to be rendered literally, without the backslash.
    pub escaped: bool,
}

impl<'a> Document<'a> {
    /// The directives named `names` in the chapter, outside code and raw HTML, in order, for
    /// a feature to expand. Escaped ones (`\{{#story x}}`) are not among them: they are left as
    /// written, since markdown renders `\{` as `{`.
    pub fn directives(&self, names: &[&str]) -> Vec<Directive<'a>> {
        self.directives_and_escapes(names).into_iter().filter(|d| !d.escaped).collect()
    }

    /// The directives named `names`, escaped ones included.
    pub fn directives_and_escapes(&self, names: &[&str]) -> Vec<Directive<'a>> {
        let excluded: Vec<Range<usize>> = self
            .events
            .iter()
            .filter(|(e, _)| {
                matches!(
                    e,
                    Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::CodeBlock(_))
                )
            })
            .map(|(_, r)| r.clone())
            .collect();
        let text = self.text;
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = text[from..].find("{{#").map(|i| from + i) {
            from = at + 3;
            let name_len =
                text[from..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(0);
            let name = &text[from..from + name_len];
            // As in mdBook, the arguments hold no `}`: the first one must close the directive.
            let Some(close) = text[from..].find('}').map(|i| from + i) else {
                break;
            };
            let args = &text[from + name_len..close];
            let closed = text[close..].starts_with("}}");
            let in_excluded = |offset: usize| excluded.iter().any(|r| r.contains(&offset));
            let spans_blocks = args.contains("{{") || args.contains("\n\n") || args.contains("\r\n\r\n");
            if !closed || !names.contains(&name) || spans_blocks || in_excluded(at) || in_excluded(close) {
                continue;
            }
            let escaped = text[..at].ends_with('\\');
            let start = if escaped { at - 1 } else { at };
            found.push(Directive { name, args: args.trim(), range: start..close + 2, escaped });
            from = close + 2;
        }
        found
    }
}

/// A link reference label as CommonMark matches labels: case-folded, spaces collapsed.
pub fn normalize_label(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The directives of the suite.
pub const SUITE_DIRECTIVES: &[&str] = &["story", "stories", "roadmap-legend"];

/// `range` without the parts that fall in any of `holes` (sorted, not overlapping).
fn subtract(range: Range<usize>, holes: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = range.start;
    for hole in holes.iter().filter(|h| h.start < range.end && h.end > range.start) {
        if hole.start > start {
            pieces.push(start..hole.start);
        }
        start = start.max(hole.end);
    }
    if start < range.end {
        pieces.push(start..range.end);
    }
    pieces
}

/// Whether an element starting with `tag` is not prose.
fn skips(tag: &Tag<'_>, headings: bool) -> bool {
    match tag {
        Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. } | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
            true
        }
        Tag::Heading { .. } => !headings,
        _ => false,
    }
}

/// How an inline HTML tag changes the nesting of raw HTML: +1 for an opening tag, -1 for a
/// closing one, 0 for a void or self-closing tag or a comment.
fn tag_depth(tag: &str) -> isize {
    const VOID: &[&str] = &["br", "img", "hr", "input", "wbr", "meta", "link", "area", "source"];
    let tag = tag.trim();
    let name: String =
        tag.trim_start_matches(['<', '/']).chars().take_while(char::is_ascii_alphanumeric).collect();
    if tag.starts_with("</") {
        -1
    } else if tag.starts_with("<!")
        || tag.ends_with("/>")
        || VOID.contains(&name.to_ascii_lowercase().as_str())
    {
        0
    } else {
        1
    }
}

/// Whether text ending `before` runs into a word starting right after it.
fn joined_before(before: &str) -> bool {
    let mut chars = before.chars().rev();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('-') => chars.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// Whether `after` continues the word that ends right before it.
fn joined_after(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('-') => chars.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// The length of the list marker and its space that `text` starts with (`- `, `12. `), or 0.
fn list_marker_len(text: &str) -> usize {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let marker = match text[digits..].chars().next() {
        Some('-' | '*' | '+') if digits == 0 => 1,
        Some('.' | ')') if (1..10).contains(&digits) => digits + 1,
        _ => return 0,
    };
    if text[marker..].starts_with([' ', '\t']) { marker + 1 } else { 0 }
}

/// The line ending `text` uses: `\r\n` if its first line ends so, else `\n`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn find_headings(source: &str, events: &[(Event<'_>, Range<usize>)], flavor: Flavor) -> Vec<Heading> {
    let mut ids = IdAllocator::new(flavor);
    let mut headings = Vec::new();
    let mut index = 0;
    while index < events.len() {
        match &events[index].0 {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = end_of(events, index);
                let inner = &events[index + 1..end];
                let text = plain_text(inner);
                let id = match id {
                    Some(explicit) => explicit.to_string(),
                    None => ids.allocate(inner, &text),
                };
                headings.push(Heading {
                    level: heading_level(*level),
                    range: events[index].1.clone(),
                    title: text_as_written(source, inner),
                    text,
                    id,
                });
                index = end;
            }
            Event::Start(Tag::DefinitionListTitle) => {
                let end = end_of(events, index);
                let inner = &events[index + 1..end];
                ids.allocate(inner, &plain_text(inner));
                index = end;
            }
            _ => index += 1,
        }
    }
    headings
}

/// mdBook's heading ids: 0.4 derives them from the heading's HTML, 0.5 from its text with
/// Unicode lowercasing; both make repeats unique with `-1`, `-2`, ... suffixes.
struct IdAllocator {
    flavor: Flavor,
    used: HashSet<String>,
    counts: HashMap<String, usize>,
}

impl IdAllocator {
    fn new(flavor: Flavor) -> Self {
        IdAllocator { flavor, used: HashSet::new(), counts: HashMap::new() }
    }

    fn allocate(&mut self, inner: &[(Event<'_>, Range<usize>)], text: &str) -> String {
        if self.flavor.mdbook_05 {
            let id = heading_id_05(text);
            if self.used.insert(id.clone()) {
                return id;
            }
            (1..)
                .map(|n| format!("{id}-{n}"))
                .find(|candidate| self.used.insert(candidate.clone()))
                .unwrap_or(id)
        } else {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, inner.iter().map(|(e, _)| e.clone()));
            let id = heading_id_04(&html);
            let count = self.counts.entry(id.clone()).or_insert(0);
            let unique = if *count == 0 { id } else { format!("{id}-{count}") };
            *count += 1;
            unique
        }
    }
}

/// The id mdBook 0.5 gives a heading whose text is `text`.
pub fn heading_id_05(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|ch| match ch {
            ch if ch.is_alphanumeric() || ch == '_' || ch == '-' => Some(ch),
            ch if ch.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// The id mdBook 0.4 gives a heading whose rendered HTML is `html`: tags and a few entities
/// removed, ASCII-only lowercasing.
pub fn heading_id_04(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    text.push_str(rest);
    for entity in ["&lt;", "&gt;", "&amp;", "&#39;", "&quot;"] {
        text = text.replace(entity, "");
    }
    text.trim()
        .trim_start_matches('#')
        .trim()
        .chars()
        .filter_map(|ch| match ch {
            ch if ch.is_alphanumeric() || ch == '_' || ch == '-' => Some(ch.to_ascii_lowercase()),
            ch if ch.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The index of the event that ends the element started at `start`; `start` itself when the
/// event there starts nothing (text, HTML, a rule), and the length of `events` when the
/// element does not end within them.
pub fn end_of(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    if !matches!(events.get(start), Some((Event::Start(_), _))) {
        return start;
    }
    let mut depth = 0usize;
    for (index, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    events.len()
}

/// The text of `events` without markup: text and inline code, not HTML nor image text.
pub fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut text = String::new();
    let mut in_image = 0usize;
    for (event, _) in events {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => text.push_str(t),
            Event::SoftBreak | Event::HardBreak if in_image == 0 => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Smart punctuation's replacements, each a text event of its own.
const SMART_PUNCTUATION: &[&str] = &["‘", "’", "“", "”", "–", "—", "…"];

/// [`plain_text`], with smart punctuation undone: each replaced quote or dash is taken back
/// from the source it was made of.
pub fn text_as_written(source: &str, events: &[(Event<'_>, Range<usize>)]) -> String {
    let undone: Vec<(Event<'_>, Range<usize>)> = events
        .iter()
        .map(|(event, range)| match event {
            Event::Text(t)
                if SMART_PUNCTUATION.contains(&t.as_ref()) && source.get(range.clone()) != Some(t) =>
            {
                (Event::Text(source[range.clone()].to_owned().into()), range.clone())
            }
            other => (other.clone(), range.clone()),
        })
        .collect();
    plain_text(&undone)
}

fn find_fenced_blocks(text: &str, events: &[(Event<'_>, Range<usize>)]) -> Vec<FencedBlock> {
    let mut blocks = Vec::new();
    for (index, (event, range)) in events.iter().enumerate() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event else {
            continue;
        };
        let mut body = String::new();
        let mut body_map = Vec::new();
        for (event, piece_range) in &events[index + 1..end_of(events, index)] {
            if let Event::Text(piece) = event {
                body_map.push((body.len(), piece_range.start, piece.len()));
                body.push_str(piece);
            }
        }
        blocks.push(FencedBlock {
            info: info.trim().to_owned(),
            range: range.start..trim_line_ending(text, range.clone()),
            body,
            body_map,
        });
    }
    blocks
}

fn trim_line_ending(text: &str, range: Range<usize>) -> usize {
    let slice = &text[range.clone()];
    range.start + slice.trim_end_matches(['\n', '\r']).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flavor(mdbook_05: bool) -> Flavor {
        Flavor { mdbook_05, smart_punctuation: false, definition_lists: mdbook_05, admonitions: mdbook_05 }
    }

    fn ids(text: &str, mdbook_05: bool) -> Vec<String> {
        Document::parse(text, flavor(mdbook_05)).headings.into_iter().map(|h| h.id).collect()
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
    fn titles_keep_quotes_and_dashes_as_written() {
        let smart = Flavor { smart_punctuation: true, ..flavor(true) };
        let heading = &Document::parse("# Grace's \"plan\" -- v2...\n", smart).headings[0];
        assert_eq!(heading.title, "Grace's \"plan\" -- v2...");
        assert_eq!(heading.text, "Grace’s “plan” – v2…");
    }

    #[test]
    fn directives_are_found_outside_code_and_html() {
        let text = "See {{#story alan}} and \\{{#story grace}}.\n\n`{{#story code}}` <b title=\"{{#story html}}\">\n\n```\n{{#story fenced}}\n```\n\n- {{#stories topic=learning kind=status-quo}}\n{{#include x.md}}\n";
        let document = Document::parse(text, flavor(true));
        let found: Vec<(&str, &str, bool)> = document
            .directives_and_escapes(&["story", "stories"])
            .iter()
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
        assert_eq!(document.directives(&["story"]).len(), 1, "escaped directives are left alone");
        let unclosed =
            Document::parse("{{#roadmap-legend\n\ntext\n\n```\nif x { y() }}\n```\n", flavor(true));
        assert!(unclosed.directives(&["roadmap-legend"]).is_empty());
        let escaped = &document.directives_and_escapes(&["story"])[1];
        assert_eq!(&text[escaped.range.clone()], "\\{{#story grace}}");
    }

    #[test]
    fn prose_leaves_out_code_links_images_html_and_headings() {
        let text = "# Alan\n\nAlan and *Alan* `Alan` [Alan](a.md) ![Alan](i.png) <b>Alan</b>\n\n| Alan |\n| --- |\n\n    Alan\n\n[x]: Alan\n";
        let document = Document::parse(text, flavor(true));
        let prose: String = document.prose(false).iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(prose.matches("Alan").count(), 3, "{prose}");
        assert_eq!(document.mentions(&document.prose(true), "Alan").len(), 4);
    }

    #[test]
    fn directives_are_not_prose() {
        let text = "Alan says {{#stories character=Alan}} and \\{{#story alan}} to Alan.\n";
        let document = Document::parse(text, flavor(true));
        assert_eq!(document.mentions(&document.prose(false), "Alan").len(), 2);
    }

    #[test]
    fn mentions_are_whole_words() {
        let text = "Alan's Alanna Grace-ful Grace - Alan_x x-Alan Alan.\n";
        let document = Document::parse(text, flavor(true));
        let found: Vec<usize> =
            document.mentions(&document.prose(false), "Alan").iter().map(|r| r.start).collect();
        assert_eq!(found, [0, text.rfind("Alan.").unwrap()]);
        assert_eq!(document.mentions(&document.prose(false), "Grace").len(), 1);
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
