//! Scopes: the host's namespace a series belongs to (a Shipsy customer, a
//! MOR card group, an aBILLity area code, any text a `SeriesIndex` host
//! names), and how two of them are compared.
//!
//! This module owns the one normalization every scope goes through, so the
//! same customer typed two ways is one customer, and the Shipsy codes'
//! stronger one. It does not know pools or stores ([`crate::inventory`]).
//!
//! - Every scope is trimmed (Unicode white space) and compared as written
//!   after that. Characters that Unicode's compatibility normalization
//!   (NFKC) would rewrite into ASCII, the ones keyboards and spreadsheets
//!   slip into codes (full-width forms `ＳＬ１９８１`, the ideographic space,
//!   the no-break and other fixed-width spaces), are refused in a plain
//!   scope rather than compared as different text: a refusal is an answer,
//!   a second customer is a silent double allotment. (Full NFKC tables do
//!   not fit the package's size budget; every other character is NFKC-stable
//!   in practice for codes, and compared exactly.)
//! - Shipsy client and hub codes are codes, not text: they are trimmed,
//!   their full-width forms folded to ASCII (as NFKC does), ASCII letters
//!   upper-cased, and the result put in its own namespace,
//!   `client:SL1981` or `hub:SL1981`, so a hub never shares a client's
//!   series list.

use crate::error::{Field, Invalid, SeriesError};
use crate::input::Value;

/// The longest scope accepted, in bytes after trimming.
pub const MAX_SCOPE_LEN: usize = 256;

/// The character NFKC would write as ASCII (or a plain space), if it is
/// one of the compatibility forms scopes are checked for.
fn compatibility_ascii(c: char) -> Option<char> {
    match u32::from(c) {
        // FULLWIDTH EXCLAMATION MARK ..= FULLWIDTH TILDE map to ! ..= ~.
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0),
        0x3000 | 0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F => Some(' '),
        _ => None,
    }
}

fn invalid(what: &'static str) -> SeriesError {
    SeriesError::Invalid {
        field: Field::Scope,
        reason: Invalid::Rule(what),
    }
}

#[inline]
fn text(value: Value<'_>) -> Result<Option<&str>, SeriesError> {
    match value {
        Value::Absent => Ok(None),
        Value::Text(text) => Ok(Some(text.trim())),
        other => Err(SeriesError::Invalid {
            field: Field::Scope,
            reason: Invalid::NotText(other.kind()),
        }),
    }
}

fn check_limits(text: &str) -> Result<(), SeriesError> {
    if text.len() > MAX_SCOPE_LEN || text.chars().any(char::is_control) {
        return Err(invalid(
            "must be at most 256 bytes without control characters",
        ));
    }
    Ok(())
}

/// Types a host's scope: absent is the empty scope; a text is trimmed and
/// must be at most 256 bytes, without control characters and without the
/// compatibility forms the module documentation lists.
///
/// ```
/// use seriesguard::{input::Value, scope::read};
/// assert_eq!(read(Value::Text("  GL438 ")), Ok("GL438"));
/// assert_eq!(read(Value::Absent), Ok(""));
/// assert_eq!(read(Value::Text("ＧＬ438")).unwrap_err().code(), "SCOPE_INVALID");
/// ```
// Inlined: each caller then skips what its scope cannot hit, with no large
// Result returned through memory (measured: 0.06 KB less wasm gzipped).
#[inline]
pub fn read(value: Value<'_>) -> Result<&str, SeriesError> {
    let Some(text) = text(value)? else {
        return Ok("");
    };
    check_limits(text)?;
    if text.chars().any(|c| compatibility_ascii(c).is_some()) {
        return Err(invalid(
            "holds a full-width or fixed-width character: write it in ASCII",
        ));
    }
    Ok(text)
}

/// Which Shipsy code names the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// `client_code`.
    Client,
    /// `hub_code`.
    Hub,
}

impl Namespace {
    fn tag(self) -> &'static str {
        match self {
            Namespace::Client => "client:",
            Namespace::Hub => "hub:",
        }
    }
}

/// A Shipsy client or hub code as a scope: trimmed, full-width forms
/// folded to ASCII, ASCII letters upper-cased, in its namespace; `None`
/// for a blank code. Other characters are kept as written.
///
/// ```
/// use seriesguard::{input::Value, scope::{code, Namespace}};
/// let client = |t| code(Value::Text(t), Namespace::Client).unwrap();
/// assert_eq!(client(" sl1981"), Some("client:SL1981".to_owned()));
/// assert_eq!(client("ＳＬ１９８１"), client("SL1981"));
/// assert_ne!(code(Value::Text("SL1981"), Namespace::Hub).unwrap(), client("SL1981"));
/// assert_eq!(client("  "), None);
/// ```
pub fn code(value: Value<'_>, namespace: Namespace) -> Result<Option<String>, SeriesError> {
    let Some(text) = text(value)? else {
        return Ok(None);
    };
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        folded.push(compatibility_ascii(c).unwrap_or(c).to_ascii_uppercase());
    }
    let folded = folded.trim();
    if folded.is_empty() {
        return Ok(None);
    }
    check_limits(folded)?;
    Ok(Some(format!("{}{folded}", namespace.tag())))
}
