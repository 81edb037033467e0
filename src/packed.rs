//! The packed text: the one wire format of the bindings whose hosts pay
//! per value crossed (wasm-bindgen's JS wrapper, and the component's bulk
//! functions for hosts such as wasmtime-py). Many values cross as one
//! string instead of one call or one record each.
//!
//! Records are split by RS (U+001E) and fields by US (U+001F); a list of
//! answers by FS (U+001C), or GS (U+001D) where a validation list or an
//! `OVERLAP`'s conflicts follow. Identifiers, scopes, ids and messages
//! never hold a control character (the core refuses them), so no field can
//! hold a separator.
//!
//! ```text
//! validation: ok US count US start US end, then RS code US field US message per issue
//! failure:    0, then the issues; after GS the conflicts of an OVERLAP
//! conflicts:  1, then RS id US start US end US count per conflict
//! ```
//! `ok` is `1` or `0`; count, start and end are empty when there is no
//! range; start and end are empty too where they equal what was given (a
//! validation's ends; a conflict's first start and last end, where they are
//! the query's own, see [`push_hit`]). An
//! id is tagged with its type: `n` + number or `s` + text.

use std::fmt::Write;

use crate::inventory::{Conflict, KeyRef, SeriesId};
use crate::range::SeriesRange;
use crate::SeriesError;

/// Record separator.
pub const RS: char = '\u{1e}';
/// Field separator.
pub const US: char = '\u{1f}';
/// Group separator: between validations, and before an `OVERLAP`'s conflicts.
pub const GS: char = '\u{1d}';
/// File separator: between the answers of a list of queries.
pub const FS: char = '\u{1c}';

/// The records of packed text, each an iterator over its fields; none for
/// empty text.
///
/// ```
/// use seriesguard::packed::records;
/// let read: Vec<Vec<&str>> = records("V1\u{1f}V9\u{1e}W1\u{1f}W2").map(Iterator::collect).collect();
/// assert_eq!(read, [["V1", "V9"], ["W1", "W2"]]);
/// assert_eq!(records("").count(), 0);
/// ```
pub fn records(text: &str) -> impl Iterator<Item = impl Iterator<Item = &str>> {
    pieces(text, RS)
        .filter(move |_| !text.is_empty())
        .map(fields)
}

/// The fields of one record.
pub fn fields(record: &str) -> impl Iterator<Item = &str> {
    pieces(record, US)
}

/// The pieces of `text` between `separator`s (an ASCII character), as
/// `str::split` gives them. A byte loop: records and fields are a few
/// bytes long, where `split`'s memchr cost more than it saved (measured in
/// wasm: a third of a bulk validation's time).
pub(crate) fn pieces(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let separator = separator as u8;
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let (piece, next) = cut(rest?, separator);
        rest = next;
        Some(piece)
    })
}

/// `text` up to the first `separator`, and what follows it, if any. One
/// body for every reader (inlined into each, it cost 0.8 KB gzipped).
#[inline(never)]
pub(crate) fn cut(text: &str, separator: u8) -> (&str, Option<&str>) {
    match text.bytes().position(|b| b == separator) {
        // The separator is ASCII, so both cuts fall between characters.
        Some(at) => (text.get(..at).unwrap_or_default(), text.get(at + 1..)),
        None => (text, None),
    }
}

/// Writes a validation outcome; start and end are left empty when they
/// equal the `given` strings (the host still holds them: less to decode).
pub fn push_validation(
    out: &mut String,
    range: Option<&SeriesRange<'_>>,
    issues: &[SeriesError],
    given: Option<(&str, &str)>,
) {
    match range {
        Some(range) => {
            let (start, end) = (range.start_text(), range.end_text());
            let (start, end) = match given {
                Some((a, b)) => (
                    if a == start { "" } else { &*start },
                    if b == end { "" } else { &*end },
                ),
                None => (&*start, &*end),
            };
            push_head(out, issues.is_empty(), range.count().0, start, end);
        }
        None => push_no_range(out, issues.is_empty()),
    }
    push_issues(out, issues);
}

/// The head of a validation without a range: `ok US US US`.
fn push_no_range(out: &mut String, ok: bool) {
    out.push(if ok { '1' } else { '0' });
    out.push(US);
    out.push(US);
    out.push(US);
}

/// Writes what [`push_validation`] writes for a series refused only for
/// its start after its end (`START_AFTER_END`, the common refusal), from
/// the borrowed ends: no issue is built, so nothing is allocated.
pub fn push_after_end(out: &mut String, start: &str, end: &str) {
    push_no_range(out, false);
    // The issue's code and field, from an issue without ends (empty
    // strings allocate nothing); its message from the borrowed ends.
    push_issue_head(
        out,
        &SeriesError::StartAfterEnd {
            start: String::new(),
            end: String::new(),
        },
    );
    for piece in SeriesError::after_end_message(start, end) {
        out.push_str(piece);
    }
}

