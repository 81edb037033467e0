//! The binary snapshot: the inventory's own columns written end to end, for
//! hosts that save and load millions of ranges (the JSON snapshot writes
//! and parses a decimal string per serial; this one copies columns).
//!
//! Layout, little endian, version 1:
//!
//! ```text
//! "SGIX" · version u8 (1) · flags u8 (bit 0: mergeAdjacent)
//! · format name (u8 length, bytes: "plain", "awb", ...)
//! · pool count u32, then per pool:
//!     prefix (u8 length, bytes) · suffix (u8, bytes) · width u8
//!     · scheme (u8, bytes) · scope (u16, bytes) · range count u32 (n)
//!     · n starts (u128) · n ends (u128) · n owners (u32)
//! · id arena: text (u32 length, bytes) · id count u32 · its ends (u32 each)
//! · checksum u64 of every byte before it
//! ```
//!
//! An owner below 2^31 is a numeric id; with bit 31 set, the rest indexes
//! the id arena. Reading checks everything the inventory relies on (sorted
//! keys, sorted disjoint ranges within their pool's digits, owners that
//! exist, ids as [`SeriesId::from_value`] accepts them) and the checksum,
//! so a corrupted or forged snapshot is refused with `SNAPSHOT_INVALID`,
//! never loaded half or wrong.

use super::{Errors, Ids, Inventory, KeyRef, Owner, Pool};
use crate::error::{Field, Invalid, SeriesError};
use crate::formats::stored_name;
use crate::input::Value;
use crate::inventory::{Head, MAX_ID_LEN, SNAPSHOT_FORMAT};
use crate::range::SeriesRules;

use super::columns::TEXT_OWNER;

/// The first four bytes of every binary snapshot.
pub const BINARY_MAGIC: [u8; 4] = *b"SGIX";
const VERSION: u8 = 1;

fn invalid(what: &'static str) -> Vec<SeriesError> {
    vec![SeriesError::Invalid {
        field: Field::Snapshot,
        reason: Invalid::Rule(what),
    }]
}

const TRUNCATED: &str = "is cut short or malformed (not a binary snapshot as toBytes() writes it)";

/// A word-wise checksum: each step (rotate, xor a word, multiply by an odd
/// constant) is a bijection of the state, so any change confined to one
/// 8-byte word always changes the result, and the length seeds it. Measured
/// against a byte-wise FNV-1a, it is what keeps a million ranges (36 MB)
/// within a few milliseconds.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |h: u64, w: u64| (h.rotate_left(23) ^ w).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    let mut h = K ^ bytes.len() as u64;
    for chunk in &mut chunks {
        h = step(
            h,
            u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default()),
        );
    }
    let mut last = [0u8; 8];
    for (to, from) in last.iter_mut().zip(chunks.remainder()) {
        *to = *from;
    }
    step(h, u64::from_le_bytes(last))
}

/// Reads a binary snapshot front to back; every read is bounds-checked.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Errors> {
        if n > self.bytes.len() {
            return Err(invalid(TRUNCATED));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Errors> {
        <[u8; N]>::try_from(self.take(N)?).map_err(|_| invalid(TRUNCATED))
    }

    fn u8(&mut self) -> Result<u8, Errors> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<usize, Errors> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }

    fn text(&mut self, len: usize) -> Result<&'a str, Errors> {
        std::str::from_utf8(self.take(len)?).map_err(|_| invalid(TRUNCATED))
    }

    fn short_text(&mut self) -> Result<&'a str, Errors> {
        let len = self.u8()? as usize;
        self.text(len)
    }

    /// `n` fixed-size items, after checking that `n` of them fit.
    fn items<const N: usize, T>(
        &mut self,
        n: usize,
        read: impl Fn([u8; N]) -> T,
    ) -> Result<Vec<T>, Errors> {
        let bytes = self.take(n.checked_mul(N).ok_or_else(|| invalid(TRUNCATED))?)?;
        Ok(bytes
            .chunks_exact(N)
            .map(|c| read(<[u8; N]>::try_from(c).unwrap_or([0; N])))
            .collect())
    }
}

