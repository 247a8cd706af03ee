//! Bad input, through the real binary and through real mdBook builds: a clear diagnostic
//! naming the file and line on stderr, a non-zero exit, and nothing on stdout.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision_tests::fixture;
use mdbook_vision_tests::mdbook::{Run, build, run_preprocessor};
use mdbook_vision_tests::request::{VERSIONS, chapter, request};
use serde_json::{Value, json};

fn run_binary(input: &[u8], github: bool) -> Run {
    let env: &[(&str, &str)] = if github { &[("GITHUB_ACTIONS", "true")] } else { &[] };
    run_preprocessor("mdbook-vision-stories", input, env)
}

fn story_book(version: &str, block: &str, config: Value) -> Vec<u8> {
    let story = format!("# Alan has trouble\n\nSome text.\n\n```story\n{block}\n```\n");
    request(
        version,
        &[
            chapter("vision/characters/alan.md", "# Alan: the developer\n"),
            chapter("vision/status_quo/alan.md", &story),
        ],
        config,
    )
    .to_string()
    .into_bytes()
}

/// (what is wrong, the story block or config, expected code, expected location)
const BAD_BOOKS: &[(&str, &str, &str, &str)] = &[
    ("bad TOML", "character = [\"Alan\"", "bad-toml", "src/vision/status_quo/alan.md:6:20"),
    (
        "unknown key",
        "character = \"Alan\"\nsiny-future = \"x\"",
        "unknown-key",
        "src/vision/status_quo/alan.md:7:1",
    ),
    ("unknown character", "character = \"Bob\"", "unknown-character", "src/vision/status_quo/alan.md:6:13"),
    ("unknown id", "shiny-future = \"nowhere\"", "unknown-story", "src/vision/status_quo/alan.md:6:16"),
    (
        "duplicate id",
        "id = \"x\"\n```\n\n```story\nid = \"x\"",
        "duplicate-id",
        "src/vision/status_quo/alan.md:10:6",
    ),
];

#[test]
fn each_bad_book_gets_its_diagnostic_at_its_line_and_nothing_on_stdout() {
    for version in VERSIONS {
        for (what, block, code, location) in BAD_BOOKS {
            let run = run_binary(&story_book(version, block, json!({})), false);
            assert_eq!(run.code, 1, "{what}: {}", run.stderr);
            assert!(run.stdout.is_empty(), "{what}: stdout must be empty");
            assert!(run.stderr.starts_with(&format!("error[{code}]: ")), "{what}:\n{}", run.stderr);
            assert!(
                run.stderr.contains(&format!("\n  --> {location}\n")),
                "{what}: expected {location} in\n{}",
                run.stderr
            );
            assert!(
                run.stderr.trim_end().ends_with("mdbook-vision-stories: 1 error"),
                "{what}:\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn an_unknown_setting_names_the_table_and_suggests_the_key() {
    let config = json!({"preprocessor": {"vision-stories": {"how_to": "x.md"}}});
    let run = run_binary(&story_book("0.5.4", "character = \"Alan\"", config), false);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("error[unknown-key]: unknown key `how_to` in [preprocessor.vision-stories]\n  --> book.toml\n   = help: did you mean `how-to`?"), "{}", run.stderr);
}

#[test]
fn malformed_json_is_named_and_nothing_is_written() {
    let run = run_binary(b"[{\"mdbook_version\": \"0.5.4\"}, {\"items\": [", false);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("error[bad-input]: the input on stdin is not valid JSON"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unsupported_version_warns_and_answers_with_the_book() {
    let input = story_book("0.7.1", "character = \"Alan\"", json!({}));
    let run = run_binary(&input, false);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("warning[unsupported-mdbook]: mdbook-vision supports mdBook 0.4 and 0.5, but is being run by mdBook 0.7.1"), "{}", run.stderr);
    let book: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert!(book["items"][1]["Chapter"]["content"].as_str().unwrap().contains("| Character |"));
}

#[test]
fn hostile_metadata_is_escaped_not_refused() {
    let run = run_binary(
        &story_book("0.4.52", "character = \"Alan\"\nassigned-to = [\"a|b\", \"<script>\"]", json!({})),
        false,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book: Value = serde_json::from_slice(&run.stdout).unwrap();
    let content = book["sections"][1]["Chapter"]["content"].as_str().unwrap();
    assert!(
        content.contains("| a \\|b and \\<script\\> |") || content.contains("a\\|b and \\<script\\>"),
        "{content}"
    );
}

#[test]
fn under_github_actions_diagnostics_are_also_annotations() {
    let run = run_binary(&story_book("0.5.4", "character = \"Bob\"", json!({})), true);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("::error file=src/vision/status_quo/alan.md,line=6,col=13,title=unknown-character::`Bob` is not in the cast%0Ahelp: "),
        "{}",
        run.stderr
    );
}

#[test]
fn mdbook_builds_of_a_broken_book_fail_with_every_diagnostic() {
    for version in VERSIONS {
        let build = build(version, &fixture("books/broken"));
        assert!(!build.success, "{version}: the build must fail");
        let stderr = &build.stderr;
        assert!(
            stderr.contains("error[unknown-character]: `Alna` is not in the cast"),
            "{version}:\n{stderr}"
        );
        assert!(stderr.contains("  --> src/vision/status_quo/alan.md:4:13"), "{version}:\n{stderr}");
        assert!(stderr.contains("= help: did you mean `Alan`?"), "{version}:\n{stderr}");
        assert!(
            stderr.contains("error[unknown-story]: no story has the id `grace_found`"),
            "{version}:\n{stderr}"
        );
        assert!(stderr.contains("  --> src/vision/status_quo/grace.md:5:16"), "{version}:\n{stderr}");
        assert!(stderr.contains("mdbook-vision-stories: 2 errors"), "{version}:\n{stderr}");
        assert!(!build.output().join("vision/status_quo/alan.html").exists(), "{version}: no partial output");
    }
}
