//! The `mdbook-vision-characters` preprocessor binary.

fn main() {
    mdbook_vision_core::run::main("mdbook-vision-characters", &[&mdbook_vision_characters::Characters]);
}
