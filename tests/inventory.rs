//! The inventory against the issue's scenarios and against a naive model:
//! a map from every member to its holder, over small domains.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use seriesguard::check_digit::Scheme;
use seriesguard::input::Value;
use seriesguard::inventory::{
    segments, split, Inventory, KeyRef, PoolKey, Segment, Segments, SeriesId,
};
use seriesguard::range::{validate, RuleValues, SeriesRules};

fn segs<'a>(start: &'a str, end: &'a str) -> Vec<Segment<'a>> {
    segs_in(start, end, "", &SeriesRules::default())
}

fn segs_in<'a>(
    start: &'a str,
    end: &'a str,
    scope: &'a str,
    rules: &SeriesRules,
) -> Vec<Segment<'a>> {
    let v = validate(Value::Text(start), Value::Text(end), rules);
    assert!(v.ok(), "{start}..{end}: {:?}", v.issues);
    segments(&v.range.unwrap(), scope)
}

fn text(id: &str) -> SeriesId {
    SeriesId::Text(id.to_owned())
}

#[test]
fn the_issue_scenario() {
    let mut inv = Inventory::new(false);
    inv.insert(&text("S1"), &segs("V10000051", "V10000060"))
        .unwrap();

    let query = segs("V10000055", "V10000070");
    let conflicts = inv.overlaps(&query);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (
            conflicts[0].id.clone(),
            conflicts[0].start.as_str(),
            conflicts[0].end.as_str(),
            conflicts[0].count
        ),
        (text("S1"), "V10000055", "V10000060", 6)
    );
    let plan = inv.plan(&query);
    assert_eq!((plan.created, plan.requested), (10, 16));
    assert_eq!(plan.create.len(), 1);
    assert_eq!(
        (plan.create[0].start.as_str(), plan.create[0].end.as_str()),
        ("V10000061", "V10000070")
    );
    assert_eq!(plan.skipped, conflicts);

    let err = inv.insert(&text("S2"), &query).unwrap_err();
    assert_eq!(err.code(), "OVERLAP");
    assert_eq!(
        err.to_string(),
        "V10000055..V10000060 is already held by series S1"
    );

    inv.insert(&text("S2"), &segs("V10000061", "V10000070"))
        .unwrap();
    inv.insert(&text("S3"), &segs("V10000050", "V10000050"))
        .unwrap();
    assert_eq!(inv.ranges(), 3);
    assert!(!inv.any_overlap(&segs("V10000071", "V10000071")));
    assert!(inv.any_overlap(&segs("V10000049", "V10000050")));
}

#[test]
fn touching_is_not_overlapping_and_natural_series_meet_fixed_ones() {
    let mut inv = Inventory::new(false);
    inv.insert(&SeriesId::Number(1), &segs("V9", "V12"))
        .unwrap();
    // V10..V11 written with two digits are the same identifiers.
    let conflicts = inv.overlaps(&segs("V10", "V11"));
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].id, SeriesId::Number(1));
    // V09 is not V9.
    assert!(!inv.any_overlap(&segs("V08", "V09")));
    assert!(!inv.any_overlap(&segs("V13", "V20")));
    inv.insert(&SeriesId::Number(2), &segs("V13", "V13"))
        .unwrap();
    assert_eq!(inv.stats().numbers, Some(5));
}

#[test]
fn extremes_of_u128_bodies_work_without_iterating() {
    let mut inv = Inventory::new(false);
    let zero = "0".repeat(38);
    let max = "9".repeat(38);
    inv.insert(&text("all"), &segs(&zero, &max)).unwrap();
    assert_eq!(inv.stats().numbers, Some(10u128.pow(38)));
    let mid = format!("5{}", "0".repeat(37));
    let plan = inv.plan(&segs(&mid, &max));
    assert_eq!((plan.created, plan.requested), (0, 5 * 10u128.pow(37)));
    assert!(inv.remove(&text("all")));
    assert_eq!(inv.plan(&segs(&mid, &max)).created, 5 * 10u128.pow(37));
}

#[test]
fn bulk_inserts_are_all_or_nothing_and_report_internal_collisions() {
    let mut inv = Inventory::new(false);
    inv.insert(&text("A"), &segs("100", "199")).unwrap();
    let batch = vec![
        (text("B"), segs("200", "299")),
        (text("C"), segs("250", "260")),
        (text("D"), segs("150", "150")),
    ];
    let err = inv.insert_many(&batch).unwrap_err();
    assert_eq!(err.code(), "OVERLAP");
    assert!(err.to_string().contains("and 1 more overlap"), "{err}");
    assert_eq!(inv.ranges(), 1, "nothing from the failed batch stays");
    inv.insert_many(&batch[..1]).unwrap();
    assert_eq!(inv.ranges(), 2);
}

