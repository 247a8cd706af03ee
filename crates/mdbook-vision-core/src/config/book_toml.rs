//! Where a setting is written in book.toml, so that its findings point at the line.
//!
//! Settings are read from the config mdBook sends (see [`super::read`]); the file itself is
//! read only to place findings, and a book.toml that cannot be read or parsed just leaves
//! them naming the file.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::feature::tables;

/// Gives each finding about a setting ([`crate::diagnostics::Location::setting`]) the line of
/// book.toml, under `root`, where that setting is written.
pub fn place_settings(root: &Path, findings: &mut [Diagnostic]) {
    let unplaced =
        |d: &Diagnostic| d.location.as_ref().is_some_and(|l| l.setting.is_some() && l.span.is_none());
    if root.as_os_str().is_empty() || !findings.iter().any(unplaced) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(root.join("book.toml")) else { return };
    let Ok(document) = DeTable::parse(&text) else { return };
    let lines = LineIndex::new(&text);
    for finding in findings.iter_mut().filter(|d| unplaced(d)) {
        let Some(location) = &mut finding.location else { continue };
        let Some(path) = &location.setting else { continue };
        if let Some(range) = span_of(document.get_ref(), path) {
            let placed = lines.location("book.toml", &text, range);
            location.span = placed.span;
        }
    }
}

/// The span of the setting at `path` (`kinds.status-quo[0]`): in the last suite table that has
/// its first key, as deep as the path can be followed.
fn span_of(document: &DeTable<'_>, path: &str) -> Option<Range<usize>> {
    let segments = segments(path);
    let (first, rest) = segments.split_first()?;
    let preprocessors = match entry(document, "preprocessor")?.1.get_ref() {
        DeValue::Table(table) => table,
        _ => return None,
    };
    let (key_span, value) = tables()
        .filter_map(|name| match entry(preprocessors, name)?.1.get_ref() {
            DeValue::Table(table) => entry(table, first),
            _ => None,
        })
        .last()?;
    let mut span = key_span;
    let mut value = value;
    for segment in rest {
        let next = match (value.get_ref(), segment.parse::<usize>()) {
            (DeValue::Array(items), Ok(index)) => items.get(index).map(|item| (item.span(), item)),
            (DeValue::Table(table), _) => entry(table, segment),
            _ => None,
        };
        let Some((next_span, next_value)) = next else { break };
        span = next_span;
        value = next_value;
    }
    Some(span)
}

/// The key's span and the value of `key` in `table`.
fn entry<'t, 'i>(
    table: &'t DeTable<'i>,
    key: &str,
) -> Option<(Range<usize>, &'t toml::Spanned<DeValue<'i>>)> {
    table.iter().find(|(k, _)| k.get_ref() == key).map(|(k, v)| (k.span(), v))
}

/// `kinds.status-quo[0]` as `["kinds", "status-quo", "0"]`.
fn segments(path: &str) -> Vec<&str> {
    path.split(['.', '[', ']']).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK_TOML: &str = "[book]\ntitle = \"x\"\n\n[preprocessor.vision-stories]\nhow-to = \"a.md\"\n\n[preprocessor.vision]\nlink = 3\n\n[preprocessor.vision.kinds]\nstatus-quo = [\n  \"a/**\",\n  \"\",\n]\n";

    fn line_of(path: &str) -> Option<usize> {
        let document = DeTable::parse(BOOK_TOML).ok()?;
        let range = span_of(document.get_ref(), path)?;
        Some(BOOK_TOML[..range.start].matches('\n').count() + 1)
    }

    #[test]
    fn settings_are_found_in_any_suite_table_and_followed_into_arrays() {
        assert_eq!(line_of("how-to"), Some(5));
        assert_eq!(line_of("link"), Some(8));
        assert_eq!(line_of("kinds"), Some(10));
        assert_eq!(line_of("kinds.status-quo"), Some(11));
        assert_eq!(line_of("kinds.status-quo[1]"), Some(13));
        assert_eq!(line_of("kinds.status-quo[7]"), Some(11));
        assert_eq!(line_of("cast"), None);
    }
}
