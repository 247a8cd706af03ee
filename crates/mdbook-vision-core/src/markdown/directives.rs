//! The suite's `{{#name args}}` directives, in the syntax of mdBook's `{{#include ...}}`.

use std::ops::Range;

use super::merge_ranges;
use super::nodes::{Element, Node, NodeKind};

/// The directives of the suite.
pub const SUITE_DIRECTIVES: &[&str] = &["story", "stories", "roadmap-legend"];

/// A `{{#name args}}` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    /// `story` for `{{#story alan}}`.
    pub name: &'a str,
    /// Everything after the name, trimmed: `alan`.
    pub args: &'a str,
    /// The whole directive in the source, with its backslash when escaped.
    pub range: Range<usize>,
    /// Written `\{{#...}}`: to be rendered literally, without the backslash.
    pub escaped: bool,
}

/// The suite's directives in `text` whose events are `nodes`, escaped ones included, outside
/// code and raw HTML, in order. In one pass: however many unclosed `{{#` a chapter holds, each
/// search goes on where the last one stopped.
pub(super) fn find_directives<'a>(text: &'a str, nodes: &[Node]) -> Vec<Directive<'a>> {
    if !text.contains("{{#") {
        return Vec::new();
    }
    let excluded = merge_ranges(
        nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.kind,
                    NodeKind::Code
                        | NodeKind::Html
                        | NodeKind::InlineHtml
                        | NodeKind::Start(Element::CodeBlock)
                )
            })
            .map(Node::range)
            .collect(),
    );
    let in_excluded = |offset: usize| {
        let before = excluded.partition_point(|r| r.start <= offset);
        before > 0 && excluded[before - 1].contains(&offset)
    };
    let mut close = NextMatch::new("}");
    let mut open = NextMatch::new("{{");
    let mut blank = NextMatch::new("\n\n");
    let mut blank_crlf = NextMatch::new("\r\n\r\n");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{#").map(|i| from + i) {
        from = at + 3;
        let name_len =
            text[from..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(0);
        let name = &text[from..from + name_len];
        // As in mdBook, the arguments hold no `}`: the first one must close the directive.
        let Some(end) = close.after(text, from) else {
            break;
        };
        let args_start = from + name_len;
        let within = |next: Option<usize>| next.is_some_and(|n| n < end);
        let spans_blocks = within(open.after(text, args_start))
            || within(blank.after(text, args_start))
            || within(blank_crlf.after(text, args_start));
        let closed = text[end..].starts_with("}}");
        if !closed || !SUITE_DIRECTIVES.contains(&name) || spans_blocks || in_excluded(at) || in_excluded(end)
        {
            continue;
        }
        let escaped = text[..at].ends_with('\\');
        let start = if escaped { at - 1 } else { at };
        found.push(Directive { name, args: text[args_start..end].trim(), range: start..end + 2, escaped });
        from = end + 2;
    }
    found
}

/// The next match of a needle at or after a position, remembered between calls whose
/// positions only grow, so that a whole chapter is searched once.
struct NextMatch {
    needle: &'static str,
    found: Option<Option<usize>>,
}

impl NextMatch {
    fn new(needle: &'static str) -> Self {
        NextMatch { needle, found: None }
    }

    fn after(&mut self, text: &str, from: usize) -> Option<usize> {
        match self.found {
            Some(Some(at)) if at >= from => Some(at),
            Some(None) => None,
            _ => {
                let next = text[from..].find(self.needle).map(|i| from + i);
                self.found = Some(next);
                next
            }
        }
    }
}
