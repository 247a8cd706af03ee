//! Spec-like golden files, in the manner of pulldown-cmark's spec tests.
//!
//! A spec file is markdown; each case is a fenced `example` block under a `##` heading that
//! names it. The block has three parts separated by lines holding a single `.`:
//!
//! ~~~text
//! ```````````````````````````````` example
//! --- book.toml
//! [preprocessor.vision-stories]
//! --- src/vision/status_quo/alan.md
//! (input chapter; chapters are in SUMMARY.md order)
//! .
//! --- src/vision/status_quo/alan.md
//! (expected chapter; chapters not listed must come back byte-identical)
//! .
//! (expected stderr, exactly)
//! ````````````````````````````````
//! ~~~
//!
//! A fenced `prelude` block before the cases holds files that every case of the file has too
//! (after its own, and unless it has its own file at that path), except the cases whose fence
//! says `no-prelude`.
//!
//! A file header may add `crlf` (the file's line endings become CRLF, in input and expected
//! output), `bom` (the file starts with a byte order mark), `name="..."` (its name in
//! SUMMARY.md, else the text of its top-level heading, else its file stem) and `under=PATH`
//! (SUMMARY.md nests it under that chapter, which comes before it). The fence may add
//! `mdbook=0.4.52` to run a case against one mdBook version only (otherwise each case runs
//! against both dialects and must give the same result), and `epoch=SECONDS` to set the time
//! of the build (as `SOURCE_DATE_EPOCH` does; the default is 2021-06-01). Every case is also run a second time
//! on its own output, which must then come back unchanged: running a preprocessor twice gives
//! the same book as running it once. `BLESS=1` rewrites the expected parts from the results.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};

use mdbook_vision_core::run::{Environment, Preprocessor, preprocess};
use serde_json::Value;

use crate::request::{self, Item, VERSIONS, chapter, chapter_contents, named_chapter};

const FENCE: &str = "````````````````````````````````";

/// The time of the build in spec cases unless they say otherwise: 2021-06-01.
pub const DEFAULT_EPOCH: u64 = 1_622_505_600;

/// One case of a spec file.
#[derive(Debug, Clone)]
pub struct Case {
    /// The `##` heading above it.
    pub name: String,
    /// The line of its opening fence, 1-based.
    pub line: usize,
    /// Restricts the case to one mdBook version.
    pub only_version: Option<String>,
    /// The time of the build, in seconds since the Unix epoch.
    pub epoch: u64,
    /// book.toml, if given.
    pub book_toml: Option<String>,
    /// Input chapters, `(path under src, content)`, in order.
    pub inputs: Vec<(String, String)>,
    /// Each input chapter's SUMMARY.md name and parent chapter, when the file header gives them.
    pub summary: Vec<(Option<String>, Option<String>)>,
    /// Expected changed chapters.
    pub outputs: Vec<(String, String)>,
    /// Expected stderr.
    pub stderr: String,
    body_lines: (usize, usize),
    output_start: usize,
}

/// What running a case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actual {
    /// Chapters that changed.
    pub outputs: Vec<(String, String)>,
    /// The diagnostics.
    pub stderr: String,
    /// The exit code.
    pub exit_code: i32,
}

/// Reads the cases of a spec file.
pub fn parse(text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut name = String::new();
    let mut prelude: Vec<(String, String)> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if let Some(heading) = line.strip_prefix("## ") {
            name = heading.trim().to_owned();
        }
        if line.strip_prefix(FENCE).is_some_and(|r| r.trim() == "prelude") {
            let end = (index + 1..lines.len()).find(|&i| lines[i] == FENCE).unwrap_or(lines.len());
            prelude = parse_files(&lines[index + 1..end]);
            index = end;
        }
        if let Some(rest) = line.strip_prefix(FENCE).and_then(|r| r.trim().strip_prefix("example")) {
            let end = (index + 1..lines.len()).find(|&i| lines[i] == FENCE).unwrap_or(lines.len());
            let mut case = parse_case(&name, index, rest.trim(), &lines[index + 1..end]);
            let with_prelude = !rest.split_whitespace().any(|option| option == "no-prelude");
            for (path, content) in prelude.iter().filter(|_| with_prelude) {
                if !case.inputs.iter().any(|(own, _)| own == path) {
                    case.inputs.push((path.clone(), content.clone()));
                    case.summary.push((None, None));
                }
            }
            cases.push(case);
            index = end;
        }
        index += 1;
    }
    cases
}

