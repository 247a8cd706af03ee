//! The `story-blocks` step: a `story` block for every status quo and shiny future story that
//! has none.
//!
//! - Where the story has a hand table (`| Character | Shiny Future | Assigned To |`, or fewer
//!   of these columns), the block takes its place and is made from it; a chapter with several
//!   hand tables, each under its own heading, holds one story per heading (the single-page
//!   form). Otherwise the block goes right below the chapter's title heading.
//! - The character comes from the table, else from the page: the cast member the file name
//!   (for a section story, its heading) starts with, else the one mentioned most.
//! - The pair comes from the table's link, else, for a story with no table, from the links to
//!   stories of the paired kind in its answer to "What status quo stories are you retelling?"
//!   (or a near miss of it, such as an older template's "What status quo story or stories are
//!   you retelling?"), and from the paragraphs or list items there that are a story's title.
//! - `assigned-to` comes from the table; "✋ Volunteer wanted ✋" and the like are no one.
//! - A story without a table of which the page tells none of these gets no block: an empty
//!   one would only render a table of blanks.
//!
//! A cell that cannot be read (a character not in the cast, a pair link that leads to no
//! story) leaves the story as written, reported.

use std::ops::Range;

use mdbook_vision_core::config::toml_string;
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::generate::join_names;
use mdbook_vision_core::markdown::{Document, Element, Heading, Node, NodeKind, end_of};
use mdbook_vision_core::model::{Kind, Page, PageId, STORY_BLOCK, VisionBook, section_of, slug};
use mdbook_vision_faq::{asks_nearly, find_faq};
use mdbook_vision_stories::FIELDS;

use super::links::{Links, Target};
use super::{Change, Tally, kept_finding, line_end, line_start};

/// The question whose answer names the status quo stories a shiny future retells.
const RETELLING_QUESTION: &str = "What status quo stories are you retelling?";

/// What a pair or assignee cell says when there is no one and nothing.
const EMPTY_CELLS: &[&str] = &["", "—", "-", "not yet written", "none", "n/a", "tbd"];

/// The changes of the step, and what it could not decide.
pub(crate) fn plan(book: &VisionBook<'_>, links: &Links) -> (Vec<Change>, Vec<Diagnostic>) {
    let planned = planned_stories(book);
    let mut changes = Vec::new();
    let mut undecided = Vec::new();
    for page in book.page_ids() {
        let Some(stories) = planned.iter().find(|(p, _)| *p == page).map(|(_, s)| s) else { continue };
        for story in stories {
            match block_for(book, page, story, &planned, links) {
                Ok((change, note)) => {
                    changes.extend(change);
                    undecided.extend(note);
                }
                Err(report) => undecided.push(report),
            }
        }
    }
    (changes, undecided)
}

/// A story the step will give a block.
#[derive(Debug, Clone)]
struct Planned {
    /// Its id, as the model will give it once it has a block.
    id: String,
    /// Its kind.
    kind: Kind,
    /// The heading it is the section of, for a story of a single-page chapter.
    heading: Option<Heading>,
    /// Its hand table, if it has one.
    table: Option<HandTable>,
}

/// The stories that will get a block, page by page: a page of a paired kind with no block,
/// as a whole or, in the single-page form, one story per hand table under its own heading.
fn planned_stories(book: &VisionBook<'_>) -> Vec<(PageId, Vec<Planned>)> {
    let mut planned = Vec::new();
    for id in book.page_ids() {
        let page = book.page(id);
        let Some(kind) = page.kind.filter(|k| k.pair().is_some()) else { continue };
        if !page.holds_a_story() || page.part_of.is_some() || has_blocks(page) {
            continue;
        }
        let tables = hand_tables(book, &page.doc, kind);
        let headings: Vec<Option<&Heading>> =
            tables.iter().map(|t| page.doc.heading_before(t.range.start).filter(|h| h.level > 1)).collect();
        let sections = tables.len() > 1
            && headings.iter().all(Option::is_some)
            && headings.windows(2).all(|w| w[0].map(|h| h.range.start) != w[1].map(|h| h.range.start));
        let stories = if sections {
            tables
                .into_iter()
                .zip(headings)
                .filter_map(|(table, heading)| {
                    let heading = heading?.clone();
                    Some(Planned {
                        id: slug(heading.title()),
                        kind,
                        heading: Some(heading),
                        table: Some(table),
                    })
                })
                .collect()
        } else {
            let table = if tables.len() == 1 { tables.into_iter().next() } else { None };
            vec![Planned { id: page.stem().to_owned(), kind, heading: None, table }]
        };
        planned.push((id, stories));
    }
    planned
}

