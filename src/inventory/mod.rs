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
//! Each pool keeps three sorted columns (starts, ends, owners): 20 bytes a
//! range whose bodies fit 64 bits, binary search for queries, a merge for
//! bulk loads. Single inserts move the tail of a column (O(n)); bulk loads
//! sort once, unless given in order (O(m log m + n)).
//! This module owns the interval arithmetic and the identity of owners; it
//! does not read host values (that is [`crate::range`]'s and the bindings').

mod binary;
mod columns;
mod pool;
mod queries;
mod snapshot;
mod split;

pub use binary::{binary_head, BINARY_MAGIC};
pub use pool::{
    scope_of, segments, segments_as_given, series_item, series_segments, KeyRef, PoolKey,
    PoolValues, Segment, Segments,
};
pub use snapshot::{Head, Item, SNAPSHOT_FORMAT};
pub use split::{split, split_range, split_series};

use columns::{merge_sorted, Gathered, Ids, Owner, Pool};

/// Every issue of a refused input.
type Errors = Vec<SeriesError>;

use crate::error::{Field, Invalid, SeriesError};
use crate::formats::Format;

/// Up to this many pools, a pool is found by comparing keys, not by hash.
const FEW_POOLS: usize = 4;

/// The most ids an overlap error lists; the message says how many more.
pub const MAX_REPORTED_CONFLICTS: usize = 100;
/// The most chunks [`split`] produces before refusing.
pub const MAX_CHUNKS: u128 = 1_000_000;
/// The longest id text accepted.
pub const MAX_ID_LEN: usize = 256;
/// Numeric ids must be below this (they are stored in 31 bits).
pub const MAX_NUMERIC_ID: u32 = 1 << 31;

pub use crate::conflict::{Conflict, SeriesId};

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

/// Adds a run of one pool's ranges to the pools gathered so far (kept in
/// key order): moved whole when the pool has none yet (no copy of a bulk
/// load's ranges). A sorted list, not a map: the map's code was 5 KB of
/// wasm, and a load meets few pools.
fn gather(by_pool: &mut Vec<(PoolKey, Gathered)>, key: PoolKey, ranges: Gathered) {
    match by_pool.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(at) => {
            if let Some((_, gathered)) = by_pool.get_mut(at) {
                gathered.append(ranges);
            }
        }
        Err(at) => by_pool.insert(at, (key, ranges)),
    }
}

/// A bulk insert under way ([`Inventory::begin_load`]): the ranges read so
/// far, by pool in key order (conflicts are reported, and pools made, in
/// that order), and the issues of items that could not be read.
#[derive(Debug)]
pub struct Loading {
    /// The ids' extent when it began, and after the last part read.
    mark: (usize, usize),
    ids_end: (usize, usize),
    /// No other insert made ids between its parts.
    alone: bool,
    by_pool: Vec<(PoolKey, Gathered)>,
    /// The run of one pool being read.
    run: Option<(PoolKey, Gathered)>,
    unread: Vec<SeriesError>,
    read: usize,
    expected: usize,
}

/// One part of a bulk insert being read ([`Inventory::part`]). Dropping it
/// ends the part.
pub struct Part<'i> {
    inventory: &'i mut Inventory,
    loading: &'i mut Loading,
}

