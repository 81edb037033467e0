//! The compact text answers `pkg/api.js` decodes, in [`crate::packed`]'s
//! format (shared with the component's bulk functions). One string crosses
//! the boundary instead of a JS object built field by field from Rust,
//! which costs microseconds.
//!
//! serial:     `ok US text US prefix US digits US suffix US check` then issues
//! answer:     `1 US value`, or `0` then the issue
//! index:      lists of records, each described where it is encoded below
//!
//! An answer is not returned as a JS string: [`emit`] keeps it in one
//! buffer in wasm memory and returns its length; the wrapper reads where it
//! starts from a word in wasm memory ([`out_at_address`]) and decodes it in
//! place. That skips the allocation handshake of a returned `String`
//! (measured: about half the cost of a short call), and a call per answer
//! to ask where it is. Numbers that need no text (a bulk validation's
//! counts, a conflict's numeric id and count) cross as f64s in wasm memory
//! beside the answer ([`counts_ptr`], [`emit_numbers`]).

use std::cell::RefCell;
use std::fmt::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::*;

use crate::inventory::{Conflict, Inventory, Piece, Plan, PoolKey, Stats};
pub(crate) use crate::packed::{push_conflicts, push_id};
use crate::packed::{push_conflicts_or, push_failure, push_issues, push_validation, GS, RS, US};
use crate::range::SeriesRange;
use crate::serial::Serial;
use crate::SeriesError;

thread_local! {
    // Initialized as a constant: no first-use check on every answer.
    static OUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Where the current answer starts: written with every answer, read by
/// the wrapper from wasm memory (one-threaded: a plain load and store).
static OUT_AT: AtomicU32 = AtomicU32::new(0);

/// Records where the answer starts; returns its length in bytes.
fn settle(out: &str) -> u32 {
    OUT_AT.store(out.as_ptr() as usize as u32, Ordering::Relaxed);
    u32::try_from(out.len()).unwrap_or(u32::MAX)
}

/// Keeps `answer` as the current answer and returns its length in bytes.
/// Called after every read of JS values, so no JS code runs while the
/// buffer is borrowed.
pub(crate) fn emit(answer: String) -> u32 {
    OUT.with(|out| {
        let mut out = out.borrow_mut();
        *out = answer;
        settle(&out)
    })
}

/// Writes the current answer straight into the kept buffer (its capacity
/// is reused: no allocation for a short answer) and returns its length.
pub(crate) fn emit_with(write: impl FnOnce(&mut String)) -> u32 {
    OUT.with(|out| {
        let mut out = out.borrow_mut();
        out.clear();
        write(&mut out);
        settle(&out)
    })
}

/// Emits `1 US text`, or the issue, straight into the kept buffer.
pub(crate) fn emit_answer(result: Result<String, SeriesError>) -> u32 {
    emit_with(|out| match result {
        Ok(text) => {
            out.push('1');
            out.push(US);
            out.push_str(&text);
        }
        Err(issue) => push_failure(out, std::slice::from_ref(&issue)),
    })
}

/// Emits `1 US digest` in `encoding`, or the issue, straight into the kept
/// buffer: no string of its own for the digest.
pub(crate) fn emit_digest<const N: usize>(
    result: Result<[u8; N], SeriesError>,
    encoding: crate::signing::Encoding,
) -> u32 {
    emit_with(|out| match result {
        Ok(digest) => {
            out.push('1');
            out.push(US);
            encoding.push(&digest, out);
        }
        Err(issue) => push_failure(out, std::slice::from_ref(&issue)),
    })
}

/// Emits a validation outcome as [`push_validation`] encodes it (start and
/// end left empty where they equal the `given` strings).
pub(crate) fn emit_validation(
    range: Option<&SeriesRange<'_>>,
    issues: &[SeriesError],
    given: Option<(&str, &str)>,
) -> u32 {
    emit_with(|out| push_validation(out, range, issues, given))
}

/// The address of the word in wasm memory that holds where the current
/// answer starts (read once by the wrapper; the word changes, not its place).
#[wasm_bindgen(js_name = outAtAddress)]
pub fn out_at_address() -> u32 {
    OUT_AT.as_ptr() as usize as u32
}

/// The current answer, copied (for Rust-side tests of the exports).
pub fn last_answer() -> String {
    OUT.with(|out| out.borrow().clone())
}

/// The wasm instance's memory, for reading answers in place.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Encodes a validation outcome.
pub(crate) fn validation(range: Option<&SeriesRange<'_>>, issues: &[SeriesError]) -> String {
    let mut out = String::with_capacity(64);
    push_validation(&mut out, range, issues, None);
    out
}

/// One validation of a batch.
pub(crate) enum BatchItem<'a> {
    /// A valid series whose ends need no rewriting: its count.
    Counted(u128),
    /// A series refused only for its start after its end, given untrimmed.
    AfterEnd,
    /// Any other: the range, the issues, and the strings given (start and
    /// end are echoed only where they differ from these).
    Validated(
        Option<SeriesRange<'a>>,
        Vec<SeriesError>,
        Option<(&'a str, &'a str)>,
    ),
}