fn has_blocks(page: &Page<'_>) -> bool {
    page.doc.fenced_blocks.iter().any(|b| b.language() == STORY_BLOCK) || !page.doc.generated.is_empty()
}

/// The id of the story `target` leads to, if it is of `kind`: one the step plans, or one the
/// book already has.
fn story_id(
    book: &VisionBook<'_>,
    planned: &[(PageId, Vec<Planned>)],
    target: &Target,
    kind: Kind,
) -> Option<String> {
    let page = book.page_by_path(&target.path)?;
    if let Some((_, stories)) = planned.iter().find(|(p, _)| *p == page) {
        let doc = &book.page(page).doc;
        let by_anchor = stories.iter().find(|s| {
            s.heading.as_ref().map(|h| doc.heading_id(h)) == target.anchor.as_deref() && s.heading.is_some()
        });
        let story = by_anchor.or_else(|| stories.iter().find(|s| s.heading.is_none()))?;
        return (story.kind == kind).then(|| story.id.clone());
    }
    super::links::story_at(book, target).filter(|s| s.kind == kind).map(|s| s.id.clone())
}

/// The change that gives `story` its block, with a note when the block lacks something the
/// page does not tell (its character, in a book with a cast); or why the story is left as
/// written. A story without a hand table whose block would be empty gets none: it would only
/// add a table of blanks.
fn block_for(
    book: &VisionBook<'_>,
    page_id: PageId,
    story: &Planned,
    planned: &[(PageId, Vec<Planned>)],
    links: &Links,
) -> Result<(Option<Change>, Option<Diagnostic>), Diagnostic> {
    let page = book.page(page_id);
    let doc = &page.doc;
    let section = story.heading.as_ref().map_or(0..doc.text.len(), |h| section_of(doc, h));
    let at = story.table.as_ref().map_or(section.start, |t| t.range.start);
    let location = page.location(at..at);
    let undecided = |why: String| {
        let message = format!("no story block for `{}`: {why}", story.id);
        kept_finding(location.clone(), message, "fix the table, or write the story block by hand")
    };
    let mut meta = Meta::default();
    let mut no_character = None;
    if let Some(table) = &story.table {
        read_table(book, page, story, table, planned, links, &mut meta).map_err(undecided)?;
    }
    if meta.character.is_empty() {
        match infer_character(book, page_id, story, section.clone()) {
            Ok(name) => meta.character.push(name),
            // A book without a cast tells its stories without characters.
            Err(why) if !book.cast.is_empty() => no_character = Some(why),
            Err(_) => {}
        }
    }
    if story.table.is_none() && story.kind == Kind::SHINY_FUTURE {
        meta.pairs = retold_stories(book, page_id, section.clone(), planned, links);
    }
    if story.table.is_none() && meta.is_empty() {
        let note = no_character.map(|why| {
            kept_finding(
                location.clone(),
                format!("no story block for `{}`: {why}", story.id),
                WRITE_THE_CHARACTER,
            )
        });
        return Ok((None, note));
    }
    let le = doc.line_ending();
    let block = meta.block(story.kind, le);
    let (splices, tally) = match &story.table {
        Some(table) => (vec![(table.range.clone(), block)], Tally::TableReplaced),
        None => {
            let (offset, text) = below_title(doc, le, &block);
            (vec![(offset..offset, text)], Tally::BlockAdded)
        }
    };
    let what = format!("the story block of `{}`", story.id);
    let note = no_character.map(|why| {
        // The block is still written, without a character: the rest of it is sound.
        kept_finding(location.clone(), format!("{what} has no character: {why}"), WRITE_THE_CHARACTER)
    });
    Ok((Some(Change { file: file_of(page), splices, tally: vec![tally], location, what }), note))
}

