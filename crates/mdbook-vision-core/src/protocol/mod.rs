//! The mdBook preprocessor protocol, in both of its dialects.
//!
//! mdBook sends `[context, book]` as JSON on stdin and reads the book back from stdout.
//! mdBook 0.4 names the book's items `sections` (and adds `"__non_exhaustive": null`);
//! mdBook 0.5 names them `items`, writes config nulls, and gives draft chapters `path: null`.
//! The request is read in one pass ([`read`]): the book's items become a tree of chapters,
//! and every other value of the book stays the text it was sent as. The answer ([`write`])
//! copies that text back, so it is in the dialect that was sent and every field this suite
//! does not know, in any chapter, survives the round trip; an edited chapter's content is
//! spliced as the answer is written, never held whole.

mod read;
mod unescape;
mod write;

use std::borrow::Cow;

use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::codes;
use crate::diagnostics::Diagnostic;
use crate::splice::Edits;

/// The mdBook versions the suite supports, as a semver requirement.
pub const SUPPORTED_MDBOOK: &str = ">=0.4.0, <0.6.0";

/// Which shape of book JSON mdBook sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// mdBook 0.4: the book's items are under `sections`.
    V04,
    /// mdBook 0.5: the book's items are under `items`.
    V05,
}

/// The `[context, book]` pair mdBook sent.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request's text, which the answer copies what it does not change from; each
    /// chapter's content in it is unescaped in place (see [`unescape_contents`]).
    input: String,
    context: Map<String, Value>,
    book: read::Book,
    dialect: Dialect,
    /// Every chapter, drafts included, a chapter before its sub-chapters.
    entries: Vec<read::Entry>,
    /// Where each entry's content, unescaped, is in `input`.
    contents: Vec<read::Span>,
    /// Each entry's place among the chapters [`Request::chapters`] returns, if it has a file.
    positions: Vec<Option<usize>>,
    /// The edits of the chapters [`Request::chapters`] returns, by position.
    edits: Vec<Option<Edits>>,
}

/// A chapter as mdBook sent it, in SUMMARY.md order, borrowed from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterSource<'r> {
    /// The chapter's name in SUMMARY.md.
    pub name: &'r str,
    /// Its markdown, as mdBook sent it (`{{#include}}` already expanded).
    pub content: &'r str,
    /// Where mdBook will render it from, relative to `src` (`README.md` already renamed
    /// `index.md` when mdBook's index preprocessor ran first); `None` for a draft chapter.
    pub path: Option<Cow<'r, str>>,
    /// The file it was read from, relative to `src`; `None` for draft or generated chapters.
    pub source_path: Option<Cow<'r, str>>,
    /// Whether SUMMARY.md nests other chapters under it.
    pub has_sub_items: bool,
    /// The chapter SUMMARY.md nests it under, by its position among the chapters (drafts
    /// skipped: the nearest ancestor that has a file).
    pub parent: Option<usize>,
}

impl ChapterSource<'_> {
    /// The file this chapter came from, relative to `src`.
    pub fn file(&self) -> Option<&str> {
        self.source_path.as_deref().or(self.path.as_deref())
    }
}

impl Request {
    /// Reads a request, checking the mdBook version before anything else is interpreted.
    ///
    /// When mdBook's version is outside [`SUPPORTED_MDBOOK`], the one warning that says so is
    /// added to `findings`, even if the rest is malformed. Malformed input is an error that
    /// names what was wrong.
    pub fn parse(input: &[u8], findings: &mut Vec<Diagnostic>) -> Result<Request> {
        Request::parse_owned(input.to_vec(), findings)
    }

