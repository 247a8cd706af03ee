//! The golden cases of `vision-characters`: `tests/spec/characters.md`.

use mdbook_vision_characters::Characters;

#[test]
fn characters_spec() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/characters.md");
    mdbook_vision_tests::spec::run_file(
        &spec,
        &mdbook_vision_core::run::Preprocessor::standalone(&[&Characters]),
    );
}
