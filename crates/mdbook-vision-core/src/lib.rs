//! The shared core of the mdbook-vision preprocessors.
//!
//! Every feature of the suite is a function over the same model, so this crate holds all that
//! they share, one module per concept (`ARCHITECTURE.md` at the repository root has the map):
//!
//! - [`protocol`]: the mdBook preprocessor protocol, in the 0.4 and 0.5 dialects;
//! - [`config`]: the suite's settings, read from the preprocessor tables;
//! - [`markdown`]: chapters parsed once, as mdBook parses them, with source offsets;
//! - [`model`]: the vision book: kinds of page, stories, cast, ids, titles, relative links;
//! - [`generated`]: how the blocks the suite generates are marked and recognised;
//! - [`splice`]: edits that leave every untouched byte untouched;
//! - [`generate`]: markdown generated with correct escaping;
//! - [`diagnostics`]: findings and their one renderer, and [`codes`], every kind of finding;
//! - [`feature`]: the registry of features and the trait they implement;
//! - [`run`]: the single pass that runs features over a book;
//! - [`testing`]: helpers for the suite's tests.

pub mod codes;
pub mod config;
pub mod diagnostics;
pub mod feature;
pub mod generate;
pub mod generated;
mod malloc;
pub mod markdown;
pub mod model;
pub mod protocol;
pub mod run;
pub mod splice;
pub mod testing;
