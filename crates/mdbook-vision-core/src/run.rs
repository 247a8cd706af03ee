//! Running features over a book: the single pass every preprocessor of the suite makes.
//!
//! The request is read, the version checked, the settings read, every chapter parsed once and
//! the [`VisionBook`] built; then each [`Feature`], prepared once for the book, records its
//! edits of each page against the same parse, the edits are spliced in, and the book goes
//! back in the dialect it came in. Findings go to stderr; on an error nothing is written to
//! stdout and the exit code is 1.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::io::{Read as _, Write as _};
use std::sync::Mutex;

use crate::config;
use crate::diagnostics::{Diagnostic, Diagnostics, Level, Severity};
use crate::feature::{Feature, PageEditor};
use crate::model::VisionBook;
use crate::protocol::Request;
use crate::splice::Edits;

/// A preprocessor of the suite: its binary and the features it runs.
#[derive(Clone, Copy)]
pub struct Preprocessor<'f> {
    /// The binary's name, for messages (`mdbook-vision-faq`).
    pub name: &'f str,
    /// The features it runs, in order.
    pub features: &'f [&'f dyn Feature],
    /// Whether the switches of `[preprocessor.vision]` (`faq = false`) turn features off:
    /// true for the combined preprocessor only.
    pub switched: bool,
}

impl<'f> Preprocessor<'f> {
    /// The standalone preprocessor of one feature.
    pub fn standalone(feature: &'f [&'f dyn Feature; 1]) -> Self {
        Preprocessor { name: feature[0].id().binary(), features: feature, switched: false }
    }
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

/// Why a run gives no book.
#[derive(Debug)]
pub enum Failure {
    /// The input is not a request mdBook sends; the error says what is wrong with it.
    BadInput(anyhow::Error),
    /// The book has errors, each reported as a finding.
    Findings,
    /// A bug in the suite.
    Internal(anyhow::Error),
}

/// Runs a preprocessor binary: `supports RENDERER`, or a book on stdin.
pub fn run_cli(preprocessor: &Preprocessor<'_>, args: &[String], stdin: &[u8], env: &Environment) -> Outcome {
    match args {
        [] => preprocess(preprocessor, stdin, env),
        [supports, _renderer] if supports == "supports" => {
            Outcome { stdout: Vec::new(), stderr: String::new(), exit_code: 0 }
        }
        _ => Outcome {
            stdout: Vec::new(),
            stderr: format!(
                "usage: {} [supports RENDERER]\n\nAn mdBook preprocessor: mdBook runs it with the book as JSON on stdin.\n",
                preprocessor.name
            ),
            exit_code: 2,
        },
    }
}

/// Preprocesses the `[context, book]` request in `input`.
pub fn preprocess(preprocessor: &Preprocessor<'_>, input: &[u8], env: &Environment) -> Outcome {
    let (book, diagnostics) = analyze(preprocessor, input, env);
    let failed = book.is_none();
    Outcome {
        stdout: book.unwrap_or_default(),
        stderr: diagnostics.render(preprocessor.name, env.github_actions),
        exit_code: i32::from(failed),
    }
}

/// Runs a preprocessor over the request in `input`: the book JSON to answer with (`None` when
/// the input is bad or the book has errors), and every finding.
pub fn analyze(
    preprocessor: &Preprocessor<'_>,
    input: &[u8],
    env: &Environment,
) -> (Option<Vec<u8>>, Diagnostics) {
    let mut findings = Vec::new();
    let result = process(preprocessor, input, env, &mut findings);
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(findings);
    match result {
        Ok(book) if !diagnostics.fail(Severity::Warn) => (Some(book), diagnostics),
        Ok(_) | Err(Failure::Findings) => (None, diagnostics),
        Err(Failure::BadInput(error) | Failure::Internal(error)) => {
            diagnostics.push(Diagnostic::error("bad-input", format!("{error:#}")));
            (None, diagnostics)
        }
    }
}

