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
    width: usize,
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
    /// check digit, when the identifier was read under a scheme). Under a
    /// format that allows grouping they may hold its separators
    /// (`35-209900-176148`); [`Serial::digits_text`] has the digits alone.
    pub fn digits(&self) -> &'a str {
        self.digits
    }
    /// The serial digits alone, leading zeros included, without any
    /// grouping separator.
    pub fn digits_text(&self) -> std::borrow::Cow<'a, str> {
        if self.digits.len() == self.width {
            std::borrow::Cow::Borrowed(self.digits)
        } else {
            std::borrow::Cow::Owned(format!("{:0w$}", self.body, w = self.width))
        }
    }
    /// Everything after the digit body (may be empty; never holds a digit).
    pub fn suffix(&self) -> &'a str {
        self.suffix
    }
    /// The serial's value, exact.
    pub fn body(&self) -> u128 {
        self.body
    }
    /// The number of serial digits as written (separators not counted).
    pub fn width(&self) -> usize {
        self.width
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
        let width = self.width.checked_sub(1).filter(|&n| n > 0)?;
        let split = self.digits.len().checked_sub(1)?;
        // A separator before the check digit (`...176148-1`) belongs to neither.
        let digits = self.digits.get(..split)?;
        let digits = match digits.as_bytes().last() {
            Some(b'-' | b' ') => digits.get(..split - 1)?,
            _ => digits,
        };
        Some(Serial {
            digits,
            body: self.body / 10,
            width,
            check: Some((self.body % 10) as u8),
            ..self
        })
    }
    /// True when the body is written with leading zeros (`0042`, not `0` or `42`).
    pub fn is_zero_padded(&self) -> bool {
        self.width > 1 && self.digits.starts_with('0')
    }
    /// Makes `prefix` (a part of the prefix read) the prefix: how a format
    /// drops the separator it allows after its prefix (`020-` is the
    /// airline prefix `020`).
    pub fn set_prefix(&mut self, prefix: &'a str) {
        self.prefix = prefix;
    }
    /// True when the text is exactly prefix, digits, check digit and
    /// suffix: nothing was dropped while reading it.
    pub fn is_canonical(&self) -> bool {
        self.text.len()
            == self.prefix.len()
                + self.width
                + usize::from(self.check.is_some())
                + self.suffix.len()
    }
    /// The identifier in its one canonical spelling: prefix, digits,
    /// check digit and suffix with every separator dropped
    /// (`020-12345675` is `02012345675`, `35-209900-176148-1` is
    /// `352099001761481`). Borrowed when the text already is that.
    ///
    /// ```
    /// use seriesguard::{error::Field, serial::{parse_grouped, PrefixRule}};
    /// let s = parse_grouped("35-209900-176148-1", Field::Serial, PrefixRule::Natural, true).unwrap();
    /// assert_eq!((s.width(), s.canonical().as_ref()), (15, "352099001761481"));
    /// ```
    pub fn canonical(&self) -> std::borrow::Cow<'a, str> {
        if self.is_canonical() {
            return std::borrow::Cow::Borrowed(self.text);
        }
        let mut out = format(self.prefix, self.body, self.width, "");
        if let Some(check) = self.check {
            out.push(char::from(b'0' + check));
        }
        out.push_str(self.suffix);
        std::borrow::Cow::Owned(out)
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
    parse_grouped(input, field, prefix, false)
}

/// The separators a format that allows grouping accepts between two
/// digits of its body: `35-209900-176148-1`, `978 0 471 11709 4`.
pub const SEPARATORS: [char; 2] = ['-', ' '];

/// Like [`parse`]; with `grouped`, one hyphen or space between two digits
/// joins them into the body (the way IMEIs and GTINs are printed), so
/// `978-0-471-11709-4` is the 13-digit body `9780471117094`.
///
/// ```
/// use seriesguard::{error::Field, serial::{parse_grouped, PrefixRule}};
/// let s = parse_grouped("978-0-471-11709-4", Field::Serial, PrefixRule::Natural, true).unwrap();
/// assert_eq!((s.prefix(), s.body(), s.width()), ("", 9780471117094, 13));
/// let s = parse_grouped("978-0-471-11709-4", Field::Serial, PrefixRule::Natural, false).unwrap();
/// assert_eq!((s.prefix(), s.body()), ("978-0-471-11709-", 4));
/// ```
pub fn parse_grouped<'a>(
    input: &'a str,
    field: Field,
    prefix: PrefixRule<'_>,
    grouped: bool,
) -> Result<Serial<'a>, SeriesError> {
    if let (false, PrefixRule::Natural) = (grouped, prefix) {
        if let Some(serial) = parse_plain(input) {
            return Ok(serial);
        }
    }
    parse_general(input, field, prefix, grouped)
}

