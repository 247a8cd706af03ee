//! `vision-faq`: every story answers the required questions of its kind.
//!
//! For each story (and each cast member's page or section), the FAQ is found (a heading that
//! contains "Frequently Asked Questions", or a `<details>` whose summary does; for a story
//! split over sub-chapters, on any of its pages), its questions are read (headings, or bold
//! list items and bold paragraphs), and each required question of the kind is looked for,
//! ignoring case, emphasis, links, HTML, trailing punctuation and "(Optional)".
//!
//! The required questions of a kind are the configured ones, else those of the book's own
//! template page for the kind; else the seed's questions are only suggestions (a note per
//! page, never a warning). A missing FAQ, the missing questions (one finding per FAQ), a
//! question that almost matches, and an empty or placeholder answer are reported; optionally
//! a notice lists what is missing.

mod check;
mod matching;
mod reading;
mod requirements;

use std::ops::Range;

use mdbook_vision_core::config::Settings;
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::feature::{Feature, FeatureId, PageEditor};
use mdbook_vision_core::model::{GlobSet, Kind, PageId, Story, VisionBook, build_globs, section_of};
use mdbook_vision_core::splice::Edits;

use crate::check::RulePatterns;

pub use crate::matching::{asks_nearly, normalize};
pub use crate::reading::{FAQ_TITLE, FaqSection, Question, find_faq};
pub use crate::requirements::{Requirement, requirement_of};

/// The `vision-faq` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Faq;

impl Feature for Faq {
    fn id(&self) -> FeatureId {
        FeatureId::Faq
    }

    fn check_settings(&self, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
        build_globs(&settings.faq_exclude, "faq-exclude", diagnostics);
        settings.check_kind_keys("required-questions", settings.required_questions.keys(), diagnostics);
        settings.check_kind_keys("templates", settings.templates.keys(), diagnostics);
    }

    fn prepare<'b>(&self, book: &'b VisionBook<'b>, _: &mut Vec<Diagnostic>) -> Box<dyn PageEditor + 'b> {
        // `check_settings` reported bad globs once.
        let exclude = build_globs(&book.settings.faq_exclude, "faq-exclude", &mut Vec::new());
        let requirements: Vec<Requirement> =
            book.kinds.names().map(|name| requirement_of(book, book.kinds.named(name))).collect();
        let patterns = requirements.iter().map(|r| RulePatterns::new(r.rules())).collect();
        Box::new(FaqChecker { book, exclude, requirements, patterns })
    }
}

/// The FAQ checker prepared for a book.
struct FaqChecker<'b> {
    book: &'b VisionBook<'b>,
    /// The pages whose FAQ is not checked.
    exclude: GlobSet,
    /// What each kind's FAQ must ask, by the kind's position among the book's kinds.
    requirements: Vec<Requirement>,
    /// The patterns of each requirement's rules, likewise.
    patterns: Vec<RulePatterns>,
}

impl PageEditor for FaqChecker<'_> {
    fn edit_page(&self, page: PageId, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let book = self.book;
        if self.excluded(page) {
            return;
        }
        let mut suggestions = Vec::new();
        for subject in subjects(book, page) {
            if subject.home(book) != Some(page) || subject.places.iter().any(|(p, _)| self.excluded(*p)) {
                continue;
            }
            let kind = subject.kind.index();
            let (Some(requirement), Some(patterns)) = (self.requirements.get(kind), self.patterns.get(kind))
            else {
                continue;
            };
            if requirement.rules().is_empty() {
                continue;
            }
            let gaps = check::check_subject(book, &subject, requirement, patterns, edits, diagnostics);
            if requirement.is_suggestion() {
                suggestions.push((subject.noun(), book.kinds.name(subject.kind), gaps));
            }
        }
        diagnostics.extend(check::suggestion_note(book.page(page), &suggestions));
    }
}

impl FaqChecker<'_> {
    fn excluded(&self, page: PageId) -> bool {
        self.exclude.is_match(self.book.page(page).source.file().unwrap_or_default())
    }
}

/// Something whose FAQ is checked: a story, or a cast member without a story block.
pub(crate) struct Subject {
    /// Its kind.
    pub kind: Kind,
    /// The names NAME stands for when matching.
    pub characters: Vec<String>,
    /// The name NAME stands for in messages.
    pub character: Option<String>,
    /// Where its FAQ may be: its page (or section), then its parts.
    pub places: Vec<(PageId, Range<usize>)>,
}

impl Subject {
    /// What the subject is called in messages.
    pub fn noun(&self) -> &'static str {
        match self.kind {
            Kind::CHARACTER => "character",
            Kind::DESIGN_DOC => "design doc",
            _ => "story",
        }
    }

    /// The page that holds its FAQ, else its first page.
    pub fn home(&self, book: &VisionBook<'_>) -> Option<PageId> {
        if self.places.len() == 1 {
            return self.places.first().map(|(page, _)| *page);
        }
        let mut with_faq = self
            .places
            .iter()
            .filter(|(page, section)| find_faq(&book.page(*page).doc, section.clone()).is_some());
        with_faq.next().or(self.places.first()).map(|(page, _)| *page)
    }
}

/// The subjects whose FAQ may be on `page`: its stories and cast members, and the story it is
/// a part of.
fn subjects(book: &VisionBook<'_>, page: PageId) -> Vec<Subject> {
    let doc = &book.page(page).doc;
    let whole_story = book.page(page).part_of.map(|parent| book.stories_on(parent)).unwrap_or_default();
    let stories = book.stories_on(page).iter().chain(whole_story.iter().filter(|s| !s.parts.is_empty()));
    let mut subjects: Vec<Subject> = stories.map(|story| story_subject(book, story)).collect();
    if book.stories_on(page).iter().all(|s| s.kind != Kind::CHARACTER) {
        for (_, character) in book.cast_on(page) {
            let heading =
                character.anchor.as_ref().and_then(|a| doc.headings.iter().find(|h| doc.heading_id(h) == a));
            subjects.push(Subject {
                kind: Kind::CHARACTER,
                characters: vec![character.name.clone()],
                character: Some(character.name.clone()),
                places: vec![(page, heading.map_or(0..doc.text.len(), |h| section_of(doc, h)))],
            });
        }
    }
    subjects
}

fn story_subject(book: &VisionBook<'_>, story: &Story) -> Subject {
    let page = story.page;
    let (characters, character) = if story.kind == Kind::CHARACTER && story.meta.character.is_empty() {
        let names: Vec<String> = book
            .cast_on(page)
            .filter(|(_, c)| story.anchor.is_none() || c.anchor == story.anchor)
            .map(|(_, c)| c.name.clone())
            .collect();
        let first = names.first().cloned();
        (names, first)
    } else {
        (book.characters_of(story).to_vec(), book.main_character(story).map(str::to_owned))
    };
    let parts = story.parts.iter().map(|&part| (part, 0..book.page(part).doc.text.len()));
    Subject {
        kind: story.kind,
        characters,
        character,
        places: std::iter::once((page, story.section.clone())).chain(parts).collect(),
    }
}
