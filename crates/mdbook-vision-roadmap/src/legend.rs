//! The roadmap legend: its statuses, how a cell names one, and the legend table.
//!
//! A cell names a status by its emoji (with or without the variation selector U+FE0F, spaces
//! ignored) or by a word: its key or its label, in any case, bare or as `:word:`, with spaces,
//! `-` and `_` ignored (`vacation`, `:on_vacation:`, `On vacation`).

use foldhash::{HashMap, HashMapExt};
use mdbook_vision_core::codes;
use mdbook_vision_core::config::LegendEntry;
use mdbook_vision_core::diagnostics::{Diagnostic, Location, nearest};
use mdbook_vision_core::generate::{escape_text, table};
use mdbook_vision_core::generated::LEGEND_MARKER;

/// The variation selector that asks for the emoji presentation of a character.
const EMOJI_PRESENTATION: char = '\u{fe0f}';

/// How a cell named a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// By its emoji.
    Emoji,
    /// By its key or label.
    Word,
}

/// Where the legend comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The `legend` setting.
    Configured,
    /// The key table of the roadmap page shown (`src/vision/roadmap.md`).
    KeyTable(String),
    /// The Async vision doc's legend.
    Default,
}

/// The statuses of the roadmap, in order.
#[derive(Debug, Clone)]
pub struct Legend {
    entries: Vec<LegendEntry>,
    source: Source,
}

impl Legend {
    /// The legend of `entries`, from `source`.
    pub fn new(entries: Vec<LegendEntry>, source: Source) -> Self {
        Legend { entries, source }
    }

    /// How to add an emoji to the legend, ready to paste.
    pub fn how_to_add(&self, emoji: &str) -> String {
        let emoji = emoji.trim();
        match &self.source {
            Source::KeyTable(path) => {
                format!("or add a row to the key table of {path}: `| {emoji} | **Name:** what it means |`")
            }
            Source::Configured => format!(
                "or add it to `legend`: `{{ key = \"name\", emoji = \"{emoji}\", label = \"Name\", meaning = \"what it means\" }}`"
            ),
            Source::Default => format!(
                "or explain the roadmap's emoji in a key table of its own, a row per status: `| {emoji} | **Name:** what it means |`"
            ),
        }
    }

    /// The status `text` names, and how it names it.
    pub fn find(&self, text: &str) -> Option<(&LegendEntry, Naming)> {
        let emoji = emoji_form(text);
        let word = word_form(text);
        self.entries.iter().find_map(|entry| {
            if emoji_form(&entry.emoji) == emoji {
                Some((entry, Naming::Emoji))
            } else if word_form(&entry.key) == word || word_form(entry.label()) == word {
                Some((entry, Naming::Word))
            } else {
                None
            }
        })
    }

    /// The help for a value that names no status: the nearest key, and every status.
    pub fn help_for(&self, unknown: &str) -> String {
        let statuses: Vec<String> = self.entries.iter().map(|e| format!("{} `{}`", e.emoji, e.key)).collect();
        let known = format!("the legend's statuses are {}", statuses.join(", "));
        match nearest(&word_form(unknown), self.entries.iter().map(|e| e.key.as_str())) {
            Some(near) => format!("did you mean `{near}`? {known}"),
            None => known,
        }
    }

    /// The legend as a table, `| Emoji | Meaning |`, after its marker comment (see
    /// [`mdbook_vision_core::generated`]), with `line_ending` and `prefix` starting every line
    /// but the first.
    pub fn table(&self, line_ending: &str, prefix: &str) -> String {
        let headers = ["Emoji".to_owned(), "Meaning".to_owned()];
        let rows: Vec<Vec<String>> = self
            .entries
            .iter()
            .map(|entry| {
                let meaning = match entry.meaning.trim() {
                    "" => format!("**{}**", escape_text(entry.label())),
                    meaning => format!("**{}**: {}", escape_text(entry.label()), escape_text(meaning)),
                };
                vec![escape_text(&entry.emoji), meaning]
            })
            .collect();
        format!("{LEGEND_MARKER}{line_ending}{prefix}{}", table(&headers, &rows, line_ending, prefix))
    }
}

/// The hover title of a status: `Healthy: on track with the plan as described in the doc`.
pub fn title(entry: &LegendEntry) -> String {
    match entry.meaning.trim() {
        "" => entry.label().to_owned(),
        meaning => format!("{}: {meaning}", entry.label()),
    }
}

