//! Link definitions as the steps remove them: whole lines only, and a paragraph of them with
//! one of the blank lines around it, so that no gap is left.

use std::ops::Range;

use mdbook_vision_core::markdown::{Document, LinkDefinition};

use super::{line_end, line_start};

/// What removing `definitions` (in the order of `doc`) takes out of its text: for each that
/// fills whole lines, those lines, and the blank line after the last of a paragraph of
/// removed definitions that stands between blank lines.
pub(super) fn removals<'d>(
    doc: &Document<'_>,
    definitions: &[&'d LinkDefinition],
) -> Vec<(&'d LinkDefinition, Range<usize>)> {
    let whole: Vec<(&LinkDefinition, Range<usize>)> =
        definitions.iter().filter_map(|&d| Some((d, whole_lines(doc, d)?))).collect();
    (0..whole.len()).map(|index| (whole[index].0, with_blank_line_after(doc.text, &whole, index))).collect()
}

/// The lines `definition` fills, line endings included, when nothing else is on them.
fn whole_lines(doc: &Document<'_>, definition: &LinkDefinition) -> Option<Range<usize>> {
    let text = doc.text;
    let (start, end) = (line_start(text, definition.range.start), line_end(text, definition.range.end));
    let before = &text[start..definition.range.start];
    let after = &text[definition.range.end..end];
    (before.chars().all(|c| c == ' ') && after.trim().is_empty()).then_some(start..end)
}

/// The lines of the `index`th of the `removed` definitions, with the blank line after them
/// when they end a run of removed definitions that stands between blank lines: so that
/// removing a paragraph of definitions leaves one blank line, not two.
fn with_blank_line_after(
    text: &str,
    removed: &[(&LinkDefinition, Range<usize>)],
    index: usize,
) -> Range<usize> {
    let lines = removed[index].1.clone();
    let ends_run = removed.get(index + 1).is_none_or(|(_, next)| next.start != lines.end);
    let mut first = index;
    while first > 0 && removed[first - 1].1.end == removed[first].1.start {
        first -= 1;
    }
    let run_start = removed[first].1.start;
    let blank = |line: Range<usize>| text[line].trim().is_empty();
    let blank_before = run_start == 0 || blank(line_start(text, run_start - 1)..run_start);
    let blank_after = lines.end < text.len() && blank(lines.end..line_end(text, lines.end));
    if ends_run && blank_before && blank_after { lines.start..line_end(text, lines.end) } else { lines }
}
