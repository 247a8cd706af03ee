//! A story block's TOML, read into its entries: each key with its value and where both are.
//!
//! Almost every block is a few `key = "string"` and `key = ["string", ...]` lines. Those are
//! read straight from toml_parser's events, which skips building toml's spanned document: on a
//! book of 300 stories that was most of the time spent on blocks. Any other block (a table, a
//! dotted key, a value that is not a string, a key written twice, anything toml_parser
//! reports) is read by toml's document parser, whose errors name what is wrong; its entries
//! are then in the order of toml's table.

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml_parser::decoder::Encoding;
use toml_parser::parser::{EventReceiver, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

/// A key of a block, with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry<'b> {
    pub key: Cow<'b, str>,
    /// Where the key is in the block.
    pub key_span: Range<usize>,
    pub value: Value<'b>,
    /// Where the value is in the block (an array's from `[` to `]`).
    pub value_span: Range<usize>,
}

/// A value of a block, as far as story blocks care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value<'b> {
    String(Cow<'b, str>),
    /// An array: each item's string, `None` for an item that is not one.
    Array(Vec<Option<Cow<'b, str>>>),
    /// Anything else: a number, a date, a table.
    Other,
}

/// The entries of the block `body`, or toml's error for a block that is not valid TOML.
pub(super) fn entries(body: &str) -> Result<Vec<Entry<'_>>, toml::de::Error> {
    match simple_entries(body) {
        Some(entries) => Ok(entries),
        None => entries_of_document(body),
    }
}

/// The entries of a block of only keys with strings and arrays of strings, in the order
/// written; `None` for any other block.
fn simple_entries(body: &str) -> Option<Vec<Entry<'_>>> {
    let source = Source::new(body);
    let tokens = source.lex().into_vec();
    let mut reader = SimpleReader { source, entries: Vec::new(), key: None, array: None, simple: true };
    let mut errors: Vec<ParseError> = Vec::new();
    // As toml reads a document: comments and line ends are checked on the way.
    toml_parser::parser::parse_document(
        &tokens,
        &mut ValidateWhitespace::new(&mut reader, source),
        &mut errors,
    );
    let SimpleReader { entries, key, array, simple, .. } = reader;
    let mut keys: Vec<&str> = entries.iter().map(|e| e.key.as_ref()).collect();
    keys.sort_unstable();
    let repeated = keys.windows(2).any(|pair| pair[0] == pair[1]);
    (simple && errors.is_empty() && key.is_none() && array.is_none() && !repeated).then_some(entries)
}

/// Reads toml_parser's events of a block, as long as the block is simple (see
/// [`simple_entries`]).
struct SimpleReader<'i> {
    source: Source<'i>,
    entries: Vec<Entry<'i>>,
    /// The key whose value is being read.
    key: Option<(Cow<'i, str>, Range<usize>)>,
    /// The array being read: where it opened, and its strings so far.
    array: Option<(usize, Vec<Option<Cow<'i, str>>>)>,
    simple: bool,
}

impl<'i> SimpleReader<'i> {
    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Raw<'i> {
        Raw::new_unchecked(&self.source.input()[span.start()..span.end()], encoding, span)
    }

    fn push(&mut self, value: Value<'i>, value_span: Range<usize>) {
        match self.key.take() {
            Some((key, key_span)) => self.entries.push(Entry { key, key_span, value, value_span }),
            None => self.simple = false,
        }
    }
}

impl EventReceiver for SimpleReader<'_> {
    fn std_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.simple = false;
    }

    fn array_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.simple = false;
    }

    fn inline_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
        self.simple = false;
        true
    }

    fn array_open(&mut self, span: Span, _: &mut dyn ErrorSink) -> bool {
        if self.array.is_some() || self.key.is_none() {
            self.simple = false;
        }
        self.array = Some((span.start(), Vec::new()));
        true
    }

    fn array_close(&mut self, span: Span, _: &mut dyn ErrorSink) {
        match self.array.take() {
            Some((start, items)) => self.push(Value::Array(items), start..span.end()),
            None => self.simple = false,
        }
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        if self.key.is_some() || self.array.is_some() {
            self.simple = false;
            return;
        }
        let mut key = Cow::Borrowed("");
        self.raw(span, encoding).decode_key(&mut key, error);
        self.key = Some((key, span.start()..span.end()));
    }

    fn key_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
        // A dotted key: a table.
        self.simple = false;
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, error: &mut dyn ErrorSink) {
        if encoding.is_none() {
            // A number, a boolean or a date.
            self.simple = false;
            return;
        }
        let mut text = Cow::Borrowed("");
        let _ = self.raw(span, encoding).decode_scalar(&mut text, error);
        match &mut self.array {
            Some((_, items)) => items.push(Some(text)),
            None => self.push(Value::String(text), span.start()..span.end()),
        }
    }

    fn error(&mut self, _: Span, _: &mut dyn ErrorSink) {
        self.simple = false;
    }
}

