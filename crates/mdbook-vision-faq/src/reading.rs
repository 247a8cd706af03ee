//! Reading a FAQ: the section that holds it, its questions, and their answers.

use std::ops::Range;

use mdbook_vision_core::generated::is_notice_marker;
use mdbook_vision_core::markdown::{Document, Element, Node, NodeKind, end_of};

/// The words that mark the FAQ section.
pub const FAQ_TITLE: &str = "frequently asked questions";

/// A question asked in a FAQ, and its answer.
pub struct Question {
    /// The question as written.
    pub text: String,
    /// Where it is.
    pub range: Range<usize>,
    /// Its answer, as plain text.
    pub answer: String,
    /// Where its answer is written (empty when it has none).
    pub answer_span: Range<usize>,
}

/// A FAQ section: where it is announced, and its questions.
pub struct FaqSection {
    /// Its heading, or its `<summary>` line.
    pub title: Range<usize>,
    /// Where a notice goes: after its heading, or before its `<details>` block.
    pub notice_at: usize,
    /// Its questions.
    pub questions: Vec<Question>,
}

/// Where the line of a heading that ends at `end` ends, after its line ending.
fn heading_end(text: &str, end: usize) -> usize {
    match text[end..].find('\n') {
        Some(_) if text[..end].ends_with('\n') => end,
        Some(newline) => end + newline + 1,
        None => text.len(),
    }
}

/// Whether `section` holds the notice `render-missing` renders.
pub fn has_notice(doc: &Document<'_>, section: Range<usize>) -> bool {
    nodes_in(doc, section).iter().any(|n| n.kind == NodeKind::Html && is_notice_marker(doc.text_of(n)))
}

/// The nodes from the first that starts within `section` to the last that does. (Not a
/// binary search: an element's end node carries its start offset, so offsets are not sorted.)
fn nodes_in<'d>(doc: &'d Document<'_>, section: Range<usize>) -> &'d [Node] {
    let nodes = doc.nodes.all();
    let inside = |node: &Node| section.contains(&node.range().start);
    let Some(start) = nodes.iter().position(inside) else { return &[] };
    let end = nodes.iter().rposition(inside).map_or(start, |end| end + 1);
    &nodes[start..end]
}

/// The FAQ of `section`: after a heading that names it, up to the next heading of the same or
/// a higher level that does not ask a question (`## **Why did you choose Alan?**` right after
/// `## 🤔 Frequently Asked Questions` is one of its questions); or inside a `<details>` whose
/// summary names it.
pub fn find_faq(doc: &Document<'_>, section: Range<usize>) -> Option<FaqSection> {
    let nodes = nodes_in(doc, section);
    for (index, node) in nodes.iter().enumerate() {
        match node.kind {
            NodeKind::Start(Element::Heading(level)) => {
                let mut range = node.range();
                let heading = doc.heading_at(range.start)?;
                if !names_faq(heading.title()) {
                    continue;
                }
                let mut body_start = end_of(nodes, index) + 1;
                // The same heading pasted twice in a row: the FAQ is under the last.
                while nodes.get(body_start).is_some_and(|n| repeats_faq_heading(doc, n)) {
                    range = nodes[body_start].range();
                    body_start = end_of(nodes, body_start) + 1;
                }
                let ends_faq = |n: &Node| {
                    matches!(n.kind, NodeKind::Start(Element::Heading(l)) if l <= level)
                        && !doc
                            .heading_at(n.range().start)
                            .is_some_and(|h| h.title().trim_end().ends_with('?'))
                };
                let body_end =
                    nodes[body_start..].iter().position(ends_faq).map_or(nodes.len(), |p| body_start + p);
                let notice_at = heading_end(doc.text, range.end);
                return Some(read_faq(doc, range, notice_at, &nodes[body_start..body_end]));
            }
            NodeKind::Html if summary_names_faq(doc, doc.text_of(node), &nodes[index + 1..]) => {
                let html = doc.text_of(node);
                let body_start = index + 1;
                let body_end = nodes[body_start..]
                    .iter()
                    .position(|n| {
                        n.kind == NodeKind::Html && doc.text_of(n).to_lowercase().contains("</details>")
                    })
                    .map_or(nodes.len(), |p| body_start + p);
                let start = node.range().start;
                let title = start..start + html.trim_end().len();
                let block_start = nodes[..index]
                    .iter()
                    .rposition(|n| n.starts(Element::HtmlBlock))
                    .map_or(start, |i| nodes[i].range().start);
                return Some(read_faq(doc, title, block_start, &nodes[body_start..body_end]));
            }
            _ => {}
        }
    }
    None
}

