//! `vision-stories`: each ```` ```story ```` metadata block becomes the metadata table of its
//! story, with columns chosen by the story's kind.
//!
//! The character cell links to the character's page, the pair cell to the paired story by its
//! title (or reads "not yet written"), an empty assignee reads "✋ Volunteer wanted ✋" linked
//! to the how-to page, an absent or `draft` status reads "⚠️ Draft ⚠️". Every value is escaped.
//! The table is preceded by the model's marker comment, so the other features still see the
//! story's metadata after this one has run.

use foldhash::HashMap;
use mdbook_vision_core::codes;
use mdbook_vision_core::config::Settings;
use mdbook_vision_core::diagnostics::{Diagnostic, Location, suggestion};
use mdbook_vision_core::feature::{Feature, FeatureId, PageEditor};
use mdbook_vision_core::generate::{escape_text, join_names, link, table};
use mdbook_vision_core::markdown::ends_a_table;
use mdbook_vision_core::model::{Kind, PageId, Story, StoryMeta, VisionBook};
use mdbook_vision_core::splice::Edits;

/// The fields a table can show, with the default header of each.
pub const FIELDS: &[(&str, &str)] = &[
    ("character", "Character"),
    ("shiny-future", "Shiny Future"),
    ("status-quo", "Status quo"),
    ("assigned-to", "Assigned To"),
    ("status", "Status"),
    ("owner", "Owner"),
    ("topics", "Topics"),
    ("kind", "Kind"),
    ("id", "Id"),
];

/// The default columns of each kind; other kinds show who is assigned.
pub const DEFAULT_COLUMNS: &[(Kind, &[&str])] = &[
    (Kind::STATUS_QUO, &["character", "shiny-future", "assigned-to"]),
    (Kind::SHINY_FUTURE, &["character", "status-quo", "assigned-to"]),
    (Kind::CHARACTER, &["status", "owner"]),
    (Kind::DESIGN_DOC, &["topics", "assigned-to"]),
];

const FALLBACK_COLUMNS: &[&str] = &["assigned-to"];

/// What an empty assignee or owner cell says.
pub const VOLUNTEER_WANTED: &str = "✋ Volunteer wanted ✋";
/// What a draft status cell says.
pub const DRAFT: &str = "⚠️ Draft ⚠️";
/// What a pair cell says when there is no paired story.
pub const NOT_YET_WRITTEN: &str = "not yet written";
/// What an empty cell of any other field says.
pub const NOTHING: &str = "—";

/// The `vision-stories` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stories;

impl Feature for Stories {
    fn id(&self) -> FeatureId {
        FeatureId::Stories
    }

    fn check_settings(&self, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
        let fields = FIELDS.iter().map(|(field, _)| *field);
        let configured = settings.columns.values().flatten().chain(settings.column_headers.keys());
        for field in configured {
            if !fields.clone().any(|known| known == field) {
                diagnostics.push(
                    Diagnostic::new(
                        codes::UNKNOWN_FIELD,
                        format!("`{field}` is not a field a story table can show"),
                    )
                    .at(Location::setting("columns"))
                    .with_help(suggestion(field, "fields", fields.clone())),
                );
            }
        }
        settings.check_kind_keys("columns", settings.columns.keys(), diagnostics);
        for (kind, columns) in &settings.columns {
            if columns.is_empty() {
                diagnostics.push(
                    Diagnostic::new(codes::BAD_SETTING, format!("`columns.{kind}` lists no field"))
                        .at(Location::setting(format!("columns.{kind}")))
                        .with_help("give at least one field, e.g. `[\"assigned-to\"]`"),
                );
            }
        }
    }

    fn prepare<'b>(&self, book: &'b VisionBook<'b>, _: &mut Vec<Diagnostic>) -> Box<dyn PageEditor + 'b> {
        let headers: HashMap<&str, String> =
            FIELDS.iter().map(|(field, _)| (*field, escape_text(&header(&book.settings, field)))).collect();
        let assignments = declares_assignments(book);
        let layouts = book
            .kinds
            .all()
            .map(|kind| {
                let columns = columns(book, kind, assignments);
                let headers = columns
                    .iter()
                    .map(|c| headers.get(c).cloned().unwrap_or_else(|| escape_text(c)))
                    .collect();
                (columns, headers)
            })
            .collect();
        Box::new(StoryTables { book, layouts })
    }
}

/// The stories feature prepared for a book.
struct StoryTables<'b> {
    book: &'b VisionBook<'b>,
    /// For each kind, by its position among the book's kinds: the fields its tables show, and
    /// their headers, escaped.
    layouts: Vec<(Vec<&'b str>, Vec<String>)>,
}

impl PageEditor for StoryTables<'_> {
    fn edit_page(&self, page: PageId, edits: &mut Edits, _: &mut Vec<Diagnostic>) {
        let book = self.book;
        let doc = &book.page(page).doc;
        for story in book.stories_on(page) {
            let Some(declaration) = story.declaration.as_ref().filter(|d| !d.rendered) else {
                continue;
            };
            if book.is_faulty(story) {
                // Reported already; with `on-error = "warn"` the book is built, the block as written.
                continue;
            }
            let line_ending = doc.line_ending();
            let prefix = doc.continuation_prefix(declaration.range.start);
            let Some((columns, headers)) = self.layouts.get(story.kind.index()) else { continue };
            let cells: Vec<String> = columns.iter().map(|c| cell(book, page, story, c)).collect();
            let table = table(headers, &[cells], line_ending, &prefix);
            let mut replacement = resolved_meta(book, story).marker();
            replacement
                .reserve(line_ending.len() + prefix.len() + table.len() + line_ending.len() + prefix.len());
            replacement.push_str(line_ending);
            replacement.push_str(&prefix);
            replacement.push_str(&table);
            // A table goes on until a blank line or another block: keep a line of text that
            // followed the block out of it (a new list item ends it anyway, and a blank line
            // there would make a tight list loose).
            if next_line_joins_the_table(doc.text, declaration.range.end) {
                replacement.push_str(line_ending);
                replacement.push_str(prefix.trim_end());
            }
            edits.replace(declaration.range.clone(), replacement);
        }
    }
}

