//! `range::simple_range` and `range::simple_count`, the one-pass reading
//! of the common series, against `range::validate`: they answer exactly
//! when validation finds a valid series whose ends need no rewriting, with
//! the same range and count, under rules they decide; never otherwise.
//! And `range::range_of`, which reads that way first, answers as
//! validation does for every input; `range::simple_span` (the yes/no
//! query's reading) gives `simple_range`'s parts for ends of one width.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use seriesguard::check_digit::Scheme;
use seriesguard::error::SeriesError;
use seriesguard::formats::Format;
use seriesguard::input::Value;
use seriesguard::inventory::{segments, series_segments};
use seriesguard::range::{
    range_of, simple_check, simple_range, simple_span, validate, validated, SeriesRules, Simple,
    Span,
};

/// Identifiers close to each other: a shared or differing prefix and
/// suffix, digit runs of 1 to 40 digits, sometimes spaces, separators,
/// non-ASCII digits or control characters.
fn identifier() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec!["", "", "V", "AB-", "020", "V1X", " V", "Ｖ", "v"]);
    let digit = || prop::sample::select(vec!['0', '1', '2', '5', '7', '9']);
    let noisy = prop::sample::select(vec!['0', '1', '9', '٣', '-', ' ']);
    let digits = prop_oneof![
        8 => prop::collection::vec(digit(), 1..20),
        1 => prop::collection::vec(digit(), 20..42),
        1 => prop::collection::vec(noisy, 0..12),
    ];
    let suffix = prop::sample::select(vec!["", "", "X", "-GB", "\t", " "]);
    (prefix, digits, suffix)
        .prop_map(|(p, d, s)| format!("{p}{}{s}", d.into_iter().collect::<String>()))
}

/// An end near a start: the start's digit run moved by a little (written
/// at its width, or without leading zeros, or one digit longer), or
/// another identifier.
fn pair() -> impl Strategy<Value = (String, String)> {
    (identifier(), identifier(), -500i64..1000, 0u8..4).prop_map(|(a, b, delta, how)| {
        let bytes = a.as_bytes();
        let Some(last) = bytes.iter().rposition(u8::is_ascii_digit) else {
            return (a, b);
        };
        let first = bytes[..=last]
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let width = last + 1 - first;
        let Ok(value) = a[first..=last].parse::<u128>() else {
            return (a, b);
        };
        let moved = value.saturating_add_signed(i128::from(delta));
        let digits = match how {
            0 => return (a, b),
            1 => format!("{moved:0width$}"),
            2 => moved.to_string(),
            _ => format!("{moved:0w$}", w = width + 1),
        };
        (
            a.clone(),
            format!("{}{digits}{}", &a[..first], &a[last + 1..]),
        )
    })
}

