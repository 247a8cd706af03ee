//! Any text as a metanarrative page, through vision-metanarrative: no panic, a page without
//! directives untouched, and a second run changes nothing.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(failure) = mdbook_vision_tests::properties::directives(text) {
        panic!("{failure}");
    }
});
