//! The JavaScript binding: converts JS values into the core's vocabulary,
//! calls the core, and encodes the answer for the small wrapper in
//! `pkg/api.js`, which builds the plain objects and `SeriesError`s users see.
//!
//! Nothing here decides whether an identifier or a series is acceptable:
//! every rule and every message lives in the core. Each export takes its
//! arguments by value or reference, keeps no state between calls and never
//! calls back into JS while it holds anything, so a hostile value cannot
//! leave the instance half-borrowed.
//!
//! Without the `full` feature only what a form calls is bound (validation,
//! counts, parsing, check digits): the `seriesguard/form` entry.
//! The `server` feature adds the platform create flows a backend drives
//! (`seriesguard/server`).
// Helpers only the full binding calls are dead in the form build.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

#[cfg(feature = "full")]
mod book;
#[cfg(feature = "server")]
mod flows;
#[cfg(feature = "full")]
mod index;
#[cfg(feature = "full")]
mod profiles;
#[cfg(feature = "full")]
mod signing;
mod value;
mod wire;

#[cfg(feature = "full")]
pub use book::{store_failed, store_invalid, BookRaw, FlowRaw};
#[cfg(feature = "server")]
pub use flows::ProfileFlowRaw;
#[cfg(feature = "full")]
pub use index::IndexRaw;
#[cfg(feature = "full")]
pub use profiles::*;
#[cfg(feature = "full")]
pub use signing::*;
pub use wire::{counts_ptr, last_answer, out_at_address, wasm_memory};

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use crate::error::{Field, RuleOption};
use crate::input::Value;
use crate::packed;
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
        return wire::emit_validation(None, &issues, None);
    }
    let start = Held::field(input, "start");
    let end = Held::field(input, "end");
    emit_validation(issues, start.view(), end.view(), &rules)
}

/// Validates under rules read for this call, after the issues already
/// found (those of the rules or the input), and emits the answer.
fn emit_validation(
    mut issues: Vec<SeriesError>,
    start: Value<'_>,
    end: Value<'_>,
    rules: &SeriesRules,
) -> u32 {
    let validation = range::validate(start, end, rules);
    issues = after(&issues, validation.issues);
    wire::emit_validation(validation.range.as_ref(), &issues, None)
}

/// `first`'s issues, then `then`'s; no copy when `first` has none (the
/// common case: measured, the copy was an allocation on every invalid series).
fn after(first: &[SeriesError], then: Vec<SeriesError>) -> Vec<SeriesError> {
    if first.is_empty() {
        return then;
    }
    let mut issues = first.to_vec();
    issues.extend(then);
    issues
}

/// Rules typed once and kept: the wrapper caches one per rules object (and
/// renews it when an option changes), so hot paths skip reading options
/// from a JS object on every call.
#[wasm_bindgen(js_name = RulesRaw)]
pub struct RulesRaw {
    rules: SeriesRules,
    issues: Vec<SeriesError>,
}

#[wasm_bindgen(js_class = RulesRaw)]
impl RulesRaw {
    /// Types a JS rules value (absent: the defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(rules: &JsValue) -> RulesRaw {
        let (rules, issues) = read_rules(rules);
        RulesRaw { rules, issues }
    }
}

impl RulesRaw {
    /// Validates `start..end`: the rules' own issues first, then the series'.
    fn validate<'a>(
        &self,
        start: Value<'a>,
        end: Value<'a>,
    ) -> (Option<range::SeriesRange<'a>>, Vec<SeriesError>) {
        let validation = range::validate(start, end, &self.rules);
        (validation.range, after(&self.issues, validation.issues))
    }

    /// What the one-pass reading decides ([`range::simple_check`]), when
    /// the rules themselves are valid.
    fn simple_check(&self, start: &str, end: &str) -> Option<range::Simple> {
        match self.issues.is_empty() {
            true => range::simple_check(start, end, &self.rules),
            false => None,
        }
    }
}

/// Validates `start..end` given as strings under compiled rules; never
/// throws. Start and end are echoed only when trimming changed them.
#[wasm_bindgen(js_name = validateStrings)]
pub fn validate_strings(start: &str, end: &str, rules: &RulesRaw) -> u32 {
    let (range, issues) = rules.validate(Value::Text(start), Value::Text(end));
    wire::emit_validation(range.as_ref(), &issues, Some((start, end)))
}

thread_local! {
    /// Where the wrapper writes short ASCII arguments itself (no allocation
    /// per call), and the count of the last simple success. Initialized
    /// as constants: no first-use check on every call.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static LAST_COUNT: Cell<f64> = const { Cell::new(0.0) };
}

