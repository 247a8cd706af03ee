//! Kinds of page: status quo, shiny future, character, design doc, roadmap, and any the book
//! configures, each decided by path globs; and the other globs that sort pages by path (pages
//! that are never stories, pages the cast is read from).

pub use globset::GlobSet;
use globset::{Candidate, GlobBuilder, GlobSetBuilder};

use crate::codes;
use crate::config::{DEFAULT_KINDS, Settings};
use crate::diagnostics::{Diagnostic, Location};

/// A kind of page: one of the defaults, or one the book configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kind(u16);

impl Kind {
    /// Status quo stories.
    pub const STATUS_QUO: Kind = Kind(0);
    /// Shiny future stories.
    pub const SHINY_FUTURE: Kind = Kind(1);
    /// Character pages.
    pub const CHARACTER: Kind = Kind(2);
    /// Design docs.
    pub const DESIGN_DOC: Kind = Kind(3);
    /// Roadmap pages.
    pub const ROADMAP: Kind = Kind(4);

    /// Its position among the book's kinds, for tables indexed by kind.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// Whether a page of this kind is a story even without a story block: every kind but
    /// character pages and roadmaps.
    pub fn holds_stories(self) -> bool {
        self != Kind::CHARACTER && self != Kind::ROADMAP
    }

    /// The kind a story of this kind pairs with: status quo and shiny future pair with each
    /// other; other kinds have no pair.
    pub fn pair(self) -> Option<Kind> {
        match self {
            Kind::STATUS_QUO => Some(Kind::SHINY_FUTURE),
            Kind::SHINY_FUTURE => Some(Kind::STATUS_QUO),
            _ => None,
        }
    }

    /// The story-block key that names the pair of a story of this kind: `shiny-future` on a
    /// status quo story, `status-quo` on a shiny future one.
    pub fn pair_key(self) -> Option<&'static str> {
        match self {
            Kind::STATUS_QUO => Some("shiny-future"),
            Kind::SHINY_FUTURE => Some("status-quo"),
            _ => None,
        }
    }
}

/// The kinds of a book, with their compiled globs, in the order they are tried; and the
/// compiled `not-stories` and `cast-pages` globs. They are compiled once per run, while the
/// request is read.
#[derive(Debug, Clone)]
pub struct Kinds {
    names: Vec<String>,
    globs: Vec<GlobSet>,
    not_stories: GlobSet,
    cast_pages: GlobSet,
    /// The problems with the `cast-pages` globs, reported only when the cast is read from
    /// pages (not configured).
    cast_pages_findings: Vec<Diagnostic>,
}

/// What a page's path says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathClass {
    /// Its kind: the first whose globs match.
    pub kind: Option<Kind>,
    /// Whether it matches the `not-stories` globs.
    pub not_a_story: bool,
    /// Whether it matches the `cast-pages` globs.
    pub cast_page: bool,
}

impl Kinds {
    /// The kinds `settings` declare: the defaults, overridden or extended. Bad globs are
    /// reported (those of `cast-pages` by [`Kinds::cast_pages_findings`]).
    pub fn new(settings: &Settings, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let kinds = settings.kind_globs();
        debug_assert!(DEFAULT_KINDS.iter().zip(&kinds).all(|((default, _), (kind, _))| default == kind));
        let mut cast_pages_findings = Vec::new();
        let cast_pages = build_globs(&settings.cast_page_globs(), "cast-pages", &mut cast_pages_findings);
        Kinds {
            cast_pages,
            cast_pages_findings,
            names: kinds.iter().map(|(kind, _)| kind.clone()).collect(),
            globs: kinds
                .iter()
                .map(|(kind, globs)| build_globs(globs, &format!("kinds.{kind}"), diagnostics))
                .collect(),
            not_stories: build_globs(&settings.not_story_globs(), "not-stories", diagnostics),
        }
    }

    /// The name of `kind` (`status-quo`).
    pub fn name(&self, kind: Kind) -> &str {
        self.names.get(usize::from(kind.0)).map_or("", String::as_str)
    }

    /// The kind named `name`.
    pub fn named(&self, name: &str) -> Option<Kind> {
        self.names.iter().position(|n| n == name).and_then(|i| u16::try_from(i).ok()).map(Kind)
    }

    /// Every kind, in order: the defaults first.
    pub fn all(&self) -> impl Iterator<Item = Kind> + use<> {
        (0..self.names.len()).filter_map(|i| u16::try_from(i).ok()).map(Kind)
    }

    /// The names of every kind, the defaults first.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.names.iter().map(String::as_str)
    }

    /// The kind of the page whose file is `file` (relative to `src`), by the first kind whose
    /// globs match.
    pub fn of_file(&self, file: &str) -> Option<Kind> {
        self.kind_of(&Candidate::new(file))
    }

    /// What the globs say of the page whose file is `file`: the path is prepared for
    /// matching once, for all of them.
    pub fn classify(&self, file: &str) -> PathClass {
        let candidate = Candidate::new(file);
        PathClass {
            kind: self.kind_of(&candidate),
            not_a_story: self.not_stories.is_match_candidate(&candidate),
            cast_page: self.cast_pages.is_match_candidate(&candidate),
        }
    }

    /// The problems with the `cast-pages` globs (bad globs are left out of them).
    pub fn cast_pages_findings(&self) -> &[Diagnostic] {
        &self.cast_pages_findings
    }

    fn kind_of(&self, candidate: &Candidate<'_>) -> Option<Kind> {
        let index = self.globs.iter().position(|set| set.is_match_candidate(candidate))?;
        u16::try_from(index).ok().map(Kind)
    }
}

/// Compiles path globs where `*` stays within a path segment and `**` spans any number.
pub fn build_globs(globs: &[String], setting: &str, diagnostics: &mut Vec<Diagnostic>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        match GlobBuilder::new(glob).literal_separator(true).build() {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(error) => diagnostics.push(
                Diagnostic::new(
                    codes::BAD_SETTING,
                    format!("`{setting}` has an invalid glob `{glob}`: {error}"),
                )
                .at(Location::setting(setting)),
            ),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob_matches(glob: &str, path: &str) -> bool {
        build_globs(&[glob.to_owned()], "test", &mut Vec::new()).is_match(path)
    }

    #[test]
    fn globs_keep_single_stars_within_a_segment() {
        assert!(glob_matches("**/status_quo/**", "vision/status_quo/a.md"));
        assert!(glob_matches("**/status_quo/**", "status_quo/a.md"));
        assert!(!glob_matches("*/a.md", "x/y/a.md"));
        assert!(glob_matches("**/roadmap.md", "roadmap.md"));
    }

    #[test]
    fn the_default_kinds_are_the_constants() {
        let kinds = Kinds::new(&Settings::default(), &mut Vec::new());
        for (kind, name) in [
            (Kind::STATUS_QUO, "status-quo"),
            (Kind::SHINY_FUTURE, "shiny-future"),
            (Kind::CHARACTER, "character"),
            (Kind::DESIGN_DOC, "design-doc"),
            (Kind::ROADMAP, "roadmap"),
        ] {
            assert_eq!(kinds.name(kind), name);
            assert_eq!(kinds.named(name), Some(kind));
        }
    }
}
