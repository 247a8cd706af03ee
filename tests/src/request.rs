//! The JSON mdBook sends a preprocessor, built the way mdBook 0.4 and 0.5 build it.

use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};
use mdbook_summary::{SummaryItem, parse_summary};
use serde_json::{Value, json};

/// The mdBook versions the suite is tested against, one per dialect.
pub const VERSIONS: [&str; 2] = ["0.4.52", "0.5.4"];

/// One item of a book: what SUMMARY.md lists.
#[derive(Debug, Clone)]
pub enum Item {
    /// A chapter; `path` is `None` for a draft.
    Chapter {
        /// Its name in SUMMARY.md.
        name: String,
        /// Its file relative to `src`.
        path: Option<String>,
        /// Its text.
        content: String,
        /// Its section number.
        number: Option<Vec<u32>>,
        /// Chapters nested under it.
        sub_items: Vec<Item>,
    },
    /// A `---` separator.
    Separator,
    /// A `# Part` title.
    PartTitle(String),
}

/// A chapter with no section number and nothing nested, named in SUMMARY.md as an author would
/// name it: by the text of its top-level heading, else by its file stem.
pub fn chapter(path: &str, content: &str) -> Item {
    named_chapter(&summary_name(path, content), path, content)
}

/// A chapter named `name` in SUMMARY.md.
pub fn named_chapter(name: &str, path: &str, content: &str) -> Item {
    Item::Chapter {
        name: name.to_owned(),
        path: Some(path.to_owned()),
        content: content.to_owned(),
        number: None,
        sub_items: Vec::new(),
    }
}

/// The text of the first top-level heading of `content`, else the file stem of `path`.
fn summary_name(path: &str, content: &str) -> String {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut name = String::new();
    let mut in_title = false;
    for event in Parser::new(content) {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) => in_title = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_title => break,
            Event::Text(text) | Event::Code(text) if in_title => name.push_str(&text),
            _ => {}
        }
    }
    let name = name.trim();
    if name.is_empty() {
        path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md").to_owned()
    } else {
        name.to_owned()
    }
}

/// The `[context, book]` request of `mdbook_version` for `items`, with `config` as book.toml.
pub fn request(mdbook_version: &str, items: &[Item], config: Value) -> Value {
    let v04 = mdbook_version.starts_with("0.4");
    let items: Vec<Value> = items.iter().map(|item| item_json(item, &[])).collect();
    let book =
        if v04 { json!({ "sections": items, "__non_exhaustive": null }) } else { json!({ "items": items }) };
    let context = json!({
        "root": "/nonexistent/book",
        "config": with_book_defaults(config, v04),
        "renderer": "html",
        "mdbook_version": mdbook_version,
    });
    json!([context, book])
}

/// mdBook fills in `[book]` and `[build]`; 0.5 writes absent values as nulls.
fn with_book_defaults(mut config: Value, v04: bool) -> Value {
    let Some(table) = config.as_object_mut() else {
        return config;
    };
    let book = table.entry("book").or_insert_with(|| json!({}));
    if let Some(book) = book.as_object_mut() {
        book.entry("src").or_insert_with(|| json!("src"));
        book.entry("authors").or_insert_with(|| json!([]));
        book.entry("language").or_insert_with(|| json!("en"));
        if !v04 {
            book.entry("description").or_insert(Value::Null);
            book.entry("text-direction").or_insert(Value::Null);
        }
    }
    table.entry("build").or_insert_with(
        || json!({"build-dir": "book", "create-missing": true, "use-default-preprocessors": true}),
    );
    config
}

fn item_json(item: &Item, parents: &[String]) -> Value {
    match item {
        Item::Chapter { name, path, content, number, sub_items } => {
            let mut own_parents = parents.to_vec();
            own_parents.push(name.clone());
            let sub_items: Vec<Value> = sub_items.iter().map(|i| item_json(i, &own_parents)).collect();
            let (path, source_path) = match path {
                Some(p) => (json!(index_path(p)), json!(p)),
                None => (Value::Null, Value::Null),
            };
            json!({"Chapter": {
                "name": name,
                "content": content,
                "number": number,
                "sub_items": sub_items,
                "path": path,
                "source_path": source_path,
                "parent_names": parents,
            }})
        }
        Item::Separator => json!("Separator"),
        Item::PartTitle(title) => json!({ "PartTitle": title }),
    }
}

/// mdBook's index preprocessor serves `README.md` as `index.md`.
fn index_path(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, "README.md")) => format!("{dir}/index.md"),
        None if path == "README.md" => "index.md".to_owned(),
        _ => path.to_owned(),
    }
}

/// The items of the book in folder `root`, read as mdBook reads them (SUMMARY.md, then each
/// chapter's file as it is on disk, BOM included).
pub fn load_book(root: &Path) -> Result<(Vec<Item>, Value)> {
    let book_toml = fs::read_to_string(root.join("book.toml")).context("reading book.toml")?;
    let config: Value = toml::from_str(&book_toml).context("parsing book.toml")?;
    let src = root.join(config.pointer("/book/src").and_then(Value::as_str).unwrap_or("src"));
    let summary = parse_summary(&fs::read_to_string(src.join("SUMMARY.md"))?)?;
    let all =
        summary.prefix_chapters.iter().chain(&summary.numbered_chapters).chain(&summary.suffix_chapters);
    let items = all.map(|item| load_item(&src, item)).collect::<Result<_>>()?;
    Ok((items, config))
}

fn load_item(src: &Path, item: &SummaryItem) -> Result<Item> {
    Ok(match item {
        SummaryItem::Link(link) => {
            let path = link.location.as_ref().map(|p| p.to_string_lossy().replace('\\', "/"));
            let content = match &path {
                Some(p) => {
                    let bytes = fs::read(src.join(p)).with_context(|| format!("reading {p}"))?;
                    String::from_utf8(bytes).with_context(|| format!("{p} is not UTF-8"))?
                }
                None => String::new(),
            };
            Item::Chapter {
                name: link.name.clone(),
                path,
                content,
                number: link.number.as_ref().map(|n| n.iter().copied().collect()),
                sub_items: link.nested_items.iter().map(|i| load_item(src, i)).collect::<Result<_>>()?,
            }
        }
        SummaryItem::Separator => Item::Separator,
        SummaryItem::PartTitle(title) => Item::PartTitle(title.clone()),
        _ => Item::Separator,
    })
}

/// Every chapter's `(path, content)` in the book JSON (either dialect), in order.
pub fn chapter_contents(book: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let items = book.get("items").or_else(|| book.get("sections")).and_then(Value::as_array);
    collect_contents(items.map(Vec::as_slice).unwrap_or_default(), &mut out);
    out
}

fn collect_contents(items: &[Value], out: &mut Vec<(String, String)>) {
    for item in items {
        if let Some(chapter) = item.get("Chapter") {
            let path = chapter.get("source_path").and_then(Value::as_str).unwrap_or_default();
            let content = chapter.get("content").and_then(Value::as_str).unwrap_or_default();
            out.push((path.to_owned(), content.to_owned()));
            let sub_items = chapter.get("sub_items").and_then(Value::as_array);
            collect_contents(sub_items.map(Vec::as_slice).unwrap_or_default(), out);
        }
    }
}