fn parse_case(name: &str, fence_line: usize, options: &str, body: &[&str]) -> Case {
    let dots: Vec<usize> = body.iter().enumerate().filter(|(_, l)| **l == ".").map(|(i, _)| i).collect();
    assert!(dots.len() == 2, "spec case `{name}` (line {}) needs exactly two `.` lines", fence_line + 1);
    let headers = parse_headers(&body[..dots[0]]);
    let files = parse_files(&body[..dots[0]]);
    let book_toml = files.iter().find(|(p, _)| p == "book.toml").map(|(_, c)| c.clone());
    Case {
        name: name.to_owned(),
        line: fence_line + 1,
        only_version: option(options, "mdbook"),
        epoch: option(options, "epoch").and_then(|e| e.parse().ok()).unwrap_or(DEFAULT_EPOCH),
        book_toml,
        inputs: files.into_iter().filter(|(p, _)| p != "book.toml").collect(),
        summary: headers.into_iter().filter(|(p, _, _)| p != "book.toml").map(|(_, n, u)| (n, u)).collect(),
        outputs: parse_files(&body[dots[0] + 1..dots[1]]),
        stderr: body[dots[1] + 1..].join("\n").trim().to_owned(),
        body_lines: (fence_line + 1, fence_line + 1 + body.len()),
        output_start: fence_line + 1 + dots[0] + 1,
    }
}

/// The value of `key=value` among a fence's options.
fn option(options: &str, key: &str) -> Option<String> {
    options.split_whitespace().find_map(|o| o.strip_prefix(key)?.strip_prefix('=')).map(str::to_owned)
}

/// Each file header's path, `name="..."` and `under=PATH`.
fn parse_headers(lines: &[&str]) -> Vec<(String, Option<String>, Option<String>)> {
    lines
        .iter()
        .filter_map(|line| line.strip_prefix("--- "))
        .map(|header| {
            let path = header.split_whitespace().next().unwrap_or_default().to_owned();
            let name = header
                .split_once("name=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(n, _)| n.to_owned());
            let under = header.split_whitespace().find_map(|w| w.strip_prefix("under=")).map(str::to_owned);
            (path, name, under)
        })
        .collect()
}

fn parse_files(lines: &[&str]) -> Vec<(String, String)> {
    let mut files: Vec<(String, Vec<&str>, Vec<String>)> = Vec::new();
    for line in lines {
        if let Some(header) = line.strip_prefix("--- ") {
            let mut words = header.split_whitespace();
            let path = words.next().unwrap_or_default().to_owned();
            files.push((path, Vec::new(), words.map(str::to_owned).collect()));
        } else if let Some((_, content, _)) = files.last_mut() {
            content.push(line);
        }
    }
    files
        .into_iter()
        .map(|(path, mut content, flags)| {
            while content.last().is_some_and(|l| l.is_empty()) {
                content.pop();
            }
            let mut text = content.join("\n");
            if !text.is_empty() {
                text.push('\n');
            }
            if flags.iter().any(|f| f == "crlf") {
                text = text.replace('\n', "\r\n");
            }
            if flags.iter().any(|f| f == "bom") {
                text.insert(0, '\u{feff}');
            }
            (path, text)
        })
        .collect()
}

/// Runs `case` with `features` under one mdBook version.
pub fn run_case(case: &Case, version: &str, preprocessor: &Preprocessor<'_>) -> Actual {
    let config: Value = match &case.book_toml {
        Some(text) => {
            toml::from_str(text).unwrap_or_else(|e| panic!("case `{}`: bad book.toml: {e}", case.name))
        }
        None => Value::Object(Default::default()),
    };
    let mut input = request::request(version, &case.items(&case.inputs), config.clone());
    // book.toml on disk too, where findings about settings are placed at their line.
    let root = tempfile::tempdir().expect("a temporary book root");
    if let Some(text) = &case.book_toml {
        fs::write(root.path().join("book.toml"), text).expect("writing book.toml");
        input[0]["root"] = Value::from(root.path().to_string_lossy().into_owned());
    }
    let environment = Environment { now: case.epoch, ..Environment::default() };
    let outcome = preprocess(preprocessor, input.to_string().as_bytes(), &environment);
    let stderr = outcome.stderr.trim().to_owned();
    if outcome.stdout.is_empty() {
        return Actual { outputs: Vec::new(), stderr, exit_code: outcome.exit_code };
    }
    let book: Value = serde_json::from_slice(&outcome.stdout).unwrap_or_else(|e| panic!("bad JSON out: {e}"));
    let outputs = changed(&case.inputs, &chapter_contents(&book));

    let mut again = request::request(version, &case.items(&chapter_contents(&book)), config);
    again[0]["root"] = input[0]["root"].clone();
    let second = preprocess(preprocessor, again.to_string().as_bytes(), &environment);
    let second_book: Value = serde_json::from_slice(&second.stdout)
        .unwrap_or_else(|_| panic!("case `{}`: the second run failed:\n{}", case.name, second.stderr));
    assert_eq!(
        chapter_contents(&second_book),
        chapter_contents(&book),
        "case `{}` (mdBook {version}): running twice differs from running once",
        case.name
    );
    Actual { outputs, stderr, exit_code: outcome.exit_code }
}

/// The sub-items of the chapter at `at` (positions from the top level down).
fn sub_items<'i>(items: &'i mut [Item], at: &[usize]) -> &'i mut Vec<Item> {
    let Some((first, rest)) = at.split_first() else { panic!("an empty path to a chapter") };
    let Item::Chapter { sub_items: nested, .. } = &mut items[*first] else {
        panic!("nested under a chapter")
    };
    if rest.is_empty() { nested } else { sub_items(nested, rest) }
}

