//! Check-digit schemes and named formats against published vectors, and
//! their error detection as properties.
#![cfg(not(target_arch = "wasm32"))]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use seriesguard::check_digit::{Scheme, SCHEMES};
use seriesguard::input::Value;
use seriesguard::range::{check_digit_of, validate, verify_check_digit, RuleValues, SeriesRules};
use seriesguard::Field;

/// Published identifiers, each valid under its scheme or format, with where it is published.
const VECTORS: &[(&str, &str, &str)] = &[
    // UPU S10 standard, worked example (also Wikipedia "S10 (UPU standard)").
    ("s10", "RR473124829GB", "UPU S10"),
    // Australian Border Force ICS, "Airway Bill check digit formula" (V1.1, 2002):
    // serial 1234567 / 7 leaves 5; shown with Emirates' prefix 176.
    ("awb", "176-12345675", "ABF ICS AWB check digit formula"),
    (
        "awb",
        "17612345675",
        "ABF ICS AWB check digit formula, without separator",
    ),
    // Lufthansa Cargo AWB 020-81140743: 8114074 mod 7 = 3 (IATA mod-7 glossary example).
    ("awb", "020-81140743", "IATA mod-7 example"),
    // Wikipedia "International Mobile Equipment Identity", Luhn worked example.
    ("imei", "490154203237518", "IMEI Luhn example"),
    // Wikipedia "Luhn algorithm": 7992739871 with check digit 3.
    ("luhn", "79927398713", "Luhn article example"),
    // Smartjac knowledge base, "Calculations: ICCID checksum": serial
    // 896588081210001114, Luhn digit sum 64, so check digit 6 (19 digits, ITU-T E.118).
    (
        "iccid",
        "8965880812100011146",
        "Smartjac ICCID checksum example",
    ),
    // Wikipedia "International Article Number": EAN-13 4006381333931.
    ("gtin", "4006381333931", "GTIN-13 example"),
    // Wikipedia "Universal Product Code": UPC-A 036000291452 (a GTIN-12).
    ("gtin", "036000291452", "GTIN-12 example"),
    // GS1 General Specifications, SSCC example (00) 106141411234567897.
    ("sscc", "106141411234567897", "SSCC example"),
];

#[test]
fn published_vectors_verify_and_compute() {
    for &(name, id, source) in VECTORS {
        assert_eq!(
            verify_check_digit(Value::Text(name), Value::Text(id)),
            Ok(true),
            "{id} under {name} ({source})"
        );
    }
    assert_eq!(Scheme::S10.compute(b"47312482"), Some(9));
    assert_eq!(Scheme::Mod7.compute(b"1234567"), Some(5));
    assert_eq!(Scheme::Mod7.compute(b"8114074"), Some(3));
    assert_eq!(Scheme::Luhn.compute(b"49015420323751"), Some(8));
    assert_eq!(Scheme::Gs1.compute(b"400638133393"), Some(1));
    assert_eq!(Scheme::Gs1.compute(b"10614141123456789"), Some(7));
}

#[test]
fn s10_maps_ten_to_zero_and_eleven_to_five() {
    // Weighted sums with remainder 1 (-> 10 -> 0) and 0 (-> 11 -> 5) mod 11.
    // 00000004: 4 * 7 = 28 = 2*11 + 6 -> 11 - 6 = 5; 00000010: 1*9 = 9 -> 2.
    assert_eq!(Scheme::S10.compute(b"00000004"), Some(5));
    assert_eq!(Scheme::S10.compute(b"00000010"), Some(2));
    // 00000011: 9 + 7 = 16 -> 11 - 5 = 6.
    assert_eq!(Scheme::S10.compute(b"00000011"), Some(6));
    // 00000020: 18 -> 11 - 7 = 4; 00000030: 27 -> 11 - 5 = 6.
    let mut zero = None;
    let mut five = None;
    for n in 0..10_000u32 {
        let digits = format!("{n:08}");
        let sum = naive_s10_sum(&digits);
        match sum % 11 {
            1 => zero = zero.or(Some(digits)),
            0 => five = five.or(Some(digits)),
            _ => {}
        }
    }
    assert_eq!(Scheme::S10.compute(zero.unwrap().as_bytes()), Some(0));
    assert_eq!(Scheme::S10.compute(five.unwrap().as_bytes()), Some(5));
    assert_eq!(Scheme::S10.compute(b"1234567"), None, "S10 needs 8 digits");
}

