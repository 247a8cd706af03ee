//! The text of events: elements' extents, text without markup, and text as the author typed it.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

/// An event with the byte range of the source it came from.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// The index of the event that ends the element started at `start`; `start` itself when the
/// event there starts nothing (text, HTML, a rule), and the length of `events` when the
/// element does not end within them.
pub fn end_of(events: &[Spanned<'_>], start: usize) -> usize {
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
pub fn plain_text(events: &[Spanned<'_>]) -> String {
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
pub fn text_as_written(source: &str, events: &[Spanned<'_>]) -> String {
    let undone: Vec<Spanned<'_>> = events
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
