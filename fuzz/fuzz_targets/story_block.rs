//! Any text as the body of a story block, through vision-stories: no panic, the dialect kept,
//! the bystander chapter untouched, and a second run changes nothing.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(failure) = mdbook_vision_tests::properties::story_block(text) {
        panic!("{failure}");
    }
});
