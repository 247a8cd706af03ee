//! The `mdbook-vision-roadmap` preprocessor binary.

fn main() {
    mdbook_vision_core::run::main("mdbook-vision-roadmap", &[&mdbook_vision_roadmap::Roadmap]);
}
