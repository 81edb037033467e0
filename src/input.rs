//! Values as a host hands them over, before the core has typed them.
//!
//! A dashboard sends whatever its form holds: a string, a number someone
//! typed into a numeric field, `null`, an array by mistake. The bindings map
//! each host value onto [`Value`] without judging it; the core then decides,
//! in one place, what is acceptable and words the error when it is not.
//! This module owns that vocabulary and the conversions of option values
//! (integers, flags); it does not know any JS or WIT type.

use crate::error::{Field, Invalid, SeriesError};

/// One loosely typed value from a host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Missing, `undefined` or `null`.
    Absent,
    /// A string, untrimmed.
    Text(&'a str),
    /// A JS number (IEEE double). Never used for identifiers: only rule
    /// options accept it, and only when it is an exact safe integer.
    Number(f64),
    /// A JS bigint: `Some` when it fits `u128`, `None` when negative or larger.
    BigInt(Option<u128>),
    /// A boolean.
    Bool(bool),
    /// A plain object (its fields are read by the binding, not here).
    Object,
    /// Anything else; carries the kind's name for messages (`"array"`, `"symbol"`, `"function"`).
    Other(&'static str),
}

/// The largest integer a JS number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A text a host stores as it is (an item code, a hub): refused with
/// `Invalid::Control` when it holds a control character (NUL and the
/// others no database column or log line should carry).
///
/// ```
/// use seriesguard::{error::Field, input::stored_text};
/// assert_eq!(stored_text("P7WJEJANkt", Field::ItemCode), Ok("P7WJEJANkt"));
/// assert_eq!(stored_text("a\u{0}b", Field::ItemCode).unwrap_err().code(), "ITEM_CODE_INVALID");
/// ```
pub fn stored_text(text: &str, field: Field) -> Result<&str, SeriesError> {
    match text.chars().position(char::is_control) {
        None => Ok(text),
        Some(index) => Err(SeriesError::Invalid {
            field,
            reason: crate::error::Invalid::Control { at: index + 1 },
        }),
    }
}

impl<'a> Value<'a> {
    /// The kind's name as a JS developer would say it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Absent => "undefined",
            Value::Text(_) => "string",
            Value::Number(_) => "number",
            Value::BigInt(_) => "bigint",
            Value::Bool(_) => "boolean",
            Value::Object => "object",
            Value::Other(kind) => kind,
        }
    }

    /// An issue unless the value is a plain object or absent (which stands
    /// for an empty object): for the input of `validateSeries` and for rules.
    pub fn expect_object(&self, field: Field) -> Option<SeriesError> {
        match self {
            Value::Absent | Value::Object => None,
            other => Some(SeriesError::Invalid {
                field,
                reason: Invalid::NotObject(other.kind()),
            }),
        }
    }

    /// The value as a non-negative integer, when it is one exactly:
    /// a safe-integer number, a bigint that fits, or a string of ASCII digits.
    ///
    /// ```
    /// use seriesguard::input::Value;
    /// assert_eq!(Value::Number(38.0).as_exact_u128(), Some(38));
    /// assert_eq!(Value::Number(1.5).as_exact_u128(), None);
    /// assert_eq!(Value::Number(f64::NAN).as_exact_u128(), None);
    /// assert_eq!(Value::Text("1000").as_exact_u128(), Some(1000));
    /// ```
    pub fn as_exact_u128(&self) -> Option<u128> {
        match *self {
            Value::Number(n) if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) => {
                // Exact: n is an integer below 2^53, so the cast loses
                // nothing (through u64: one instruction in wasm, where f64
                // to u128 is a library call).
                Some(u128::from(n as u64))
            }
            Value::BigInt(n) => n,
            Value::Text(t) => crate::serial::parse_digits(t.trim().as_bytes()),
            _ => None,
        }
    }
}

/// Whether two short texts are equal, compared byte by byte: a library
/// `memcmp` call for a one-letter prefix costs more than the comparison
/// (measured natively, on the query path: about a third of a pool lookup).
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A loosely typed text argument: required strings (`secret`, `key`) and
/// optional ones (`message` may be empty).
pub fn text_arg<'a>(value: Value<'a>, field: Field) -> Result<&'a str, SeriesError> {
    match value {
        Value::Text(text) => Ok(text),
        Value::Absent => Err(SeriesError::Required { field }),
        other => Err(SeriesError::Invalid {
            field,
            reason: Invalid::NotText(other.kind()),
        }),
    }
}
