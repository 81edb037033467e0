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

use std::fmt::Write;

use crate::range::SeriesRange;
use crate::serial::Serial;
use crate::SeriesError;

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
