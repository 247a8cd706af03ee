//! The model of a vision book: its pages and their kinds, its stories, its cast, and the
//! relative links between any two of them.
//!
//! The model is built once from every chapter, before any feature runs, so what a feature
//! generates never depends on the order of chapters or of preprocessors. Stories are declared
//! by ```` ```story ```` blocks; once `vision-stories` has turned a block into a table, the
//! table is preceded by a [`STORY_MARKER`] comment holding the same metadata, so the model
//! reads the same stories from a book whether or not that preprocessor ran first.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use pulldown_cmark::{Event, LinkType, Tag};
use serde::{Deserialize, Serialize};

use crate::config::{DEFAULT_HOW_TO_FILE, Settings};
use crate::diagnostics::{Diagnostic, Location, suggestion};
use crate::markdown::{Document, FencedBlock, Flavor, Heading, heading_id_05, normalize_label};
use crate::protocol::{ChapterSource, Request};

/// The info string of a story metadata block.
pub const STORY_BLOCK: &str = "story";

/// How a rendered story table announces the metadata it was made from:
/// `<!-- vision-story {json} -->`.
pub const STORY_MARKER: &str = "<!-- vision-story ";

/// Starts the notice `vision-faq` renders with `render-missing`.
pub const NOTICE_MARKER: &str = "<!-- vision-faq-notice -->";

/// The comments that mark a block the suite generated.
pub const GENERATED_MARKERS: &[&str] = &[STORY_MARKER, NOTICE_MARKER];

/// The kind of status quo stories.
pub const STATUS_QUO: &str = "status-quo";
/// The kind of shiny future stories.
pub const SHINY_FUTURE: &str = "shiny-future";
/// The kind of character pages.
pub const CHARACTER: &str = "character";
/// The kind of roadmap pages.
pub const ROADMAP: &str = "roadmap";

/// The keys a story block may hold.
pub const STORY_KEYS: &[&str] =
    &["id", "kind", "character", "shiny-future", "status-quo", "assigned-to", "topics", "status", "owner"];

/// What a story block declares. Lists may be written as one string or an array of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct StoryMeta {
    /// The story's id, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The kind, when given; otherwise the page's path decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The characters the story is about (on a character page: the character it describes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub character: Vec<String>,
    /// On a status quo story: the paired shiny future stories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shiny_future: Vec<String>,
    /// On a shiny future story: the paired status quo stories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status_quo: Vec<String>,
    /// Who is writing it; empty means a volunteer is wanted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assigned_to: Vec<String>,
    /// Topics, for grouping stories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// The page's status (`draft`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Who owns the page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner: Vec<String>,
}

impl StoryMeta {
    /// The ids this story declares as its pair, for its kind.
    pub fn declared_pairs(&self, kind: &str) -> &[String] {
        match pair_key(kind) {
            Some("shiny-future") => &self.shiny_future,
            Some(_) => &self.status_quo,
            None => &[],
        }
    }
}

/// The story-block key that names the pair of a story of `kind`: `shiny-future` on a status
/// quo story, `status-quo` on a shiny future one; other kinds have no pair.
pub fn pair_key(kind: &str) -> Option<&'static str> {
    match kind {
        STATUS_QUO => Some("shiny-future"),
        SHINY_FUTURE => Some("status-quo"),
        _ => None,
    }
}

/// Where a story's metadata was declared in its chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The whole block (or marker comment).
    pub range: Range<usize>,
    /// Whether it is a rendered table's marker rather than a ```` ```story ```` block.
    pub rendered: bool,
    /// For each key written in the block, the source range of its value.
    pub values: BTreeMap<String, Range<usize>>,
}

impl Declaration {
    /// The source range of the value of `key`, or of the whole declaration.
    pub fn value_range(&self, key: &str) -> Range<usize> {
        self.values.get(key).cloned().unwrap_or(self.range.start..self.range.start)
    }
}

/// A story: a page, or a section of a single-page chapter, with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// Unique in the book.
    pub id: String,
    /// Its heading's text, else the chapter's first heading, else its SUMMARY.md name.
    pub title: String,
    /// `status-quo`, `shiny-future`, `character`, `design-doc`, or a configured kind.
    pub kind: String,
    /// The page it is on (index into [`VisionBook::pages`]).
    pub page: usize,
    /// The heading id of its section, for a story that is one of several in a chapter.
    pub anchor: Option<String>,
    /// The bytes of the chapter that belong to it.
    pub section: Range<usize>,
    /// What its block declares.
    pub meta: StoryMeta,
    /// Its block, if it has one.
    pub declaration: Option<Declaration>,
    /// The characters it is about: those its block names, else the cast members its text
    /// (headings included) mentions or links to.
    pub characters: Vec<String>,
}

