//! Where text spliced into a chapter must go to stay in its block quote or list item, and the
//! chapter's line ending.

/// The line ending `text` uses: `\r\n` if its first line ends so, else `\n`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The text of the line of `text` that holds byte `offset`, up to that offset.
pub fn line_prefix(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    &text[line_start..offset]
}

/// What every line after the first of a block spliced at `offset` of `text` must start with to
/// stay in the same block quote or list item: the `>` markers and indentation that open the
/// line, with list markers turned into spaces (`- ` becomes `  `, `> 1. ` becomes `>    `).
pub fn continuation_prefix(text: &str, offset: usize) -> String {
    let mut prefix = String::new();
    let mut rest = line_prefix(text, offset);
    loop {
        let marker_len = list_marker_len(rest);
        if let Some(c) = rest.chars().next().filter(|c| *c == '>' || c.is_whitespace()) {
            prefix.push(if c == '>' || c == '\t' { c } else { ' ' });
            rest = &rest[c.len_utf8()..];
        } else if marker_len > 0 {
            prefix.push_str(&" ".repeat(marker_len));
            rest = &rest[marker_len..];
        } else {
            return prefix;
        }
    }
}

/// The length of the list marker and its space that `text` starts with (`- `, `12. `), or 0.
fn list_marker_len(text: &str) -> usize {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let marker = match text[digits..].chars().next() {
        Some('-' | '*' | '+') if digits == 0 => 1,
        Some('.' | ')') if (1..10).contains(&digits) => digits + 1,
        _ => return 0,
    };
    if text[marker..].starts_with([' ', '\t']) { marker + 1 } else { 0 }
}
