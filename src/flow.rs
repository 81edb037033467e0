//! The book's host protocols as step machines: create, conflicts, plan and
//! create-only-the-free-part, written once and driven by every binding.
//!
//! A flow does no I/O. It answers what it needs next from the host's store
//! ([`Need::Rows`]: the stored rows of a segment; [`Need::Insert`]: store
//! this record) or its final answer ([`Step::Done`]); the binding carries
//! the question to the host, awaits it if it must, and feeds the answer
//! back with [`BookFlow::resume`]. The decisions are all here: which
//! segments to ask about, which rows collide, that a refused insert is
//! looked at again (so a race answers `OVERLAP` with the conflicts), and
//! that the free part of a request is created as one record, atomically.
//! A flow owns its data, so a binding may keep it across awaits.
//!
//! ```
//! use seriesguard::book::Request;
//! use seriesguard::flow::{Answer, BookFlow, Done, Mode, Need, Step};
//! use seriesguard::input::Value;
//! use seriesguard::range::SeriesRules;
//! let request = Request {
//!     id: Value::Absent, start: Value::Text("V10"), end: Value::Text("V19"),
//!     scope: Value::Absent, item_code: Value::Absent, kind: Value::Absent,
//! };
//! let (mut flow, step) = BookFlow::start(Mode::Create, &request, &SeriesRules::default());
//! assert!(matches!(step, Step::Need(Need::Rows { first: 10, last: 19, .. })));
//! let step = flow.resume(Answer::Rows(Vec::new()));
//! assert!(matches!(step, Step::Need(Need::Insert(_))));
//! let Step::Done(Ok(Done::Created(record))) = flow.resume(Answer::Inserted) else { panic!() };
//! assert_eq!((record.start.as_str(), record.count), ("V10", 10));
//! ```

use crate::book::{self, Prepared, Refusal, Request, Row};
use crate::conflict::{Conflict, SeriesId};
use crate::error::SeriesError;
use crate::formats::{stored_name, Format};
use crate::input::Value;
use crate::inventory::{Plan, PoolKey, Segment};
use crate::range::SeriesRules;
use crate::signing::SeriesType;

/// What a flow is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Validate, ask the store, insert; `OVERLAP` when anything is taken.
    Create,
    /// The stored sub-ranges the request collides with; inserts nothing.
    Conflicts,
    /// What creating only the free part would create and skip; inserts nothing.
    Plan,
    /// Create only the free part, as one record (one atomic insert).
    CreateFree,
}

/// A series ready for the store, owning its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The id given, or the default id of the request.
    pub id: SeriesId,
    /// First identifier, canonical.
    pub start: String,
    /// Last identifier, canonical.
    pub end: String,
    /// How many identifiers it holds (for the free part: only the free ones).
    pub count: u128,
    /// The canonical fingerprint of the request.
    pub fingerprint: String,
    /// The host's scope.
    pub scope: String,
    /// The item code, trimmed.
    pub item_code: String,
    /// `physical` or `virtual`.
    pub kind: SeriesType,
    /// The format it was validated under (`None`: plain).
    pub format: Option<Format>,
    /// Its parts, one or more per pool: `(pool, first, last)` serials.
    pub segments: Vec<(PoolKey, u128, u128)>,
}

impl Record {
    pub(crate) fn from_prepared(p: &Prepared<'_>) -> Record {
        Record {
            id: p.id.clone(),
            start: p.range.start_text().into_owned(),
            end: p.range.end_text().into_owned(),
            count: p.range.count().0,
            fingerprint: p.fingerprint.clone(),
            scope: p.scope.to_owned(),
            item_code: p.item_code.to_owned(),
            kind: p.kind,
            format: p.format,
            segments: p
                .segments
                .iter()
                .map(|s| (s.key.to_key(), s.first, s.last))
                .collect(),
        }
    }

    /// The format's stored name: `awb`, ..., or `plain`.
    pub fn format_name(&self) -> &'static str {
        stored_name(self.format)
    }

    /// Its segments, borrowing the pools.
    pub fn segment_refs(&self) -> impl Iterator<Item = Segment<'_>> + '_ {
        self.segments.iter().map(|(key, first, last)| Segment {
            key: key.as_ref(),
            first: *first,
            last: *last,
        })
    }
}

