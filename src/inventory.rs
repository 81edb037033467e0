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

/// Every issue of a refused input.
type Errors = Vec<SeriesError>;

use crate::check_digit::Scheme;
use crate::error::{Field, Invalid, SeriesError};
use crate::formats::{stored_name, Format};
use crate::input::Value;
use crate::json::json_string;
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

/// A pool key borrowing its texts (from the identifiers being read): what
/// queries and inserts use, so they allocate nothing per series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyRef<'a> {
    /// Text before the digits.
    pub prefix: &'a str,
    /// Text after the digits (and after the check digit).
    pub suffix: &'a str,
    /// Exact number of serial digits of every member.
    pub width: usize,
    /// Check-digit scheme of every member.
    pub scheme: Scheme,
    /// The host's scope, or empty.
    pub scope: &'a str,
}

impl KeyRef<'_> {
    /// The pool as a stable text for a store to index: a JSON array of
    /// prefix, suffix, width, scheme and scope (`["V","",8,"none","GL438"]`).
    pub fn key_text(&self) -> String {
        format!(
            "[{},{},{},\"{}\",{}]",
            json_string(self.prefix),
            json_string(self.suffix),
            self.width,
            self.scheme.name(),
            json_string(self.scope)
        )
    }

    /// The identifier of the member whose serial is `body`.
    pub fn identifier(&self, body: u128) -> String {
        serial::format_checked(self.prefix, body, self.width, self.scheme, self.suffix)
    }

    /// The members `first..=last` as identifiers with their count.
    #[inline(never)]
    pub fn piece(&self, first: u128, last: u128) -> Piece {
        Piece {
            start: self.identifier(first),
            end: self.identifier(last),
            count: last - first + 1,
        }
    }

    /// The members `first..=last`, held by `id`, as a conflict.
    pub fn conflict(&self, id: SeriesId, first: u128, last: u128) -> Conflict {
        let Piece { start, end, count } = self.piece(first, last);
        Conflict {
            id,
            start,
            end,
            count,
        }
    }

    /// The largest serial of the pool (`10^width - 1`).
    pub fn max_body(&self) -> u128 {
        10u128
            .checked_pow(self.width as u32)
            .map_or(u128::MAX, |p| p - 1)
    }

    /// The owned key.
    pub fn to_key(&self) -> PoolKey {
        PoolKey {
            prefix: self.prefix.to_owned(),
            suffix: self.suffix.to_owned(),
            width: self.width,
            scheme: self.scheme,
            scope: self.scope.to_owned(),
        }
    }

    fn hash(&self) -> u64 {
        pool_hash(
            self.prefix,
            self.suffix,
            self.width,
            self.scheme,
            self.scope,
        )
    }
}

impl PoolKey {
    /// The key borrowed.
    pub fn as_ref(&self) -> KeyRef<'_> {
        KeyRef {
            prefix: &self.prefix,
            suffix: &self.suffix,
            width: self.width,
            scheme: self.scheme,
            scope: &self.scope,
        }
    }

    /// The identifier of the member whose serial is `body`.
    pub fn identifier(&self, body: u128) -> String {
        self.as_ref().identifier(body)
    }

    /// The largest serial of the pool (`10^width - 1`).
    pub fn max_body(&self) -> u128 {
        self.as_ref().max_body()
    }

    fn hash(&self) -> u64 {
        self.as_ref().hash()
    }
}

/// FNV-1a over a pool's parts, separated by a byte no part can hold.
fn pool_hash(prefix: &str, suffix: &str, width: usize, scheme: Scheme, scope: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(prefix.as_bytes());
    eat(&[0x1f]);
    eat(suffix.as_bytes());
    eat(&[0x1f, width as u8, scheme as u8, 0x1f]);
    eat(scope.as_bytes());
    hash
}

pub use crate::conflict::{Conflict, SeriesId};

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

