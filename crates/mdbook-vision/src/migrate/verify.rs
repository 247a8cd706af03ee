//! The guarantee of `migrate`: a change is kept only if, with it, the suite renders every page
//! as it did without it.
//!
//! "The same" is read from the preprocessed markdown of each page:
//! - its text outside tables, whitespace aside, is unchanged;
//! - every link it had is still there, in the same order, with the same text and leading to
//!   the same page and heading (`./a.md`, `a.html` and the published URL of `a` are one
//!   target); links may be added (a story table links its character and its pair);
//! - every table it had is still there, with the same rows, and for each of its columns a
//!   column with the same header whose cells read the same and keep their links; columns and
//!   tables may be added (a story block where there was no table);
//! - it gets no new error.

use std::collections::BTreeMap;

use anyhow::Result;
use foldhash::HashMap;
use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{Diagnostic, Level};
use mdbook_vision_core::markdown::{Document, Element, Flavor, NodeKind, end_of};

use super::sources::{Rendered, Sources};
use super::{Change, kept_finding};

/// How many times a step's changes are narrowed down before the rest are given up.
const ROUNDS: usize = 3;

/// `changes` split into those kept and the reports of those dropped.
pub(crate) fn verify(sources: &Sources, changes: Vec<Change>) -> Result<(Vec<Change>, Vec<Diagnostic>)> {
    if changes.is_empty() {
        return Ok((changes, Vec::new()));
    }
    let flavor = sources.flavor();
    let before = outlines(&sources.render(&sources.texts)?, sources, flavor);
    let differences = |changes: &[Change]| -> Result<BTreeMap<String, String>> {
        let after = outlines(&sources.render(&sources.texts_with(changes)?)?, sources, flavor);
        Ok(compare(&before, &after))
    };
    let mut accepted = changes;
    let mut dropped = Vec::new();
    for _ in 0..ROUNDS {
        let failing = differences(&accepted)?;
        if failing.is_empty() {
            return Ok((accepted, dropped));
        }
        let (suspects, mut good): (Vec<Change>, Vec<Change>) =
            accepted.into_iter().partition(|c| failing.contains_key(&c.file));
        if suspects.is_empty() {
            // A page no change touches renders differently: which change did it is not known.
            let (file, reason) =
                failing.iter().next().map(|(f, r)| (f.clone(), r.clone())).unwrap_or_default();
            dropped.extend(
                good.iter().map(|c| report(c, &format!("{file} would render differently: {reason}"))),
            );
            return Ok((Vec::new(), dropped));
        }
        for suspect in suspects {
            let mut trial = good.clone();
            trial.push(suspect.clone());
            match differences(&trial)?.into_iter().next() {
                None => good = trial,
                Some((_, reason)) => dropped.push(report(&suspect, &reason)),
            }
        }
        accepted = good;
    }
    if !differences(&accepted)?.is_empty() {
        dropped.extend(accepted.iter().map(|c| report(c, "the changes together would render differently")));
        accepted.clear();
    }
    Ok((accepted, dropped))
}

fn report(change: &Change, reason: &str) -> Diagnostic {
    kept_finding(
        change.location.clone(),
        format!("{} left as written: {reason}", change.what),
        "change it by hand, or leave it: the suite renders it as it is",
    )
}

/// What a page renders to, as far as the guarantee goes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outline {
    /// Its text outside tables, whitespace collapsed.
    text: String,
    /// Its links outside tables: text and target.
    links: Vec<(String, String)>,
    /// Its tables: the header cells, then each row.
    tables: Vec<Vec<Vec<Cell>>>,
    /// The errors reported about it.
    errors: Vec<(String, String)>,
}

/// A table cell: its text, whitespace collapsed, and its links.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Cell {
    text: String,
    links: Vec<(String, String)>,
}

fn outlines(
    rendered: &HashMap<String, Rendered>,
    sources: &Sources,
    flavor: Flavor,
) -> BTreeMap<String, Outline> {
    rendered
        .iter()
        .map(|(file, page)| {
            let mut outline = outline(&page.text, file, sources, flavor);
            outline.errors = page
                .findings
                .iter()
                .filter(|(code, _)| codes::named(code).is_some_and(|c| c.level == Level::Error))
                .cloned()
                .collect();
            (file.clone(), outline)
        })
        .collect()
}

