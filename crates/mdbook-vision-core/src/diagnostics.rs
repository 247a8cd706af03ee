//! Diagnostics: what the suite reports to authors, and the one renderer for all of it.
//!
//! Every finding is a [`Diagnostic`] with a level, a stable code, a message, an optional
//! [`Location`] and an optional hint. [`Diagnostics`] collects them and renders them the way
//! rustc does (`error[code]: message`, `  --> path:line:col`, the source line, `= help:`),
//! always on stderr, followed by a summary count, and, under GitHub Actions, as workflow
//! annotations so pull requests show them inline.

use std::fmt::Write as _;
use std::ops::Range;

use foldhash::{HashMap, HashMapExt};

use crate::codes::Code;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something the author should know, such as a link that was repaired.
    Note,
    /// Something wrong that does not stop the build unless warnings are denied.
    Warning,
    /// Something wrong that stops the build.
    Error,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    fn github_command(self) -> &'static str {
        match self {
            Level::Note => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Where in the book a finding is: a file relative to the book root, and a position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path relative to the book root, with forward slashes (`src/vision/status_quo/alan.md`).
    pub path: String,
    /// The position, when the finding points into the file's text.
    pub span: Option<SourceSpan>,
    /// For a finding about a setting, its key path in the suite's tables (`kinds.status-quo[0]`),
    /// from which [`crate::config::place_settings`] finds the line in book.toml.
    pub setting: Option<String>,
}

/// A position in a source file, with the line it is on so it can be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The whole source line, without its line ending.
    pub source_line: String,
    /// The highlighted part, as a byte range within `source_line`.
    pub highlight: Range<usize>,
}

impl Location {
    /// A location naming a file only (for example `book.toml`, which preprocessors never read).
    pub fn file(path: impl Into<String>) -> Self {
        Location { path: path.into(), span: None, setting: None }
    }

    /// The location of a setting, by its key path (`link`, `kinds.status-quo[0]`): book.toml,
    /// at the line where the key is written once [`crate::config::place_settings`] has read it.
    pub fn setting(path: impl Into<String>) -> Self {
        Location { path: "book.toml".to_owned(), span: None, setting: Some(path.into()) }
    }

    /// The location of the byte range `range` of `text`, a file shown as `path`. (For many
    /// locations in one text, [`LineIndex`] finds each line without reading the text again.)
    pub fn in_text(path: impl Into<String>, text: &str, range: Range<usize>) -> Self {
        LineIndex::new(text).location(path, text, range)
    }
}

/// Where the lines of a text start: a line ends at `\n`, `\r\n` or a lone `\r`, as in
/// CommonMark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// The longest source line a diagnostic shows whole; a longer one is shown as an excerpt
/// around the span, as rustc does.
const LONGEST_LINE: usize = 160;

impl LineIndex {
    /// The index of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (at, &byte) in bytes.iter().enumerate() {
            let breaks = byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            if breaks {
                starts.push(at + 1);
            }
        }
        LineIndex { starts }
    }

    /// The location of the byte range `range` of `text` (the text this index was made of), a
    /// file shown as `path`.
    pub fn location(&self, path: impl Into<String>, text: &str, range: Range<usize>) -> Location {
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let line_index = self.starts.partition_point(|&s| s <= start).saturating_sub(1);
        let line_start = self.starts[line_index];
        let line_end = self.starts.get(line_index + 1).copied().unwrap_or(text.len());
        let source_line = text[line_start..line_end].trim_end_matches(['\n', '\r']);
        // A range that starts on the line ending is shown at the end of the line.
        let line_last = line_start + source_line.len();
        let start = start.min(line_last);
        let end = floor_char_boundary(text, range.end.max(start).min(line_last));
        let column = text[line_start..start].chars().count() + 1;
        let (excerpt, highlight) = excerpt(source_line, (start - line_start)..(end - line_start));
        Location {
            path: path.into(),
            span: Some(SourceSpan { line: line_index + 1, column, source_line: excerpt, highlight }),
            setting: None,
        }
    }
}

