//! The model of a vision book: its pages and their kinds, its stories, its cast, and the
//! relative links between any two of them.
//!
//! The model is built once from every chapter, before any feature runs, so what a feature
//! generates never depends on the order of chapters or of preprocessors. Stories are declared
//! by ```` ```story ```` blocks, or by the marker of the table `vision-stories` made of one
//! (see [`crate::generated`]), so the model reads the same stories from a book whether or not
//! that preprocessor ran first. Lookups by id, name, page and path go through indexes built
//! with the model.

mod block;
mod cast;
mod checks;
mod kind;
mod links;
mod page;
mod story;

use std::borrow::Cow;
use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;
use std::ops::Range;

pub use self::cast::{CastMention, Character};
pub use self::kind::{GlobSet, Kind, Kinds, PathClass, build_globs};
pub use self::links::CharacterLink;

use self::page::push_plain_relative_path;
pub use self::page::{Page, is_relative_path, output_path, relative_path, resolve};
pub use self::story::{Declaration, STORY_BLOCK, STORY_KEYS, Story, StoryMeta, section_of, slug};
use self::story::{IdIndex, PageStories, StoryIndex};
use crate::codes;
use crate::config::{DEFAULT_HOW_TO_FILE, Settings, TEMPLATE_STEM};
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::{Flavor, NameFinder, normalize_label};
use crate::protocol::{ChapterSource, Request};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// Its position in the book's list.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            fn at(index: usize) -> Self {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }
    };
}

id_type!(
    /// A page of the book: its position in [`VisionBook::pages`].
    PageId
);
id_type!(
    /// A story of the book: its position in [`VisionBook::stories`].
    StoryId
);
id_type!(
    /// A cast member: its position in [`VisionBook::cast`].
    CharacterId
);

/// The whole vision book: pages, stories and cast.
#[derive(Debug)]
pub struct VisionBook<'a> {
    /// How mdBook will parse and render the book.
    pub flavor: Flavor,
    /// The suite's settings.
    pub settings: Settings,
    /// The kinds of page.
    pub kinds: Kinds,
    /// Every chapter with a file, in SUMMARY.md order.
    pub pages: Vec<Page<'a>>,
    /// Every story, in SUMMARY.md order.
    pub stories: Vec<Story>,
    /// The cast.
    pub cast: Vec<Character>,
    /// The how-to page, if the book has one.
    pub how_to: Option<PageId>,
    /// Each kind's template page, by the kind's position among the book's kinds.
    templates: Vec<Option<PageId>>,
    /// The renderer the book is prepared for (`html`, `markdown`, ...).
    pub renderer: String,
    /// The time of the build, in seconds since the Unix epoch (`SOURCE_DATE_EPOCH` when set).
    pub now: u64,
    /// Each page's file and output path, to the first page that has it.
    pages_by_path: HashMap<Cow<'a, str>, PageId>,
    /// Every story, by id and then in book order.
    stories_by_id: IdIndex,
    /// Each page's stories, as a range of story ids.
    stories_by_page: Vec<Range<usize>>,
    /// Each story's partners, in book order.
    partners: Vec<Vec<StoryId>>,
    /// Each name, and each name as a link label matches it, to its cast member.
    cast_by_name: HashMap<String, CharacterId>,
    cast_by_label: HashMap<String, CharacterId>,
    /// Each page, to the cast members it describes, in cast order.
    cast_by_page: HashMap<PageId, Vec<CharacterId>>,
    /// The file names (last path segments) of the cast's pages, as written and as rendered
    /// (see [`VisionBook::may_lead_to_cast`]).
    cast_file_names: HashSet<String>,
    /// Finds the cast's names in prose.
    cast_finder: NameFinder,
    /// Each story's characters, once asked for.
    story_characters: Vec<OnceLock<Vec<String>>>,
    /// Each page's folder (see [`page::folders_of`]); for each folder, the link a mention of
    /// each cast member becomes on its pages, once asked for.
    page_folders: Vec<usize>,
    mention_links: Vec<OnceLock<Vec<String>>>,
    /// The stories the checks found problems with.
    faulty: HashSet<StoryId>,
}