/// What to do about a story whose character the page does not tell.
const WRITE_THE_CHARACTER: &str = "write `character = \"...\"` in its story block by hand; a page that is not a story belongs in `not-stories` (in `[preprocessor.vision]`), which `migrate` leaves alone";

fn file_of(page: &Page<'_>) -> String {
    page.source.source_path.as_deref().unwrap_or_default().to_owned()
}

/// Where a block goes in a chapter without a hand table: after the line of its title heading
/// (a `#` heading that opens it), else at its start; and the text to insert there.
fn below_title(doc: &Document<'_>, le: &str, block: &str) -> (usize, String) {
    let title = doc.first_heading().filter(|h| h.level == 1);
    let Some(title) = title else { return (0, format!("{block}{le}")) };
    let end = line_end(doc.text, title.range.end.saturating_sub(1));
    (end, format!("{le}{block}"))
}

/// What the block of a story says.
#[derive(Debug, Default)]
struct Meta {
    character: Vec<String>,
    pairs: Vec<String>,
    assigned_to: Vec<String>,
}

impl Meta {
    /// Whether the block would say nothing.
    fn is_empty(&self) -> bool {
        self.character.is_empty() && self.pairs.is_empty() && self.assigned_to.is_empty()
    }

    /// The block, fenced, each line ending in `le`.
    fn block(&self, kind: Kind, le: &str) -> String {
        let mut lines = vec![format!("```{STORY_BLOCK}")];
        let mut key = |name: &str, values: &[String]| match values {
            [] => {}
            [one] => lines.push(format!("{name} = {}", toml_string(one))),
            many => {
                let items: Vec<String> = many.iter().map(|v| toml_string(v)).collect();
                lines.push(format!("{name} = [{}]", items.join(", ")));
            }
        };
        key("character", &self.character);
        if let Some(pair_key) = kind.pair_key() {
            key(pair_key, &self.pairs);
        }
        key("assigned-to", &self.assigned_to);
        lines.push("```".to_owned());
        lines.iter().map(|line| format!("{line}{le}")).collect()
    }
}

