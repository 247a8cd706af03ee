//! The golden cases of `vision-stories`: `tests/spec/stories.md`.

use mdbook_vision_stories::Stories;

#[test]
fn stories_spec() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/stories.md");
    mdbook_vision_tests::spec::run_file(
        &spec,
        &mdbook_vision_core::run::Preprocessor::standalone(&[&Stories]),
    );
}
