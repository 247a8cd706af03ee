//! Adding an entry to SUMMARY.md the way its authors write it: among the chapters of the
//! same kind (in alphabetical order if they are kept so, else after the last one and its
//! sub-chapters), at the same nesting, with the same list marker, indentation and link style
//! (`./vision/...` or `vision/...`).

use std::cmp::Ordering;

use mdbook_vision_core::markdown::line_ending;
use mdbook_vision_core::model::Kinds;

/// A line of SUMMARY.md that links a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry<'s> {
    /// Its position among the lines.
    line: usize,
    /// What comes before its link: indentation and list marker (`    * `).
    lead: &'s str,
    /// Its name, as written (`Alan finds \[bugs\]`).
    name: &'s str,
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
    summary
        .split_inclusive('\n')
        .enumerate()
        .filter_map(|(line, text)| {
            let open = text.find('[')?;
            let lead = &text[..open];
            let is_item = lead.trim().is_empty() || matches!(lead.trim(), "-" | "*" | "+");
            let close = text[open..].find("](")? + open;
            let end = text[close..].find(')')? + close;
            let target = &text[close + 2..end];
            let name = &text[open + 1..close];
            (is_item && !target.is_empty()).then_some(Entry { line, lead, name, target })
        })
        .collect()
}

/// `summary` with an entry for the chapter `path` (relative to `src`) named `title` added,
/// and the added line. It goes among the chapters of `kind`: in its alphabetical place when
/// they are listed in alphabetical order, else after the last one (and the chapters nested
/// under it). Before the kind's first story, it goes under the index page of the folder it is
/// written to (`shiny_future.md`), else after the last chapter in that folder (the kind's
/// template), else at the end of the list.
pub fn add_entry(summary: &str, kinds: &Kinds, kind: &str, title: &str, path: &str) -> (String, String) {
    let le = line_ending(summary);
    let lines: Vec<&str> = summary.split_inclusive('\n').collect();
    let all = entries(summary);
    let place = among_stories(&all, kinds, kind, title)
        .or_else(|| under_index(&all, path))
        .or_else(|| in_folder(&all, path))
        .unwrap_or_else(|| at_the_end(&all));
    let insert_at = match place.at {
        Position::Before(entry) => entry.line,
        Position::After(entry) => after_children(&lines, entry),
        Position::End => lines.len(),
    };
    let target = if place.dot_slash { format!("./{path}") } else { path.to_owned() };
    let added = format!("{}[{}]({target})", place.lead, escape_name(title));
    let mut out: String = lines[..insert_at].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(le);
    }
    out.push_str(&added);
    out.push_str(le);
    out.push_str(&lines[insert_at..].concat());
    (out, added)
}

/// Where an entry goes, and how it is written.
struct Place<'e, 's> {
    at: Position<'e, 's>,
    /// Its indentation and list marker.
    lead: String,
    /// Whether its link starts with `./`.
    dot_slash: bool,
}

enum Position<'e, 's> {
    /// On the line of this entry, which moves down.
    Before(&'e Entry<'s>),
    /// After this entry and the entries nested under it.
    After(&'e Entry<'s>),
    /// At the end of the file.
    End,
}

impl<'e, 's> Place<'e, 's> {
    /// Next to `entry` (before or after it), written as it is.
    fn beside(entry: &'e Entry<'s>, at: Position<'e, 's>) -> Self {
        Place { at, lead: entry.lead.to_owned(), dot_slash: entry.target.starts_with("./") }
    }
}

/// Among the stories of `kind` in the list its last story is in (a chapter nested under one of
/// the same kind is a part of that story, not a story).
fn among_stories<'e, 's>(
    all: &'e [Entry<'s>],
    kinds: &Kinds,
    kind: &str,
    title: &str,
) -> Option<Place<'e, 's>> {
    let is_of_kind = |e: &Entry<'_>| {
        let file = e.path();
        let name = file.rsplit('/').next().unwrap_or(file);
        let index = name.eq_ignore_ascii_case("README.md") || name.eq_ignore_ascii_case("index.md");
        !index && kinds.of_file(file).is_some_and(|k| kinds.name(k) == kind) && !name.starts_with("template")
    };
    let parent = |at: usize| all[..at].iter().rev().find(|p| p.indent().len() < all[at].indent().len());
    let stories: Vec<usize> =
        (0..all.len()).filter(|&at| is_of_kind(&all[at]) && !parent(at).is_some_and(&is_of_kind)).collect();
    let list_of = |at: usize| parent(at).map(|p| p.line);
    let &last = stories.last()?;
    let list: Vec<&Entry<'_>> =
        stories.iter().filter(|&&at| list_of(at) == list_of(last)).map(|&at| &all[at]).collect();
    Some(match alphabetical_successor(&list, title) {
        Some(next) => Place::beside(next, Position::Before(next)),
        None => Place::beside(&all[last], Position::After(&all[last])),
    })
}

