//! A series `start..end`: the rules it must meet, its exact count, and the
//! validation that reports every broken rule at once.
//!
//! This module owns what makes two identifiers a series: same prefix, same
//! suffix, compatible widths, start not after end, size within the caller's
//! limit, and the optional rules (`width`, `prefix`, `maxCount`,
//! `numericOnly`, `scheme`, `format`). Under a check-digit scheme the
//! series counts serials, not written numbers: `02012345675`..`02012345686`
//! is 2 air waybills. It never walks a series member by member: counting is one
//! subtraction. Reading a single identifier is [`crate::serial`]'s job.

use std::borrow::Cow;
use std::fmt;

use crate::check_digit::Scheme;
use crate::error::{Because, Field, Invalid, RuleOption, SeriesError};
use crate::formats::Format;
use crate::input::Value;
use crate::serial::{self, PrefixRule, Serial, MAX_DIGITS};

/// The longest required prefix accepted in [`SeriesRules::prefix`].
pub const MAX_PREFIX_LEN: usize = 64;

/// Optional rules a host imposes on every series it validates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesRules {
    /// Every serial must have exactly this many digits (1..=38), the check
    /// digit not included.
    pub width: Option<usize>,
    /// Every identifier must begin with exactly this text, followed by the body.
    pub prefix: Option<String>,
    /// The largest count a series may have (at least 1).
    pub max_count: Option<u128>,
    /// Identifiers are bare digits: no prefix, no suffix (MOR card numbers).
    pub numeric_only: bool,
    /// The check-digit scheme; a `format` implies its own.
    pub scheme: Scheme,
    /// A named format: its shape and scheme apply on top of the other rules.
    pub format: Option<Format>,
}

/// The options of [`SeriesRules`] as a host handed them over, untyped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleValues<'a> {
    /// `width`
    pub width: Value<'a>,
    /// `prefix`
    pub prefix: Value<'a>,
    /// `maxCount`
    pub max_count: Value<'a>,
    /// `numericOnly`
    pub numeric_only: Value<'a>,
    /// `scheme`
    pub scheme: Value<'a>,
    /// `format`
    pub format: Value<'a>,
}

impl Default for RuleValues<'_> {
    fn default() -> Self {
        RuleValues {
            width: Value::Absent,
            prefix: Value::Absent,
            max_count: Value::Absent,
            numeric_only: Value::Absent,
            scheme: Value::Absent,
            format: Value::Absent,
        }
    }
}

const WIDTH_EXPECTED: &str = "must be an integer from 1 to 38";
const PREFIX_EXPECTED: &str =
    "must be a string of at most 64 printable ASCII characters without spaces";
const MAX_COUNT_EXPECTED: &str =
    "must be a positive integer (a bigint or decimal string above 2^53 - 1)";
const NUMERIC_ONLY_EXPECTED: &str = "must be true or false";
const SCHEME_EXPECTED: &str = "must be one of none, luhn, mod7, s10, gs1";
const FORMAT_EXPECTED: &str =
    "must be one of awb, s10, iccid, imei, gtin, sscc, or plain (no format)";
const SCHEME_CONFLICT: &str = "differs from the scheme of rules.format; leave it out";

