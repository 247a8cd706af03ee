//! Fenced code blocks, with their bodies mapped back to the source.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

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

/// Collects the fenced code blocks of a chapter from its events, as they are parsed.
#[derive(Debug, Default)]
pub(super) struct FencedBlocks {
    blocks: Vec<FencedBlock>,
    open: Option<FencedBlock>,
}

impl FencedBlocks {
    /// Takes `event`, which came from `range` of `text`, into account.
    pub(super) fn observe(&mut self, text: &str, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                self.open = Some(FencedBlock {
                    info: info.trim().to_owned(),
                    range: range.start..trim_line_ending(text, range.clone()),
                    body: String::new(),
                    body_map: Vec::new(),
                });
            }
            Event::Text(piece) => {
                if let Some(block) = &mut self.open {
                    block.body_map.push((block.body.len(), range.start, piece.len()));
                    block.body.push_str(piece);
                }
            }
            Event::End(TagEnd::CodeBlock) => self.blocks.extend(self.open.take()),
            _ => {}
        }
    }

    /// The blocks, in order.
    pub(super) fn finish(mut self) -> Vec<FencedBlock> {
        self.blocks.shrink_to_fit();
        self.blocks
    }
}

fn trim_line_ending(text: &str, range: Range<usize>) -> usize {
    let slice = &text[range.clone()];
    range.start + slice.trim_end_matches(['\n', '\r']).len()
}
