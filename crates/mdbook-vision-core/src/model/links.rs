//! Links between pages: where a destination leads, and the links that lead to cast members.

use std::ops::Range;

use foldhash::HashSet;

use pulldown_cmark::LinkType;

use super::page::{Page, is_relative_path, path_of, resolve};
use super::{Character, CharacterId, PageId, VisionBook};
use crate::generate::link;
use crate::markdown::{Element, LinkInfo, Node, end_of};

/// A link on a page that leads to a cast member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacterLink {
    /// The whole link in the source (`[the dev][Alan]`).
    pub range: Range<usize>,
    /// The character.
    pub character: CharacterId,
    /// When the link is broken: the stale destination its definition gives, or empty when the
    /// definition is missing.
    pub broken: Option<String>,
    /// Its reference label, for a reference link.
    pub label: String,
    /// Its text in the source (`the dev` of `[the dev][Alan]`).
    pub text: Range<usize>,
}

/// The range of the text of a reference link written `written` at `start`: `the dev` of
/// `[the dev][Alan]`, `Alan` of `[Alan][]` and of `[Alan]`.
fn reference_text(written: &str, start: usize) -> Range<usize> {
    let inner = written.strip_prefix('[').unwrap_or(written);
    let len = if let Some(text) = inner.strip_suffix("][]") {
        text.len()
    } else if let Some(end) = inner.rfind("][") {
        end
    } else {
        inner.strip_suffix(']').unwrap_or(inner).len()
    };
    start + 1..start + 1 + len
}

/// The file names (last path segments) `pages` are reached by: their source file and output
/// path, each also with `.html` for `.md`, as links write them.
pub(super) fn file_names<'p>(pages: impl Iterator<Item = &'p Page<'p>>) -> HashSet<String> {
    let mut names = HashSet::default();
    for page in pages {
        for path in page.source.file().into_iter().chain([&*page.output_path]) {
            let name = path.rsplit('/').next().unwrap_or(path);
            if let Some(stem) = name.strip_suffix(".md") {
                names.insert(format!("{stem}.html"));
            }
            names.insert(name.to_owned());
        }
    }
    names
}

fn is_reference(link_type: LinkType) -> bool {
    matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut)
}

