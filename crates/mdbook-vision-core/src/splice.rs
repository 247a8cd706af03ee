//! Splice editing: a chapter changes only in the byte ranges a feature replaces.
//!
//! Features never re-serialize a chapter. They record [`Edits`] against the original text,
//! and [`Spliced`] writes every other byte through untouched, so line endings, a BOM,
//! trailing spaces and escaping all survive.

use std::fmt;
use std::ops::Range;

use anyhow::{Result, bail};

/// One replacement of a byte range of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// The replaced bytes of the original text.
    pub range: Range<usize>,
    /// What takes their place.
    pub replacement: String,
}

/// The replacements to make in one chapter, against its original text.
#[derive(Debug, Default, Clone)]
pub struct Edits {
    splices: Vec<Splice>,
}

impl Edits {
    /// No replacements.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces `range` of the original text with `replacement`.
    pub fn replace(&mut self, range: Range<usize>, replacement: impl Into<String>) {
        self.splices.push(Splice { range, replacement: replacement.into() });
    }

    /// The replacements, in the order they were made.
    pub fn splices(&self) -> &[Splice] {
        &self.splices
    }

    /// Inserts `text` at byte `offset` of the original text.
    pub fn insert(&mut self, offset: usize, text: impl Into<String>) {
        self.replace(offset..offset, text);
    }

    /// The text with every replacement made, or `None` when there is nothing to replace.
    ///
    /// Fails as [`Edits::checked`] does.
    pub fn apply(self, original: &str) -> Result<Option<String>> {
        Ok(self.checked(original)?.map(|edits| edits.spliced(original).to_string()))
    }

    /// The replacements in offset order, checked against `original`, or `None` when there is
    /// nothing to replace: what [`Edits::spliced`] takes.
    ///
    /// Fails when two replacements overlap or a range does not fall on character boundaries
    /// of `original`: both are bugs in a feature, never something an author can cause.
    pub fn checked(mut self, original: &str) -> Result<Option<Edits>> {
        if self.splices.is_empty() {
            return Ok(None);
        }
        self.splices.sort_by_key(|s| (s.range.start, s.range.end));
        let mut copied_to = 0;
        for Splice { range, .. } in &self.splices {
            let Range { start, end } = *range;
            if start < copied_to || end < start || end > original.len() {
                bail!("overlapping or invalid edit at bytes {start}..{end}");
            }
            if !original.is_char_boundary(start) || !original.is_char_boundary(end) {
                bail!("edit at bytes {start}..{end} splits a character");
            }
            copied_to = end;
        }
        // Edits are kept until the answer is written.
        self.splices.shrink_to_fit();
        Ok(Some(self))
    }

    /// `original` with these replacements made, written out piece by piece: the edited text
    /// is never held whole. The edits must be [`Edits::checked`] against `original`.
    pub fn spliced<'e>(&'e self, original: &'e str) -> Spliced<'e> {
        Spliced { original, splices: &self.splices }
    }
}

/// A text with replacements made, as it is written ([`fmt::Display`], or a JSON string with
/// `serde`): the untouched pieces of the original between the replacements.
#[derive(Debug, Clone, Copy)]
pub struct Spliced<'e> {
    original: &'e str,
    splices: &'e [Splice],
}

impl<'e> Spliced<'e> {
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        let replaced: usize = self.splices.iter().map(|s| s.range.len()).sum();
        let replacements: usize = self.splices.iter().map(|s| s.replacement.len()).sum();
        self.original.len() - replaced + replacements
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text, in pieces: untouched stretches of the original and replacements, in order.
    pub fn pieces(&self) -> impl Iterator<Item = &'e str> + use<'e> {
        let (original, splices) = (self.original, self.splices);
        let mut copied_to = 0;
        splices
            .iter()
            .flat_map(move |splice| {
                let before = &original[copied_to..splice.range.start];
                copied_to = splice.range.end;
                [before, splice.replacement.as_str()]
            })
            .chain(std::iter::once_with(move || &original[splices.last().map_or(0, |s| s.range.end)..]))
    }
}

impl fmt::Display for Spliced<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces().try_for_each(|piece| f.write_str(piece))
    }
}

impl serde::Serialize for Spliced<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_bytes_stay_identical() {
        let original = "\u{feff}a  \r\nb | c\r\nd";
        let mut edits = Edits::new();
        edits.replace(original.find('b').unwrap()..original.find('b').unwrap() + 1, "B");
        assert_eq!(edits.apply(original).unwrap().unwrap(), "\u{feff}a  \r\nB | c\r\nd");
    }

    #[test]
    fn no_edits_means_no_new_text() {
        assert_eq!(Edits::new().apply("x").unwrap(), None);
    }

    #[test]
    fn edits_apply_in_offset_order_whatever_order_they_were_made() {
        let mut edits = Edits::new();
        edits.replace(4..5, "E");
        edits.insert(0, ">");
        edits.replace(1..2, "B");
        assert_eq!(edits.apply("abcde").unwrap().unwrap(), ">aBcdE");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let mut edits = Edits::new();
        edits.replace(0..3, "x");
        edits.replace(2..4, "y");
        assert!(edits.apply("abcdef").is_err());
    }

    #[test]
    fn edits_splitting_a_character_are_refused() {
        let mut edits = Edits::new();
        edits.replace(0..1, "x");
        assert!(edits.apply("é").is_err());
    }

    #[test]
    fn a_spliced_text_is_the_same_json_string_as_the_edited_text() {
        let original = "a \"quoted\"\tline\r\n\u{1}é\\";
        let mut edits = Edits::new();
        edits.replace(2..10, "\u{7f}\n\"new\"");
        edits.insert(original.len(), "\u{1f}");
        let edits = edits.checked(original).unwrap().unwrap();
        let edited = edits.spliced(original).to_string();
        assert_eq!(edits.spliced(original).len(), edited.len());
        assert_eq!(
            serde_json::to_string(&edits.spliced(original)).unwrap(),
            serde_json::to_string(&edited).unwrap()
        );
    }
}