impl<'a> VisionBook<'a> {
    /// Builds the model of `chapters`, with what `needs` asks for; `src_dir` is the book's
    /// source folder (`book.src`). Problems in the book (bad blocks, unknown ids or characters,
    /// ...) are reported.
    fn build(
        chapters: &'a [ChapterSource<'a>],
        settings: Settings,
        kinds: Kinds,
        flavor: Flavor,
        src_dir: &str,
        needs: Needs,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        // A page's stories are read while its parse is fresh; those of a part of a split
        // story are dropped below, once parts are known.
        let (mut pages, mut found): (Vec<Page<'a>>, Vec<PageStories>) = chapters
            .par_iter()
            .enumerate()
            .map(|(index, source)| {
                let page = Page::new(source, flavor, src_dir, &kinds);
                let mut findings = Vec::new();
                let stories = if needs.stories {
                    story::stories_of(PageId::at(index), &page, &kinds, &mut findings)
                } else {
                    Vec::new()
                };
                (page, (stories, findings))
            })
            .unzip();
        let (parts, pages_by_path) = rayon::join(|| parts_of(&pages), || index_paths(&pages));
        for ((page, part_of), (stories, _)) in pages.iter_mut().zip(parts).zip(&mut found) {
            page.part_of = part_of;
            if part_of.is_some() {
                stories.retain(|story| story.declaration.is_some());
            }
        }
        let (page_folders, folders) = page::folders_of(&pages);
        let mut book = VisionBook {
            flavor,
            settings,
            kinds,
            pages_by_path,
            pages,
            stories: Vec::new(),
            cast: Vec::new(),
            how_to: None,
            templates: Vec::new(),
            renderer: String::new(),
            now: 0,
            stories_by_id: IdIndex::default(),
            stories_by_page: Vec::new(),
            partners: Vec::new(),
            cast_by_name: HashMap::new(),
            cast_by_label: HashMap::new(),
            cast_by_page: HashMap::new(),
            cast_file_names: HashSet::default(),
            cast_finder: NameFinder::new([]),
            story_characters: Vec::new(),
            page_folders,
            mention_links: (0..folders).map(|_| OnceLock::new()).collect(),
            faulty: HashSet::new(),
        };
        book.how_to = book.find_how_to(diagnostics);
        book.templates = book.find_templates(diagnostics);
        // The cast and the stories are read side by side; their findings keep this order.
        let (mut cast_findings, mut story_findings) = (Vec::new(), Vec::new());
        let (cast, stories) = rayon::join(
            || book.read_cast(&mut cast_findings),
            || needs.stories.then(|| story::index_stories(&book.pages, found, &mut story_findings)),
        );
        diagnostics.append(&mut cast_findings);
        book.set_cast(cast);
        if let Some(stories) = stories {
            diagnostics.append(&mut story_findings);
            book.set_stories(stories);
            book.faulty = book.check_stories(diagnostics);
        }
        book
    }

