//! The inventory: every stored series as disjoint closed intervals of serial
//! bodies, partitioned into pools, answering overlap, gaps, partial-creation
//! plans and allocation without ever walking a range member by member.
//!
//! A pool is everything that makes two identifiers comparable: prefix,
//! suffix, exact digit count, check-digit scheme, and a scope the host names
//! (client, hub, card group, area code). Every identifier belongs to exactly
//! one pool, so a natural series such as `V9`..`V12` is stored as one segment
//! per digit count (`V9` in width 1, `V10`..`V12` in width 2), where it meets
//! `V10`..`V11` written with two digits and not `V09`.
//!
//! Each pool keeps three sorted columns (starts, ends, owners): 36 bytes a
//! range, binary search for queries, a merge for bulk loads. Single inserts
//! move the tail of a column (O(n)); bulk loads sort once (O(m log m + n)).
//! This module owns the interval arithmetic and the identity of owners; it
//! does not read host values (that is [`crate::range`]'s and the bindings').

use std::collections::HashMap;
use std::fmt;

use crate::check_digit::Scheme;
use crate::error::{Field, Invalid, SeriesError};
use crate::range::{Padding, SeriesRange};
use crate::serial;

/// The most ids an overlap error lists; the message says how many more.
pub const MAX_REPORTED_CONFLICTS: usize = 100;
/// The most chunks [`split`] produces before refusing.
pub const MAX_CHUNKS: u128 = 1_000_000;
/// The longest id text accepted.
pub const MAX_ID_LEN: usize = 256;
/// Numeric ids must be below this (they are stored in 31 bits).
pub const MAX_NUMERIC_ID: u32 = 1 << 31;

/// What makes identifiers comparable: their pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoolKey {
    /// Text before the digits.
    pub prefix: String,
    /// Text after the digits (and after the check digit).
    pub suffix: String,
    /// Exact number of serial digits of every member.
    pub width: usize,
    /// Check-digit scheme of every member.
    pub scheme: Scheme,
    /// The host's scope (client, hub, card group, area code...), or empty.
    pub scope: String,
}

impl PoolKey {
    /// The identifier of the member whose serial is `body`.
    pub fn identifier(&self, body: u128) -> String {
        serial::format_checked(&self.prefix, body, self.width, self.scheme, &self.suffix)
    }

    /// The largest serial of the pool (`10^width - 1`).
    pub fn max_body(&self) -> u128 {
        10u128
            .checked_pow(self.width as u32)
            .map_or(u128::MAX, |p| p - 1)
    }

    /// A one-string form for lookups: parts joined by a control character
    /// that no part can hold.
    fn lookup(prefix: &str, suffix: &str, width: usize, scheme: Scheme, scope: &str) -> String {
        format!(
            "{prefix}\u{1f}{suffix}\u{1f}{width}\u{1f}{}\u{1f}{scope}",
            scheme.name()
        )
    }

    fn lookup_key(&self) -> String {
        Self::lookup(
            &self.prefix,
            &self.suffix,
            self.width,
            self.scheme,
            &self.scope,
        )
    }
}

/// A host's id for a stored series: a small integer or a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SeriesId {
    /// An integer below 2^31.
    Number(u32),
    /// A text of 1..=256 characters without control characters.
    Text(String),
}

impl fmt::Display for SeriesId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeriesId::Number(n) => write!(f, "{n}"),
            SeriesId::Text(t) => f.write_str(t),
        }
    }
}

