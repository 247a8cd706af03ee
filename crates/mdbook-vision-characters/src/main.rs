//! The `mdbook-vision-characters` preprocessor binary.

use mdbook_vision_core::run::{self, Preprocessor};

fn main() {
    run::main(&Preprocessor::standalone(&[&mdbook_vision_characters::Characters]));
}
