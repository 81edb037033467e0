//! Instants and durations as hosts give them: the core never reads a clock.
//!
//! An instant is epoch milliseconds (an integer) or an ISO 8601 text in UTC
//! or with an offset (`2026-11-27T19:00:00Z`, `2026-11-27T21:00:00.5+02:00`);
//! answers always write `YYYY-MM-DDTHH:MM:SS.mmmZ`. Instants run from 1970
//! to the end of 9999, so every sum of an instant and a policy's duration
//! stays exact in `i64` milliseconds.

use crate::error::{Field, Invalid, SeriesError};
use crate::input::Value;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// The last instant accepted: 9999-12-31T23:59:59.999Z.
pub const MAX_MILLIS: Millis = 253_402_300_799_999;

/// One day in milliseconds.
pub const DAY: Millis = 86_400_000;

fn invalid(field: Field, why: &'static str) -> SeriesError {
    SeriesError::Invalid {
        field,
        reason: Invalid::Rule(why),
    }
}

/// Reads an instant: epoch milliseconds or an ISO 8601 text.
///
/// ```
/// use seriesguard::{input::Value, lifecycle::time::{instant, iso}};
/// let at = instant(Value::Text("2026-11-27T21:00:00.5+02:00")).unwrap();
/// assert_eq!(iso(at), "2026-11-27T19:00:00.500Z");
/// assert_eq!(instant(Value::Text("1800000")), Ok(1_800_000));
/// assert_eq!(instant(Value::Text("2026-02-30T00:00:00Z")).unwrap_err().code(), "TIME_INVALID");
/// ```
pub fn instant(value: Value<'_>) -> Result<Millis, SeriesError> {
    const WHY: &str = "must be epoch milliseconds or an ISO 8601 instant (2026-11-27T19:00:00Z) from 1970 to 9999";
    let ms = match value {
        Value::Absent => return Err(SeriesError::Required { field: Field::Time }),
        Value::Text(text) if text.trim().bytes().all(|b| b.is_ascii_digit()) => {
            value.as_exact_u128()
        }
        Value::Text(text) => {
            return parse_iso(text.trim()).ok_or_else(|| invalid(Field::Time, WHY))
        }
        other => other.as_exact_u128(),
    };
    ms.and_then(|ms| Millis::try_from(ms).ok())
        .filter(|ms| *ms <= MAX_MILLIS)
        .ok_or_else(|| invalid(Field::Time, WHY))
}

/// Reads a duration, at least 1 ms and at most ten years: milliseconds,
/// or an ISO 8601 duration of whole days, hours, minutes and seconds.
///
/// ```
/// use seriesguard::{error::Field, input::Value, lifecycle::time::duration};
/// assert_eq!(duration(Value::Text("PT30M"), Field::Ttl), Ok(1_800_000));
/// assert_eq!(duration(Value::Text("P1DT2H"), Field::Ttl), Ok(93_600_000));
/// assert_eq!(duration(Value::Number(1500.0), Field::Ttl), Ok(1500));
/// assert_eq!(duration(Value::Text("PT"), Field::Ttl).unwrap_err().to_string(),
///     "ttl must be milliseconds or an ISO 8601 duration (PT30M, P1DT12H) from 1 ms to ten years");
/// ```
pub fn duration(value: Value<'_>, field: Field) -> Result<Millis, SeriesError> {
    let ms = match value {
        Value::Text(text) if text.trim().starts_with(['P', 'p']) => iso_duration(text.trim()),
        other => other.as_exact_u128(),
    };
    ms.filter(|ms| (1..=3_660 * DAY as u128).contains(ms))
        .map(|ms| ms as Millis)
        .ok_or_else(|| {
            invalid(
                field,
                "must be milliseconds or an ISO 8601 duration (PT30M, P1DT12H) from 1 ms to ten years",
            )
        })
}

