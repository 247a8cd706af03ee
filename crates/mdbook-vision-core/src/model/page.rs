//! Pages: the chapters of the book with their parsed markdown, kind and paths; and the
//! relative paths between them.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt};

use super::PageId;
use super::cast::CastMention;
use super::kind::{Kind, Kinds, PathClass};
use super::links::CharacterLink;
use crate::diagnostics::Location;
use crate::markdown::{Document, Flavor};
use crate::protocol::ChapterSource;

/// A chapter of the book with its parsed markdown and its kind.
#[derive(Debug)]
pub struct Page<'a> {
    /// The chapter as mdBook sent it.
    pub source: &'a ChapterSource<'a>,
    /// Its file relative to the book root (`src/vision/alan.md`), for diagnostics.
    pub display_path: String,
    /// The path it is rendered from, relative to `src` (`README.md` becomes `index.md`).
    pub output_path: Cow<'a, str>,
    /// How many folders deep `output_path` is, when it has no empty segment (as mdBook's
    /// paths never have): links between pages are made from it.
    pub(super) output_depth: Option<usize>,
    /// Its markdown, parsed once.
    pub doc: Document<'a>,
    /// Its kind, from its path.
    pub kind: Option<Kind>,
    /// Whether it is an index page: `README.md`, `index.md`, or a chapter with sub-chapters
    /// that is not a story (a story's sub-chapters are its parts).
    pub is_index: bool,
    /// The page SUMMARY.md nests it under.
    pub parent: Option<PageId>,
    /// The story page it is a part of: it is nested under that page in SUMMARY.md, or lies in
    /// the folder named after it.
    pub part_of: Option<PageId>,
    /// Whether it is an index page or matches the `not-stories` globs: such a page holds no
    /// implicit story.
    pub not_a_story: bool,
    /// Whether it matches the `cast-pages` globs.
    pub(super) cast_page: bool,
    /// The mentions of cast members in its prose (headings included), in order, once asked
    /// for: see [`super::VisionBook::mentions`].
    pub(super) mentions: OnceLock<Vec<CastMention>>,
    /// Its links to cast members, sound or broken, in order, once asked for: see
    /// [`super::VisionBook::character_links`].
    pub(super) character_links: OnceLock<Vec<CharacterLink>>,
}

impl<'a> Page<'a> {
    /// The page of `source`, parsed as mdBook of `flavor` parses it; `src_dir` is the book's
    /// source folder (`book.src`).
    pub(super) fn new(source: &'a ChapterSource<'a>, flavor: Flavor, src_dir: &str, kinds: &Kinds) -> Self {
        let file = source.file().unwrap_or_default();
        let PathClass { kind, not_a_story: listed_not_a_story, cast_page } = kinds.classify(file);
        let holds_stories = kind.is_some_and(Kind::holds_stories) && !listed_not_a_story;
        let is_index = is_index_file(file) || (source.has_sub_items && !holds_stories);
        let output_path = output_path(source.path.as_deref().unwrap_or(file));
        Page {
            source,
            display_path: join_path(src_dir, file),
            output_depth: plain_depth(&output_path),
            output_path,
            doc: Document::parse(source.content, flavor),
            kind,
            is_index,
            parent: source.parent.map(PageId::at),
            part_of: None,
            not_a_story: is_index || listed_not_a_story,
            cast_page: cast_page && source.file().is_some(),
            mentions: OnceLock::new(),
            character_links: OnceLock::new(),
        }
    }

    /// Its file name without extension.
    pub fn stem(&self) -> &str {
        let file = self.source.file().unwrap_or_default();
        let name = file.rsplit('/').next().unwrap_or(file);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The location of `range` of this page's text, for a diagnostic.
    pub fn location(&self, range: Range<usize>) -> Location {
        self.doc.location(&self.display_path, range)
    }

    /// Its title, as readers see it in the navigation: its SUMMARY.md name, else its
    /// top-level heading (never a lower-level one), else its file stem.
    pub fn title(&self) -> String {
        let name = self.source.name.trim();
        if !name.is_empty() {
            return name.to_owned();
        }
        let top = self.doc.headings.iter().find(|h| h.level == 1).map(|h| h.title().trim());
        top.filter(|t| !t.is_empty()).unwrap_or_else(|| self.stem()).to_owned()
    }

    /// Whether its kind holds stories and it is neither an index page nor one of the
    /// `not-stories` pages: a page that is a story even without a story block.
    pub fn holds_a_story(&self) -> bool {
        self.kind.is_some_and(Kind::holds_stories) && !self.not_a_story
    }
}

fn is_index_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.eq_ignore_ascii_case("README.md") || name.eq_ignore_ascii_case("index.md")
}

