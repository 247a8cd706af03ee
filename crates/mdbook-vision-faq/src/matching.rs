//! Matching questions against required wordings.

use foldhash::{HashSet, HashSetExt};

/// Stands for NAME while a wording is normalized.
const NAME: char = '\u{1}';
/// Stands for ALTERNATIVE-X while a wording is normalized.
const ANY: char = '\u{2}';

/// How close a question must be to a wording to be reported as a near miss.
pub const NEAR: f64 = 0.8;

/// `text` as questions are compared: lowercase, straight quotes, without emphasis, brackets,
/// leading symbols, a trailing "(optional)" or trailing punctuation, spaces collapsed.
pub fn normalize(text: &str) -> String {
    let mut normal = lowercase_cleaned(text);
    loop {
        let trimmed = normal
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '?' | '!' | '.' | ':' | ';' | ','));
        let trimmed = trimmed.strip_suffix("(optional)").unwrap_or(trimmed);
        if trimmed.len() == normal.len() {
            break;
        }
        normal.truncate(trimmed.len());
    }
    let symbols = normal.len()
        - normal.trim_start_matches(|c: char| !c.is_alphanumeric() && c != NAME && c != ANY).len();
    normal.drain(..symbols);
    normal
}

/// The ASCII characters a question is compared without: emphasis, brackets and backticks.
const DROPPED: &[u8] = b"*_[]`";

/// `text` lowercase, with straight quotes, without [`DROPPED`] characters and with one space
/// for each run of whitespace; a space at either end may be left for [`normalize`] to trim.
fn lowercase_cleaned(text: &str) -> String {
    if text.is_ascii() && !text.bytes().any(|b| b < b' ' || DROPPED.contains(&b)) && !text.contains("  ") {
        // Most questions: nothing to drop, no whitespace but single spaces, only letters to
        // lowercase.
        return text.to_ascii_lowercase();
    }
    let mut normal = String::with_capacity(text.len());
    if text.is_ascii() {
        // Lowercased byte by byte, without Unicode's case tables.
        push_normal_chars(&mut normal, text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else if text.contains('Σ') {
        // The one letter whose lowercase depends on its place in a word.
        push_normal_chars(&mut normal, text.to_lowercase().chars());
    } else {
        push_normal_chars(&mut normal, text.chars().flat_map(char::to_lowercase));
    }
    normal
}

/// Pushes `chars` (lowercase) to `normal`: straight quotes for curly ones, no emphasis,
/// brackets or backticks, and one space for each run of whitespace (none at the start).
fn push_normal_chars(normal: &mut String, chars: impl Iterator<Item = char>) {
    let mut space = false;
    for c in chars {
        let c = match c {
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            c if u8::try_from(c).is_ok_and(|b| DROPPED.contains(&b)) => continue,
            c => c,
        };
        if c.is_whitespace() {
            space = !normal.is_empty();
            continue;
        }
        if std::mem::take(&mut space) {
            normal.push(' ');
        }
        normal.push(c);
    }
}

/// Whether `question` asks `wording` (NAME and ALTERNATIVE-X standing for any text), or
/// nearly does: within a typo or a changed word, as a near miss is (`What status quo story or
/// stories are you retelling?` for `What status quo stories are you retelling?`).
pub fn asks_nearly(question: &str, wording: &str) -> bool {
    let pattern = Pattern::new(wording);
    pattern.matches_normalized(&normalize(question), &[]) || pattern.nearness(question, &[]) >= NEAR
}

/// A required wording, ready to match questions: made once per run, matched against the
/// questions of every subject with the names NAME stands for there.
#[derive(Debug, Clone)]
pub struct Pattern {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Name,
    Any,
}

impl Pattern {
    /// The pattern of `wording`, where NAME stands for a name and ALTERNATIVE-X for any text.
    pub fn new(wording: &str) -> Self {
        let marked = wording.replace("ALTERNATIVE-X", &ANY.to_string()).replace("NAME", &NAME.to_string());
        let mut parts = Vec::new();
        let mut text = String::new();
        for c in normalize(&marked).chars() {
            if c == NAME || c == ANY {
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(if c == NAME { Part::Name } else { Part::Any });
            } else {
                text.push(c);
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Pattern { parts }
    }

    /// Whether the question whose [`normalize`]d text is `question` asks this, NAME standing
    /// for one of the [`normalize`]d `names` (any text when there are none).
    pub fn matches_normalized(&self, question: &str, names: &[String]) -> bool {
        Matching { parts: &self.parts, names, text: question, failed: HashSet::new() }.matches_at(0, 0)
    }

    /// How close `question` is to this wording, from 0 to 1, and 0 when it matches: a typo or
    /// a changed word scores [`NEAR`] or more. NAME stands for one of the [`normalize`]d
    /// `names`.
    pub fn nearness(&self, question: &str, names: &[String]) -> f64 {
        let name = names.first().map_or("name", String::as_str);
        let example: String = self
            .parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.as_str(),
                Part::Name => name,
                Part::Any => "",
            })
            .collect();
        let question = normalize(question);
        let literal_only = self.parts.iter().all(|p| matches!(p, Part::Text(_) | Part::Name));
        let score = if literal_only {
            let typos = strsim::normalized_levenshtein(&example, &question);
            if one_word_changed(&example, &question) { typos.max(NEAR) } else { typos }
        } else {
            // With ALTERNATIVE-X, compare the wording's fixed text with the question's start,
            // cut at the length that fits best.
            let fixed = example.trim_end();
            let length = fixed.chars().count();
            (length.saturating_sub(3)..=length + 3)
                .map(|cut| question.chars().take(cut).collect::<String>())
                .map(|head| strsim::normalized_levenshtein(fixed, head.trim_end()))
                .fold(0.0, f64::max)
        };
        if self.matches_normalized(&question, names) { 0.0 } else { score }
    }
}

/// One match of a pattern's parts against a normalized question.
struct Matching<'m> {
    parts: &'m [Part],
    names: &'m [String],
    text: &'m str,
    /// The (part, position) pairs known not to match.
    failed: HashSet<(usize, usize)>,
}

impl Matching<'_> {
    /// Whether `text[at..]` matches the parts from `part` on. Each placeholder is tried once at
    /// each position, so however many a wording has, matching takes polynomial time.
    fn matches_at(&mut self, part: usize, at: usize) -> bool {
        let Some(current) = self.parts.get(part) else {
            return at == self.text.len();
        };
        let (text, names) = (self.text, self.names);
        let rest = &text[at..];
        if let Part::Text(literal) = current {
            return rest.starts_with(literal.as_str()) && self.matches_at(part + 1, at + literal.len());
        }
        if self.failed.contains(&(part, at)) {
            return false;
        }
        let matched = match current {
            // The character alone, or named among others (`Niklaus and Grace`, `Alan/YouBuy`):
            // any stretch that holds the first name mentioned.
            Part::Name if !names.is_empty() => first_name_end(rest, names).is_some_and(|first| {
                stretches(rest).filter(|&end| end >= first).any(|end| self.matches_at(part + 1, at + end))
            }),
            _ => stretches(rest)
                .any(|end| !rest[..end].trim().is_empty() && self.matches_at(part + 1, at + end)),
        };
        if !matched {
            self.failed.insert((part, at));
        }
        matched
    }
}