/// A link on a page that leads to a cast member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacterLink<'b> {
    /// The whole link in the source (`[the dev][Alan]`).
    pub range: Range<usize>,
    /// The character.
    pub character: &'b Character,
    /// When the link is broken: the stale destination its definition gives, or empty when the
    /// definition is missing.
    pub broken: Option<String>,
    /// Its reference label, for a reference link.
    pub label: String,
}

fn is_reference(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut)
}

/// A member of the cast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Character {
    /// The name stories use (`Alan`).
    pub name: String,
    /// The page describing the character.
    pub page: usize,
    /// The heading id, when the page describes several characters.
    pub anchor: Option<String>,
}

/// A chapter of the book with its parsed markdown and its kind.
#[derive(Debug)]
pub struct Page<'a> {
    /// The chapter as mdBook sent it.
    pub source: &'a ChapterSource,
    /// Its file relative to the book root (`src/vision/alan.md`), for diagnostics.
    pub display_path: String,
    /// The path it is rendered from, relative to `src` (`README.md` becomes `index.md`).
    pub output_path: String,
    /// Its markdown, parsed once.
    pub doc: Document<'a>,
    /// Its kind, from its path.
    pub kind: Option<String>,
    /// Whether it is an index page: `README.md`, `index.md`, or a chapter with sub-chapters.
    pub is_index: bool,
    /// Whether it is an index page or matches the `not-stories` globs: such a page holds no
    /// implicit story.
    pub not_a_story: bool,
}

impl Page<'_> {
    /// Its file name without extension.
    pub fn stem(&self) -> &str {
        let file = self.source.file().unwrap_or_default();
        let name = file.rsplit('/').next().unwrap_or(file);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The location of `range` of this page's text, for a diagnostic.
    pub fn location(&self, range: Range<usize>) -> Location {
        Location::in_text(self.display_path.as_str(), self.doc.text, range)
    }
}

/// The whole vision book: pages, stories and cast.
#[derive(Debug)]
pub struct VisionBook<'a> {
    /// How mdBook will parse and render the book.
    pub flavor: Flavor,
    /// The suite's settings.
    pub settings: Settings,
    /// Every chapter with a file, in SUMMARY.md order.
    pub pages: Vec<Page<'a>>,
    /// Every story, in SUMMARY.md order.
    pub stories: Vec<Story>,
    /// The cast.
    pub cast: Vec<Character>,
    /// The how-to page, if the book has one.
    pub how_to: Option<usize>,
    /// The renderer the book is prepared for (`html`, `markdown`, ...).
    pub renderer: String,
    /// The time of the build, in seconds since the Unix epoch (`SOURCE_DATE_EPOCH` when set).
    pub now: u64,
}

impl<'a> VisionBook<'a> {
    /// Builds the model of `chapters`; `src_dir` is the book's source folder (`book.src`).
    /// Problems in the book (bad blocks, unknown ids or characters, ...) are reported.
    pub fn build(
        chapters: &'a [ChapterSource],
        settings: Settings,
        flavor: Flavor,
        src_dir: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let kinds = KindGlobs::new(&settings, diagnostics);
        let pages: Vec<Page<'a>> =
            chapters.iter().map(|source| Page::new(source, flavor, src_dir, &kinds)).collect();
        let mut book = VisionBook {
            flavor,
            settings,
            pages,
            stories: Vec::new(),
            cast: Vec::new(),
            how_to: None,
            renderer: String::new(),
            now: 0,
        };
        book.how_to = book.find_how_to(diagnostics);
        book.cast = book.find_cast(diagnostics);
        book.stories = book.find_stories(&kinds.known, diagnostics);
        let characters: Vec<Vec<String>> = book.stories.iter().map(|s| book.characters_of(s)).collect();
        for (story, characters) in book.stories.iter_mut().zip(characters) {
            story.characters = characters;
        }
        book.check_stories(diagnostics);
        book
    }

    /// Builds the model of `chapters`, the chapters of `request`, with `settings`: parsed as
    /// the mdBook that sent the request parses them, for its renderer.
    pub fn from_request(
        request: &Request,
        chapters: &'a [ChapterSource],
        settings: Settings,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let flavor = Flavor::new(request.mdbook_version(), request.config());
        let mut book = VisionBook::build(chapters, settings, flavor, request.src_dir(), diagnostics);
        book.renderer = request.renderer().to_owned();
        book
    }

    /// The story with this id.
    pub fn story(&self, id: &str) -> Option<&Story> {
        self.stories.iter().find(|s| s.id == id)
    }

