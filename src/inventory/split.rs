//! Cutting a series into chunks of at most so many members.

use super::{Piece, MAX_CHUNKS};
use crate::error::{Field, Invalid, SeriesError};
use crate::input::Value;
use crate::range::SeriesRange;

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
