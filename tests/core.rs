//! The core's behaviour, natively: identifiers, series, counts and every
//! error code of this layer, as tables and as properties with naive twins.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use seriesguard::input::Value;
use seriesguard::packed;
use seriesguard::range::{validate, Count, Padding, RuleValues, SeriesRules};
use seriesguard::serial::{self, parse, PrefixRule};
use seriesguard::Field;

fn codes(start: Value, end: Value, rules: &SeriesRules) -> Vec<&'static str> {
    validate(start, end, rules)
        .issues
        .iter()
        .map(|i| i.code())
        .collect()
}

fn text_codes(start: &str, end: &str) -> Vec<&'static str> {
    codes(
        Value::Text(start),
        Value::Text(end),
        &SeriesRules::default(),
    )
}

fn count(start: &str, end: &str) -> Option<u128> {
    validate(
        Value::Text(start),
        Value::Text(end),
        &SeriesRules::default(),
    )
    .count()
    .map(|c| c.0)
}

#[test]
fn identifiers_from_the_field_parse_into_their_parts() {
    let table: &[(&str, &str, &str, u128, &str)] = &[
        ("V10000051", "V", "10000051", 10000051, ""),
        ("0000000000000000001", "", "0000000000000000001", 1, ""),
        (
            "89440012345678901234",
            "",
            "89440012345678901234",
            89440012345678901234,
            "",
        ),
        ("AB-000123-X", "AB-", "000123", 123, "-X"),
        ("RR123456785GB", "RR", "123456785", 123456785, "GB"),
        ("020-12345675", "020-", "12345675", 12345675, ""),
        ("  V42\t", "V", "42", 42, ""),
        ("0", "", "0", 0, ""),
    ];
    for &(text, prefix, digits, body, suffix) in table {
        let s = parse(text, Field::Serial, PrefixRule::Natural).unwrap();
        assert_eq!(
            (s.prefix(), s.digits(), s.body(), s.suffix(), s.width()),
            (prefix, digits, body, suffix, digits.len()),
            "{text:?}"
        );
        assert_eq!(s.text(), text.trim());
    }
}

#[test]
fn thirty_eight_digits_are_exact_and_thirty_nine_are_refused_with_the_limit() {
    let max = "9".repeat(38);
    assert_eq!(
        parse(&max, Field::Start, PrefixRule::Natural)
            .unwrap()
            .body(),
        10u128.pow(38) - 1
    );
    let err = parse(&"9".repeat(39), Field::Start, PrefixRule::Natural).unwrap_err();
    assert_eq!(err.code(), "START_INVALID");
    assert!(err.to_string().contains("at most 38"), "{err}");
    let err = parse(
        &format!("V{}", "1".repeat(39)),
        Field::End,
        PrefixRule::Natural,
    )
    .unwrap_err();
    assert_eq!(err.code(), "END_INVALID");
    assert_eq!(
        count(&"0".repeat(38), &max),
        Some(10u128.pow(38)),
        "the largest count of all"
    );
}

#[test]
fn unreadable_identifiers_get_the_invalid_code_of_their_field() {
    let table: &[(&str, &str)] = &[
        ("１２３", "not ASCII"),              // full-width digits
        ("١٢٣", "not ASCII"),                 // Arabic-Indic digits
        ("V\u{200f}123", "not ASCII"),        // RTL mark
        ("V1\u{0301}23", "not ASCII"),        // combining acute accent
        ("V12\u{0}3", "control characters"),  // NUL
        ("V12\u{7f}3", "control characters"), // DEL
        ("V12\t3", "control characters"),
        ("V12 3", "spaces inside"),
        ("V-X", "a run of digits"),
        ("V\u{a0}12", "not ASCII"), // no-break space inside
    ];
    for &(text, says) in table {
        let err = parse(text, Field::Start, PrefixRule::Natural).unwrap_err();
        assert_eq!(err.code(), "START_INVALID", "{text:?}");
        assert!(err.to_string().contains(says), "{text:?}: {err}");
        assert_eq!(err.field(), Field::Start);
    }
    let long = "1".repeat(1 << 20);
    assert!(parse(&long, Field::End, PrefixRule::Natural)
        .unwrap_err()
        .to_string()
        .contains("at most 128"));
}

