//! The key table a roadmap page explains its emoji with: a table whose first column holds a
//! single emoji in every row and whose second column says what it means
//! (`| ✅ | **Done:** shipped on stable |`). Without a configured legend, its rows are the
//! legend.

use mdbook_vision_core::config::LegendEntry;
use mdbook_vision_core::markdown::{Document, Element, NodeKind, end_of};

use crate::tables::{Cell, Table};

/// Whether `table` is a key table. A table whose first column is a status column (its header
/// one of `status_headers`, lowercase) is a roadmap table: once its statuses are emoji, every
/// row starts with one, and the next run would read it as a key table.
pub fn is_key_table(doc: &Document<'_>, table: &Table, status_headers: &[String]) -> bool {
    let first_header = table.header.first().map(|cell| cell.text(doc).trim().to_lowercase());
    !first_header.is_some_and(|header| status_headers.contains(&header))
        && table.rows.len() >= 2
        && table.rows.iter().all(|row| {
            row.len() >= 2 && is_single_emoji(&row[0].text(doc)) && !row[1].text(doc).trim().is_empty()
        })
}

/// The statuses a key table declares, in order.
pub fn entries(doc: &Document<'_>, table: &Table) -> Vec<LegendEntry> {
    table.rows.iter().map(|row| entry(doc, &row[0], &row[1])).collect()
}

fn entry(doc: &Document<'_>, emoji: &Cell, meaning: &Cell) -> LegendEntry {
    let (label, rest) = label_and_rest(doc, meaning);
    LegendEntry {
        key: label.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join("-"),
        emoji: emoji.text(doc).trim().to_owned(),
        label: Some(label),
        meaning: rest,
    }
}

/// The status name of a meaning, and the rest of it: its leading bold text, else the words
/// before a colon (when they are few), else its first word.
fn label_and_rest(doc: &Document<'_>, meaning: &Cell) -> (String, String) {
    let text = meaning.text(doc);
    let nodes = &doc.nodes.all()[meaning.nodes()];
    let trim_label = |label: &str| label.trim().trim_end_matches([':', '.', '—', '-']).trim().to_owned();
    let trim_rest = |rest: &str| rest.trim().trim_start_matches([':', '—', '-', '–']).trim().to_owned();
    if nodes.first().is_some_and(|n| n.kind == NodeKind::Start(Element::Strong)) {
        let bold = doc.plain_text(&nodes[1..end_of(nodes, 0)]);
        let rest = text.strip_prefix(bold.as_str()).unwrap_or_default();
        return (trim_label(&bold), trim_rest(rest));
    }
    if let Some((before, after)) = text.split_once(':')
        && before.split_whitespace().count() <= 3
    {
        return (trim_label(before), trim_rest(after));
    }
    let mut words = text.trim().splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or_default();
    (trim_label(first), trim_rest(words.next().unwrap_or_default()))
}

/// Whether `text` is one emoji: no letters, digits or ASCII, a few code points at most (an
/// emoji with its variation selector, or a sequence joined with U+200D), and none of the
/// dashes, quotes, bullets and ellipses of typography (`—`, `“`, `•`, `…`), which a table
/// may well hold in every row of its first column.
pub fn is_single_emoji(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.chars().count() <= 8
        && text
            .chars()
            .all(|c| !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !is_typography(c))
}

/// Whether `c` is in Unicode's General Punctuation block (U+2000 to U+206F), the dashes,
/// quotes and ellipses smart punctuation makes among them, but not one of the two emoji there
/// (‼ and ⁉) nor the zero-width joiner of emoji sequences.
fn is_typography(c: char) -> bool {
    ('\u{2000}'..='\u{206F}').contains(&c) && !matches!(c, '\u{203C}' | '\u{2049}' | '\u{200D}')
}

#[cfg(test)]
mod tests {
    use mdbook_vision_core::markdown::Flavor;

    use super::*;
    use crate::tables::tables;

    #[test]
    fn a_key_table_names_its_statuses_by_their_bold_or_first_words() {
        let text = "| Emoji | Meaning |\n| --- | --- |\n| ✅ | **Done:** shipped on stable |\n| 🦀 | In progress: someone is on it |\n| 💤 | paused for now |\n| 🙋‍♀️ | wanted |\n";
        let doc = Document::parse(text, Flavor::default());
        let table = &tables(&doc)[0];
        assert!(is_key_table(&doc, table, &["status".to_owned()]));
        let found: Vec<(String, String, String, String)> = entries(&doc, table)
            .into_iter()
            .map(|e| (e.key, e.emoji, e.label.unwrap_or_default(), e.meaning))
            .collect();
        let expected = [
            ("done", "✅", "Done", "shipped on stable"),
            ("in-progress", "🦀", "In progress", "someone is on it"),
            ("paused", "💤", "paused", "for now"),
            ("wanted", "🙋‍♀️", "wanted", ""),
        ];
        let expected: Vec<(String, String, String, String)> = expected
            .iter()
            .map(|(a, b, c, d)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned(), (*d).to_owned()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_status_table_is_not_a_key_table() {
        let status = ["status".to_owned()];
        let doc =
            Document::parse("| Plan | Status |\n| --- | --- |\n| a | 🥬 |\n| b | ✏️ |\n", Flavor::default());
        assert!(!is_key_table(&doc, &tables(&doc)[0], &status));
        // Statuses first: every row starts with an emoji, yet it is no key table.
        let doc =
            Document::parse("| Status | Plan |\n| --- | --- |\n| 🥬 | a |\n| ✏️ | b |\n", Flavor::default());
        assert!(!is_key_table(&doc, &tables(&doc)[0], &status));
    }

    #[test]
    fn an_emoji_is_not_typography() {
        for emoji in ["✅", "✏️", " 🙋‍♀️ ", "‼️", "⁉", "🏳️‍🌈", "★", "❌"] {
            assert!(is_single_emoji(emoji), "{emoji}");
        }
        for not_emoji in ["—", "–", "…", "“”", "•", "†", "", "ok", "✅ done", "-", "é"] {
            assert!(!is_single_emoji(not_emoji), "{not_emoji}");
        }
    }
}
