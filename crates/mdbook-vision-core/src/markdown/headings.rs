//! Headings, and the HTML ids mdBook gives them.

use std::ops::Range;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::Flavor;
use super::text::SMART_PUNCTUATION;

/// A heading of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// The whole heading in the source.
    pub range: Range<usize>,
    /// Its text, without markup, as mdBook renders it (smart punctuation applied when on).
    pub text: String,
    /// Its text as the author typed it, when smart punctuation made `text` differ.
    as_written: Option<String>,
    /// Its position among the chapter's headings: its id is
    /// [`super::Document::heading_id`].
    pub(super) index: usize,
}

impl Heading {
    /// Its text, without markup, with quotes and dashes as the author typed them: the same
    /// whatever mdBook's smart punctuation setting, for titles and ids.
    pub fn title(&self) -> &str {
        self.as_written.as_deref().unwrap_or(&self.text)
    }
}

/// The HTML ids mdBook gives a chapter's headings, made once a feature asks for one: most
/// chapters are never linked to by anchor.
#[derive(Debug, Default)]
pub(super) struct HeadingIds {
    flavor: Flavor,
    /// What takes an id, in order (definition list titles take one too).
    takers: Vec<IdTaker>,
    /// Each heading's id, by its position.
    ids: std::sync::OnceLock<Vec<String>>,
}

/// A heading, or a definition list title, which takes an id as a heading does.
#[derive(Debug)]
enum IdTaker {
    /// A heading, by its position, with its explicit `{#id}` if it has one.
    Heading(usize, Option<String>),
    /// A definition list title, with its text.
    Title(String),
}

impl HeadingIds {
    /// Each heading's id, by its position.
    pub(super) fn get(&self, headings: &[Heading]) -> &[String] {
        self.ids.get_or_init(|| {
            let mut ids = IdAllocator::new(self.flavor);
            let mut heading_ids = Vec::with_capacity(headings.len());
            for taker in &self.takers {
                match taker {
                    IdTaker::Heading(index, explicit) => {
                        let text = headings.get(*index).map_or("", |h| h.text.as_str());
                        // An explicit `{#id}` wins, and takes no id from the others.
                        heading_ids.push(explicit.clone().unwrap_or_else(|| ids.allocate(&[], text)));
                    }
                    IdTaker::Title(text) => drop(ids.allocate(&[], text)),
                }
            }
            heading_ids
        })
    }
}

/// Collects the headings of a chapter, with their ids, from its events as they are parsed.
pub(super) struct Headings<'a> {
    flavor: Flavor,
    headings: Vec<Heading>,
    /// mdBook 0.4's ids, made as the headings are read: they come from each heading's HTML.
    ids_04: Option<(IdAllocator, Vec<String>)>,
    /// What takes an id, for mdBook 0.5's, made later from the headings' text.
    takers: Vec<IdTaker>,
    /// The heading (or definition list title, which takes an id too) being read.
    open: Option<OpenHeading<'a>>,
}

/// A heading being read: its text is gathered as its events come.
struct OpenHeading<'a> {
    /// Its level and explicit id; `None` for a definition list title.
    heading: Option<(u8, Option<CowStr<'a>>)>,
    range: Range<usize>,
    /// Its text without markup (text and inline code, not HTML nor image text), as rendered.
    text: String,
    /// Its text with quotes and dashes as the author typed them, once smart punctuation
    /// changed one; until then, the same as `text`.
    written: Option<String>,
    /// How many images it is in: their text is not the heading's.
    in_image: usize,
    /// Its events, kept for mdBook 0.4 only, whose ids come from the heading's HTML.
    events: Vec<Event<'a>>,
}

impl<'a> OpenHeading<'a> {
    fn new(heading: Option<(u8, Option<CowStr<'a>>)>, range: &Range<usize>) -> Self {
        OpenHeading {
            heading,
            range: range.clone(),
            // Its text is shorter than its markdown.
            text: String::with_capacity(range.len()),
            written: None,
            in_image: 0,
            events: Vec::new(),
        }
    }

    /// Takes an event of the heading, which came from `range` of `source`, into account.
    fn take(&mut self, source: &str, event: &Event<'a>, range: &Range<usize>, keep_events: bool) {
        if keep_events {
            self.events.push(event.clone());
        }
        match event {
            Event::Start(Tag::Image { .. }) => self.in_image += 1,
            Event::End(TagEnd::Image) => self.in_image = self.in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if self.in_image == 0 => {
                let as_written = source.get(range.clone()).filter(|written| {
                    matches!(event, Event::Text(_))
                        && SMART_PUNCTUATION.contains(&t.as_ref())
                        && *written != t.as_ref()
                });
                match (as_written, &mut self.written) {
                    (Some(as_written), None) => self.written = Some(format!("{}{as_written}", self.text)),
                    (Some(as_written), Some(written)) => written.push_str(as_written),
                    (None, Some(written)) => written.push_str(t),
                    (None, None) => {}
                }
                self.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak if self.in_image == 0 => {
                self.text.push(' ');
                if let Some(written) = &mut self.written {
                    written.push(' ');
                }
            }
            _ => {}
        }
    }
}

impl<'a> Headings<'a> {
    pub(super) fn new(flavor: Flavor) -> Self {
        let ids_04 = (!flavor.mdbook_05).then(|| (IdAllocator::new(flavor), Vec::new()));
        Headings { flavor, headings: Vec::new(), ids_04, takers: Vec::new(), open: None }
    }

    /// Takes `event`, which came from `range` of `source`, into account.
    pub(super) fn observe(&mut self, source: &str, event: &Event<'a>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) if self.open.is_none() => {
                self.open = Some(OpenHeading::new(Some((heading_level(*level), id.clone())), range));
            }
            Event::Start(Tag::DefinitionListTitle) if self.open.is_none() => {
                self.open = Some(OpenHeading::new(None, range));
            }
            Event::End(TagEnd::Heading(_) | TagEnd::DefinitionListTitle) => {
                if let Some(open) = self.open.take() {
                    self.close(open);
                }
            }
            _ => {
                let keep_events = self.ids_04.is_some();
                if let Some(open) = &mut self.open {
                    open.take(source, event, range, keep_events);
                }
            }
        }
    }

