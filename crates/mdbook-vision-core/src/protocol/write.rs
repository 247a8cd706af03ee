//! Writing the answer: the book as it was read, every value but contents copied from the
//! request as sent, each chapter's content (spliced, if it was edited) escaped as it is
//! written.

use std::io::{self, Write};

use super::read::{Book, BookField, Chapter, ChapterField, Item, ItemField, Span};
use crate::splice::Edits;

/// What the book is written from.
pub(super) struct Answer<'r> {
    /// The request's text.
    pub input: &'r str,
    /// Each chapter's edits, by its place among the entries (`None`: as sent).
    pub edits: Vec<Option<&'r Edits>>,
    /// Where each chapter's content, unescaped, is in `input`, by its place among the
    /// entries.
    pub contents: &'r [Span],
}

impl Answer<'_> {
    /// Writes `book` as JSON to `out`.
    pub(super) fn write_book(&self, book: &Book, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"{")?;
        for (index, (key, field)) in book.fields.iter().enumerate() {
            write_key(out, index, key)?;
            match field {
                BookField::Raw(span) => out.write_all(self.input[span.clone()].as_bytes())?,
                BookField::Items(items) => self.write_items(items, out)?,
            }
        }
        out.write_all(b"}")
    }

    fn write_items(&self, items: &[Item], out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"[")?;
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.write_all(b",")?;
            }
            match item {
                Item::Name(name) => serde_json::to_writer(&mut *out, name)?,
                Item::Object(fields) => {
                    out.write_all(b"{")?;
                    for (index, (key, field)) in fields.iter().enumerate() {
                        write_key(out, index, key)?;
                        match field {
                            ItemField::Raw(span) => out.write_all(self.input[span.clone()].as_bytes())?,
                            ItemField::Chapter(chapter) => self.write_chapter(chapter, out)?,
                        }
                    }
                    out.write_all(b"}")?;
                }
            }
        }
        out.write_all(b"]")
    }

    fn write_chapter(&self, chapter: &Chapter, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"{")?;
        for (index, (key, field)) in chapter.fields.iter().enumerate() {
            write_key(out, index, key)?;
            match field {
                ChapterField::Content => {
                    let span = self.contents.get(chapter.entry).cloned().unwrap_or_default();
                    let content = self.input.get(span).unwrap_or_default();
                    match self.edits.get(chapter.entry).copied().flatten() {
                        Some(edits) => serde_json::to_writer(&mut *out, &edits.spliced(content))?,
                        None => serde_json::to_writer(&mut *out, content)?,
                    }
                }
                ChapterField::Raw(span) => out.write_all(self.input[span.clone()].as_bytes())?,
                ChapterField::SubItems(items) => self.write_items(items, out)?,
            }
        }
        out.write_all(b"}")
    }
}

/// Writes `"key":`, after a comma unless it is the object's first (`index` 0).
fn write_key(out: &mut impl Write, index: usize, key: &str) -> io::Result<()> {
    if index > 0 {
        out.write_all(b",")?;
    }
    serde_json::to_writer(&mut *out, key)?;
    out.write_all(b":")
}
