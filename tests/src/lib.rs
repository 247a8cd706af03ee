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

use std::path::PathBuf;

/// The root of the workspace.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A folder of the test fixtures (`tests/fixtures/...`).
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)
}
