//! The lifecycle's one protocol: a request as JSON text in, an answer as
//! JSON text out. Every binding (the npm package, the component, the
//! reference server) passes the host's request through unchanged, so the
//! reading of every field, every refusal and every answer's shape is here.
//!
//! A request is `{ "op": ..., ...fields }`; identifiers are read under the
//! rules of the index that holds the pools; counts are written as decimal
//! strings (exact up to 38 digits) and instants as ISO 8601 texts.
//!
//! ```
//! use seriesguard::lifecycle::Pools;
//! use seriesguard::range::SeriesRules;
//! let (mut pools, rules) = (Pools::default(), SeriesRules::default());
//! let at = r#""at":"2026-11-27T19:00:00Z""#;
//! pools.run(&format!(r#"{{"op":"declare","pool":"HQ","blocks":[{{"start":"V0001","end":"V0100"}}],{at}}}"#), &rules).unwrap();
//! let answer = pools.run(&format!(r#"{{"op":"reserve","pool":"HQ","quantity":10,"ttl":60000,"key":"k1",{at}}}"#), &rules).unwrap();
//! assert!(answer.contains(r#""reservation":{"key":"k1","pool":"HQ","owner":"","start":"V0001","end":"V0010","count":"10""#));
//! ```

use std::fmt::Write as _;

use super::time::{self, Millis};
use super::{
    Answer, Cooling, Event, LowAt, Op, Policy, Pool, Pools, Reservation, Run, State, Take, STATES,
};
use crate::error::{Field, Invalid, Refused, SeriesError};
use crate::input::Value;
use crate::inventory::PoolKey;
use crate::json::{json_string, parse, Json};
use crate::range::SeriesRules;

/// The longest pool name, key, owner or actor accepted (bytes, trimmed).
pub const MAX_NAME_LEN: usize = 256;

fn invalid(field: Field, why: &'static str) -> SeriesError {
    SeriesError::Invalid {
        field,
        reason: Invalid::Rule(why),
    }
}

/// A pool's format, blocks, policy and parent, as a `declare` request gives them.
type Declaration<'r> = (PoolKey, Vec<(u128, u128)>, Policy, Option<&'r str>);

/// A request's fields.
struct Request<'a> {
    json: &'a Json<'a>,
}

impl<'a> Request<'a> {
    fn value(&self, name: &str) -> Value<'a> {
        self.json.get(name).map_or(Value::Absent, Json::value)
    }

    /// A name-like text: trimmed, 1..=256 bytes, no control characters.
    fn name(&self, name: &str, field: Field, required: bool) -> Result<&'a str, SeriesError> {
        match self.value(name) {
            Value::Absent if !required => Ok(""),
            Value::Absent => Err(SeriesError::Required { field }),
            Value::Text(t) => {
                let t = t.trim();
                if t.is_empty() && required {
                    return Err(SeriesError::Required { field });
                }
                if t.len() > MAX_NAME_LEN || t.chars().any(char::is_control) {
                    return Err(invalid(
                        field,
                        "must be at most 256 bytes without control characters",
                    ));
                }
                Ok(t)
            }
            other => Err(SeriesError::Invalid {
                field,
                reason: Invalid::NotText(other.kind()),
            }),
        }
    }

    fn pool(&self, name: &str) -> Result<&'a str, SeriesError> {
        self.name(name, Field::Pool, true)
    }

    fn at(&self) -> Result<Millis, SeriesError> {
        time::instant(self.value("at"))
    }

    fn actor(&self) -> Result<&'a str, SeriesError> {
        self.name("actor", Field::Owner, false)
    }

    fn key(&self) -> Result<&'a str, SeriesError> {
        self.name("key", Field::Key, true)
    }

    fn ttl(&self) -> Result<Millis, SeriesError> {
        match self.value("ttl") {
            Value::Absent => Err(SeriesError::Required { field: Field::Ttl }),
            v => time::duration(v, Field::Ttl),
        }
    }
}

/// A request's text parsed, refused unless it is a JSON object.
pub(super) fn request_json(text: &str) -> Result<Json<'_>, SeriesError> {
    let json = parse(text).map_err(|_| invalid(Field::Request, "must be JSON text"))?;
    match json {
        Json::Object(_) => Ok(json),
        _ => Err(invalid(Field::Request, "must be a JSON object")),
    }
}

