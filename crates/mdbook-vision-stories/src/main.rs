//! The `mdbook-vision-stories` preprocessor binary.

fn main() {
    mdbook_vision_core::run::main("mdbook-vision-stories", &[&mdbook_vision_stories::Stories]);
}
