//! `vision-faq`: every story answers the required questions of its kind.
//!
//! For each story (and each cast member's page or section), the FAQ is found (a heading that
//! contains "Frequently Asked Questions", or a `<details>` whose summary does), its questions
//! are read (headings, or bold list items and bold paragraphs), and each required question of
//! the kind is looked for, ignoring case, emphasis, links, HTML, trailing punctuation and
//! "(Optional)". A missing FAQ, a missing question, a question that almost matches, and an
//! empty or placeholder answer are reported; optionally a notice lists what is missing.

mod matching;

use std::ops::Range;

use mdbook_vision_core::codes;
use mdbook_vision_core::config::{QuestionRule, Settings};
use mdbook_vision_core::diagnostics::Diagnostic;
use mdbook_vision_core::feature::{Feature, FeatureId, PageEditor};
use mdbook_vision_core::generate::escape_text;
use mdbook_vision_core::generated::{NOTICE_MARKER, is_notice_marker};
use mdbook_vision_core::markdown::{Document, Element, Node, NodeKind, end_of};
use mdbook_vision_core::model::{GlobSet, Kind, PageId, VisionBook, build_globs, section_of};
use mdbook_vision_core::splice::Edits;

use crate::matching::{NEAR, Pattern, normalize};

/// The words that mark the FAQ section.
pub const FAQ_TITLE: &str = "frequently asked questions";

/// Answers that are only placeholders.
const PLACEHOLDERS: &[&str] = &["", "xxx", "todo", "tbd"];

/// The `vision-faq` feature.
#[derive(Debug, Default, Clone, Copy)]
pub struct Faq;

impl Feature for Faq {
    fn id(&self) -> FeatureId {
        FeatureId::Faq
    }

    fn check_settings(&self, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
        build_globs(&settings.faq_exclude, "faq-exclude", diagnostics);
        settings.check_kind_keys("required-questions", settings.required_questions.keys(), diagnostics);
    }

    fn prepare<'b>(&self, book: &'b VisionBook<'b>, _: &mut Vec<Diagnostic>) -> Box<dyn PageEditor + 'b> {
        // `check_settings` reported bad globs once.
        let exclude = build_globs(&book.settings.faq_exclude, "faq-exclude", &mut Vec::new());
        let rules = book.kinds.names().map(|kind| book.settings.required_questions_of(kind)).collect();
        Box::new(FaqChecker { book, exclude, rules })
    }
}

/// The FAQ checker prepared for a book.
struct FaqChecker<'b> {
    book: &'b VisionBook<'b>,
    /// The pages whose FAQ is not checked.
    exclude: GlobSet,
    /// The required questions of each kind, by the kind's position among the book's kinds.
    rules: Vec<Vec<QuestionRule>>,
}

impl PageEditor for FaqChecker<'_> {
    fn edit_page(&self, page: PageId, edits: &mut Edits, diagnostics: &mut Vec<Diagnostic>) {
        let book = self.book;
        if self.exclude.is_match(book.page(page).source.file().unwrap_or_default()) {
            return;
        }
        for subject in subjects(book, page) {
            let rules = self.rules_of(subject.kind);
            if !rules.is_empty() {
                check_subject(book, &subject, rules, edits, diagnostics);
            }
        }
    }
}

impl FaqChecker<'_> {
    /// The required questions of `kind`.
    fn rules_of(&self, kind: Kind) -> &[QuestionRule] {
        self.rules.get(kind.index()).map_or(&[], Vec::as_slice)
    }
}

/// Where the line of a heading that ends at `end` ends, after its line ending.
fn heading_end(text: &str, end: usize) -> usize {
    match text[end..].find('\n') {
        Some(_) if text[..end].ends_with('\n') => end,
        Some(newline) => end + newline + 1,
        None => text.len(),
    }
}

/// Something whose FAQ is checked: a story, or a cast member without a story block.
struct Subject {
    page: PageId,
    kind: Kind,
    /// The names NAME stands for.
    characters: Vec<String>,
    /// The bytes of the chapter it covers.
    section: Range<usize>,
}

impl Subject {
    /// What the subject is called in messages.
    fn noun(&self) -> &'static str {
        match self.kind {
            Kind::CHARACTER => "character",
            Kind::DESIGN_DOC => "design doc",
            _ => "story",
        }
    }
}