    /// The stories declared on page `page`, in order.
    pub fn stories_on(&self, page: usize) -> impl Iterator<Item = &Story> {
        self.stories.iter().filter(move |s| s.page == page)
    }

    /// The cast member with this name.
    pub fn character(&self, name: &str) -> Option<&Character> {
        self.cast.iter().find(|c| c.name == name)
    }

    /// The stories paired with `story`: those it names, and those that name it.
    pub fn partners(&self, story: &Story) -> Vec<&Story> {
        let declared = story.meta.declared_pairs(&story.kind);
        self.stories
            .iter()
            .filter(|other| {
                declared.contains(&other.id) || other.meta.declared_pairs(&other.kind).contains(&story.id)
            })
            .collect()
    }

    /// A link from page `from` to page `to` (and `anchor` in it), relative to `from`.
    pub fn link(&self, from: usize, to: usize, anchor: Option<&str>) -> String {
        let target = relative_path(&self.pages[from].output_path, &self.pages[to].output_path);
        match anchor {
            Some(anchor) => format!("{target}#{anchor}"),
            None => target,
        }
    }

    /// A link from page `from` to a story.
    pub fn link_to_story(&self, from: usize, story: &Story) -> String {
        self.link(from, story.page, story.anchor.as_deref())
    }

    /// A link from page `from` to a character's page.
    pub fn link_to_character(&self, from: usize, character: &Character) -> String {
        self.link(from, character.page, character.anchor.as_deref())
    }

    /// The characters `story` is about: those its block names, else the cast members its text
    /// (headings included) mentions or links to, in the order of the cast. A character page's
    /// own character is not among them.
    fn characters_of(&self, story: &Story) -> Vec<String> {
        if !story.meta.character.is_empty() {
            return story.meta.character.clone();
        }
        let doc = &self.pages[story.page].doc;
        let in_story = |r: &Range<usize>| story.section.contains(&r.start);
        let prose: Vec<Range<usize>> = doc.prose(true).into_iter().filter(in_story).collect();
        let linked = self.character_links(story.page);
        self.cast
            .iter()
            .filter(|c| !(c.page == story.page && story.kind == CHARACTER))
            .filter(|c| {
                !doc.mentions(&prose, &c.name).is_empty()
                    || linked.iter().any(|link| std::ptr::eq(link.character, *c) && in_story(&link.range))
            })
            .map(|c| c.name.clone())
            .collect()
    }

    /// The cast member a link reference label names (`[Alan]`), matched as labels are.
    pub fn character_named(&self, label: &str) -> Option<&Character> {
        let label = normalize_label(label);
        self.cast.iter().find(|c| normalize_label(&c.name) == label)
    }

