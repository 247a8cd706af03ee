//! `vision-faq` in real mdBook builds: a book with incomplete FAQs builds under `warn` and
//! lists exactly the expected findings; under `deny` the build fails, listing all of them.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision_tests::fixture;
use mdbook_vision_tests::mdbook::{build, build_with_env};
use mdbook_vision_tests::request::VERSIONS;

/// (level, code, location) of every finding in the fixture book, in order.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("faq-missing-question", "Are you just making this stuff up?", "src/status_quo/alan_trouble.md:10:1"),
    ("faq-empty-answer", "What are the morals of the story?", "src/status_quo/alan_trouble.md:12:1"),
    ("faq-missing", "no \"Frequently Asked Questions\" section", "src/status_quo/alan_no_faq.md:1:1"),
    ("faq-near-miss", "What is Alan most exited about and why?", "src/shiny_future/alan_blast.md:11:3"),
    (
        "faq-missing-question",
        "What design decisions cannot easily be reversed?",
        "src/design_docs/traits.md:7:1",
    ),
];

fn findings(stderr: &str, level: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(&format!("{level}[faq-")))
        .map(|(i, l)| (l.to_string(), lines.get(i + 1).map(|l| l.trim().to_owned()).unwrap_or_default()))
        .collect()
}

fn assert_findings(stderr: &str, level: &str, label: &str) {
    let found = findings(stderr, level);
    assert_eq!(found.len(), EXPECTED.len(), "{label}:\n{stderr}");
    for ((heading, location), (code, words, expected_location)) in found.iter().zip(EXPECTED) {
        assert!(heading.starts_with(&format!("{level}[{code}]: ")), "{label}: {heading}");
        assert!(heading.contains(words), "{label}: `{words}` not in {heading}");
        assert_eq!(location, &format!("--> {expected_location}"), "{label}: {heading}");
    }
}

#[test]
fn warn_builds_and_lists_every_finding() {
    for version in VERSIONS {
        let build = build(version, &fixture("books/faq-incomplete"));
        assert!(build.success, "mdBook {version}:\n{}", build.stderr);
        assert_findings(&build.stderr, "warning", &format!("mdBook {version}"));
        assert!(build.stderr.contains("mdbook-vision-faq: 5 warnings"), "{}", build.stderr);
        assert!(build.page("status_quo/alan_trouble.html").contains("Frequently Asked Questions"));
    }
}

#[test]
fn deny_fails_the_build_after_listing_every_finding() {
    for version in VERSIONS {
        let env = [("MDBOOK_PREPROCESSOR__VISION_FAQ__FAQ_SEVERITY", "deny")];
        let build = build_with_env(version, &fixture("books/faq-incomplete"), &env);
        assert!(!build.success, "mdBook {version} must fail");
        assert_findings(&build.stderr, "error", &format!("mdBook {version}"));
        assert!(build.stderr.contains("mdbook-vision-faq: 5 errors"), "{}", build.stderr);
    }
}

#[test]
fn render_missing_shows_the_missing_questions_in_the_page() {
    for version in VERSIONS {
        let env = [("MDBOOK_PREPROCESSOR__VISION_FAQ__RENDER_MISSING", "true")];
        let build = build_with_env(version, &fixture("books/faq-incomplete"), &env);
        assert!(build.success, "mdBook {version}:\n{}", build.stderr);
        let page = build.page("status_quo/alan_trouble.html");
        assert!(
            page.contains(
                "This FAQ is missing required questions:</strong> Are you just making this stuff up?"
            ),
            "{version}: {page}"
        );
        let page = build.page("status_quo/alan_no_faq.html");
        assert!(page.contains("This story has no FAQ section. Required questions:</strong>"), "{version}");
    }
}
