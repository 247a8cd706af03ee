//! Stories and their metadata: ```` ```story ```` blocks, the markers of the tables made from
//! them, and the stories found on each page.

use std::ops::Range;

use foldhash::{HashMap, HashMapExt};
use serde::{Deserialize, Serialize};

use super::block::{self, Entry, Value};
use super::kind::{Kind, Kinds};
use super::page::Page;
use super::{PageId, StoryId};
use crate::codes;
use crate::diagnostics::{Diagnostic, suggestion};
use crate::generated;
use crate::markdown::{Document, FencedBlock, Heading, NodeKind};

/// The info string of a story metadata block.
pub const STORY_BLOCK: &str = "story";

/// The keys a story block may hold.
pub const STORY_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "character",
    "shiny-future",
    "status-quo",
    "assigned-to",
    "topics",
    "status",
    "owner",
];

/// What a story block declares. Lists may be written as one string or an array of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct StoryMeta {
    /// The story's id, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The story's title, when given; otherwise its chapter's name in SUMMARY.md, or for a
    /// story that is a section of a chapter, its heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
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
    pub fn declared_pairs(&self, kind: Kind) -> &[String] {
        match kind {
            Kind::STATUS_QUO => &self.shiny_future,
            Kind::SHINY_FUTURE => &self.status_quo,
            _ => &[],
        }
    }

    /// The marker comment that stands before the table rendered from this metadata.
    pub fn marker(&self) -> String {
        generated::story_marker(&serde_json::to_string(self).unwrap_or_default())
    }
}

/// Where a story's metadata was declared in its chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The whole block (or marker comment).
    pub range: Range<usize>,
    /// Whether it is a rendered table's marker rather than a ```` ```story ```` block.
    pub rendered: bool,
    /// For each key of [`STORY_KEYS`] written in the block, the source range of its value: a
    /// handful per block, kept for the whole run, and looked up by key (their order is that
    /// of the block's entries, see `block::entries`).
    values: Vec<(&'static str, Range<usize>)>,
    /// Whether the block has problems (reported): it is then left as written.
    pub faulty: bool,
}

impl Declaration {
    /// The source range of the value of `key`, or of the whole declaration.
    pub fn value_range(&self, key: &str) -> Range<usize> {
        self.value(key).unwrap_or(self.range.start..self.range.start)
    }

    /// Whether the block gives `key` a value.
    pub fn has_value(&self, key: &str) -> bool {
        self.value(key).is_some()
    }

    fn value(&self, key: &str) -> Option<Range<usize>> {
        value_of(&self.values, key)
    }
}

/// Where the value of `key` is among a block's `values`.
fn value_of(values: &[(&str, Range<usize>)], key: &str) -> Option<Range<usize>> {
    values.iter().find(|(written, _)| *written == key).map(|(_, range)| range.clone())
}

/// A story: a page, or a section of a single-page chapter, with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// Unique in the book.
    pub id: String,
    /// Its block's `title`, else its chapter's SUMMARY.md name (for a section story, its
    /// heading), else the chapter's top-level heading.
    pub title: String,
    /// Its kind.
    pub kind: Kind,
    /// The page it is on.
    pub page: PageId,
    /// The heading id of its section, for a story that is one of several in a chapter.
    pub anchor: Option<String>,
    /// The bytes of the chapter that belong to it.
    pub section: Range<usize>,
    /// What its block declares.
    pub meta: StoryMeta,
    /// Its block, if it has one.
    pub declaration: Option<Declaration>,
    /// The pages it continues on: its chapter's sub-chapters, or the pages in the folder named
    /// after its chapter.
    pub parts: Vec<PageId>,
}

/// The stories read from a page, and the problems found reading them.
pub(super) type PageStories = (Vec<Story>, Vec<Diagnostic>);

/// The stories of a book, with their indexes: what the model keeps of them.
pub(super) struct StoryIndex {
    /// Every story, in book order.
    pub stories: Vec<Story>,
    /// Each page's stories, as a range of story ids.
    pub by_page: Vec<Range<usize>>,
    /// Every story, by the hash of its id and then in book order (see [`IdIndex`]).
    pub by_id: IdIndex,
    /// Each story's partners, in book order.
    pub partners: Vec<Vec<StoryId>>,
}

