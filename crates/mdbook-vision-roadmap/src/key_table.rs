//! The key tables a roadmap page explains its emoji with: tables whose first column holds a
//! single emoji in every row and whose second column says what it means
//! (`| ✅ | **Done:** shipped on stable |`). Without a configured legend, their rows are the
//! legend.
//!
//! A table headed by a status column (`| Status | Goal |`) has that shape too once its
//! statuses are emoji: it is a key table only when none of its emoji is a status of the legend
//! the book has without such tables (the configured one, else that of the key tables headed
//! otherwise, else the default one). So a key table headed `| State | Meaning |` explains its
//! own emoji, and a roadmap table whose words became emoji stays a roadmap table on the next
//! run.

use foldhash::{HashMap, HashMapExt};
use mdbook_vision_core::config::LegendEntry;
use mdbook_vision_core::markdown::{Document, Element, NodeKind, end_of};
use mdbook_vision_core::model::{Kind, PageId, VisionBook};

use crate::legend::{Legend, Source, same_emoji};
use crate::tables::{Cell, Table, tables};

/// The legend and the key tables of a book, decided together.
pub struct KeyTables {
    /// Each roadmap page's key tables, by their position among its [`tables`].
    by_page: HashMap<PageId, Vec<usize>>,
}

impl KeyTables {
    /// Whether the table at `position` among the [`tables`] of `page` is a key table.
    pub fn contains(&self, page: PageId, position: usize) -> bool {
        self.by_page.get(&page).is_some_and(|positions| positions.contains(&position))
    }
}

/// A table of a roadmap page with a key table's shape.
struct Candidate<'b> {
    page: PageId,
    position: usize,
    path: &'b str,
    entries: Vec<LegendEntry>,
    /// Whether its first column is a status column.
    status_headed: bool,
}

/// The book's legend (the `configured` one, else that of its key tables, else `default`)
/// and its key tables. `status_headers` are the headers of status columns, lowercase.
pub fn resolve(
    book: &VisionBook<'_>,
    configured: Option<Vec<LegendEntry>>,
    default: Vec<LegendEntry>,
    status_headers: &[String],
) -> (Legend, KeyTables) {
    let candidates = candidates(book, status_headers);
    let is_configured = configured.is_some();
    let without_status_headed = match configured {
        Some(entries) => Legend::new(entries, Source::Configured),
        None => legend_of(candidates.iter().filter(|c| !c.status_headed))
            .unwrap_or_else(|| Legend::new(default.clone(), Source::Default)),
    };
    let explains_own_emoji =
        |c: &Candidate<'_>| c.entries.iter().all(|e| without_status_headed.find(&e.emoji).is_none());
    let keys: Vec<&Candidate<'_>> =
        candidates.iter().filter(|c| !c.status_headed || explains_own_emoji(c)).collect();
    let legend = if is_configured {
        without_status_headed
    } else {
        legend_of(keys.iter().copied()).unwrap_or_else(|| Legend::new(default, Source::Default))
    };
    let mut by_page: HashMap<PageId, Vec<usize>> = HashMap::new();
    for key in keys {
        by_page.entry(key.page).or_default().push(key.position);
    }
    (legend, KeyTables { by_page })
}

/// The tables of the roadmap pages that have a key table's shape, in book order.
fn candidates<'b>(book: &'b VisionBook<'_>, status_headers: &[String]) -> Vec<Candidate<'b>> {
    let mut found = Vec::new();
    for page in book.page_ids().filter(|&id| book.page(id).kind == Some(Kind::ROADMAP)) {
        let doc = &book.page(page).doc;
        for (position, table) in tables(doc).iter().enumerate().filter(|(_, t)| has_key_shape(doc, t)) {
            let first_header = table.header.first().map(|cell| cell.text(doc).trim().to_lowercase());
            found.push(Candidate {
                page,
                position,
                path: &book.page(page).display_path,
                entries: entries(doc, table),
                status_headed: first_header.is_some_and(|header| status_headers.contains(&header)),
            });
        }
    }
    found
}

