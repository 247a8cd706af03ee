//! Running features over a book: the single pass every preprocessor of the suite makes.
//!
//! The request is read (and meanwhile the settings, from its context), the version checked,
//! every chapter parsed once and the [`VisionBook`] built; then each [`Feature`], prepared
//! once for the book, records its edits of each page against the same parse, the edits are
//! spliced in, and the book goes back in the dialect it came in. Findings go to stderr; on an
//! error nothing is written to stdout and the exit code is 1.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::io::{Read as _, Write as _};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::codes;
use crate::config::{self, OnError, Settings};
use crate::diagnostics::{Diagnostic, Diagnostics, Level, Severity, annotation_prefix};
use crate::feature::{Feature, PageEditor};
use crate::model::{Kinds, Needs, PageId, VisionBook};
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
    /// `GITHUB_ACTIONS=true`: also print findings as workflow annotations; unless
    /// `MDBOOK_VISION_CHECKED=true`, which `mdbook-vision check --format github` sets for the
    /// rest of the job, so that each finding is annotated once.
    pub github_actions: bool,
    /// The time of the build, in seconds since the Unix epoch: `SOURCE_DATE_EPOCH` when set,
    /// so builds are reproducible, else the clock.
    pub now: u64,
    /// `SOURCE_DATE_EPOCH` when it is set but not a number of seconds (then `now` is the
    /// clock's, and a warning says so).
    pub invalid_epoch: Option<String>,
    /// Whether the process exits right after the run (a preprocessor binary), so that what the
    /// run built need not be freed.
    pub exits_after: bool,
    /// The repository's folder, under GitHub Actions (`GITHUB_WORKSPACE`): annotations name
    /// files from its root.
    pub workspace: Option<std::path::PathBuf>,
}

impl Environment {
    /// The annotations to print for a book at `root`: `None` outside GitHub Actions, else the
    /// book's folder in the repository, before the paths of annotations.
    pub fn annotations(&self, root: &str) -> Option<String> {
        self.github_actions.then(|| annotation_prefix(std::path::Path::new(root), self.workspace.as_deref()))
    }
}

impl Environment {
    /// The environment of this process.
    pub fn from_process() -> Self {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
        let parsed = epoch.as_deref().and_then(|v| v.trim().parse().ok());
        Environment {
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
                && !std::env::var("MDBOOK_VISION_CHECKED").is_ok_and(|v| v == "true"),
            now: parsed.unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
            }),
            invalid_epoch: epoch.filter(|_| parsed.is_none()),
            exits_after: false,
            workspace: std::env::var_os("GITHUB_WORKSPACE").map(std::path::PathBuf::from),
        }
    }

    /// The warning for a `SOURCE_DATE_EPOCH` that is not a number of seconds, if it is set so.
    fn epoch_warning(&self) -> Option<Diagnostic> {
        let value = self.invalid_epoch.as_ref()?;
        Some(
            Diagnostic::new(
                codes::BAD_ENVIRONMENT,
                format!(
                    "`SOURCE_DATE_EPOCH` is `{value}`, not a number of seconds: the clock is used instead"
                ),
            )
            .with_help("set it to seconds since 1970-01-01 UTC (`date +%s`), or unset it"),
        )
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
        [flag] if flag == "--help" || flag == "-h" => {
            Outcome { stdout: usage(preprocessor).into_bytes(), stderr: String::new(), exit_code: 0 }
        }
        [flag] if flag == "--version" || flag == "-V" => Outcome {
            stdout: format!("{} {}\n", preprocessor.name, env!("CARGO_PKG_VERSION")).into_bytes(),
            stderr: String::new(),
            exit_code: 0,
        },
        _ => Outcome { stdout: Vec::new(), stderr: usage(preprocessor), exit_code: 2 },
    }
}

fn usage(preprocessor: &Preprocessor<'_>) -> String {
    format!(
        "usage: {} [supports RENDERER | --help | --version]\n\nAn mdBook preprocessor: mdBook runs it with the book as JSON on stdin.\n",
        preprocessor.name
    )
}

