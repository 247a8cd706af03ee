//! Any text, cut at NUL bytes into a character page, a story and a metanarrative page, through
//! the combined pass: no panic, the bystander chapter untouched, a second run changes nothing.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(failure) = mdbook_vision_tests::properties::combined(text) {
        panic!("{failure}");
    }
});