/// After the last chapter in the folder of `path` (such as the kind's template).
fn in_folder<'e, 's>(all: &'e [Entry<'s>], path: &str) -> Option<Place<'e, 's>> {
    let folder = |file: &str| file.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
    let last = all.iter().rev().find(|e| folder(e.path()) == folder(path))?;
    Some(Place::beside(last, Position::After(last)))
}

/// Under the index page of the folder of `path` (`vision/shiny_future.md`,
/// `vision/shiny_future/README.md`): after its last sub-chapter (such as the kind's template),
/// written as it is, or as its first, one level deeper than it.
fn under_index<'e, 's>(all: &'e [Entry<'s>], path: &str) -> Option<Place<'e, 's>> {
    let (folder, _) = path.rsplit_once('/')?;
    let indexes = [format!("{folder}.md"), format!("{folder}/README.md"), format!("{folder}/index.md")];
    let at = all.iter().position(|e| indexes.iter().any(|i| i.eq_ignore_ascii_case(e.path())))?;
    let index = &all[at];
    let nested: Vec<&Entry<'_>> =
        all[at + 1..].iter().take_while(|e| e.indent().len() > index.indent().len()).collect();
    let child_indent = nested.iter().map(|e| e.indent().len()).min();
    if let Some(last_child) = nested.iter().rev().find(|e| Some(e.indent().len()) == child_indent) {
        return Some(Place::beside(last_child, Position::After(last_child)));
    }
    let marker = index.lead.trim_start();
    let marker = if marker.is_empty() { "- " } else { marker };
    let lead = format!("{}{}{marker}", index.indent(), indent_unit(all));
    Some(Place { at: Position::After(index), lead, dot_slash: index.target.starts_with("./") })
}

/// How much deeper the file indents a nested chapter than its parent (two spaces if it nests
/// none).
fn indent_unit(all: &[Entry<'_>]) -> String {
    let deeper = all.windows(2).find_map(|pair| {
        let (outer, inner) = (pair[0].indent(), pair[1].indent());
        inner.strip_prefix(outer).filter(|extra| !extra.is_empty() && !pair[0].lead.trim().is_empty())
    });
    deeper.unwrap_or("  ").to_owned()
}

/// At the end of the numbered list, at its top level.
fn at_the_end<'e, 's>(all: &'e [Entry<'s>]) -> Place<'e, 's> {
    let listed: Vec<&Entry<'_>> = all.iter().filter(|e| !e.lead.trim().is_empty()).collect();
    match listed.last() {
        Some(&last) => {
            let top = listed.iter().find(|e| e.indent().is_empty()).unwrap_or(&last);
            Place {
                at: Position::After(last),
                lead: top.lead.to_owned(),
                dot_slash: last.target.starts_with("./"),
            }
        }
        None => Place { at: Position::End, lead: "- ".to_owned(), dot_slash: false },
    }
}

/// The first of `stories` whose name comes after `title` in alphabetical order, when the
/// stories are listed in that order: three or more of them, with at most one pair in ten
/// (rounded) the wrong way round, as hand-kept lists have a few slips.
fn alphabetical_successor<'e, 's>(stories: &[&'e Entry<'s>], title: &str) -> Option<&'e Entry<'s>> {
    let pairs = stories.len().saturating_sub(1);
    let slips = stories.windows(2).filter(|pair| alphabetical(pair[0].name, pair[1].name).is_gt()).count();
    if stories.len() < 3 || slips > (pairs + 5) / 10 {
        return None;
    }
    let title = escape_name(title);
    stories.iter().copied().find(|story| alphabetical(story.name, &title).is_gt())
}