/// The part of `line` to show for `highlight` (its bytes), with control characters made
/// visible, and the highlight's place in it: the whole line when it is short, else a window
/// around the highlight between `…`.
fn excerpt(line: &str, highlight: Range<usize>) -> (String, Range<usize>) {
    let visible = |text: &str| -> String {
        text.chars().map(|c| if c.is_control() && c != '\t' { '\u{fffd}' } else { c }).collect()
    };
    if line.len() <= LONGEST_LINE {
        let before = visible(&line[..highlight.start]);
        let marked = visible(&line[highlight.clone()]);
        return (
            format!("{before}{marked}{}", visible(&line[highlight.end..])),
            before.len()..before.len() + marked.len(),
        );
    }
    let margin = LONGEST_LINE / 3;
    let from = floor_char_boundary(line, highlight.start.saturating_sub(margin));
    let marked_end = floor_char_boundary(line, highlight.end.min(highlight.start + margin));
    let to = floor_char_boundary(line, (marked_end + margin).min(line.len()));
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let before = format!("{lead}{}", visible(&line[from..highlight.start]));
    let marked = visible(&line[highlight.start..marked_end]);
    (
        format!("{before}{marked}{}{tail}", visible(&line[marked_end..to])),
        before.len()..before.len() + marked.len(),
    )
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub level: Level,
    /// A stable, kebab-case code such as `unknown-character`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is, when it is somewhere.
    pub location: Option<Location>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding of kind `code`, at its level, with no location and no hint.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic { level: code.level, code: code.name, message: message.into(), location: None, help: None }
    }

    /// Sets its level (as `faq-severity` does).
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// Sets where the finding is.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the finding as text, the way rustc does, without colour:
    ///
    /// ```text
    /// error[unknown-character]: `Alna` is not in the cast
    ///   --> src/vision/status_quo/alan.md:3:13
    ///    |
    ///  3 | character = "Alna"
    ///    |             ^^^^^^
    ///    = help: did you mean `Alan`?
    /// ```
    pub fn render(&self) -> String {
        let mut out = format!("{}[{}]: {}\n", self.level.word(), self.code, self.message);
        let width = match &self.location {
            Some(Location { span: Some(span), .. }) => span.line.to_string().len().max(2),
            _ => 2,
        };
        let gutter = " ".repeat(width + 1) + "|";
        if let Some(location) = &self.location {
            let _ = write!(out, "{}--> {}", " ".repeat(width), location.path);
            if let Some(span) = &location.span {
                let _ = write!(out, ":{}:{}", span.line, span.column);
                let before = &span.source_line[..span.highlight.start];
                let marked = &span.source_line[span.highlight.clone()];
                let indent: String = before.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                let carets = "^".repeat(marked.chars().count().max(1));
                let _ = write!(
                    out,
                    "\n{gutter}\n{:>width$} | {}\n{gutter} {indent}{carets}",
                    span.line, span.source_line
                );
            }
            out.push('\n');
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{}= help: {help}", " ".repeat(width + 1));
        }
        out.truncate(out.trim_end().len());
        out
    }

    /// The finding as JSON: `level`, `code`, `message`, and `path`, `line`, `column`, `help`
    /// when known.
    pub fn to_json(&self) -> serde_json::Value {
        let span = self.location.as_ref().and_then(|l| l.span.as_ref());
        serde_json::json!({
            "level": self.level.word(),
            "code": self.code,
            "message": self.message,
            "path": self.location.as_ref().map(|l| l.path.as_str()),
            "line": span.map(|s| s.line),
            "column": span.map(|s| s.column),
            "help": self.help,
        })
    }

    /// The GitHub Actions workflow command that shows this finding on a pull request; its
    /// file is the finding's path with `prefix` (the book's folder in the repository, see
    /// [`annotation_prefix`]) before it.
    pub fn github_annotation(&self, prefix: &str) -> String {
        let mut properties = Vec::new();
        if let Some(location) = &self.location {
            properties
                .push(format!("file={}", escape_github_property(&format!("{prefix}{}", location.path))));
            if let Some(span) = &location.span {
                properties.push(format!("line={}", span.line));
                properties.push(format!("col={}", span.column));
            }
        }
        properties.push(format!("title={}", escape_github_property(self.code)));
        let mut message = self.message.clone();
        if let Some(help) = &self.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        format!(
            "::{} {}::{}",
            self.level.github_command(),
            properties.join(","),
            escape_github_data(&message)
        )
    }
}

