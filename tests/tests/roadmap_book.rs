//! `vision-roadmap` in real mdBook builds: the HTML shows every status and progress bar with
//! its hover title, the markdown renderer gets the plain emoji, and `SOURCE_DATE_EPOCH`
//! decides which dates are stale; the example book's roadmap shows its legend and titled statuses.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;

use mdbook_vision_tests::html::{attribute_values, main_content, tables};
use mdbook_vision_tests::mdbook::{Build, build, build_with_env};
use mdbook_vision_tests::request::VERSIONS;
use mdbook_vision_tests::{fixture, workspace_root};

/// 2021-03-01: every date of the fixture is less than 90 days old.
const EARLY: &str = "1614556800";
/// 2022-01-01: every date of the fixture is more than 90 days old.
const LATE: &str = "1640995200";

/// The hover titles of the roadmap table, in order.
const TITLES: &[&str] = &[
    "Healthy: on track with the plan as described in the doc",
    "3/6",
    "Worried: things are looking tricky; the plan isn't working out",
    "25%",
    "On vacation: taking a break right now",
    "1/4",
];

/// The locations of the fixture's dates.
const DATES: &[&str] = &["src/roadmap.md:7:56", "src/roadmap.md:8:44", "src/roadmap.md:9:36"];

fn build_at(version: &str, epoch: &str) -> Build {
    let build = build_with_env(version, &fixture("books/roadmap"), &[("SOURCE_DATE_EPOCH", epoch)]);
    assert!(build.success, "mdBook {version}:\n{}", build.stderr);
    build
}

/// The locations of the `roadmap-stale` warnings in `stderr`, each once.
fn stale_dates(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found: Vec<String> = lines
        .windows(2)
        .filter(|pair| pair[0].starts_with("warning[roadmap-stale]"))
        .map(|pair| pair[1].trim().trim_start_matches("--> ").to_owned())
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn statuses_and_bars_have_hover_titles_in_html_and_plain_emoji_in_markdown() {
    for version in VERSIONS {
        let build = build_at(version, EARLY);
        assert!(!build.stderr.contains("warning["), "mdBook {version}:\n{}", build.stderr);

        let html = build.page("html/roadmap.html");
        let content = main_content(&html).replace("&#39;", "'");
        assert_eq!(attribute_values(&content, "title"), TITLES, "mdBook {version}");
        assert!(content.contains("<span title=\"3/6\">▰▰▰▱▱▱</span>"), "mdBook {version}");
        assert!(content.contains("<span title=\"On vacation: taking a break right now\">🏖</span>"));
        assert_eq!(tables(&content).len(), 2, "the legend and the roadmap, mdBook {version}");

        let about = build.page("html/about.html");
        let about = main_content(&about);
        assert_eq!(tables(about).len(), 2, "the legend and a table left alone, mdBook {version}");
        assert!(about.contains("<td>healthy</td>"), "mdBook {version}: {about}");
        assert!(
            about.contains("shows the directive\nitself: {{#roadmap-legend}}"),
            "mdBook {version}: {about}"
        );

        let markdown = fs::read_to_string(build.output().join("markdown/roadmap.md")).unwrap();
        assert!(!markdown.contains("<span"), "mdBook {version}: {markdown}");
        assert!(markdown.contains("| nikomatsakis | 🥬 | 2021-02 | ▰▰▰▱▱▱ 3/6 |"), "{markdown}");
        assert!(markdown.contains("| pnkfelix | 🏖 | 2021-02 | ▰▱▱▱ |"), "{markdown}");
    }
}

#[test]
fn source_date_epoch_decides_which_dates_are_stale() {
    for version in VERSIONS {
        let early = build_at(version, EARLY);
        assert_eq!(stale_dates(&early.stderr), Vec::<String>::new(), "mdBook {version}");
        let late = build_at(version, LATE);
        assert_eq!(stale_dates(&late.stderr), DATES, "mdBook {version}:\n{}", late.stderr);
        assert!(
            late.stderr.contains("`2021-01-15` is 351 days before the build"),
            "mdBook {version}:\n{}",
            late.stderr
        );
    }
}

#[test]
fn the_example_book_roadmap_shows_its_legend_and_titled_statuses() {
    for version in VERSIONS {
        let build = build(version, &workspace_root().join("book-example"));
        assert!(build.success, "mdBook {version}:\n{}", build.stderr);
        assert!(!build.stderr.contains("[roadmap-"), "mdBook {version}:\n{}", build.stderr);
        let html = build.page("vision/roadmap.html");
        let content = main_content(&html);
        assert_eq!(tables(content).len(), 2, "the legend and the roadmap, mdBook {version}");
        assert_eq!(content.matches("<span title=").count(), 9, "5 statuses and 4 bars, mdBook {version}");
    }
}
