//! Many book requests at once, as an import needs them: every request
//! checked against the store and against the requests before it, in one
//! pass, then (to create) stored in one atomic insert. A step machine like
//! [`crate::flow::BookFlow`], written once and driven by every binding.
//!
//! The host adds requests (in chunks, so it can show progress), then
//! starts the flow. The flow asks the store once per pool the requests
//! touch, for the stored rows over the span they cover
//! ([`BulkStep::Rows`]), and decides each request in order:
//! - free: it is created whole;
//! - partly taken: its plan says what is free and who holds the rest; it is
//!   created as its free part only when the host asked for that
//!   ([`BulkMode::Create`] with `free`);
//! - nothing free, or invalid: refused with its issues (`OVERLAP` lists the
//!   holders, which may be earlier requests of the same import).
//!
//! A request created (or, planning, one that would be) takes its numbers
//! from every later one. To create, the flow hands every accepted record
//! to the store at once ([`BulkStep::InsertMany`]: all or none). A store
//! refusing them for an overlap (another writer won a race) makes the flow
//! look again and answer the new decisions with nothing stored.
//!
//! ```
//! use seriesguard::book::Request;
//! use seriesguard::bulk::{BulkFlow, BulkMode, BulkStep};
//! use seriesguard::flow::Answer;
//! use seriesguard::input::Value;
//! use seriesguard::range::SeriesRules;
//! let request = |start, end| Request {
//!     id: Value::Absent, start: Value::Text(start), end: Value::Text(end),
//!     scope: Value::Absent, item_code: Value::Absent, kind: Value::Absent,
//! };
//! let mut flow = BulkFlow::new(BulkMode::Create { free: false });
//! let rules = SeriesRules::default();
//! for (start, end) in [("V10", "V19"), ("V15", "V25"), ("V30", "V39")] {
//!     flow.add(&request(start, end), &rules);
//! }
//! // One question: the pool's stored rows over V10..V39 (none).
//! let BulkStep::Rows { first: 10, last: 39, .. } = flow.start() else { panic!() };
//! let BulkStep::InsertMany(records) = flow.resume(Answer::Rows(Vec::new())) else { panic!() };
//! assert_eq!(records.len(), 2, "V15..V25 overlaps the first request");
//! let BulkStep::Done(Ok(bulk)) = flow.resume(Answer::Inserted) else { panic!() };
//! assert!(bulk.stored);
//! assert_eq!(bulk.outcomes[1].as_ref().map(|p| p.created), Ok(6));
//! ```

use std::collections::BTreeMap;

use crate::book::{self, Refusal, Request};
use crate::conflict::SeriesId;
use crate::flow::{finished, Answer, Record};
use crate::formats::Format;
use crate::inventory::{Plan, PoolKey, Segment};
use crate::range::SeriesRules;
use crate::SeriesError;

/// What a bulk flow is for. With `free`, a partly taken request is
/// created as its free part (and takes those numbers from later ones);
/// without, it is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkMode {
    /// Decide every request as [`BulkMode::Create`] would; store nothing
    /// (an import's preview).
    Plan {
        /// As for [`BulkMode::Create`].
        free: bool,
    },
    /// Decide, then store every accepted record in one insert.
    Create {
        /// Create the free part of partly taken requests.
        free: bool,
    },
}

/// A bulk flow's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulk {
    /// Per request, in order: its plan (nothing skipped: created whole;
    /// something skipped: partly taken) or why it is refused.
    pub outcomes: Vec<Result<Plan, Vec<SeriesError>>>,
    /// What is (or, planning, would be) stored, in request order.
    pub records: Vec<Record>,
    /// Whether `records` were stored.
    pub stored: bool,
}

/// A bulk flow's next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkStep {
    /// The stored rows of `pool` touching `first..=last` (the store
    /// contract's `overlapping`), and one of another format, if any.
    Rows {
        /// The pool.
        pool: PoolKey,
        /// First serial.
        first: u128,
        /// Last serial.
        last: u128,
        /// The requests' format, by its stored name.
        format: &'static str,
    },
    /// Store all of these, or none (the store contract's `insertMany`).
    InsertMany(Vec<Record>),
    /// The answer, or why there is none (the store failed).
    Done(Result<Bulk, Vec<SeriesError>>),
}

/// Where a bulk flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Adding,
    Asking { at: usize, again: bool },
    Inserting,
    Finished,
}

/// Who holds a span while deciding: a stored series (its id) or a request.
type Holder = usize;