fn escape_github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_github_property(text: &str) -> String {
    escape_github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// How a feature's checks are reported, as configured: `warn` (the default) or `deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Findings are warnings; the build goes on.
    #[default]
    Warn,
    /// Findings are errors; the build fails, after every finding has been reported.
    Deny,
}

impl Severity {
    /// The level of a finding reported under this severity.
    pub fn level(self) -> Level {
        match self {
            Severity::Warn => Level::Warning,
            Severity::Deny => Level::Error,
        }
    }
}

/// The findings of one run, in the order they were made.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No findings yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Every finding, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// How many findings are at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.items.iter().filter(|d| d.level == level).count()
    }

    /// Whether the findings stop the build: any error, or any warning when warnings are denied.
    pub fn fail(&self, warnings: Severity) -> bool {
        self.count(Level::Error) > 0 || (warnings == Severity::Deny && self.count(Level::Warning) > 0)
    }

    /// Renders every finding, then the summary line, then (when `github` gives the book's
    /// folder in the repository) one workflow annotation per finding (notes as notices). `tool`
    /// names the program in the summary line.
    pub fn render(&self, tool: &str, github: Option<&str>) -> String {
        let mut out = String::new();
        let shown = self.shown();
        for (diagnostic, _) in shown.iter().filter(|(_, show)| *show) {
            out.push_str(&diagnostic.render());
            out.push_str("\n\n");
        }
        for (code, path, more) in self.left_out(&shown) {
            let _ = writeln!(out, "… and {more} more `{code}` findings in {path}\n");
        }
        if let Some(summary) = self.summary(tool) {
            out.push_str(&summary);
            out.push('\n');
        }
        if let Some(prefix) = github {
            for (diagnostic, _) in shown.iter().filter(|(_, show)| *show) {
                out.push_str(&diagnostic.github_annotation(prefix));
                out.push('\n');
            }
        }
        out
    }

    /// Every finding, and whether it is shown: past [`SHOWN_ALIKE`] findings of one code in
    /// one file, the rest are only counted.
    fn shown(&self) -> Vec<(&Diagnostic, bool)> {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        self.items
            .iter()
            .map(|d| {
                let path = d.location.as_ref().map_or("", |l| l.path.as_str());
                let count = seen.entry((d.code, path)).or_default();
                *count += 1;
                (d, *count <= SHOWN_ALIKE)
            })
            .collect()
    }

    /// For each code and file with findings not shown, how many.
    fn left_out<'d>(&self, shown: &[(&'d Diagnostic, bool)]) -> Vec<(&'d str, &'d str, usize)> {
        let mut left: Vec<(&str, &str, usize)> = Vec::new();
        for (diagnostic, _) in shown.iter().filter(|(_, show)| !*show) {
            let path = diagnostic.location.as_ref().map_or("", |l| l.path.as_str());
            match left.iter_mut().find(|(code, p, _)| *code == diagnostic.code && *p == path) {
                Some((_, _, count)) => *count += 1,
                None => left.push((diagnostic.code, path, 1)),
            }
        }
        left
    }

    /// `tool: 1 error, 2 warnings, 1 note`, or nothing when there are no findings.
    pub fn summary(&self, tool: &str) -> Option<String> {
        if self.items.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        for level in [Level::Error, Level::Warning, Level::Note] {
            let count = self.count(level);
            if count > 0 {
                let plural = if count == 1 { "" } else { "s" };
                parts.push(format!("{count} {}{plural}", level.word()));
            }
        }
        let mut summary = String::new();
        let _ = write!(summary, "{tool}: {}", parts.join(", "));
        Some(summary)
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.items.extend(iter);
    }
}

/// How many findings of one code in one file are shown; the others are counted.
pub const SHOWN_ALIKE: usize = 50;

/// The folder of the book at `root` within the repository at `workspace` (GitHub's
/// `GITHUB_WORKSPACE`), as a prefix for the paths of annotations (`docs/`), which GitHub reads
/// from the repository's root; empty when the book is the repository, or is not in it.
pub fn annotation_prefix(root: &std::path::Path, workspace: Option<&std::path::Path>) -> String {
    let Some(workspace) = workspace else { return String::new() };
    let canonical = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    match canonical(root).strip_prefix(canonical(workspace)) {
        Ok(inside) if !inside.as_os_str().is_empty() => {
            let parts: Vec<String> =
                inside.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            format!("{}/", parts.join("/"))
        }
        _ => String::new(),
    }
}

