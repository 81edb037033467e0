//! The fuzz targets' bodies, shared by two drivers: libFuzzer through
//! `cargo +nightly fuzz run <target>` (fuzz/fuzz_targets/), and a seeded
//! random run on stable Rust in the test command (tests/fuzz_smoke.rs).
//! Each takes arbitrary bytes, drives one surface, and panics only when an
//! invariant breaks (a panic is the finding; the code under test must never
//! panic on its own).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::expect_used
)]

use std::collections::BTreeMap;

use seriesguard::check_digit::SCHEMES;
use seriesguard::input::Value;
use seriesguard::inventory::{Inventory, KeyRef, Segment, SeriesId};
use seriesguard::profiles::{abillity, crm, mor, shipsy};
use seriesguard::range::{validate, RuleValues, SeriesRules};
use seriesguard::serial::{self, PrefixRule};
use seriesguard::signing::{self, Encoding};
use seriesguard::Field;

/// Splits bytes into text pieces at 0xff bytes (lossy UTF-8).
fn pieces(data: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> = data
        .split(|&b| b == 0xff)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    out.resize(n, String::new());
    out
}

/// A value of any kind from a piece: absent, text, number, bigint, bool.
fn value(piece: &str, selector: u8) -> Value<'_> {
    match selector % 6 {
        0 => Value::Absent,
        1 => Value::Number(piece.len() as f64 - 3.5),
        2 => Value::BigInt(piece.parse().ok()),
        3 => Value::Bool(piece.is_empty()),
        4 => Value::Other("object"),
        _ => Value::Text(piece),
    }
}

/// Identifiers: parsing never panics; what parses formats back to itself.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for rule in [
        PrefixRule::Natural,
        PrefixRule::LeadingDigits(3),
        PrefixRule::Exact("V"),
        PrefixRule::Exact("020"),
    ] {
        if let Ok(s) = serial::parse(&text, Field::Serial, rule) {
            assert_eq!(
                serial::format(s.prefix(), s.body(), s.width(), s.suffix()),
                s.text()
            );
            if let Some(checked) = s.with_check_digit() {
                assert_eq!(checked.width() + 1, s.width());
            }
        }
    }
    // Grouped digits: the canonical spelling reads back as the same identifier.
    if let Ok(s) = serial::parse_grouped(&text, Field::Serial, PrefixRule::Natural, true) {
        let canonical = s.canonical();
        let again = serial::parse_grouped(&canonical, Field::Serial, PrefixRule::Natural, true);
        let again = again.unwrap_or_else(|e| panic!("{canonical:?} of {text:?}: {e}"));
        assert!(again.is_canonical());
        assert_eq!(
            (again.prefix(), again.body(), again.width(), again.suffix()),
            (s.prefix(), s.body(), s.width(), s.suffix())
        );
    }
}

/// Series: answers are consistent (ok ⇔ no issues; a count means start ≤ end
/// and equals end - start + 1) whatever the input and rules.
pub fn series(data: &[u8]) {
    let p = pieces(data, 8);
    let sel = |i: usize| data.get(i).copied().unwrap_or(5);
    let (rules, _) = SeriesRules::from_values(&RuleValues {
        width: value(&p[2], sel(0)),
        prefix: value(&p[3], sel(1)),
        max_count: value(&p[4], sel(2)),
        numeric_only: value(&p[5], sel(3)),
        scheme: value(&p[6], sel(4)),
        format: value(&p[7], sel(5)),
    });
    let v = validate(value(&p[0], 5), value(&p[1], sel(6) | 5), &rules);
    assert_eq!(v.ok(), v.issues.is_empty());
    if let Some(range) = v.range {
        assert!(range.start().body() <= range.end().body());
        assert_eq!(
            range.count().0,
            range.end().body() - range.start().body() + 1
        );
        assert!(range.member(0).is_some());
        // The canonical spelling is the same series.
        if v.issues.is_empty() {
            let (start, end) = (range.start_text(), range.end_text());
            let again = validate(Value::Text(&start), Value::Text(&end), &rules);
            assert!(again.ok(), "{start}..{end}: {:?}", again.issues);
            assert_eq!(again.count(), v.range.map(|r| r.count()));
        }
    }
    for issue in &v.issues {
        assert!(!issue.code().is_empty() && !issue.to_string().is_empty());
    }
}

fn key() -> KeyRef<'static> {
    KeyRef {
        prefix: "N",
        suffix: "",
        width: 3,
        scheme: seriesguard::check_digit::Scheme::None,
        scope: "",
    }
}