/// One run of many book requests over a host's store.
#[derive(Debug, Clone)]
pub struct BulkFlow {
    mode: BulkMode,
    phase: Phase,
    format: Option<Format>,
    requests: Vec<Result<Record, Vec<SeriesError>>>,
    /// The pools asked about, with the span the requests cover in each.
    pools: Vec<(PoolKey, u128, u128)>,
    /// Taken spans by (pool, first serial): (last serial, holder).
    taken: BTreeMap<(usize, u128), (u128, Holder)>,
    /// The holders' ids: stored series first, then requests as accepted.
    holders: Vec<SeriesId>,
    decided: Option<Bulk>,
    /// Per accepted record, the index of its request.
    accepted: Vec<usize>,
}

impl BulkFlow {
    /// A flow of `mode`, with no requests yet.
    pub fn new(mode: BulkMode) -> BulkFlow {
        BulkFlow {
            mode,
            phase: Phase::Adding,
            format: None,
            requests: Vec::new(),
            pools: Vec::new(),
            taken: BTreeMap::new(),
            holders: Vec::new(),
            decided: None,
            accepted: Vec::new(),
        }
    }

    /// Adds a request, validated under `rules` now (a request added after
    /// [`BulkFlow::start`] is refused as a binding's mistake).
    pub fn add(&mut self, request: &Request<'_>, rules: &SeriesRules) {
        let record = match self.phase {
            Phase::Adding => book::prepare(request, rules).map(|p| Record::from_prepared(&p)),
            _ => Err(vec![finished()]),
        };
        if let Ok(r) = &record {
            self.format = r.format;
        }
        self.requests.push(record);
    }

    /// Adds a request that could not be read (not an object, say): it is
    /// refused with these issues.
    pub fn add_refused(&mut self, issues: Vec<SeriesError>) {
        self.requests.push(Err(issues));
    }

    /// Per record of the last decisions (what [`BulkStep::InsertMany`]
    /// stores, [`Bulk::records`]), the index of its request.
    pub fn accepted_indexes(&self) -> Vec<usize> {
        self.accepted.clone()
    }

    /// How many requests were added.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether no request was added.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// The first step: the rows of the first pool, or the answer when no
    /// request is valid.
    pub fn start(&mut self) -> BulkStep {
        if self.phase != Phase::Adding {
            return self.finish(Err(vec![finished()]));
        }
        // Each pool once, with the span its requests cover.
        let mut spans: BTreeMap<&PoolKey, (u128, u128)> = BTreeMap::new();
        for (pool, first, last) in self.requests.iter().flatten().flat_map(|r| &r.segments) {
            let span = spans.entry(pool).or_insert((*first, *last));
            *span = (span.0.min(*first), span.1.max(*last));
        }
        self.pools = spans
            .into_iter()
            .map(|(pool, (first, last))| (pool.clone(), first, last))
            .collect();
        self.phase = Phase::Asking {
            at: 0,
            again: false,
        };
        self.ask()
    }

    /// Feeds the host's answer to the pending step; the next step.
    pub fn resume(&mut self, answer: Answer<'_>) -> BulkStep {
        match (self.phase, answer) {
            (Phase::Asking { at, again }, Answer::Rows(rows)) => {
                let Some((pool, first, last)) = self.pools.get(at) else {
                    return self.finish(Err(vec![book::bad_rows()]));
                };
                let segment = Segment {
                    key: pool.as_ref(),
                    first: *first,
                    last: *last,
                };
                match book::collision_spans(&segment, self.format, rows) {
                    Ok(spans) => {
                        for (a, b, id) in spans {
                            self.taken.insert((at, a), (b, self.holders.len()));
                            self.holders.push(id);
                        }
                        self.phase = Phase::Asking { at: at + 1, again };
                        self.ask()
                    }
                    Err(issue) => self.finish(Err(vec![issue])),
                }
            }
            (Phase::Asking { .. }, Answer::NotRows) => self.finish(Err(vec![book::bad_rows()])),
            (Phase::Asking { .. }, Answer::Failed { missing }) => {
                self.finish(Err(vec![book::store_failed("overlapping", missing)]))
            }
            (Phase::Inserting, Answer::Inserted) => match self.decided.take() {
                Some(bulk) => self.finish(Ok(Bulk {
                    stored: true,
                    ..bulk
                })),
                None => self.finish(Err(vec![finished()])),
            },
            // Another writer took some of the numbers: look again, store nothing.
            (Phase::Inserting, Answer::Refused(Refusal::Overlap)) => {
                self.taken.clear();
                self.holders.clear();
                self.phase = Phase::Asking { at: 0, again: true };
                self.ask()
            }
            (Phase::Inserting, Answer::Refused(_)) => {
                self.finish(Err(vec![book::store_failed("insertMany", false)]))
            }
            (Phase::Inserting, Answer::Failed { missing }) => {
                self.finish(Err(vec![book::store_failed("insertMany", missing)]))
            }
            _ => self.finish(Err(vec![finished()])),
        }
    }

