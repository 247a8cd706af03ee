//! The `metanarrative` step: hand links to stories, on the pages that are not stories
//! themselves (the metanarrative, index pages, the roadmap), become `{{#story ID}}`, or
//! `{{#story ID "text"}}` when their text is not the story's title.
//!
//! A link counts when it leads to a story: relative (`.md` or `.html`), or an absolute URL of
//! the published book, to the story's page, its section (in a single-page chapter), or a
//! heading inside it (`{{#story ID#anchor}}`). Its text must be plain (no markup, no `"`) for
//! the directive to render it the same; otherwise the link is left as written, reported.
//!
//! A list at the top level of its page whose items are each one such link, with the story's
//! title as text, becomes `{{#stories ...}}` when a filter lists exactly those stories in that
//! order, and the stories' blocks declare what it filters on (migrate never invents topics).

use std::ops::Range;

use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::markdown::{Document, Element, NodeKind, end_of};
use mdbook_vision_core::model::{Kind, Page, PageId, Story, VisionBook};
use mdbook_vision_metanarrative::listed_stories;
use pulldown_cmark::LinkType;

use super::definitions::{left_unused, removals};
use super::links::{Links, story_at};
use super::{Change, Tally, kept_finding, line_end, line_start};

/// The changes of the step (one per link), and the links to stories it cannot convert.
pub(crate) fn plan(book: &VisionBook<'_>, links: &Links) -> (Vec<Change>, Vec<Diagnostic>) {
    let mut changes = Vec::new();
    let mut undecided = Vec::new();
    for page_id in book.page_ids() {
        let page = book.page(page_id);
        let story_kind = page.kind.is_some_and(|k| k.holds_stories() || k == Kind::CHARACTER);
        let Some(file) = page.source.source_path.as_deref().map(str::to_owned).filter(|_| !story_kind) else {
            continue;
        };
        let found = story_links(book, page_id, links);
        let lists = story_lists(book, page_id, &found);
        for (range, directive) in &lists {
            changes.push(Change {
                file: file.clone(),
                location: page.location(range.clone()),
                what: format!("the list converted to `{}`", directive.trim_end()),
                splices: vec![(range.clone(), directive.clone())],
                tally: vec![Tally::ListConverted],
            });
        }
        let in_a_list = |at: usize| lists.iter().any(|(range, _)| range.contains(&at));
        let mut replaced: Vec<Range<usize>> = lists.iter().map(|(range, _)| range.clone()).collect();
        for (range, directive) in found.into_iter().filter(|(range, _)| !in_a_list(range.start)) {
            let location = page.location(range.clone());
            match directive {
                Ok(directive) => {
                    replaced.push(range.clone());
                    changes.push(Change {
                        file: file.clone(),
                        location,
                        what: format!("the link converted to `{directive}`"),
                        splices: vec![(range, directive)],
                        tally: vec![Tally::LinkConverted],
                    });
                }
                Err(why) => {
                    undecided.push(kept_finding(location, why, "convert it by hand, or leave it as it is"))
                }
            }
        }
        changes.extend(unused_definitions_removed(page, &file, &replaced));
    }
    (changes, undecided)
}

/// The removal of each definition of `page` whose every use is among the links `replaced`:
/// after the links it comes after, so that it is kept only if they are. One inside what is
/// replaced (written in a converted list) goes with it.
fn unused_definitions_removed(page: &Page<'_>, file: &str, replaced: &[Range<usize>]) -> Vec<Change> {
    let unused = left_unused(&page.doc, replaced);
    let removed = removals(&page.doc, &unused);
    let overlaps = |lines: &Range<usize>| replaced.iter().any(|r| r.start < lines.end && lines.start < r.end);
    removed
        .into_iter()
        .filter(|(_, lines)| !overlaps(lines))
        .map(|(definition, lines)| Change {
            file: file.to_owned(),
            location: page.location(definition.range.clone()),
            splices: vec![(lines, String::new())],
            tally: vec![Tally::UnusedDefinitionRemoved],
            what: format!("the definition of `[{}]`, which no link uses any more", definition.label),
        })
        .collect()
}

