//! The `character-links` step: pasted definitions such as `[Alan]: ../characters/alan.md`
//! removed where the characters feature makes them redundant.
//!
//! A definition is a candidate when its label names a cast member and it points at that cast
//! member's page (correct) or at no page at all (stale, after a move): without it, the
//! feature points `[Alan]` and `[Alan][]` at the right page. It is kept when it points
//! elsewhere (a profile, another site), or is used where the feature does not link: in a
//! heading, or as the label of a full reference (`[the newcomer][Alan]`).

use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::markdown::{Document, LinkDefinition, normalize_label};
use mdbook_vision_core::model::{PageId, VisionBook};
use pulldown_cmark::LinkType;

use super::definitions::removals;
use super::links::Links;
use super::{Change, Tally, in_heading};

/// The changes of the step (one per definition).
pub(crate) fn plan(book: &VisionBook<'_>, links: &Links) -> (Vec<Change>, Vec<Diagnostic>) {
    let mut changes = Vec::new();
    for page_id in book.page_ids() {
        let page = book.page(page_id);
        let Some(file) = page.source.source_path.as_deref().map(str::to_owned) else { continue };
        let redundant: Vec<&LinkDefinition> = page
            .doc
            .link_definitions
            .iter()
            .filter(|definition| is_redundant(book, page_id, definition, links))
            .collect();
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
