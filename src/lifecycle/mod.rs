//! The number lifecycle: pools with a declared capacity whose every number
//! is in exactly one state (available, reserved, assigned, cooling,
//! blocked, or handed down to a child pool), held as ranges, never per
//! number.
//!
//! This module owns the states, the operations that move ranges between
//! them, the warnings, the report and the events every change yields (and
//! their replay). It reads no clock: every change is given its instant.
//! It does not parse requests from hosts ([`command`] does) nor store
//! anything: a host appends the events an answer carries.
//!
//! ```
//! use seriesguard::lifecycle::{Pools, Policy, Take, State};
//! use seriesguard::inventory::PoolKey;
//! let key = PoolKey { prefix: "V".into(), width: 4, ..PoolKey::default() };
//! let mut pools = Pools::default();
//! pools.declare("HQ", key, &[(1, 100)], Policy::default(), None, 0, "").unwrap();
//! let answer = pools.reserve("HQ", Take::Quantity(10), "shop", 60_000, "order-1", 0, "").unwrap();
//! assert_eq!(answer.events[0].to, Some(State::Reserved));
//! assert_eq!(pools.reservation("order-1").map(|r| (r.first, r.last)), Some((1, 10)));
//! ```

pub mod book;
pub mod command;
pub mod time;

use std::collections::BTreeMap;

use crate::error::{Refused, SeriesError};
use crate::inventory::PoolKey;
use time::Millis;

/// The state of a number in a declared pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Free to reserve, assign, block or hand down.
    Available,
    /// Held for an owner until an instant, under an idempotency key.
    Reserved,
    /// In use.
    Assigned,
    /// Released, not reusable until an instant (or ever).
    Cooling,
    /// Never handed out (damaged stock, "black" waybills).
    Blocked,
    /// Given to a child pool, which holds it now.
    HandedDown,
}

/// Every state, in report order.
pub const STATES: [State; 6] = [
    State::Available,
    State::Reserved,
    State::Assigned,
    State::Cooling,
    State::Blocked,
    State::HandedDown,
];

impl State {
    /// The name hosts see (`available`, ..., `handedDown`).
    pub fn name(self) -> &'static str {
        match self {
            State::Available => "available",
            State::Reserved => "reserved",
            State::Assigned => "assigned",
            State::Cooling => "cooling",
            State::Blocked => "blocked",
            State::HandedDown => "handedDown",
        }
    }

    /// The state named `name`.
    pub fn from_name(name: &str) -> Option<State> {
        STATES.into_iter().find(|s| s.name() == name)
    }
}

/// A state's name, or `outside the pool` for serials not in its capacity.
fn state_name(state: Option<State>) -> &'static str {
    state.map_or("outside the pool", State::name)
}

/// What a range is: its state, until when, and who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The state.
    pub state: State,
    /// When a reservation expires or a cooling ends (`None`: never, or not timed).
    pub until: Option<Millis>,
    /// The reservation's key (reserved) or the child pool (handed down); else empty.
    pub holder: String,
}

impl Mark {
    fn plain(state: State) -> Mark {
        Mark {
            state,
            until: None,
            holder: String::new(),
        }
    }
}

/// A range of serials `first..=last` in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// First serial.
    pub first: u128,
    /// Last serial.
    pub last: u128,
    /// Its state.
    pub mark: Mark,
}

/// How long a released number cools before it is available again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cooling {
    /// Released numbers are available at once.
    #[default]
    None,
    /// Released numbers cool this many days (1..=999).
    Days(u16),
    /// Released numbers are never reused.
    Never,
}

/// When a pool is low on available numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowAt {
    /// Fewer than this many available.
    Count(u128),
    /// Fewer than this percentage (1..=100) of the capacity available.
    Percent(u8),
}

/// A pool's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// What a release does.
    pub cooling: Cooling,
    /// The low-stock threshold, if any.
    pub low_at: Option<LowAt>,
    /// The most a child pool may hold, if limited.
    pub quota: Option<u128>,
}

/// A declared pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// The format of its numbers (prefix, width, suffix, scheme).
    pub key: PoolKey,
    /// Its policy.
    pub policy: Policy,
    /// The pool it receives its numbers from, for a child pool.
    pub parent: Option<String>,
    /// Its capacity, sorted and disjoint, adjacent runs of one mark merged.
    pub runs: Vec<Run>,
}

/// Where a reservation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Held.
    Reserved,
    /// Confirmed: its numbers are assigned.
    Assigned,
    /// Cancelled: its numbers are available again.
    Cancelled,
    /// Expired before it was confirmed.
    Expired,
}

