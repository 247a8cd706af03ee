//! A vision doc written by hand over two years (`tests/fixtures/books/long-lived`, see its
//! PLANTED.md), built with an empty `[preprocessor.vision]` by mdBook 0.4 and 0.5: the suite
//! learns the book's conventions (its templates, its roadmap key table, its multi-chapter
//! story, its SUMMARY.md titles), so that every finding it prints is one of the five planted,
//! and nothing else.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision_tests::fixture;
use mdbook_vision_tests::html::{broken_links, main_content};
use mdbook_vision_tests::mdbook::build;
use mdbook_vision_tests::request::VERSIONS;

/// Every finding mdBook's log holds: its first line and its location.
fn findings(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let is_finding = ["error[", "warning[", "note["].iter().any(|level| line.starts_with(level));
        if is_finding {
            let location = lines.get(index + 1).map_or("", |l| l.trim()).trim_start_matches("--> ");
            let code = &line[..line.find("]:").map_or(line.len(), |i| i + 1)];
            found.push(format!("{code} {location}"));
        }
    }
    found
}

#[test]
fn unconfigured_the_long_lived_book_reports_exactly_what_was_planted() {
    let planted = [
        "warning[faq-missing] src/vision/characters/niklaus.md:1:1",
        "warning[faq-empty-answer] src/vision/status_quo/barbara_anguishes_over_http.md:39:1",
        "note[character-link-repaired] src/vision/status_quo/network/barbara_plays_with_tcp.md:14:3",
        "warning[faq-missing-question] src/vision/status_quo/niklaus_wants_to_share_knowledge.md:21:1",
        "warning[roadmap-unknown-status] src/vision/roadmap.md:25:20",
    ];
    for version in VERSIONS {
        let build = build(version, &fixture("books/long-lived"));
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        assert_eq!(findings(&build.stderr), planted, "mdBook {version}:\n{}", build.stderr);
        assert!(build.stderr.contains("(3 cells)"), "one finding for the three cells:\n{}", build.stderr);
        assert!(
            build.stderr.contains("\"Why did you choose Niklaus to tell this story?\""),
            "NAME is the story's character:\n{}",
            build.stderr
        );
        assert!(!build.stderr.contains("WARN") && !build.stderr.contains("ERROR"), "{}", build.stderr);

        // The key table is the legend: its emoji get hover titles, and the key table itself
        // is left alone.
        let roadmap = main_content(&build.page("vision/roadmap.html")).to_owned();
        assert!(
            roadmap.contains("<span title=\"In progress: someone is working on it\">🦀</span>"),
            "{roadmap}"
        );
        assert_eq!(roadmap.matches("title=\"Done: shipped on stable\"").count(), 2, "{roadmap}");

        // The stale definition in the story moved one folder deeper now leads to Barbara.
        let tcp = build.page("vision/status_quo/network/barbara_plays_with_tcp.html");
        assert!(main_content(&tcp).contains("href=\"../../characters/barbara.html\""), "{tcp}");
        // Every link resolves, but the placeholders of the templates (`../characters/NAME.md`).
        let broken: Vec<String> =
            broken_links(&build.output()).into_iter().filter(|l| !l.contains("/template.html:")).collect();
        assert!(broken.is_empty(), "mdBook {version}: broken links:\n{}", broken.join("\n"));
    }
}
