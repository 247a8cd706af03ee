//! Checking a subject's FAQ against what its kind requires, and the findings.

use mdbook_vision_core::codes;
use mdbook_vision_core::config::{QuestionRule, toml_key};
use mdbook_vision_core::diagnostics::{Diagnostic, Level};
use mdbook_vision_core::generate::escape_text;
use mdbook_vision_core::generated::NOTICE_MARKER;
use mdbook_vision_core::markdown::Document;
use mdbook_vision_core::model::{Page, VisionBook};
use mdbook_vision_core::splice::Edits;

use crate::Subject;
use crate::matching::{NEAR, Pattern, normalize};
use crate::reading::{FaqSection, Question, find_faq, has_notice, on_one_line};
use crate::requirements::Requirement;

/// Answers that are only placeholders.
const PLACEHOLDERS: &[&str] = &["", "xxx", "todo", "tbd"];

/// What is wrong with a subject's FAQ.
#[derive(Debug, Default)]
pub(crate) struct Gaps {
    /// The required questions it does not ask, NAME filled in.
    pub missing: Vec<String>,
    /// Whether it has no FAQ at all.
    pub no_faq: bool,
}

/// Checks `subject`'s FAQ against `requirement`. Required questions are reported, and noted
/// in the page with `render-missing`; suggested ones are returned, for the page's one note.
pub(crate) fn check_subject(
    book: &VisionBook<'_>,
    subject: &Subject,
    requirement: &Requirement,
    patterns: &RulePatterns,
    edits: &mut Edits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Gaps {
    let rules = requirement.rules();
    // Worded (NAME filled in) only for what a finding or notice names.
    let wording = |rule: usize| wording_for(rules[rule].question(), subject.character.as_deref());
    let found = subject
        .places
        .iter()
        .find_map(|(page, section)| find_faq(&book.page(*page).doc, section.clone()).map(|faq| (*page, faq)));
    let Some((page, faq)) = found else {
        let expected: Vec<String> = (0..rules.len()).map(wording).collect();
        if !requirement.is_suggestion() {
            report_missing_faq(book, subject, requirement, &expected, edits, diagnostics);
        }
        return Gaps { missing: expected, no_faq: true };
    };
    let page = book.page(page);
    let level = book.settings.faq_severity.level();
    let asked = Asked::new(patterns, subject, &faq);
    let unasked: Vec<usize> = (0..rules.len()).filter(|&rule| !asked.any_asks(rule)).collect();
    let mut missing = Vec::new();
    let mut near_misses_used = vec![false; faq.questions.len()];
    for &rule in &unasked {
        match asked.near_miss(rule, &near_misses_used) {
            Some((question, nearest)) if !requirement.is_suggestion() => {
                near_misses_used[question] = true;
                let nearest = wording_for(&nearest, subject.character.as_deref());
                diagnostics.push(near_miss(page, &faq.questions[question], &nearest, level));
            }
            _ => missing.push(wording(rule)),
        }
    }
    if requirement.is_suggestion() {
        return Gaps { missing, no_faq: false };
    }
    if !missing.is_empty() {
        diagnostics.push(missing_questions(page, &faq, &missing, requirement, level));
    }
    report_placeholders(page, &faq, requirement.template_answers(), level, diagnostics);
    let all_missing: Vec<String> = unasked.into_iter().map(wording).collect();
    let section = subject.places.iter().find(|(p, _)| book.page(*p).display_path == page.display_path);
    let notice_section = section.map_or(0..0, |(_, s)| s.clone());
    if book.settings.render_missing && !all_missing.is_empty() && !has_notice(&page.doc, notice_section) {
        let doc = &page.doc;
        let prefix = doc.continuation_prefix(faq.title.start);
        let title = "This FAQ is missing required questions";
        edits.insert(faq.notice_at, notice(doc, faq.notice_at, &prefix, title, &all_missing));
    }
    Gaps { missing: Vec::new(), no_faq: false }
}

/// The patterns of a requirement's rules, made once per run: for each rule, each of its
/// wordings (the question, then its aliases) with its pattern.
pub(crate) struct RulePatterns(Vec<Vec<(Pattern, String)>>);

impl RulePatterns {
    /// The patterns of `rules`.
    pub(crate) fn new(rules: &[QuestionRule]) -> Self {
        let wordings = |rule: &QuestionRule| {
            rule.wordings().into_iter().map(|w| (Pattern::new(w), w.to_owned())).collect()
        };
        RulePatterns(rules.iter().map(wordings).collect())
    }
}

/// Which questions of a FAQ ask which rules.
struct Asked<'r> {
    patterns: &'r [Vec<(Pattern, String)>],
    /// The names NAME stands for, normalized.
    names: Vec<String>,
    normalized: Vec<String>,
    texts: Vec<&'r str>,
}

impl<'r> Asked<'r> {
    fn new(patterns: &'r RulePatterns, subject: &Subject, faq: &'r FaqSection) -> Self {
        Asked {
            patterns: &patterns.0,
            names: subject.characters.iter().map(|n| normalize(n)).collect(),
            normalized: faq.questions.iter().map(|q| normalize(&q.text)).collect(),
            texts: faq.questions.iter().map(|q| q.text.as_str()).collect(),
        }
    }

    /// Whether question `question` asks rule `rule`.
    fn asks(&self, question: usize, rule: usize) -> bool {
        self.patterns[rule].iter().any(|(p, _)| p.matches_normalized(&self.normalized[question], &self.names))
    }

    /// Whether any question asks rule `rule`.
    fn any_asks(&self, rule: usize) -> bool {
        (0..self.normalized.len()).any(|q| self.asks(q, rule))
    }

