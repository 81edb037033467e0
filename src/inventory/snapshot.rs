//! The snapshot: its JSON writer, and the reading of one whatever carried
//! it (a binding hands over its header and its records in order).

use super::{Errors, Inventory, KeyRef, Segments, SeriesId};
use crate::error::{Field, Invalid, SeriesError};
use crate::formats::{stored_name, Format};
use crate::input::Value;
use crate::json::json_string;

/// The snapshot format's name, written into every snapshot.
pub const SNAPSHOT_FORMAT: &str = "seriesguard-index";

/// One record of a snapshot, in the order the snapshot lists them: a pool,
/// then the ranges held in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'a> {
    /// A pool's key: the ranges after it are in this pool.
    Pool {
        /// `prefix`
        prefix: Value<'a>,
        /// `suffix`
        suffix: Value<'a>,
        /// `width`
        width: Value<'a>,
        /// `scheme`
        scheme: Value<'a>,
        /// `scope`
        scope: Value<'a>,
    },
    /// A range of the last pool: its first and last serials, and its id.
    Range {
        /// The first serial, decimal.
        first: Value<'a>,
        /// The last serial, decimal.
        last: Value<'a>,
        /// The series' id.
        id: Value<'a>,
    },
    /// Anything else where a pool or a range should be.
    Malformed,
}

/// A snapshot's head: `format`, `version` and `rules.format` as found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Head<'a> {
    /// `format`: [`SNAPSHOT_FORMAT`].
    pub format: Value<'a>,
    /// `version`: 1.
    pub version: Value<'a>,
    /// `rules.format`: the format its series were validated under.
    pub rules_format: Value<'a>,
}

impl Head<'_> {
    /// The rules an index loading this snapshot takes when the host gives
    /// none: the format the snapshot's series were validated under, read as
    /// `rules.format` is (a name that is no format is `RULES_INVALID`).
    pub fn rules(&self) -> (crate::range::SeriesRules, Vec<SeriesError>) {
        let values = crate::range::RuleValues {
            format: self.rules_format,
            ..crate::range::RuleValues::default()
        };
        crate::range::SeriesRules::from_values(&values)
    }
}

fn malformed(what: &'static str) -> Vec<SeriesError> {
    vec![SeriesError::Invalid {
        field: Field::Snapshot,
        reason: Invalid::Rule(what),
    }]
}

impl Inventory {
    /// Loads a snapshot, all or none: its head checked (format, version,
    /// and the rules it was written under against this inventory's), then
    /// every range of every pool stored as [`Inventory::insert_all`] does.
    ///
    /// ```
    /// use seriesguard::input::Value;
    /// use seriesguard::inventory::{Head, Inventory, Item};
    /// let head = Head { format: Value::Text("seriesguard-index"), version: Value::Number(1.0), rules_format: Value::Absent };
    /// let t = Value::Text;
    /// let items = [
    ///     Item::Pool { prefix: t("V"), suffix: t(""), width: Value::Number(8.0), scheme: t("none"), scope: t("") },
    ///     Item::Range { first: t("10000051"), last: t("10000060"), id: t("S1") },
    /// ];
    /// let mut index = Inventory::new(false);
    /// index.load_snapshot(head, items.into_iter()).unwrap();
    /// assert_eq!(index.ranges(), 1);
    /// let err = Inventory::new(false).load_snapshot(head, [items[1]].into_iter()).unwrap_err();
    /// assert_eq!(err[0].to_string(), "snapshot has a range before any pool");
    /// ```
    pub fn load_snapshot<'a>(
        &mut self,
        head: Head<'_>,
        items: impl Iterator<Item = Item<'a>>,
    ) -> Result<(), Vec<SeriesError>> {
        if head.format != Value::Text(SNAPSHOT_FORMAT) || head.version.as_exact_u128() != Some(1) {
            return Err(malformed(
                "must be a seriesguard-index snapshot of version 1 (as toJSON() writes it)",
            ));
        }
        self.check_snapshot_rules(head.rules_format)
            .map_err(|e| vec![e])?;
        let mut key: Option<KeyRef<'a>> = None;
        let ranges = items.filter_map(move |item| match item {
            Item::Pool {
                prefix: Value::Text(prefix),
                suffix: Value::Text(suffix),
                width,
                scheme: Value::Text(scheme),
                scope,
            } => match KeyRef::from_parts(prefix, suffix, width, scheme, scope, Field::Snapshot) {
                Ok(pool) => {
                    key = Some(pool);
                    None
                }
                Err(e) => Some(Err(vec![e])),
            },
            Item::Range { first, last, id } => Some(range(key, first, last, id)),
            _ => Some(Err(malformed(
                "must be { format, version: 1, pools: [{ prefix, suffix, width, scheme, scope, ranges: [[first, last, id]] }] }",
            ))),
        });
        self.insert_all(ranges, 0)
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

/// A snapshot's range in its pool, ready to store.
fn range<'a>(
    key: Option<KeyRef<'a>>,
    first: Value<'_>,
    last: Value<'_>,
    id: Value<'_>,
) -> Result<(SeriesId, Segments<'a>), Errors> {
    let Some(key) = key else {
        return Err(malformed("has a range before any pool"));
    };
    let (Some(a), Some(b)) = (first.as_exact_u128(), last.as_exact_u128()) else {
        return Err(malformed(
            "has a range whose first or last is not a decimal serial",
        ));
    };
    let segment = key.segment(a, b).map_err(|e| vec![e])?;
    let id = SeriesId::from_value(id).map_err(|e| vec![e])?;
    Ok((id, Segments::One(segment)))
}
