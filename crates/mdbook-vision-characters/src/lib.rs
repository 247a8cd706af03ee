//! `vision-characters`: mentions of cast members link to their pages, and broken character
//! links are repaired.
//!
//! In prose (never in code, links, images, raw HTML, headings unless configured, or the
//! table made from a story block), the first mention of each character in each chapter (or
//! in each story of a single-page chapter) becomes a link to the character's page or section,
//! relative to the chapter. A reference link `[Alan]`, `[Alan][]` or `[text][Alan]` whose
//! definition is missing, or points at a page the book does not have, is pointed at the right
//! page and reported as a note.

use std::collections::BTreeMap;
use std::ops::Range;

use foldhash::HashSet;
use mdbook_vision_core::codes;
use mdbook_vision_core::config::LinkMentions;
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::feature::{Feature, FeatureId, PageEditor};
use mdbook_vision_core::generate::link_destination;
use mdbook_vision_core::markdown::normalize_label;
use mdbook_vision_core::model::{
    CastMention, Character, CharacterId, CharacterLink, PageId, VisionBook, section_of,
};
use mdbook_vision_core::splice::Edits;

/// The `vision-characters` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Characters;

impl Feature for Characters {
    fn id(&self) -> FeatureId {
        FeatureId::Characters
    }

    fn prepare<'b>(&self, book: &'b VisionBook<'b>, _: &mut Vec<Diagnostic>) -> Box<dyn PageEditor + 'b> {
        // Longer names first, so "Alan Turing" wins over "Alan".
        let mut by_length: Vec<CharacterId> = book.cast_ids().collect();
        by_length.sort_by_key(|&id| std::cmp::Reverse(book.character_at(id).name.len()));
        let mut rank = vec![0; by_length.len()];
        for (position, id) in by_length.iter().enumerate() {
            rank[id.index()] = position;
        }
        Box::new(CharacterLinks { book, rank })
    }
}

/// The characters feature prepared for a book.
struct CharacterLinks<'b> {
    book: &'b VisionBook<'b>,
    /// Each cast member's place when the cast is ordered longest names first, by id.
    rank: Vec<usize>,
}

impl PageEditor for CharacterLinks<'_> {
    fn edit_page(&self, page: PageId, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let book = self.book;
        let links = book.character_links(page);
        if book.settings.link != LinkMentions::None {
            self.link_mentions(page, links, edits);
        }
        let (in_headings, broken): (Vec<&CharacterLink>, Vec<&CharacterLink>) =
            links.iter().filter(|l| l.broken.is_some()).partition(|l| repair_changes_heading(book, page, l));
        for link in &broken {
            repair(book, page, link, edits);
        }
        diagnostics.extend(in_headings.into_iter().map(|link| left_in_heading(book, page, link)));
        // One note per stale definition: deleting it mends every link using it. A reference
        // without a definition is how the suite's books name a character (migrate removes the
        // definitions): it is linked without a word.
        let stale_links: Vec<(&CharacterLink, String, &str)> = broken
            .iter()
            .filter_map(|l| {
                Some((*l, normalize_label(&l.label), l.broken.as_deref().filter(|s| !s.is_empty())?))
            })
            .collect();
        let mut reported: Vec<(&str, &str)> = Vec::new();
        for (link, label, stale) in &stale_links {
            if reported.contains(&(label.as_str(), stale)) {
                continue;
            }
            let same = stale_links.iter().filter(|(_, l, s)| (l, s) == (label, stale)).count();
            diagnostics.push(repair_note(book, page, link, stale, same));
            reported.push((label, stale));
        }
    }
}

impl CharacterLinks<'_> {
    /// Links the mentions of every cast member on `page`, as `link` asks. `links` are the links
    /// to characters already on the page: each counts as its character's linked mention.
    fn link_mentions(&self, page: PageId, links: &[CharacterLink], edits: &mut Edits) {
        let book = self.book;
        let sections: Vec<Range<usize>> = book.stories_on(page).iter().map(|s| s.section.clone()).collect();
        let scope_of =
            |at: usize| if sections.len() > 1 { sections.iter().position(|s| s.contains(&at)) } else { None };
        let all = book.mentions(page);
        let mut mentions: Vec<&CastMention> = Vec::with_capacity(all.len());
        mentions.extend(all.iter().filter(|m| book.settings.link_headings || !m.in_heading));
        // The names mentioned, longest first, each with its mentions in the order of the text.
        mentions.sort_by_key(|m| self.rank[m.character.index()]);
        // What is linked already, start to end: links never overlap, so the one that starts
        // last before a mention's end is the only one it can overlap.
        let mut linked: BTreeMap<usize, usize> = links.iter().map(|l| (l.range.start, l.range.end)).collect();
        let repaired_ends: HashSet<usize> =
            links.iter().filter(|l| l.broken.is_some()).map(|l| l.range.end).collect();
        // Whether the character at hand is linked in each scope (each story of the page, then
        // the page outside them), with the scopes to clear before the next character.
        let mut linked_in = vec![false; sections.len() + 1];
        let mut to_clear = Vec::new();
        let slot = |scope: Option<usize>| scope.unwrap_or(sections.len());
        for mentions_of_one in mentions.chunk_by(|a, b| a.character == b.character) {
            let id = mentions_of_one[0].character;
            let character = book.character_at(id);
            // A link to the character's page counts for every name of that page (`Alan`, `Al`),
            // so that a second run links nothing more.
            let same_page = |other: CharacterId| {
                let other = book.character_at(other);
                other.page == character.page && other.anchor == character.anchor
            };
            for &scope in &to_clear {
                linked_in[scope] = false;
            }
            to_clear.clear();
            for link in links.iter().filter(|l| same_page(l.character)) {
                let scope = slot(scope_of(link.range.start));
                linked_in[scope] = true;
                to_clear.push(scope);
            }
            for mention in mentions_of_one {
                let mention = mention.range.clone();
                let overlaps =
                    linked.range(..mention.end).next_back().is_some_and(|(_, &end)| end > mention.start);
                if overlaps
                    || !linkable(book.page(page).doc.text, &mention, &repaired_ends)
                    || on_own_page(book, page, character, mention.start)
                {
                    continue;
                }
                if book.settings.link == LinkMentions::First {
                    let scope = slot(scope_of(mention.start));
                    if std::mem::replace(&mut linked_in[scope], true) {
                        continue;
                    }
                    to_clear.push(scope);
                }
                edits.replace(mention.clone(), book.mention_link(page, id));
                linked.insert(mention.start, mention.end);
            }
        }
    }
}