impl Status {
    /// The name hosts see.
    pub fn name(self) -> &'static str {
        match self {
            Status::Reserved => "reserved",
            Status::Assigned => "assigned",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        }
    }
}

/// A reservation, known by its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The pool.
    pub pool: String,
    /// Who it is held for.
    pub owner: String,
    /// First serial.
    pub first: u128,
    /// Last serial.
    pub last: u128,
    /// When it expires (or expired).
    pub expires_at: Millis,
    /// Where it stands.
    pub status: Status,
}

/// What an operation was (the `op` of its events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// A pool's capacity declared.
    Declare,
    /// Numbers reserved.
    Reserve,
    /// A reservation's expiry moved.
    Extend,
    /// A reservation confirmed.
    Confirm,
    /// A reservation cancelled.
    Cancel,
    /// Numbers assigned without a reservation.
    Assign,
    /// Assigned numbers released.
    Release,
    /// Numbers blocked.
    Block,
    /// Blocked numbers unblocked.
    Unblock,
    /// A reservation or a cooling ran out.
    Expire,
    /// Numbers given to a child pool.
    HandDown,
    /// Numbers given back by a child pool.
    HandBack,
}

/// Every operation, by name.
pub const OPS: [Op; 12] = [
    Op::Declare,
    Op::Reserve,
    Op::Extend,
    Op::Confirm,
    Op::Cancel,
    Op::Assign,
    Op::Release,
    Op::Block,
    Op::Unblock,
    Op::Expire,
    Op::HandDown,
    Op::HandBack,
];

impl Op {
    /// The name hosts see.
    pub fn name(self) -> &'static str {
        match self {
            Op::Declare => "declare",
            Op::Reserve => "reserve",
            Op::Extend => "extend",
            Op::Confirm => "confirm",
            Op::Cancel => "cancel",
            Op::Assign => "assign",
            Op::Release => "release",
            Op::Block => "block",
            Op::Unblock => "unblock",
            Op::Expire => "expire",
            Op::HandDown => "handDown",
            Op::HandBack => "handBack",
        }
    }

    /// The operation named `name`.
    pub fn from_name(name: &str) -> Option<Op> {
        OPS.into_iter().find(|op| op.name() == name)
    }
}

/// One change of one range of one pool: what a host appends to its trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When.
    pub at: Millis,
    /// The pool.
    pub pool: String,
    /// The operation.
    pub op: Op,
    /// First serial.
    pub first: u128,
    /// Last serial.
    pub last: u128,
    /// The state it left (`None`: it entered the pool).
    pub from: Option<State>,
    /// The state it entered (`None`: it left the pool).
    pub to: Option<State>,
    /// Who did it.
    pub actor: String,
    /// The reservation's key, if any.
    pub key: String,
    /// The reservation's owner, or the child pool a range was handed to.
    pub owner: String,
    /// The expiry of a reservation or the end of a cooling it entered.
    pub until: Option<Millis>,
}

/// A warning about a pool a change left low or empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// `POOL_LOW` or `POOL_EXHAUSTED`.
    pub code: &'static str,
    /// The pool.
    pub pool: String,
    /// Its available count after the change.
    pub available: u128,
    /// The threshold it fell below (`POOL_LOW`), or 0.
    pub threshold: u128,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// The ranges touched, each from its state to its new one.
    pub events: Vec<Event>,
    /// The pools it left low or exhausted.
    pub warnings: Vec<Warning>,
}

/// What to take from a pool: a quantity (first fit) or an explicit range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The first free block of this many numbers.
    Quantity(u128),
    /// Exactly these serials.
    Range(u128, u128),
}

/// A pool's numbers counted per state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Its capacity.
    pub capacity: u128,
    /// Count per state, in [`STATES`] order.
    pub counts: [u128; 6],
    /// The largest free block (`first`, `last`), if any.
    pub largest_free: Option<(u128, u128)>,
    /// How many separate free blocks it has.
    pub free_fragments: usize,
    /// The next reservations and coolings to run out: `(until, run)`, soonest first.
    pub next_expiries: Vec<(Millis, Run)>,
}

/// How many expiries a report lists.
pub const REPORT_EXPIRIES: usize = 10;

/// The refusal of a range written backwards.
fn backwards(pool: &Pool, first: u128, last: u128) -> SeriesError {
    SeriesError::StartAfterEnd {
        start: pool.key.identifier(first),
        end: pool.key.identifier(last),
    }
}

