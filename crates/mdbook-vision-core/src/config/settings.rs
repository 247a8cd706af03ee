//! The settings authors write, as read from the preprocessor tables, with their defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::defaults::*;
use crate::codes;
use crate::diagnostics::{Diagnostic, Location, Severity, suggestion};
use crate::feature::FeatureId;

/// Every setting of the suite. Keys are kebab-case; an absent key takes its default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Settings {
    /// Kind name to path globs; replaces the default globs of that kind, or adds a kind.
    pub kinds: BTreeMap<String, Vec<String>>,
    /// Globs of pages that are never stories.
    pub not_stories: Option<Vec<String>>,
    /// The cast, name to page (`vision/characters/alan.md`, or `characters.md#alan`);
    /// when given, the cast is not discovered.
    pub cast: BTreeMap<String, String>,
    /// Globs of the pages the cast is discovered from.
    pub cast_pages: Option<Vec<String>>,
    /// The page "Volunteer wanted" and "no stories yet" link to, relative to `src`.
    pub how_to: Option<String>,
    /// Kind name to the fields shown as columns of its metadata table.
    pub columns: BTreeMap<String, Vec<String>>,
    /// Field name to the header of its column.
    pub column_headers: BTreeMap<String, String>,
    /// Kind name to the questions its FAQ must ask; replaces that kind's template and
    /// suggestions.
    pub required_questions: BTreeMap<String, Vec<QuestionRule>>,
    /// Kind name to its template page (relative to `src`); absent: the kind's `template.md`.
    pub templates: BTreeMap<String, String>,
    /// Whether `mdbook-vision new` adds the page to SUMMARY.md (absent: it does); `false`
    /// leaves SUMMARY.md alone and prints the line to add.
    pub edit_summary: Option<bool>,
    /// Whether FAQ findings are warnings (`warn`) or fail the build (`deny`).
    pub faq_severity: Severity,
    /// Whether an error fails the build (`fail`), or is reported as a warning and its spot
    /// left as written (`warn`).
    pub on_error: OnError,
    /// Globs of pages whose FAQ is not checked.
    pub faq_exclude: Vec<String>,
    /// Whether a notice listing the missing questions is rendered at the top of the FAQ.
    pub render_missing: bool,
    /// Which mentions of cast members are linked to their page: the first in each chapter
    /// (or story section), all of them, or none.
    pub link: LinkMentions,
    /// Whether mentions in headings are linked too.
    pub link_headings: bool,
    /// Which features `[preprocessor.vision]` runs: all, unless turned off here. Read by
    /// [`super::read`] from the switch keys (`faq = false`), not by serde.
    #[serde(skip)]
    pub features: FeatureSwitches,
    /// The roadmap legend: each status's key word, emoji, label and meaning, in order;
    /// absent: [`DEFAULT_LEGEND`].
    pub legend: Option<Vec<LegendEntry>>,
    /// The headers of roadmap columns holding a status (any case); absent:
    /// [`DEFAULT_STATUS_COLUMNS`].
    pub status_columns: Option<Vec<String>>,
    /// The headers of roadmap columns holding a date (any case); absent:
    /// [`DEFAULT_DATE_COLUMNS`].
    pub date_columns: Option<Vec<String>>,
    /// The age in days after which a roadmap date is stale; absent: dates never go stale.
    pub stale_after: Option<u32>,
    /// The headers of roadmap columns holding a progress value (any case); absent:
    /// [`DEFAULT_PROGRESS_COLUMNS`].
    pub progress_columns: Option<Vec<String>>,
}

/// The keys of [`Settings`], in the order the README lists them; the feature switches (see
/// [`FeatureSwitches`]) come after `link-headings`. A test keeps this list and the struct in step.
const SETTING_KEYS: [&str; 21] = [
    "kinds",
    "not-stories",
    "cast",
    "cast-pages",
    "how-to",
    "columns",
    "column-headers",
    "required-questions",
    "templates",
    "edit-summary",
    "faq-severity",
    "on-error",
    "faq-exclude",
    "render-missing",
    "link",
    "link-headings",
    "legend",
    "status-columns",
    "date-columns",
    "stale-after",
    "progress-columns",
];

