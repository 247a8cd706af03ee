//! `mdbook-vision new KIND "Title"`: a new page from its kind's template, added to SUMMARY.md.
//!
//! The page starts from the book's own template page for the kind when it has one (the title
//! and character filled in, the story block added, the rest kept), else from a story block
//! and the kind's FAQ questions. It goes in the folder of the kind's last story (or of its
//! template), named by an ASCII slug of its title, and its entry goes into SUMMARY.md after
//! the kind's last chapter, in the file's own style (see `summary.rs`), unless
//! `--no-summary` (or `edit-summary = false`) asks to leave SUMMARY.md alone. The book is
//! locked while it is written, and every file is written whole (to a temporary file, then
//! renamed), so that concurrent runs lose nothing.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use mdbook_vision_core::config::{self, Settings, toml_string};
use mdbook_vision_core::diagnostics::{Diagnostics, Level, suggestion};
use mdbook_vision_core::model::{Kind, Kinds, Needs, Page, PageId, VisionBook, build_globs, relative_path};
use mdbook_vision_core::protocol::Request;

use crate::files::write_whole;
use crate::load::load;
use crate::summary::add_entry;
use crate::template;

/// What to create.
#[derive(Debug, Clone, Default)]
pub struct NewPage {
    /// The kind of page (`status-quo`, `shiny-future`, `character`, `design-doc`, ...).
    pub kind: String,
    /// Its title, the page's first heading and its name in SUMMARY.md.
    pub title: String,
    /// The story's character.
    pub character: Option<String>,
    /// The id of the paired story.
    pub pair: Option<String>,
    /// Leave SUMMARY.md alone and only say what line to add.
    pub no_summary: bool,
}

/// What `new` does, or would do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The new page, relative to the book root.
    pub page: PathBuf,
    /// The new page, relative to `src` (as SUMMARY.md links it).
    pub chapter: String,
    /// Its text.
    pub content: String,
    /// SUMMARY.md, relative to the book root.
    pub summary: PathBuf,
    /// The kind, for placing the entry.
    pub kind: String,
    /// The title, for the entry.
    pub title: String,
    /// Whether to add the entry to SUMMARY.md (else it is only printed).
    pub edit_summary: bool,
    /// The book's kinds, for placing the entry.
    kinds: Kinds,
}

impl Plan {
    /// SUMMARY.md as it is in the book in `root` with the entry added, and the entry.
    pub fn summary_entry(&self, root: &Path) -> Result<(String, String)> {
        let path = root.join(&self.summary);
        let summary =
            fs::read_to_string(&path).with_context(|| format!("reading {}", self.summary.display()))?;
        Ok(add_entry(&summary, &self.kinds, &self.kind, &self.title, &self.chapter))
    }
}

/// Plans the new page for the book in `root`. Refuses a bad title, an unknown kind, character
/// or pair, a pair that has a partner already, a page that exists, and a book whose settings
/// have errors (reported as `check` reports them).
pub fn plan(root: &Path, new: &NewPage) -> Result<Plan> {
    check_title(&new.title)?;
    let loaded = load(root)?;
    let mut findings = Vec::new();
    let request = Request::parse(&loaded.request, &mut findings)?;
    let settings = config::read(request.config(), &mut findings);
    for feature in crate::FEATURES {
        feature.check_settings(&settings, &mut findings);
    }
    if findings.iter().any(|d| d.level == Level::Error) {
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(findings);
        bail!("the book's settings have errors:\n\n{}", diagnostics.render("mdbook-vision new", None));
    }
    let src = request.src_dir().to_owned();
    let chapters = request.chapters();
    let book = VisionBook::from_request(&request, &chapters, settings, Needs::ALL, &mut Vec::new());
    let kind = kind_of(&book, new)?;
    let new = &spelled_as_in_the_cast(&book, new);
    let chapter = chapter_path(&book, kind, &new.title);
    let page = Path::new(&src).join(&chapter);
    if root.join(&page).exists() {
        bail!("{} already exists; `new` never overwrites a page", page.display());
    }
    check_request(&book, new, kind)?;
    let content = match book.template_of(kind) {
        Some(template) => from_template(root, &src, &book, template, new, kind, &chapter)?,
        None => generated_page(&book, new, kind, path_decides_kind(&book, kind, &chapter)),
    };
    Ok(Plan {
        page,
        chapter,
        content,
        summary: Path::new(&src).join("SUMMARY.md"),
        kind: book.kinds.name(kind).to_owned(),
        title: new.title.trim().to_owned(),
        edit_summary: book.settings.edit_summary.unwrap_or(true) && !new.no_summary,
        kinds: book.kinds.clone(),
    })
}