fn refused(why: Refused) -> SeriesError {
    SeriesError::Lifecycle(why)
}

impl Pool {
    /// The runs overlapping `first..=last` with the gaps between them:
    /// `(a, b, mark)` pieces covering it exactly, `None` outside capacity.
    pub fn pieces(&self, first: u128, last: u128) -> Vec<(u128, u128, Option<&Mark>)> {
        let mut out = Vec::new();
        let mut at = first;
        let from = self.runs.partition_point(|r| r.last < first);
        for run in self.runs.iter().skip(from) {
            if run.first > last {
                break;
            }
            if run.first > at {
                out.push((at, run.first - 1, None));
            }
            let (a, b) = (run.first.max(at), run.last.min(last));
            out.push((a, b, Some(&run.mark)));
            if b == last {
                return out;
            }
            at = b + 1;
        }
        out.push((at, last, None));
        out
    }

    /// Puts `first..=last` in `mark` (or out of the pool), merging
    /// neighbours of one mark; answers the pieces it replaced.
    fn replace(
        &mut self,
        first: u128,
        last: u128,
        mark: Option<Mark>,
    ) -> Vec<(u128, u128, Option<Mark>)> {
        let old: Vec<_> = self
            .pieces(first, last)
            .into_iter()
            .map(|(a, b, m)| (a, b, m.cloned()))
            .collect();
        let lo = self.runs.partition_point(|r| r.last < first);
        let hi = self.runs.partition_point(|r| r.first <= last);
        let mut middle = Vec::with_capacity(3);
        if let Some(run) = self.runs.get(lo).filter(|r| r.first < first && lo < hi) {
            middle.push(Run {
                first: run.first,
                last: first - 1,
                mark: run.mark.clone(),
            });
        }
        if let Some(mark) = mark {
            middle.push(Run { first, last, mark });
        }
        if let Some(run) = hi
            .checked_sub(1)
            .and_then(|i| self.runs.get(i))
            .filter(|r| r.last > last && lo < hi)
        {
            middle.push(Run {
                first: last + 1,
                last: run.last,
                mark: run.mark.clone(),
            });
        }
        let added = middle.len();
        self.runs.splice(lo..hi, middle);
        // Merge across the two seams of what was put in.
        let start = lo.saturating_sub(1);
        let mut i = start;
        while i < (lo + added + 1).min(self.runs.len()) {
            let merge = match (self.runs.get(i), self.runs.get(i + 1)) {
                (Some(a), Some(b)) => a.last.checked_add(1) == Some(b.first) && a.mark == b.mark,
                _ => false,
            };
            if merge {
                let next = self.runs.remove(i + 1);
                if let Some(run) = self.runs.get_mut(i) {
                    run.last = next.last;
                }
            } else {
                i += 1;
            }
        }
        old
    }

    /// Counts per state, in [`STATES`] order.
    pub fn counts(&self) -> [u128; 6] {
        let mut counts = [0u128; 6];
        for run in &self.runs {
            if let Some(n) = counts.get_mut(run.mark.state as usize) {
                *n += run.last - run.first + 1;
            }
        }
        counts
    }

    /// The first free block of `quantity` numbers.
    fn first_fit(&self, quantity: u128) -> Option<(u128, u128)> {
        self.runs
            .iter()
            .find(|r| r.mark.state == State::Available && r.last - r.first >= quantity - 1)
            .map(|r| (r.first, r.first + (quantity - 1)))
    }

    fn largest_free(&self) -> Option<(u128, u128)> {
        self.runs
            .iter()
            .filter(|r| r.mark.state == State::Available)
            .max_by(|a, b| {
                (a.last - a.first)
                    .cmp(&(b.last - b.first))
                    .then(b.first.cmp(&a.first))
            })
            .map(|r| (r.first, r.last))
    }

    /// Its utilization report.
    pub fn report(&self) -> Report {
        let counts = self.counts();
        // The soonest few, kept in order as the runs go by (runs are in
        // serial order, so ties stay in it): no sort of every run.
        let mut next: Vec<(Millis, Run)> = Vec::with_capacity(REPORT_EXPIRIES + 1);
        for run in &self.runs {
            let Some(until) = run.mark.until else {
                continue;
            };
            if !matches!(run.mark.state, State::Reserved | State::Cooling) {
                continue;
            }
            let at = next.partition_point(|(u, _)| *u <= until);
            if at < REPORT_EXPIRIES {
                next.insert(at, (until, run.clone()));
                next.truncate(REPORT_EXPIRIES);
            }
        }
        Report {
            capacity: counts.iter().sum(),
            counts,
            largest_free: self.largest_free(),
            free_fragments: self
                .runs
                .iter()
                .filter(|r| r.mark.state == State::Available)
                .count(),
            next_expiries: next,
        }
    }