/// Preprocesses the `[context, book]` request in `input`.
pub fn preprocess(preprocessor: &Preprocessor<'_>, input: &[u8], env: &Environment) -> Outcome {
    let Analysis { request, mut diagnostics, root } = analyze_owned(preprocessor, input.to_vec(), env);
    let stdout = request.map(|request| {
        let mut json = Vec::new();
        let written = request.write_book(&mut json);
        (json, written)
    });
    let stdout = match stdout {
        Some((json, Ok(()))) => Some(json),
        Some((_, Err(error))) => {
            diagnostics.push(internal_error(&error));
            None
        }
        None => None,
    };
    Outcome {
        exit_code: i32::from(stdout.is_none()),
        stdout: stdout.unwrap_or_default(),
        stderr: diagnostics.render(preprocessor.name, env.annotations(&root).as_deref()),
    }
}

/// Runs a preprocessor over the request in `input`: the request with the edited book to
/// answer with (`None` when the input is bad or the book has errors), and every finding.
pub fn analyze(
    preprocessor: &Preprocessor<'_>,
    input: &[u8],
    env: &Environment,
) -> (Option<Request>, Diagnostics) {
    let analysis = analyze_owned(preprocessor, input.to_vec(), env);
    (analysis.request, analysis.diagnostics)
}

/// What [`analyze`] finds, with the book's root folder (`context.root`), which findings about
/// settings and GitHub annotations are placed by.
struct Analysis {
    request: Option<Request>,
    diagnostics: Diagnostics,
    root: String,
}

/// [`analyze`] of a request read into `input`, which the request keeps.
fn analyze_owned(preprocessor: &Preprocessor<'_>, input: Vec<u8>, env: &Environment) -> Analysis {
    let mut findings = Vec::new();
    let context = Request::context_of(&input);
    let root = Request::root_in(context.as_ref());
    let result = parse_configured(input, context.as_ref(), &mut findings)
        .and_then(|(request, configured)| process(preprocessor, request, configured, env, &mut findings));
    let (request, diagnostics) = conclude(result, findings, &root);
    Analysis { request, diagnostics, root }
}

/// The settings and the kinds' compiled globs, read from a request's config, with the
/// findings of each, which are reported in their turn.
struct Configured {
    settings: Settings,
    settings_findings: Vec<Diagnostic>,
    kinds: Kinds,
    kinds_findings: Vec<Diagnostic>,
}

impl Configured {
    fn read(config: &serde_json::Value) -> Self {
        let (mut settings_findings, mut kinds_findings) = (Vec::new(), Vec::new());
        let settings = config::read(config, &mut settings_findings);
        let kinds = Kinds::new(&settings, &mut kinds_findings);
        Configured { settings, settings_findings, kinds, kinds_findings }
    }
}

/// Parses the request in `input` and, on another thread, reads the settings of its
/// `context`, read ahead: the config comes first in a request, and compiling the globs of
/// the kinds takes about as long as parsing a small book.
fn parse_configured(
    input: Vec<u8>,
    context: Option<&serde_json::Map<String, serde_json::Value>>,
    findings: &mut Vec<Diagnostic>,
) -> Result<(Request, Configured), Failure> {
    let (request, configured) = rayon::join(
        || Request::parse_owned(input, findings),
        || context.map(|context| Configured::read(Request::config_in(context))),
    );
    let request = request.map_err(Failure::BadInput)?;
    let configured = configured.unwrap_or_else(|| Configured::read(request.config()));
    Ok((request, configured))
}

/// The request to answer with, if the run succeeded, and the findings in order, those about
/// settings placed at their line of the book.toml in `root`.
fn conclude(
    result: Result<Request, Failure>,
    mut findings: Vec<Diagnostic>,
    root: &str,
) -> (Option<Request>, Diagnostics) {
    config::place_settings(std::path::Path::new(root), &mut findings);
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(findings);
    match result {
        Ok(request) if !diagnostics.fail(Severity::Warn) => (Some(request), diagnostics),
        Ok(_) | Err(Failure::Findings) => (None, diagnostics),
        Err(Failure::BadInput(error)) => {
            diagnostics.push(Diagnostic::new(codes::BAD_INPUT, format!("{error:#}")));
            (None, diagnostics)
        }
        Err(Failure::Internal(error)) => {
            diagnostics.push(internal_error(&error));
            (None, diagnostics)
        }
    }
}