impl Part<'_> {
    /// Whether another item is read: not once the load has gathered as many
    /// issues as are reported.
    pub fn wants(&self) -> bool {
        self.loading.unread.len() < MAX_REPORTED_CONFLICTS
    }

    /// Reads the next item: a series' id and segments, or its issues.
    pub fn item(&mut self, item: Result<(SeriesId, Segments<'_>), Vec<SeriesError>>) {
        match item {
            Ok((id, segments)) => {
                if let Some(owner) = self.owner(&id) {
                    segments.iter().for_each(|s| self.push(owner, s));
                }
            }
            Err(issues) => {
                self.loading.read += 1;
                self.loading.unread.extend(issues);
            }
        }
    }

    /// Reads the next item when it is a series of one segment: what
    /// [`Part::item`] does with `Ok((id, Segments::One(segment)))`, without
    /// building or moving the item (measured in wasm: each move of one was
    /// a `memory.copy` call, with the rest of the general path about a
    /// sixth of a million-range load).
    pub fn segment(&mut self, id: &SeriesId, segment: &Segment<'_>) {
        if let Some(owner) = self.owner(id) {
            self.push(owner, segment);
        }
    }

    /// Counts an item read; its owner, unless an earlier one was refused
    /// (then nothing more is stored, only issues gathered).
    fn owner(&mut self, id: &SeriesId) -> Option<Owner> {
        self.loading.read += 1;
        self.loading
            .unread
            .is_empty()
            .then(|| self.inventory.ids.owner(id))
    }

    fn push(&mut self, owner: Owner, s: &Segment<'_>) {
        let loading = &mut *self.loading;
        match &mut loading.run {
            // The ranges of the pool met last, gathered apart: a bulk load
            // is mostly runs of one pool, and a map lookup per range
            // compared its key's texts (measured natively: a tenth of a
            // million-range load).
            Some((key, ranges)) if key.as_ref().same(&s.key) => ranges.push(s.first, s.last, owner),
            _ => {
                // The first pool gets room for every item still to come
                // (this one included); a load is mostly one pool.
                let first = loading.run.is_none() && loading.by_pool.is_empty();
                if let Some((key, ranges)) = loading.run.take() {
                    gather(&mut loading.by_pool, key, ranges);
                }
                let room = match first {
                    true => (loading.expected + 1).saturating_sub(loading.read),
                    false => 0,
                };
                let mut ranges = Gathered::with_capacity(room);
                ranges.push(s.first, s.last, owner);
                loading.run = Some((s.key.to_key(), ranges));
            }
        }
    }
}

