//! Pools: what makes identifiers comparable (prefix, suffix, digit count,
//! scheme, scope), the keys that name them, and the segments a series is cut
//! into, one per pool.

use std::hash::Hasher as _;

use super::{Conflict, Piece, SeriesId};
use crate::check_digit::Scheme;
use crate::error::{Field, Invalid, SeriesError};
use crate::input::Value;
use crate::json::json_string;
use crate::range::{Padding, SeriesRange};
use crate::serial;

/// What makes identifiers comparable: their pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
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

    pub(super) fn hash(&self) -> u64 {
        pool_hash(
            self.prefix,
            self.suffix,
            self.width,
            self.scheme,
            self.scope,
        )
    }
}

impl KeyRef<'_> {
    /// Whether two keys name one pool: `==`, with the numbers compared
    /// first and the texts byte by byte (a pool lookup compares a few keys
    /// per query; `memcmp` calls were a third of a lookup, measured natively).
    #[inline]
    pub fn same(&self, other: &KeyRef<'_>) -> bool {
        use crate::input::same_text as text;
        self.width == other.width
            && self.scheme == other.scheme
            && text(self.prefix, other.prefix)
            && text(self.suffix, other.suffix)
            && text(self.scope, other.scope)
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

    pub(super) fn hash(&self) -> u64 {
        self.as_ref().hash()
    }
}

/// FNV-1a over a pool's parts, separated by a byte no part can hold.
fn pool_hash(prefix: &str, suffix: &str, width: usize, scheme: Scheme, scope: &str) -> u64 {
    let mut hash = Fnv::default();
    hash.write(prefix.as_bytes());
    hash.write(&[0x1f]);
    hash.write(suffix.as_bytes());
    hash.write(&[0x1f, width as u8, scheme as u8, 0x1f]);
    hash.write(scope.as_bytes());
    hash.finish()
}

/// FNV-1a as a `Hasher`.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
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

/// A series' segments as it is read: one, held inline (a series of one
/// digit count: nearly every series), or several. Derefs to a slice.
/// Measured in wasm: a vector per series read was a sixth of a
/// million-series load, in the allocator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segments<'a> {
    /// The one segment.
    One(Segment<'a>),
    /// Several (a natural series across digit counts), or none.
    Many(Vec<Segment<'a>>),
}

impl<'a> std::ops::Deref for Segments<'a> {
    type Target = [Segment<'a>];
    fn deref(&self) -> &[Segment<'a>] {
        match self {
            Segments::One(one) => std::slice::from_ref(one),
            Segments::Many(many) => many,
        }
    }
}

impl Default for Segments<'_> {
    /// None.
    fn default() -> Self {
        Segments::Many(Vec::new())
    }
}

impl<'a> From<Vec<Segment<'a>>> for Segments<'a> {
    fn from(many: Vec<Segment<'a>>) -> Segments<'a> {
        Segments::Many(many)
    }
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
pub(super) fn widths(range: &SeriesRange<'_>) -> impl Iterator<Item = (usize, u128, u128)> {
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
/// its segments; every issue when it cannot be. Read as
/// [`segments_as_given`] reads it (a series of one pool without building
/// its range: measured, a tenth of a million-range load in wasm).
pub fn series_segments<'a>(
    start: crate::input::Value<'a>,
    end: crate::input::Value<'a>,
    scope: crate::input::Value<'a>,
    rules: &crate::range::SeriesRules,
) -> Result<Segments<'a>, Vec<SeriesError>> {
    segments_as_given(start, end, scope, rules).map(|(segments, _)| segments)
}

/// [`series_segments`], and whether its ends are, as given, the identifiers
/// of the first member of its first segment and the last of its last (two
/// strings the one-pass reading took: [`crate::range::simple_span`] or
/// [`crate::range::simple_range`]), so an answer may leave those to the
/// host, which holds them.
pub fn segments_as_given<'a>(
    start: crate::input::Value<'a>,
    end: crate::input::Value<'a>,
    scope: crate::input::Value<'a>,
    rules: &crate::range::SeriesRules,
) -> Result<(Segments<'a>, bool), Vec<SeriesError>> {
    use crate::input::Value;
    if let (Value::Text(a), Value::Text(b), Ok(scope_text)) = (start, end, scope_of(scope)) {
        // One pool: its segment from the span, without building the range.
        if let Some(span) = crate::range::simple_span(a, b, rules) {
            return Ok((Segments::One(span.segment(rules.scheme, scope_text)), true));
        }
        if let Some(range) = crate::range::simple_range(a, b, rules) {
            return Ok((segments(&range, scope_text).into(), true));
        }
    }
    // The general reading ([`crate::range::validate`]).
    match (crate::range::validated(start, end, rules), scope_of(scope)) {
        (Ok(range), Ok(scope)) => Ok((segments(&range, scope).into(), false)),
        (range, scope) => {
            let mut issues = range.err().unwrap_or_default();
            issues.extend(scope.err());
            Err(issues)
        }
    }
}

impl<'a> crate::range::Span<'a> {
    /// The span's one segment: its pool in `scope`, under `scheme`.
    pub fn segment(&self, scheme: crate::check_digit::Scheme, scope: &'a str) -> Segment<'a> {
        Segment {
            key: KeyRef {
                prefix: self.prefix,
                suffix: self.suffix,
                width: self.width,
                scheme,
                scope,
            },
            first: self.first,
            last: self.last,
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
) -> Result<(SeriesId, Segments<'a>), Vec<SeriesError>> {
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