/// The book JSON to answer with.
fn process(
    preprocessor: &Preprocessor<'_>,
    input: &[u8],
    env: &Environment,
    findings: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, Failure> {
    let mut request = Request::parse(input, findings).map_err(Failure::BadInput)?;
    let settings = config::read(request.config(), findings);
    let features: Vec<&dyn Feature> = preprocessor
        .features
        .iter()
        .copied()
        .filter(|f| !preprocessor.switched || settings.features.enabled(f.id()))
        .collect();
    for feature in &features {
        feature.check_settings(&settings, findings);
    }
    if has_errors(findings) {
        return Err(Failure::Findings);
    }
    let chapters = request.chapters();
    let contents = {
        let mut book = VisionBook::from_request(&request, &chapters, settings, findings);
        book.now = env.now;
        edit_pages(&book, &features, findings)?
    };
    // Features run even when the model has errors, so every finding is reported at once; the
    // book is then not answered.
    if has_errors(findings) {
        return Err(Failure::Findings);
    }
    request.set_contents(&contents);
    request.book_json().map_err(Failure::Internal)
}

/// Every page's new content (`None`: unchanged), with every feature's edits.
fn edit_pages(
    book: &VisionBook<'_>,
    features: &[&dyn Feature],
    findings: &mut Vec<Diagnostic>,
) -> Result<Vec<Option<String>>, Failure> {
    let editors: Vec<Box<dyn PageEditor + '_>> = features.iter().map(|f| f.prepare(book, findings)).collect();
    book.page_ids()
        .map(|page| {
            let mut edits = Edits::new();
            for editor in &editors {
                editor.edit_page(page, &mut edits, findings);
            }
            edits.apply(book.page(page).doc.text).map_err(|error| {
                Failure::Internal(error.context(format!("editing {}", book.page(page).display_path)))
            })
        })
        .collect()
}

fn has_errors(findings: &[Diagnostic]) -> bool {
    findings.iter().any(|d| d.level == Level::Error)
}

/// The backtrace of the last panic, when `RUST_BACKTRACE` asks for one.
static PANIC_BACKTRACE: Mutex<Option<String>> = Mutex::new(None);

/// The `main` of a preprocessor binary: runs it on this process's arguments and stdin,
/// writes stdout and stderr, and exits with its code.
pub fn main(preprocessor: &Preprocessor<'_>) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdin = Vec::new();
    let outcome = if args.is_empty() && std::io::stdin().read_to_end(&mut stdin).is_err() {
        Outcome {
            stdout: Vec::new(),
            stderr: format!("error[bad-input]: {} could not read stdin\n", preprocessor.name),
            exit_code: 1,
        }
    } else {
        run_catching_panics(preprocessor, &args, &stdin)
    };
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&outcome.stdout).and_then(|()| stdout.flush()).is_err() {
        std::process::exit(1);
    }
    std::process::exit(outcome.exit_code)
}

/// A bug must still end in a diagnostic and nothing on stdout, not in a panic message; with
/// `RUST_BACKTRACE=1` the diagnostic carries the backtrace.
fn run_catching_panics(preprocessor: &Preprocessor<'_>, args: &[String], stdin: &[u8]) -> Outcome {
    std::panic::set_hook(Box::new(|_| {
        let backtrace = Backtrace::capture();
        if backtrace.status() == BacktraceStatus::Captured
            && let Ok(mut slot) = PANIC_BACKTRACE.lock()
        {
            *slot = Some(backtrace.to_string());
        }
    }));
    let run = || run_cli(preprocessor, args, stdin, &Environment::from_process());
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown failure");
        let backtrace = PANIC_BACKTRACE.lock().ok().and_then(|mut slot| slot.take());
        Outcome {
            stdout: Vec::new(),
            stderr: format!(
                "error[internal]: {} failed on this book ({what}); please report it\n{}",
                preprocessor.name,
                backtrace.map(|b| format!("backtrace:\n{b}\n")).unwrap_or_default()
            ),
            exit_code: 1,
        }
    })
}
