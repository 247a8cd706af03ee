//! The book being migrated, in memory: every chapter as its file holds it, as the steps so far
//! have left it, with the model of the suite built over it and the suite's rendering of it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use foldhash::{HashMap, HashMapExt};
use mdbook_vision_core::config;
use mdbook_vision_core::diagnostics::{Diagnostic, Diagnostics, Level};
use mdbook_vision_core::feature::{COMBINED, tables};
use mdbook_vision_core::markdown::Flavor;
use mdbook_vision_core::model::{Needs, VisionBook};
use mdbook_vision_core::protocol::Request;
use mdbook_vision_core::run::{Environment, analyze};
use serde_json::Value;

use super::links::Links;
use super::{Change, FileChange, apply_changes};
use crate::load::load_sources;

/// The book being migrated.
pub(crate) struct Sources {
    /// The `[context, book]` request of the book, chapters as their files hold them.
    request: Value,
    /// The book's source folder (`src`), relative to its root.
    src: String,
    /// Each chapter's file (relative to `src`), to its text as the book has it.
    original: BTreeMap<String, String>,
    /// Each chapter's file, to its text as the steps so far have left it.
    pub texts: BTreeMap<String, String>,
    /// book.toml as it is (`None` when the book has none), and as the steps leave it.
    pub book_toml: Option<(String, String)>,
    /// How links to the book's pages are read.
    links: Links,
}

impl Sources {
    /// The book in `root`; `published_at` are where it is published, besides what book.toml
    /// tells.
    pub fn load(root: &Path, published_at: &[String]) -> Result<Self> {
        let loaded = load_sources(root)?;
        refuse_bad_settings(&loaded.request)?;
        let request: Value = serde_json::from_slice(&loaded.request).context("reading the loaded book")?;
        let src = request[0]["config"]["book"]["src"].as_str().unwrap_or("src").to_owned();
        let mut texts = BTreeMap::new();
        visit_chapters(&request, &mut |file, content| {
            texts.insert(file.to_owned(), content.to_owned());
        });
        let book_toml = std::fs::read_to_string(root.join("book.toml")).ok().map(|t| (t.clone(), t));
        let links = Links::new(&request[0]["config"], published_at);
        Ok(Sources { request, src, original: texts.clone(), texts, book_toml, links })
    }

    /// How mdBook parses the book's markdown.
    pub fn flavor(&self) -> Flavor {
        Flavor::new(
            self.request[0]["mdbook_version"].as_str().unwrap_or_default(),
            &self.request[0]["config"],
        )
    }

    /// Removes, from the end of each chapter the steps changed, the blank lines they left there.
    pub fn tidy_ends(&mut self) {
        for (file, text) in &mut self.texts {
            if let Some(before) = self.original.get(file)
                && text != before
            {
                *text = super::definitions::tidy_end(before, text);
            }
        }
    }