    /// The links on `page` that lead to a character, outside blocks the suite generated: by
    /// their destination (page and anchor), or as a reference link whose label names a cast
    /// member, its definition missing, stale or sound.
    pub fn character_links(&self, page: usize) -> Vec<CharacterLink<'_>> {
        let doc = &self.pages[page].doc;
        let generated = doc.generated_blocks();
        let mut links: Vec<CharacterLink<'_>> = doc
            .events
            .iter()
            .filter(|(_, range)| !generated.iter().any(|g| g.contains(&range.start)))
            .filter_map(|(event, range)| {
                let Event::Start(Tag::Link { link_type, dest_url, id, .. }) = event else { return None };
                let by_label = is_reference(*link_type).then(|| self.character_named(id)).flatten();
                let character = by_label.or_else(|| self.character_at(page, dest_url))?;
                let stale = is_relative_path(dest_url) && self.page_at(page, dest_url).is_none();
                Some(CharacterLink {
                    range: range.clone(),
                    character,
                    broken: stale.then(|| dest_url.to_string()),
                    label: id.to_string(),
                })
            })
            .collect();
        links.extend(self.broken_character_references(page));
        links.sort_by_key(|l| l.range.start);
        links
    }

    /// Reference links to cast members whose definition is missing, where a link can be: not
    /// an image (`![Alan]`), not inside another link, not inside a directive.
    fn broken_character_references(&self, page: usize) -> Vec<CharacterLink<'_>> {
        let doc = &self.pages[page].doc;
        let mut taken: Vec<Range<usize>> = doc
            .events
            .iter()
            .filter(|(e, _)| matches!(e, Event::Start(Tag::Link { .. } | Tag::Image { .. })))
            .map(|(_, r)| r.clone())
            .collect();
        taken.extend(
            doc.directives_and_escapes(crate::markdown::SUITE_DIRECTIVES).into_iter().map(|d| d.range),
        );
        doc.broken_references
            .iter()
            .filter(|b| {
                !doc.text[..b.range.start].ends_with('!') && !doc.text[b.range.clone()].starts_with('!')
            })
            .filter(|b| !taken.iter().any(|t| t.start <= b.range.start && b.range.end <= t.end))
            .filter_map(|b| {
                Some(CharacterLink {
                    range: b.range.clone(),
                    character: self.character_named(&b.label)?,
                    broken: Some(String::new()),
                    label: b.label.clone(),
                })
            })
            .collect()
    }

    /// The cast member whose page (and section) a link destination written on `page` leads to.
    fn character_at(&self, page: usize, destination: &str) -> Option<&Character> {
        let target = self.page_at(page, destination)?;
        let anchor = destination.split_once('#').map(|(_, anchor)| anchor);
        self.cast.iter().find(|c| c.page == target && (c.anchor.is_none() || c.anchor.as_deref() == anchor))
    }

    /// The page a link destination written on page `from` leads to, if it is a page of the
    /// book: relative paths are resolved from `from`'s folder, and `.html` stands for `.md`.
    /// `None` also for external links and same-page anchors.
    pub fn page_at(&self, from: usize, destination: &str) -> Option<usize> {
        if !is_relative_path(destination) {
            return None;
        }
        let path = destination.split(['#', '?']).next().unwrap_or_default();
        let from_path = &self.pages[from].output_path;
        let folder = from_path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let joined = if let Some(absolute) = path.strip_prefix('/') {
            absolute.to_owned()
        } else {
            format!("{folder}/{path}")
        };
        let mut parts: Vec<&str> = Vec::new();
        for part in joined.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    // Above `src` there are no pages.
                    parts.pop()?;
                }
                part => parts.push(part),
            }
        }
        let resolved = parts.join("/");
        let as_markdown = match resolved.strip_suffix(".html") {
            Some(stem) => format!("{stem}.md"),
            None => resolved,
        };
        self.pages
            .iter()
            .position(|p| p.output_path == as_markdown || p.source.file() == Some(as_markdown.as_str()))
    }

    fn find_page(&self, path: &str) -> Option<usize> {
        let path = path.trim_start_matches("./");
        self.pages.iter().position(|p| {
            p.source.source_path.as_deref() == Some(path) || p.source.path.as_deref() == Some(path)
        })
    }

    fn find_how_to(&self, diagnostics: &mut Vec<Diagnostic>) -> Option<usize> {
        match &self.settings.how_to {
            Some(path) => {
                let page = self.find_page(path);
                if page.is_none() {
                    diagnostics.push(unknown_page("how-to", path));
                }
                page
            }
            None => self.pages.iter().position(|p| {
                p.source.file().is_some_and(|f| f.rsplit('/').next() == Some(DEFAULT_HOW_TO_FILE))
            }),
        }
    }

    fn find_cast(&self, diagnostics: &mut Vec<Diagnostic>) -> Vec<Character> {
        if !self.settings.cast.is_empty() {
            return self.configured_cast(diagnostics);
        }
        let globs = build_globs(&self.settings.cast_page_globs(), "cast-pages", diagnostics);
        let mut cast = Vec::new();
        for (index, page) in self.pages.iter().enumerate() {
            let is_cast_page = page.source.file().is_some_and(|f| globs.is_match(f));
            if is_cast_page && !page.not_a_story {
                cast.extend(characters_of(index, page));
            }
        }
        cast
    }

    fn configured_cast(&self, diagnostics: &mut Vec<Diagnostic>) -> Vec<Character> {
        let mut cast = Vec::new();
        for (name, target) in &self.settings.cast {
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor.to_owned())),
                None => (target.as_str(), None),
            };
            match self.find_page(path) {
                Some(page) => cast.push(Character { name: name.clone(), page, anchor }),
                None => diagnostics.push(unknown_page(&format!("cast.{name}"), path)),
            }
        }
        cast
    }

    fn find_stories(&self, known_kinds: &[String], diagnostics: &mut Vec<Diagnostic>) -> Vec<Story> {
        let mut stories = Vec::new();
        for (index, page) in self.pages.iter().enumerate() {
            let declared = declarations(page, known_kinds, diagnostics);
            let several = declared.len() > 1;
            let has_blocks =
                !declared.is_empty() || page.doc.fenced_blocks.iter().any(|b| b.language() == STORY_BLOCK);
            for (meta, declaration) in declared {
                if let Some(story) = self.declared_story(index, several, meta, declaration, diagnostics) {
                    stories.push(story);
                }
            }
            if !has_blocks {
                stories.extend(self.implicit_story(index));
            }
        }
        stories
    }

    fn declared_story(
        &self,
        index: usize,
        several: bool,
        meta: StoryMeta,
        declaration: Declaration,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Story> {
        let page = &self.pages[index];
        let kind = meta.kind.clone().or_else(|| page.kind.clone());
        let Some(kind) = kind else {
            diagnostics.push(
                Diagnostic::error("unknown-kind", "cannot tell what kind of page this story is on")
                    .at(page.location(declaration.range.start..declaration.range.start))
                    .with_help("add `kind = \"...\"` to the block, or configure `kinds` globs for this path"),
            );
            return None;
        };
        let heading = page.doc.heading_before(declaration.range.start);
        if several {
            let Some(heading) = heading else {
                diagnostics.push(
                    Diagnostic::error(
                        "unnamed-story",
                        "a story of a single-page chapter has no heading above it",
                    )
                    .at(page.location(declaration.range.start..declaration.range.start))
                    .with_help("put each story's block right under the story's heading"),
                );
                return None;
            };
            let id = meta.id.clone().unwrap_or_else(|| slug(&heading.title));
            let section = section_of(&page.doc, heading);
            return Some(Story {
                id,
                title: heading.title.trim().to_owned(),
                kind,
                page: index,
                anchor: Some(heading.id.clone()),
                section,
                meta,
                declaration: Some(declaration),
                characters: Vec::new(),
            });
        }
        let id = meta.id.clone().unwrap_or_else(|| page.stem().to_owned());
        Some(Story {
            id,
            title: page_title(page),
            kind,
            page: index,
            anchor: None,
            section: 0..page.doc.text.len(),
            meta,
            declaration: Some(declaration),
            characters: Vec::new(),
        })
    }

    /// A page of a story kind without a block is a story with no metadata.
    fn implicit_story(&self, index: usize) -> Option<Story> {
        let page = &self.pages[index];
        let kind = page.kind.clone()?;
        if page.not_a_story || kind == CHARACTER || kind == ROADMAP {
            return None;
        }
        Some(Story {
            id: page.stem().to_owned(),
            title: page_title(page),
            kind,
            page: index,
            anchor: None,
            section: 0..page.doc.text.len(),
            meta: StoryMeta::default(),
            declaration: None,
            characters: Vec::new(),
        })
    }

    fn check_stories(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut first_of: HashMap<&str, &Story> = HashMap::new();
        for story in &self.stories {
            if let Some(first) = first_of.get(story.id.as_str()) {
                diagnostics.push(self.duplicate_id(story, first));
            } else {
                first_of.insert(&story.id, story);
            }
            self.check_characters(story, diagnostics);
            self.check_pairs(story, diagnostics);
        }
    }

    fn duplicate_id(&self, story: &Story, first: &Story) -> Diagnostic {
        let page = &self.pages[story.page];
        let range = story.declaration.as_ref().map_or(0..0, |d| d.value_range("id"));
        Diagnostic::error("duplicate-id", format!("story id `{}` is used twice", story.id))
            .at(page.location(range))
            .with_help(format!(
                "it is also the id of the story in {}; give one of them `id = \"...\"`",
                self.pages[first.page].display_path
            ))
    }

    fn check_characters(&self, story: &Story, diagnostics: &mut Vec<Diagnostic>) {
        if story.kind == CHARACTER {
            return;
        }
        let Some(declaration) = &story.declaration else {
            return;
        };
        let names = || self.cast.iter().map(|c| c.name.as_str());
        for name in &story.meta.character {
            if self.character(name).is_none() {
                diagnostics.push(
                    Diagnostic::error("unknown-character", format!("`{name}` is not in the cast"))
                        .at(self.pages[story.page].location(declaration.value_range("character")))
                        .with_help(suggestion(name, "characters", names())),
                );
            }
        }
    }

    fn check_pairs(&self, story: &Story, diagnostics: &mut Vec<Diagnostic>) {
        let Some(declaration) = &story.declaration else {
            return;
        };
        let Some(key) = pair_key(&story.kind) else { return };
        let location = || self.pages[story.page].location(declaration.value_range(key));
        for id in story.meta.declared_pairs(&story.kind) {
            let Some(other) = self.story(id) else {
                let ids = self.stories.iter().map(|s| s.id.as_str());
                diagnostics.push(
                    Diagnostic::error("unknown-story", format!("no story has the id `{id}`"))
                        .at(location())
                        .with_help(suggestion(id, "story ids", ids)),
                );
                continue;
            };
            let expected_kind = if story.kind == STATUS_QUO { SHINY_FUTURE } else { STATUS_QUO };
            if other.kind != expected_kind {
                diagnostics.push(
                    Diagnostic::error(
                        "pair-kind",
                        format!(
                            "`{key}` names `{id}`, which is a {} story, not a {expected_kind} one",
                            other.kind
                        ),
                    )
                    .at(location()),
                );
                continue;
            }
            let theirs = other.meta.declared_pairs(&other.kind);
            if !theirs.is_empty() && !theirs.contains(&story.id) {
                diagnostics.push(
                    Diagnostic::error(
                        "pair-not-mutual",
                        format!(
                            "`{}` pairs with `{id}`, but `{id}` pairs with `{}`",
                            story.id,
                            theirs.join("`, `")
                        ),
                    )
                    .at(location())
                    .with_help(format!(
                        "a pairing must be mutual: fix one side, or declare it on one side only (in {})",
                        self.pages[other.page].display_path
                    )),
                );
            }
        }
    }
}

