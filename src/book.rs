//! The rules of creating a series over a host's store: what a request must
//! hold, the segments to ask the store about, and which of the rows the
//! store answers really collide.
//!
//! The store belongs to the host (a database, IndexedDB, a `SeriesIndex`)
//! and is reached through callbacks the bindings call; this module never
//! waits on it (the protocols that ask it, in order, are [`crate::flow`]). It owns the decisions before and after: a request is
//! validated and cut into segments (one per pool it touches), and the rows
//! a store returns for a segment are checked and clipped here, so a store
//! may answer a superset (every row of the pool) and still be exact.

use crate::error::{Field, Invalid, SeriesError};
use crate::formats::{stored_name, Format};
use crate::input::text_arg;
use crate::input::Value;
use crate::inventory::{scope_of, segments, Conflict, Segment, SeriesId};
use crate::range::{validate, SeriesRange, SeriesRules};
use crate::signing::{fingerprint, sha256_hex, SeriesType};

/// A request ready for the store: normalized, counted, fingerprinted, cut
/// into segments.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The id given, or [`default_id`] when none was.
    pub id: SeriesId,
    /// The validated range.
    pub range: SeriesRange<'a>,
    /// The host's scope (empty when none).
    pub scope: &'a str,
    /// The item code, trimmed (empty when none).
    pub item_code: &'a str,
    /// The series type (`virtual` when none).
    pub kind: SeriesType,
    /// The canonical SHA-256 fingerprint.
    pub fingerprint: String,
    /// One segment per pool the series touches.
    pub segments: Vec<Segment<'a>>,
    /// The format the series is created under (`None`: plain), stored
    /// with it: a pool never mixes series of two formats.
    pub format: Option<Format>,
}

/// A stored segment as a synchronous store answers it: the series' id,
/// its first and last serial as decimal text, and the stored name of the
/// format it was created under, when the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The stored series' id.
    pub id: String,
    /// First serial.
    pub first: String,
    /// Last serial.
    pub last: String,
    /// `awb`, ..., `plain`; `None` when the store does not say.
    pub format: Option<String>,
}

impl Row {
    /// The row as a flow reads a store's answer: `(id, first, last, format)`.
    pub fn values(&self) -> (Value<'_>, Value<'_>, Value<'_>, Value<'_>) {
        let format = self.format.as_deref().map_or(Value::Absent, Value::Text);
        (
            Value::Text(&self.id),
            Value::Text(&self.first),
            Value::Text(&self.last),
            format,
        )
    }
}

/// The fields of a create request, as the host gave them.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `id` (optional).
    pub id: Value<'a>,
    /// `start`.
    pub start: Value<'a>,
    /// `end`.
    pub end: Value<'a>,
    /// `scope` (optional).
    pub scope: Value<'a>,
    /// `item_code` (optional).
    pub item_code: Value<'a>,
    /// `type` (optional: `physical` or `virtual`).
    pub kind: Value<'a>,
}

/// Validates a request under `rules`, reporting every issue at once.
///
/// ```
/// use seriesguard::{book::{prepare, Request}, input::Value, range::SeriesRules};
/// let request = Request {
///     id: Value::Absent, start: Value::Text("V10000051"), end: Value::Text("V10000060"),
///     scope: Value::Text("GL438"), item_code: Value::Text("P7WJEJANkt"), kind: Value::Absent,
/// };
/// let prepared = prepare(&request, &SeriesRules::default()).unwrap();
/// assert_eq!((prepared.range.count().0, prepared.segments.len()), (10, 1));
/// assert_eq!(prepared.id.to_string(), seriesguard::book::default_id(&prepared.fingerprint, "GL438"));
/// ```
pub fn prepare<'a>(
    request: &Request<'a>,
    rules: &SeriesRules,
) -> Result<Prepared<'a>, Vec<SeriesError>> {
    let validation = validate(request.start, request.end, rules);
    let mut issues = validation.issues;
    let scope = scope_of(request.scope).map_err(|e| issues.push(e)).ok();
    let item_code = match request.item_code {
        Value::Absent => Some(""),
        other => text_arg(other, Field::ItemCode)
            .and_then(|t| crate::input::stored_text(t.trim(), Field::ItemCode))
            .map_err(|e| issues.push(e))
            .ok(),
    };
    let kind = SeriesType::from_value(request.kind)
        .map_err(|e| issues.push(e))
        .ok();
    let id = match request.id {
        Value::Absent => None,
        other => SeriesId::from_value(other)
            .map(Some)
            .map_err(|e| issues.push(e))
            .unwrap_or(None),
    };
    match (validation.range, scope, item_code, kind) {
        (Some(range), Some(scope), Some(item_code), Some(kind)) if issues.is_empty() => {
            let fingerprint = fingerprint(&range, item_code, kind);
            Ok(Prepared {
                id: id.unwrap_or_else(|| SeriesId::Text(default_id(&fingerprint, scope))),
                segments: segments(&range, scope),
                range,
                scope,
                item_code,
                kind,
                fingerprint,
                format: rules.format,
            })
        }
        _ => Err(issues),
    }
}