/// Whether the mention at `range` of `text` can become a link without changing what is around
/// it: after `!` it would become an image, after `\` an escaped bracket, and after `]` the
/// label of a reference link (`[text][Alan]`), which a second run would read as broken; unless
/// that `]` ends a link being repaired (in `repaired_ends`), which then ends in `)`.
fn linkable(text: &str, range: &Range<usize>, repaired_ends: &HashSet<usize>) -> bool {
    match text[..range.start].chars().next_back() {
        Some('!' | '\\') => false,
        Some(']') => repaired_ends.contains(&range.start),
        _ => true,
    }
}

/// Whether `at` on `page` is on the character's own page (or own section of a cast page).
fn on_own_page(book: &VisionBook<'_>, page: PageId, character: &Character, at: usize) -> bool {
    if character.page != page {
        return false;
    }
    let doc = &book.page(page).doc;
    match character.anchor.as_ref().and_then(|a| doc.headings.iter().find(|h| doc.heading_id(h) == a)) {
        Some(heading) => section_of(doc, heading).contains(&at),
        None => true,
    }
}

/// Whether repairing `link` would change the text of a heading: a reference without a
/// definition shows its brackets (`[Alan]`), which a link would not, and a heading's text is a
/// story's title or a character's name, which the next run would read changed.
fn repair_changes_heading(book: &VisionBook<'_>, page: PageId, link: &CharacterLink) -> bool {
    link.broken.as_deref() == Some("") && book.page(page).doc.in_heading(link.range.start)
}

/// Points a broken link at its character's page, keeping its text.
fn repair(book: &VisionBook<'_>, page: PageId, broken: &CharacterLink, edits: &mut Edits) {
    let doc = &book.page(page).doc;
    let destination = book.link_to_character(page, book.character_at(broken.character));
    let text = &doc.text[broken.text.clone()];
    edits.replace(broken.range.clone(), format!("[{text}]({})", link_destination(&destination)));
}

/// The warning that a reference to a character in a heading has no definition, and is left as
/// written.
fn left_in_heading(book: &VisionBook<'_>, page: PageId, link: &CharacterLink) -> Diagnostic {
    let the_page = book.page(page);
    let written = &the_page.doc.text[link.range.clone()];
    let character = book.character_at(link.character);
    let destination = book.link_to_character(page, character);
    Diagnostic::new(
        codes::CHARACTER_LINK_IN_HEADING,
        format!(
            "`{written}` has no link definition; in a heading it is left as written, since a link would change the heading's text (a title or a name)"
        ),
    )
    .at(the_page.location(link.range.clone()))
    .with_help(format!(
        "to link {}'s page, write `[{}]({})`",
        character.name,
        &the_page.doc.text[link.text.clone()],
        link_destination(&destination)
    ))
}

/// The note that a link whose definition is `stale`, and `count` - 1 others like it, were
/// repaired.
fn repair_note(
    book: &VisionBook<'_>,
    page: PageId,
    broken: &CharacterLink,
    stale: &str,
    count: usize,
) -> Diagnostic {
    let the_page = book.page(page);
    let doc = &the_page.doc;
    let written = &doc.text[broken.range.clone()];
    let character = book.character_at(broken.character);
    let destination = book.link_to_character(page, character);
    let name = &character.name;
    let others = match count {
        0 | 1 => String::new(),
        2 => " (and 1 more link like it)".to_owned(),
        n => format!(" (and {} more links like it)", n - 1),
    };
    let label = normalize_label(&broken.label);
    let definition = (!label.is_empty())
        .then(|| doc.link_definitions.iter().find(|d| normalize_label(&d.label) == label))
        .flatten();
    let help = match definition {
        Some(d) => format!(
            "its definition `{}` ({}) is stale: {}point it at `{destination}`",
            &doc.text[d.range.clone()],
            the_page.location(d.range.clone()).span.map_or(String::new(), |s| format!("line {}", s.line)),
            // Without a definition, a reference in a heading is left as written.
            if doc.references_to(&d.label).any(|(at, _)| doc.in_heading(at)) { "" } else { "delete it, or " },
        ),
        None => format!("it now points at `{destination}`"),
    };
    let message = format!(
        "`{written}`{others} pointed at `{stale}`, which is not a page of this book; it now links to {name}'s page"
    );
    Diagnostic::new(codes::CHARACTER_LINK_REPAIRED, message)
        .at(the_page.location(broken.range.clone()))
        .with_help(help)
}