thread_local! {
    /// Per item of the last bulk validation: its count, -1 where the
    /// answer text holds the item, or -2 for `AFTER_END`'s refusal.
    static COUNTS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Encodes many validations. The common case, valid with untrimmed ends
/// and a count JS numbers hold exactly, is only its count in [`counts_ptr`]'s
/// array (no text, no decimal to parse); a series refused only for its
/// start after its end is -2 there and has no text either (the wrapper
/// builds it as it does for `AFTER_END`); every other item is -1 there and
/// its validation ([`push_validation`]) follows GS in the answer, in order.
pub(crate) fn validations<'a>(items: impl Iterator<Item = BatchItem<'a>>) -> String {
    let mut out = String::from("1");
    COUNTS.with(|counts| {
        let mut counts = counts.borrow_mut();
        counts.clear();
        for item in items {
            let safe = |count: u128| count <= crate::input::MAX_SAFE_INTEGER as u128;
            match item {
                BatchItem::Counted(count) if safe(count) => counts.push(count as u64 as f64),
                BatchItem::Counted(count) => {
                    counts.push(-1.0);
                    out.push(GS);
                    crate::packed::push_head(&mut out, true, count, "", "");
                }
                // The wrapper builds it from the ends it holds (see `AFTER_END`).
                BatchItem::AfterEnd => counts.push(-2.0),
                BatchItem::Validated(range, issues, given) => {
                    if let (Some(r), true, Some((a, b))) = (&range, issues.is_empty(), given) {
                        let count = r.count().0;
                        if safe(count) && r.start_text() == a && r.end_text() == b {
                            counts.push(count as u64 as f64);
                            continue;
                        }
                    }
                    counts.push(-1.0);
                    out.push(GS);
                    push_validation(&mut out, range.as_ref(), &issues, given);
                }
            }
        }
    });
    out
}