/// The path a chapter read from `path` is rendered from: mdBook renders `README.md` chapters
/// as `index.html`.
pub fn output_path(path: &str) -> Cow<'_, str> {
    match path.rsplit_once('/') {
        Some((dir, name)) if name.eq_ignore_ascii_case("README.md") => Cow::Owned(format!("{dir}/index.md")),
        None if path.eq_ignore_ascii_case("README.md") => Cow::Borrowed("index.md"),
        _ => Cow::Borrowed(path),
    }
}

fn join_path(dir: &str, file: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        return file.to_owned();
    }
    let mut path = String::with_capacity(dir.len() + 1 + file.len());
    path.push_str(dir);
    path.push('/');
    path.push_str(file);
    path
}

/// A link destination without its `#anchor` or `?query`.
pub(super) fn path_of(destination: &str) -> &str {
    // Byte by byte: this runs for every link of the book, and `#` and `?` are ASCII.
    let end = destination.bytes().position(|b| b == b'#' || b == b'?').unwrap_or(destination.len());
    &destination[..end]
}

/// Whether a link destination is a path within the book (not a URL, a mail address or an
/// anchor on the same page).
pub fn is_relative_path(destination: &str) -> bool {
    let path = path_of(destination);
    !(path.is_empty() || path.contains("://") || path.starts_with("mailto:"))
}

