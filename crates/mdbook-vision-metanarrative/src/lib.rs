//! `vision-metanarrative`: `{{#story ID}}` and `{{#stories ...}}` expand into links to stories,
//! generated from the metadata of every story in the book.
//!
//! - `{{#story ID}}` links the story by its title; `{{#story ID "text"}}` with the given text;
//!   `{{#story ID#anchor}}` links a heading inside the story (checked against its headings).
//! - `{{#stories topic=T character=C kind=K}}` lists every matching story in SUMMARY.md order
//!   (filters combine with AND; `topic=a,b` means either), as a bullet list indented to nest
//!   where the directive sits; with no match, a "🚧 no stories yet" line and a note.
//! - `\{{#story ...}}` is left as written: markdown renders `\{` as `{`, so the directive
//!   shows literally. Directives in code stay as they are.

mod args;

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt};
use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{Diagnostic, suggestion};
use mdbook_vision_core::feature::{Feature, FeatureId, PageEditor};
use mdbook_vision_core::generate::{escape_text, link, markdown_link};
use mdbook_vision_core::markdown::Directive;
use mdbook_vision_core::model::{Kind, Page, PageId, Story, VisionBook};
use mdbook_vision_core::splice::Edits;

use crate::args::{Filter, StoriesArgs, StoryArgs};

/// What an empty `{{#stories}}` renders.
pub const NO_STORIES_YET: &str = "🚧 no stories yet";

/// The `vision-metanarrative` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Metanarrative;

impl Feature for Metanarrative {
    fn id(&self) -> FeatureId {
        FeatureId::Metanarrative
    }

    fn prepare<'b>(&self, book: &'b VisionBook<'b>, _: &mut Vec<Diagnostic>) -> Box<dyn PageEditor + 'b> {
        Box::new(Expander { book, topics: OnceLock::new(), by_character: OnceLock::new() })
    }
}

/// The metanarrative feature prepared for a book.
struct Expander<'b> {
    book: &'b VisionBook<'b>,
    /// Every topic stories have, sorted, once a `{{#stories}}` filters on one.
    topics: OnceLock<Vec<&'b str>>,
    /// For each character, the stories about them (by position, in book order), once a
    /// `{{#stories}}` filters on one.
    by_character: OnceLock<HashMap<&'b str, Vec<usize>>>,
}

impl<'b> Expander<'b> {
    /// The positions, in book order, of the stories that may match `args`: when it filters on
    /// characters, only the stories about one of them (a story must pass every filter, so the
    /// first character filter narrows the search); else every story.
    fn candidates(&self, args: &StoriesArgs) -> Vec<usize> {
        let Some((_, names)) = args.filters.iter().find(|(filter, _)| *filter == Filter::Character) else {
            return (0..self.book.stories.len()).collect();
        };
        let by_character = self.by_character.get_or_init(|| {
            let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
            for (position, story) in self.book.stories.iter().enumerate() {
                for name in self.book.characters_of(story) {
                    index.entry(name.as_str()).or_default().push(position);
                }
            }
            index
        });
        let mut candidates: Vec<usize> =
            names.iter().filter_map(|name| by_character.get(name.as_str())).flatten().copied().collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    /// Every topic stories have, sorted and without repeats.
    fn topics(&self) -> &[&'b str] {
        self.topics.get_or_init(|| {
            let mut known: Vec<&str> =
                self.book.stories.iter().flat_map(|s| s.meta.topics.iter().map(String::as_str)).collect();
            known.sort_unstable();
            known.dedup();
            known
        })
    }
}

impl PageEditor for Expander<'_> {
    fn edit_page(&self, page: PageId, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let book = self.book;
        let the_page = book.page(page);
        // A story listed several times on the page (a metanarrative lists stories by topic and
        // by character) is linked once.
        let mut links = HashMap::new();
        for directive in the_page.doc.directives(&["story", "stories"]) {
            if let Some(misplaced) = directive.misplaced() {
                diagnostics.push(misplaced.at(the_page.location(directive.range.clone())));
                continue;
            }
            let expanded = if directive.name == "story" {
                expand_story(book, page, directive)
            } else {
                expand_stories(self, page, directive, &mut links, diagnostics)
            };
            match expanded {
                Ok(text) => edits.replace(directive.range.clone(), text),
                Err(diagnostic) => {
                    diagnostics.push(diagnostic.at(the_page.location(directive.range.clone())))
                }
            }
        }
    }
}

/// `{{#story ID}}`, `{{#story ID "text"}}`, `{{#story ID#anchor}}`.
fn expand_story(
    book: &VisionBook<'_>,
    page: PageId,
    directive: &Directive<'_>,
) -> Result<String, Diagnostic> {
    let args = StoryArgs::parse(directive.args)?;
    let story = book.story(&args.id).ok_or_else(|| {
        Diagnostic::new(codes::UNKNOWN_STORY, format!("no story has the id `{}`", args.id))
            .with_help(suggestion(&args.id, "story ids", book.stories.iter().map(|s| s.id.as_str())))
    })?;

    let destination = match &args.anchor {
        None => book.link_to_story(page, story),
        Some(anchor) => {
            check_anchor(book.page(story.page), story, anchor)?;
            book.link(page, story.page, Some(anchor))
        }
    };
    // Text the author gives is markdown (`` `Sink` `` stays code); a title is plain text.
    Ok(match &args.text {
        Some(text) => markdown_link(text, &destination),
        None => link(&story.title, &destination),
    })
}

