//! `vision-roadmap`: the status emoji of a roadmap, declared once in a legend, checked and
//! explained.
//!
//! In the tables of roadmap pages, a status column's cell holding a legend word (`healthy`,
//! `:healthy:`) becomes the status's emoji, and every status gets a hover title with its label
//! and meaning when the book is rendered to HTML (other renderers get the plain emoji). A value
//! that names no status is a warning. A date column's dates must be `YYYY-MM` or `YYYY-MM-DD`
//! and, with `stale-after`, recent enough; a progress column's `3/6` or `50%` becomes a bar
//! (`▰▰▰▱▱▱`) with the exact value as its title. `{{#roadmap-legend}}`, on any page, becomes
//! the legend table. Only the changed cells are spliced; a cell holding markup (emphasis, a
//! link, code, HTML) is checked but left as written, which is also how a second run recognises
//! the cells the first one rendered.

mod dates;
mod key_table;
mod legend;
mod progress;
mod tables;

use std::cell::RefCell;

use mdbook_vision_core::codes::{self, Code};
use mdbook_vision_core::config::Settings;
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::feature::{Feature, FeatureId, PageEditor};
use mdbook_vision_core::generate::{escape_attribute, escape_text};
use mdbook_vision_core::markdown::Document;
use mdbook_vision_core::model::{Kind, Needs, Page, PageId, VisionBook};
use mdbook_vision_core::splice::Edits;

use crate::legend::{Legend, Naming, title};
use crate::tables::{Cell, Table, tables};

/// The directive that renders the legend table: `{{#roadmap-legend}}`.
pub const LEGEND_DIRECTIVE: &str = "roadmap-legend";

/// The renderer that gets hover titles.
const HTML: &str = "html";

/// The `vision-roadmap` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Roadmap;

impl Feature for Roadmap {
    fn id(&self) -> FeatureId {
        FeatureId::Roadmap
    }

    fn needs(&self) -> Needs {
        // Tables and the legend: no stories.
        Needs::default()
    }

    fn check_settings(&self, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
        legend::check(&settings.roadmap_legend(), diagnostics);
    }

    fn prepare<'b>(&self, book: &'b VisionBook<'b>, _: &mut Vec<Diagnostic>) -> Box<dyn PageEditor + 'b> {
        let settings = &book.settings;
        let lowercase = |headers: Vec<String>| headers.iter().map(|h| h.trim().to_lowercase()).collect();
        let status_headers: Vec<String> = lowercase(settings.status_column_headers());
        let (legend, key_tables) =
            key_table::resolve(book, settings.legend.clone(), settings.roadmap_legend(), &status_headers);
        Box::new(RoadmapEditor {
            book,
            legend,
            key_tables,
            roles: [
                (Column::Status, status_headers),
                (Column::Date, lowercase(settings.date_column_headers())),
                (Column::Progress, lowercase(settings.progress_column_headers())),
            ],
            html: book.renderer == HTML,
        })
    }
}

/// The roadmap feature prepared for a book.
struct RoadmapEditor<'b> {
    book: &'b VisionBook<'b>,
    legend: Legend,
    key_tables: key_table::KeyTables,
    /// What each column role's headers are, lowercase.
    roles: [(Column, Vec<String>); 3],
    /// Whether the book is rendered to HTML, where statuses and bars get hover titles.
    html: bool,
}

impl PageEditor for RoadmapEditor<'_> {
    fn edit_page(&self, id: PageId, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let page = self.book.page(id);
        expand_legend_directives(page, &self.legend, edits, diagnostics);
        if page.kind != Some(Kind::ROADMAP) {
            return;
        }
        let roadmap = RoadmapPage { editor: self, page, unknown: RefCell::new(Vec::new()) };
        let tables = tables(&page.doc);
        let roadmap_tables = tables.iter().enumerate().filter(|(at, _)| !self.key_tables.contains(id, *at));
        for (_, table) in roadmap_tables {
            roadmap.edit_table(table, edits, diagnostics);
        }
        roadmap.report_unknown(diagnostics);
    }
}

impl RoadmapEditor<'_> {
    /// The role of each column of a table whose header row is `header`.
    fn columns(&self, doc: &Document<'_>, header: &[Cell]) -> Vec<Option<Column>> {
        header
            .iter()
            .map(|cell| {
                let text = cell.text(doc).trim().to_lowercase();
                self.roles.iter().find(|(_, headers)| headers.contains(&text)).map(|(role, _)| *role)
            })
            .collect()
    }
}

/// Replaces each `{{#roadmap-legend}}` with the legend table. An escaped
/// `\{{#roadmap-legend}}` is left as it is: markdown renders `\{` as `{`.
fn expand_legend_directives(
    page: &Page<'_>,
    legend: &Legend,
    edits: &mut Edits,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let doc = &page.doc;
    for directive in doc.directives(&[LEGEND_DIRECTIVE]) {
        if let Some(misplaced) = directive.misplaced() {
            diagnostics.push(misplaced.at(page.location(directive.range.clone())));
            continue;
        }
        let table = legend.table(doc.line_ending(), &doc.continuation_prefix(directive.range.start));
        edits.replace(directive.range.clone(), table);
    }
}

/// What a column of a roadmap table holds, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Status,
    Date,
    Progress,
}