/// What a flow needs from the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// The stored rows of `pool` touching serials `first..=last`, and one
    /// row of the pool stored under another format than `format`, if any
    /// (the store contract's `overlapping(pool, first, last)`).
    Rows {
        /// The pool.
        pool: PoolKey,
        /// First serial.
        first: u128,
        /// Last serial.
        last: u128,
        /// The request's format, by its stored name.
        format: &'static str,
    },
    /// Store this record (the store contract's `insert(series)`).
    Insert(Record),
}

/// A flow's final answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// What was stored ([`Mode::Create`], [`Mode::CreateFree`]).
    Created(Record),
    /// The collisions ([`Mode::Conflicts`]); empty when the request is free.
    Conflicts(Vec<Conflict>),
    /// What creating only the free part would do ([`Mode::Plan`]).
    Plan(Plan),
}

/// A flow's next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Ask the host this, then [`BookFlow::resume`] with its answer.
    Need(Need),
    /// The answer, or every issue (coded) that stopped it.
    Done(Result<Done, Vec<SeriesError>>),
}

/// The host's answer to the pending [`Need`].
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<'v> {
    /// The rows a store answered: `(id, first, last, format)` as host values
    /// (`format` absent when the store does not keep it).
    Rows(Vec<(Value<'v>, Value<'v>, Value<'v>, Value<'v>)>),
    /// The store answered something that is not a list of rows.
    NotRows,
    /// The record is stored.
    Inserted,
    /// The store refused the insert.
    Refused(Refusal),
    /// The callback is missing (`true`) or threw, rejected or timed out.
    Failed {
        /// The callback does not exist.
        missing: bool,
    },
}

/// Where a flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Asking about segment `at`; `again` after the store refused an insert.
    Checking { at: usize, again: bool },
    /// Waiting for the insert.
    Inserting,
    /// Answered.
    Finished,
}

/// One run of a book protocol over a host's store.
#[derive(Debug, Clone)]
pub struct BookFlow {
    mode: Mode,
    record: Record,
    phase: Phase,
    taken: Vec<Vec<(u128, u128, SeriesId)>>,
    insert: Option<Record>,
}

impl BookFlow {
    /// Starts a flow for `request` under `rules`: the first step (the rows
    /// of the first segment), or the issues when the request is invalid
    /// (then the flow is finished: resuming it answers the same way).
    pub fn start(mode: Mode, request: &Request<'_>, rules: &SeriesRules) -> (BookFlow, Step) {
        match book::prepare(request, rules) {
            Ok(prepared) => {
                let mut flow = BookFlow {
                    mode,
                    record: Record::from_prepared(&prepared),
                    phase: Phase::Checking {
                        at: 0,
                        again: false,
                    },
                    taken: Vec::new(),
                    insert: None,
                };
                let step = flow.ask();
                (flow, step)
            }
            Err(issues) => BookFlow::refused(mode, issues),
        }
    }

    /// A flow that is over before it began: its request could not be read.
    pub fn refused(mode: Mode, issues: Vec<SeriesError>) -> (BookFlow, Step) {
        let record = Record {
            id: SeriesId::Number(0),
            start: String::new(),
            end: String::new(),
            count: 0,
            fingerprint: String::new(),
            scope: String::new(),
            item_code: String::new(),
            kind: SeriesType::Virtual,
            format: None,
            segments: Vec::new(),
        };
        let flow = BookFlow {
            mode,
            record,
            phase: Phase::Finished,
            taken: Vec::new(),
            insert: None,
        };
        (flow, Step::Done(Err(issues)))
    }