impl<'a> Page<'a> {
    fn new(source: &'a ChapterSource, flavor: Flavor, src_dir: &str, kinds: &KindGlobs) -> Self {
        let file = source.file().unwrap_or_default().to_owned();
        let kind = kinds.kind_of(&file);
        let output_path = output_path(source.path.as_deref().unwrap_or(&file));
        let is_index = is_index_file(&file) || source.has_sub_items;
        Page {
            source,
            display_path: join_path(src_dir, &file),
            output_path,
            doc: Document::parse(&source.content, flavor),
            kind,
            is_index,
            not_a_story: is_index || kinds.not_stories.is_match(&file),
        }
    }
}

/// The kinds' globs, compiled.
struct KindGlobs {
    known: Vec<String>,
    sets: Vec<(String, GlobSet)>,
    not_stories: GlobSet,
}

impl KindGlobs {
    fn new(settings: &Settings, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let kinds = settings.kind_globs();
        KindGlobs {
            known: kinds.iter().map(|(kind, _)| kind.clone()).collect(),
            sets: kinds
                .iter()
                .map(|(kind, globs)| {
                    (kind.clone(), build_globs(globs, &format!("kinds.{kind}"), diagnostics))
                })
                .collect(),
            not_stories: build_globs(&settings.not_story_globs(), "not-stories", diagnostics),
        }
    }