impl SeriesId {
    /// Types a host id: a non-negative integer below 2^31 or a non-empty
    /// text without control characters.
    pub fn from_value(value: crate::input::Value<'_>) -> Result<SeriesId, SeriesError> {
        use crate::input::Value;
        let invalid = |what| SeriesError::Invalid {
            field: Field::Id,
            reason: Invalid::Rule(what),
        };
        match value {
            Value::Absent => Err(SeriesError::Required { field: Field::Id }),
            Value::Text("") => Err(SeriesError::Required { field: Field::Id }),
            Value::Text(text) if text.len() > MAX_ID_LEN => {
                Err(invalid("must be at most 256 bytes long"))
            }
            Value::Text(text) if text.chars().any(char::is_control) => {
                Err(invalid("must not contain control characters"))
            }
            Value::Text(text) => Ok(SeriesId::Text(text.to_owned())),
            Value::Number(_) | Value::BigInt(_) => value
                .as_exact_u128()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|&n| n < MAX_NUMERIC_ID)
                .map(SeriesId::Number)
                .ok_or_else(|| {
                    invalid("must be an integer from 0 to 2^31 - 1, or a string (pass larger ids as strings)")
                }),
            _ => Err(invalid("must be a string or an integer")),
        }
    }
}

/// One colliding sub-range: real identifiers, its size, and who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The stored series holding it.
    pub id: SeriesId,
    /// First colliding identifier.
    pub start: String,
    /// Last colliding identifier.
    pub end: String,
    /// How many identifiers collide.
    pub count: u128,
}

/// A sub-range of identifiers with its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// First identifier.
    pub start: String,
    /// Last identifier.
    pub end: String,
    /// How many identifiers.
    pub count: u128,
}

/// A partial-creation plan: what is free and would be created, what is
/// taken and would be skipped (MOR's `Cards created: created/requested`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The free sub-ranges, in order.
    pub create: Vec<Piece>,
    /// The taken sub-ranges, in order, with their holders.
    pub skipped: Vec<Conflict>,
    /// How many identifiers would be created.
    pub created: u128,
    /// How many were asked for.
    pub requested: u128,
}

/// One pool's part of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The pool.
    pub key: PoolKey,
    /// First serial.
    pub first: u128,
    /// Last serial.
    pub last: u128,
}

/// A series' segments, one per pool it touches: one for a fixed-width
/// series, one per digit count for a natural one.
///
/// ```
/// use seriesguard::{input::Value, inventory::segments, range::{validate, SeriesRules}};
/// let v = validate(Value::Text("V9"), Value::Text("V120"), &SeriesRules::default());
/// let parts: Vec<_> = segments(&v.range.unwrap(), "").iter().map(|s| (s.key.width, s.first, s.last)).collect();
/// assert_eq!(parts, [(1, 9, 9), (2, 10, 99), (3, 100, 120)]);
/// ```
pub fn segments(range: &SeriesRange<'_>, scope: &str) -> Vec<Segment> {
    let key = |width| PoolKey {
        prefix: range.start().prefix().to_owned(),
        suffix: range.start().suffix().to_owned(),
        width,
        scheme: range.scheme(),
        scope: scope.to_owned(),
    };
    let (first, last) = (range.start().body(), range.end().body());
    match range.padding() {
        Padding::Fixed(width) => vec![Segment {
            key: key(width),
            first,
            last,
        }],
        Padding::Natural => (range.start().width()..=range.end().width())
            .filter_map(|width| {
                let low = if width == 1 {
                    0
                } else {
                    10u128.pow(width as u32 - 1)
                };
                let high = 10u128.pow(width as u32) - 1;
                let (a, b) = (first.max(low), last.min(high));
                (a <= b).then(|| Segment {
                    key: key(width),
                    first: a,
                    last: b,
                })
            })
            .collect(),
    }
}

