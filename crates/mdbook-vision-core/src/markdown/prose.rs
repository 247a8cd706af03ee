//! Prose: the text of a chapter that is written for readers, where names may be linked; and
//! the names mentioned in it, found in one scan for a whole cast.

use std::ops::Range;

use aho_corasick::{AhoCorasick, Match, MatchKind, packed};

use super::nodes::{Element, Node, NodeKind, Nodes};
use super::{Document, merge_ranges};

/// A stretch of prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    /// Its bytes in the source.
    pub range: Range<usize>,
    /// Whether it is in a heading.
    pub in_heading: bool,
}

impl Document<'_> {
    /// The chapter's prose: its text outside code, links, images, raw HTML, link reference
    /// definitions, front matter, the suite's directives and the blocks the suite generated.
    /// Emphasis, list items, block quotes, table cells and headings are prose.
    pub fn prose(&self) -> Vec<Prose> {
        let holes = merge_ranges(
            self.directives.iter().map(|d| d.range.clone()).chain(self.generated.iter().cloned()).collect(),
        );
        // Texts are about half of a chapter's events.
        let mut prose = Vec::with_capacity(self.nodes.all().len() / 2);
        let mut skipped_depth = 0usize;
        let mut inline_html = InlineHtml::default();
        let mut heading_depth = 0usize;
        for node in self.nodes.all() {
            inline_html.observe(self.text, &self.nodes, node);
            match node.kind {
                NodeKind::End(
                    Element::Paragraph | Element::TableCell | Element::Heading(_) | Element::Item,
                ) => {
                    skipped_depth = skipped_depth.saturating_sub(1);
                    if matches!(node.kind, NodeKind::End(Element::Heading(_))) {
                        heading_depth = heading_depth.saturating_sub(1);
                    }
                }
                NodeKind::Start(element) if skipped_depth > 0 || skips(element) => skipped_depth += 1,
                NodeKind::Start(Element::Heading(_)) => heading_depth += 1,
                NodeKind::End(_) if skipped_depth > 0 => skipped_depth -= 1,
                NodeKind::Text if skipped_depth == 0 && !inline_html.is_open() => {
                    let in_heading = heading_depth > 0;
                    subtract(node.range(), &holes, |range| prose.push(Prose { range, in_heading }));
                }
                _ => {}
            }
        }
        prose
    }
}

/// How deep in raw HTML written inline the nodes of a chapter are, as they are walked in
/// order: an opening tag goes one element in, a closing tag one out, and the end of the
/// paragraph, table cell, heading or list item closes every element still open. Text inside
/// is HTML's, not prose.
#[derive(Debug, Default)]
pub(super) struct InlineHtml {
    depth: usize,
}

impl InlineHtml {
    /// Takes `node`, the next of the `nodes` of `text`, into account.
    // Inlined: it is called for every node of a chapter, and most nodes change nothing.
    #[inline(always)]
    pub(super) fn observe(&mut self, text: &str, nodes: &Nodes, node: &Node) {
        match node.kind {
            NodeKind::InlineHtml => self.tag(nodes.text_of(text, node)),
            NodeKind::End(Element::Paragraph | Element::TableCell | Element::Heading(_) | Element::Item) => {
                self.depth = 0;
            }
            _ => {}
        }
    }

    fn tag(&mut self, tag: &str) {
        self.depth = self.depth.saturating_add_signed(tag_depth(tag));
    }

    /// Whether an element opened inline is still open.
    pub(super) fn is_open(&self) -> bool {
        self.depth > 0
    }
}

/// Finds whole-word mentions of a set of names, all at once.
#[derive(Debug, Clone)]
pub struct NameFinder {
    search: Option<Search>,
    /// For each pattern of the automaton, the index of its name (empty names are left out).
    names: Vec<usize>,
    /// The bytes a name starts with: a text holding none of them mentions no one.
    first_bytes: [bool; 256],
}

/// A whole-word mention of one of a [`NameFinder`]'s names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Where it is.
    pub range: Range<usize>,
    /// Which name, by its index in the names the finder was made of.
    pub name: usize,
    /// Which of the ranges searched it is in, by its position among them.
    pub within: usize,
}

impl NameFinder {
    /// A finder of `names`.
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> Self {
        let (names, patterns): (Vec<usize>, Vec<&str>) =
            names.into_iter().enumerate().filter(|(_, name)| !name.is_empty()).unzip();
        let search = Search::new(&patterns);
        let mut first_bytes = [false; 256];
        for pattern in &patterns {
            first_bytes[usize::from(pattern.as_bytes()[0])] = true;
        }
        NameFinder { search, names, first_bytes }
    }

