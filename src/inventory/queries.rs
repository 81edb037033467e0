//! What the inventory answers without changing: overlaps, gaps, plans and
//! free blocks.

use super::pool::{scope_of, widths};
use super::{
    Conflict, Errors, Inventory, KeyRef, Piece, Plan, PoolKey, PoolValues, Segment, SeriesId,
};
use crate::error::{Field, Invalid, SeriesError};
use crate::input::Value;
use crate::range::{range_of, simple_span, SeriesRange, SeriesRules};

impl Inventory {
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

    /// The yes/no query of a series given as two strings, in `scope`:
    /// `None` when the series or the scope is not valid (the general path
    /// reports why). A series of one pool read in one pass
    /// ([`simple_span`]) is looked up without building its range (measured
    /// in wasm: building and moving it was a fifth of the query); any other
    /// is read in full ([`range_of`]).
    ///
    /// ```
    /// use seriesguard::{input::Value, inventory::{series_segments, Inventory, SeriesId}, range::SeriesRules};
    /// let rules = SeriesRules::default();
    /// let mut index = Inventory::new(false);
    /// let stored = series_segments(Value::Text("V10000051"), Value::Text("V10000060"), Value::Absent, &rules).unwrap();
    /// index.insert(&SeriesId::Number(1), &stored).unwrap();
    /// assert_eq!(index.any_overlap_text("V10000060", "V10000070", Value::Absent, &rules), Some(true));
    /// assert_eq!(index.any_overlap_text("V9", "V10000050", Value::Absent, &rules), Some(false));
    /// assert_eq!(index.any_overlap_text("V2", "V1", Value::Absent, &rules), None);
    /// ```
    pub fn any_overlap_text(
        &self,
        start: &str,
        end: &str,
        scope: Value<'_>,
        rules: &SeriesRules,
    ) -> Option<bool> {
        let scope = scope_of(scope).ok()?;
        if let Some(span) = simple_span(start, end, rules) {
            return Some(self.any_overlap(&[span.segment(rules.scheme, scope)]));
        }
        let range = range_of(Value::Text(start), Value::Text(end), rules).ok()?;
        Some(self.any_overlap_in(&range, scope))
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
        self.each_overlap(segments, &mut |s, a, b, id| {
            out.push(s.key.conflict(id, a, b));
        });
        out
    }

    /// What [`Inventory::overlaps`] answers, handed to `f` one colliding
    /// sub-range at a time (its segment, first and last serial, holder)
    /// without building its identifiers: a caller writing an answer writes
    /// only those it needs.
    pub fn each_overlap<'s>(
        &self,
        segments: &'s [Segment<'s>],
        f: &mut dyn FnMut(&'s Segment<'s>, u128, u128, SeriesId),
    ) {
        for s in segments {
            if let Some(pool) = self.pool(&s.key) {
                for (a, b, o) in pool.hits(s.first, s.last) {
                    f(s, a, b, self.ids.id(o));
                }
            }
        }
    }

    /// The stored ranges touching a segment, whole (not clipped), as
    /// `(first, last, id)`: what a store's `overlapping()` returns.
    pub fn stored(&self, segment: &Segment<'_>) -> Vec<(u128, u128, SeriesId)> {
        self.pool(&segment.key).map_or_else(Vec::new, |pool| {
            pool.triples_from(pool.first_touching(segment.first))
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
}
