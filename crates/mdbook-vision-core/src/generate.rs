//! Markdown generated from metadata, escaped so that any value renders as the plain text it is.
//!
//! Metadata is written by many hands: a `|` must not split a table cell, a `<script>` must not
//! become HTML, a `*` or `[` must not start emphasis or a link, a newline must not end a table
//! row. Every character that can start inline markup is backslash-escaped (CommonMark allows
//! escaping any ASCII punctuation), which is also correct inside GFM table cells. Quotes and
//! dashes are left alone so that smart punctuation treats them as it treats the rest of the
//! book. (pulldown-cmark-to-cmark escapes only a text's first character and pipes, which is
//! right for text that came from parsing markdown but not for arbitrary values.)

/// Characters escaped in generated inline text.
const ESCAPED: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '!', '&', '~', '{', '}', '#'];

/// For each byte, whether text made only of such bytes is copied as it is: printable ASCII
/// outside [`ESCAPED`]. Generated links are many, and this is looked up for each of their bytes.
const PLAIN_TEXT: [bool; 256] = ascii_table(b' ', ESCAPED);

/// The characters a bare link destination cannot hold (it would end, or they would escape).
const BRACKETS_AND_ESCAPES: &[char] = &['<', '>', '(', ')', '\\', '|'];

/// For each byte, whether a destination made only of such bytes is written bare: printable
/// ASCII but space, outside [`BRACKETS_AND_ESCAPES`].
const PLAIN_DESTINATION: [bool; 256] = ascii_table(b'!', BRACKETS_AND_ESCAPES);

/// For each byte, whether it is ASCII from `first` to `~` and not one of `except`.
const fn ascii_table(first: u8, except: &[char]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = first;
    while byte <= b'~' {
        table[byte as usize] = true;
        byte += 1;
    }
    let mut excepted = 0;
    while excepted < except.len() {
        table[except[excepted] as usize] = false;
        excepted += 1;
    }
    table
}

/// `text` as inline markdown that renders as exactly `text`, on one line.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped_text(&mut out, text);
    out
}

/// Appends [`escape_text`] of `text` to `out`.
fn push_escaped_text(out: &mut String, text: &str) {
    // Most text has nothing to escape: printable ASCII outside `ESCAPED`.
    if text.bytes().all(|b| PLAIN_TEXT[usize::from(b)]) {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push(' ');
                }
            }
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if ESCAPED.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// `markdown`, inline markdown an author wrote, made safe to be a link's text: emphasis,
/// strong emphasis, strikethrough and code are kept; everything else (brackets, raw HTML, a
/// link inside, line breaks) is kept as plain text, escaped, so that it can neither break the
/// link nor inject HTML.
pub fn safe_inline(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&escape_text(&text))
            }
            Event::Code(code) => out.push_str(&code_span(&code)),
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => out.push('*'),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => out.push_str("**"),
            Event::Start(Tag::Strikethrough) | Event::End(TagEnd::Strikethrough) => out.push_str("~~"),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// `code` as a code span: fenced with one more backtick than the longest run inside it.
fn code_span(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{}{pad}{fence}", code.replace(['\n', '\r', '|'], " "))
}

/// A link whose text is `markdown` made safe ([`safe_inline`]).
pub fn markdown_link(markdown: &str, destination: &str) -> String {
    format!("[{}]({})", safe_inline(markdown), link_destination(destination))
}

/// A link whose text renders as exactly `text`.
pub fn link(text: &str, destination: &str) -> String {
    let mut out = String::with_capacity(text.len() + destination.len() + 8);
    out.push('[');
    push_escaped_text(&mut out, text);
    out.push_str("](");
    push_link_destination(&mut out, destination);
    out.push(')');
    out
}

/// A link destination, in angle brackets when it holds characters a bare one cannot.
pub fn link_destination(destination: &str) -> String {
    let mut out = String::with_capacity(destination.len() + 2);
    push_link_destination(&mut out, destination);
    out
}