#[test]
fn a_wrong_check_digit_on_end_names_the_field_and_the_expected_digit() {
    let rules = format_rules("awb");
    let v = validate(
        Value::Text("020-12345675"),
        Value::Text("020-12345685"),
        &rules,
    );
    assert_eq!(v.issues.len(), 1);
    let issue = &v.issues[0];
    assert_eq!(
        (issue.code(), issue.field()),
        ("CHECK_DIGIT_INVALID", Field::End)
    );
    assert_eq!(
        issue.to_string(),
        "end check digit should be 6, not 5 (mod7)"
    );
}

#[test]
fn counting_works_on_serials_without_the_check_digit() {
    let v = validate(
        Value::Text("02012345675"),
        Value::Text("02012345686"),
        &format_rules("awb"),
    );
    assert!(v.ok(), "{:?}", v.issues);
    assert_eq!(v.count().unwrap().0, 2);
    let range = v.range.unwrap();
    assert_eq!(range.start().prefix(), "020");
    assert_eq!(range.member(1).as_deref(), Some("02012345686"));

    let s10 = validate(
        Value::Text("RR473124829GB"),
        Value::Text("RR473125000GB"),
        &format_rules("s10"),
    );
    let range = s10.range.unwrap();
    assert_eq!(range.count().0, 47312500 - 47312482 + 1);
    assert_eq!(range.member(0).as_deref(), Some("RR473124829GB"));
    // 4*8 + 7*6 + 3*4 + 1*2 + 2*3 + 4*5 + 8*9 + 3*7 = 207; 207 mod 11 = 9; 11 - 9 = 2.
    assert_eq!(range.identifier(47312483).as_deref(), Some("RR473124832GB"));
    assert!(
        verify_check_digit(Value::Text("s10"), Value::Text(&range.member(18).unwrap())).unwrap()
    );

    let iccid = validate(
        Value::Text("8965880812100011146"),
        Value::Text("8965880812100011161"),
        &format_rules("iccid"),
    );
    assert!(iccid.ok(), "{:?}", iccid.issues);
    assert_eq!(iccid.count().unwrap().0, 3);
}

#[test]
fn formats_report_their_shape() {
    let table: &[(&str, &str, &str, &[&str])] = &[
        // The format's shape on start, then start and end disagree.
        (
            "s10",
            "R473124829GB",
            "RR473124829GB",
            &["PREFIX_MISMATCH", "PREFIX_MISMATCH"],
        ),
        (
            "s10",
            "RR473124829G",
            "RR473124829GB",
            &["SUFFIX_MISMATCH", "SUFFIX_MISMATCH"],
        ),
        (
            "s10",
            "RR47312482GB",
            "RR473124829GB",
            &["WIDTH_MISMATCH", "WIDTH_MISMATCH"],
        ),
        (
            "imei",
            "49015420323751",
            "490154203237518",
            &["WIDTH_MISMATCH"],
        ),
        (
            "imei",
            "IMEI490154203237518",
            "490154203237518",
            &["PREFIX_MISMATCH", "PREFIX_MISMATCH"],
        ),
        (
            "awb",
            "02-12345675",
            "020-12345675",
            &["PREFIX_MISMATCH", "PREFIX_MISMATCH"],
        ),
        (
            "gtin",
            "4006381333931",
            "4006381333932",
            &["CHECK_DIGIT_INVALID"],
        ),
    ];
    for &(format, start, end, want) in table {
        let v = validate(Value::Text(start), Value::Text(end), &format_rules(format));
        let got: Vec<_> = v.issues.iter().map(|i| i.code()).collect();
        assert_eq!(got, want, "{format}: {start}..{end}");
    }
    let v = validate(
        Value::Text("490154203237"),
        Value::Text("490154203237518"),
        &format_rules("imei"),
    );
    assert_eq!(
        v.issues[0].to_string(),
        "start must have 15 digits (imei format, check digit included), not 12"
    );
    let v = validate(Value::Text("1"), Value::Text("2"), &format_rules("iccid"));
    assert!(v.issues[0].to_string().contains("19 or 20 digits"));
}

