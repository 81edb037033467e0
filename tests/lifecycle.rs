//! The number lifecycle against a member-by-member model: random sequences
//! of every operation on a small pool with a gap and a child pool, checked
//! after each step (states equal the model's, runs canonical, counts add up
//! to capacity, replay equals state, a key never reserves twice).
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use seriesguard::inventory::PoolKey;
use seriesguard::lifecycle::time::DAY;
use seriesguard::lifecycle::{
    Answer, Cooling, LowAt, Mark, Policy, Pools, State, Status, Take, STATES,
};
use seriesguard::range::SeriesRules;

mod common;
use common::TrailStore;

/// A request through a book over the test store, under the default rules.
fn drive_(
    book: &mut seriesguard::lifecycle::book::PoolBook,
    store: &mut TrailStore,
    request: serde_json::Value,
) -> Result<serde_json::Value, String> {
    common::drive(book, store, request, &SeriesRules::default())
}

/// The root pool holds 0..=15 and 20..=39; 16..=19 are outside it.
const BLOCKS: [(u128, u128); 2] = [(0, 15), (20, 39)];
const SIZE: usize = 40;
const QUOTA: u128 = 12;
const TTL: i64 = 1_000;

fn key() -> PoolKey {
    PoolKey {
        prefix: "V".into(),
        width: 4,
        ..PoolKey::default()
    }
}

/// One member's state in the model: state, until, holder.
type Member = Option<(State, Option<i64>, String)>;

#[derive(Debug, Clone, PartialEq)]
struct Held {
    child: bool,
    owner: String,
    first: usize,
    last: usize,
    expires: i64,
    status: Status,
}

#[derive(Debug, Clone)]
struct Model {
    root: Vec<Member>,
    child: Vec<Member>,
    reservations: BTreeMap<String, Held>,
}

fn avail() -> Member {
    Some((State::Available, None, String::new()))
}

fn state_of(m: &Member) -> Option<State> {
    m.as_ref().map(|m| m.0)
}

impl Model {
    fn new() -> Model {
        let mut root = vec![None; SIZE];
        for (a, b) in BLOCKS {
            for m in &mut root[a as usize..=b as usize] {
                *m = avail();
            }
        }
        Model {
            root,
            child: vec![None; SIZE],
            reservations: BTreeMap::new(),
        }
    }

    fn pool(&mut self, child: bool) -> &mut Vec<Member> {
        if child {
            &mut self.child
        } else {
            &mut self.root
        }
    }

    /// First fit: the first maximal available run holding `q`.
    fn fit(members: &[Member], q: usize) -> Option<(usize, usize)> {
        let mut i = 0;
        while i < members.len() {
            if state_of(&members[i]) == Some(State::Available) {
                let start = i;
                while i < members.len() && state_of(&members[i]) == Some(State::Available) {
                    i += 1;
                }
                if i - start >= q {
                    return Some((start, start + q - 1));
                }
            } else {
                i += 1;
            }
        }
        None
    }

    fn take(&mut self, child: bool, take: Take) -> Option<(usize, usize)> {
        let members = self.pool(child);
        match take {
            Take::Quantity(q) => Model::fit(members, q as usize),
            Take::Range(a, b) => (a as usize..=b as usize)
                .all(|i| state_of(&members[i]) == Some(State::Available))
                .then_some((a as usize, b as usize)),
        }
    }

    fn all(&mut self, child: bool, a: usize, b: usize, from: &[State]) -> bool {
        self.pool(child)[a..=b]
            .iter()
            .all(|m| state_of(m).is_some_and(|s| from.contains(&s)))
    }

    fn set(&mut self, child: bool, a: usize, b: usize, member: Member) {
        for m in &mut self.pool(child)[a..=b] {
            *m = member.clone();
        }
    }

    fn open(&self, key: &str, at: i64) -> Option<Held> {
        self.reservations
            .get(key)
            .filter(|h| h.status == Status::Reserved && at < h.expires)
            .cloned()
    }

