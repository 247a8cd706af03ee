//! How long one preprocessor pass takes over a large vision book: 50 characters, 400 stories
//! (half of them paired), each with a story block and a page of prose, in both dialects.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mdbook_vision_core::run::{Environment, Preprocessor, preprocess};
use mdbook_vision_stories::Stories;
use mdbook_vision_tests::request::{Item, VERSIONS, chapter, request};
use serde_json::json;

fn large_book() -> Vec<Item> {
    let mut items: Vec<Item> = (0..50)
        .map(|c| {
            chapter(
                &format!("vision/characters/c{c}.md"),
                &format!("# Character{c}: a member of the cast\n\nBiography.\n"),
            )
        })
        .collect();
    let prose = "Some narrative with `code`, *emphasis* and a [link](../other.md).\n\n".repeat(30);
    for s in 0..400 {
        let (folder, pair) = if s % 2 == 0 {
            ("status_quo", format!("shiny-future = \"story{}\"", s + 1))
        } else {
            ("shiny_future", String::new())
        };
        let text = format!(
            "# Story {s}\n\n```story\ncharacter = \"Character{}\"\n{pair}\nassigned-to = [\"someone\"]\ntopics = [\"t{}\"]\n```\n\n{prose}",
            s % 50,
            s % 7
        );
        items.push(chapter(&format!("vision/{folder}/story{s}.md"), &text));
    }
    items
}

fn bench(c: &mut Criterion) {
    let items = large_book();
    for version in VERSIONS {
        let input = request(version, &items, json!({})).to_string().into_bytes();
        let stories = Preprocessor::standalone(&[&Stories]);
        let outcome = preprocess(&stories, &input, &Environment::default());
        assert_eq!(outcome.exit_code, 0, "the benchmark book must be valid:\n{}", outcome.stderr);
        c.bench_function(&format!("vision-stories, 450 chapters, mdBook {version}"), |b| {
            b.iter(|| preprocess(&stories, black_box(&input), &Environment::default()))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
