//! Headings, and the HTML ids mdBook gives them.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag};

use super::Flavor;
use super::text::{Spanned, end_of, plain_text, text_as_written};

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

/// The headings of a chapter whose events are `events`, with their ids.
pub(super) fn find_headings(source: &str, events: &[Spanned<'_>], flavor: Flavor) -> Vec<Heading> {
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
    /// For each id, the suffix to try next: every smaller one is taken (0.5), or how many
    /// headings had it (0.4).
    counts: HashMap<String, usize>,
}

impl IdAllocator {
    fn new(flavor: Flavor) -> Self {
        IdAllocator { flavor, used: HashSet::new(), counts: HashMap::new() }
    }

    fn allocate(&mut self, inner: &[Spanned<'_>], text: &str) -> String {
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
