//! Checks on rendered HTML: links resolve to pages and anchors that exist.

use std::fs;
use std::path::{Path, PathBuf};

/// Every HTML page of a rendered book, relative to its root, except `print.html` (which
/// repeats every page) and mdBook's own `404.html` and `toc.html`.
pub fn pages(root: &Path) -> Vec<String> {
    let mut pages = crate::files_under(root);
    pages.retain(|p| p.ends_with(".html") && !matches!(p.as_str(), "print.html" | "404.html" | "toc.html"));
    pages
}

/// The main content of a page (what the chapter rendered to), without mdBook's chrome.
pub fn main_content(html: &str) -> &str {
    let start = html.find("<main>").map_or(0, |i| i + "<main>".len());
    let end = html[start..].find("</main>").map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// The values of an attribute (`href`, `id`, `title`) in `html`, in order.
pub fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        values.push(&rest[..end]);
        rest = &rest[end..];
    }
    values
}

/// The `<table>` elements of `html`.
pub fn tables(html: &str) -> Vec<&str> {
    let mut tables = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<table") {
        let end = rest[start..].find("</table>").map_or(rest.len(), |i| start + i + "</table>".len());
        tables.push(&rest[start..end]);
        rest = &rest[end..];
    }
    tables
}

/// The cells of each row of a `<table>` (header row first), as inner HTML.
pub fn table_cells(table: &str) -> Vec<Vec<&str>> {
    let mut rows = Vec::new();
    for row in table.split("<tr").skip(1) {
        let row = row.split("</tr>").next().unwrap_or_default();
        let mut cells = Vec::new();
        let mut rest = row;
        let next_cell = |html: &str| [html.find("<td"), html.find("<th")].into_iter().flatten().min();
        while let Some(start) = next_cell(rest) {
            let open_end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
            let close = rest[open_end..].find("</t").map_or(rest.len(), |e| open_end + e);
            cells.push(&rest[open_end..close]);
            rest = &rest[close..];
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
        }
        rows.push(cells);
    }
    rows
}

/// The links of `html`, in order: each link's text (tags removed, spaces collapsed) and `href`.
pub fn links(html: &str) -> Vec<(String, &str)> {
    let mut links = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        rest = &rest[start..];
        let open_end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let href = attribute_values(&rest[..open_end], "href").first().copied().unwrap_or_default();
        let close = rest[open_end..].find("</a>").map_or(rest.len(), |e| open_end + e);
        links.push((text_of(&rest[open_end..close]), href));
        rest = &rest[close..];
    }
    links
}

/// The text of `html`: tags removed, spaces collapsed.
pub fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks that `href`, found on `page` of the book rendered in `root`, points at a page (and
/// an element id) that exists. External and mdBook-internal links are not checked.
pub fn check_link(root: &Path, page: &str, href: &str) -> Result<(), String> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("javascript:") {
        return Ok(());
    }
    let href = percent_decode(href);
    let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
    let target: PathBuf = if path.is_empty() {
        root.join(page)
    } else {
        let dir = Path::new(page).parent().unwrap_or(Path::new(""));
        root.join(dir).join(path)
    };
    let target_html = fs::read_to_string(&target)
        .or_else(|_| fs::read_to_string(target.join("index.html")))
        .map_err(|_| format!("{page}: link `{href}` points at {}, which does not exist", target.display()))?;
    if !fragment.is_empty() && !attribute_values(&target_html, "id").contains(&fragment) {
        return Err(format!("{page}: link `{href}`: no element has the id `{fragment}`"));
    }
    Ok(())
}

/// `href` with its `%XX` escapes decoded, as a browser matches it against ids and files.
fn percent_decode(href: &str) -> String {
    let bytes = href.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[index], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Every broken link in the main content of every page of the book rendered in `root`.
pub fn broken_links(root: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for page in pages(root) {
        let html = fs::read_to_string(root.join(&page)).unwrap_or_default();
        for href in attribute_values(main_content(&html), "href") {
            if let Err(problem) = check_link(root, &page, href) {
                broken.push(problem);
            }
        }
    }
    broken
}

/// Panics, listing them, if any link in the book rendered in `root` is broken.
pub fn assert_links_resolve(root: &Path, label: &str) {
    let broken = broken_links(root);
    assert!(broken.is_empty(), "{label}: broken links:\n{}", broken.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_links_are_read_from_html() {
        let table = "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td><a href=\"x.html\">X <em>y</em></a></td><td>z</td></tr></tbody></table>";
        assert_eq!(
            table_cells(table),
            vec![vec!["A", "B"], vec!["<a href=\"x.html\">X <em>y</em></a>", "z"]]
        );
        assert_eq!(links(table), vec![("X y".to_owned(), "x.html")]);
    }

    #[test]
    fn broken_links_and_missing_anchors_are_found() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a")).unwrap();
        let page = r##"<main><a href="../b.html#here">ok</a> <a href="../b.html#gone">x</a> <a href="nope.html">y</a> <a href="https://x.org">z</a></main>"##;
        fs::write(dir.path().join("a/page.html"), page).unwrap();
        fs::write(dir.path().join("b.html"), r#"<main><h2 id="here">Here</h2></main>"#).unwrap();
        let broken = broken_links(dir.path());
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert!(broken[0].contains("no element has the id `gone`"));
        assert!(broken[1].contains("nope.html"));
    }
}