/// An anchor must be the id of a heading in the story.
fn check_anchor(page: &Page<'_>, story: &Story, anchor: &str) -> Result<(), Diagnostic> {
    let ids: Vec<&str> = page
        .doc
        .headings
        .iter()
        .filter(|h| story.section.contains(&h.range.start))
        .map(|h| page.doc.heading_id(h))
        .collect();
    if ids.contains(&anchor) {
        return Ok(());
    }
    Err(Diagnostic::new(
        codes::UNKNOWN_ANCHOR,
        format!("story `{}` has no heading with the id `{anchor}`", story.id),
    )
    .with_help(suggestion(anchor, "heading ids", ids)))
}

/// `{{#stories topic=T character=C kind=K}}`; `links` holds the links from the page to the
/// stories already listed on it, by their position among the book's stories.
fn expand_stories(
    expander: &Expander<'_>,
    page: PageId,
    directive: &Directive<'_>,
    links: &mut HashMap<usize, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<String, Diagnostic> {
    let book = expander.book;
    let args = StoriesArgs::parse(directive.args)?;
    check_values(book, &args)?;
    let doc = &book.page(page).doc;
    let le = doc.line_ending();
    let prefix = doc.continuation_prefix(directive.range.start);
    // Only container markers before it (`> `, `- `): the list can start right there.
    let on_own_line = prefix.len() == doc.line_prefix(directive.range.start).len();
    let separator = format!("{le}{prefix}");
    let mut items = String::new();
    let listed = expander.candidates(&args).into_iter().map(|index| (index, &book.stories[index]));
    for (index, story) in listed.filter(|(_, story)| matches(book, story, &args)) {
        if !items.is_empty() {
            items.push_str(&separator);
        }
        items.push_str("- ");
        let link = links.entry(index).or_insert_with(|| link(&story.title, &book.link_to_story(page, story)));
        items.push_str(link);
    }
    let unknown_topics = unknown_topics(expander, &args);
    for (topic, help) in &unknown_topics {
        diagnostics.push(
            Diagnostic::new(codes::UNKNOWN_TOPIC, format!("no story has the topic `{topic}`"))
                .at(book.page(page).location(directive.range.clone()))
                .with_help(help.clone()),
        );
    }
    let list = if items.is_empty() {
        if unknown_topics.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    codes::STORIES_EMPTY,
                    format!("`{{{{#stories {}}}}}` matches no story", directive.args),
                )
                .at(book.page(page).location(directive.range.clone()))
                .with_help("the list reads \"🚧 no stories yet\" until a story declares what it filters on"),
            );
        }
        match book.how_to {
            Some(how_to) => link(NO_STORIES_YET, &book.link(page, how_to, None)),
            None => escape_text(NO_STORIES_YET),
        }
    } else {
        items
    };
    Ok(if on_own_line { list } else { format!("{separator}{list}") })
}

/// The topics of `args` that no story has, each with a hint: the nearest topic stories have.
fn unknown_topics(expander: &Expander<'_>, args: &StoriesArgs) -> Vec<(String, String)> {
    let values: Vec<&String> =
        args.filters.iter().filter(|(filter, _)| *filter == Filter::Topic).flat_map(|(_, v)| v).collect();
    if values.is_empty() {
        return Vec::new();
    }
    let known = expander.topics();
    values
        .into_iter()
        .filter(|value| known.binary_search(&value.as_str()).is_err())
        .map(|value| (value.clone(), suggestion(value, "topics", known.iter().copied())))
        .collect()
}

/// Characters and kinds in filters must exist; topics are free.
fn check_values(book: &VisionBook<'_>, args: &StoriesArgs) -> Result<(), Diagnostic> {
    for (filter, values) in &args.filters {
        let known: Vec<&str> = match filter {
            Filter::Character => book.cast.iter().map(|c| c.name.as_str()).collect(),
            Filter::Kind => book.kinds.names().collect(),
            Filter::Topic => continue,
        };
        if let Some(unknown) = values.iter().find(|v| !known.contains(&v.as_str())) {
            let what = filter.plural();
            return Err(Diagnostic::new(
                codes::UNKNOWN_FILTER_VALUE,
                format!("`{unknown}` is not one of the book's {what}"),
            )
            .with_help(suggestion(unknown, what, known)));
        }
    }
    Ok(())
}

/// The stories `{{#stories ARGS}}` lists, in book order; `None` when `args` cannot be read.
pub fn listed_stories<'b>(book: &'b VisionBook<'_>, args: &str) -> Option<Vec<&'b Story>> {
    let args = StoriesArgs::parse(args).ok()?;
    Some(book.stories.iter().filter(|story| matches(book, story, &args)).collect())
}

/// Whether `story` passes every filter; without a `kind` filter, character pages are left out.
fn matches(book: &VisionBook<'_>, story: &Story, args: &StoriesArgs) -> bool {
    let any_of = |values: &[String], candidates: &[String]| values.iter().any(|v| candidates.contains(v));
    let has_kind_filter = args.filters.iter().any(|(f, _)| *f == Filter::Kind);
    if !has_kind_filter && story.kind == Kind::CHARACTER {
        return false;
    }
    args.filters.iter().all(|(filter, values)| match filter {
        Filter::Topic => any_of(values, &story.meta.topics),
        Filter::Character => any_of(values, book.characters_of(story)),
        Filter::Kind => values.iter().any(|v| v == book.kinds.name(story.kind)),
    })
}
