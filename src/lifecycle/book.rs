//! Pools kept in a host's store: the lifecycle's host protocol as a step
//! machine, driven by every binding (the npm `SeriesBook`, the component's
//! `book`, and through them the reference server and the Python host).
//!
//! The store keeps the trail: each pool's declaration and every event, in
//! order, numbered by the store (`seq`, ascending, gaps allowed). A book
//! keeps the pools in memory and the trail's head it has applied. A
//! request then runs in two steps:
//!
//! 1. [`PoolNeed::Trail`]: the declarations and events after the book's
//!    head, and the store's head. The book applies them (or, when the
//!    store's head is behind its own, because a change it decided was
//!    never committed, it forgets its pools and asks for the whole trail).
//! 2. The book decides the request. A refusal or a read is the answer. A
//!    change is [`PoolNeed::Append`]: the change's declaration (if any),
//!    its events, the book's head it was decided on (`after`), and the
//!    segments to rewrite (each pool's runs over the spans the change
//!    touched, for stores that keep states as rows). The store appends it
//!    atomically and answers its new head, or answers *stale* when its
//!    head has moved past `after` (another writer): the book forgets its
//!    pools and decides again on the whole trail, up to
//!    [`MAX_ATTEMPTS`] times.
//!
//! A store that fails after the book decided makes the book forget its
//! pools: they are rebuilt from the trail on the next request.

use super::command::{event_json, request_json, runs_json};
use super::{Answer, Pools};
use crate::error::SeriesError;
use crate::json::{json_string, parse, Json};
use crate::range::SeriesRules;

/// How often a change is decided again when the store says it is stale.
pub const MAX_ATTEMPTS: u8 = 4;

/// Where a trail stands: its last declaration's and last event's `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Head {
    /// The last declaration's seq (0: none).
    pub declarations: u64,
    /// The last event's seq (0: none).
    pub events: u64,
}

impl Head {
    /// As JSON text, seqs as decimal strings (what a store is asked with).
    pub fn json(self) -> String {
        format!(
            "{{\"declarations\":\"{}\",\"events\":\"{}\"}}",
            self.declarations, self.events
        )
    }

    fn read(json: Option<&Json<'_>>) -> Option<Head> {
        let seq = |name| json?.get(name).and_then(seq_of);
        Some(Head {
            declarations: seq("declarations")?,
            events: seq("events")?,
        })
    }

    fn behind(self, other: Head) -> bool {
        self.declarations < other.declarations || self.events < other.events
    }
}

/// A `seq`: a whole number, or its decimal text.
fn seq_of(json: &Json<'_>) -> Option<u64> {
    json.value()
        .as_exact_u128()
        .and_then(|n| u64::try_from(n).ok())
}

/// What a book needs from its store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolNeed {
    /// The declarations and events after this head, and the store's head:
    /// `{declarations: [{seq, declaration}], events: [{seq, event}], head}`.
    Trail(Head),
    /// Append this change (JSON: `{after, declaration, events, segments}`)
    /// atomically, and answer the new head; or answer stale.
    Append(String),
}

/// A book's next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolStep {
    /// Ask the store.
    Need(PoolNeed),
    /// The request's answer (JSON text), or its refusal.
    Done(Result<String, SeriesError>),
}

