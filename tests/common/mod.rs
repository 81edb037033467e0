//! What the integration tests share: a host's store for pool books, in
//! memory (tests/lifecycle.rs, tests/conformance.rs).
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use seriesguard::range::SeriesRules;

/// A host's store for pool books, in memory: the trail with its seqs, a
/// compare-and-append, and the segment table (rows of runs) as the
/// reference server keeps it. `fail` makes the next append fail; `lose`
/// makes it succeed and then be lost (a commit that never happened).
#[derive(Default)]
pub struct TrailStore {
    pub declarations: Vec<(u64, serde_json::Value)>,
    pub events: Vec<(u64, serde_json::Value)>,
    pub seq: u64,
    pub rows: BTreeMap<(String, u128), serde_json::Value>,
    pub fail: bool,
    pub lose: bool,
    pub stale: bool,
}

impl TrailStore {
    fn head(&self) -> serde_json::Value {
        let last = |list: &Vec<(u64, serde_json::Value)>| list.last().map_or(0, |x| x.0);
        serde_json::json!({ "declarations": last(&self.declarations).to_string(), "events": last(&self.events).to_string() })
    }

    fn trail(&self, after: seriesguard::lifecycle::book::Head) -> String {
        let after_of = |list: &Vec<(u64, serde_json::Value)>,
                        seq: u64,
                        name: &str|
         -> Vec<serde_json::Value> {
            list.iter()
                .filter(|x| x.0 > seq)
                .map(|(s, v)| serde_json::json!({ "seq": s.to_string(), name: v }))
                .collect()
        };
        serde_json::json!({
            "declarations": after_of(&self.declarations, after.declarations, "declaration"),
            "events": after_of(&self.events, after.events, "event"),
            "head": self.head(),
        })
        .to_string()
    }

    /// `Some(new head)`, or `None` when stale.
    fn append(&mut self, change: &str) -> Option<String> {
        let change: serde_json::Value = serde_json::from_str(change).unwrap();
        let after = &change["after"];
        let head = self.head();
        if after["declarations"] != head["declarations"] || after["events"] != head["events"] {
            return None;
        }
        if !change["declaration"].is_null() {
            self.seq += 1;
            self.declarations
                .push((self.seq, change["declaration"].clone()));
        }
        for e in change["events"].as_array().unwrap() {
            self.seq += 1;
            self.events.push((self.seq, e.clone()));
        }
        for s in change["segments"].as_array().unwrap() {
            let pool = s["pool"].as_str().unwrap().to_owned();
            let (a, b): (u128, u128) = (
                s["first"].as_str().unwrap().parse().unwrap(),
                s["last"].as_str().unwrap().parse().unwrap(),
            );
            self.rows.retain(|(p, first), row| {
                let last: u128 = row["last"].as_str().unwrap().parse().unwrap();
                !(p == &pool && *first <= b && last >= a)
            });
            for run in s["runs"].as_array().unwrap() {
                let first: u128 = run["first"].as_str().unwrap().parse().unwrap();
                self.rows.insert((pool.clone(), first), run.clone());
            }
        }
        Some(self.head().to_string())
    }
}

/// Runs one request through `book` over `store`, as a binding drives it.
pub fn drive(
    book: &mut seriesguard::lifecycle::book::PoolBook,
    store: &mut TrailStore,
    request: serde_json::Value,
    rules: &SeriesRules,
) -> Result<serde_json::Value, String> {
    use seriesguard::lifecycle::book::{PoolAnswer, PoolNeed, PoolStep};
    let mut step = book.start(&request.to_string());
    loop {
        step = match step {
            PoolStep::Done(Ok(text)) => return Ok(serde_json::from_str(&text).unwrap()),
            PoolStep::Done(Err(e)) => return Err(e.code().to_owned()),
            PoolStep::Need(PoolNeed::Trail(after)) => {
                let trail = store.trail(after);
                book.resume(PoolAnswer::Trail(&trail), rules)
            }
            PoolStep::Need(PoolNeed::Append(change)) => {
                if std::mem::take(&mut store.fail) {
                    book.resume(PoolAnswer::Failed { missing: false }, rules)
                } else if std::mem::take(&mut store.stale) {
                    book.resume(PoolAnswer::Stale, rules)
                } else {
                    let saved = (
                        store.declarations.clone(),
                        store.events.clone(),
                        store.rows.clone(),
                    );
                    let answer = store.append(&change);
                    if std::mem::take(&mut store.lose) {
                        (store.declarations, store.events, store.rows) = saved;
                    }
                    match answer {
                        Some(head) => book.resume(PoolAnswer::Appended(&head), rules),
                        None => book.resume(PoolAnswer::Stale, rules),
                    }
                }
            }
        }
    }
}