    /// The request as it would be stored (for [`Mode::CreateFree`], the
    /// whole request, not only its free part).
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// Feeds the host's answer to the pending need; the next step.
    pub fn resume(&mut self, answer: Answer<'_>) -> Step {
        match (self.phase, answer) {
            (Phase::Checking { at, again }, Answer::Rows(rows)) => {
                let Some(segment) = self.record.segment_refs().nth(at) else {
                    return self.finish(Err(vec![book::bad_rows()]));
                };
                match book::collision_spans(&segment, self.record.format, rows) {
                    Ok(spans) => {
                        self.taken.push(spans);
                        self.phase = Phase::Checking { at: at + 1, again };
                        self.ask()
                    }
                    Err(issue) => self.finish(Err(vec![issue])),
                }
            }
            (Phase::Checking { .. }, Answer::NotRows) => self.finish(Err(vec![book::bad_rows()])),
            (Phase::Checking { .. }, Answer::Failed { missing }) => {
                self.finish(Err(vec![book::store_failed("overlapping", missing)]))
            }
            (Phase::Inserting, Answer::Inserted) => match self.insert.take() {
                Some(record) => self.finish(Ok(Done::Created(record))),
                None => self.finish(Err(vec![book::store_failed("insert", false)])),
            },
            // The store's own constraint saw an overlap (another writer won a
            // race): look again, so the answer is OVERLAP with the conflicts.
            (Phase::Inserting, Answer::Refused(Refusal::Overlap)) => {
                self.taken.clear();
                self.phase = Phase::Checking { at: 0, again: true };
                self.ask()
            }
            (Phase::Inserting, Answer::Refused(Refusal::Failed | Refusal::NotRows)) => {
                self.finish(Err(vec![book::store_failed("insert", false)]))
            }
            (Phase::Inserting, Answer::Failed { missing }) => {
                self.finish(Err(vec![book::store_failed("insert", missing)]))
            }
            // An answer to a question that was not asked (or after the
            // answer): the binding's bug, reported rather than guessed at.
            (_, _) => self.finish(Err(vec![finished()])),
        }
    }

    /// The next question, or the answer once every segment is known.
    fn ask(&mut self) -> Step {
        let Phase::Checking { at, again } = self.phase else {
            return self.finish(Err(vec![finished()]));
        };
        if let Some((pool, first, last)) = self.record.segments.get(at) {
            return Step::Need(Need::Rows {
                pool: pool.clone(),
                first: *first,
                last: *last,
                format: self.record.format_name(),
            });
        }
        let conflicts = || -> Vec<Conflict> {
            let mut out = Vec::new();
            for (s, spans) in self.record.segment_refs().zip(&self.taken) {
                for (a, b, id) in spans {
                    out.push(s.key.conflict(id.clone(), *a, *b));
                }
            }
            out
        };
        let taken = self.taken.iter().any(|spans| !spans.is_empty());
        if again {
            // The store refused the insert; what it holds now says why.
            let why = match taken {
                true => book::overlap(conflicts()),
                false => book::store_failed("insert", false),
            };
            return self.finish(Err(vec![why]));
        }
        match self.mode {
            Mode::Conflicts => self.finish(Ok(Done::Conflicts(conflicts()))),
            Mode::Create if taken => self.finish(Err(vec![book::overlap(conflicts())])),
            Mode::Create => {
                self.insert = Some(self.record.clone());
                self.inserting()
            }
            Mode::Plan => {
                let (plan, _) = self.plan();
                self.finish(Ok(Done::Plan(plan)))
            }
            Mode::CreateFree => {
                let (plan, free) = self.plan();
                // Nothing free: nothing is created, and the answer says why.
                if plan.created == 0 {
                    return self.finish(Err(vec![book::overlap(conflicts())]));
                }
                let mut record = self.record.clone();
                record.start = plan
                    .create
                    .first()
                    .map(|p| p.start.clone())
                    .unwrap_or_default();
                record.end = plan
                    .create
                    .last()
                    .map(|p| p.end.clone())
                    .unwrap_or_default();
                record.count = plan.created;
                record.segments = free;
                self.insert = Some(record);
                self.inserting()
            }
        }
    }