    /// The warning a change leaves, if the pool is low or exhausted.
    fn warning(&self, name: &str) -> Option<Warning> {
        let counts = self.counts();
        let capacity: u128 = counts.iter().sum();
        let available = counts.first().copied().unwrap_or(0);
        let warn = |code, threshold| Warning {
            code,
            pool: name.to_owned(),
            available,
            threshold,
        };
        if available == 0 {
            return (capacity > 0).then(|| warn("POOL_EXHAUSTED", 0));
        }
        let low = match self.policy.low_at? {
            LowAt::Count(n) => (available < n).then_some(n),
            LowAt::Percent(p) => {
                below_percent(available, capacity, p).then(|| percent_of(capacity, p))
            }
        };
        low.map(|threshold| warn("POOL_LOW", threshold))
    }
}

/// `available < capacity * percent / 100`, exactly (the product may not fit `u128`).
fn below_percent(available: u128, capacity: u128, percent: u8) -> bool {
    let p = u128::from(percent);
    // available * 100 < capacity * p, compared as 256-bit products.
    wide_mul(available, 100) < wide_mul(capacity, p)
}

fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    // b <= 100: split a into 64-bit halves.
    let (hi, lo) = (a >> 64, a & u128::from(u64::MAX));
    let (hp, lp) = (hi * b, lo * b);
    let low = (lp & u128::from(u64::MAX)) | ((hp + (lp >> 64)) << 64);
    let high = (hp + (lp >> 64)) >> 64;
    (high, low)
}

/// `part` of `whole` in hundredths of a percent, rounded down (0 of nothing).
pub fn basis_points(part: u128, whole: u128) -> u128 {
    match whole {
        0 => 0,
        // part * 10_000 fits u128 up to 3.4e34; past that, divide first.
        w if part <= u128::MAX / 10_000 => part * 10_000 / w,
        w => part / (w / 10_000).max(1),
    }
}

/// `capacity * percent / 100`, rounded up (the count below which a pool is low).
fn percent_of(capacity: u128, percent: u8) -> u128 {
    let p = u128::from(percent);
    capacity / 100 * p + (capacity % 100 * p).div_ceil(100)
}

/// Every declared pool and every reservation ever made, by key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pools {
    pools: BTreeMap<String, Pool>,
    reservations: BTreeMap<String, Reservation>,
}

/// A change being built: the events and the pools touched.
struct Change<'a> {
    at: Millis,
    actor: &'a str,
    op: Op,
    key: &'a str,
    answer: Answer,
}

impl Pools {
    /// The pool named `name`.
    pub fn pool(&self, name: &str) -> Option<&Pool> {
        self.pools.get(name)
    }

    /// Every pool, by name.
    pub fn pools(&self) -> impl Iterator<Item = (&String, &Pool)> {
        self.pools.iter()
    }

    /// The reservation made under `key`.
    pub fn reservation(&self, key: &str) -> Option<&Reservation> {
        self.reservations.get(key)
    }

    fn get(&self, name: &str) -> Result<&Pool, SeriesError> {
        self.pools.get(name).ok_or_else(|| {
            refused(Refused::PoolUnknown {
                pool: name.to_owned(),
            })
        })
    }

    fn get_mut(&mut self, name: &str) -> Result<&mut Pool, SeriesError> {
        self.pools.get_mut(name).ok_or_else(|| {
            refused(Refused::PoolUnknown {
                pool: name.to_owned(),
            })
        })
    }