/// `P[nD][T[nH][nM][nS]]` in milliseconds (at least one part).
fn iso_duration(text: &str) -> Option<u128> {
    let rest = text.get(1..)?.to_ascii_uppercase();
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date.to_owned(), Some(time.to_owned())),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total: u128 = 0;
    let mut parts = 0;
    let mut add = |part: &str, units: &[(char, u128)]| -> Option<()> {
        let mut rest = part;
        let mut unit_index = 0;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let number = crate::serial::parse_digits(rest.get(..digits)?.as_bytes())?;
            let unit = rest.get(digits..)?.chars().next()?;
            let offset = units
                .get(unit_index..)?
                .iter()
                .position(|(u, _)| *u == unit)?;
            let (_, size) = units.get(unit_index + offset)?;
            total = total.checked_add(number.checked_mul(*size)?)?;
            parts += 1;
            unit_index += offset + 1;
            rest = rest.get(digits + 1..)?;
        }
        Some(())
    };
    add(&date, &[('D', DAY as u128)])?;
    if let Some(time) = time {
        add(&time, &[('H', 3_600_000), ('M', 60_000), ('S', 1000)])?;
    }
    (parts > 0).then_some(total)
}

/// `at + span`, refused past the last instant.
pub fn later(at: Millis, span: Millis) -> Result<Millis, SeriesError> {
    at.checked_add(span)
        .filter(|t| *t <= MAX_MILLIS)
        .ok_or_else(|| invalid(Field::Time, "ends after 9999-12-31"))
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
}

fn parse_iso(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    let field = |from: usize, to: usize| b.get(from..to).and_then(digits);
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-')
        && sep(7, b'-')
        && (sep(10, b'T') || sep(10, b't'))
        && sep(13, b':')
        && sep(16, b':'))
    {
        return None;
    }
    let (year, month, day) = (field(0, 4)?, field(5, 7)?, field(8, 10)?);
    let (hour, minute, second) = (field(11, 13)?, field(14, 16)?, field(17, 19)?);
    if !(1..=12).contains(&month) || day < 1 || day > month_days(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if sep(at, b'.') {
        let fraction = b.get(at + 1..)?;
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return None;
        }
        let ms = fraction.get(..n.min(3))?;
        millis = digits(ms)? * [100, 10, 1].get(ms.len() - 1)?;
        at += 1 + n;
    }
    let offset = match b.get(at..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let ms = ((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + millis;
    (0..=MAX_MILLIS).contains(&ms).then_some(ms)
}

fn month_days(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Days between 1970-01-01 and a civil date, and back (the proleptic
// Gregorian calendar, by eras of 400 years).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// An instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn iso(at: Millis) -> String {
    let (days, ms) = (at.div_euclid(DAY), at.rem_euclid(DAY));
    let (year, month, day) = civil_from_days(days);
    let (s, milli) = (ms / 1000, ms % 1000);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_instants() {
        let read = |t| instant(Value::Text(t));
        assert_eq!(read("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(read("2000-02-29T12:00:00.123Z"), Ok(951_825_600_123));
        assert_eq!(read("9999-12-31T23:59:59.999Z"), Ok(MAX_MILLIS));
        assert_eq!(
            read("2026-11-27T19:00:00.123456789Z"),
            read("2026-11-27T19:00:00.123Z")
        );
        for bad in [
            "1969-12-31T23:59:59Z",
            "2026-11-27 19:00:00Z",
            "2026-11-27T19:00:00",
            "2026-13-01T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T19:00:00.Z",
            "2026-11-27T19:00:00+2:00",
            "１９７０-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(
                read(bad).map_err(|e| e.code()),
                Err("TIME_INVALID"),
                "{bad}"
            );
        }
        assert_eq!(
            instant(Value::Number(f64::NAN)).map_err(|e| e.code()),
            Err("TIME_INVALID")
        );
        assert_eq!(
            instant(Value::Number(-1.0)).map_err(|e| e.code()),
            Err("TIME_INVALID")
        );
        assert_eq!(
            instant(Value::Absent).map_err(|e| e.code()),
            Err("TIME_INVALID")
        );
    }

    proptest! {
        #[test]
        fn iso_round_trips(at in 0..=MAX_MILLIS) {
            prop_assert_eq!(instant(Value::Text(&iso(at))), Ok(at));
        }
    }
}