/// Writes a validation's head, `ok US count US start US end`: what
/// [`push_validation`] writes for a range, and the whole answer for a
/// valid series counted by [`crate::range::simple_check`] (`start` and
/// `end` empty where the caller's own strings stand).
pub fn push_head(out: &mut String, ok: bool, count: u128, start: &str, end: &str) {
    out.push(if ok { '1' } else { '0' });
    let _ = write!(out, "{US}{count}{US}{start}{US}{end}");
}

/// Writes `n` in decimal, as `write!` would, without `core::fmt` when it
/// fits 64 bits (measured: formatting an id and a count was a twentieth of
/// a query answering one conflict).
#[cfg(feature = "full")]
pub fn push_number<N: Into<u128> + std::fmt::Display>(out: &mut String, n: N) {
    push_decimal(out, n.into());
}

#[cfg(feature = "full")]
fn push_decimal(out: &mut String, n: u128) {
    let Ok(mut n) = u64::try_from(n) else {
        let _ = write!(out, "{n}");
        return;
    };
    let mut digits = [b'0'; 20];
    let mut from = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        from -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(digits.get(from..).unwrap_or_default()).unwrap_or_default());
}

/// [`push_number`] where the bindings answer no queries (the form entry,
/// the component): `core::fmt`, which they keep for messages, writes it
/// (the form entry stays 0.2 KB smaller).
#[cfg(not(feature = "full"))]
pub fn push_number<N: Into<u128> + std::fmt::Display>(out: &mut String, n: N) {
    let _ = write!(out, "{n}");
}

/// Writes each issue as `RS code US field US message`.
pub fn push_issues(out: &mut String, issues: &[SeriesError]) {
    for issue in issues {
        push_issue_head(out, issue);
        let _ = write!(out, "{issue}");
    }
}

/// An issue's record up to its message: `RS code US field US`.
fn push_issue_head(out: &mut String, issue: &SeriesError) {
    out.push(RS);
    out.push_str(issue.code());
    out.push(US);
    out.push_str(issue.field().as_str());
    out.push(US);
}

/// `s` + text or `n` + number: an id with its type.
pub fn push_id(out: &mut String, id: &SeriesId) {
    let _ = match id {
        // The form entry answers no queries: formatted as a message is
        // (0.02 KB less there).
        SeriesId::Number(n) if cfg!(feature = "full") => {
            out.push('n');
            push_number(out, *n);
            Ok(())
        }
        SeriesId::Number(n) => write!(out, "n{n}"),
        SeriesId::Text(t) => write!(out, "s{t}"),
    };
}

/// Writes each conflict as `RS id US start US end US count`.
pub fn push_conflicts(out: &mut String, conflicts: &[Conflict]) {
    for c in conflicts {
        push_conflict(out, &c.id, &c.start, &c.end, c.count);
    }
}

/// Writes one conflict record, `RS id US start US end US count`.
fn push_conflict(out: &mut String, id: &SeriesId, start: &str, end: &str, count: u128) {
    out.push(RS);
    push_id(out, id);
    out.push(US);
    out.push_str(start);
    out.push(US);
    out.push_str(end);
    out.push(US);
    push_number(out, count);
}

/// Writes the conflict `first..=last` of `key`'s pool held by `id` as
/// [`push_conflicts`] writes it, building only the identifiers it writes:
/// start and end are left empty where `given` says the host holds them.
pub fn push_hit(
    out: &mut String,
    key: &KeyRef<'_>,
    (first, last): (u128, u128),
    id: &SeriesId,
    given: (bool, bool),
) {
    let text = |skip: bool, body: u128| {
        if skip {
            String::new()
        } else {
            key.identifier(body)
        }
    };
    let (start, end) = (text(given.0, first), text(given.1, last));
    push_conflict(out, id, &start, &end, last - first + 1);
}

/// Writes `0`, the issues, then after GS the conflicts of an `OVERLAP` among them.
pub fn push_failure(out: &mut String, issues: &[SeriesError]) {
    out.push('0');
    push_issues(out, issues);
    for issue in issues {
        if let SeriesError::Overlap { conflicts, .. } = issue {
            out.push(GS);
            push_conflicts(out, conflicts);
        }
    }
}

/// Writes `1` and the conflicts, or the failure.
pub fn push_conflicts_or(out: &mut String, result: &Result<Vec<Conflict>, Vec<SeriesError>>) {
    match result {
        Ok(list) => {
            out.push('1');
            push_conflicts(out, list);
        }
        Err(issues) => push_failure(out, issues),
    }
}