/// Makes the scratch buffer at least `length` bytes long (it never
/// shrinks: the wrapper overwrites what it uses, so nothing is filled
/// again); returns where it starts, which changes only when it grows (the
/// wrapper keeps it).
#[wasm_bindgen(js_name = scratch)]
pub fn scratch(length: u32) -> u32 {
    SCRATCH.with(|s| at_least(s, length))
}

/// Makes a buffer the wrapper writes into at least `length` bytes long,
/// keeping what it holds; returns where it starts (it moves when it grows).
pub(crate) fn at_least(buffer: &RefCell<Vec<u8>>, length: u32) -> u32 {
    let mut buffer = buffer.borrow_mut();
    if buffer.len() < length as usize {
        buffer.resize(length as usize, 0);
    }
    buffer.as_ptr() as usize as u32
}

/// Runs `f` over the strings the wrapper wrote end to end into the scratch
/// buffer (at most three; their lengths in bytes, the rest empty). One
/// body for every caller, behind `dyn`: each generic copy cost wasm size.
pub(crate) fn with_scratch(lengths: &[u32], f: &mut dyn FnMut([&str; 3]) -> u32) -> u32 {
    SCRATCH.with(|s| {
        let s = s.borrow();
        let total = lengths.iter().map(|&len| len as usize).sum::<usize>();
        // Checked once for all of them (measured: a check per string was a
        // tenth of a short validation). The wrapper writes only ASCII, so
        // every split below falls between characters.
        let Some(Ok(mut rest)) = s.get(..total).map(std::str::from_utf8) else {
            // Not reached: the wrapper writes only ASCII, within the buffer.
            return wire::emit(wire::failure(&[SeriesError::Invalid {
                field: Field::Input,
                reason: crate::error::Invalid::Rule("could not be read"),
            }]));
        };
        let mut texts = [""; 3];
        for (text, &len) in texts.iter_mut().zip(lengths) {
            let (head, tail) = rest.split_at_checked(len as usize).unwrap_or((rest, ""));
            *text = head;
            rest = tail;
        }
        f(texts)
    })
}

/// The count of the last validation that answered 0 (exact: below 2^53).
#[wasm_bindgen(js_name = lastCount)]
pub fn last_count() -> f64 {
    LAST_COUNT.with(Cell::get)
}

/// Validates the two strings the wrapper wrote into the scratch buffer
/// (`start_len` bytes of start, then end). Answers 0 for the common case
/// ([`range::simple_check`]'s count, below 2^53: read it from
/// [`last_count`]); otherwise the length of an answer as
/// [`validate_strings`] gives it. Measured: this path costs about half of
/// passing two strings and decoding a text answer.
#[wasm_bindgen(js_name = validateScratch)]
pub fn validate_scratch(start_len: u32, end_len: u32, rules: &RulesRaw) -> u32 {
    with_scratch(&[start_len, end_len], &mut |[start, end, _]| {
        match rules.simple_check(start, end) {
            Some(range::Simple::Count(count))
                if count <= crate::input::MAX_SAFE_INTEGER as u128 =>
            {
                LAST_COUNT.with(|c| c.set(count as u64 as f64));
                return 0;
            }
            Some(range::Simple::AfterEnd) => return AFTER_END,
            _ => {}
        }
        // Every other series (under a format, a scheme or a required
        // prefix, trimmed, refused) is answered in full.
        let (range, issues) = rules.validate(Value::Text(start), Value::Text(end));
        wire::emit_validation(range.as_ref(), &issues, Some((start, end)))
    })
}

/// What [`validate_scratch`] answers, with no text, for a series refused
/// only for its start after its end: the wrapper builds that validation
/// from the ends it holds and [`after_end_template`]. No answer is this
/// long (wasm memory holds less than 4 GiB).
pub const AFTER_END: u32 = u32::MAX;

/// The validation [`AFTER_END`] stands for, with U+0001 for the start and
/// U+0002 for the end: read once by the wrapper, which puts the ends it
/// holds in their place. The text is the core's ([`packed::push_after_end`]).
#[wasm_bindgen(js_name = afterEndTemplate)]
pub fn after_end_template() -> u32 {
    wire::emit_with(|out| packed::push_after_end(out, "\u{1}", "\u{2}"))
}