/// The stories `found` on each of `pages`, indexed, with their partners and parts settled.
/// The problems found reading them go to `diagnostics`, in page order.
pub(super) fn index_stories(
    pages: &[Page<'_>],
    found: Vec<PageStories>,
    diagnostics: &mut Vec<Diagnostic>,
) -> StoryIndex {
    let mut stories = Vec::with_capacity(found.iter().map(|(stories, _)| stories.len()).sum());
    let mut by_page = Vec::with_capacity(found.len());
    for (on_page, findings) in found {
        let start = stories.len();
        stories.extend(on_page);
        by_page.push(start..stories.len());
        diagnostics.extend(findings);
    }
    let by_id = IdIndex::new(&stories);
    let partners = partners_of(&stories, &by_id);
    let mut parts: HashMap<PageId, Vec<PageId>> = HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        if let Some(whole) = page.part_of {
            parts.entry(whole).or_default().push(PageId::at(index));
        }
    }
    for story in stories.iter_mut().filter(|s| s.anchor.is_none()) {
        story.parts = parts.get(&story.page).cloned().unwrap_or_default();
    }
    StoryIndex { stories, by_page, by_id, partners }
}

/// Each story's partners, in book order: the stories its block pairs it with, and those whose
/// blocks pair them with it.
fn partners_of(stories: &[Story], by_id: &IdIndex) -> Vec<Vec<StoryId>> {
    // Each pair a block declares is noted on both sides.
    let mut partners = vec![Vec::new(); stories.len()];
    for (index, story) in stories.iter().enumerate() {
        for declared in story.meta.declared_pairs(story.kind) {
            for other in by_id.stories_with_id(stories, declared) {
                partners[index].push(other);
                partners[other.index()].push(StoryId::at(index));
            }
        }
    }
    for list in &mut partners {
        list.sort_unstable();
        list.dedup();
    }
    partners
}

/// The stories of a book by id: each story's id hash beside it, sorted by hash and then in
/// book order. Sorting and looking up compare numbers held side by side, not ids kept in
/// every story, all over the heap: at 3000 stories, sorting, pairing and checking stories
/// took about 2 ms less this way, time spent waiting for memory.
#[derive(Debug, Default)]
pub(super) struct IdIndex(Vec<(u64, StoryId)>);

impl IdIndex {
    pub(super) fn new(stories: &[Story]) -> Self {
        let mut index: Vec<(u64, StoryId)> =
            stories.iter().enumerate().map(|(at, story)| (id_hash(&story.id), StoryId::at(at))).collect();
        index.sort_unstable();
        IdIndex(index)
    }

    /// The stories of `stories` (those the index was made of) whose id is `id`, in book order.
    pub(super) fn stories_with_id<'s>(
        &'s self,
        stories: &'s [Story],
        id: &'s str,
    ) -> impl Iterator<Item = StoryId> + 's {
        let hash = id_hash(id);
        let start = self.0.partition_point(|&(h, _)| h < hash);
        self.0[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, story)| story)
            .filter(move |story| stories.get(story.index()).is_some_and(|s| s.id == id))
    }
}

/// The hash an id is indexed by: the same in every run.
fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::default().hash_one(id)
}