    fn kind_of(&self, file: &str) -> Option<String> {
        self.sets.iter().find(|(_, set)| set.is_match(file)).map(|(kind, _)| kind.clone())
    }
}

/// Compiles path globs where `*` stays within a path segment and `**` spans any number.
pub fn build_globs(globs: &[String], setting: &str, diagnostics: &mut Vec<Diagnostic>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        match GlobBuilder::new(glob).literal_separator(true).build() {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(error) => diagnostics.push(
                Diagnostic::error(
                    "bad-setting",
                    format!("`{setting}` has an invalid glob `{glob}`: {error}"),
                )
                .at(Location::file("book.toml")),
            ),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn unknown_page(setting: &str, path: &str) -> Diagnostic {
    Diagnostic::error(
        "unknown-page",
        format!("`{setting}` names `{path}`, which is not a chapter of the book"),
    )
    .at(Location::file("book.toml"))
    .with_help("give the path of a chapter's file relative to the book's `src` folder, as in SUMMARY.md")
}

fn is_index_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.eq_ignore_ascii_case("README.md") || name.eq_ignore_ascii_case("index.md")
}

/// mdBook renders `README.md` chapters as `index.html`.
fn output_path(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) if name.eq_ignore_ascii_case("README.md") => format!("{dir}/index.md"),
        None if path.eq_ignore_ascii_case("README.md") => "index.md".to_owned(),
        _ => path.to_owned(),
    }
}

fn join_path(dir: &str, file: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." { file.to_owned() } else { format!("{dir}/{file}") }
}

/// Whether a link destination is a path within the book (not a URL, a mail address or an
/// anchor on the same page).
pub fn is_relative_path(destination: &str) -> bool {
    let path = destination.split(['#', '?']).next().unwrap_or_default();
    !(path.is_empty() || path.contains("://") || path.starts_with("mailto:"))
}