/// Every key a suite table accepts besides mdBook's own, in the order they are documented.
pub fn known_keys() -> impl Iterator<Item = &'static str> + Clone {
    let (before, after) = SETTING_KEYS.split_at(16);
    before.iter().copied().chain(FeatureId::ALL.iter().map(|f| f.switch())).chain(after.iter().copied())
}

/// Whether `key` is a feature switch, and which.
pub fn switch_of(key: &str) -> Option<FeatureId> {
    FeatureId::ALL.into_iter().find(|f| f.switch() == key)
}

/// The features of the combined `[preprocessor.vision]`, each on unless set to `false`
/// (`faq = false`). The standalone preprocessors ignore these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureSwitches {
    switched: BTreeMap<FeatureId, bool>,
}

impl FeatureSwitches {
    /// Sets the switch of `feature`.
    pub fn set(&mut self, feature: FeatureId, on: bool) {
        self.switched.insert(feature, on);
    }

    /// Whether `feature` is on.
    pub fn enabled(&self, feature: FeatureId) -> bool {
        self.switched.get(&feature).copied().unwrap_or(true)
    }
}

/// What an error does to the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnError {
    /// It fails the build, after every finding is reported.
    #[default]
    Fail,
    /// It is reported as a warning, its spot is left as the author wrote it, and the book is
    /// built: a typo in one story cannot stop the site from deploying.
    Warn,
}

/// Which mentions of a character `vision-characters` links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkMentions {
    /// The first mention of each character in each chapter, or in each story of a
    /// single-page chapter.
    #[default]
    First,
    /// Every mention.
    All,
    /// None: only broken reference links are repaired.
    None,
}

/// A required FAQ question: its wording, with `NAME` for the story's character and
/// `ALTERNATIVE-X` for any text, and other wordings that also satisfy it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum QuestionRule {
    /// Just the wording.
    Question(String),
    /// The wording and its aliases.
    WithAliases(QuestionWithAliases),
}

/// Read by hand rather than as an untagged enum, whose error says only that the value "did
/// not match any variant".
impl<'de> Deserialize<'de> for QuestionRule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RuleVisitor;
        impl<'de> serde::de::Visitor<'de> for RuleVisitor {
            type Value = QuestionRule;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a question (a string), or a table `{ question = "...", aliases = ["..."] }`"#)
            }

            fn visit_str<E: serde::de::Error>(self, question: &str) -> Result<QuestionRule, E> {
                Ok(QuestionRule::Question(question.to_owned()))
            }

            fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<QuestionRule, M::Error> {
                let deserializer = serde::de::value::MapAccessDeserializer::new(map);
                QuestionWithAliases::deserialize(deserializer).map(QuestionRule::WithAliases)
            }
        }
        deserializer.deserialize_any(RuleVisitor)
    }
}

/// `{ question = "...", aliases = ["..."] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionWithAliases {
    /// The wording.
    pub question: String,
    /// Other wordings that satisfy the rule.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl QuestionRule {
    /// The required wording.
    pub fn question(&self) -> &str {
        match self {
            QuestionRule::Question(question)
            | QuestionRule::WithAliases(QuestionWithAliases { question, .. }) => question,
        }
    }

    /// Every wording that satisfies the rule, the required one first.
    pub fn wordings(&self) -> Vec<&str> {
        match self {
            QuestionRule::Question(question) => vec![question],
            QuestionRule::WithAliases(QuestionWithAliases { question, aliases }) => {
                std::iter::once(question.as_str()).chain(aliases.iter().map(String::as_str)).collect()
            }
        }
    }
}

/// One status of the roadmap legend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LegendEntry {
    /// The word authors may write instead of the emoji (`healthy`).
    pub key: String,
    /// The emoji shown in the roadmap (`🥬`).
    pub emoji: String,
    /// Its name for readers (`Healthy`); absent: the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What it means (`on track with the plan as described in the doc`).
    #[serde(default)]
    pub meaning: String,
}

impl LegendEntry {
    /// The name readers see: the label, else the key.
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.key)
    }
}

