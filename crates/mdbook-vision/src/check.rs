//! `mdbook-vision check [BOOK]`: every check of the suite, without rendering or writing.

use std::fmt::Write as _;
use std::path::Path;

use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{
    Diagnostic, Diagnostics, Level, Location, Severity, annotation_prefix,
};
use mdbook_vision_core::run::{Environment, analyze};

use crate::load::{LoadError, load};

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
    /// With `--format github`: every finding as a markdown table, for the job summary
    /// (`$GITHUB_STEP_SUMMARY`), which, unlike annotations, GitHub does not cap.
    pub step_summary: Option<String>,
    /// 0 clean, 1 errors (or warnings, with `deny_warnings`), 2 the book cannot be loaded.
    pub exit_code: i32,
}

/// Checks the book in `root` as mdBook would load it, and reports in `format`.
pub fn check(root: &Path, format: Format, deny_warnings: bool) -> Report {
    let (diagnostics, exit_code) = match load(root) {
        Ok(book) => {
            let environment = Environment { github_actions: false, ..Environment::from_process() };
            let (_, analysis) = analyze(&crate::COMBINED, &book.request, &environment);
            let mut diagnostics = Diagnostics::new();
            diagnostics.extend(book.findings);
            diagnostics.extend(analysis.iter().cloned());
            let policy = if deny_warnings { Severity::Deny } else { Severity::Warn };
            let code = i32::from(diagnostics.fail(policy));
            (diagnostics, code)
        }
        Err(LoadError { file, error }) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(
                Diagnostic::new(codes::BOOK_LOAD, format!("{error:#}"))
                    .at(Location::file(file))
                    .with_help("this is what mdBook reports when it loads the book: fix it, and check again"),
            );
            (diagnostics, 2)
        }
    };
    let workspace = std::env::var_os("GITHUB_WORKSPACE").map(std::path::PathBuf::from);
    render(&diagnostics, format, exit_code, &annotation_prefix(root, workspace.as_deref()))
}

/// The report of `diagnostics`; `prefix` is the book's folder in the repository, for the
/// paths of annotations.
fn render(diagnostics: &Diagnostics, format: Format, exit_code: i32, prefix: &str) -> Report {
    const TOOL: &str = "mdbook-vision check";
    let human = diagnostics.render(TOOL, None);
    let (stdout, stderr, step_summary) = match format {
        Format::Human => (String::new(), human, None),
        Format::Json => {
            let all: Vec<serde_json::Value> = diagnostics.iter().map(Diagnostic::to_json).collect();
            (format!("{}\n", serde_json::Value::Array(all)), String::new(), None)
        }
        Format::Github => {
            let annotations: String =
                diagnostics.iter().map(|d| format!("{}\n", d.github_annotation(prefix))).collect();
            (annotations, human, Some(summary_table(diagnostics)))
        }
    };
    Report { stdout, stderr, step_summary, exit_code }
}

/// Every finding as a markdown table, for a GitHub job summary.
pub fn summary_table(diagnostics: &Diagnostics) -> String {
    let mut out = String::from("## Vision doc check\n\n");
    if diagnostics.iter().next().is_none() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("| | code | where | finding |\n| --- | --- | --- | --- |\n");
    for diagnostic in diagnostics.iter() {
        let level = match diagnostic.level {
            Level::Error => "❌ error",
            Level::Warning => "⚠️ warning",
            Level::Note => "ℹ️ note",
        };
        let place = diagnostic.location.as_ref().map_or(String::new(), |l| match &l.span {
            Some(span) => format!("`{}:{}`", l.path, span.line),
            None => format!("`{}`", l.path),
        });
        let mut finding = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            let _ = write!(finding, " — {help}");
        }
        let cell = |text: &str| text.replace('|', "\\|").replace(['\n', '\r'], " ");
        let _ = writeln!(out, "| {level} | `{}` | {place} | {} |", diagnostic.code, cell(&finding));
    }
    out
}
