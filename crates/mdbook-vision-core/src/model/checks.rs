//! The book's own consistency: story ids are unique, story blocks name cast members, and
//! pairings are between a status quo and a shiny future story and mutual.

use foldhash::{HashSet, HashSetExt};
use rayon::prelude::*;

use super::kind::Kind;
use super::story::Story;
use super::{StoryId, VisionBook};
use crate::codes;
use crate::diagnostics::{Diagnostic, suggestion};

impl VisionBook<'_> {
    /// Checks every story, and returns those with problems.
    pub(super) fn check_stories(&self, diagnostics: &mut Vec<Diagnostic>) -> HashSet<StoryId> {
        // Each story is checked on its own, in parallel; the findings are then taken in book order.
        let findings: Vec<Vec<Diagnostic>> = (0..self.stories.len())
            .into_par_iter()
            .map(|index| {
                let story = &self.stories[index];
                let mut findings = Vec::new();
                // The first story with an id, in book order, is the one the others repeat.
                let first = self.stories_with_id(&story.id).next().unwrap_or(StoryId::at(index));
                if first.index() != index {
                    findings.push(self.duplicate_id(story, self.story_at(first)));
                }
                self.check_characters(story, &mut findings);
                self.check_pairs(story, &mut findings);
                findings
            })
            .collect();
        let mut faulty = HashSet::new();
        for (index, story_findings) in findings.into_iter().enumerate() {
            if !story_findings.is_empty() {
                faulty.insert(StoryId::at(index));
            }
            diagnostics.extend(story_findings);
        }
        faulty
    }

    fn duplicate_id(&self, story: &Story, first: &Story) -> Diagnostic {
        let range = story.declaration.as_ref().map_or(0..0, |d| d.value_range("id"));
        Diagnostic::new(codes::DUPLICATE_ID, format!("story id `{}` is used twice", story.id))
            .at(self.page(story.page).location(range))
            .with_help(format!(
                "it is also the id of the story in {}; give one of them `id = \"...\"`",
                self.page(first.page).display_path
            ))
    }

    fn check_characters(&self, story: &Story, diagnostics: &mut Vec<Diagnostic>) {
        if story.kind == Kind::CHARACTER {
            return;
        }
        let Some(declaration) = &story.declaration else {
            return;
        };
        for name in &story.meta.character {
            if self.character(name).is_none() {
                diagnostics.push(
                    Diagnostic::new(codes::UNKNOWN_CHARACTER, format!("`{name}` is not in the cast"))
                        .at(self.page(story.page).location(declaration.value_range("character")))
                        .with_help(suggestion(name, "characters", self.cast.iter().map(|c| c.name.as_str()))),
                );
            }
        }
    }

    fn check_pairs(&self, story: &Story, diagnostics: &mut Vec<Diagnostic>) {
        let Some(declaration) = &story.declaration else {
            return;
        };
        let (Some(key), Some(expected_kind)) = (story.kind.pair_key(), story.kind.pair()) else { return };
        let location = || self.page(story.page).location(declaration.value_range(key));
        for id in story.meta.declared_pairs(story.kind) {
            let Some(other) = self.story(id) else {
                let ids = self.stories.iter().map(|s| s.id.as_str());
                diagnostics.push(
                    Diagnostic::new(codes::UNKNOWN_STORY, format!("no story has the id `{id}`"))
                        .at(location())
                        .with_help(suggestion(id, "story ids", ids)),
                );
                continue;
            };
            if other.kind != expected_kind {
                diagnostics.push(
                    Diagnostic::new(
                        codes::PAIR_KIND,
                        format!(
                            "`{key}` names `{id}`, which is a {} story, not a {} one",
                            self.kinds.name(other.kind),
                            self.kinds.name(expected_kind)
                        ),
                    )
                    .at(location()),
                );
                continue;
            }
            let theirs = other.meta.declared_pairs(other.kind);
            if !theirs.is_empty() && !theirs.contains(&story.id) {
                diagnostics.push(
                    Diagnostic::new(
                        codes::PAIR_NOT_MUTUAL,
                        format!(
                            "`{}` pairs with `{id}`, but `{id}` pairs with `{}`",
                            story.id,
                            theirs.join("`, `")
                        ),
                    )
                    .at(location())
                    .with_help(format!(
                        "a pairing must be mutual: fix one side, or declare it on one side only (in {})",
                        self.page(other.page).display_path
                    )),
                );
            }
        }
    }
}
