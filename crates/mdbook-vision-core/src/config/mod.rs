//! Configuration: the suite's settings, read from the preprocessor tables in mdBook's context.
//!
//! Settings are never read from book.toml on disk, so mdBook's `MDBOOK_*` environment
//! overrides apply. Every `[preprocessor.vision*]` table of the suite takes the same keys, and
//! each preprocessor reads all of them, so a setting shared by several features (the cast, the
//! kinds of page, the how-to page) is written once, in whichever table the author likes.
//! The same key in two tables is an error; so is an unknown key, with the nearest known one.

mod book_toml;
mod defaults;
mod settings;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

pub use self::book_toml::place_settings;
pub use self::defaults::*;
pub use self::settings::*;
use crate::codes;
use crate::diagnostics::{Diagnostic, Location, suggestion};
use crate::feature::{COMBINED, tables};

/// mdBook's own keys in a preprocessor table, accepted silently.
pub const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];

/// `value` as a TOML string, quoted and escaped (`"Alan \"the dev\""`), for what the suite
/// writes into story blocks and messages.
pub fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

/// `key` as a TOML key: bare when it can be (`status-quo`), else quoted (`"user story"`).
pub fn toml_key(key: &str) -> String {
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { key.to_owned() } else { toml_string(key) }
}

/// Reads the suite's settings from the book config mdBook sent (`context.config`).
///
/// Every problem is reported, not just the first; settings that could not be read take their
/// defaults, and the caller stops on errors.
pub fn read(config: &Value, diagnostics: &mut Vec<Diagnostic>) -> Settings {
    let merged = merge_tables(config, diagnostics);
    let mut accepted = Map::new();
    let mut features = FeatureSwitches::default();
    for (key, (table, value)) in merged {
        if let Some(feature) = switch_of(&key) {
            if table != COMBINED {
                diagnostics.push(
                    Diagnostic::new(
                        codes::IGNORED_SETTING,
                        format!("`{key}` in [preprocessor.{table}] has no effect"),
                    )
                    .at(Location::setting(&key))
                    .with_help("feature switches are read by [preprocessor.vision] only"),
                );
            }
            match value {
                Value::Bool(on) => features.set(feature, on),
                other => diagnostics.push(
                    Diagnostic::new(
                        codes::BAD_SETTING,
                        format!("setting `{key}` is not valid: expected `true` or `false`, found `{other}`"),
                    )
                    .at(Location::setting(&key))
                    .with_help(format!("`{key} = false` turns the feature off in [preprocessor.vision]")),
                ),
            }
        } else if known_keys().any(|known| known == key) {
            accepted.insert(key, value);
        } else {
            diagnostics.push(
                Diagnostic::new(codes::UNKNOWN_KEY, format!("unknown key `{key}` in [preprocessor.{table}]"))
                    .at(Location::setting(&key))
                    .with_help(suggestion(&key, "keys", known_keys())),
            );
        }
    }
    let mut settings: Settings = serde_json::from_value(Value::Object(well_typed(accepted, diagnostics)))
        .unwrap_or_else(|error| {
            // Each key was read alone without error; together they still are.
            diagnostics.push(bad_setting("", &error.to_string()));
            Settings::default()
        });
    settings.features = features;
    settings
}

/// The settings whose values have the right type and are not empty, each of the others
/// reported: every wrongly typed key, not just the first, and the good ones kept.
fn well_typed(accepted: Map<String, Value>, diagnostics: &mut Vec<Diagnostic>) -> Map<String, Value> {
    let mut good = Map::new();
    for (key, value) in accepted {
        let alone = Value::Object(Map::from_iter([(key.clone(), value)]));
        match serde_path_to_error::deserialize::<_, Settings>(&alone) {
            Ok(_) => {
                let empty = empty_strings(&key, &alone[&key]);
                if empty.is_empty() {
                    good.extend(alone.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())));
                }
                for path in empty {
                    diagnostics.push(
                        Diagnostic::new(codes::BAD_SETTING, format!("setting `{path}` is empty"))
                            .at(Location::setting(&path))
                            .with_help(
                                "an empty glob, question or path matches nothing: remove it or fill it in",
                            ),
                    );
                }
            }
            Err(error) => {
                diagnostics.push(bad_setting(&error.path().to_string(), &error.inner().to_string()))
            }
        }
    }
    good
}

fn bad_setting(path: &str, problem: &str) -> Diagnostic {
    let what = if path.is_empty() || path == "." {
        "the settings are".to_owned()
    } else {
        format!("setting `{path}` is")
    };
    Diagnostic::new(codes::BAD_SETTING, format!("{what} not valid: {problem}"))
        .at(Location::setting(path))
        .with_help("see the settings reference in the mdbook-vision README")
}

