//! The mdBook preprocessor protocol, in both of its dialects.
//!
//! mdBook sends `[context, book]` as JSON on stdin and reads the book back from stdout.
//! mdBook 0.4 names the book's items `sections` (and adds `"__non_exhaustive": null`);
//! mdBook 0.5 names them `items`, writes config nulls, and gives draft chapters `path: null`.
//! The request is kept as JSON values and only chapter `content` strings are ever replaced,
//! so the answer is in the dialect that was sent and every field this suite does not know,
//! in the context or in any chapter, survives the round trip. An edited chapter's content is
//! spliced as the answer is written, never held whole.

use std::borrow::Cow;
use std::cell::Cell;

use anyhow::{Context as _, Result, anyhow, bail};
use serde::ser::{Serialize, SerializeMap as _, SerializeSeq as _, Serializer};
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

impl Dialect {
    fn items_key(self) -> &'static str {
        match self {
            Dialect::V04 => "sections",
            Dialect::V05 => "items",
        }
    }
}

/// The `[context, book]` pair mdBook sent, kept as JSON.
#[derive(Debug, Clone)]
pub struct Request {
    context: Map<String, Value>,
    book: Value,
    dialect: Dialect,
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
        let value: Value = serde_json::from_slice(input)
            .context("the input on stdin is not valid JSON; mdBook sends `[context, book]`")?;
        let Value::Array(pair) = value else {
            bail!("the input on stdin is not a JSON array `[context, book]`");
        };
        let Ok::<[Value; 2], _>([context, book]) = pair.try_into() else {
            bail!("the input on stdin is not a pair `[context, book]`");
        };
        let Value::Object(context) = context else {
            bail!("the preprocessor context (first element of the input) is not a JSON object");
        };
        let version = context
            .get("mdbook_version")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("the preprocessor context has no `mdbook_version` string"))?;
        findings.extend(check_version(version));
        let dialect = dialect_of(&book)?;
        let request = Request { context, book, dialect, edits: Vec::new() };
        request.validate_items()?;
        Ok(request)
    }

    /// The book's root folder, as mdBook gives it in the context of `input` (a request), even
    /// when the rest of the request is bad; empty when it has none.
    pub fn root_of(input: &[u8]) -> String {
        #[derive(serde::Deserialize)]
        struct Context {
            #[serde(default)]
            root: String,
        }
        serde_json::from_slice::<(Context, serde::de::IgnoredAny)>(input)
            .map(|(context, _)| context.root)
            .unwrap_or_default()
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
        self.context.get("config").unwrap_or(&Value::Null)
    }

    /// Every chapter that has a file (not drafts), in SUMMARY.md order.
    pub fn chapters(&self) -> Vec<ChapterSource<'_>> {
        let mut chapters = Vec::new();
        collect_chapters(self.items(), None, &mut chapters);
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
    pub fn write_book(&self, writer: impl std::io::Write) -> Result<()> {
        let answer = Answer { edits: &self.edits, next: Cell::new(0) };
        let book = AnswerBook { book: &self.book, items_key: self.dialect.items_key(), answer: &answer };
        serde_json::to_writer(writer, &book).context("could not write the book to stdout")
    }

    fn items(&self) -> &[Value] {
        self.book
            .get(self.dialect.items_key())
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn validate_items(&self) -> Result<()> {
        let mut problem = None;
        visit_items(self.items(), &mut |item| {
            if problem.is_some() {
                return;
            }
            if let Some(chapter) = item.get("Chapter") {
                let content_ok = chapter.get("content").is_some_and(Value::is_string);
                let name_ok = chapter.get("name").is_some_and(Value::is_string);
                if !content_ok || !name_ok {
                    problem = Some(format!(
                        "a chapter in the book has no string `name` or `content`: {}",
                        abbreviate(&chapter.to_string())
                    ));
                }
            }
        });
        problem.map_or(Ok(()), |p| Err(anyhow!(p)))
    }
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

fn dialect_of(book: &Value) -> Result<Dialect> {
    let Value::Object(book) = book else {
        bail!("the book (second element of the input) is not a JSON object");
    };
    match (book.get("items"), book.get("sections")) {
        (Some(Value::Array(_)), _) => Ok(Dialect::V05),
        (_, Some(Value::Array(_))) => Ok(Dialect::V04),
        _ => bail!("the book has neither an `items` (mdBook 0.5) nor a `sections` (mdBook 0.4) array"),
    }
}

fn chapter_source(chapter: &Map<String, Value>) -> Option<ChapterSource<'_>> {
    let mut source = ChapterSource {
        name: "",
        content: "",
        path: None,
        source_path: None,
        has_sub_items: false,
        parent: None,
    };
    // One pass over the chapter's few fields, rather than a lookup of each.
    for (key, value) in chapter {
        match (key.as_str(), value) {
            ("name", Value::String(name)) => source.name = name,
            ("content", Value::String(content)) => source.content = content,
            ("path", Value::String(path)) => source.path = Some(forward_slashes(path)),
            ("source_path", Value::String(path)) => source.source_path = Some(forward_slashes(path)),
            ("sub_items", Value::Array(items)) => {
                source.has_sub_items = items.iter().any(|item| item.get("Chapter").is_some())
            }
            _ => {}
        }
    }
    (source.path.is_some() || source.source_path.is_some()).then_some(source)
}