fn changed(inputs: &[(String, String)], outputs: &[(String, String)]) -> Vec<(String, String)> {
    inputs
        .iter()
        .zip(outputs)
        .filter(|((_, before), (_, after))| before != after)
        .map(|((path, _), (_, after))| (path.clone(), after.clone()))
        .collect()
}

/// The trials of the spec file at `path`, named `{stem}::{case}::mdbook-{version}`: one per
/// case and mdBook dialect, each failing with a diff of what it expected and what it got.
/// Under `BLESS=1`, one trial that runs every case in every dialect, fails if the dialects
/// disagree, and rewrites the file's expected parts from the results.
pub fn trials(stem: &'static str, path: PathBuf, preprocessor: Preprocessor<'static>) -> Vec<Trial> {
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let cases = parse(&text);
    assert!(!cases.is_empty(), "{} has no cases", path.display());
    if std::env::var("BLESS").is_ok_and(|v| v == "1") {
        return vec![Trial::test(format!("{stem}::bless"), move || {
            bless(&path, &text, &cases, &preprocessor)
        })];
    }
    let mut trials = Vec::new();
    for case in cases {
        let case = std::sync::Arc::new(case);
        for version in case.versions() {
            let name = format!("{stem}::{}::mdbook-{version}", slug(&case.name));
            let case = std::sync::Arc::clone(&case);
            trials.push(Trial::test(name, move || check(&case, version, &preprocessor)));
        }
    }
    trials
}

impl Case {
    /// The book's items, its chapters holding `contents` (paths under `src` or not), named and
    /// nested as the file headers say.
    pub fn items(&self, contents: &[(String, String)]) -> Vec<Item> {
        let mut items: Vec<Item> = Vec::new();
        let mut paths: Vec<(String, Vec<usize>)> = Vec::new();
        for ((path, content), (name, under)) in contents.iter().zip(&self.summary) {
            let path = path.strip_prefix("src/").unwrap_or(path);
            let item = match name {
                Some(name) => named_chapter(name, path, content),
                None => chapter(path, content),
            };
            let under = under.as_deref().map(|u| u.strip_prefix("src/").unwrap_or(u));
            let parent = under.and_then(|u| paths.iter().find(|(p, _)| p == u)).map(|(_, at)| at.clone());
            let at = match parent {
                Some(at) => {
                    let siblings = sub_items(&mut items, &at);
                    siblings.push(item);
                    [at, vec![siblings.len() - 1]].concat()
                }
                None => {
                    items.push(item);
                    vec![items.len() - 1]
                }
            };
            paths.push((path.to_owned(), at));
        }
        items
    }

