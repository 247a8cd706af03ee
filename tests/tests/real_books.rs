//! `check`, `new` and `install` on a book written by hand over years
//! (`tests/fixtures/books/long-lived`), as mdBook 0.4 builds it: `multilingual = false` in
//! book.toml (mdBook 0.5 rejects it) and a SUMMARY.md entry that links outside the book.
//! Each command runs with the pinned mdBook 0.4 and then 0.5 first on `PATH`, as the
//! installed one whose rules apply.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;

use mdbook_vision_tests::fixture;
use mdbook_vision_tests::mdbook::{copy_book, snapshot, vision_with_mdbook};
use mdbook_vision_tests::request::VERSIONS;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of the long-lived book as mdBook 0.4 builds it: `multilingual = false`, and a
/// SUMMARY.md entry that is a URL.
fn old_book() -> tempfile::TempDir {
    let dir = copy_book(&fixture("books/long-lived"));
    let book_toml = dir.path().join("book.toml");
    let toml = fs::read_to_string(&book_toml).unwrap().replace("[book]\n", "[book]\nmultilingual = false\n");
    fs::write(&book_toml, toml).unwrap();
    fs::copy(dir.path().join("src/SUMMARY.external.md"), dir.path().join("src/SUMMARY.md")).unwrap();
    dir
}

#[test]
fn check_loads_what_mdbook_0_4_builds_and_names_what_0_5_rejects() {
    for version in VERSIONS {
        let dir = old_book();
        let before = snapshot(dir.path());
        let output = vision_with_mdbook(version, &["check", &dir.path().display().to_string()]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "mdBook {version}:\n{stderr}");
        assert!(
            stderr.starts_with(
                "warning[mdbook-config]: mdBook 0.5 rejects `book.multilingual` in book.toml (mdBook 0.4 accepts it)\n  --> book.toml:7:1"
            ),
            "mdBook {version}:\n{stderr}"
        );
        assert!(
            stderr.contains("= help: remove it (mdBook 0.4 ignored it); `mdbook-vision install --fix` does"),
            "{stderr}"
        );
        assert!(stderr.contains("warning[roadmap-unknown-status]"), "the book is checked:\n{stderr}");
        assert!(!stderr.contains("book-load") && !stderr.contains("Project board"), "{stderr}");
        assert_eq!(snapshot(dir.path()), before, "check writes nothing");
    }
}

