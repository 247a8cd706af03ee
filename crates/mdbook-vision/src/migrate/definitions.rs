//! Link definitions as the steps remove them: whole lines only, and a paragraph of them with
//! one of the blank lines around it, so that no gap is left.

use std::ops::Range;

use foldhash::{HashMap, HashMapExt as _, HashSet, HashSetExt as _};
use mdbook_vision_core::markdown::{Document, Element, LinkDefinition, normalize_label};

use super::{line_end, line_start};

/// The definitions of `doc` whose every use is one of the links at `replaced` (the ranges of
/// links a step turns into something else): used before, unused after. A page with a
/// reference image (`![alt][label]`) keeps them all, as images are not counted.
pub(super) fn left_unused<'d>(doc: &'d Document<'_>, replaced: &[Range<usize>]) -> Vec<&'d LinkDefinition> {
    let nodes = doc.nodes.all();
    let reference_image =
        nodes.iter().any(|n| n.starts(Element::Image) && !doc.text[n.range()].ends_with(')'));
    if replaced.is_empty() || reference_image {
        return Vec::new();
    }
    // For each label: how many of its uses are replaced, and how many stay.
    let mut uses: HashMap<String, (usize, usize)> = HashMap::new();
    for (node, info) in nodes.iter().filter_map(|node| Some((node, doc.nodes.link(node)?))) {
        if info.label.is_empty() {
            continue;
        }
        let counts = uses.entry(normalize_label(&info.label)).or_default();
        match replaced.iter().any(|range| range.contains(&node.range().start)) {
            true => counts.0 += 1,
            false => counts.1 += 1,
        }
    }
    // Only the first definition of a label is ever used.
    let mut seen = HashSet::new();
    let first_of_its_label = |definition: &&LinkDefinition| seen.insert(normalize_label(&definition.label));
    doc.link_definitions
        .iter()
        .filter(first_of_its_label)
        .filter(|d| {
            uses.get(&normalize_label(&d.label)).is_some_and(|&(replaced, kept)| replaced > 0 && kept == 0)
        })
        .collect()
}

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

/// `after` (a chapter with lines removed from `before`) without the blank lines the removal
/// left at its end: it ends as `before` ended.
pub(crate) fn tidy_end(before: &str, after: &str) -> String {
    let trailing = |text: &str| text.len() - text.trim_end().len();
    let body = after.trim_end();
    format!("{body}{}", &before[before.len() - trailing(before)..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_definitions_leave_no_blank_lines_at_the_end() {
        assert_eq!(tidy_end("a\n\n[A]: x\n", "a\n\n"), "a\n");
        assert_eq!(tidy_end("a\r\n\r\n[A]: x\r\n", "a\r\n\r\n"), "a\r\n");
        assert_eq!(tidy_end("a\n\n[A]: x", "a\n\n"), "a");
        assert_eq!(tidy_end("a\n[A]: x\n\nb\n", "a\n\nb\n"), "a\n\nb\n");
    }
}
