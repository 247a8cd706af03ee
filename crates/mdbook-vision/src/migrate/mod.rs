//! `mdbook-vision migrate [BOOK] [--write] [--only STEP...]`: an existing, hand-maintained book
//! moved onto the suite, as a diff to review.
//!
//! Each step proposes [`Change`]s against the book as the steps before it left it: story blocks
//! from hand tables and FAQ answers, pasted character definitions removed, hand links to
//! stories turned into directives, book.toml fixed. Before a step's changes are accepted, the
//! book is preprocessed by the suite with and without them ([`verify`]): a change after which a
//! page no longer renders the same table cells, links and text, or has a new error, is dropped
//! and reported. Nothing is guessed silently: what a step cannot decide is reported and left as
//! written.

mod book_toml;
mod character_links;
mod definitions;
mod links;
mod metanarrative;
mod sources;
mod story_blocks;
mod verify;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{Diagnostic, Diagnostics, Location};
use mdbook_vision_core::splice::Edits;

use crate::files::write_whole;
use mdbook_vision_core::model::VisionBook;

use crate::migrate::links::Links;
use crate::migrate::sources::Sources;

/// A step of the migration, each of which can run alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Step {
    /// A `story` block for every status quo and shiny future story without one, from its hand
    /// table (which it replaces) and its FAQ.
    StoryBlocks,
    /// Pasted `[Alan]: ../characters/alan.md` definitions that the characters feature makes
    /// redundant, removed.
    CharacterLinks,
    /// Hand links to stories turned into `{{#story}}` (and lists of them into `{{#stories}}`).
    Metanarrative,
    /// `[preprocessor.vision]` added to book.toml, and what mdBook 0.5 refuses fixed.
    BookToml,
}

impl Step {
    /// Every step, in the order they run.
    pub const ALL: [Step; 4] = [Step::StoryBlocks, Step::CharacterLinks, Step::Metanarrative, Step::BookToml];
}

/// What to migrate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The steps to run; none means all.
    pub only: Vec<Step>,
    /// Where the book is (or was) published, for absolute links to its pages
    /// (`https://example.github.io/vision-doc/`), besides what book.toml tells.
    pub published_at: Vec<String>,
}

/// What a change does, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tally {
    /// A story block added where there was no hand table.
    BlockAdded,
    /// A hand table replaced by a story block.
    TableReplaced,
    /// A pasted character definition removed.
    DefinitionRemoved,
    /// A stale character definition that stays, pointed at the character's page.
    DefinitionRepointed,
    /// An inline link to a character's page that pointed at no page, pointed at it.
    LinkRepointed,
    /// A hand link to a story turned into `{{#story}}`.
    LinkConverted,
    /// A hand list of stories turned into `{{#stories}}`.
    ListConverted,
    /// A link definition that only the converted links used, removed.
    UnusedDefinitionRemoved,
    /// An edit to book.toml.
    BookToml,
}

/// `count one` or `count many`.
fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

impl Tally {
    fn describe(self, count: usize) -> String {
        let (one, many) = match self {
            Tally::BlockAdded => ("story block added", "story blocks added"),
            Tally::TableReplaced => {
                ("hand table replaced by a story block", "hand tables replaced by story blocks")
            }
            Tally::DefinitionRemoved => ("character definition removed", "character definitions removed"),
            Tally::DefinitionRepointed => {
                ("stale character definition repointed", "stale character definitions repointed")
            }
            Tally::LinkRepointed => ("stale character link repointed", "stale character links repointed"),
            Tally::LinkConverted => ("link converted to {{#story}}", "links converted to {{#story}}"),
            Tally::ListConverted => ("list converted to {{#stories}}", "lists converted to {{#stories}}"),
            Tally::UnusedDefinitionRemoved => {
                ("link definition left unused removed", "link definitions left unused removed")
            }
            Tally::BookToml => ("edit to book.toml", "edits to book.toml"),
        };
        plural(count, one, many)
    }
}

/// One change a step proposes: splices into one chapter, kept or dropped as a whole.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// The chapter's file, relative to `src`.
    pub file: String,
    /// What replaces what, in the chapter's text.
    pub splices: Vec<(Range<usize>, String)>,
    /// What it counts as, and how many times.
    pub tally: Vec<Tally>,
    /// Where it is, and what it is, should it have to be reported.
    pub location: Location,
    /// What it does, in a few words (`the story block of alan_has_trouble`).
    pub what: String,
}

/// A file the migration changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Relative to the book's root, with `/`.
    pub path: String,
    /// The file as it is, byte order mark included.
    pub before: String,
    /// The file as the migration leaves it.
    pub after: String,
}

/// What `migrate` would do, or did.
#[derive(Debug)]
pub struct Migration {
    root: PathBuf,
    /// The files that change, in path order.
    pub files: Vec<FileChange>,
    /// How many of each kind of change.
    pub tally: BTreeMap<Tally, usize>,
    /// What was left as written, and why.
    pub kept: Vec<Diagnostic>,
}

