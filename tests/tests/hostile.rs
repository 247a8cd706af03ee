//! Hostile input at the edges of the suite: the protocol, the process and the command line.
//! Each test holds one case of the hostile-input catalogue; the cases in chapters' markdown and
//! in settings are golden cases of `tests/spec/vision.md` (run through the combined pass), and
//! the slow ones are measured by `tests/benches/hostile.rs`.
//!
//! | Case | Held by |
//! | --- | --- |
//! | integers beyond 64 bits in unknown fields | `protocol::numbers_in_unknown_fields_come_back_exactly_as_written` |
//! | an empty `mdbook_version`; a 0.5 pre-release | [`the_mdbook_version_is_named_even_when_empty_and_pre_releases_are_supported`] |
//! | lone-CR line endings | [`lone_cr_line_endings_place_findings_at_their_line`] |
//! | `--help`, `--version` of the standalone binaries | [`every_binary_answers_help_and_version_with_exit_0`] |
//! | a closed stdout | [`a_closed_stdout_fails_the_run`] |
//! | an invalid `SOURCE_DATE_EPOCH` | [`an_invalid_source_date_epoch_is_a_warning`] |
//! | `check` and mdBook's `{{#include}}` errors | [`check_reports_the_includes_mdbook_cannot_expand`] |
//! | every wrongly typed setting, at its line | [`every_bad_setting_is_reported_at_its_line_of_book_toml`] |
//! | parallel `new`; a title with a line break, or empty; a pair with a partner | `cli::concurrent_new_runs_lose_no_entry`, `real_books::new_refuses_what_would_break_the_book`, `cli::new_refuses_a_pair_that_has_a_partner_and_writes_nothing` |
//! | `new` when SUMMARY.md cannot be written | unit test `new::tests::the_page_is_removed_again_when_summary_md_cannot_be_written` |
//! | `install` and CRLF, BOM | `real_books::install_lists_then_fixes_what_mdbook_0_5_refuses_keeping_comments_crlf_and_bom` |

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;
use std::io::Write as _;
use std::process::{Command, Stdio};

use mdbook_vision_tests::mdbook::{build_in_place, copy_book, run_preprocessor, suite_bin, suite_binaries};
use mdbook_vision_tests::request::{VERSIONS, chapter, request};
use mdbook_vision_tests::workspace_root;
use serde_json::{Value, json};

/// A small valid book: Alan's page and a story of his.
fn alan_book(version: &str, story: &str) -> Vec<u8> {
    request(
        version,
        &[
            chapter("vision/characters/alan.md", "# Alan: the developer\n"),
            chapter("vision/status_quo/alan.md", story),
        ],
        json!({}),
    )
    .to_string()
    .into_bytes()
}

const STORY: &str = "# Alan has trouble\n\n```story\ncharacter = \"Alan\"\n```\n";