/// A roadmap page being edited.
struct RoadmapPage<'e, 'b> {
    editor: &'e RoadmapEditor<'b>,
    page: &'b Page<'b>,
    /// The values naming no status, each with its first cell and how many cells hold it.
    unknown: RefCell<Vec<(String, Cell, usize)>>,
}

impl RoadmapPage<'_, '_> {
    fn edit_table(&self, table: &Table, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let columns = self.editor.columns(&self.page.doc, &table.header);
        for row in &table.rows {
            for (cell, column) in row.iter().zip(&columns) {
                if cell.is_empty() {
                    continue;
                }
                match column {
                    Some(Column::Status) => self.edit_status(cell, edits),
                    Some(Column::Date) => self.check_date(cell, diagnostics),
                    Some(Column::Progress) => self.edit_progress(cell, edits, diagnostics),
                    None => {}
                }
            }
        }
    }

    /// A legend word becomes its emoji; a status gets its hover title in HTML.
    fn edit_status(&self, cell: &Cell, edits: &mut Edits) {
        let doc = &self.page.doc;
        let text = cell.text(doc);
        let Some((entry, naming)) = self.editor.legend.find(&text) else {
            let value = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut unknown = self.unknown.borrow_mut();
            match unknown.iter_mut().find(|(known, _, _)| *known == value) {
                Some((_, _, count)) => *count += 1,
                None => unknown.push((value, cell.clone(), 1)),
            }
            return;
        };
        let shown = match naming {
            Naming::Emoji => doc.text[cell.range.clone()].to_owned(),
            Naming::Word => escape_text(&entry.emoji),
        };
        let replacement = if self.editor.html { with_title(&shown, &title(entry)) } else { shown };
        self.replace_plain_cell(cell, replacement, edits);
    }

    /// One finding per value that names no status, at its first cell, with how many cells hold
    /// it.
    fn report_unknown(&self, diagnostics: &mut Vec<Diagnostic>) {
        let legend = &self.editor.legend;
        for (value, cell, count) in self.unknown.take() {
            let cells = if count == 1 { String::new() } else { format!(" ({count} cells)") };
            let mut help = legend.help_for(&value);
            if key_table::is_single_emoji(&value) {
                help = format!("{help}; {}", legend.how_to_add(&value));
            }
            diagnostics.push(self.finding(
                codes::ROADMAP_UNKNOWN_STATUS,
                format!("`{value}` is not a status of the roadmap legend{cells}"),
                &cell,
                help,
            ));
        }
    }

    /// A date must be one, not in the future, and with `stale-after`, recent enough.
    fn check_date(&self, cell: &Cell, diagnostics: &mut Vec<Diagnostic>) {
        let text = cell.text(&self.page.doc);
        let text = text.trim();
        let today = dates::day_of(self.editor.book.now);
        let finding = match dates::parse(text) {
            Err(why) => (codes::ROADMAP_BAD_DATE, format!("`{text}` is not a date"), why.to_owned()),
            Ok(day) if day > today => (
                codes::ROADMAP_BAD_DATE,
                format!("`{text}` is in the future"),
                format!("the build's date is {}; `SOURCE_DATE_EPOCH` sets it", dates::format(today)),
            ),
            Ok(day) => match self.editor.book.settings.stale_after {
                Some(limit) if today - day > i64::from(limit) => (
                    codes::ROADMAP_STALE,
                    format!(
                        "`{text}` is {} days before the build, more than `stale-after` ({limit} days)",
                        today - day
                    ),
                    "update the plan's status, then its date".to_owned(),
                ),
                _ => return,
            },
        };
        let (code, message, help) = finding;
        diagnostics.push(self.finding(code, message, cell, help));
    }

    /// `3/6` or `50%` becomes a bar; in HTML the exact value is its hover title, elsewhere it
    /// follows the bar.
    fn edit_progress(&self, cell: &Cell, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let doc = &self.page.doc;
        let parsed = match progress::parse(&cell.text(doc)) {
            Ok(Some(parsed)) => parsed,
            Ok(None) => return,
            Err(message) => {
                diagnostics.push(self.finding(
                    codes::ROADMAP_BAD_PROGRESS,
                    message,
                    cell,
                    progress::HELP.to_owned(),
                ));
                return;
            }
        };
        let progress = &parsed.progress;
        let replacement = match (self.editor.html, parsed.has_value) {
            (true, true) => with_title(&progress.bar(), &progress.value()),
            (true, false) => with_title(&doc.text[cell.range.clone()], &progress.value()),
            (false, true) => format!("{} {}", progress.bar(), escape_text(&progress.value())),
            (false, false) => return,
        };
        self.replace_plain_cell(cell, replacement, edits);
    }

    /// Replaces the content of `cell` when it holds text only and differs from `replacement`.
    fn replace_plain_cell(&self, cell: &Cell, replacement: String, edits: &mut Edits) {
        let doc = &self.page.doc;
        if cell.is_plain(doc) && doc.text[cell.range.clone()] != replacement {
            edits.replace(cell.range.clone(), replacement);
        }
    }

    /// A warning about `cell`.
    fn finding(&self, code: Code, message: String, cell: &Cell, help: String) -> Diagnostic {
        Diagnostic::new(code, message).at(self.page.location(cell.range.clone())).with_help(help)
    }
}

/// `markdown` with a hover title: `<span title="...">markdown</span>`.
fn with_title(markdown: &str, title: &str) -> String {
    format!("<span title=\"{}\">{markdown}</span>", escape_attribute(title))
}
