//! The hostile inputs that once took seconds, minutes or all memory, each at a tenth of the
//! size that was slow and at that size: with the throughput criterion reports (elements per
//! second), equal at both sizes, the work is linear in the input. Run with
//! `cargo bench -p mdbook-vision-tests --bench hostile`; CI runs it once, as a smoke test
//! (`-- --test`).
//!
//! | Case | Size that was slow |
//! | --- | --- |
//! | `mentions`: references with a missing definition on one line, each a note | 20,000 on a 140 KB line: 27 s, 6.9 GB |
//! | `roadmap-rows`: roadmap rows with a value that names no status | 100,000 rows: hung (10,000: 1.8 s) |
//! | `headings`: identical headings in a story (heading-id deduplication) | 50,000: hung |
//! | `link-all`: `link = "all"` on one line | 10 MB: hung |
//! | `unclosed`: unclosed `{{#` | 200,000: 28 s |
//! | `alternatives`: a required question with `ALTERNATIVE-X` placeholders | 10 placeholders: hung (exponential) |

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mdbook_vision::COMBINED;
use mdbook_vision_core::run::{Environment, preprocess};
use mdbook_vision_tests::request::{Item, chapter, request};
use serde_json::{Value, json};

/// One hostile book: its name, the count of hostile elements, the chapters and the config.
struct Hostile {
    name: &'static str,
    elements: usize,
    items: Vec<Item>,
    config: Value,
}

/// Makes a hostile book of a given size.
type Maker = fn(usize) -> Hostile;

fn alan() -> Item {
    chapter("vision/characters/alan.md", "# Alan: the developer\n")
}

fn story(body: &str) -> Item {
    chapter(
        "vision/status_quo/alan.md",
        &format!("# Alan has trouble\n\n```story\ncharacter = \"Alan\"\n```\n\n{body}"),
    )
}

fn mentions(n: usize) -> Hostile {
    let line = "[Alan] ".repeat(n);
    Hostile { name: "mentions", elements: n, items: vec![alan(), story(&line)], config: json!({}) }
}

fn roadmap_rows(n: usize) -> Hostile {
    let mut table = String::from("# Roadmap\n\n| Goal | Status |\n| --- | --- |\n");
    for row in 0..n {
        table.push_str(&format!("| Goal {row} | 🦄 |\n"));
    }
    Hostile {
        name: "roadmap-rows",
        elements: n,
        items: vec![chapter("vision/roadmap.md", &table)],
        config: json!({}),
    }
}

fn headings(n: usize) -> Hostile {
    Hostile {
        name: "headings",
        elements: n,
        items: vec![alan(), story(&"## Same\n\n".repeat(n))],
        config: json!({}),
    }
}

fn link_all(bytes: usize) -> Hostile {
    let line = "Alan ".repeat(bytes / 5);
    Hostile {
        name: "link-all",
        elements: bytes,
        items: vec![alan(), story(&line)],
        config: json!({"preprocessor": {"vision": {"link": "all"}}}),
    }
}

fn unclosed(n: usize) -> Hostile {
    let page = format!("# Metanarrative\n\n{}\n", "{{#".repeat(n));
    Hostile {
        name: "unclosed",
        elements: n,
        items: vec![chapter("vision/metanarrative.md", &page)],
        config: json!({}),
    }
}

fn alternatives(n: usize) -> Hostile {
    let placeholders: Vec<String> = (0..n).map(|i| format!("ALTERNATIVE-{i}")).collect();
    let question = format!("Why {}?", placeholders.join(" or "));
    let asked = format!("Why {} or?", (0..n).map(|i| format!("x{i}")).collect::<Vec<_>>().join(" or "));
    let body = format!("## Frequently Asked Questions\n\n### {asked}\n\nBecause.\n");
    Hostile {
        name: "alternatives",
        elements: n,
        items: vec![alan(), story(&body)],
        config: json!({"preprocessor": {"vision": {"required-questions": {"status-quo": [question]}}}}),
    }
}

fn bench(c: &mut Criterion) {
    let cases: [(Maker, usize); 6] = [
        (mentions, 20_000),
        (roadmap_rows, 100_000),
        (headings, 50_000),
        (link_all, 10_000_000),
        (unclosed, 200_000),
        (alternatives, 10),
    ];
    for (make, slow_size) in cases {
        let name = make(1).name;
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for size in [slow_size / 10, slow_size] {
            let hostile = make(size);
            let input = request("0.5.4", &hostile.items, hostile.config).to_string().into_bytes();
            let outcome = preprocess(&COMBINED, &input, &Environment::default());
            assert!(outcome.exit_code <= 1, "{name}: {}", outcome.stderr);
            group.throughput(Throughput::Elements(hostile.elements as u64));
            group.bench_with_input(BenchmarkId::from_parameter(size), &input, |b, input| {
                b.iter(|| preprocess(&COMBINED, black_box(input), &Environment::default()))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