    /// [`Request::parse`] of a request read into `input`, which the request keeps.
    pub fn parse_owned(input: Vec<u8>, findings: &mut Vec<Diagnostic>) -> Result<Request> {
        let input = String::from_utf8(input)
            .context("the input on stdin is not valid JSON; mdBook sends `[context, book]`")?;
        let mut parsed = read::Parsed::default();
        let outcome = read::parse(&input, &mut parsed);
        let version = parsed.context.as_ref().and_then(|c| c.get("mdbook_version")).and_then(Value::as_str);
        findings.extend(version.and_then(check_version));
        if let Err(error) = outcome {
            return Err(explain(&input, error));
        }
        let (Some(context), Some(dialect)) = (parsed.context, parsed.dialect) else {
            bail!(read::NO_VERSION);
        };
        let (input, contents) = unescape_contents(input, &parsed.entries)?;
        let positions = positions(&parsed.entries);
        Ok(Request {
            input,
            context,
            book: parsed.book,
            dialect,
            entries: parsed.entries,
            contents,
            positions,
            edits: Vec::new(),
        })
    }

    /// The context of `input` (a request), read without its book, even when the book is bad.
    pub fn context_of(input: &[u8]) -> Option<Map<String, Value>> {
        read::context_of(input)
    }

    /// The book's root folder in `context`; empty when it has none.
    pub fn root_in(context: Option<&Map<String, Value>>) -> String {
        context.and_then(|c| c.get("root")).and_then(Value::as_str).unwrap_or_default().to_owned()
    }

    /// The book's `book.toml` in `context`, as JSON.
    pub fn config_in(context: &Map<String, Value>) -> &Value {
        context.get("config").unwrap_or(&Value::Null)
    }

    /// The book's root folder, as mdBook gives it in the context; empty when it has none.
    pub fn root(&self) -> &str {
        self.context.get("root").and_then(Value::as_str).unwrap_or_default()
    }

    /// The dialect the book was sent in, and will be answered in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The version of mdBook that sent the request.
    pub fn mdbook_version(&self) -> &str {
        self.context.get("mdbook_version").and_then(Value::as_str).unwrap_or_default()
    }

    /// The renderer the book is being prepared for (`html`, `markdown`, ...).
    pub fn renderer(&self) -> &str {
        self.context.get("renderer").and_then(Value::as_str).unwrap_or_default()
    }

    /// The book's source folder (`book.src`, `src` by default), relative to its root.
    pub fn src_dir(&self) -> &str {
        self.config().pointer("/book/src").and_then(Value::as_str).unwrap_or("src")
    }

    /// The book's configuration (book.toml, with `MDBOOK_*` overrides applied by mdBook).
    pub fn config(&self) -> &Value {
        Request::config_in(&self.context)
    }

    /// Every chapter that has a file (not drafts), in SUMMARY.md order.
    pub fn chapters(&self) -> Vec<ChapterSource<'_>> {
        // Each chapter's parent, among those that have a file: its own position, else its
        // parent's.
        let mut nearest: Vec<Option<usize>> = Vec::with_capacity(self.entries.len());
        let mut chapters = Vec::new();
        for ((entry, content), &position) in self.entries.iter().zip(&self.contents).zip(&self.positions) {
            let content = self.input.get(content.clone()).unwrap_or_default();
            let parent = entry.parent.and_then(|p| nearest.get(p).copied().flatten());
            nearest.push(position.or(parent));
            if position.is_some() {
                chapters.push(ChapterSource {
                    name: entry.name.as_deref().unwrap_or_default(),
                    content,
                    path: entry.path.as_deref().map(forward_slashes),
                    source_path: entry.source_path.as_deref().map(forward_slashes),
                    has_sub_items: entry.has_sub_items,
                    parent,
                });
            }
        }
        chapters
    }

    /// Sets the edits of the chapters returned by [`Request::chapters`], by position, each
    /// [`Edits::checked`] against the chapter's content; `None` leaves a chapter exactly as it
    /// was sent. [`Request::write_book`] makes them; [`Request::chapters`] still gives the
    /// chapters as they were sent.
    pub fn set_edits(&mut self, edits: Vec<Option<Edits>>) {
        self.edits = edits;
    }

    /// Writes the book as JSON, in the dialect it was sent in, with the chapters edited: what
    /// goes to stdout.
    pub fn write_book(&self, mut writer: impl std::io::Write) -> Result<()> {
        let edits = self
            .positions
            .iter()
            .map(|position| position.and_then(|p| self.edits.get(p)).and_then(Option::as_ref))
            .collect();
        let answer = write::Answer { input: &self.input, edits, contents: &self.contents };
        answer.write_book(&self.book, &mut writer).context("could not write the book to stdout")
    }
}

