//! The `mdbook-vision-metanarrative` preprocessor binary.

fn main() {
    mdbook_vision_core::run::main(
        "mdbook-vision-metanarrative",
        &[&mdbook_vision_metanarrative::Metanarrative],
    );
}
