//! Bulk requests answer what the single calls answer: random imports
//! (some overlapping the store, some each other, some invalid, over two
//! customers) run as one bulk flow and as one book flow per request, in
//! order, over equal stores, must decide every request alike and leave the
//! stores holding the same series.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use seriesguard::book::{Refusal, Request, Row};
use seriesguard::bulk::BulkMode;
use seriesguard::flow::{self, Done, Mode, Record, SyncStore};
use seriesguard::input::Value;
use seriesguard::inventory::PoolKey;
use seriesguard::range::SeriesRules;

/// Stored segments by pool key: the store contract over a vector, counting
/// the calls it gets.
#[derive(Default, Clone)]
struct Shelf {
    rows: Vec<(PoolKey, Row)>,
    asked: usize,
    inserts: usize,
}

impl SyncStore for Shelf {
    fn overlapping(
        &mut self,
        pool: &PoolKey,
        first: u128,
        last: u128,
        _: &str,
    ) -> Result<Vec<Row>, Refusal> {
        self.asked += 1;
        Ok(self
            .rows
            .iter()
            .filter(|(key, r)| {
                key == pool
                    && r.first.parse::<u128>().unwrap() <= last
                    && r.last.parse::<u128>().unwrap() >= first
            })
            .map(|(_, r)| r.clone())
            .collect())
    }

    fn insert(&mut self, record: &Record) -> Result<(), Refusal> {
        self.inserts += 1;
        self.put(record);
        Ok(())
    }

    fn insert_many(&mut self, records: &[Record]) -> Result<(), Refusal> {
        self.inserts += 1;
        records.iter().for_each(|r| self.put(r));
        Ok(())
    }
}

impl Shelf {
    fn put(&mut self, record: &Record) {
        for (key, a, b) in &record.segments {
            let row = Row {
                id: record.id.to_string(),
                first: a.to_string(),
                last: b.to_string(),
                format: None,
            };
            self.rows.push((key.clone(), row));
        }
    }

    /// What it holds, as comparable text.
    fn held(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .rows
            .iter()
            .map(|(k, r)| format!("{}|{}..{}|{}", k.scope, r.first, r.last, r.id))
            .collect();
        out.sort();
        out
    }
}

/// A request of the import: customer, start, end, as text.
fn requests() -> impl Strategy<Value = Vec<(bool, u32, u32)>> {
    proptest::collection::vec((any::<bool>(), 0u32..60, 0u32..14), 0..24)
}

fn texts(list: &[(bool, u32, u32)]) -> Vec<(String, String, String)> {
    list.iter()
        .enumerate()
        .map(|(i, &(b, start, len))| {
            // Every seventh request is reversed: refused, whatever is stored.
            let (a, z) = if i % 7 == 6 {
                (start + len + 1, start)
            } else {
                (start, start + len)
            };
            (
                if b { "B" } else { "A" }.to_owned(),
                format!("V{:03}", 100 + a),
                format!("V{:03}", 100 + z),
            )
        })
        .collect()
}

fn request<'a>((scope, start, end): &'a (String, String, String)) -> Request<'a> {
    Request {
        id: Value::Absent,
        start: Value::Text(start),
        end: Value::Text(end),
        scope: Value::Text(scope),
        item_code: Value::Absent,
        kind: Value::Absent,
    }
}

/// The store both runs begin with: a few series of customer A.
fn stocked(stored: &[(u32, u32)]) -> Shelf {
    let mut shelf = Shelf::default();
    let rules = SeriesRules::default();
    for &(start, len) in stored {
        let (a, z) = (
            format!("V{:03}", 100 + start),
            format!("V{:03}", 100 + start + len),
        );
        let text = ("A".to_owned(), a, z);
        let _ = flow::run(Mode::Create, &request(&text), &rules, &mut shelf);
    }
    shelf.asked = 0;
    shelf.inserts = 0;
    shelf
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn bulk_decides_as_single_calls_in_order(
        stored in proptest::collection::vec((0u32..60, 0u32..8), 0..5),
        list in requests(),
        free in any::<bool>(),
    ) {
        let rules = SeriesRules::default();
        let texts = texts(&list);
        let reqs: Vec<Request<'_>> = texts.iter().map(request).collect();

        // One book flow per request: create (or create the free part), in order.
        let mut single = stocked(&stored);
        let mut expected = Vec::new();
        for r in &reqs {
            let plan = flow::run(Mode::Plan, r, &rules, &mut single);
            let made = match &plan {
                Ok(Done::Plan(p)) if p.skipped.is_empty() => flow::run(Mode::Create, r, &rules, &mut single).map(|_| ()),
                Ok(Done::Plan(p)) if p.created > 0 && free => flow::run(Mode::CreateFree, r, &rules, &mut single).map(|_| ()),
                _ => Ok(()),
            };
            prop_assert!(made.is_ok());
            expected.push(match plan {
                Ok(Done::Plan(p)) if p.created == 0 => Err("OVERLAP".to_owned()),
                Ok(Done::Plan(p)) => Ok((p.created, p.requested, p.skipped.len())),
                Ok(_) => unreachable!(),
                Err(issues) => Err(issues[0].code().to_owned()),
            });
        }

        // The same import as one bulk flow: planned, then created.
        let mut bulk_store = stocked(&stored);
        let planned = flow::run_bulk(BulkMode::Plan { free }, &reqs, &rules, &mut bulk_store).unwrap();
        prop_assert_eq!(bulk_store.inserts, 0, "planning stores nothing");
        let created = flow::run_bulk(BulkMode::Create { free }, &reqs, &rules, &mut bulk_store).unwrap();
        for bulk in [&planned, &created] {
            let got: Vec<_> = bulk.outcomes.iter().map(|o| match o {
                Ok(p) => Ok((p.created, p.requested, p.skipped.len())),
                Err(issues) => Err(issues[0].code().to_owned()),
            }).collect();
            prop_assert_eq!(&got, &expected);
        }
        prop_assert_eq!(planned.records.len(), created.records.len());
        prop_assert_eq!(bulk_store.held(), single.held());
        // The store was asked once per pool each time, and written at most once.
        prop_assert!(bulk_store.asked <= 2 * 2, "asked {} times", bulk_store.asked);
        prop_assert!(bulk_store.inserts <= 1);
        prop_assert_eq!(created.stored, !created.records.is_empty());
    }
}