    /// Applies `op`; `true` when it succeeds.
    fn apply(&mut self, op: &Step, at: i64) -> bool {
        match op {
            Step::Reserve {
                child,
                take,
                key,
                owner,
            } => {
                if let Some(h) = self.reservations.get(key) {
                    return h.owner == *owner
                        && h.child == *child
                        && match *take {
                            Take::Quantity(q) => (h.last - h.first + 1) as u128 == q,
                            Take::Range(a, b) => (h.first as u128, h.last as u128) == (a, b),
                        };
                }
                let Some((a, b)) = self.take(*child, *take) else {
                    return false;
                };
                self.set(
                    *child,
                    a,
                    b,
                    Some((State::Reserved, Some(at + TTL), key.clone())),
                );
                let held = Held {
                    child: *child,
                    owner: owner.clone(),
                    first: a,
                    last: b,
                    expires: at + TTL,
                    status: Status::Reserved,
                };
                self.reservations.insert(key.clone(), held);
                true
            }
            Step::Extend { key } => {
                let Some(h) = self.open(key, at) else {
                    return false;
                };
                self.set(
                    h.child,
                    h.first,
                    h.last,
                    Some((State::Reserved, Some(at + TTL), key.clone())),
                );
                self.reservations.get_mut(key).unwrap().expires = at + TTL;
                true
            }
            Step::Confirm { key } | Step::Cancel { key } => {
                let confirm = matches!(op, Step::Confirm { .. });
                if confirm
                    && self
                        .reservations
                        .get(key)
                        .is_some_and(|h| h.status == Status::Assigned)
                {
                    return true;
                }
                let Some(h) = self.open(key, at) else {
                    return false;
                };
                let child = h.child;
                let (state, status) = match confirm {
                    true => (State::Assigned, Status::Assigned),
                    false => (State::Available, Status::Cancelled),
                };
                self.set(child, h.first, h.last, Some((state, None, String::new())));
                self.reservations.get_mut(key).unwrap().status = status;
                true
            }
            Step::Assign { child, take } => {
                let Some((a, b)) = self.take(*child, *take) else {
                    return false;
                };
                self.set(*child, a, b, Some((State::Assigned, None, String::new())));
                true
            }
            Step::Release { child, a, b } => {
                if !self.all(*child, *a, *b, &[State::Assigned]) {
                    return false;
                }
                self.set(
                    *child,
                    *a,
                    *b,
                    Some((State::Cooling, Some(at + DAY), String::new())),
                );
                true
            }
            Step::Block { child, a, b } => {
                if !self.all(
                    *child,
                    *a,
                    *b,
                    &[State::Available, State::Cooling, State::Blocked],
                ) {
                    return false;
                }
                self.set(*child, *a, *b, Some((State::Blocked, None, String::new())));
                true
            }
            Step::Unblock { child, a, b } => {
                if !self.all(*child, *a, *b, &[State::Blocked]) {
                    return false;
                }
                self.set(*child, *a, *b, avail());
                true
            }
            Step::Expire => {
                for members in [&mut self.root, &mut self.child] {
                    for m in members.iter_mut() {
                        if let Some((State::Reserved | State::Cooling, Some(until), holder)) = m {
                            if *until <= at {
                                if let Some(h) = self.reservations.get_mut(holder.as_str()) {
                                    h.status = Status::Expired;
                                }
                                *m = avail();
                            }
                        }
                    }
                }
                true
            }
            Step::HandDown { take } => {
                let Some((a, b)) = self.take(false, *take) else {
                    return false;
                };
                let held = self.child.iter().filter(|m| m.is_some()).count() as u128;
                if held + (b - a + 1) as u128 > QUOTA {
                    return false;
                }
                self.set(false, a, b, Some((State::HandedDown, None, "child".into())));
                self.set(true, a, b, avail());
                true
            }
            Step::HandBack => {
                for i in 0..SIZE {
                    if state_of(&self.child[i]) == Some(State::Available) {
                        self.child[i] = None;
                        self.root[i] = avail();
                    }
                }
                true
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    Reserve {
        child: bool,
        take: Take,
        key: String,
        owner: String,
    },
    Extend {
        key: String,
    },
    Confirm {
        key: String,
    },
    Cancel {
        key: String,
    },
    Assign {
        child: bool,
        take: Take,
    },
    Release {
        child: bool,
        a: usize,
        b: usize,
    },
    Block {
        child: bool,
        a: usize,
        b: usize,
    },
    Unblock {
        child: bool,
        a: usize,
        b: usize,
    },
    Expire,
    HandDown {
        take: Take,
    },
    HandBack,
}

fn take() -> impl Strategy<Value = Take> {
    prop_oneof![
        (1u128..8).prop_map(Take::Quantity),
        (0u128..SIZE as u128, 0u128..6)
            .prop_map(|(a, n)| Take::Range(a, (a + n).min(SIZE as u128 - 1))),
    ]
}

fn range() -> impl Strategy<Value = (bool, usize, usize)> {
    (any::<bool>(), 0..SIZE, 0usize..6).prop_map(|(c, a, n)| (c, a, (a + n).min(SIZE - 1)))
}

fn step() -> impl Strategy<Value = Step> {
    let key = (0u8..5).prop_map(|k| format!("k{k}"));
    let owner = (0u8..2).prop_map(|o| format!("o{o}"));
    prop_oneof![
        3 => (any::<bool>(), take(), key.clone(), owner).prop_map(|(child, take, key, owner)| Step::Reserve { child, take, key, owner }),
        1 => key.clone().prop_map(|key| Step::Extend { key }),
        2 => key.clone().prop_map(|key| Step::Confirm { key }),
        1 => key.prop_map(|key| Step::Cancel { key }),
        1 => (any::<bool>(), take()).prop_map(|(child, take)| Step::Assign { child, take }),
        2 => range().prop_map(|(child, a, b)| Step::Release { child, a, b }),
        1 => range().prop_map(|(child, a, b)| Step::Block { child, a, b }),
        1 => range().prop_map(|(child, a, b)| Step::Unblock { child, a, b }),
        1 => Just(Step::Expire),
        2 => take().prop_map(|take| Step::HandDown { take }),
        1 => Just(Step::HandBack),
    ]
}

fn policy() -> Policy {
    Policy {
        cooling: Cooling::Days(1),
        low_at: Some(LowAt::Percent(25)),
        quota: None,
    }
}

fn fresh() -> Pools {
    let mut pools = Pools::default();
    pools
        .declare("root", key(), &BLOCKS, policy(), None, 0, "test")
        .unwrap();
    let child = Policy {
        quota: Some(QUOTA),
        ..policy()
    };
    pools
        .declare("child", key(), &[], child, Some("root"), 0, "test")
        .unwrap();
    pools
}

fn run(pools: &mut Pools, step: &Step, at: i64) -> Result<Answer, seriesguard::SeriesError> {
    let name = |child: bool| if child { "child" } else { "root" };
    match step {
        Step::Reserve {
            child,
            take,
            key,
            owner,
        } => pools.reserve(name(*child), *take, owner, TTL, key, at, "test"),
        Step::Extend { key } => pools.extend(key, TTL, at, "test"),
        Step::Confirm { key } => pools.confirm(key, at, "test"),
        Step::Cancel { key } => pools.cancel(key, at, "test"),
        Step::Assign { child, take } => pools.assign(name(*child), *take, at, "test"),
        Step::Release { child, a, b } => {
            pools.release(name(*child), *a as u128, *b as u128, at, "test")
        }
        Step::Block { child, a, b } => {
            pools.block(name(*child), *a as u128, *b as u128, at, "test")
        }
        Step::Unblock { child, a, b } => {
            pools.unblock(name(*child), *a as u128, *b as u128, at, "test")
        }
        Step::Expire => pools.expire(at, "test"),
        Step::HandDown { take } => pools.hand_down("root", "child", *take, at, "test"),
        Step::HandBack => pools.hand_back("child", None, at, "test"),
    }
}

/// A pool's runs expanded to members.
fn members(pools: &Pools, name: &str) -> Vec<Member> {
    let mut out = vec![None; SIZE];
    for run in &pools.pool(name).unwrap().runs {
        for m in &mut out[run.first as usize..=run.last as usize] {
            let Mark {
                state,
                until,
                holder,
            } = &run.mark;
            *m = Some((*state, *until, holder.clone()));
        }
    }
    out
}

fn canonical(pools: &Pools, name: &str) {
    let runs = &pools.pool(name).unwrap().runs;
    for run in runs {
        assert!(run.first <= run.last);
    }
    for pair in runs.windows(2) {
        assert!(pair[0].last < pair[1].first, "runs overlap: {pair:?}");
        assert!(
            pair[0].last + 1 < pair[1].first || pair[0].mark != pair[1].mark,
            "adjacent runs of one mark are not merged: {pair:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn the_lifecycle_follows_its_model(steps in proptest::collection::vec((step(), (0i64..5).prop_map(|n| n * 250)), 1..60)) {
        let mut pools = fresh();
        let mut events = Vec::new();
        // The declarations' events come first in the trail.
        let mut replayed_from = fresh_events();
        let mut model = Model::new();
        let mut at = 0;
        for (step, dt) in &steps {
            at += dt;
            let expected = model.apply(step, at);
            let answer = run(&mut pools, step, at);
            prop_assert_eq!(answer.is_ok(), expected, "{:?} at {}: {:?}", step, at, answer);
            if let Ok(answer) = answer {
                events.extend(answer.events);
            }
            prop_assert_eq!(members(&pools, "root"), model.root.clone(), "root after {:?}", step);
            prop_assert_eq!(members(&pools, "child"), model.child.clone(), "child after {:?}", step);
            for name in ["root", "child"] {
                canonical(&pools, name);
            }
            let report = pools.pool("root").unwrap().report();
            prop_assert_eq!(report.capacity, 36);
            prop_assert_eq!(report.counts.iter().sum::<u128>(), 36);
            // A key never holds two ranges: every reserved run's holder is one reservation's range.
            for (name, pool) in pools.pools() {
                for run in pool.runs.iter().filter(|r| r.mark.state == State::Reserved) {
                    let held = pools.reservation(&run.mark.holder).unwrap();
                    prop_assert_eq!(&held.pool, name);
                    prop_assert!(held.first <= run.first && run.last <= held.last);
                }
            }
        }
        // Replay: the declarations, then every event in order.
        let mut replayed = Pools::default();
        replayed.restore("root", key(), policy(), None).unwrap();
        replayed.restore("child", key(), Policy { quota: Some(QUOTA), ..policy() }, Some("root")).unwrap();
        replayed_from.extend(events);
        for event in &replayed_from {
            replayed.apply(event).unwrap();
        }
        prop_assert_eq!(replayed, pools);
    }
}

/// The events of [`fresh`]'s declarations.
fn fresh_events() -> Vec<seriesguard::lifecycle::Event> {
    let mut pools = Pools::default();
    let mut events = pools
        .declare("root", key(), &BLOCKS, policy(), None, 0, "test")
        .unwrap()
        .events;
    let child = Policy {
        quota: Some(QUOTA),
        ..policy()
    };
    events.extend(
        pools
            .declare("child", key(), &[], child, Some("root"), 0, "test")
            .unwrap()
            .events,
    );
    events
}

#[test]
fn counts_and_warnings_are_exact_at_38_digits() {
    let mut pools = Pools::default();
    let key = PoolKey {
        width: 38,
        ..PoolKey::default()
    };
    let max = 10u128.pow(38) - 1;
    let low = Policy {
        low_at: Some(LowAt::Percent(50)),
        ..Policy::default()
    };
    pools
        .declare("big", key, &[(0, max)], low, None, 0, "")
        .unwrap();
    let half = 5 * 10u128.pow(37);
    let answer = pools.assign("big", Take::Quantity(half), 0, "").unwrap();
    assert!(
        answer.warnings.is_empty(),
        "exactly half left is not below half"
    );
    let answer = pools.assign("big", Take::Quantity(1), 0, "").unwrap();
    assert_eq!(answer.warnings[0].code, "POOL_LOW");
    assert_eq!(answer.warnings[0].available, half - 1);
    assert_eq!(answer.warnings[0].threshold, half);
    let report = pools.pool("big").unwrap().report();
    assert_eq!(report.capacity, max + 1);
    assert_eq!(
        report.counts[STATES.iter().position(|s| *s == State::Assigned).unwrap()],
        half + 1
    );
    let err = pools
        .reserve("big", Take::Quantity(half), "", 1, "k", 0, "")
        .unwrap_err();
    assert_eq!(err.code(), "POOL_EXHAUSTED");
    let answer = pools
        .assign("big", Take::Quantity(half - 1), 0, "")
        .unwrap();
    assert_eq!(answer.warnings[0].code, "POOL_EXHAUSTED");
}

#[test]
fn the_command_protocol_answers_the_issue_story() {
    let rules = SeriesRules::default();
    let mut pools = Pools::default();
    let mut run = |request: serde_json::Value| -> serde_json::Value {
        match pools.run(&request.to_string(), &rules) {
            Ok(text) => serde_json::from_str(&text).unwrap(),
            Err(e) => serde_json::json!({ "error": e.code(), "message": e.to_string() }),
        }
    };
    let at = "2026-11-27T19:00:00.000Z";
    let declared = run(serde_json::json!({
        "op": "declare", "pool": "HQ", "at": at, "cooling": 30, "lowAt": "20%",
        "blocks": [{"start": "V10000001", "end": "V10000100"}]
    }));
    assert_eq!(declared["events"][0]["to"], "available");
    let reserved = run(serde_json::json!({
        "op": "reserve", "pool": "HQ", "quantity": 10, "owner": "shop", "ttl": 1_800_000, "key": "order-1", "at": at
    }));
    assert_eq!(reserved["reservation"]["start"], "V10000001");
    assert_eq!(
        reserved["reservation"]["expiresAt"],
        "2026-11-27T19:30:00.000Z"
    );
    let again = run(serde_json::json!({
        "op": "reserve", "pool": "HQ", "quantity": 10, "owner": "shop", "ttl": 1_800_000, "key": "order-1", "at": at
    }));
    assert_eq!(again["events"], serde_json::json!([]));
    assert_eq!(again["reservation"], reserved["reservation"]);
    let reused = run(serde_json::json!({
        "op": "reserve", "pool": "HQ", "quantity": 11, "owner": "shop", "ttl": 1_800_000, "key": "order-1", "at": at
    }));
    assert_eq!(reused["error"], "IDEMPOTENCY_KEY_REUSED");
    let confirmed = run(serde_json::json!({"op": "confirm", "key": "order-1", "at": at}));
    assert_eq!(confirmed["reservation"]["status"], "assigned");
    let released = run(
        serde_json::json!({"op": "release", "pool": "HQ", "start": "V10000001", "end": "V10000005", "at": at}),
    );
    assert_eq!(released["events"][0]["until"], "2026-12-27T19:00:00.000Z");
    let cooling = run(
        serde_json::json!({"op": "reserve", "pool": "HQ", "start": "V10000001", "end": "V10000001", "ttl": 1, "key": "k2", "at": at}),
    );
    assert_eq!(cooling["error"], "NOT_AVAILABLE");
    assert_eq!(
        cooling["message"],
        "V10000001..V10000001 in pool \"HQ\" is cooling, not available"
    );
    let report = run(serde_json::json!({"op": "report", "pool": "HQ"}));
    assert_eq!(report["counts"]["assigned"], "5");
    assert_eq!(report["counts"]["cooling"], "5");
    assert_eq!(
        report["largestFree"],
        serde_json::json!({"start": "V10000011", "end": "V10000100", "count": "90"})
    );
    let low = run(serde_json::json!({"op": "assign", "pool": "HQ", "quantity": 75, "at": at}));
    assert_eq!(low["warnings"][0]["code"], "POOL_LOW");
    assert_eq!(low["range"]["end"], "V10000085");
    let bad = run(
        serde_json::json!({"op": "reserve", "pool": "HQ", "quantity": -1, "ttl": 1, "key": "k3", "at": at}),
    );
    assert_eq!(bad["error"], "QUANTITY_OUT_OF_RANGE");
    let bad = run(serde_json::json!({"op": "expire", "at": "yesterday"}));
    assert_eq!(bad["error"], "TIME_INVALID");
}

/// The store's segment rows as the core's runs of every pool.
fn rows_as_state(store: &TrailStore) -> serde_json::Value {
    let mut pools = serde_json::Map::new();
    for ((pool, _), row) in &store.rows {
        pools
            .entry(pool.clone())
            .or_insert_with(|| serde_json::json!([]))
            .as_array_mut()
            .unwrap()
            .push(row.clone());
    }
    serde_json::json!({ "pools": pools })
}

#[test]
fn two_books_over_one_store_never_reserve_a_number_twice_and_recover_from_lost_changes() {
    use seriesguard::lifecycle::book::PoolBook;
    let at = "2026-11-27T19:00:00Z";
    let mut store = TrailStore::default();
    let (mut a, mut b) = (PoolBook::default(), PoolBook::default());
    let declare = serde_json::json!({ "op": "declare", "pool": "HQ", "at": at, "blocks": [{ "start": "V0001", "end": "V0100" }] });
    drive_(&mut a, &mut store, declare).unwrap();
    // Book b has never seen HQ: it catches up from the trail, then reserves after a's block.
    let reserve = |key: &str| serde_json::json!({ "op": "reserve", "pool": "HQ", "quantity": 10, "ttl": 60_000, "key": key, "at": at });
    assert_eq!(
        drive_(&mut a, &mut store, reserve("a1")).unwrap()["reservation"]["start"],
        "V0001"
    );
    assert_eq!(
        drive_(&mut b, &mut store, reserve("b1")).unwrap()["reservation"]["start"],
        "V0011"
    );
    // a decides on its stale picture, the store refuses it as stale, a decides again on the whole trail.
    assert_eq!(
        drive_(&mut a, &mut store, reserve("a2")).unwrap()["reservation"]["start"],
        "V0021"
    );
    // A failed append: nothing stored, the book forgets and rebuilds.
    store.fail = true;
    assert_eq!(
        drive_(&mut b, &mut store, reserve("b2")),
        Err("STORE_FAILED".to_owned())
    );
    assert_eq!(
        drive_(&mut b, &mut store, reserve("b2")).unwrap()["reservation"]["start"],
        "V0031"
    );
    // A lost commit: the book answered, the store does not hold it; the next request sees the head behind.
    store.lose = true;
    assert_eq!(
        drive_(&mut a, &mut store, reserve("a3")).unwrap()["reservation"]["start"],
        "V0041"
    );
    assert_eq!(
        drive_(&mut a, &mut store, reserve("a4")).unwrap()["reservation"]["start"],
        "V0041"
    );
    let report = drive_(
        &mut b,
        &mut store,
        serde_json::json!({ "op": "report", "pool": "HQ" }),
    )
    .unwrap();
    assert_eq!(report["counts"]["reserved"], "50");
    // Reads and refusals append nothing; a repeated key appends nothing.
    let before = store.events.len();
    assert!(drive_(&mut a, &mut store, reserve("a1")).unwrap()["events"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        drive_(
            &mut a,
            &mut store,
            serde_json::json!({ "op": "reserve", "pool": "HQ", "quantity": 999, "ttl": 1, "key": "x", "at": at })
        ),
        Err("POOL_EXHAUSTED".to_owned())
    );
    assert_eq!(store.events.len(), before);
    // The segment rows equal the pools' state, and a fresh book rebuilt from the trail agrees.
    let state = drive_(&mut a, &mut store, serde_json::json!({ "op": "state" })).unwrap();
    assert_eq!(rows_as_state(&store), state);
    assert_eq!(
        drive_(
            &mut PoolBook::default(),
            &mut store,
            serde_json::json!({ "op": "state" })
        )
        .unwrap(),
        state
    );
    assert_eq!(
        drive_(
            &mut a,
            &mut store,
            serde_json::json!({ "op": "replay", "pools": [], "events": [] })
        ),
        Err("REQUEST_INVALID".to_owned())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// Random operations through two books over one store: the store's
    /// segment rows always equal the pools' state.
    #[test]
    fn the_segment_rows_a_store_keeps_follow_the_state(steps in proptest::collection::vec((any::<bool>(), step(), (0i64..5).prop_map(|n| n * 250)), 1..40)) {
        use seriesguard::lifecycle::book::PoolBook;
        let mut store = TrailStore::default();
        let mut books = [PoolBook::default(), PoolBook::default()];
        let root = serde_json::json!({ "op": "declare", "pool": "root", "at": 0, "cooling": 1,
            "blocks": [{ "start": "V0000", "end": "V0015" }, { "start": "V0020", "end": "V0039" }] });
        drive_(&mut books[0], &mut store, root).unwrap();
        drive_(&mut books[1], &mut store, serde_json::json!({ "op": "declare", "pool": "child", "parent": "root", "quota": 12, "at": 0 })).unwrap();
        let mut at = 0;
        for (which, step, dt) in steps {
            at += dt;
            let id = |n: usize| format!("V{n:04}");
            let name = |child: bool| if child { "child" } else { "root" };
            let take = |t: Take| match t {
                Take::Quantity(q) => serde_json::json!({ "quantity": q.to_string() }),
                Take::Range(a, b) => serde_json::json!({ "start": id(a as usize), "end": id(b as usize) }),
            };
            let mut request = match &step {
                Step::Reserve { child, take: t, key, owner } => serde_json::json!({ "op": "reserve", "pool": name(*child), "ttl": TTL, "key": key, "owner": owner }).as_object().unwrap().clone().into_iter().chain(take(*t).as_object().unwrap().clone()).collect(),
                Step::Extend { key } => serde_json::json!({ "op": "extend", "key": key, "ttl": TTL }).as_object().unwrap().clone(),
                Step::Confirm { key } => serde_json::json!({ "op": "confirm", "key": key }).as_object().unwrap().clone(),
                Step::Cancel { key } => serde_json::json!({ "op": "cancel", "key": key }).as_object().unwrap().clone(),
                Step::Assign { child, take: t } => serde_json::json!({ "op": "assign", "pool": name(*child) }).as_object().unwrap().clone().into_iter().chain(take(*t).as_object().unwrap().clone()).collect(),
                Step::Release { child, a, b } => serde_json::json!({ "op": "release", "pool": name(*child), "start": id(*a), "end": id(*b) }).as_object().unwrap().clone(),
                Step::Block { child, a, b } => serde_json::json!({ "op": "block", "pool": name(*child), "start": id(*a), "end": id(*b) }).as_object().unwrap().clone(),
                Step::Unblock { child, a, b } => serde_json::json!({ "op": "unblock", "pool": name(*child), "start": id(*a), "end": id(*b) }).as_object().unwrap().clone(),
                Step::Expire => serde_json::json!({ "op": "expire" }).as_object().unwrap().clone(),
                Step::HandDown { take: t } => serde_json::json!({ "op": "handDown", "parent": "root", "child": "child" }).as_object().unwrap().clone().into_iter().chain(take(*t).as_object().unwrap().clone()).collect(),
                Step::HandBack => serde_json::json!({ "op": "handBack", "child": "child" }).as_object().unwrap().clone(),
            };
            request.insert("at".into(), serde_json::json!(at));
            let _ = drive_(&mut books[usize::from(which)], &mut store, serde_json::Value::Object(request));
            let mut state = drive_(&mut books[usize::from(!which)], &mut store, serde_json::json!({ "op": "state" })).unwrap();
            // A pool with no numbers (a child before its first hand-down) has no rows.
            state["pools"].as_object_mut().unwrap().retain(|_, runs| !runs.as_array().unwrap().is_empty());
            prop_assert_eq!(rows_as_state(&store), state);
        }
    }
}
