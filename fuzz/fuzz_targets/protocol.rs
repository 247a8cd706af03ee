//! Any bytes as mdBook's request to the combined pass: a book as JSON and exit 0, or nothing
//! on stdout and exit 1; never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| {
    if let Err(failure) = mdbook_vision_tests::properties::protocol(input) {
        panic!("{failure}");
    }
});
