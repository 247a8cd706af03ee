//! Where a link written in the book leads: a page of the book (relative, `.md` or `.html`, or an
//! absolute URL of the published book), or somewhere else. A link to a page that moved leads
//! where the book's redirects (`output.html.redirect`) send it.

use foldhash::HashMap;
use mdbook_vision_core::model::{Story, VisionBook, output_path, resolve};
use serde_json::Value;

/// How many redirects in a row are followed: more is a loop.
const MAX_REDIRECTS: usize = 8;

/// How links to the book's pages are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    /// Where the book is published, each ending in `/`.
    bases: Vec<String>,
    /// The book's redirects: from an old page (relative to `src`, as `.md`) to where it went,
    /// as written (relative to the old page, from the book's root, or a URL).
    redirects: HashMap<String, String>,
}

/// A page of the book, and a heading in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    /// Relative to `src`, as `.md` (`index.md` for a folder's `README.md`).
    pub path: String,
    /// The heading's id, if the link names one.
    pub anchor: Option<String>,
}

impl Links {
    /// Reads where the book is published from mdBook's `config`: `output.html.site-url` when
    /// it is absolute, and the GitHub Pages address of `output.html.git-repository-url` (under
    /// `site-url` when that is a path); and from `published_at`.
    pub fn new(config: &Value, published_at: &[String]) -> Self {
        let html = &config["output"]["html"];
        let site = html["site-url"].as_str().unwrap_or_default();
        let mut bases: Vec<String> = published_at.to_vec();
        if site.contains("://") {
            bases.push(site.to_owned());
        }
        if let Some(pages) = html["git-repository-url"].as_str().and_then(github_pages) {
            if site.starts_with('/') && site.len() > 1 {
                let host = pages.split('/').take(3).collect::<Vec<_>>().join("/");
                bases.push(format!("{host}{site}"));
            }
            bases.push(pages);
        }
        for base in &mut bases {
            if !base.ends_with('/') {
                base.push('/');
            }
        }
        bases.dedup();
        let redirects = html["redirect"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(from, to)| {
                let old = resolve("", &format!("/{}", from.trim_start_matches('/')))?;
                Some((output_path(&old).into_owned(), to.as_str()?.to_owned()))
            })
            .collect();
        Links { bases, redirects }
    }

    /// Where `destination`, written on the page rendered from `from` (relative to `src`),
    /// leads in the book; `None` when it leads outside it.
    pub fn target(&self, from: &str, destination: &str) -> Option<Target> {
        let (path, anchor) = split_anchor(destination);
        let path = if path.is_empty() { from.to_owned() } else { self.locate(from, path)? };
        self.redirected(Target { path: output_path(&path).into_owned(), anchor })
    }

    /// The page, relative to `src`, that the path of a link written on the page rendered from
    /// `from` names; `None` outside the book.
    fn locate(&self, from: &str, path: &str) -> Option<String> {
        match self.bases.iter().find_map(|base| path.strip_prefix(base.as_str())) {
            Some(inside) => {
                resolve("", &format!("/{}", if inside.is_empty() { "index.html" } else { inside }))
            }
            None => resolve(from, path),
        }
    }

    /// Where `target` is, once the redirects of the pages it moved from are followed (its own
    /// anchor wins over a redirect's); `None` when a redirect leads outside the book, or in a
    /// loop.
    fn redirected(&self, mut target: Target) -> Option<Target> {
        for _ in 0..MAX_REDIRECTS {
            let Some(to) = self.redirects.get(&target.path) else { return Some(target) };
            let (path, anchor) = split_anchor(to);
            let path = self.locate(&target.path, path)?;
            target = Target { path: output_path(&path).into_owned(), anchor: target.anchor.or(anchor) };
        }
        None
    }

    /// `destination` as a key to compare links by: its target in the book, else as written.
    pub fn key(&self, from: &str, destination: &str) -> String {
        match self.target(from, destination) {
            Some(Target { path, anchor: Some(anchor) }) => format!("{path}#{anchor}"),
            Some(Target { path, anchor: None }) => path,
            None => destination.to_owned(),
        }
    }
}

/// The story `target` leads to (or into): the story whose page and section it names.
pub(crate) fn story_at<'b>(book: &'b VisionBook<'_>, target: &Target) -> Option<&'b Story> {
    let page = book.page_by_path(&target.path)?;
    let stories = book.stories_on(page);
    match &target.anchor {
        Some(anchor) => stories
            .iter()
            .find(|s| s.anchor.as_deref() == Some(anchor.as_str()))
            .or_else(|| stories.iter().find(|s| s.anchor.is_none())),
        None => stories.iter().find(|s| s.anchor.is_none()),
    }
}

/// A link destination's path, and its `#anchor` when it names one.
fn split_anchor(destination: &str) -> (&str, Option<String>) {
    match destination.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_owned()).filter(|a| !a.is_empty())),
        None => (destination, None),
    }
}

/// `https://OWNER.github.io/REPO/` for `https://github.com/OWNER/REPO`.
fn github_pages(repository: &str) -> Option<String> {
    let rest = repository.strip_prefix("https://github.com/")?;
    let mut parts = rest.trim_end_matches('/').trim_end_matches(".git").split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    Some(format!("https://{}.github.io/{repo}/", owner.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn links_to_the_published_book_lead_to_its_pages() {
        let config = json!({"output": {"html": {
            "site-url": "/vision-doc/",
            "git-repository-url": "https://github.com/example/vision-doc",
        }}});
        let links = Links::new(&config, &["https://old.example.org/async".to_owned()]);
        let target = |d: &str| links.key("vision/metanarrative.md", d);
        assert_eq!(
            target("https://example.github.io/vision-doc/vision/status_quo/a.html#x"),
            "vision/status_quo/a.md#x"
        );
        assert_eq!(target("https://old.example.org/async/vision/b.html"), "vision/b.md");
        assert_eq!(target("./status_quo/a.md"), "vision/status_quo/a.md");
        assert_eq!(target("status_quo/README.md"), "vision/status_quo/index.md");
        assert_eq!(target("#the-story"), "vision/metanarrative.md#the-story");
        assert_eq!(target("https://crates.io/x"), "https://crates.io/x");
    }

    #[test]
    fn links_to_a_page_that_moved_follow_the_redirects() {
        let config = json!({"output": {"html": {
            "site-url": "/vision-doc/",
            "git-repository-url": "https://github.com/example/vision-doc",
            "redirect": {
                "/vision/status_quo/a.html": "/vision/stories/status_quo/a.html",
                "/vision/old.html": "new.html#part",
                "/vision/twice.html": "/vision/old.html",
                "/vision/gone.html": "https://example.org/gone.html",
                "/vision/loop.html": "/vision/loop.html",
            },
        }}});
        let links = Links::new(&config, &[]);
        let target = |d: &str| links.key("vision/metanarrative.md", d);
        assert_eq!(target("status_quo/a.md"), "vision/stories/status_quo/a.md");
        assert_eq!(
            target("https://example.github.io/vision-doc/vision/status_quo/a.html#x"),
            "vision/stories/status_quo/a.md#x"
        );
        assert_eq!(target("old.html"), "vision/new.md#part");
        assert_eq!(target("old.html#mine"), "vision/new.md#mine");
        assert_eq!(target("twice.md"), "vision/new.md#part");
        assert_eq!(target("gone.html"), "gone.html");
        assert_eq!(target("loop.html"), "loop.html");
    }
}