/// Reads `start..end` under `rules` as serials of `key`; `outside` words
/// the refusal when the identifiers are of another format.
fn serials(
    start: Value<'_>,
    end: Value<'_>,
    rules: &SeriesRules,
) -> Result<(PoolKey, u128, u128), SeriesError> {
    let segments = crate::inventory::series_segments(start, end, Value::Absent, rules)
        .map_err(crate::inventory::first_issue)?;
    match &*segments {
        [one] => Ok((one.key.to_key(), one.first, one.last)),
        _ => Err(invalid(
            Field::End,
            "must have as many digits as start: a pool's numbers have one digit count (write them zero-padded)",
        )),
    }
}

fn quantity(value: Value<'_>) -> Result<u128, SeriesError> {
    value
        .as_exact_u128()
        .filter(|q| *q >= 1)
        .ok_or_else(|| invalid(Field::Quantity, "must be a whole number of at least 1"))
}

impl Pools {
    /// The serials `start..end` of `request` in `pool`, or why not.
    fn range_of(
        &self,
        request: &Request<'_>,
        pool: &str,
        rules: &SeriesRules,
    ) -> Result<(u128, u128), SeriesError> {
        let (key, first, last) = serials(request.value("start"), request.value("end"), rules)?;
        let p = self.pool(pool).ok_or_else(|| {
            SeriesError::Lifecycle(Refused::PoolUnknown {
                pool: pool.to_owned(),
            })
        })?;
        if key != p.key {
            return Err(SeriesError::Lifecycle(Refused::NotAvailable {
                pool: pool.to_owned(),
                start: key.identifier(first),
                end: key.identifier(last),
                state: "outside the pool",
            }));
        }
        Ok((first, last))
    }

    /// A quantity or a range, whichever the request gives.
    fn take_of(
        &self,
        request: &Request<'_>,
        pool: &str,
        rules: &SeriesRules,
    ) -> Result<Take, SeriesError> {
        match request.value("quantity") {
            Value::Absent => {
                let (first, last) = self.range_of(request, pool, rules)?;
                Ok(Take::Range(first, last))
            }
            q if request.value("start") == Value::Absent
                && request.value("end") == Value::Absent =>
            {
                Ok(Take::Quantity(quantity(q)?))
            }
            _ => Err(invalid(
                Field::Quantity,
                "give a quantity or start and end, not both",
            )),
        }
    }

    /// Runs one request and answers it as JSON text.
    ///
    /// Ops: `declare`, `reserve`, `extend`, `confirm`, `cancel`, `assign`,
    /// `release`, `block`, `unblock`, `expire`, `handDown`, `handBack`
    /// (each answers `{events, warnings, ...}`), `report`, `reservation`,
    /// `state` (`{pool?, first?, last?}`), and `replay` (`{pools: [declare
    /// requests], events}`, answering how many of each it applied).
    pub fn run(&mut self, text: &str, rules: &SeriesRules) -> Result<String, SeriesError> {
        let json = request_json(text)?;
        self.execute(&json, rules).map(|(answer, _)| answer)
    }