/// The stories of page `id`: one per declaration, or the page itself as a story without
/// metadata when it has no block and its kind holds stories. (A part of a split story is no
/// story of its own: the model drops that one once it knows which pages are parts.)
pub(super) fn stories_of(
    id: PageId,
    page: &Page<'_>,
    kinds: &Kinds,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Story> {
    let declared = declarations(page, kinds, diagnostics);
    let has_blocks =
        !declared.is_empty() || page.doc.fenced_blocks.iter().any(|b| b.language() == STORY_BLOCK);
    if !has_blocks {
        return implicit_story(id, page).into_iter().collect();
    }
    let several = declared.len() > 1;
    declared
        .into_iter()
        .filter_map(|(meta, declaration)| {
            declared_story(id, page, kinds, several, meta, declaration, diagnostics)
        })
        .collect()
}

fn declared_story(
    id: PageId,
    page: &Page<'_>,
    kinds: &Kinds,
    several: bool,
    meta: StoryMeta,
    declaration: Declaration,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Story> {
    let kind = meta.kind.as_deref().and_then(|k| kinds.named(k)).or(page.kind);
    let Some(kind) = kind else {
        diagnostics.push(
            Diagnostic::new(codes::UNKNOWN_KIND, "cannot tell what kind of page this story is on")
                .at(page.location(declaration.range.start..declaration.range.start))
                .with_help("add `kind = \"...\"` to the block, or configure `kinds` globs for this path"),
        );
        return None;
    };
    let heading = page.doc.heading_before(declaration.range.start);
    if !several {
        return Some(Story {
            id: meta.id.clone().unwrap_or_else(|| page.stem().to_owned()),
            title: meta.title.clone().unwrap_or_else(|| page.title()),
            kind,
            page: id,
            anchor: None,
            section: 0..page.doc.text.len(),
            meta,
            declaration: Some(declaration),
            parts: Vec::new(),
        });
    }
    let Some(heading) = heading else {
        diagnostics.push(
            Diagnostic::new(codes::UNNAMED_STORY, "a story of a single-page chapter has no heading above it")
                .at(page.location(declaration.range.start..declaration.range.start))
                .with_help("put each story's block right under the story's heading"),
        );
        return None;
    };
    Some(Story {
        id: meta.id.clone().unwrap_or_else(|| slug(heading.title())),
        title: meta.title.clone().unwrap_or_else(|| heading.title().trim().to_owned()),
        kind,
        page: id,
        anchor: Some(page.doc.heading_id(heading).to_owned()),
        section: section_of(&page.doc, heading),
        meta,
        declaration: Some(declaration),
        parts: Vec::new(),
    })
}

/// A page of a story kind without a block is a story with no metadata, unless it is a part of
/// another story.
fn implicit_story(id: PageId, page: &Page<'_>) -> Option<Story> {
    let kind = page.kind?;
    if !page.holds_a_story() {
        return None;
    }
    Some(Story {
        id: page.stem().to_owned(),
        title: page.title(),
        kind,
        page: id,
        anchor: None,
        section: 0..page.doc.text.len(),
        meta: StoryMeta::default(),
        declaration: None,
        parts: Vec::new(),
    })
}

/// An id made of a heading: lowercase letters, digits, `_` and `-`.
pub fn slug(text: &str) -> String {
    crate::markdown::heading_id_05(text).trim_matches('-').to_owned()
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

/// The story declarations of a page: its ```` ```story ```` blocks and rendered markers.
fn declarations(
    page: &Page<'_>,
    kinds: &Kinds,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(StoryMeta, Declaration)> {
    let mut found = Vec::new();
    for block in page.doc.fenced_blocks.iter().filter(|b| b.language() == STORY_BLOCK) {
        found.push(parse_block(page, block, kinds, diagnostics));
    }
    for node in page.doc.nodes.all().iter().filter(|n| n.kind == NodeKind::Html) {
        let html = page.doc.text_of(node);
        if let Some(meta) = parse_marker(html) {
            let range = node.range().start..node.range().start + html.trim_end().len();
            found.push((meta, Declaration { range, rendered: true, values: Vec::new(), faulty: false }));
        }
    }
    found.sort_by_key(|(_, d)| d.range.start);
    found
}

fn parse_marker(html: &str) -> Option<StoryMeta> {
    serde_json::from_str(generated::story_payload(html)?).ok()
}

/// The metadata of a story block, and where it is. A block with problems is reported and
/// marked faulty, but still declares what it can: the story keeps its id, so the pages that
/// link to it raise no follow-on errors.
fn parse_block(
    page: &Page<'_>,
    block: &FencedBlock,
    kinds: &Kinds,
    diagnostics: &mut Vec<Diagnostic>,
) -> (StoryMeta, Declaration) {
    let faulty = |values| Declaration { range: block.range.clone(), rendered: false, values, faulty: true };
    let at =
        |range: Range<usize>| page.location(block.source_offset(range.start)..block.source_offset(range.end));
    let entries = match block::entries(&block.body) {
        Ok(entries) => entries,
        Err(error) => {
            let range = error.span().unwrap_or(0..0);
            diagnostics.push(
                Diagnostic::new(
                    codes::BAD_TOML,
                    format!("the story block is not valid TOML: {}", error.message()),
                )
                .at(at(range))
                .with_help("a story block holds `key = value` lines, e.g. `character = \"Alan\"`"),
            );
            return (StoryMeta::default(), faulty(Vec::new()));
        }
    };
    let mut meta = StoryMeta::default();
    let mut values = Vec::new();
    let mut ok = true;
    for Entry { key, key_span, value, value_span } in &entries {
        let key_name = key.as_ref();
        let value_range = block.source_offset(value_span.start)..block.source_offset(value_span.end);
        match read_value(&mut meta, key_name, value) {
            Ok(()) => {
                // read_value knows only the keys of STORY_KEYS.
                if let Some(known) = STORY_KEYS.iter().find(|known| **known == key_name) {
                    values.push((*known, value_range));
                }
            }
            Err(problem) => {
                ok = false;
                let (range, diagnostic) = match problem {
                    ValueProblem::UnknownKey => (
                        key_span.clone(),
                        Diagnostic::new(
                            codes::UNKNOWN_KEY,
                            format!("unknown key `{key_name}` in a story block"),
                        )
                        .with_help(suggestion(
                            key_name,
                            "keys",
                            STORY_KEYS.iter().copied(),
                        )),
                    ),
                    ValueProblem::Expected(what) => (
                        value_span.clone(),
                        Diagnostic::new(codes::BAD_VALUE, format!("`{key_name}` must be {what}")),
                    ),
                };
                diagnostics.push(diagnostic.at(at(range)));
            }
        }
    }
    if let Some(kind) = &meta.kind
        && kinds.named(kind).is_none()
    {
        diagnostics.push(
            Diagnostic::new(codes::UNKNOWN_KIND, format!("unknown kind `{kind}`"))
                .at(page.location(value_of(&values, "kind").unwrap_or(0..0)))
                .with_help(suggestion(kind, "kinds", kinds.names())),
        );
        meta.kind = None;
        ok = false;
    }
    (meta, Declaration { range: block.range.clone(), rendered: false, values, faulty: !ok })
}

enum ValueProblem {
    UnknownKey,
    Expected(&'static str),
}

fn read_value(meta: &mut StoryMeta, key: &str, value: &Value<'_>) -> Result<(), ValueProblem> {
    let one = || match value {
        Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        _ => Err(ValueProblem::Expected("a non-empty string")),
    };
    let list = || match value {
        Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
        Value::String(s) => Ok(vec![s.trim().to_owned()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Some(s) => Ok(s.trim().to_owned()),
                None => Err(ValueProblem::Expected("a string or an array of strings")),
            })
            .filter(|item| item.as_ref().map_or(true, |s| !s.is_empty()))
            .collect(),
        _ => Err(ValueProblem::Expected("a string or an array of strings")),
    };
    match key {
        "id" => meta.id = Some(one()?),
        "title" => meta.title = Some(one()?),
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
    fn stories_are_found_by_id_in_book_order_whatever_their_hashes() {
        let story = |id: &str| Story {
            id: id.into(),
            title: String::new(),
            kind: Kind::STATUS_QUO,
            page: PageId::at(0),
            anchor: None,
            section: 0..0,
            meta: StoryMeta::default(),
            declaration: None,
            parts: Vec::new(),
        };
        let stories = [story("b"), story("a"), story("b"), story("c")];
        let index = IdIndex::new(&stories);
        let found =
            |index: &IdIndex, id| index.stories_with_id(&stories, id).map(StoryId::index).collect::<Vec<_>>();
        assert_eq!(found(&index, "b"), [0, 2]);
        assert_eq!(found(&index, "a"), [1]);
        assert_eq!(found(&index, "d"), [] as [usize; 0]);
        // Stories whose ids hash alike are told apart by their ids.
        let colliding = IdIndex((0..4).map(|at| (id_hash("b"), StoryId::at(at))).collect());
        assert_eq!(found(&colliding, "b"), [0, 2]);
    }

    #[test]
    fn markers_round_trip() {
        let meta = StoryMeta { id: Some("a".into()), topics: vec!["x --> y".into()], ..StoryMeta::default() };
        assert_eq!(parse_marker(&meta.marker()), Some(meta));
    }
}
