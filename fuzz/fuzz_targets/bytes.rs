//! Arbitrary bytes through the whole pipeline.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::exercise(data));
