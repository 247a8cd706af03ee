//! The `character-links` step: pasted definitions such as `[Alan]: ../characters/alan.md`
//! removed where the characters feature makes them redundant.
//!
//! A definition is a candidate when its label names a cast member and it points at that cast
//! member's page (correct) or at no page at all (stale, after a move): without it, the
//! feature points `[Alan]` and `[Alan][]` at the right page. It is kept when it points
//! elsewhere (a profile, another site), or is used where the feature does not link: in a
//! heading, or as the label of a full reference (`[the newcomer][Alan]`).

use std::ops::Range;

use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::markdown::{Document, LinkDefinition, normalize_label};
use mdbook_vision_core::model::{PageId, VisionBook};
use pulldown_cmark::LinkType;

use super::links::Links;
use super::{Change, Tally, in_heading, line_end, line_start};

/// The changes of the step (one per definition).
pub(crate) fn plan(book: &VisionBook<'_>, links: &Links) -> (Vec<Change>, Vec<Diagnostic>) {
    let mut changes = Vec::new();
    for page_id in book.page_ids() {
        let page = book.page(page_id);
        let Some(file) = page.source.source_path.as_deref().map(str::to_owned) else { continue };
        let removed: Vec<(&LinkDefinition, Range<usize>)> = page
            .doc
            .link_definitions
            .iter()
            .filter(|definition| is_redundant(book, page_id, definition, links))
            .filter_map(|definition| Some((definition, whole_lines(&page.doc, definition)?)))
            .collect();
        for (index, (definition, lines)) in removed.iter().enumerate() {
            let lines = with_blank_line_after(page.doc.text, &removed, index, lines.clone());
            changes.push(Change {
                file: file.clone(),
                location: page.location(definition.range.clone()),
                splices: vec![(lines, String::new())],
                tally: vec![Tally::DefinitionRemoved],
                what: format!("the definition of `[{}]`", definition.label),
            });
        }
    }
    (changes, Vec::new())
}

/// Whether the characters feature would make `definition`, on page `page`, redundant.
fn is_redundant(book: &VisionBook<'_>, page: PageId, definition: &LinkDefinition, links: &Links) -> bool {
    let Some(character) = book.character_named(&definition.label).map(|id| book.character_at(id)) else {
        return false;
    };
    let from = &book.page(page).output_path;
    let Some(target) = links.target(from, &definition.destination) else { return false };
    let leads_home = book.page_by_path(&target.path) == Some(character.page)
        && (target.anchor.is_none() || target.anchor == character.anchor);
    let stale = book.page_by_path(&target.path).is_none();
    (leads_home || stale) && only_mentions(&book.page(page).doc, &definition.label)
}

/// Whether every use of the label is `[Label]` or `[Label][]` outside headings.
fn only_mentions(doc: &Document<'_>, label: &str) -> bool {
    let label = normalize_label(label);
    doc.nodes.all().iter().filter_map(|node| doc.nodes.link(node).map(|info| (node, info))).all(
        |(node, info)| {
            let uses = normalize_label(&info.label) == label;
            let mention = matches!(info.link_type, LinkType::Shortcut | LinkType::Collapsed);
            !uses || (mention && !in_heading(doc, node.range().start))
        },
    )
}

/// The lines `definition` fills, line endings included, when nothing else is on them.
fn whole_lines(doc: &Document<'_>, definition: &LinkDefinition) -> Option<Range<usize>> {
    let text = doc.text;
    let (start, end) = (line_start(text, definition.range.start), line_end(text, definition.range.end));
    let before = &text[start..definition.range.start];
    let after = &text[definition.range.end..end];
    (before.chars().all(|c| c == ' ') && after.trim().is_empty()).then_some(start..end)
}

/// `lines`, the lines of the `index`th of the `removed` definitions, with the blank line after
/// them when they end a run of removed definitions that stands between blank lines: so that
/// removing a paragraph of definitions leaves one blank line, not two.
fn with_blank_line_after(
    text: &str,
    removed: &[(&LinkDefinition, Range<usize>)],
    index: usize,
    lines: Range<usize>,
) -> Range<usize> {
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
