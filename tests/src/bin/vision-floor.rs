//! `vision-floor`: the least any mdBook preprocessor must do, as a yardstick for the suite's
//! binaries in the whole-process benchmark (`tests/benches/binaries.rs`).
//!
//! It reads the request from stdin, parses it as JSON, parses every chapter's markdown once
//! with the options mdBook 0.5 uses (consuming every event with its offsets), and writes the
//! book back to stdout unchanged. `vision-floor supports RENDERER` answers the handshake.

use std::hint::black_box;
use std::io::{BufWriter, Read as _, Write as _};
use std::process::ExitCode;

use pulldown_cmark::{Options, Parser};
use serde_json::Value;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(events) => {
            black_box(events);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error[floor]: vision-floor: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads, parses and writes back the book; returns how many markdown events it saw.
fn run() -> Result<usize, String> {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).map_err(|e| format!("reading stdin: {e}"))?;
    let request: Value = serde_json::from_slice(&input).map_err(|e| format!("parsing the request: {e}"))?;
    let book = request.get(1).ok_or("the request has no book")?;
    let items = book.get("items").or_else(|| book.get("sections")).and_then(Value::as_array);
    let events = items.map_or(0, |items| parse_items(items));
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut stdout, book).map_err(|e| format!("writing the book: {e}"))?;
    stdout.flush().map_err(|e| format!("writing the book: {e}"))?;
    Ok(events)
}

/// Parses every chapter of `items`, sub-chapters included.
fn parse_items(items: &[Value]) -> usize {
    let mut events = 0;
    for chapter in items.iter().filter_map(|item| item.get("Chapter")) {
        if let Some(content) = chapter.get("content").and_then(Value::as_str) {
            events += parse(content);
        }
        if let Some(sub_items) = chapter.get("sub_items").and_then(Value::as_array) {
            events += parse_items(sub_items);
        }
    }
    events
}

/// Parses `content` as mdBook 0.5 does and consumes every event with its offsets.
fn parse(content: &str) -> usize {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM;
    Parser::new_ext(content, options).into_offset_iter().map(black_box).count()
}