    /// Every whole-word mention of any name in `ranges` of `text`: not inside a longer word
    /// (`Alanna`) nor joined to one by a hyphen (`Grace-ful`); `Alan's` mentions `Alan`. Sorted
    /// by position; where names overlap, the longest wins (`Alan Turing`, not `Alan`).
    pub fn find<'r>(&self, text: &str, ranges: impl IntoIterator<Item = &'r Range<usize>>) -> Vec<Mention> {
        let Some(search) = &self.search else { return Vec::new() };
        let ranges: Vec<&Range<usize>> = ranges.into_iter().collect();
        let in_order = ranges.windows(2).all(|pair| pair[0].end <= pair[1].start);
        let (Some(first), Some(last), true) = (ranges.first(), ranges.last(), in_order) else {
            return self.find_in_each(search, text, ranges.iter().copied().enumerate());
        };
        // Starting a search costs more than most stretches of prose take to search: the text
        // from the first range to the last is searched once. A name found across the edge of
        // a range, or from outside into one, may hide what a search of that range alone would
        // find: those ranges are searched again on their own.
        let span = first.start..last.end;
        // Room for a mention in every other stretch, as stories have, so that the list seldom
        // grows; the room itself costs nothing until it is written.
        let mut found = Vec::with_capacity(ranges.len() / 2);
        let mut again = vec![false; ranges.len()];
        // The ranges that start at or before the latest match: matches come in order.
        let mut started = 0;
        search.each_match(&text[span.clone()], |hit| {
            let (start, end) = (span.start + hit.start(), span.start + hit.end());
            started += ranges[started..].iter().take_while(|r| r.start <= start).count();
            match started.checked_sub(1) {
                Some(within) if end <= ranges[within].end => {
                    found.extend(self.whole_word(text, start..end, hit.pattern().as_usize(), within));
                }
                _ => {
                    let first = ranges.partition_point(|r| r.end <= start);
                    let past = ranges.partition_point(|r| r.start < end);
                    again.iter_mut().take(past).skip(first).for_each(|a| *a = true);
                }
            }
        });
        if again.contains(&true) {
            found.retain(|m| !again[m.within]);
            let searched_again = ranges.iter().copied().enumerate().filter(|(index, _)| again[*index]);
            found.extend(self.find_in_each(search, text, searched_again));
            found.sort_by_key(|m| m.range.start);
        }
        found
    }

    /// [`NameFinder::find`] in each of `ranges` (with their positions) on its own.
    fn find_in_each<'r>(
        &self,
        search: &Search,
        text: &str,
        ranges: impl Iterator<Item = (usize, &'r Range<usize>)>,
    ) -> Vec<Mention> {
        let mut found = Vec::new();
        for (within, range) in ranges {
            let searched = &text[range.clone()];
            // Most stretches of prose mention no one: looking for where a name could start is
            // much cheaper than starting a search.
            if !searched.bytes().any(|b| self.first_bytes[usize::from(b)]) {
                continue;
            }
            search.each_match(searched, |hit| {
                let found_at = range.start + hit.start()..range.start + hit.end();
                found.extend(self.whole_word(text, found_at, hit.pattern().as_usize(), within));
            });
        }
        found
    }

    /// The mention of pattern `pattern` found at `range` of `text`, unless it is part of a
    /// longer word.
    fn whole_word(&self, text: &str, range: Range<usize>, pattern: usize, within: usize) -> Option<Mention> {
        let whole = !joined_before(&text[..range.start]) && !joined_after(&text[range.end..]);
        whole.then(|| Mention { range, name: self.names[pattern], within })
    }
}

/// The search for a finder's names, leftmost-longest: a packed searcher (Teddy, with SIMD)
/// where the CPU has one, else an Aho-Corasick automaton. Names are found often in prose, and
/// the packed searcher, which the automaton would use only to find where to start, confirms
/// each match itself: half the work per match.
#[derive(Debug, Clone)]
enum Search {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Search {
    /// The search for `patterns`; `None` when there are none.
    fn new(patterns: &[&str]) -> Option<Self> {
        if patterns.is_empty() {
            return None;
        }
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(patterns)
            .build();
        packed.map(Search::Packed).or_else(|| Search::automaton(patterns))
    }

    fn automaton(patterns: &[&str]) -> Option<Self> {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok()
            .map(Search::Automaton)
    }