/// Splits `first..=last` into chunks of at most `max` members (aBILLity
/// takes 1000 per request). Refuses more than [`MAX_CHUNKS`] chunks.
///
/// ```
/// assert_eq!(seriesguard::inventory::split(1, 2500, 1000).unwrap(), [(1, 1000), (1001, 2000), (2001, 2500)]);
/// ```
pub fn split(first: u128, last: u128, max: u128) -> Result<Vec<(u128, u128)>, SeriesError> {
    if max == 0 {
        return Err(SeriesError::Invalid {
            field: Field::Quantity,
            reason: Invalid::Rule("must be at least 1"),
        });
    }
    let count = last - first + 1;
    let chunks = count.div_ceil(max);
    if chunks > MAX_CHUNKS {
        return Err(SeriesError::RangeTooLarge {
            count: chunks,
            max: MAX_CHUNKS,
        });
    }
    let mut out = Vec::with_capacity(chunks as usize);
    let mut at = first;
    loop {
        let end = at.saturating_add(max - 1).min(last);
        out.push((at, end));
        if end == last {
            return Ok(out);
        }
        at = end + 1;
    }
}

/// Who holds a range: a numeric id stored inline, or an index into the text arena.
type Owner = u32;
const TEXT_OWNER: u32 = 1 << 31;

/// Text ids, stored end to end in one string.
#[derive(Debug, Default, Clone)]
struct Ids {
    text: String,
    ends: Vec<u32>,
}

impl Ids {
    fn owner(&mut self, id: &SeriesId) -> Owner {
        match id {
            SeriesId::Number(n) => *n,
            SeriesId::Text(t) => {
                // Bulk loads often repeat one id (a card group); reuse the last one.
                if let Some(last) = self.ends.len().checked_sub(1) {
                    if self.get(last) == Some(t.as_str()) {
                        return TEXT_OWNER | last as u32;
                    }
                }
                self.text.push_str(t);
                self.ends.push(self.text.len() as u32);
                TEXT_OWNER | (self.ends.len() - 1) as u32
            }
        }
    }

    fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = index
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .map_or(0, |&s| s as usize);
        self.text.get(start..end)
    }

    fn id(&self, owner: Owner) -> SeriesId {
        if owner & TEXT_OWNER == 0 {
            SeriesId::Number(owner)
        } else {
            SeriesId::Text(
                self.get((owner & !TEXT_OWNER) as usize)
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    }

    fn matches(&self, owner: Owner, id: &SeriesId) -> bool {
        match id {
            SeriesId::Number(n) => owner == *n,
            SeriesId::Text(t) => {
                owner & TEXT_OWNER != 0 && self.get((owner & !TEXT_OWNER) as usize) == Some(t)
            }
        }
    }

    fn mark(&self) -> (usize, usize) {
        (self.text.len(), self.ends.len())
    }

    fn rollback(&mut self, (text, ends): (usize, usize)) {
        self.text.truncate(text);
        self.ends.truncate(ends);
    }
}

/// One pool's ranges: three sorted columns.
#[derive(Debug, Clone)]
struct Pool {
    key: PoolKey,
    starts: Vec<u128>,
    ends: Vec<u128>,
    owners: Vec<Owner>,
}

impl Pool {
    fn new(key: PoolKey) -> Pool {
        Pool {
            key,
            starts: Vec::new(),
            ends: Vec::new(),
            owners: Vec::new(),
        }
    }

    /// Index of the first range that ends at or after `first`.
    fn first_touching(&self, first: u128) -> usize {
        self.ends.partition_point(|&e| e < first)
    }

    /// The stored ranges colliding with `first..=last`, clipped to it.
    fn hits(&self, first: u128, last: u128) -> impl Iterator<Item = (u128, u128, Owner)> + '_ {
        let from = self.first_touching(first);
        let starts = self.starts.get(from..).unwrap_or_default();
        let ends = self.ends.get(from..).unwrap_or_default();
        let owners = self.owners.get(from..).unwrap_or_default();
        starts
            .iter()
            .zip(ends)
            .zip(owners)
            .take_while(move |((&s, _), _)| s <= last)
            .map(move |((&s, &e), &o)| (s.max(first), e.min(last), o))
    }

    fn any(&self, first: u128, last: u128) -> bool {
        let i = self.first_touching(first);
        self.starts.get(i).is_some_and(|&s| s <= last)
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    fn numbers(&self) -> u128 {
        self.starts
            .iter()
            .zip(&self.ends)
            .map(|(s, e)| e - s + 1)
            .fold(0u128, u128::saturating_add)
    }

    /// Rebuilds the columns from sorted, disjoint triples.
    fn set(&mut self, ranges: &[(u128, u128, Owner)]) {
        self.starts = ranges.iter().map(|r| r.0).collect();
        self.ends = ranges.iter().map(|r| r.1).collect();
        self.owners = ranges.iter().map(|r| r.2).collect();
    }

    fn triples(&self) -> impl Iterator<Item = (u128, u128, Owner)> + '_ {
        self.starts
            .iter()
            .zip(&self.ends)
            .zip(&self.owners)
            .map(|((&s, &e), &o)| (s, e, o))
    }
}

