//! The example book, built by real mdBook 0.4 and 0.5 CLIs with the suite: it builds without
//! a warning, every story shows its table, and every link on every page resolves.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;
use std::path::Path;

use mdbook_vision_core::markdown::{Document, Flavor};
use mdbook_vision_tests::html::{assert_links_resolve, attribute_values, main_content, tables};
use mdbook_vision_tests::mdbook::{build, build_with_env};
use mdbook_vision_tests::request::{VERSIONS, chapter_contents, load_book, request};
use mdbook_vision_tests::{files_under, fixture, workspace_root};

/// Every source chapter with its number of ```` ```story ```` blocks.
fn story_blocks(src: &Path) -> Vec<(String, usize)> {
    files_under(src)
        .into_iter()
        .filter(|file| file.ends_with(".md") && file != "SUMMARY.md")
        .map(|file| {
            let text = fs::read_to_string(src.join(&file)).unwrap();
            let document = Document::parse(&text, Flavor::default());
            let count = document.fenced_blocks.iter().filter(|b| b.language() == "story").count();
            (file.replace("README.md", "index.md").replace(".md", ".html"), count)
        })
        .collect()
}

#[test]
fn the_example_book_builds_cleanly_with_every_table_and_every_link_resolving() {
    let book = workspace_root().join("book-example");
    let blocks = story_blocks(&book.join("src"));
    assert_eq!(blocks.iter().map(|(_, n)| n).sum::<usize>(), 17, "stories, character pages and design docs");
    for version in VERSIONS {
        let build = build(version, &book);
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        let noisy: Vec<&str> = build
            .stderr
            .lines()
            .filter(|l| {
                l.contains("WARN") || l.contains("ERROR") || l.contains("warning[") || l.contains("error[")
            })
            .collect();
        assert!(noisy.is_empty(), "mdBook {version} warned:\n{}", build.stderr);

        for (page, count) in &blocks {
            let html = build.page(page);
            let content = main_content(&html);
            assert_eq!(content.matches("<!-- vision-story ").count(), *count, "{version}: {page}");
            assert!(tables(content).len() >= *count, "{version}: {page} lacks its tables");
            assert!(!content.contains("language-story"), "{version}: {page} still shows a story block");
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
        assert_eq!(links, ["../characters/alan.html", "../shiny_future/alan_has_a_blast.html"], "{version}");
        assert!(table.contains(">Alan has a blast building a web server</a>"), "{version}: {table}");
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
        assert!(links.iter().all(|l| l.contains('#')), "{version}: {links:?}");
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

#[test]
fn character_mentions_link_to_their_pages_and_stale_definitions_are_repaired() {
    let book = workspace_root().join("book-example");
    for version in VERSIONS {
        let build = build(version, &book);
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        let moved = build.page("vision/status_quo/io/grace_wants_io_uring.html");
        let links = attribute_values(main_content(&moved), "href");
        assert!(links.contains(&"../../characters/grace.html"), "{version}: {links:?}");
        assert!(!links.contains(&"../characters/grace.html"), "{version}: the stale link is repaired");
        assert!(
            build
                .stderr
                .contains("note[character-link-repaired]: `[Grace]` pointed at `../characters/grace.md`")
                && build.stderr.contains("  --> src/vision/status_quo/io/grace_wants_io_uring.md:11:60"),
            "{version}:\n{}",
            build.stderr
        );
        let alan = build.page("vision/status_quo/alan_finds_async_painful.html");
        let mentions = main_content(&alan).matches("href=\"../characters/alan.html\"").count();
        assert_eq!(mentions, 2, "{version}: the table's link and the first mention in prose");
        let sections = build_sections(version);
        let cast = sections.page("characters.html");
        assert!(cast.contains("href=\"characters.html#-zo"), "{version}: Ülrich's section links Zoë's");
    }
}

fn build_sections(version: &str) -> mdbook_vision_tests::mdbook::Build {
    let build = build(version, &fixture("books/sections"));
    assert!(build.success, "{}", build.stderr);
    assert_links_resolve(&build.output(), &format!("sections, mdBook {version}"));
    build
}

/// The titles of the stories whose block lists `topic`, in SUMMARY.md order, read from the
/// sources with a parser of this test's own.
fn titles_with_topic(topic: &str) -> Vec<String> {
    let (items, _) = load_book(&workspace_root().join("book-example")).unwrap();
    let request = request("0.5.4", &items, serde_json::json!({}));
    let mut titles = Vec::new();
    for (_, content) in chapter_contents(&request[1]) {
        let mut heading = String::new();
        let mut in_example = false;
        let mut lines = content.lines();
        while let Some(line) = lines.next() {
            if line.starts_with("````") {
                in_example = !in_example;
            } else if in_example {
                continue;
            } else if line.starts_with('#') {
                heading = line.trim_start_matches('#').trim().to_owned();
            } else if line == "```story" {
                let block: String =
                    lines.by_ref().take_while(|l| *l != "```").map(|l| format!("{l}\n")).collect();
                let table: toml::Table = toml::from_str(&block).unwrap();
                let topics = table.get("topics").and_then(|t| t.as_array()).cloned().unwrap_or_default();
                if topics.iter().any(|t| t.as_str() == Some(topic)) {
                    titles.push(heading.clone());
                }
            }
        }
    }
    titles
}

/// The link texts of each bullet list in `html`, list by list.
fn lists(html: &str) -> Vec<Vec<String>> {
    html.split("<ul>")
        .skip(1)
        .map(|list| {
            let list = &list[..list.find("</ul>").unwrap_or(list.len())];
            list.split("<li>")
                .skip(1)
                .map(|item| {
                    let text = &item[item.find('>').map_or(0, |i| i + 1)..];
                    text[..text.find("</a>").unwrap_or(text.len())].replace("&#39;", "'").replace("’", "'")
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_metanarrative_lists_exactly_the_stories_of_each_topic() {
    let book = workspace_root().join("book-example");
    for version in VERSIONS {
        let build = build(version, &book);
        assert!(build.success, "mdBook {version} failed:\n{}", build.stderr);
        let page = build.page("vision/metanarrative.html");
        let lists = lists(main_content(&page));
        for (index, topic) in [(0, "choosing-a-runtime"), (2, "debugging"), (3, "embedded")] {
            let expected = titles_with_topic(topic);
            assert!(expected.len() >= 2, "{topic}: the example has stories on it");
            assert_eq!(lists[index], expected, "mdBook {version}: {topic}");
        }
        let grace = build.page("vision/characters/grace.html");
        let listed = &lists_of(&grace)[0];
        assert!(listed.iter().all(|t| t.starts_with("Grace")), "{version}: {listed:?}");
        assert_eq!(listed.len(), 5, "{version}: Grace's stories: {listed:?}");
    }
}

fn lists_of(page: &str) -> Vec<Vec<String>> {
    lists(main_content(page))
}
