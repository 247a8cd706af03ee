//! Test support for the mdbook-vision suite.
//!
//! - [`generator`] makes up a large vision book, deterministically, for benchmarks;
//! - [`request`] builds the `[context, book]` JSON mdBook sends, in either dialect, from a
//!   book folder or from files given inline;
//! - [`spec`] runs spec-like golden files (`tests/spec/*.md`): input chapters, expected
//!   chapters, expected diagnostics;
//! - [`mdbook`] runs real mdBook CLIs (0.4 and 0.5) over real books with the suite's binaries;
//! - [`html`] checks the rendered output: links resolve to pages and anchors that exist;
//! - [`properties`] checks what every run keeps whatever its input (for proptest and fuzzing).

pub mod generator;
pub mod html;
pub mod mdbook;
pub mod properties;
pub mod request;
pub mod spec;

use std::path::{Path, PathBuf};

/// The root of the workspace.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder of the test fixtures (`tests/fixtures/...`).
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)
}

/// Every file under `root`, relative to it with forward slashes, sorted.
pub fn files_under(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}