#[cfg(feature = "full")]
thread_local! {
    /// The numbers of the last answer that has some ([`emit_numbers`]).
    static NUMBERS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Where [`NUMBERS`] starts: written with every such answer, read by the
/// wrapper from wasm memory, as [`OUT_AT`] is.
#[cfg(feature = "full")]
static NUMBERS_AT: AtomicU32 = AtomicU32::new(0);

/// [`emit_with`], where `write` also writes numbers that cross as numbers
/// (f64s in wasm memory, [`numbers_at_address`]): no decimal to write or
/// parse, no text to decode. An answer of `1` alone with a single 0 for
/// numbers (a query without conflicts) answers 0: nothing to read.
/// One body behind `dyn` for every caller (each generic copy cost wasm size).
#[cfg(feature = "full")]
pub(crate) fn emit_numbers(write: &mut dyn FnMut(&mut String, &mut Vec<f64>)) -> u32 {
    NUMBERS.with(|numbers| {
        let mut numbers = numbers.borrow_mut();
        numbers.clear();
        let length = emit_with(|out| write(out, &mut numbers));
        NUMBERS_AT.store(numbers.as_ptr() as usize as u32, Ordering::Relaxed);
        match numbers[..] {
            [zero] if zero == 0.0 && length == 1 => 0,
            _ => length,
        }
    })
}

/// The address of the word in wasm memory that holds where the numbers of
/// the last answer that has some start ([`emit_numbers`]).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = numbersAtAddress)]
pub fn numbers_at_address() -> u32 {
    NUMBERS_AT.as_ptr() as usize as u32
}

/// Where the counts of the last bulk validation start in wasm memory (f64s).
#[wasm_bindgen(js_name = countsPtr)]
pub fn counts_ptr() -> u32 {
    COUNTS.with(|c| c.borrow().as_ptr() as usize as u32)
}

/// Encodes a parsed identifier, or the issues that stopped it.
pub(crate) fn serial(serial: Option<&Serial<'_>>, issues: &[SeriesError]) -> String {
    let mut out = String::with_capacity(64);
    out.push(if issues.is_empty() { '1' } else { '0' });
    if let Some(s) = serial {
        let _ = write!(
            out,
            "{US}{}{US}{}{US}{}{US}{}{US}",
            s.text(),
            s.prefix(),
            s.digits_text(),
            s.suffix()
        );
        if let Some(check) = s.check_digit() {
            let _ = write!(out, "{check}");
        }
    }
    push_issues(&mut out, issues);
    out
}

/// Encodes a single value or the one error that stopped it.
pub(crate) fn answer<T: std::fmt::Display>(result: Result<T, SeriesError>) -> String {
    match result {
        Ok(value) => format!("1{US}{value}"),
        Err(issue) => failure(std::slice::from_ref(&issue)),
    }
}

/// Encodes issues, then after GS the conflicts of an `OVERLAP` among them.
pub(crate) fn failure(issues: &[SeriesError]) -> String {
    let mut out = String::new();
    push_failure(&mut out, issues);
    out
}

/// `1`, or the issues.
pub(crate) fn issues_or_ok(issues: &[SeriesError]) -> String {
    if issues.is_empty() {
        "1".to_owned()
    } else {
        failure(issues)
    }
}

/// `1` for done, or why not.
pub(crate) fn done(result: Result<(), Vec<SeriesError>>) -> String {
    match result {
        Ok(()) => "1".to_owned(),
        Err(issues) => failure(&issues),
    }
}

/// A plan's pieces, then after GS its skipped conflicts.
pub(crate) fn push_plan_parts(out: &mut String, plan: &Plan) {
    push_pieces(out, "c", &plan.create);
    out.push(GS);
    push_conflicts(out, &plan.skipped);
}

/// `1` then one record per conflict: `id US start US end US count`.
pub(crate) fn conflicts(result: Result<Vec<Conflict>, Vec<SeriesError>>) -> String {
    let mut out = String::new();
    push_conflicts_or(&mut out, &result);
    out
}

fn push_pieces(out: &mut String, tag: &str, pieces: &[Piece]) {
    for p in pieces {
        let _ = write!(out, "{RS}{tag}{US}{}{US}{}{US}{}", p.start, p.end, p.count);
    }
}

/// `1` then one record per free piece: `start US end US count` (tagged `c`).
pub(crate) fn pieces(result: Result<Vec<Piece>, Vec<SeriesError>>) -> String {
    match result {
        Ok(list) => {
            let mut out = String::from("1");
            push_pieces(&mut out, "c", &list);
            out
        }
        Err(issues) => failure(&issues),
    }
}

/// `1 US created US requested`, then `c` pieces to create and, after GS,
/// the skipped conflicts.
pub(crate) fn plan(result: Result<Plan, Vec<SeriesError>>) -> String {
    match result {
        Ok(plan) => {
            let mut out = format!("1{US}{}{US}{}", plan.created, plan.requested);
            push_plan_parts(&mut out, &plan);
            out
        }
        Err(issues) => failure(&issues),
    }
}

/// `1 US start US end US count` for a block, `1` alone for none.
pub(crate) fn block(result: Result<Option<Piece>, Vec<SeriesError>>) -> String {
    match result {
        Ok(Some(p)) => format!("1{US}{}{US}{}{US}{}", p.start, p.end, p.count),
        Ok(None) => "1".to_owned(),
        Err(issues) => failure(&issues),
    }
}

fn push_key(out: &mut String, key: &PoolKey) {
    let _ = write!(
        out,
        "{}{US}{}{US}{}{US}{}{US}{}",
        key.prefix,
        key.suffix,
        key.width,
        key.scheme.name(),
        key.scope
    );
}

/// `1 US ranges US numbers` then per pool `key… US ranges US numbers`.
pub(crate) fn stats(stats: &Stats) -> String {
    let numbers = stats.numbers.map(|n| n.to_string()).unwrap_or_default();
    let mut out = format!("1{US}{}{US}{numbers}", stats.ranges);
    for (key, ranges, numbers) in &stats.pools {
        out.push(RS);
        push_key(&mut out, key);
        let _ = write!(out, "{US}{ranges}{US}{numbers}");
    }
    out
}

/// `1` then per stored range `id US start US end US count US scope`.
pub(crate) fn entries(inventory: &Inventory) -> String {
    let mut out = String::from("1");
    for (key, first, last, id) in inventory.iter() {
        out.push(RS);
        push_id(&mut out, &id);
        let _ = write!(
            out,
            "{US}{}{US}{}{US}{}{US}{}",
            key.identifier(first),
            key.identifier(last),
            last - first + 1,
            key.scope
        );
    }
    out
}

/// Each field after `separator` (one formatting loop for every answer).
pub(crate) fn push_fields(out: &mut String, separator: char, fields: &[&dyn std::fmt::Display]) {
    for field in fields {
        out.push(separator);
        let _ = write!(out, "{field}");
    }
}
