//! Native timing of the inventory's bulk load (no wasm, no JS): separates
//! the core's cost from the boundary's. `cargo bench --bench native_load`.
use std::time::Instant;

#[path = "fixtures.rs"]
mod fixtures;

use seriesguard::input::Value;
use seriesguard::inventory::{series_segments, Inventory, SeriesId};
use seriesguard::range::SeriesRules;

fn main() {
    let rules = SeriesRules::default();
    for n in [100_000u32, 300_000, 1_000_000] {
        let texts = fixtures::series_texts(n);
        let t = Instant::now();
        let batch: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                let segments =
                    series_segments(Value::Text(a), Value::Text(b), Value::Absent, &rules)
                        .map(|s| s.to_vec())
                        .unwrap_or_default();
                (SeriesId::Number(i as u32), segments)
            })
            .collect();
        let parsed = t.elapsed();
        let mut inventory = Inventory::new(false);
        let t = Instant::now();
        let ok = inventory.insert_many(&batch).is_ok();
        println!(
            "{n} ranges: parse {:?}, insert_many {:?} ({ok}), held {} B/range",
            parsed,
            t.elapsed(),
            inventory.held_bytes() / n as usize
        );
    }
}