impl SeriesRules {
    /// Types the options a host handed over. Options that are absent take
    /// their defaults; options that are present but wrong are reported, one
    /// issue each, and ignored, so validation can still go on.
    ///
    /// ```
    /// use seriesguard::{input::Value, range::{RuleValues, SeriesRules}};
    /// let (rules, issues) = SeriesRules::from_values(&RuleValues {
    ///     width: Value::Number(10.0),
    ///     numeric_only: Value::Bool(true),
    ///     ..RuleValues::default()
    /// });
    /// assert_eq!((rules.width, rules.numeric_only, issues.len()), (Some(10), true, 0));
    /// ```
    pub fn from_values(values: &RuleValues<'_>) -> (SeriesRules, Vec<SeriesError>) {
        let mut issues = Vec::new();
        let mut bad = |option, expected| {
            issues.push(SeriesError::Invalid {
                field: Field::Rules(option),
                reason: Invalid::Rule(expected),
            });
        };
        let mut rules = SeriesRules::default();
        match values.width {
            Value::Absent => {}
            value => match value
                .as_exact_u128()
                .filter(|w| (1..=MAX_DIGITS as u128).contains(w))
            {
                Some(width) => rules.width = Some(width as usize),
                None => bad(RuleOption::Width, WIDTH_EXPECTED),
            },
        }
        match values.prefix {
            Value::Absent => {}
            Value::Text(text)
                if text.len() <= MAX_PREFIX_LEN && text.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                rules.prefix = Some(text.to_owned());
            }
            _ => bad(RuleOption::Prefix, PREFIX_EXPECTED),
        }
        match values.max_count {
            Value::Absent => {}
            value => match value.as_exact_u128().filter(|&max| max >= 1) {
                Some(max) => rules.max_count = Some(max),
                None => bad(RuleOption::MaxCount, MAX_COUNT_EXPECTED),
            },
        }
        match values.numeric_only {
            Value::Absent => {}
            Value::Bool(flag) => rules.numeric_only = flag,
            _ => bad(RuleOption::NumericOnly, NUMERIC_ONLY_EXPECTED),
        }
        match values.format {
            Value::Absent => {}
            Value::Text(name) => match Format::from_stored_name(name) {
                Some(Some(format)) => {
                    rules.format = Some(format);
                    rules.scheme = format.scheme();
                }
                Some(None) => {}
                None => bad(RuleOption::Format, FORMAT_EXPECTED),
            },
            _ => bad(RuleOption::Format, FORMAT_EXPECTED),
        }
        match values.scheme {
            Value::Absent => {}
            Value::Text(name) => match Scheme::from_name(name) {
                Some(scheme) if rules.format.is_some_and(|f| f.scheme() != scheme) => {
                    bad(RuleOption::Scheme, SCHEME_CONFLICT)
                }
                Some(scheme) => rules.scheme = scheme,
                None => bad(RuleOption::Scheme, SCHEME_EXPECTED),
            },
            _ => bad(RuleOption::Scheme, SCHEME_EXPECTED),
        }
        (rules, issues)
    }
}

/// An exact count of identifiers. Always `end - start + 1`; at most 10^38.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(pub u128);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// How a series writes its members' bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Padding {
    /// Every member has exactly this many digits (`V0001`..`V0999`, or
    /// `V10000051`..`V10000060`).
    Fixed(usize),
    /// Members are written without leading zeros and the digit count grows
    /// (`9`..`12`).
    Natural,
}

/// A well-formed series: both ends parsed, same prefix and suffix,
/// compatible widths, start not after end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesRange<'a> {
    start: Serial<'a>,
    end: Serial<'a>,
    scheme: Scheme,
}