/// Appends [`link_destination`] of `destination` to `out`.
fn push_link_destination(out: &mut String, destination: &str) {
    let special = |c: char| c.is_whitespace() || c.is_control() || BRACKETS_AND_ESCAPES.contains(&c);
    // Most destinations are printable ASCII (never whitespace nor control), checked byte by byte.
    let bare = !destination.is_empty()
        && (destination.bytes().all(|b| PLAIN_DESTINATION[usize::from(b)])
            || destination.chars().all(|c| !special(c)));
    if bare {
        out.push_str(destination);
        return;
    }
    out.push('<');
    for c in destination.chars().filter(|c| !c.is_control()) {
        if matches!(c, '<' | '>' | '\\' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('>');
}

/// A GFM table. `cells` are inline markdown (already escaped). Every line but the first starts
/// with `prefix`, so a table spliced into a block quote or list item stays inside it.
pub fn table(headers: &[String], rows: &[Vec<String>], line_ending: &str, prefix: &str) -> String {
    // Room for every cell, the delimiter row and the pipes, so the table is written in place.
    let cells: usize = headers.iter().chain(rows.iter().flatten()).map(String::len).sum();
    let lines = rows.len() + 2;
    let pipes = 3 * headers.len() + 1;
    let mut table =
        String::with_capacity(cells + 3 * headers.len() + lines * (line_ending.len() + prefix.len() + pipes));
    let mut row = |cells: &mut dyn Iterator<Item = &str>| {
        if !table.is_empty() {
            table.push_str(line_ending);
            table.push_str(prefix);
        }
        table.push_str("| ");
        for (index, cell) in cells.enumerate() {
            if index > 0 {
                table.push_str(" | ");
            }
            table.push_str(cell);
        }
        table.push_str(" |");
    };
    row(&mut headers.iter().map(String::as_str));
    row(&mut headers.iter().map(|_| "---"));
    for cells in rows {
        row(&mut cells.iter().map(String::as_str));
    }
    table
}

/// "a", "a and b", "a, b and c".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `value` as the value of a double-quoted HTML attribute in inline HTML, safe in a GFM
/// table cell too: markup characters become entities, and so do `|` (which would end the
/// cell) and line breaks (which would end the row).
pub fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(escape_text("a|b <script>x</script>"), "a\\|b \\<script\\>x\\</script\\>");
        assert_eq!(escape_text("*[x](y)*"), "\\*\\[x\\](y)\\*");
        assert_eq!(escape_text("one\r\ntwo\nthree"), "one two three");
        assert_eq!(escape_text("Grace's \"plan\""), "Grace's \"plan\"");
    }

    #[test]
    fn link_text_keeps_emphasis_and_code_and_escapes_the_rest() {
        assert_eq!(safe_inline("`Sink` and *x*"), "`Sink` and *x*");
        assert_eq!(safe_inline("a ] [b](c) <script>x</script>"), "a \\] b \\<script\\>x\\</script\\>");
        assert_eq!(safe_inline("`` a`b ``"), "``a`b``");
    }

    #[test]
    fn each_ascii_character_is_escaped_alone_as_in_any_text() {
        for byte in 0..=0x7fu8 {
            let c = char::from(byte);
            // After a non-ASCII letter the whole text takes the way that looks at every character.
            let expected = escape_text(&format!("é{c}")).split_off('é'.len_utf8());
            assert_eq!(escape_text(&c.to_string()), expected, "{c:?}");
            let punctuation = ESCAPED.contains(&c);
            assert_eq!(expected.starts_with('\\'), punctuation, "{c:?}");
        }
    }

    #[test]
    fn each_ascii_character_of_a_destination_is_read_alike_in_any_destination() {
        for byte in 0..=0x7fu8 {
            let c = char::from(byte);
            let alone = link_destination(&format!("a{c}"));
            let beside_non_ascii = link_destination(&format!("é{c}"));
            assert_eq!(alone.starts_with('<'), beside_non_ascii.starts_with('<'), "{c:?}");
        }
    }

    #[test]
    fn destinations_with_spaces_use_angle_brackets() {
        assert_eq!(link_destination("../a b.md"), "<../a b.md>");
        assert_eq!(link_destination("../a.md#x"), "../a.md#x");
    }

    #[test]
    fn tables_repeat_the_prefix_on_following_lines() {
        let table = table(&["A".into()], &[vec!["1".into()]], "\r\n", "> ");
        assert_eq!(table, "| A |\r\n> | --- |\r\n> | 1 |");
        let two = super::table(&["A".into(), "B".into()], &[vec!["1".into(), "2".into()]], "\n", "");
        assert_eq!(two, "| A | B |\n| --- | --- |\n| 1 | 2 |");
        assert_eq!(super::table(&[], &[vec![]], "\n", ""), "|  |\n|  |\n|  |");
    }

    #[test]
    fn names_join_with_and() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(join_names(&names(&["Shane", "estebank"])), "Shane and estebank");
        assert_eq!(join_names(&names(&["a", "b", "c"])), "a, b and c");
    }

    #[test]
    fn attribute_values_cannot_break_the_tag_or_the_table_cell() {
        assert_eq!(
            escape_attribute("Healthy: \"on\" <track> & a|b\nc 'd'"),
            "Healthy: &quot;on&quot; &lt;track&gt; &amp; a&#124;b c 'd'"
        );
    }
}