    fn close(&mut self, open: OpenHeading<'a>) {
        let OpenHeading { heading, range, text, written, events, .. } = open;
        let Some((level, explicit_id)) = heading else {
            match &mut self.ids_04 {
                Some((ids, _)) => drop(ids.allocate(&events, &text)),
                None => self.takers.push(IdTaker::Title(text)),
            }
            return;
        };
        let index = self.headings.len();
        let explicit_id = explicit_id.map(|id| String::from(&*id));
        match &mut self.ids_04 {
            Some((ids, heading_ids)) => {
                heading_ids.push(explicit_id.unwrap_or_else(|| ids.allocate(&events, &text)));
            }
            None => self.takers.push(IdTaker::Heading(index, explicit_id)),
        }
        self.headings.push(Heading { level, range, as_written: written, text, index });
    }

    /// The headings, in order, and their ids.
    pub(super) fn finish(mut self) -> (Vec<Heading>, HeadingIds) {
        self.headings.shrink_to_fit();
        self.takers.shrink_to_fit();
        let ids = match self.ids_04 {
            Some((_, heading_ids)) => HeadingIds {
                flavor: self.flavor,
                takers: Vec::new(),
                ids: std::sync::OnceLock::from(heading_ids),
            },
            None => HeadingIds { flavor: self.flavor, takers: self.takers, ids: std::sync::OnceLock::new() },
        };
        (self.headings, ids)
    }
}

/// mdBook's heading ids: 0.4 derives them from the heading's HTML, 0.5 from its text with
/// Unicode lowercasing; both make repeats unique with `-1`, `-2`, ... suffixes.
struct IdAllocator {
    flavor: Flavor,
    used: HashSet<String>,
    /// For each id, the suffix to try next: every smaller one is taken (0.5), or how many
    /// headings had it (0.4).
    counts: HashMap<String, usize>,
}

impl IdAllocator {
    fn new(flavor: Flavor) -> Self {
        IdAllocator { flavor, used: HashSet::new(), counts: HashMap::new() }
    }

    /// The id of a heading whose text is `text`; `events` are its events under mdBook 0.4.
    fn allocate(&mut self, events: &[Event<'_>], text: &str) -> String {
        if self.flavor.mdbook_05 {
            let id = heading_id_05(text);
            if self.used.insert(id.clone()) {
                return id;
            }
            // mdBook tries `-1`, `-2`, ... in turn; the ids it skips stay taken, so the search
            // can go on where it stopped last time.
            let next = self.counts.entry(id.clone()).or_insert(1);
            loop {
                let candidate = format!("{id}-{next}");
                *next += 1;
                if self.used.insert(candidate.clone()) {
                    return candidate;
                }
            }
        } else {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
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
    let text = text.trim();
    if text.is_ascii() {
        return ascii_heading_id_05(text);
    }
    let mut id = String::with_capacity(text.len());
    let push = |ch: char| match ch {
        ch if ch.is_alphanumeric() || ch == '_' || ch == '-' => id.push(ch),
        ch if ch.is_whitespace() => id.push('-'),
        _ => {}
    };
    if text.contains('Σ') {
        // The one letter whose lowercase depends on its place in a word.
        text.to_lowercase().chars().for_each(push);
    } else {
        text.chars().flat_map(char::to_lowercase).for_each(push);
    }
    id
}

/// [`heading_id_05`] of an ASCII `text`, byte by byte: most headings are ASCII.
fn ascii_heading_id_05(text: &str) -> String {
    let mut id = Vec::with_capacity(text.len());
    id.extend(text.bytes().filter_map(|b| match b {
        b if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => Some(b.to_ascii_lowercase()),
        // The ASCII characters `char::is_whitespace` knows.
        b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => Some(b'-'),
        _ => None,
    }));
    String::from_utf8(id).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode_headings_get_the_ids_of_mdbook_0_5() {
        assert_eq!(heading_id_05("  Alan's \u{b} Plan_B-2! "), "alans---plan_b-2");
        assert_eq!(heading_id_05("Ünïcödé ΣΑΣ Straße"), "ünïcödé-σας-straße");
        // Every ASCII character, one by one, as the general rule makes it.
        for byte in 0..=127u8 {
            let text = format!("a{}b", char::from(byte));
            let general: String = text
                .chars()
                .filter_map(|ch| match ch {
                    ch if ch.is_alphanumeric() || ch == '_' || ch == '-' => Some(ch.to_ascii_lowercase()),
                    ch if ch.is_whitespace() => Some('-'),
                    _ => None,
                })
                .collect();
            assert_eq!(heading_id_05(&text), general, "byte {byte}");
        }
    }
}
