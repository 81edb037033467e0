//! The JS binding inside a real wasm instance under Node
//! (`cargo test --target wasm32-unknown-unknown --test wasm_node`): hostile
//! JS values get coded answers, and the instance keeps answering after them.
#![cfg(target_arch = "wasm32")]
// In tests a panic is a failure report, so the no-panic lints do not apply.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use js_sys::{Array, Function, Object, Reflect, Symbol};
use seriesguard::wasm::{
    check_digit_raw, count_raw, fingerprint_raw, hmac_sha256_raw, last_answer, mor_hash_raw,
    parse_raw, validate_raw, verify_check_digit_raw, verify_hmac_sha256_raw, verify_mor_hash_raw,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// The answer an export just left in the output buffer.
fn ans(_length: u32) -> String {
    last_answer()
}

/// The status flag and the issue codes of an encoded answer.
fn decode(answer: &str) -> (bool, Vec<String>, Vec<String>) {
    let mut records = answer.split('\u{1e}');
    let head: Vec<String> = records
        .next()
        .unwrap_or_default()
        .split('\u{1f}')
        .map(str::to_owned)
        .collect();
    let codes = records
        .map(|r| r.split('\u{1f}').next().unwrap_or_default().to_owned())
        .collect();
    (head[0] == "1", head, codes)
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn series(start: &str, end: &str) -> JsValue {
    object(&[("start", start.into()), ("end", end.into())])
}

fn still_answers() {
    let (ok, head, _) = decode(&ans(validate_raw(
        &series("V10000051", "V10000060"),
        &JsValue::UNDEFINED,
    )));
    assert!(ok);
    assert_eq!(head[1], "10");
}

#[wasm_bindgen_test]
fn valid_series_count_exactly() {
    still_answers();
    let (ok, head, _) = decode(&ans(count_raw(
        &"00000000000000000001".into(),
        &"99999999999999999999".into(),
        &JsValue::UNDEFINED,
    )));
    assert!(ok);
    assert_eq!(head[1], "99999999999999999999");
}

#[wasm_bindgen_test]
fn reversed_and_empty_inputs_are_coded() {
    let (ok, _, codes) = decode(&ans(validate_raw(
        &series("V10000060", "V10000051"),
        &JsValue::UNDEFINED,
    )));
    assert!(!ok);
    assert_eq!(codes, ["START_AFTER_END"]);
    let (_, _, codes) = decode(&ans(validate_raw(&Object::new(), &JsValue::UNDEFINED)));
    assert_eq!(codes, ["START_REQUIRED", "END_REQUIRED"]);
}

fn hostile_values() -> Vec<JsValue> {
    let throwing_getter = Object::new();
    let getter = Function::new_no_args("throw new Error('boom')");
    let descriptor = object(&[("get", getter.clone().into())]);
    Object::define_property(&throwing_getter, &"start".into(), &descriptor.into());
    vec![
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::TRUE,
        JsValue::from_f64(f64::NAN),
        JsValue::from_f64(f64::INFINITY),
        JsValue::from_f64(-1.5),
        JsValue::from_f64(1e300),
        JsValue::from(10u128.pow(37)),
        JsValue::bigint_from_str("-5"),
        Symbol::for_("x").into(),
        Array::new().into(),
        getter.into(),
        throwing_getter.into(),
        "".into(),
        "\u{0}".into(),
        "１２３".into(),
        "١٢٣".into(),
        "V\u{202e}1".into(),
        "9".repeat(39).into(),
        "V".repeat(1 << 20).into(),
        object(&[("start", object(&[]))]),
    ]
}

#[wasm_bindgen_test]
fn hostile_values_everywhere_get_coded_answers() {
    for value in hostile_values() {
        for answer in [
            ans(validate_raw(&value, &JsValue::UNDEFINED)),
            ans(validate_raw(&series("V1", "V2"), &value)),
            ans(count_raw(&value, &"V2".into(), &JsValue::UNDEFINED)),
            ans(count_raw(&"V1".into(), &value, &value)),
            ans(parse_raw(&value, &value)),
            ans(check_digit_raw(&value, &"12".into())),
            ans(check_digit_raw(&"luhn".into(), &value)),
            ans(verify_check_digit_raw(&value, &"79927398713".into())),
            ans(verify_check_digit_raw(&"s10".into(), &value)),
            ans(mor_hash_raw(&value, &value)),
            ans(mor_hash_raw(
                &Array::of2(&"1".into(), &value).into(),
                &"s".into(),
            )),
            ans(verify_mor_hash_raw(
                &Array::of1(&"1".into()).into(),
                &"s".into(),
                &value,
            )),
            ans(hmac_sha256_raw(&value, &value, &value)),
            ans(verify_hmac_sha256_raw(&"k".into(), &"m".into(), &value)),
            ans(fingerprint_raw(&value, &value)),
        ] {
            let (ok, _, codes) = decode(&answer);
            if !ok {
                assert!(!codes.is_empty(), "{answer:?}");
                for code in codes {
                    assert!(
                        code.ends_with("_REQUIRED")
                            || code.ends_with("_INVALID")
                            || code.ends_with("_MISMATCH")
                            || code == "START_AFTER_END",
                        "{code}"
                    );
                }
            }
        }
        still_answers();
    }
}

#[wasm_bindgen_test]
fn a_throwing_getter_is_reported_not_propagated() {
    let input = Object::new();
    let descriptor = object(&[(
        "get",
        Function::new_no_args("throw new Error('boom')").into(),
    )]);
    Object::define_property(&input, &"start".into(), &descriptor.into());
    let answer = ans(validate_raw(&input, &JsValue::UNDEFINED));
    assert!(answer.contains("START_INVALID"), "{answer:?}");
    assert!(answer.contains("getter threw"), "{answer:?}");
}

#[wasm_bindgen_test]
fn rules_arrive_as_js_values() {
    let rules = object(&[
        ("width", JsValue::from_f64(10.0)),
        ("numericOnly", JsValue::TRUE),
        ("maxCount", JsValue::from(5u64)),
    ]);
    let (ok, _, codes) = decode(&ans(count_raw(
        &"1000000025".into(),
        &"1000000035".into(),
        &rules,
    )));
    assert!(!ok);
    assert_eq!(codes, ["RANGE_TOO_LARGE"]);
    let (ok, head, _) = decode(&ans(parse_raw(&" 0000000042 ".into(), &rules)));
    assert!(ok);
    assert_eq!(&head[1..], ["0000000042", "", "0000000042", "", ""]);
}

#[wasm_bindgen_test]
fn check_digits_cross_the_boundary() {
    assert_eq!(
        ans(check_digit_raw(&"s10".into(), &"47312482".into())),
        "1\u{1f}9"
    );
    assert_eq!(
        ans(verify_check_digit_raw(
            &"awb".into(),
            &"020-81140743".into()
        )),
        "1\u{1f}true"
    );
    let (ok, _, codes) = decode(&ans(verify_check_digit_raw(&"md5".into(), &"1".into())));
    assert!(!ok);
    assert_eq!(codes, ["SCHEME_INVALID"]);
}

#[wasm_bindgen_test]
fn signing_crosses_the_boundary() {
    let params = Array::of3(
        &"1".into(),
        &JsValue::from_f64(1000000025.0),
        &JsValue::from(1000000035u64),
    );
    assert_eq!(
        ans(mor_hash_raw(&params.into(), &"secret".into())),
        "1\u{1f}7e112ededcfee097cce21b6201c6d2a00dda1f4c"
    );
    let (ok, _, codes) = decode(&ans(mor_hash_raw(&"1,2".into(), &"secret".into())));
    assert!(!ok);
    assert_eq!(codes, ["PARAMS_INVALID"]);
}

#[wasm_bindgen_test]
fn the_index_answers_from_inside_wasm() {
    use seriesguard::wasm::IndexRaw;
    let index = IndexRaw::new(&JsValue::UNDEFINED, false);
    let stored = object(&[
        ("id", "S1".into()),
        ("start", "V10000051".into()),
        ("end", "V10000060".into()),
    ]);
    assert_eq!(ans(index.add(&stored)), "1");
    // The conflict starts where the query does: its start is left empty
    // (the wrapper holds it); its end is the stored series' own.
    assert_eq!(
        ans(index.overlaps_strings("V10000055", "V10000070", "")),
        "1\u{1e}sS1\u{1f}\u{1f}V10000060\u{1f}6"
    );
    // Trimmed, the query is not as given: both identifiers are written.
    assert_eq!(
        ans(index.overlaps_strings(" V10000055", "V10000070", "")),
        "1\u{1e}sS1\u{1f}V10000055\u{1f}V10000060\u{1f}6"
    );
    assert_eq!(index.has_overlap("V10000061", "V10000070", None), 0);
    assert_eq!(index.has_overlap("V2", "V1", None), -1);
    let (ok, _, codes) = decode(&ans(index.add(&stored)));
    assert!(!ok);
    assert_eq!(codes[0], "OVERLAP");
    for value in hostile_values() {
        for answer in [
            ans(index.add(&value)),
            ans(index.overlaps(&value)),
            ans(index.plan(&value)),
            ans(index.gaps(&value)),
            ans(index.allocate(&value, &value, &value)),
        ] {
            let (ok, _, codes) = decode(&answer);
            assert!(ok || !codes.is_empty(), "{answer:?}");
        }
        let _ = index.remove(&value);
    }
    assert_eq!(index.size(), 1);
}
