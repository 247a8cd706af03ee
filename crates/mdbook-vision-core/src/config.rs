//! Configuration: the suite's settings, read from the preprocessor tables in mdBook's context.
//!
//! Settings are never read from book.toml on disk, so mdBook's `MDBOOK_*` environment
//! overrides apply. Every `[preprocessor.vision*]` table of the suite takes the same keys, and
//! each preprocessor reads all of them, so a setting shared by several features (the cast, the
//! kinds of page, the how-to page) is written once, in whichever table the author likes.
//! The same key in two tables is an error; so is an unknown key, with the nearest known one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Location, Severity, suggestion};

/// The preprocessor tables the suite reads, in the order they are read.
pub const TABLES: &[&str] = &[
    "vision",
    "vision-stories",
    "vision-faq",
    "vision-characters",
    "vision-roadmap",
    "vision-metanarrative",
];

/// mdBook's own keys in a preprocessor table, accepted silently.
pub const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];

/// The kinds of page and their default path globs, in the order they are tried.
pub const DEFAULT_KINDS: &[(&str, &[&str])] = &[
    ("status-quo", &["**/status_quo/**"]),
    ("shiny-future", &["**/shiny_future/**"]),
    ("character", &["**/characters/**", "**/characters.md"]),
    ("design-doc", &["**/design_docs/**"]),
    ("roadmap", &["**/roadmap.md", "**/roadmap/**"]),
];

/// Pages that are never stories, whatever their kind: templates. (Index pages, that is
/// `README.md`, `index.md` and chapters with sub-chapters, are never stories either.)
pub const DEFAULT_NOT_STORIES: &[&str] = &["**/template.md", "**/templates/**"];

/// Where the cast is discovered when it is not configured.
pub const DEFAULT_CAST_PAGES: &[&str] = &["**/characters/**", "**/characters.md"];

/// The file name of the default how-to page.
pub const DEFAULT_HOW_TO_FILE: &str = "how_to_vision.md";

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
    /// Kind name to the questions its FAQ must ask; replaces that kind's default list.
    pub required_questions: BTreeMap<String, Vec<QuestionRule>>,
    /// Whether FAQ findings are warnings (`warn`) or fail the build (`deny`).
    pub faq_severity: Severity,
    /// Globs of pages whose FAQ is not checked.
    pub faq_exclude: Vec<String>,
    /// Whether a notice listing the missing questions is rendered at the top of the FAQ.
    pub render_missing: bool,
    /// Which mentions of cast members are linked to their page: the first in each chapter
    /// (or story section), all of them, or none.
    pub link: LinkMentions,
    /// Whether mentions in headings are linked too.
    pub link_headings: bool,
    /// Which features `[preprocessor.vision]` runs: all, unless turned off here.
    #[serde(flatten)]
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

/// The features of the combined `[preprocessor.vision]`, each on unless set to `false`
/// (`faq = false`). The standalone preprocessors ignore these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct FeatureSwitches {
    /// `vision-stories`.
    pub stories: Option<bool>,
    /// `vision-faq`.
    pub faq: Option<bool>,
    /// `vision-characters`.
    pub characters: Option<bool>,
    /// `vision-roadmap`.
    pub roadmap: Option<bool>,
    /// `vision-metanarrative`.
    pub metanarrative: Option<bool>,
}