    /// The plan of the whole request and its free spans, by pool.
    fn plan(&self) -> (Plan, Vec<(PoolKey, u128, u128)>) {
        let mut plan = Plan::default();
        let mut free = Vec::new();
        for ((pool, first, last), spans) in self.record.segments.iter().zip(&self.taken) {
            let segment = Segment {
                key: pool.as_ref(),
                first: *first,
                last: *last,
            };
            free.extend(
                plan.add_segment(&segment, spans)
                    .into_iter()
                    .map(|(a, b)| (pool.clone(), a, b)),
            );
        }
        (plan, free)
    }

    fn inserting(&mut self) -> Step {
        self.phase = Phase::Inserting;
        match &self.insert {
            Some(record) => Step::Need(Need::Insert(record.clone())),
            None => self.finish(Err(vec![finished()])),
        }
    }

    fn finish(&mut self, answer: Result<Done, Vec<SeriesError>>) -> Step {
        self.phase = Phase::Finished;
        Step::Done(answer)
    }
}

/// A flow resumed with an answer to no question (finished, or the wrong
/// kind of answer), or started twice: a binding's mistake, coded rather
/// than guessed at.
pub fn finished() -> SeriesError {
    SeriesError::Invalid {
        field: crate::error::Field::Store,
        reason: crate::error::Invalid::Rule(
            "answered a question the flow did not ask (or asked after it finished)",
        ),
    }
}

/// A host store answering at once (a component host's imported functions,
/// a native caller's database handle): the store contract without Promises.
pub trait SyncStore {
    /// Stored rows of `pool` touching `first..=last`, and a row of the pool
    /// stored under another format than `format`, if any; a superset is
    /// fine. `Err` when the store failed.
    fn overlapping(
        &mut self,
        pool: &PoolKey,
        first: u128,
        last: u128,
        format: &str,
    ) -> Result<Vec<Row>, Refusal>;
    /// Stores the record.
    fn insert(&mut self, record: &Record) -> Result<(), Refusal>;
    /// Stores all of the records or none ([`crate::bulk::BulkFlow`]). The
    /// default inserts one by one and takes back what it stored when one
    /// is refused; a store with transactions should use one instead.
    fn insert_many(&mut self, records: &[Record]) -> Result<(), Refusal> {
        for (i, record) in records.iter().enumerate() {
            if let Err(refusal) = self.insert(record) {
                for stored in records.iter().take(i) {
                    self.remove(&stored.id);
                }
                return Err(refusal);
            }
        }
        Ok(())
    }
    /// Removes a stored series (what [`SyncStore::insert_many`]'s default
    /// takes back); the default removes nothing.
    fn remove(&mut self, id: &SeriesId) {
        let _ = id;
    }
}

