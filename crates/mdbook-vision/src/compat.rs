//! The keys of book.toml that only one mdBook version accepts: mdBook 0.5 rejects every key
//! it does not know, where mdBook 0.4 ignored them (`book.multilingual`,
//! `output.html.curly-quotes`, a top-level `[vision]` table, ...).

use std::ops::Range;

use toml_edit::{DocumentMut, Item, TableLike};

/// The top-level tables mdBook 0.5 accepts.
const TOP_LEVEL: &[&str] = &["book", "build", "rust", "output", "preprocessor"];

/// The keys of each table mdBook 0.5 knows (its config structs deny unknown fields).
const KNOWN: &[(&str, &[&str])] = &[
    ("book", &["title", "authors", "description", "src", "language", "text-direction"]),
    ("build", &["build-dir", "create-missing", "use-default-preprocessors", "extra-watch-dirs"]),
    ("rust", &["edition"]),
    (
        "output.html",
        &[
            "theme",
            "default-theme",
            "preferred-dark-theme",
            "smart-punctuation",
            "definition-lists",
            "admonitions",
            "mathjax-support",
            "additional-css",
            "additional-js",
            "fold",
            "playground",
            "code",
            "print",
            "no-section-label",
            "search",
            "git-repository-url",
            "git-repository-icon",
            "input-404",
            "site-url",
            "cname",
            "edit-url-template",
            "live-reload-endpoint",
            "redirect",
            "hash-files",
            "sidebar-header-nav",
        ],
    ),
];

/// Keys mdBook 0.5 renamed: the old name, and the new one in the same table.
const RENAMED: &[(&str, &str)] = &[("output.html.curly-quotes", "smart-punctuation")];

/// A key of book.toml that mdBook 0.5 rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The key, dotted from the top (`book.multilingual`).
    pub key: String,
    /// Where the key is written in book.toml, when known.
    pub span: Option<Range<usize>>,
    /// Its new name, when mdBook 0.5 renamed it; else it is simply removed.
    pub renamed: Option<&'static str>,
}

impl Rejected {
    /// What to do about it: rename it, or remove it.
    pub fn action(&self) -> String {
        match self.renamed {
            Some(new) => format!("rename it `{new}`"),
            None => "remove it (mdBook 0.4 ignored it)".to_owned(),
        }
    }

    /// What to do about it, and which command does it, for a diagnostic's help.
    pub fn fix(&self) -> String {
        format!("{}; `mdbook-vision install --fix` does", self.action())
    }
}

/// The keys of the book.toml `text` that mdBook 0.5 rejects.
pub fn rejected_by_mdbook_05(text: &str) -> Result<Vec<Rejected>, toml_edit::TomlError> {
    let document = toml_edit::Document::parse(text)?;
    let root = document.as_table();
    let mut found = Vec::new();
    for (name, item) in root.iter() {
        if !TOP_LEVEL.contains(&name) {
            found.push(rejected(name.to_owned(), root.key(name).and_then(|k| k.span())));
            continue;
        }
        if name == "output" {
            if let Some(html) = item.as_table_like().and_then(|t| t.get("html")) {
                unknown_keys(html, "output.html", &mut found);
            }
        } else {
            unknown_keys(item, name, &mut found);
        }
    }
    Ok(found)
}

fn rejected(key: String, span: Option<Range<usize>>) -> Rejected {
    let renamed = RENAMED.iter().find(|(old, _)| *old == key).map(|(_, new)| *new);
    Rejected { key, span, renamed }
}

/// The keys of the table `item` (dotted `path`) that are not among the known keys.
fn unknown_keys(item: &Item, path: &str, found: &mut Vec<Rejected>) {
    let Some(table) = item.as_table_like() else { return };
    let Some((_, known)) = KNOWN.iter().find(|(table, _)| *table == path) else { return };
    for (name, _) in table.iter() {
        if !known.contains(&name) {
            found.push(rejected(format!("{path}.{name}"), key_span(table, name)));
        }
    }
}

fn key_span(table: &dyn TableLike, name: &str) -> Option<Range<usize>> {
    table.key(name).and_then(|key| key.span())
}

/// Removes (or renames) each of `rejected` in `document`; returns whether it changed.
pub fn apply(document: &mut DocumentMut, rejected: &[Rejected]) -> bool {
    let mut changed = false;
    for key in rejected {
        let path: Vec<&str> = key.key.split('.').collect();
        changed |= remove_at(document.as_table_mut(), &path, key.renamed);
    }
    changed
}

/// Removes the key at `path` under `table`, moving its value to `renamed` when given (and
/// free); returns whether it was there.
fn remove_at(table: &mut dyn TableLike, path: &[&str], renamed: Option<&str>) -> bool {
    match path {
        [] => false,
        [last] => match table.remove(last) {
            Some(value) => {
                if let Some(new) = renamed
                    && !table.contains_key(new)
                {
                    table.insert(new, value);
                }
                true
            }
            None => false,
        },
        [first, rest @ ..] => table
            .get_mut(first)
            .and_then(Item::as_table_like_mut)
            .is_some_and(|inner| remove_at(inner, rest, renamed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_mdbook_05_rejects_are_found_with_their_place() {
        let text = "[book]\ntitle = \"T\"\nmultilingual = false\n\n[vision]\nx = 1\n\n[output.html]\ncurly-quotes = true\nsite-url = \"/\"\n";
        let found = rejected_by_mdbook_05(text).unwrap_or_default();
        let keys: Vec<(&str, Option<&str>)> =
            found.iter().map(|r| (r.key.as_str(), r.span.clone().map(|s| &text[s]))).collect();
        assert_eq!(
            keys,
            [
                ("book.multilingual", Some("multilingual")),
                ("vision", Some("vision")),
                ("output.html.curly-quotes", Some("curly-quotes"))
            ]
        );
        assert_eq!(found[2].renamed, Some("smart-punctuation"));
    }

    #[test]
    fn applying_removes_and_renames_keeping_the_rest() {
        let text = "# my book\n[book]\ntitle = \"T\" # the title\nmultilingual = false\n\n[output.html]\ncurly-quotes = true\n";
        let mut document: DocumentMut = text.parse().unwrap_or_default();
        let rejected = rejected_by_mdbook_05(text).unwrap_or_default();
        assert!(apply(&mut document, &rejected));
        assert_eq!(
            document.to_string(),
            "# my book\n[book]\ntitle = \"T\" # the title\n\n[output.html]\nsmart-punctuation = true\n"
        );
    }
}