/// The error for a request `read::parse` refused: bad JSON, or JSON that is not a request.
fn explain(input: &str, error: serde_json::Error) -> anyhow::Error {
    const NOT_JSON: &str = "the input on stdin is not valid JSON; mdBook sends `[context, book]`";
    if !error.is_data() {
        return anyhow!(error).context(NOT_JSON);
    }
    if !input.trim_start().starts_with('[') {
        // Refused at its first character, it may be bad JSON too.
        return match serde_json::from_str::<serde::de::IgnoredAny>(input) {
            Err(error) => anyhow!(error).context(NOT_JSON),
            Ok(_) => anyhow!("the input on stdin is not a JSON array `[context, book]`"),
        };
    }
    anyhow!(error)
}

/// Unescapes each chapter's content where it is in `input`, in parallel (contents are most
/// of the request): the text a JSON string holds is never longer than the string, so each
/// fits in the place of its string, the rest of which is blanked. Holding no second copy of
/// the contents spares memory and the time to fill it. Returns the request's text, and where
/// each entry's content now is in it. A chapter without a string `name` or `content` is an
/// error.
fn unescape_contents(input: String, entries: &[read::Entry]) -> Result<(String, Vec<read::Span>)> {
    let mut spans = Vec::with_capacity(entries.len());
    for entry in entries {
        match (&entry.name, &entry.content) {
            (Some(_), Some(span)) => spans.push(span.clone()),
            _ => {
                let what =
                    entry.name.as_deref().or(entry.path.as_deref()).unwrap_or("without a name or path");
                bail!("a chapter in the book has no string `name` or `content`: {}", abbreviate(what));
            }
        }
    }
    let mut bytes = input.into_bytes();
    let mut places = split_at_spans(&mut bytes, &spans)?;
    let lengths: Vec<usize> =
        places.par_iter_mut().map(|place| unescape::unescape_in_place(place)).collect::<Result<_>>()?;
    drop(places);
    let input = String::from_utf8(bytes).context("a chapter's content is not valid UTF-8")?;
    let contents = spans.iter().zip(lengths).map(|(span, length)| span.start..span.start + length).collect();
    Ok((input, contents))
}

/// The places of `spans` in `bytes`, mutable, in the order of `spans`; they must not overlap.
fn split_at_spans<'b>(bytes: &'b mut [u8], spans: &[read::Span]) -> Result<Vec<&'b mut [u8]>> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_unstable_by_key(|&i| spans[i].start);
    let mut places: Vec<Option<&mut [u8]>> = (0..spans.len()).map(|_| None).collect();
    let (mut rest, mut offset) = (bytes, 0);
    for i in order {
        let span = &spans[i];
        let skip = span.start.checked_sub(offset).context("two chapters' contents overlap")?;
        let (_, tail) =
            std::mem::take(&mut rest).split_at_mut_checked(skip).context("a content out of the request")?;
        let (place, tail) = tail.split_at_mut_checked(span.len()).context("a content out of the request")?;
        places[i] = Some(place);
        (rest, offset) = (tail, span.end);
    }
    places.into_iter().map(|p| p.context("a chapter's content was not found")).collect()
}

