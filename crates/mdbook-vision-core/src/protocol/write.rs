//! Writing the answer: the book as it was read, every value but contents copied from the
//! request as sent, and each chapter's content (spliced, if it was edited) escaped again.
//!
//! Escaping the contents is most of the work: it is done ahead of the writing, by jobs on the
//! thread pool that each escape a batch of chapters, while this thread writes what is ready.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, channel};

use super::read::{Book, BookField, Chapter, ChapterField, Item, ItemField, Key, Span};
use crate::splice::Edits;

/// How many chapters' contents are escaped together, by one job on the thread pool. Up to
/// [`Escaped::AHEAD`] batches are held at once: 32 keeps that to a few hundred KiB.
const BATCH: usize = 32;

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
        let (sender, receiver) = channel();
        rayon::in_place_scope_fifo(|scope| {
            let escape = |batch: usize| {
                let sender = sender.clone();
                scope.spawn_fifo(move |_| {
                    let _ = sender.send((batch, self.escaped_batch(batch)));
                });
            };
            let mut contents = Escaped::new(receiver, self.contents.len(), escape);
            self.write_fields(book, &mut contents, out)
        })
    }

    /// The contents of batch `batch` of chapters, each escaped as a JSON string.
    fn escaped_batch(&self, batch: usize) -> Vec<Option<Vec<u8>>> {
        let entries = batch * BATCH..((batch + 1) * BATCH).min(self.contents.len());
        entries.map(|entry| Some(self.escaped_content(entry))).collect()
    }

    /// The content of chapter `entry`, edited, as a JSON string.
    fn escaped_content(&self, entry: usize) -> Vec<u8> {
        let span = self.contents.get(entry).cloned().unwrap_or_default();
        let content = self.input.get(span).unwrap_or_default();
        let spliced = self.edits.get(entry).copied().flatten().map(|edits| edits.spliced(content));
        let len = spliced.map_or(content.len(), |spliced| spliced.len());
        // Room for a few escapes.
        let mut json = Vec::with_capacity(len + len / 16 + 2);
        json.push(b'"');
        match spliced {
            Some(spliced) => spliced.pieces().for_each(|piece| push_escaped(&mut json, piece)),
            None => push_escaped(&mut json, content),
        }
        json.push(b'"');
        json
    }

    fn write_fields<W: Write>(&self, book: &Book, contents: &mut Escaped<'_>, out: &mut W) -> io::Result<()> {
        write_object(out, &book.fields, |field, out| match field {
            BookField::Raw(span) => self.write_raw(span, out),
            BookField::Items(items) => self.write_items(items, contents, out),
        })
    }

    fn write_items<W: Write>(
        &self,
        items: &[Item],
        contents: &mut Escaped<'_>,
        out: &mut W,
    ) -> io::Result<()> {
        out.write_all(b"[")?;
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.write_all(b",")?;
            }
            match item {
                Item::Name(name) => serde_json::to_writer(&mut *out, name)?,
                Item::Object(fields) => write_object(out, fields, |field, out| match field {
                    ItemField::Raw(span) => self.write_raw(span, out),
                    ItemField::Chapter(chapter) => self.write_chapter(chapter, contents, out),
                })?,
            }
        }
        out.write_all(b"]")
    }

    fn write_chapter<W: Write>(
        &self,
        chapter: &Chapter,
        contents: &mut Escaped<'_>,
        out: &mut W,
    ) -> io::Result<()> {
        write_object(out, &chapter.fields, |field, out| match field {
            ChapterField::Content => out.write_all(&contents.take(chapter.entry)?),
            ChapterField::Raw(span) => self.write_raw(span, out),
            ChapterField::SubItems(items) => self.write_items(items, contents, out),
        })
    }

    /// Writes a value as it was sent: `span` of the request.
    fn write_raw(&self, span: &Span, out: &mut impl Write) -> io::Result<()> {
        out.write_all(self.input.get(span.clone()).unwrap_or_default().as_bytes())
    }
}

/// Writes an object of `fields`, each key as JSON and its value by `write_value`.
fn write_object<W: Write, F>(
    out: &mut W,
    fields: &[(Key, F)],
    mut write_value: impl FnMut(&F, &mut W) -> io::Result<()>,
) -> io::Result<()> {
    out.write_all(b"{")?;
    for (index, (key, value)) in fields.iter().enumerate() {
        if index > 0 {
            out.write_all(b",")?;
        }
        match key {
            // mdBook's keys need no escape.
            Key::Borrowed(known) => {
                out.write_all(b"\"")?;
                out.write_all(known.as_bytes())?;
                out.write_all(b"\"")?;
            }
            Key::Owned(other) => serde_json::to_writer(&mut *out, other)?,
        }
        out.write_all(b":")?;
        write_value(value, out)?;
    }
    out.write_all(b"}")
}

