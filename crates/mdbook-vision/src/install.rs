//! `mdbook-vision install [BOOK]`: `[preprocessor.vision]` added to book.toml, keeping its
//! comments and formatting; running it again changes nothing.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};
use mdbook_vision_core::feature::{COMBINED, FeatureId};
use toml_edit::{DocumentMut, Item, Table};

/// The top-level tables mdBook 0.5 accepts in book.toml; it rejects any other.
const MDBOOK_05_TABLES: &[&str] = &["book", "build", "preprocessor", "output", "rust"];

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// Whether book.toml changed.
    pub changed: bool,
    /// Things the author should know: keys mdBook would reject, tables that run twice.
    pub warnings: Vec<String>,
}

/// Adds `[preprocessor.vision]` to the book.toml of the book in `root`, unless it is there.
pub fn install(root: &Path) -> Result<Installed> {
    let path = root.join("book.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let (updated, warnings) = add_table(&text, installed_mdbook_is_05())?;
    let changed = updated != text;
    if changed {
        fs::write(&path, updated).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Installed { changed, warnings })
}

/// `text` with `[preprocessor.vision]` added, and the warnings about it.
pub fn add_table(text: &str, mdbook_05: bool) -> Result<(String, Vec<String>)> {
    let mut document: DocumentMut = text.parse().context("book.toml is not valid TOML")?;
    let mut warnings = Vec::new();
    if mdbook_05 {
        for (key, _) in document.iter() {
            if !MDBOOK_05_TABLES.contains(&key) {
                warnings.push(format!("mdBook 0.5 rejects the top-level table `[{key}]` in book.toml"));
            }
        }
        if document.get("book").and_then(|b| b.get("multilingual")).is_some() {
            warnings.push("mdBook 0.5 rejects `book.multilingual`; remove it".to_owned());
        }
        if document.get("output").and_then(|o| o.get("html")).and_then(|h| h.get("curly-quotes")).is_some() {
            warnings
                .push("mdBook 0.5 rejects `output.html.curly-quotes`; use `smart-punctuation`".to_owned());
        }
    }
    let preprocessors = document.entry("preprocessor").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    let Some(preprocessors) = preprocessors.as_table_like_mut() else {
        anyhow::bail!("`preprocessor` in book.toml is not a table");
    };
    let standalone_tables = FeatureId::ALL.iter().map(|f| f.preprocessor());
    for standalone in standalone_tables.filter(|name| preprocessors.contains_key(name)) {
        warnings.push(format!(
            "[preprocessor.{standalone}] is there too: it would run a second time; remove it, its settings can move to [preprocessor.vision]"
        ));
    }
    if !preprocessors.contains_key(COMBINED) {
        preprocessors.insert(COMBINED, Item::Table(Table::new()));
    }
    Ok((document.to_string(), warnings))
}

/// Whether the `mdbook` on PATH is 0.5 or later (assumed when there is none).
fn installed_mdbook_is_05() -> bool {
    let output = Command::new("mdbook").arg("--version").output();
    let version = output.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    !version.contains("v0.4.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_added_once_keeping_comments() {
        let text = "# My book\n[book]\ntitle = \"T\" # the title\n\n[output.html] # html\n";
        let (once, warnings) = add_table(text, true).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            once.starts_with("# My book\n[book]\ntitle = \"T\" # the title\n\n[output.html] # html\n"),
            "{once}"
        );
        assert!(once.contains("[preprocessor.vision]"), "{once}");
        assert_eq!(add_table(&once, true).unwrap().0, once);
    }

    #[test]
    fn keys_mdbook_rejects_and_double_runs_are_warned_about() {
        let text = "[vision]\nx = 1\n[book]\nmultilingual = false\n[preprocessor.vision-faq]\n";
        let (_, warnings) = add_table(text, true).unwrap();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(add_table("[vision]\n", false).unwrap().1.is_empty());
    }
}