/// [`parse_grouped`] for every input: trimming, grouping, prefix rules and
/// the reason of every refusal.
fn parse_general<'a>(
    input: &'a str,
    field: Field,
    prefix: PrefixRule<'_>,
    grouped: bool,
) -> Result<Serial<'a>, SeriesError> {
    let invalid = |reason| SeriesError::Invalid { field, reason };
    // Most input has no surrounding space: trimming (Unicode whitespace)
    // only when an end byte is not a visible ASCII character.
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let bytes = input.as_bytes();
    let text = if visible(bytes.first()) && visible(bytes.last()) {
        input
    } else {
        input.trim()
    };
    if text.is_empty() {
        return Err(SeriesError::Required { field });
    }
    if text.len() > MAX_LEN {
        return Err(invalid(Invalid::TooLong {
            len: text.len(),
            max: MAX_LEN,
        }));
    }
    if let Some(reason) = first_bad_char(text, grouped) {
        return Err(invalid(reason));
    }
    let bytes = text.as_bytes();
    let body_end = match bytes.iter().rposition(u8::is_ascii_digit) {
        Some(last) => last + 1,
        None => return Err(invalid(Invalid::NoDigits)),
    };
    let (head, suffix) = bytes.split_at(body_end);
    let natural_start = run_start(head, grouped);
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
                    found: text.get(..natural_start).unwrap_or_default().to_owned(),
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
    let width = if grouped {
        digits.iter().filter(|b| b.is_ascii_digit()).count()
    } else {
        digits.len()
    };
    if width > MAX_DIGITS {
        return Err(invalid(Invalid::TooManyDigits {
            digits: width,
            max: MAX_DIGITS,
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
        body: parse_grouped_body(digits, width),
        width,
        check: None,
    })
}

/// The common case in one pass from the end: visible ASCII only, no space
/// around it, a natural prefix, no grouping, within the limits. `None`
/// for anything else, which [`parse_grouped`]'s general path reads (and
/// reports) exactly as before.
fn parse_plain(text: &str) -> Option<Serial<'_>> {
    plain_serial(text, plain_body(text.as_bytes())?)
}

/// The serial of `text` whose body [`plain_body`] found at `(start, end)`.
pub(crate) fn plain_serial(
    text: &str,
    (body_start, body_end): (usize, usize),
) -> Option<Serial<'_>> {
    let part = |from: usize, to: usize| text.get(from..to);
    let digits = part(body_start, body_end)?;
    Some(Serial {
        text,
        prefix: part(0, body_start)?,
        digits,
        suffix: part(body_end, text.len())?,
        body: parse_body(digits.as_bytes()),
        width: body_end - body_start,
        check: None,
    })
}

/// Where the body of an identifier that needs no trimming lies, as
/// `(start, end)` byte offsets: the last digit run, every byte visible
/// ASCII, at most [`MAX_LEN`] bytes and [`MAX_DIGITS`] digits. `None`
/// when any of that fails (the general reading then says why).
// Inlined natively, as it was before the one-pass reading shared it; not
// in wasm, where the copy cost the form entry 0.2 KB gzipped.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub(crate) fn plain_body(bytes: &[u8]) -> Option<(usize, usize)> {
    if bytes.len() > MAX_LEN {
        return None;
    }
    // Walking back: the suffix (no digit), then the digit run, then the
    // prefix; each byte looked at once.
    let mut rest = bytes.iter().rev();
    let mut suffix = 0;
    let last_digit = loop {
        match rest.next() {
            Some(b) if b.is_ascii_digit() => break true,
            Some(b) if b.is_ascii_graphic() => suffix += 1,
            _ => break false,
        }
    };
    if !last_digit {
        return None;
    }
    let mut width = 1;
    let graphic_prefix = loop {
        match rest.next() {
            Some(b) if b.is_ascii_digit() => width += 1,
            Some(b) => break b.is_ascii_graphic() && rest.all(u8::is_ascii_graphic),
            None => break true,
        }
    };
    if !graphic_prefix || width > MAX_DIGITS {
        return None;
    }
    let body_end = bytes.len() - suffix;
    Some((body_end - width, body_end))
}

