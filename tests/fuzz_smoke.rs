//! The fuzz targets (fuzz/targets.rs) on stable Rust: a bounded, seeded
//! random run of every target, plus the bytes that once found bugs. The
//! coverage-guided runs use libFuzzer: `cargo +nightly fuzz run <target>`.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::indexing_slicing)]

#[path = "../fuzz/targets.rs"]
mod targets;

/// xorshift64*: the same inputs on every run, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Bytes biased towards what identifiers are made of.
    fn bytes(&mut self) -> Vec<u8> {
        const ALPHABET: &[u8] = b"0123456789VRGBXab -_.\xff\x00\x1e\x1f\t\xef\xbc\x91\xd9\xa1";
        let len = (self.next() % 80) as usize;
        (0..len)
            .map(|_| {
                let r = self.next();
                if r % 5 == 0 {
                    (r >> 8) as u8
                } else {
                    ALPHABET[(r >> 8) as usize % ALPHABET.len()]
                }
            })
            .collect()
    }
}

const ITERATIONS: usize = 20_000;

fn smoke(target: fn(&[u8]), seed: u64) {
    let mut rng = Rng(seed);
    for _ in 0..ITERATIONS {
        target(&rng.bytes());
    }
    for regression in REGRESSIONS {
        target(regression);
    }
}

/// Inputs that found bugs (none yet from fuzzing) and edge cases kept for good.
const REGRESSIONS: &[&[u8]] = &[
    b"",
    b"\xff\xff\xff\xff\xff\xff\xff\xff",
    b"99999999999999999999999999999999999999\xff99999999999999999999999999999999999999",
    b"999999999999999999999999999999999999999",
    b"V0\xffV9999999999999999999999999999999999999",
];

#[test]
fn fuzz_smoke_parse() {
    smoke(targets::parse, 1);
}

#[test]
fn fuzz_smoke_series() {
    smoke(targets::series, 2);
}

#[test]
fn fuzz_smoke_inventory() {
    smoke(targets::inventory, 3);
}

#[test]
fn fuzz_smoke_profiles() {
    smoke(targets::profiles, 4);
}

#[test]
fn fuzz_smoke_signing() {
    smoke(targets::signing, 5);
}
