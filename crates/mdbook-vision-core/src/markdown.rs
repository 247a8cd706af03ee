//! Markdown analysis with source offsets, parsed once per chapter the way mdBook parses it.
//!
//! A [`Document`] holds the pulldown-cmark events of a chapter with their byte ranges, plus
//! what several features need from them: headings (with the HTML id mdBook will give them)
//! and fenced code blocks. Features read a `Document`; none parses a chapter on its own terms.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
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
        Flavor {
            mdbook_05: true,
            smart_punctuation: true,
            definition_lists: true,
            admonitions: true,
        }
    }
}

impl Flavor {
    /// The flavor of the mdBook that sent a request, from its version and book config.
    pub fn new(mdbook_version: &str, config: &Value) -> Self {
        let mdbook_05 =
            semver::Version::parse(mdbook_version).map_or(true, |v| (v.major, v.minor) >= (0, 5));
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
                smart_punctuation: flag("smart-punctuation")
                    .or(flag("curly-quotes"))
                    .unwrap_or(false),
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
        self.info
            .split([' ', ',', '\t', '{'])
            .next()
            .unwrap_or_default()
    }

    /// The source offset of byte `offset` of [`FencedBlock::body`].
    pub fn source_offset(&self, offset: usize) -> usize {
        for &(body_start, source_start, len) in &self.body_map {
            if offset < body_start + len {
                return source_start + offset.saturating_sub(body_start);
            }
        }
        self.body_map
            .last()
            .map_or(self.range.start, |&(_, source, len)| source + len)
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
}

impl<'a> Document<'a> {
    /// Parses `text` as mdBook of `flavor` would.
    pub fn parse(text: &'a str, flavor: Flavor) -> Self {
        let events: Vec<_> = Parser::new_ext(text, flavor.options())
            .into_offset_iter()
            .collect();
        let headings = find_headings(text, &events, flavor);
        let fenced_blocks = find_fenced_blocks(text, &events);
        Document {
            text,
            events,
            headings,
            fenced_blocks,
        }
    }

    /// The line ending the chapter uses (`\r\n` or `\n`), for text spliced into it.
    pub fn line_ending(&self) -> &'static str {
        line_ending(self.text)
    }

    /// What every line after the first of a block spliced at `offset` must start with to stay
    /// in the same block quote or list item: the line's `>` markers, with list markers and
    /// other text turned into spaces.
    pub fn continuation_prefix(&self, offset: usize) -> String {
        self.line_prefix(offset)
            .chars()
            .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
            .collect()
    }

    /// The last heading that starts before `offset`.
    pub fn heading_before(&self, offset: usize) -> Option<&Heading> {
        self.headings
            .iter()
            .take_while(|h| h.range.start < offset)
            .last()
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
    /// The directives named `names` in the chapter, outside code and raw HTML, in order.
    pub fn directives(&self, names: &[&str]) -> Vec<Directive<'a>> {
        let excluded: Vec<Range<usize>> = self
            .events
            .iter()
            .filter(|(e, _)| {
                matches!(
                    e,
                    Event::Code(_)
                        | Event::Html(_)
                        | Event::InlineHtml(_)
                        | Event::Start(Tag::CodeBlock(_))
                )
            })
            .map(|(_, r)| r.clone())
            .collect();
        let text = self.text;
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = text[from..].find("{{#").map(|i| from + i) {
            from = at + 3;
            let name_len = text[from..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(0);
            let name = &text[from..from + name_len];
            let Some(close) = text[from..].find("}}").map(|i| from + i) else {
                break;
            };
            let args = &text[from + name_len..close];
            if !names.contains(&name)
                || args.contains("{{")
                || excluded.iter().any(|r| r.contains(&at))
            {
                continue;
            }
            let escaped = text[..at].ends_with('\\');
            let start = if escaped { at - 1 } else { at };
            found.push(Directive {
                name,
                args: args.trim(),
                range: start..close + 2,
                escaped,
            });
            from = close + 2;
        }
        found
    }
}

/// The line ending `text` uses: `\r\n` if its first line ends so, else `\n`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn find_headings(
    source: &str,
    events: &[(Event<'_>, Range<usize>)],
    flavor: Flavor,
) -> Vec<Heading> {
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
        IdAllocator {
            flavor,
            used: HashSet::new(),
            counts: HashMap::new(),
        }
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
            let unique = if *count == 0 {
                id
            } else {
                format!("{id}-{count}")
            };
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
                if SMART_PUNCTUATION.contains(&t.as_ref())
                    && source.get(range.clone()) != Some(t) =>
            {
                (
                    Event::Text(source[range.clone()].to_owned().into()),
                    range.clone(),
                )
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
        Flavor {
            mdbook_05,
            smart_punctuation: false,
            definition_lists: mdbook_05,
            admonitions: mdbook_05,
        }
    }

    fn ids(text: &str, mdbook_05: bool) -> Vec<String> {
        Document::parse(text, flavor(mdbook_05))
            .headings
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn heading_ids_follow_each_mdbook_version() {
        let text = "# Alan: the startup guy\n## Ünïcödé Straße\n## FAQ\n## FAQ\n### Grace's *stream* `Pin`\n## [Alan](a.md) & <b>co</b>\n";
        assert_eq!(
            ids(text, true),
            [
                "alan-the-startup-guy",
                "ünïcödé-straße",
                "faq",
                "faq-1",
                "graces-stream-pin",
                "alan--co"
            ]
        );
        assert_eq!(
            ids(text, false),
            [
                "alan-the-startup-guy",
                "Ünïcödé-straße",
                "faq",
                "faq-1",
                "graces-stream-pin",
                "alan--co"
            ]
        );
    }

    #[test]
    fn titles_keep_quotes_and_dashes_as_written() {
        let smart = Flavor {
            smart_punctuation: true,
            ..flavor(true)
        };
        let heading = &Document::parse("# Grace's \"plan\" -- v2...\n", smart).headings[0];
        assert_eq!(heading.title, "Grace's \"plan\" -- v2...");
        assert_eq!(heading.text, "Grace’s “plan” – v2…");
    }

    #[test]
    fn directives_are_found_outside_code_and_html() {
        let text = "See {{#story alan}} and \\{{#story grace}}.\n\n`{{#story code}}` <b title=\"{{#story html}}\">\n\n```\n{{#story fenced}}\n```\n\n- {{#stories topic=learning kind=status-quo}}\n{{#include x.md}}\n";
        let document = Document::parse(text, flavor(true));
        let found: Vec<(&str, &str, bool)> = document
            .directives(&["story", "stories"])
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
        let escaped = &document.directives(&["story"])[1];
        assert_eq!(&text[escaped.range.clone()], "\\{{#story grace}}");
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
        assert_eq!(
            &text[block.range.clone()],
            "```story\r\n> id = \"x\"\r\n> ```"
        );
        assert_eq!(
            &text[block.source_offset(5)..block.source_offset(5) + 3],
            "\"x\""
        );
        assert_eq!(document.line_ending(), "\r\n");
        assert_eq!(document.line_prefix(block.range.start), "> ");
        assert_eq!(
            Document::parse("1. ```story\n   x\n   ```\n", flavor(true)).continuation_prefix(3),
            "   "
        );
    }
}