/// The roadmap settings, with their defaults.
impl Settings {
    /// The roadmap legend: configured, else [`DEFAULT_LEGEND`].
    pub fn roadmap_legend(&self) -> Vec<LegendEntry> {
        self.legend.clone().unwrap_or_else(|| {
            DEFAULT_LEGEND
                .iter()
                .map(|(key, emoji, label, meaning)| LegendEntry {
                    key: (*key).to_owned(),
                    emoji: (*emoji).to_owned(),
                    label: Some((*label).to_owned()),
                    meaning: (*meaning).to_owned(),
                })
                .collect()
        })
    }

    /// The headers of roadmap status columns.
    pub fn status_column_headers(&self) -> Vec<String> {
        self.status_columns.clone().unwrap_or_else(|| to_owned(DEFAULT_STATUS_COLUMNS))
    }

    /// The headers of roadmap date columns.
    pub fn date_column_headers(&self) -> Vec<String> {
        self.date_columns.clone().unwrap_or_else(|| to_owned(DEFAULT_DATE_COLUMNS))
    }

    /// The headers of roadmap progress columns.
    pub fn progress_column_headers(&self) -> Vec<String> {
        self.progress_columns.clone().unwrap_or_else(|| to_owned(DEFAULT_PROGRESS_COLUMNS))
    }
}

impl Settings {
    /// The names of the kinds of page, defaults first.
    pub fn kind_names(&self) -> Vec<String> {
        self.kind_globs().into_iter().map(|(kind, _)| kind).collect()
    }

    /// An error for each of `keys` of the setting `setting` that is not a kind of page.
    pub fn check_kind_keys<'k>(
        &self,
        setting: &str,
        keys: impl IntoIterator<Item = &'k String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let kinds = self.kind_names();
        for key in keys.into_iter().filter(|k| !kinds.contains(k)) {
            diagnostics.push(
                Diagnostic::new(
                    codes::UNKNOWN_KIND,
                    format!("`{setting}` names `{key}`, which is not a kind of page"),
                )
                .at(Location::setting(format!("{setting}.{key}")))
                .with_help(suggestion(key, "kinds", kinds.iter().map(String::as_str))),
            );
        }
    }

    /// The kinds of page with their globs: defaults, overridden or extended by `kinds`.
    pub fn kind_globs(&self) -> Vec<(String, Vec<String>)> {
        let mut kinds: Vec<(String, Vec<String>)> = DEFAULT_KINDS
            .iter()
            .map(|(kind, globs)| {
                let globs = match self.kinds.get(*kind) {
                    Some(configured) => configured.clone(),
                    None => globs.iter().map(|g| (*g).to_owned()).collect(),
                };
                ((*kind).to_owned(), globs)
            })
            .collect();
        for (kind, globs) in &self.kinds {
            if !kinds.iter().any(|(known, _)| known == kind) {
                kinds.push((kind.clone(), globs.clone()));
            }
        }
        kinds
    }

    /// Globs of pages that are never stories.
    pub fn not_story_globs(&self) -> Vec<String> {
        self.not_stories.clone().unwrap_or_else(|| to_owned(DEFAULT_NOT_STORIES))
    }

    /// The FAQ questions configured for `kind`, if any.
    pub fn configured_questions(&self, kind: &str) -> Option<&[QuestionRule]> {
        self.required_questions.get(kind).map(Vec::as_slice)
    }

    /// The FAQ questions the seed's template suggests for `kind` (none for kinds it does not
    /// know).
    pub fn suggested_questions(kind: &str) -> Vec<QuestionRule> {
        let defaults =
            DEFAULT_REQUIRED_QUESTIONS.iter().find(|(k, _)| *k == kind).map_or(&[][..], |(_, rules)| *rules);
        defaults
            .iter()
            .map(|(question, aliases)| {
                QuestionRule::WithAliases(QuestionWithAliases {
                    question: (*question).to_owned(),
                    aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
                })
            })
            .collect()
    }

    /// Globs of the pages the cast is discovered from.
    pub fn cast_page_globs(&self) -> Vec<String> {
        self.cast_pages.clone().unwrap_or_else(|| to_owned(DEFAULT_CAST_PAGES))
    }
}

fn to_owned(globs: &[&str]) -> Vec<String> {
    globs.iter().map(|g| (*g).to_owned()).collect()
}
