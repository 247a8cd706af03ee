//! The arguments of `{{#story ...}}` and `{{#stories ...}}`.

use mdbook_vision_core::codes;
use mdbook_vision_core::diagnostics::{Diagnostic, suggestion};

/// `{{#story ID}}`, `{{#story ID#anchor}}`, `{{#story ID "text"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryArgs {
    /// The story's id.
    pub id: String,
    /// A heading id inside the story.
    pub anchor: Option<String>,
    /// The link text, instead of the story's title.
    pub text: Option<String>,
}

impl StoryArgs {
    /// Reads `alan#faq "the text"`.
    pub fn parse(args: &str) -> Result<Self, Diagnostic> {
        let words = words(args)?;
        let (target, text) = match words.as_slice() {
            [target] => (target, None),
            [target, text] => (target, Some(text.clone())),
            _ => {
                let problem = if words.is_empty() {
                    "`{{#story}}` names no story".to_owned()
                } else {
                    format!("`{{{{#story {}}}}}` is not a story link", args.trim())
                };
                return Err(Diagnostic::new(codes::BAD_DIRECTIVE, problem).with_help(
                    "write `{{#story ID}}`, `{{#story ID#anchor}}` or `{{#story ID \"link text\"}}`",
                ));
            }
        };
        let (id, anchor) = match target.split_once('#') {
            Some((id, anchor)) => (id.to_owned(), Some(anchor.to_owned())),
            None => (target.clone(), None),
        };
        Ok(StoryArgs { id, anchor, text })
    }
}

/// A filter of `{{#stories}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// `topic=`: stories with one of these topics.
    Topic,
    /// `character=`: stories featuring one of these characters.
    Character,
    /// `kind=`: stories of one of these kinds.
    Kind,
}

impl Filter {
    const KEYS: [(&'static str, Filter); 3] =
        [("topic", Filter::Topic), ("character", Filter::Character), ("kind", Filter::Kind)];

    /// What its values are, for messages.
    pub fn plural(self) -> &'static str {
        match self {
            Filter::Topic => "topics",
            Filter::Character => "characters",
            Filter::Kind => "kinds",
        }
    }
}

/// `{{#stories topic=a,b character=Alan kind=status-quo}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoriesArgs {
    /// Each filter with its values (any of them matches).
    pub filters: Vec<(Filter, Vec<String>)>,
}

impl StoriesArgs {
    /// Reads `topic=a,b character=Alan`.
    pub fn parse(args: &str) -> Result<Self, Diagnostic> {
        let mut filters = Vec::new();
        for word in words(args)? {
            let Some((key, values)) = word.split_once('=') else {
                return Err(Diagnostic::new(codes::BAD_DIRECTIVE, format!("`{word}` is not a filter"))
                    .with_help("write filters as `topic=T`, `character=C` or `kind=K`"));
            };
            let Some((_, filter)) = Filter::KEYS.iter().find(|(k, _)| *k == key) else {
                return Err(Diagnostic::new(
                    codes::UNKNOWN_FILTER,
                    format!("`{key}` is not a filter of `{{{{#stories}}}}`"),
                )
                .with_help(suggestion(key, "filters", Filter::KEYS.iter().map(|(k, _)| *k))));
            };
            let values: Vec<String> =
                values.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect();
            if values.is_empty() {
                return Err(Diagnostic::new(
                    codes::BAD_DIRECTIVE,
                    format!("the filter `{key}` has no value"),
                )
                .with_help(format!("write `{key}=VALUE`, or `{key}=A,B` for either")));
            }
            filters.push((*filter, values));
        }
        Ok(StoriesArgs { filters })
    }
}

/// `args` split on spaces, except inside `"double quotes"` (which are dropped): `"the text"`
/// and `character="Alan Turing"` are one word each.
fn words(args: &str) -> Result<Vec<String>, Diagnostic> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in args.trim().chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if quoted {
        return Err(Diagnostic::new(codes::BAD_DIRECTIVE, "a quoted text is not closed")
            .with_help("close it with a `\"`"));
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_args() {
        let args = StoryArgs::parse("alan#faq \"the start\"").unwrap();
        assert_eq!(
            args,
            StoryArgs { id: "alan".into(), anchor: Some("faq".into()), text: Some("the start".into()) }
        );
        assert!(StoryArgs::parse("").is_err());
        assert!(StoryArgs::parse("a b c").is_err());
        assert!(StoryArgs::parse("a \"open").is_err());
    }

    #[test]
    fn stories_args() {
        let args = StoriesArgs::parse("topic=a,b character=\"Alan Turing\"").unwrap();
        assert_eq!(
            args.filters,
            [
                (Filter::Topic, vec!["a".to_owned(), "b".to_owned()]),
                (Filter::Character, vec!["Alan Turing".to_owned()])
            ]
        );
        assert_eq!(
            StoriesArgs::parse("topics=a").unwrap_err().help.as_deref(),
            Some("did you mean `topic`?")
        );
        assert!(StoriesArgs::parse("topic=").is_err());
        assert!(StoriesArgs::parse("learning").is_err());
    }
}