/// Plans the migration of the book in `root`: nothing is written.
pub fn plan(root: &Path, options: &Options) -> Result<Migration> {
    let mut sources = Sources::load(root, &options.published_at)?;
    let mut kept = Vec::new();
    let mut tally = BTreeMap::new();
    let steps: Vec<Step> =
        Step::ALL.into_iter().filter(|s| options.only.is_empty() || options.only.contains(s)).collect();
    for step in &steps {
        let findings = match step {
            Step::StoryBlocks => run_chapter_step(&mut sources, story_blocks::plan, &mut tally)?,
            Step::CharacterLinks => run_chapter_step(&mut sources, character_links::plan, &mut tally)?,
            Step::Metanarrative => run_chapter_step(&mut sources, metanarrative::plan, &mut tally)?,
            Step::BookToml => book_toml::plan(&mut sources, &mut tally)?,
        };
        if matches!(step, Step::CharacterLinks | Step::Metanarrative) {
            // Both remove definitions, which often end a chapter.
            sources.tidy_ends();
        }
        kept.extend(findings);
    }
    if !steps.contains(&Step::BookToml) && !sources.runs_the_suite() {
        kept.push(kept_finding(
            Location::file("book.toml"),
            "book.toml does not run the suite: story blocks and directives would show as written",
            "run `mdbook-vision migrate --only book-toml`, or `mdbook-vision install`",
        ));
    }
    Ok(Migration { root: root.to_owned(), files: sources.changed_files(), tally, kept })
}

/// What a step that changes chapters proposes: its changes, and what it cannot decide.
type Proposal = (Vec<Change>, Vec<Diagnostic>);

/// Runs a step that changes chapters, planned by `plan`: its changes verified, the kept ones
/// made and counted in `tally`; the findings are what it left as written.
fn run_chapter_step(
    sources: &mut Sources,
    plan: fn(&VisionBook<'_>, &Links) -> Proposal,
    tally: &mut BTreeMap<Tally, usize>,
) -> Result<Vec<Diagnostic>> {
    let (changes, mut undecided) = sources.with_model(|book| plan(book, sources.links()))?;
    let (accepted, dropped) = verify::verify(sources, changes)?;
    undecided.extend(dropped);
    for counted in accepted.iter().flat_map(|change| &change.tally) {
        *tally.entry(*counted).or_default() += 1;
    }
    sources.apply(&accepted)?;
    Ok(undecided)
}

impl Migration {
    /// Whether there is nothing to change.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// A unified diff of every file that changes.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let diff = similar::TextDiff::from_lines(&file.before, &file.after);
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
            );
        }
        out
    }

    /// What the migration does, in a few lines, followed by what it left as written.
    pub fn summary(&self, written: bool) -> String {
        let mut out = String::new();
        if self.tally.is_empty() {
            out.push_str("migrate: nothing to do\n");
        } else {
            let done: Vec<String> = self.tally.iter().map(|(tally, count)| tally.describe(*count)).collect();
            let verb = if written { "changed" } else { "would change" };
            let files = plural(self.files.len(), "file", "files");
            let _ = writeln!(out, "migrate {verb} {files}: {}", done.join(", "));
        }
        if !self.kept.is_empty() {
            let things = plural(self.kept.len(), "thing", "things");
            let _ = writeln!(out, "{things} left as written, to decide by hand:");
            let mut diagnostics = Diagnostics::new();
            diagnostics.extend(self.kept.iter().cloned());
            out.push_str(&diagnostics.render("mdbook-vision migrate", None));
        }
        if !written && !self.is_empty() {
            out.push_str("run `mdbook-vision migrate --write` to make these changes\n");
        }
        out
    }

    /// Writes every changed file, each whole; a file that changed on disk since it was read is
    /// an error, and nothing after it is written.
    pub fn write(&self) -> Result<()> {
        for file in &self.files {
            let path = self.root.join(&file.path);
            let now = std::fs::read_to_string(&path).with_context(|| format!("reading {}", file.path))?;
            anyhow::ensure!(now == file.before, "{} changed while migrate ran: run it again", file.path);
            write_whole(&path, &file.after).with_context(|| format!("writing {}", file.path))?;
        }
        Ok(())
    }
}

/// `text` with `changes` (all to this text) applied.
fn apply_changes<'c>(text: &str, changes: impl IntoIterator<Item = &'c Change>) -> Result<String> {
    let mut edits = Edits::new();
    for change in changes {
        for (range, replacement) in &change.splices {
            edits.replace(range.clone(), replacement.clone());
        }
    }
    Ok(edits.apply(text)?.unwrap_or_else(|| text.to_owned()))
}

/// Where the line that holds byte `offset` of `text` starts.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |n| n + 1)
}

/// Where the line that holds byte `offset` of `text` ends, after its line ending.
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |n| offset + n + 1)
}

/// A finding about something `migrate` left as written.
fn kept_finding(location: Location, message: impl Into<String>, help: &str) -> Diagnostic {
    Diagnostic::new(codes::MIGRATE_KEPT, message).at(location).with_help(help)
}