/// Checks a series as a store is handed it (over HTTP, from a client that
/// ran the book itself) against what this book's rules make of it: its
/// fields valid; its segments (pool key text, first, last) inside the
/// pools its range touches, in order, without overlapping, beginning at its
/// start and ending at its end; its count theirs. A whole series and the
/// free part of one (segments with gaps) both pass; anything else is
/// refused with `INPUT_INVALID` on `series`.
///
/// ```
/// use seriesguard::book::{prepare, verify, Request};
/// use seriesguard::{input::Value, range::SeriesRules};
/// let request = Request {
///     id: Value::Absent, start: Value::Text("V10"), end: Value::Text("V19"),
///     scope: Value::Absent, item_code: Value::Absent, kind: Value::Absent,
/// };
/// let rules = SeriesRules::default();
/// let key = prepare(&request, &rules).unwrap().segments[0].key.key_text();
/// let free_part = [(key.as_str(), Value::Text("10"), Value::Text("12")), (key.as_str(), Value::Text("15"), Value::Text("19"))];
/// assert!(verify(&request, &free_part, Value::Text("8"), &rules).is_ok());
/// let past_end = [(key.as_str(), Value::Text("10"), Value::Text("20"))];
/// assert_eq!(verify(&request, &past_end, Value::Text("11"), &rules).unwrap_err()[0].code(), "INPUT_INVALID");
/// ```
pub fn verify(
    request: &Request<'_>,
    segments: &[(&str, Value<'_>, Value<'_>)],
    count: Value<'_>,
    rules: &SeriesRules,
) -> Result<(), Vec<SeriesError>> {
    let prepared = prepare(request, rules)?;
    let refused = |why: &'static str| {
        vec![SeriesError::Invalid {
            field: Field::Series,
            reason: Invalid::Rule(why),
        }]
    };
    let keys: Vec<String> = prepared.segments.iter().map(|s| s.key.key_text()).collect();
    let mut held: u128 = 0;
    let mut previous: Option<(usize, u128)> = None;
    for (key, first, last) in segments {
        let at = keys.iter().position(|k| k == key);
        let (Some(at), Some(first), Some(last)) = (at, first.as_exact_u128(), last.as_exact_u128())
        else {
            return Err(refused(
                "segments must name the pools of its range, with serials as decimal strings",
            ));
        };
        let inside = prepared
            .segments
            .get(at)
            .is_some_and(|p| p.first <= first && first <= last && last <= p.last);
        let after = match previous {
            None => true,
            Some((pool, end)) => pool < at || (pool == at && end < first),
        };
        if !inside || !after {
            return Err(refused(
                "segments must lie inside its range, in order, without overlapping",
            ));
        }
        previous = Some((at, last));
        held = held.saturating_add(last - first + 1);
    }
    let ends = |i: usize| prepared.segments.get(i).map(|p| (p.first, p.last));
    let begins = segments.first().and_then(|(_, f, _)| f.as_exact_u128()) == ends(0).map(|e| e.0);
    let finishes = segments.last().and_then(|(_, _, l)| l.as_exact_u128())
        == ends(prepared.segments.len().saturating_sub(1)).map(|e| e.1);
    if !begins || !finishes {
        return Err(refused(
            "segments must begin at its start and end at its end",
        ));
    }
    if count.as_exact_u128() != Some(held) {
        return Err(refused(
            "count must be how many identifiers its segments hold",
        ));
    }
    Ok(())
}

