//! Running features over a book: the single pass every preprocessor of the suite makes.
//!
//! The request is read, the version checked, the settings read, every chapter parsed once and
//! the [`VisionBook`] built; then each [`Feature`] records its edits of each page against the
//! same parse, the edits are spliced in, and the book goes back in the dialect it came in.
//! Findings go to stderr; on an error nothing is written to stdout and the exit code is 1.

use std::io::{Read as _, Write as _};

use anyhow::Context as _;

use crate::config::{self, Settings};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::VisionBook;
use crate::protocol::Request;
use crate::splice::Edits;

/// One feature of the suite: a function over the model that edits pages and reports findings.
pub trait Feature {
    /// The preprocessor's name, as in `[preprocessor.NAME]` (`vision-stories`).
    fn name(&self) -> &'static str;

    /// Records this feature's edits of page `page` of `book`, and its findings.
    fn edit_page(
        &self,
        book: &VisionBook<'_>,
        page: usize,
        edits: &mut Edits,
        diagnostics: &mut Vec<Diagnostic>,
    );

    /// Checks this feature's settings, once per run, before the book is read.
    fn check_settings(&self, _settings: &Settings, _diagnostics: &mut Vec<Diagnostic>) {}
}

/// What a run reads from the process environment.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `GITHUB_ACTIONS=true`: also print findings as workflow annotations.
    pub github_actions: bool,
    /// The time of the build, in seconds since the Unix epoch: `SOURCE_DATE_EPOCH` when set,
    /// so builds are reproducible, else the clock.
    pub now: u64,
}

impl Environment {
    /// The environment of this process.
    pub fn from_process() -> Self {
        Environment {
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            now: std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| v.trim().parse().ok()).unwrap_or_else(
                || {
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs())
                },
            ),
        }
    }
}

/// What a run writes and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The book as JSON, or nothing when the run failed.
    pub stdout: Vec<u8>,
    /// The rendered findings.
    pub stderr: String,
    /// 0 on success, 1 when the book has errors or the input is bad, 2 for bad arguments.
    pub exit_code: i32,
}

/// Runs a preprocessor binary: `supports RENDERER`, or a book on stdin.
pub fn run_cli(
    tool: &str,
    args: &[String],
    stdin: &[u8],
    env: &Environment,
    features: &[&dyn Feature],
) -> Outcome {
    match args {
        [] => preprocess(tool, stdin, env, features),
        [supports, _renderer] if supports == "supports" => {
            Outcome { stdout: Vec::new(), stderr: String::new(), exit_code: 0 }
        }
        _ => Outcome {
            stdout: Vec::new(),
            stderr: format!(
                "usage: {tool} [supports RENDERER]\n\nAn mdBook preprocessor: mdBook runs it with the book as JSON on stdin.\n"
            ),
            exit_code: 2,
        },
    }
}

/// Preprocesses the `[context, book]` request in `input` with `features`.
pub fn preprocess(tool: &str, input: &[u8], env: &Environment, features: &[&dyn Feature]) -> Outcome {
    let (book, diagnostics) = analyze(input, env, features);
    let failed = book.is_none();
    Outcome {
        stdout: book.unwrap_or_default(),
        stderr: diagnostics.render(tool, env.github_actions),
        exit_code: i32::from(failed),
    }
}

/// Runs `features` over the request in `input`: the book JSON to answer with (`None` when the
/// input is bad or the book has errors), and every finding.
pub fn analyze(input: &[u8], env: &Environment, features: &[&dyn Feature]) -> (Option<Vec<u8>>, Diagnostics) {
    let mut findings = Vec::new();
    let book = process(input, env, features, &mut findings).unwrap_or_else(|error| {
        findings.push(Diagnostic::error("bad-input", format!("{error:#}")));
        Vec::new()
    });
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(findings);
    let failed = diagnostics.fail(Severity::Warn) || book.is_empty();
    (if failed { None } else { Some(book) }, diagnostics)
}

/// The book JSON to answer with, empty when the book has errors.
fn process(
    input: &[u8],
    env: &Environment,
    features: &[&dyn Feature],
    findings: &mut Vec<Diagnostic>,
) -> anyhow::Result<Vec<u8>> {
    let mut request = Request::parse(input, findings)?;
    let settings = config::read(request.config(), findings);
    for feature in features {
        feature.check_settings(&settings, findings);
    }
    if has_errors(findings) {
        return Ok(Vec::new());
    }
    let chapters = request.chapters();
    let mut book = VisionBook::from_request(&request, &chapters, settings, findings);
    book.now = env.now;
    // Features run even when the model has errors, so every finding is reported at once; the
    // book is then not answered.
    let mut contents = Vec::with_capacity(book.pages.len());
    for (index, page) in book.pages.iter().enumerate() {
        let mut edits = Edits::new();
        for feature in features {
            feature.edit_page(&book, index, &mut edits, findings);
        }
        contents.push(edits.apply(page.doc.text).with_context(|| format!("editing {}", page.display_path))?);
    }
    if has_errors(findings) {
        return Ok(Vec::new());
    }
    request.set_contents(&contents);
    request.book_json()
}

fn has_errors(findings: &[Diagnostic]) -> bool {
    findings.iter().any(|d| d.level == crate::diagnostics::Level::Error)
}

/// The `main` of a preprocessor binary: runs it on this process's arguments and stdin,
/// writes stdout and stderr, and exits with its code.
pub fn main(tool: &str, features: &[&dyn Feature]) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdin = Vec::new();
    let outcome = if args.is_empty() && std::io::stdin().read_to_end(&mut stdin).is_err() {
        Outcome {
            stdout: Vec::new(),
            stderr: format!("error[bad-input]: {tool} could not read stdin\n"),
            exit_code: 1,
        }
    } else {
        // A bug must still end in a diagnostic and nothing on stdout, not in a panic message.
        std::panic::set_hook(Box::new(|_| {}));
        let run = || run_cli(tool, &args, &stdin, &Environment::from_process(), features);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown failure");
            Outcome {
                stdout: Vec::new(),
                stderr: format!("error[internal]: {tool} failed on this book ({what}); please report it\n"),
                exit_code: 1,
            }
        })
    };
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&outcome.stdout).and_then(|()| stdout.flush()).is_err() {
        std::process::exit(1);
    }
    std::process::exit(outcome.exit_code)
}