/// The head of a binary snapshot (its stored format, as a JSON snapshot's
/// head carries it) and its `mergeAdjacent` flag, once its checksum holds.
///
/// ```
/// use seriesguard::inventory::{binary_head, Inventory};
/// let bytes = Inventory::new(true).to_bytes();
/// let (head, merge) = binary_head(&bytes).unwrap();
/// assert!(merge);
/// assert_eq!(head.rules().0.format, None);
/// assert_eq!(binary_head(b"{}").unwrap_err()[0].code(), "SNAPSHOT_INVALID");
/// ```
pub fn binary_head(bytes: &[u8]) -> Result<(Head<'_>, bool), Errors> {
    let (body, sum) = bytes.split_at(bytes.len().saturating_sub(8));
    let mut r = Reader { bytes: body };
    if r.array::<4>()? != BINARY_MAGIC || r.u8()? != VERSION {
        return Err(invalid(
            "must be a binary seriesguard-index snapshot of version 1 (as toBytes() writes it)",
        ));
    }
    let sum = <[u8; 8]>::try_from(sum).ok().map(u64::from_le_bytes);
    if sum != Some(checksum(body)) {
        return Err(invalid(
            "does not match its checksum (the bytes were changed or cut)",
        ));
    }
    let flags = r.u8()?;
    if flags > 1 {
        return Err(invalid(TRUNCATED));
    }
    let head = Head {
        format: Value::Text(SNAPSHOT_FORMAT),
        version: Value::Number(f64::from(VERSION)),
        rules_format: Value::Text(r.short_text()?),
    };
    Ok((head, flags == 1))
}

fn words(out: &mut Vec<u8>, values: &[u32]) {
    for value in values {
        out.extend_from_slice(&value.to_le_bytes());
    }
}

/// A pool as read: its key and its columns, checked.
struct ReadPool<'a> {
    key: KeyRef<'a>,
    starts: Vec<u128>,
    ends: Vec<u128>,
    owners: Vec<Owner>,
}

fn read_pool<'a>(r: &mut Reader<'a>) -> Result<ReadPool<'a>, Errors> {
    let prefix = r.short_text()?;
    let suffix = r.short_text()?;
    let width = r.u8()?;
    let scheme = r.short_text()?;
    let scope_len = u16::from_le_bytes(r.array()?) as usize;
    let scope = r.text(scope_len)?;
    let key = KeyRef::from_parts(
        prefix,
        suffix,
        Value::Number(f64::from(width)),
        scheme,
        Value::Text(scope),
        Field::Snapshot,
    )
    .map_err(|e| vec![e])?;
    let n = r.u32()?;
    // Checked before allocating: a forged count cannot ask for more than the bytes hold.
    if n.saturating_mul(36) > r.bytes.len() {
        return Err(invalid(TRUNCATED));
    }
    let starts = r.items(n, u128::from_le_bytes)?;
    let ends = r.items(n, u128::from_le_bytes)?;
    let owners = r.items(n, u32::from_le_bytes)?;
    Ok(ReadPool {
        key,
        starts,
        ends,
        owners,
    })
}

/// Whether a pool's columns are what the inventory keeps: each range
/// within the pool's digits, sorted and disjoint (and, when touching
/// ranges of one id merge, none left touching).
fn columns_hold(pool: &ReadPool<'_>, merge: bool) -> bool {
    let max = pool.key.max_body();
    let mut previous: Option<(u128, Owner)> = None;
    for ((&start, &end), &owner) in pool.starts.iter().zip(&pool.ends).zip(&pool.owners) {
        if start > end || end > max {
            return false;
        }
        if let Some((last_end, last_owner)) = previous {
            if start <= last_end || (merge && start == last_end + 1 && owner == last_owner) {
                return false;
            }
        }
        previous = Some((end, owner));
    }
    !pool.starts.is_empty()
}