    /// Declares a pool: a root pool with its capacity `blocks`, or a child
    /// of `parent` (no blocks: it receives numbers by hand-down).
    #[allow(clippy::too_many_arguments)]
    pub fn declare(
        &mut self,
        name: &str,
        key: PoolKey,
        blocks: &[(u128, u128)],
        policy: Policy,
        parent: Option<&str>,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        if self.pools.contains_key(name) {
            return Err(refused(Refused::PoolExists {
                pool: name.to_owned(),
            }));
        }
        let mut pool = Pool {
            key,
            policy,
            parent: parent.map(str::to_owned),
            runs: Vec::new(),
        };
        if let Some(parent) = parent {
            pool.key = self.get(parent)?.key.clone();
        }
        let mut sorted = blocks.to_vec();
        sorted.sort_unstable();
        for pair in sorted.windows(2) {
            if let [(_, a_last), (b_first, b_last)] = pair {
                if b_first <= a_last {
                    return Err(refused(Refused::PoolsOverlap {
                        pool: name.to_owned(),
                        other: name.to_owned(),
                        start: pool.key.identifier(*b_first),
                        end: pool.key.identifier((*a_last).min(*b_last)),
                    }));
                }
            }
        }
        for (other_name, other) in &self.pools {
            if other.key != pool.key || other.parent.is_some() {
                continue;
            }
            for &(first, last) in &sorted {
                if let Some((a, b, _)) = other
                    .pieces(first, last)
                    .into_iter()
                    .find(|p| p.2.is_some())
                {
                    return Err(refused(Refused::PoolsOverlap {
                        pool: name.to_owned(),
                        other: other_name.clone(),
                        start: pool.key.identifier(a),
                        end: pool.key.identifier(b),
                    }));
                }
            }
        }
        self.pools.insert(name.to_owned(), pool);
        let mut change = Change::new(Op::Declare, at, actor, "");
        for (first, last) in sorted {
            self.mark(
                &mut change,
                name,
                first,
                last,
                Some(Mark::plain(State::Available)),
                "",
            )?;
        }
        Ok(self.finish(change))
    }

    /// Reserves `take` in `pool` for `owner` until `at + ttl`, under `key`:
    /// the same key and request answers the same reservation, unchanged.
    #[allow(clippy::too_many_arguments)]
    pub fn reserve(
        &mut self,
        pool: &str,
        take: Take,
        owner: &str,
        ttl: Millis,
        key: &str,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        if let Some(held) = self.reservations.get(key) {
            let same = held.pool == pool
                && held.owner == owner
                && match take {
                    Take::Quantity(q) => held.last - held.first + 1 == q,
                    Take::Range(a, b) => (held.first, held.last) == (a, b),
                };
            return match same {
                true => Ok(Answer::default()),
                false => Err(refused(Refused::KeyReused {
                    key: key.to_owned(),
                })),
            };
        }
        let until = time::later(at, ttl)?;
        let (first, last) = self.take(pool, take)?;
        let mut change = Change::new(Op::Reserve, at, actor, key);
        let mark = Mark {
            state: State::Reserved,
            until: Some(until),
            holder: key.to_owned(),
        };
        self.mark(&mut change, pool, first, last, Some(mark), owner)?;
        self.reservations.insert(
            key.to_owned(),
            Reservation {
                pool: pool.to_owned(),
                owner: owner.to_owned(),
                first,
                last,
                expires_at: until,
                status: Status::Reserved,
            },
        );
        Ok(self.finish(change))
    }

    /// The serials `take` names in `pool`, checked available.
    fn take(&self, pool: &str, take: Take) -> Result<(u128, u128), SeriesError> {
        let p = self.get(pool)?;
        match take {
            Take::Quantity(0) => Err(SeriesError::Invalid {
                field: crate::error::Field::Quantity,
                reason: crate::error::Invalid::Rule("must be a whole number of at least 1"),
            }),
            Take::Range(first, last) if first > last => Err(backwards(p, first, last)),
            Take::Quantity(q) => p.first_fit(q).ok_or_else(|| {
                refused(Refused::PoolExhausted {
                    pool: pool.to_owned(),
                    wanted: q,
                    largest: p.largest_free().map_or(0, |(a, b)| b - a + 1),
                })
            }),
            Take::Range(first, last) => {
                let bad = p
                    .pieces(first, last)
                    .into_iter()
                    .find(|(_, _, m)| m.map_or(true, |m| m.state != State::Available));
                match bad {
                    None => Ok((first, last)),
                    Some((a, b, m)) => Err(refused(Refused::NotAvailable {
                        pool: pool.to_owned(),
                        start: p.key.identifier(a),
                        end: p.key.identifier(b),
                        state: state_name(m.map(|m| m.state)),
                    })),
                }
            }
        }
    }

    /// The open reservation under `key`, or why it is not open at `at`.
    fn open(&self, key: &str, at: Millis) -> Result<&Reservation, SeriesError> {
        let held = self.reservations.get(key).ok_or_else(|| {
            refused(Refused::ReservationUnknown {
                key: key.to_owned(),
            })
        })?;
        match held.status {
            Status::Reserved if at < held.expires_at => Ok(held),
            Status::Reserved | Status::Expired => Err(refused(Refused::ReservationExpired {
                key: key.to_owned(),
                at: time::iso(held.expires_at),
            })),
            status => Err(refused(Refused::ReservationClosed {
                key: key.to_owned(),
                status: status.name(),
            })),
        }
    }

