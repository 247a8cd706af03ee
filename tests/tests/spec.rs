//! The golden cases of every feature, `tests/spec/*.md`, and of the combined pass
//! (`tests/spec/vision.md`): one test per case and mdBook dialect,
//! named `FEATURE::CASE::mdbook-VERSION` so that one can be run alone
//! (`cargo test -p mdbook-vision-tests --test spec -- stories::`). `BLESS=1` rewrites the
//! expected parts of every file from the results.

use std::process::ExitCode;

use mdbook_vision::{COMBINED, FEATURES};
use mdbook_vision_core::run::Preprocessor;
use mdbook_vision_tests::spec::trials;

fn main() -> ExitCode {
    let arguments = libtest_mimic::Arguments::from_args();
    let mut all = Vec::new();
    for feature in &FEATURES {
        let stem = feature.id().switch();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("spec/{stem}.md"));
        let preprocessor = Preprocessor {
            name: feature.id().binary(),
            features: std::slice::from_ref(feature),
            switched: false,
        };
        all.extend(trials(stem, path, preprocessor));
    }
    let combined = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/vision.md");
    all.extend(trials("vision", combined, COMBINED));
    libtest_mimic::run(&arguments, all).exit_code()
}
