//! Books written to a temporary folder, for the unit tests of the command line.

use std::fs;
use std::path::PathBuf;

/// Writes `files` (path relative to the book's root, and text) into a fresh folder named after
/// `test` and this process, and returns the folder; the test removes it.
pub(crate) fn write_book(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("mdbook-vision-{test}-{}", std::process::id()));
    for (path, text) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
        fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }
    root
}