#[test]
fn the_mdbook_version_is_named_even_when_empty_and_pre_releases_are_supported() {
    let mut input: Value = serde_json::from_slice(&alan_book("0.5.4", STORY)).unwrap();
    input[0]["mdbook_version"] = json!("");
    let empty = run_preprocessor("mdbook-vision-stories", input.to_string().as_bytes(), &[]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(
        empty.stderr.contains(
            "but is being run by an mdBook that did not say its version (`mdbook_version` is empty)"
        ),
        "{}",
        empty.stderr
    );
    input[0]["mdbook_version"] = json!("0.5.0-alpha.1");
    let pre_release = run_preprocessor("mdbook-vision-stories", input.to_string().as_bytes(), &[]);
    assert_eq!((pre_release.code, pre_release.stderr.as_str()), (0, ""));
}

#[test]
fn lone_cr_line_endings_place_findings_at_their_line() {
    for version in VERSIONS {
        let page = "# Metanarrative\r\rSome text.\r\rSee {{#story nowhere}}.\r";
        let run = run_preprocessor("mdbook-vision-metanarrative", &alan_book(version, page), &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(
            run.stderr
                .contains("  --> src/vision/status_quo/alan.md:5:5\n   |\n 5 | See {{#story nowhere}}.\n"),
            "{version}:\n{}",
            run.stderr
        );
    }
}

#[test]
fn every_binary_answers_help_and_version_with_exit_0() {
    for binary in suite_binaries() {
        for flag in ["--help", "-h"] {
            let help = Command::new(suite_bin(binary)).arg(flag).output().unwrap();
            assert_eq!(help.status.code(), Some(0), "{binary} {flag}");
            assert!(String::from_utf8_lossy(&help.stdout).contains("supports"), "{binary} {flag}");
        }
        for flag in ["--version", "-V"] {
            let version = Command::new(suite_bin(binary)).arg(flag).output().unwrap();
            assert_eq!(version.status.code(), Some(0), "{binary} {flag}");
            let printed = String::from_utf8_lossy(&version.stdout).into_owned();
            assert_eq!(printed.trim(), format!("{binary} {}", env!("CARGO_PKG_VERSION")), "{binary} {flag}");
        }
        let wrong = Command::new(suite_bin(binary)).arg("--frobnicate").output().unwrap();
        assert_eq!(wrong.status.code(), Some(2), "{binary}: a wrong argument is a usage error");
    }
}

/// mdBook reads the book back from stdout: when it cannot be written, the run failed.
#[test]
fn a_closed_stdout_fails_the_run() {
    // Big enough that the book cannot fit in the pipe's buffer before the write fails.
    let prose = "Alan writes a lot of async code.\n".repeat(100_000);
    let input = alan_book("0.5.4", &format!("{STORY}\n{prose}"));
    let mut child = Command::new(suite_bin("mdbook-vision-stories"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("GITHUB_ACTIONS")
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[bad-output]"), "{stderr}");
}

#[test]
fn an_invalid_source_date_epoch_is_a_warning() {
    let run =
        run_preprocessor("mdbook-vision", &alan_book("0.5.4", STORY), &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("warning[bad-environment]: `SOURCE_DATE_EPOCH` is `yesterday`, not a number of seconds: the clock is used instead"),
        "{}",
        run.stderr
    );
    let valid =
        run_preprocessor("mdbook-vision", &alan_book("0.5.4", STORY), &[("SOURCE_DATE_EPOCH", "1622505600")]);
    assert_eq!(valid.code, 0, "{}", valid.stderr);
    assert!(!valid.stderr.contains("bad-environment"), "{}", valid.stderr);
}

/// mdBook logs an `{{#include}}` it cannot expand and goes on, leaving the directive in the
/// page; `check` makes it an error at its line.
#[test]
fn check_reports_the_includes_mdbook_cannot_expand() {
    let book = copy_book(&workspace_root().join("book-example"));
    let page = book.path().join("src/vision/roadmap.md");
    let text = fs::read_to_string(&page).unwrap();
    let line = text.lines().count() + 2;
    fs::write(&page, format!("{text}\n{{{{#include ../no_such_file.md}}}}\n")).unwrap();
    let output = Command::new(suite_bin("mdbook-vision"))
        .args(["check", &book.path().display().to_string()])
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[broken-include]: mdBook: Error updating \"{{#include ../no_such_file.md}}\""),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("  --> src/vision/roadmap.md:{line}:1\n")), "{stderr}");
}

/// Every wrongly typed setting is reported, each at its line of book.toml, through a real
/// build; the build then fails, with nothing rendered.
#[test]
fn every_bad_setting_is_reported_at_its_line_of_book_toml() {
    for version in VERSIONS {
        let book = copy_book(&workspace_root().join("book-example"));
        let book_toml = book.path().join("book.toml");
        let text = fs::read_to_string(&book_toml).unwrap().replace(
            "[preprocessor.vision-characters]\n",
            "[preprocessor.vision-characters]\nlink = 3\nstale-after = \"soon\"\nrequired-questions = { status-quo = [\"\"] }\n",
        );
        fs::write(&book_toml, &text).unwrap();
        let line_of = |key: &str| text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        let build = build_in_place(version, book);
        assert!(!build.success, "{version}: the build must fail");
        for (message, key) in [
            ("setting `link` is not valid", "link = "),
            ("setting `stale-after` is not valid", "stale-after = "),
            ("setting `required-questions.status-quo[0]` is empty", "required-questions = "),
        ] {
            let at = format!("  --> book.toml:{}:", line_of(key));
            assert!(
                build.stderr.contains(message) && build.stderr.contains(&at),
                "{version}: `{message}` at {at} in\n{}",
                build.stderr
            );
        }
        assert!(!build.output().join("index.html").exists(), "{version}: no partial output");
    }
}