impl VisionBook<'_> {
    /// The page a link destination written on page `from` leads to, if it is a page of the
    /// book: relative paths are resolved from `from`'s folder, and `.html` stands for `.md`.
    /// `None` also for external links and same-page anchors.
    pub fn page_at(&self, from: PageId, destination: &str) -> Option<PageId> {
        let path = resolve(&self.page(from).output_path, destination)?;
        self.pages_by_path.get(path.as_str()).copied()
    }

    /// The link a mention of cast member `id` on page `from` becomes: the character's name,
    /// linked to their page. It is the same on every page of a folder, so it is made once
    /// per folder.
    pub fn mention_link(&self, from: PageId, id: CharacterId) -> String {
        let links = self.mention_links[self.page_folders[from.index()]].get_or_init(|| {
            let link_to =
                |character: &Character| link(&character.name, &self.link_to_character(from, character));
            self.cast.iter().map(link_to).collect()
        });
        links[id.index()].clone()
    }

    /// The links on `page` that lead to a character, outside blocks the suite generated: by
    /// their destination (page and anchor); as a reference link whose label names a cast
    /// member, its definition missing, stale or sound; or as a link to a path that is no page
    /// of the book but is named like a cast member's page (`../characters/alan.md` from a story
    /// moved one folder deeper).
    pub(super) fn find_character_links(&self, page: PageId) -> Vec<CharacterLink> {
        let doc = &self.page(page).doc;
        let nodes = doc.nodes.all();
        let mut links: Vec<CharacterLink> = nodes
            .iter()
            .enumerate()
            .filter_map(|(index, node)| {
                let LinkInfo { link_type, destination, label } = doc.nodes.link(node)?;
                if doc.in_generated(node.range().start) {
                    return None;
                }
                let by_label = is_reference(*link_type).then(|| self.character_named(label)).flatten();
                if by_label.is_none() && !self.may_lead_to_cast(destination) {
                    return None;
                }
                let target = self.page_at(page, destination);
                let stale = target.is_none() && is_relative_path(destination);
                let by_stale_path = || stale.then(|| self.character_by_file_name(destination)).flatten();
                let character = by_label
                    .or_else(|| self.character_linked_by(target?, destination))
                    .or_else(by_stale_path)?;
                let mut range = node.range();
                // A collapsed reference's range leaves out its `[]`.
                if *link_type == LinkType::Collapsed && doc.text[range.end..].starts_with("[]") {
                    range.end += 2;
                }
                let end = end_of(nodes, index);
                let text = match nodes.get(index + 1..end) {
                    Some([first, .., last]) => first.range().start..last.range().end,
                    Some([only]) => only.range(),
                    _ => range.start + 1..range.start + 1,
                };
                Some(CharacterLink {
                    range,
                    character,
                    broken: stale.then(|| destination.clone()),
                    label: label.clone(),
                    text,
                })
            })
            .collect();
        links.extend(self.broken_character_references(page));
        links.sort_by_key(|l| l.range.start);
        links
    }

    /// Reference links to cast members whose definition is missing, where a link can be: not
    /// an image (`![Alan]`), not inside another link, not inside a directive.
    fn broken_character_references(&self, page: PageId) -> Vec<CharacterLink> {
        let doc = &self.page(page).doc;
        if doc.broken_references.is_empty() {
            return Vec::new();
        }
        let mut taken: Vec<Range<usize>> = doc
            .nodes
            .all()
            .iter()
            .filter(|n| n.starts(Element::Link) || n.starts(Element::Image))
            .map(Node::range)
            .collect();
        taken.extend(doc.directives.iter().map(|d| d.range.clone()));
        doc.broken_references
            .iter()
            .filter(|b| {
                !doc.text[..b.range.start].ends_with('!') && !doc.text[b.range.clone()].starts_with('!')
            })
            // A broken reference that overlaps a link at all is not one: the link won.
            .filter(|b| !taken.iter().any(|t| t.start < b.range.end && b.range.start < t.end))
            // In a chain of brackets (`["t"][Alan][]`), which pair is a link depends on which
            // labels are defined: a repair would change how its neighbours read.
            .filter(|b| {
                !doc.text[..b.range.start].ends_with(']') && !doc.text[b.range.end..].starts_with('[')
            })
            .filter_map(|b| {
                Some(CharacterLink {
                    range: b.range.clone(),
                    character: self.character_named(&b.label)?,
                    broken: Some(String::new()),
                    label: b.label.clone(),
                    text: reference_text(&doc.text[b.range.clone()], b.range.start),
                })
            })
            .collect()
    }

    /// Whether a link to `destination` may lead to a cast member's page, resolved or stale: a
    /// quick test on the file name its path ends with, which spares resolving most links.
    /// False only where it cannot: the last segment that resolving keeps (not `.`, nor `..`,
    /// which climbs to a folder) names no page of the cast.
    fn may_lead_to_cast(&self, destination: &str) -> bool {
        match path_of(destination).rsplit('/').find(|segment| !matches!(*segment, "" | ".")) {
            Some(last) if last != ".." => self.cast_file_names.contains(last),
            _ => true,
        }
    }

    /// The cast member whose page has the file name a destination ends with (`alan.md` or
    /// `alan.html`, with its `#anchor` for a single-page cast).
    fn character_by_file_name(&self, destination: &str) -> Option<CharacterId> {
        let (path, anchor) = match destination.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (destination, None),
        };
        let name = path.rsplit('/').next()?;
        let name = name.strip_suffix(".html").map_or_else(|| name.to_owned(), |stem| format!("{stem}.md"));
        self.cast_ids().find(|&id| {
            let character = self.character_at(id);
            let page = self.page(character.page);
            let file = page.source.file().unwrap_or_default();
            file.rsplit('/').next() == Some(name.as_str())
                && (character.anchor.is_none() || character.anchor.as_deref() == anchor)
        })
    }

    /// The cast member whose page (and section) a link destination leads to, `target` being
    /// the page it leads to.
    fn character_linked_by(&self, target: PageId, destination: &str) -> Option<CharacterId> {
        let anchor = destination.split_once('#').map(|(_, anchor)| anchor);
        self.cast_on(target)
            .find(|(_, c)| c.anchor.is_none() || c.anchor.as_deref() == anchor)
            .map(|(id, _)| id)
    }
}