    /// Moves the reservation's expiry to `at + ttl`.
    pub fn extend(
        &mut self,
        key: &str,
        ttl: Millis,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        let held = self.open(key, at)?.clone();
        let until = time::later(at, ttl)?;
        let mut change = Change::new(Op::Extend, at, actor, key);
        let mark = Mark {
            state: State::Reserved,
            until: Some(until),
            holder: key.to_owned(),
        };
        self.mark(
            &mut change,
            &held.pool,
            held.first,
            held.last,
            Some(mark),
            &held.owner,
        )?;
        self.set_status(key, Status::Reserved, Some(until));
        Ok(self.finish(change))
    }

    /// Confirms the reservation: its numbers become assigned. Confirming
    /// again answers the same, unchanged.
    pub fn confirm(&mut self, key: &str, at: Millis, actor: &str) -> Result<Answer, SeriesError> {
        if self
            .reservations
            .get(key)
            .is_some_and(|r| r.status == Status::Assigned)
        {
            return Ok(Answer::default());
        }
        self.close(
            key,
            Op::Confirm,
            State::Assigned,
            Status::Assigned,
            at,
            actor,
        )
    }

    /// Cancels the reservation: its numbers are available again.
    pub fn cancel(&mut self, key: &str, at: Millis, actor: &str) -> Result<Answer, SeriesError> {
        self.close(
            key,
            Op::Cancel,
            State::Available,
            Status::Cancelled,
            at,
            actor,
        )
    }

    fn close(
        &mut self,
        key: &str,
        op: Op,
        to: State,
        status: Status,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        let held = self.open(key, at)?.clone();
        let mut change = Change::new(op, at, actor, key);
        self.mark(
            &mut change,
            &held.pool,
            held.first,
            held.last,
            Some(Mark::plain(to)),
            &held.owner,
        )?;
        self.set_status(key, status, None);
        Ok(self.finish(change))
    }

    fn set_status(&mut self, key: &str, status: Status, until: Option<Millis>) {
        if let Some(r) = self.reservations.get_mut(key) {
            r.status = status;
            if let Some(until) = until {
                r.expires_at = until;
            }
        }
    }

    /// Assigns `take` directly, without a reservation.
    pub fn assign(
        &mut self,
        pool: &str,
        take: Take,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        let (first, last) = self.take(pool, take)?;
        self.change_one(
            Op::Assign,
            pool,
            (first, last),
            Mark::plain(State::Assigned),
            at,
            actor,
        )
    }

    /// Checks that every serial of `first..=last` is in one of `from`.
    fn expect(
        &self,
        pool: &str,
        first: u128,
        last: u128,
        from: &[State],
        expected: &'static str,
    ) -> Result<(), SeriesError> {
        let p = self.get(pool)?;
        if first > last {
            return Err(backwards(p, first, last));
        }
        let bad = p
            .pieces(first, last)
            .into_iter()
            .find(|(_, _, m)| m.map_or(true, |m| !from.contains(&m.state)));
        match bad {
            None => Ok(()),
            Some((a, b, m)) => Err(refused(Refused::StateConflict {
                pool: pool.to_owned(),
                start: p.key.identifier(a),
                end: p.key.identifier(b),
                state: state_name(m.map(|m| m.state)),
                expected,
            })),
        }
    }

    /// Releases assigned numbers: they cool for the pool's period, or are
    /// available at once when it has none.
    pub fn release(
        &mut self,
        pool: &str,
        first: u128,
        last: u128,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        self.expect(pool, first, last, &[State::Assigned], "assigned")?;
        let mark = match self.get(pool)?.policy.cooling {
            Cooling::None => Mark::plain(State::Available),
            Cooling::Days(days) => Mark {
                state: State::Cooling,
                until: Some(time::later(at, i64::from(days) * time::DAY)?),
                holder: String::new(),
            },
            Cooling::Never => Mark::plain(State::Cooling),
        };
        self.change_one(Op::Release, pool, (first, last), mark, at, actor)
    }

    /// One range of one pool put in `mark` by `op`, answered.
    fn change_one(
        &mut self,
        op: Op,
        pool: &str,
        (first, last): (u128, u128),
        mark: Mark,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        let mut change = Change::new(op, at, actor, "");
        self.mark(&mut change, pool, first, last, Some(mark), "")?;
        Ok(self.finish(change))
    }