/// The path of `to` relative to the folder of `from`; both relative to `src`.
pub fn relative_path(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dirs.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

/// An id made of a heading: lowercase letters, digits, `_` and `-`.
pub fn slug(text: &str) -> String {
    heading_id_05(text).trim_matches('-').to_owned()
}

fn page_title(page: &Page<'_>) -> String {
    page.doc
        .first_heading()
        .map(|h| h.title.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| page.source.name.clone())
}

/// From `heading` to the next heading of the same or a higher level.
pub fn section_of(doc: &Document<'_>, heading: &Heading) -> Range<usize> {
    let end = doc
        .headings
        .iter()
        .find(|h| h.range.start > heading.range.start && h.level <= heading.level)
        .map_or(doc.text.len(), |h| h.range.start);
    heading.range.start..end
}

/// The characters a cast page declares: one per `Name: description` heading at the
/// shallowest level that has such headings (several of them, or the page's title), or the
/// page itself, named by its file stem.
fn characters_of(index: usize, page: &Page<'_>) -> Vec<Character> {
    let named: Vec<(&Heading, String)> =
        page.doc.headings.iter().filter_map(|h| character_name(&h.title).map(|n| (h, n))).collect();
    let by_stem = || vec![Character { name: name_from_stem(page.stem()), page: index, anchor: None }];
    let Some(level) = named.iter().map(|(h, _)| h.level).min() else {
        return by_stem();
    };
    let named: Vec<_> = named.into_iter().filter(|(h, _)| h.level == level).collect();
    // One `Name:` subheading under a title of another form (`## Background: ...` on a page
    // titled `# Alan`) is a section of that page, not its character.
    let is_title =
        |heading: &Heading| page.doc.first_heading().is_some_and(|first| first.range == heading.range);
    if let [(heading, _)] = named.as_slice()
        && !is_title(heading)
    {
        return by_stem();
    }
    let several = named.len() > 1;
    named
        .into_iter()
        .map(|(heading, name)| Character { name, page: index, anchor: several.then(|| heading.id.clone()) })
        .collect()
}

/// `Alan` from `Alan: the startup guy`, ignoring leading emoji.
fn character_name(heading: &str) -> Option<String> {
    let (name, description) = heading.split_once(':')?;
    let name = name.trim_start_matches(|c: char| !c.is_alphanumeric()).trim();
    let looks_like_a_name = !name.is_empty()
        && !description.trim().is_empty()
        && name.split_whitespace().count() <= 3
        && name.chars().next().is_some_and(char::is_uppercase);
    looks_like_a_name.then(|| name.to_owned())
}

fn name_from_stem(stem: &str) -> String {
    stem.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The story declarations of a page: its ```` ```story ```` blocks and rendered markers.
fn declarations(
    page: &Page<'_>,
    known_kinds: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(StoryMeta, Declaration)> {
    let mut found = Vec::new();
    for block in page.doc.fenced_blocks.iter().filter(|b| b.language() == STORY_BLOCK) {
        if let Some(parsed) = parse_block(page, block, known_kinds, diagnostics) {
            found.push(parsed);
        }
    }
    for (event, range) in &page.doc.events {
        if let Event::Html(html) = event
            && let Some(meta) = parse_marker(html)
        {
            let range = range.start..range.start + html.trim_end().len();
            found.push((meta, Declaration { range, rendered: true, values: BTreeMap::new() }));
        }
    }
    found.sort_by_key(|(_, d)| d.range.start);
    found
}

/// The marker comment that stands before a rendered story table.
pub fn marker(meta: &StoryMeta) -> String {
    let json = serde_json::to_string(meta).unwrap_or_default();
    // `>` cannot appear in JSON outside strings; escaping it keeps `-->` out of the comment.
    format!("{STORY_MARKER}{} -->", json.replace('>', "\\u003e"))
}

fn parse_marker(html: &str) -> Option<StoryMeta> {
    let json = html.trim().strip_prefix(STORY_MARKER)?.strip_suffix("-->")?;
    serde_json::from_str(json.trim()).ok()
}

fn parse_block(
    page: &Page<'_>,
    block: &FencedBlock,
    known_kinds: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(StoryMeta, Declaration)> {
    let at =
        |range: Range<usize>| page.location(block.source_offset(range.start)..block.source_offset(range.end));
    let table = match toml::de::DeTable::parse(&block.body) {
        Ok(table) => table.into_inner(),
        Err(error) => {
            let range = error.span().unwrap_or(0..0);
            diagnostics.push(
                Diagnostic::error(
                    "bad-toml",
                    format!("the story block is not valid TOML: {}", error.message()),
                )
                .at(at(range))
                .with_help("a story block holds `key = value` lines, e.g. `character = \"Alan\"`"),
            );
            return None;
        }
    };
    let mut meta = StoryMeta::default();
    let mut values = BTreeMap::new();
    let mut ok = true;
    for (key, value) in &table {
        let key_name = key.get_ref().as_ref();
        let value_range = block.source_offset(value.span().start)..block.source_offset(value.span().end);
        match read_value(&mut meta, key_name, value.get_ref()) {
            Ok(()) => {
                values.insert(key_name.to_owned(), value_range);
            }
            Err(problem) => {
                ok = false;
                let (range, diagnostic) = match problem {
                    ValueProblem::UnknownKey => (
                        key.span(),
                        Diagnostic::error(
                            "unknown-key",
                            format!("unknown key `{key_name}` in a story block"),
                        )
                        .with_help(suggestion(
                            key_name,
                            "keys",
                            STORY_KEYS.iter().copied(),
                        )),
                    ),
                    ValueProblem::Expected(what) => {
                        (value.span(), Diagnostic::error("bad-value", format!("`{key_name}` must be {what}")))
                    }
                };
                diagnostics.push(diagnostic.at(at(range)));
            }
        }
    }
    if let Some(kind) = &meta.kind
        && !known_kinds.contains(kind)
    {
        diagnostics.push(
            Diagnostic::error("unknown-kind", format!("unknown kind `{kind}`"))
                .at(page.location(values.get("kind").cloned().unwrap_or(0..0)))
                .with_help(suggestion(kind, "kinds", known_kinds.iter().map(String::as_str))),
        );
        ok = false;
    }
    ok.then(|| (meta, Declaration { range: block.range.clone(), rendered: false, values }))
}