#[test]
fn merge_adjacent_joins_touching_ranges_of_one_id() {
    let mut inv = Inventory::new(true);
    inv.insert(&text("group-1"), &segs("1000", "1009")).unwrap();
    inv.insert(&text("group-1"), &segs("1010", "1019")).unwrap();
    inv.insert(&text("group-2"), &segs("1020", "1029")).unwrap();
    assert_eq!(inv.ranges(), 2);
    let plain = {
        let mut inv = Inventory::new(false);
        inv.insert(&text("group-1"), &segs("1000", "1009")).unwrap();
        inv.insert(&text("group-1"), &segs("1010", "1019")).unwrap();
        inv.ranges()
    };
    assert_eq!(plain, 2);
    // The same as a first bulk load, into empty pools, and into a pool
    // already holding a range.
    for stored in [None, Some(("group-3", "0900", "0909"))] {
        let mut inv = Inventory::new(true);
        if let Some((id, a, b)) = stored {
            inv.insert(&text(id), &segs(a, b)).unwrap();
        }
        let batch = [
            (text("group-1"), segs("1000", "1009")),
            (text("group-1"), segs("1010", "1019")),
            (text("group-2"), segs("1020", "1029")),
        ];
        inv.insert_many(&batch).unwrap();
        assert_eq!(inv.ranges(), 2 + usize::from(stored.is_some()));
    }
}

#[test]
fn allocation_finds_the_first_free_block_within_bounds() {
    let mut inv = Inventory::new(false);
    let rules = SeriesRules::default();
    let owned = PoolKey {
        prefix: String::new(),
        suffix: String::new(),
        width: 7,
        scheme: Scheme::None,
        scope: "0161".into(),
    };
    let key = owned.as_ref();
    inv.insert(&text("a"), &segs_in("4960000", "4960009", "0161", &rules))
        .unwrap();
    inv.insert(&text("b"), &segs_in("4960015", "4960019", "0161", &rules))
        .unwrap();
    assert_eq!(
        inv.find_free(&key, 4960000, 4960099, 5),
        Some((4960010, 4960014))
    );
    assert_eq!(
        inv.find_free(&key, 4960000, 4960099, 6),
        Some((4960020, 4960025))
    );
    assert_eq!(inv.find_free(&key, 4960000, 4960019, 6), None);
    assert_eq!(inv.find_free(&key, 4960000, 4960019, 0), None);
    // Another scope is another pool.
    let other = KeyRef {
        scope: "020",
        ..key
    };
    assert_eq!(
        inv.find_free(&other, 4960000, 4960019, 20),
        Some((4960000, 4960019))
    );
}

#[test]
fn check_digits_are_restored_in_conflicts() {
    let (rules, _) = SeriesRules::from_values(&RuleValues {
        format: Value::Text("s10"),
        ..RuleValues::default()
    });
    let mut inv = Inventory::new(false);
    // Serials 47312482..47312499, typed with their check digits.
    inv.insert(
        &text("batch"),
        &segs_in("RR473124829GB", "RR473124996GB", "", &rules),
    )
    .unwrap();
    let c = inv.overlaps(&segs_in("RR473124832GB", "RR473125002GB", "", &rules));
    assert_eq!(
        (c[0].start.as_str(), c[0].end.as_str(), c[0].count),
        ("RR473124832GB", "RR473124996GB", 17)
    );
}

#[test]
fn split_chunks_and_refuses_absurd_counts() {
    assert_eq!(split(1, 1, 1000).unwrap(), [(1, 1)]);
    assert_eq!(split(1, 3000, 1000).unwrap().len(), 3);
    assert_eq!(
        split(0, 10u128.pow(37), 1000).unwrap_err().code(),
        "RANGE_TOO_LARGE"
    );
    assert_eq!(split(1, 2, 0).unwrap_err().code(), "QUANTITY_OUT_OF_RANGE");
    let max = 10u128.pow(38) - 1;
    assert_eq!(
        split(max - 1, max, 1).unwrap(),
        [(max - 1, max - 1), (max, max)]
    );
}