/// The id arena as read, checked: every id non-empty, at most
/// [`MAX_ID_LEN`] bytes, on character boundaries, without control characters.
fn read_ids(r: &mut Reader<'_>) -> Result<Ids, Errors> {
    let len = r.u32()?;
    let text = r.text(len)?;
    let count = r.u32()?;
    if count.saturating_mul(4) > r.bytes.len() {
        return Err(invalid(TRUNCATED));
    }
    let ends: Vec<u32> = r.items(count, u32::from_le_bytes)?;
    let mut from = 0usize;
    for &end in &ends {
        let end = end as usize;
        let ok = end > from
            && end - from <= MAX_ID_LEN
            && text
                .get(from..end)
                .is_some_and(|id| !id.chars().any(char::is_control));
        if !ok {
            return Err(invalid("holds an id that is empty, too long or not text"));
        }
        from = end;
    }
    if from != text.len() {
        return Err(invalid(TRUNCATED));
    }
    Ok(Ids {
        text: text.to_owned(),
        ends,
    })
}

impl Inventory {
    /// The inventory as a binary snapshot (see the module's layout): its
    /// columns copied, the format its series were validated under, and a
    /// checksum. [`Inventory::from_bytes`] reads it back.
    ///
    /// ```
    /// use seriesguard::input::Value;
    /// use seriesguard::inventory::{series_segments, Inventory, SeriesId};
    /// use seriesguard::range::SeriesRules;
    /// let mut index = Inventory::new(false);
    /// let segments = series_segments(Value::Text("V10000051"), Value::Text("V10000060"), Value::Absent, &SeriesRules::default()).unwrap();
    /// index.insert(&SeriesId::Text("S1".into()), &segments).unwrap();
    /// let bytes = index.to_bytes();
    /// let (copy, rules) = Inventory::from_bytes(&bytes, None).unwrap();
    /// assert_eq!((copy.iter().count(), rules.format), (1, None));
    /// let mut corrupt = bytes.clone();
    /// corrupt[40] ^= 1;
    /// assert_eq!(Inventory::from_bytes(&corrupt, None).unwrap_err()[0].code(), "SNAPSHOT_INVALID");
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let pools: Vec<&Pool> = self.pools.iter().filter(|p| p.len() > 0).collect();
        let ranges: usize = pools.iter().map(|p| p.len()).sum();
        let mut out = Vec::with_capacity(64 + ranges * 36 + self.ids.text.len());
        out.extend_from_slice(&BINARY_MAGIC);
        out.push(VERSION);
        out.push(u8::from(self.merge_adjacent));
        let short = |out: &mut Vec<u8>, text: &str| {
            out.push(text.len() as u8);
            out.extend_from_slice(text.as_bytes());
        };
        short(&mut out, stored_name(self.format));
        out.extend_from_slice(&(pools.len() as u32).to_le_bytes());
        for pool in pools {
            let k = &pool.key;
            short(&mut out, &k.prefix);
            short(&mut out, &k.suffix);
            out.push(k.width as u8);
            short(&mut out, k.scheme.name());
            out.extend_from_slice(&(k.scope.len() as u16).to_le_bytes());
            out.extend_from_slice(k.scope.as_bytes());
            out.extend_from_slice(&(pool.len() as u32).to_le_bytes());
            for column in [&pool.starts, &pool.ends] {
                for value in column.values() {
                    out.extend_from_slice(&value.to_le_bytes());
                }
            }
            words(&mut out, &pool.owners);
        }
        out.extend_from_slice(&(self.ids.text.len() as u32).to_le_bytes());
        out.extend_from_slice(self.ids.text.as_bytes());
        out.extend_from_slice(&(self.ids.ends.len() as u32).to_le_bytes());
        words(&mut out, &self.ids.ends);
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// A new inventory holding a binary snapshot, with its `mergeAdjacent`,
    /// and the rules it holds series under: `rules` (a host's, already
    /// typed), or without them the format the snapshot was written under.
    /// The checksum and head are checked first (`SNAPSHOT_INVALID`), then
    /// the rules against the snapshot's format (`RULES_MISMATCH`), then
    /// every column: all or none.
    pub fn from_bytes(
        bytes: &[u8],
        rules: Option<SeriesRules>,
    ) -> Result<(Inventory, SeriesRules), Errors> {
        let (head, merge) = binary_head(bytes)?;
        let rules = match rules {
            Some(rules) => rules,
            None => match head.rules() {
                (rules, issues) if issues.is_empty() => rules,
                (_, issues) => return Err(issues),
            },
        };
        let mut inventory = Inventory::new(merge).with_format(rules.format);
        inventory
            .check_snapshot_rules(head.rules_format)
            .map_err(|e| vec![e])?;
        let body = bytes
            .get(..bytes.len().saturating_sub(8))
            .unwrap_or_default();
        let mut r = Reader { bytes: body };
        // Past the head binary_head has read: magic, version, flags, format name.
        r.take(6)?;
        r.short_text()?;
        let count = r.u32()?;
        let mut pools: Vec<ReadPool<'_>> = Vec::new();
        for _ in 0..count {
            let pool = read_pool(&mut r)?;
            if pools.last().is_some_and(|p| p.key >= pool.key) || !columns_hold(&pool, merge) {
                return Err(invalid(
                    "holds pools out of order, or ranges that are unsorted, overlapping or wider than their pool",
                ));
            }
            pools.push(pool);
        }
        let ids = read_ids(&mut r)?;
        if !r.bytes.is_empty() {
            return Err(invalid(TRUNCATED));
        }
        let known = |o: Owner| o & TEXT_OWNER == 0 || ((o & !TEXT_OWNER) as usize) < ids.ends.len();
        if !pools.iter().all(|p| p.owners.iter().all(|&o| known(o))) {
            return Err(invalid("holds a range whose id is not in the snapshot"));
        }
        inventory.adopt(pools, ids);
        Ok((inventory, rules))
    }

