//! The JavaScript binding: converts JS values into the core's vocabulary,
//! calls the core, and encodes the answer for the small wrapper in
//! `pkg/api.js`, which builds the plain objects and `SeriesError`s users see.
//!
//! Nothing here decides whether an identifier or a series is acceptable:
//! every rule and every message lives in the core. Each export takes its
//! arguments by value or reference, keeps no state between calls and never
//! calls back into JS while it holds anything, so a hostile value cannot
//! leave the instance half-borrowed.

mod index;
mod signing;
mod value;
mod wire;

pub use index::IndexRaw;
pub use signing::*;
pub use wire::{last_answer, out_ptr, wasm_memory};

use wasm_bindgen::prelude::*;

use crate::error::{Field, RuleOption};
use crate::range::{self, RuleValues, SeriesRules};
use crate::SeriesError;
use value::Held;

/// Validates `input.start..input.end` under `rules`; never throws.
/// The answer is encoded by [`wire::validation`] for `pkg/api.js`.
#[wasm_bindgen(js_name = validateRaw)]
pub fn validate_raw(input: &JsValue, rules: &JsValue) -> u32 {
    let (rules, mut issues) = read_rules(rules);
    let kind = Held::kind_of(input);
    if let Some(issue) = kind.view().expect_object(Field::Input) {
        issues.push(issue);
        return wire::emit(wire::validation(None, &issues));
    }
    let start = Held::field(input, "start");
    let end = Held::field(input, "end");
    let validation = range::validate(start.view(), end.view(), &rules);
    issues.extend(validation.issues);
    wire::emit(wire::validation(validation.range.as_ref(), &issues))
}

/// Validates the series `start..end` given as two values; never throws.
/// Same encoding as [`validate_raw`]; `countSeries` throws from it in JS.
#[wasm_bindgen(js_name = countRaw)]
pub fn count_raw(start: &JsValue, end: &JsValue, rules: &JsValue) -> u32 {
    let (rules, mut issues) = read_rules(rules);
    let start = Held::from_js(start);
    let end = Held::from_js(end);
    let validation = range::validate(start.view(), end.view(), &rules);
    issues.extend(validation.issues);
    wire::emit(wire::validation(validation.range.as_ref(), &issues))
}

/// Reads one identifier under `rules`; never throws.
/// The answer is encoded by [`wire::serial`] for `pkg/api.js`.
#[wasm_bindgen(js_name = parseRaw)]
pub fn parse_raw(text: &JsValue, rules: &JsValue) -> u32 {
    let (rules, mut issues) = read_rules(rules);
    let text = Held::from_js(text);
    let serial = range::read(text.view(), Field::Serial, &rules, &mut issues);
    wire::emit(wire::serial(serial.as_ref(), &issues))
}

/// The check digit `scheme` (a scheme or format name) gives `serial`; never throws.
/// Encoded by [`wire::answer`]: the digit, or the issue.
#[wasm_bindgen(js_name = checkDigitRaw)]
pub fn check_digit_raw(scheme: &JsValue, serial: &JsValue) -> u32 {
    let scheme = Held::from_js(scheme);
    let serial = Held::from_js(serial);
    wire::emit(wire::answer(range::check_digit_of(
        scheme.view(),
        serial.view(),
    )))
}

/// Whether `id` is well formed with a right check digit under `scheme`;
/// never throws. Encoded by [`wire::answer`]: `true`/`false`, or the issue.
#[wasm_bindgen(js_name = verifyCheckDigitRaw)]
pub fn verify_check_digit_raw(scheme: &JsValue, id: &JsValue) -> u32 {
    let scheme = Held::from_js(scheme);
    let id = Held::from_js(id);
    wire::emit(wire::answer(range::verify_check_digit(
        scheme.view(),
        id.view(),
    )))
}

/// `start..end` in chunks of at most `max` members; never throws.
#[wasm_bindgen(js_name = splitRaw)]
pub fn split_raw(start: &JsValue, end: &JsValue, max: &JsValue, rules: &JsValue) -> u32 {
    let (rules, mut issues) = read_rules(rules);
    let (start, end, max) = (Held::from_js(start), Held::from_js(end), Held::from_js(max));
    let validation = range::validate(start.view(), end.view(), &rules);
    let max = max.view().as_exact_u128().filter(|&m| m >= 1);
    issues.extend(validation.issues);
    let answer = match (validation.range, max) {
        (Some(range), Some(max)) if issues.is_empty() => {
            crate::inventory::split_range(&range, max).map_err(|e| vec![e])
        }
        (_, max) => {
            if max.is_none() {
                issues.push(SeriesError::Invalid {
                    field: Field::Quantity,
                    reason: crate::error::Invalid::Rule("maxPerChunk must be a positive integer"),
                });
            }
            Err(issues)
        }
    };
    wire::emit(wire::pieces(answer))
}

/// Types a JS rules object; absent means the defaults.
pub(crate) fn read_rules(rules: &JsValue) -> (SeriesRules, Vec<SeriesError>) {
    let kind = Held::kind_of(rules);
    if let Some(issue) = kind.view().expect_object(Field::Rules(RuleOption::Whole)) {
        return (SeriesRules::default(), vec![issue]);
    }
    if rules.is_undefined() || rules.is_null() {
        return (SeriesRules::default(), Vec::new());
    }
    let width = Held::field(rules, "width");
    let prefix = Held::field(rules, "prefix");
    let max_count = Held::field(rules, "maxCount");
    let numeric_only = Held::field(rules, "numericOnly");
    let scheme = Held::field(rules, "scheme");
    let format = Held::field(rules, "format");
    SeriesRules::from_values(&RuleValues {
        width: width.view(),
        prefix: prefix.view(),
        max_count: max_count.view(),
        numeric_only: numeric_only.view(),
        scheme: scheme.view(),
        format: format.view(),
    })
}