    /// Builds the model of `chapters`, the chapters of `request`, with `settings`: parsed as
    /// the mdBook that sent the request parses them, for its renderer.
    pub fn from_request(
        request: &Request,
        chapters: &'a [ChapterSource<'a>],
        settings: Settings,
        needs: Needs,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let kinds = Kinds::new(&settings, diagnostics);
        VisionBook::from_request_with_kinds(request, chapters, settings, kinds, needs, diagnostics)
    }

    /// [`VisionBook::from_request`] with the kinds already compiled from the settings (and
    /// their problems already reported).
    pub fn from_request_with_kinds(
        request: &Request,
        chapters: &'a [ChapterSource<'a>],
        settings: Settings,
        kinds: Kinds,
        needs: Needs,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let flavor = Flavor::new(request.mdbook_version(), request.config());
        let mut book =
            VisionBook::build(chapters, settings, kinds, flavor, request.src_dir(), needs, diagnostics);
        book.renderer = request.renderer().to_owned();
        book
    }

    /// Every page's id, in order.
    pub fn page_ids(&self) -> impl Iterator<Item = PageId> + use<> {
        (0..self.pages.len()).map(PageId::at)
    }

    /// Every cast member's id, in cast order.
    pub fn cast_ids(&self) -> impl Iterator<Item = CharacterId> + use<> {
        (0..self.cast.len()).map(CharacterId::at)
    }

    /// The page rendered from, or read from, `path` (relative to `src`).
    pub fn page_by_path(&self, path: &str) -> Option<PageId> {
        self.pages_by_path.get(path).copied()
    }

    /// The page `id`.
    pub fn page(&self, id: PageId) -> &Page<'a> {
        &self.pages[id.index()]
    }

    /// The story `id`.
    pub fn story_at(&self, id: StoryId) -> &Story {
        &self.stories[id.index()]
    }

    /// The cast member `id`.
    pub fn character_at(&self, id: CharacterId) -> &Character {
        &self.cast[id.index()]
    }

    /// The story with this id.
    pub fn story(&self, id: &str) -> Option<&Story> {
        self.stories_with_id(id).next().map(|id| self.story_at(id))
    }

    /// Every story with this id, in book order.
    fn stories_with_id<'s>(&'s self, id: &'s str) -> impl Iterator<Item = StoryId> + 's {
        self.stories_by_id.stories_with_id(&self.stories, id)
    }

    /// The stories declared on page `page`, in order.
    pub fn stories_on(&self, page: PageId) -> &[Story] {
        self.stories_by_page.get(page.index()).map_or(&[], |range| &self.stories[range.clone()])
    }

    /// The cast member with this name.
    pub fn character(&self, name: &str) -> Option<&Character> {
        self.cast_by_name.get(name).map(|&id| self.character_at(id))
    }

    /// The cast member a link reference label names (`[Alan]`), matched as labels are.
    pub fn character_named(&self, label: &str) -> Option<CharacterId> {
        self.cast_by_label.get(&normalize_label(label)).copied()
    }

    /// The cast members page `page` describes, in cast order.
    pub fn cast_on(&self, page: PageId) -> impl Iterator<Item = (CharacterId, &Character)> {
        self.cast_by_page.get(&page).into_iter().flatten().map(|&id| (id, self.character_at(id)))
    }

    /// The stories paired with `story`: those it names, and those that name it, in book order.
    pub fn partners(&self, story: &Story) -> impl Iterator<Item = &Story> {
        let id = self.id_of(story);
        id.map_or(&[][..], |id| &self.partners[id.index()]).iter().map(|&p| self.story_at(p))
    }

    /// The id of `story`, one of this book's stories.
    fn id_of(&self, story: &Story) -> Option<StoryId> {
        let on_page = self.stories_by_page.get(story.page.index())?.clone();
        on_page
            .clone()
            .zip(&self.stories[on_page])
            .find(|(_, s)| std::ptr::eq(*s, story))
            .map(|(i, _)| StoryId::at(i))
    }

    /// Whether `story` has problems (reported when the model was built): its block is then
    /// left as written.
    pub fn is_faulty(&self, story: &Story) -> bool {
        story.declaration.as_ref().is_some_and(|d| d.faulty)
            || self.id_of(story).is_some_and(|id| self.faulty.contains(&id))
    }

    /// The mentions of cast members in page `page`'s prose (headings included), in order.
    pub fn mentions(&self, page: PageId) -> &[CastMention] {
        self.page(page).mentions.get_or_init(|| {
            let doc = &self.page(page).doc;
            let prose = doc.prose();
            self.cast_finder
                .find(doc.text, prose.iter().map(|p| &p.range))
                .into_iter()
                .map(|m| CastMention {
                    range: m.range,
                    character: CharacterId::at(m.name),
                    in_heading: prose[m.within].in_heading,
                })
                .collect()
        })
    }

    /// The links on page `page` that lead to cast members, sound or broken, in order.
    pub fn character_links(&self, page: PageId) -> &[CharacterLink] {
        self.page(page).character_links.get_or_init(|| self.find_character_links(page))
    }

    /// The characters `story` is about: those its block names, else the cast members its text
    /// (headings included) mentions or links to, in the order of the cast. A character page's
    /// own character is not among them.
    pub fn characters_of(&self, story: &Story) -> &[String] {
        match self.id_of(story).and_then(|id| self.story_characters.get(id.index())) {
            Some(cell) => cell.get_or_init(|| self.find_characters_of(story)),
            None => &[],
        }
    }

    /// A link from page `from` to page `to` (and `anchor` in it), relative to `from`.
    pub fn link(&self, from: PageId, to: PageId, anchor: Option<&str>) -> String {
        let (from, to) = (self.page(from), self.page(to));
        let mut target = match (from.output_depth, to.output_depth) {
            (Some(depth), Some(_)) => {
                let mut target = String::new();
                let extra = anchor.map_or(0, |anchor| 1 + anchor.len());
                push_plain_relative_path(&mut target, &from.output_path, depth, &to.output_path, extra);
                target
            }
            _ => relative_path(&from.output_path, &to.output_path),
        };
        if let Some(anchor) = anchor {
            target.push('#');
            target.push_str(anchor);
        }
        target
    }

    /// A link from page `from` to a story.
    pub fn link_to_story(&self, from: PageId, story: &Story) -> String {
        self.link(from, story.page, story.anchor.as_deref())
    }

    /// A link from page `from` to a character's page.
    pub fn link_to_character(&self, from: PageId, character: &Character) -> String {
        self.link(from, character.page, character.anchor.as_deref())
    }

    /// The page a setting names by its path relative to `src` (`./` allowed).
    fn find_page(&self, path: &str) -> Option<PageId> {
        let path = path.trim_start_matches("./");
        self.pages
            .iter()
            .position(|p| {
                p.source.source_path.as_deref() == Some(path) || p.source.path.as_deref() == Some(path)
            })
            .map(PageId::at)
    }

    /// The template page of `kind`: configured in `templates`, else the `template.md` among the
    /// pages of that kind.
    pub fn template_of(&self, kind: Kind) -> Option<PageId> {
        self.templates.get(kind.index()).copied().flatten()
    }

    fn find_templates(&self, diagnostics: &mut Vec<Diagnostic>) -> Vec<Option<PageId>> {
        let kinds: Vec<&str> = self.kinds.names().collect();
        // The first `template.md` page of each kind, by the kind's position, in one pass.
        let mut found = vec![None; kinds.len()];
        for id in self.page_ids() {
            let page = self.page(id);
            if let Some(kind) = page.kind
                && page.stem() == TEMPLATE_STEM
                && let Some(slot @ None) = found.get_mut(kind.index())
            {
                *slot = Some(id);
            }
        }
        kinds
            .iter()
            .zip(found)
            .map(|(&kind, found)| match self.settings.templates.get(kind) {
                Some(path) => {
                    let page = self.find_page(path);
                    if page.is_none() {
                        diagnostics.push(unknown_page(&format!("templates.{kind}"), path));
                    }
                    page
                }
                None => found,
            })
            .collect()
    }

    fn find_how_to(&self, diagnostics: &mut Vec<Diagnostic>) -> Option<PageId> {
        match &self.settings.how_to {
            Some(path) => {
                let page = self.find_page(path);
                if page.is_none() {
                    diagnostics.push(unknown_page("how-to", path));
                }
                page
            }
            None => self
                .pages
                .iter()
                .position(|p| {
                    p.source.file().is_some_and(|f| f.rsplit('/').next() == Some(DEFAULT_HOW_TO_FILE))
                })
                .map(PageId::at),
        }
    }

    /// The cast, configured or declared by the cast pages, and the finder of its names.
    fn read_cast(&self, diagnostics: &mut Vec<Diagnostic>) -> (Vec<Character>, NameFinder) {
        let cast = if self.settings.cast.is_empty() {
            self.discovered_cast(diagnostics)
        } else {
            self.configured_cast(diagnostics)
        };
        let finder = NameFinder::new(cast.iter().map(|c| c.name.as_str()));
        (cast, finder)
    }

    /// Sets the cast [`VisionBook::read_cast`] read, and indexes it.
    fn set_cast(&mut self, (cast, finder): (Vec<Character>, NameFinder)) {
        for (index, character) in cast.iter().enumerate() {
            let id = CharacterId::at(index);
            self.cast_by_name.entry(character.name.clone()).or_insert(id);
            self.cast_by_label.entry(normalize_label(&character.name)).or_insert(id);
            self.cast_by_page.entry(character.page).or_default().push(id);
        }
        self.cast_file_names = links::file_names(self.cast_by_page.keys().map(|&page| self.page(page)));
        self.cast = cast;
        self.cast_finder = finder;
    }

    fn discovered_cast(&self, diagnostics: &mut Vec<Diagnostic>) -> Vec<Character> {
        diagnostics.extend_from_slice(self.kinds.cast_pages_findings());
        self.page_ids()
            .filter(|&id| {
                let page = self.page(id);
                page.cast_page && !page.not_a_story
            })
            .flat_map(|id| cast::declared_on(id, self.page(id)))
            .collect()
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

    /// Sets the stories [`story::index_stories`] indexed.
    fn set_stories(&mut self, index: StoryIndex) {
        self.story_characters = index.stories.iter().map(|_| OnceLock::new()).collect();
        self.stories = index.stories;
        self.stories_by_page = index.by_page;
        self.stories_by_id = index.by_id;
        self.partners = index.partners;
    }

    fn find_characters_of(&self, story: &Story) -> Vec<String> {
        if !story.meta.character.is_empty() {
            return story.meta.character.clone();
        }
        let in_story = |range: &Range<usize>| story.section.contains(&range.start);
        let present: HashSet<CharacterId> = self
            .mentions(story.page)
            .iter()
            .filter(|m| in_story(&m.range))
            .map(|m| m.character)
            .chain(
                self.character_links(story.page).iter().filter(|l| in_story(&l.range)).map(|l| l.character),
            )
            .collect();
        self.cast
            .iter()
            .enumerate()
            .filter(|(_, c)| !(c.page == story.page && story.kind == Kind::CHARACTER))
            .filter(|(index, _)| present.contains(&CharacterId::at(*index)))
            .map(|(_, c)| c.name.clone())
            .collect()
    }
}

