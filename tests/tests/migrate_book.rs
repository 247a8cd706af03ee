//! `mdbook-vision migrate --write` on a book written the old way: the long-lived fixture
//! (`tests/fixtures/books/long-lived`: hand tables, the single-page form, a story in five
//! parts, pasted definitions, a metanarrative of `.md`, `.html`, `#anchor`, absolute and
//! reference links) without the suite in its book.toml. Built with mdBook 0.4 and 0.5 before
//! and after, every story table cell and every link reads the same, and a second run finds
//! nothing to do.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;

use mdbook_vision_tests::fixture;
use mdbook_vision_tests::html::{links, main_content, pages, table_cells, tables, text_of};
use mdbook_vision_tests::mdbook::{Build, build, build_in_place, copy_book, snapshot, vision_with_mdbook};
use mdbook_vision_tests::request::VERSIONS;

/// Where the long-lived book is published (its `git-repository-url` on GitHub Pages).
const PUBLISHED: &str = "https://example.github.io/vision-doc/";

/// The long-lived book as it was before the suite: no `[preprocessor.vision]`.
fn old_book() -> tempfile::TempDir {
    let dir = copy_book(&fixture("books/long-lived"));
    let book_toml = dir.path().join("book.toml");
    let toml = fs::read_to_string(&book_toml).unwrap();
    let without = &toml[..toml.find("# Story tables").unwrap()];
    fs::write(&book_toml, without).unwrap();
    dir
}

/// `href`, found on `page`, as a path from the book's root (`vision/status_quo/a.html#x`).
fn target(page: &str, href: &str) -> String {
    if let Some(inside) = href.strip_prefix(PUBLISHED) {
        return inside.to_owned();
    }
    if href.contains("://") {
        return href.to_owned();
    }
    let (path, anchor) = href.split_once('#').map_or((href, None), |(p, a)| (p, Some(a)));
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    if path.is_empty() {
        parts.push(page.rsplit('/').next().unwrap());
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    anchor.map_or(joined.clone(), |a| format!("{joined}#{a}"))
}

/// A page's links: text and target.
fn page_links(build: &Build, page: &str) -> Vec<(String, String)> {
    let html = build.page(page);
    links(main_content(&html)).into_iter().map(|(text, href)| (text, target(page, href))).collect()
}

/// A table cell: its text, and the targets of its links.
type Cell = (String, Vec<String>);

/// A page's tables: each row's cells.
fn page_tables(build: &Build, page: &str) -> Vec<Vec<Vec<Cell>>> {
    let html = build.page(page);
    tables(main_content(&html))
        .into_iter()
        .map(|table| {
            table_cells(table)
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|cell| {
                            let hrefs = links(cell).into_iter().map(|(_, href)| target(page, href)).collect();
                            (text_of(cell), hrefs)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Whether `now` shows every column of `was`, under the same header, with the same cells.
fn shows_the_same_cells(was: &[Vec<Cell>], now: &[Vec<Cell>]) -> bool {
    let (Some(was_header), Some(now_header)) = (was.first(), now.first()) else { return false };
    was.len() == now.len()
        && was_header.iter().enumerate().all(|(column, (header, _))| {
            let Some(at) = now_header.iter().position(|(h, _)| h.eq_ignore_ascii_case(header)) else {
                return false;
            };
            was.iter().zip(now).all(|(a, b)| {
                let (text, hrefs) = &a[column];
                b.get(at).is_some_and(|(t, h)| t == text && hrefs.iter().all(|href| h.contains(href)))
            })
        })
}

fn is_subsequence<T: PartialEq>(was: &[T], now: &[T]) -> bool {
    let mut now = now.iter();
    was.iter().all(|item| now.any(|candidate| candidate == item))
}

#[test]
fn a_migrated_book_renders_the_same_cells_and_links() {
    for version in VERSIONS {
        let old = old_book();
        let before = build(version, old.path());
        assert!(before.success, "mdBook {version} cannot build the old book:\n{}", before.stderr);

        let migrated = copy_book(old.path());
        let root = migrated.path().display().to_string();
        let output = vision_with_mdbook(version, &["migrate", &root, "--write"]);
        let summary = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{summary}");
        assert!(
            summary.starts_with("migrate changed 23 files: 3 story blocks added, 16 hand tables replaced by story blocks, 13 character definitions removed, 40 links converted to {{#story}}, 1 list converted to {{#stories}}, 2 link definitions left unused removed, 1 edit to book.toml\n"),
            "{summary}"
        );
        assert!(!summary.contains("left as written"), "{summary}");
        let metanarrative = fs::read_to_string(migrated.path().join("src/vision/metanarrative.md")).unwrap();
        assert!(
            metanarrative
                .ends_with("and its\n{{#story alan_trusts_the_compiler_again \"happier sequel\"}}.\n"),
            "the definitions only the converted links used are gone, and the blank line before them:\n{metanarrative}"
        );

        let again = vision_with_mdbook(version, &["migrate", &root]);
        assert!(String::from_utf8_lossy(&again.stderr).starts_with("migrate: nothing to do\n"));
        assert!(
            again.stdout.is_empty(),
            "a second run would change:\n{}",
            String::from_utf8_lossy(&again.stdout)
        );

        let check = vision_with_mdbook(version, &["check", &root]);
        assert!(check.status.success(), "check after migrate:\n{}", String::from_utf8_lossy(&check.stderr));

        let files = snapshot(migrated.path());
        let after = build_in_place(version, migrated);
        assert!(after.success, "mdBook {version} cannot build the migrated book:\n{}", after.stderr);
        compare(version, &before, &after);
        assert_eq!(
            snapshot(after.dir.path())
                .into_iter()
                .filter(|(f, _)| !f.starts_with("book/"))
                .collect::<Vec<_>>(),
            files
        );
    }
}

fn compare(version: &str, before: &Build, after: &Build) {
    let mut story_tables = 0;
    for page in pages(&before.output()) {
        // A link that was broken (the planted stale definition) may be repaired.
        let exists = |target: &str| {
            target.contains("://") || before.output().join(target.split('#').next().unwrap()).is_file()
        };
        let was: Vec<_> =
            page_links(before, &page).into_iter().filter(|(_, target)| exists(target)).collect();
        let now = page_links(after, &page);
        assert!(
            is_subsequence(&was, &now),
            "mdBook {version}, {page}: links lost or changed\nwas: {was:#?}\nnow: {now:#?}"
        );
        let now_tables = page_tables(after, &page);
        for mut table in page_tables(before, &page) {
            for (_, hrefs) in table.iter_mut().flatten() {
                hrefs.retain(|href| exists(href));
            }
            assert!(
                now_tables.iter().any(|candidate| shows_the_same_cells(&table, candidate)),
                "mdBook {version}, {page}: the table {table:?} is not rendered the same: {now_tables:?}"
            );
            let story = (page.contains("status_quo/") || page.contains("shiny_future/"))
                && !page.ends_with("template.html");
            story_tables += usize::from(story);
        }
    }
    assert_eq!(story_tables, 16, "mdBook {version}: the hand tables compared");
    let story_links = |build: &Build| {
        page_links(build, "vision/metanarrative.html")
            .into_iter()
            .filter(|(_, t)| t.contains("status_quo/") || t.contains("shiny_future/"))
            .collect::<Vec<_>>()
    };
    let (was, now) = (story_links(before), story_links(after));
    assert_eq!(was.len(), 22, "mdBook {version}: the metanarrative's story links: {was:#?}");
    assert_eq!(was, now, "mdBook {version}: the metanarrative's story links");
}
