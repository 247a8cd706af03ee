//! Adding an entry to SUMMARY.md the way its authors write it: after the last chapter of the
//! same kind and its sub-chapters (the first of its kind under the index page of its folder),
//! at the same nesting, with the same list marker,
//! indentation and link style (`./vision/...` or `vision/...`). It does not sort: a list kept
//! in alphabetical order gets the entry after its last chapter too.

use mdbook_vision_core::markdown::line_ending;
use mdbook_vision_core::model::Kinds;

/// A line of SUMMARY.md that links a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry<'s> {
    /// Its position among the lines.
    line: usize,
    /// What comes before its link: indentation and list marker (`    * `).
    lead: &'s str,
    /// Its link target, as written (`./vision/status_quo/alan.md`).
    target: &'s str,
}

impl Entry<'_> {
    /// Its indentation.
    fn indent(&self) -> &str {
        &self.lead[..self.lead.len() - self.lead.trim_start().len()]
    }

    /// Its target as a path relative to `src`.
    fn path(&self) -> &str {
        self.target.trim_start_matches("./").trim_start_matches('/')
    }
}

/// The chapter entries of `summary`.
fn entries(summary: &str) -> Vec<Entry<'_>> {
    // Lines in an HTML comment (`<!-- ... -->`) are no chapters: mdBook does not list them.
    let mut in_comment = false;
    let mut commented = |text: &str| {
        let was = in_comment || text.contains("<!--");
        let opened = text.rfind("<!--");
        in_comment = match (opened, text.rfind("-->")) {
            (Some(open), Some(close)) => open > close,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => in_comment,
        };
        was
    };
    summary
        .split_inclusive('\n')
        .enumerate()
        .filter(|(_, text)| !commented(text))
        .filter_map(|(line, text)| {
            let open = text.find('[')?;
            let lead = &text[..open];
            let is_item = lead.trim().is_empty() || matches!(lead.trim(), "-" | "*" | "+");
            let close = text[open..].find("](")? + open;
            let end = text[close..].find(')')? + close;
            let target = &text[close + 2..end];
            (is_item && !target.is_empty()).then_some(Entry { line, lead, target })
        })
        .collect()
}

/// `summary` with an entry for the chapter `path` (relative to `src`) named `title` added
/// after the last story of `kind` (and the chapters nested under it); before the kind's first
/// story, after its last chapter of any sort but an index page (its template); else as the
/// last chapter nested under the index page of `path`'s folder (`shiny_future.md`), else at
/// the end of the list. Also returns the added line.
pub fn add_entry(summary: &str, kinds: &Kinds, kind: &str, title: &str, path: &str) -> (String, String) {
    let le = line_ending(summary);
    let lines: Vec<&str> = summary.split_inclusive('\n').collect();
    let all = entries(summary);
    let of_kind = |e: &Entry<'_>| kinds.of_file(e.path()).is_some_and(|k| kinds.name(k) == kind);
    let is_story = |e: &Entry<'_>| {
        let file = e.path();
        let name = file.rsplit('/').next().unwrap_or(file);
        !is_index_name(name) && of_kind(e) && !name.starts_with("template")
    };
    // An index page of the kind is where its first page nests, not what it follows.
    let is_index = |e: &Entry<'_>| is_index_name(e.path().rsplit('/').next().unwrap_or_default());
    // A chapter nested under a story of the same kind is a part of that story, not a story.
    let parent = |at: usize| all[..at].iter().rev().find(|p| p.indent().len() < all[at].indent().len());
    let last_story =
        (0..all.len()).rev().find(|&at| is_story(&all[at]) && !parent(at).is_some_and(&is_story));
    let last_of_kind = last_story
        .or_else(|| {
            (0..all.len())
                .rev()
                .find(|&at| of_kind(&all[at]) && !is_index(&all[at]) && !parent(at).is_some_and(&of_kind))
        })
        .map(|at| &all[at]);
    let listed = all.iter().filter(|e| !e.lead.trim().is_empty()).collect::<Vec<_>>();
    let folder_index = if last_of_kind.is_none() { index_of_folder(&all, path) } else { None };
    let (insert_at, lead, dot_slash) = match (last_of_kind, folder_index, listed.last()) {
        (Some(entry), ..) => {
            (after_children(&lines, entry), entry.lead.to_owned(), entry.target.starts_with("./"))
        }
        // No chapter of that kind yet, but the index page of the page's folder: under it.
        (None, Some(index), _) => (
            after_children(&lines, &all[index]),
            child_lead(&all, index),
            all[index].target.starts_with("./"),
        ),
        // No chapter of that kind yet: at the end of the numbered list, at its top level.
        (None, None, Some(last)) => {
            let top = listed.iter().find(|e| e.indent().is_empty()).unwrap_or(last);
            (after_children(&lines, last), top.lead.to_owned(), last.target.starts_with("./"))
        }
        (None, None, None) => (lines.len(), "- ".to_owned(), false),
    };
    let target = if dot_slash { format!("./{path}") } else { path.to_owned() };
    let added = format!("{lead}[{}]({target})", escape_name(title));
    let mut out: String = lines[..insert_at].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(le);
    }
    out.push_str(&added);
    out.push_str(le);
    out.push_str(&lines[insert_at..].concat());
    (out, added)
}