    /// Runs a parsed request: its answer as JSON text, and for a change
    /// what it did (its events), for a host store to keep.
    pub(super) fn execute(
        &mut self,
        json: &Json<'_>,
        rules: &SeriesRules,
    ) -> Result<(String, Option<Answer>), SeriesError> {
        let r = Request { json };
        let op = match r.value("op") {
            Value::Text(name) => name,
            Value::Absent => {
                return Err(SeriesError::Required {
                    field: Field::Request,
                })
            }
            other => {
                return Err(SeriesError::Invalid {
                    field: Field::Request,
                    reason: Invalid::NotText(other.kind()),
                })
            }
        };
        let mut taken = None;
        let mut reservation = None;
        let answer = match op {
            "report" => return Ok((self.report_json(r.pool("pool")?)?, None)),
            "reservation" => {
                let key = r.key()?;
                let held = self.reservation(key).ok_or_else(|| {
                    SeriesError::Lifecycle(Refused::ReservationUnknown { key: key.to_owned() })
                })?;
                return Ok((reservation_json(key, held, self.pool(&held.pool)), None));
            }
            "state" => return Ok((self.state_of(&r)?, None)),
            "replay" => return Ok((self.replay(&r, rules)?, None)),
            "declare" => {
                let (name, at, actor) = (r.pool("pool")?, r.at()?, r.actor()?);
                let (key, blocks, policy, parent) = self.declaration(&r, rules)?;
                self.declare(name, key, &blocks, policy, parent, at, actor)?
            }
            "reserve" => {
                let (pool, at, actor, key) = (r.pool("pool")?, r.at()?, r.actor()?, r.key()?);
                let (take, ttl, owner) = (self.take_of(&r, pool, rules)?, r.ttl()?, r.name("owner", Field::Owner, false)?);
                reservation = Some(key);
                self.reserve(pool, take, owner, ttl, key, at, actor)?
            }
            "extend" => {
                let (key, ttl, at, actor) = (r.key()?, r.ttl()?, r.at()?, r.actor()?);
                reservation = Some(key);
                self.extend(key, ttl, at, actor)?
            }
            "confirm" | "cancel" => {
                let (key, at, actor) = (r.key()?, r.at()?, r.actor()?);
                reservation = Some(key);
                match op {
                    "confirm" => self.confirm(key, at, actor)?,
                    _ => self.cancel(key, at, actor)?,
                }
            }
            "assign" => {
                let (pool, at, actor) = (r.pool("pool")?, r.at()?, r.actor()?);
                let answer = self.assign(pool, self.take_of(&r, pool, rules)?, at, actor)?;
                // What was taken was available, so one run: the one event's range.
                taken = answer.events.first().map(|e| (pool, e.first, e.last));
                answer
            }
            "release" | "block" | "unblock" => {
                let (pool, at, actor) = (r.pool("pool")?, r.at()?, r.actor()?);
                let (first, last) = self.range_of(&r, pool, rules)?;
                match op {
                    "release" => self.release(pool, first, last, at, actor)?,
                    "block" => self.block(pool, first, last, at, actor)?,
                    _ => self.unblock(pool, first, last, at, actor)?,
                }
            }
            "expire" => self.expire(r.at()?, r.actor()?)?,
            "handDown" => {
                let (parent, child, at, actor) = (r.pool("parent")?, r.pool("child")?, r.at()?, r.actor()?);
                self.child_of(parent, child)?;
                let answer = self.hand_down(parent, child, self.take_of(&r, parent, rules)?, at, actor)?;
                // The parent's event: the range handed down.
                taken = answer.events.first().map(|e| (child, e.first, e.last));
                answer
            }
            "handBack" => {
                let (child, at, actor) = (r.pool("child")?, r.at()?, r.actor()?);
                let range = match (r.value("start"), r.value("end")) {
                    (Value::Absent, Value::Absent) => None,
                    _ => Some(self.range_of(&r, child, rules)?),
                };
                self.hand_back(child, range, at, actor)?
            }
            _ => {
                return Err(invalid(
                    Field::Request,
                    "op must be one of declare, reserve, extend, confirm, cancel, assign, release, block, unblock, expire, handDown, handBack, report, reservation, state, replay",
                ))
            }
        };
        let mut out = String::from("{");
        self.answer_json(&mut out, &answer);
        if let Some((pool, first, last)) = taken {
            if let Some(p) = self.pool(pool) {
                out.push_str(",\"range\":");
                range_json(&mut out, &p.key, first, last);
            }
        }
        if let Some(held) =
            reservation.and_then(|key| self.reservation(key).map(|held| (key, held)))
        {
            out.push_str(",\"reservation\":");
            out.push_str(&reservation_json(held.0, held.1, self.pool(&held.1.pool)));
        }
        out.push('}');
        Ok((out, Some(answer)))
    }

