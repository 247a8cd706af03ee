//! `vision-characters`: mentions of cast members link to their pages, and broken character
//! links are repaired.
//!
//! In prose (never in code, links, images, raw HTML, headings unless configured, or the
//! table made from a story block), the first mention of each character in each chapter (or
//! in each story of a single-page chapter) becomes a link to the character's page or section,
//! relative to the chapter. A reference link `[Alan]`, `[Alan][]` or `[text][Alan]` whose
//! definition is missing, or points at a page the book does not have, is pointed at the right
//! page and reported as a note.

use std::collections::HashSet;
use std::ops::Range;

use mdbook_vision_core::config::LinkMentions;
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::generate::{link, link_destination};
use mdbook_vision_core::model::{Character, VisionBook, is_relative_path, section_of};
use mdbook_vision_core::run::Feature;
use mdbook_vision_core::splice::Edits;
use pulldown_cmark::{Event, LinkType, Tag};

/// The `vision-characters` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Characters;

impl Feature for Characters {
    fn name(&self) -> &'static str {
        "vision-characters"
    }

    fn edit_page(
        &self,
        book: &VisionBook<'_>,
        page: usize,
        edits: &mut Edits,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if book.settings.link != LinkMentions::None {
            link_mentions(book, page, edits);
        }
        repair_missing_definitions(book, page, edits, diagnostics);
        repair_stale_definitions(book, page, edits, diagnostics);
    }
}

/// Links the mentions of every cast member on `page`, as `link` asks.
fn link_mentions(book: &VisionBook<'_>, page: usize, edits: &mut Edits) {
    let doc = &book.pages[page].doc;
    let prose = doc.prose(book.settings.link_headings);
    let sections: Vec<Range<usize>> = book.stories_on(page).map(|s| s.section.clone()).collect();
    let scope_of =
        |at: usize| if sections.len() > 1 { sections.iter().position(|s| s.contains(&at)) } else { None };
    // Broken references to cast members become links (see `repair_missing_definitions`).
    let repaired: Vec<(Range<usize>, &Character)> = doc
        .broken_references
        .iter()
        .filter_map(|b| Some((b.range.clone(), character_named(book, &b.label)?)))
        .collect();
    let mut links = existing_links(book, page);
    links.extend(repaired.iter().map(|(range, c)| LinkTarget {
        at: range.start,
        page: c.page,
        anchor: c.anchor.clone(),
    }));
    let mut linked: Vec<Range<usize>> = repaired.into_iter().map(|(range, _)| range).collect();
    // Longer names first, so "Alan Turing" wins over "Alan".
    let mut cast: Vec<&Character> = book.cast.iter().collect();
    cast.sort_by_key(|c| std::cmp::Reverse(c.name.len()));
    for character in cast {
        // A link the author wrote to the character's page is its linked mention in its scope.
        let mut seen_scopes: HashSet<Option<usize>> =
            links.iter().filter(|l| l.leads_to(character)).map(|l| scope_of(l.at)).collect();
        for mention in doc.mentions(&prose, &character.name) {
            if on_own_page(book, page, character, mention.start)
                || linked.iter().any(|l| l.start < mention.end && mention.start < l.end)
            {
                continue;
            }
            if book.settings.link == LinkMentions::First && !seen_scopes.insert(scope_of(mention.start)) {
                continue;
            }
            edits.replace(mention.clone(), link(&character.name, &book.link_to_character(page, character)));
            linked.push(mention);
        }
    }
}

/// Where a link on a page leads.
struct LinkTarget {
    /// Where the link starts.
    at: usize,
    /// The page it leads to.
    page: usize,
    /// The anchor on that page.
    anchor: Option<String>,
}

impl LinkTarget {
    fn leads_to(&self, character: &Character) -> bool {
        self.page == character.page && (character.anchor.is_none() || self.anchor == character.anchor)
    }
}