fn outline(text: &str, file: &str, sources: &Sources, flavor: Flavor) -> Outline {
    let doc = Document::parse(text, flavor);
    let nodes = doc.nodes.all();
    let mut outline = Outline::default();
    let mut words = String::new();
    let mut cell: Option<Cell> = None;
    let mut row: Vec<Cell> = Vec::new();
    let mut index = 0;
    while index < nodes.len() {
        let node = &nodes[index];
        match node.kind {
            NodeKind::Start(Element::Link) => {
                let end = end_of(nodes, index);
                let link_text = collapse(&doc.plain_text(&nodes[index + 1..end.min(nodes.len())]));
                let destination = doc.nodes.link(node).map(|l| l.destination.as_str()).unwrap_or_default();
                let link = (link_text.clone(), sources.links().key(file, destination));
                match &mut cell {
                    Some(cell) => {
                        cell.text.push_str(&link_text);
                        cell.links.push(link);
                    }
                    None => {
                        words.push_str(&link_text);
                        outline.links.push(link);
                    }
                }
                index = end;
            }
            NodeKind::Start(Element::Table) => outline.tables.push(Vec::new()),
            NodeKind::Start(Element::TableCell) => cell = Some(Cell::default()),
            NodeKind::End(Element::TableCell) => row.extend(cell.take().map(|mut c| {
                c.text = collapse(&c.text);
                c
            })),
            NodeKind::End(Element::TableHead | Element::TableRow) => {
                if let Some(table) = outline.tables.last_mut() {
                    table.push(std::mem::take(&mut row));
                }
            }
            NodeKind::Text | NodeKind::Code => match &mut cell {
                Some(cell) => cell.text.push_str(doc.text_of(node)),
                None => words.push_str(doc.text_of(node)),
            },
            NodeKind::SoftBreak | NodeKind::HardBreak | NodeKind::End(_) if cell.is_none() => words.push(' '),
            _ => {}
        }
        index += 1;
    }
    outline.text = collapse(&words);
    outline
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each page that does not render the same, with what differs.
fn compare(
    before: &BTreeMap<String, Outline>,
    after: &BTreeMap<String, Outline>,
) -> BTreeMap<String, String> {
    let empty = Outline::default();
    before
        .iter()
        .filter_map(|(file, was)| {
            let now = after.get(file).unwrap_or(&empty);
            difference(was, now).map(|reason| (file.clone(), reason))
        })
        .collect()
}

fn difference(was: &Outline, now: &Outline) -> Option<String> {
    if let Some((code, message)) = now.errors.iter().find(|e| !was.errors.contains(e)) {
        return Some(format!("it would be an error: {message} [{code}]"));
    }
    if was.text != now.text {
        let (before, after) = first_difference(&was.text, &now.text);
        return Some(format!("its text would change from “{before}” to “{after}”"));
    }
    if let Some((text, target)) = missing(&was.links, &now.links) {
        return Some(format!("the link “{text}” to `{target}` would be lost"));
    }
    let mut tables = now.tables.iter();
    for table in &was.tables {
        if !tables.any(|candidate| same_table(table, candidate)) {
            let header: Vec<&str> = table.first().into_iter().flatten().map(|c| c.text.as_str()).collect();
            return Some(format!("the table | {} | would not render the same cells", header.join(" | ")));
        }
    }
    None
}

/// A few words around the first place where `was` and `now` differ, in each.
fn first_difference(was: &str, now: &str) -> (String, String) {
    const AROUND: usize = 30;
    let same = was.chars().zip(now.chars()).take_while(|(a, b)| a == b).count();
    let excerpt = |text: &str| -> String {
        let start = same.saturating_sub(AROUND);
        let piece: String = text.chars().skip(start).take(2 * AROUND).collect();
        format!(
            "{}{piece}{}",
            if start > 0 { "…" } else { "" },
            if text.chars().count() > start + 2 * AROUND { "…" } else { "" }
        )
    };
    (excerpt(was), excerpt(now))
}

/// The first of `was` that is not, in order, in `now`.
fn missing<'a, T: PartialEq>(was: &'a [T], now: &[T]) -> Option<&'a T> {
    let mut now = now.iter();
    was.iter().find(|item| !now.any(|candidate| candidate == *item))
}

/// Whether `now` shows every column of `was` (by header) with the same rows.
fn same_table(was: &[Vec<Cell>], now: &[Vec<Cell>]) -> bool {
    let (Some(was_header), Some(now_header)) = (was.first(), now.first()) else { return false };
    if was.len() != now.len() {
        return false;
    }
    was_header.iter().enumerate().all(|(column, header)| {
        let Some(at) = now_header.iter().position(|h| h.text.eq_ignore_ascii_case(&header.text)) else {
            return false;
        };
        was.iter().zip(now).all(|(was_row, now_row)| match (was_row.get(column), now_row.get(at)) {
            (Some(a), Some(b)) => a.text == b.text && missing(&a.links, &b.links).is_none(),
            (None, _) => true,
            (Some(_), None) => false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, links: &[(&str, &str)]) -> Cell {
        Cell { text: text.into(), links: links.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect() }
    }

    #[test]
    fn a_table_may_gain_columns_and_links_but_not_lose_cells() {
        let was = vec![
            vec![cell("Character", &[]), cell("Assigned To", &[])],
            vec![cell("Alan", &[("Alan", "c/alan.md")]), cell("✋ Volunteer wanted ✋", &[])],
        ];
        let wider = vec![
            vec![cell("Character", &[]), cell("Shiny Future", &[]), cell("Assigned To", &[])],
            vec![
                cell("Alan", &[("Alan", "c/alan.md")]),
                cell("not yet written", &[]),
                cell("✋ Volunteer wanted ✋", &[("✋ Volunteer wanted ✋", "how.md")]),
            ],
        ];
        assert!(same_table(&was, &wider));
        let mut unlinked = wider.clone();
        unlinked[1][0] = cell("Alan", &[]);
        assert!(!same_table(&was, &unlinked));
        let mut renamed = wider;
        renamed[1][2] = cell("@someone", &[]);
        assert!(!same_table(&was, &renamed));
    }

    #[test]
    fn links_may_be_added_but_not_lost_or_reordered() {
        let l = |t: &str| (t.to_owned(), format!("{t}.md"));
        assert_eq!(missing(&[l("a"), l("b")], &[l("x"), l("a"), l("y"), l("b")]), None);
        assert_eq!(missing(&[l("a"), l("b")], &[l("b"), l("a")]), Some(&l("b")));
    }
}