#[test]
fn scheme_and_format_options_are_checked() {
    let (rules, issues) = SeriesRules::from_values(&RuleValues {
        format: Value::Text("awb"),
        scheme: Value::Text("luhn"),
        ..RuleValues::default()
    });
    assert_eq!(issues[0].field().as_str(), "rules.scheme");
    assert_eq!(rules.scheme, Scheme::Mod7, "the format's scheme stands");
    let (_, issues) = SeriesRules::from_values(&RuleValues {
        format: Value::Text("ean"),
        scheme: Value::Number(7.0),
        ..RuleValues::default()
    });
    let fields: Vec<_> = issues
        .iter()
        .map(|i| (i.code(), i.field().as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("RULES_INVALID", "rules.format"),
            ("RULES_INVALID", "rules.scheme")
        ]
    );
}

#[test]
fn check_digit_of_refuses_what_is_not_a_serial() {
    let code = |name, body| check_digit_of(Value::Text(name), body).unwrap_err().code();
    assert_eq!(code("luhn", Value::Text("12a")), "SERIAL_INVALID");
    assert_eq!(code("luhn", Value::Text("")), "SERIAL_REQUIRED");
    assert_eq!(code("luhn", Value::Number(12.0)), "SERIAL_INVALID");
    let too_long = "1".repeat(38);
    assert_eq!(code("luhn", Value::Text(&too_long)), "SERIAL_INVALID");
    assert_eq!(code("s10", Value::Text("1234567")), "WIDTH_MISMATCH");
    assert_eq!(code("none", Value::Text("1")), "SCHEME_INVALID");
    assert_eq!(code("md5", Value::Text("1")), "SCHEME_INVALID");
    assert_eq!(
        check_digit_of(Value::Other("symbol"), Value::Text("1"))
            .unwrap_err()
            .code(),
        "SCHEME_INVALID"
    );
    assert_eq!(
        check_digit_of(Value::Text("luhn"), Value::Text(&"9".repeat(37))),
        Ok(Scheme::Luhn.compute("9".repeat(37).as_bytes()).unwrap())
    );
}

fn format_rules(name: &str) -> SeriesRules {
    let (rules, issues) = SeriesRules::from_values(&RuleValues {
        format: Value::Text(name),
        ..RuleValues::default()
    });
    assert!(issues.is_empty());
    rules
}

/// The S10 weighted sum as the standard states it, left to right.
fn naive_s10_sum(digits: &str) -> u32 {
    digits
        .chars()
        .zip([8, 6, 4, 2, 3, 5, 9, 7])
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum()
}

fn naive_s10_check(digits: &str) -> u32 {
    match 11 - naive_s10_sum(digits) % 11 {
        10 => 0,
        11 => 5,
        c => c,
    }
}

/// A vector's digit body (the digits the scheme covers) and its scheme.
fn vector_bodies() -> Vec<(Scheme, String)> {
    VECTORS
        .iter()
        .map(|&(name, id, _)| {
            let rules = seriesguard::range::rules_for_name(Value::Text(name)).unwrap();
            let digits: String = match name {
                // The airline prefix is not covered by the mod-7 digit.
                "awb" => id.chars().filter(char::is_ascii_digit).skip(3).collect(),
                _ => id.chars().filter(char::is_ascii_digit).collect(),
            };
            (rules.scheme, digits)
        })
        .collect()
}

fn detects_substitution(scheme: Scheme, body: &str, at: usize, to: u8) -> bool {
    let from = body.as_bytes()[at] - b'0';
    let delta = from.abs_diff(to);
    let is_check = at == body.len() - 1;
    match scheme {
        Scheme::Luhn | Scheme::Gs1 => true,
        // The serial changes by delta * 10^k, a multiple of 7 only when delta is 7.
        Scheme::Mod7 => is_check || delta != 7,
        Scheme::S10 => {
            let mut mutated = body.as_bytes().to_vec();
            mutated[at] = b'0' + to;
            let mutated = std::str::from_utf8(&mutated).unwrap();
            let (serial, check) = mutated.split_at(8);
            naive_s10_check(serial) != check.parse::<u32>().unwrap()
        }
        Scheme::None => false,
    }
}