impl<'a> SeriesRange<'a> {
    /// The first identifier.
    pub fn start(&self) -> &Serial<'a> {
        &self.start
    }
    /// The last identifier.
    pub fn end(&self) -> &Serial<'a> {
        &self.end
    }
    /// The exact number of identifiers, without iterating.
    pub fn count(&self) -> Count {
        // start <= end is an invariant of construction, so this cannot wrap;
        // and end - start < 10^38 < u128::MAX, so + 1 cannot overflow.
        Count(self.end.body() - self.start.body() + 1)
    }
    /// How the members' bodies are written.
    pub fn padding(&self) -> Padding {
        if self.start.width() == self.end.width() {
            Padding::Fixed(self.start.width())
        } else {
            Padding::Natural
        }
    }
    /// The check-digit scheme members are written with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }
    /// The first identifier in its canonical spelling (see
    /// [`Serial::canonical`]): what is stored and answered back.
    pub fn start_text(&self) -> Cow<'a, str> {
        self.start.canonical()
    }
    /// The last identifier in its canonical spelling.
    pub fn end_text(&self) -> Cow<'a, str> {
        self.end.canonical()
    }
    /// The identifier whose serial is `body`, check digit included, or
    /// `None` outside the series: for showing the first and last of a
    /// sub-range (a conflict, a free gap) as real identifiers.
    ///
    /// ```
    /// use seriesguard::{input::Value, range::{validate, RuleValues, SeriesRules}};
    /// let (rules, _) = SeriesRules::from_values(&RuleValues {
    ///     format: Value::Text("awb"), ..RuleValues::default()
    /// });
    /// let v = validate(Value::Text("020-12345675"), Value::Text("020-12345686"), &rules);
    /// let range = v.range.unwrap();
    /// assert_eq!(range.count().0, 2);
    /// assert_eq!(range.identifier(1234568).as_deref(), Some("02012345686"));
    /// ```
    pub fn identifier(&self, body: u128) -> Option<String> {
        if body < self.start.body() || body > self.end.body() {
            return None;
        }
        let width = match self.padding() {
            Padding::Fixed(width) => width,
            Padding::Natural => 1,
        };
        Some(serial::format_checked(
            self.start.prefix(),
            body,
            width,
            self.scheme,
            self.start.suffix(),
        ))
    }
    /// The `n`-th member (0-based) as text, or `None` past the end.
    ///
    /// ```
    /// use seriesguard::{input::Value, range::{validate, SeriesRules}};
    /// let v = validate(Value::Text("V0098"), Value::Text("V0102"), &SeriesRules::default());
    /// let range = v.range.unwrap();
    /// assert_eq!(range.member(3).as_deref(), Some("V0101"));
    /// assert_eq!(range.member(5), None);
    /// ```
    pub fn member(&self, n: u128) -> Option<String> {
        if n >= self.count().0 {
            return None;
        }
        self.identifier(self.start.body() + n)
    }
}

/// The outcome of validating one series: every issue found, and the range
/// whenever start and end form one (even if a rule such as `maxCount` fails,
/// so a form can still show the count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation<'a> {
    /// The well-formed range, when there is one.
    pub range: Option<SeriesRange<'a>>,
    /// Every broken rule, in field order (start, end, then the pair).
    pub issues: Vec<SeriesError>,
}

impl Validation<'_> {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.issues.is_empty()
    }
    /// The exact count, when start and end form a range.
    pub fn count(&self) -> Option<Count> {
        self.range.map(|range| range.count())
    }
}

/// The range `start..end` when it is a valid series written as the rules
/// would write it back (no trimming, no separators), read in one pass;
/// `None` when this short reading cannot decide, and then [`validate`]
/// must (it always agrees: `tests/range_fast.rs`). Decided here: rules
/// without a format, scheme or required prefix, and ends of visible ASCII
/// that differ only in their digits. It is the common case of a form, a
/// query and a bulk load, where the general reading cost most of the time
/// in wasm (moving its results is a library call there).
///
/// ```
/// use seriesguard::range::{simple_range, SeriesRules};
/// let rules = SeriesRules::default();
/// let range = simple_range("V10000051", "V10000060", &rules).unwrap();
/// assert_eq!((range.start().prefix(), range.count().0), ("V", 10));
/// assert_eq!(simple_range("V10000060", "V10000051", &rules), None);
/// ```
pub fn simple_range<'a>(
    start: &'a str,
    end: &'a str,
    rules: &SeriesRules,
) -> Option<SeriesRange<'a>> {
    let (a, b) = simple_bodies(start, end, rules)?;
    let (start, end) = (
        serial::plain_serial(start, a)?,
        serial::plain_serial(end, b)?,
    );
    let count = end.body().checked_sub(start.body())? + 1;
    if rules.max_count.is_some_and(|max| count > max) {
        return None;
    }
    Some(SeriesRange {
        start,
        end,
        scheme: rules.scheme,
    })
}

/// What the one-pass reading decides without building a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simple {
    /// A valid series written as the rules write it back: its count
    /// ([`simple_range`]'s range's).
    Count(u128),
    /// Refused for one reason alone, its start after its end: the issue is
    /// `START_AFTER_END` with start and end as given.
    AfterEnd,
}

