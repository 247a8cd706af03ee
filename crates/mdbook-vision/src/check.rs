//! `mdbook-vision check [BOOK]`: every check of the suite, without rendering or writing.

use std::path::Path;

use anyhow::{Context as _, Result};
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_driver::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use mdbook_vision_core::run::{Environment, analyze};

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// As rustc does, on stderr.
    Human,
    /// A JSON array on stdout, one object per finding.
    Json,
    /// GitHub Actions workflow commands on stdout, and the human form on stderr.
    Github,
}

/// What `check` prints, and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// For stdout.
    pub stdout: String,
    /// For stderr.
    pub stderr: String,
    /// 0 clean, 1 errors (or warnings, with `deny_warnings`), 2 the book cannot be loaded.
    pub exit_code: i32,
}

/// Checks the book in `root` as mdBook would load it, and reports in `format`.
pub fn check(root: &Path, format: Format, deny_warnings: bool) -> Report {
    let (diagnostics, exit_code) = match load(root) {
        Ok(request) => {
            let environment = Environment { github_actions: false, ..Environment::from_process() };
            let (_, diagnostics) = analyze(&crate::COMBINED, &request, &environment);
            let policy = if deny_warnings { Severity::Deny } else { Severity::Warn };
            let code = i32::from(diagnostics.fail(policy));
            (diagnostics, code)
        }
        Err(LoadError { file, error }) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(
                Diagnostic::new(codes::BOOK_LOAD, format!("{error:#}"))
                    .at(Location::file(file))
                    .with_help("mdBook cannot load this book either"),
            );
            (diagnostics, 2)
        }
    };
    render(&diagnostics, format, exit_code)
}

fn render(diagnostics: &Diagnostics, format: Format, exit_code: i32) -> Report {
    const TOOL: &str = "mdbook-vision check";
    let human = diagnostics.render(TOOL, false);
    let (stdout, stderr) = match format {
        Format::Human => (String::new(), human),
        Format::Json => {
            let all: Vec<serde_json::Value> = diagnostics.iter().map(Diagnostic::to_json).collect();
            (format!("{}\n", serde_json::Value::Array(all)), String::new())
        }
        Format::Github => {
            let annotations: String =
                diagnostics.iter().map(|d| format!("{}\n", d.github_annotation())).collect();
            (annotations, human)
        }
    };
    Report { stdout, stderr, exit_code }
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

/// The `[context, book]` request mdBook would send a preprocessor of the book in `root`:
/// book.toml with `MDBOOK_*` overrides, SUMMARY.md, and `{{#include}}` expanded. Nothing is
/// written: a chapter missing on disk is an error, not a new file.
pub fn load(root: &Path) -> Result<Vec<u8>, LoadError> {
    let config = read_config(root).map_err(|error| LoadError { file: "book.toml".to_owned(), error })?;
    let summary = Path::new(&config.book.src).join("SUMMARY.md").display().to_string();
    load_with(root, config).map_err(|error| LoadError { file: summary, error })
}

fn read_config(root: &Path) -> Result<Config> {
    let config_file = root.join("book.toml");
    let mut config = if config_file.exists() { Config::from_disk(&config_file)? } else { Config::default() };
    config.update_from_env()?;
    config.build.create_missing = false;
    Ok(config)
}

fn load_with(root: &Path, config: Config) -> Result<Vec<u8>> {
    let use_defaults = config.build.use_default_preprocessors;
    let book = MDBook::load_with_config(root, config)
        .with_context(|| format!("cannot load the book in {}", root.display()))?;
    let context = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".to_owned());
    let mut chapters = book.book.clone();
    if use_defaults {
        chapters = LinkPreprocessor::new().run(&context, chapters)?;
        chapters = IndexPreprocessor::new().run(&context, chapters)?;
    }
    Ok(serde_json::to_vec(&(&context, &chapters))?)
}
