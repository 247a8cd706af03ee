//! The shared core of the mdbook-vision preprocessors.
//!
//! Every feature of the suite is a function over the same model, so this crate holds all that
//! they share, one module per concept:
//!
//! - [`protocol`]: the mdBook preprocessor protocol, in the 0.4 and 0.5 dialects;
//! - [`config`]: the suite's settings, read from the preprocessor tables;
//! - [`markdown`]: chapters parsed once, as mdBook parses them, with source offsets;
//! - [`model`]: the vision book: kinds of page, stories, cast, ids, titles, relative links;
//! - [`splice`]: edits that leave every untouched byte untouched;
//! - [`generate`]: markdown generated with correct escaping;
//! - [`diagnostics`]: findings and their one renderer;
//! - [`run`]: the single pass that runs features over a book.

pub mod config;
pub mod diagnostics;
pub mod generate;
pub mod markdown;
pub mod model;
pub mod protocol;
pub mod run;
pub mod splice;