/// The common series and the common refusal, decided in one pass without
/// building a range (bodies of up to 19 digits); `None`: ask [`validate`]
/// (it always agrees: `tests/range_fast.rs`). What a form's check and a
/// bulk validation meet most.
///
/// ```
/// use seriesguard::range::{simple_check, Simple, SeriesRules};
/// let rules = SeriesRules::default();
/// assert_eq!(simple_check("V10000051", "V10000060", &rules), Some(Simple::Count(10)));
/// assert_eq!(simple_check("V10000060", "V10000051", &rules), Some(Simple::AfterEnd));
/// assert_eq!(simple_check("V10000051", "W10000060", &rules), None);
/// ```
pub fn simple_check(start: &str, end: &str, rules: &SeriesRules) -> Option<Simple> {
    let ((a0, a1), (b0, b1)) = simple_bodies(start, end, rules)?;
    let short = |text: &str, from: usize, to: usize| {
        let digits = text.as_bytes().get(from..to).filter(|d| d.len() <= 19)?;
        Some(serial::short_body(digits))
    };
    let (first, last) = (short(start, a0, a1)?, short(end, b0, b1)?);
    let Some(span) = last.checked_sub(first) else {
        return Some(Simple::AfterEnd);
    };
    let count = u128::from(span) + 1;
    match rules.max_count {
        Some(max) if count > max => None,
        _ => Some(Simple::Count(count)),
    }
}

/// A series of one pool read in one pass, as its parts: what a yes/no
/// query needs, without building its range (see [`simple_span`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span<'a> {
    /// Text before the digits of both ends.
    pub prefix: &'a str,
    /// Text after the digits of both ends.
    pub suffix: &'a str,
    /// Digits of both ends' bodies.
    pub width: usize,
    /// Start's serial.
    pub first: u128,
    /// End's serial.
    pub last: u128,
}

/// [`simple_range`] of ends of one width, as its parts: `Some` exactly when
/// `simple_range` answers a range whose ends have as many digits each.
/// Measured in wasm: a yes/no query spent a fifth of its time building and
/// moving the range (each move of a `Serial` a `memory.copy` call).
///
/// ```
/// use seriesguard::range::{simple_span, SeriesRules};
/// let rules = SeriesRules::default();
/// let span = simple_span("V10000051", "V10000060", &rules).unwrap();
/// assert_eq!((span.prefix, span.width, span.first, span.last), ("V", 8, 10000051, 10000060));
/// assert_eq!(simple_span("V9", "V12", &rules), None);
/// ```
pub fn simple_span<'a>(start: &'a str, end: &'a str, rules: &SeriesRules) -> Option<Span<'a>> {
    let ((a0, a1), (b0, b1)) = simple_bodies(start, end, rules)?;
    if a1 - a0 != b1 - b0 {
        return None;
    }
    let body = |text: &str, from: usize, to: usize| {
        text.as_bytes().get(from..to).map(crate::serial::parse_body)
    };
    let (first, last) = (body(start, a0, a1)?, body(end, b0, b1)?);
    let count = last.checked_sub(first)? + 1;
    if rules.max_count.is_some_and(|max| count > max) {
        return None;
    }
    Some(Span {
        prefix: start.get(..a0)?,
        suffix: start.get(a1..)?,
        width: a1 - a0,
        first,
        last,
    })
}

/// Where the bodies of `start` and `end` lie when the two agree on
/// everything but their digits under rules [`simple_range`] decides.
fn simple_bodies(
    start: &str,
    end: &str,
    rules: &SeriesRules,
) -> Option<((usize, usize), (usize, usize))> {
    if rules.format.is_some() || rules.scheme != Scheme::None || rules.prefix.is_some() {
        return None;
    }
    let (a, b) = (start.as_bytes(), end.as_bytes());
    let (a_start, a_end) = serial::plain_body(a)?;
    let (b_start, b_end) = serial::plain_body(b)?;
    // Every byte is visible ASCII, so the cuts fall between characters.
    let same = |x: Option<&str>, y: Option<&str>| {
        x.zip(y).is_some_and(|(x, y)| crate::input::same_text(x, y))
    };
    if !same(start.get(..a_start), end.get(..b_start))
        || !same(start.get(a_end..), end.get(b_end..))
    {
        return None;
    }
    if rules.numeric_only && (a_start > 0 || a_end < a.len()) {
        return None;
    }
    let (width, end_width) = (a_end - a_start, b_end - b_start);
    if rules.width.is_some_and(|w| w != width || w != end_width) {
        return None;
    }
    // Different widths are a natural series (`9`..`12`) only unpadded.
    let padded = |d: &[u8], from: usize, to: usize| to - from > 1 && d.get(from) == Some(&b'0');
    if width != end_width && (padded(a, a_start, a_end) || padded(b, b_start, b_end)) {
        return None;
    }
    Some(((a_start, a_end), (b_start, b_end)))
}

