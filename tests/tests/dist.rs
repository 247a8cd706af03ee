//! The release archive of `cargo xtask dist`, used as a Pages pipeline uses it: unpacked into a
//! folder that is all of `PATH` besides mdBook's own, it builds the example book with mdBook 0.4
//! and 0.5, with the five standalone preprocessors and with `[preprocessor.vision]`.
//!
//! The archive is the host's, `target/dist/mdbook-vision-HOST.tar.gz` (under `CARGO_TARGET_DIR`
//! when set); `tests/run` makes it before running the tests.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::read::GzDecoder;
use mdbook_vision_tests::html::{main_content, tables};
use mdbook_vision_tests::mdbook::{copy_book, mdbook_cli, suite_binaries};
use mdbook_vision_tests::request::VERSIONS;
use mdbook_vision_tests::workspace_root;

/// The repository's files the archive holds beside the binaries.
const DOCUMENTS: [&str; 3] = ["README.md", "LICENSE-APACHE", "LICENSE-MIT"];

/// A story page of the example book, and what its story block becomes.
const STORY_PAGE: &str = "book/vision/status_quo/alan_has_trouble_getting_started.html";

/// The host's target triple: the `host:` line of `rustc -vV`.
fn host_triple() -> String {
    let output = Command::new("rustc").arg("-vV").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    text.lines().find_map(|l| l.strip_prefix("host: ")).expect("`rustc -vV` tells the host").to_owned()
}

/// The host's archive, `target/dist/mdbook-vision-HOST.tar.gz` (in `CARGO_TARGET_DIR` when set,
/// relative to the workspace's root when relative, as `tests/run` runs cargo there).
fn archive() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), |dir| workspace_root().join(dir));
    let path = target.join("dist").join(format!("mdbook-vision-{}.tar.gz", host_triple()));
    assert!(
        path.is_file(),
        "the release archive {} is missing: run `cargo xtask dist` first; tests/run does it",
        path.display()
    );
    path
}

/// The name, the type and the mode of every entry of the archive.
fn entries(archive: &Path) -> BTreeMap<String, (tar::EntryType, u32)> {
    let mut tar = tar::Archive::new(GzDecoder::new(File::open(archive).unwrap()));
    let mut entries = BTreeMap::new();
    for entry in tar.entries().unwrap() {
        let entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let header = entry.header();
        let previous = entries.insert(name.clone(), (header.entry_type(), header.mode().unwrap()));
        assert!(previous.is_none(), "{name} is in the archive twice");
    }
    entries
}

/// The archive unpacked into a new temporary folder.
fn unpack(archive: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    tar::Archive::new(GzDecoder::new(File::open(archive).unwrap())).unpack(dir.path()).unwrap();
    dir
}

/// Builds the book in `book` with mdBook `version`, with a `PATH` of only `bin` and mdBook's
/// folder, and fails with mdBook's stderr if the build fails.
fn build_with_only(bin: &Path, version: &str, book: &Path) {
    let mdbook = mdbook_cli(version);
    let path = std::env::join_paths([bin, mdbook.parent().unwrap()]).unwrap();
    let output = Command::new(&mdbook)
        .arg("build")
        .arg(book)
        .env("PATH", path)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "mdBook {version} failed with the archive's binaries:\n{stderr}");
}

/// Asserts that the story page of the built `book` shows its generated table.
fn assert_story_table(book: &Path, what: &str) {
    let page = fs::read_to_string(book.join(STORY_PAGE)).unwrap();
    let content = main_content(&page);
    assert!(content.contains("<!-- vision-story "), "{what}: {STORY_PAGE} lacks its story table:\n{content}");
    let table = tables(content)[0];
    assert!(table.contains("Shane and estebank"), "{what}: {table}");
    assert!(!content.contains("language-story"), "{what}: {STORY_PAGE} still shows the story block");
}

/// book.toml with the five standalone tables replaced by `[preprocessor.vision]`.
fn use_the_combined_preprocessor(book: &Path) {
    let path = book.join("book.toml");
    let mut config: toml::Table = toml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let mut preprocessors = toml::Table::new();
    preprocessors.insert("vision".to_owned(), toml::Value::Table(toml::Table::new()));
    config.insert("preprocessor".to_owned(), toml::Value::Table(preprocessors));
    fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
}

#[test]
fn the_archive_holds_the_six_binaries_the_readme_and_the_licenses_at_its_root() {
    let entries = entries(&archive());
    let mut expected: Vec<&str> = suite_binaries().chain(DOCUMENTS).collect();
    expected.sort_unstable();
    assert_eq!(entries.keys().collect::<Vec<_>>(), expected, "the archive's entries");
    for (name, (kind, _)) in &entries {
        // Not GNU sparse entries, which some extractors (cargo-binstall's) skip.
        assert_eq!(*kind, tar::EntryType::Regular, "{name} is a plain file");
    }
    for binary in suite_binaries() {
        let mode = entries[binary].1;
        assert_eq!(mode & 0o111, 0o111, "{binary} is executable: mode {mode:o}");
    }
}

#[test]
fn the_archive_alone_on_path_builds_the_example_book_with_mdbook_0_4_and_0_5() {
    let unpacked = unpack(&archive());
    for version in VERSIONS {
        let book = copy_book(&workspace_root().join("book-example"));
        build_with_only(unpacked.path(), version, book.path());
        assert_story_table(book.path(), &format!("mdBook {version}, five preprocessors"));

        let book = copy_book(&workspace_root().join("book-example"));
        use_the_combined_preprocessor(book.path());
        build_with_only(unpacked.path(), version, book.path());
        assert_story_table(book.path(), &format!("mdBook {version}, [preprocessor.vision]"));
    }
}
