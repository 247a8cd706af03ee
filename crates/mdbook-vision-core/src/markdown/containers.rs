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
/// stay in the same block quote or list item: the `>` markers that open the line, and spaces up
/// to the same column for everything else (indentation, list markers), counting a tab to the
/// next multiple of four as CommonMark does (`-\t` is a marker whose content starts at column 4).
pub fn continuation_prefix(text: &str, offset: usize) -> String {
    let mut prefix = String::new();
    let mut column = 0;
    let mut rest = line_prefix(text, offset);
    let pad =
        |prefix: &mut String, from: usize, to: usize| prefix.extend(std::iter::repeat_n(' ', to - from));
    loop {
        let marker_len = list_marker_len(rest);
        match rest.chars().next() {
            Some('>') => {
                prefix.push('>');
                column += 1;
                rest = &rest[1..];
            }
            Some('\t') => {
                let next = (column / 4 + 1) * 4;
                pad(&mut prefix, column, next);
                column = next;
                rest = &rest[1..];
            }
            Some(c) if c.is_whitespace() => {
                prefix.push(' ');
                column += 1;
                rest = &rest[c.len_utf8()..];
            }
            _ if marker_len > 0 => {
                // The marker itself, then its separating space or tab.
                let marker = rest[..marker_len].trim_end_matches([' ', '\t']).len();
                pad(&mut prefix, column, column + marker);
                column += marker;
                rest = &rest[marker..];
            }
            _ => return prefix,
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

/// Whether `line`, without its container markers, starts a block of its own that would end a
/// table before it (a list item, a heading, a block quote, a fence, raw HTML), or is blank.
pub fn ends_a_table(line: &str) -> bool {
    let content = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    content.is_empty()
        || list_marker_len(content) > 0
        || content.starts_with(['#', '<'])
        || content.starts_with("```")
        || content.starts_with("~~~")
}