/// The links on `page` to pages of the book, outside tables made from story blocks; a stale
/// reference link to a cast member leads to the character's page, where it will be repaired.
fn existing_links(book: &VisionBook<'_>, page: usize) -> Vec<LinkTarget> {
    let doc = &book.pages[page].doc;
    let story_tables = doc.story_tables();
    doc.events
        .iter()
        .filter(|(_, range)| !story_tables.iter().any(|t| t.contains(&range.start)))
        .filter_map(|(event, range)| {
            let Event::Start(Tag::Link { link_type, dest_url, id, .. }) = event else { return None };
            if let Some(character) = stale_reference(book, page, *link_type, dest_url, id) {
                return Some(LinkTarget {
                    at: range.start,
                    page: character.page,
                    anchor: character.anchor.clone(),
                });
            }
            Some(LinkTarget {
                at: range.start,
                page: book.page_at(page, dest_url)?,
                anchor: dest_url.split_once('#').map(|(_, anchor)| anchor.to_owned()),
            })
        })
        .collect()
}

/// The cast member a reference link names, when its definition points at no page of the book.
fn stale_reference<'b>(
    book: &'b VisionBook<'_>,
    page: usize,
    link_type: LinkType,
    destination: &str,
    label: &str,
) -> Option<&'b Character> {
    let is_reference = matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut);
    let stale = is_relative_path(destination) && book.page_at(page, destination).is_none();
    if is_reference && stale { character_named(book, label) } else { None }
}

/// Whether `at` on `page` is on the character's own page (or own section of a cast page).
fn on_own_page(book: &VisionBook<'_>, page: usize, character: &Character, at: usize) -> bool {
    if character.page != page {
        return false;
    }
    let doc = &book.pages[page].doc;
    match character.anchor.as_ref().and_then(|a| doc.headings.iter().find(|h| &h.id == a)) {
        Some(heading) => section_of(doc, heading).contains(&at),
        None => true,
    }
}

/// The cast member a reference label names, ignoring case as reference labels do.
fn character_named<'b>(book: &'b VisionBook<'_>, label: &str) -> Option<&'b Character> {
    book.cast.iter().find(|c| c.name.to_lowercase() == label.trim().to_lowercase())
}

/// `[text][Alan]`, `[Alan][]` or `[Alan]` as an inline link to `destination`, keeping the text.
fn inline_link(source: &str, destination: &str) -> String {
    let text_end = source.find(']').unwrap_or(source.len());
    let text = source.get(1..text_end).unwrap_or_default();
    format!("[{text}]({})", link_destination(destination))
}

fn repair_missing_definitions(
    book: &VisionBook<'_>,
    page: usize,
    edits: &mut Edits,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let the_page = &book.pages[page];
    for broken in &the_page.doc.broken_references {
        let Some(character) = character_named(book, &broken.label) else { continue };
        let destination = book.link_to_character(page, character);
        let written = &the_page.doc.text[broken.range.clone()];
        edits.replace(broken.range.clone(), inline_link(written, &destination));
        diagnostics.push(
            Diagnostic::note(
                "character-link-repaired",
                format!("`{written}` has no link definition; it now links to {}'s page", character.name),
            )
            .at(the_page.location(broken.range.clone()))
            .with_help(format!("it points at `{destination}`")),
        );
    }
}

fn repair_stale_definitions(
    book: &VisionBook<'_>,
    page: usize,
    edits: &mut Edits,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let the_page = &book.pages[page];
    let doc = &the_page.doc;
    for (event, range) in &doc.events {
        let Event::Start(Tag::Link { link_type, dest_url, id, .. }) = event else { continue };
        let Some(character) = stale_reference(book, page, *link_type, dest_url, id) else { continue };
        let destination = book.link_to_character(page, character);
        let written = &doc.text[range.clone()];
        edits.replace(range.clone(), inline_link(written, &destination));
        let definition = doc.link_definitions.iter().find(|d| d.label.to_lowercase() == id.to_lowercase());
        let help = match definition {
            Some(d) => format!(
                "its definition `{}` ({}) is stale: delete it, or point it at `{destination}`",
                &doc.text[d.range.clone()],
                the_page.location(d.range.clone()).span.map_or(String::new(), |s| format!("line {}", s.line))
            ),
            None => format!("it now points at `{destination}`"),
        };
        diagnostics.push(
            Diagnostic::note(
                "character-link-repaired",
                format!("`{written}` pointed at `{dest_url}`, which is not a page of this book; it now links to {}'s page", character.name),
            )
            .at(the_page.location(range.clone()))
            .with_help(help),
        );
    }
}
