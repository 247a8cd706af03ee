//! Any text as a roadmap page, beside a story, through the combined pass: no panic, and a
//! second run changes nothing.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(failure) = mdbook_vision_tests::properties::roadmap(text) {
        panic!("{failure}");
    }
});