/// The position in `all` of the listed entry of the index page of `path`'s folder:
/// `shiny_future.md`, `shiny_future/README.md` or `shiny_future/index.md` for
/// `shiny_future/new.md`.
fn index_of_folder(all: &[Entry<'_>], path: &str) -> Option<usize> {
    let (folder, _) = path.rsplit_once('/')?;
    let indexes_folder = |p: &str| match p.strip_prefix(folder) {
        Some(".md") => true,
        Some(rest) => rest.strip_prefix('/').is_some_and(is_index_name),
        None => false,
    };
    all.iter().position(|e| !e.lead.trim().is_empty() && indexes_folder(e.path()))
}

/// Whether a chapter's file name makes it its folder's index page.
fn is_index_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("README.md") || name.eq_ignore_ascii_case("index.md")
}

/// What comes before the link of a chapter nested under `all[parent]`: its first child's lead,
/// else the parent's, indented one step more, by the step the file nests with (four spaces in
/// a file that nests nothing yet).
fn child_lead(all: &[Entry<'_>], parent: usize) -> String {
    let depth = |e: &Entry<'_>| e.indent().len();
    if let Some(child) = all.get(parent + 1).filter(|c| depth(c) > depth(&all[parent])) {
        return child.lead.to_owned();
    }
    let step = all
        .windows(2)
        .filter(|pair| depth(&pair[1]) > depth(&pair[0]))
        .map(|pair| &pair[1].indent()[depth(&pair[0])..])
        .min_by_key(|step| step.len())
        .unwrap_or("    ");
    format!("{}{step}{}", all[parent].indent(), all[parent].lead.trim_start())
}

/// The position of the line after `entry` and the lines nested under it.
fn after_children(lines: &[&str], entry: &Entry<'_>) -> usize {
    let indent = entry.indent().len();
    let nested_end = lines[entry.line + 1..]
        .iter()
        .position(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent)
        .map_or(lines.len(), |p| entry.line + 1 + p);
    (entry.line + 1..nested_end)
        .rev()
        .find(|&i| !lines[i].trim().is_empty())
        .map_or(entry.line + 1, |i| i + 1)
}

/// A chapter name as SUMMARY.md needs it: brackets would end the link text.
fn escape_name(title: &str) -> String {
    title.replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]")
}

#[cfg(test)]
mod tests {
    use mdbook_vision_core::config::Settings;

    use super::*;

    fn kinds() -> Kinds {
        Kinds::new(&Settings::default(), &mut Vec::new())
    }

    fn add(summary: &str, kind: &str, path: &str) -> (String, String) {
        add_entry(summary, &kinds(), kind, "New", path)
    }

    #[test]
    fn after_the_last_of_the_kind_and_its_children_in_the_file_s_style() {
        let summary = "# Summary\r\n\r\n- [SQ](sq.md)\r\n    * [A](./status_quo/a.md)\r\n        - [A1](./status_quo/a/a1.md)\r\n    * [B](./status_quo/b.md)\r\n        - [B1](./status_quo/b/b1.md)\r\n- [Next](next.md)\r\n";
        let (text, line) = add(summary, "status-quo", "status_quo/new.md");
        assert_eq!(line, "    * [New](./status_quo/new.md)");
        assert!(
            text.contains("        - [B1](./status_quo/b/b1.md)\r\n    * [New](./status_quo/new.md)\r\n- [Next](next.md)"),
            "{text}"
        );
    }

    #[test]
    fn two_space_indents_and_plain_links() {
        let summary =
            "- [Vision](vision.md)\n  - [A](vision/status_quo/a.md)\n  - [F](vision/shiny_future/f.md)\n";
        let (text, line) = add(summary, "status-quo", "vision/status_quo/new.md");
        assert_eq!(line, "  - [New](vision/status_quo/new.md)");
        assert_eq!(
            text,
            "- [Vision](vision.md)\n  - [A](vision/status_quo/a.md)\n  - [New](vision/status_quo/new.md)\n  - [F](vision/shiny_future/f.md)\n"
        );
    }