#[test]
fn snapshots_load_back_to_the_same_inventory() {
    let mut inv = Inventory::new(false);
    inv.insert(&text("x"), &segs("V9", "V12")).unwrap();
    inv.insert(&SeriesId::Number(7), &segs("AB-000123-X", "AB-000200-X"))
        .unwrap();
    let ranges: Vec<_> = inv
        .iter()
        .map(|(k, a, b, id)| (k.clone(), a, b, id))
        .collect();
    let mut copy = Inventory::new(false);
    copy.load(&ranges).unwrap();
    let again: Vec<_> = copy
        .iter()
        .map(|(k, a, b, id)| (k.clone(), a, b, id))
        .collect();
    assert_eq!(ranges, again);
    assert_eq!(copy.stats(), inv.stats());
    let mut bad = ranges.clone();
    bad[0].1 = bad[0].2 + 1;
    assert_eq!(
        Inventory::new(false).load(&bad).unwrap_err().code(),
        "SNAPSHOT_INVALID"
    );
}

#[derive(Debug, Clone)]
enum Op {
    Insert(u32, u128, u128),
    Remove(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u32..6, 0u128..120, 0u128..12).prop_map(|(id, a, len)| Op::Insert(id, a, (a + len).min(119))),
        1 => (0u32..6).prop_map(Op::Remove),
    ]
}

fn key3() -> KeyRef<'static> {
    KeyRef {
        prefix: "N",
        suffix: "",
        width: 3,
        scheme: Scheme::None,
        scope: "",
    }
}

fn seg(a: u128, b: u128) -> Vec<Segment<'static>> {
    vec![Segment {
        key: key3(),
        first: a,
        last: b,
    }]
}

proptest! {
    #[test]
    fn the_inventory_agrees_with_a_member_by_member_model(
        ops in proptest::collection::vec(op(), 1..40),
        queries in proptest::collection::vec((0u128..120, 0u128..30, 1u128..8), 1..10),
        merge in any::<bool>(),
    ) {
        let mut inv = Inventory::new(merge);
        let mut model: BTreeMap<u128, u32> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(id, a, b) => {
                    let taken = model.range(a..=b).next().is_some();
                    let result = inv.insert(&SeriesId::Number(id), &seg(a, b));
                    prop_assert_eq!(result.is_err(), taken);
                    if !taken {
                        for m in a..=b { model.insert(m, id); }
                    }
                }
                Op::Remove(id) => {
                    let had = model.values().any(|&v| v == id);
                    prop_assert_eq!(inv.remove(&SeriesId::Number(id)), had);
                    model.retain(|_, v| *v != id);
                }
            }
        }
        for (a, len, quantity) in queries {
            let b = (a + len).min(119);
            let held: Vec<(u128, u32)> = model.range(a..=b).map(|(&m, &id)| (m, id)).collect();
            let conflicts = inv.overlaps(&seg(a, b));
            let listed: u128 = conflicts.iter().map(|c| c.count).sum();
            prop_assert_eq!(listed, held.len() as u128);
            for c in &conflicts {
                let first: u128 = c.start[1..].parse().unwrap();
                let last: u128 = c.end[1..].parse().unwrap();
                for m in first..=last {
                    prop_assert_eq!(Some(&SeriesId::Number(model[&m])), Some(&c.id));
                }
            }
            prop_assert_eq!(inv.any_overlap(&seg(a, b)), !held.is_empty());
            let plan = inv.plan(&seg(a, b));
            prop_assert_eq!(plan.created + listed, b - a + 1);
            prop_assert_eq!(plan.requested, b - a + 1);
            // The first free block of `quantity`, by brute force.
            let want = (a..=b).find(|&s| s + quantity - 1 <= b && (s..s + quantity).all(|m| !model.contains_key(&m)));
            prop_assert_eq!(inv.find_free(&key3(), a, b, quantity), want.map(|s| (s, s + quantity - 1)));
        }
        prop_assert_eq!(inv.stats().numbers, Some(model.len() as u128));
        if !merge {
            // Without merging, stored ranges are exactly the inserted ones.
            let stored: u128 = inv.iter().map(|(_, a, b, _)| b - a + 1).sum();
            prop_assert_eq!(stored, model.len() as u128);
        }
    }
}