/// A title must fit on one line of SUMMARY.md and say something.
fn check_title(title: &str) -> Result<()> {
    if title.trim().is_empty() {
        bail!("the title is empty: give the page a title, e.g. \"Alan has trouble getting started\"");
    }
    if title.chars().any(char::is_control) {
        bail!("the title holds a line break or another control character: give it on one line");
    }
    Ok(())
}

/// The kind of the page to create.
fn kind_of(book: &VisionBook<'_>, new: &NewPage) -> Result<Kind> {
    book.kinds.named(&new.kind).ok_or_else(|| {
        anyhow::anyhow!(
            "`{}` is not a kind of page of this book: {}",
            new.kind,
            suggestion(&new.kind, "kinds", book.kinds.names())
        )
    })
}

/// `new` with its character spelled as the cast spells it, when it differs only in letter
/// case from one cast member's name (`alan` for `Alan`).
fn spelled_as_in_the_cast(book: &VisionBook<'_>, new: &NewPage) -> NewPage {
    let mut spelled = new.clone();
    if let Some(name) = &new.character
        && book.character(name).is_none()
    {
        let mut same = book.cast.iter().filter(|c| c.name.to_lowercase() == name.to_lowercase());
        if let (Some(only), None) = (same.next(), same.next()) {
            spelled.character = Some(only.name.clone());
        }
    }
    spelled
}

/// Whether the character and the pair asked for make sense in the book.
fn check_request(book: &VisionBook<'_>, new: &NewPage, kind: Kind) -> Result<()> {
    if let Some(name) = &new.character
        && kind != Kind::CHARACTER
        && book.character(name).is_none()
    {
        bail!(
            "`{name}` is not in the cast: {}",
            suggestion(name, "characters", book.cast.iter().map(|c| c.name.as_str()))
        );
    }
    if let Some(pair) = &new.pair {
        if kind.pair_key().is_none() {
            bail!("only status-quo and shiny-future stories have pairs");
        }
        let Some(story) = book.story(pair) else {
            bail!(
                "no story has the id `{pair}`: {}",
                suggestion(pair, "story ids", book.stories.iter().map(|s| s.id.as_str()))
            );
        };
        if story.kind.pair() != Some(kind) {
            bail!(
                "`{pair}` is a {} story: a {} story pairs with a {} one",
                book.kinds.name(story.kind),
                new.kind,
                book.kinds.name(kind.pair().unwrap_or(kind))
            );
        }
        let partners: Vec<&str> = book.partners(story).map(|s| s.id.as_str()).collect();
        if !partners.is_empty() {
            bail!(
                "`{pair}` is paired with `{}` already: a pairing must be mutual, so a second one would fail the build",
                partners.join("`, `")
            );
        }
    }
    Ok(())
}

/// Where the page goes, relative to `src`, named by an ASCII slug of the title: the folder of
/// the kind's last story; else of its last page (its template); else the folder its first
/// glob names, where the book has an index page for it (`vision/shiny_future.md` for
/// `shiny_future`), else from `src`.
fn chapter_path(book: &VisionBook<'_>, kind: Kind, title: &str) -> String {
    let folder_of = |page: &Page<'_>| {
        page.source.file().map(|f| f.rsplit_once('/').map_or(String::new(), |(dir, _)| dir.to_owned()))
    };
    let of_kind = || book.pages.iter().rev().filter(|p| p.kind == Some(kind));
    let story = of_kind().find(|p| !p.is_index && p.part_of.is_none() && p.stem() != "template");
    let folder = story
        .or_else(|| of_kind().next())
        .and_then(folder_of)
        .unwrap_or_else(|| indexed_folder(book, &default_folder(&book.settings, book.kinds.name(kind))));
    let file = format!("{}.md", file_stem(title));
    if folder.is_empty() { file } else { format!("{folder}/{file}") }
}

/// `folder` under the folder of the book's index page for it (`vision/shiny_future` for
/// `shiny_future`, from `vision/shiny_future.md`), else `folder` as it is.
fn indexed_folder(book: &VisionBook<'_>, folder: &str) -> String {
    let index = format!("{folder}.md");
    let file = book
        .pages
        .iter()
        .filter_map(|p| p.source.file())
        .find(|f| f == &index || f.ends_with(&format!("/{index}")));
    match file {
        Some(file) => file.trim_end_matches(".md").to_owned(),
        None => folder.to_owned(),
    }
}

