//! The `mdbook-vision-roadmap` preprocessor binary.

use mdbook_vision_core::run::{self, Preprocessor};

fn main() {
    run::main(&Preprocessor::standalone(&[&mdbook_vision_roadmap::Roadmap]));
}