impl Drop for Part<'_> {
    fn drop(&mut self) {
        self.loading.ids_end = self.inventory.ids.mark();
    }
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

    fn find(&self, key: &KeyRef<'_>) -> Option<usize> {
        // A few pools (the common case) are compared directly: hashing the
        // key cost more than the comparisons (measured natively).
        if self.pools.len() <= FEW_POOLS {
            return self.pools.iter().position(|p| p.key.as_ref().same(key));
        }
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
                    .is_some_and(|p| p.key.as_ref().same(key))
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
        self.index_pools();
        at
    }

    /// Rebuilds the lookup table from the pools (after one was added).
    fn index_pools(&mut self) {
        self.lookup = self
            .pools
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.hash(), i))
            .collect();
        self.lookup.sort_unstable();
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
            .map(|(id, segs)| Ok((id.clone(), segs.clone().into())));
        self.insert_all(items, series.len()).map_err(first_issue)
    }

    /// Stores series as they are read, all or none: items that could not
    /// be read (their issues) and collisions both cancel the whole batch.
    /// Each item's segments are grouped by pool at once and dropped, so a
    /// bulk load holds little more than the grouped ranges. `expected`:
    /// how many items are coming, if known (0 if not), so the first pool's
    /// columns are made once at their size.
    pub fn insert_all<'a>(
        &mut self,
        series: impl IntoIterator<Item = Result<(SeriesId, Segments<'a>), Vec<SeriesError>>>,
        expected: usize,
    ) -> Result<(), Vec<SeriesError>> {
        self.insert_dyn(&mut series.into_iter(), expected)
    }

    // One body for every caller's iterator type: each monomorphized copy of
    // the bulk insert cost about 7 KB of wasm, and an inlined one 0.3 KB.
    #[inline(never)]
    fn insert_dyn<'a>(
        &mut self,
        series: &mut dyn Iterator<Item = Result<(SeriesId, Segments<'a>), Vec<SeriesError>>>,
        expected: usize,
    ) -> Result<(), Vec<SeriesError>> {
        let mut loading = self.begin_load(expected);
        self.feed(&mut loading, series);
        self.finish_load(loading)
    }

    /// Starts a bulk insert fed in parts ([`Inventory::feed`], then
    /// [`Inventory::finish_load`]): what [`Inventory::insert_all`] does in
    /// one go, for a host that packs a large load a part at a time (its
    /// parts' texts need not outlive them).
    pub fn begin_load(&self, expected: usize) -> Loading {
        Loading {
            mark: self.ids.mark(),
            ids_end: self.ids.mark(),
            alone: true,
            by_pool: Vec::new(),
            run: None,
            unread: Vec::new(),
            read: 0,
            expected,
        }
    }

    /// Reads one part of a bulk insert into `loading`.
    pub fn feed<'a>(
        &mut self,
        loading: &mut Loading,
        series: &mut dyn Iterator<Item = Result<(SeriesId, Segments<'a>), Vec<SeriesError>>>,
    ) {
        let mut part = self.part(loading);
        for item in series {
            if !part.wants() {
                break;
            }
            part.item(item);
        }
    }

    /// One part of a bulk insert, read an item at a time ([`Part::item`],
    /// or [`Part::segment`] for a host that read one itself):
    /// [`Inventory::feed`] without an iterator.
    pub fn part<'i>(&'i mut self, loading: &'i mut Loading) -> Part<'i> {
        // Ids another insert made between parts are not this load's to undo.
        loading.alone &= self.ids.mark() == loading.ids_end;
        Part {
            inventory: self,
            loading,
        }
    }

    /// Ends a bulk insert: stores everything it read, or nothing (and
    /// forgets the ids it made) when an item could not be read or a range
    /// collides with another new one or a stored one.
    pub fn finish_load(&mut self, mut loading: Loading) -> Result<(), Vec<SeriesError>> {
        if let Some((key, ranges)) = loading.run.take() {
            gather(&mut loading.by_pool, key, ranges);
        }
        // The ids it made are forgotten on refusal, unless another insert
        // made ids after them (then they stay, unused).
        let undo = loading.alone && self.ids.mark() == loading.ids_end;
        if !loading.unread.is_empty() {
            return self.refuse(undo.then_some(loading.mark), loading.unread);
        }
        let mut by_pool = loading.by_pool;
        let mut conflicts = Vec::new();
        let mut total_conflicts = 0usize;
        let mut note = |c: Conflict| {
            total_conflicts += 1;
            if conflicts.len() < MAX_REPORTED_CONFLICTS {
                conflicts.push(c);
            }
        };
        by_pool.iter_mut().for_each(|(_, new)| new.sort());
        for (key, new) in &by_pool {
            let key = key.as_ref();
            let mut before: Option<(u128, Owner)> = None;
            for (b_first, b_last, b_owner) in new.triples() {
                if let Some((a_last, a_owner)) = before.filter(|&(a_last, _)| a_last >= b_first) {
                    note(Conflict {
                        id: self.ids.id(a_owner),
                        start: key.identifier(b_first),
                        end: key.identifier(a_last.min(b_last)),
                        count: a_last.min(b_last) - b_first + 1,
                    });
                }
                before = Some((b_last, b_owner));
            }
            if let Some(pool) = self.pool(&key) {
                for (first, last, _) in new.triples() {
                    for (a, b, o) in pool.hits(first, last) {
                        note(key.conflict(self.ids.id(o), a, b));
                    }
                }
            }
        }
        if total_conflicts > 0 {
            let overlap = SeriesError::Overlap {
                conflicts,
                more: total_conflicts.saturating_sub(MAX_REPORTED_CONFLICTS),
            };
            return self.refuse(undo.then_some(loading.mark), vec![overlap]);
        }
        let merge = self.merge_adjacent;
        for (key, new) in by_pool {
            let index = self.pool_index(&key.as_ref());
            if let Some(pool) = self.pools.get_mut(index) {
                // Into an empty pool (a first load), the sorted ranges are
                // its columns as they are: no merged copy to hold.
                if pool.len() == 0 && !merge {
                    pool.set_gathered(new);
                } else {
                    pool.set(&merge_sorted(pool.triples(), new.triples(), merge));
                }
            }
        }
        Ok(())
    }

    /// A refused bulk insert's answer, after forgetting the ids made since
    /// `mark` (if given).
    fn refuse(
        &mut self,
        mark: Option<(usize, usize)>,
        issues: Vec<SeriesError>,
    ) -> Result<(), Vec<SeriesError>> {
        if let Some(mark) = mark {
            self.ids.rollback(mark);
        }
        Err(issues)
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
        let columns: usize = self.pools.iter().map(|p| p.held_bytes()).sum();
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
            Ok((id.clone(), Segments::One(segment)))
        });
        self.insert_all(items, ranges.len()).map_err(first_issue)
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