#[test]
fn blank_values_are_required_and_wrong_types_are_invalid() {
    let rules = SeriesRules::default();
    assert_eq!(
        codes(Value::Absent, Value::Absent, &rules),
        ["START_REQUIRED", "END_REQUIRED"]
    );
    assert_eq!(
        codes(Value::Text("  "), Value::Text(""), &rules),
        ["START_REQUIRED", "END_REQUIRED"]
    );
    let v = validate(Value::Number(5.0), Value::Other("array"), &rules);
    let messages: Vec<String> = v.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        messages,
        [
            "start must be a string, not number",
            "end must be a string, not array"
        ]
    );
}

#[test]
fn series_rules_table() {
    let table: &[(&str, &str, &[&str], Option<u128>)] = &[
        ("V10000051", "V10000060", &[], Some(10)),
        ("V10000060", "V10000051", &["START_AFTER_END"], None),
        ("V10000051", "W10000060", &["PREFIX_MISMATCH"], None),
        ("AB-01-X", "AB-09-Y", &["SUFFIX_MISMATCH"], None),
        ("V0001", "V00010", &["WIDTH_MISMATCH"], None),
        ("V0001", "V123", &["WIDTH_MISMATCH"], None),
        ("V9", "V12", &[], Some(4)), // natural numbering: 9, 10, 11, 12
        ("V0", "V10", &[], Some(11)),
        ("V12", "V9", &["START_AFTER_END"], None),
        ("W1", "V2X", &["PREFIX_MISMATCH", "SUFFIX_MISMATCH"], None),
        ("V5", "V5", &[], Some(1)),
        (
            "00000000000000000001",
            "99999999999999999999",
            &[],
            Some(99_999_999_999_999_999_999),
        ),
    ];
    for &(start, end, want, want_count) in table {
        assert_eq!(text_codes(start, end), want, "{start}..{end}");
        assert_eq!(count(start, end), want_count, "{start}..{end}");
    }
}

#[test]
fn start_after_end_is_reported_on_end_with_both_identifiers() {
    let v = validate(
        Value::Text("V10000060"),
        Value::Text("V10000051"),
        &SeriesRules::default(),
    );
    assert!(!v.ok());
    let issue = &v.issues[0];
    assert_eq!(
        (issue.code(), issue.field()),
        ("START_AFTER_END", Field::End)
    );
    assert_eq!(issue.to_string(), "start V10000060 is after end V10000051");
}

#[test]
fn every_issue_of_an_input_is_reported_at_once() {
    let rules = SeriesRules {
        width: Some(10),
        prefix: Some("V".into()),
        max_count: None,
        numeric_only: true,
        ..SeriesRules::default()
    };
    let got = codes(Value::Text("V123"), Value::Text("１"), &rules);
    assert_eq!(got, ["START_INVALID", "WIDTH_MISMATCH", "END_INVALID"]);
}

