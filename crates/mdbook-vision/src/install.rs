//! `mdbook-vision install [BOOK] [--fix]`: `[preprocessor.vision]` added to book.toml, and what
//! mdBook 0.5 would refuse in it listed (with `--fix`, fixed): keys it rejects, and
//! preprocessors whose command is not installed, which 0.5 fails the build on unless they are
//! `optional`. Comments, formatting, line endings and a byte order mark are kept; running it
//! again changes nothing.

use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};
use mdbook_vision_core::feature::{COMBINED, FeatureId, tables};
use toml_edit::{DocumentMut, Item, Table, value};

use crate::compat;
use crate::files::write_whole;
use crate::load::is_installed;

/// mdBook's own preprocessors, which need no command.
const BUILT_IN: &[&str] = &["links", "index"];

/// What to do with a book.toml that runs the suite's standalone preprocessors already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standalone {
    /// Add `[preprocessor.vision]` anyway, and report that they would run twice (`install`,
    /// asked for the combined preprocessor).
    AddCombined,
    /// Keep them, and add nothing (`migrate`, for a book already on the suite).
    KeepThem,
}

/// What `install` did, or found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Installed {
    /// Whether `[preprocessor.vision]` was added.
    pub added: bool,
    /// Whether book.toml changed.
    pub changed: bool,
    /// What mdBook would refuse: fixed with `--fix`, else only listed.
    pub problems: Vec<String>,
    /// What `--fix` leaves to the author: standalone suite tables that would run a second time
    /// (their settings may have to move first).
    pub left: Vec<String>,
    /// Whether `--fix` would change something more.
    pub fixable: bool,
    /// How many things `--fix` fixed.
    pub fixed: usize,
}

