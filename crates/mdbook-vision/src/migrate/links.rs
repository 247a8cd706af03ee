//! Where a link written in the book leads: a page of the book (relative, `.md` or `.html`, or an
//! absolute URL of the published book), or somewhere else.

use mdbook_vision_core::model::{Story, VisionBook, output_path, resolve};
use serde_json::Value;

/// How links to the book's pages are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    /// Where the book is published, each ending in `/`.
    bases: Vec<String>,
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
        Links { bases }
    }

    /// Where `destination`, written on the page rendered from `from` (relative to `src`),
    /// leads in the book; `None` when it leads outside it.
    pub fn target(&self, from: &str, destination: &str) -> Option<Target> {
        let (path, anchor) = match destination.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor.to_owned()).filter(|a| !a.is_empty())),
            None => (destination, None),
        };
        let path = if path.is_empty() {
            from.to_owned()
        } else if let Some(inside) = self.bases.iter().find_map(|base| path.strip_prefix(base.as_str())) {
            resolve("", &format!("/{}", if inside.is_empty() { "index.html" } else { inside }))?
        } else {
            resolve(from, path)?
        };
        Some(Target { path: output_path(&path).into_owned(), anchor })
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
}
