//! `mdbook-vision`: the five features of the suite in one pass, and the command line.
//!
//! - As an mdBook preprocessor (`[preprocessor.vision]`), every chapter is parsed once and all
//!   five features edit it, each unless turned off (`faq = false`); the result is the same as
//!   running the five standalone preprocessors, in any order.
//! - [`check`] loads a book as mdBook does and reports every finding, without rendering.
//! - [`new`] writes a page from its kind's template and adds it to SUMMARY.md.
//! - [`install`] adds `[preprocessor.vision]` to book.toml, keeping its formatting.

pub mod check;
pub mod install;
pub mod new;

use mdbook_vision_characters::Characters;
use mdbook_vision_core::config::Settings;
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::model::VisionBook;
use mdbook_vision_core::run::Feature;
use mdbook_vision_core::splice::Edits;
use mdbook_vision_faq::Faq;
use mdbook_vision_metanarrative::Metanarrative;
use mdbook_vision_roadmap::Roadmap;
use mdbook_vision_stories::Stories;

/// The five features, in the order the README lists them.
pub const FEATURES: [&dyn Feature; 5] = [&Stories, &Faq, &Characters, &Roadmap, &Metanarrative];

/// A feature that runs only when its switch is on.
#[derive(Clone, Copy)]
pub struct Switched(pub &'static dyn Feature);

impl Feature for Switched {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn check_settings(&self, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
        self.0.check_settings(settings, diagnostics);
    }

    fn edit_page(
        &self,
        book: &VisionBook<'_>,
        page: usize,
        edits: &mut Edits,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if book.settings.features.enabled(self.0.name()) {
            self.0.edit_page(book, page, edits, diagnostics);
        }
    }
}

/// The features of `[preprocessor.vision]`, each behind its switch.
pub const SWITCHED: [Switched; 5] = [
    Switched(FEATURES[0]),
    Switched(FEATURES[1]),
    Switched(FEATURES[2]),
    Switched(FEATURES[3]),
    Switched(FEATURES[4]),
];

/// [`SWITCHED`] as the list the core runner takes.
pub fn features() -> [&'static dyn Feature; 5] {
    [&SWITCHED[0], &SWITCHED[1], &SWITCHED[2], &SWITCHED[3], &SWITCHED[4]]
}