fn internal_error(error: &anyhow::Error) -> Diagnostic {
    Diagnostic::new(codes::BAD_INPUT, format!("{error:#}"))
}

/// Runs the features of `preprocessor` over `request`, `configured` by its config: the
/// request, its chapters edited.
fn process(
    preprocessor: &Preprocessor<'_>,
    mut request: Request,
    configured: Configured,
    env: &Environment,
    findings: &mut Vec<Diagnostic>,
) -> Result<Request, Failure> {
    findings.extend(env.epoch_warning());
    let Configured { settings, mut settings_findings, kinds, mut kinds_findings } = configured;
    findings.append(&mut settings_findings);
    let on_error = settings.on_error;
    settle(findings, on_error);
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
    let needs = features.iter().fold(Needs::default(), |needs, f| needs.and(f.needs()));
    let chapters = request.chapters();
    let edits = {
        findings.append(&mut kinds_findings);
        let mut book =
            VisionBook::from_request_with_kinds(&request, &chapters, settings, kinds, needs, findings);
        book.now = env.now;
        let edits = edit_pages(&book, &features, findings)?;
        if env.exits_after {
            // The process ends right after this run: the operating system takes the model
            // back at once, faster than freeing it piece by piece.
            std::mem::forget(book);
        }
        edits
    };
    // Features run even when the model has errors, so every finding is reported at once; the
    // book is then not answered.
    settle(findings, on_error);
    if has_errors(findings) {
        return Err(Failure::Findings);
    }
    drop(chapters);
    request.set_edits(edits);
    Ok(request)
}

/// Every page's edits, checked against its text (`None`: unchanged), from every feature.
fn edit_pages(
    book: &VisionBook<'_>,
    features: &[&dyn Feature],
    findings: &mut Vec<Diagnostic>,
) -> Result<Vec<Option<Edits>>, Failure> {
    let editors: Vec<Box<dyn PageEditor + '_>> = features.iter().map(|f| f.prepare(book, findings)).collect();
    let mut edited: Vec<(PageId, anyhow::Result<Option<Edits>>, Vec<Diagnostic>)> = pages_longest_first(book)
        .into_par_iter()
        .map(|page| {
            let mut edits = Edits::new();
            let mut page_findings = Vec::new();
            for editor in &editors {
                editor.edit_page(page, &mut edits, &mut page_findings);
            }
            let edits = edits
                .checked(book.page(page).doc.text)
                .map_err(|error| error.context(format!("editing {}", book.page(page).display_path)));
            (page, edits, page_findings)
        })
        .collect();
    // Findings in page order, whatever order the pages were edited in.
    edited.sort_unstable_by_key(|(page, ..)| *page);
    let mut all_edits = Vec::with_capacity(edited.len());
    for (_, edits, page_findings) in edited {
        findings.extend(page_findings);
        all_edits.push(edits.map_err(Failure::Internal)?);
    }
    Ok(all_edits)
}

/// The book's pages, those with directives first, most directives first: a page that
/// expands lists over the whole book takes longest to edit, and started last it would leave
/// the other cores waiting on it.
fn pages_longest_first(book: &VisionBook<'_>) -> Vec<PageId> {
    let mut pages: Vec<PageId> = book.page_ids().collect();
    pages.sort_by_key(|&page| std::cmp::Reverse(book.page(page).doc.directives.len()));
    pages
}

/// With `on-error = "warn"`, every error is a warning: its spot is left as written (a feature
/// never edits what it reports an error about) and the book is built.
fn settle(findings: &mut [Diagnostic], on_error: OnError) {
    if on_error == OnError::Warn {
        for finding in findings.iter_mut().filter(|f| f.level == Level::Error) {
            finding.level = Level::Warning;
        }
    }
}

