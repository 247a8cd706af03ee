//! The README's reference tables follow the code's declarations: the diagnostic codes
//! (`mdbook_vision_core::codes`) and the settings keys (`config::known_keys`).
//! `BLESS=1` rewrites the codes table from the declaration.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::fs;

use mdbook_vision_core::codes;
use mdbook_vision_core::config::known_keys;
use mdbook_vision_core::diagnostics::Level;
use mdbook_vision_tests::workspace_root;

const CODES_START: &str = "<!-- codes: generated from crates/mdbook-vision-core/src/codes.rs -->\n";
const CODES_END: &str = "<!-- end of codes -->\n";

fn codes_table() -> String {
    let mut table = String::from("| code | level | meaning |\n| --- | --- | --- |\n");
    for code in codes::ALL {
        let level = match code.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        };
        table.push_str(&format!("| `{}` | {level} | {} |\n", code.name, code.meaning.replace('|', "\\|")));
    }
    table
}

#[test]
fn the_readme_lists_every_diagnostic_code_as_declared() {
    let path = workspace_root().join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start =
        readme.find(CODES_START).expect("the README has a generated table of codes") + CODES_START.len();
    let end = start + readme[start..].find(CODES_END).unwrap();
    let expected = codes_table();
    if std::env::var("BLESS").is_ok_and(|v| v == "1") {
        fs::write(&path, format!("{}{expected}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert_eq!(readme[start..end], expected, "run with BLESS=1 to regenerate the README's table of codes");
}

#[test]
fn the_readme_documents_every_setting() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let settings = &readme[readme.find("## Settings").unwrap()..];
    for key in known_keys() {
        assert!(settings.contains(&format!("`{key}`")), "the README's settings table lacks `{key}`");
    }
}
