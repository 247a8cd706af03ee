//! Splice editing: a chapter changes only in the byte ranges a feature replaces.
//!
//! Features never re-serialize a chapter. They record [`Edits`] against the original text,
//! and [`Edits::apply`] copies every other byte through untouched, so line endings, a BOM,
//! trailing spaces and escaping all survive.

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
    /// Fails when two replacements overlap or a range does not fall on character boundaries
    /// of `original`: both are bugs in a feature, never something an author can cause.
    pub fn apply(&self, original: &str) -> Result<Option<String>> {
        if self.splices.is_empty() {
            return Ok(None);
        }
        let mut splices: Vec<&Splice> = self.splices.iter().collect();
        splices.sort_by_key(|s| (s.range.start, s.range.end));
        let removed: usize = splices.iter().map(|s| s.range.len()).sum();
        let added: usize = splices.iter().map(|s| s.replacement.len()).sum();
        let mut out = String::with_capacity((original.len() + added).saturating_sub(removed));
        let mut copied_to = 0;
        for splice in splices {
            let Range { start, end } = splice.range;
            if start < copied_to || end < start || end > original.len() {
                bail!("overlapping or invalid edit at bytes {start}..{end}");
            }
            if !original.is_char_boundary(start) || !original.is_char_boundary(end) {
                bail!("edit at bytes {start}..{end} splits a character");
            }
            out.push_str(&original[copied_to..start]);
            out.push_str(&splice.replacement);
            copied_to = end;
        }
        out.push_str(&original[copied_to..]);
        Ok(Some(out))
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
}
