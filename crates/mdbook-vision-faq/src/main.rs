//! The `mdbook-vision-faq` preprocessor binary.

fn main() {
    mdbook_vision_core::run::main("mdbook-vision-faq", &[&mdbook_vision_faq::Faq]);
}
