//! The mdBook protocol: each dialect comes back in the dialect it was sent, with every field
//! intact, and malformed or unsupported input is refused clearly.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;

use mdbook_vision_core::run::{Environment, Outcome, Preprocessor, preprocess, run_cli};
use mdbook_vision_stories::Stories;
use mdbook_vision_tests::fixture;
use mdbook_vision_tests::request::{VERSIONS, chapter, request};
use serde_json::{Value, json};

const STORIES: Preprocessor<'static> =
    Preprocessor { name: "mdbook-vision-stories", features: &[&Stories], switched: false };

fn run(input: &[u8]) -> Outcome {
    preprocess(&STORIES, input, &Environment::default())
}

/// Real requests captured from mdBook 0.4.52 and 0.5.4, with an unknown field added to the
/// context, the book and a nested chapter, as a later mdBook might send.
fn captured_request(version: &str) -> Value {
    let text = fs::read_to_string(fixture(&format!("protocol/mdbook-{version}.json"))).unwrap();
    let mut request: Value = serde_json::from_str(&text).unwrap();
    request[0]["future_context_field"] = json!({"x": [1, null]});
    request[1]["future_book_field"] = json!("kept");
    let items = if version.starts_with("0.4") { "sections" } else { "items" };
    request[1][items][2]["Chapter"]["sub_items"][0]["Chapter"]["future_chapter_field"] = json!(7);
    request
}

#[test]
fn each_dialect_comes_back_in_its_own_dialect_with_unknown_fields_intact() {
    for version in VERSIONS {
        let request = captured_request(version);
        let outcome = run(request.to_string().as_bytes());
        assert_eq!(outcome.exit_code, 0, "{version}: {}", outcome.stderr);
        assert_eq!(outcome.stderr, "", "{version}");
        let book: Value = serde_json::from_slice(&outcome.stdout).unwrap();
        assert_eq!(book, request[1], "{version}: the book changed");
        let is_04 = version.starts_with("0.4");
        assert_eq!(book.get("sections").is_some(), is_04, "{version}");
        assert_eq!(book.get("items").is_some(), !is_04, "{version}");
        assert_eq!(book.get("__non_exhaustive").is_some(), is_04, "{version}");
    }
}

/// Numbers in fields the suite does not know are written back as mdBook sent them: integers
/// beyond 64 bits are not rounded through a float, and `1.50` stays `1.50`.
#[test]
fn numbers_in_unknown_fields_come_back_exactly_as_written() {
    const NUMBERS: &str =
        r#"{"big":123456789012345678901234567890,"neg":-98765432109876543210,"float":1.50}"#;
    for version in VERSIONS {
        let text = captured_request(version).to_string();
        let text =
            text.replacen(r#""future_book_field":"kept""#, &format!(r#""future_book_field":{NUMBERS}"#), 1);
        let outcome = run(text.as_bytes());
        assert_eq!(outcome.exit_code, 0, "{version}: {}", outcome.stderr);
        let stdout = String::from_utf8(outcome.stdout).unwrap();
        assert!(stdout.contains(NUMBERS), "{version}: numbers changed in\n{stdout}");
    }
}

#[test]
fn edited_chapters_keep_their_other_fields() {
    for version in VERSIONS {
        let mut request = request(
            version,
            &[
                chapter("characters/alan.md", "# Alan: the developer\n"),
                chapter("status_quo/alan.md", "# Alan\n\n```story\ncharacter = \"Alan\"\n```\n"),
            ],
            json!({}),
        );
        let items = if version.starts_with("0.4") { "sections" } else { "items" };
        request[1][items][1]["Chapter"]["future_chapter_field"] = json!({"deep": true});
        let outcome = run(request.to_string().as_bytes());
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        let book: Value = serde_json::from_slice(&outcome.stdout).unwrap();
        let story = &book[items][1]["Chapter"];
        assert_eq!(story["future_chapter_field"], json!({"deep": true}));
        assert!(story["content"].as_str().unwrap().contains("| Character |"));
        assert_eq!(book[items][0], request[1][items][0]);
    }
}

#[test]
fn an_unsupported_version_gets_one_warning_and_the_book_is_still_processed() {
    for version in ["0.3.7", "0.6.0", "2.0.0"] {
        let request = request(version, &[chapter("a.md", "# A\n")], json!({}));
        let outcome = run(request.to_string().as_bytes());
        assert_eq!(outcome.exit_code, 0);
        assert_eq!(outcome.stderr.matches("warning[unsupported-mdbook]").count(), 1, "{}", outcome.stderr);
        assert!(outcome.stderr.contains(&format!("mdBook {version}")), "{}", outcome.stderr);
        let book: Value = serde_json::from_slice(&outcome.stdout).unwrap();
        assert_eq!(book, request[1]);
    }
}

#[test]
fn the_version_is_checked_before_the_book_is_read() {
    let outcome = run(br#"[{"mdbook_version": "0.9.0", "config": {}}, {"neither": []}]"#);
    assert_eq!(outcome.exit_code, 1);
    let warning = outcome.stderr.find("warning[unsupported-mdbook]").unwrap();
    let error = outcome.stderr.find("error[bad-input]").unwrap();
    assert!(warning < error, "{}", outcome.stderr);
}

#[test]
fn malformed_input_is_refused_with_a_message_and_nothing_on_stdout() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "not valid JSON"),
        (b"{\"a\": 1", "not valid JSON"),
        (b"{}", "not a JSON array"),
        (b"[{}]", "not a pair"),
        (b"[1, {}]", "context (first element of the input) is not a JSON object"),
        (br#"[{"config": {}}, {"items": []}]"#, "no `mdbook_version`"),
        (br#"[{"mdbook_version": "0.5.4"}, {"chapters": []}]"#, "neither an `items`"),
        (
            br#"[{"mdbook_version": "0.5.4"}, {"items": [{"Chapter": {"name": "x"}}]}]"#,
            "no string `name` or `content`",
        ),
        (b"\xff\xfe", "not valid JSON"),
    ];
    for (input, message) in cases {
        let outcome = run(input);
        assert_eq!(outcome.exit_code, 1, "{message}");
        assert!(outcome.stdout.is_empty(), "{message}");
        assert!(outcome.stderr.starts_with("error[bad-input]: "), "{}", outcome.stderr);
        assert!(outcome.stderr.contains(message), "expected `{message}` in:\n{}", outcome.stderr);
        assert!(
            outcome.stderr.contains("stdin")
                || outcome.stderr.contains("context")
                || outcome.stderr.contains("book")
        );
    }
}

#[test]
fn supports_answers_yes_for_every_renderer() {
    for renderer in ["html", "markdown", "epub"] {
        let args = ["supports".to_owned(), renderer.to_owned()];
        let outcome = run_cli(&STORIES, &args, b"", &Environment::default());
        assert_eq!(outcome.exit_code, 0);
        assert!(outcome.stdout.is_empty() && outcome.stderr.is_empty());
    }
    let outcome = run_cli(&STORIES, &["bogus".to_owned()], b"", &Environment::default());
    assert_eq!(outcome.exit_code, 2);
    assert!(outcome.stderr.contains("usage: mdbook-vision-stories [supports RENDERER | --help | --version]"));
}
