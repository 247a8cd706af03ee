//! Loading a book as mdBook would, for `check` and `new`: book.toml with `MDBOOK_*` overrides,
//! SUMMARY.md, every chapter read from disk and `{{#include}}` expanded, into the request
//! mdBook sends a preprocessor. Nothing is written.
//!
//! A book that mdBook 0.4 or 0.5 builds loads: a key only one of them accepts is a finding,
//! not a failure; a SUMMARY.md entry that links outside the book is skipped, as mdBook does
//! not read it as a chapter; a chapter missing on disk is a finding (mdBook would create it
//! empty), read as a draft.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_driver::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_summary::{Link, Summary, SummaryItem, parse_summary};
use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{Diagnostic, Location};
use serde_json::Value;

use crate::compat;
use crate::mdbook_log::catch_errors;

/// The version of mdBook this crate reads books with, when no other is installed.
const BUILT_WITH: &str = "0.5.4";

/// A book as mdBook would send it to a preprocessor.
#[derive(Debug)]
pub struct LoadedBook {
    /// The `[context, book]` request, as JSON.
    pub request: Vec<u8>,
    /// What loading found: keys only one mdBook accepts, chapters missing on disk.
    pub findings: Vec<Diagnostic>,
    /// The version of the mdBook on `PATH` (the one that builds the book), else this crate's.
    pub mdbook_version: String,
}

/// Why a book could not be loaded, and the file (relative to the book root) at fault.
#[derive(Debug)]
pub struct LoadError {
    /// `book.toml`, or the book's SUMMARY.md.
    pub file: String,
    /// What went wrong.
    pub error: anyhow::Error,
}

impl From<LoadError> for anyhow::Error {
    fn from(load: LoadError) -> Self {
        load.error.context(format!("cannot load the book ({})", load.file))
    }
}

/// Loads the book in `root`.
pub fn load(root: &Path) -> Result<LoadedBook, LoadError> {
    load_book(root, Expand::Includes)
}

/// Loads the book in `root` with every chapter as its file holds it: `{{#include}}` and its
/// kin not expanded, so offsets into a chapter are offsets into its file (for `migrate`).
pub fn load_sources(root: &Path) -> Result<LoadedBook, LoadError> {
    load_book(root, Expand::Nothing)
}

/// Whether mdBook's own preprocessors run over the loaded chapters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expand {
    /// `{{#include}}` and its kin expanded, `README.md` renamed `index.md`: as a preprocessor
    /// sees the book.
    Includes,
    /// The chapters as their files hold them.
    Nothing,
}

fn load_book(root: &Path, expand: Expand) -> Result<LoadedBook, LoadError> {
    let mut findings = Vec::new();
    let config = read_config(root, &mut findings)
        .map_err(|error| LoadError { file: "book.toml".to_owned(), error })?;
    let summary_file = Path::new(&config.book.src).join("SUMMARY.md");
    let summary_path = summary_file.display().to_string().replace('\\', "/");
    let load = || -> Result<Vec<u8>> {
        let summary = read_summary(root, &config.book.src, &summary_path, &mut findings)?;
        load_with(root, config, summary, expand, &mut findings)
    };
    let request = load().map_err(|error| LoadError { file: summary_path.clone(), error })?;
    Ok(LoadedBook { request, findings, mdbook_version: installed_mdbook() })
}

/// book.toml, read as leniently as the mdBook that accepts the most: keys mdBook 0.5 rejects
/// are findings, and left out.
fn read_config(root: &Path, findings: &mut Vec<Diagnostic>) -> Result<Config> {
    let config_file = root.join("book.toml");
    let mut config = if config_file.exists() {
        let text = std::fs::read_to_string(&config_file).context("reading book.toml")?;
        let text = text.trim_start_matches('\u{feff}');
        let rejected = compat::rejected_by_mdbook_05(text).context("book.toml is not valid TOML")?;
        let mut document: toml_edit::DocumentMut = text.parse().context("book.toml is not valid TOML")?;
        compat::apply(&mut document, &rejected);
        findings.extend(rejected.iter().map(|key| rejected_key(text, key)));
        document.to_string().parse::<Config>().context("mdBook cannot read book.toml")?
    } else {
        Config::default()
    };
    config.update_from_env()?;
    config.build.create_missing = false;
    Ok(config)
}

fn rejected_key(text: &str, key: &compat::Rejected) -> Diagnostic {
    let location = match &key.span {
        Some(span) => Location::in_text("book.toml", text, span.clone()),
        None => Location::file("book.toml"),
    };
    Diagnostic::new(
        codes::MDBOOK_CONFIG,
        format!("mdBook 0.5 rejects `{}` in book.toml (mdBook 0.4 accepts it)", key.key),
    )
    .at(location)
    .with_help(key.fix())
}

