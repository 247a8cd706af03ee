//! Nothing lost: a chapter the suite has nothing to do with comes back byte-identical,
//! whatever its markdown, line endings or byte order mark.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision_core::run::{Environment, Preprocessor, preprocess};
use mdbook_vision_stories::Stories;
use mdbook_vision_tests::fixture;
use mdbook_vision_tests::request::{Item, VERSIONS, chapter, chapter_contents, load_book, request};
use proptest::prelude::*;
use serde_json::{Value, json};

fn round_trip(version: &str, items: &[Item], config: Value) -> (Value, Value) {
    let input = request(version, items, config);
    let outcome = preprocess(
        &Preprocessor::standalone(&[&Stories]),
        input.to_string().as_bytes(),
        &Environment::default(),
    );
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stderr, "");
    (input[1].clone(), serde_json::from_slice(&outcome.stdout).unwrap())
}

#[test]
fn the_untouched_fixture_book_comes_back_byte_identical() {
    let (items, config) = load_book(&fixture("books/untouched")).unwrap();
    for version in VERSIONS {
        let (sent, received) = round_trip(version, &items, config.clone());
        let sent_chapters = chapter_contents(&sent);
        assert_eq!(sent_chapters.len(), 11, "every chapter, the draft included");
        for ((path, before), (_, after)) in sent_chapters.iter().zip(chapter_contents(&received)) {
            assert!(before.as_bytes() == after.as_bytes(), "{version}: {path} changed");
        }
        assert_eq!(received, sent, "{version}: the book changed");
    }
    let crlf = chapter_contents(&request(VERSIONS[0], &items, json!({}))[1]);
    assert!(crlf.iter().any(|(p, c)| p == "crlf.md" && c.contains("\r\n")), "the fixture keeps its CRLF");
    assert!(
        crlf.iter().any(|(p, c)| p == "bom.md" && c.starts_with('\u{feff}')),
        "the fixture keeps its BOM"
    );
}

/// Pieces of markdown that the suite must never touch, with a `{}` for a line ending.
const PIECES: &[&str] = &[
    "# Alan has trouble{}{}",
    "## 🤔 Frequently Asked Questions{}",
    "Alan and Grace talk about Niklaus's crate.  {}",
    "| Status | Plan |{}| --- | --- |{}| 🥬 | `a|b` |{}",
    "```toml{}character = \"Alan\"{}```{}",
    "~~~story-like{}kind = \"x\"{}~~~{}",
    "    indented code{}",
    "<details><summary>FAQ</summary>{}{}* **What?**{}</details>{}",
    "<!-- vision-story not json -->{}",
    "- a{}  - b{}    - c{}",
    "> quoted *text* with [a link](x.md){}",
    "Footnote[^1].{}{}[^1]: the note{}",
    "\\{{#include x.rs}} and `{{#story a}}`{}",
    "[Alan]: ../characters/alan.md{}",
    "\t tabs\tand trailing spaces   {}",
    "{}",
    "é ✏️ 🙋‍♀️ ﷽{}",
];

fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(0..PIECES.len(), 0..12), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(pieces, crlf, bom, final_newline)| {
            let ending = if crlf { "\r\n" } else { "\n" };
            let mut text: String = pieces.iter().map(|&i| PIECES[i].replace("{}", ending)).collect();
            if bom {
                text.insert(0, '\u{feff}');
            }
            if !final_newline {
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            text
        },
    )
}

/// Pages at several depths, in folders of several kinds.
fn page_path(index: usize) -> String {
    let folders = ["vision/status_quo/", "vision/characters/", "", "vision/shiny_future/deep/"];
    format!("{}page{index}.md", folders[index % folders.len()])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_chapters_without_story_blocks_come_back_byte_identical(
        documents in prop::collection::vec(document(), 1..5),
        version in prop::sample::select(VERSIONS.to_vec()),
    ) {
        let items: Vec<Item> = documents.iter().enumerate().map(|(i, text)| chapter(&page_path(i), text)).collect();
        let (sent, received) = round_trip(version, &items, json!({}));
        prop_assert_eq!(received, sent);
    }
}