    /// Blocks available or cooling numbers.
    pub fn block(
        &mut self,
        pool: &str,
        first: u128,
        last: u128,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        self.expect(
            pool,
            first,
            last,
            &[State::Available, State::Cooling, State::Blocked],
            "available or cooling",
        )?;
        self.change_one(
            Op::Block,
            pool,
            (first, last),
            Mark::plain(State::Blocked),
            at,
            actor,
        )
    }

    /// Makes blocked numbers available.
    pub fn unblock(
        &mut self,
        pool: &str,
        first: u128,
        last: u128,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        self.expect(pool, first, last, &[State::Blocked], "blocked")?;
        self.change_one(
            Op::Unblock,
            pool,
            (first, last),
            Mark::plain(State::Available),
            at,
            actor,
        )
    }

    /// Returns every reservation past its expiry and every cooling past its
    /// end at `at` to available.
    pub fn expire(&mut self, at: Millis, actor: &str) -> Result<Answer, SeriesError> {
        let due: Vec<(String, u128, u128, String)> = self
            .pools
            .iter()
            .flat_map(|(name, p)| {
                p.runs
                    .iter()
                    .filter(|r| matches!(r.mark.state, State::Reserved | State::Cooling))
                    .filter(|r| r.mark.until.is_some_and(|u| u <= at))
                    .map(move |r| (name.clone(), r.first, r.last, r.mark.holder.clone()))
            })
            .collect();
        let mut change = Change::new(Op::Expire, at, actor, "");
        for (pool, first, last, key) in due {
            let owner = self
                .reservations
                .get(&key)
                .map(|r| r.owner.clone())
                .unwrap_or_default();
            self.mark_keyed(
                &mut change,
                &pool,
                first,
                last,
                Some(Mark::plain(State::Available)),
                &owner,
                &key,
            )?;
            if !key.is_empty() {
                self.set_status(&key, Status::Expired, None);
            }
        }
        Ok(self.finish(change))
    }

    /// Gives `take` of `parent`'s available numbers to its child pool `child`.
    pub fn hand_down(
        &mut self,
        parent: &str,
        child: &str,
        take: Take,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        let (quota, held) = self.child_of(parent, child)?;
        let (first, last) = self.take(parent, take)?;
        let wanted = last - first + 1;
        if let Some(quota) =
            quota.filter(|q| held.checked_add(wanted).map_or(true, |total| total > *q))
        {
            return Err(refused(Refused::QuotaExceeded {
                pool: child.to_owned(),
                quota,
                held,
                wanted,
            }));
        }
        let mut change = Change::new(Op::HandDown, at, actor, "");
        let handed = Mark {
            state: State::HandedDown,
            until: None,
            holder: child.to_owned(),
        };
        self.mark(&mut change, parent, first, last, Some(handed), child)?;
        self.mark(
            &mut change,
            child,
            first,
            last,
            Some(Mark::plain(State::Available)),
            "",
        )?;
        Ok(self.finish(change))
    }

    /// The quota of `child` and what it holds, when it is `parent`'s child.
    fn child_of(&self, parent: &str, child: &str) -> Result<(Option<u128>, u128), SeriesError> {
        let c = self.get(child)?;
        if c.parent.as_deref() != Some(parent) {
            return Err(refused(Refused::StateConflict {
                pool: child.to_owned(),
                start: String::new(),
                end: String::new(),
                state: "not a child",
                expected: "a child of the pool handing down",
            }));
        }
        Ok((
            c.policy.quota,
            c.runs.iter().map(|r| r.last - r.first + 1).sum(),
        ))
    }

    /// Gives a child pool's available numbers back to its parent: those in
    /// `range` (which must all be available), or all of them.
    pub fn hand_back(
        &mut self,
        child: &str,
        range: Option<(u128, u128)>,
        at: Millis,
        actor: &str,
    ) -> Result<Answer, SeriesError> {
        let c = self.get(child)?;
        let Some(parent) = c.parent.clone() else {
            return Err(refused(Refused::StateConflict {
                pool: child.to_owned(),
                start: String::new(),
                end: String::new(),
                state: "a root pool",
                expected: "a child pool",
            }));
        };
        let free: Vec<(u128, u128)> = match range {
            Some((first, last)) => {
                self.expect(child, first, last, &[State::Available], "available")?;
                vec![(first, last)]
            }
            None => c
                .runs
                .iter()
                .filter(|r| r.mark.state == State::Available)
                .map(|r| (r.first, r.last))
                .collect(),
        };
        let mut change = Change::new(Op::HandBack, at, actor, "");
        for (first, last) in free {
            self.mark(&mut change, child, first, last, None, "")?;
            self.mark(
                &mut change,
                &parent,
                first,
                last,
                Some(Mark::plain(State::Available)),
                "",
            )?;
        }
        Ok(self.finish(change))
    }

