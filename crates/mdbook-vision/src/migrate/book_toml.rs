//! The `book-toml` step: book.toml made to run the suite, as `install --fix` does:
//! `[preprocessor.vision]` added (unless the book runs the standalone preprocessors already),
//! keys mdBook 0.5 rejects removed or renamed, preprocessors whose command is not installed
//! marked `optional = true`. Comments, formatting, line endings
//! and a byte order mark are kept.
//!
//! The legend and the required questions are not written: the suite reads them from the
//! book's own key table and templates. Where a kind of story has no template, a note says
//! that its questions are only the seed's suggestions.

use std::collections::BTreeMap;

use anyhow::Result;
use mdbook_vision_core::diagnostics::{Diagnostic, Location};
use mdbook_vision_core::model::Kind;

use super::sources::Sources;
use super::{Tally, kept_finding};
use crate::install::{Standalone, edit_file};
use crate::load::is_installed;

/// Edits book.toml in `sources`, counting the edits in `tally`; the findings are what it
/// leaves to the author.
pub(crate) fn plan(sources: &mut Sources, tally: &mut BTreeMap<Tally, usize>) -> Result<Vec<Diagnostic>> {
    let current = sources.book_toml.as_ref().map_or_else(String::new, |(_, now)| now.clone());
    let (updated, installed) = edit_file(&current, true, Standalone::KeepThem, &is_installed)?;
    let edits = usize::from(installed.added) + installed.fixed;
    if edits > 0 {
        *tally.entry(Tally::BookToml).or_default() += edits;
    }
    let original = sources.book_toml.take().map_or_else(String::new, |(before, _)| before);
    sources.book_toml = Some((original, updated));
    let mut findings: Vec<Diagnostic> = installed
        .left
        .iter()
        .map(|problem| kept_finding(Location::file("book.toml"), problem.clone(), "remove the table by hand"))
        .collect();
    findings.extend(sources.with_model(|book| {
        [Kind::STATUS_QUO, Kind::SHINY_FUTURE]
            .into_iter()
            .filter(|&kind| book.stories.iter().any(|s| s.kind == kind) && book.template_of(kind).is_none())
            .filter(|&kind| !book.settings.required_questions.contains_key(book.kinds.name(kind)))
            .map(|kind| {
                let name = book.kinds.name(kind);
                kept_finding(
                    Location::file("book.toml"),
                    format!("the book has no {name} template: its stories are only offered the seed's questions, as notes"),
                    "add a template.md to the kind's folder, or list the questions under `required-questions` in [preprocessor.vision]",
                )
            })
            .collect::<Vec<_>>()
    })?);
    Ok(findings)
}
