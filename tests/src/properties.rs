//! The properties every run keeps, whatever it is given: checked on stable by the proptest
//! cases of `tests/tests/properties.rs`, and by the `cargo fuzz` targets of `fuzz/` on the
//! same functions.
//!
//! - the request is never a panic: a run ends with a book or with diagnostics;
//! - stdout is empty or the book, as JSON in the dialect it was sent in;
//! - a chapter the suite has nothing to do with comes back byte-identical;
//! - a second run over the first one's book changes nothing.

use mdbook_vision::COMBINED;
use mdbook_vision_core::run::{Environment, Outcome, Preprocessor, preprocess};
use mdbook_vision_metanarrative::Metanarrative;
use mdbook_vision_stories::Stories;
use serde_json::{Value, json};

use crate::request::{VERSIONS, chapter, chapter_contents, request};

/// A chapter in every book: nothing in it is for the suite, so it must come back byte for byte.
const BYSTANDER: (&str, &str) = ("notes.md", "\u{feff}# Notes\r\n\r\nNothing *here*,\tfor anyone.\r\n");

/// Alan's page, so that stories and mentions have a character.
const ALAN: (&str, &str) = ("vision/characters/alan.md", "# Alan: the developer\n");

/// Any bytes as mdBook's request: a run ends in a book that is valid JSON and exit 0, or in
/// nothing on stdout and exit 1.
pub fn protocol(input: &[u8]) -> Result<(), String> {
    let outcome = preprocess(&COMBINED, input, &Environment::default());
    match outcome.exit_code {
        0 => serde_json::from_slice::<Value>(&outcome.stdout)
            .map(drop)
            .map_err(|e| format!("exit 0 with a stdout that is not JSON: {e}")),
        1 if outcome.stdout.is_empty() => Ok(()),
        code => Err(format!("exit {code} with {} bytes on stdout", outcome.stdout.len())),
    }
}

/// `text` as the body of a story block, through vision-stories.
pub fn story_block(text: &str) -> Result<(), String> {
    let page = format!("# Alan has trouble\n\n```story\n{text}\n```\n\nAlan tries.\n");
    run_twice(&Preprocessor::standalone(&[&Stories]), &[ALAN, ("vision/status_quo/alan.md", &page)], None)
}

/// `text` as a metanarrative page, through vision-metanarrative: its directives are parsed,
/// and a page without any comes back byte-identical.
pub fn directives(text: &str) -> Result<(), String> {
    let story = ("vision/status_quo/alan.md", "# Alan has trouble\n\n```story\ncharacter = \"Alan\"\n```\n");
    let chapters = [ALAN, story, ("vision/metanarrative.md", text)];
    let untouched = if text.contains("{{#") { None } else { Some("vision/metanarrative.md") };
    run_twice(&Preprocessor::standalone(&[&Metanarrative]), &chapters, untouched)
}

/// `text` as a roadmap page, beside a story, through the combined pass: its tables are read
/// as roadmap tables.
pub fn roadmap(text: &str) -> Result<(), String> {
    let story = ("vision/status_quo/alan.md", "# Alan has trouble\n\n```story\ncharacter = \"Alan\"\n```\n");
    run_twice(&COMBINED, &[ALAN, story, ("vision/roadmap.md", text)], None)
}

/// `text` cut at NUL bytes into a character page, a status quo story and a metanarrative
/// page, through the combined pass.
pub fn combined(text: &str) -> Result<(), String> {
    let mut parts = text.splitn(3, '\0');
    let paths = ["vision/characters/grace.md", "vision/status_quo/grace.md", "vision/metanarrative.md"];
    let chapters: Vec<(&str, &str)> = [ALAN]
        .into_iter()
        .chain(paths.iter().map(|path| (*path, parts.next().unwrap_or_default())))
        .collect();
    run_twice(&COMBINED, &chapters, None)
}

/// Runs `preprocessor` over `chapters` and the bystander in each dialect, then over the book
/// it answered with, checking every property; `untouched` names a chapter that must come
/// back byte-identical too.
fn run_twice(
    preprocessor: &Preprocessor<'_>,
    chapters: &[(&str, &str)],
    untouched: Option<&str>,
) -> Result<(), String> {
    let mut all: Vec<(&str, &str)> = chapters.to_vec();
    all.push(BYSTANDER);
    for version in VERSIONS {
        let first = run(preprocessor, version, &all)?;
        let Some(book) = first else { continue };
        for (path, content) in &book {
            let sent = all.iter().find(|(p, _)| p == path).map(|(_, c)| *c);
            let must_stay = *path == BYSTANDER.0 || Some(path.as_str()) == untouched;
            if must_stay && sent != Some(content.as_str()) {
                return Err(format!(
                    "mdBook {version}: `{path}` had nothing to change, and changed:\n{content:?}"
                ));
            }
        }
        let again: Vec<(&str, &str)> = book.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
        match run(preprocessor, version, &again)? {
            Some(second) if second == book => {}
            Some(second) => {
                return Err(format!(
                    "mdBook {version}: a second run changed the book:\n{book:?}\n{second:?}"
                ));
            }
            None => return Err(format!("mdBook {version}: a second run over the first one's book failed")),
        }
    }
    Ok(())
}

/// One run: the chapters of the book it answered with, or `None` when it reported errors.
fn run(
    preprocessor: &Preprocessor<'_>,
    version: &str,
    chapters: &[(&str, &str)],
) -> Result<Option<Vec<(String, String)>>, String> {
    let items: Vec<_> = chapters.iter().map(|(path, content)| chapter(path, content)).collect();
    let input = request(version, &items, json!({})).to_string();
    let outcome: Outcome = preprocess(preprocessor, input.as_bytes(), &Environment::default());
    if outcome.exit_code != 0 {
        return if outcome.stdout.is_empty() {
            Ok(None)
        } else {
            Err(format!("mdBook {version}: exit {} with a book on stdout", outcome.exit_code))
        };
    }
    let book: Value = serde_json::from_slice(&outcome.stdout)
        .map_err(|e| format!("mdBook {version}: stdout is not JSON: {e}"))?;
    let dialect_kept = book.get(if version.starts_with("0.4") { "sections" } else { "items" }).is_some();
    if !dialect_kept {
        return Err(format!("mdBook {version}: the book came back in another dialect"));
    }
    Ok(Some(chapter_contents(&book)))
}
