//! Reading a request in one pass over its JSON: the context becomes a JSON value, the book's
//! items a tree of chapters, and every other value of the book (each chapter's content among
//! them) stays the text it was sent as, noted by its place in the request. Contents are
//! unescaped afterwards, chapter by chapter, in parallel.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::Dialect;

/// A range of the request's text.
pub(super) type Span = Range<usize>;

/// A key of an object of the book. The keys mdBook writes are borrowed, not copied, and need
/// no escape; any other is owned.
pub(super) type Key = Cow<'static, str>;

/// The book as sent, in order: what is written back.
#[derive(Debug, Clone, Default)]
pub(super) struct Book {
    pub fields: Vec<(Key, BookField)>,
}

/// A field of the book: its items, or a value kept as sent.
#[derive(Debug, Clone)]
pub(super) enum BookField {
    Raw(Span),
    Items(Vec<Item>),
}

/// An item of the book: an object (`{"Chapter": {...}}`, `{"PartTitle": "..."}`) or a string
/// (`"Separator"`).
#[derive(Debug, Clone)]
pub(super) enum Item {
    Object(Vec<(Key, ItemField)>),
    Name(String),
}

/// A field of an item: a chapter, or a value kept as sent.
#[derive(Debug, Clone)]
pub(super) enum ItemField {
    Raw(Span),
    Chapter(Chapter),
}

/// A chapter as sent: its fields in order.
#[derive(Debug, Clone)]
pub(super) struct Chapter {
    /// Its place among [`Parsed::entries`].
    pub entry: usize,
    pub fields: Vec<(Key, ChapterField)>,
}

/// A field of a chapter: its content, its sub-items, or a value kept as sent.
#[derive(Debug, Clone)]
pub(super) enum ChapterField {
    Raw(Span),
    /// The chapter's content: see [`Entry::content`].
    Content,
    SubItems(Vec<Item>),
}

/// What the suite reads of a chapter.
#[derive(Debug, Clone, Default)]
pub(super) struct Entry {
    pub name: Option<String>,
    /// Its content, as the JSON string it was sent as.
    pub content: Option<Span>,
    pub path: Option<String>,
    pub source_path: Option<String>,
    /// Whether its sub-items hold a chapter.
    pub has_sub_items: bool,
    /// The chapter it is nested under, by its place among the entries.
    pub parent: Option<usize>,
}

/// A request, read.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub context: Option<Map<String, Value>>,
    pub book: Book,
    /// Every chapter, drafts included, a chapter before its sub-chapters.
    pub entries: Vec<Entry>,
    pub dialect: Option<Dialect>,
}

pub(super) const NOT_A_PAIR: &str = "the input on stdin is not a pair `[context, book]`";
const CONTEXT_NOT_AN_OBJECT: &str =
    "the preprocessor context (first element of the input) is not a JSON object";
pub(super) const NO_VERSION: &str = "the preprocessor context has no `mdbook_version` string";
const NEITHER: &str = "the book has neither an `items` (mdBook 0.5) nor a `sections` (mdBook 0.4) array";
const BOTH: &str = "the book has both an `items` (mdBook 0.5) and a `sections` (mdBook 0.4) array";

/// Reads `input` into `parsed`. The context is kept even when the book is bad, so that
/// mdBook's version can be checked first.
pub(super) fn parse(input: &str, parsed: &mut Parsed) -> serde_json::Result<()> {
    let mut deserializer = serde_json::Deserializer::from_str(input);
    let base = input.as_ptr().addr();
    deserializer.deserialize_seq(RequestVisitor { base, parsed })?;
    deserializer.end()
}

/// The context of `input`, if it starts as a request does, read without reading the book.
pub(super) fn context_of(input: &[u8]) -> Option<Map<String, Value>> {
    let mut context = None;
    let mut deserializer = serde_json::Deserializer::from_slice(input);
    // The visitor stops after the context: the error about the rest of the input is expected.
    let _ = deserializer.deserialize_seq(ContextVisitor(&mut context));
    context
}

