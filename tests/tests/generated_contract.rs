//! The generated-block contract (`mdbook_vision_core::generated`): a block a feature generates
//! either follows one of the suite's marker comments or holds no prose, so that no other
//! feature (and no second run) edits what the suite generated. Checked on the edits every
//! feature makes to every golden case and to the example book.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision::FEATURES;
use mdbook_vision_core::config;
use mdbook_vision_core::markdown::{Document, Flavor};
use mdbook_vision_core::model::{Needs, VisionBook};
use mdbook_vision_core::protocol::Request;
use mdbook_vision_core::splice::Edits;
use mdbook_vision_tests::request::{Item, VERSIONS, load_book, request};
use mdbook_vision_tests::spec::parse;
use mdbook_vision_tests::workspace_root;
use serde_json::Value;

/// Every block of more than one line that a feature generates for the book of `items`, with
/// the feature's name.
fn generated_blocks(items: &[Item], config: &Value) -> Vec<(&'static str, String)> {
    let input = request(VERSIONS[1], items, config.clone()).to_string();
    let request = Request::parse(input.as_bytes(), &mut Vec::new()).unwrap();
    let settings = config::read(request.config(), &mut Vec::new());
    let chapters = request.chapters();
    let book = VisionBook::from_request(&request, &chapters, settings, Needs::ALL, &mut Vec::new());
    let mut blocks = Vec::new();
    for feature in FEATURES {
        let editor = feature.prepare(&book, &mut Vec::new());
        for page in book.page_ids() {
            let mut edits = Edits::new();
            editor.edit_page(page, &mut edits, &mut Vec::new());
            let multi_line = edits.splices().iter().filter(|s| s.replacement.contains('\n'));
            blocks.extend(multi_line.map(|s| (feature.id().preprocessor(), s.replacement.clone())));
        }
    }
    blocks
}

/// Whether `block` holds prose outside the suite's marked blocks.
fn has_unmarked_prose(block: &str) -> bool {
    let doc = Document::parse(block, Flavor::default());
    doc.prose().iter().any(|p| !block[p.range.clone()].trim().is_empty())
}

fn check(items: &[Item], config: &Value, what: &str) {
    for (feature, block) in generated_blocks(items, config) {
        assert!(
            !has_unmarked_prose(&block),
            "{feature} generated an unmarked block with prose in {what}:\n{block}"
        );
    }
}

#[test]
fn every_generated_block_with_prose_is_marked() {
    let spec_dir = workspace_root().join("tests/spec");
    for entry in std::fs::read_dir(spec_dir).unwrap() {
        let path = entry.unwrap().path();
        for case in parse(&std::fs::read_to_string(&path).unwrap()) {
            let items = case.items(&case.inputs);
            let config: Value = case
                .book_toml
                .as_deref()
                .map_or(Value::Object(Default::default()), |t| toml::from_str(t).unwrap());
            check(&items, &config, &format!("{}: {}", path.display(), case.name));
        }
    }
    let (items, config) = load_book(&workspace_root().join("book-example")).unwrap();
    check(&items, &config, "book-example");
}

#[test]
fn an_unmarked_table_with_prose_is_caught() {
    assert!(has_unmarked_prose("| a |\n| --- |\n| Alan |"));
    assert!(!has_unmarked_prose("<!-- vision-faq-notice -->\n> ⚠️ Alan"));
    assert!(!has_unmarked_prose("- [Alan](a.md)\n- [Grace](g.md)"));
}