/// Validates packed `start US end` records (see `pkg/api.js` `Packer`)
/// under compiled rules in one call; never throws. A third field is an
/// item that is no object, refused as [`validate_raw`] refuses it.
/// `is_list` is false when the JS argument was not an array.
#[wasm_bindgen(js_name = validateManyRaw)]
pub fn validate_many_raw(packed: &[u8], is_list: bool, rules: &RulesRaw) -> u32 {
    if !is_list {
        let issue = SeriesError::Invalid {
            field: Field::Input,
            reason: crate::error::Invalid::Rule("must be an array of series"),
        };
        return wire::emit(wire::failure(&[issue]));
    }
    let text = std::str::from_utf8(packed).unwrap_or_default();
    let items = value::records(text).map(|mut next| {
        // The third field, when there is one: an item that is no object.
        let (start, end, item) = (next(), next(), next());
        if let Some(issue) = item.expect_object(Field::Input) {
            return wire::BatchItem::Validated(None, after(&rules.issues, vec![issue]), None);
        }
        let given = match (start, end) {
            (Value::Text(a), Value::Text(b)) => Some((a, b)),
            _ => None,
        };
        if let Some((a, b)) = given {
            match rules.simple_check(a, b) {
                Some(range::Simple::Count(count)) => return wire::BatchItem::Counted(count),
                Some(range::Simple::AfterEnd) => return wire::BatchItem::AfterEnd,
                None => {}
            }
        }
        let (range, issues) = rules.validate(start, end);
        wire::BatchItem::Validated(range, issues, given)
    });
    wire::emit(wire::validations(items))
}

/// Validates the series `start..end` given as two values; never throws.
/// Same encoding as [`validate_raw`]; `countSeries` throws from it in JS.
#[wasm_bindgen(js_name = countRaw)]
pub fn count_raw(start: &JsValue, end: &JsValue, rules: &JsValue) -> u32 {
    let (rules, issues) = read_rules(rules);
    let start = Held::from_js(start);
    let end = Held::from_js(end);
    emit_validation(issues, start.view(), end.view(), &rules)
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

/// An issue's message in words for a page ([`crate::error::in_words`]);
/// values that are not strings are read as empty. Never throws.
#[wasm_bindgen(js_name = inWordsRaw)]
pub fn in_words_raw(code: &JsValue, field: &JsValue, message: &JsValue) -> String {
    let text = |v: &JsValue| v.as_string().unwrap_or_default();
    crate::error::in_words(&text(code), &text(field), &text(message))
}

/// CSV text read into rows ([`crate::csv::read_json`]); never throws.
#[cfg(feature = "bulk")]
#[wasm_bindgen(js_name = readCsvRaw)]
pub fn read_csv_raw(text: &JsValue) -> u32 {
    let text = Held::from_js(text);
    wire::emit(wire::answer(
        crate::input::text_arg(text.view(), Field::Input).and_then(crate::csv::read_json),
    ))
}

/// A table, packed ([`crate::csv::write_packed`]), written as CSV; never throws.
#[cfg(feature = "bulk")]
#[wasm_bindgen(js_name = writeCsvRaw)]
pub fn write_csv_raw(packed: &str) -> u32 {
    wire::emit(wire::answer(crate::csv::write_packed(packed)))
}

/// `start..end` in chunks of at most `max` members; never throws. Not in
/// the form build: a form validates, it does not split (2.1 KB gzipped).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = splitRaw)]
pub fn split_raw(start: &JsValue, end: &JsValue, max: &JsValue, rules: &JsValue) -> u32 {
    let (rules, issues) = read_rules(rules);
    let (start, end, max) = (Held::from_js(start), Held::from_js(end), Held::from_js(max));
    let answer =
        crate::inventory::split_series(start.view(), end.view(), max.view(), &rules, issues);
    wire::emit(wire::pieces(answer))
}

/// Traps on purpose (`unreachable`), so tests can prove the wrapper reports
/// a trap and recreates the instance. Nothing else calls it.
#[wasm_bindgen(js_name = trapForTests)]
pub fn trap_for_tests() {
    std::process::abort()
}

/// The WebAssembly instance trapped (a bug: it must never happen) and was
/// recreated: a JS-only failure, so its sentence lives here.
pub const INTERNAL_TRAP: crate::error::Definition = crate::error::Definition {
    code: "INTERNAL_TRAP",
    field: Field::Input,
    message:
        "seriesguard's WebAssembly instance trapped and was recreated: this call did not complete, \
              and indexes and books made before it are gone (please report this with the input)",
};

/// The `INTERNAL_TRAP` failure, answered by the fresh instance after a trap.
#[wasm_bindgen(js_name = trapReport)]
pub fn trap_report() -> u32 {
    wire::emit(wire::failure(&[SeriesError::Defined(&INTERNAL_TRAP)]))
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

/// The allocator: talc, smaller and faster than the default dlmalloc.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