/// The id of a series created without one: its fingerprint, with the scope
/// hashed in when there is one, since the same numbers may be stored once in
/// each scope (a client's `V10000051` and another client's are two series).
///
/// ```
/// use seriesguard::book::default_id;
/// assert_eq!(default_id("ab12", ""), "ab12");
/// assert_ne!(default_id("ab12", "GL438"), default_id("ab12", "SL1981"));
/// ```
pub fn default_id(fingerprint: &str, scope: &str) -> String {
    if scope.is_empty() {
        fingerprint.to_owned()
    } else {
        sha256_hex(format!("{fingerprint}\nscope:{}:{scope}", scope.len()).as_bytes())
    }
}

/// The store answered `overlapping()` with something that is not rows.
pub fn bad_rows() -> SeriesError {
    SeriesError::StoreFailed {
        operation: "overlapping",
        why: "returned something other than an array of { id, first, last, format? } (serials as decimal strings or integers)",
    }
}

/// The rows a store returned for a segment that really collide with it:
/// `(first, last, holder)` serials clipped to the segment, in order. Rows
/// outside the segment are ignored (a store may return a superset);
/// malformed rows are [`SeriesError::StoreFailed`]. A row stored under
/// another format than `format` (its fourth value, when the store gives
/// it) is [`SeriesError::RulesMismatch`], whether it collides or not.
pub fn collision_spans<'v>(
    segment: &Segment<'_>,
    format: Option<Format>,
    rows: impl IntoIterator<Item = (Value<'v>, Value<'v>, Value<'v>, Value<'v>)>,
) -> Result<Vec<(u128, u128, SeriesId)>, SeriesError> {
    let max = segment.key.max_body();
    let given = stored_name(format);
    let mut out = Vec::new();
    for (id, first, last, stored) in rows {
        match stored {
            Value::Absent => {}
            Value::Text(stored) if stored == given => {}
            Value::Text(stored) => {
                return Err(SeriesError::RulesMismatch {
                    stored: stored.chars().take(16).collect(),
                    given: given.to_owned(),
                })
            }
            _ => return Err(bad_rows()),
        }
        let id = SeriesId::from_value(id).map_err(|_| bad_rows())?;
        let (Some(first), Some(last)) = (first.as_exact_u128(), last.as_exact_u128()) else {
            return Err(bad_rows());
        };
        if first > last || last > max {
            return Err(bad_rows());
        }
        let (a, b) = (first.max(segment.first), last.min(segment.last));
        if a <= b {
            out.push((a, b, id));
        }
    }
    sort_spans(&mut out);
    Ok(out)
}

/// Orders held spans by serial (one sort for every caller: each copy of a
/// sort costs about 2 KB of wasm).
pub fn sort_spans(spans: &mut [(u128, u128, SeriesId)]) {
    spans.sort_unstable_by_key(|&(a, b, _)| (a, b));
}

/// `OVERLAP` listing the first [`crate::inventory::MAX_REPORTED_CONFLICTS`]
/// collisions and counting the rest.
pub fn overlap(mut conflicts: Vec<Conflict>) -> SeriesError {
    let more = conflicts
        .len()
        .saturating_sub(crate::inventory::MAX_REPORTED_CONFLICTS);
    conflicts.truncate(crate::inventory::MAX_REPORTED_CONFLICTS);
    SeriesError::Overlap { conflicts, more }
}

/// `STORE_FAILED` for a store call that failed (a JS callback that threw or
/// rejected, with the error attached as `cause` by the binding; a component
/// host's error) or is missing.
pub fn store_failed(operation: &str, missing: bool) -> SeriesError {
    let operation = match operation {
        "overlapping" => "overlapping",
        "insert" => "insert",
        "insertMany" => "insertMany",
        "remove" => "remove",
        "list" => "list",
        "get" => "get",
        "page" => "page",
        _ => "callback",
    };
    SeriesError::StoreFailed {
        operation,
        why: if missing { "is missing" } else { "failed" },
    }
}

/// A store argument that is not an object with the required callbacks.
pub fn store_invalid() -> SeriesError {
    SeriesError::Invalid {
        field: Field::Store,
        reason: Invalid::Rule(
            "must be an object with overlapping(pool, first, last) and insert(series) functions",
        ),
    }
}

/// Why a synchronous store could not do what it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The store's own constraint saw an overlap (another writer won a race).
    Overlap,
    /// Anything else went wrong.
    Failed,
    /// `overlapping` answered something other than rows.
    NotRows,
}