/// Each page's folder, as a number shared by the pages whose relative links are the same
/// (those of one folder; a page whose path has empty segments has a number of its own), and
/// how many numbers there are.
pub(super) fn folders_of(pages: &[Page<'_>]) -> (Vec<usize>, usize) {
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let mut count = 0;
    let folders = pages
        .iter()
        .map(|page| {
            let mut next = || {
                count += 1;
                count - 1
            };
            match page.output_depth {
                Some(_) => {
                    let folder = page.output_path.rsplit_once('/').map_or("", |(folder, _)| folder);
                    *numbers.entry(folder).or_insert_with(next)
                }
                None => next(),
            }
        })
        .collect();
    (folders, count)
}

/// The path of `to` relative to the folder of `from`; both relative to `src`.
pub fn relative_path(from: &str, to: &str) -> String {
    // Paths without empty segments (all of mdBook's) are compared in place.
    let (Some(from_depth), Some(_)) = (plain_depth(from), plain_depth(to)) else {
        return relative_path_of_segments(from, to);
    };
    let mut relative = String::new();
    push_plain_relative_path(&mut relative, from, from_depth, to, 0);
    relative
}

/// Appends [`relative_path`] of `from` and `to`, two paths without empty segments, `from`
/// being `from_depth` folders deep, to `out`, with room for `extra` bytes more.
pub(super) fn push_plain_relative_path(
    out: &mut String,
    from: &str,
    from_depth: usize,
    to: &str,
    extra: usize,
) {
    // The folders `to` shares with `from`, from the top. Byte by byte: the paths are short,
    // and searching them for `/` costs more than reading them.
    let (from_bytes, to_bytes) = (from.as_bytes(), to.as_bytes());
    let (mut common, mut dir_start, mut rest_start) = (0, 0, 0);
    while let Some(len) = from_bytes[dir_start..].iter().position(|&b| b == b'/') {
        let dir = &from_bytes[dir_start..dir_start + len];
        let rest = &to_bytes[rest_start..];
        if !rest.starts_with(dir) {
            break;
        }
        match rest.get(len) {
            None => {
                common += 1;
                rest_start = to_bytes.len();
                break;
            }
            Some(b'/') => {
                common += 1;
                rest_start += len + 1;
                dir_start += len + 1;
            }
            Some(_) => break,
        }
    }
    let rest = &to[rest_start..];
    let ups = from_depth - common;
    out.reserve(3 * ups + rest.len() + extra);
    for up in 0..ups {
        out.push_str(if up == 0 { ".." } else { "/.." });
    }
    if !rest.is_empty() {
        if ups > 0 {
            out.push('/');
        }
        out.push_str(rest);
    }
}

/// How many folders deep a path is (its number of `/`), if it has no empty segment: `None`
/// for an empty path, or one with a `/` first, last or doubled.
pub(super) fn plain_depth(path: &str) -> Option<usize> {
    let bytes = path.as_bytes();
    if bytes.first().is_none_or(|&b| b == b'/') || bytes.last() == Some(&b'/') {
        return None;
    }
    let (mut depth, mut previous) = (0, 0);
    for &byte in bytes {
        if byte == b'/' {
            if previous == b'/' {
                return None;
            }
            depth += 1;
        }
        previous = byte;
    }
    Some(depth)
}

/// [`relative_path`] of any two paths, their empty segments left out.
fn relative_path_of_segments(from: &str, to: &str) -> String {
    fn parts(path: &str) -> impl Iterator<Item = &str> + Clone {
        path.split('/').filter(|s| !s.is_empty())
    }
    let from_dirs = parts(from).count().saturating_sub(1);
    let common = parts(from).take(from_dirs).zip(parts(to)).take_while(|(a, b)| a == b).count();
    let mut relative = String::with_capacity(3 * (from_dirs - common) + to.len());
    for part in std::iter::repeat_n("..", from_dirs - common).chain(parts(to).skip(common)) {
        if !relative.is_empty() {
            relative.push('/');
        }
        relative.push_str(part);
    }
    relative
}

/// The path, relative to `src`, that a link destination written on the page rendered from
/// `from` leads to, with `.html` read as `.md`; `None` when it is not a relative path or climbs
/// above `src`.
pub fn resolve(from: &str, destination: &str) -> Option<String> {
    if !is_relative_path(destination) {
        return None;
    }
    let path = path_of(destination);
    let (folder, path) = match path.strip_prefix('/') {
        Some(absolute) => ("", absolute),
        None => (from.rsplit_once('/').map_or("", |(folder, _)| folder), path),
    };
    let mut resolved = String::with_capacity(folder.len() + path.len() + 4);
    for part in folder.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            // Above `src` there are no pages.
            ".." if resolved.is_empty() => return None,
            ".." => resolved.truncate(resolved.rfind('/').unwrap_or(0)),
            part => {
                if !resolved.is_empty() {
                    resolved.push('/');
                }
                resolved.push_str(part);
            }
        }
    }
    if resolved.ends_with(".html") {
        resolved.truncate(resolved.len() - ".html".len());
        resolved.push_str(".md");
    }
    Some(resolved)
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
    fn plain_paths_are_related_as_their_segments_are() {
        let paths = [
            "a.md",
            "b.md",
            "a",
            "x/a.md",
            "x/b.md",
            "x/y/a.md",
            "x/y/z/b.md",
            "y/x/a.md",
            "x/yy/a.md",
            "xx/a.md",
            "x",
            "x/y",
            "x/y/z",
            "vision/status_quo/a.md",
            "vision/characters/alan.md",
        ];
        for from in paths {
            for to in paths {
                assert_eq!(relative_path(from, to), relative_path_of_segments(from, to), "{from} -> {to}");
            }
        }
        assert_eq!(relative_path("//x/a.md", "x//b.md"), "b.md");
    }

    #[test]
    fn readme_chapters_render_as_index_pages() {
        assert_eq!(output_path("vision/README.md"), "vision/index.md");
        assert_eq!(output_path("README.md"), "index.md");
        assert_eq!(output_path("vision/readme_notes.md"), "vision/readme_notes.md");
    }

    #[test]
    fn destinations_resolve_from_the_page_folder() {
        assert_eq!(
            resolve("vision/sq/a.md", "../characters/alan.html#x").as_deref(),
            Some("vision/characters/alan.md")
        );
        assert_eq!(resolve("vision/a.md", "/b.md").as_deref(), Some("b.md"));
        assert_eq!(resolve("a.md", "../../b.md"), None);
        assert_eq!(resolve("a.md", "https://x.org/b.md"), None);
        assert_eq!(resolve("vision/a.md", "b.md?raw=1#top").as_deref(), Some("vision/b.md"));
        assert_eq!(resolve("vision/a.md", "#top"), None);
        assert_eq!(resolve("vision/a.md", "?q#é"), None);
        assert!(is_relative_path("é/ü.md#ß") && !is_relative_path("mailto:x@y.z?subject=a"));
    }
}
