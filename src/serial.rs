//! One identifier: `prefix`, digit `body`, `width`, `suffix`.
//!
//! This module owns reading a single identifier such as `V10000051`,
//! `89440012345678901234` or `AB-000123-X` into its parts, exactly, and
//! writing parts back into text. It does not know about series (start and
//! end together: see [`crate::range`]) nor about check digits.
//!
//! The body is the last run of digits; everything before it is the prefix
//! (which may itself contain digits, as an airline prefix does), everything
//! after it is the suffix (which therefore holds no digits). The width is the
//! number of digits as written, so leading zeros are kept. Under a
//! check-digit scheme the body's last digit is set apart as the check digit
//! ([`Serial::with_check_digit`]), and body and width are the serial's.

use crate::check_digit::Scheme;
use crate::error::{Because, Field, Invalid, SeriesError};

/// The longest identifier accepted, in characters after trimming.
pub const MAX_LEN: usize = 128;
/// The most digits a body may have: every 38-digit number fits `u128`.
pub const MAX_DIGITS: usize = 38;

/// A parsed identifier, borrowing the text it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serial<'a> {
    text: &'a str,
    prefix: &'a str,
    digits: &'a str,
    suffix: &'a str,
    body: u128,
    check: Option<u8>,
}

/// Where the parser ends the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixRule<'r> {
    /// Before the last run of digits.
    Natural,
    /// After exactly this text, which must be followed directly by the body
    /// (so a prefix may end in digits: `020` + `12345675`).
    Exact(&'r str),
    /// Like `Natural`, but when nothing but digits precedes the body, the
    /// first `n` digits are the prefix (`02012345675` is `020` + `12345675`).
    LeadingDigits(usize),
}

impl<'a> Serial<'a> {
    /// The identifier as written, trimmed.
    pub fn text(&self) -> &'a str {
        self.text
    }
    /// Everything before the digit body (may be empty).
    pub fn prefix(&self) -> &'a str {
        self.prefix
    }
    /// The serial digits as written, leading zeros included (without the
    /// check digit, when the identifier was read under a scheme).
    pub fn digits(&self) -> &'a str {
        self.digits
    }
    /// Everything after the digit body (may be empty; never holds a digit).
    pub fn suffix(&self) -> &'a str {
        self.suffix
    }
    /// The serial's value, exact.
    pub fn body(&self) -> u128 {
        self.body
    }
    /// The number of serial digits as written.
    pub fn width(&self) -> usize {
        self.digits.len()
    }
    /// The check digit, when the identifier was read under a scheme.
    pub fn check_digit(&self) -> Option<u8> {
        self.check
    }

    /// The same identifier with its last digit set apart as a check digit;
    /// `None` when no digit would be left for the serial.
    ///
    /// ```
    /// use seriesguard::{error::Field, serial::{parse, PrefixRule}};
    /// let s = parse("RR473124829GB", Field::Serial, PrefixRule::Natural).unwrap();
    /// let s = s.with_check_digit().unwrap();
    /// assert_eq!((s.digits(), s.body(), s.check_digit()), ("47312482", 47312482, Some(9)));
    /// ```
    pub fn with_check_digit(self) -> Option<Serial<'a>> {
        let split = self.digits.len().checked_sub(1).filter(|&n| n > 0)?;
        let digits = self.digits.get(..split)?;
        let check = self.digits.as_bytes().get(split)?.wrapping_sub(b'0');
        Some(Serial {
            digits,
            body: parse_body(digits.as_bytes()),
            check: Some(check),
            ..self
        })
    }
    /// True when the body is written with leading zeros (`0042`, not `0` or `42`).
    pub fn is_zero_padded(&self) -> bool {
        self.digits.len() > 1 && self.digits.starts_with('0')
    }
}