proptest! {
    // A pool of hundreds to thousands of ranges (many blocks of its summary
    // column): every query answers what a scan of the stored ranges does,
    // at block edges too.
    // Bodies near 0, or around 2^64 (a column keeping the high halves of
    // some values, and queries on both sides), in a pool of 38 digits.
    #[test]
    fn queries_over_many_blocks_agree_with_a_scan(
        gaps in proptest::collection::vec((0u128..4, 0u128..3), 100..1500),
        queries in proptest::collection::vec((0u128..6000, 0u128..12), 1..64),
        base in prop_oneof![Just(0u128), (0u128..6000).prop_map(|d| u128::from(u64::MAX) - d)],
    ) {
        let key = KeyRef { width: 38, ..key3() };
        let seg = |a: u128, b: u128| vec![Segment { key, first: a, last: b }];
        let mut inv = Inventory::new(false);
        let mut stored = Vec::new();
        let mut at = base;
        for (i, (gap, len)) in gaps.iter().enumerate() {
            let (a, b) = (at + gap, at + gap + len);
            stored.push((a, b, i));
            at = b + 1;
        }
        let items = stored.iter().map(|&(a, b, i)| Ok((SeriesId::Number(i as u32), seg(a, b).into())));
        inv.insert_all(items, 0).unwrap();
        // Every stored range's own first and last serial, and the random queries.
        let edges = stored.iter().flat_map(|&(a, b, _)| [(a, 0), (b, 0)]);
        for (first, len) in queries.into_iter().map(|(q, len)| (base + q, len)).chain(edges) {
            let last = first + len;
            let expected: Vec<u32> = stored.iter().filter(|&&(a, b, _)| a <= last && b >= first).map(|&(_, _, i)| i as u32).collect();
            let got: Vec<u32> = inv.overlaps(&seg(first, last)).iter().map(|c| match c.id { SeriesId::Number(n) => n, _ => u32::MAX }).collect();
            prop_assert_eq!(&got, &expected, "{}..{}", first, last);
            prop_assert_eq!(inv.any_overlap(&seg(first, last)), !expected.is_empty());
        }
        // The binary snapshot holds every value whole.
        let back = Inventory::from_bytes(&inv.to_bytes(), None).unwrap().0;
        prop_assert!(back.iter().eq(inv.iter()));
        let whole: Vec<(u128, u128)> = inv.iter().map(|(_, a, b, _)| (a, b)).collect();
        prop_assert_eq!(whole, stored.iter().map(|&(a, b, _)| (a, b)).collect::<Vec<_>>());
    }
}

proptest! {
    // Bulk inserts gather each pool's ranges in the order given: in order
    // they become the pool's columns as they are, out of order they are
    // sorted. Either way, and in two steps (the second merged into stored
    // columns), what is stored is the ranges in key and start order; a
    // collision among them refuses the whole batch. Bodies near 2^64 put
    // wide values after narrow ones within one gathered column.
    #[test]
    fn bulk_inserts_in_any_order_store_the_ranges_sorted(
        ranges in proptest::collection::vec((any::<bool>(), 0u128..400, 0u128..4), 1..120),
        order in proptest::collection::vec(any::<u32>(), 120),
        hint in 0usize..200,
        split_at in 0usize..120,
    ) {
        let wide = KeyRef { width: 38, ..key3() };
        let near = u128::from(u64::MAX) - 200;
        let mut items: Vec<(bool, u128, u128, u32)> = ranges
            .iter()
            .enumerate()
            .map(|(i, &(w, a, len))| if w { (w, near + a, near + a + len, i as u32) } else { (w, a, a + len, i as u32) })
            .collect();
        // A random order (the keys sort the items; ties keep theirs).
        let mut keyed: Vec<(u32, (bool, u128, u128, u32))> = items.iter().enumerate().map(|(i, &it)| (order[i], it)).collect();
        keyed.sort_by_key(|&(k, _)| k);
        let given: Vec<_> = keyed.into_iter().map(|(_, it)| it).collect();
        let item = |&(w, a, b, i): &(bool, u128, u128, u32)| {
            Ok((SeriesId::Number(i), Segments::One(Segment { key: if w { wide } else { key3() }, first: a, last: b })))
        };
        items.sort_by_key(|&(w, a, b, _)| (w, a, b));
        let collides = items.windows(2).any(|p| p[0].0 == p[1].0 && p[0].2 >= p[1].1);
        let stored = |inv: &Inventory| inv.iter().map(|(k, a, b, id)| (k.width == 38, a, b, id)).collect::<Vec<_>>();
        let want: Vec<_> = items.iter().map(|&(w, a, b, i)| (w, a, b, SeriesId::Number(i))).collect();

        let mut inv = Inventory::new(false);
        let once = inv.insert_all(given.iter().map(item), hint);
        prop_assert_eq!(once.is_err(), collides);
        prop_assert_eq!(stored(&inv), if collides { Vec::new() } else { want.clone() });

        let (a, b) = given.split_at(split_at.min(given.len()));
        let mut inv = Inventory::new(false);
        let first = inv.insert_all(a.iter().map(item), hint);
        let second = inv.insert_all(b.iter().map(item), 0);
        if first.is_ok() && second.is_ok() {
            prop_assert!(!collides);
            prop_assert_eq!(stored(&inv), want);
        } else {
            prop_assert!(collides);
        }
    }
}