    /// Gives `found` each match in `haystack`, in order, not overlapping.
    fn each_match(&self, haystack: &str, found: impl FnMut(Match)) {
        match self {
            Search::Packed(searcher) => searcher.find_iter(haystack).for_each(found),
            Search::Automaton(automaton) => automaton.find_iter(haystack).for_each(found),
        }
    }
}

/// Gives `keep` each piece of `range` outside all of `holes` (sorted, not overlapping), in
/// order.
fn subtract(range: Range<usize>, holes: &[Range<usize>], mut keep: impl FnMut(Range<usize>)) {
    let first = holes.partition_point(|h| h.end <= range.start);
    let mut start = range.start;
    for hole in holes[first..].iter().take_while(|h| h.start < range.end).filter(|h| h.end > range.start) {
        if hole.start > start {
            keep(start..hole.start);
        }
        start = start.max(hole.end);
    }
    if start < range.end {
        keep(start..range.end);
    }
}

/// Whether an element is not prose.
fn skips(element: Element) -> bool {
    matches!(
        element,
        Element::CodeBlock | Element::Link | Element::Image | Element::HtmlBlock | Element::MetadataBlock
    )
}

/// How an inline HTML tag changes the nesting of raw HTML: +1 for an opening tag, -1 for a
/// closing one, 0 for a void or self-closing tag or a comment.
fn tag_depth(tag: &str) -> isize {
    const VOID: &[&str] = &["br", "img", "hr", "input", "wbr", "meta", "link", "area", "source"];
    let tag = tag.trim();
    let name: String =
        tag.trim_start_matches(['<', '/']).chars().take_while(char::is_ascii_alphanumeric).collect();
    if tag.starts_with("</") {
        -1
    } else if tag.starts_with("<!")
        || tag.ends_with("/>")
        || VOID.contains(&name.to_ascii_lowercase().as_str())
    {
        0
    } else {
        1
    }
}

/// Whether text ending `before` runs into a word starting right after it.
fn joined_before(before: &str) -> bool {
    let mut chars = before.chars().rev();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('-') => chars.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// Whether `after` continues the word that ends right before it.
fn joined_after(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some(c) if c.is_alphanumeric() || c == '_' => true,
        Some('-') => chars.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What searching each range on its own finds: the meaning of [`NameFinder::find`].
    fn range_by_range(finder: &NameFinder, text: &str, ranges: &[Range<usize>]) -> Vec<Mention> {
        let mut found = Vec::new();
        for (within, range) in ranges.iter().enumerate() {
            found.extend(finder.find(text, [range]).into_iter().map(|m| Mention { within, ..m }));
        }
        found
    }

    #[test]
    fn a_name_across_the_edge_of_a_range_hides_nothing() {
        let finder = NameFinder::new(["Alan", "Alan Turing", "Grace"]);
        let text = "Alan Turing met `Grace` and Grace-ful Alan";
        // "Alan Turing" runs across the edge of the first range: "Alan" alone is in it.
        let ranges = [0..4, 5..16, 17..22, 24..42];
        let found = finder.find(text, &ranges);
        assert_eq!(found, range_by_range(&finder, text, &ranges));
        let names: Vec<&str> = found.iter().map(|m| &text[m.range.clone()]).collect();
        assert_eq!(names, ["Alan", "Grace", "Alan"]);
    }

    #[test]
    fn one_search_finds_what_a_search_of_each_range_finds() {
        const WORDS: &[&str] = &[
            "Alan",
            "Alan Turing",
            "Al",
            "Grace",
            "Barbara",
            "an",
            "Alanna",
            " ",
            "-",
            "'s",
            "`",
            "\n",
            "é",
        ];
        const NAMES: [&str; 5] = ["Alan", "Alan Turing", "Al", "Grace", "Barbara"];
        let finder = NameFinder::new(NAMES);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(matches!(finder.search, Some(Search::Packed(_))), "Teddy runs on this CPU");
        }
        let automaton = Search::automaton(&NAMES).expect("an automaton of five names");
        let matches = |search: &Search, text: &str| {
            let mut all = Vec::new();
            search.each_match(text, |m| all.push((m.pattern(), m.span())));
            all
        };
        let mut lcg = crate::testing::Lcg::default();
        let mut next = |bound: usize| lcg.below(bound);
        for _ in 0..2000 {
            let text: String = (0..next(24)).map(|_| WORDS[next(WORDS.len())]).collect();
            if let Some(search) = &finder.search {
                // Long enough for Teddy, which leaves haystacks shorter than a vector to Rabin-Karp.
                let long = text.repeat(8);
                assert_eq!(matches(search, &long), matches(&automaton, &long), "{long:?}");
            }
            let mut ranges = Vec::new();
            let mut at = 0;
            while at < text.len() {
                let start = at + next(6);
                let end = start + next(12);
                if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                    break;
                }
                ranges.push(start..end);
                at = end;
            }
            assert_eq!(
                finder.find(&text, &ranges),
                range_by_range(&finder, &text, &ranges),
                "{text:?} {ranges:?}"
            );
        }
    }
}