/// Whether `node` starts a heading that names the FAQ.
fn repeats_faq_heading(doc: &Document<'_>, node: &Node) -> bool {
    matches!(node.kind, NodeKind::Start(Element::Heading(_)))
        && doc.heading_at(node.range().start).is_some_and(|h| names_faq(h.title()))
}

/// Whether `title` holds "Frequently Asked Questions", in any case.
fn names_faq(title: &str) -> bool {
    // Most titles: compared byte by byte, without lowercasing a copy. Lowercasing gives an
    // ASCII letter for two non-ASCII characters only: the Kelvin sign (`k`, which the title
    // holds) and `İ` (`i` with a combining dot after it, which breaks the title).
    title.as_bytes().windows(FAQ_TITLE.len()).any(|w| w.eq_ignore_ascii_case(FAQ_TITLE.as_bytes()))
        || (title.contains(KELVIN_SIGN) && title.to_lowercase().contains(FAQ_TITLE))
}

const SUMMARY_TAG: &[u8] = b"<summary";

/// The one character besides `K` whose lowercase is `k`.
const KELVIN_SIGN: char = '\u{212A}';

/// Whether `html` opens a `<summary>` that holds "Frequently Asked Questions", on its line or
/// on the next few lines of the same HTML block.
fn summary_names_faq(doc: &Document<'_>, html: &str, following: &[Node]) -> bool {
    // No character lowercases to a letter of `<summary` but its own capital: compared byte by
    // byte, most HTML (the suite's markers) is passed over without lowercasing a copy.
    let opens_summary = html.match_indices('<').any(|(at, _)| {
        html.as_bytes()
            .get(at..at + SUMMARY_TAG.len())
            .is_some_and(|tag| tag.eq_ignore_ascii_case(SUMMARY_TAG))
    });
    if !opens_summary {
        return false;
    }
    let mut summary = html.to_lowercase();
    for node in following.iter().take(4) {
        if summary.contains("</summary>") {
            break;
        }
        match node.kind {
            NodeKind::Html => summary.push_str(&doc.text_of(node).to_lowercase()),
            _ => break,
        }
    }
    summary.contains(FAQ_TITLE)
}

/// The questions of a FAQ body: its headings, and the bold list items and bold paragraphs that
/// ask something before its first heading.
fn read_faq(doc: &Document<'_>, title: Range<usize>, notice_at: usize, body: &[Node]) -> FaqSection {
    let heading_starts: Vec<usize> = body
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Start(Element::Heading(_))))
        .map(|(i, _)| i)
        .collect();
    // Bold questions before the first heading: a FAQ that moved from one form to the other
    // keeps both.
    let before_headings = heading_starts.first().copied().unwrap_or(body.len());
    let mut questions = bold_questions(doc, &body[..before_headings]);
    questions.extend(heading_starts.iter().enumerate().map(|(n, &start)| {
        let end = end_of(body, start);
        let answer_end = heading_starts.get(n + 1).copied().unwrap_or(body.len());
        let answer = body.get(end + 1..answer_end).unwrap_or_default();
        Question {
            text: doc.text_as_written(&body[start + 1..end]),
            range: body[start].range(),
            answer: doc.plain_text(answer),
            answer_span: span_of(answer),
        }
    }));
    FaqSection { title, notice_at, questions }
}