impl Plan {
    /// Adds one segment, given what is taken inside it (`(first, last,
    /// holder)`, sorted, disjoint, clipped to the segment): its free pieces
    /// go to `create`, the taken ones to `skipped`. Answers the free spans.
    pub fn add_segment(
        &mut self,
        s: &Segment<'_>,
        taken: &[(u128, u128, SeriesId)],
    ) -> Vec<(u128, u128)> {
        self.requested = self.requested.saturating_add(s.last - s.first + 1);
        let mut free = Vec::new();
        let mut cursor = Some(s.first);
        for (a, b, id) in taken {
            if let Some(c) = cursor.filter(|&c| c < *a) {
                free.push((c, a - 1));
            }
            self.skipped.push(s.key.conflict(id.clone(), *a, *b));
            // b + 1 past the segment's end means nothing is left.
            cursor = b.checked_add(1).filter(|&next| next <= s.last);
        }
        if let Some(c) = cursor {
            free.push((c, s.last));
        }
        for &(a, b) in &free {
            self.created = self.created.saturating_add(b - a + 1);
            self.create.push(s.key.piece(a, b));
        }
        free
    }
}

/// A pool to allocate from, as the host described it: `width` and the
/// serials `first`..`last` are required; `prefix`, `suffix` (default empty),
/// `scheme` (default `none`) and `scope` are optional.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolValues<'a> {
    /// `prefix`
    pub prefix: Value<'a>,
    /// `suffix`
    pub suffix: Value<'a>,
    /// `width`
    pub width: Value<'a>,
    /// `scheme`
    pub scheme: Value<'a>,
    /// `scope`
    pub scope: Value<'a>,
    /// `first` (a serial)
    pub first: Value<'a>,
    /// `last` (a serial)
    pub last: Value<'a>,
}

impl Default for PoolValues<'_> {
    fn default() -> Self {
        PoolValues {
            prefix: Value::Absent,
            suffix: Value::Absent,
            width: Value::Absent,
            scheme: Value::Absent,
            scope: Value::Absent,
            first: Value::Absent,
            last: Value::Absent,
        }
    }
}

/// One pool's part of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The pool.
    pub key: KeyRef<'a>,
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
pub fn segments<'a>(range: &SeriesRange<'a>, scope: &'a str) -> Vec<Segment<'a>> {
    widths(range)
        .map(|(width, first, last)| Segment {
            key: KeyRef {
                prefix: range.start().prefix(),
                suffix: range.start().suffix(),
                width,
                scheme: range.scheme(),
                scope,
            },
            first,
            last,
        })
        .collect()
}

/// A series' parts by digit count: `(width, first, last)`, without allocating.
fn widths(range: &SeriesRange<'_>) -> impl Iterator<Item = (usize, u128, u128)> {
    let (first, last) = (range.start().body(), range.end().body());
    let (from, to) = match range.padding() {
        Padding::Fixed(width) => (width, width),
        Padding::Natural => (range.start().width(), range.end().width()),
    };
    let natural = from != to;
    (from..=to).filter_map(move |width| {
        if !natural {
            return Some((width, first, last));
        }
        let low = if width == 1 {
            0
        } else {
            10u128.pow(width as u32 - 1)
        };
        let high = 10u128.pow(width as u32) - 1;
        let (a, b) = (first.max(low), last.min(high));
        (a <= b).then_some((width, a, b))
    })
}

pub use crate::scope::read as scope_of;

/// A series given as host values, validated under `rules` and cut into
/// its segments; every issue when it cannot be.
pub fn series_segments<'a>(
    start: crate::input::Value<'a>,
    end: crate::input::Value<'a>,
    scope: crate::input::Value<'a>,
    rules: &crate::range::SeriesRules,
) -> Result<Vec<Segment<'a>>, Vec<SeriesError>> {
    let validation = crate::range::validate(start, end, rules);
    let scope = scope_of(scope);
    match (validation.range, scope) {
        (Some(range), Ok(scope)) if validation.issues.is_empty() => Ok(segments(&range, scope)),
        (_, scope) => {
            let mut issues = validation.issues;
            issues.extend(scope.err());
            Err(issues)
        }
    }
}

/// A stored series as a host gave it (`id`, `start`, `end`, `scope`): its
/// id and segments, or every issue of both (what `add` and each item of a
/// bulk `addMany` report, on every binding alike).
pub fn series_item<'a>(
    id: Value<'_>,
    start: Value<'a>,
    end: Value<'a>,
    scope: Value<'a>,
    rules: &crate::range::SeriesRules,
) -> Result<(SeriesId, Vec<Segment<'a>>), Vec<SeriesError>> {
    match (
        series_segments(start, end, scope, rules),
        SeriesId::from_value(id),
    ) {
        (Ok(segments), Ok(id)) => Ok((id, segments)),
        (segments, id) => {
            let mut issues = segments.err().unwrap_or_default();
            issues.extend(id.err());
            Err(issues)
        }
    }
}