/// The range of a valid series, or every issue: [`validate`], with the
/// common case read first by [`simple_range`].
pub fn range_of<'a>(
    start: Value<'a>,
    end: Value<'a>,
    rules: &SeriesRules,
) -> Result<SeriesRange<'a>, Vec<SeriesError>> {
    if let (Value::Text(a), Value::Text(b)) = (start, end) {
        if let Some(range) = simple_range(a, b, rules) {
            return Ok(range);
        }
    }
    validated(start, end, rules)
}

/// The range of a valid series, or every issue, through [`validate`] alone
/// (for callers that tried the one-pass readings already).
pub fn validated<'a>(
    start: Value<'a>,
    end: Value<'a>,
    rules: &SeriesRules,
) -> Result<SeriesRange<'a>, Vec<SeriesError>> {
    let validation = validate(start, end, rules);
    match validation.range {
        Some(range) if validation.issues.is_empty() => Ok(range),
        _ => Err(validation.issues),
    }
}

/// Validates `start..end` against `rules`, reporting every issue at once.
///
/// ```
/// use seriesguard::{input::Value, range::{validate, Count, SeriesRules}};
/// let rules = SeriesRules::default();
/// let v = validate(Value::Text("V10000051"), Value::Text("V10000060"), &rules);
/// assert_eq!(v.count(), Some(Count(10)));
/// let v = validate(Value::Absent, Value::Absent, &rules);
/// let codes: Vec<_> = v.issues.iter().map(|i| i.code()).collect();
/// assert_eq!(codes, ["START_REQUIRED", "END_REQUIRED"]);
/// ```
pub fn validate<'a>(start: Value<'a>, end: Value<'a>, rules: &SeriesRules) -> Validation<'a> {
    let mut issues = Vec::new();
    let start = read(start, Field::Start, rules, &mut issues);
    let end = read(end, Field::End, rules, &mut issues);
    let range = match (start, end) {
        (Some(start), Some(end)) => pair(start, end, rules, &mut issues),
        _ => None,
    };
    if let (Some(range), Some(max)) = (range, rules.max_count) {
        let count = range.count().0;
        if count > max {
            issues.push(SeriesError::RangeTooLarge { count, max });
        }
    }
    Validation { range, issues }
}

/// Reads one identifier under `rules`. Returns it whenever it parses, even if
/// a per-identifier rule fails, so the pair can still be checked.
pub fn read<'a>(
    value: Value<'a>,
    field: Field,
    rules: &SeriesRules,
    issues: &mut Vec<SeriesError>,
) -> Option<Serial<'a>> {
    let text = match value {
        Value::Absent => {
            issues.push(SeriesError::Required { field });
            return None;
        }
        Value::Text(text) => text,
        other => {
            issues.push(SeriesError::Invalid {
                field,
                reason: Invalid::NotText(other.kind()),
            });
            return None;
        }
    };
    let grouped = rules.format.is_some_and(Format::allows_grouping);
    let mut parsed = match serial::parse_grouped(text, field, prefix_rule(rules), grouped) {
        Ok(parsed) => parsed,
        Err(issue) => {
            issues.push(issue);
            return None;
        }
    };
    if rules.numeric_only && !(parsed.prefix().is_empty() && parsed.suffix().is_empty()) {
        issues.push(SeriesError::Invalid {
            field,
            reason: Invalid::NotNumeric,
        });
    }
    match rules.format {
        Some(format) => {
            check_format(&parsed, format, field, issues);
            // One identity, one spelling: the separator after an airline
            // prefix is not part of the pool.
            if rules.prefix.is_none() {
                parsed.set_prefix(format.canonical_prefix(parsed.prefix()));
            }
        }
        // Digits the check digit does not cover are part of the number
        // unless a rule says they are a prefix: `1234-5678-9012-0018`
        // must not pass Luhn on `0018` alone.
        None if rules.scheme.has_check_digit()
            && rules.prefix.is_none()
            && parsed.prefix().bytes().any(|b| b.is_ascii_digit()) =>
        {
            issues.push(SeriesError::PrefixUndeclared {
                field,
                prefix: parsed.prefix().to_owned(),
                scheme: rules.scheme,
            });
        }
        None => {}
    }
    let parsed = match rules.scheme {
        Scheme::None => parsed,
        scheme => check_scheme(parsed, scheme, field, issues)?,
    };
    if let Some(width) = rules.width.filter(|&w| w != parsed.width()) {
        issues.push(SeriesError::WidthMismatch {
            field,
            expected: width,
            found: parsed.width(),
            because: Because::Rule,
        });
    }
    Some(parsed)
}

