//! The FAQ findings of every golden case of `tests/spec/faq.md` are the same with
//! `vision-stories` in the same pass.

use mdbook_vision_core::run::Preprocessor;
use mdbook_vision_faq::Faq;
use mdbook_vision_stories::Stories;

/// With `vision-stories` in the same pass, the FAQ findings are the same.
#[test]
fn faq_spec_alongside_stories() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/faq.md");
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    for case in mdbook_vision_tests::spec::parse(&text) {
        let faq = Preprocessor { name: "t", features: &[&Faq], switched: false };
        let alone = mdbook_vision_tests::spec::run_case(&case, "0.5.4", &faq);
        let both = Preprocessor { name: "t", features: &[&Stories, &Faq], switched: false };
        let together = mdbook_vision_tests::spec::run_case(&case, "0.5.4", &both);
        assert_eq!(alone.stderr, together.stderr, "{}", case.name);
    }
}
