#![no_main]
//! libFuzzer driver for `targets::profiles` (fuzz/targets.rs).
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::profiles(data));