/// Where the parser ends the prefix under `rules`.
fn prefix_rule(rules: &SeriesRules) -> PrefixRule<'_> {
    match (&rules.prefix, rules.format) {
        (Some(prefix), _) => PrefixRule::Exact(prefix),
        (None, Some(format)) => format
            .leading_digit_prefix()
            .map_or(PrefixRule::Natural, PrefixRule::LeadingDigits),
        (None, None) => PrefixRule::Natural,
    }
}

/// Reports where an identifier departs from a named format's shape.
fn check_format(parsed: &Serial<'_>, format: Format, field: Field, issues: &mut Vec<SeriesError>) {
    let because = Because::Format(format);
    if !format.prefix_shape().matches(parsed.prefix()) {
        issues.push(SeriesError::PrefixMismatch {
            field,
            expected: String::new(),
            found: parsed.prefix().to_owned(),
            because,
        });
    }
    if !format.suffix_shape().matches(parsed.suffix()) {
        issues.push(SeriesError::SuffixMismatch {
            field,
            expected: String::new(),
            found: parsed.suffix().to_owned(),
            because,
        });
    }
    if !format.digit_counts().contains(&parsed.width()) {
        issues.push(SeriesError::WidthMismatch {
            field,
            expected: format.digit_counts().first().copied().unwrap_or_default(),
            found: parsed.width(),
            because,
        });
    }
}

/// Sets the check digit apart and verifies it. The serial is returned even
/// when its check digit is wrong, so the count can still be shown.
fn check_scheme<'a>(
    parsed: Serial<'a>,
    scheme: Scheme,
    field: Field,
    issues: &mut Vec<SeriesError>,
) -> Option<Serial<'a>> {
    let Some(checked) = parsed.with_check_digit() else {
        issues.push(SeriesError::Invalid {
            field,
            reason: Invalid::NoSerialDigits,
        });
        return None;
    };
    let expected = match scheme.serial_width() {
        Some(width) if width != checked.width() => {
            issues.push(SeriesError::WidthMismatch {
                field,
                expected: width,
                found: checked.width(),
                because: Because::Scheme(scheme),
            });
            return Some(checked);
        }
        _ => scheme.compute(checked.digits().as_bytes()),
    };
    if let (Some(expected), Some(found)) = (expected, checked.check_digit()) {
        if expected != found {
            issues.push(SeriesError::CheckDigitInvalid {
                field,
                scheme,
                expected,
                found,
            });
        }
    }
    Some(checked)
}

