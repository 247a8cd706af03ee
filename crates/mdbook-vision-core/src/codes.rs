//! Every diagnostic code of the suite, declared once: its name, its level, and what it means.
//! The README's table of codes is checked against this list.

use crate::diagnostics::Level;

/// A kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// Its stable, kebab-case name, as printed (`unknown-character`).
    pub name: &'static str,
    /// How serious it is, unless a setting says otherwise (`faq-severity`, `on-error`).
    pub level: Level,
    /// What it means, in one line.
    pub meaning: &'static str,
}

macro_rules! codes {
    ($($constant:ident = $name:literal, $level:ident, $meaning:literal;)*) => {
        $(
            #[doc = $meaning]
            pub const $constant: Code = Code { name: $name, level: Level::$level, meaning: $meaning };
        )*

        /// Every code, in the order the README lists them.
        pub const ALL: &[Code] = &[$($constant),*];
    };
}

codes! {
    BAD_INPUT = "bad-input", Error, "the input is not a request mdBook sends, or the suite failed on it";
    UNSUPPORTED_MDBOOK = "unsupported-mdbook", Warning, "the mdBook running the suite is neither 0.4 nor 0.5";
    UNKNOWN_KEY = "unknown-key", Error, "a key that no setting or story block has";
    BAD_SETTING = "bad-setting", Error, "a setting whose value cannot be used";
    DUPLICATE_SETTING = "duplicate-setting", Error, "the same setting, differently, in two of the suite's tables";
    IGNORED_SETTING = "ignored-setting", Warning, "a setting that has no effect where it is written";
    UNKNOWN_PAGE = "unknown-page", Error, "a setting names a page the book does not have";
    UNKNOWN_FIELD = "unknown-field", Error, "a story-table column that is not a field";
    UNKNOWN_KIND = "unknown-kind", Error, "a kind of page the book does not have, or a story whose kind cannot be told";
    BAD_TOML = "bad-toml", Error, "a story block that is not valid TOML";
    BAD_VALUE = "bad-value", Error, "a story-block value of the wrong type";
    UNNAMED_STORY = "unnamed-story", Error, "a story of a single-page chapter without a heading above its block";
    DUPLICATE_ID = "duplicate-id", Error, "two stories with the same id";
    UNKNOWN_CHARACTER = "unknown-character", Error, "a story block names someone who is not in the cast";
    UNKNOWN_STORY = "unknown-story", Error, "a pair or a directive names a story id the book does not have";
    PAIR_KIND = "pair-kind", Error, "a pair that is not a status quo and a shiny future story";
    PAIR_NOT_MUTUAL = "pair-not-mutual", Error, "two stories that name different pairs";
    FAQ_MISSING = "faq-missing", Warning, "a page without its \"Frequently Asked Questions\" section";
    FAQ_MISSING_QUESTION = "faq-missing-question", Warning, "a FAQ that does not ask a required question";
    FAQ_NEAR_MISS = "faq-near-miss", Warning, "a FAQ question close to, but not, a required one";
    FAQ_EMPTY_ANSWER = "faq-empty-answer", Warning, "a FAQ question without an answer, or with a placeholder";
    FAQ_SUGGESTED = "faq-suggested", Note, "a page of a kind without a template that does not ask what the seed's template asks (once per page)";
    CHARACTER_LINK_REPAIRED = "character-link-repaired", Note, "a link to a character's page whose definition is stale, pointed at the right page";
    CHARACTER_LINK_IN_HEADING = "character-link-in-heading", Warning, "a reference to a character without a definition, in a heading: left as written, since a link would change the heading's text";
    ROADMAP_UNKNOWN_STATUS = "roadmap-unknown-status", Warning, "a roadmap status that is not in the legend";
    ROADMAP_BAD_DATE = "roadmap-bad-date", Warning, "a roadmap date that is not a date, or is in the future";
    ROADMAP_STALE = "roadmap-stale", Warning, "a roadmap date older than `stale-after`";
    ROADMAP_BAD_PROGRESS = "roadmap-bad-progress", Warning, "a roadmap progress value that is not one";
    BAD_DIRECTIVE = "bad-directive", Error, "a `{{#story}}` or `{{#stories}}` directive that cannot be read";
    UNKNOWN_ANCHOR = "unknown-anchor", Error, "a `{{#story ID#anchor}}` whose anchor is not a heading of the story";
    UNKNOWN_FILTER = "unknown-filter", Error, "a `{{#stories}}` filter that does not exist";
    UNKNOWN_FILTER_VALUE = "unknown-filter-value", Error, "a `{{#stories}}` filter value naming a character or kind the book does not have";
    UNKNOWN_TOPIC = "unknown-topic", Warning, "a `{{#stories topic=...}}` value that no story has";
    MISPLACED_DIRECTIVE = "misplaced-directive", Warning, "a directive where its output cannot stand (a list in a table cell, a link in a link, a table in a paragraph): left as written";
    STORIES_EMPTY = "stories-empty", Note, "a `{{#stories}}` list that matches no story";
    BOOK_LOAD = "book-load", Error, "`check` or `new` cannot load the book";
    MDBOOK_CONFIG = "mdbook-config", Warning, "a key of book.toml that mdBook 0.5 rejects (mdBook 0.4 accepts it)";
    MISSING_CHAPTER = "missing-chapter", Error, "a SUMMARY.md entry whose file does not exist";
    BROKEN_INCLUDE = "broken-include", Error, "an `{{#include}}` (or another mdBook link directive) that mdBook cannot expand; reported by `check`";
    MIGRATE_KEPT = "migrate-kept", Note, "something `migrate` left as written, because it could not tell, or could not verify, that a change would render the same";
    BAD_ENVIRONMENT = "bad-environment", Warning, "an environment variable the suite reads (`SOURCE_DATE_EPOCH`) holding a value it cannot use";
}

/// The code named `name`.
pub fn named(name: &str) -> Option<Code> {
    ALL.iter().copied().find(|code| code.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_declared_once() {
        let mut names: Vec<&str> = ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}