/// What the features that run need of the model, beyond its pages, kinds and cast.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// The stories, their pairs, and the checks of their blocks.
    pub stories: bool,
}

impl Needs {
    /// Everything.
    pub const ALL: Needs = Needs { stories: true };

    /// What either `self` or `other` needs.
    pub fn and(self, other: Needs) -> Needs {
        Needs { stories: self.stories || other.stories }
    }
}

/// The story each page is a part of, for stories split over several pages: the pages
/// SUMMARY.md nests under a story page, and the pages of the folder named after one.
fn parts_of(pages: &[Page<'_>]) -> Vec<Option<PageId>> {
    // Each story page's file without `.md`: the folder of its parts.
    let mut folders: HashMap<&str, PageId> = HashMap::with_capacity(pages.len());
    folders.extend(
        pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.holds_a_story())
            .filter_map(|(i, p)| Some((p.source.file()?.strip_suffix(".md")?, PageId::at(i)))),
    );
    (0..pages.len())
        .map(|index| {
            let mut ancestor = pages[index].parent;
            let mut part_of = None;
            while let Some(up) = ancestor {
                if pages[up.index()].holds_a_story() {
                    part_of = Some(up);
                    break;
                }
                ancestor = pages[up.index()].parent;
            }
            let file = pages[index].source.file().unwrap_or_default();
            // The folders `file` is in: each prefix of it that a `/` follows.
            let in_folder = || {
                file.match_indices('/').filter_map(|(slash, _)| folders.get(&file[..slash]).copied()).min()
            };
            part_of.or_else(in_folder).filter(|&p| p.index() != index)
        })
        .collect()
}

/// Each page's file and output path, to the first page that has it.
fn index_paths<'a>(pages: &[Page<'a>]) -> HashMap<Cow<'a, str>, PageId> {
    let mut index = HashMap::with_capacity(2 * pages.len());
    for (position, page) in pages.iter().enumerate() {
        index.entry(page.output_path.clone()).or_insert(PageId::at(position));
        let source: &'a ChapterSource<'a> = page.source;
        if let Some(file) = source.file() {
            index.entry(Cow::Borrowed(file)).or_insert(PageId::at(position));
        }
    }
    index
}

fn unknown_page(setting: &str, path: &str) -> Diagnostic {
    Diagnostic::new(
        codes::UNKNOWN_PAGE,
        format!("`{setting}` names `{path}`, which is not a chapter of the book"),
    )
    .at(Location::setting(setting))
    .with_help("give the path of a chapter's file relative to the book's `src` folder, as in SUMMARY.md")
}