    fn mark(
        &mut self,
        change: &mut Change<'_>,
        pool: &str,
        first: u128,
        last: u128,
        mark: Option<Mark>,
        owner: &str,
    ) -> Result<(), SeriesError> {
        let key = change.key;
        self.mark_keyed(change, pool, first, last, mark, owner, key)
    }

    /// Puts `first..=last` of `pool` in `mark`, one event per piece replaced.
    #[allow(clippy::too_many_arguments)]
    fn mark_keyed(
        &mut self,
        change: &mut Change<'_>,
        pool: &str,
        first: u128,
        last: u128,
        mark: Option<Mark>,
        owner: &str,
        key: &str,
    ) -> Result<(), SeriesError> {
        let (to, until) = (
            mark.as_ref().map(|m| m.state),
            mark.as_ref().and_then(|m| m.until),
        );
        let old = self.get_mut(pool)?.replace(first, last, mark);
        for (a, b, from) in old {
            change.answer.events.push(Event {
                at: change.at,
                pool: pool.to_owned(),
                op: change.op,
                first: a,
                last: b,
                from: from.map(|m| m.state),
                to,
                actor: change.actor.to_owned(),
                key: key.to_owned(),
                owner: owner.to_owned(),
                until,
            });
        }
        Ok(())
    }

    /// The answer of a change: its events and the warnings of every pool it touched.
    fn finish(&self, change: Change<'_>) -> Answer {
        let mut answer = change.answer;
        let mut touched: Vec<&str> = Vec::new();
        for e in &answer.events {
            if !touched.contains(&e.pool.as_str()) {
                touched.push(&e.pool);
            }
        }
        answer.warnings = touched
            .into_iter()
            .filter_map(|name| self.pools.get(name).and_then(|p| p.warning(name)))
            .collect();
        answer
    }

    /// Declares a pool without capacity (its `declare` events give it its
    /// blocks): the first step of a replay.
    pub fn restore(
        &mut self,
        name: &str,
        key: PoolKey,
        policy: Policy,
        parent: Option<&str>,
    ) -> Result<(), SeriesError> {
        if self.pools.contains_key(name) {
            return Err(refused(Refused::PoolExists {
                pool: name.to_owned(),
            }));
        }
        if let Some(parent) = parent {
            self.get(parent)?;
        }
        self.pools.insert(
            name.to_owned(),
            Pool {
                key,
                policy,
                parent: parent.map(str::to_owned),
                runs: Vec::new(),
            },
        );
        Ok(())
    }

    /// Applies one event as it was recorded: replaying a pool's events in
    /// order, after [`Pools::restore`], rebuilds its state and reservations.
    pub fn apply(&mut self, event: &Event) -> Result<(), SeriesError> {
        let mark = event.to.map(|state| Mark {
            state,
            until: event.until,
            holder: match state {
                State::Reserved => event.key.clone(),
                State::HandedDown => event.owner.clone(),
                _ => String::new(),
            },
        });
        self.get_mut(&event.pool)?
            .replace(event.first, event.last, mark);
        let status = match (event.op, event.to) {
            (Op::Reserve, _) => {
                self.reservations.insert(
                    event.key.clone(),
                    Reservation {
                        pool: event.pool.clone(),
                        owner: event.owner.clone(),
                        first: event.first,
                        last: event.last,
                        expires_at: event.until.unwrap_or(event.at),
                        status: Status::Reserved,
                    },
                );
                return Ok(());
            }
            (Op::Extend, _) => Status::Reserved,
            (Op::Confirm, _) => Status::Assigned,
            (Op::Cancel, _) => Status::Cancelled,
            (Op::Expire, _) if !event.key.is_empty() => Status::Expired,
            _ => return Ok(()),
        };
        self.set_status(&event.key, status, event.until);
        Ok(())
    }
}

impl<'a> Change<'a> {
    fn new(op: Op, at: Millis, actor: &'a str, key: &'a str) -> Change<'a> {
        Change {
            at,
            actor,
            op,
            key,
            answer: Answer::default(),
        }
    }
}