/// Where the last digit run of `head` (which ends in a digit) begins; with
/// `grouped`, a single separator between two digits does not end the run.
fn run_start(head: &[u8], grouped: bool) -> usize {
    let plain = head
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    if !grouped {
        return plain;
    }
    let mut start = plain;
    loop {
        match (
            start.checked_sub(2).and_then(|i| head.get(i)),
            start.checked_sub(1).and_then(|i| head.get(i)),
        ) {
            (_, Some(b)) if b.is_ascii_digit() => start -= 1,
            (Some(d), Some(&sep))
                if grouped && d.is_ascii_digit() && SEPARATORS.contains(&char::from(sep)) =>
            {
                start -= 2
            }
            _ => return start,
        }
    }
}

/// The value of a body that may hold separators; `width` is its digit count.
fn parse_grouped_body(digits: &[u8], width: usize) -> u128 {
    if digits.len() == width {
        return parse_body(digits);
    }
    let mut plain = [0u8; MAX_DIGITS];
    for (slot, &b) in plain
        .iter_mut()
        .zip(digits.iter().filter(|b| b.is_ascii_digit()))
    {
        *slot = b;
    }
    parse_body(plain.get(..width).unwrap_or_default())
}

/// The first character that no identifier may hold, as the reason. With
/// `grouped`, a space between two digits is a separator, not a fault.
fn first_bad_char(text: &str, grouped: bool) -> Option<Invalid> {
    let bytes = text.as_bytes();
    let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mut from = 0;
    let (index, byte) = loop {
        let at = from
            + bytes
                .get(from..)?
                .iter()
                .position(|b| !b.is_ascii_graphic())?;
        let byte = *bytes.get(at)?;
        // With grouping, a space between two digits is a separator.
        if !(grouped && byte == b' ' && at > 0 && digit_at(at - 1) && digit_at(at + 1)) {
            break (at, byte);
        }
        from = at + 1;
    };
    // Every byte before this one is ASCII, so its byte index is its character index.
    let at = index + 1;
    Some(match byte {
        b' ' => Invalid::InnerSpace { at },
        0x80.. => Invalid::NonAscii { at },
        _ => Invalid::Control { at },
    })
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

/// 10^0 ..= 10^19.
const POW10: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

/// Two u64 halves instead of a u128 accumulator: u128 multiplication is a
/// library call on wasm32, u64 is one instruction. Input: 1..=38 ASCII digits.
pub(crate) fn parse_body(digits: &[u8]) -> u128 {
    let (high, low) = digits.split_at(digits.len().saturating_sub(19));
    // At most 19 digits in `low`: 10^19 fits u64, and one multiplication
    // replaces pow's loop (none at all for the common short body).
    if high.is_empty() {
        return u128::from(short_body(low));
    }
    let scale = POW10.get(low.len()).copied().unwrap_or(1);
    u128::from(short_body(high)) * u128::from(scale) + u128::from(short_body(low))
}

/// The value of at most 19 ASCII digits (10^19 fits `u64`): eight at a
/// time, then one at a time (measured: the digit loop was a twentieth of a
/// yes/no query and of a bulk load in wasm).
pub(crate) fn short_body(digits: &[u8]) -> u64 {
    let mut acc = 0u64;
    let mut rest = digits;
    while let Some((eight, tail)) = rest.split_first_chunk::<8>() {
        acc = acc * 100_000_000 + eight_digits(*eight);
        rest = tail;
    }
    rest.iter()
        .fold(acc, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0')))
}

/// The value of eight ASCII digits in one `u64` (SWAR): pairs, then
/// fours, then the whole, each step one multiplication.
fn eight_digits(digits: [u8; 8]) -> u64 {
    // The first digit is the lowest byte.
    let v = u64::from_le_bytes(digits).wrapping_sub(0x3030_3030_3030_3030);
    // Each even byte becomes two digits' value (d0 * 10 + d1).
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let pairs = v & 0x00FF_00FF_00FF_00FF;
    // Each even 16-bit lane becomes four digits' value.
    let fours = pairs.wrapping_mul(100).wrapping_add(pairs >> 16) & 0x0000_FFFF_0000_FFFF;
    fours.wrapping_mul(10_000).wrapping_add(fours >> 32) & 0xFFFF_FFFF
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

// proptest is a native dev-dependency: the wasm test build has none.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass common case reads exactly what the general path reads.
        #[test]
        fn the_plain_path_agrees_with_the_general_one(text in "[ -~]{0,48}|[A-Z]{0,3}[0-9]{1,40}[A-Z]{0,2}") {
            if let Some(plain) = parse_plain(&text) {
                let general = parse_general(&text, Field::Serial, PrefixRule::Natural, false);
                prop_assert_eq!(Some(plain), general.ok());
            }
        }
    }
}