/// Runs many requests as one bulk flow ([`crate::bulk`]) over a
/// synchronous store: checked against the store and each other, and for
/// [`crate::bulk::BulkMode::Create`] stored with one `insert_many`.
///
/// ```
/// use seriesguard::book::{Refusal, Request, Row};
/// use seriesguard::bulk::BulkMode;
/// use seriesguard::flow::{run_bulk, Record, SyncStore};
/// use seriesguard::{input::Value, inventory::PoolKey, range::SeriesRules};
/// #[derive(Default)]
/// struct Rows(Vec<Row>);
/// impl SyncStore for Rows {
///     fn overlapping(&mut self, _: &PoolKey, _: u128, _: u128, _: &str) -> Result<Vec<Row>, Refusal> { Ok(self.0.clone()) }
///     fn insert(&mut self, r: &Record) -> Result<(), Refusal> {
///         for (_, a, b) in &r.segments {
///             self.0.push(Row { id: r.id.to_string(), first: a.to_string(), last: b.to_string(), format: None });
///         }
///         Ok(())
///     }
/// }
/// let request = |start, end| Request {
///     id: Value::Absent, start: Value::Text(start), end: Value::Text(end),
///     scope: Value::Absent, item_code: Value::Absent, kind: Value::Absent,
/// };
/// let mut store = Rows::default();
/// let rules = SeriesRules::default();
/// let bulk = run_bulk(BulkMode::Create { free: true }, &[request("V10", "V19"), request("V15", "V24")], &rules, &mut store).unwrap();
/// assert!(bulk.stored);
/// assert_eq!((bulk.records[1].start.as_str(), bulk.records[1].end.as_str()), ("V20", "V24"));
/// assert_eq!(store.0.len(), 2);
/// ```
pub fn run_bulk(
    mode: crate::bulk::BulkMode,
    requests: &[Request<'_>],
    rules: &SeriesRules,
    store: &mut impl SyncStore,
) -> Result<crate::bulk::Bulk, Vec<SeriesError>> {
    use crate::bulk::{BulkFlow, BulkStep};
    let mut flow = BulkFlow::new(mode);
    for request in requests {
        flow.add(request, rules);
    }
    let mut step = flow.start();
    loop {
        step = match step {
            BulkStep::Done(answer) => return answer,
            BulkStep::Rows {
                pool,
                first,
                last,
                format,
            } => match store.overlapping(&pool, first, last, format) {
                Ok(rows) => flow.resume(Answer::Rows(rows.iter().map(Row::values).collect())),
                Err(Refusal::NotRows) => flow.resume(Answer::NotRows),
                Err(_) => flow.resume(Answer::Failed { missing: false }),
            },
            BulkStep::InsertMany(records) => match store.insert_many(&records) {
                Ok(()) => flow.resume(Answer::Inserted),
                Err(refusal) => flow.resume(Answer::Refused(refusal)),
            },
        };
    }
}

/// Runs a flow to its end over a synchronous store.
///
/// ```
/// use seriesguard::book::{Refusal, Request, Row};
/// use seriesguard::flow::{run, Done, Mode, Record, SyncStore};
/// use seriesguard::{input::Value, inventory::PoolKey, range::SeriesRules};
/// #[derive(Default)]
/// struct Rows(Vec<Row>);
/// impl SyncStore for Rows {
///     fn overlapping(&mut self, _: &PoolKey, _: u128, _: u128, _: &str) -> Result<Vec<Row>, Refusal> { Ok(self.0.clone()) }
///     fn insert(&mut self, r: &Record) -> Result<(), Refusal> {
///         for (_, a, b) in &r.segments {
///             self.0.push(Row { id: r.id.to_string(), first: a.to_string(), last: b.to_string(), format: Some(r.format_name().into()) });
///         }
///         Ok(())
///     }
/// }
/// let request = |start, end| Request {
///     id: Value::Absent, start: Value::Text(start), end: Value::Text(end),
///     scope: Value::Absent, item_code: Value::Absent, kind: Value::Absent,
/// };
/// let (rules, mut store) = (SeriesRules::default(), Rows::default());
/// assert!(run(Mode::Create, &request("V10", "V19"), &rules, &mut store).is_ok());
/// let refused = run(Mode::Create, &request("V15", "V25"), &rules, &mut store).unwrap_err();
/// assert_eq!(refused[0].code(), "OVERLAP");
/// let Ok(Done::Created(free)) = run(Mode::CreateFree, &request("V15", "V25"), &rules, &mut store) else { panic!() };
/// assert_eq!((free.start.as_str(), free.end.as_str(), free.count), ("V20", "V25", 6));
/// ```
pub fn run(
    mode: Mode,
    request: &Request<'_>,
    rules: &SeriesRules,
    store: &mut impl SyncStore,
) -> Result<Done, Vec<SeriesError>> {
    let (mut flow, mut step) = BookFlow::start(mode, request, rules);
    loop {
        step = match step {
            Step::Done(answer) => return answer,
            Step::Need(Need::Rows {
                pool,
                first,
                last,
                format,
            }) => match store.overlapping(&pool, first, last, format) {
                Ok(rows) => flow.resume(Answer::Rows(rows.iter().map(Row::values).collect())),
                Err(Refusal::NotRows) => flow.resume(Answer::NotRows),
                Err(_) => flow.resume(Answer::Failed { missing: false }),
            },
            Step::Need(Need::Insert(record)) => match store.insert(&record) {
                Ok(()) => flow.resume(Answer::Inserted),
                Err(refusal) => flow.resume(Answer::Refused(refusal)),
            },
        };
    }
}
