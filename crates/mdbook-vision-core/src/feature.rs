//! The features of the suite: one registry from which the combined preprocessor, its switches,
//! the settings tables, `install` and the tests are derived, and the trait each feature
//! implements.
//!
//! Adding a feature means adding a [`FeatureId`] here, a crate that implements [`Feature`]
//! for it, and its entry in the combined preprocessor's list (a test checks the list is
//! complete).

use crate::config::Settings;
use crate::diagnostics::Diagnostic;
use crate::model::{Needs, PageId, VisionBook};
use crate::splice::Edits;

/// A feature of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureId {
    /// Story-metadata tables: `vision-stories`.
    Stories,
    /// The required-FAQ checker: `vision-faq`.
    Faq,
    /// Character cross-links: `vision-characters`.
    Characters,
    /// Roadmap status emoji: `vision-roadmap`.
    Roadmap,
    /// Metanarrative link expansion: `vision-metanarrative`.
    Metanarrative,
}

impl FeatureId {
    /// Every feature, in the order the combined preprocessor runs them.
    pub const ALL: [FeatureId; 5] = [
        FeatureId::Stories,
        FeatureId::Faq,
        FeatureId::Characters,
        FeatureId::Roadmap,
        FeatureId::Metanarrative,
    ];

    /// Its switch in `[preprocessor.vision]` (`faq = false`), and its name without prefix.
    pub fn switch(self) -> &'static str {
        match self {
            FeatureId::Stories => "stories",
            FeatureId::Faq => "faq",
            FeatureId::Characters => "characters",
            FeatureId::Roadmap => "roadmap",
            FeatureId::Metanarrative => "metanarrative",
        }
    }

    /// Its preprocessor's name, as in `[preprocessor.NAME]`: `vision-faq`.
    pub fn preprocessor(self) -> &'static str {
        match self {
            FeatureId::Stories => "vision-stories",
            FeatureId::Faq => "vision-faq",
            FeatureId::Characters => "vision-characters",
            FeatureId::Roadmap => "vision-roadmap",
            FeatureId::Metanarrative => "vision-metanarrative",
        }
    }

    /// Its standalone binary: `mdbook-vision-faq`.
    pub fn binary(self) -> &'static str {
        match self {
            FeatureId::Stories => "mdbook-vision-stories",
            FeatureId::Faq => "mdbook-vision-faq",
            FeatureId::Characters => "mdbook-vision-characters",
            FeatureId::Roadmap => "mdbook-vision-roadmap",
            FeatureId::Metanarrative => "mdbook-vision-metanarrative",
        }
    }
}

/// The combined preprocessor's name, as in `[preprocessor.vision]`.
pub const COMBINED: &str = "vision";

/// The combined preprocessor's binary.
pub const COMBINED_BINARY: &str = "mdbook-vision";

/// The preprocessor tables of the suite, the combined one first: every one of them takes
/// every setting.
pub fn tables() -> impl Iterator<Item = &'static str> {
    std::iter::once(COMBINED).chain(FeatureId::ALL.iter().map(|f| f.preprocessor()))
}

/// One feature of the suite: a function over the model that edits pages and reports findings.
pub trait Feature: Sync {
    /// Which feature this is.
    fn id(&self) -> FeatureId;

    /// What this feature needs of the model: the model builds only what the features of a run
    /// need, and reports only the problems of what it builds.
    fn needs(&self) -> Needs {
        Needs::ALL
    }

    /// Checks this feature's settings, once per run, before the book is read.
    fn check_settings(&self, _settings: &Settings, _diagnostics: &mut Vec<Diagnostic>) {}

    /// This feature ready to edit the pages of `book`: what it needs from the settings and the
    /// book is resolved here, once per run, not once per page.
    fn prepare<'b>(
        &self,
        book: &'b VisionBook<'b>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Box<dyn PageEditor + 'b>;
}

/// A feature prepared for one book. Pages are edited in parallel, each by every feature in
/// turn.
pub trait PageEditor: Sync {
    /// Records the edits of `page` and the findings about it.
    fn edit_page(&self, page: PageId, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>);
}