/// Counts of what an inventory holds, in total and per pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Stored ranges (a natural series spanning digit counts is several).
    pub ranges: usize,
    /// Identifiers held in all pools; `None` if the sum exceeds `u128`.
    pub numbers: Option<u128>,
    /// Per pool: its key, ranges and identifiers held.
    pub pools: Vec<(PoolKey, usize, u128)>,
}

/// The inventory of stored series.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pools: Vec<Pool>,
    lookup: HashMap<String, usize>,
    ids: Ids,
    merge_adjacent: bool,
}

impl Inventory {
    /// An empty inventory. With `merge_adjacent`, a range touching a stored
    /// range of the same id (`end + 1 == start`) merges into it.
    pub fn new(merge_adjacent: bool) -> Inventory {
        Inventory {
            merge_adjacent,
            ..Inventory::default()
        }
    }

    /// Whether touching ranges of one id merge.
    pub fn merges_adjacent(&self) -> bool {
        self.merge_adjacent
    }

    fn pool(&self, key: &PoolKey) -> Option<&Pool> {
        let index = *self.lookup.get(&key.lookup_key())?;
        self.pools.get(index)
    }

    fn pool_index(&mut self, key: &PoolKey) -> usize {
        let lookup = key.lookup_key();
        match self.lookup.get(&lookup) {
            Some(&index) => index,
            None => {
                self.pools.push(Pool::new(key.clone()));
                let index = self.pools.len() - 1;
                self.lookup.insert(lookup, index);
                index
            }
        }
    }

    /// True when any stored range collides with a segment: the yes/no query.
    pub fn any_overlap(&self, segments: &[Segment]) -> bool {
        segments.iter().any(|s| {
            self.pool(&s.key)
                .is_some_and(|pool| pool.any(s.first, s.last))
        })
    }

    /// Every colliding sub-range, in order, with its holder.
    pub fn overlaps(&self, segments: &[Segment]) -> Vec<Conflict> {
        let mut out = Vec::new();
        for s in segments {
            if let Some(pool) = self.pool(&s.key) {
                out.extend(pool.hits(s.first, s.last).map(|(a, b, o)| Conflict {
                    id: self.ids.id(o),
                    start: s.key.identifier(a),
                    end: s.key.identifier(b),
                    count: b - a + 1,
                }));
            }
        }
        out
    }

    /// The free sub-ranges inside the segments, in order.
    pub fn gaps(&self, segments: &[Segment]) -> Vec<Piece> {
        self.plan(segments).create
    }