/// Each link to a story on page `page_id`: its range, and the directive to put there or why
/// there is none.
fn story_links(
    book: &VisionBook<'_>,
    page_id: PageId,
    links: &Links,
) -> Vec<(Range<usize>, Result<String, String>)> {
    let page = book.page(page_id);
    let doc = &page.doc;
    let nodes = doc.nodes.all();
    let mut found = Vec::new();
    let mut index = 0;
    while index < nodes.len() {
        let node = &nodes[index];
        let end = end_of(nodes, index);
        let info = doc.nodes.link(node).filter(|_| node.starts(Element::Link));
        let written = info.filter(|i| !matches!(i.link_type, LinkType::Autolink | LinkType::Email));
        let story = written
            .filter(|_| !doc.in_generated(node.range().start) && !doc.in_heading(node.range().start))
            .and_then(|info| links.target(&page.output_path, &info.destination))
            .and_then(|target| story_at(book, &target).map(|story| (story, target.anchor)));
        if let Some((story, anchor)) = story {
            let directive = if has_title(&doc.text[node.range()]) {
                Err(format!(
                    "the link to the story `{}` has a title, which `{{{{#story}}}}` would drop",
                    story.id
                ))
            } else {
                directive(page, story, anchor, index + 1..end)
            };
            found.push((node.range(), directive));
            index = end;
        }
        index += 1;
    }
    found
}

/// The lists of links to stories on page `page_id` that a `{{#stories}}` directive renders the
/// same: the lines of each, and the directive (with its line ending) to put there.
fn story_lists(
    book: &VisionBook<'_>,
    page_id: PageId,
    found: &[(Range<usize>, Result<String, String>)],
) -> Vec<(Range<usize>, String)> {
    let doc = &book.page(page_id).doc;
    let nodes = doc.nodes.all();
    let mut lists = Vec::new();
    // How many list items and block quotes are open: a list inside one is not at the top level.
    let mut containers = 0usize;
    for (index, node) in nodes.iter().enumerate() {
        match node.kind {
            NodeKind::Start(Element::Item | Element::BlockQuote) => containers += 1,
            NodeKind::End(Element::Item | Element::BlockQuote) => containers = containers.saturating_sub(1),
            _ => {}
        }
        if !node.starts(Element::List) || containers > 0 {
            continue;
        }
        let items = list_items(nodes, index);
        let ids: Option<Vec<&str>> =
            items.iter().map(|item| linked_story(doc, found, item.clone())).collect();
        let Some(ids) = ids.filter(|ids| !ids.is_empty()) else { continue };
        let Some(args) = filter_listing(book, &ids) else { continue };
        let start = line_start(doc.text, node.range().start);
        // The list's lines, without the blank lines a list's range may end with.
        let end = start + doc.text[start..node.range().end].trim_end().len();
        let end = line_end(doc.text, end);
        lists.push((start..end, format!("{{{{#stories {args}}}}}{}", doc.line_ending())));
    }
    lists
}

/// The node ranges of the items of the list that starts at node `start`.
fn list_items(nodes: &[mdbook_vision_core::markdown::Node], start: usize) -> Vec<Range<usize>> {
    let end = end_of(nodes, start);
    let mut items = Vec::new();
    let mut index = start + 1;
    while index < end {
        let item_end = end_of(nodes, index);
        items.push(index..item_end + 1);
        index = item_end + 1;
    }
    items
}