/// The folder a kind's first glob names (`**/status_quo/**` is `status_quo`).
fn default_folder(settings: &Settings, kind: &str) -> String {
    let globs = settings.kind_globs().into_iter().find(|(k, _)| k == kind).map(|(_, globs)| globs);
    let glob = globs.and_then(|g| g.into_iter().next()).unwrap_or_default();
    let literal: Vec<&str> = glob
        .split('/')
        .filter(|part| !part.contains('*') && !part.ends_with(".md") && !part.is_empty())
        .collect();
    literal.join("/")
}

fn path_decides_kind(book: &VisionBook<'_>, kind: Kind, chapter: &str) -> bool {
    book.settings
        .kind_globs()
        .into_iter()
        .find(|(name, _)| name == book.kinds.name(kind))
        .is_some_and(|(_, globs)| build_globs(&globs, "kinds", &mut Vec::new()).is_match(chapter))
}

/// `alan_has_a_blast` for "Alan has a blast!", `deja_vu` for "déjà vu": ASCII words.
fn file_stem(title: &str) -> String {
    let ascii = deunicode::deunicode(title);
    let words: Vec<String> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() { "page".to_owned() } else { words.join("_") }
}

/// The character a new page is about: the one asked for, or on a character page, the name
/// its title starts with (`Alan: the startup developer`).
fn character_of(new: &NewPage, kind: Kind) -> Option<String> {
    new.character.clone().or_else(|| {
        (kind == Kind::CHARACTER).then(|| new.title.split(':').next().unwrap_or_default().trim().to_owned())
    })
}

/// The story block of the new page.
fn story_block(new: &NewPage, kind: Kind, kinds: &Kinds, path_decides_kind: bool) -> String {
    let character = character_of(new, kind);
    let mut block = Vec::new();
    if !path_decides_kind {
        block.push(format!("kind = {}", toml_string(kinds.name(kind))));
    }
    match (&character, kind) {
        (_, Kind::CHARACTER) => block.push("status = \"draft\"".to_owned()),
        (Some(name), _) => block.push(format!("character = {}", toml_string(name))),
        (None, _) => {}
    }
    if let (Some(pair), Some(key)) = (&new.pair, kind.pair_key()) {
        block.push(format!("{key} = {}", toml_string(pair)));
    }
    if kind != Kind::CHARACTER {
        block.push("assigned-to = []".to_owned());
        block.push("topics = []".to_owned());
    }
    format!("```story\n{}\n```\n", block.join("\n"))
}

/// The page without a template: title, story block, a place for the text, and the kind's FAQ
/// questions.
fn generated_page(book: &VisionBook<'_>, new: &NewPage, kind: Kind, path_decides_kind: bool) -> String {
    let character = character_of(new, kind);
    let mut page = format!(
        "# {}\n\n{}\nWrite the page here.\n",
        new.title.trim(),
        story_block(new, kind, &book.kinds, path_decides_kind)
    );
    let requirement = mdbook_vision_faq::requirement_of(book, Some(kind));
    let questions = requirement.rules();
    if !questions.is_empty() {
        page.push_str("\n## 🤔 Frequently Asked Questions\n");
        for rule in questions {
            let question = match &character {
                Some(name) => rule.question().replace("NAME", name),
                None => rule.question().to_owned(),
            };
            page.push_str(&format!("\n### {question}\n"));
        }
    }
    page
}

/// The page made from the book's template page (see [`crate::template`]).
fn from_template(
    root: &Path,
    src: &str,
    book: &VisionBook<'_>,
    template: PageId,
    new: &NewPage,
    kind: Kind,
    chapter: &str,
) -> Result<String> {
    let file = book.page(template).source.file().unwrap_or_default();
    let path = root.join(src).join(file);
    let text =
        fs::read_to_string(&path).with_context(|| format!("reading the template {}", path.display()))?;
    let block = story_block(new, kind, &book.kinds, path_decides_kind(book, kind, chapter));
    let character = character_of(new, kind);
    // From the new page (the template may be in another folder) to the character's page.
    let link = character.as_deref().and_then(|name| book.character(name)).map(|c| {
        let anchor = c.anchor.as_deref().map(|a| format!("#{a}")).unwrap_or_default();
        format!("{}{anchor}", relative_path(chapter, &book.page(c.page).output_path))
    });
    Ok(template::fill(&text, new.title.trim(), &block, character.as_deref(), link.as_deref()))
}

