//! The generated-block contract: how the suite marks the blocks it generates.
//!
//! A feature that generates a block holding prose (text another feature could edit, such as
//! a name in a table cell) writes a marker comment right before it, on a line of its own:
//!
//! - `<!-- vision-story {json} -->` before the table made from a story block; the JSON is the
//!   story's metadata, so the model reads the same stories from a book whether or not
//!   `vision-stories` ran first;
//! - `<!-- vision-faq-notice -->` before the notice listing missing FAQ questions;
//! - `<!-- vision-roadmap-legend -->` before the legend table `{{#roadmap-legend}}` becomes.
//!
//! The markdown analysis recognises the block that follows a marker
//! ([`crate::markdown::Document::generated`]); every feature leaves it alone, and a feature
//! never generates a block where a marked one already is. That is what makes the result the
//! same in any order of the preprocessors and on a second run. The markers are defined,
//! written and recognised here only. A generated block without prose (a list of links) needs
//! no marker; `tests/tests/generated_contract.rs` checks that every feature keeps to this.

/// How a story table announces the metadata it was made from: `<!-- vision-story {json} -->`.
pub const STORY_MARKER: &str = "<!-- vision-story ";

/// Starts the notice `vision-faq` renders with `render-missing`.
pub const NOTICE_MARKER: &str = "<!-- vision-faq-notice -->";

/// Starts the legend table `vision-roadmap` renders for `{{#roadmap-legend}}`.
pub const LEGEND_MARKER: &str = "<!-- vision-roadmap-legend -->";

/// The comments that mark a block the suite generated.
const MARKERS: &[&str] = &[STORY_MARKER, NOTICE_MARKER, LEGEND_MARKER];

/// Whether the raw HTML `html` is one of the suite's markers.
pub fn is_marker(html: &str) -> bool {
    MARKERS.iter().any(|marker| html.starts_with(marker))
}

/// Whether the raw HTML `html` is the marker of a FAQ notice.
pub fn is_notice_marker(html: &str) -> bool {
    html.starts_with(NOTICE_MARKER)
}

/// The marker of a story table whose metadata is `json` (a JSON object on one line).
pub fn story_marker(json: &str) -> String {
    // `>` cannot appear in JSON outside strings; escaping it keeps `-->` out of the comment.
    let mut marker = String::with_capacity(STORY_MARKER.len() + json.len() + " -->".len());
    marker.push_str(STORY_MARKER);
    marker.push_str(&json.replace('>', "\\u003e"));
    marker.push_str(" -->");
    marker
}

/// The metadata JSON of a story table's marker, if `html` is one.
pub fn story_payload(html: &str) -> Option<&str> {
    Some(html.trim().strip_prefix(STORY_MARKER)?.strip_suffix("-->")?.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_markers_round_trip_and_never_close_early() {
        let marker = story_marker(r#"{"topics":["x --> y"]}"#);
        assert!(!marker[4..marker.len() - 3].contains("-->"), "{marker}");
        assert!(is_marker(&marker));
        assert_eq!(story_payload(&marker), Some(r#"{"topics":["x --\u003e y"]}"#));
    }
}