/// The inventory against a member-by-member model over 0..256.
pub fn inventory(data: &[u8]) {
    let mut inv = Inventory::new(data.first().is_some_and(|b| b & 1 == 1));
    let mut model: BTreeMap<u128, u32> = BTreeMap::new();
    for op in data.chunks(3).skip(1) {
        let [kind, a, len] = [op[0], *op.get(1).unwrap_or(&0), *op.get(2).unwrap_or(&0)];
        let (first, last) = (
            u128::from(a),
            (u128::from(a) + u128::from(len % 16)).min(255),
        );
        let id = u32::from(kind >> 4);
        let segments = [Segment {
            key: key(),
            first,
            last,
        }];
        match kind % 4 {
            0 | 1 => {
                let taken = model.range(first..=last).next().is_some();
                assert_eq!(inv.insert(&SeriesId::Number(id), &segments).is_err(), taken);
                if !taken {
                    for m in first..=last {
                        model.insert(m, id);
                    }
                }
            }
            2 => {
                let had = model.values().any(|&v| v == id);
                assert_eq!(inv.remove(&SeriesId::Number(id)), had);
                model.retain(|_, v| *v != id);
            }
            _ => {
                let held = model.range(first..=last).count() as u128;
                let listed: u128 = inv.overlaps(&segments).iter().map(|c| c.count).sum();
                assert_eq!(listed, held);
                let plan = inv.plan(&segments);
                assert_eq!(plan.created + held, last - first + 1);
                let q = u128::from(len % 8) + 1;
                let want = (first..=last)
                    .find(|&s| s + q - 1 <= last && (s..s + q).all(|m| !model.contains_key(&m)));
                assert_eq!(
                    inv.find_free(&key(), first, last, q),
                    want.map(|s| (s, s + q - 1))
                );
            }
        }
    }
    assert_eq!(inv.stats().numbers, Some(model.len() as u128));
}

/// Platform profiles: any body gets a reply or an acceptance, never a panic.
pub fn profiles(data: &[u8]) {
    let p = pieces(data, 9);
    let sel = |i: usize| data.get(i).copied().unwrap_or(5);
    let v = |i: usize| value(&p[i], sel(i));
    let body = shipsy::Body {
        client_code: v(0),
        kind: v(1),
        start: v(2),
        end: v(3),
        item_code: v(4),
        hub_code: v(5),
        creator_hub: v(6),
    };
    match shipsy::check(v(7), &body, &SeriesRules::default()) {
        Ok(accepted) => assert!(!accepted.scope.is_empty()),
        Err(reply) => {
            assert!(reply.body.starts_with("{\"error\":{") && [400, 401].contains(&reply.status))
        }
    }
    let _ = shipsy::form_issues(
        &body,
        Some(Ok(sel(8) as usize % 2)),
        &SeriesRules::default(),
    );
    let params = mor::Params {
        u: v(0),
        card_group_id: v(1),
        cards_from: v(2),
        cards_till: v(3),
        hash: v(4),
        batch_number: v(5),
        min_balance: v(6),
        distributor_id: v(7),
        language: v(8),
    };
    let facts = mor::Facts {
        secret: &p[8],
        user_allowed: sel(9) & 1 == 0,
        can_manage_cards: sel(10) & 1 == 0,
        group: Some(mor::Group {
            id: &p[1],
            number_length: usize::from(sel(11) % 40),
            pin_length: Some(u32::from(sel(12) % 50)),
        }),
    };
    if let Err(text) = mor::check(&params, &facts) {
        assert!(mor::error_xml(text).contains("<error>"));
    }
    match abillity::check(v(0), v(1), |c| c.len() < 4, u128::from(sel(14)) + 1) {
        Ok(a) => {
            let view = abillity::View {
                id: 1,
                first: Some(&p[2]),
                last: None,
                area_code: a.area_code,
                quantity: a.quantity,
            };
            assert!(abillity::view_xml(&view).starts_with("<StockNumberView"));
        }
        Err(line) => assert!(line.contains(" = ")),
    }
    let goods = [crm::Good {
        code: &p[0],
        alternative_code: &p[1],
        classification: &p[2],
        physical_good_type: &p[3],
    }];
    let _ = crm::traceable(&goods, v(4));
}

/// Signing: verifiers answer for any text; what is signed verifies.
pub fn signing(data: &[u8]) {
    let p = pieces(data, 4);
    let params = [p[0].as_str(), p[1].as_str()];
    let _ = signing::verify_mor_hash(&params, &p[2], &p[3]);
    let _ = signing::verify_hmac_sha256(p[0].as_bytes(), p[1].as_bytes(), &p[3]);
    if let Ok(hash) = signing::mor_hash(&params, &p[2]) {
        assert!(signing::verify_mor_hash(&params, &p[2], &hash).unwrap());
    }
    for encoding in [Encoding::Hex, Encoding::Base64Url] {
        if let Ok(mac) = signing::hmac_sha256(p[0].as_bytes(), data, encoding) {
            assert!(signing::verify_hmac_sha256(p[0].as_bytes(), data, &mac).unwrap());
        }
    }
    for scheme in SCHEMES {
        let _ = scheme.compute(p[0].as_bytes());
        let _ = scheme.verify_digits(p[1].as_bytes());
    }
}
