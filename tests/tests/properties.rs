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

/// Roadmap pages: tables whose columns are statuses, dates and progress, in containers, with
/// the values and markup a cell may hold.
fn roadmap_markdown() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "| Status | Progress | Date | Owner |\n| --- | --- | --- | --- |\n",
        "| Status | Goal |\n|---|---|\n",
        "| ✅ | **Done:** shipped |\n",
        "| 🥬 | Healthy |\n",
        "|",
        " | ",
        "\n",
        "\r\n",
        "\n\n",
        "> ",
        "- ",
        "  ",
        "healthy",
        "Healthy",
        ":on_vacation:",
        "On vacation",
        "planning",
        "worried",
        "done",
        "unknown",
        "🥬",
        "✏️",
        "✏",
        "🤒",
        "🏖️",
        "\u{fe0f}",
        "✅",
        "3/6",
        "0/0",
        "7/3",
        "50%",
        "100%",
        "▰▰▱▱",
        "▰",
        "2021-05",
        "2021-05-31",
        "2999-01-01",
        "2021-13",
        "<span title=\"x\">",
        "</span>",
        "`",
        "\\|",
        "*",
        "**",
        "[Alan](characters/alan.md)",
        "Alan",
        " ",
        "x",
        "{{#roadmap-legend}}",
        "```",
        "# ",
        "\u{feff}",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
}

/// Cases per property: 200, or `PROPTEST_CASES` for a longer search.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

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

    #[test]
    fn any_roadmap_keeps_the_properties(text in roadmap_markdown()) {
        properties::roadmap(&text).map_err(TestCaseError::fail)?;
    }
}
