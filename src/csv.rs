//! CSV as operators exchange series with spreadsheets (RFC 4180): reading
//! an import, writing an export that a spreadsheet opens safely.
//!
//! Writing quotes every cell and defuses formulas: a cell a spreadsheet
//! would run (`=HYPERLINK(...)`, `+1`, `-1`, `@SUM`, or one beginning with
//! a tab or a carriage return) is written after an apostrophe, which
//! spreadsheets show as text. Reading takes that apostrophe off again, so a
//! written table reads back exactly.
//!
//! ```
//! use seriesguard::csv::{read, write};
//! let text = write(&[vec!["item_code", "start"], vec!["=HYPERLINK(\"x\")", "V10"]]);
//! assert_eq!(text, "\"item_code\",\"start\"\r\n\"'=HYPERLINK(\"\"x\"\")\",\"V10\"\r\n");
//! assert_eq!(read(&text).unwrap(), vec![vec!["item_code", "start"], vec!["=HYPERLINK(\"x\")", "V10"]]);
//! ```

use crate::error::{Field, Invalid, SeriesError};

/// The most rows [`read`] takes (an import of a million series is two
/// calls' worth for any host, and a bound keeps a page responsive).
pub const MAX_ROWS: usize = 1_000_000;

/// What makes a spreadsheet read a cell as a formula.
fn triggers(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Whether a cell is written after an apostrophe: it would run as a
/// formula, or it already begins with apostrophes before such a start (so
/// reading takes off exactly the one writing added).
fn defused(cell: &str) -> bool {
    triggers(cell.trim_start_matches('\''))
}

/// Appends one row: every cell quoted, formulas defused, CRLF after it.
pub fn write_row<'c>(out: &mut String, cells: impl IntoIterator<Item = &'c str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        if defused(cell) {
            out.push('\'');
        }
        for c in cell.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push_str("\r\n");
}

/// A table as CSV text ([`write_row`] per row).
pub fn write<R: AsRef<[C]>, C: AsRef<str>>(rows: &[R]) -> String {
    let mut out = String::new();
    for row in rows {
        write_row(&mut out, row.as_ref().iter().map(AsRef::as_ref));
    }
    out
}

fn refused(line: usize, reason: &'static str) -> SeriesError {
    SeriesError::Invalid {
        field: Field::Input,
        reason: Invalid::Csv { line, reason },
    }
}

/// The cell as it was before writing defused it.
fn restored(mut cell: String) -> String {
    // `get`, not indexing: a slice that could panic brings 8 KB of
    // formatting and Unicode tables into a browser build.
    if let Some(rest) = cell.strip_prefix('\'') {
        if defused(rest) {
            cell.remove(0);
        }
    }
    cell
}