/// Whether `a` and `b` are the same words but one, however long (`why did you choose alan` and
/// `why did you choose bottlerocket`).
fn one_word_changed(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    a.len() == b.len() && a.len() >= 3 && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

/// The ends of the non-empty stretches that `text` starts with.
fn stretches(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.char_indices().skip(1).map(|(i, _)| i).chain(std::iter::once(text.len()))
}

/// Where the first whole-word mention of one of `names` in `text` ends.
fn first_name_end(text: &str, names: &[String]) -> Option<usize> {
    let whole_word = |at: usize, name: &str| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    };
    names
        .iter()
        .filter_map(|name| text.match_indices(name.as_str()).find(|&(at, name)| whole_word(at, name)))
        .map(|(at, name)| at + name.len())
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn normalizing_ignores_case_emphasis_links_and_trailing_punctuation() {
        assert_eq!(normalize("**What are the _morals_ of the story?**"), "what are the morals of the story");
        assert_eq!(
            normalize("🤔 Are you just making this stuff up? (Optional)"),
            "are you just making this stuff up"
        );
        assert_eq!(normalize("What is [Alan] most excited about?"), "what is alan most excited about");
        assert_eq!(normalize("Grace’s  question!!"), "grace's question");
    }

    #[test]
    fn name_matches_the_character_however_marked_up() {
        let pattern = named("What is NAME most excited about and why?", &names(&["Alan"]));
        for question in [
            "What is Alan most excited about and why?",
            "What is *Alan* most excited about and why",
            "what is [Alan] most excited about and why?",
        ] {
            assert!(pattern.matches(question), "{question}");
        }
        assert!(!pattern.matches("What is Grace most excited about and why?"));
    }

    #[test]
    fn name_matches_the_character_named_among_others() {
        let pattern = named("Why did you choose NAME to tell this story?", &names(&["niklaus"]));
        for question in [
            "Why did you choose Niklaus and Grace to tell this story?",
            "Why did you choose Grace and [Niklaus] to tell this story?",
            "Why did you choose Niklaus/TrafficMonitor to tell this story?",
        ] {
            assert!(pattern.matches(question), "{question}");
        }
        for question in [
            "Why did you choose Grace to tell this story?",
            "Why did you choose Niklausson to tell this story?",
            "Why did you choose to tell this story?",
        ] {
            assert!(!pattern.matches(question), "{question}");
        }
    }

    #[test]
    fn name_matches_any_name_when_the_story_has_no_character() {
        assert!(
            named("What is NAME most disappointed with?", &[]).matches("What is Zed most disappointed with?")
        );
    }

    #[test]
    fn alternative_x_matches_any_text() {
        let pattern = named("Why not do ALTERNATIVE-X?", &[]);
        assert!(pattern.matches("Why not do what the async-trait macro does and box every future?"));
        assert!(!pattern.matches("Why not do?"));
        assert!(!pattern.matches("Why bother?"));
    }

    /// A pattern with the names NAME stands for.
    struct Named(Pattern, Vec<String>);

    fn named(wording: &str, names: &[String]) -> Named {
        Named(Pattern::new(wording), names.iter().map(|n| normalize(n)).collect())
    }

    impl Named {
        fn matches(&self, question: &str) -> bool {
            self.0.matches_normalized(&normalize(question), &self.1)
        }

        fn is_near(&self, question: &str) -> bool {
            self.0.nearness(question, &self.1) >= NEAR
        }
    }

    #[test]
    fn near_misses_are_typos_or_a_changed_word() {
        let pattern = named("What are the morals of the story?", &[]);
        assert!(pattern.is_near("What are the morals of this story?"));
        assert!(pattern.is_near("What are the moarls of the story?"));
        assert!(!pattern.is_near("What are the morals of the story?"));
        assert!(!pattern.is_near("How did Alan feel?"));
        assert!(named("Why not do ALTERNATIVE-X?", &[]).is_near("Why no do the other thing?"));
        let named_alan = named("Why did you choose NAME to tell this story?", &names(&["alan"]));
        assert!(named_alan.is_near("Why did you choose *Bottlerocket* to tell this story?"));
        assert!(!named_alan.is_near("Why did you choose a story?"));
    }

    /// The first way `normalize` was written, which it must agree with.
    /// `text` as questions are compared: lowercase, straight quotes, without emphasis, brackets,
    /// leading symbols, a trailing "(optional)" or trailing punctuation, spaces collapsed.
    fn normalize_as_before(text: &str) -> String {
        let text: String = text
            .to_lowercase()
            .chars()
            .map(|c| match c {
                '‘' | '’' => '\'',
                '“' | '”' => '"',
                c => c,
            })
            .filter(|c| !matches!(c, '*' | '_' | '[' | ']' | '`'))
            .collect();
        let mut rest = text.as_str();
        loop {
            let trimmed = rest.trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, '?' | '!' | '.' | ':' | ';' | ',')
            });
            let trimmed = trimmed.strip_suffix("(optional)").unwrap_or(trimmed);
            if trimmed.len() == rest.len() {
                break;
            }
            rest = trimmed;
        }
        let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric() && c != NAME && c != ANY);
        let mut words = String::with_capacity(rest.len());
        for word in rest.split_whitespace() {
            if !words.is_empty() {
                words.push(' ');
            }
            words.push_str(word);
        }
        words
    }

    #[test]
    fn normalizing_in_one_pass_agrees_with_the_first_way_it_was_written() {
        const PIECES: &[&str] = &[
            "What",
            "ΣΑΣ",
            "Σ",
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "\u{b}",
            "\u{c}",
            "\u{1c}",
            "?",
            "!",
            ".",
            ":",
            "(optional)",
            "(Optional)",
            "*",
            "_",
            "`",
            "[",
            "]",
            "‘",
            "’",
            "“",
            "”",
            "🤔",
            "-",
            "NAME",
            "\u{1}",
            "\u{2}",
            "İ",
            "é",
            "x",
            "ZOË",
            "Q2",
        ];
        let mut lcg = mdbook_vision_core::testing::Lcg::default();
        let mut next = |bound: usize| lcg.below(bound);
        for _ in 0..5000 {
            let text: String = (0..next(12)).map(|_| PIECES[next(PIECES.len())]).collect();
            assert_eq!(normalize(&text), normalize_as_before(&text), "{text:?}");
        }
    }
}
