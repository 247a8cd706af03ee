//! `mdbook-vision new KIND "Title"`: a new page from its kind's template, added to SUMMARY.md.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use mdbook_vision_core::config;
use mdbook_vision_core::diagnostics::suggestion;
use mdbook_vision_core::markdown::line_ending;
use mdbook_vision_core::model::{Kind, Needs, VisionBook, build_globs};
use mdbook_vision_core::protocol::Request;

/// What to create.
#[derive(Debug, Clone, Default)]
pub struct NewPage {
    /// The kind of page (`status-quo`, `shiny-future`, `character`, `design-doc`, ...).
    pub kind: String,
    /// Its title, the page's first heading.
    pub title: String,
    /// The story's character.
    pub character: Option<String>,
    /// The id of the paired story.
    pub pair: Option<String>,
}

/// What `new` did, or would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The new page, relative to the book root.
    pub page: PathBuf,
    /// Its text.
    pub content: String,
    /// SUMMARY.md, relative to the book root.
    pub summary: PathBuf,
    /// SUMMARY.md with the page added.
    pub summary_content: String,
    /// The line added to SUMMARY.md.
    pub summary_line: String,
}

/// Plans the new page for the book in `root`: where it goes, what it holds, and SUMMARY.md
/// with it. Refuses an unknown kind, character or pair, and a page that already exists.
pub fn plan(root: &Path, new: &NewPage) -> Result<Plan> {
    let request_json = crate::check::load(root)?;
    let request = Request::parse(&request_json, &mut Vec::new())?;
    let settings = config::read(request.config(), &mut Vec::new());
    let src = request.src_dir().to_owned();
    let chapters = request.chapters();
    let book = VisionBook::from_request(&request, &chapters, settings, Needs::ALL, &mut Vec::new());
    let kind = check_request(&book, new)?;

    let last_of_kind = book.pages.iter().rev().find(|p| p.kind == Some(kind) && !p.is_index);
    let folder = match last_of_kind {
        Some(page) => page
            .source
            .file()
            .and_then(|f| f.rsplit_once('/'))
            .map_or(String::new(), |(dir, _)| dir.to_owned()),
        None => default_folder(&book, &new.kind),
    };
    let file = format!("{}.md", file_stem(&new.title));
    let relative = if folder.is_empty() { file } else { format!("{folder}/{file}") };
    let page = Path::new(&src).join(&relative);
    if root.join(&page).exists() {
        bail!("{} already exists; `new` never overwrites a page", page.display());
    }
    let summary = Path::new(&src).join("SUMMARY.md");
    let summary_text =
        fs::read_to_string(root.join(&summary)).with_context(|| format!("reading {}", summary.display()))?;
    let after = last_of_kind.and_then(|p| p.source.source_path.clone());
    let (summary_content, summary_line) =
        add_to_summary(&summary_text, after.as_deref(), &new.title, &relative);
    let path_decides_kind = book
        .settings
        .kind_globs()
        .into_iter()
        .find(|(kind, _)| *kind == new.kind)
        .is_some_and(|(_, globs)| build_globs(&globs, "kinds", &mut Vec::new()).is_match(&relative));
    let content = template(&book, new, kind, path_decides_kind);
    Ok(Plan { page, content, summary, summary_content, summary_line })
}

/// Writes the page and SUMMARY.md as planned.
pub fn write(root: &Path, plan: &Plan) -> Result<()> {
    let page = root.join(&plan.page);
    if let Some(folder) = page.parent() {
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    fs::write(&page, &plan.content).with_context(|| format!("writing {}", plan.page.display()))?;
    fs::write(root.join(&plan.summary), &plan.summary_content)
        .with_context(|| format!("writing {}", plan.summary.display()))
}

/// The kind of the page to create, once the request is known to make sense for the book.
fn check_request(book: &VisionBook<'_>, new: &NewPage) -> Result<Kind> {
    let Some(kind) = book.kinds.named(&new.kind) else {
        bail!(
            "`{}` is not a kind of page of this book: {}",
            new.kind,
            suggestion(&new.kind, "kinds", book.kinds.names())
        );
    };
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
        if book.story(pair).is_none() {
            bail!(
                "no story has the id `{pair}`: {}",
                suggestion(pair, "story ids", book.stories.iter().map(|s| s.id.as_str()))
            );
        }
    }
    Ok(kind)
}