    /// The question, not yet used and asking no rule, closest to a wording (or alias) of rule
    /// `rule`, with that wording.
    fn near_miss(&self, rule: usize, used: &[bool]) -> Option<(usize, String)> {
        (0..self.normalized.len())
            .filter(|&q| !used[q] && (0..self.patterns.len()).all(|r| !self.asks(q, r)))
            .flat_map(|q| {
                self.patterns[rule].iter().map(move |(p, w)| (q, w, p.nearness(self.texts[q], &self.names)))
            })
            .filter(|(_, _, score)| *score >= NEAR)
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(q, wording, _)| (q, wording.clone()))
    }
}

fn report_missing_faq(
    book: &VisionBook<'_>,
    subject: &Subject,
    requirement: &Requirement,
    expected: &[String],
    edits: &mut Edits,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some((page_id, section)) = subject.places.first() else { return };
    let page = book.page(*page_id);
    let doc = &page.doc;
    let at = doc.first_heading_from(section.start).map_or(0..0, |h| h.range.clone());
    diagnostics.push(
        Diagnostic::new(
            codes::FAQ_MISSING,
            format!("this {} has no \"Frequently Asked Questions\" section", subject.noun()),
        )
        .with_level(book.settings.faq_severity.level())
        .at(page.location(at))
        .with_help(format!(
            "add a FAQ section answering: {} (from {})",
            expected.join(" / "),
            requirement.origin()
        )),
    );
    if book.settings.render_missing && !has_notice(doc, section.clone()) {
        let title = format!("This {} has no FAQ section. Required questions", subject.noun());
        edits.insert(section.end, notice(doc, section.end, "", &title, expected));
    }
}

fn near_miss(page: &Page<'_>, question: &Question, nearest: &str, level: Level) -> Diagnostic {
    Diagnostic::new(
        codes::FAQ_NEAR_MISS,
        format!("the question \"{}\" is close to, but not, a required question", question.text.trim()),
    )
    .with_level(level)
    .at(page.location(question.range.clone()))
    .with_help(format!("the required wording is \"{nearest}\""))
}

fn missing_questions(
    page: &Page<'_>,
    faq: &FaqSection,
    missing: &[String],
    requirement: &Requirement,
    level: Level,
) -> Diagnostic {
    let message = match missing {
        [one] => format!("the FAQ does not ask \"{one}\""),
        many => {
            format!("the FAQ does not ask {} required questions: \"{}\"", many.len(), many.join("\", \""))
        }
    };
    let add = if missing.len() == 1 {
        "add it to the FAQ, with its answer"
    } else {
        "add them to the FAQ, with their answers"
    };
    Diagnostic::new(codes::FAQ_MISSING_QUESTION, message)
        .with_level(level)
        .at(page.location(faq.title.clone()))
        .with_help(format!("{add}; the questions come from {}", requirement.origin()))
}

/// Reports each question of `faq` left unanswered: no answer, a placeholder (`XXX`), or the
/// template's own answer (one of `template_answers`).
fn report_placeholders(
    page: &Page<'_>,
    faq: &FaqSection,
    template_answers: &[String],
    level: Level,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for question in &faq.questions {
        let answer = normalize(&question.answer);
        let what = if answer.is_empty() {
            "no answer".to_owned()
        } else if PLACEHOLDERS.contains(&answer.as_str()) {
            format!("only the placeholder `{}`", question.answer.trim())
        } else if template_answers.contains(&answer) {
            let written = on_one_line(page.doc.text.get(question.answer_span.clone()).unwrap_or_default());
            format!("only the template's answer “{}”", shortened(&written))
        } else {
            continue;
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

/// `text` cut to its first 60 characters, with `…` when it was longer.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

/// The one note of a page whose subjects miss questions the seed only suggests. `gaps` holds
/// each subject's noun, kind and gaps.
pub(crate) fn suggestion_note(page: &Page<'_>, gaps: &[(&'static str, &str, Gaps)]) -> Option<Diagnostic> {
    let short: Vec<&(&'static str, &str, Gaps)> =
        gaps.iter().filter(|(_, _, g)| g.no_faq || !g.missing.is_empty()).collect();
    let message = match short.as_slice() {
        [] => return None,
        [(noun, _, gap)] if gap.no_faq => {
            format!("this {noun} has no \"Frequently Asked Questions\" section")
        }
        [(noun, _, gap)] => format!(
            "this {noun}'s FAQ does not ask {} of the questions the Async vision doc's template asks",
            gap.missing.len()
        ),
        several => format!(
            "{} of this page's {} do not ask all the questions the Async vision doc's template asks",
            several.len(),
            plural(several[0].0)
        ),
    };
    let mut questions: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for (_, kind, gap) in &short {
        for question in &gap.missing {
            if !questions.contains(&question.as_str()) {
                questions.push(question);
            }
        }
        if !kinds.contains(kind) {
            kinds.push(kind);
        }
    }
    let silence: Vec<String> =
        kinds.iter().map(|kind| format!("`required-questions.{} = []`", toml_key(kind))).collect();
    let at = page.doc.first_heading().map_or(0..0, |h| h.range.clone());
    Some(Diagnostic::new(codes::FAQ_SUGGESTED, message).at(page.location(at)).with_help(format!(
        "only a suggestion, since the book has no template for this kind of page: {}; a `template.md` among the kind's pages, or `required-questions`, makes questions required, and {} asks none",
        questions.join(" / "),
        silence.join(" or ")
    )))
}

/// The plural of a subject's noun.
fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

/// `rule` with NAME replaced by the story's character, for messages.
fn wording_for(rule: &str, character: Option<&str>) -> String {
    match character {
        Some(name) => rule.replace("NAME", name),
        None => rule.to_owned(),
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
