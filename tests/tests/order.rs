//! The features give the same book in any order, one pass each as mdBook runs separate
//! preprocessors, and in one pass together: no feature depends on another having run.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision::FEATURES;
use mdbook_vision_core::feature::Feature;
use mdbook_vision_core::run::{Environment, Preprocessor, preprocess};
use mdbook_vision_tests::request::{Item, VERSIONS, chapter, chapter_contents, load_book, request};
use mdbook_vision_tests::{fixture, workspace_root};
use serde_json::Value;

/// The chapters after one pass of `features` over `items`.
fn pass(version: &str, items: &[Item], config: &Value, features: &[&dyn Feature]) -> Vec<(String, String)> {
    let input = request(version, items, config.clone()).to_string();
    let preprocessor = Preprocessor { name: "order", features, switched: false };
    let outcome = preprocess(&preprocessor, input.as_bytes(), &Environment::default());
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    chapter_contents(&serde_json::from_slice(&outcome.stdout).unwrap())
}

/// The chapters after one pass per feature, in the order given.
fn passes(version: &str, items: &[Item], config: &Value, order: &[usize]) -> Vec<(String, String)> {
    let mut chapters: Vec<(String, String)> = chapter_contents(&request(version, items, config.clone())[1]);
    for &feature in order {
        let items: Vec<Item> = chapters.iter().map(|(path, content)| chapter(path, content)).collect();
        chapters = pass(version, &items, config, &[FEATURES[feature]]);
    }
    chapters
}

fn assert_order_free(book: &std::path::Path) {
    let (items, mut config) = load_book(book).unwrap();
    // With the FAQ notices on too: names in them must not be linked by a later pass.
    config["preprocessor"]["vision-faq"]["render-missing"] = serde_json::json!(true);
    let flat: Vec<Item> = chapter_contents(&request("0.5.4", &items, config.clone())[1])
        .iter()
        .map(|(path, content)| chapter(path, content))
        .collect();
    for version in VERSIONS {
        let together = pass(version, &flat, &config, &FEATURES);
        for order in [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 3, 1], [1, 3, 0, 4, 2]] {
            let one_by_one = passes(version, &flat, &config, &order);
            for ((path, expected), (_, actual)) in together.iter().zip(&one_by_one) {
                assert_eq!(actual, expected, "{} {path}, mdBook {version}, order {order:?}", book.display());
            }
        }
    }
}

#[test]
fn the_example_book_is_the_same_in_any_order() {
    assert_order_free(&workspace_root().join("book-example"));
}

#[test]
fn the_fixture_books_are_the_same_in_any_order() {
    for book in ["sections", "faq-incomplete", "untouched", "roadmap"] {
        assert_order_free(&fixture(&format!("books/{book}")));
    }
}