fn subjects(book: &VisionBook<'_>, page: PageId) -> Vec<Subject> {
    let doc = &book.page(page).doc;
    let mut subjects: Vec<Subject> = book
        .stories_on(page)
        .iter()
        .map(|story| {
            let characters: Vec<String> = if story.kind == Kind::CHARACTER && story.meta.character.is_empty()
            {
                book.cast_on(page)
                    .filter(|(_, c)| story.anchor.is_none() || c.anchor == story.anchor)
                    .map(|(_, c)| c.name.clone())
                    .collect()
            } else {
                book.characters_of(story).to_vec()
            };
            Subject { page, kind: story.kind, characters, section: story.section.clone() }
        })
        .collect();
    if subjects.iter().all(|s| s.kind != Kind::CHARACTER) {
        for (_, character) in book.cast_on(page) {
            let heading = character.anchor.as_ref().and_then(|a| doc.headings.iter().find(|h| &h.id == a));
            subjects.push(Subject {
                page,
                kind: Kind::CHARACTER,
                characters: vec![character.name.clone()],
                section: heading.map_or(0..doc.text.len(), |h| section_of(doc, h)),
            });
        }
    }
    subjects
}

/// A question asked in a FAQ, and its answer.
struct Question {
    text: String,
    range: Range<usize>,
    answer: String,
}

/// A FAQ section: where it is announced, and its questions.
struct FaqSection {
    /// Its heading, or its `<summary>` line.
    title: Range<usize>,
    /// Where a notice goes: after its heading, or before its `<details>` block.
    notice_at: usize,
    /// Its questions.
    questions: Vec<Question>,
}

fn check_subject(
    book: &VisionBook<'_>,
    subject: &Subject,
    rules: &[QuestionRule],
    edits: &mut Edits,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let page = book.page(subject.page);
    let doc = &page.doc;
    let level = book.settings.faq_severity.level();
    let expected: Vec<String> =
        rules.iter().map(|r| wording_for(r.question(), &subject.characters)).collect();
    let Some(faq) = find_faq(doc, subject.section.clone()) else {
        let at = doc
            .headings
            .iter()
            .find(|h| h.range.start >= subject.section.start)
            .map_or(0..0, |h| h.range.clone());
        diagnostics.push(
            Diagnostic::new(
                codes::FAQ_MISSING,
                format!("this {} has no \"Frequently Asked Questions\" section", subject.noun()),
            )
            .with_level(level)
            .at(page.location(at))
            .with_help(format!("add a FAQ section answering: {}", expected.join(" / "))),
        );
        if book.settings.render_missing && !has_notice(doc, subject.section.clone()) {
            let title = format!("This {} has no FAQ section. Required questions", subject.noun());
            edits.insert(subject.section.end, notice(doc, subject.section.end, "", &title, &expected));
        }
        return;
    };
    let patterns: Vec<Vec<Pattern>> = rules
        .iter()
        .map(|rule| rule.wordings().iter().map(|w| Pattern::new(w, &subject.characters)).collect())
        .collect();
    let normalized: Vec<String> = faq.questions.iter().map(|q| normalize(&q.text)).collect();
    let asked = |question: usize, rule: usize| {
        patterns[rule].iter().any(|p| p.matches_normalized(&normalized[question]))
    };
    let unmatched: Vec<&Question> = faq
        .questions
        .iter()
        .enumerate()
        .filter(|(q, _)| (0..rules.len()).all(|r| !asked(*q, r)))
        .map(|(_, question)| question)
        .collect();
    let mut near_misses_used = vec![false; unmatched.len()];
    let mut missing = Vec::new();
    for (index, rule) in expected.iter().enumerate() {
        if (0..faq.questions.len()).any(|q| asked(q, index)) {
            continue;
        }
        missing.push(rule.clone());
        let nearest = unmatched
            .iter()
            .enumerate()
            .filter(|(n, _)| !near_misses_used[*n])
            .map(|(n, q)| (n, patterns[index].iter().map(|p| p.nearness(&q.text)).fold(0.0, f64::max)))
            .filter(|(_, score)| *score >= NEAR)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        diagnostics.push(match nearest {
            Some((n, _)) => {
                near_misses_used[n] = true;
                let question = unmatched[n];
                Diagnostic::new(
                    codes::FAQ_NEAR_MISS,
                    format!(
                        "the question \"{}\" is close to, but not, a required question",
                        question.text.trim()
                    ),
                )
                .with_level(level)
                .at(page.location(question.range.clone()))
                .with_help(format!("the required wording is \"{rule}\""))
            }
            None => Diagnostic::new(codes::FAQ_MISSING_QUESTION, format!("the FAQ does not ask \"{rule}\""))
                .with_level(level)
                .at(page.location(faq.title.clone()))
                .with_help(format!("add the question \"{rule}\" to the FAQ, with its answer")),
        });
    }
    for question in &faq.questions {
        let answer = normalize(&question.answer);
        if PLACEHOLDERS.contains(&answer.as_str()) {
            let what = if answer.is_empty() {
                "no answer".to_owned()
            } else {
                format!("only the placeholder `{}`", question.answer.trim())
            };
            diagnostics.push(
                Diagnostic::new(
                    codes::FAQ_EMPTY_ANSWER,
                    format!("the question \"{}\" has {what}", question.text.trim()),
                )
                .with_level(level)
                .at(page.location(question.range.clone()))
                .with_help("answer it, or remove the question if it is not required"),
            );
        }
    }
    if book.settings.render_missing && !missing.is_empty() && !has_notice(doc, subject.section.clone()) {
        let prefix = doc.continuation_prefix(faq.title.start);
        let title = "This FAQ is missing required questions";
        edits.insert(faq.notice_at, notice(doc, faq.notice_at, &prefix, title, &missing));
    }
}