#[test]
fn options_width_prefix_numeric_only_and_max_count() {
    let mor = SeriesRules {
        width: Some(10),
        numeric_only: true,
        ..SeriesRules::default()
    };
    let c = |s, e, r: &SeriesRules| codes(Value::Text(s), Value::Text(e), r);
    assert_eq!(c("1000000025", "1000000035", &mor), [] as [&str; 0]);
    assert_eq!(
        c("100000025", "1000000035", &mor),
        ["WIDTH_MISMATCH"],
        "9 digits"
    );
    assert_eq!(
        c("C1000000025", "1000000035", &mor),
        ["START_INVALID", "PREFIX_MISMATCH"]
    );

    let awb = SeriesRules {
        prefix: Some("020".into()),
        ..SeriesRules::default()
    };
    let v = validate(Value::Text("02012345675"), Value::Text("02012345686"), &awb);
    assert_eq!(v.count(), Some(Count(12)));
    assert_eq!(v.range.unwrap().start().prefix(), "020");
    assert_eq!(
        c("17612345675", "02012345686", &awb),
        ["PREFIX_MISMATCH"],
        "start lacks the airline prefix"
    );
    assert_eq!(
        c("020-1", "0202", &awb),
        ["PREFIX_MISMATCH"],
        "a dash between prefix and body"
    );
    assert_eq!(c("020", "0202", &awb), ["START_INVALID"], "no body at all");

    let capped = SeriesRules {
        max_count: Some(1000),
        ..SeriesRules::default()
    };
    assert_eq!(c("1", "1000", &capped), [] as [&str; 0]);
    let v = validate(Value::Text("1"), Value::Text("1001"), &capped);
    assert_eq!(
        v.issues.iter().map(|i| i.code()).collect::<Vec<_>>(),
        ["RANGE_TOO_LARGE"]
    );
    assert_eq!(v.count(), Some(Count(1001)), "a form still shows the count");
}

#[test]
fn rule_options_are_typed_exactly_and_wrong_ones_are_coded() {
    let (rules, issues) = SeriesRules::from_values(&RuleValues {
        width: Value::Number(38.0),
        prefix: Value::Text("V"),
        max_count: Value::BigInt(Some(10u128.pow(30))),
        numeric_only: Value::Bool(false),
        ..RuleValues::default()
    });
    assert!(issues.is_empty());
    assert_eq!(rules.width, Some(38));
    assert_eq!(rules.max_count, Some(10u128.pow(30)));

    let bad = [
        Value::Number(0.0),
        Value::Number(39.0),
        Value::Number(10.5),
        Value::Number(f64::NAN),
        Value::Number(f64::INFINITY),
        Value::Number(-1.0),
        Value::BigInt(None),
        Value::Text("ten"),
        Value::Bool(true),
        Value::Other("symbol"),
    ];
    for value in bad {
        let (rules, issues) = SeriesRules::from_values(&RuleValues {
            width: value,
            max_count: if matches!(value, Value::Number(n) if n == 10.5) {
                Value::Number(2f64.powi(60))
            } else {
                value
            },
            ..RuleValues::default()
        });
        assert!(issues.iter().all(|i| i.code() == "RULES_INVALID"));
        assert!(
            issues.iter().any(|i| i.field().as_str() == "rules.width"),
            "{value:?}"
        );
        assert_eq!(rules.width, None);
    }
    let (_, issues) = SeriesRules::from_values(&RuleValues {
        prefix: Value::Text("V 1"),
        numeric_only: Value::Text("yes"),
        max_count: Value::Number(0.0),
        ..RuleValues::default()
    });
    let fields: Vec<_> = issues.iter().map(|i| i.field().as_str()).collect();
    assert_eq!(
        fields,
        ["rules.prefix", "rules.maxCount", "rules.numericOnly"]
    );
}

#[test]
fn members_are_written_with_the_series_padding() {
    let rules = SeriesRules::default();
    let fixed = validate(Value::Text("V0098"), Value::Text("V0102"), &rules)
        .range
        .unwrap();
    assert_eq!(fixed.padding(), Padding::Fixed(4));
    assert_eq!(fixed.member(0).as_deref(), Some("V0098"));
    assert_eq!(fixed.member(4).as_deref(), Some("V0102"));
    let natural = validate(Value::Text("A9Z"), Value::Text("A12Z"), &rules)
        .range
        .unwrap();
    assert_eq!(natural.padding(), Padding::Natural);
    assert_eq!(natural.member(1).as_deref(), Some("A10Z"));
    assert_eq!(natural.member(4), None);
}

