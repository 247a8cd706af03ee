//! What a kind's FAQ must ask: the configured questions, else the book's own template's, else
//! the seed's questions as suggestions only.

use mdbook_vision_core::config::{QuestionRule, QuestionWithAliases, Settings};
use mdbook_vision_core::model::{Kind, VisionBook};

use crate::matching::normalize;
use crate::reading::{find_faq, on_one_line};

/// What the FAQ of a kind of page must ask, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// The `required-questions` setting names them.
    Configured(Vec<QuestionRule>),
    /// The book's template page for the kind asks them: the page's path, its questions that
    /// are not marked "(Optional)", and the answers it gives them (normalized), which in a
    /// story are placeholders left unanswered.
    Template(String, Vec<QuestionRule>, Vec<String>),
    /// Neither: the seed's questions, suggested in a note, never required.
    Suggested(Vec<QuestionRule>),
}

impl Requirement {
    /// The questions.
    pub fn rules(&self) -> &[QuestionRule] {
        match self {
            Requirement::Configured(rules)
            | Requirement::Template(_, rules, _)
            | Requirement::Suggested(rules) => rules,
        }
    }

    /// The template's answers (normalized, none empty): a story that gives one of them has
    /// not answered.
    pub fn template_answers(&self) -> &[String] {
        match self {
            Requirement::Template(_, _, answers) => answers,
            _ => &[],
        }
    }

    /// Whether the questions are only suggestions.
    pub fn is_suggestion(&self) -> bool {
        matches!(self, Requirement::Suggested(_))
    }

    /// Where the questions come from, for messages.
    pub fn origin(&self) -> String {
        match self {
            Requirement::Configured(_) => "`required-questions` in book.toml".to_owned(),
            Requirement::Template(path, _, _) => format!("the template {path}"),
            Requirement::Suggested(_) => "the template of the Async vision doc".to_owned(),
        }
    }
}

/// What the FAQ of a page of `kind` must ask in `book`.
pub fn requirement_of(book: &VisionBook<'_>, kind: Option<Kind>) -> Requirement {
    let Some(kind) = kind else { return Requirement::Suggested(Vec::new()) };
    let name = book.kinds.name(kind);
    if let Some(configured) = book.settings.configured_questions(name) {
        return Requirement::Configured(configured.to_vec());
    }
    if let Some(template) = book.template_of(kind) {
        let page = book.page(template);
        let questions =
            find_faq(&page.doc, 0..page.doc.text.len()).map(|faq| faq.questions).unwrap_or_default();
        let suggested = Settings::suggested_questions(name);
        let required = questions
            .iter()
            .filter(|q| !q.text.to_lowercase().contains("(optional)"))
            .map(|q| with_known_aliases(q.text.trim(), &suggested))
            .collect();
        let prompts = questions.iter().filter(|q| is_prompt(&page.doc.text[q.answer_span.clone()]));
        let answers = prompts.map(|q| normalize(&q.answer)).filter(|a| !a.is_empty()).collect();
        return Requirement::Template(page.display_path.clone(), required, answers);
    }
    Requirement::Suggested(Settings::suggested_questions(name))
}

/// Whether a template's answer, as written, is a prompt to the writer rather than an answer
/// to keep: all in emphasis (`*Talk about the major takeaways*`) or in parentheses
/// (`(Explain your key points here)`), list markers aside.
fn is_prompt(written: &str) -> bool {
    let text = on_one_line(written);
    let wrapped = |open: char, close: char| text.len() > 1 && text.starts_with(open) && text.ends_with(close);
    wrapped('*', '*') || wrapped('_', '_') || wrapped('(', ')')
}

/// The rule of a template's question: the seed's rule with its aliases when the template asks
/// one of the seed's questions, else the question alone.
fn with_known_aliases(question: &str, suggested: &[QuestionRule]) -> QuestionRule {
    let asked = normalize(question);
    match suggested.iter().find(|rule| normalize(rule.question()) == asked) {
        Some(QuestionRule::WithAliases(known)) => QuestionRule::WithAliases(QuestionWithAliases {
            question: question.to_owned(),
            aliases: known.aliases.clone(),
        }),
        _ => QuestionRule::Question(question.to_owned()),
    }
}