/// The id of the story the item (nodes `item`) links to, when the item is that one link, with
/// the story's title as its text, and nothing else.
fn linked_story<'f>(
    doc: &Document<'_>,
    found: &'f [(Range<usize>, Result<String, String>)],
    item: Range<usize>,
) -> Option<&'f str> {
    let nodes = &doc.nodes.all()[item];
    let links = nodes.iter().filter(|n| n.starts(Element::Link)).count();
    let nested = nodes.iter().skip(1).any(|n| n.starts(Element::List));
    let link = nodes.iter().find(|n| n.starts(Element::Link))?;
    let (_, directive) = found.iter().find(|(range, _)| range.start == link.range().start)?;
    let id = directive.as_deref().ok()?.strip_prefix("{{#story ")?.strip_suffix("}}")?;
    let link_end = nodes.iter().rposition(|n| n.kind == NodeKind::End(Element::Link))?;
    let text_outside = doc.plain_text(&nodes[link_end + 1..]).trim().is_empty()
        && nodes.iter().take_while(|n| !n.starts(Element::Link)).all(|n| n.kind != NodeKind::Text);
    (links == 1 && !nested && text_outside && !id.contains(['#', ' '])).then_some(id)
}

/// The filters of a `{{#stories}}` that lists exactly the stories `ids`, in that order, from
/// what their blocks declare.
fn filter_listing(book: &VisionBook<'_>, ids: &[&str]) -> Option<String> {
    let stories: Option<Vec<&Story>> = ids.iter().map(|id| book.story(id)).collect();
    let stories = stories?;
    if stories.iter().any(|s| s.declaration.is_none()) {
        return None;
    }
    let kind = book.kinds.name(stories[0].kind);
    let common = |values: fn(&Story) -> &Vec<String>| -> Vec<String> {
        let first = values(stories[0]).clone();
        first.into_iter().filter(|v| stories.iter().all(|s| values(s).contains(v))).collect()
    };
    let quoted = |value: &str| if value.contains(' ') { format!("\"{value}\"") } else { value.to_owned() };
    let mut candidates = Vec::new();
    for topic in common(|s| &s.meta.topics) {
        candidates.push(format!("topic={}", quoted(&topic)));
        candidates.push(format!("topic={} kind={kind}", quoted(&topic)));
    }
    for character in common(|s| &s.meta.character) {
        candidates.push(format!("character={} kind={kind}", quoted(&character)));
        candidates.push(format!("character={}", quoted(&character)));
    }
    candidates.push(format!("kind={kind}"));
    candidates.into_iter().find(|args| {
        listed_stories(book, args)
            .is_some_and(|listed| listed.iter().map(|s| s.id.as_str()).eq(ids.iter().copied()))
    })
}

/// Whether the inline link `source` (`[text](dest "title")`) has a title.
fn has_title(source: &str) -> bool {
    let inside = source.strip_suffix(')').and_then(|s| s.rsplit_once("](")).map(|(_, d)| d.trim());
    inside.is_some_and(|d| d.contains(char::is_whitespace) && !d.starts_with('<'))
}

/// The directive for a link to `story` (and `anchor` in it) whose text is the nodes `inner`.
fn directive(
    page: &Page<'_>,
    story: &Story,
    anchor: Option<String>,
    inner: Range<usize>,
) -> Result<String, String> {
    let doc = &page.doc;
    let nodes = &doc.nodes.all()[inner];
    let (Some(first), Some(last)) = (nodes.first(), nodes.last()) else {
        return Err(format!("a link to the story `{}` has no text", story.id));
    };
    let written = &doc.text[first.range().start..last.range().end];
    let text = doc.text_as_written(nodes);
    let plain = nodes.iter().all(|n| n.kind == NodeKind::Text) && text == written;
    if !plain || text.contains('"') || text.contains("}}") {
        return Err(format!(
            "the link “{written}” to the story `{}` has markup in its text, which `{{{{#story}}}}` would show as written",
            story.id
        ));
    }
    let mut id = story.id.clone();
    if let Some(anchor) = anchor.filter(|a| story.anchor.as_deref() != Some(a.as_str())) {
        id = format!("{id}#{anchor}");
    }
    Ok(if text == story.title {
        format!("{{{{#story {id}}}}}")
    } else {
        format!("{{{{#story {id} \"{text}\"}}}}")
    })
}