/// The entries of `body` read by toml's document parser, in the order of its table.
fn entries_of_document(body: &str) -> Result<Vec<Entry<'_>>, toml::de::Error> {
    fn string(value: DeValue<'_>) -> Option<Cow<'_, str>> {
        match value {
            DeValue::String(text) => Some(text),
            _ => None,
        }
    }
    let table = DeTable::parse(body)?.into_inner();
    let entries = table
        .into_iter()
        .map(|(key, value)| {
            let (key_span, value_span) = (key.span(), value.span());
            let value = match value.into_inner() {
                DeValue::String(text) => Value::String(text),
                DeValue::Array(items) => {
                    Value::Array(items.into_iter().map(|i| string(i.into_inner())).collect())
                }
                _ => Value::Other,
            };
            Entry { key: key.into_inner(), key_span, value, value_span }
        })
        .collect();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both readings of `body` agree, but for the order of the entries.
    fn check(body: &str) {
        let by_key = |mut entries: Vec<Entry<'static>>| {
            entries.sort_by(|a, b| a.key.cmp(&b.key));
            entries
        };
        let owned = |entries: Vec<Entry<'_>>| -> Vec<Entry<'static>> {
            entries
                .into_iter()
                .map(|e| Entry {
                    key: Cow::Owned(e.key.into_owned()),
                    key_span: e.key_span,
                    value: match e.value {
                        Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
                        Value::Array(items) => Value::Array(
                            items.into_iter().map(|i| i.map(|s| Cow::Owned(s.into_owned()))).collect(),
                        ),
                        Value::Other => Value::Other,
                    },
                    value_span: e.value_span,
                })
                .collect()
        };
        let document = entries_of_document(body).ok().map(owned).map(by_key);
        if let Some(simple) = simple_entries(body) {
            assert_eq!(Some(by_key(owned(simple))), document, "{body:?}");
        }
    }

    #[test]
    fn simple_blocks_read_as_toml_reads_them() {
        for body in [
            "",
            "character = \"Alan\"\n",
            "character = \"Alan\"\r\nshiny-future = \"alan_has_a_blast\"     # the pair\r\n",
            "assigned-to = [\"Shane\", \"estebank\"]\ntopics = [\n  \"a\", # one\n  'b',\n]\n",
            "\"title\" = \"A \\\"quoted\\\" \\u00e9 title\"\nid = 'literal \\n'\n",
            "title = \"\"\"\nmulti\nline\"\"\"\nowner = []\n",
            "# only a comment\n\n",
            "status = \"draft\"",
        ] {
            assert!(simple_entries(body).is_some(), "{body:?}");
            check(body);
        }
    }

    #[test]
    fn random_blocks_read_alike_both_ways() {
        const KEYS: &[&str] = &["id", "\"title\"", "character", "topics", "'owner'", "a.b", "x-y", "", "[t]"];
        const VALUES: &[&str] = &[
            "\"Alan\"",
            "'lit'",
            "\"a \\\"q\\\" \\u00e9\"",
            "[\"a\", 'b']",
            "[\n  \"a\", # c\n  \"b\",\n]",
            "[]",
            "1",
            "true",
            "[\"a\", [\"b\"]]",
            "{ x = \"y\" }",
            "\"\"\"ml\nstring\"\"\"",
            "\"bad \\q\"",
            "",
        ];
        const ENDS: &[&str] = &["\n", "\r\n", " # note\n", "  \n\n", ""];
        let mut lcg = crate::testing::Lcg::default();
        let mut next = |bound: usize| lcg.below(bound);
        let (mut simple, mut other) = (0, 0);
        for _ in 0..3000 {
            let body: String = (0..next(5))
                .map(|_| {
                    format!(
                        "{} = {}{}",
                        KEYS[next(KEYS.len())],
                        VALUES[next(VALUES.len())],
                        ENDS[next(ENDS.len())]
                    )
                })
                .collect();
            check(&body);
            if simple_entries(&body).is_some() { simple += 1 } else { other += 1 }
        }
        // Both ways are tried.
        assert!(simple > 300 && other > 300, "{simple} simple, {other} other");
    }

    #[test]
    fn other_blocks_are_left_to_toml() {
        for body in [
            "a.b = \"x\"\n",
            "[table]\nx = \"y\"\n",
            "x = 1\n",
            "x = [\"a\", 1]\n",
            "x = [[\"a\"]]\n",
            "x = { y = \"z\" }\n",
            "x = \"a\"\nx = \"b\"\n",
            "x = \"unterminated\n",
            "x = \"bad \\q escape\"\n",
            "= \"no key\"\n",
            "x =\n",
            "x = \"a\" y = \"b\"\n",
            "# a comment with a \u{0} control\n",
        ] {
            assert!(simple_entries(body).is_none(), "{body:?}");
            check(body);
        }
    }
}