/// The order of two chapter names in an alphabetical list, as people sort by hand: by their
/// letters and digits, letter case, spaces, punctuation and emoji aside.
fn alphabetical(a: &str, b: &str) -> Ordering {
    let key = |name: &str| -> Vec<char> {
        name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    key(a).cmp(&key(b))
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

    fn add_titled(summary: &str, title: &str) -> String {
        add_entry(summary, &kinds(), "status-quo", title, "status_quo/new.md").0
    }

    const ALPHABETICAL: &str = "- [SQ](status_quo.md)\n  - [Template](status_quo/template.md)\n  - [alan builds](status_quo/a.md)\n  - [Barbara tries](status_quo/b.md)\n    - [Part 2](status_quo/b/2.md)\n  - [Grace debugs](status_quo/g.md)\n  - [Niklaus shares](status_quo/n.md)\n- [SF](sf.md)\n";

    #[test]
    fn in_its_alphabetical_place_when_the_kind_s_chapters_are_kept_in_that_order() {
        let text = add_titled(ALPHABETICAL, "Barbara wins");
        assert!(
            text.contains(
                "    - [Part 2](status_quo/b/2.md)\n  - [Barbara wins](status_quo/new.md)\n  - [Grace debugs]"
            ),
            "{text}"
        );
        let text = add_titled(ALPHABETICAL, "Alan begins");
        assert!(text.contains("  - [Template](status_quo/template.md)\n  - [Alan begins](status_quo/new.md)\n  - [alan builds]"), "{text}");
        let text = add_titled(ALPHABETICAL, "Zoe");
        assert!(
            text.contains("  - [Niklaus shares](status_quo/n.md)\n  - [Zoe](status_quo/new.md)\n- [SF]"),
            "{text}"
        );
    }

    #[test]
    fn a_slip_in_a_long_alphabetical_list_keeps_it_alphabetical() {
        let names = ["A1", "A2", "A4", "A3", "B1", "B2", "C1", "C2", "D1", "D2", "E1"];
        let summary: String = names.iter().map(|n| format!("- [{n}](status_quo/{n}.md)\n")).collect();
        assert!(
            add_titled(&summary, "B3").contains("[B2](status_quo/B2.md)\n- [B3](status_quo/new.md)\n- [C1]")
        );
    }

    #[test]
    fn after_the_last_when_the_kind_s_chapters_are_in_another_order_or_too_few_to_tell() {
        let unordered =
            "- [B](status_quo/b.md)\n- [A](status_quo/a.md)\n- [C](status_quo/c.md)\n- [X](x.md)\n";
        assert_eq!(
            add_titled(unordered, "Aa"),
            "- [B](status_quo/b.md)\n- [A](status_quo/a.md)\n- [C](status_quo/c.md)\n- [Aa](status_quo/new.md)\n- [X](x.md)\n"
        );
        let two = "- [A](status_quo/a.md)\n- [C](status_quo/c.md)\n";
        assert_eq!(
            add_titled(two, "B"),
            "- [A](status_quo/a.md)\n- [C](status_quo/c.md)\n- [B](status_quo/new.md)\n"
        );
    }

    #[test]
    fn only_the_list_the_kind_s_last_chapter_is_in_decides_the_order() {
        let summary = "- [Zed's manual](status_quo/manual.md)\n- [Stories](stories.md)\n  - [A](status_quo/a.md)\n  - [B](status_quo/b.md)\n  - [D](status_quo/d.md)\n";
        assert!(
            add_titled(summary, "C")
                .contains("  - [B](status_quo/b.md)\n  - [C](status_quo/new.md)\n  - [D]")
        );
    }

    fn add_first(summary: &str) -> String {
        add_entry(summary, &kinds(), "shiny-future", "New", "vision/shiny_future/new.md").0
    }

    #[test]
    fn the_kind_s_first_story_goes_under_its_folder_s_index_page_after_the_template() {
        let summary = "- [Vision](vision.md)\n  - [SF](./vision/shiny_future.md)\n    * [Template](./vision/shiny_future/template.md)\n  - [Roadmap](./vision/roadmap.md)\n- [Triage](triage.md)\n";
        assert_eq!(
            add_first(summary),
            "- [Vision](vision.md)\n  - [SF](./vision/shiny_future.md)\n    * [Template](./vision/shiny_future/template.md)\n    * [New](./vision/shiny_future/new.md)\n  - [Roadmap](./vision/roadmap.md)\n- [Triage](triage.md)\n"
        );
        let bare =
            "- [Vision](vision.md)\n    - [SF](vision/shiny_future/README.md)\n- [Triage](triage.md)\n";
        assert_eq!(
            add_first(bare),
            "- [Vision](vision.md)\n    - [SF](vision/shiny_future/README.md)\n        - [New](vision/shiny_future/new.md)\n- [Triage](triage.md)\n"
        );
    }

    #[test]
    fn without_an_index_page_the_kind_s_first_story_goes_after_the_last_chapter_in_its_folder() {
        let summary = "- [Vision](vision.md)\n  - [SF template](vision/shiny_future/template.md)\n- [Triage](triage.md)\n";
        assert_eq!(
            add_first(summary),
            "- [Vision](vision.md)\n  - [SF template](vision/shiny_future/template.md)\n  - [New](vision/shiny_future/new.md)\n- [Triage](triage.md)\n"
        );
    }
}