/// Writes the page and, unless asked not to, adds it to SUMMARY.md: under a lock on the book,
/// re-reading SUMMARY.md, each file written to a temporary file and renamed into place. If
/// SUMMARY.md cannot be written, the page is removed again. Returns the line added (or to
/// add) to SUMMARY.md.
pub fn write(root: &Path, plan: &Plan) -> Result<String> {
    write_with(root, plan, write_whole)
}

/// [`write`], each file written by `write_file`.
fn write_with(root: &Path, plan: &Plan, write_file: fn(&Path, &str) -> Result<()>) -> Result<String> {
    let _lock = BookLock::take(root)?;
    let page = root.join(&plan.page);
    if page.exists() {
        bail!("{} already exists; `new` never overwrites a page", plan.page.display());
    }
    let summary_path = root.join(&plan.summary);
    let (updated, line) = plan.summary_entry(root)?;
    if let Some(folder) = page.parent() {
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    write_file(&page, &plan.content).with_context(|| format!("writing {}", plan.page.display()))?;
    if plan.edit_summary
        && let Err(error) = write_file(&summary_path, &updated)
    {
        let _ = fs::remove_file(&page);
        return Err(
            error.context(format!("writing {} (the new page was removed again)", plan.summary.display()))
        );
    }
    Ok(line)
}

/// An exclusive lock on a book, released when dropped: a file in the system's temporary folder
/// named after the book's path (the book itself gets no stray file).
struct BookLock(fs::File);

impl BookLock {
    fn take(root: &Path) -> Result<Self> {
        let canonical =
            root.canonicalize().with_context(|| format!("finding the book {}", root.display()))?;
        let name: String = canonical
            .to_string_lossy()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let path = std::env::temp_dir().join(format!("mdbook-vision-{name}.lock"));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening the lock {}", path.display()))?;
        file.lock().with_context(|| format!("locking {}", path.display()))?;
        Ok(BookLock(file))
    }
}

impl Drop for BookLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_books::write_book;

    #[test]
    fn file_stems_are_ascii_words() {
        assert_eq!(file_stem("Alan has a blast!"), "alan_has_a_blast");
        assert_eq!(file_stem("déjà vu"), "deja_vu");
        assert_eq!(file_stem("Zoë's ÜBER-pipeline"), "zoe_s_uber_pipeline");
        assert_eq!(file_stem("🦀"), "crab");
    }

    /// Writes like [`write_whole`], except that SUMMARY.md cannot be written.
    fn summary_md_is_read_only(path: &Path, text: &str) -> Result<()> {
        if path.ends_with("SUMMARY.md") {
            bail!("permission denied");
        }
        write_whole(path, text)
    }

    #[test]
    fn the_page_is_removed_again_when_summary_md_cannot_be_written() {
        let files = [
            ("book.toml", "[book]\ntitle = \"T\"\n"),
            (
                "src/SUMMARY.md",
                "# Summary\n\n- [Alan](vision/characters/alan.md)\n- [Alan's day](vision/status_quo/alan_day.md)\n",
            ),
            ("src/vision/characters/alan.md", "# Alan: the developer\n"),
            ("src/vision/status_quo/alan_day.md", "# Alan's day\n"),
        ];
        let root = write_book("new-test", &files);
        let new = NewPage { kind: "status-quo".into(), title: "Alan again".into(), ..NewPage::default() };
        let plan = plan(&root, &new).unwrap_or_else(|e| panic!("{e:#}"));
        let error = write_with(&root, &plan, summary_md_is_read_only).err().map(|e| format!("{e:#}"));
        let page_left = root.join(&plan.page).exists();
        let summary = fs::read_to_string(root.join("src/SUMMARY.md")).unwrap_or_default();
        let _ = fs::remove_dir_all(&root);
        assert!(error.is_some_and(|e| e.contains("the new page was removed again")));
        assert!(!page_left, "the page must not be left behind");
        assert_eq!(summary, files[1].1);
    }

    #[test]
    fn titles_fit_on_a_line_and_say_something() {
        assert!(check_title("  ").is_err());
        assert!(check_title("a\nb").is_err());
        assert!(check_title("Alan's day").is_ok());
    }
}