    /// What creating the segments would create and skip.
    pub fn plan(&self, segments: &[Segment]) -> Plan {
        let mut plan = Plan {
            create: Vec::new(),
            skipped: Vec::new(),
            created: 0,
            requested: 0,
        };
        for s in segments {
            plan.requested = plan.requested.saturating_add(s.last - s.first + 1);
            let piece = |a: u128, b: u128| Piece {
                start: s.key.identifier(a),
                end: s.key.identifier(b),
                count: b - a + 1,
            };
            let mut cursor = Some(s.first);
            if let Some(pool) = self.pool(&s.key) {
                for (a, b, o) in pool.hits(s.first, s.last) {
                    if let Some(c) = cursor.filter(|&c| c < a) {
                        plan.create.push(piece(c, a - 1));
                    }
                    plan.skipped.push(Conflict {
                        id: self.ids.id(o),
                        start: s.key.identifier(a),
                        end: s.key.identifier(b),
                        count: b - a + 1,
                    });
                    // b + 1 past the segment's end means nothing is left.
                    cursor = b.checked_add(1).filter(|&next| next <= s.last);
                }
            }
            if let Some(c) = cursor {
                plan.create.push(piece(c, s.last));
            }
        }
        plan.created = plan
            .create
            .iter()
            .fold(0u128, |sum, p| sum.saturating_add(p.count));
        plan
    }

    /// Stores a series under `id`, all segments or none: a collision is
    /// [`SeriesError::Overlap`] listing the conflicts.
    pub fn insert(&mut self, id: &SeriesId, segments: &[Segment]) -> Result<(), SeriesError> {
        self.insert_many(&[(id.clone(), segments.to_vec())])
    }