/// The known name closest to `unknown`, if one is close enough to be a likely typo.
pub fn nearest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let unknown_lower = unknown.to_lowercase();
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(&unknown_lower, &candidate.to_lowercase()), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A hint naming the nearest known name, or listing the known names when none is near.
pub fn suggestion<'a>(unknown: &str, what: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    match nearest(unknown, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if known.is_empty() => format!("this book declares no {what}"),
        None => format!("the known {what} are: {}", known.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn renders_rustc_style_with_path_line_and_help() {
        let text = "# Alan\n\ncharacter = \"Alna\"\n";
        let start = text.find("\"Alna\"").unwrap_or_default();
        let diagnostic = Diagnostic::new(codes::UNKNOWN_CHARACTER, "unknown character `Alna`")
            .at(Location::in_text("src/alan.md", text, start..start + 6))
            .with_help("did you mean `Alan`?");
        let rendered = diagnostic.render();
        assert!(rendered.starts_with("error[unknown-character]: unknown character `Alna`\n"), "{rendered}");
        assert!(rendered.contains("\n  --> src/alan.md:3:13\n"), "{rendered}");
        assert!(rendered.contains("\n   |             ^^^^^^\n"), "{rendered}");
        assert!(rendered.contains("\n 3 | character = \"Alna\""), "{rendered}");
        assert!(rendered.ends_with("\n   = help: did you mean `Alan`?"), "{rendered}");
    }

    #[test]
    fn a_range_on_a_crlf_line_ending_is_shown_at_the_end_of_its_line() {
        let text = "id = \r\n```\r\n";
        for at in [5, 6] {
            let span = Location::in_text("x.md", text, at..at + 1).span.unwrap();
            assert_eq!((span.line, span.column, span.source_line.as_str()), (1, 6, "id = "));
            assert_eq!(span.highlight, 5..5);
        }
    }

    #[test]
    fn location_columns_count_characters_and_ignore_crlf() {
        let text = "é\r\nab✏️cd\r\n";
        let start = text.find('c').unwrap_or_default();
        let location = Location::in_text("x.md", text, start..start + 1);
        let span = location.span.unwrap_or_else(|| panic!("no span"));
        assert_eq!((span.line, span.column), (2, 5));
        assert_eq!(span.source_line, "ab✏️cd");
    }

    #[test]
    fn github_annotation_escapes_properties_and_data() {
        let diagnostic = Diagnostic::new(codes::FAQ_MISSING, "50% done\nreally").at(Location::in_text(
            "src/a,b.md",
            "x\n",
            0..1,
        ));
        assert_eq!(
            diagnostic.github_annotation(""),
            "::warning file=src/a%2Cb.md,line=1,col=1,title=faq-missing::50%25 done%0Areally"
        );
    }

    #[test]
    fn annotations_name_files_from_the_repository_s_root() {
        let workspace = std::env::temp_dir();
        let book = workspace.join("docs");
        assert_eq!(annotation_prefix(&book, Some(&workspace)), "docs/");
        assert_eq!(annotation_prefix(&workspace, Some(&workspace)), "");
        assert_eq!(annotation_prefix(&book, None), "");
        let diagnostic = Diagnostic::new(codes::FAQ_MISSING, "x").at(Location::file("src/a.md"));
        assert!(diagnostic.github_annotation("docs/").contains("file=docs/src/a.md,"));
    }

    #[test]
    fn deny_policy_fails_on_warnings_only_when_asked() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::new(codes::FAQ_MISSING, "w"));
        assert!(!diagnostics.fail(Severity::Warn));
        assert!(diagnostics.fail(Severity::Deny));
        assert_eq!(diagnostics.summary("t").as_deref(), Some("t: 1 warning"));
    }

    #[test]
    fn nearest_suggests_typos_only() {
        assert_eq!(nearest("Alna", ["Alan", "Grace"]), Some("Alan"));
        assert_eq!(nearest("Zoltan", ["Alan", "Grace"]), None);
    }
}
