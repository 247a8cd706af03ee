//! The example book, built by real mdBook 0.4 and 0.5 CLIs with the suite: it builds without
//! a warning, every story shows its table, and every link on every page resolves.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;
use std::path::Path;

use mdbook_vision_core::markdown::{Document, Flavor};
use mdbook_vision_tests::html::{assert_links_resolve, attribute_values, main_content, tables};
use mdbook_vision_tests::mdbook::{build, build_with_env};
use mdbook_vision_tests::request::VERSIONS;
use mdbook_vision_tests::{fixture, workspace_root};

/// Every source chapter with its number of ```` ```story ```` blocks.
fn story_blocks(src: &Path) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = fs::read_to_string(&path).unwrap();
                let document = Document::parse(&text, Flavor::default());
                let count = document
                    .fenced_blocks
                    .iter()
                    .filter(|b| b.language() == "story")
                    .count();
                let relative = path
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace("README.md", "index.md");
                if relative != "SUMMARY.md" {
                    found.push((relative.replace(".md", ".html"), count));
                }
            }
        }
    }
    found
}

#[test]
fn the_example_book_builds_cleanly_with_every_table_and_every_link_resolving() {
    let book = workspace_root().join("book-example");
    let blocks = story_blocks(&book.join("src"));
    assert_eq!(
        blocks.iter().map(|(_, n)| n).sum::<usize>(),
        17,
        "stories, character pages and design docs"
    );
    for version in VERSIONS {
        let build = build(version, &book);
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        let noisy: Vec<&str> = build
            .stderr
            .lines()
            .filter(|l| {
                l.contains("WARN")
                    || l.contains("ERROR")
                    || l.contains("warning[")
                    || l.contains("error[")
            })
            .collect();
        assert!(
            noisy.is_empty(),
            "mdBook {version} warned:\n{}",
            build.stderr
        );

        for (page, count) in &blocks {
            let html = build.page(page);
            let content = main_content(&html);
            assert_eq!(
                content.matches("<!-- vision-story ").count(),
                *count,
                "{version}: {page}"
            );
            assert!(
                tables(content).len() >= *count,
                "{version}: {page} lacks its tables"
            );
            assert!(
                !content.contains("language-story"),
                "{version}: {page} still shows a story block"
            );
        }
        assert_links_resolve(&build.output(), &format!("mdBook {version}"));
    }
}

#[test]
fn story_tables_show_characters_pairs_and_volunteers() {
    let book = workspace_root().join("book-example");
    for version in VERSIONS {
        let build = build(version, &book);
        let alan = build.page("vision/status_quo/alan_has_trouble_getting_started.html");
        let table = tables(main_content(&alan))[0];
        assert!(
            table.contains("<th>Character</th><th>Shiny Future</th><th>Assigned To</th>")
                || table.contains("<th>Character</th>\n<th>Shiny Future</th>"),
            "{version}: {table}"
        );
        let links = attribute_values(table, "href");
        assert_eq!(
            links,
            [
                "../characters/alan.html",
                "../shiny_future/alan_has_a_blast.html"
            ],
            "{version}"
        );
        assert!(
            table.contains(">Alan has a blast building a web server</a>"),
            "{version}: {table}"
        );
        assert!(table.contains("Shane and estebank"), "{version}: {table}");

        let generators = build.page("vision/shiny_future/grace_discovers_generators.html");
        let table = tables(main_content(&generators))[0];
        assert!(
            table.contains("href=\"../status_quo/grace_writes_a_stream.html\""),
            "{version}: the pair declared on the other side shows here"
        );
        assert!(
            table.contains("<a href=\"../../how_to_vision.html\">✋ Volunteer wanted ✋</a>"),
            "{version}: {table}"
        );

        let niklaus = build.page("vision/status_quo/niklaus.html");
        assert_eq!(
            tables(main_content(&niklaus)).len(),
            2,
            "{version}: one table per story of the single-page chapter"
        );

        let barbara = build.page("vision/characters/barbara.html");
        let table = tables(main_content(&barbara))[0];
        assert!(
            table.contains("⚠️ Draft ⚠️") && table.contains("✋ Volunteer wanted ✋"),
            "{version}: {table}"
        );
    }
}

#[test]
fn section_stories_and_a_single_page_cast_link_to_anchors_that_exist() {
    for version in VERSIONS {
        let build = build(version, &fixture("books/sections"));
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        let zoe = build.page("shiny_future/zoe.html");
        let links = attribute_values(tables(main_content(&zoe))[0], "href");
        assert_eq!(links.len(), 3, "{version}: {links:?}");
        assert!(
            links.iter().all(|l| l.contains('#')),
            "{version}: {links:?}"
        );
        assert_links_resolve(&build.output(), &format!("mdBook {version}"));
    }
}

#[test]
fn settings_can_come_from_mdbook_environment_overrides() {
    let book = workspace_root().join("book-example");
    for version in VERSIONS {
        let env = [("MDBOOK_PREPROCESSOR__VISION_STORIES__HOW_TO", "vision.md")];
        let build = build_with_env(version, &book, &env);
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        let page = build.page("vision/shiny_future/grace_discovers_generators.html");
        let table = tables(main_content(&page))[0];
        assert!(
            table.contains("<a href=\"../../vision.html\">✋ Volunteer wanted ✋</a>"),
            "{version}: {table}"
        );
    }
}
