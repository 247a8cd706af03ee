//! The mdBook preprocessor protocol, in both of its dialects.
//!
//! mdBook sends `[context, book]` as JSON on stdin and reads the book back from stdout.
//! mdBook 0.4 names the book's items `sections` (and adds `"__non_exhaustive": null`);
//! mdBook 0.5 names them `items`, writes config nulls, and gives draft chapters `path: null`.
//! The request is kept as JSON values and only chapter `content` strings are ever replaced,
//! so the answer is in the dialect that was sent and every field this suite does not know,
//! in the context or in any chapter, survives the round trip.

use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::{Map, Value};

use crate::codes;
use crate::diagnostics::Diagnostic;

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
    pub path: Option<String>,
    /// The file it was read from, relative to `src`; `None` for draft or generated chapters.
    pub source_path: Option<String>,
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
        let request = Request { context, book, dialect };
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

    /// Replaces the content of the chapters returned by [`Request::chapters`], by position;
    /// `None` leaves a chapter exactly as it was sent.
    pub fn set_contents(&mut self, contents: Vec<Option<String>>) {
        let mut contents = contents.into_iter();
        visit_chapters_mut(self.items_mut(), &mut |chapter| {
            if chapter_source(chapter).is_none() {
                return;
            }
            if let Some(Some(content)) = contents.next() {
                chapter.insert("content".to_owned(), Value::String(content));
            }
        });
    }

    /// Writes the book as JSON, in the dialect it was sent in: what goes to stdout.
    pub fn write_book(&self, writer: impl std::io::Write) -> Result<()> {
        serde_json::to_writer(writer, &self.book).context("could not write the book to stdout")
    }

    fn items(&self) -> &[Value] {
        self.book
            .get(self.dialect.items_key())
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn items_mut(&mut self) -> &mut [Value] {
        let key = self.dialect.items_key();
        match self.book.get_mut(key).and_then(Value::as_array_mut) {
            Some(items) => items.as_mut_slice(),
            None => &mut [],
        }
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
    let text = |key: &str| chapter.get(key).and_then(Value::as_str);
    let path = text("path");
    let source_path = text("source_path");
    path.or(source_path)?;
    Some(ChapterSource {
        name: text("name").unwrap_or_default(),
        content: text("content").unwrap_or_default(),
        path: path.map(|p| p.replace('\\', "/")),
        source_path: source_path.map(|p| p.replace('\\', "/")),
        has_sub_items: chapter
            .get("sub_items")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|item| item.get("Chapter").is_some())),
        parent: None,
    })
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

fn visit_chapters_mut(items: &mut [Value], visit: &mut impl FnMut(&mut Map<String, Value>)) {
    for item in items {
        if let Some(Value::Object(chapter)) = item.get_mut("Chapter") {
            visit(chapter);
            if let Some(Value::Array(sub_items)) = chapter.get_mut("sub_items") {
                visit_chapters_mut(sub_items, visit);
            }
        }
    }
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