/// Each entry's place among the chapters that have a file (a path or a source path).
fn positions(entries: &[read::Entry]) -> Vec<Option<usize>> {
    let mut next = 0;
    entries
        .iter()
        .map(|entry| {
            (entry.path.is_some() || entry.source_path.is_some()).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// The warning for an mdBook version outside [`SUPPORTED_MDBOOK`], if it is.
///
/// Pre-releases count as their release series (`0.5.0-alpha.1` is an mdBook 0.5), which a
/// plain semver requirement would refuse.
pub fn check_version(version: &str) -> Option<Diagnostic> {
    let supported = semver::VersionReq::parse(SUPPORTED_MDBOOK).ok()?;
    let ok = semver::Version::parse(version.trim())
        .is_ok_and(|v| supported.matches(&semver::Version::new(v.major, v.minor, v.patch)));
    (!ok).then(|| {
        let running = if version.trim().is_empty() {
            "by an mdBook that did not say its version (`mdbook_version` is empty)".to_owned()
        } else {
            format!("by mdBook {}", abbreviate(version))
        };
        Diagnostic::new(
            codes::UNSUPPORTED_MDBOOK,
            format!("mdbook-vision supports mdBook 0.4 and 0.5, but is being run {running}"),
        )
        .with_help("install mdBook 0.5 (`cargo install mdbook --version 0.5.4 --locked`)")
    })
}

/// `path` with `/` for every `\\` (Windows separators).
fn forward_slashes(path: &str) -> Cow<'_, str> {
    if path.contains('\\') { Cow::Owned(path.replace('\\', "/")) } else { Cow::Borrowed(path) }
}

fn abbreviate(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_inside_the_range_are_silent() {
        for version in ["0.4.0", "0.4.52", "0.5.0", "0.5.4", "0.5.0-alpha.1", "0.5.0-beta.2"] {
            assert!(check_version(version).is_none(), "{version}");
        }
    }

    #[test]
    fn versions_outside_the_range_warn_once() {
        for version in ["0.3.7", "0.6.0", "0.6.0-alpha.1", "1.0.0", "not-a-version"] {
            let warning = check_version(version).unwrap();
            assert_eq!(warning.code, "unsupported-mdbook");
            assert!(warning.message.ends_with(&format!("by mdBook {version}")), "{warning:?}");
        }
        let empty = check_version("").unwrap();
        assert!(empty.message.ends_with("(`mdbook_version` is empty)"), "{empty:?}");
    }

    /// A book with every kind of item, a draft with sub-chapters, fields in an unusual order
    /// (the draft's content after its sub-chapters'), escapes of every kind, and keys mdBook
    /// does not write or writes without escapes.
    const BOOK: &str = r##"{"items":[
        {"Chapter":{"sub_items":[],"name":"Intro","content":"# \u00c9t\u00e9 \ud83d\ude00\r\n\t\"q\" \\ \/ \u0000","path":"README.md","extra":[1.50,{"x":null}],"we\"ird \u00e9":true}},
        "Separator",
        {"PartTitle":"Part \"one\""},
        {"Chapter":{"name":"Draft","path":null,"sub_items":[
            {"Chapter":{"name":"Child","content":"child","path":"d\\child.md","source_path":"d\\child.md","sub_items":[
                {"Chapter":{"n\u0061me":"Grandchild","content":"g","path":"d/g.md","sub_items":[]}}]}}],"content":"draft"}}
    ],"__non_exhaustive":null}"##;

    fn request_of(book: &str) -> Request {
        let input = format!(r#"[{{"mdbook_version":"0.5.4","root":"/b","config":{{}}}},{book}]"#);
        Request::parse(input.as_bytes(), &mut Vec::new()).unwrap()
    }

    #[test]
    fn chapters_are_read_with_their_parents_and_unescaped_contents() {
        let request = request_of(BOOK);
        let chapters = request.chapters();
        type Summary<'c> = (&'c str, &'c str, Option<&'c str>, bool, Option<usize>);
        let summary: Vec<Summary<'_>> =
            chapters.iter().map(|c| (c.name, c.content, c.file(), c.has_sub_items, c.parent)).collect();
        assert_eq!(
            summary,
            [
                ("Intro", "# Été 😀\r\n\t\"q\" \\ / \0", Some("README.md"), false, None),
                // The draft has no file: its child has no parent among the chapters.
                ("Child", "child", Some("d/child.md"), true, None),
                ("Grandchild", "g", Some("d/g.md"), false, Some(1)),
            ]
        );
        assert_eq!(request.root(), "/b");
        assert_eq!(request.dialect(), Dialect::V05);
    }

    #[test]
    fn the_book_comes_back_as_it_was_sent_and_edits_land_in_their_chapter() {
        let mut request = request_of(BOOK);
        let sent: Value = serde_json::from_str(BOOK).unwrap();
        let mut answer = Vec::new();
        request.write_book(&mut answer).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&answer).unwrap(), sent);
        // Numbers come back as written.
        assert!(String::from_utf8_lossy(&answer).contains("[1.50,{\"x\":null}]"));

        let mut edits = Edits::new();
        edits.insert(1, "!");
        request.set_edits(vec![None, None, edits.checked("g").unwrap()]);
        let mut answer = Vec::new();
        request.write_book(&mut answer).unwrap();
        let mut expected = sent;
        expected["items"][3]["Chapter"]["sub_items"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"] =
            Value::from("g!");
        assert_eq!(serde_json::from_slice::<Value>(&answer).unwrap(), expected);
    }

    #[test]
    fn contents_sent_after_many_sub_chapters_come_back_in_their_place() {
        // Four nested parents of 40 chapters each, every parent's content sent after its
        // sub-chapters: the answer keeps that order, and an edit lands in its own chapter.
        let leaf =
            |n: usize| format!(r#"{{"Chapter":{{"name":"c{n}","path":"c{n}.md","content":"{n}\n"}}}}"#);
        let mut items = (1000..1040).map(leaf).collect::<Vec<_>>().join(",");
        for level in (0..4).rev() {
            let leaves = (level * 40..level * 40 + 40).map(leaf).collect::<Vec<_>>().join(",");
            items = format!(
                r#"{{"Chapter":{{"name":"p{level}","path":"p{level}.md","sub_items":[{leaves},{items}],"content":"parent {level}\n"}}}}"#
            );
        }
        let book = format!(r#"{{"items":[{items},{}]}}"#, leaf(2000));
        let mut request = request_of(&book);
        let chapters = request.chapters();
        let parent = chapters.iter().position(|c| c.name == "p2").unwrap();
        let mut edits: Vec<Option<Edits>> = chapters.iter().map(|_| None).collect();
        drop(chapters);
        let mut edit = Edits::new();
        edit.insert(0, "edited ");
        edits[parent] = edit.checked("parent 2\n").unwrap();
        request.set_edits(edits);
        let mut answer = Vec::new();
        request.write_book(&mut answer).unwrap();
        let answer = String::from_utf8(answer).unwrap();
        let mut expected: Value = serde_json::from_str(&book).unwrap();
        let p2 = &mut expected["items"][0]["Chapter"]["sub_items"][40]["Chapter"]["sub_items"][40]["Chapter"];
        p2["content"] = Value::from("edited parent 2\n");
        assert_eq!(serde_json::from_str::<Value>(&answer).unwrap(), expected);
    }

    #[test]
    fn items_of_no_known_shape_are_refused() {
        for book in
            [r#"{"items":[1]}"#, r#"{"items":[[]]}"#, r#"{"items":{}}"#, r#"{"items":[],"sections":[]}"#]
        {
            let input = format!(r#"[{{"mdbook_version":"0.5.4"}},{book}]"#);
            let error = Request::parse(input.as_bytes(), &mut Vec::new()).unwrap_err();
            assert!(format!("{error:#}").contains("line 1"), "{book}: {error:#}");
        }
    }
}