impl PoolKey {
    /// Types a pool given as parts (from a snapshot or an allocation
    /// request): prefix and suffix as an identifier holds them, a width of
    /// 1..=38, a known scheme, a scope as [`scope_of`] accepts it.
    pub fn from_parts(
        prefix: &str,
        suffix: &str,
        width: crate::input::Value<'_>,
        scheme: &str,
        scope: crate::input::Value<'_>,
        field: Field,
    ) -> Result<PoolKey, SeriesError> {
        KeyRef::from_parts(prefix, suffix, width, scheme, scope, field).map(|k| k.to_key())
    }
}

impl<'a> KeyRef<'a> {
    /// Like [`PoolKey::from_parts`], borrowing the texts.
    pub fn from_parts(
        prefix: &'a str,
        suffix: &'a str,
        width: crate::input::Value<'_>,
        scheme: &str,
        scope: crate::input::Value<'a>,
        field: Field,
    ) -> Result<KeyRef<'a>, SeriesError> {
        let invalid = |what| SeriesError::Invalid {
            field,
            reason: Invalid::Rule(what),
        };
        let part_ok = |part: &str| part.len() <= 64 && part.bytes().all(|b| b.is_ascii_graphic());
        if !part_ok(prefix) || !part_ok(suffix) || suffix.bytes().any(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "prefix and suffix must be printable ASCII (at most 64 characters; no digits in the suffix)",
            ));
        }
        let width = width
            .as_exact_u128()
            .filter(|w| (1..=serial::MAX_DIGITS as u128).contains(w))
            .ok_or_else(|| invalid("width must be an integer from 1 to 38"))?
            as usize;
        let scheme = Scheme::from_name(scheme)
            .ok_or_else(|| invalid("scheme must be one of none, luhn, mod7, s10, gs1"))?;
        Ok(KeyRef {
            prefix,
            suffix,
            width,
            scheme,
            scope: scope_of(scope)?,
        })
    }

    /// A snapshot's range as a segment of this pool, if it fits the pool.
    pub fn segment(self, first: u128, last: u128) -> Result<Segment<'a>, SeriesError> {
        if first > last || last > self.max_body() {
            return Err(SeriesError::Invalid {
                field: Field::Snapshot,
                reason: Invalid::Rule(
                    "holds a range with first after last, or wider than its pool",
                ),
            });
        }
        Ok(Segment {
            key: self,
            first,
            last,
        })
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

/// A series as a host gave it cut into chunks of at most `max` identifiers:
/// the pieces, or every issue (those already found, such as the rules',
/// then the series', then `max`'s).
pub fn split_series(
    start: Value<'_>,
    end: Value<'_>,
    max: Value<'_>,
    rules: &crate::range::SeriesRules,
    mut issues: Vec<SeriesError>,
) -> Result<Vec<Piece>, Vec<SeriesError>> {
    let validation = crate::range::validate(start, end, rules);
    let max = max.as_exact_u128().filter(|&m| m >= 1);
    issues.extend(validation.issues);
    match (validation.range, max) {
        (Some(range), Some(max)) if issues.is_empty() => {
            split_range(&range, max).map_err(|e| vec![e])
        }
        (_, max) => {
            if max.is_none() {
                issues.push(SeriesError::Invalid {
                    field: Field::Quantity,
                    reason: Invalid::Rule("maxPerChunk must be a positive integer"),
                });
            }
            Err(issues)
        }
    }
}

