//! Chapter contents unescaped where they lie in the request, without a copy.
//!
//! A content is a JSON string of a request that [`super::read`] has already checked: its
//! escapes are well formed and it holds no control characters. What it means is decoded over
//! its own bytes, front to back: every escape is at least as long as what it stands for, so
//! the text never overtakes what is still to be read.

use anyhow::{Context as _, Result};

/// Unescapes the JSON string in `place` (quotes included) into its start, blanks the rest,
/// and returns the length of its text.
pub(super) fn unescape_in_place(place: &mut [u8]) -> Result<usize> {
    let quoted = place.len() >= 2 && place[0] == b'"' && place[place.len() - 1] == b'"';
    if !quoted || has_surrogate_escape(place) {
        // serde_json decodes surrogate pairs, and says what is wrong with a lone surrogate.
        return unescape_with_serde_json(place);
    }
    unescape_plainly(place).context("a chapter's content has an escape that is not valid JSON")
}

/// Whether `json` may hold a `\u` escape of a surrogate (it may also be the text `\\ud800`,
/// which is then left to serde_json too). mdBook writes `\u` escapes only for control
/// characters: this is a scan for two bytes that are almost never there.
fn has_surrogate_escape(json: &[u8]) -> bool {
    memchr::memmem::find_iter(json, b"\\u").any(|at| {
        matches!(json.get(at + 2..at + 4), Some([b'd' | b'D', b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F']))
    })
}

/// [`unescape_in_place`] of a quoted JSON string without `\u` escapes of surrogates.
fn unescape_plainly(place: &mut [u8]) -> Option<usize> {
    let end = place.len() - 1;
    let (mut read, mut written) = (1, 0);
    loop {
        let run = memchr::memchr(b'\\', &place[read..end]).unwrap_or(end - read);
        place.copy_within(read..read + run, written);
        (read, written) = (read + run, written + run);
        if read == end {
            break;
        }
        let (decoded, length) = decode_escape(&place[read..end])?;
        let mut utf8 = [0; 4];
        let text = decoded.encode_utf8(&mut utf8).as_bytes();
        place[written..written + text.len()].copy_from_slice(text);
        (read, written) = (read + length, written + text.len());
    }
    place[written..].fill(b' ');
    Some(written)
}

/// The character the escape at the start of `text` stands for, and its length in bytes;
/// `None` for a malformed escape or one of a surrogate.
fn decode_escape(text: &[u8]) -> Option<(char, usize)> {
    let decoded = match text.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = std::str::from_utf8(text.get(2..6)?).ok()?;
            let code =
                u32::from_str_radix(hex, 16).ok().filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))?;
            return char::from_u32(code).map(|c| (c, 6));
        }
        _ => return None,
    };
    Some((decoded, 2))
}

fn unescape_with_serde_json(place: &mut [u8]) -> Result<usize> {
    let text: String = serde_json::from_slice(place).context("a chapter's content is not a JSON string")?;
    let length = text.len();
    let (start, rest) = place.split_at_mut_checked(length).context("a content longer than its string")?;
    start.copy_from_slice(text.as_bytes());
    rest.fill(b' ');
    Ok(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What unescaping `json` leaves, as serde_json reads it: the text, then blanks.
    fn check(json: &str) {
        let expected: String = serde_json::from_str(json).expect("a JSON string");
        let mut place = json.as_bytes().to_vec();
        let length = unescape_in_place(&mut place).expect("unescaped");
        assert_eq!(std::str::from_utf8(&place[..length]), Ok(expected.as_str()), "{json}");
        assert!(place[length..].iter().all(|&b| b == b' '), "{json}");
    }

    #[test]
    fn every_escape_decodes_as_serde_json_decodes_it() {
        for json in [
            r#""""#,
            r#""plain text, no escape""#,
            r#""\"q\" \\ \/ \b\f\n\r\t""#,
            r#""\u00e9t\u00E9 \u0000 \u007f \u0800 \uffff""#,
            r#""été ✓ 😀 \u00e9""#,
            r#""\ud83d\ude00 a pair, decoded by serde_json""#,
            r#""\\ud800 is text, also left to serde_json""#,
            r##""# Title\n\nA paragraph with \"quotes\".\n""##,
            r#""\\\\\\""#,
        ] {
            check(json);
        }
    }

    #[test]
    fn random_strings_decode_as_serde_json_decodes_them() {
        const PIECES: &[&str] =
            &["a", "é", "😀", "\n", "\"", "\\", "/", "\t", "\u{0}", "\u{1f}", "\u{7f}", " "];
        let mut lcg = crate::testing::Lcg::default();
        let mut next = |bound: usize| lcg.below(bound);
        for _ in 0..2000 {
            let text: String = (0..next(40)).map(|_| PIECES[next(PIECES.len())]).collect();
            let json = serde_json::to_string(&text).expect("a string");
            check(&json);
            // The same text with every character but `"` and `\` escaped as `\u`.
            let mut escaped = String::from('"');
            for c in text.chars() {
                match c {
                    '"' | '\\' => escaped.extend(['\\', c]),
                    c if u32::from(c) > 0xffff => escaped.push(c),
                    c => escaped.push_str(&format!("\\u{:04x}", u32::from(c))),
                }
            }
            escaped.push('"');
            check(&escaped);
        }
    }

    #[test]
    fn a_lone_surrogate_is_refused_by_serde_json() {
        let mut place = br#""\ud83d alone""#.to_vec();
        let error = unescape_in_place(&mut place).expect_err("a lone surrogate");
        assert!(format!("{error:#}").starts_with("a chapter's content is not a JSON string: "), "{error:#}");
    }
}