    /// The format, blocks, policy and parent of a `declare` request.
    fn declaration<'r>(
        &self,
        r: &Request<'r>,
        rules: &SeriesRules,
    ) -> Result<Declaration<'r>, SeriesError> {
        let parent = match r.value("parent") {
            Value::Absent => None,
            _ => Some(r.pool("parent")?),
        };
        let policy = Policy {
            cooling: match r.value("cooling") {
                Value::Absent => Cooling::None,
                Value::Text("never") => Cooling::Never,
                v => {
                    match v.as_exact_u128() {
                        Some(0) => Cooling::None,
                        Some(days @ 1..=999) => Cooling::Days(days as u16),
                        _ => return Err(invalid(
                            Field::Policy,
                            "cooling must be a whole number of days from 0 to 999, or \"never\"",
                        )),
                    }
                }
            },
            low_at: match r.value("lowAt") {
                Value::Absent => None,
                Value::Text(t) if t.trim().ends_with('%') => {
                    let digits = t.trim().trim_end_matches('%');
                    match crate::serial::parse_digits(digits.as_bytes()) {
                        Some(p @ 1..=100) => Some(LowAt::Percent(p as u8)),
                        _ => {
                            return Err(invalid(
                                Field::Policy,
                                "lowAt must be a count, or a percentage from 1% to 100%",
                            ))
                        }
                    }
                }
                v => Some(LowAt::Count(v.as_exact_u128().ok_or_else(|| {
                    invalid(
                        Field::Policy,
                        "lowAt must be a count, or a percentage from 1% to 100%",
                    )
                })?)),
            },
            quota: match r.value("quota") {
                Value::Absent => None,
                v => Some(
                    v.as_exact_u128()
                        .ok_or_else(|| invalid(Field::Policy, "quota must be a whole number"))?,
                ),
            },
        };
        let blocks = r.json.get("blocks");
        if let Some(parent) = parent {
            if blocks.is_some() {
                return Err(invalid(
                    Field::Policy,
                    "a child pool has no blocks: it receives numbers by handDown",
                ));
            }
            let key = self.pool(parent).map(|p| p.key.clone()).ok_or_else(|| {
                SeriesError::Lifecycle(Refused::PoolUnknown {
                    pool: parent.to_owned(),
                })
            })?;
            return Ok((key, Vec::new(), policy, Some(parent)));
        }
        if policy.quota.is_some() {
            return Err(invalid(
                Field::Policy,
                "quota applies to a child pool (declare it with a parent)",
            ));
        }
        let Some(Json::Array(items)) = blocks else {
            return Err(invalid(
                Field::Policy,
                "blocks must be a list of {start, end}",
            ));
        };
        if items.is_empty() || items.len() > 10_000 {
            return Err(invalid(
                Field::Policy,
                "blocks must hold from 1 to 10,000 blocks",
            ));
        }
        let mut key: Option<PoolKey> = None;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let get = |name| item.get(name).map_or(Value::Absent, Json::value);
            let (k, first, last) = serials(get("start"), get("end"), rules)?;
            if key.as_ref().is_some_and(|known| *known != k) {
                return Err(invalid(
                    Field::Policy,
                    "every block of a pool must have one prefix, digit count and suffix",
                ));
            }
            key = Some(k);
            out.push((first, last));
        }
        Ok((key.unwrap_or_default(), out, policy, None))
    }

    /// Adds pools from their declarations (none already held) and applies
    /// events in order: rebuilds pools from their trail, or brings them up
    /// to date with the declarations and events appended since.
    fn replay(&mut self, r: &Request<'_>, rules: &SeriesRules) -> Result<String, SeriesError> {
        let (Some(Json::Array(pools)), Some(Json::Array(events))) =
            (r.json.get("pools"), r.json.get("events"))
        else {
            return Err(invalid(
                Field::Request,
                "replay needs pools (declare requests) and events (lists)",
            ));
        };
        self.replay_items(pools.iter(), events.iter(), rules)?;
        Ok(format!(
            "{{\"pools\":{},\"events\":{}}}",
            pools.len(),
            events.len()
        ))
    }

    /// Adds the declared pools and applies the events, in order.
    pub(super) fn replay_items<'j>(
        &mut self,
        pools: impl Iterator<Item = &'j Json<'j>>,
        events: impl Iterator<Item = &'j Json<'j>>,
        rules: &SeriesRules,
    ) -> Result<(), SeriesError> {
        for declaration in pools {
            let d = Request { json: declaration };
            let name = d.pool("pool")?;
            let (key, _, policy, parent) = self.declaration(&d, rules)?;
            self.restore(name, key, policy, parent)?;
        }
        for event in events {
            let e = Request { json: event };
            let pool = e.pool("pool")?;
            let key = self.pool(pool).map(|p| p.key.clone()).ok_or_else(|| {
                SeriesError::Lifecycle(Refused::PoolUnknown {
                    pool: pool.to_owned(),
                })
            })?;
            let (k, first, last) = serials(e.value("start"), e.value("end"), rules)?;
            let state = |name: &str| match e.value(name) {
                Value::Absent => Ok(None),
                Value::Text(t) => State::from_name(t).map(Some).ok_or_else(|| {
                    invalid(
                        Field::Request,
                        "an event's from and to must be states or null",
                    )
                }),
                _ => Err(invalid(
                    Field::Request,
                    "an event's from and to must be states or null",
                )),
            };
            let op = match e.value("op") {
                Value::Text(t) => Op::from_name(t),
                _ => None,
            };
            let until = match e.value("until") {
                Value::Absent => None,
                v => Some(time::instant(v)?),
            };
            let (Some(op), true) = (op, k == key) else {
                return Err(invalid(
                    Field::Request,
                    "an event must name an operation and a range of its pool",
                ));
            };
            self.apply(&Event {
                at: e.at()?,
                pool: pool.to_owned(),
                op,
                first,
                last,
                from: state("from")?,
                to: state("to")?,
                actor: e.actor()?.to_owned(),
                key: e.name("key", Field::Key, false)?.to_owned(),
                owner: e.name("owner", Field::Owner, false)?.to_owned(),
                until,
            })?;
        }
        Ok(())
    }

    fn answer_json(&self, out: &mut String, answer: &Answer) {
        out.push_str("\"events\":[");
        for (i, e) in answer.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let key = self.pool(&e.pool).map(|p| &p.key);
            event_json(out, e, key);
        }
        out.push_str("],\"warnings\":[");
        for (i, w) in answer.warnings.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let message = match w.code {
                "POOL_EXHAUSTED" => format!("pool \"{}\" has no available numbers left", w.pool),
                _ => format!(
                    "pool \"{}\" has {} available numbers, below its threshold of {}",
                    w.pool, w.available, w.threshold
                ),
            };
            let _ = write!(
                out,
                "{{\"code\":\"{}\",\"pool\":{},\"available\":\"{}\",\"threshold\":\"{}\",\"message\":{}}}",
                w.code,
                json_string(&w.pool),
                w.available,
                w.threshold,
                json_string(&message)
            );
        }
        out.push(']');
    }

    fn report_json(&self, name: &str) -> Result<String, SeriesError> {
        let pool = self.pool(name).ok_or_else(|| {
            SeriesError::Lifecycle(Refused::PoolUnknown {
                pool: name.to_owned(),
            })
        })?;
        let report = pool.report();
        let mut out = format!("{{\"pool\":{},\"parent\":", json_string(name));
        out.push_str(&pool.parent.as_deref().map_or("null".into(), json_string));
        let _ = write!(out, ",\"capacity\":\"{}\",\"counts\":{{", report.capacity);
        for (i, (state, n)) in STATES.iter().zip(report.counts).enumerate() {
            let _ = write!(
                out,
                "{}\"{}\":\"{n}\"",
                if i > 0 { "," } else { "" },
                state.name()
            );
        }
        // Each state's share of the capacity, in percent to two decimals
        // (rounded down), for drawing: a bar needs no big-number division.
        out.push_str("},\"percent\":{");
        for (i, (state, n)) in STATES.iter().zip(report.counts).enumerate() {
            let basis = super::basis_points(n, report.capacity);
            let _ = write!(
                out,
                "{}\"{}\":{}",
                if i > 0 { "," } else { "" },
                state.name(),
                basis / 100
            );
            // The shortest decimals (50, 5.5, 49.99), as JSON writes numbers.
            match basis % 100 {
                0 => {}
                r if r % 10 == 0 => {
                    let _ = write!(out, ".{}", r / 10);
                }
                r => {
                    let _ = write!(out, ".{r:02}");
                }
            }
        }
        out.push_str("},\"largestFree\":");
        match report.largest_free {
            Some((first, last)) => range_json(&mut out, &pool.key, first, last),
            None => out.push_str("null"),
        }
        let _ = write!(
            out,
            ",\"freeFragments\":{},\"nextExpiries\":[",
            report.free_fragments
        );
        for (i, (until, run)) in report.next_expiries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"at\":\"{}\",\"state\":\"{}\",\"key\":{},\"range\":",
                time::iso(*until),
                run.mark.state.name(),
                json_string(&run.mark.holder)
            );
            range_json(&mut out, &pool.key, run.first, run.last);
            out.push('}');
        }
        out.push_str("]}");
        Ok(out)
    }

    /// A `state` request: every pool, or `pool`'s runs, or those of its
    /// runs touching serials `first..=last` (decimal strings, as events give them).
    fn state_of(&self, r: &Request<'_>) -> Result<String, SeriesError> {
        let pool = match r.value("pool") {
            Value::Absent => None,
            _ => Some(r.pool("pool")?),
        };
        let serial = |name| match r.value(name) {
            Value::Absent => Ok(None),
            v => v.as_exact_u128().map(Some).ok_or_else(|| {
                invalid(
                    Field::Request,
                    "first and last must be serials (decimal strings)",
                )
            }),
        };
        let span = match (serial("first")?, serial("last")?) {
            (Some(first), Some(last)) if first <= last => Some((first, last)),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    Field::Request,
                    "give first and last together, first not after last",
                ))
            }
        };
        if let Some(name) = pool {
            if self.pool(name).is_none() {
                return Err(SeriesError::Lifecycle(Refused::PoolUnknown {
                    pool: name.to_owned(),
                }));
            }
        }
        Ok(self.state_json(pool, span))
    }

    /// Pools' runs: `{pools: {name: [{start, end, first, last, count, state, until, holder}]}}`.
    fn state_json(&self, only: Option<&str>, span: Option<(u128, u128)>) -> String {
        let mut out = String::from("{\"pools\":{");
        let pools = self
            .pools()
            .filter(|(name, _)| only.map_or(true, |o| o == name.as_str()));
        for (i, (name, pool)) in pools.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json_string(name));
            out.push_str(":[");
            let (from, to) = span.unwrap_or((0, u128::MAX));
            runs_json(&mut out, pool, from, to);
            out.push(']');
        }
        out.push_str("}}");
        out
    }
}

