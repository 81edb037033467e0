//! The storage of one pool: three sorted columns (starts, ends, owners),
//! and the owners' ids, numeric inline or text in one arena.

use super::{PoolKey, SeriesId, MAX_ID_LEN, MAX_NUMERIC_ID};
use crate::error::{Field, Invalid, SeriesError};

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
                .and_then(SeriesId::number)
                .ok_or_else(|| {
                    invalid("must be an integer from 0 to 2^31 - 1, or a string (pass larger ids as strings)")
                }),
            _ => Err(invalid("must be a string or an integer")),
        }
    }

    /// The numeric id `n`, if it is one (below 2^31).
    pub fn number(n: u128) -> Option<SeriesId> {
        u32::try_from(n)
            .ok()
            .filter(|&n| n < MAX_NUMERIC_ID)
            .map(SeriesId::Number)
    }
}

/// Who holds a range: a numeric id stored inline, or an index into the text arena.
pub(super) type Owner = u32;
pub(super) const TEXT_OWNER: u32 = 1 << 31;

/// Text ids, stored end to end in one string.
#[derive(Debug, Default, Clone)]
pub(super) struct Ids {
    pub(super) text: String,
    pub(super) ends: Vec<u32>,
}

impl Ids {
    pub(super) fn owner(&mut self, id: &SeriesId) -> Owner {
        match id {
            SeriesId::Number(n) => *n,
            SeriesId::Text(t) => {
                // Bulk loads often repeat one id (a card group); reuse the last one.
                if let Some(last) = self.ends.len().checked_sub(1) {
                    if self
                        .get(last)
                        .is_some_and(|l| crate::input::same_text(l, t))
                    {
                        return TEXT_OWNER | last as u32;
                    }
                }
                self.text.push_str(t);
                self.ends.push(self.text.len() as u32);
                TEXT_OWNER | (self.ends.len() - 1) as u32
            }
        }
    }

    pub(super) fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = index
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .map_or(0, |&s| s as usize);
        self.text.get(start..end)
    }

    pub(super) fn id(&self, owner: Owner) -> SeriesId {
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

    pub(super) fn matches(&self, owner: Owner, id: &SeriesId) -> bool {
        match id {
            SeriesId::Number(n) => owner == *n,
            SeriesId::Text(t) => {
                owner & TEXT_OWNER != 0 && self.get((owner & !TEXT_OWNER) as usize) == Some(t)
            }
        }
    }

    pub(super) fn mark(&self) -> (usize, usize) {
        (self.text.len(), self.ends.len())
    }

    pub(super) fn rollback(&mut self, (text, ends): (usize, usize)) {
        self.text.truncate(text);
        self.ends.truncate(ends);
    }
}

/// One pool's ranges: three sorted columns.
#[derive(Debug, Clone)]
pub(super) struct Pool {
    pub(super) key: PoolKey,
    pub(super) starts: Column,
    pub(super) ends: Column,
    pub(super) owners: Vec<Owner>,
    /// The last end of each block of [`SPAN`] ends: a query searches this
    /// small column first (it stays in cache), then one block of `ends`.
    tops: Column,
}

/// Ends per block of [`Pool`]'s summary column.
const SPAN: usize = 128;

/// One sorted column of serial bodies: each value's low 64 bits, and its
/// high 64 bits only when some value has them (bodies of 20 digits or
/// more). Most pools' bodies fit 64 bits: their columns take half the
/// memory of `u128` values, and a search compares `u64`s (measured in
/// wasm: the yes/no query at 1,000,000 ranges, and a million-range load).
#[derive(Debug, Clone, Default)]
pub(super) struct Column {
    low: Vec<u64>,
    /// Empty when every value fits 64 bits; else as long as `low`.
    high: Vec<u64>,
}

impl Column {
    /// Appends a value, keeping the high halves only once one is needed.
    fn push(&mut self, value: u128) {
        let high = (value >> 64) as u64;
        if high != 0 && self.high.is_empty() {
            self.high.resize(self.low.len(), 0);
        }
        if high != 0 || !self.high.is_empty() {
            self.high.push(high);
        }
        self.low.push(value as u64);
    }