    /// The mdBook versions the case runs under.
    fn versions(&self) -> Vec<&'static str> {
        match &self.only_version {
            Some(only) => VERSIONS.iter().copied().filter(|v| v == only).collect(),
            None => VERSIONS.to_vec(),
        }
    }

    /// What the case expects, as text to compare.
    fn expected(&self) -> String {
        render(&self.outputs, &self.stderr)
    }
}

/// Runs `case` under `version` and compares the result with what it expects.
fn check(case: &Case, version: &str, preprocessor: &Preprocessor<'_>) -> Result<(), Failed> {
    let actual = run_case(case, version, preprocessor);
    let expected = case.expected();
    let got = render(&actual.outputs, &actual.stderr);
    if got != expected {
        let diff = similar::TextDiff::from_lines(&expected, &got);
        return Err(format!(
            "case `{}` (line {}) under mdBook {version}:\n{}",
            case.name,
            case.line,
            diff.unified_diff().header("expected", "actual")
        )
        .into());
    }
    let has_errors = actual.stderr.lines().any(|l| l.starts_with("error["));
    if has_errors != (actual.exit_code != 0) && !case.stderr.contains("warnings are denied") {
        return Err(format!("exit code {} with errors: {has_errors}", actual.exit_code).into());
    }
    Ok(())
}

/// Changed chapters and diagnostics as one text, the way the spec file writes them.
fn render(outputs: &[(String, String)], stderr: &str) -> String {
    let mut text = String::new();
    for (path, content) in outputs {
        let _ = write!(text, "--- {path}\n{}", content.replace('\r', "␍"));
    }
    let _ = write!(text, ".\n{stderr}\n");
    text
}

/// Runs every case in every dialect and rewrites the spec file at `path` from the results.
fn bless(path: &Path, text: &str, cases: &[Case], preprocessor: &Preprocessor<'_>) -> Result<(), Failed> {
    let mut blessed = Vec::new();
    for case in cases {
        let results: Vec<Actual> = case.versions().iter().map(|v| run_case(case, v, preprocessor)).collect();
        if results
            .windows(2)
            .any(|pair| pair[0].outputs != pair[1].outputs || pair[0].stderr != pair[1].stderr)
        {
            return Err(format!(
                "case `{}` (line {}) gives different results under mdBook 0.4 and 0.5: give it `mdbook=VERSION`",
                case.name, case.line
            )
            .into());
        }
        blessed.push((case, results[0].clone()));
    }
    fs::write(path, bless_text(text, &blessed)).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(())
}

/// A case's name as part of a test name: lowercase words joined by `_`.
fn slug(name: &str) -> String {
    let words: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.join("_")
}

fn bless_text(text: &str, results: &[(&Case, Actual)]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut next = 0;
    for (case, actual) in results {
        out.extend(lines[next..case.output_start].iter().map(|l| (*l).to_owned()));
        for (path, content) in &actual.outputs {
            let crlf = content.contains("\r\n");
            let bom = content.starts_with('\u{feff}');
            let flags = format!("{}{}", if crlf { " crlf" } else { "" }, if bom { " bom" } else { "" });
            out.push(format!("--- {path}{flags}"));
            let plain = content.trim_start_matches('\u{feff}').replace("\r\n", "\n");
            out.extend(plain.lines().map(str::to_owned));
        }
        out.push(".".to_owned());
        out.extend(actual.stderr.lines().map(str::to_owned));
        next = case.body_lines.1;
    }
    out.extend(lines[next..].iter().map(|l| (*l).to_owned()));
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}
