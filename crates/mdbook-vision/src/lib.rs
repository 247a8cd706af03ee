//! `mdbook-vision`: the five features of the suite in one pass, and the command line.
//!
//! - As an mdBook preprocessor (`[preprocessor.vision]`), every chapter is parsed once and all
//!   five features edit it, each unless turned off (`faq = false`); the result is the same as
//!   running the five standalone preprocessors, in any order.
//! - [`check`] loads a book as mdBook does and reports every finding, without rendering.
//! - [`new`] writes a page from its kind's template and adds it to SUMMARY.md.
//! - [`install`] adds `[preprocessor.vision]` to book.toml, keeping its formatting.
//! - [`migrate`] moves a hand-maintained book onto the suite, as a diff to review.

pub mod check;
mod compat;
mod files;
pub mod install;
pub mod load;
mod mdbook_log;
pub mod migrate;
pub mod new;
mod summary;
mod template;
#[cfg(test)]
mod test_books;

use mdbook_vision_characters::Characters;
use mdbook_vision_core::feature::{COMBINED_BINARY, Feature};
use mdbook_vision_core::run::Preprocessor;
use mdbook_vision_faq::Faq;
use mdbook_vision_metanarrative::Metanarrative;
use mdbook_vision_roadmap::Roadmap;
use mdbook_vision_stories::Stories;

/// Every feature, in the order of [`mdbook_vision_core::feature::FeatureId::ALL`] (a test
/// checks it).
pub const FEATURES: [&dyn Feature; 5] = [&Stories, &Faq, &Characters, &Roadmap, &Metanarrative];

/// The combined preprocessor: every feature in one pass, each unless switched off.
pub const COMBINED: Preprocessor<'static> =
    Preprocessor { name: COMBINED_BINARY, features: &FEATURES, switched: true };

#[cfg(test)]
mod tests {
    use mdbook_vision_core::feature::FeatureId;

    use super::*;

    #[test]
    fn every_feature_is_combined_in_order() {
        let ids: Vec<FeatureId> = FEATURES.iter().map(|f| f.id()).collect();
        assert_eq!(ids, FeatureId::ALL);
    }
}