/// Checks that two identifiers form a series; the range when they do.
fn pair<'a>(
    start: Serial<'a>,
    end: Serial<'a>,
    rules: &SeriesRules,
    issues: &mut Vec<SeriesError>,
) -> Option<SeriesRange<'a>> {
    let before = issues.len();
    if !crate::input::same_text(start.prefix(), end.prefix()) {
        issues.push(SeriesError::PrefixMismatch {
            field: Field::End,
            expected: start.prefix().to_owned(),
            found: end.prefix().to_owned(),
            because: Because::Start,
        });
    }
    if !crate::input::same_text(start.suffix(), end.suffix()) {
        issues.push(SeriesError::SuffixMismatch {
            field: Field::End,
            expected: start.suffix().to_owned(),
            found: end.suffix().to_owned(),
            because: Because::Start,
        });
    }
    // Different widths are a natural series (`9`..`12`) unless a zero pad or
    // a fixed `rules.width` says every member has one width. A fixed
    // `rules.width` has already reported each end on its own.
    // A named format has fixed lengths: a GTIN-8 and a GTIN-13 are never
    // one series.
    let padded = start.is_zero_padded() || end.is_zero_padded();
    let fixed = padded || rules.width.is_some() || rules.format.is_some();
    let widths_clash = start.width() != end.width() && fixed;
    // Each end's own width has been judged by the rule or the format already.
    let judged = rules.width.is_some()
        || rules.format.is_some_and(|f| {
            [start.width(), end.width()]
                .iter()
                .any(|w| !f.digit_counts().contains(&(w + 1)))
        });
    if widths_clash && !judged {
        issues.push(SeriesError::WidthMismatch {
            field: Field::End,
            expected: start.width(),
            found: end.width(),
            because: rules.format.map_or(Because::Start, Because::FixedLength),
        });
    }
    // Comparing bodies is meaningful only between identifiers of one family.
    if widths_clash || issues.len() > before {
        return None;
    }
    if start.body() > end.body() {
        issues.push(SeriesError::StartAfterEnd {
            start: start.text().to_owned(),
            end: end.text().to_owned(),
        });
        return None;
    }
    Some(SeriesRange {
        start,
        end,
        scheme: rules.scheme,
    })
}

/// The rules a scheme or format name stands for, as `checkDigit` and
/// `verifyCheckDigit` take it: `"luhn"` is `{ scheme: "luhn" }`, `"awb"` is
/// `{ format: "awb" }` (so the airline prefix is set apart).
pub fn rules_for_name(name: Value<'_>) -> Result<SeriesRules, SeriesError> {
    let invalid = |reason| SeriesError::Invalid {
        field: Field::Scheme,
        reason,
    };
    let text = match name {
        Value::Absent => {
            return Err(SeriesError::Required {
                field: Field::Scheme,
            })
        }
        Value::Text(text) => text.trim(),
        other => return Err(invalid(Invalid::NotText(other.kind()))),
    };
    if let Some(format) = Format::from_name(text) {
        return Ok(SeriesRules {
            format: Some(format),
            scheme: format.scheme(),
            ..SeriesRules::default()
        });
    }
    match Scheme::from_name(text) {
        Some(scheme) => Ok(SeriesRules {
            scheme,
            ..SeriesRules::default()
        }),
        None => Err(invalid(Invalid::UnknownScheme)),
    }
}