    #[test]
    fn a_first_page_of_its_kind_goes_at_the_end_of_the_list() {
        let (text, _) = add(
            "- [A](a.md)\n    - [B](b.md)\n\n---\n\n[Thanks](t.md)\n",
            "design-doc",
            "design_docs/new.md",
        );
        assert_eq!(
            text,
            "- [A](a.md)\n    - [B](b.md)\n- [New](design_docs/new.md)\n\n---\n\n[Thanks](t.md)\n"
        );
        let (text, _) = add("# Summary\n\n* [A](./a.md)", "design-doc", "design_docs/new.md");
        assert_eq!(text, "# Summary\n\n* [A](./a.md)\n* [New](./design_docs/new.md)\n");
    }

    #[test]
    fn templates_and_index_pages_are_not_where_pages_go() {
        let summary = "- [SQ](status_quo/README.md)\n  - [A](status_quo/a.md)\n  - [Template](status_quo/template.md)\n";
        let (_, line) = add(summary, "status-quo", "status_quo/new.md");
        assert_eq!(line, "  - [New](status_quo/new.md)");
        let (text, _) = add(summary, "status-quo", "status_quo/new.md");
        assert!(text.contains("[A](status_quo/a.md)\n  - [New]"), "{text}");
    }

    #[test]
    fn the_kind_s_first_story_goes_after_its_template_even_in_an_alphabetical_list() {
        let summary = "- [Vision](vision.md)\n  - [SF](./vision/shiny_future.md)\n    * [Template](./vision/shiny_future/template.md)\n  - [Roadmap](./vision/roadmap.md)\n- [Triage](triage.md)\n";
        let (text, _) = add_entry(summary, &kinds(), "shiny-future", "New", "vision/shiny_future/new.md");
        assert_eq!(
            text,
            "- [Vision](vision.md)\n  - [SF](./vision/shiny_future.md)\n    * [Template](./vision/shiny_future/template.md)\n    * [New](./vision/shiny_future/new.md)\n  - [Roadmap](./vision/roadmap.md)\n- [Triage](triage.md)\n"
        );
        let sorted = "- [A](status_quo/a.md)\n- [B](status_quo/b.md)\n- [D](status_quo/d.md)\n";
        let (text, _) = add_entry(sorted, &kinds(), "status-quo", "C", "status_quo/c.md");
        assert_eq!(
            text,
            format!("{sorted}- [C](status_quo/c.md)\n"),
            "the contract's order, not the alphabet's"
        );
    }

    #[test]
    fn the_kind_s_first_page_nests_under_the_index_page_of_its_folder() {
        let summary = "# Summary\r\n\r\n- [About](./about.md)\r\n- [Status quo](./status_quo.md)\r\n    - [A](./status_quo/a.md)\r\n- [Shiny future](./shiny_future.md)\r\n- [Notes](https://example.org/notes)\r\n";
        let (text, line) = add(summary, "shiny-future", "shiny_future/new.md");
        assert_eq!(line, "    - [New](./shiny_future/new.md)");
        assert!(
            text.ends_with("- [Shiny future](./shiny_future.md)\r\n    - [New](./shiny_future/new.md)\r\n- [Notes](https://example.org/notes)\r\n"),
            "{text}"
        );
        let readme = "* [Vision](vision/README.md)\n  * [SF](vision/shiny_future/README.md)\n  * [Roadmap](vision/roadmap.md)\n";
        let (text, _) = add(readme, "shiny-future", "vision/shiny_future/new.md");
        assert_eq!(
            text,
            "* [Vision](vision/README.md)\n  * [SF](vision/shiny_future/README.md)\n    * [New](vision/shiny_future/new.md)\n  * [Roadmap](vision/roadmap.md)\n"
        );
        let flat = "- [Shiny future](shiny_future.md)\n- [Other](other.md)\n";
        let (text, _) = add(flat, "shiny-future", "shiny_future/new.md");
        assert_eq!(
            text,
            "- [Shiny future](shiny_future.md)\n    - [New](shiny_future/new.md)\n- [Other](other.md)\n"
        );
    }

    #[test]
    fn chapters_in_an_html_comment_are_not_where_pages_go() {
        let summary = "- [A](status_quo/a.md)\n<!--\n- [B](status_quo/b.md)\n-->\n- [X](x.md)\n<!-- - [C](status_quo/c.md) -->\n";
        let (text, _) = add(summary, "status-quo", "status_quo/new.md");
        assert!(text.starts_with("- [A](status_quo/a.md)\n- [New](status_quo/new.md)\n<!--"), "{text}");
    }
}