/// Reads one identifier. `field` names it in errors; `prefix` says where the
/// prefix ends (see [`PrefixRule`]).
///
/// Leading and trailing whitespace is trimmed. Blank text is
/// [`SeriesError::Required`]; non-ASCII characters (full-width or
/// Arabic-Indic digits, RTL marks), control characters, inner spaces, a
/// missing body or a body over 38 digits are [`SeriesError::Invalid`].
///
/// ```
/// use seriesguard::{error::Field, serial::{parse, PrefixRule}};
/// let s = parse(" AB-000123-X ", Field::Serial, PrefixRule::Natural).unwrap();
/// assert_eq!((s.prefix(), s.digits(), s.body(), s.suffix()), ("AB-", "000123", 123, "-X"));
/// let awb = parse("02012345675", Field::Serial, PrefixRule::Exact("020")).unwrap();
/// assert_eq!((awb.prefix(), awb.body()), ("020", 12345675));
/// let awb = parse("02012345675", Field::Serial, PrefixRule::LeadingDigits(3)).unwrap();
/// assert_eq!((awb.prefix(), awb.body()), ("020", 12345675));
/// ```
pub fn parse<'a>(
    input: &'a str,
    field: Field,
    prefix: PrefixRule<'_>,
) -> Result<Serial<'a>, SeriesError> {
    let invalid = |reason| SeriesError::Invalid { field, reason };
    let text = input.trim();
    if text.is_empty() {
        return Err(SeriesError::Required { field });
    }
    if text.len() > MAX_LEN {
        return Err(invalid(Invalid::TooLong { len: text.len() }));
    }
    if let Some(reason) = first_bad_char(text) {
        return Err(invalid(reason));
    }
    let bytes = text.as_bytes();
    let body_end = match bytes.iter().rposition(u8::is_ascii_digit) {
        Some(last) => last + 1,
        None => return Err(invalid(Invalid::NoDigits)),
    };
    let (head, suffix) = bytes.split_at(body_end);
    let natural_start = head
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let body_start = match prefix {
        PrefixRule::Natural => natural_start,
        PrefixRule::LeadingDigits(n) if natural_start == 0 && body_end > n => n,
        PrefixRule::LeadingDigits(_) => natural_start,
        PrefixRule::Exact(required) => {
            let len = required.len();
            // The required prefix must be followed directly by the body: no
            // other character may sit between them.
            if !text.starts_with(required) || natural_start > len {
                return Err(SeriesError::PrefixMismatch {
                    field,
                    expected: required.to_owned(),
                    found: ascii(head.split_at(natural_start).0),
                    because: Because::Rule,
                });
            }
            if len >= body_end {
                return Err(invalid(Invalid::NoDigits));
            }
            len
        }
    };
    let (prefix_bytes, digits) = head.split_at(body_start);
    if digits.len() > MAX_DIGITS {
        return Err(invalid(Invalid::TooManyDigits {
            digits: digits.len(),
        }));
    }
    // Every byte is ASCII (checked above) and the splits fall between bytes,
    // so these slices are valid UTF-8; `text.get` keeps that explicit.
    let part = |from: usize, to: usize| text.get(from..to).unwrap_or_default();
    Ok(Serial {
        text,
        prefix: part(0, prefix_bytes.len()),
        digits: part(body_start, body_end),
        suffix: part(body_end, body_end + suffix.len()),
        body: parse_body(digits),
        check: None,
    })
}

/// The first character that no identifier may hold, as the reason.
fn first_bad_char(text: &str) -> Option<Invalid> {
    let (index, byte) = text
        .bytes()
        .enumerate()
        .find(|(_, b)| !b.is_ascii_graphic())?;
    // Every byte before this one is ASCII, so its byte index is its character index.
    let at = index + 1;
    Some(match byte {
        b' ' => Invalid::InnerSpace { at },
        0x80.. => Invalid::NonAscii { at },
        _ => Invalid::Control { at },
    })
}

fn ascii(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads up to [`MAX_DIGITS`] ASCII digits exactly; `None` when the slice is
/// empty, too long or holds anything but digits.
///
/// ```
/// use seriesguard::serial::parse_digits;
/// assert_eq!(parse_digits(b"99999999999999999999999999999999999999"), Some(10u128.pow(38) - 1));
/// assert_eq!(parse_digits(b"999999999999999999999999999999999999999"), None);
/// assert_eq!(parse_digits(b"12a"), None);
/// ```
pub fn parse_digits(digits: &[u8]) -> Option<u128> {
    if digits.is_empty() || digits.len() > MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(parse_body(digits))
}

/// Two u64 halves instead of a u128 accumulator: u128 multiplication is a
/// library call on wasm32, u64 is one instruction. Input: 1..=38 ASCII digits.
fn parse_body(digits: &[u8]) -> u128 {
    let (high, low) = digits.split_at(digits.len().saturating_sub(19));
    let chunk = |d: &[u8]| {
        d.iter()
            .fold(0u64, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0')))
    };
    let scale = 10u128.pow(low.len() as u32);
    u128::from(chunk(high)) * scale + u128::from(chunk(low))
}

/// Writes an identifier from its parts, zero-padding the body to `width`
/// digits (a body with more digits is written in full).
///
/// ```
/// use seriesguard::serial::format;
/// assert_eq!(format("V", 51, 8, ""), "V00000051");
/// assert_eq!(format("RR", 12345678, 8, "GB"), "RR12345678GB");
/// ```
pub fn format(prefix: &str, body: u128, width: usize, suffix: &str) -> String {
    format!("{prefix}{body:0width$}{suffix}")
}

/// Like [`format`], with the scheme's check digit after the body.
///
/// ```
/// use seriesguard::{check_digit::Scheme, serial::format_checked};
/// assert_eq!(format_checked("RR", 47312482, 8, Scheme::S10, "GB"), "RR473124829GB");
/// assert_eq!(format_checked("V", 7, 2, Scheme::None, ""), "V07");
/// ```
pub fn format_checked(
    prefix: &str,
    body: u128,
    width: usize,
    scheme: Scheme,
    suffix: &str,
) -> String {
    match scheme.compute_value(body, width.max(digit_count(body))) {
        Some(check) => format!("{prefix}{body:0width$}{check}{suffix}"),
        None => format(prefix, body, width, suffix),
    }
}

/// The number of decimal digits of `n` (1 for 0).
pub fn digit_count(n: u128) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}