    /// Takes checked columns as this (new) inventory's own.
    fn adopt(&mut self, pools: Vec<ReadPool<'_>>, ids: Ids) {
        self.pools = pools
            .into_iter()
            .map(|p| Pool::from_columns(p.key.to_key(), p.starts, p.ends, p.owners))
            .collect();
        self.index_pools();
        self.ids = ids;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::inventory::{series_segments, SeriesId};
    use crate::range::SeriesRules;
    use proptest::prelude::*;

    fn index_of(ranges: &[(u64, u64, u32)], text_ids: bool) -> Inventory {
        let mut index = Inventory::new(false);
        let rules = SeriesRules::default();
        let texts: Vec<(String, String, SeriesId)> = ranges
            .iter()
            .map(|&(a, n, id)| {
                let id = if text_ids {
                    SeriesId::Text(format!("S{id}"))
                } else {
                    SeriesId::Number(id)
                };
                (format!("V{a:08}"), format!("V{:08}", a + n), id)
            })
            .collect();
        for (start, end, id) in &texts {
            // Overlapping draws are refused: keep what went in.
            if let Ok(s) =
                series_segments(Value::Text(start), Value::Text(end), Value::Absent, &rules)
            {
                let _ = index.insert(id, &s);
            }
        }
        index
    }

    proptest! {
        #[test]
        fn bytes_round_trip_and_any_flipped_byte_is_refused(
            ranges in proptest::collection::vec((0u64..99_000_000, 0u64..500, 0u32..50), 0..40),
            text_ids in any::<bool>(),
            flip in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let index = index_of(&ranges, text_ids);
            let bytes = index.to_bytes();
            let copy = Inventory::from_bytes(&bytes, None);
            prop_assert!(copy.is_ok());
            let copy = copy.map(|(copy, _)| copy).unwrap_or_default();
            prop_assert_eq!(copy.iter().collect::<Vec<_>>(), index.iter().collect::<Vec<_>>());
            prop_assert_eq!(copy.to_bytes(), bytes.clone());
            let code = |bytes: &[u8]| {
                Inventory::from_bytes(bytes, None)
                    .err()
                    .and_then(|issues| issues.first().map(|e| e.code()))
            };
            let mut corrupt = bytes.clone();
            let at = flip.index(corrupt.len());
            if let Some(byte) = corrupt.get_mut(at) {
                *byte ^= 1 << bit;
            }
            prop_assert_eq!(code(&corrupt), Some("SNAPSHOT_INVALID"));
            prop_assert_eq!(code(bytes.get(..at).unwrap_or_default()), Some("SNAPSHOT_INVALID"));
        }
    }
}
