//! What `vision-roadmap` gives renderers other than HTML (the golden cases of
//! `tests/spec/roadmap.md` run for the HTML renderer).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision_core::run::{Environment, Preprocessor, preprocess};
use mdbook_vision_roadmap::Roadmap;
use mdbook_vision_tests::request::{VERSIONS, chapter, chapter_contents, request};
use mdbook_vision_tests::spec::DEFAULT_EPOCH;
use serde_json::{Value, json};

/// The roadmap page `text` after one run of `vision-roadmap` for `renderer`.
fn preprocessed(version: &str, renderer: &str, text: &str) -> String {
    let mut input = request(version, &[chapter("vision/roadmap.md", text)], json!({}));
    input[0]["renderer"] = json!(renderer);
    let environment = Environment { now: DEFAULT_EPOCH, ..Environment::default() };
    let outcome =
        preprocess(&Preprocessor::standalone(&[&Roadmap]), input.to_string().as_bytes(), &environment);
    assert_eq!(outcome.stderr, "", "mdBook {version}");
    let book: Value = serde_json::from_slice(&outcome.stdout).unwrap();
    chapter_contents(&book).remove(0).1
}

#[test]
fn other_renderers_get_plain_emoji_and_bars_followed_by_their_value() {
    let text = "| Plan | Status | Progress |\r\n| --- | --- | --- |\r\n| a | healthy | 3/6 |\r\n| b | ✏ | ▰▱ |\r\n| c | :on_vacation: | 50 % |\r\n| d | 🥬 | ▰▱▱ 3/3 |\r\n";
    let expected = "| Plan | Status | Progress |\r\n| --- | --- | --- |\r\n| a | 🥬 | ▰▰▰▱▱▱ 3/6 |\r\n| b | ✏ | ▰▱ |\r\n| c | 🏖️ | ▰▰▰▰▰▱▱▱▱▱ 50% |\r\n| d | 🥬 | ▰▰▰ 3/3 |\r\n";
    for version in VERSIONS {
        let once = preprocessed(version, "markdown", text);
        assert_eq!(once, expected, "mdBook {version}");
        assert_eq!(preprocessed(version, "markdown", &once), once, "mdBook {version}: twice");
    }
}

#[test]
fn a_page_already_plain_for_other_renderers_comes_back_byte_identical() {
    let text = "\u{feff}| Plan | Status | Progress |\r\n| --- | --- | --- |\r\n| a | 🥬 | ▰▰▰▱▱▱ 3/6 |\r\n| b | ✏️ | ▰▱ |\r\n";
    for version in VERSIONS {
        assert_eq!(preprocessed(version, "epub", text).as_bytes(), text.as_bytes(), "mdBook {version}");
    }
}