fn detects_transposition(scheme: Scheme, body: &str, at: usize) -> bool {
    let (a, b) = (body.as_bytes()[at] - b'0', body.as_bytes()[at + 1] - b'0');
    let involves_check = at + 1 == body.len() - 1;
    match scheme {
        // Luhn misses only 09 <-> 90.
        Scheme::Luhn => !matches!((a, b), (0, 9) | (9, 0)),
        // Weights 3 and 1 miss pairs 5 apart.
        Scheme::Gs1 => a.abs_diff(b) != 5,
        Scheme::Mod7 => {
            if involves_check {
                let mut swapped = body.as_bytes().to_vec();
                swapped.swap(at, at + 1);
                let (serial, check) = swapped.split_at(swapped.len() - 1);
                Scheme::Mod7.compute(serial) != Some(check[0] - b'0')
            } else {
                // The serial changes by 9 * (b - a) * 10^k.
                a.abs_diff(b) != 7
            }
        }
        Scheme::S10 => {
            let mut swapped = body.as_bytes().to_vec();
            swapped.swap(at, at + 1);
            let swapped = std::str::from_utf8(&swapped).unwrap();
            let (serial, check) = swapped.split_at(8);
            naive_s10_check(serial) != check.parse::<u32>().unwrap()
        }
        Scheme::None => false,
    }
}

proptest! {
    #[test]
    fn single_digit_changes_are_rejected_where_the_scheme_detects_them(
        pick in 0usize..VECTORS.len(), at in 0usize..20, to in 0u8..10,
    ) {
        let (scheme, body) = &vector_bodies()[pick];
        let at = at % body.len();
        prop_assume!(body.as_bytes()[at] - b'0' != to);
        let mut mutated = body.clone().into_bytes();
        mutated[at] = b'0' + to;
        let verified = scheme.verify_digits(&mutated);
        prop_assert_eq!(verified, !detects_substitution(*scheme, body, at, to), "{} {}", scheme, String::from_utf8_lossy(&mutated));
    }

    #[test]
    fn adjacent_transpositions_are_rejected_where_the_scheme_detects_them(
        pick in 0usize..VECTORS.len(), at in 0usize..20,
    ) {
        let (scheme, body) = &vector_bodies()[pick];
        let at = at % (body.len() - 1);
        prop_assume!(body.as_bytes()[at] != body.as_bytes()[at + 1]);
        let mut swapped = body.clone().into_bytes();
        swapped.swap(at, at + 1);
        prop_assert_eq!(scheme.verify_digits(&swapped), !detects_transposition(*scheme, body, at));
    }

    #[test]
    fn random_serials_compute_the_same_from_text_and_from_value(
        serial in proptest::collection::vec(0u8..10, 1..=37), pick in 0usize..SCHEMES.len(),
    ) {
        let scheme = SCHEMES[pick];
        let text: String = serial.iter().map(|d| (b'0' + d) as char).collect();
        let value: u128 = text.parse().unwrap();
        prop_assert_eq!(scheme.compute(text.as_bytes()), scheme.compute_value(value, text.len()));
        if let Some(check) = scheme.compute(text.as_bytes()) {
            let full = format!("{text}{check}");
            prop_assert!(scheme.verify_digits(full.as_bytes()));
        }
    }

    #[test]
    fn luhn_and_gs1_detect_every_single_substitution(
        serial in proptest::collection::vec(0u8..10, 1..=30), at in 0usize..31, to in 0u8..10,
    ) {
        for scheme in [Scheme::Luhn, Scheme::Gs1] {
            let text: String = serial.iter().map(|d| (b'0' + d) as char).collect();
            let check = scheme.compute(text.as_bytes()).unwrap();
            let mut full = format!("{text}{check}").into_bytes();
            let at = at % full.len();
            prop_assume!(full[at] != b'0' + to);
            full[at] = b'0' + to;
            prop_assert!(!scheme.verify_digits(&full));
        }
    }
}