impl FeatureSwitches {
    /// The switches' keys.
    pub const NAMES: [&'static str; 5] = ["stories", "faq", "characters", "roadmap", "metanarrative"];

    /// Whether the feature named `name` (`vision-faq`, or `faq`) is on.
    pub fn enabled(&self, name: &str) -> bool {
        let switch = match name.trim_start_matches("vision-") {
            "stories" => self.stories,
            "faq" => self.faq,
            "characters" => self.characters,
            "roadmap" => self.roadmap,
            "metanarrative" => self.metanarrative,
            _ => None,
        };
        switch.unwrap_or(true)
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum QuestionRule {
    /// Just the wording.
    Question(String),
    /// The wording and its aliases.
    WithAliases(QuestionWithAliases),
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

/// A required question's wording and its aliases.
pub type DefaultQuestion = (&'static str, &'static [&'static str]);

/// The default required questions of each kind: those of the "How to vision doc" template.
pub const DEFAULT_REQUIRED_QUESTIONS: &[(&str, &[DefaultQuestion])] = &[
    (
        "status-quo",
        &[
            ("What are the morals of the story?", &[]),
            ("Are you just making this stuff up?", &["What are the sources for this story?"]),
        ],
    ),
    (
        "shiny-future",
        &[
            ("What is NAME most excited about and why?", &[]),
            ("What is NAME most disappointed with?", &[]),
            ("What key things did the Rust org do to make this happen?", &[]),
            ("What things did the other groups do to make this happen?", &[]),
        ],
    ),
    (
        "character",
        &[("Which of the async tenets would NAME put first and which would they put last? Why?", &[])],
    ),
    (
        "design-doc",
        &[
            ("What assumptions are you using as the basis for this design?", &[]),
            ("Why not do ALTERNATIVE-X?", &[]),
            ("What design decisions cannot easily be reversed?", &[]),
        ],
    ),
];

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

/// The default roadmap legend, from the Async vision doc: (key, emoji, label, meaning).
pub const DEFAULT_LEGEND: &[(&str, &str, &str, &str)] = &[
    ("healthy", "🥬", "Healthy", "on track with the plan as described in the doc"),
    ("planning", "✏️", "Planning", "still figuring out the plan"),
    ("worried", "🤒", "Worried", "things are looking tricky; the plan isn't working out"),
    ("vacation", "🏖️", "On vacation", "taking a break right now"),
    ("abandoned", "⚰️", "Abandoned", "we gave up on this idea"),
];

/// The default headers of roadmap status columns.
pub const DEFAULT_STATUS_COLUMNS: &[&str] = &["Status", "State"];

/// The default headers of roadmap date columns.
pub const DEFAULT_DATE_COLUMNS: &[&str] = &["Last updated"];

/// The default headers of roadmap progress columns.
pub const DEFAULT_PROGRESS_COLUMNS: &[&str] = &["Progress"];

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
    /// The keys the suite knows, in the order they are declared.
    pub fn known_keys() -> Vec<String> {
        match serde_json::to_value(Settings::default()) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

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
                Diagnostic::error(
                    "unknown-kind",
                    format!("`{setting}` names `{key}`, which is not a kind of page"),
                )
                .at(Location::file("book.toml"))
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

    /// The required FAQ questions of `kind`: configured, else the default, else none.
    pub fn required_questions_of(&self, kind: &str) -> Vec<QuestionRule> {
        if let Some(configured) = self.required_questions.get(kind) {
            return configured.clone();
        }
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

/// Reads the suite's settings from the book config mdBook sent (`context.config`).
///
/// Every problem is reported, not just the first; settings that could not be read take their
/// defaults, and the caller stops on errors.
pub fn read(config: &Value, diagnostics: &mut Vec<Diagnostic>) -> Settings {
    let merged = merge_tables(config, diagnostics);
    let known = Settings::known_keys();
    let mut accepted = Map::new();
    for (key, (table, value)) in merged {
        if FeatureSwitches::NAMES.contains(&key.as_str()) && table != "vision" {
            diagnostics.push(
                Diagnostic::warning(
                    "ignored-setting",
                    format!("`{key}` in [preprocessor.{table}] has no effect"),
                )
                .at(Location::file("book.toml"))
                .with_help("feature switches are read by [preprocessor.vision] only"),
            );
        }
        if known.contains(&key) {
            accepted.insert(key, value);
        } else {
            diagnostics.push(
                Diagnostic::error("unknown-key", format!("unknown key `{key}` in [preprocessor.{table}]"))
                    .at(Location::file("book.toml"))
                    .with_help(suggestion(&key, "keys", known.iter().map(String::as_str))),
            );
        }
    }
    let deserializer = Value::Object(accepted);
    match serde_path_to_error::deserialize(deserializer) {
        Ok(settings) => settings,
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(
                    "bad-setting",
                    format!("setting `{}` is not valid: {}", error.path(), error.inner()),
                )
                .at(Location::file("book.toml"))
                .with_help("see the settings reference in the mdbook-vision README"),
            );
            Settings::default()
        }
    }
}

/// The keys of every suite table, each with the table it came from; nulls (which mdBook 0.5
/// writes for absent values) count as absent, and mdBook's own keys are skipped.
fn merge_tables(config: &Value, diagnostics: &mut Vec<Diagnostic>) -> BTreeMap<String, (String, Value)> {
    let mut merged: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for table_name in TABLES {
        let Some(table) = config.pointer(&format!("/preprocessor/{table_name}")) else {
            continue;
        };
        let Some(table) = table.as_object() else {
            if !table.is_null() {
                diagnostics.push(
                    Diagnostic::error("bad-setting", format!("[preprocessor.{table_name}] is not a table"))
                        .at(Location::file("book.toml")),
                );
            }
            continue;
        };
        for (key, value) in strip_nulls(table) {
            if MDBOOK_KEYS.contains(&key.as_str()) {
                continue;
            }
            if let Some((first_table, first_value)) = merged.get(&key) {
                if first_value != &value {
                    diagnostics.push(
                        Diagnostic::error(
                            "duplicate-setting",
                            format!(
                                "`{key}` is set both in [preprocessor.{first_table}] and in [preprocessor.{table_name}]"
                            ),
                        )
                        .at(Location::file("book.toml"))
                        .with_help("every preprocessor of the suite reads every suite table: set it once"),
                    );
                }
                continue;
            }
            merged.insert(key, ((*table_name).to_owned(), value));
        }
    }
    merged
}

fn strip_nulls(table: &Map<String, Value>) -> Map<String, Value> {
    table
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| {
            let value = match value {
                Value::Object(inner) => Value::Object(strip_nulls(inner)),
                other => other.clone(),
            };
            (key.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read_ok(config: Value) -> Settings {
        let mut diagnostics = Vec::new();
        let settings = read(&config, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        settings
    }

    #[test]
    fn absent_and_empty_tables_mean_defaults() {
        assert_eq!(read_ok(json!({})), Settings::default());
        assert_eq!(read_ok(json!({"preprocessor": {"vision-stories": {}}})), Settings::default());
    }

    #[test]
    fn mdbook_keys_and_nulls_are_accepted_silently() {
        let config = json!({"preprocessor": {"vision-stories": {
            "command": "x", "before": ["links"], "renderers": ["html"], "optional": true,
            "how-to": null
        }}});
        assert_eq!(read_ok(config), Settings::default());
    }

    #[test]
    fn settings_from_any_suite_table_are_merged() {
        let config = json!({"preprocessor": {
            "vision-stories": {"how-to": "help.md"},
            "vision-faq": {"cast": {"Alan": "alan.md"}}
        }});
        let settings = read_ok(config);
        assert_eq!(settings.how_to.as_deref(), Some("help.md"));
        assert_eq!(settings.cast.get("Alan").map(String::as_str), Some("alan.md"));
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let mut diagnostics = Vec::new();
        read(&json!({"preprocessor": {"vision": {"colums": {}}}}), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].message, "unknown key `colums` in [preprocessor.vision]");
        assert_eq!(diagnostics[0].help.as_deref(), Some("did you mean `columns`?"));
    }

    #[test]
    fn feature_switches_outside_the_combined_table_are_ignored_with_a_warning() {
        let mut diagnostics = Vec::new();
        read(&json!({"preprocessor": {"vision-faq": {"faq": false}}}), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "ignored-setting");
        assert_eq!(diagnostics[0].level, crate::diagnostics::Level::Warning);
    }

    #[test]
    fn a_key_set_twice_differently_is_an_error() {
        let mut diagnostics = Vec::new();
        read(
            &json!({"preprocessor": {"vision": {"how-to": "a.md"}, "vision-faq": {"how-to": "b.md"}}}),
            &mut diagnostics,
        );
        assert_eq!(diagnostics[0].code, "duplicate-setting");
    }

    #[test]
    fn wrong_types_name_the_setting() {
        let mut diagnostics = Vec::new();
        read(&json!({"preprocessor": {"vision": {"kinds": {"status-quo": "x"}}}}), &mut diagnostics);
        assert_eq!(diagnostics[0].code, "bad-setting");
        assert!(diagnostics[0].message.contains("kinds.status-quo"), "{}", diagnostics[0].message);
    }

    #[test]
    fn configured_kinds_replace_or_extend_the_defaults() {
        let settings = read_ok(json!({"preprocessor": {"vision": {"kinds": {
            "status-quo": ["stories/now/**"], "faq": ["faq/**"]
        }}}}));
        let kinds = settings.kind_globs();
        assert_eq!(kinds[0], ("status-quo".to_owned(), vec!["stories/now/**".to_owned()]));
        assert_eq!(kinds.last().map(|k| k.0.as_str()), Some("faq"));
    }
}
