//! The properties of `mdbook_vision_tests::properties` on generated input, on stable: the same
//! checks the `cargo fuzz` targets of `fuzz/` make on what libFuzzer finds. The input is drawn
//! from the pieces of markdown and of the suite's syntax that interact: directives, story
//! blocks, links, code, tables, containers and every kind of line ending.

use mdbook_vision_tests::properties;
use proptest::prelude::*;

/// Markdown made of the pieces that matter to the suite.
fn markdown() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Alan",
        "Al",
        "Grace",
        "Alan's",
        " ",
        "x",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "\n\n",
        "# ",
        "## ",
        "### ",
        "{{#story ",
        "{{#stories",
        " topic=",
        " kind=status-quo",
        " character=Alan",
        "{{#roadmap-legend}}",
        "}}",
        "{{#",
        "\\{{#",
        "alan",
        "#faq",
        "\"text\"",
        "[",
        "]",
        "(",
        ")",
        "[Alan]",
        "[Alan][]",
        "[Alan]: ../nowhere.md",
        "(characters/alan.md)",
        "`",
        "```",
        "```story\n",
        "~~~",
        "|",
        " | ",
        "| --- |",
        "*",
        "_",
        "> ",
        "- ",
        "1. ",
        "<details>",
        "</details>",
        "<!-- ",
        " -->",
        "\0",
        "character = \"Alan\"",
        "shiny-future = \"alan\"",
        "id = \"alan\"",
        "topics = [\"t\"]",
        "=",
        "\"",
        "🥬",
        "✅",
        "é",
        "\u{feff}",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_request_ends_in_a_book_or_in_diagnostics(bytes in prop::collection::vec(any::<u8>(), 0..200), text in markdown()) {
        properties::protocol(&bytes).map_err(TestCaseError::fail)?;
        let request = format!(
            r#"[{{"root":"/b","config":{{"book":{{"src":"src"}}}},"renderer":"html","mdbook_version":"0.5.4"}},{{"items":[{{"Chapter":{{"name":"x","content":{},"number":null,"sub_items":[],"path":"vision/metanarrative.md","source_path":"vision/metanarrative.md","parent_names":[]}}}}]}}]"#,
            serde_json::Value::from(text)
        );
        properties::protocol(request.as_bytes()).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn any_story_block_keeps_the_properties(text in markdown()) {
        properties::story_block(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn any_directives_keep_the_properties(text in markdown()) {
        properties::directives(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn any_book_keeps_the_properties_through_the_combined_pass(text in markdown()) {
        properties::combined(&text).map_err(TestCaseError::fail)?;
    }
}
