//! Data shared by the Rust benchmarks: the same stored series the JS
//! overlap benchmark uses (`V<8 digits>`, ten numbers each, gaps of ten).

/// The `n` stored series as (start, end) identifiers.
pub fn series_texts(n: u32) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let a = 10_000_000 + u64::from(i) * 20;
            (format!("V{a}"), format!("V{}", a + 9))
        })
        .collect()
}