/// `rule` with NAME replaced by the story's characters, for messages.
fn wording_for(rule: &str, characters: &[String]) -> String {
    match characters {
        [] => rule.to_owned(),
        names => rule.replace("NAME", &names.join(" or ")),
    }
}

/// The notice `render-missing` inserts at `at`: a marker line, then a block quote listing
/// `items`, as blocks of their own in the container whose lines start with `prefix`. At the
/// start of a line it goes between blank lines; after a line's container markers it ends by
/// restoring them for the text that was there.
fn notice(doc: &Document<'_>, at: usize, prefix: &str, title: &str, items: &[String]) -> String {
    let le = doc.line_ending();
    let blank = prefix.trim_end();
    let list: Vec<String> = items.iter().map(|item| escape_text(item)).collect();
    let body = format!("{NOTICE_MARKER}{le}{prefix}> ⚠️ **{}:** {}", escape_text(title), list.join(" · "));
    let text = &doc.text[..at];
    if at == doc.text.len() {
        let ending = if text.is_empty() || text.ends_with('\n') { "" } else { le };
        format!("{ending}{blank}{le}{prefix}{body}{le}")
    } else if text.is_empty() || text.ends_with('\n') {
        let after_blank_line = text.ends_with(&format!("{le}{blank}{le}")) || text == format!("{blank}{le}");
        let opening = if after_blank_line { String::new() } else { format!("{blank}{le}") };
        format!("{opening}{prefix}{body}{le}{blank}{le}")
    } else {
        format!("{body}{le}{blank}{le}{prefix}")
    }
}

fn has_notice(doc: &Document<'_>, section: Range<usize>) -> bool {
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
/// a higher level; or inside a `<details>` whose summary names it.
fn find_faq(doc: &Document<'_>, section: Range<usize>) -> Option<FaqSection> {
    let nodes = nodes_in(doc, section);
    for (index, node) in nodes.iter().enumerate() {
        match node.kind {
            NodeKind::Start(Element::Heading(level)) => {
                let range = node.range();
                let heading = doc.headings.iter().find(|h| h.range.start == range.start)?;
                if !heading.title.to_lowercase().contains(FAQ_TITLE) {
                    continue;
                }
                let body_start = end_of(nodes, index) + 1;
                let body_end = nodes[body_start..]
                    .iter()
                    .position(|n| matches!(n.kind, NodeKind::Start(Element::Heading(l)) if l <= level))
                    .map_or(nodes.len(), |p| body_start + p);
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

/// Whether `html` opens a `<summary>` that holds "Frequently Asked Questions", on its line or
/// on the next few lines of the same HTML block.
fn summary_names_faq(doc: &Document<'_>, html: &str, following: &[Node]) -> bool {
    let mut summary = html.to_lowercase();
    if !summary.contains("<summary") {
        return false;
    }
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

/// The questions of a FAQ body: its headings when it has any, else its bold list items and
/// bold paragraphs that ask something.
fn read_faq(doc: &Document<'_>, title: Range<usize>, notice_at: usize, body: &[Node]) -> FaqSection {
    let heading_starts: Vec<usize> = body
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::Start(Element::Heading(_))))
        .map(|(i, _)| i)
        .collect();
    let questions = if heading_starts.is_empty() {
        bold_questions(doc, body)
    } else {
        heading_starts
            .iter()
            .enumerate()
            .map(|(n, &start)| {
                let end = end_of(body, start);
                let answer_end = heading_starts.get(n + 1).copied().unwrap_or(body.len());
                Question {
                    text: doc.text_as_written(&body[start + 1..end]),
                    range: body[start].range(),
                    answer: doc.plain_text(body.get(end + 1..answer_end).unwrap_or_default()),
                }
            })
            .collect()
    };
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
            question.answer.push(' ');
            question.answer.push_str(&doc.plain_text(&body[index..=block_end.min(body.len() - 1)]));
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
    Some(Question { text, range: nodes[start].range(), answer: doc.plain_text(&answer_nodes) })
}