/// Reads the hand table of `story` into `meta`; an error says which cell cannot be read.
fn read_table(
    book: &VisionBook<'_>,
    page: &Page<'_>,
    story: &Planned,
    table: &HandTable,
    planned: &[(PageId, Vec<Planned>)],
    links: &Links,
    meta: &mut Meta,
) -> Result<(), String> {
    let doc = &page.doc;
    for (field, cell) in table.fields.iter().zip(&table.cells) {
        let nodes = &doc.nodes.all()[cell.clone()];
        let text = doc.plain_text(nodes).trim().to_owned();
        match field.as_str() {
            "character" if !is_empty_cell(&text) => {
                for name in split_names(&text) {
                    let Some(character) = cast_member(book, &name) else {
                        return Err(format!("`{name}` in its Character cell is not in the cast"));
                    };
                    meta.character.push(character);
                }
            }
            "shiny-future" | "status-quo" => {
                let Some(pair_kind) = story.kind.pair() else { continue };
                let destinations = link_destinations(doc, nodes);
                if destinations.is_empty() && !is_empty_cell(&text) {
                    return Err(format!("its pair cell “{text}” links to no story"));
                }
                for destination in destinations {
                    let target = links.target(&page.output_path, &destination);
                    let id = target.and_then(|t| story_id(book, planned, &t, pair_kind));
                    let Some(id) = id else {
                        return Err(format!(
                            "its pair cell links to `{destination}`, which is not a story of the paired kind"
                        ));
                    };
                    meta.pairs.push(id);
                }
            }
            "assigned-to" if !is_empty_cell(&text) && !text.to_lowercase().contains("volunteer wanted") => {
                meta.assigned_to = split_names(&text);
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_empty_cell(text: &str) -> bool {
    EMPTY_CELLS.iter().any(|empty| text.eq_ignore_ascii_case(empty))
}

/// `A, B and C` as `[A, B, C]`: what [`join_names`] joins.
fn split_names(text: &str) -> Vec<String> {
    let (init, last) = match text.rsplit_once(" and ") {
        Some((init, last)) => (init, Some(last)),
        None => (text, None),
    };
    let mut names: Vec<String> = init.split(", ").map(|n| n.trim().to_owned()).collect();
    names.extend(last.map(|l| l.trim().to_owned()));
    names.retain(|n| !n.is_empty());
    if join_names(&names) == text { names } else { vec![text.to_owned()] }
}

/// The cast member `name` names (as a name or as a link label).
fn cast_member(book: &VisionBook<'_>, name: &str) -> Option<String> {
    if let Some(character) = book.character(name) {
        return Some(character.name.clone());
    }
    book.character_named(name).map(|id| book.character_at(id).name.clone())
}

fn link_destinations(doc: &Document<'_>, nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter(|n| n.starts(Element::Link))
        .filter_map(|n| doc.nodes.link(n).map(|l| l.destination.clone()))
        .collect()
}

/// The character a story without one in its table is about: the cast member its file name
/// (for a section story, its heading) starts with, else the one its text mentions most. An
/// error says why none can be told.
fn infer_character(
    book: &VisionBook<'_>,
    page: PageId,
    story: &Planned,
    section: Range<usize>,
) -> Result<String, String> {
    let named = story.heading.as_ref().map_or_else(|| book.page(page).stem(), |h| h.title());
    if let Some(character) = book.character_leading(named) {
        return Ok(character.name.clone());
    }
    let top: Vec<String> =
        book.most_mentioned(page, section).into_iter().map(|id| book.character_at(id).name.clone()).collect();
    match top.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err("its text mentions no one of the cast".to_owned()),
        several => Err(format!("its text mentions {} equally often", join_names(several))),
    }
}

/// The status quo stories a shiny future story says it retells, in its FAQ.
fn retold_stories(
    book: &VisionBook<'_>,
    page_id: PageId,
    section: Range<usize>,
    planned: &[(PageId, Vec<Planned>)],
    links: &Links,
) -> Vec<String> {
    let page = book.page(page_id);
    let doc = &page.doc;
    let Some(faq) = find_faq(doc, section.clone()) else { return Vec::new() };
    let mut questions: Vec<_> = faq.questions.iter().collect();
    questions.sort_by_key(|q| q.range.start);
    let Some(index) = questions.iter().position(|q| asks_nearly(&q.text, RETELLING_QUESTION)) else {
        return Vec::new();
    };
    let answer = questions[index].range.end..questions.get(index + 1).map_or(section.end, |q| q.range.start);
    let nodes = doc.nodes.all();
    let mut ids: Vec<String> = Vec::new();
    for (at, node) in nodes.iter().enumerate().filter(|(_, n)| answer.contains(&n.range().start)) {
        let target = if node.starts(Element::Link) {
            doc.nodes.link(node).and_then(|info| links.target(&page.output_path, &info.destination))
        } else if node.starts(Element::Paragraph) || node.starts(Element::Item) {
            titled_story(book, doc, &nodes[at + 1..end_of(nodes, at)])
        } else {
            None
        };
        if let Some(id) = target.and_then(|t| story_id(book, planned, &t, Kind::STATUS_QUO))
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The status quo story whose title a paragraph or list item without links is, word for word
/// (`Grace debugs a crash dump.`, in any case, a final period aside).
fn titled_story(book: &VisionBook<'_>, doc: &Document<'_>, paragraph: &[Node]) -> Option<Target> {
    if paragraph.iter().any(|n| n.starts(Element::Link)) {
        return None;
    }
    let text = doc.plain_text(paragraph);
    let text = text.trim().trim_end_matches('.');
    let page = book.page_ids().map(|id| book.page(id)).find(|page| {
        page.kind == Some(Kind::STATUS_QUO) && page.holds_a_story() && page.title().eq_ignore_ascii_case(text)
    })?;
    Some(Target { path: page.output_path.to_string(), anchor: None })
}

/// A hand-written story table: a table at the top level of its chapter, with one body row,
/// whose headers are story fields starting with the character.
#[derive(Debug, Clone)]
struct HandTable {
    /// Its lines, line endings included.
    range: Range<usize>,
    /// The field of each column.
    fields: Vec<String>,
    /// The nodes of each cell of its row.
    cells: Vec<Range<usize>>,
}

/// The hand tables of a chapter of `kind`, in order.
fn hand_tables(book: &VisionBook<'_>, doc: &Document<'_>, kind: Kind) -> Vec<HandTable> {
    let nodes = doc.nodes.all();
    let mut tables = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        if !node.starts(Element::Table) || !doc.line_prefix(node.range().start).trim().is_empty() {
            continue;
        }
        let end = end_of(nodes, index);
        let rows = table_rows(nodes, index + 1..end);
        let [header, row] = rows.as_slice() else { continue };
        let fields: Option<Vec<String>> =
            header.iter().map(|cell| field_of(book, &doc.plain_text(&nodes[cell.clone()]))).collect();
        let Some(fields) = fields else { continue };
        let allowed = ["character", "assigned-to", kind.pair_key().unwrap_or_default()];
        if fields.first().map(String::as_str) != Some("character")
            || !fields.iter().all(|f| allowed.contains(&f.as_str()))
        {
            continue;
        }
        let range =
            line_start(doc.text, node.range().start)..line_end(doc.text, node.range().end.saturating_sub(1));
        tables.push(HandTable { range, fields, cells: row.clone() });
    }
    tables
}

/// The cells of each row of a table (header first), as ranges of node indexes.
fn table_rows(nodes: &[Node], inside: Range<usize>) -> Vec<Vec<Range<usize>>> {
    let mut rows = Vec::new();
    let mut index = inside.start;
    while index < inside.end {
        let node = &nodes[index];
        match node.kind {
            NodeKind::Start(Element::TableHead | Element::TableRow) => rows.push(Vec::new()),
            NodeKind::Start(Element::TableCell) => {
                let end = end_of(nodes, index);
                if let Some(row) = rows.last_mut() {
                    row.push(index + 1..end);
                }
                index = end;
            }
            _ => {}
        }
        index += 1;
    }
    rows
}

/// The story field whose column header is `header`.
fn field_of(book: &VisionBook<'_>, header: &str) -> Option<String> {
    let header = header.trim();
    let configured = book.settings.column_headers.iter().find(|(_, h)| h.trim().eq_ignore_ascii_case(header));
    if let Some((field, _)) = configured {
        return Some(field.clone());
    }
    FIELDS.iter().find(|(_, h)| h.eq_ignore_ascii_case(header)).map(|(field, _)| (*field).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_as_they_were_joined() {
        assert_eq!(split_names("@a and @b"), vec!["@a", "@b"]);
        assert_eq!(split_names("@a, @b and @c"), vec!["@a", "@b", "@c"]);
        assert_eq!(split_names("@weng?"), vec!["@weng?"]);
        for text in ["Alice and Bob, the twins", "@a,@b and", "x, and y"] {
            assert_eq!(join_names(&split_names(text)), text, "{text}");
        }
    }

    #[test]
    fn a_block_has_only_what_is_known() {
        let meta = Meta {
            character: vec!["Alan".into()],
            pairs: vec![],
            assigned_to: vec!["@a \"b\"".into(), "@c".into()],
        };
        assert_eq!(
            meta.block(Kind::STATUS_QUO, "\r\n"),
            "```story\r\ncharacter = \"Alan\"\r\nassigned-to = ['@a \"b\"', \"@c\"]\r\n```\r\n"
        );
    }
}