#[test]
fn object_expectations_are_coded() {
    assert!(Value::Object.expect_object(Field::Input).is_none());
    assert!(Value::Absent.expect_object(Field::Input).is_none());
    let issue = Value::Other("array").expect_object(Field::Input).unwrap();
    assert_eq!(issue.code(), "INPUT_INVALID");
    assert_eq!(issue.to_string(), "input must be an object, not array");
}

/// Decimal strings as a slow big-integer twin: a - b + 1 by schoolbook.
fn decimal_count(start: &str, end: &str) -> String {
    let a: Vec<u8> = end.bytes().rev().map(|b| b - b'0').collect();
    let b: Vec<u8> = start.bytes().rev().map(|b| b - b'0').collect();
    let mut out = Vec::new();
    let mut borrow = 0i8;
    for i in 0..a.len().max(b.len()) {
        let mut d = *a.get(i).unwrap_or(&0) as i8 - *b.get(i).unwrap_or(&0) as i8 - borrow;
        borrow = if d < 0 { 1 } else { 0 };
        if d < 0 {
            d += 10;
        }
        out.push(d as u8);
    }
    let mut carry = 1u8;
    for d in out.iter_mut() {
        let s = *d + carry;
        *d = s % 10;
        carry = s / 10;
    }
    if carry > 0 {
        out.push(carry);
    }
    while out.len() > 1 && out.last() == Some(&0) {
        out.pop();
    }
    out.iter().rev().map(|d| (d + b'0') as char).collect()
}

fn digits(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, 1..=max)
        .prop_map(|v| v.into_iter().map(|d| (d + b'0') as char).collect())
}

proptest! {
    #[test]
    fn format_after_parse_is_identity(
        prefix in "([A-Z][A-Z0-9-]{0,4}[A-Z-])?",
        body in digits(38),
        suffix in "([A-Z-]{1,3})?",
    ) {
        let text = format!("{prefix}{body}{suffix}");
        let s = parse(&text, Field::Serial, PrefixRule::Natural).unwrap();
        prop_assert_eq!((s.prefix(), s.digits(), s.suffix()), (prefix.as_str(), body.as_str(), suffix.as_str()));
        // Read eight digits at a time: every length, every digit.
        prop_assert_eq!(s.body(), body.parse::<u128>().unwrap());
        prop_assert_eq!(serial::format(s.prefix(), s.body(), s.width(), s.suffix()), text);
    }

    #[test]
    fn count_equals_the_big_integer_twin(a in digits(38), b in digits(38)) {
        // Same width, so the pair is a fixed-width series in some order.
        let width = a.len().max(b.len());
        let (a, b) = (format!("{a:0>width$}"), format!("{b:0>width$}"));
        let (start, end) = if a <= b { (a, b) } else { (b, a) };
        let v = validate(Value::Text(&start), Value::Text(&end), &SeriesRules::default());
        prop_assert!(v.ok(), "{:?}", v.issues);
        prop_assert_eq!(v.count().unwrap().0.to_string(), decimal_count(&start, &end));
    }

    #[test]
    fn numbers_are_written_as_format_writes_them(n in any::<u128>(), small in any::<u64>()) {
        let edges = [0, 9, 10, u128::from(u64::MAX), u128::from(u64::MAX) + 1, u128::MAX];
        for value in edges.into_iter().chain([n, u128::from(small), u128::from(small % 1000)]) {
            let mut out = String::from("x");
            packed::push_number(&mut out, value);
            prop_assert_eq!(out, format!("x{value}"));
        }
    }

    #[test]
    fn any_text_gives_an_answer_never_a_panic(text in "\\PC{0,64}|[\\x00-\\x7f]{0,64}") {
        let v = validate(Value::Text(&text), Value::Text(&text), &SeriesRules::default());
        match v.count() {
            Some(c) => prop_assert_eq!(c, Count(1)),
            None => prop_assert!(!v.issues.is_empty()),
        }
    }
}