/// What the store answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolAnswer<'a> {
    /// The trail asked for (JSON text).
    Trail(&'a str),
    /// The change is appended; the new head (JSON text).
    Appended(&'a str),
    /// The store's head moved past the change's `after`: nothing appended.
    Stale,
    /// The callback is missing (`missing`), threw or rejected.
    Failed {
        /// The callback does not exist.
        missing: bool,
    },
}

/// Pools kept in step with a host's store.
#[derive(Debug, Default)]
pub struct PoolBook {
    pools: Pools,
    head: Head,
    flow: Option<Flow>,
}

#[derive(Debug)]
struct Flow {
    request: String,
    attempts: u8,
    /// The decided answer, while its change is being appended.
    answer: Option<String>,
}

fn store_failed(operation: &'static str, why: &'static str) -> SeriesError {
    SeriesError::StoreFailed { operation, why }
}

impl PoolBook {
    /// Starts a request (JSON text): its first need, or its refusal.
    pub fn start(&mut self, request: &str) -> PoolStep {
        if let Err(refused) = request_json(request) {
            return PoolStep::Done(Err(refused));
        }
        self.flow = Some(Flow {
            request: request.to_owned(),
            attempts: 0,
            answer: None,
        });
        PoolStep::Need(PoolNeed::Trail(self.head))
    }

    fn forget(&mut self) {
        self.pools = Pools::default();
        self.head = Head::default();
    }

    fn done(&mut self, result: Result<String, SeriesError>) -> PoolStep {
        self.flow = None;
        PoolStep::Done(result)
    }

    /// Feeds the store's answer; answers the next step.
    pub fn resume(&mut self, answer: PoolAnswer<'_>, rules: &SeriesRules) -> PoolStep {
        let Some(flow) = self.flow.as_mut() else {
            return PoolStep::Done(Err(crate::flow::finished()));
        };
        match answer {
            PoolAnswer::Trail(text) => self.caught_up(text, rules),
            PoolAnswer::Appended(text) => {
                let head = parse(text).ok().and_then(|j| Head::read(Some(&j)));
                let answer = flow.answer.take();
                match (head, answer) {
                    (Some(head), Some(answer)) => {
                        self.head = head;
                        self.done(Ok(answer))
                    }
                    _ => {
                        self.forget();
                        self.done(Err(store_failed("appendPool", "answered no head")))
                    }
                }
            }
            PoolAnswer::Stale => {
                flow.attempts += 1;
                flow.answer = None;
                let give_up = flow.attempts >= MAX_ATTEMPTS;
                self.forget();
                if give_up {
                    return self.done(Err(store_failed("appendPool", "kept answering stale")));
                }
                PoolStep::Need(PoolNeed::Trail(self.head))
            }
            PoolAnswer::Failed { missing } => {
                let operation = match flow.answer {
                    Some(_) => "appendPool",
                    None => "poolTrail",
                };
                // A change decided and not stored: the pools are ahead of the store.
                if flow.answer.is_some() {
                    self.forget();
                }
                let why = if missing { "is missing" } else { "failed" };
                self.done(Err(store_failed(operation, why)))
            }
        }
    }

    /// Applies the trail the store answered, then decides the request.
    fn caught_up(&mut self, text: &str, rules: &SeriesRules) -> PoolStep {
        let Ok(trail) = parse(text) else {
            return self.done(Err(store_failed(
                "poolTrail",
                "answered something that is not a trail",
            )));
        };
        let (Some(Json::Array(declarations)), Some(Json::Array(events)), Some(head)) = (
            trail.get("declarations"),
            trail.get("events"),
            Head::read(trail.get("head")),
        ) else {
            return self.done(Err(store_failed(
                "poolTrail",
                "answered something that is not a trail",
            )));
        };
        if head.behind(self.head) {
            // The store lost what this book decided (never committed): start over.
            self.forget();
            return PoolStep::Need(PoolNeed::Trail(self.head));
        }
        let items = |list: &'_ [Json<'_>], after: u64, name: &str| -> Option<(u64, usize)> {
            let mut last = after;
            for item in list {
                let seq = item.get("seq").and_then(seq_of)?;
                item.get(name)?;
                if seq <= last {
                    return None;
                }
                last = seq;
            }
            Some((last, list.len()))
        };
        let checked = (
            items(declarations, self.head.declarations, "declaration"),
            items(events, self.head.events, "event"),
        );
        let (Some((last_declaration, _)), Some((last_event, _))) = checked else {
            return self.done(Err(store_failed(
                "poolTrail",
                "answered items out of order or without their seq",
            )));
        };
        if last_declaration != head.declarations || last_event != head.events {
            return self.done(Err(store_failed(
                "poolTrail",
                "answered a trail that does not end at its head",
            )));
        }
        let replayed = self.pools.replay_items(
            declarations.iter().filter_map(|d| d.get("declaration")),
            events.iter().filter_map(|e| e.get("event")),
            rules,
        );
        if replayed.is_err() {
            self.forget();
            return self.done(Err(store_failed(
                "poolTrail",
                "answered a trail that does not replay",
            )));
        }
        self.head = head;
        self.decide(rules)
    }

    /// Runs the request on the current pools: a read or a refusal is done,
    /// a change is to be appended.
    fn decide(&mut self, rules: &SeriesRules) -> PoolStep {
        let Some(flow) = self.flow.as_ref() else {
            return PoolStep::Done(Err(crate::flow::finished()));
        };
        let request = flow.request.clone();
        let Ok(json) = request_json(&request) else {
            return self.done(Err(crate::flow::finished()));
        };
        let op = json.get("op").map(Json::value);
        if op == Some(crate::input::Value::Text("replay")) {
            return self.done(Err(crate::error::SeriesError::Invalid {
                field: crate::error::Field::Request,
                reason: crate::error::Invalid::Rule(
                    "replay is the store's: a book replays its trail itself",
                ),
            }));
        }
        let declare = op == Some(crate::input::Value::Text("declare"));
        match self.pools.execute(&json, rules) {
            Err(refused) => self.done(Err(refused)),
            Ok((answer, None)) => self.done(Ok(answer)),
            Ok((answer, Some(change))) if change.events.is_empty() && !declare => {
                self.done(Ok(answer))
            }
            Ok((answer, Some(change))) => {
                let text = self.change_json(&request, declare, &change);
                if let Some(flow) = self.flow.as_mut() {
                    flow.answer = Some(answer);
                }
                PoolStep::Need(PoolNeed::Append(text))
            }
        }
    }

    /// A change for the store: `{after, declaration, events, segments}`;
    /// each segment `{pool, root, first, last, runs}` replaces the stored
    /// runs of `pool` touching serials `first..=last` with `runs`.
    fn change_json(&self, request: &str, declare: bool, change: &Answer) -> String {
        let mut out = format!("{{\"after\":{},\"declaration\":", self.head.json());
        out.push_str(if declare { request } else { "null" });
        out.push_str(",\"events\":[");
        for (i, e) in change.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            event_json(&mut out, e, self.pools.pool(&e.pool).map(|p| &p.key));
        }
        out.push_str("],\"segments\":[");
        for (i, (pool, first, last)) in self.spans(change).into_iter().enumerate() {
            let Some(p) = self.pools.pool(&pool) else {
                continue;
            };
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "{{\"pool\":{},\"root\":{},\"first\":\"{first}\",\"last\":\"{last}\",\"runs\":[",
                json_string(&pool),
                json_string(self.root(&pool))
            ));
            runs_json(&mut out, p, first, last);
            out.push_str("]}");
        }
        out.push_str("]}");
        out
    }

    /// The root of `pool`'s tree.
    fn root<'a>(&'a self, pool: &'a str) -> &'a str {
        let mut name = pool;
        for _ in 0..64 {
            match self.pools.pool(name).and_then(|p| p.parent.as_deref()) {
                Some(parent) => name = parent,
                None => break,
            }
        }
        name
    }

    /// The spans a change touched, per pool, each widened by one serial on
    /// either side and then to the runs there (so runs a change merged into
    /// come whole, and the stored runs being replaced end inside it); spans
    /// that meet are one.
    fn spans(&self, change: &Answer) -> Vec<(String, u128, u128)> {
        let mut pools: Vec<&str> = Vec::new();
        for e in &change.events {
            if !pools.contains(&e.pool.as_str()) {
                pools.push(&e.pool);
            }
        }
        let mut spans: Vec<(String, u128, u128)> = Vec::new();
        for pool in pools {
            let runs = self.pools.pool(pool).map_or(&[][..], |p| &p.runs[..]);
            let mut touched: Vec<(u128, u128)> = change
                .events
                .iter()
                .filter(|e| e.pool == pool)
                .map(|e| {
                    let (from, to) = (e.first.saturating_sub(1), e.last.saturating_add(1));
                    let (mut a, mut b) = (from, to);
                    for run in runs.iter().filter(|r| r.last >= from && r.first <= to) {
                        (a, b) = (a.min(run.first), b.max(run.last));
                    }
                    (a, b)
                })
                .collect();
            // The same sort as a declaration's blocks (one instance in the wasm).
            touched.sort_unstable();
            let first = spans.len();
            for (a, b) in touched {
                match spans.get_mut(first..).and_then(<[_]>::last_mut) {
                    Some(last) if a <= last.2.saturating_add(1) => last.2 = last.2.max(b),
                    _ => spans.push((pool.to_owned(), a, b)),
                }
            }
        }
        spans
    }
}