/// Whether the line after the one that ends at `end` would be read as a row of a table that
/// ended there.
fn next_line_joins_the_table(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let Some(newline) = rest.find('\n') else { return false };
    let next = rest[newline + 1..].lines().next().unwrap_or_default();
    !ends_a_table(next)
}

/// The metadata as declared, with the id and kind the model settled on.
fn resolved_meta(book: &VisionBook<'_>, story: &Story) -> StoryMeta {
    let mut meta = story.meta.clone();
    meta.id = Some(story.id.clone());
    meta.kind = Some(book.kinds.name(story.kind).to_owned());
    meta
}

/// The fields shown as columns of a story of `kind`: configured, else the defaults, without
/// `assigned-to` when no story of the book declares who writes it.
fn columns<'s>(book: &'s VisionBook<'_>, kind: Kind, assignments: bool) -> Vec<&'s str> {
    if let Some(configured) = book.settings.columns.get(book.kinds.name(kind)) {
        return configured.iter().map(String::as_str).collect();
    }
    let defaults = DEFAULT_COLUMNS.iter().find(|(k, _)| *k == kind).map_or(FALLBACK_COLUMNS, |(_, c)| *c);
    let shown: Vec<&str> = defaults.iter().copied().filter(|c| assignments || *c != "assigned-to").collect();
    if shown.is_empty() { defaults.to_vec() } else { shown }
}

/// Whether any story of the book says who writes it.
fn declares_assignments(book: &VisionBook<'_>) -> bool {
    book.stories.iter().any(|story| {
        !story.meta.assigned_to.is_empty()
            || story.declaration.as_ref().is_some_and(|d| d.has_value("assigned-to"))
    })
}

/// Whether a story's `status` says it is done: its cells for drafts (a volunteer wanted, a
/// pair not yet written) are then left empty.
fn is_finished(story: &Story) -> bool {
    const FINISHED: &[&str] = &["done", "final", "finished", "published", "complete", "completed", "merged"];
    let status = story.meta.status.as_deref().unwrap_or_default();
    let words: Vec<String> = status
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().any(|w| FINISHED.contains(&w.as_str()))
}

fn header(settings: &Settings, field: &str) -> String {
    settings.column_headers.get(field).cloned().unwrap_or_else(|| {
        FIELDS.iter().find(|(f, _)| *f == field).map_or_else(|| field.to_owned(), |(_, h)| (*h).to_owned())
    })
}

/// One cell of a story's table, as inline markdown.
fn cell(book: &VisionBook<'_>, page: PageId, story: &Story, field: &str) -> String {
    let meta = &story.meta;
    match field {
        "character" => {
            or_nothing(meta.character.iter().map(|name| character_link(book, page, name)).collect())
        }
        "shiny-future" | "status-quo" => pair_cell(book, page, story, field),
        "assigned-to" if meta.assigned_to.is_empty() && is_finished(story) => NOTHING.to_owned(),
        "assigned-to" => people(book, page, &meta.assigned_to),
        "owner" => people(book, page, &meta.owner),
        "status" => match meta.status.as_deref() {
            None => DRAFT.to_owned(),
            Some(status) if status.eq_ignore_ascii_case("draft") => DRAFT.to_owned(),
            Some(status) => escape_text(status),
        },
        "topics" if meta.topics.is_empty() => NOTHING.to_owned(),
        "topics" => escape_text(&meta.topics.join(", ")),
        "kind" => escape_text(book.kinds.name(story.kind)),
        "id" => escape_text(&story.id),
        _ => NOTHING.to_owned(),
    }
}

fn or_nothing(parts: Vec<String>) -> String {
    if parts.is_empty() { NOTHING.to_owned() } else { join_names(&parts) }
}

fn character_link(book: &VisionBook<'_>, page: PageId, name: &str) -> String {
    match book.character(name) {
        Some(character) => link(name, &book.link_to_character(page, character)),
        None => escape_text(name),
    }
}

fn pair_cell(book: &VisionBook<'_>, page: PageId, story: &Story, field: &str) -> String {
    let kind = if field == "shiny-future" { Kind::SHINY_FUTURE } else { Kind::STATUS_QUO };
    let links: Vec<String> = book
        .partners(story)
        .filter(|partner| partner.kind == kind)
        .map(|partner| link(&partner.title, &book.link_to_story(page, partner)))
        .collect();
    match links.as_slice() {
        [] if is_finished(story) => NOTHING.to_owned(),
        [] => NOT_YET_WRITTEN.to_owned(),
        _ => join_names(&links),
    }
}

fn people(book: &VisionBook<'_>, page: PageId, names: &[String]) -> String {
    if !names.is_empty() {
        return join_names(&names.iter().map(|n| escape_text(n)).collect::<Vec<_>>());
    }
    match book.how_to {
        Some(how_to) => link(VOLUNTEER_WANTED, &book.link(page, how_to, None)),
        None => VOLUNTEER_WANTED.to_owned(),
    }
}