/// Adds `[preprocessor.vision]` to the book.toml of the book in `root`, unless it is there; with
/// `fix`, also fixes what mdBook 0.5 would refuse.
pub fn install(root: &Path, fix: bool) -> Result<Installed> {
    let path = root.join("book.toml");
    let raw = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let (updated, installed) = edit_file(&raw, fix, Standalone::AddCombined, &is_installed)?;
    if installed.changed {
        write_whole(&path, &updated).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(installed)
}

/// [`edit`] of the whole file `raw`, keeping its byte order mark and line endings.
pub fn edit_file(
    raw: &str,
    fix: bool,
    standalone: Standalone,
    installed: &dyn Fn(&str) -> bool,
) -> Result<(String, Installed)> {
    let bom = raw.starts_with('\u{feff}');
    let text = raw.trim_start_matches('\u{feff}');
    let crlf = text.contains("\r\n");
    let (updated, found) = edit(text, fix, standalone, installed)?;
    if !found.changed {
        return Ok((raw.to_owned(), found));
    }
    let mut out = if crlf { updated.replace("\r\n", "\n").replace('\n', "\r\n") } else { updated };
    if bom {
        out.insert(0, '\u{feff}');
    }
    Ok((out, found))
}

/// `text` (a book.toml) with `[preprocessor.vision]` added (unless `standalone` keeps the
/// standalone tables it has) and, with `fix`, what mdBook 0.5 refuses fixed; `installed` says
/// whether a command is installed.
pub fn edit(
    text: &str,
    fix: bool,
    standalone: Standalone,
    installed: &dyn Fn(&str) -> bool,
) -> Result<(String, Installed)> {
    let rejected = compat::rejected_by_mdbook_05(text).context("book.toml is not valid TOML")?;
    let mut document: DocumentMut = text.parse().context("book.toml is not valid TOML")?;
    let mut problems: Vec<String> = rejected
        .iter()
        // `install` itself is the command that fixes them: its own name is left out.
        .map(|key| format!("mdBook 0.5 rejects `{}` in book.toml: {}", key.key, key.action()))
        .collect();
    let mut fixable = !rejected.is_empty();
    let mut fixed = 0;
    if fix {
        compat::apply(&mut document, &rejected);
        fixed += rejected.len();
    }
    let preprocessors = document.entry("preprocessor").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    let Some(preprocessors) = preprocessors.as_table_like_mut() else {
        anyhow::bail!("`preprocessor` in book.toml is not a table");
    };
    let standalone_tables: Vec<&str> = FeatureId::ALL
        .iter()
        .map(|f| f.preprocessor())
        .filter(|name| preprocessors.contains_key(name))
        .collect();
    // Kept alone, they run once; beside `[preprocessor.vision]`, twice.
    let keep = standalone == Standalone::KeepThem
        && !standalone_tables.is_empty()
        && !preprocessors.contains_key(COMBINED);
    let mut left = Vec::new();
    for table in standalone_tables.iter().filter(|_| !keep) {
        left.push(format!(
            "[preprocessor.{table}] is there too: it would run a second time; remove it, its settings can move to [preprocessor.vision]"
        ));
    }
    for name in missing_commands(preprocessors, installed) {
        fixable = true;
        problems.push(format!(
            "the command of [preprocessor.{name}] is not installed: mdBook 0.5 fails the build; `optional = true` lets it build without it"
        ));
        if fix && let Some(table) = preprocessors.get_mut(&name).and_then(Item::as_table_like_mut) {
            table.insert("optional", value(true));
            fixed += 1;
        }
    }
    let added = !keep && !preprocessors.contains_key(COMBINED);
    if added {
        preprocessors.insert(COMBINED, Item::Table(Table::new()));
    }
    let updated = document.to_string();
    let changed = updated != text;
    Ok((updated, Installed { added, changed, problems, left, fixable: fixable && !fix, fixed }))
}

/// The preprocessor tables (not the suite's, not mdBook's own, not optional ones) whose
/// command is not installed.
fn missing_commands(
    preprocessors: &dyn toml_edit::TableLike,
    installed: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let suite: Vec<&str> = tables().collect();
    preprocessors
        .iter()
        .filter(|(name, _)| !suite.contains(name) && !BUILT_IN.contains(name))
        .filter_map(|(name, item)| {
            let table = item.as_table_like()?;
            let optional = table.get("optional").and_then(Item::as_bool).unwrap_or(false);
            let command = table
                .get("command")
                .and_then(Item::as_str)
                .and_then(|c| c.split_whitespace().next())
                .map_or_else(|| format!("mdbook-{name}"), str::to_owned);
            (!optional && !installed(&command)).then(|| name.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing_installed(_: &str) -> bool {
        false
    }

    #[test]
    fn the_table_is_added_once_keeping_comments() {
        let text = "# My book\n[book]\ntitle = \"T\" # the title\n\n[output.html] # html\n";
        let (once, installed) =
            edit(text, false, Standalone::AddCombined, &nothing_installed).unwrap_or_default();
        assert!(installed.problems.is_empty(), "{:?}", installed.problems);
        assert!(installed.added && installed.changed);
        assert!(
            once.starts_with("# My book\n[book]\ntitle = \"T\" # the title\n\n[output.html] # html\n"),
            "{once}"
        );
        assert!(once.contains("[preprocessor.vision]"), "{once}");
        let (twice, again) =
            edit(&once, false, Standalone::AddCombined, &nothing_installed).unwrap_or_default();
        assert_eq!(twice, once);
        assert!(!again.changed);
    }

    #[test]
    fn what_mdbook_05_refuses_is_listed_and_fixed_with_fix() {
        let text = "[book]\nmultilingual = false # an old key\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n\n[preprocessor.vision-faq]\n\n[output.html]\ncurly-quotes = true\n";
        let (listed, found) =
            edit(text, false, Standalone::AddCombined, &nothing_installed).unwrap_or_default();
        assert_eq!(found.problems.len(), 3, "{:?}", found.problems);
        assert_eq!(
            found.left.len(),
            1,
            "the table that would run twice is the author's to remove: {:?}",
            found.left
        );
        assert!(found.fixable);
        assert!(listed.contains("multilingual"));
        let (fixed, done) = edit(text, true, Standalone::AddCombined, &nothing_installed).unwrap_or_default();
        assert!(!done.fixable);
        assert_eq!(
            fixed,
            "[book]\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\noptional = true\n\n[preprocessor.vision-faq]\n\n[preprocessor.vision]\n\n[output.html]\nsmart-punctuation = true\n"
        );
    }
}