    /// Stores many series at once, all or none. Collisions with stored
    /// ranges and between the new series are both reported. Sorts the new
    /// ranges once per pool and merges: O(m log m + n).
    pub fn insert_many(&mut self, series: &[(SeriesId, Vec<Segment>)]) -> Result<(), SeriesError> {
        let mark = self.ids.mark();
        let mut by_pool: HashMap<PoolKey, Vec<(u128, u128, Owner)>> = HashMap::new();
        for (id, segs) in series {
            let owner = self.ids.owner(id);
            for s in segs {
                by_pool
                    .entry(s.key.clone())
                    .or_default()
                    .push((s.first, s.last, owner));
            }
        }
        let mut conflicts = Vec::new();
        let mut total_conflicts = 0usize;
        let mut note = |c: Conflict| {
            total_conflicts += 1;
            if conflicts.len() < MAX_REPORTED_CONFLICTS {
                conflicts.push(c);
            }
        };
        for new in by_pool.values_mut() {
            new.sort_unstable_by_key(|r| (r.0, r.1));
        }
        let mut keys: Vec<&PoolKey> = by_pool.keys().collect();
        keys.sort();
        for key in keys {
            let Some(new) = by_pool.get(key) else {
                continue;
            };
            for pair in new.windows(2) {
                if let [(_, a_last, a_owner), (b_first, b_last, _)] = *pair {
                    if a_last >= b_first {
                        note(Conflict {
                            id: self.ids.id(a_owner),
                            start: key.identifier(b_first),
                            end: key.identifier(a_last.min(b_last)),
                            count: a_last.min(b_last) - b_first + 1,
                        });
                    }
                }
            }
            if let Some(pool) = self.pool(key) {
                for &(first, last, _) in new.iter() {
                    for (a, b, o) in pool.hits(first, last) {
                        note(Conflict {
                            id: self.ids.id(o),
                            start: key.identifier(a),
                            end: key.identifier(b),
                            count: b - a + 1,
                        });
                    }
                }
            }
        }
        if total_conflicts > 0 {
            self.ids.rollback(mark);
            return Err(SeriesError::Overlap {
                conflicts,
                more: total_conflicts.saturating_sub(MAX_REPORTED_CONFLICTS),
            });
        }
        let merge = self.merge_adjacent;
        let mut keys: Vec<PoolKey> = by_pool.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let new = by_pool.remove(&key).unwrap_or_default();
            let index = self.pool_index(&key);
            if let Some(pool) = self.pools.get_mut(index) {
                let merged = merge_sorted(pool.triples(), new.into_iter(), merge);
                pool.set(&merged);
            }
        }
        Ok(())
    }

    /// Removes every range held by `id`; true when there was one.
    pub fn remove(&mut self, id: &SeriesId) -> bool {
        let mut removed = false;
        for pool in &mut self.pools {
            let before = pool.len();
            let kept: Vec<_> = pool
                .triples()
                .filter(|&(_, _, o)| !self.ids.matches(o, id))
                .collect();
            if kept.len() != before {
                removed = true;
                pool.set(&kept);
            }
        }
        removed
    }

    /// The first free block of `quantity` serials in `key`'s pool between
    /// `first` and `last` (inclusive), or `None` when no gap is that large.
    pub fn find_free(
        &self,
        key: &PoolKey,
        first: u128,
        last: u128,
        quantity: u128,
    ) -> Option<(u128, u128)> {
        if quantity == 0 || first > last {
            return None;
        }
        let fits = |from: u128, to: u128| to.checked_sub(from).is_some_and(|d| d >= quantity - 1);
        let mut cursor = first;
        if let Some(pool) = self.pool(key) {
            for (a, b, _) in pool.hits(first, last) {
                if a > cursor && fits(cursor, a - 1) {
                    return Some((cursor, cursor + quantity - 1));
                }
                match b.checked_add(1) {
                    Some(next) if next <= last => cursor = next,
                    _ => return None,
                }
            }
        }
        fits(cursor, last).then(|| (cursor, cursor + quantity - 1))
    }

    /// Every stored range in order (pools in key order, ranges by start):
    /// its pool, first and last serial, and id.
    pub fn iter(&self) -> impl Iterator<Item = (&PoolKey, u128, u128, SeriesId)> + '_ {
        let mut order: Vec<&Pool> = self.pools.iter().collect();
        order.sort_by(|a, b| a.key.cmp(&b.key));
        order.into_iter().flat_map(move |pool| {
            pool.triples()
                .map(move |(a, b, o)| (&pool.key, a, b, self.ids.id(o)))
        })
    }

    /// Ranges and identifiers held, in total and per pool.
    pub fn stats(&self) -> Stats {
        let mut pools: Vec<(PoolKey, usize, u128)> = self
            .pools
            .iter()
            .filter(|p| p.len() > 0)
            .map(|p| (p.key.clone(), p.len(), p.numbers()))
            .collect();
        pools.sort();
        Stats {
            ranges: pools.iter().map(|p| p.1).sum(),
            numbers: pools.iter().try_fold(0u128, |sum, p| sum.checked_add(p.2)),
            pools,
        }
    }

    /// How many ranges are stored.
    pub fn ranges(&self) -> usize {
        self.pools.iter().map(Pool::len).sum()
    }

    /// Stores ranges given by pool and serials (a snapshot being loaded),
    /// all or none, with the same checks as [`Inventory::insert_many`].
    pub fn load(
        &mut self,
        ranges: Vec<(PoolKey, u128, u128, SeriesId)>,
    ) -> Result<(), SeriesError> {
        let mut series: Vec<(SeriesId, Vec<Segment>)> = Vec::with_capacity(ranges.len());
        for (key, first, last, id) in ranges {
            if first > last || last > key.max_body() {
                return Err(SeriesError::Invalid {
                    field: Field::Snapshot,
                    reason: Invalid::Rule(
                        "holds a range with first after last, or wider than its pool",
                    ),
                });
            }
            series.push((id, vec![Segment { key, first, last }]));
        }
        self.insert_many(&series)
    }
}

/// Merges two sorted runs of disjoint ranges; with `merge`, touching ranges
/// of one owner become one.
fn merge_sorted(
    a: impl Iterator<Item = (u128, u128, Owner)>,
    b: impl Iterator<Item = (u128, u128, Owner)>,
    merge: bool,
) -> Vec<(u128, u128, Owner)> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let mut out: Vec<(u128, u128, Owner)> = Vec::new();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 <= y.0 => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        let Some(range) = next else { break };
        match out.last_mut() {
            Some(last) if merge && last.2 == range.2 && last.1.checked_add(1) == Some(range.0) => {
                last.1 = range.1;
            }
            _ => out.push(range),
        }
    }
    out.shrink_to_fit();
    out
}
