//! The compact text answers `pkg/api.js` decodes. One string crosses the
//! boundary instead of a JS object built field by field from Rust, which
//! costs microseconds. Records are separated by RS (U+001E) and fields by
//! US (U+001F); neither can occur in a field, because identifiers reject
//! control characters and messages never echo raw input.
//!
//! validation: `ok US count US start US end` then `RS code US field US message` per issue
//! serial:     `ok US text US prefix US digits US suffix US check` then issues as above
//! answer:     `1 US value`, or `0` then the issue
//! `ok` is `1` or `0`; count, start and end are empty when there is no range.
//!
//! An answer is not returned as a JS string: [`emit`] keeps it in one
//! buffer in wasm memory and returns its length; the wrapper reads it from
//! [`out_ptr`] and decodes it in place. That skips the allocation handshake
//! of a returned `String` (measured: about half the cost of a short call).

use std::cell::RefCell;
use std::fmt::Write;

use wasm_bindgen::prelude::*;

use crate::range::SeriesRange;
use crate::serial::Serial;
use crate::SeriesError;

thread_local! {
    static OUT: RefCell<String> = RefCell::new(String::with_capacity(256));
}

/// Keeps `answer` as the current answer and returns its length in bytes.
/// Called after every read of JS values, so no JS code runs while the
/// buffer is borrowed.
pub(crate) fn emit(answer: String) -> u32 {
    OUT.with(|out| {
        let mut out = out.borrow_mut();
        *out = answer;
        u32::try_from(out.len()).unwrap_or(u32::MAX)
    })
}

/// Where the current answer starts in wasm memory.
#[wasm_bindgen(js_name = outPtr)]
pub fn out_ptr() -> u32 {
    OUT.with(|out| out.borrow().as_ptr() as usize as u32)
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

const RS: char = '\u{1e}';
const US: char = '\u{1f}';

/// Encodes a validation outcome.
pub(crate) fn validation(range: Option<&SeriesRange<'_>>, issues: &[SeriesError]) -> String {
    let mut out = String::with_capacity(64);
    out.push(if issues.is_empty() { '1' } else { '0' });
    match range {
        Some(range) => {
            let _ = write!(
                out,
                "{US}{}{US}{}{US}{}",
                range.count(),
                range.start().text(),
                range.end().text()
            );
        }
        None => {
            out.push(US);
            out.push(US);
            out.push(US);
        }
    }
    push_issues(&mut out, issues);
    out
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
            s.digits(),
            s.suffix()
        );
        if let Some(check) = s.check_digit() {
            let _ = write!(out, "{check}");
        }
    }
    push_issues(&mut out, issues);
    out
}

/// Encodes a failure with every issue that caused it.
pub(crate) fn issues(issues: &[SeriesError]) -> String {
    let mut out = String::from("0");
    push_issues(&mut out, issues);
    out
}

/// Encodes a single value or the one error that stopped it.
pub(crate) fn answer<T: std::fmt::Display>(result: Result<T, SeriesError>) -> String {
    match result {
        Ok(value) => format!("1{US}{value}"),
        Err(issue) => issues(std::slice::from_ref(&issue)),
    }
}

fn push_issues(out: &mut String, issues: &[SeriesError]) {
    for issue in issues {
        let _ = write!(out, "{RS}{}{US}{}{US}{issue}", issue.code(), issue.field());
    }
}