/// `path` with `/` for every `\\` (Windows separators).
fn forward_slashes(path: &str) -> Cow<'_, str> {
    if path.contains('\\') { Cow::Owned(path.replace('\\', "/")) } else { Cow::Borrowed(path) }
}

/// The chapters of `items` and their sub-items, in order, nested under `parent`.
fn collect_chapters<'v>(items: &'v [Value], parent: Option<usize>, chapters: &mut Vec<ChapterSource<'v>>) {
    for chapter in items.iter().filter_map(|item| item.get("Chapter")).filter_map(Value::as_object) {
        let own = chapter_source(chapter).map(|source| {
            chapters.push(ChapterSource { parent, ..source });
            chapters.len() - 1
        });
        if let Some(Value::Array(sub_items)) = chapter.get("sub_items") {
            collect_chapters(sub_items, own.or(parent), chapters);
        }
    }
}

fn visit_items<'v>(items: &'v [Value], visit: &mut impl FnMut(&'v Value)) {
    for item in items {
        visit(item);
        if let Some(sub_items) =
            item.get("Chapter").and_then(|c| c.get("sub_items")).and_then(Value::as_array)
        {
            visit_items(sub_items, visit);
        }
    }
}

/// The book as it is answered: the request's book, each edited chapter spliced as it is
/// written.
struct AnswerBook<'r> {
    book: &'r Value,
    items_key: &'static str,
    answer: &'r Answer<'r>,
}

/// The edits of the chapters, and the position of the next chapter that has a file, in the
/// order [`Request::chapters`] gives them (a chapter before its sub-chapters).
struct Answer<'r> {
    edits: &'r [Option<Edits>],
    next: Cell<usize>,
}

/// A list of items (`items`, `sections`, `sub_items`) as it is answered.
struct AnswerItems<'r>(&'r [Value], &'r Answer<'r>);

/// An item as it is answered.
struct AnswerItem<'r>(&'r Value, &'r Answer<'r>);

/// A chapter as it is answered.
struct AnswerChapter<'r>(&'r Map<String, Value>, &'r Answer<'r>);

impl Serialize for AnswerBook<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Value::Object(book) = self.book else { return self.book.serialize(serializer) };
        let mut map = serializer.serialize_map(Some(book.len()))?;
        for (key, value) in book {
            match value {
                Value::Array(items) if key == self.items_key => {
                    map.serialize_entry(key, &AnswerItems(items, self.answer))?
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

impl Serialize for AnswerItems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&AnswerItem(item, self.1))?;
        }
        seq.end()
    }
}

impl Serialize for AnswerItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Value::Object(item) = self.0 else { return self.0.serialize(serializer) };
        let mut map = serializer.serialize_map(Some(item.len()))?;
        for (key, value) in item {
            match value {
                Value::Object(chapter) if key == "Chapter" => {
                    map.serialize_entry(key, &AnswerChapter(chapter, self.1))?
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

impl Serialize for AnswerChapter<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (chapter, answer) = (self.0, self.1);
        let edits = has_file(chapter)
            .then(|| answer.next.replace(answer.next.get() + 1))
            .and_then(|position| answer.edits.get(position))
            .and_then(Option::as_ref);
        let mut map = serializer.serialize_map(Some(chapter.len()))?;
        for (key, value) in chapter {
            match (key.as_str(), value, edits) {
                ("content", Value::String(content), Some(edits)) => {
                    map.serialize_entry(key, &edits.spliced(content))?
                }
                ("sub_items", Value::Array(items), _) => {
                    map.serialize_entry(key, &AnswerItems(items, answer))?
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// Whether a chapter has a file: those are the chapters [`Request::chapters`] gives.
fn has_file(chapter: &Map<String, Value>) -> bool {
    chapter.iter().any(|(key, value)| (key == "path" || key == "source_path") && value.is_string())
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
}