/// Whether `a` and `b` are the same emoji, whatever their variation selectors and spaces.
pub fn same_emoji(a: &str, b: &str) -> bool {
    emoji_form(a) == emoji_form(b)
}

/// `text` compared as an emoji: without spaces and variation selectors.
fn emoji_form(text: &str) -> String {
    text.chars().filter(|&c| !c.is_whitespace() && c != EMOJI_PRESENTATION).collect()
}

/// `text` compared as a word: lowercase, without surrounding colons, spaces, `-` and `_`.
fn word_form(text: &str) -> String {
    text.trim()
        .trim_matches(':')
        .chars()
        .filter(|&c| !c.is_whitespace() && c != '-' && c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reports a legend that cannot work: empty, an entry without key or emoji, or two entries
/// named alike.
pub fn check(entries: &[LegendEntry], diagnostics: &mut Vec<Diagnostic>) {
    let mut problems = Vec::new();
    if entries.is_empty() {
        problems.push("`legend` has no statuses".to_owned());
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for entry in entries {
        if word_form(&entry.key).is_empty() {
            problems.push(format!("the `legend` status {} has no key", entry.emoji.trim()));
            continue;
        }
        if emoji_form(&entry.emoji).is_empty() {
            problems.push(format!("the `legend` status `{}` has no emoji", entry.key));
            continue;
        }
        let mut names = vec![emoji_form(&entry.emoji), word_form(&entry.key), word_form(entry.label())];
        names.sort();
        names.dedup();
        for name in names {
            if let Some(first) = seen.insert(name.clone(), &entry.key) {
                problems.push(format!(
                    "the `legend` statuses `{first}` and `{}` are both written `{name}`",
                    entry.key
                ));
            }
        }
    }
    diagnostics.extend(problems.into_iter().map(|problem| {
        Diagnostic::new(codes::BAD_SETTING, problem)
            .at(Location::setting("legend"))
            .with_help("each status of `legend` needs its own `key`, `emoji` and `label`")
    }));
}

#[cfg(test)]
mod tests {
    use mdbook_vision_core::config::Settings;

    use super::*;

    fn legend() -> Legend {
        Legend::new(Settings::default().roadmap_legend(), Source::Default)
    }

    fn key(text: &str) -> Option<(String, Naming)> {
        legend().find(text).map(|(entry, naming)| (entry.key.clone(), naming))
    }

    #[test]
    fn emoji_match_with_or_without_the_variation_selector_and_spaces() {
        assert_eq!(key("✏"), Some(("planning".to_owned(), Naming::Emoji)));
        assert_eq!(key(" 🏖 \u{fe0f} "), Some(("vacation".to_owned(), Naming::Emoji)));
        assert_eq!(key("🥬\u{fe0f}"), Some(("healthy".to_owned(), Naming::Emoji)));
    }

    #[test]
    fn words_match_key_or_label_in_any_case_bare_or_between_colons() {
        for text in ["healthy", "HEALTHY", ":healthy:", " :Healthy: "] {
            assert_eq!(key(text), Some(("healthy".to_owned(), Naming::Word)), "{text}");
        }
        for text in ["vacation", "On vacation", ":on_vacation:", "on-vacation"] {
            assert_eq!(key(text), Some(("vacation".to_owned(), Naming::Word)), "{text}");
        }
        assert_eq!(key("grumpy"), None);
        assert_eq!(key(""), None);
    }

    #[test]
    fn help_names_the_nearest_status_and_all_of_them() {
        assert_eq!(
            legend().help_for("helthy"),
            "did you mean `healthy`? the legend's statuses are 🥬 `healthy`, ✏️ `planning`, 🤒 `worried`, 🏖️ `vacation`, ⚰️ `abandoned`"
        );
    }

    #[test]
    fn legends_with_clashing_or_empty_statuses_are_refused() {
        let entry = |key: &str, emoji: &str| LegendEntry {
            key: key.to_owned(),
            emoji: emoji.to_owned(),
            label: None,
            meaning: String::new(),
        };
        let mut diagnostics = Vec::new();
        check(
            &[entry("done", "✅"), entry("Done", "🦀"), entry("x", " "), entry("", "🦀")],
            &mut diagnostics,
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the `legend` statuses `done` and `Done` are both written `done`",
                "the `legend` status `x` has no emoji",
                "the `legend` status 🦀 has no key"
            ]
        );
        diagnostics.clear();
        check(&[], &mut diagnostics);
        assert_eq!(diagnostics[0].message, "`legend` has no statuses");
    }
}