/// The folder a kind's first glob names (`**/status_quo/**` is `status_quo`), for a book
/// that has no page of that kind yet.
fn default_folder(book: &VisionBook<'_>, kind: &str) -> String {
    let globs = book.settings.kind_globs().into_iter().find(|(k, _)| k == kind).map(|(_, globs)| globs);
    let glob = globs.and_then(|g| g.into_iter().next()).unwrap_or_default();
    let literal: Vec<&str> = glob
        .split('/')
        .filter(|part| !part.contains('*') && !part.ends_with(".md") && !part.is_empty())
        .collect();
    literal.join("/")
}

/// `alan_has_a_blast` for "Alan has a blast!".
fn file_stem(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() { "page".to_owned() } else { words.join("_") }
}

/// The page: title, story block, a place for the text, and the kind's required questions.
/// `path_decides_kind`: whether the page's path matches its kind's globs; when it does not, the
/// block says the kind.
fn template(book: &VisionBook<'_>, new: &NewPage, kind: Kind, path_decides_kind: bool) -> String {
    let character = new.character.clone().or_else(|| {
        (kind == Kind::CHARACTER).then(|| new.title.split(':').next().unwrap_or_default().trim().to_owned())
    });
    let mut block = Vec::new();
    if !path_decides_kind {
        block.push(format!("kind = {}", toml_string(&new.kind)));
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
    let mut page =
        format!("# {}\n\n```story\n{}\n```\n\nWrite the page here.\n", new.title, block.join("\n"));
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

fn toml_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// SUMMARY.md with `- [title](path)` added right after the entry of `after` (and the entries
/// nested under it), at its nesting; at the end when `after` is `None`. Returns the new text
/// and the added line.
fn add_to_summary(summary: &str, after: Option<&str>, title: &str, path: &str) -> (String, String) {
    let le = line_ending(summary);
    let lines: Vec<&str> = summary.split_inclusive('\n').collect();
    let entry = after.and_then(|after| lines.iter().position(|l| l.contains(&format!("]({after})"))));
    let (insert_at, indent) = match entry {
        Some(index) => {
            let indent = indentation(lines[index]);
            let end = lines[index + 1..]
                .iter()
                .position(|l| !l.trim().is_empty() && indentation(l).len() <= indent.len())
                .map_or(lines.len(), |p| index + 1 + p);
            let end =
                (index + 1..end).rev().find(|&i| !lines[i].trim().is_empty()).map_or(index + 1, |i| i + 1);
            (end, indent.to_owned())
        }
        // Before the suffix chapters: after the last line of the numbered list.
        None => {
            let last_item = lines.iter().rposition(|l| list_marker(l));
            (last_item.map_or(lines.len(), |i| i + 1), String::new())
        }
    };
    let added = format!("{indent}- [{}]({path})", title.replace(['[', ']'], ""));
    let mut out: String = lines[..insert_at].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(le);
    }
    out.push_str(&added);
    out.push_str(le);
    out.push_str(&lines[insert_at..].concat());
    (out, added)
}

fn list_marker(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("- ") || line.starts_with("* ")
}

fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_lowercase_words() {
        assert_eq!(file_stem("Alan has a blast!"), "alan_has_a_blast");
        assert_eq!(file_stem("Zoë's ÜBER-pipeline"), "zoë_s_über_pipeline");
    }

    #[test]
    fn summary_entries_go_after_the_last_of_their_kind_and_its_children() {
        let summary = "# Summary\r\n\r\n- [SQ](sq.md)\r\n    - [A](sq/a.md)\r\n        - [A1](sq/a1.md)\r\n    - [B](sq/b.md)\r\n- [Next](next.md)\r\n";
        let (text, line) = add_to_summary(summary, Some("sq/a.md"), "New", "sq/new.md");
        assert_eq!(line, "    - [New](sq/new.md)");
        assert!(
            text.contains("        - [A1](sq/a1.md)\r\n    - [New](sq/new.md)\r\n    - [B](sq/b.md)"),
            "{text}"
        );
        let (text, _) = add_to_summary("# Summary\n\n- [A](a.md)", None, "New", "new.md");
        assert_eq!(text, "# Summary\n\n- [A](a.md)\n- [New](new.md)\n");
        let (text, _) =
            add_to_summary("- [A](a.md)\n    - [B](b.md)\n\n---\n\n[Thanks](t.md)\n", None, "New", "new.md");
        assert_eq!(text, "- [A](a.md)\n    - [B](b.md)\n- [New](new.md)\n\n---\n\n[Thanks](t.md)\n");
    }
}