/// Appends `text` to `json` escaped as the inside of a JSON string, exactly as serde_json
/// escapes it: `"`, `\\` and control characters, with the short escapes where JSON has
/// them. Contents are most of the answer and seldom need an escape: eight bytes are looked
/// at together while none does.
fn push_escaped(json: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let (mut copied_to, mut at) = (0, 0);
    while at < bytes.len() {
        if let Some(eight) = bytes.get(at..at + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            match needing_escape(u64::from_le_bytes(eight)) {
                0 => {
                    at += 8;
                    continue;
                }
                // Straight to the first byte that needs one.
                lanes => at += lanes.trailing_zeros() as usize / 8,
            }
        }
        let byte = bytes[at];
        at += 1;
        let short = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0x00..=0x1f => b'u',
            _ => continue,
        };
        json.extend_from_slice(&bytes[copied_to..at - 1]);
        json.extend_from_slice(&[b'\\', short]);
        if short == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            json.extend_from_slice(&[b'0', b'0', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]]);
        }
        copied_to = at;
    }
    json.extend_from_slice(&bytes[copied_to..]);
}

/// The eight bytes of `word` (the first in the lowest bits) that are a control character, `"`
/// or `\\`, each marked by the high bit of its lane; 0 when none is. The lowest mark is
/// always right; a mark above one may be wrong, as a borrow runs on from a marked lane.
fn needing_escape(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS;
    let zero = |x: u64| below(x, 1);
    below(word, 0x20) | zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\')))
}

/// The escaped contents, as they come: a few batches are escaped ahead of the writing, so
/// that memory does not grow with the book.
struct Escaped<'s> {
    receiver: Receiver<(usize, Vec<Option<Vec<u8>>>)>,
    /// Each batch's contents, once escaped (`None`: not yet; a content taken is `None`).
    batches: Vec<Option<Vec<Option<Vec<u8>>>>>,
    /// How many contents of each batch are not yet taken.
    left: Vec<usize>,
    /// Starts escaping a batch.
    escape: Box<dyn FnMut(usize) + 's>,
    /// How many batches have been started.
    started: usize,
}

impl<'s> Escaped<'s> {
    /// How many batches are escaped ahead of the one being written: one for each of the two
    /// cores of a CI runner, and one waiting.
    const AHEAD: usize = 3;

    fn new(
        receiver: Receiver<(usize, Vec<Option<Vec<u8>>>)>,
        entries: usize,
        escape: impl FnMut(usize) + 's,
    ) -> Self {
        let count = entries.div_ceil(BATCH);
        let left = (0..count).map(|batch| BATCH.min(entries - batch * BATCH)).collect();
        let escape = Box::new(escape);
        let mut escaped = Escaped { receiver, batches: vec![None; count], left, escape, started: 0 };
        escaped.start_until(Self::AHEAD.min(count));
        escaped
    }

    /// Starts escaping every batch before batch `batches` that is not started yet.
    fn start_until(&mut self, batches: usize) {
        while self.started < batches {
            (self.escape)(self.started);
            self.started += 1;
        }
    }

    /// The escaped content of chapter `entry`. Contents are mostly taken in the order of the
    /// chapters; a chapter's content that comes after its sub-items is taken after theirs.
    fn take(&mut self, entry: usize) -> io::Result<Vec<u8>> {
        let batch = entry / BATCH;
        if batch >= self.batches.len() {
            return Err(io::Error::other("a content was not escaped"));
        }
        self.start_until(batch + 1);
        while self.batches[batch].is_none() {
            let (arrived, contents) =
                self.receiver.recv().map_err(|_| io::Error::other("a content was not escaped"))?;
            self.batches[arrived] = Some(contents);
        }
        let content =
            self.batches[batch].as_mut().and_then(|contents| contents.get_mut(entry % BATCH)?.take());
        let content = content.ok_or_else(|| io::Error::other("a content was written twice"))?;
        self.left[batch] -= 1;
        if self.left[batch] == 0 {
            // Frees the batch, and starts the next one.
            self.batches[batch] = Some(Vec::new());
            let next = (self.started + 1).min(self.batches.len());
            self.start_until(next);
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut json = Vec::new();
        push_escaped(&mut json, text);
        String::from_utf8(json).unwrap_or_default()
    }

    fn serde_escaped(text: &str) -> String {
        let quoted = serde_json::to_string(text).unwrap_or_default();
        quoted[1..quoted.len() - 1].to_owned()
    }

    #[test]
    fn every_character_is_escaped_as_serde_json_escapes_it_at_every_place_in_a_word() {
        let characters = (0..=0x7fu32).chain([0x80, 0xe9, 0x2028, 0x1f600]).filter_map(char::from_u32);
        for character in characters {
            for before in 0..17 {
                let text = format!("{}{character}{}", "a".repeat(before), "é".repeat(before % 3));
                assert_eq!(escaped(&text), serde_escaped(&text), "{character:?} after {before}");
            }
        }
        let chapter = "# A \"quoted\" title\r\n\n\tTabbed \\ back\u{1}slash\u{7f}\n".repeat(40);
        assert_eq!(escaped(&chapter), serde_escaped(&chapter));
    }
}