/// Why a store did not do what a book asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreRefusal {
    /// The trail moved past the change's `after`: nothing appended.
    Stale,
    /// The store failed (the book reports `STORE_FAILED`).
    Failed,
}

/// A store a book asks synchronously (the component's imported one).
pub trait SyncPoolStore {
    /// `poolTrail(after)`: the trail as JSON text.
    fn trail(&mut self, after: Head) -> Result<String, StoreRefusal>;
    /// `appendPool(change)`: the new head as JSON text.
    fn append(&mut self, change: &str) -> Result<String, StoreRefusal>;
}

impl PoolBook {
    /// Runs one request to its end over a synchronous store.
    pub fn run(
        &mut self,
        request: &str,
        rules: &SeriesRules,
        store: &mut impl SyncPoolStore,
    ) -> Result<String, SeriesError> {
        let mut step = self.start(request);
        loop {
            step = match step {
                PoolStep::Done(result) => return result,
                PoolStep::Need(PoolNeed::Trail(after)) => match store.trail(after) {
                    Ok(text) => self.resume(PoolAnswer::Trail(&text), rules),
                    Err(_) => self.resume(PoolAnswer::Failed { missing: false }, rules),
                },
                PoolStep::Need(PoolNeed::Append(change)) => match store.append(&change) {
                    Ok(head) => self.resume(PoolAnswer::Appended(&head), rules),
                    Err(StoreRefusal::Stale) => self.resume(PoolAnswer::Stale, rules),
                    Err(StoreRefusal::Failed) => {
                        self.resume(PoolAnswer::Failed { missing: false }, rules)
                    }
                },
            };
        }
    }
}
