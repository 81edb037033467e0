//! One identifier, one identity: under every named format, a series counts
//! exactly the valid identifiers between its ends, every spelling the
//! format allows lands in one pool, and `checkDigit` agrees with
//! `verifyCheckDigit`. Checked by enumeration on small random series.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use seriesguard::formats::{Format, FORMATS};
use seriesguard::input::Value;
use seriesguard::inventory::{series_segments, Inventory, SeriesId};
use seriesguard::range::{check_digit_of, validate, verify_check_digit, RuleValues, SeriesRules};
use seriesguard::serial::format_checked;

fn rules(format: Format) -> SeriesRules {
    SeriesRules::from_values(&RuleValues {
        format: Value::Text(format.name()),
        ..RuleValues::default()
    })
    .0
}

/// The parts of an identifier of `format` with a serial of `width` digits.
fn shape(format: Format, pick: u32) -> (String, &'static str) {
    match format {
        Format::Awb => (format!("{:03}", pick % 1000), ""),
        Format::S10 => (
            ["RR", "EE", "CP", "LX"][pick as usize % 4].to_owned(),
            ["GB", "DE", "US"][pick as usize % 3],
        ),
        _ => (String::new(), ""),
    }
}

/// The identifier of `serial`, spelled with the separators `format` allows
/// (the AWB hyphen; hyphens or spaces between digit groups) when `spell`.
fn spelled(
    format: Format,
    prefix: &str,
    serial: u128,
    width: usize,
    suffix: &str,
    spell: u32,
) -> String {
    let plain = format_checked(prefix, serial, width, format.scheme(), suffix);
    if spell == 0 {
        return plain;
    }
    match format {
        Format::Awb => format!("{prefix}-{}", &plain[prefix.len()..]),
        _ if format.allows_grouping() => {
            let sep = if spell % 2 == 0 { '-' } else { ' ' };
            let mut out = String::new();
            for (i, c) in plain.chars().enumerate() {
                // A separator every `spell + 1` digits, never at the ends.
                if i > 0 && i % (spell as usize + 1) == 0 {
                    out.push(sep);
                }
                out.push(c);
            }
            out
        }
        _ => plain,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counts_are_the_valid_identifiers_between_the_ends(
        which in 0usize..FORMATS.len(),
        length in 0usize..4,
        pick in any::<u32>(),
        seed in any::<u64>(),
        span in 0u128..30,
        spell_start in 0u32..4,
        spell_end in 0u32..4,
    ) {
        let format = FORMATS[which];
        let counts = format.digit_counts();
        let width = counts[length % counts.len()] - 1;
        let (prefix, suffix) = shape(format, pick);
        let max = 10u128.pow(width as u32) - 1;
        let first = u128::from(seed) % (max - span + 1);
        let last = first + span;
        let rules = rules(format);
        let start = spelled(format, &prefix, first, width, suffix, spell_start);
        let end = spelled(format, &prefix, last, width, suffix, spell_end);
        let v = validate(Value::Text(&start), Value::Text(&end), &rules);
        prop_assert!(v.ok(), "{start}..{end}: {:?}", v.issues);
        let range = v.range.unwrap();

        // Every identifier of the pool between the ends, every check digit tried.
        let mut valid = 0u128;
        for serial in first..=last {
            for check in 0..10u8 {
                let digits = format!("{serial:0width$}{check}");
                let id = format!("{prefix}{digits}{suffix}");
                if verify_check_digit(Value::Text(format.name()), Value::Text(&id)).unwrap() {
                    valid += 1;
                }
            }
        }
        prop_assert_eq!(range.count().0, valid);

        // One canonical spelling, whatever was typed.
        prop_assert_eq!(range.start_text(), format_checked(&prefix, first, width, format.scheme(), suffix));
        prop_assert_eq!(range.end_text(), format_checked(&prefix, last, width, format.scheme(), suffix));

        // checkDigit of the identifier without its check digit agrees.
        let canonical = range.start_text();
        let without = format!("{}{}", &canonical[..canonical.len() - suffix.len() - 1], suffix);
        let digit = check_digit_of(Value::Text(format.name()), Value::Text(&without)).unwrap();
        prop_assert_eq!(Some(char::from(b'0' + digit)), canonical.chars().nth(canonical.len() - suffix.len() - 1));
    }

    #[test]
    fn every_spelling_lands_in_one_pool(
        which in 0usize..FORMATS.len(),
        pick in any::<u32>(),
        seed in any::<u64>(),
        spell_a in 0u32..4,
        spell_b in 0u32..4,
    ) {
        let format = FORMATS[which];
        let width = format.digit_counts()[0] - 1;
        let (prefix, suffix) = shape(format, pick);
        let serial = u128::from(seed) % 10u128.pow(width as u32);
        let rules = rules(format);
        let a = spelled(format, &prefix, serial, width, suffix, spell_a);
        let b = spelled(format, &prefix, serial, width, suffix, spell_b);
        let mut index = Inventory::new(false);
        let stored = series_segments(Value::Text(&a), Value::Text(&a), Value::Absent, &rules).unwrap();
        index.insert(&SeriesId::Number(1), &stored).unwrap();
        let query = series_segments(Value::Text(&b), Value::Text(&b), Value::Absent, &rules).unwrap();
        let conflicts = index.overlaps(&query);
        prop_assert_eq!(conflicts.len(), 1, "{} vs {}", a, b);
        prop_assert_eq!(&conflicts[0].start, &format_checked(&prefix, serial, width, format.scheme(), suffix));
    }
}

#[test]
fn snapshots_keep_the_format_and_refuse_another() {
    let mut index = Inventory::new(false).with_format(Some(Format::Awb));
    let awb = rules(Format::Awb);
    let segments = series_segments(
        Value::Text("020-12345675"),
        Value::Text("020-12345686"),
        Value::Absent,
        &awb,
    )
    .unwrap();
    index.insert(&SeriesId::Number(1), &segments).unwrap();
    assert!(index.to_json().contains(r#""rules":{"format":"awb"}"#));
    assert_eq!(index.check_snapshot_rules(Value::Text("awb")), Ok(()));
    assert_eq!(index.check_snapshot_rules(Value::Absent), Ok(()));
    let plain = Inventory::new(false);
    assert_eq!(
        plain
            .check_snapshot_rules(Value::Text("awb"))
            .unwrap_err()
            .code(),
        "RULES_MISMATCH"
    );
    assert_eq!(
        plain
            .check_snapshot_rules(Value::Text("md5"))
            .unwrap_err()
            .code(),
        "SNAPSHOT_INVALID"
    );
}

#[test]
fn imei_lengths_of_other_identifiers_are_named() {
    let imei = rules(Format::Imei);
    for (id, words) in [
        ("35209900176148", "without its check digit"),
        ("3520990017614823", "IMEISV"),
    ] {
        let v = validate(Value::Text(id), Value::Text(id), &imei);
        let message = v.issues[0].to_string();
        assert!(message.contains(words), "{message}");
    }
}