    /// How links to the book's pages are read.
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// Runs `f` over the model of the book as it is now.
    pub fn with_model<R>(&self, f: impl FnOnce(&VisionBook<'_>) -> R) -> Result<R> {
        let input = serde_json::to_vec(&self.request_with(&self.texts))?;
        let mut findings: Vec<Diagnostic> = Vec::new();
        let request = Request::parse(&input, &mut findings)?;
        let chapters = request.chapters();
        let settings = config::read(request.config(), &mut findings);
        let book = VisionBook::from_request(&request, &chapters, settings, Needs::ALL, &mut findings);
        Ok(f(&book))
    }

    /// What the suite makes of the book with `texts` as its chapters: each chapter's file, to
    /// its preprocessed text and the findings about it. Errors are read as warnings
    /// (`on-error = "warn"`), so that a book with errors renders too.
    pub fn render(&self, texts: &BTreeMap<String, String>) -> Result<HashMap<String, Rendered>> {
        let mut request = self.request_with(texts);
        let table = &mut request[0]["config"]["preprocessor"];
        if !table.is_object() {
            *table = Value::Object(serde_json::Map::new());
        }
        let vision = &mut table[COMBINED];
        if !vision.is_object() {
            *vision = Value::Object(serde_json::Map::new());
        }
        vision["on-error"] = Value::String("warn".to_owned());
        let input = serde_json::to_vec(&request)?;
        let environment = Environment { github_actions: false, ..Environment::from_process() };
        let (answer, findings) = analyze(&crate::COMBINED, &input, &environment);
        let Some(answer) = answer else {
            bail!(
                "the suite cannot preprocess the book:\n{}",
                findings.render("mdbook-vision migrate", None)
            );
        };
        // The answer as mdBook reads it: the edits are spliced in as the book is written.
        let mut book = Vec::new();
        answer.write_book(&mut book)?;
        let book: Value = serde_json::from_slice(&book).context("reading the preprocessed book")?;
        let mut rendered: HashMap<String, Rendered> = HashMap::new();
        visit_chapters(&book, &mut |file, content| {
            rendered.insert(file.to_owned(), Rendered { text: content.to_owned(), findings: Vec::new() });
        });
        for finding in findings.iter() {
            let Some(location) = &finding.location else { continue };
            let file = location.path.strip_prefix(&format!("{}/", self.src)).unwrap_or(&location.path);
            if let Some(page) = rendered.get_mut(file) {
                page.findings.push((finding.code.to_owned(), finding.message.clone()));
            }
        }
        Ok(rendered)
    }

    /// The request, with `texts` as its chapters.
    fn request_with(&self, texts: &BTreeMap<String, String>) -> Value {
        let mut request = self.request.clone();
        set_chapters(&mut request, texts);
        request
    }

    /// Makes `changes` to the chapters.
    pub fn apply(&mut self, changes: &[Change]) -> Result<()> {
        self.texts = self.texts_with(changes)?;
        Ok(())
    }

    /// The chapters with `changes` made.
    pub fn texts_with(&self, changes: &[Change]) -> Result<BTreeMap<String, String>> {
        let mut texts = self.texts.clone();
        let mut by_file: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
        for change in changes {
            by_file.entry(&change.file).or_default().push(change);
        }
        for (file, changes) in by_file {
            let Some(text) = texts.get_mut(file) else { bail!("{file} is not a chapter of the book") };
            *text = apply_changes(text, changes).with_context(|| format!("changing {file}"))?;
        }
        Ok(texts)
    }

    /// Whether book.toml, as the steps leave it, runs the suite.
    pub fn runs_the_suite(&self) -> bool {
        let Some((_, toml)) = &self.book_toml else { return false };
        let Ok(document) = toml.parse::<toml_edit::DocumentMut>() else { return false };
        let preprocessors = document.get("preprocessor").and_then(|p| p.as_table_like());
        preprocessors.is_some_and(|p| tables().any(|name| p.contains_key(name)))
    }

    /// Every file whose text the steps changed, book.toml included, with a chapter's byte
    /// order mark (which mdBook drops from the chapter) put back.
    pub fn changed_files(&self) -> Vec<FileChange> {
        let mut files = Vec::new();
        if let Some((before, after)) = &self.book_toml
            && before != after
        {
            files.push(FileChange {
                path: "book.toml".to_owned(),
                before: before.clone(),
                after: after.clone(),
            });
        }
        for (file, text) in &self.texts {
            let before = &self.original[file];
            if text == before {
                continue;
            }
            let path = format!("{}/{file}", self.src.trim_end_matches('/'));
            let bom = if self.has_bom(&path) { "\u{feff}" } else { "" };
            files.push(FileChange { path, before: format!("{bom}{before}"), after: format!("{bom}{text}") });
        }
        files
    }

    fn has_bom(&self, path: &str) -> bool {
        let root = self.request[0]["root"].as_str().unwrap_or(".");
        std::fs::read(Path::new(root).join(path)).is_ok_and(|bytes| bytes.starts_with("\u{feff}".as_bytes()))
    }
}

/// Fails, listing them, when the suite's settings have errors: what the steps do depends on
/// them (kinds, cast, columns), and verifying with faulty settings would verify nothing.
fn refuse_bad_settings(request: &[u8]) -> Result<()> {
    let environment = Environment { github_actions: false, ..Environment::from_process() };
    let (_, findings) = analyze(&crate::COMBINED, request, &environment);
    let mut errors = Diagnostics::new();
    let about_settings =
        |d: &&Diagnostic| d.level == Level::Error && d.location.as_ref().is_some_and(|l| l.setting.is_some());
    errors.extend(findings.iter().filter(about_settings).cloned());
    if errors.iter().next().is_some() {
        bail!("fix the suite's settings first:\n{}", errors.render("mdbook-vision migrate", None));
    }
    Ok(())
}

/// What the suite makes of one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rendered {
    /// Its preprocessed markdown.
    pub text: String,
    /// The findings about it: code and message.
    pub findings: Vec<(String, String)>,
}

/// Calls `f` with the file and content of every chapter that has a file.
fn visit_chapters(value: &Value, f: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::Object(object) => {
            if let (Some(Value::String(file)), Some(Value::String(content))) =
                (object.get("source_path"), object.get("content"))
            {
                f(file, content);
            }
            object.values().for_each(|v| visit_chapters(v, f));
        }
        Value::Array(items) => items.iter().for_each(|v| visit_chapters(v, f)),
        _ => {}
    }
}

/// Sets the content of every chapter whose file is in `texts`.
fn set_chapters(value: &mut Value, texts: &BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            let file = object.get("source_path").and_then(Value::as_str).map(str::to_owned);
            if let Some(text) = file.and_then(|f| texts.get(&f))
                && object.contains_key("content")
            {
                object.insert("content".to_owned(), Value::String(text.clone()));
            }
            object.values_mut().for_each(|v| set_chapters(v, texts));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| set_chapters(v, texts)),
        _ => {}
    }
}
