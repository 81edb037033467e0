//! The core without the JS boundary (divan): what a call costs inside
//! wasm's twin, natively, so BENCHMARKS.md can separate core cost from
//! crossing cost. `cargo bench --bench core`.
#![allow(clippy::indexing_slicing)]
use divan::{black_box, Bencher};
#[path = "fixtures.rs"]
mod fixtures;

use seriesguard::input::Value;
use seriesguard::inventory::{series_segments, Inventory, SeriesId};
use seriesguard::range::{validate, SeriesRules};
use seriesguard::signing::{hmac_sha256, mor_hash, Encoding};

fn main() {
    divan::main();
}

#[divan::bench]
fn validate_valid_series() -> bool {
    let rules = SeriesRules::default();
    validate(
        black_box(Value::Text("V10000051")),
        black_box(Value::Text("V10000060")),
        &rules,
    )
    .ok()
}

#[divan::bench]
fn validate_reversed_series() -> usize {
    let rules = SeriesRules::default();
    validate(
        black_box(Value::Text("V10000060")),
        black_box(Value::Text("V10000051")),
        &rules,
    )
    .issues
    .len()
}

#[divan::bench]
fn validate_38_digit_iccid_like() -> bool {
    let rules = SeriesRules::default();
    let start = "89440012345678901234567890123456789012";
    let end = "89440012345678901234567890123456789999";
    validate(
        black_box(Value::Text(start)),
        black_box(Value::Text(end)),
        &rules,
    )
    .ok()
}

#[divan::bench]
fn mor_hash_40_bytes() -> String {
    mor_hash(
        black_box(&["1", "1000000025", "1000000035"]),
        black_box("secret"),
    )
    .unwrap_or_default()
}

#[divan::bench]
fn hmac_sha256_40_bytes() -> String {
    hmac_sha256(
        black_box(b"key"),
        black_box(b"V10000051..V10000060|P7WJEJANkt|virtual"),
        Encoding::Hex,
    )
    .unwrap_or_default()
}

fn index(n: u32) -> (Inventory, Vec<String>) {
    let texts = fixtures::series_texts(n);
    let rules = SeriesRules::default();
    let items = texts.iter().enumerate().map(|(i, (a, b))| {
        series_segments(Value::Text(a), Value::Text(b), Value::Absent, &rules)
            .map(|s| (SeriesId::Number(i as u32), s))
    });
    let mut inventory = Inventory::new(false);
    let _ = inventory.insert_all(items, n as usize);
    let queries = (0..1024u64)
        .map(|q| {
            format!(
                "V{}",
                10_000_000
                    + (q * 2_654_435_761 % u64::from(n)) * 20
                    + if q % 2 == 0 { 2 } else { 12 }
            )
        })
        .collect();
    (inventory, queries)
}

/// Times `query` over the stored series, cycling through 1,024 queries.
fn bench_queries<T>(bencher: Bencher, n: u32, query: impl Fn(&Inventory, &str, &SeriesRules) -> T) {
    let (inventory, queries) = index(n);
    let rules = SeriesRules::default();
    let mut k = 0usize;
    bencher.bench_local(|| {
        k = (k + 1) & 1023;
        query(&inventory, &queries[k], &rules)
    });
}

// The query as `hasOverlap` asks it from JS (`any_overlap_text`: the
// one-pass reading first).
#[divan::bench(args = [10_000, 1_000_000], sample_count = 1000, sample_size = 100)]
fn any_overlap(bencher: Bencher, n: u32) {
    bench_queries(bencher, n, |inventory, start, rules| {
        inventory.any_overlap_text(start, start, Value::Absent, rules)
    });
}

#[divan::bench(args = [10_000, 1_000_000], sample_count = 1000, sample_size = 100)]
fn overlaps_with_identifiers(bencher: Bencher, n: u32) {
    bench_queries(bencher, n, |inventory, start, rules| {
        let segments =
            series_segments(Value::Text(start), Value::Text(start), Value::Absent, rules)
                .unwrap_or_default();
        inventory.overlaps(&segments).len()
    });
}
