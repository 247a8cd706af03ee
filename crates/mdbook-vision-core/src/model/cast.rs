//! The cast: who the characters are, where their pages are, and where they are mentioned.

use std::ops::Range;

use super::page::Page;
use super::{CharacterId, PageId, Story, VisionBook};
use crate::markdown::Heading;

/// A member of the cast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Character {
    /// The name stories use (`Alan`).
    pub name: String,
    /// The page describing the character.
    pub page: PageId,
    /// The heading id, when the page describes several characters.
    pub anchor: Option<String>,
}

/// A mention of a cast member in a page's prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastMention {
    /// Where it is.
    pub range: Range<usize>,
    /// Who.
    pub character: CharacterId,
    /// Whether it is in a heading.
    pub in_heading: bool,
}

/// The characters a cast page declares: one per `Name: description` heading at the
/// shallowest level that has such headings (several of them, or the page's title), or the
/// page itself, named by its file stem.
pub(super) fn declared_on(id: PageId, page: &Page<'_>) -> Vec<Character> {
    let named: Vec<(&Heading, String)> =
        page.doc.headings.iter().filter_map(|h| character_name(h.title()).map(|n| (h, n))).collect();
    let by_stem = || vec![Character { name: name_from_stem(page.stem()), page: id, anchor: None }];
    let Some(level) = named.iter().map(|(h, _)| h.level).min() else {
        return by_stem();
    };
    let named: Vec<_> = named.into_iter().filter(|(h, _)| h.level == level).collect();
    // One `Name:` subheading under a title of another form (`## Background: ...` on a page
    // titled `# Alan`) is a section of that page, not its character.
    let is_title =
        |heading: &Heading| page.doc.first_heading().is_some_and(|first| first.range == heading.range);
    if let [(heading, _)] = named.as_slice()
        && !is_title(heading)
    {
        return by_stem();
    }
    let several = named.len() > 1;
    named
        .into_iter()
        .map(|(heading, name)| Character {
            name,
            page: id,
            anchor: several.then(|| page.doc.heading_id(heading).to_owned()),
        })
        .collect()
}

/// `Alan` from `Alan: the startup guy`, ignoring leading emoji.
fn character_name(heading: &str) -> Option<String> {
    let (name, description) = heading.split_once(':')?;
    let name = name.trim_start_matches(|c: char| !c.is_alphanumeric()).trim();
    let looks_like_a_name = !name.is_empty()
        && !description.trim().is_empty()
        && name.split_whitespace().count() <= 3
        && name.chars().next().is_some_and(char::is_uppercase);
    looks_like_a_name.then(|| name.to_owned())
}

fn name_from_stem(stem: &str) -> String {
    stem.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl VisionBook<'_> {
    /// The character a story is about: the first its block names; else the cast member its
    /// file (for a section story, its title) starts with, as `alan_has_trouble.md` starts with
    /// Alan; else the cast member its text mentions most.
    pub fn main_character<'s>(&'s self, story: &'s Story) -> Option<&'s str> {
        if let Some(first) = story.meta.character.first() {
            return Some(first);
        }
        let named = if story.anchor.is_some() { &story.title } else { self.page(story.page).stem() };
        if let Some(character) = self.character_leading(named) {
            return Some(&character.name);
        }
        let most = self.most_mentioned(story.page, story.section.clone());
        most.first().map(|&id| self.character_at(id).name.as_str())
    }

    /// The cast member whose name `named` (a file stem, a heading) starts with, word for word:
    /// Alan for `alan_has_trouble`.
    pub fn character_leading(&self, named: &str) -> Option<&Character> {
        let named = lowercase_words(named);
        self.cast.iter().find(|c| {
            let name = lowercase_words(&c.name);
            !name.is_empty() && named.starts_with(&name)
        })
    }

    /// The cast members mentioned most often in `section` of page `page`, in cast order: one,
    /// or those tied; none when no one is mentioned.
    pub fn most_mentioned(&self, page: PageId, section: Range<usize>) -> Vec<CharacterId> {
        let mut counts = vec![0usize; self.cast.len()];
        for mention in self.mentions(page).iter().filter(|m| section.contains(&m.range.start)) {
            counts[mention.character.index()] += 1;
        }
        let most = counts.iter().copied().max().unwrap_or(0);
        self.cast_ids().filter(|id| most > 0 && counts[id.index()] == most).collect()
    }
}

/// The words of `text` (runs of letters and digits), lowercase.
fn lowercase_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_headings_name_characters() {
        assert_eq!(character_name("🙋 Alan: the startup guy").as_deref(), Some("Alan"));
        assert_eq!(character_name("Cast of characters"), None);
        assert_eq!(character_name("the plan: later"), None);
        assert_eq!(name_from_stem("alan_turing"), "Alan Turing");
    }
}
