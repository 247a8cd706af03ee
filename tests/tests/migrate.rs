//! Golden cases of `mdbook-vision migrate`, one per step: `tests/fixtures/migrate/STEP/before`
//! is a book, `after` the book once `migrate --write --only STEP` has run on it (every file,
//! byte for byte), and `summary.txt` what it reports. A second run must find nothing to do.
//! `BLESS=1` rewrites `after` and `summary.txt` from what the step does.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;
use std::path::Path;

use mdbook_vision::migrate::{Options, Step, plan};
use mdbook_vision_tests::mdbook::copy_book;
use mdbook_vision_tests::{files_under, fixture};

/// Runs the golden case of `step`, in `tests/fixtures/migrate/NAME`.
fn golden(name: &str, step: Step) {
    let case = fixture(&format!("migrate/{name}"));
    let dir = copy_book(&case.join("before"));
    let options = Options { only: vec![step], published_at: Vec::new() };
    let migration = plan(dir.path(), &options).unwrap();
    migration.write().unwrap();
    let summary = migration.summary(true);
    if std::env::var_os("BLESS").is_some() {
        let _ = fs::remove_dir_all(case.join("after"));
        copy_tree(dir.path(), &case.join("after"));
        fs::write(case.join("summary.txt"), &summary).unwrap();
    }
    assert_same_files(&case.join("after"), dir.path());
    let expected = fs::read_to_string(case.join("summary.txt")).unwrap();
    assert_eq!(summary, expected, "the summary of {name} differs from summary.txt");
    let again = plan(dir.path(), &options).unwrap();
    assert!(again.is_empty(), "a second run of {name} would change:\n{}", again.diff());
}

fn copy_tree(from: &Path, to: &Path) {
    for file in files_under(from) {
        let target = to.join(&file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(from.join(&file), target).unwrap();
    }
}

fn assert_same_files(expected: &Path, actual: &Path) {
    assert_eq!(files_under(expected), files_under(actual), "the migrated book has other files");
    for file in files_under(expected) {
        let want = fs::read(expected.join(&file)).unwrap();
        let got = fs::read(actual.join(&file)).unwrap();
        if want != got {
            let diff = similar::TextDiff::from_lines(
                &String::from_utf8_lossy(&want),
                &String::from_utf8_lossy(&got),
            )
            .unified_diff()
            .header("expected", "migrated")
            .to_string();
            panic!("{file} differs from the golden file (BLESS=1 to accept):\n{diff:?}\n{diff}");
        }
    }
}

#[test]
fn story_blocks_from_hand_tables_and_retelling_answers() {
    golden("story-blocks", Step::StoryBlocks);
}

/// A book without a cast: a story gets a block only when the page tells something to put in it
/// (here, a shiny future's retold story), and nobody is asked for characters.
#[test]
fn story_blocks_in_a_book_without_a_cast() {
    golden("story-blocks-without-cast", Step::StoryBlocks);
}

#[test]
fn character_definitions_the_feature_makes_redundant() {
    golden("character-links", Step::CharacterLinks);
}

#[test]
fn metanarrative_links_to_directives() {
    golden("metanarrative", Step::Metanarrative);
}

#[test]
fn book_toml_runs_the_suite_and_builds_under_mdbook_0_5() {
    golden("book-toml", Step::BookToml);
}

#[test]
fn a_book_without_the_suite_is_told_to_run_it() {
    let dir = copy_book(&fixture("migrate/book-toml/before"));
    let migration =
        plan(dir.path(), &Options { only: vec![Step::StoryBlocks], published_at: Vec::new() }).unwrap();
    assert!(
        migration.summary(false).contains("book.toml does not run the suite"),
        "{}",
        migration.summary(false)
    );
}

#[test]
fn a_dry_run_writes_nothing_and_shows_a_diff() {
    let dir = copy_book(&fixture("migrate/story-blocks/before"));
    let before: Vec<Vec<u8>> =
        files_under(dir.path()).iter().map(|f| fs::read(dir.path().join(f)).unwrap()).collect();
    let migration = plan(dir.path(), &Options::default()).unwrap();
    let diff = migration.diff();
    assert!(
        diff.contains("--- a/src/status_quo/short_stories.md\n+++ b/src/status_quo/short_stories.md\n"),
        "{diff}"
    );
    assert!(diff.contains("+```story"), "{diff}");
    let after: Vec<Vec<u8>> =
        files_under(dir.path()).iter().map(|f| fs::read(dir.path().join(f)).unwrap()).collect();
    assert_eq!(before, after);
}

#[test]
fn a_book_whose_settings_have_errors_is_refused_with_them() {
    let dir = copy_book(&fixture("migrate/story-blocks/before"));
    let book_toml = dir.path().join("book.toml");
    let toml = fs::read_to_string(&book_toml).unwrap();
    fs::write(&book_toml, format!("{toml}colums = 3\n")).unwrap();
    let error = plan(dir.path(), &Options::default()).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("error[unknown-key]") && message.contains("columns"), "{message}");
    let unchanged = fs::read_to_string(dir.path().join("src/status_quo/short_stories.md")).unwrap();
    assert!(unchanged.contains("| Character | Shiny Future | Assigned To |"));
}

#[test]
fn a_book_on_the_standalone_preprocessors_gets_no_second_pass() {
    let dir = copy_book(&mdbook_vision_tests::workspace_root().join("book-example"));
    let options = Options { only: vec![Step::BookToml, Step::StoryBlocks], published_at: Vec::new() };
    let migration = plan(dir.path(), &options).unwrap();
    assert!(migration.is_empty(), "{}", migration.diff());
    assert!(!migration.summary(false).contains("run a second time"), "{}", migration.summary(false));
}
