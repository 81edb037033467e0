//! Calls per second of the component's exports from a Rust host (wasmtime,
//! typed bindings generated from wit/seriesguard.wit), beside what
//! benches/python/bench.py measures through wasmtime-py. Writes
//! target/bench-component-rust.md for BENCHMARKS.md.
//!
//! The imports (`store`, `host`, WASI) are defined as traps: these exports
//! never call them.

use std::time::{Duration, Instant};

use wasmtime::component::{Component, Linker, ResourceAny};
use wasmtime::{Engine, Store};

wasmtime::component::bindgen!({ path: "../../wit", world: "seriesguard" });

const RANGES: u64 = 100_000;

/// Calls per second of `f` over about two seconds, after a warm-up.
fn rate(mut f: impl FnMut()) -> f64 {
    for _ in 0..1_000 {
        f();
    }
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(2) {
        for _ in 0..1_000 {
            f();
        }
        n += 1_000;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn main() -> wasmtime::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let engine = Engine::default();
    let component = Component::from_file(&engine, root.join("pkg/component/seriesguard.wasm"))?;
    let mut linker = Linker::<()>::new(&engine);
    linker.define_unknown_imports_as_traps(&component)?;
    let mut store = Store::new(&engine, ());
    let sg = Seriesguard::instantiate(&mut store, &component, &linker)?;
    let rules = sg.seriesguard_core_rules();
    let inventory = sg.seriesguard_core_inventory().series_index();

    let valid = rules.call_validate_series(&mut store, "V10000051", "V10000060", None)?;
    assert_eq!(valid.count.as_deref(), Some("10"));
    let invalid = rules.call_validate_series(&mut store, "V10000060", "V10000051", None)?;
    assert_eq!(invalid.issues[0].code, "START_AFTER_END");

    let index: ResourceAny = inventory.call_constructor(&mut store, None, false)?;
    let stored: Vec<String> = (0..RANGES)
        .map(|i| {
            format!(
                "{i}\u{1f}V{}\u{1f}V{}\u{1f}",
                10_000_000 + 20 * i,
                10_000_000 + 20 * i + 9
            )
        })
        .collect();
    let started = Instant::now();
    inventory.call_add_packed(&mut store, index, &stored.join("\u{1e}"))??;
    let load = started.elapsed();
    let probe = 10_000_000 + 20 * (RANGES / 2);
    let query = |start: u64, end: u64| seriesguard::core::types::Series {
        id: "?".into(),
        start: format!("V{start}"),
        end: format!("V{end}"),
        scope: None,
    };
    let hit = query(probe + 5, probe + 12);
    assert!(inventory.call_has_overlap(&mut store, index, &hit)??);

    let series: Vec<String> = (0..RANGES)
        .map(|i| {
            let (a, b) = (10_000_000 + 20 * i, 10_000_000 + 20 * i + 9);
            let (a, b) = if i % 3 == 2 { (b, a) } else { (a, b) };
            format!("V{a}\u{1f}V{b}")
        })
        .collect();
    let packed = series.join("\u{1e}");

    let mut rows: Vec<(String, f64)> = Vec::new();
    let mut row = |name: &str, per_second: f64| rows.push((name.to_owned(), per_second));
    row(
        "validate a valid series",
        rate(|| {
            rules
                .call_validate_series(&mut store, "V10000051", "V10000060", None)
                .map(drop)
                .unwrap_or(())
        }),
    );
    row(
        "validate an invalid series (start after end)",
        rate(|| {
            rules
                .call_validate_series(&mut store, "V10000060", "V10000051", None)
                .map(drop)
                .unwrap_or(())
        }),
    );
    row(
        &format!("yes/no overlap query, {RANGES} stored ranges"),
        rate(|| {
            let _ = inventory.call_has_overlap(&mut store, index, &hit);
        }),
    );
    row(
        &format!("overlap query returning conflicts, {RANGES} stored ranges"),
        rate(|| {
            let _ = inventory.call_overlaps(&mut store, index, &hit);
        }),
    );
    let started = Instant::now();
    let answer = rules.call_validate_packed(&mut store, &packed, None)?;
    let bulk = started.elapsed();
    assert_eq!(answer.split('\u{1d}').count() as u64, RANGES);

    let mut out =
        String::from("| work | component via wasmtime (Rust, typed bindings) |\n| --- | ---: |\n");
    for (name, per_second) in &rows {
        out.push_str(&format!(
            "| {name} | {per_second:.0} calls/s ({:.2} µs a call) |\n",
            1e6 / per_second
        ));
    }
    out.push_str(&format!(
        "| validate {RANGES} series, a third invalid, in one `validate-packed` call | {:.0} series/s ({:.2} µs a series) |\n",
        RANGES as f64 / bulk.as_secs_f64(),
        bulk.as_secs_f64() * 1e6 / RANGES as f64
    ));
    out.push_str(&format!(
        "\nLoading {RANGES} ranges in one `add-packed` call: {:.0} ms.\n",
        load.as_secs_f64() * 1e3
    ));
    std::fs::create_dir_all(root.join("target"))?;
    std::fs::write(root.join("target/bench-component-rust.md"), &out)?;
    print!("{out}");
    Ok(())
}