/// SUMMARY.md, with its entries that link outside the book and those whose file is missing
/// read as drafts; the missing ones are findings.
fn read_summary(root: &Path, src: &Path, display: &str, findings: &mut Vec<Diagnostic>) -> Result<Summary> {
    let path = root.join(src).join("SUMMARY.md");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {display}"))?;
    let mut summary = parse_summary(&text).with_context(|| format!("{display} is not a valid SUMMARY.md"))?;
    let chapters = summary
        .prefix_chapters
        .iter_mut()
        .chain(&mut summary.numbered_chapters)
        .chain(&mut summary.suffix_chapters);
    for item in chapters {
        keep_readable(item, &root.join(src), &text, display, findings);
    }
    Ok(summary)
}

fn keep_readable(
    item: &mut SummaryItem,
    src: &Path,
    text: &str,
    display: &str,
    findings: &mut Vec<Diagnostic>,
) {
    let SummaryItem::Link(Link { location, nested_items, .. }) = item else { return };
    if let Some(file) = location.clone() {
        let written = file.to_string_lossy().replace('\\', "/");
        if is_external(&written) {
            *location = None;
        } else if !src.join(&file).is_file() {
            findings.push(missing_chapter(text, display, &written));
            *location = None;
        }
    }
    for nested in nested_items {
        keep_readable(nested, src, text, display, findings);
    }
}

/// Whether a SUMMARY.md link leads outside the book (`https://...`).
fn is_external(link: &str) -> bool {
    link.contains("://") || link.starts_with("mailto:") || link.starts_with("//")
}

fn missing_chapter(text: &str, display: &str, file: &str) -> Diagnostic {
    let at = text.find(file).map_or(0..0, |start| start..start + file.len());
    Diagnostic::new(codes::MISSING_CHAPTER, format!("the chapter file `{file}` does not exist"))
        .at(Location::in_text(display, text, at))
        .with_help(
            "create it, or remove its entry: mdBook would create it empty (with `create-missing`), or fail",
        )
}