/// A series split into chunks of at most `max` members, as identifiers
/// (a natural series is cut by count, not by digit count).
pub fn split_range(range: &SeriesRange<'_>, max: u128) -> Result<Vec<Piece>, SeriesError> {
    let chunks = split(range.start().body(), range.end().body(), max)?;
    Ok(chunks
        .into_iter()
        .map(|(a, b)| Piece {
            start: range.identifier(a).unwrap_or_default(),
            end: range.identifier(b).unwrap_or_default(),
            count: b - a + 1,
        })
        .collect())
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

    fn triples(&self) -> impl ExactSizeIterator<Item = (u128, u128, Owner)> + '_ {
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
    /// (hash of the key, index into `pools`), sorted: found by binary search.
    lookup: Vec<(u64, usize)>,
    ids: Ids,
    merge_adjacent: bool,
    /// The format every series held was validated under (`None`: plain):
    /// written into snapshots and checked when one is loaded.
    format: Option<Format>,
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

    /// The same inventory, holding series validated under `format`.
    pub fn with_format(self, format: Option<Format>) -> Inventory {
        Inventory { format, ..self }
    }

    /// The format its series were validated under (`None`: plain).
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// `RULES_MISMATCH` unless a snapshot's stored format name (absent in
    /// snapshots written before formats were stored) is this inventory's.
    pub fn check_snapshot_rules(&self, stored: Value<'_>) -> Result<(), SeriesError> {
        let name = match stored {
            Value::Absent => return Ok(()),
            Value::Text(name) => name,
            _ => "",
        };
        match Format::from_stored_name(name) {
            Some(format) if format == self.format => Ok(()),
            Some(_) => Err(SeriesError::RulesMismatch {
                stored: name.to_owned(),
                given: stored_name(self.format).to_owned(),
            }),
            None => Err(SeriesError::Invalid {
                field: Field::Snapshot,
                reason: Invalid::Rule("rules.format must be a format name or plain"),
            }),
        }
    }

    fn find(&self, key: &KeyRef<'_>) -> Option<usize> {
        let hash = key.hash();
        let from = self.lookup.partition_point(|&(h, _)| h < hash);
        self.lookup
            .get(from..)?
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .map(|&(_, index)| index)
            .find(|&index| {
                self.pools
                    .get(index)
                    .is_some_and(|p| p.key.as_ref() == *key)
            })
    }

    fn pool(&self, key: &KeyRef<'_>) -> Option<&Pool> {
        self.pools.get(self.find(key)?)
    }

    /// The index of `key`'s pool, created if new. Pools stay sorted by key
    /// (a new pool is rare: the lookup table is rebuilt then), so every
    /// listing is in order without sorting.
    fn pool_index(&mut self, key: &KeyRef<'_>) -> usize {
        if let Some(index) = self.find(key) {
            return index;
        }
        let at = self.pools.partition_point(|p| p.key.as_ref() < *key);
        self.pools.insert(at, Pool::new(key.to_key()));
        self.lookup = self
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.hash(), i))
            .collect();
        self.lookup.sort_unstable();
        at
    }

    /// True when any stored range collides with `range` in `scope`: the
    /// yes/no query, which allocates nothing.
    pub fn any_overlap_in(&self, range: &SeriesRange<'_>, scope: &str) -> bool {
        widths(range).any(|(width, first, last)| {
            let key = KeyRef {
                prefix: range.start().prefix(),
                suffix: range.start().suffix(),
                width,
                scheme: range.scheme(),
                scope,
            };
            self.pool(&key).is_some_and(|pool| pool.any(first, last))
        })
    }

    /// True when any stored range collides with a segment: the yes/no query.
    pub fn any_overlap(&self, segments: &[Segment<'_>]) -> bool {
        segments.iter().any(|s| {
            self.pool(&s.key)
                .is_some_and(|pool| pool.any(s.first, s.last))
        })
    }

    /// Every colliding sub-range, in order, with its holder.
    pub fn overlaps(&self, segments: &[Segment<'_>]) -> Vec<Conflict> {
        let mut out = Vec::new();
        for s in segments {
            if let Some(pool) = self.pool(&s.key) {
                out.extend(
                    pool.hits(s.first, s.last)
                        .map(|(a, b, o)| s.key.conflict(self.ids.id(o), a, b)),
                );
            }
        }
        out
    }

    /// The stored ranges touching a segment, whole (not clipped), as
    /// `(first, last, id)`: what a store's `overlapping()` returns.
    pub fn stored(&self, segment: &Segment<'_>) -> Vec<(u128, u128, SeriesId)> {
        self.pool(&segment.key).map_or_else(Vec::new, |pool| {
            let from = pool.first_touching(segment.first);
            pool.triples()
                .skip(from)
                .take_while(|&(a, _, _)| a <= segment.last)
                .map(|(a, b, o)| (a, b, self.ids.id(o)))
                .collect()
        })
    }

    /// The free sub-ranges inside the segments, in order.
    pub fn gaps(&self, segments: &[Segment<'_>]) -> Vec<Piece> {
        self.plan(segments).create
    }

    /// What creating the segments would create and skip.
    pub fn plan(&self, segments: &[Segment<'_>]) -> Plan {
        let mut plan = Plan::default();
        for s in segments {
            let taken: Vec<_> = self.pool(&s.key).map_or_else(Vec::new, |pool| {
                pool.hits(s.first, s.last)
                    .map(|(a, b, o)| (a, b, self.ids.id(o)))
                    .collect()
            });
            plan.add_segment(s, &taken);
        }
        plan
    }

    /// Stores a series under `id`, all segments or none: a collision is
    /// [`SeriesError::Overlap`] listing the conflicts.
    pub fn insert(&mut self, id: &SeriesId, segments: &[Segment<'_>]) -> Result<(), SeriesError> {
        self.insert_many(&[(id.clone(), segments.to_vec())])
    }

    /// Stores many series at once, all or none. Collisions with stored
    /// ranges and between the new series are both reported. Sorts the new
    /// ranges once per pool and merges: O(m log m + n).
    pub fn insert_many(
        &mut self,
        series: &[(SeriesId, Vec<Segment<'_>>)],
    ) -> Result<(), SeriesError> {
        let items = series
            .iter()
            .map(|(id, segs)| Ok((id.clone(), segs.clone())));
        self.insert_all(items).map_err(first_issue)
    }

    /// Stores series as they are read, all or none: items that could not
    /// be read (their issues) and collisions both cancel the whole batch.
    /// Each item's segments are grouped by pool at once and dropped, so a
    /// bulk load holds little more than the grouped ranges.
    pub fn insert_all<'a>(
        &mut self,
        series: impl IntoIterator<Item = Result<(SeriesId, Vec<Segment<'a>>), Vec<SeriesError>>>,
    ) -> Result<(), Vec<SeriesError>> {
        // One body for every caller's iterator type: each monomorphized copy
        // of the bulk insert cost about 7 KB of wasm.
        self.insert_dyn(&mut series.into_iter())
    }

    fn insert_dyn<'a>(
        &mut self,
        series: &mut dyn Iterator<Item = Result<(SeriesId, Vec<Segment<'a>>), Vec<SeriesError>>>,
    ) -> Result<(), Vec<SeriesError>> {
        let mark = self.ids.mark();
        let mut by_pool: HashMap<KeyRef<'a>, Vec<(u128, u128, Owner)>> = HashMap::new();
        let mut unread = Vec::new();
        for item in series {
            match item {
                Ok((id, segs)) if unread.is_empty() => {
                    let owner = self.ids.owner(&id);
                    for s in segs {
                        by_pool
                            .entry(s.key)
                            .or_default()
                            .push((s.first, s.last, owner));
                    }
                }
                Ok(_) => {}
                Err(issues) => {
                    unread.extend(issues);
                    if unread.len() >= MAX_REPORTED_CONFLICTS {
                        break;
                    }
                }
            }
        }
        if !unread.is_empty() {
            self.ids.rollback(mark);
            return Err(unread);
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
        let mut keys: Vec<KeyRef<'_>> = by_pool.keys().copied().collect();
        keys.sort_unstable();
        for key in &keys {
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
                        note(key.conflict(self.ids.id(o), a, b));
                    }
                }
            }
        }
        if total_conflicts > 0 {
            self.ids.rollback(mark);
            return Err(vec![SeriesError::Overlap {
                conflicts,
                more: total_conflicts.saturating_sub(MAX_REPORTED_CONFLICTS),
            }]);
        }
        let merge = self.merge_adjacent;
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
        key: &KeyRef<'_>,
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

    /// Allocates the first free block of `quantity` serials in a pool the
    /// host described, storing it under `id` unless `id` is absent: the
    /// block as identifiers, `None` when no gap is large enough.
    ///
    /// ```
    /// use seriesguard::{input::Value, inventory::{Inventory, PoolValues}};
    /// let pool = PoolValues {
    ///     width: Value::Number(11.0), first: Value::Text("01615550000"), last: Value::Text("01615550999"),
    ///     ..PoolValues::default()
    /// };
    /// let mut index = Inventory::new(false);
    /// let a = index.allocate(&pool, Value::Number(600.0), Value::Number(1.0)).unwrap().unwrap();
    /// let b = index.allocate(&pool, Value::Number(400.0), Value::Number(2.0)).unwrap().unwrap();
    /// assert_eq!((a.start.as_str(), b.start.as_str(), b.end.as_str()), ("01615550000", "01615550600", "01615550999"));
    /// assert_eq!(index.allocate(&pool, Value::Number(1.0), Value::Absent).unwrap(), None);
    /// ```
    pub fn allocate(
        &mut self,
        pool: &PoolValues<'_>,
        quantity: Value<'_>,
        id: Value<'_>,
    ) -> Result<Option<Piece>, Vec<SeriesError>> {
        let (key, found) = self.locate(pool, quantity)?;
        let id = match id {
            Value::Absent => None,
            other => Some(SeriesId::from_value(other).map_err(|e| vec![e])?),
        };
        if let (Some((a, b)), Some(id)) = (found, &id) {
            let segment = Segment {
                key: key.as_ref(),
                first: a,
                last: b,
            };
            self.insert(id, &[segment]).map_err(|e| vec![e])?;
        }
        Ok(found.map(|(a, b)| key.as_ref().piece(a, b)))
    }

    /// The first free block of `quantity` serials in a pool the host
    /// described, as [`Inventory::allocate`] finds it, storing nothing.
    pub fn free_block(
        &self,
        pool: &PoolValues<'_>,
        quantity: Value<'_>,
    ) -> Result<Option<Piece>, Vec<SeriesError>> {
        let (key, found) = self.locate(pool, quantity)?;
        Ok(found.map(|(a, b)| key.as_ref().piece(a, b)))
    }

    /// Reads a pool and a quantity, and finds the first free block's serials
    /// (`first`, `last`).
    fn locate(
        &self,
        pool: &PoolValues<'_>,
        quantity: Value<'_>,
    ) -> Result<(PoolKey, Option<(u128, u128)>), Errors> {
        let text = |v: Value<'_>, default: &'static str| match v {
            Value::Absent => Ok(default.to_owned()),
            Value::Text(t) => Ok(t.to_owned()),
            other => Err(vec![SeriesError::Invalid {
                field: Field::Pool,
                reason: Invalid::NotText(other.kind()),
            }]),
        };
        let key = PoolKey::from_parts(
            &text(pool.prefix, "")?,
            &text(pool.suffix, "")?,
            pool.width,
            &text(pool.scheme, "none")?,
            pool.scope,
            Field::Pool,
        )
        .map_err(|e| vec![e])?;
        let bound = |v: Value<'_>| {
            v.as_exact_u128()
                .filter(|&n| n <= key.max_body())
                .ok_or_else(|| {
                    vec![SeriesError::Invalid {
                        field: Field::Pool,
                        reason: Invalid::Rule("first and last must be serials of the pool's width, as digit strings or integers"),
                    }]
                })
        };
        let (first, last) = (bound(pool.first)?, bound(pool.last)?);
        let quantity = quantity
            .as_exact_u128()
            .filter(|&q| q >= 1)
            .ok_or_else(|| {
                vec![SeriesError::Invalid {
                    field: Field::Quantity,
                    reason: Invalid::Rule("must be a positive integer"),
                }]
            })?;
        let found = self.find_free(&key.as_ref(), first, last, quantity);
        Ok((key, found))
    }

    /// Every stored range in order (pools in key order, ranges by start):
    /// its pool, first and last serial, and id.
    pub fn iter(&self) -> impl Iterator<Item = (&PoolKey, u128, u128, SeriesId)> + '_ {
        self.pools.iter().flat_map(move |pool| {
            pool.triples()
                .map(move |(a, b, o)| (&pool.key, a, b, self.ids.id(o)))
        })
    }

    /// Ranges and identifiers held, in total and per pool.
    pub fn stats(&self) -> Stats {
        let pools: Vec<(PoolKey, usize, u128)> = self
            .pools
            .iter()
            .filter(|p| p.len() > 0)
            .map(|p| (p.key.clone(), p.len(), p.numbers()))
            .collect();
        Stats {
            ranges: pools.iter().map(|p| p.1).sum(),
            numbers: pools.iter().try_fold(0u128, |sum, p| sum.checked_add(p.2)),
            pools,
        }
    }

    /// Bytes of heap the stored ranges and ids occupy (column capacities,
    /// id text and offsets; the pool table not counted).
    pub fn held_bytes(&self) -> usize {
        let columns: usize = self
            .pools
            .iter()
            .map(|p| p.starts.capacity() * 16 + p.ends.capacity() * 16 + p.owners.capacity() * 4)
            .sum();
        columns + self.ids.text.capacity() + self.ids.ends.capacity() * 4
    }

    /// How many ranges are stored.
    pub fn ranges(&self) -> usize {
        self.pools.iter().map(Pool::len).sum()
    }

    /// Stores ranges given by pool and serials (a snapshot being loaded),
    /// all or none, with the same checks as [`Inventory::insert_many`].
    pub fn load(&mut self, ranges: &[(PoolKey, u128, u128, SeriesId)]) -> Result<(), SeriesError> {
        let items = ranges.iter().map(|(key, first, last, id)| {
            let segment = key.as_ref().segment(*first, *last).map_err(|e| vec![e])?;
            Ok((id.clone(), vec![segment]))
        });
        self.insert_all(items).map_err(first_issue)
    }
}

/// The first of the issues [`Inventory::insert_all`] reports (it always
/// reports one; the fallback keeps that a fact of the types, not a panic).
pub fn first_issue(issues: Vec<SeriesError>) -> SeriesError {
    issues.into_iter().next().unwrap_or(SeriesError::Invalid {
        field: Field::Series,
        reason: Invalid::Rule("could not be stored"),
    })
}

/// Merges two sorted runs of disjoint ranges; with `merge`, touching ranges
/// of one owner become one.
fn merge_sorted(
    a: impl ExactSizeIterator<Item = (u128, u128, Owner)>,
    b: impl ExactSizeIterator<Item = (u128, u128, Owner)>,
    merge: bool,
) -> Vec<(u128, u128, Owner)> {
    let mut out: Vec<(u128, u128, Owner)> = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.peekable(), b.peekable());
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
    out
}

/// The snapshot format's name, written into every snapshot.
pub const SNAPSHOT_FORMAT: &str = "seriesguard-index";

impl Inventory {
    /// The inventory as JSON, serials as decimal strings:
    /// `{"format":"seriesguard-index","version":1,"mergeAdjacent":false,"rules":{"format":"plain"},
    /// "pools":[{"prefix":"V","suffix":"","width":8,"scheme":"none","scope":"","ranges":[["10000051","10000060","S1"]]}]}`;
    /// numeric ids stay numbers; `rules.format` is the format the series
    /// were validated under (`plain` for none).
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"format\":\"{SNAPSHOT_FORMAT}\",\"version\":1,\"mergeAdjacent\":{},\"rules\":{{\"format\":\"{}\"}},\"pools\":[",
            self.merge_adjacent,
            stored_name(self.format)
        );
        let pools = self.pools.iter().filter(|p| p.len() > 0);
        for (i, pool) in pools.enumerate() {
            if i > 0 {
                out.push(',');
            }
            let k = &pool.key;
            out.push_str(&format!(
                "{{\"prefix\":{},\"suffix\":{},\"width\":{},\"scheme\":\"{}\",\"scope\":{},\"ranges\":[",
                json_string(&k.prefix),
                json_string(&k.suffix),
                k.width,
                k.scheme.name(),
                json_string(&k.scope)
            ));
            for (j, (a, b, o)) in pool.triples().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let id = match self.ids.id(o) {
                    SeriesId::Number(n) => n.to_string(),
                    SeriesId::Text(t) => json_string(&t),
                };
                out.push_str(&format!("[\"{a}\",\"{b}\",{id}]"));
            }
            out.push_str("]}");
        }
        out.push_str("]}");
        out
    }
}