/// The check digit a scheme or format gives a serial. Under a bare scheme
/// the serial is ASCII digits only. Under a format it is the identifier
/// with its check digit left out, as the format writes it (separators it
/// allows included): `0201234567` or `020-1234567` for an air waybill
/// (mod 7 of the 7-digit serial, the airline prefix set apart, as
/// `verifyCheckDigit` reads `02012345675`), 14 digits for an IMEI; for the
/// formats with letters or an airline prefix (awb, s10) the bare serial
/// digits are accepted too. A serial of the wrong length is
/// `WIDTH_MISMATCH`.
///
/// ```
/// use seriesguard::{input::Value, range::check_digit_of};
/// assert_eq!(check_digit_of(Value::Text("s10"), Value::Text("47312482")), Ok(9));
/// assert_eq!(check_digit_of(Value::Text("awb"), Value::Text("0201234567")), Ok(5));
/// assert_eq!(check_digit_of(Value::Text("imei"), Value::Text("3520990017614")).unwrap_err().code(), "WIDTH_MISMATCH");
/// assert_eq!(check_digit_of(Value::Text("luhn"), Value::Text("x")).unwrap_err().code(), "SERIAL_INVALID");
/// ```
pub fn check_digit_of(name: Value<'_>, serial: Value<'_>) -> Result<u8, SeriesError> {
    let rules = rules_for_name(name)?;
    let scheme = rules.scheme;
    let field = Field::Serial;
    let text = match serial {
        Value::Absent => return Err(SeriesError::Required { field }),
        Value::Text(text) => text.trim(),
        other => {
            return Err(SeriesError::Invalid {
                field,
                reason: Invalid::NotText(other.kind()),
            })
        }
    };
    if text.is_empty() {
        return Err(SeriesError::Required { field });
    }
    let not_digits = || SeriesError::Invalid {
        field,
        reason: Invalid::Rule("must be the serial's digits only (1 to 37 ASCII digits)"),
    };
    let bare = |parsed: &Serial<'_>| parsed.prefix().is_empty() && parsed.suffix().is_empty();
    let (body, width) = match rules.format {
        None => {
            let parsed = serial::parse(text, field, PrefixRule::Natural)?;
            if !bare(&parsed) || parsed.width() >= MAX_DIGITS {
                return Err(not_digits());
            }
            if let Some(width) = scheme.serial_width().filter(|&w| w != parsed.width()) {
                return Err(SeriesError::WidthMismatch {
                    field,
                    expected: width,
                    found: parsed.width(),
                    because: Because::Scheme(scheme),
                });
            }
            (parsed.body(), parsed.width())
        }
        Some(format) => {
            // A serial of `w` digits fits when the format has `w + 1` (its check digit).
            let fits = |w: usize| format.digit_counts().contains(&(w + 1));
            let serial_only = format.prefix_shape() != crate::formats::Shape::Empty
                || format.suffix_shape() != crate::formats::Shape::Empty;
            // Bare digits are the serial alone, unless they are as many as an
            // airline prefix and a serial (`0201234567`).
            let plain = serial::parse(text, field, PrefixRule::Natural)?;
            let with_prefix = format
                .leading_digit_prefix()
                .is_some_and(|n| plain.width() > n && fits(plain.width() - n));
            let parsed = if serial_only && bare(&plain) && !with_prefix {
                plain
            } else {
                let parsed = serial::parse_grouped(
                    text,
                    field,
                    prefix_rule(&rules),
                    format.allows_grouping(),
                )?;
                let mut issues = Vec::new();
                check_format(&parsed, format, field, &mut issues);
                match issues.into_iter().find(|i| i.code() != "WIDTH_MISMATCH") {
                    Some(issue) => return Err(issue),
                    None => parsed,
                }
            };
            if !fits(parsed.width()) {
                return Err(SeriesError::WidthMismatch {
                    field,
                    expected: format.digit_counts().first().map_or(0, |n| n - 1),
                    found: parsed.width(),
                    because: Because::FormatSerial(format),
                });
            }
            (parsed.body(), parsed.width())
        }
    };
    scheme
        .compute_value(body, width)
        .ok_or(SeriesError::Invalid {
            field: Field::Scheme,
            reason: Invalid::Rule("none has no check digit"),
        })
}

/// True when `id` is a well-formed identifier whose check digit is right
/// under the scheme or format `name`. Under a bare scheme the identifier
/// is digits only (the scheme covers every digit); under a format it is
/// what the format accepts, separators included. Only a wrong name or a
/// non-string `id` is an error; any string is an answer.
///
/// ```
/// use seriesguard::{input::Value, range::verify_check_digit};
/// assert_eq!(verify_check_digit(Value::Text("s10"), Value::Text("RR473124829GB")), Ok(true));
/// assert_eq!(verify_check_digit(Value::Text("awb"), Value::Text("02012345675")), Ok(true));
/// assert_eq!(verify_check_digit(Value::Text("imei"), Value::Text("490154203237519")), Ok(false));
/// ```
pub fn verify_check_digit(name: Value<'_>, id: Value<'_>) -> Result<bool, SeriesError> {
    let mut rules = rules_for_name(name)?;
    rules.numeric_only = rules.format.is_none();
    if let other @ (Value::Number(_)
    | Value::BigInt(_)
    | Value::Bool(_)
    | Value::Object
    | Value::Other(_)) = id
    {
        return Err(SeriesError::Invalid {
            field: Field::Serial,
            reason: Invalid::NotText(other.kind()),
        });
    }
    let mut issues = Vec::new();
    let parsed = read(id, Field::Serial, &rules, &mut issues);
    Ok(parsed.is_some() && issues.is_empty())
}