fn load_with(
    root: &Path,
    config: Config,
    summary: Summary,
    expand: Expand,
    findings: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>> {
    let use_defaults = config.build.use_default_preprocessors && expand == Expand::Includes;
    let book = read_chapters(&summary, &root.join(&config.book.src))
        .with_context(|| format!("cannot load the book in {}", root.display()))?;
    let context = PreprocessorContext::new(root.to_path_buf(), config, "html".to_owned());
    let chapters = if use_defaults {
        // The book as read stays to place the link errors at the chapters they come from.
        let (linked, errors) = catch_errors(|| LinkPreprocessor::new().run(&context, book.clone()));
        let linked = linked?;
        let src = context.config.book.src.display().to_string().replace('\\', "/");
        findings.extend(errors.iter().map(|error| link_error(&book, &src, error)));
        IndexPreprocessor::new().run(&context, linked)?
    } else {
        book
    };
    let mut request = serde_json::to_value((&context, &chapters))?;
    // The heading ids and the parsing are those of the mdBook that builds the book.
    request[0]["mdbook_version"] = Value::String(installed_mdbook());
    Ok(serde_json::to_vec(&request)?)
}

/// The chapters SUMMARY.md lists, read from `src_dir` as mdBook reads them: a BOM dropped,
/// drafts empty, each chapter with its number and the names of the chapters it is nested in.
///
/// mdBook's own loading (`MDBook::load_with_config_and_summary`) also sets up the renderers,
/// which would link mdBook's whole HTML renderer into this binary: the one mdBook runs as the
/// combined preprocessor, which would then load and relocate it on every build.
fn read_chapters(summary: &Summary, src_dir: &Path) -> Result<Book> {
    let items =
        summary.prefix_chapters.iter().chain(&summary.numbered_chapters).chain(&summary.suffix_chapters);
    let items = items.map(|item| read_item(item, src_dir, &[])).collect::<Result<Vec<_>>>()?;
    Ok(Book::new_with_items(items))
}

fn read_item(item: &SummaryItem, src_dir: &Path, parents: &[String]) -> Result<BookItem> {
    Ok(match item {
        SummaryItem::Link(link) => BookItem::Chapter(read_chapter(link, src_dir, parents)?),
        SummaryItem::Separator => BookItem::Separator,
        SummaryItem::PartTitle(title) => BookItem::PartTitle(title.clone()),
        _ => bail!("SUMMARY.md has an entry this version of mdbook-vision does not know: {item:?}"),
    })
}

fn read_chapter(link: &Link, src_dir: &Path, parents: &[String]) -> Result<Chapter> {
    let mut chapter = match &link.location {
        Some(location) => {
            let path = src_dir.join(location);
            let mut content = std::fs::read_to_string(&path)
                .with_context(|| format!("failed to read chapter `{}`", location.display()))?;
            if content.starts_with('\u{feff}') {
                content.replace_range(..'\u{feff}'.len_utf8(), "");
            }
            let Ok(in_src) = path.strip_prefix(src_dir) else {
                bail!("the chapter `{}` is outside the book's source folder", location.display());
            };
            Chapter::new(&link.name, content, in_src, parents.to_vec())
        }
        None => Chapter::new_draft(&link.name, parents.to_vec()),
    };
    chapter.number = link.number.clone();
    let nested_parents = [parents, std::slice::from_ref(&link.name)].concat();
    chapter.sub_items = link
        .nested_items
        .iter()
        .map(|item| read_item(item, src_dir, &nested_parents))
        .collect::<Result<_>>()?;
    Ok(chapter)
}

/// A finding for an error mdBook logged while expanding `{{#include}}` and its kin, placed at
/// the first chapter that has the directive it names (`Error updating "{{#include x.md}}", ...`).
fn link_error(book: &Book, src: &str, error: &str) -> Diagnostic {
    let directive = error.split('"').nth(1).filter(|d| d.starts_with("{{#"));
    let place = directive.and_then(|directive| {
        book.iter().find_map(|item| match item {
            BookItem::Chapter(Chapter { content, source_path: Some(path), .. }) => {
                let start = content.find(directive)?;
                let file = format!("{src}/{}", path.display().to_string().replace('\\', "/"));
                Some(Location::in_text(file, content, start..start + directive.len()))
            }
            _ => None,
        })
    });
    let diagnostic = Diagnostic::new(codes::BROKEN_INCLUDE, format!("mdBook: {error}"))
        .with_help("fix the path (relative to the chapter's folder), or remove the directive: mdBook leaves it in the page as written");
    match place {
        Some(location) => diagnostic.at(location),
        None => diagnostic,
    }
}

/// The version of the `mdbook` on `PATH` (`0.4.52`), else the one this crate reads books with.
pub fn installed_mdbook() -> String {
    let output = Command::new("mdbook").arg("--version").output();
    let printed = output.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    printed
        .split_whitespace()
        .find_map(|word| semver::Version::parse(word.trim_start_matches('v')).ok())
        .map_or_else(|| BUILT_WITH.to_owned(), |version| version.to_string())
}

/// Whether `program` is a command on `PATH` (or a path to one).
pub fn is_installed(program: &str) -> bool {
    let candidate = PathBuf::from(program);
    if candidate.components().count() > 1 {
        return candidate.is_file();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).any(|dir| {
        let file = dir.join(program);
        file.is_file() || file.with_extension("exe").is_file()
    })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use mdbook_driver::MDBook;

    use super::*;
    use crate::test_books::write_book;

    #[test]
    fn chapters_are_read_as_mdbook_reads_them() {
        let files = [
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Intro](README.md)\n\n# Vision\n\n- [Cast](cast.md)\n  - [Alan](./cast/alan.md)\n  \
                 - [Draft]()\n\n---\n\n- [Stories](stories/index.md)\n    - [Alan's day](stories/day.md)\n\n\
                 [Thanks](thanks.md)\n",
            ),
            ("src/README.md", "# Intro\r\n"),
            ("src/cast.md", "\u{feff}# Cast\n\nWith a byte order mark.\n"),
            ("src/cast/alan.md", "# Alan\n"),
            ("src/stories/index.md", "# Stories\n"),
            ("src/stories/day.md", "# Alan's day\n\n{{#include ../cast/alan.md}}\n"),
            ("src/thanks.md", ""),
        ];
        let root = write_book("load-test", &files);
        let summary = parse_summary(files[0].1).unwrap_or_else(|e| panic!("{e:#}"));
        let ours = read_chapters(&summary, &root.join("src")).map_err(|e| format!("{e:#}"));
        let mdbooks = MDBook::load_with_config_and_summary(&root, Config::default(), summary)
            .map(|book| book.book)
            .map_err(|e| format!("{e:#}"));
        let _ = fs::remove_dir_all(&root);
        let ours = ours.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours.items.len(), 6, "{ours:#?}");
        assert_eq!(Ok(ours), mdbooks);
    }
}