struct ContextVisitor<'c>(&'c mut Option<Map<String, Value>>);

impl<'de> Visitor<'de> for ContextVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array `[context, book]`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(Value::Object(context)) = seq.next_element()? {
            *self.0 = Some(context);
        }
        Ok(())
    }
}

/// Where `raw`, borrowed from the request that starts at address `base`, lies in it.
fn span_of(base: usize, raw: &RawValue) -> Span {
    let text = raw.get();
    let start = text.as_ptr().addr().wrapping_sub(base);
    start..start + text.len()
}

/// The string `raw` holds, if it is one.
fn string_of(raw: &RawValue) -> Option<String> {
    let json = raw.get();
    // Most names and paths hold no escape: the text between the quotes is the string (the
    // request has been checked as JSON, so it holds no control character either).
    let inner = json.strip_prefix('"').and_then(|rest| rest.strip_suffix('"'));
    if let Some(text) = inner.filter(|text| !text.contains('\\')) {
        return Some(text.to_owned());
    }
    json.starts_with('"').then(|| serde_json::from_str(json).ok()).flatten()
}

struct RequestVisitor<'p> {
    base: usize,
    parsed: &'p mut Parsed,
}

impl<'de> Visitor<'de> for RequestVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array `[context, book]`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let context = seq.next_element::<Value>()?.ok_or_else(|| de::Error::custom(NOT_A_PAIR))?;
        let context = match context {
            Value::Object(context) => Some(context),
            _ => None,
        };
        let has_version =
            context.as_ref().is_some_and(|c| c.get("mdbook_version").is_some_and(Value::is_string));
        let is_object = context.is_some();
        self.parsed.context = context;
        // The book is read only once the context is known to be sound: its problems come after.
        let book = if has_version {
            let seed = BookSeed { base: self.base, parsed: &mut *self.parsed };
            seq.next_element_seed(seed)?
        } else {
            seq.next_element::<IgnoredAny>()?.map(drop)
        };
        if book.is_none() || seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(NOT_A_PAIR));
        }
        match (is_object, has_version) {
            (false, _) => Err(de::Error::custom(CONTEXT_NOT_AN_OBJECT)),
            (true, false) => Err(de::Error::custom(NO_VERSION)),
            (true, true) => Ok(()),
        }
    }
}

struct BookSeed<'p> {
    base: usize,
    parsed: &'p mut Parsed,
}

impl<'de> DeserializeSeed<'de> for BookSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BookSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the book (second element of the input) as a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let dialect = match &*key {
                "items" => Some(Dialect::V05),
                "sections" => Some(Dialect::V04),
                _ => None,
            };
            let field = match dialect {
                Some(dialect) => {
                    if self.parsed.dialect.replace(dialect).is_some() {
                        return Err(de::Error::custom(BOTH));
                    }
                    let seed = ItemsSeed { base: self.base, entries: &mut self.parsed.entries, parent: None };
                    BookField::Items(map.next_value_seed(seed)?.0)
                }
                None => BookField::Raw(span_of(self.base, map.next_value::<&RawValue>()?)),
            };
            self.parsed.book.fields.push((key, field));
        }
        if self.parsed.dialect.is_none() {
            return Err(de::Error::custom(NEITHER));
        }
        Ok(())
    }
}

/// A list of items: the items, and how many of them are chapters.
struct ItemsSeed<'p> {
    base: usize,
    entries: &'p mut Vec<Entry>,
    parent: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = (Vec<Item>, usize);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = (Vec<Item>, usize);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of the book's items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        let mut chapters = 0;
        loop {
            let seed = ItemSeed { base: self.base, entries: &mut *self.entries, parent: self.parent };
            let Some((item, has_chapter)) = seq.next_element_seed(seed)? else { break };
            items.push(item);
            chapters += usize::from(has_chapter);
        }
        Ok((items, chapters))
    }
}

