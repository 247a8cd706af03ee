//! A new page made from the book's own template page: the template's title becomes the new
//! title (keeping a section prefix such as "😱 Status quo stories: "), `NAME` the character
//! (a link to `NAME`'s page leads to the character's page), the story block goes right under
//! the title in place of the template's own block and of its hand-written metadata table, and
//! the rest is kept as written.

/// The template `text` filled in: `title`, the page's `block` (a story block, ending with a
/// line break), and `character` with `character_link`, the link from the new page to the
/// character's page.
pub fn fill(
    text: &str,
    title: &str,
    block: &str,
    character: Option<&str>,
    character_link: Option<&str>,
) -> String {
    let mut page = String::new();
    let mut titled = false;
    let mut skipping = Skip::Nothing;
    for line in text.trim_start_matches('\u{feff}').split_inclusive('\n') {
        let trimmed = line.trim_start();
        skipping = match skipping {
            Skip::StoryBlock => {
                if trimmed.starts_with("```") {
                    Skip::Nothing
                } else {
                    Skip::StoryBlock
                }
            }
            Skip::Table if trimmed.starts_with('|') => Skip::Table,
            _ if trimmed.starts_with("```story") => Skip::StoryBlock,
            _ if is_metadata_header(trimmed) => Skip::Table,
            _ => Skip::Nothing,
        };
        if skipping != Skip::Nothing {
            continue;
        }
        if !titled && trimmed.starts_with("# ") {
            titled = true;
            page.push_str(&format!("# {}\n\n{block}", heading(trimmed[2..].trim(), title)));
            continue;
        }
        page.push_str(line);
    }
    if !titled {
        page = format!("# {title}\n\n{block}\n{page}");
    }
    match character {
        Some(name) => fill_name(&page, name, character_link),
        None => page,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    Nothing,
    StoryBlock,
    Table,
}

/// The new page's heading, from the template's: its section prefix kept
/// (`😱 Status quo stories: Template` gives `😱 Status quo stories: TITLE`), its leading emoji
/// kept before a `NAME` placeholder (`🙋 *NAME*: ...` gives `🙋 TITLE`).
fn heading(template: &str, title: &str) -> String {
    if let Some(at) = template.find("NAME") {
        let lead: String = template[..at].chars().take_while(|c| !c.is_alphanumeric() && *c != '*').collect();
        return format!("{lead}{title}");
    }
    match template.rfind(": ") {
        Some(at) => format!("{}{title}", &template[..at + 2]),
        None => title.to_owned(),
    }
}

/// Whether `line` heads a hand-written metadata table (`| Character | Shiny Future | ...`),
/// which the story block replaces.
fn is_metadata_header(line: &str) -> bool {
    let cells: Vec<String> =
        line.trim().trim_matches('|').split('|').map(|c| c.trim().to_lowercase()).collect();
    let has = |name: &str| cells.iter().any(|c| c == name);
    line.starts_with('|')
        && ((has("character") && (has("shiny future") || has("status quo") || has("assigned to")))
            || (has("status") && has("owner")))
}

/// `page` with `NAME` replaced by `name`, and link destinations that hold `NAME` by the link
/// to the character's page.
fn fill_name(page: &str, name: &str, link: Option<&str>) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(at) = rest.find("](") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        match (after.find(')'), link) {
            (Some(end), Some(link)) if after[..end].contains("NAME") => {
                out.push_str(link);
                rest = &after[end..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out.replace("NAME", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_keeps_the_template_s_prefix() {
        assert_eq!(
            heading("😱 Status quo stories: Template", "Grace waits"),
            "😱 Status quo stories: Grace waits"
        );
        assert_eq!(
            heading("🙋 *NAME*: one line saying who they are", "Zed: the tester"),
            "🙋 Zed: the tester"
        );
        assert_eq!(heading("Status quo template", "Grace waits"), "Grace waits");
    }

    #[test]
    fn the_block_replaces_the_hand_table_and_name_fills_in() {
        let template = "# 😱 Status quo stories: Template\n\nIntro about NAME.\n\n| Character | Shiny Future |\n| --- | --- |\n| [NAME](../characters/NAME.md) | XXX |\n\n## FAQ\n\n### Why *NAME*?\n";
        let page = fill(
            template,
            "Grace waits",
            "```story\ncharacter = \"Grace\"\n```\n",
            Some("Grace"),
            Some("../characters/grace.md"),
        );
        assert_eq!(
            page,
            "# 😱 Status quo stories: Grace waits\n\n```story\ncharacter = \"Grace\"\n```\n\nIntro about Grace.\n\n\n## FAQ\n\n### Why *Grace*?\n"
        );
        let linked = fill(
            "# T\n\nSee [NAME](../characters/NAME.md).\n",
            "X",
            "",
            Some("Grace"),
            Some("../characters/grace.md"),
        );
        assert!(linked.contains("[Grace](../characters/grace.md)"), "{linked}");
    }
}
