//! The golden cases of `vision-metanarrative`: `tests/spec/metanarrative.md`.

use mdbook_vision_metanarrative::Metanarrative;

#[test]
fn metanarrative_spec() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/metanarrative.md");
    mdbook_vision_tests::spec::run_file(
        &spec,
        &mdbook_vision_core::run::Preprocessor::standalone(&[&Metanarrative]),
    );
}
