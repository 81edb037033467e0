//! The JSON snapshot: its writer and the check of a snapshot's rules.

use super::{Inventory, SeriesId};
use crate::error::{Field, Invalid, SeriesError};
use crate::formats::{stored_name, Format};
use crate::input::Value;
use crate::json::json_string;

/// The snapshot format's name, written into every snapshot.
pub const SNAPSHOT_FORMAT: &str = "seriesguard-index";

impl Inventory {
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
