//! Fenced code blocks, with their bodies mapped back to the source.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag};

use super::text::{Spanned, end_of};

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

/// The fenced code blocks of a chapter whose events are `events`.
pub(super) fn find_fenced_blocks(text: &str, events: &[Spanned<'_>]) -> Vec<FencedBlock> {
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