/// Reads CSV text into rows of cells: quoted or bare cells, `,` between
/// them, CRLF or LF after rows, a leading byte order mark ignored, blank
/// lines skipped. Refused with the line: a quote inside a bare cell, text
/// after a closing quote, a quote never closed, more than [`MAX_ROWS`] rows.
pub fn read(text: &str) -> Result<Vec<Vec<String>>, SeriesError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut started = line;
    // Where the reader is within the current cell.
    #[derive(PartialEq)]
    enum At {
        Start,
        Bare,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::Start;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (&at, c) {
            (At::Quoted, '"') => at = At::QuoteInQuoted,
            (At::Quoted, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c);
            }
            (At::QuoteInQuoted, '"') => {
                cell.push('"');
                at = At::Quoted;
            }
            (At::Start, '"') => at = At::Quoted,
            (At::Bare, '"') => return Err(refused(line, "has a quote inside an unquoted cell")),
            (_, ',') => {
                row.push(restored(std::mem::take(&mut cell)));
                at = At::Start;
            }
            (_, '\r') if chars.peek() == Some(&'\n') => {}
            (_, '\n' | '\r') => {
                // A line with nothing on it at all is skipped.
                let blank = at == At::Start && row.is_empty() && cell.is_empty();
                row.push(restored(std::mem::take(&mut cell)));
                if !blank {
                    if rows.len() == MAX_ROWS {
                        return Err(refused(
                            line,
                            "is past the most rows read at once (1,000,000)",
                        ));
                    }
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
                line += 1;
                started = line;
                at = At::Start;
            }
            (At::QuoteInQuoted, _) => {
                return Err(refused(line, "has text after a closing quote"));
            }
            (At::Start | At::Bare, c) => {
                cell.push(c);
                at = At::Bare;
            }
        }
    }
    if at == At::Quoted {
        return Err(refused(started, "opens a quote that is never closed"));
    }
    if at != At::Start || !cell.is_empty() || !row.is_empty() {
        row.push(restored(cell));
        if rows.len() == MAX_ROWS {
            return Err(refused(
                line,
                "is past the most rows read at once (1,000,000)",
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A table packed for one crossing, written as CSV: each cell is `s`, its
/// length in UTF-16 units, `:` and its text; `x` for a value that is no
/// cell; `\n` after each row. (A JSON reader would cost a browser build
/// 8 KB gzipped; this costs a few hundred bytes.)
///
/// ```
/// assert_eq!(seriesguard::csv::write_packed("s2:V1s4:=1,2\n").unwrap(), "\"V1\",\"'=1,2\"\r\n");
/// assert_eq!(seriesguard::csv::write_packed("x\n").unwrap_err().code(), "INPUT_INVALID");
/// ```
pub fn write_packed(packed: &str) -> Result<String, SeriesError> {
    let not_table = || SeriesError::Invalid {
        field: Field::Input,
        reason: Invalid::Rule(
            "must be a list of rows, each a list of strings, numbers, bigints or nulls",
        ),
    };
    let mut out = String::with_capacity(packed.len() + packed.len() / 4);
    let mut rest = packed;
    let mut row: Vec<&str> = Vec::new();
    while let Some(c) = rest.as_bytes().first() {
        match c {
            b'\n' => {
                write_row(&mut out, row.drain(..));
                rest = rest.get(1..).unwrap_or_default();
            }
            b's' => {
                let (length, text) = rest
                    .get(1..)
                    .and_then(|r| r.split_once(':'))
                    .ok_or_else(not_table)?;
                let units: usize = length.parse().map_err(|_| not_table())?;
                // The cell ends after `units` UTF-16 units.
                let (mut seen, mut end) = (0, 0);
                for c in text.chars() {
                    if seen == units {
                        break;
                    }
                    seen += c.len_utf16();
                    end += c.len_utf8();
                }
                if seen != units {
                    return Err(not_table());
                }
                row.push(text.get(..end).ok_or_else(not_table)?);
                rest = text.get(end..).unwrap_or_default();
            }
            _ => return Err(not_table()),
        }
    }
    if !row.is_empty() {
        return Err(not_table());
    }
    Ok(out)
}

/// [`read`], answered as JSON text: a list of rows, each a list of strings.
pub fn read_json(text: &str) -> Result<String, SeriesError> {
    let rows = read(text)?;
    let mut out = String::with_capacity(text.len() + 16);
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        out.push_str(if i == 0 { "[" } else { ",[" });
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&crate::json::json_string(cell));
        }
        out.push(']');
    }
    out.push(']');
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_spreadsheets_write() {
        let text =
            "\u{feff}start,end,item code\r\nV10,V19,\"a, \"\"b\"\"\"\n\nV20,V29,\"two\nlines\"";
        assert_eq!(
            read(text).unwrap(),
            vec![
                vec!["start", "end", "item code"],
                vec!["V10", "V19", "a, \"b\""],
                vec!["V20", "V29", "two\nlines"],
            ]
        );
        assert_eq!(read("a,\n").unwrap(), vec![vec!["a", ""]]);
        assert_eq!(read("").unwrap(), Vec::<Vec<String>>::new());
    }

    #[test]
    fn refuses_with_the_line() {
        let message = |t: &str| read(t).unwrap_err().to_string();
        assert_eq!(
            message("a,b\nc\"d"),
            "input is not CSV: line 2 has a quote inside an unquoted cell"
        );
        assert_eq!(
            message("a\n\"b\"c"),
            "input is not CSV: line 2 has text after a closing quote"
        );
        assert_eq!(
            message("a\n\"b\nc"),
            "input is not CSV: line 2 opens a quote that is never closed"
        );
        assert_eq!(read("x\"").unwrap_err().code(), "INPUT_INVALID");
    }

    #[test]
    fn formulas_are_defused_and_read_back() {
        for cell in [
            "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "'=1", "''-2", "'plain", "V10",
        ] {
            let text = write(&[[cell]]);
            let runs = text
                .trim_start_matches('"')
                .starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(!runs, "{cell:?} is written as {text:?}");
            assert_eq!(read(&text).unwrap(), vec![vec![cell]], "{cell:?}");
        }
    }

    proptest! {
        #[test]
        fn what_is_written_reads_back(rows in proptest::collection::vec(
            proptest::collection::vec("[ -~\t\r\n\"',=+@é]{0,8}", 1..4), 0..6)) {
            prop_assert_eq!(read(&write(&rows)).unwrap(), rows);
        }
    }
}