fn has_errors(findings: &[Diagnostic]) -> bool {
    findings.iter().any(|d| d.level == Level::Error)
}

/// Writes the book to `out`, through a buffer of its own.
fn write_answer(request: &Request, out: impl std::io::Write) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    request.write_book(&mut out)?;
    Ok(out.flush()?)
}

/// Stdout as a plain file: Rust's stdout looks for line ends in all that is written to it,
/// to flush at each, which the book, written in large buffers, does not need.
#[cfg(unix)]
fn unbuffered_stdout() -> Option<std::fs::File> {
    use std::os::fd::AsFd as _;
    std::io::stdout().as_fd().try_clone_to_owned().ok().map(std::fs::File::from)
}

#[cfg(not(unix))]
fn unbuffered_stdout() -> Option<std::fs::File> {
    None
}

/// The backtrace of the last panic, when `RUST_BACKTRACE` asks for one.
static PANIC_BACKTRACE: Mutex<Option<String>> = Mutex::new(None);

/// The `main` of a preprocessor binary: runs it on this process's arguments and stdin,
/// writes stdout and stderr, and exits with its code.
pub fn main(preprocessor: &Preprocessor<'_>) -> ! {
    crate::malloc::grow_heaps_ahead();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A bug must still end in a diagnostic and nothing on stdout, not in a panic message; with
    // `RUST_BACKTRACE=1` the diagnostic carries the backtrace.
    std::panic::set_hook(Box::new(|_| {
        let backtrace = Backtrace::capture();
        if backtrace.status() == BacktraceStatus::Captured
            && let Ok(mut slot) = PANIC_BACKTRACE.lock()
        {
            *slot = Some(backtrace.to_string());
        }
    }));
    // The run is made on a thread of the pool, not here: each parallel step then starts and
    // ends on the pool, and this thread, which would wait for it, need not be woken between
    // them (4 to 7% faster at 300 stories). A panic comes back here all the same.
    let run = || rayon::scope(|_| run_binary(preprocessor, &args));
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown failure");
        let backtrace = PANIC_BACKTRACE.lock().ok().and_then(|mut slot| slot.take());
        let _ = write!(
            std::io::stderr(),
            "error[internal]: {} failed on this book ({what}); please report it\n{}",
            preprocessor.name,
            backtrace.map(|b| format!("backtrace:\n{b}\n")).unwrap_or_default()
        );
        1
    });
    std::process::exit(code)
}

/// Runs the binary: `supports RENDERER`, or the book on stdin to stdout. Returns the exit
/// code. The book is written straight to stdout, and only once every check has passed.
fn run_binary(preprocessor: &Preprocessor<'_>, args: &[String]) -> i32 {
    if !args.is_empty() {
        let outcome = run_cli(preprocessor, args, &[], &Environment::from_process());
        let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
        if std::io::stdout().write_all(&outcome.stdout).and_then(|()| std::io::stdout().flush()).is_err() {
            return 1;
        }
        return outcome.exit_code;
    }
    let env = Environment { exits_after: true, ..Environment::from_process() };
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        let _ = writeln!(std::io::stderr(), "error[bad-input]: {} could not read stdin", preprocessor.name);
        return 1;
    }
    let Analysis { request, diagnostics, root } = analyze_owned(preprocessor, input, &env);
    let annotations = env.annotations(&root);
    let _ =
        std::io::stderr().write_all(diagnostics.render(preprocessor.name, annotations.as_deref()).as_bytes());
    let Some(request) = request else { return 1 };
    let written = match unbuffered_stdout() {
        Some(file) => write_answer(&request, file),
        None => write_answer(&request, std::io::stdout().lock()),
    };
    // The process exits now: the request need not be freed.
    std::mem::forget(request);
    match written {
        Ok(()) => 0,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error[bad-output]: {}: {error:#}", preprocessor.name);
            1
        }
    }
}