#[test]
fn new_writes_in_the_book_s_own_style_from_its_own_template() {
    for version in VERSIONS {
        let dir = old_book();
        let book = dir.path().display().to_string();
        let output = vision_with_mdbook(
            version,
            &["new", "status-quo", "Grace learns déjà vu", "--character", "Grace", "--book", &book],
        );
        assert_eq!(output.status.code(), Some(0), "mdBook {version}: {}", text(&output.stderr));
        let page =
            fs::read_to_string(dir.path().join("src/vision/status_quo/grace_learns_deja_vu.md")).unwrap();
        assert!(
            page.starts_with(
                "# 😱 Status quo stories: Grace learns déjà vu\n\n```story\ncharacter = \"Grace\"\n"
            ),
            "the template's title, with its prefix:\n{page}"
        );
        assert!(!page.contains("| Character | Shiny Future |"), "the block replaces the hand table:\n{page}");
        assert!(
            page.contains("### **Why did you choose *Grace* to tell this story?**"),
            "from the template:\n{page}"
        );
        let summary = fs::read_to_string(dir.path().join("src/SUMMARY.md")).unwrap();
        assert!(
            summary.contains(
                "    * [Three short stories](./vision/status_quo/single_page.md)\n    * [Grace learns déjà vu](./vision/status_quo/grace_learns_deja_vu.md)\n"
            ),
            "after the last status quo story, with its marker, indentation and ./ links:\n{summary}"
        );
        // Two-space indentation and `-` markers in another part of the same file.
        let output = vision_with_mdbook(
            version,
            &["new", "shiny-future", "Grace sleeps well", "--character", "Grace", "--book", &book],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let summary = fs::read_to_string(dir.path().join("src/SUMMARY.md")).unwrap();
        assert!(
            summary.contains("      - [The outcome](./vision/shiny_future/barbara_makes_a_wish/the_outcome.md)\n    - [Grace sleeps well](./vision/shiny_future/grace_sleeps_well.md)\n"),
            "after the last shiny future story and its parts:\n{summary}"
        );
        let check = vision_with_mdbook(version, &["check", &book]);
        assert_eq!(check.status.code(), Some(0), "the book still loads: {}", text(&check.stderr));
    }
}

#[test]
fn new_without_a_template_and_with_no_summary() {
    let dir = old_book();
    let book = dir.path().display().to_string();
    let summary_before = fs::read(dir.path().join("src/SUMMARY.md")).unwrap();
    let output = vision_with_mdbook(
        VERSIONS[1],
        &["new", "design-doc", "Async drop", "--no-summary", "--book", &book],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(fs::read(dir.path().join("src/SUMMARY.md")).unwrap(), summary_before, "--no-summary");
    assert!(
        text(&output.stdout).contains("    * [Async drop](./design_docs/async_drop.md)"),
        "the line to add, in the file's style:\n{}",
        text(&output.stdout)
    );
    let page = fs::read_to_string(dir.path().join("src/design_docs/async_drop.md")).unwrap();
    assert!(page.contains("### What assumptions are you using as the basis for this design?"), "{page}");
}

#[test]
fn new_refuses_what_would_break_the_book() {
    let dir = old_book();
    let book = dir.path().display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["new", "status-quo", "   "], "the title is empty"),
        (&["new", "status-quo", "Two\nlines"], "line break"),
        (
            &["new", "shiny-future", "Again", "--pair", "alan_trusts_the_compiler_again"],
            "a shiny-future story pairs with",
        ),
    ];
    let before = snapshot(dir.path());
    for (args, said) in cases {
        let output = vision_with_mdbook(VERSIONS[1], &[args, &["--book", &book][..]].concat());
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(text(&output.stderr).contains(said), "{args:?}: {}", text(&output.stderr));
    }
    assert_eq!(snapshot(dir.path()), before, "nothing written");
}

#[test]
fn install_lists_then_fixes_what_mdbook_0_5_refuses_keeping_comments_crlf_and_bom() {
    let dir = old_book();
    let book_toml = dir.path().join("book.toml");
    let toml = fs::read_to_string(&book_toml).unwrap()
        + "\n# Diagrams.\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid-that-is-not-installed\"\n";
    fs::write(&book_toml, format!("\u{feff}{}", toml.replace('\n', "\r\n"))).unwrap();
    let book = dir.path().display().to_string();
    let listed = vision_with_mdbook(VERSIONS[1], &["install", &book]);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    let said = text(&listed.stderr);
    assert!(said.contains("warning: mdBook 0.5 rejects `book.multilingual`"), "{said}");
    assert!(said.contains("warning: the command of [preprocessor.mermaid] is not installed"), "{said}");
    assert!(said.contains("install --fix"), "{said}");
    let fixed = vision_with_mdbook(VERSIONS[1], &["install", &book, "--fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    let said = text(&fixed.stderr);
    assert!(said.contains("fixed: mdBook 0.5 rejects `book.multilingual` in book.toml: remove it"), "{said}");
    assert!(!said.contains("install --fix"), "what fixed it does not tell to run itself: {said}");
    let after = fs::read_to_string(&book_toml).unwrap();
    assert!(after.starts_with('\u{feff}'), "the BOM stays");
    assert!(!after.replace("\r\n", "").contains('\n'), "CRLF stays:\n{after:?}");
    assert!(!after.contains("multilingual"), "{after}");
    assert!(after.contains("# Diagrams.\r\n[preprocessor.mermaid]\r\ncommand = \"mdbook-mermaid-that-is-not-installed\"\r\noptional = true\r\n"), "{after}");
    assert!(after.contains("# The status quo list got long; fold it by default.\r\n"), "comments stay");
    let again = vision_with_mdbook(VERSIONS[1], &["install", &book, "--fix"]);
    assert_eq!(
        fs::read_to_string(&book_toml).unwrap(),
        after,
        "twice changes nothing: {}",
        text(&again.stderr)
    );
}