fn rules() -> impl Strategy<Value = SeriesRules> {
    (
        prop::option::of(1usize..12),
        prop::option::of(prop::sample::select(vec!["V".to_owned(), "020".to_owned()])),
        prop::option::of(1u128..600),
        any::<bool>(),
        prop::sample::select(vec![Scheme::None, Scheme::None, Scheme::None, Scheme::Luhn]),
        prop::option::of(prop::sample::select(vec![Format::Awb, Format::Imei])),
        0u8..4,
    )
        .prop_map(
            |(width, prefix, max_count, numeric_only, scheme, format, plain)| {
                // A quarter of the cases: the defaults, the common case.
                if plain == 0 {
                    return SeriesRules::default();
                }
                SeriesRules {
                    width,
                    prefix: prefix.filter(|_| plain == 1),
                    max_count,
                    numeric_only,
                    scheme: format.map_or(scheme, |f| f.scheme()),
                    format: format.filter(|_| plain == 1),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]
    #[test]
    fn answers_exactly_when_validation_finds_an_unchanged_valid_series(
        (start, end) in pair(),
        rules in rules(),
    ) {
        let v = validate(Value::Text(&start), Value::Text(&end), &rules);
        let unchanged = v.range.is_some_and(|r| r.start_text() == start && r.end_text() == end);
        let decided = rules.format.is_none() && rules.scheme == Scheme::None && rules.prefix.is_none();
        let simple = (v.ok() && unchanged && decided).then(|| v.range.unwrap());
        prop_assert_eq!(simple_range(&start, &end, &rules), simple, "{:?}", v.issues);
        // Without the range, for bodies of up to 19 digits: the count, or
        // the common refusal (only the start after the end, as given).
        let short = [&start, &end].iter().all(|t| last_digit_run(t) <= 19);
        let after = SeriesError::StartAfterEnd { start: start.clone(), end: end.clone() };
        let check = match simple {
            Some(range) if short => Some(Simple::Count(range.count().0)),
            None if decided && short && v.issues == [after] => Some(Simple::AfterEnd),
            _ => None,
        };
        prop_assert_eq!(simple_check(&start, &end, &rules), check, "{:?}", v.issues);
        let general = match v.range {
            Some(range) if v.ok() => Ok(range),
            _ => Err(v.issues.clone()),
        };
        prop_assert_eq!(range_of(Value::Text(&start), Value::Text(&end), &rules), general);
        // The yes/no query's reading: simple_range's parts, for ends of one width.
        let span = simple_range(&start, &end, &rules)
            .filter(|r| r.start().width() == r.end().width())
            .map(|r| Span {
                prefix: r.start().prefix(),
                suffix: r.start().suffix(),
                width: r.start().width(),
                first: r.start().body(),
                last: r.end().body(),
            });
        prop_assert_eq!(simple_span(&start, &end, &rules), span);
        // Segments read by the one-pass readings first are the general reading's.
        let general = validated(Value::Text(&start), Value::Text(&end), &rules)
            .map(|range| segments(&range, "hub"));
        let read = series_segments(Value::Text(&start), Value::Text(&end), Value::Text("hub"), &rules);
        prop_assert_eq!(read.map(|s| s.to_vec()), general);
    }
}

/// How many digits the last digit run of `text` has.
fn last_digit_run(text: &str) -> usize {
    let bytes = text
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .as_bytes();
    bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// The count [`simple_check`] gives, if any.
fn simple_count(start: &str, end: &str, rules: &SeriesRules) -> Option<u128> {
    match simple_check(start, end, rules) {
        Some(Simple::Count(count)) => Some(count),
        _ => None,
    }
}

#[test]
fn the_common_cases() {
    let plain = SeriesRules::default();
    let cases = [
        ("V10000051", "V10000060", Some(Simple::Count(10))),
        ("9", "12", Some(Simple::Count(4))),
        ("09", "12", Some(Simple::Count(4))),
        ("0009", "0012", Some(Simple::Count(4))),
        ("0009", "12", None),
        ("AB-000123-X", "AB-000130-X", Some(Simple::Count(8))),
        ("AB-000123-X", "AB-000130-Y", None),
        ("V10000060", "V10000051", Some(Simple::AfterEnd)),
        ("12", "9", Some(Simple::AfterEnd)),
        (" V10000051", "V10000060", None),
        ("V1000005١", "V10000060", None),
        (
            "1234567890123456789",
            "1234567890123456799",
            Some(Simple::Count(11)),
        ),
        (
            "12345678901234567890123456789012345678",
            "12345678901234567890123456789012345679",
            None,
        ),
    ];
    for (start, end, check) in cases {
        assert_eq!(simple_check(start, end, &plain), check, "{start}..{end}");
    }
    let luhn = SeriesRules {
        scheme: Scheme::Luhn,
        ..SeriesRules::default()
    };
    assert_eq!(simple_count("79927398713", "79927398721", &luhn), None);
    let small = SeriesRules {
        max_count: Some(9),
        ..SeriesRules::default()
    };
    assert_eq!(simple_count("V10000051", "V10000060", &small), None);
    let two = SeriesRules {
        width: Some(2),
        ..SeriesRules::default()
    };
    assert_eq!(simple_count("90", "99", &two), Some(10));
    assert_eq!(simple_count("99", "100", &two), None);
    let numeric = SeriesRules {
        numeric_only: true,
        ..SeriesRules::default()
    };
    assert_eq!(simple_count("V10000051", "V10000060", &numeric), None);
    assert_eq!(simple_count("10000051", "10000060", &numeric), Some(10));
}