fn range_json(out: &mut String, key: &PoolKey, first: u128, last: u128) {
    let _ = write!(
        out,
        "{{\"start\":{},\"end\":{},\"count\":\"{}\"}}",
        json_string(&key.identifier(first)),
        json_string(&key.identifier(last)),
        last - first + 1
    );
}

fn until_json(until: Option<Millis>) -> String {
    until.map_or("null".into(), |u| format!("\"{}\"", time::iso(u)))
}

/// The runs of `pool` touching serials `from..=to`, comma-separated.
pub(super) fn runs_json(out: &mut String, pool: &Pool, from: u128, to: u128) {
    let runs = pool
        .runs
        .iter()
        .filter(|run| run.last >= from && run.first <= to);
    for (j, run) in runs.enumerate() {
        if j > 0 {
            out.push(',');
        }
        run_json(out, pool, run);
    }
}

fn run_json(out: &mut String, pool: &Pool, run: &Run) {
    let _ = write!(
        out,
        "{{\"start\":{},\"end\":{},\"first\":\"{}\",\"last\":\"{}\",\"count\":\"{}\",\"state\":\"{}\",\"until\":{},\"holder\":{}}}",
        json_string(&pool.key.identifier(run.first)),
        json_string(&pool.key.identifier(run.last)),
        run.first,
        run.last,
        run.last - run.first + 1,
        run.mark.state.name(),
        until_json(run.mark.until),
        json_string(&run.mark.holder)
    );
}