    fn with_capacity(n: usize) -> Column {
        Column {
            low: Vec::with_capacity(n),
            high: Vec::new(),
        }
    }

    /// The column of `values`. One body for every way a column is made
    /// (each generic copy cost wasm size).
    fn from_values(values: &mut dyn ExactSizeIterator<Item = u128>) -> Column {
        let mut column = Column::with_capacity(values.len());
        values.for_each(|v| column.push(v));
        column
    }

    /// The column of a snapshot's values: the low halves in one pass, the
    /// high ones only if some value has one (measured: value by value
    /// through [`Column::from_values`], a million-range `fromBytes` took
    /// 56 -> 74 ms).
    fn from_slice(values: &[u128]) -> Column {
        let low = values.iter().map(|&v| v as u64).collect();
        let high = match values.iter().any(|&v| v >> 64 != 0) {
            true => values.iter().map(|&v| (v >> 64) as u64).collect(),
            false => Vec::new(),
        };
        Column { low, high }
    }

    pub(super) fn len(&self) -> usize {
        self.low.len()
    }

    /// The value at `i` (0 past the end, which no caller asks for).
    pub(super) fn at(&self, i: usize) -> u128 {
        let low = self.low.get(i).copied().unwrap_or(0);
        let high = self.high.get(i).copied().unwrap_or(0);
        u128::from(high) << 64 | u128::from(low)
    }

    pub(super) fn values(&self) -> impl ExactSizeIterator<Item = u128> + '_ {
        (0..self.len()).map(|i| self.at(i))
    }

    /// How many of the values at `from..to` are below `first`.
    fn before(&self, from: usize, to: usize, first: u128) -> usize {
        if !self.high.is_empty() {
            return before(from, to, |i| self.at(i) < first);
        }
        match u64::try_from(first) {
            Ok(first) => before(from, to, |i| self.low.get(i).is_some_and(|&v| v < first)),
            Err(_) => to - from,
        }
    }

    fn bytes(&self) -> usize {
        (self.low.capacity() + self.high.capacity()) * 8
    }
}

/// The summary column of `ends`.
fn tops_of(ends: &Column) -> Column {
    let n = ends.len();
    Column::from_values(
        &mut (0..n.div_ceil(SPAN)).map(|block| ends.at(((block + 1) * SPAN).min(n) - 1)),
    )
}

impl Pool {
    pub(super) fn new(key: PoolKey) -> Pool {
        Pool {
            key,
            starts: Column::default(),
            ends: Column::default(),
            owners: Vec::new(),
            tops: Column::default(),
        }
    }

    /// A pool of checked columns (a snapshot read back).
    pub(super) fn from_columns(
        key: PoolKey,
        starts: Vec<u128>,
        ends: Vec<u128>,
        owners: Vec<Owner>,
    ) -> Pool {
        let ends = Column::from_slice(&ends);
        Pool {
            key,
            starts: Column::from_slice(&starts),
            tops: tops_of(&ends),
            ends,
            owners,
        }
    }

    /// Index of the first range that ends at or after `first`: the block
    /// from the summary, then the place within the block.
    pub(super) fn first_touching(&self, first: u128) -> usize {
        let n = self.ends.len();
        let from = (self.tops.before(0, self.tops.len(), first) * SPAN).min(n);
        self.ends.before(from, (from + SPAN).min(n), first) + from
    }