    /// The next pool's question, or the decisions once every pool is known.
    fn ask(&mut self) -> BulkStep {
        let Phase::Asking { at, again } = self.phase else {
            return self.finish(Err(vec![finished()]));
        };
        if let Some((pool, first, last)) = self.pools.get(at) {
            return BulkStep::Rows {
                pool: pool.clone(),
                first: *first,
                last: *last,
                format: crate::formats::stored_name(self.format),
            };
        }
        let bulk = self.decide();
        match (self.mode, again) {
            (BulkMode::Create { .. }, false) if !bulk.records.is_empty() => {
                let records = bulk.records.clone();
                self.decided = Some(bulk);
                self.phase = Phase::Inserting;
                BulkStep::InsertMany(records)
            }
            _ => self.finish(Ok(bulk)),
        }
    }

    /// Decides every request in order against what is taken.
    fn decide(&mut self) -> Bulk {
        let (BulkMode::Plan { free: free_parts } | BulkMode::Create { free: free_parts }) =
            self.mode;
        let requests = std::mem::take(&mut self.requests);
        let mut outcomes = Vec::with_capacity(requests.len());
        let mut records = Vec::new();
        self.accepted.clear();
        for (index, request) in requests.iter().enumerate() {
            let record = match request {
                Ok(record) => record,
                Err(issues) => {
                    outcomes.push(Err(issues.clone()));
                    continue;
                }
            };
            let mut plan = Plan::default();
            let mut free = Vec::new();
            for s in record.segment_refs() {
                let pool = self.pool_index(s.key);
                let taken = self.taken_in(pool, s.first, s.last);
                free.extend(
                    plan.add_segment(&s, &taken)
                        .into_iter()
                        .map(|(a, b)| (pool, a, b)),
                );
            }
            let accepted = match (plan.skipped.is_empty(), plan.created > 0) {
                (true, _) => Some(record.clone()),
                (false, true) if free_parts => Some(free_record(record, &plan, &free, &self.pools)),
                (false, true) => None,
                (false, false) => {
                    outcomes.push(Err(vec![book::overlap(plan.skipped)]));
                    continue;
                }
            };
            if let Some(accepted) = accepted {
                // It takes its numbers from every later request.
                let holder = self.holders.len();
                self.holders.push(accepted.id.clone());
                for (pool, a, b) in &free {
                    self.taken.insert((*pool, *a), (*b, holder));
                }
                records.push(accepted);
                self.accepted.push(index);
            }
            outcomes.push(Ok(plan));
        }
        self.requests = requests;
        Bulk {
            outcomes,
            records,
            stored: false,
        }
    }

    /// The index of a pool asked about (every segment's pool was).
    fn pool_index(&self, key: crate::inventory::KeyRef<'_>) -> usize {
        self.pools
            .binary_search_by(|(p, _, _)| p.as_ref().cmp(&key))
            .unwrap_or(usize::MAX)
    }

    /// The taken spans of a pool inside `first..=last`, clipped, in order.
    fn taken_in(&self, pool: usize, first: u128, last: u128) -> Vec<(u128, u128, SeriesId)> {
        let mut out: Vec<(u128, u128, SeriesId)> = Vec::new();
        // Spans never overlap, so they end in the order they start: walk
        // back from the last one starting at or before `last`.
        for (&(_, a), &(b, holder)) in self.taken.range((pool, 0)..=(pool, last)).rev() {
            if b < first {
                break;
            }
            let id = self
                .holders
                .get(holder)
                .cloned()
                .unwrap_or(SeriesId::Number(0));
            out.push((a.max(first), b.min(last), id));
        }
        out.reverse();
        out
    }

    fn finish(&mut self, answer: Result<Bulk, Vec<SeriesError>>) -> BulkStep {
        self.phase = Phase::Finished;
        BulkStep::Done(answer)
    }
}

/// A request's free part as one record (as [`crate::flow::Mode::CreateFree`] makes it).
fn free_record(
    record: &Record,
    plan: &Plan,
    free: &[(usize, u128, u128)],
    pools: &[(PoolKey, u128, u128)],
) -> Record {
    let mut out = record.clone();
    out.start = plan
        .create
        .first()
        .map(|p| p.start.clone())
        .unwrap_or_default();
    out.end = plan
        .create
        .last()
        .map(|p| p.end.clone())
        .unwrap_or_default();
    out.count = plan.created;
    out.segments = free
        .iter()
        .filter_map(|(pool, a, b)| Some((pools.get(*pool)?.0.clone(), *a, *b)))
        .collect();
    out
}