/// The paths of the empty (or blank) strings in the value of `key`, where a string must say
/// something: everywhere except column headers, and the legend (which the roadmap checks whole).
fn empty_strings(key: &str, value: &Value) -> Vec<String> {
    fn walk(path: String, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(text) if text.trim().is_empty() => found.push(path),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(format!("{path}[{i}]"), item, found);
                }
            }
            Value::Object(fields) => {
                for (field, item) in fields {
                    walk(format!("{path}.{field}"), item, found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    if !matches!(key, "column-headers" | "legend") {
        walk(key.to_owned(), value, &mut found);
    }
    found
}

/// The keys of every suite table, each with the table it came from; nulls (which mdBook 0.5
/// writes for absent values) count as absent, and mdBook's own keys are skipped.
fn merge_tables(config: &Value, diagnostics: &mut Vec<Diagnostic>) -> BTreeMap<String, (String, Value)> {
    let mut merged: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for table_name in tables() {
        let Some(table) = config.pointer(&format!("/preprocessor/{table_name}")) else {
            continue;
        };
        let Some(table) = table.as_object() else {
            if !table.is_null() {
                diagnostics.push(
                    Diagnostic::new(
                        codes::BAD_SETTING,
                        format!("[preprocessor.{table_name}] is not a table"),
                    )
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
                        Diagnostic::new(
                            codes::DUPLICATE_SETTING,
                            format!(
                                "`{key}` is set both in [preprocessor.{first_table}] and in [preprocessor.{table_name}]"
                            ),
                        )
                        .at(Location::setting(&key))
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

    #[test]
    fn toml_keys_are_bare_when_they_can_be_and_strings_are_escaped() {
        assert_eq!(toml_key("status-quo"), "status-quo");
        assert_eq!(toml_key("user story"), "\"user story\"");
        assert_eq!(toml_key(""), "\"\"");
        for value in ["Alan", "Alan \"the dev\"\\", "it's", "line\nbreak"] {
            let parsed: toml::Table =
                toml::from_str(&format!("v = {}", toml_string(value))).unwrap_or_default();
            assert_eq!(parsed.get("v").and_then(toml::Value::as_str), Some(value));
        }
    }

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
    fn the_declared_keys_are_the_settings_fields_and_the_switches() {
        let Ok(Value::Object(fields)) = serde_json::to_value(Settings::default()) else {
            panic!("settings serialize to a table");
        };
        let mut declared: Vec<&str> = known_keys().collect();
        declared.retain(|key| switch_of(key).is_none());
        assert_eq!(fields.keys().map(String::as_str).collect::<Vec<_>>(), declared);
        assert_eq!(known_keys().filter(|key| switch_of(key).is_some()).count(), 5);
    }

    #[test]
    fn switches_must_be_booleans() {
        let mut diagnostics = Vec::new();
        let settings =
            read(&json!({"preprocessor": {"vision": {"faq": "no", "roadmap": false}}}), &mut diagnostics);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0].message.starts_with("setting `faq` is not valid"),
            "{}",
            diagnostics[0].message
        );
        assert!(!settings.features.enabled(crate::feature::FeatureId::Roadmap));
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
    fn every_wrongly_typed_key_is_reported_and_the_good_ones_kept() {
        let mut diagnostics = Vec::new();
        let settings = read(
            &json!({"preprocessor": {"vision": {
                "link": 3, "how-to": "help.md", "stale-after": "soon", "render-missing": "yes"
            }}}),
            &mut diagnostics,
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        for key in ["link", "stale-after", "render-missing"] {
            assert!(
                messages.iter().any(|m| m.starts_with(&format!("setting `{key}` is not valid"))),
                "{messages:?}"
            );
        }
        assert_eq!(settings.how_to.as_deref(), Some("help.md"));
    }

    #[test]
    fn a_bad_question_says_what_a_question_may_be() {
        let mut diagnostics = Vec::new();
        read(
            &json!({"preprocessor": {"vision": {"required-questions": {"status-quo": [3, {"aliases": ["x"]}]}}}}),
            &mut diagnostics,
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let message = &diagnostics[0].message;
        assert!(message.starts_with("setting `required-questions.status-quo[0]` is not valid"), "{message}");
        assert!(message.contains("a question"), "{message}");
        assert!(!message.contains("untagged"), "{message}");
    }

    #[test]
    fn empty_questions_globs_and_paths_are_refused() {
        let mut diagnostics = Vec::new();
        read(
            &json!({"preprocessor": {"vision": {
                "required-questions": {"status-quo": [" ", {"question": "Why?", "aliases": [""]}]},
                "kinds": {"status-quo": [""]},
                "how-to": "",
                "legend": [{"key": "ok", "emoji": "✅", "meaning": ""}, {"key": "", "emoji": "❌"}],
                "column-headers": {"character": ""}
            }}}),
            &mut diagnostics,
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "setting `how-to` is empty",
                "setting `kinds.status-quo[0]` is empty",
                "setting `required-questions.status-quo[0]` is empty",
                "setting `required-questions.status-quo[1].aliases[0]` is empty",
            ]
        );
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