    /// The stored ranges colliding with `first..=last`, clipped to it.
    pub(super) fn hits(
        &self,
        first: u128,
        last: u128,
    ) -> impl Iterator<Item = (u128, u128, Owner)> + '_ {
        self.triples_from(self.first_touching(first))
            .take_while(move |&(s, _, _)| s <= last)
            .map(move |(s, e, o)| (s.max(first), e.min(last), o))
    }

    pub(super) fn any(&self, first: u128, last: u128) -> bool {
        let i = self.first_touching(first);
        i < self.starts.len() && self.starts.at(i) <= last
    }

    pub(super) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Bytes its columns hold (the summary column included).
    pub(super) fn held_bytes(&self) -> usize {
        self.starts.bytes() + self.ends.bytes() + self.tops.bytes() + self.owners.capacity() * 4
    }

    pub(super) fn numbers(&self) -> u128 {
        self.triples()
            .map(|(s, e, _)| e - s + 1)
            .fold(0u128, u128::saturating_add)
    }

    /// Rebuilds the columns from sorted, disjoint triples.
    pub(super) fn set(&mut self, ranges: &[(u128, u128, Owner)]) {
        let mut gathered = Gathered::with_capacity(ranges.len());
        ranges.iter().for_each(|&(a, b, o)| gathered.push(a, b, o));
        self.set_gathered(gathered);
    }

    /// Takes sorted, disjoint gathered ranges as its columns, as they are.
    pub(super) fn set_gathered(&mut self, ranges: Gathered) {
        self.tops = tops_of(&ranges.ends);
        self.starts = ranges.starts;
        self.ends = ranges.ends;
        self.owners = ranges.owners;
    }

    pub(super) fn triples(&self) -> impl ExactSizeIterator<Item = (u128, u128, Owner)> + '_ {
        self.triples_from(0)
    }

    /// The ranges from index `from` on (found, not walked to).
    pub(super) fn triples_from(
        &self,
        from: usize,
    ) -> impl ExactSizeIterator<Item = (u128, u128, Owner)> + '_ {
        (from.min(self.len())..self.len()).map(|i| {
            let owner = self.owners.get(i).copied().unwrap_or(0);
            (self.starts.at(i), self.ends.at(i), owner)
        })
    }
}

/// One pool's new ranges as a bulk insert reads them, in the columns a
/// pool keeps: ranges given in order (a load's common case) become the
/// pool's columns as they are, with no sorted copy (measured in wasm: a
/// million-range load held 48-byte triples, sorted and copied them, and
/// grew memory by 255 MB; a first load pays for every page it grows).
#[derive(Debug)]
pub(super) struct Gathered {
    starts: Column,
    ends: Column,
    owners: Vec<Owner>,
    /// Whether every range so far came in `(first, last)` order.
    in_order: bool,
}

impl Gathered {
    /// Room for `n` ranges.
    pub(super) fn with_capacity(n: usize) -> Gathered {
        Gathered {
            starts: Column::with_capacity(n),
            ends: Column::with_capacity(n),
            owners: Vec::with_capacity(n),
            in_order: true,
        }
    }

    fn last(&self) -> Option<(u128, u128)> {
        let i = self.owners.len().checked_sub(1)?;
        Some((self.starts.at(i), self.ends.at(i)))
    }

    pub(super) fn push(&mut self, first: u128, last: u128, owner: Owner) {
        self.in_order &= self.last().map_or(true, |before| before <= (first, last));
        self.starts.push(first);
        self.ends.push(last);
        self.owners.push(owner);
    }

    /// `other`'s ranges after these (a pool met again after another).
    pub(super) fn append(&mut self, other: Gathered) {
        other.triples().for_each(|(a, b, o)| self.push(a, b, o));
    }

    /// Orders the ranges by `(first, last)`: nothing to do when they came
    /// in order, else sorted through triples.
    pub(super) fn sort(&mut self) {
        if self.in_order {
            return;
        }
        let mut triples: Vec<_> = self.triples().collect();
        triples.sort_unstable_by_key(|r| (r.0, r.1));
        *self = Gathered::with_capacity(triples.len());
        triples.into_iter().for_each(|(a, b, o)| self.push(a, b, o));
    }

    pub(super) fn triples(&self) -> impl ExactSizeIterator<Item = (u128, u128, Owner)> + '_ {
        self.owners
            .iter()
            .enumerate()
            .map(|(i, &o)| (self.starts.at(i), self.ends.at(i), o))
    }
}

/// The first index in `from..to` where `less` is false (it is true up to
/// some index, then false): a binary search with a branch per step. In
/// wasm it beat `partition_point`'s branchless search (a select per step,
/// each load waiting on the one before): the yes/no query from JS at
/// 1,000,000 ranges about 480 -> 400 ns, natively the same.
fn before(from: usize, to: usize, less: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (from, to);
    while low < high {
        let mid = low + (high - low) / 2;
        if less(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low - from
}

/// Merges two sorted runs of disjoint ranges; with `merge`, touching ranges
/// of one owner become one.
pub(super) fn merge_sorted(
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