/// The legend of the statuses `tables` declare, the first row with an emoji winning, named
/// after the first table's page; `None` without tables.
fn legend_of<'c, 'b: 'c>(tables: impl Iterator<Item = &'c Candidate<'b>>) -> Option<Legend> {
    let mut found: Option<(&str, Vec<LegendEntry>)> = None;
    for table in tables {
        let (_, entries) = found.get_or_insert_with(|| (table.path, Vec::new()));
        for entry in &table.entries {
            if !entries.iter().any(|known| same_emoji(&known.emoji, &entry.emoji)) {
                entries.push(entry.clone());
            }
        }
    }
    found.map(|(path, entries)| Legend::new(entries, Source::KeyTable(path.to_owned())))
}

/// Whether `table` has a key table's shape: two rows or more, each with an emoji and what it
/// means.
fn has_key_shape(doc: &Document<'_>, table: &Table) -> bool {
    table.rows.len() >= 2
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

/// Whether `text` is one emoji: no letters, digits or ASCII, and a single symbol, with its
/// variation selector, skin tone, keycap or tags, or a sequence joined with U+200D (`🙋‍♀️`), or
/// a flag (two regional indicators). Not a row of symbols (`▰▰▱▱`, `✅✅`), nor the dashes,
/// quotes, bullets and ellipses of typography (`—`, `“`, `•`, `…`), which a table may well hold
/// in every row of its first column.
pub fn is_single_emoji(text: &str) -> bool {
    let mut symbols = 0;
    let mut joined = false;
    let mut regional_indicators = 0;
    for c in text.trim().chars() {
        if c.is_ascii() || c.is_alphanumeric() || c.is_whitespace() || is_typography(c) {
            return false;
        }
        if c == ZERO_WIDTH_JOINER {
            joined = true;
            continue;
        }
        let regional = ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
        let second_of_flag = regional && regional_indicators % 2 == 1;
        regional_indicators += usize::from(regional);
        if !is_modifier(c) && !second_of_flag && !std::mem::take(&mut joined) {
            symbols += 1;
        }
    }
    symbols == 1
}

/// Whether `c` modifies the emoji before it: a variation selector, a skin tone, the keycap or
/// a tag.
fn is_modifier(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{20E3}' | '\u{E0020}'..='\u{E007F}')
}

/// What joins the emoji of a sequence into one (`🙋` and `♀` into `🙋‍♀`).
const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Whether `c` is in Unicode's General Punctuation block (U+2000 to U+206F), the dashes,
/// quotes and ellipses smart punctuation makes among them, but not one of the two emoji there
/// (‼ and ⁉) nor the zero-width joiner of emoji sequences.
fn is_typography(c: char) -> bool {
    ('\u{2000}'..='\u{206F}').contains(&c) && !matches!(c, '\u{203C}' | '\u{2049}' | ZERO_WIDTH_JOINER)
}

#[cfg(test)]
mod tests {
    use mdbook_vision_core::markdown::Flavor;

    use super::*;

    #[test]
    fn a_key_table_names_its_statuses_by_their_bold_or_first_words() {
        let text = "| Emoji | Meaning |\n| --- | --- |\n| ✅ | **Done:** shipped on stable |\n| 🦀 | In progress: someone is on it |\n| 💤 | paused for now |\n| 🙋‍♀️ | wanted |\n";
        let doc = Document::parse(text, Flavor::default());
        let table = &tables(&doc)[0];
        assert!(has_key_shape(&doc, table));
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
    fn one_emoji_is_one_symbol_with_its_modifiers_and_never_typography() {
        for emoji in ["✅", "✏️", " 🙋‍♀️ ", "‼️", "⁉", "🏳️‍🌈", "★", "❌", "👍🏽", "🇫🇷", "👨‍👩‍👧‍👦"]
        {
            assert!(is_single_emoji(emoji), "{emoji}");
        }
        for not_emoji in ["—", "–", "…", "“”", "•", "†", "", "ok", "✅ done", "-", "é", "▰▰▱▱", "✅✅", "🇫🇷🇫"]
        {
            assert!(!is_single_emoji(not_emoji), "{not_emoji}");
        }
    }
}
