//! Generated markdown renders metadata as the plain text it is: whatever an author writes in a
//! story block, the table keeps its shape and no value becomes markup or HTML.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use mdbook_vision_core::markdown::Flavor;
use mdbook_vision_core::run::{Environment, Preprocessor, preprocess};
use mdbook_vision_stories::Stories;
use mdbook_vision_tests::request::{chapter, chapter_contents, request};
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Value, json};

/// The table cells of `markdown`, as plain text, row by row; panics on any HTML.
fn table_cells(markdown: &str) -> Vec<Vec<String>> {
    let flavor =
        Flavor { mdbook_05: true, smart_punctuation: false, definition_lists: true, admonitions: true };
    let mut rows = Vec::new();
    let mut in_table = false;
    for event in Parser::new_ext(markdown, flavor.options()) {
        match event {
            Event::Start(Tag::Table(_)) => in_table = true,
            Event::End(TagEnd::Table) => in_table = false,
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => rows.last_mut().unwrap().push(String::new()),
            Event::Text(text) | Event::Code(text) if in_table => {
                rows.last_mut().unwrap().last_mut().unwrap().push_str(&text)
            }
            Event::Html(html) | Event::InlineHtml(html) if in_table => {
                panic!("HTML in the table: {html}")
            }
            _ => {}
        }
    }
    rows
}

fn render_story(assignee: &str, topic: &str) -> String {
    let block = format!(
        "# Alan has trouble\n\n```story\ncharacter = \"Alan\"\nassigned-to = [{}]\ntopics = [{}]\n```\n",
        toml::Value::String(assignee.to_owned()),
        toml::Value::String(topic.to_owned())
    );
    let input = request(
        "0.5.4",
        &[chapter("characters/alan.md", "# Alan: the developer\n"), chapter("status_quo/alan.md", &block)],
        json!({"preprocessor": {"vision-stories": {"columns": {"status-quo": ["character", "assigned-to", "topics"]}}}}),
    );
    let outcome = preprocess(
        &Preprocessor::standalone(&[&Stories]),
        input.to_string().as_bytes(),
        &Environment::default(),
    );
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    let book: Value = serde_json::from_slice(&outcome.stdout).unwrap();
    chapter_contents(&book)[1].1.clone()
}

/// What a value looks like once on one line: line breaks become spaces, controls go.
fn one_line(value: &str) -> String {
    let spaced: String = value
        .replace("\r\n", " ")
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    spaced.trim().to_owned()
}

#[test]
fn hostile_values_render_as_text() {
    for value in [
        "a | b",
        "<script>alert(1)</script>",
        "*not emphasis*",
        "[not](a link)",
        "x\ny",
        "&amp; `code`",
        "\\|",
        "{{#story x}}",
    ] {
        let rows = table_cells(&render_story(value, value));
        assert_eq!(rows.len(), 2, "{value:?}: one header row and one body row");
        assert_eq!(rows[1], ["Alan", &one_line(value), &one_line(value)], "{value:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_value_renders_as_exactly_its_text(
        assignee in "[a-zA-Z0-9 |<>*_\\[\\]()`#!&;~{}\\\\:/.'\"\\n\\r\\t-]{1,30}",
        topic in "\\PC{1,20}",
    ) {
        prop_assume!(!one_line(&assignee).is_empty() && !one_line(&topic).is_empty());
        let rows = table_cells(&render_story(&assignee, &topic));
        prop_assert_eq!(rows.len(), 2);
        prop_assert_eq!(&rows[1][1], &one_line(&assignee));
        prop_assert_eq!(&rows[1][2], &one_line(&topic));
    }
}