/// Top-level list items that start with bold text, and top-level paragraphs whose leading bold
/// text holds a `?`.
fn bold_questions(doc: &Document<'_>, body: &[Node]) -> Vec<Question> {
    let mut questions: Vec<(Question, usize)> = Vec::new();
    let mut index = 0;
    while index < body.len() {
        let block_end = end_of(body, index);
        match body[index].kind {
            NodeKind::Start(Element::List) => {
                let mut item = index + 1;
                while item < block_end {
                    let item_end = end_of(body, item);
                    if let Some(question) = leading_bold(doc, &body[item + 1..item_end], false) {
                        questions.push((question, usize::MAX));
                    }
                    item = item_end + 1;
                }
            }
            NodeKind::Start(Element::Paragraph) => {
                if let Some(question) = leading_bold(doc, &body[index..=block_end], true) {
                    questions.push((question, block_end + 1));
                }
            }
            _ => {}
        }
        if let Some((question, follows_from)) = questions.last_mut()
            && *follows_from <= index
        {
            let block = &body[index..=block_end.min(body.len() - 1)];
            question.answer.push(' ');
            question.answer.push_str(&doc.plain_text(block));
            let span = span_of(block);
            question.answer_span = match question.answer_span.is_empty() {
                true => span,
                false => question.answer_span.start..span.end.max(question.answer_span.end),
            };
        }
        index = block_end + 1;
    }
    questions.into_iter().map(|(q, _)| q).collect()
}

/// The question in `nodes` if they start (after an optional paragraph start) with bold text;
/// the rest of `nodes` is its answer.
fn leading_bold(doc: &Document<'_>, nodes: &[Node], must_ask: bool) -> Option<Question> {
    let start = nodes.iter().position(|n| !n.starts(Element::Paragraph))?;
    if !nodes[start].starts(Element::Strong) {
        return None;
    }
    let end = end_of(nodes, start);
    let text = doc.text_as_written(&nodes[start + 1..end]);
    if must_ask && !text.contains('?') {
        return None;
    }
    let answer_nodes: Vec<Node> = nodes
        .get(end + 1..)
        .unwrap_or_default()
        .iter()
        .filter(|n| n.kind != NodeKind::End(Element::Paragraph))
        .copied()
        .collect();
    let answer_span = span_of(&answer_nodes);
    Some(Question { text, range: nodes[start].range(), answer: doc.plain_text(&answer_nodes), answer_span })
}

/// An answer's markdown `written` on one line: without list markers and block quote marks at
/// the start of its lines, and one space between them.
pub fn on_one_line(written: &str) -> String {
    let lines = written.lines().map(|line| {
        let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '>');
        let marker = ["* ", "- ", "+ "].iter().find_map(|m| line.strip_prefix(m));
        marker.unwrap_or(line).trim()
    });
    lines.filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// From the start of the first of `nodes` to the end of the last.
fn span_of(nodes: &[Node]) -> Range<usize> {
    match (nodes.first(), nodes.last()) {
        (Some(first), Some(last)) => first.range().start..last.range().end.max(first.range().start),
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::names_faq;

    #[test]
    fn a_faq_title_is_found_in_any_case_with_or_without_other_characters() {
        for title in
            ["Frequently Asked Questions", "5. FREQUENTLY asked questions", "🤔 Frequently Asked Questions"]
        {
            assert!(names_faq(title), "{title}");
        }
        for title in ["Frequently asked", "Questions", "🤔 Frequently-asked questions", ""] {
            assert!(!names_faq(title), "{title}");
        }
        assert!(names_faq("Frequently As\u{212A}ed Questions"), "lowercased, the Kelvin sign is `k`");
        assert!(!names_faq("Frequently Asked Quest\u{130}ons"), "lowercased, `İ` is `i̇`");
    }

    /// What `names_faq` relies on to compare most titles as bytes.
    #[test]
    fn only_two_non_ascii_characters_lowercase_to_an_ascii_letter() {
        let lowercase_to_ascii: Vec<char> =
            ('\u{80}'..=char::MAX).filter(|c| c.to_lowercase().any(|l| l.is_ascii_alphabetic())).collect();
        assert_eq!(lowercase_to_ascii, ['\u{130}', super::KELVIN_SIGN]);
    }
}
