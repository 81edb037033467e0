//! Who holds a range: the host's id of a stored series, and a colliding
//! sub-range with its holder, as every answer about overlaps carries them.
//!
//! Plain data at the bottom of the crate, so that errors can carry
//! conflicts without depending on the inventory that finds them. Reading an
//! id from a host value is [`crate::inventory`]'s job.

use std::fmt;

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