/// An item: the item, and whether it is a chapter.
struct ItemSeed<'p> {
    base: usize,
    entries: &'p mut Vec<Entry>,
    parent: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = (Item, bool);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = (Item, bool);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an item of the book: a chapter, a part title or a separator")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok((Item::Name(name.to_owned()), false))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // An item is `{"Chapter": {...}}` or `{"PartTitle": "..."}`: one field.
        let mut fields = Vec::with_capacity(1);
        let mut is_chapter = false;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if key.starts_with("$serde_json::private") {
                // A number, which serde_json hands over as a map.
                return Err(de::Error::invalid_type(de::Unexpected::Other("number"), &self));
            }
            let field = if key == "Chapter" {
                is_chapter = true;
                let seed = ChapterSeed { base: self.base, entries: &mut *self.entries, parent: self.parent };
                ItemField::Chapter(map.next_value_seed(seed)?)
            } else {
                ItemField::Raw(span_of(self.base, map.next_value::<&RawValue>()?))
            };
            fields.push((key, field));
        }
        Ok((Item::Object(fields), is_chapter))
    }
}

/// Reads a key of an object of the book (see [`Key`]).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            "Chapter" => Cow::Borrowed("Chapter"),
            "PartTitle" => Cow::Borrowed("PartTitle"),
            "name" => Cow::Borrowed("name"),
            "content" => Cow::Borrowed("content"),
            "number" => Cow::Borrowed("number"),
            "sub_items" => Cow::Borrowed("sub_items"),
            "path" => Cow::Borrowed("path"),
            "source_path" => Cow::Borrowed("source_path"),
            "parent_names" => Cow::Borrowed("parent_names"),
            "items" => Cow::Borrowed("items"),
            "sections" => Cow::Borrowed("sections"),
            "__non_exhaustive" => Cow::Borrowed("__non_exhaustive"),
            other => Cow::Owned(other.to_owned()),
        })
    }
}

/// How many fields mdBook 0.4 and 0.5 send of a chapter (`name`, `content`, `number`,
/// `sub_items`, `path`, `source_path`, `parent_names`): the fields of one are read into a list
/// of this size, which then neither grows nor is shrunk.
const CHAPTER_FIELDS: usize = 7;

struct ChapterSeed<'p> {
    base: usize,
    entries: &'p mut Vec<Entry>,
    parent: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for ChapterSeed<'_> {
    type Value = Chapter;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Chapter, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChapterSeed<'_> {
    type Value = Chapter;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a chapter, as a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Chapter, A::Error> {
        // Its entry comes before those of its sub-chapters.
        let entry = self.entries.len();
        self.entries.push(Entry { parent: self.parent, ..Entry::default() });
        let mut fields = Vec::with_capacity(CHAPTER_FIELDS);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let field = if key == "sub_items" {
                let seed = ItemsSeed { base: self.base, entries: &mut *self.entries, parent: Some(entry) };
                let (items, chapters) = map.next_value_seed(seed)?;
                self.entries[entry].has_sub_items = chapters > 0;
                ChapterField::SubItems(items)
            } else {
                let raw = map.next_value::<&RawValue>()?;
                let span = span_of(self.base, raw);
                let read = &mut self.entries[entry];
                match &*key {
                    "content" if raw.get().starts_with('"') => {
                        read.content = Some(span);
                        ChapterField::Content
                    }
                    "name" => {
                        read.name = string_of(raw);
                        ChapterField::Raw(span)
                    }
                    "path" => {
                        read.path = string_of(raw);
                        ChapterField::Raw(span)
                    }
                    "source_path" => {
                        read.source_path = string_of(raw);
                        ChapterField::Raw(span)
                    }
                    _ => ChapterField::Raw(span),
                }
            };
            fields.push((key, field));
        }
        Ok(Chapter { entry, fields })
    }
}