pub(super) fn event_json(out: &mut String, e: &Event, key: Option<&PoolKey>) {
    let name = |s: Option<State>| s.map_or("null".into(), |s| format!("\"{}\"", s.name()));
    let id = |n: u128| json_string(&key.map_or_else(|| n.to_string(), |k| k.identifier(n)));
    let _ = write!(
        out,
        "{{\"at\":\"{}\",\"pool\":{},\"op\":\"{}\",\"start\":{},\"end\":{},\"first\":\"{}\",\"last\":\"{}\",\"count\":\"{}\",\"from\":{},\"to\":{},\"actor\":{},\"key\":{},\"owner\":{},\"until\":{}}}",
        time::iso(e.at),
        json_string(&e.pool),
        e.op.name(),
        id(e.first),
        id(e.last),
        e.first,
        e.last,
        e.last - e.first + 1,
        name(e.from),
        name(e.to),
        json_string(&e.actor),
        json_string(&e.key),
        json_string(&e.owner),
        until_json(e.until)
    );
}

fn reservation_json(key: &str, held: &Reservation, pool: Option<&Pool>) -> String {
    let id = |n: u128| json_string(&pool.map_or_else(|| n.to_string(), |p| p.key.identifier(n)));
    format!(
        "{{\"key\":{},\"pool\":{},\"owner\":{},\"start\":{},\"end\":{},\"count\":\"{}\",\"expiresAt\":\"{}\",\"status\":\"{}\"}}",
        json_string(key),
        json_string(&held.pool),
        json_string(&held.owner),
        id(held.first),
        id(held.last),
        held.last - held.first + 1,
        time::iso(held.expires_at),
        held.status.name()
    )
}
