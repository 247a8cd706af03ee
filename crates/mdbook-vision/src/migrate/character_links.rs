//! The `character-links` step: pasted definitions such as `[Alan]: ../characters/alan.md`
//! removed where the characters feature makes them redundant.
//!
//! A definition is a candidate when its label names a cast member and it points at that cast
//! member's page (correct) or at no page at all (stale, after a move): without it, the
//! feature points `[Alan]` and `[Alan][]` at the right page. It is kept when it points
//! elsewhere (a profile, another site), or is used where the feature does not link: in a
//! heading, or as the label of a full reference (`[the newcomer][Alan]`); kept but stale, it
//! is pointed at the character's page.

use std::ops::Range;

use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::generate::link_destination;
use mdbook_vision_core::markdown::{Document, LinkDefinition};
use mdbook_vision_core::model::{CharacterLink, PageId, VisionBook};
use pulldown_cmark::LinkType;

use super::definitions::removals;
use super::links::Links;
use super::{Change, Tally};

/// The changes of the step (one per definition).
pub(crate) fn plan(book: &VisionBook<'_>, links: &Links) -> (Vec<Change>, Vec<Diagnostic>) {
    let mut changes = Vec::new();
    for page_id in book.page_ids() {
        let page = book.page(page_id);
        let Some(file) = page.source.source_path.as_deref().map(str::to_owned) else { continue };
        let mut redundant = Vec::new();
        for definition in &page.doc.link_definitions {
            match fate(book, page_id, definition, links) {
                Some(Fate::Remove) => redundant.push(definition),
                Some(Fate::Repoint(destination)) => {
                    let written = definition_destination(&page.doc, definition);
                    changes.extend(written.map(|range| Change {
                        file: file.clone(),
                        location: page.location(definition.range.clone()),
                        splices: vec![(range, link_destination(&destination))],
                        tally: vec![Tally::DefinitionRepointed],
                        what: format!(
                            "the stale definition of `[{}]`, pointed at `{destination}`",
                            definition.label
                        ),
                    }));
                }
                None => {}
            }
        }
        changes.extend(stale_inline_links(book, page_id, &file));
        for (definition, lines) in removals(&page.doc, &redundant) {
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

/// Each inline link to a character (`[Alan](../characters/alan.md)`) that points at a page
/// the book does not have, pointed at the character's page, its text and title kept.
fn stale_inline_links(book: &VisionBook<'_>, page_id: PageId, file: &str) -> Vec<Change> {
    let page = book.page(page_id);
    let stale = book.character_links(page_id).iter().filter(|link| {
        link.label.is_empty() && link.broken.as_deref().is_some_and(|destination| !destination.is_empty())
    });
    let repointed = stale.filter_map(|link| {
        let destination = book.link_to_character(page_id, book.character_at(link.character));
        let splice = (inline_destination(&page.doc, link)?, link_destination(&destination));
        Some(Change {
            file: file.to_owned(),
            location: page.location(link.range.clone()),
            splices: vec![splice],
            tally: vec![Tally::LinkRepointed],
            what: format!(
                "the stale link `{}`, pointed at `{destination}`",
                &page.doc.text[link.range.clone()]
            ),
        })
    });
    repointed.collect()
}

/// What becomes of a character's definition.
enum Fate {
    /// It goes: the feature links every use of its label without it.
    Remove,
    /// It stays, as a heading or a full reference uses it, but points at a page the book
    /// does not have: it is pointed at this destination, the character's page.
    Repoint(String),
}

/// What becomes of `definition`, on page `page`: nothing when it does not name a cast member,
/// or points somewhere else than the character's page (a profile, another site).
fn fate(book: &VisionBook<'_>, page: PageId, definition: &LinkDefinition, links: &Links) -> Option<Fate> {
    let character = book.character_at(book.character_named(&definition.label)?);
    let target = links.target(&book.page(page).output_path, &definition.destination)?;
    let leads_home = book.page_by_path(&target.path) == Some(character.page)
        && (target.anchor.is_none() || target.anchor == character.anchor);
    let stale = book.page_by_path(&target.path).is_none();
    if (leads_home || stale) && only_mentions(&book.page(page).doc, &definition.label) {
        Some(Fate::Remove)
    } else if stale {
        Some(Fate::Repoint(book.link_to_character(page, character)))
    } else {
        None
    }
}

/// Where the destination of `definition` is written: after its `]:`.
fn definition_destination(doc: &Document<'_>, definition: &LinkDefinition) -> Option<Range<usize>> {
    let written = &doc.text[definition.range.clone()];
    let colon = written.match_indices("]:").map(|(at, _)| at).find(|&at| !written[..at].ends_with('\\'))?;
    let range = destination_at(doc.text, definition.range.start + colon + 2)?;
    reads_as(doc, range, &definition.destination)
}

/// Where the destination of the inline link `link` is written: after its `](`.
fn inline_destination(doc: &Document<'_>, link: &CharacterLink) -> Option<Range<usize>> {
    let after_text = link.text.end;
    let range = doc.text[after_text..link.range.end]
        .starts_with("](")
        .then(|| destination_at(doc.text, after_text + 2))??;
    reads_as(doc, range, link.broken.as_deref()?)
}

/// `range` of `doc`, when what is written there is `destination` (in `<...>` or not): a
/// destination written with escapes, or across the marks of a block quote, is left alone.
fn reads_as(doc: &Document<'_>, range: Range<usize>, destination: &str) -> Option<Range<usize>> {
    let written = &doc.text[range.clone()];
    let bare = written.strip_prefix('<').and_then(|w| w.strip_suffix('>')).unwrap_or(written);
    (bare == destination).then_some(range)
}

/// The destination written at `start` of `text` (spaces before it skipped): `<...>`, or up to
/// a space or a parenthesis that closes more than it opened.
fn destination_at(text: &str, start: usize) -> Option<Range<usize>> {
    let rest = &text[start..];
    let start = start + rest.len() - rest.trim_start().len();
    let rest = &text[start..];
    if let Some(inside) = rest.strip_prefix('<') {
        return Some(start..start + inside.find('>')? + 2);
    }
    let mut depth = 0usize;
    let end = rest
        .char_indices()
        .find(|&(_, c)| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' if depth == 0 => true,
            ')' => {
                depth -= 1;
                false
            }
            c => c.is_whitespace(),
        })
        .map_or(rest.len(), |(at, _)| at);
    (end > 0).then_some(start..start + end)
}

/// Whether every use of the label is `[Label]` or `[Label][]` outside headings.
fn only_mentions(doc: &Document<'_>, label: &str) -> bool {
    doc.references_to(label).all(|(at, info)| {
        matches!(info.link_type, LinkType::Shortcut | LinkType::Collapsed) && !doc.in_heading(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_destination_ends_at_a_space_or_an_unopened_parenthesis() {
        fn at(text: &str, start: usize) -> Option<&str> {
            destination_at(text, start).map(|range| &text[range])
        }
        assert_eq!(at("[A]: ../a.md \"title\"", 4), Some("../a.md"));
        assert_eq!(at("[A](../a_(b).md \"t\")", 4), Some("../a_(b).md"));
        assert_eq!(at("[A](../a.md)", 4), Some("../a.md"));
        assert_eq!(at("[A]: <../my a.md> 't'", 4), Some("<../my a.md>"));
        assert_eq!(at("[A]:\n  ../a.md", 4), Some("../a.md"));
        assert_eq!(at("[A]()", 4), None);
    }
}