enum ValueProblem {
    UnknownKey,
    Expected(&'static str),
}

fn read_value(meta: &mut StoryMeta, key: &str, value: &toml::de::DeValue<'_>) -> Result<(), ValueProblem> {
    let one = || match value {
        toml::de::DeValue::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        _ => Err(ValueProblem::Expected("a non-empty string")),
    };
    let list = || match value {
        toml::de::DeValue::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        toml::de::DeValue::String(s) => Ok(vec![s.trim().to_owned()]),
        toml::de::DeValue::Array(items) => items
            .iter()
            .map(|item| match item.get_ref() {
                toml::de::DeValue::String(s) => Ok(s.trim().to_owned()),
                _ => Err(ValueProblem::Expected("a string or an array of strings")),
            })
            .filter(|item| item.as_ref().map_or(true, |s| !s.is_empty()))
            .collect(),
        _ => Err(ValueProblem::Expected("a string or an array of strings")),
    };
    match key {
        "id" => meta.id = Some(one()?),
        "kind" => meta.kind = Some(one()?),
        "status" => meta.status = Some(one()?),
        "character" => meta.character = list()?,
        "shiny-future" => meta.shiny_future = list()?,
        "status-quo" => meta.status_quo = list()?,
        "assigned-to" => meta.assigned_to = list()?,
        "topics" => meta.topics = list()?,
        "owner" => meta.owner = list()?,
        _ => return Err(ValueProblem::UnknownKey),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_and_descend() {
        assert_eq!(
            relative_path("vision/status_quo/a.md", "vision/characters/alan.md"),
            "../characters/alan.md"
        );
        assert_eq!(relative_path("a.md", "vision/b.md"), "vision/b.md");
        assert_eq!(relative_path("vision/x/y/a.md", "b.md"), "../../../b.md");
        assert_eq!(relative_path("vision/a.md", "vision/a.md"), "a.md");
    }

    #[test]
    fn readme_chapters_render_as_index_pages() {
        assert_eq!(output_path("vision/README.md"), "vision/index.md");
        assert_eq!(output_path("README.md"), "index.md");
        assert_eq!(output_path("vision/readme_notes.md"), "vision/readme_notes.md");
    }

    #[test]
    fn character_headings_name_characters() {
        assert_eq!(character_name("🙋 Alan: the startup guy").as_deref(), Some("Alan"));
        assert_eq!(character_name("Cast of characters"), None);
        assert_eq!(character_name("the plan: later"), None);
        assert_eq!(name_from_stem("alan_turing"), "Alan Turing");
    }

    fn glob_matches(glob: &str, path: &str) -> bool {
        build_globs(&[glob.to_owned()], "test", &mut Vec::new()).is_match(path)
    }

    #[test]
    fn globs_keep_single_stars_within_a_segment() {
        assert!(glob_matches("**/status_quo/**", "vision/status_quo/a.md"));
        assert!(glob_matches("**/status_quo/**", "status_quo/a.md"));
        assert!(!glob_matches("*/a.md", "x/y/a.md"));
        assert!(glob_matches("**/roadmap.md", "roadmap.md"));
    }

    #[test]
    fn markers_round_trip_and_never_close_early() {
        let meta = StoryMeta { id: Some("a".into()), topics: vec!["x --> y".into()], ..StoryMeta::default() };
        let marker = marker(&meta);
        assert!(!marker[4..marker.len() - 3].contains("-->"), "{marker}");
        assert_eq!(parse_marker(&marker), Some(meta));
    }
}
